package com.valoratbot.standin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-route request budgets, scoped like Discord's buckets: one window per route and major parameter
 * (channel or guild id). Routes without a configured rule are never limited but still get headers.
 */
final class RateLimiter {

    record Rule(int limit, Duration window) {}

    /** The outcome for one request, carrying what the X-RateLimit-* headers report. */
    record Verdict(boolean allowed, int limit, int remaining, long resetAtMs, long nowMs, String bucket) {
        long retryAfterMs() {
            return Math.max(0, resetAtMs - nowMs);
        }
    }

    private static final class Window {
        long resetAtMs;
        int used;
    }

    // What an unconfigured route reports: plenty left, so clients never wait on it.
    private static final int UNLIMITED_LIMIT = 50;
    private static final long UNLIMITED_WINDOW_MS = 1000;

    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    void set(String route, Rule rule) {
        rules.put(route, rule);
        windows.keySet().removeIf(key -> key.startsWith(route + " @"));
    }

    void remove(String route) {
        rules.remove(route);
        windows.keySet().removeIf(key -> key.startsWith(route + " @"));
    }

    Verdict acquire(String route, String majorValue, long nowMs) {
        String bucket = Integer.toHexString(route.hashCode());
        Rule rule = rules.get(route);
        if (rule == null) {
            return new Verdict(true, UNLIMITED_LIMIT, UNLIMITED_LIMIT - 1, nowMs + UNLIMITED_WINDOW_MS, nowMs, bucket);
        }
        Window window = windows.computeIfAbsent(route + " @" + majorValue, key -> new Window());
        synchronized (window) {
            if (nowMs >= window.resetAtMs) {
                window.resetAtMs = nowMs + rule.window().toMillis();
                window.used = 0;
            }
            if (window.used >= rule.limit()) {
                return new Verdict(false, rule.limit(), 0, window.resetAtMs, nowMs, bucket);
            }
            window.used++;
            return new Verdict(true, rule.limit(), rule.limit() - window.used, window.resetAtMs, nowMs, bucket);
        }
    }
}
