package com.valoratbot.core.port.ops;

import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import java.time.Duration;

/**
 * What the worker's runtime tells an operator's metrics (docs/operations.md): each row it claims and
 * each outcome it decides. Core records through this port so it never depends on a metrics library;
 * the library's Micrometer adapter implements it, and {@link #NONE} (the default) records nothing.
 *
 * <p>Called on the claim loop and the command threads: an implementation must be quick and must not
 * block. The runtime guards every call ({@link #guarded}): a metric that throws never loses a command.
 */
public interface WorkerMetrics {

    /** Records nothing: the runtime's default, and what an embedder without metrics gets. */
    WorkerMetrics NONE = new WorkerMetrics() {};

    /**
     * A row this worker just claimed, before anything is decided about it. Its {@link QueuedCommand#age()}
     * is the pickup latency: claim time minus {@code created_at}, both by the database's clock (null
     * when the table has no {@code created_at}).
     */
    default void claimed(QueuedCommand row) {}

    /**
     * A command's outcome, decided here: run to a result, answered without running (expired, refused,
     * unknown guild) with {@code ran} zero, or ended {@code interrupted} after its worker died.
     *
     * @param row     as claimed: its {@code action} is the dashboard's text, unchecked (bound its cardinality)
     * @param outcome the result about to be written: {@code ok}, or the contract's {@code code} in its JSON
     * @param ran     how long the handler ran, by the worker's clock
     */
    default void finished(QueuedCommand row, Completion outcome, Duration ran) {}

    /**
     * {@code metrics} with every call caught: a failing metric is logged once and otherwise
     * ignored, since the claim loop treats any exception as the database being down and a command
     * it had claimed would then wait for the lease recovery.
     */
    static WorkerMetrics guarded(WorkerMetrics metrics) {
        if (metrics == NONE) return NONE;
        return new WorkerMetrics() {
            private volatile boolean logged;

            @Override
            public void claimed(QueuedCommand row) {
                try {
                    metrics.claimed(row);
                } catch (RuntimeException e) {
                    failed(e);
                }
            }

            @Override
            public void finished(QueuedCommand row, Completion outcome, Duration ran) {
                try {
                    metrics.finished(row, outcome, ran);
                } catch (RuntimeException e) {
                    failed(e);
                }
            }

            private void failed(RuntimeException e) {
                if (logged) return;
                logged = true;
                System.getLogger(WorkerMetrics.class.getName())
                        .log(
                                System.Logger.Level.WARNING,
                                "recording a metric failed; later failures are not logged",
                                e);
            }
        };
    }
}
