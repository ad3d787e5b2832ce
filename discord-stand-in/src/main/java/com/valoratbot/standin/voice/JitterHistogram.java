package com.valoratbot.standin.voice;

/**
 * How far the arrival interval of consecutive audio packets strays from Discord's 20 ms frame duration:
 * {@code |interval - 20 ms|} in 50 µs buckets up to 100 ms (larger deviations share the last bucket).
 * Written by the UDP receiver thread, read by anyone; the lock is uncontended in practice.
 */
public final class JitterHistogram {

    static final long FRAME_NANOS = 20_000_000L;
    private static final long BUCKET_NANOS = 50_000L;
    private static final int BUCKETS = 2_001;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long maxDeviationNanos;

    synchronized void recordInterval(long intervalNanos) {
        long deviation = Math.abs(intervalNanos - FRAME_NANOS);
        counts[(int) Math.min(BUCKETS - 1, deviation / BUCKET_NANOS)]++;
        total++;
        if (deviation > maxDeviationNanos) maxDeviationNanos = deviation;
    }

    public synchronized void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        maxDeviationNanos = 0;
    }

    synchronized void addTo(JitterHistogram target) {
        synchronized (target) {
            for (int i = 0; i < BUCKETS; i++) target.counts[i] += counts[i];
            target.total += total;
            target.maxDeviationNanos = Math.max(target.maxDeviationNanos, maxDeviationNanos);
        }
    }

    public synchronized long samples() {
        return total;
    }

    /** The deviation in milliseconds below which {@code quantile} (0..1) of the intervals fall; 0 without samples. */
    public synchronized double deviationMs(double quantile) {
        if (total == 0) return 0;
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) return (i + 1) * BUCKET_NANOS / 1_000_000.0;
        }
        return maxDeviationNanos / 1_000_000.0;
    }

    public synchronized double maxDeviationMs() {
        return maxDeviationNanos / 1_000_000.0;
    }

    /** A copy, safe to read while the receiver keeps recording into this one. */
    public JitterHistogram snapshot() {
        JitterHistogram copy = new JitterHistogram();
        addTo(copy);
        return copy;
    }
}
