package com.valoratbot.supabase.scheduling;

import com.github.kagkarlsson.scheduler.Scheduler;

/**
 * Starts a db-scheduler {@link Scheduler} once and stops it once, for the job facades: starting twice
 * or after closing is a bug to report; closing twice, or before starting, is harmless.
 */
final class SchedulerLifecycle {

    private final Scheduler scheduler;
    private boolean started;
    private boolean closed;

    SchedulerLifecycle(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code beforeStart} (repairs of the job tables), then starts polling for due executions. */
    synchronized void start(Runnable beforeStart) {
        if (closed) throw new IllegalStateException("closed");
        if (started) throw new IllegalStateException("already started");
        started = true;
        beforeStart.run();
        scheduler.start();
    }

    /** Stops picking due executions, waiting (up to 30 s) for those running. */
    synchronized void close() {
        if (closed) return;
        closed = true;
        if (started) scheduler.stop();
    }

    /** Looks for due executions now rather than at the next poll. */
    void checkNow() {
        scheduler.triggerCheckForDueExecutions();
    }
}
