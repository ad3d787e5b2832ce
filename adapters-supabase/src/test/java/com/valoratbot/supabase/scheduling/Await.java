package com.valoratbot.supabase.scheduling;

import java.time.Duration;
import java.util.function.BooleanSupplier;

final class Await {

    private Await() {}

    /** Waits until the condition holds, failing after {@code max}. */
    static void until(Duration max, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    /** Lets background work run for a while, for checks that something did NOT happen. */
    static void quietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
