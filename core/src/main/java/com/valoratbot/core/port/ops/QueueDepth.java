package com.valoratbot.core.port.ops;

import java.time.Duration;
import java.util.Optional;

/**
 * How much work waits in the command table, for every worker of it (not only this one): the
 * operator's queue-depth gauges (docs/operations.md). Read when metrics are scraped, so it must be
 * one cheap query bounded in time.
 */
@FunctionalInterface
public interface QueueDepth {

    /**
     * @throws RuntimeException when the database cannot answer in time (the gauges then keep their last figures)
     */
    Depth read();

    /**
     * @param pending       rows waiting to be claimed (another consumer's actions left out)
     * @param processing    rows claimed and not yet ended, by any worker
     * @param oldestPending how long the oldest pending row has waited, by the database's clock; empty
     *                      when none waits or the table has no {@code created_at}
     */
    record Depth(long pending, long processing, Optional<Duration> oldestPending) {}
}
