package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.standin.DemoGuild;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker process as deployed, with health and metrics on (docs/operations.md), against a real
 * PostgreSQL and the Discord stand-in: live from the start, ready only once the database answers
 * and the gateway is connected, not ready while the database is down, and a real command counted
 * in the Prometheus text.
 */
class HealthAndMetricsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.empty().seeded(DemoGuild::seed);

    private static final Pattern ENDPOINT = Pattern.compile("health and metrics on http://127\\.0\\.0\\.1:(\\d+)/");
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void migratedDatabase() {
        db.open().close();
    }

    @AfterAll
    static void databaseBack() {
        TestDatabase.startServer(); // whatever the test did, the extension needs it to clean up
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (Exception e) {
            throw new AssertionError(path + " did not answer: " + e, e);
        }
    }

    @Test
    void aWorkerIsLiveAtOnceReadyOnlyWithItsDatabaseAndGatewayAndCountsTheCommandsItRuns() throws Exception {
        URI rest = URI.create(discord.standIn().restBaseUrl());
        try (GateProxy gate = new GateProxy(rest.getPort())) {
            Map<String, String> env = WorkerProcess.env(
                    new URI(rest.getScheme(), null, rest.getHost(), gate.port(), rest.getPath(), null, null).toString(),
                    discord.standIn().gatewayUrl(),
                    db.jdbcUrl());
            env.put("VALORATBOT_METRICS_PORT", "0"); // any free port: the worker logs the one it took
            try (WorkerProcess worker = WorkerProcess.start("metrics-worker", env)) {
                Matcher m = ENDPOINT.matcher(worker.awaitLine("health and metrics on", Duration.ofSeconds(120)));
                assertThat(m.find()).isTrue();
                int port = Integer.parseInt(m.group(1));

                // Held at its Discord log-in: alive, not ready.
                worker.awaitLine("Database ready", Duration.ofSeconds(120));
                assertThat(status(port, "/health/live")).isEqualTo(200);
                HttpResponse<String> starting = get(port, "/health/ready");
                assertThat(starting.statusCode()).isEqualTo(503);
                assertThat(starting.body()).contains("\"stage\":\"starting\"");

                gate.open();
                worker.awaitLine("worker started", Duration.ofSeconds(120));
                Eventually.within(
                        Duration.ofSeconds(30), "ready once started", () -> status(port, "/health/ready") == 200);
                assertThat(get(port, "/health/ready").body())
                        .contains("\"database\":{\"status\":\"UP\"")
                        .contains("\"gateway\":{\"status\":\"UP\"");

                // A real command, run through the real worker, is counted by action and outcome.
                db.execute(
                        "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'listTextChannels', '{}')",
                        Long.toString(DemoGuild.GUILD_ID));
                db.execute(
                        "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'listTextChannels', '{}')",
                        "999999999999999999"); // a guild the bot is not in: answered without running
                Eventually.within(
                        Duration.ofSeconds(30),
                        "both commands ended",
                        () -> db.count("SELECT count(*) FROM commands WHERE status IN ('done', 'error')") == 2);
                String metrics = get(port, "/metrics").body();
                assertThat(metrics)
                        .contains("valoratbot_commands_total{action=\"listTextChannels\",outcome=\"ok\"} 1.0")
                        .contains(
                                "valoratbot_commands_total{action=\"listTextChannels\",outcome=\"guild_not_found\"} 1.0")
                        .contains("valoratbot_command_pickup_seconds_count 2")
                        .contains("valoratbot_command_duration_seconds_count{action=\"listTextChannels\"} 1")
                        .contains("valoratbot_queue_commands{status=\"pending\"} 0.0")
                        .contains("valoratbot_shards_connected 1.0")
                        .contains("valoratbot_shard_connected{shard=\"0\"} 1.0")
                        .contains("valoratbot_gateway_ping_seconds{shard=\"0\"}");

                // The database goes away: not ready (still live), then ready again once it is back.
                TestDatabase.stopServer();
                try {
                    Eventually.within(
                            Duration.ofSeconds(30),
                            "not ready while the database is down",
                            () -> status(port, "/health/ready") == 503);
                    HttpResponse<String> down = get(port, "/health/ready");
                    assertThat(down.body()).contains("\"database\":{\"status\":\"DOWN\"");
                    assertThat(status(port, "/health/live")).isEqualTo(200);
                } finally {
                    TestDatabase.startServer();
                }
                Eventually.within(
                        Duration.ofSeconds(60),
                        "ready again once the database is back",
                        () -> status(port, "/health/ready") == 200);
                assertThat(worker.alive()).isTrue();
            }
        }
    }
}
