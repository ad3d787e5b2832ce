package com.valoratbot.standin;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Discord snowflakes: the creation time sits in the top 42 bits, in milliseconds since Discord's epoch.
 *
 * <p>The stand-in mints real snowflakes because Discord derives a message's age from its id alone
 * (the 14-day bulk-delete rule, JDA's {@code TimeUtil.getTimeCreated}), so a message seeded as
 * "20 days old" must carry an id from 20 days ago.
 */
public final class Snowflakes {

    /** Discord's epoch, 2015-01-01T00:00:00Z, the zero of every snowflake's timestamp. */
    public static final long DISCORD_EPOCH_MS = 1_420_070_400_000L;

    private static final int TIMESTAMP_SHIFT = 22;
    private static final long LOW_BITS_MASK = (1L << TIMESTAMP_SHIFT) - 1;
    // The 22 low bits (worker, process, increment) only keep ids minted in the same millisecond apart,
    // so one JVM-wide counter is enough.
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Snowflakes() {}

    /** A new id whose timestamp says {@code createdAt}; unique within this JVM. */
    public static long at(Instant createdAt) {
        long sinceEpoch = createdAt.toEpochMilli() - DISCORD_EPOCH_MS;
        if (sinceEpoch < 0) {
            throw new IllegalArgumentException("A snowflake cannot predate Discord's epoch (2015-01-01): " + createdAt);
        }
        return (sinceEpoch << TIMESTAMP_SHIFT) | (SEQUENCE.getAndIncrement() & LOW_BITS_MASK);
    }

    /** A new id for the current instant. */
    public static long now() {
        return at(Instant.now());
    }

    /** The creation time encoded in {@code id}. */
    public static Instant timestampOf(long id) {
        return Instant.ofEpochMilli((id >>> TIMESTAMP_SHIFT) + DISCORD_EPOCH_MS);
    }

    /** The smallest id that any snowflake created at {@code instant} can have (used for time comparisons). */
    public static long lowestAt(Instant instant) {
        return (instant.toEpochMilli() - DISCORD_EPOCH_MS) << TIMESTAMP_SHIFT;
    }
}
