package com.valoratbot.core.command;

import java.util.Optional;

/**
 * A Discord id. Kept as a value type so a channel id can never be passed where a guild id is
 * expected by accident of argument order. Discord ids are unsigned 64-bit, but every id Discord
 * has issued fits a positive signed long (the timestamp bits will not overflow before 2084).
 */
public record Snowflake(long value) implements Comparable<Snowflake> {

    /** The Discord epoch (2015-01-01T00:00:00Z), origin of the timestamp in an id's top 42 bits. */
    public static final long DISCORD_EPOCH_MILLIS = 1_420_070_400_000L;

    public Snowflake {
        if (value <= 0) throw new IllegalArgumentException("a snowflake is a positive number: " + value);
    }

    public static Snowflake of(long value) {
        return new Snowflake(value);
    }

    /** Parses the decimal form Discord and the dashboard use; empty when it is not a snowflake. */
    public static Optional<Snowflake> parse(String text) {
        if (text == null) return Optional.empty();
        String t = text.strip();
        if (t.isEmpty() || t.length() > 20 || !t.chars().allMatch(Character::isDigit)) return Optional.empty();
        try {
            long v = Long.parseLong(t);
            return v > 0 ? Optional.of(new Snowflake(v)) : Optional.empty();
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    public long timestampMillis() {
        return (value >>> 22) + DISCORD_EPOCH_MILLIS;
    }

    @Override
    public int compareTo(Snowflake o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
