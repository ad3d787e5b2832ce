package com.valoratbot.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one clock tests move by hand (production code takes a {@link Clock}, never reads the time
 * itself). Volatile: the code under test reads it from its own threads (db-scheduler, JDA's event
 * threads, a publisher's loop) while the test moves it.
 */
public final class TestClock extends Clock {

    private volatile Instant now;

    public TestClock(Instant start) {
        this.now = start;
    }

    /** A clock at {@code instant} (ISO-8601, e.g. {@code 2026-03-02T10:00:00Z}). */
    public static TestClock at(String instant) {
        return new TestClock(Instant.parse(instant));
    }

    public void set(Instant instant) {
        now = instant;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
