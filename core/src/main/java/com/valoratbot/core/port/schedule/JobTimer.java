package com.valoratbot.core.port.schedule;

import com.valoratbot.core.command.Snowflake;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Calls a scheduling use case back when one of its jobs comes due, across every worker sharing the
 * database: a due job runs on one worker at a time, a run whose worker died runs again elsewhere, and
 * jobs that came due while no worker ran are run at start. A job is only an id and a time; what it
 * means lives in the use case's own store, which stays the truth (the timer only says when to look).
 *
 * <p>One timer serves one use case (one kind of job), so a job id is unique within the timer.
 */
public interface JobTimer extends AutoCloseable {

    /** This worker's name in the job tables; use cases record it as who attempted a job. */
    String workerName();

    /** The ids of every job the timer holds, due or not, running or not: what a start-up repair compares its store with. */
    Set<String> jobIds();

    /** Adds the job at {@code at} unless the timer already holds one with this id; true when added. */
    boolean scheduleIfAbsent(String jobId, Instant at);

    /**
     * Sets the job's time, adding the job when it is missing. A job running right now is left alone:
     * its run's {@link Next} decides its next time.
     */
    void reschedule(String jobId, Instant at);

    /** Removes a job that is not running. Best effort: a running or missing job is left to its run. */
    void cancel(String jobId);

    /** Starts calling {@code run} for due jobs; once. Starting after {@link #close()} is a bug and throws. */
    void start(Run run);

    /** Looks for due jobs now rather than at the next poll. */
    void checkNow();

    /** Stops taking due jobs, waiting a bounded time for those running. Closing twice, or unstarted, is harmless. */
    @Override
    void close();

    /** One due job's run. Throwing is a failure the timer retries later. */
    @FunctionalInterface
    interface Run {

        /**
         * @param jobId         the job's id
         * @param executionTime when the timer had it due (not when it runs)
         */
        Next run(String jobId, Instant executionTime);
    }

    /** What becomes of a job after a run: a value, so the timer alone knows how to apply it. */
    sealed interface Next {

        /** The job is over: the timer forgets it. */
        record Finished() implements Next {}

        /** The job runs again at {@code at} (handed to another worker, waiting for a rate limit, next week). */
        record Again(Instant at) implements Next {
            public Again {
                Objects.requireNonNull(at, "at");
            }
        }

        /**
         * This worker does not hold {@code guild}: the job runs again at {@code at}, and the timer
         * tells a worker that holds the guild to look for it then. Timers poll on fixed periods, so
         * without that word a worker whose poll comes just before the holder's would take the job back
         * at every offer, and the holder would never see it due until the grace ran out.
         */
        record HandOff(Instant at, Snowflake guild) implements Next {
            public HandOff {
                Objects.requireNonNull(at, "at");
                Objects.requireNonNull(guild, "guild");
            }
        }

        static Next finished() {
            return new Finished();
        }

        static Next at(Instant at) {
            return new Again(at);
        }

        static Next handOff(Instant at, Snowflake guild) {
            return new HandOff(at, guild);
        }
    }
}
