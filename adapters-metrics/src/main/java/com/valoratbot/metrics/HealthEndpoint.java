package com.valoratbot.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health and metrics over HTTP on the JDK's own server (no Jetty on an embedding bot's classpath):
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process answers at all;</li>
 *   <li>{@code GET /health/ready}: 200 when started and every check is up (database reachable, gateway
 *       shards connected), else 503, with each check's answer in JSON;</li>
 *   <li>{@code GET /metrics}: the registry in Prometheus text (OpenMetrics when the scraper asks for it).</li>
 * </ul>
 *
 * Read-only, no request body read; two threads serve it, so a flood of probes cannot take threads from
 * the worker. Bound to the loopback address unless configured otherwise ({@link MetricsEndpoint}).
 */
public final class HealthEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService threads;
    private final ValoratbotMetrics metrics;
    private final Readiness readiness;

    private HealthEndpoint(HttpServer server, ExecutorService threads, ValoratbotMetrics metrics, Readiness readiness) {
        this.server = server;
        this.threads = threads;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /**
     * Binds and starts serving at once (before the database or Discord are reached: a probe during a
     * long start-up gets "live, not ready").
     *
     * @throws IllegalStateException naming the address when it cannot be bound (in use, no such host)
     */
    public static HealthEndpoint start(MetricsEndpoint.On at, ValoratbotMetrics metrics, Readiness readiness) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(readiness, "readiness");
        InetSocketAddress address = new InetSocketAddress(at.host(), at.port());
        if (address.isUnresolved())
            throw new IllegalStateException("health and metrics: cannot resolve the host '" + at.host() + "'");
        HttpServer server;
        try {
            server = bind(address, at);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "health and metrics: cannot listen on " + at.host() + ":" + at.port() + " (" + e.getMessage()
                            + "); set VALORATBOT_METRICS_PORT to a free port, or 0 for any",
                    e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(
                2,
                Thread.ofPlatform().name("valoratbot-health-http-", 0).daemon().factory());
        HealthEndpoint endpoint = new HealthEndpoint(server, threads, metrics, readiness);
        server.setExecutor(threads);
        server.createContext("/", endpoint::handle);
        server.start();
        LOG.info(
                "health and metrics on http://{}:{}/ (/health/live, /health/ready, /metrics)",
                at.host(),
                endpoint.port());
        return endpoint;
    }

    private static HttpServer bind(InetSocketAddress address, MetricsEndpoint.On at) throws IOException {
        try {
            return HttpServer.create(address, 16);
        } catch (BindException taken) {
            if (!at.anyPortIfTaken() || at.port() == 0) throw taken;
            HttpServer server = HttpServer.create(new InetSocketAddress(address.getAddress(), 0), 16);
            LOG.warn(
                    "health and metrics: port {} is taken (another worker on this machine?), serving on {} instead;"
                            + " set VALORATBOT_METRICS_PORT to choose one",
                    at.port(),
                    server.getAddress().getPort());
            return server;
        }
    }

    /** The port bound (the one chosen when configured with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                dispatch(exchange);
            } catch (RuntimeException e) {
                // A bug must not kill the server's thread silently: logged, and the scraper sees a 500
                // (unless the response had begun, then the connection just closes).
                LOG.warn("health and metrics: {} failed: {}", exchange.getRequestURI(), e.toString());
                try {
                    exchange.sendResponseHeaders(500, -1);
                } catch (IOException | RuntimeException alreadyAnswering) {
                    // the headers were sent already
                }
            }
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", bytes("only GET and HEAD\n"), head);
            return;
        }
        switch (exchange.getRequestURI().getPath()) {
            case "/health/live" -> send(exchange, 200, "application/json", bytes("{\"status\":\"UP\"}"), head);
            case "/health/ready" -> ready(exchange, head);
            case "/metrics" -> metrics(exchange, head);
            default ->
                send(
                        exchange,
                        404,
                        "text/plain; charset=utf-8",
                        bytes("not found: try /health/live, /health/ready or /metrics\n"),
                        head);
        }
    }

    private void ready(HttpExchange exchange, boolean head) throws IOException {
        Readiness.Report report = readiness.report();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.ready() ? "UP" : "DOWN");
        body.put("stage", report.stage());
        Map<String, Object> checks = new LinkedHashMap<>();
        report.checks().forEach((name, health) -> {
            Map<String, String> one = new LinkedHashMap<>();
            one.put(
                    "status",
                    switch (health) {
                        case Health.Up up -> "UP";
                        case Health.Down down -> "DOWN";
                    });
            one.put("detail", health.detail());
            checks.put(name, one);
        });
        body.put("checks", checks);
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        send(exchange, report.ready() ? 200 : 503, "application/json", json, head);
    }

    private void metrics(HttpExchange exchange, boolean head) throws IOException {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        String type = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
                ? OPENMETRICS_TEXT
                : PROMETHEUS_TEXT;
        metrics.refresh();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        metrics.registry().scrape(out, type);
        send(exchange, 200, type, out.toByteArray(), head);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean head)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops answering (in-flight exchanges get a second to finish) and stops its threads. */
    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
        metrics.registry().close();
    }
}
