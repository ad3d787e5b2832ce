package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.metrics.MetricsEndpoint;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sharded process (two shards of two, on the stand-in and a real PostgreSQL) serves one health and
 * metrics endpoint for all its shards: ready once every held shard is connected, each shard a row of
 * the per-shard gauges, and a command run by one shard's worker counted in the process's registry.
 */
class ShardedHealthAndMetricsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestStandIn discord =
            TestStandIn.with(b -> b.botToken("sharded-metrics-token")).seeded(DemoGuild::seed);

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(path + " did not answer: " + e, e);
        }
    }

    @Test
    void oneEndpointServesEveryHeldShardAndCountsTheCommandsTheirWorkersRun() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        Database database = db.open();
        try (ShardedValoratbot bot = ShardedValoratbot.create(
                        DiscordGateway.leanShardManagerBuilder(standIn.botToken()),
                        database.dataSource(),
                        db.settings().build())
                .plan(new ShardPlan.Static(2, 0, 1))
                .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                .voiceMode(VoiceMode.PASSTHROUGH) // the stand-in speaks DAVE version 0 only
                .metrics(MetricsEndpoint.on(0))
                // A shard asking for an endpoint of its own is ignored: one per process, no port clash.
                .eachShard(b -> b.metrics(MetricsEndpoint.on(0)))
                .start()) {
            int port = bot.healthEndpoint().orElseThrow().port();
            Eventually.within(
                    Duration.ofSeconds(90),
                    "both shards running",
                    () -> bot.runningShards().size() == 2);
            Eventually.within(
                    Duration.ofSeconds(30),
                    "ready",
                    () -> get(port, "/health/ready").statusCode() == 200);
            assertThat(get(port, "/health/ready").body()).contains("2 sessions connected");

            String guild = Long.toString(DemoGuild.GUILD_ID);
            CommandRow listed = CommandAdmin.on(database)
                    .awaitResult(
                            CommandAdmin.on(database).enqueue(guild, "listTextChannels", "{}", null),
                            Duration.ofSeconds(30))
                    .orElseThrow();
            assertThat(listed.status()).as(listed.resultJson()).isEqualTo("done");

            String metrics = get(port, "/metrics").body();
            assertThat(metrics)
                    .contains("valoratbot_shards 2.0")
                    .contains("valoratbot_shards_connected 2.0")
                    .contains("valoratbot_shard_connected{shard=\"0\"} 1.0")
                    .contains("valoratbot_shard_connected{shard=\"1\"} 1.0")
                    .contains("valoratbot_commands_total{action=\"listTextChannels\",outcome=\"ok\"} 1.0");
            assertThat(bot.shard(0).orElseThrow().component(com.valoratbot.metrics.HealthEndpoint.class))
                    .as("no shard serves an endpoint of its own")
                    .isEmpty();
        } finally {
            database.close();
        }
    }
}
