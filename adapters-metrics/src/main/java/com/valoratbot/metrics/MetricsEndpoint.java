package com.valoratbot.metrics;

import java.util.Objects;

/**
 * Where health and metrics are served over HTTP: {@link #OFF} (the library's default: an embedding
 * bot opens no port it did not ask for), or an address and port ({@link #on(int)} binds the loopback
 * address, so nothing outside the machine reads them unless the operator says so).
 */
public sealed interface MetricsEndpoint {

    /** No HTTP server, no registry: nothing is measured. */
    MetricsEndpoint OFF = new Off();

    /** The address {@link #on(int)} binds: only this machine (a sidecar, a local Prometheus agent) can read. */
    String DEFAULT_HOST = "127.0.0.1";

    record Off() implements MetricsEndpoint {}

    /**
     * @param host           an IP address or host name to bind ({@code 0.0.0.0} for every interface)
     * @param port           1-65535, or 0 for any free port (the bound one is logged; for tests)
     * @param anyPortIfTaken when {@code port} is in use, take any free port (logged as a warning) instead
     *                       of failing: for a default port, which several workers on one machine share;
     *                       never for a port the operator chose
     */
    record On(String host, int port, boolean anyPortIfTaken) implements MetricsEndpoint {
        public On {
            Objects.requireNonNull(host, "host");
            host = host.strip();
            if (host.isEmpty()) throw new IllegalArgumentException("the metrics host must not be blank");
            if (port < 0 || port > 65535)
                throw new IllegalArgumentException("the metrics port must be from 0 to 65535, was " + port);
        }
    }

    /** On {@link #DEFAULT_HOST}, {@code port}. */
    static MetricsEndpoint on(int port) {
        return new On(DEFAULT_HOST, port, false);
    }

    /** On {@code host}, {@code port}; start-up fails if the port is taken. */
    static MetricsEndpoint on(String host, int port) {
        return new On(host, port, false);
    }

    /** On {@code host}, {@code port} if free, else any free port (a default port several processes may want). */
    static MetricsEndpoint preferring(String host, int port) {
        return new On(host, port, true);
    }
}
