package com.valoratbot.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.ops.QueueDepth;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint on a real socket, read by the JDK's HTTP client as a probe or a scraper would. */
class HealthEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private HealthEndpoint endpoint;

    @AfterEach
    void stop() {
        if (endpoint != null) endpoint.close();
    }

    private HealthEndpoint start(ValoratbotMetrics metrics, Readiness readiness) {
        endpoint = HealthEndpoint.start((MetricsEndpoint.On) MetricsEndpoint.on(0), metrics, readiness);
        return endpoint;
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static QueuedCommand row(String action, Duration age) {
        return new QueuedCommand("id-" + action, "1100000000000000001", action, "{}", Optional.empty(), age);
    }

    @Test
    void aProcessIsLiveButNotReadyWhileStartingThenReadyWhenEveryCheckIsUp() throws Exception {
        Readiness readiness = new Readiness();
        start(ValoratbotMetrics.create(Set.of()), readiness);

        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> starting = get("/health/ready");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.body()).contains("\"stage\":\"starting\"");

        AtomicReference<Health> gateway = new AtomicReference<>(Health.down("RECONNECT_QUEUED"));
        readiness.serving(List.of(
                new Readiness.Check("database", () -> Health.up("reachable")),
                new Readiness.Check("gateway", gateway::get)));
        HttpResponse<String> down = get("/health/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body())
                .contains("\"gateway\":{\"status\":\"DOWN\",\"detail\":\"RECONNECT_QUEUED\"}")
                .contains("\"database\":{\"status\":\"UP\"");

        gateway.set(Health.up("1 session connected"));
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);

        readiness.stopping();
        HttpResponse<String> stopping = get("/health/ready");
        assertThat(stopping.statusCode()).isEqualTo(503);
        assertThat(stopping.body()).contains("\"stage\":\"stopping\"");
    }

    @Test
    void aCheckThatNeverAnswersCountsAsDownAfterItsTimeoutAndDoesNotPileUpThreads() throws Exception {
        Readiness readiness = new Readiness(Duration.ofMillis(300));
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        readiness.serving(List.of(new Readiness.Check("database", () -> {
            started.incrementAndGet();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Health.up("late");
        })));
        start(ValoratbotMetrics.create(Set.of()), readiness);
        try {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = get("/health/ready");
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).contains("no answer within 300 ms");
            }
            assertThat(started.get()).as("one probe in flight, reused").isEqualTo(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void metricsAreServedInPrometheusTextWithCommandsCountedByActionAndOutcome() throws Exception {
        ValoratbotMetrics metrics = ValoratbotMetrics.create(Set.of("ADD_QUEST_PROGRESS"));
        start(metrics, new Readiness());
        metrics.claimed(row("purge", Duration.ofMillis(40)));
        metrics.finished(
                row("purge", Duration.ofMillis(40)), new Completion("a", true, "{\"ok\":true}"), Duration.ofMillis(7));
        metrics.finished(
                row("ADD_QUEST_PROGRESS", Duration.ZERO),
                new Completion("b", false, "{\"ok\":false,\"reason\":\"Trop vieux\",\"code\":\"expired\"}"),
                Duration.ZERO);

        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(HealthEndpoint.PROMETHEUS_TEXT);
        assertThat(r.body())
                .contains("valoratbot_commands_total{action=\"purge\",outcome=\"ok\"} 1.0")
                .contains("valoratbot_commands_total{action=\"ADD_QUEST_PROGRESS\",outcome=\"expired\"} 1.0")
                .contains("valoratbot_command_pickup_seconds_count 1")
                .contains("valoratbot_command_pickup_seconds_bucket{le=\"0.05\"} 1")
                .contains("valoratbot_command_duration_seconds_count{action=\"purge\"} 1")
                .contains("jvm_memory_used_bytes");

        HttpResponse<String> open = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(open.headers().firstValue("Content-Type")).hasValue(HealthEndpoint.OPENMETRICS_TEXT);
        assertThat(open.body()).endsWith("# EOF\n");
    }

    @Test
    void anActionNameTheWorkerDoesNotKnowIsCountedAsUnknownSoJunkAddsNoSeries() throws Exception {
        ValoratbotMetrics metrics = ValoratbotMetrics.create(Set.of());
        start(metrics, new Readiness());
        for (int i = 0; i < 50; i++) {
            metrics.finished(
                    row("junk-" + i, Duration.ZERO),
                    new Completion("j" + i, false, "{\"ok\":false,\"reason\":\"?\",\"code\":\"unknown_action\"}"),
                    Duration.ZERO);
        }
        // A result whose code is not one of the contract's is counted as "other", never as its text.
        metrics.finished(
                row("purge", Duration.ZERO),
                new Completion("x", false, "{\"ok\":false,\"code\":\"made-up\"}"),
                Duration.ZERO);

        String body = get("/metrics").body();
        assertThat(body).contains("valoratbot_commands_total{action=\"unknown\",outcome=\"unknown_action\"} 50.0");
        assertThat(body).contains("valoratbot_commands_total{action=\"purge\",outcome=\"other\"} 1.0");
        assertThat(body).doesNotContain("junk-");
    }

    @Test
    void queueDepthIsReadAtScrapeTimeAtMostOncePerInterval() throws Exception {
        ValoratbotMetrics metrics = ValoratbotMetrics.create(Set.of());
        AtomicInteger reads = new AtomicInteger();
        metrics.queueDepth(
                () -> {
                    reads.incrementAndGet();
                    return new QueueDepth.Depth(7, 2, Optional.of(Duration.ofMillis(1500)));
                },
                Duration.ofMinutes(1));
        start(metrics, new Readiness());

        String body = get("/metrics").body();
        get("/metrics");
        assertThat(body)
                .contains("valoratbot_queue_commands{status=\"pending\"} 7.0")
                .contains("valoratbot_queue_commands{status=\"processing\"} 2.0")
                .contains("valoratbot_queue_oldest_pending_seconds 1.5");
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void shardsAreListedOnePerRowAndFollowTheSetTheProcessHoldsAtEachScrape() throws Exception {
        ValoratbotMetrics metrics = ValoratbotMetrics.create(Set.of());
        AtomicReference<List<ShardState>> held = new AtomicReference<>(List.of(
                new ShardState(0, "CONNECTED", true, Optional.of(Duration.ofMillis(42))),
                new ShardState(1, "RECONNECT_QUEUED", false, Optional.empty())));
        metrics.shards(held::get);
        start(metrics, new Readiness());

        assertThat(get("/metrics").body())
                .contains("valoratbot_shards 2.0")
                .contains("valoratbot_shards_connected 1.0")
                .contains("valoratbot_shard_connected{shard=\"0\"} 1.0")
                .contains("valoratbot_shard_connected{shard=\"1\"} 0.0")
                .contains("valoratbot_gateway_ping_seconds{shard=\"0\"} 0.042");

        held.set(List.of(new ShardState(1, "CONNECTED", true, Optional.of(Duration.ofMillis(10)))));
        String after = get("/metrics").body();
        assertThat(after).contains("valoratbot_shard_connected{shard=\"1\"} 1.0");
        assertThat(after).doesNotContain("valoratbot_shard_connected{shard=\"0\"}");
    }

    @Test
    void aTakenPortFailsStartUpNamingItUnlessItIsADefaultThatMayMove() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> HealthEndpoint.start(
                            (MetricsEndpoint.On) MetricsEndpoint.on(port),
                            ValoratbotMetrics.create(Set.of()),
                            new Readiness()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
            endpoint = HealthEndpoint.start(
                    (MetricsEndpoint.On) MetricsEndpoint.preferring("127.0.0.1", port),
                    ValoratbotMetrics.create(Set.of()),
                    new Readiness());
            assertThat(endpoint.port()).isNotEqualTo(port);
            assertThat(get("/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void onlyGetAndHeadAreAnsweredAndAnUnknownPathSaysWhereToLook() throws Exception {
        start(ValoratbotMetrics.create(Set.of()), new Readiness());
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        HttpResponse<String> unknown = get("/admin");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("/health/ready");
    }

    @Test
    void aBugWhileAnsweringIsAnErrorAnswerNotAClosedConnection() throws Exception {
        Readiness readiness = new Readiness();
        readiness.serving(List.of(new Readiness.Check("buggy", () -> null))); // a check with a bug
        start(ValoratbotMetrics.create(Set.of()), readiness);
        assertThat(get("/health/ready").statusCode()).isEqualTo(500);
        assertThat(get("/health/live").statusCode())
                .as("the server still serves")
                .isEqualTo(200);
    }

    @Test
    void anEndpointAddressIsCheckedWhenConfigured() {
        assertThatThrownBy(() -> MetricsEndpoint.on(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> MetricsEndpoint.on(" ", 9464))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }
}
