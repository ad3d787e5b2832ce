package com.valoratbot.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that becomes true asynchronously. */
public final class Eventually {

    private Eventually() {}

    /** Polls every 20 ms; fails with {@code what} when it is still false after {@code max}. Returns the time it took. */
    public static Duration within(Duration max, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return Duration.ofNanos(System.nanoTime() - start);
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + max + ": " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    /** Lets background work run for a while, for checks that something did NOT happen meanwhile. */
    public static void quietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
