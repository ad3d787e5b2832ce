package com.valoratbot.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The three durations the queue and the worker must agree on, given to both as one value: the
 * queue's SQL presumes a worker dead after {@code lease} without a heartbeat, the worker renews it
 * every {@code heartbeat}, and both poll every {@code pollInterval} when no notification comes.
 * Set apart on the queue and on the worker, a lease shortened on one side only would let a live
 * worker's commands be taken over.
 *
 * @param lease        how long without a heartbeat before a worker's commands are taken over
 * @param heartbeat    how often a worker renews its lease; shorter than the lease
 * @param pollInterval the polling fallback when no notification arrives
 */
public record QueueTiming(Duration lease, Duration heartbeat, Duration pollInterval) {

    /** Lease 30 s, heartbeat 10 s (a third of it), poll 500 ms: the worker's defaults (docs/configuration.md). */
    public static final QueueTiming DEFAULT = of(Duration.ofSeconds(30), Duration.ofMillis(500));

    public QueueTiming {
        positive("lease", lease);
        positive("heartbeat", heartbeat);
        positive("pollInterval", pollInterval);
        // A heartbeat as long as the lease lets one late beat hand a live worker's commands to another.
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException(
                    "heartbeat must be shorter than the lease, was " + heartbeat + " for a lease of " + lease);
        }
    }

    /** The heartbeat a third of the lease, so two missed beats still keep it. */
    public static QueueTiming of(Duration lease, Duration pollInterval) {
        positive("lease", lease);
        return new QueueTiming(lease, lease.dividedBy(3), pollInterval);
    }

    public QueueTiming withLease(Duration v) {
        return of(v, pollInterval);
    }

    public QueueTiming withPollInterval(Duration v) {
        return new QueueTiming(lease, heartbeat, v);
    }

    private static void positive(String name, Duration v) {
        Objects.requireNonNull(v, name);
        if (v.isNegative() || v.isZero()) throw new IllegalArgumentException(name + " must be positive, was " + v);
    }
}
