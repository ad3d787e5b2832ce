package com.valoratbot.library;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only moves forward at the rate of {@link System#nanoTime()}, anchored once on the wall
 * clock: lease fencing needs elapsed time, and a wall clock stepped backwards (NTP, a VM resumed)
 * would push a shard's local give-up deadline past the database's expiry (docs/scaling.md).
 */
final class MonotonicClock extends Clock {

    private final Instant anchor;
    private final long anchorNanos;

    MonotonicClock() {
        this(Instant.now(), System.nanoTime());
    }

    private MonotonicClock(Instant anchor, long anchorNanos) {
        this.anchor = anchor;
        this.anchorNanos = anchorNanos;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        // Instants only: the zone is irrelevant to fencing, so the same monotonic source is kept.
        return this;
    }

    @Override
    public Instant instant() {
        return anchor.plusNanos(System.nanoTime() - anchorNanos);
    }
}
