package com.valoratbot.core.schedule;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.JobTimer;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** What both scheduling use cases do around a due job's Discord call. */
final class ScheduledJobs {

    private static final System.Logger LOG = System.getLogger(ScheduledJobs.class.getName());

    private ScheduledJobs() {}

    /**
     * Re-creates the job of every stored item the timer lacks (it was stored but its job could not
     * be), then starts the timer, which runs what became due meanwhile.
     *
     * @return how many jobs were re-created
     */
    static <T> int repairThenStart(
            JobTimer timer,
            Collection<T> stored,
            Function<T, String> jobId,
            Function<T, Instant> dueAt,
            JobTimer.Run run) {
        Set<String> jobs = timer.jobIds();
        int repaired = 0;
        for (T item : stored) {
            String id = jobId.apply(item);
            if (!jobs.contains(id) && timer.scheduleIfAbsent(id, dueAt.apply(item))) repaired++;
        }
        timer.start(run);
        return repaired;
    }

    /**
     * Runs the post, turning an unexpected exception into {@code internal_error}: the outcome is
     * stored like any refusal, so the row never stays sending or posting because an adapter threw.
     */
    static Result<Snowflake> guarded(String what, Supplier<Result<Snowflake>> post) {
        try {
            return post.get();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, what + " failed unexpectedly", e);
            return Result.err(ErrorCode.INTERNAL_ERROR, "internal_error");
        }
    }
}
