package com.valoratbot.core.shard;

import java.time.Duration;

/**
 * Discord's daily budget of session starts ({@code GET /gateway/bot}'s {@code session_start_limit}:
 * {@code total}, usually 1,000 a day, and {@code remaining}). Every IDENTIFY spends one; Discord's
 * gateway docs say that running out terminates the bot's sessions and resets its token, which takes
 * an operator to fix. A worker in a restart loop (or a shard failing again and again) could spend
 * them all, so a process keeps a reserve it never spends: below it, it refuses to IDENTIFY (the
 * shard waits, retried with back-off) until Discord resets the budget, and says why in one clear line.
 */
public final class SessionStartBudget {

    /** What {@code GET /gateway/bot} said. */
    public record Limit(int total, int remaining, Duration resetAfter) {}

    public sealed interface Verdict {
        /** Spend it. */
        record Plenty() implements Verdict {}

        /** Spend it, but warn: the reserve is near. */
        record Low(String message) implements Verdict {}

        /** Do not IDENTIFY: what is left is the reserve. */
        record Exhausted(String message) implements Verdict {}
    }

    private SessionStartBudget() {}

    /** The part of the budget a process never spends by default: 5 % of it (50 of 1,000), at least 1. */
    public static int defaultReserve(int total) {
        return Math.max(1, total / 20);
    }

    /**
     * @param spentSince IDENTIFYs this process sent since {@code limit} was read (other processes'
     *                   are in the next reading)
     */
    public static Verdict judge(Limit limit, int spentSince, int reserve) {
        int left = Math.max(0, limit.remaining() - spentSince);
        String figures = left + " of " + limit.total() + " daily session starts (IDENTIFY) left, reset in "
                + hoursMinutes(limit.resetAfter());
        if (left <= reserve)
            return new Verdict.Exhausted(figures + "; refusing to IDENTIFY so as to keep the last " + reserve
                    + " (Discord resets the bot's token when they run out): is a worker restarting in a loop?");
        if (left <= Math.max(2 * reserve, limit.total() / 10))
            return new Verdict.Low(figures + "; at " + reserve + " or fewer this process stops starting sessions");
        return new Verdict.Plenty();
    }

    private static String hoursMinutes(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        return minutes / 60 + " h " + minutes % 60 + " min";
    }
}
