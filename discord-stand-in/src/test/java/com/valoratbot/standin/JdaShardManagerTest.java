package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import org.junit.jupiter.api.Test;

/** Real JDA's DefaultShardManager against the stand-in, which paces IDENTIFY and recommends two shards. */
class JdaShardManagerTest {

    @Test
    void jdaShardManagerTakesTheRecommendedTwoShardsReachesReadyOnBothAndSeesEveryGuildOnce()
            throws InterruptedException {
        try (DiscordStandIn standIn = DiscordStandIn.builder()
                .recommendedShards(2)
                .identifyRateLimit(Duration.ofSeconds(5)) // Discord's own pacing, which JDA must respect
                .build()
                .start()) {
            DemoGuild.seed(standIn.state());
            List<Long> guildIds = new ArrayList<>(List.of(DemoGuild.GUILD_ID));
            for (int shard = 0; shard < 2; shard++) {
                for (int nth = 0; nth < 3; nth++) {
                    long id = ShardingTest.guildOnShard(shard, 2, nth);
                    standIn.state()
                            .createGuild(id, "Guild " + shard + "-" + nth)
                            .textChannel(id + 1, "general");
                    guildIds.add(id);
                }
            }

            // No shard count and no gateway URL given: JDA asks the stand-in's GET /gateway/bot for both, through
            // the stock SessionControllerAdapter, exactly as it asks Discord.
            ShardManager shards = DefaultShardManagerBuilder.createDefault(standIn.botToken())
                    .setRestConfig(new RestConfig().setBaseUrl(standIn.restBaseUrl()))
                    .setSessionController(new SessionControllerAdapter())
                    .setCompression(Compression.NONE)
                    .setEnableShutdownHook(false)
                    .build();
            try {
                // The manager builds its shards one after the other from a queue; wait until none is left.
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while ((shards.getShardsQueued() > 0 || shards.getShards().size() < 2)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                for (JDA shard : shards.getShards()) {
                    shard.awaitReady();
                }

                assertThat(standIn.requests("GET /gateway/bot")).isNotEmpty();
                assertThat(shards.getShardsTotal()).isEqualTo(2);
                assertThat(shards.getShards()).extracting(JDA::getStatus).containsOnly(JDA.Status.CONNECTED);
                List<Long> seen = new ArrayList<>();
                for (JDA shard : shards.getShards()) {
                    int id = shard.getShardInfo().getShardId();
                    for (Guild guild : shard.getGuilds()) {
                        assertThat((guild.getIdLong() >>> 22) % 2)
                                .as("guild %s on shard %d", guild.getId(), id)
                                .isEqualTo(id);
                        seen.add(guild.getIdLong());
                    }
                }
                assertThat(seen).containsExactlyInAnyOrderElementsOf(guildIds);
                assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
                Set<Long> viaManager = new HashSet<>();
                shards.getGuilds().forEach(g -> viaManager.add(g.getIdLong()));
                assertThat(viaManager).containsExactlyInAnyOrderElementsOf(guildIds);
                // JDA waited out the 5 s bucket between its two IDENTIFYs: none was refused.
                assertThat(standIn.gatewayStats().identifies()).isEqualTo(2);
                assertThat(standIn.gatewayStats().rateLimitedIdentifies()).isZero();
            } finally {
                List<JDA> started = List.copyOf(shards.getShards());
                shards.shutdown();
                for (JDA shard : started) {
                    shard.shutdownNow();
                    shard.awaitShutdown();
                }
            }
        }
    }

    @Test
    void aShardManagerIdentifyingFasterThanMaxConcurrencyIsRefusedWithOp9AndGetsInByRetrying()
            throws InterruptedException {
        try (DiscordStandIn standIn = DiscordStandIn.builder()
                .recommendedShards(2)
                .identifyRateLimit(Duration.ofSeconds(5))
                .build()
                .start()) {
            for (int shard = 0; shard < 2; shard++) {
                long id = ShardingTest.guildOnShard(shard, 2, 0);
                standIn.state().createGuild(id, "Guild " + shard).textChannel(id + 1, "general");
            }
            // A controller that believes it may start two shards at once, whatever /gateway/bot says: like two
            // worker processes that do not coordinate, its IDENTIFYs land inside one 5 s bucket.
            ConcurrentSessionController overeager = new ConcurrentSessionController() {
                @Override
                public void setConcurrency(int ignored) {
                    super.setConcurrency(2);
                }
            };
            overeager.setConcurrency(2);
            ShardManager shards = DefaultShardManagerBuilder.createDefault(standIn.botToken())
                    .setRestConfig(new RestConfig().setBaseUrl(standIn.restBaseUrl()))
                    .setSessionController(overeager)
                    .setCompression(Compression.NONE)
                    .setEnableShutdownHook(false)
                    .build();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!(shards.getShards().size() == 2
                                && shards.getShards().stream().allMatch(s -> s.getStatus() == JDA.Status.CONNECTED))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }

                assertThat(shards.getShards()).extracting(JDA::getStatus).containsOnly(JDA.Status.CONNECTED);
                assertThat(standIn.gatewayStats().rateLimitedIdentifies()).isPositive();
                assertThat(shards.getGuilds()).hasSize(2);
            } finally {
                List<JDA> started = List.copyOf(shards.getShards());
                shards.shutdown();
                for (JDA shard : started) {
                    shard.shutdownNow();
                    shard.awaitShutdown();
                }
            }
        }
    }
}
