package com.valoratbot.supabase.scheduling;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.Task;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

/** The db-scheduler settings both schedulers of this package share. */
final class DbSchedulers {

    private DbSchedulers() {}

    static Scheduler build(DataSource dataSource, String table, Task<?> task, Clock clock, String name, int threads,
                           Duration pollingInterval, Duration heartbeatInterval) {
        return Scheduler.create(dataSource, task)
                .tableName(table)
                .clock(clock::instant)
                .schedulerName(new SchedulerName.Fixed(name))
                .threads(threads)
                .pollingInterval(pollingInterval)
                .heartbeatInterval(heartbeatInterval)
                .missedHeartbeatsLimit(6)
                .enableImmediateExecution()
                .commitWhenAutocommitDisabled(true)
                .shutdownMaxWait(Duration.ofSeconds(30))
                .failureLogging(LogLevel.WARN, true)
                .build();
    }

    /** host#pid: tells workers apart in the tables' picked_by and attempted_by columns. */
    static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "worker";
        }
        return host + "#" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, was " + d);
        return d;
    }
}
