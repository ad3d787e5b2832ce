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

    /** {@link Long#MAX_VALUE} has 19 digits: anything longer cannot be a snowflake. */
    static final int MAX_DIGITS = 19;

    /**
     * Parses the canonical decimal form Discord and the dashboard use; empty when it is not exactly
     * that. Canonical means ASCII {@code 0}–{@code 9} only — no sign, no whitespace, no leading zero —
     * so one id has one spelling: the claim orders a guild's commands by the {@code guild_id} text,
     * and {@code " 123"}, {@code "0123"} or fullwidth digits would otherwise act on the same guild
     * outside that order. {@link Character#isDigit} is not used: it accepts every script's digits,
     * which {@link Long#parseLong} then reads as the same number.
     */
    public static Optional<Snowflake> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_DIGITS || text.charAt(0) == '0')
            return Optional.empty();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return Optional.empty();
        }
        try {
            return Optional.of(new Snowflake(Long.parseLong(text)));
        } catch (NumberFormatException aboveLongMax) {
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
