package com.valoratbot.supabase;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sleep that a signal ends at once. A signal given while nobody sleeps ends the next sleep, so
 * none is lost between a check and the sleep that follows it.
 */
final class WakeSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean signalled;

    /** Sleeps up to {@code max}; returns true when woken by a signal, false on timeout. */
    boolean await(Duration max) throws InterruptedException {
        long left = Math.max(0, max.toNanos());
        lock.lockInterruptibly();
        try {
            while (!signalled && left > 0) left = changed.awaitNanos(left);
            boolean woken = signalled;
            signalled = false;
            return woken;
        } finally {
            lock.unlock();
        }
    }

    void wakeUp() {
        lock.lock();
        try {
            signalled = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
