package com.valoratbot.supabase.scheduling;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient.ScheduleOptions;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.valoratbot.core.port.schedule.JobTimer;
import com.valoratbot.supabase.PlainSql;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's {@link JobTimer} on db-scheduler: one task in one table per use case
 * ({@link #announcements}: {@code valoratbot.announcement_tasks}, task {@code valoratbot-announcement};
 * {@link #leaderboards}: {@code valoratbot.leaderboard_tasks}, task {@code valoratbot-weekly-leaderboard}),
 * job id = db-scheduler's instance id. db-scheduler lets one worker pick a due execution, revives
 * executions of workers that stopped heart-beating, and runs overdue ones at start; a run that throws
 * is retried after the task's retry delay.
 *
 * <p>Each use case has its own table, so neither scheduler sees the other's task as "unresolved"
 * (db-scheduler deletes unresolved executions after 14 days).
 */
public final class DbSchedulerTimer implements JobTimer {

    private static final Logger LOG = LoggerFactory.getLogger(DbSchedulerTimer.class);

    private final TaskDescriptor<Void> task;
    private final String table;
    private final String workerName;
    private final DSLContext sql;
    private final Scheduler scheduler;
    private volatile Run run;
    private boolean started;
    private boolean closed;

    private DbSchedulerTimer(Builder b) {
        this.task = TaskDescriptor.of(b.taskName);
        this.table = b.table;
        this.workerName = b.workerName;
        this.sql = PlainSql.on(b.dataSource);
        CustomTask<Void> custom = Tasks.custom(task)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(b.retryDelay))
                .onDeadExecutionRevive()
                .execute(this::execute);
        this.scheduler = Scheduler.create(b.dataSource, custom)
                .tableName(b.table)
                .clock(b.clock::instant)
                .schedulerName(new SchedulerName.Fixed(b.workerName))
                .threads(b.threads)
                .pollingInterval(b.pollingInterval)
                .heartbeatInterval(b.heartbeatInterval)
                .missedHeartbeatsLimit(6)
                .enableImmediateExecution()
                .commitWhenAutocommitDisabled(true)
                .shutdownMaxWait(Duration.ofSeconds(30))
                .failureLogging(LogLevel.WARN, true)
                .build();
    }

    /** Scheduled announcements' timer. Defaults: polling 5 s, 4 threads (at most 64), a failed run retried after 30 s. */
    public static Builder announcements(DataSource dataSource, Clock clock) {
        return new Builder(
                dataSource,
                clock,
                Tables.ANNOUNCEMENT_TASKS,
                "valoratbot-announcement",
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                4,
                64);
    }

    /** Weekly leaderboards' timer. Defaults: polling 10 s, 2 threads (at most 16), a failed run retried after 1 min. */
    public static Builder leaderboards(DataSource dataSource, Clock clock) {
        return new Builder(
                dataSource,
                clock,
                Tables.LEADERBOARD_TASKS,
                "valoratbot-weekly-leaderboard",
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                2,
                16);
    }

    private CompletionHandler<Void> execute(TaskInstance<Void> instance, ExecutionContext context) {
        Run r = run;
        if (r == null) throw new IllegalStateException("the timer runs jobs only once started");
        return switch (r.run(instance.getId(), context.getExecution().getExecutionTime())) {
            case Next.Finished() -> new CompletionHandler.OnCompleteRemove<>();
            case Next.Again(Instant at) -> (complete, ops) -> ops.reschedule(complete, at);
        };
    }

    @Override
    public String workerName() {
        return workerName;
    }

    @Override
    public Set<String> jobIds() {
        return new HashSet<>(
                sql.fetch("SELECT task_instance FROM " + table + " WHERE task_name = ?", task.getTaskName())
                        .getValues(0, String.class));
    }

    @Override
    public boolean scheduleIfAbsent(String jobId, Instant at) {
        return scheduler.scheduleIfNotExists(task.instance(jobId).build(), at);
    }

    @Override
    public void reschedule(String jobId, Instant at) {
        try {
            scheduler.schedule(task.instance(jobId).build(), at, ScheduleOptions.WHEN_EXISTS_RESCHEDULE);
        } catch (TaskInstanceException running) {
            LOG.debug("job {} of {} is running; its run sets its next time", jobId, task.getTaskName());
        }
    }

    @Override
    public void cancel(String jobId) {
        try {
            scheduler.cancel(task.instanceId(jobId));
        } catch (TaskInstanceException | IllegalStateException runningOrGone) {
            LOG.debug(
                    "job {} of {} not removed ({}); its run will see why",
                    jobId,
                    task.getTaskName(),
                    runningOrGone.toString());
        }
    }

    /** Starting twice or after closing is a bug to report; closing twice, or before starting, is harmless. */
    @Override
    public synchronized void start(Run run) {
        if (closed) throw new IllegalStateException("closed");
        if (started) throw new IllegalStateException("already started");
        started = true;
        this.run = Objects.requireNonNull(run, "run");
        scheduler.start();
    }

    @Override
    public void checkNow() {
        scheduler.triggerCheckForDueExecutions();
    }

    /** Stops picking due executions, waiting (up to 30 s) for those running. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (started) scheduler.stop();
    }

    public static final class Builder {
        private final DataSource dataSource;
        private final Clock clock;
        private final String table;
        private final String taskName;
        private final Duration retryDelay;
        private final int maxThreads;
        private Duration pollingInterval;
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private int threads;
        private String workerName = defaultName();

        private Builder(
                DataSource dataSource,
                Clock clock,
                String table,
                String taskName,
                Duration retryDelay,
                Duration pollingInterval,
                int threads,
                int maxThreads) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.clock = Objects.requireNonNull(clock, "clock");
            this.table = table;
            this.taskName = taskName;
            this.retryDelay = retryDelay;
            this.pollingInterval = pollingInterval;
            this.threads = threads;
            this.maxThreads = maxThreads;
        }

        /** How often db-scheduler looks for due jobs: the worst lateness. */
        public Builder pollingInterval(Duration v) {
            pollingInterval = positive("pollingInterval", v);
            return this;
        }

        /** A run whose worker stops heart-beating for 6 of these is revived elsewhere. Default 10 s. */
        public Builder heartbeatInterval(Duration v) {
            heartbeatInterval = positive("heartbeatInterval", v);
            return this;
        }

        /** Jobs run in parallel. */
        public Builder threads(int v) {
            if (v < 1 || v > maxThreads)
                throw new IllegalArgumentException("threads must be 1.." + maxThreads + ", was " + v);
            threads = v;
            return this;
        }

        /** This worker's name in picked_by (and the use cases' attempted_by). Default host#pid. */
        public Builder workerName(String v) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException("workerName must not be blank");
            workerName = v;
            return this;
        }

        public DbSchedulerTimer build() {
            return new DbSchedulerTimer(this);
        }
    }

    /** host#pid: tells workers apart in the tables' picked_by and attempted_by columns. */
    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "worker";
        }
        return host + "#" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero())
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        return d;
    }
}
