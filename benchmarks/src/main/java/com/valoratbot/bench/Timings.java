package com.valoratbot.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Monotonic timestamps per command id, taken in the benchmark's own JVM: when its insert committed,
 * when a claim marking it processing committed, and when its outcome committed.
 */
final class Timings {

    private final Map<String, Long> inserted = new ConcurrentHashMap<>();
    private final Map<String, Long> pickedUp = new ConcurrentHashMap<>();
    private final Map<String, Long> done = new ConcurrentHashMap<>();
    private volatile CountDownLatch remaining = new CountDownLatch(0);
    private final java.util.concurrent.atomic.LongAdder claimCalls = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder claimNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder claimed = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder completeCalls = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder completeNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder completed = new java.util.concurrent.atomic.LongAdder();

    /** Where the real worker's time goes: claim and complete statements, their counts and batch sizes. */
    void claimCall(long nanos, int rows) {
        claimCalls.increment();
        claimNanos.add(nanos);
        claimed.add(rows);
    }

    void completeCall(long nanos, int rows) {
        completeCalls.increment();
        completeNanos.add(nanos);
        completed.add(rows);
    }

    String callStats() {
        return String.format(
                java.util.Locale.ROOT,
                "claims=%d avgMs=%.2f avgRows=%.1f; completes=%d avgMs=%.2f avgRows=%.1f",
                claimCalls.sum(),
                claimNanos.sum() / 1e6 / Math.max(1, claimCalls.sum()),
                claimed.sum() / (double) Math.max(1, claimCalls.sum()),
                completeCalls.sum(),
                completeNanos.sum() / 1e6 / Math.max(1, completeCalls.sum()),
                completed.sum() / (double) Math.max(1, completeCalls.sum()));
    }

    void expect(int commands) {
        remaining = new CountDownLatch(commands);
    }

    void inserted(String id, long nanos) {
        inserted.put(id, nanos);
    }

    void pickedUp(String id) {
        pickedUp.putIfAbsent(id, System.nanoTime());
    }

    void done(String id) {
        if (done.putIfAbsent(id, System.nanoTime()) == null) remaining.countDown();
    }

    boolean awaitAll(long seconds) throws InterruptedException {
        return remaining.await(seconds, TimeUnit.SECONDS);
    }

    double[] pickupMillis() {
        return between(inserted, pickedUp);
    }

    double[] endToEndMillis() {
        return between(inserted, done);
    }

    long firstInsert() {
        return inserted.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    long lastDone() {
        return done.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    private static double[] between(Map<String, Long> from, Map<String, Long> to) {
        return from.entrySet().stream()
                .filter(e -> to.containsKey(e.getKey()))
                .mapToDouble(e -> (to.get(e.getKey()) - e.getValue()) / 1e6)
                .sorted()
                .toArray();
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    void clear() {
        claimCalls.reset();
        claimNanos.reset();
        claimed.reset();
        completeCalls.reset();
        completeNanos.reset();
        completed.reset();
        inserted.clear();
        pickedUp.clear();
        done.clear();
    }

    static String median(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return String.format(java.util.Locale.ROOT, "%.3f", percentile(copy, 50));
    }
}
