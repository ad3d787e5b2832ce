package com.valoratbot.worker;

import com.valoratbot.library.Valoratbot;
import com.valoratbot.metrics.MetricsEndpoint;
import java.util.Locale;
import java.util.Set;

/**
 * Health and metrics over HTTP (docs/operations.md), on in the worker, read apart from
 * {@link WorkerConfig} so each feature reads its own keys. The library's default is off; the daemon
 * serves them on the loopback address unless told otherwise.
 *
 * @param endpoint where to serve, or {@link MetricsEndpoint#OFF}
 */
record MetricsConfig(MetricsEndpoint endpoint) {

    static final Set<String> KEYS = Set.of("VALORATBOT_METRICS_PORT", "VALORATBOT_METRICS_HOST");

    /** Prometheus exporters' customary port; another worker on the machine makes the next ones take a free port. */
    static final int DEFAULT_PORT = 9464;

    /**
     * @throws IllegalArgumentException naming the key for a port that is not {@code off} or 0-65535, or a blank host
     */
    static MetricsConfig from(Settings s) {
        String host = s.get("VALORATBOT_METRICS_HOST", MetricsEndpoint.DEFAULT_HOST);
        String port = s.get("VALORATBOT_METRICS_PORT").orElse("");
        if (port.toLowerCase(Locale.ROOT).equals("off")) return new MetricsConfig(MetricsEndpoint.OFF);
        if (port.isEmpty()) return new MetricsConfig(MetricsEndpoint.preferring(host, DEFAULT_PORT));
        return new MetricsConfig(
                MetricsEndpoint.on(host, s.integer("VALORATBOT_METRICS_PORT", DEFAULT_PORT, 0, 65535)));
    }

    Valoratbot.Builder applyTo(Valoratbot.Builder b) {
        return b.metrics(endpoint);
    }
}
