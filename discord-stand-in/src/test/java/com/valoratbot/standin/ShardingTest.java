package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The stand-in's sharding, seen raw: which guilds and events each shard gets, close codes, IDENTIFY pacing. */
class ShardingTest {

    // GUILDS | GUILD_VOICE_STATES | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT
    private static final int INTENTS = 1 | (1 << 7) | (1 << 9) | (1 << 12) | (1 << 15);
    private static final long USER_ID = 1_300_000_000_000_000_001L;

    /** The nth guild id (from a fixed base) that lands on {@code shard} of {@code count}: (id >> 22) % count. */
    static long guildOnShard(int shard, int count, int nth) {
        long timestampPart = 1_300_000_000_000_000_000L >>> 22;
        int found = -1;
        for (long k = timestampPart; ; k++) {
            if (k % count == shard && ++found == nth) {
                return k << 22;
            }
        }
    }

    /** Two guilds per shard of two, each with a text and a voice channel and one human member. */
    private static List<Long> seedTwoGuildsPerShard(DiscordStandIn standIn) {
        List<Long> ids = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            for (int nth = 0; nth < 2; nth++) {
                long id = guildOnShard(shard, 2, nth);
                standIn.state()
                        .createGuild(id, "Guild " + shard + "-" + nth)
                        .textChannel(textChannel(id), "general")
                        .voiceChannel(voiceChannel(id), "Vocal")
                        .member(USER_ID, "alice", false);
                ids.add(id);
            }
        }
        return ids;
    }

    private static long textChannel(long guildId) {
        return guildId + 1;
    }

    private static long voiceChannel(long guildId) {
        return guildId + 2;
    }

    /** Identifies as the shard and returns READY's guild ids, after reading every GUILD_CREATE announced. */
    private static Set<Long> identifyAndLoad(RawGateway gateway, DiscordStandIn standIn, int shard, int count)
            throws InterruptedException {
        gateway.send(RawGateway.identify(standIn.botToken(), INTENTS, shard, count));
        JsonNode ready = gateway.nextDispatch("READY").path("d");
        assertThat(ready.path("shard").get(0).asInt()).isEqualTo(shard);
        assertThat(ready.path("shard").get(1).asInt()).isEqualTo(count);
        Set<Long> readyIds = new HashSet<>();
        ready.path("guilds").forEach(g -> readyIds.add(g.path("id").asLong()));
        Set<Long> created = new HashSet<>();
        while (created.size() < readyIds.size()) {
            created.add(
                    gateway.nextDispatch("GUILD_CREATE").path("d").path("id").asLong());
        }
        assertThat(created).isEqualTo(readyIds);
        return readyIds;
    }

    @Test
    void twoShardsEachGetOnlyTheirGuildsInReadyAndGuildCreate() throws Exception {
        try (DiscordStandIn standIn = DiscordStandIn.builder().build().start();
                RawGateway shard0 = new RawGateway(standIn);
                RawGateway shard1 = new RawGateway(standIn)) {
            List<Long> guilds = seedTwoGuildsPerShard(standIn);

            Set<Long> onShard0 = identifyAndLoad(shard0, standIn, 0, 2);
            Set<Long> onShard1 = identifyAndLoad(shard1, standIn, 1, 2);

            assertThat(onShard0).containsExactlyInAnyOrder(guilds.get(0), guilds.get(1));
            assertThat(onShard1).containsExactlyInAnyOrder(guilds.get(2), guilds.get(3));
        }
    }

    @Test
    void eachShardGetsTheMessagesVoiceStatesAndGuildUpdatesOfItsGuildsOnly() throws Exception {
        try (DiscordStandIn standIn = DiscordStandIn.builder().build().start();
                RawGateway shard0 = new RawGateway(standIn);
                RawGateway shard1 = new RawGateway(standIn)) {
            List<Long> guilds = seedTwoGuildsPerShard(standIn);
            long guildA = guilds.get(0);
            long guildB = guilds.get(2);
            identifyAndLoad(shard0, standIn, 0, 2);
            identifyAndLoad(shard1, standIn, 1, 2);

            // Each shard's next event of a type must be its own guild's: a session's dispatches keep their order,
            // so an event leaked from the other shard's guild would arrive first.
            standIn.state().addMessage(textChannel(guildA), USER_ID, "sur A", Instant.now(), false);
            standIn.state().addMessage(textChannel(guildB), USER_ID, "sur B", Instant.now(), false);
            assertThat(shard0.nextDispatch("MESSAGE_CREATE")
                            .path("d")
                            .path("content")
                            .asText())
                    .isEqualTo("sur A");
            assertThat(shard1.nextDispatch("MESSAGE_CREATE")
                            .path("d")
                            .path("content")
                            .asText())
                    .isEqualTo("sur B");

            standIn.state().setVoiceState(guildB, USER_ID, voiceChannel(guildB), false);
            standIn.state().setVoiceState(guildA, USER_ID, voiceChannel(guildA), false);
            assertThat(shard1.nextDispatch("VOICE_STATE_UPDATE")
                            .path("d")
                            .path("guild_id")
                            .asLong())
                    .isEqualTo(guildB);
            assertThat(shard0.nextDispatch("VOICE_STATE_UPDATE")
                            .path("d")
                            .path("guild_id")
                            .asLong())
                    .isEqualTo(guildA);

            standIn.state().renameGuild(guildA, "A renommée");
            standIn.state().renameGuild(guildB, "B renommée");
            assertThat(shard0.nextDispatch("GUILD_UPDATE")
                            .path("d")
                            .path("name")
                            .asText())
                    .isEqualTo("A renommée");
            assertThat(shard1.nextDispatch("GUILD_UPDATE")
                            .path("d")
                            .path("name")
                            .asText())
                    .isEqualTo("B renommée");

            // A guild joined later is announced to its shard only.
            long joinedOnShard1 = guildOnShard(1, 2, 5);
            long joinedOnShard0 = guildOnShard(0, 2, 5);
            standIn.state().createGuild(joinedOnShard1, "Nouvelle 1");
            standIn.state().createGuild(joinedOnShard0, "Nouvelle 0");
            assertThat(shard0.nextDispatch("GUILD_CREATE").path("d").path("id").asLong())
                    .isEqualTo(joinedOnShard0);
            assertThat(shard1.nextDispatch("GUILD_CREATE").path("d").path("id").asLong())
                    .isEqualTo(joinedOnShard1);
        }
    }

    @Test
    void anEventOutsideAnyGuildGoesToShardZeroOnly() throws Exception {
        try (DiscordStandIn standIn = DiscordStandIn.builder().build().start();
                RawGateway shard0 = new RawGateway(standIn);
                RawGateway shard1 = new RawGateway(standIn)) {
            List<Long> guilds = seedTwoGuildsPerShard(standIn);
            identifyAndLoad(shard0, standIn, 0, 2);
            identifyAndLoad(shard1, standIn, 1, 2);

            // The stand-in has no DMs to cause one, so the DM is dispatched the way the state would (lock held).
            standIn.state()
                    .write(() -> standIn.gatewayEvents()
                            .dispatch(
                                    0,
                                    "MESSAGE_CREATE",
                                    GatewayIntents.DIRECT_MESSAGES,
                                    Json.object().put("content", "en privé"),
                                    false));
            standIn.state().addMessage(textChannel(guilds.get(2)), USER_ID, "sur B", Instant.now(), false);

            assertThat(shard0.nextDispatch("MESSAGE_CREATE")
                            .path("d")
                            .path("content")
                            .asText())
                    .isEqualTo("en privé");
            assertThat(shard1.nextDispatch("MESSAGE_CREATE")
                            .path("d")
                            .path("content")
                            .asText())
                    .isEqualTo("sur B");
        }
    }

    @Test
    void anIdentifyWithAnImpossibleShardIsClosedWith4010() throws Exception {
        try (DiscordStandIn standIn = DiscordStandIn.builder().build().start()) {
            int[][] invalid = {{2, 2}, {3, 2}, {-1, 2}, {0, 0}, {0, -1}};
            for (int[] shard : invalid) {
                try (RawGateway gateway = new RawGateway(standIn)) {
                    gateway.send(RawGateway.identify(standIn.botToken(), INTENTS, shard[0], shard[1]));
                    assertThat(gateway.awaitCloseCode())
                            .as("shard [%d, %d]", shard[0], shard[1])
                            .isEqualTo(4010);
                }
            }
            assertThat(standIn.gatewayStats().identifies()).isZero();
        }
    }

    @Test
    void pastTheGuildsPerShardLimitAnUnshardedOrUndershardedIdentifyIsClosedWith4011() throws Exception {
        try (DiscordStandIn standIn =
                DiscordStandIn.builder().guildsPerShardLimit(2).build().start()) {
            List<Long> guilds = seedTwoGuildsPerShard(standIn);

            try (RawGateway unsharded = new RawGateway(standIn)) {
                unsharded.send(RawGateway.identify(standIn.botToken(), INTENTS));
                assertThat(unsharded.awaitCloseCode()).isEqualTo(4011);
            }
            try (RawGateway oneShard = new RawGateway(standIn)) {
                oneShard.send(RawGateway.identify(standIn.botToken(), INTENTS, 0, 1));
                assertThat(oneShard.awaitCloseCode()).isEqualTo(4011);
            }
            try (RawGateway enough = new RawGateway(standIn)) {
                assertThat(identifyAndLoad(enough, standIn, 1, 2))
                        .containsExactlyInAnyOrder(guilds.get(2), guilds.get(3));
            }
            assertThat(RawHttp.json(new RawHttp(standIn).get("gateway/bot"))
                            .path("shards")
                            .asInt())
                    .isEqualTo(2);
        }
    }

    @Test
    void gatewayBotGivesTheUrlARecommendedShardCountAndTheSessionStartLimit() throws Exception {
        try (DiscordStandIn standIn =
                DiscordStandIn.builder().maxConcurrency(16).build().start()) {
            RawHttp http = new RawHttp(standIn);
            JsonNode empty = RawHttp.json(http.get("gateway/bot"));
            assertThat(empty.path("url").asText()).isEqualTo(standIn.gatewayUrl());
            assertThat(empty.path("shards").asInt()).isEqualTo(1);
            JsonNode limit = empty.path("session_start_limit");
            assertThat(limit.path("total").asInt()).isEqualTo(1000);
            assertThat(limit.path("remaining").asInt()).isEqualTo(1000);
            assertThat(limit.path("reset_after").asLong())
                    .isEqualTo(Duration.ofDays(1).toMillis());
            assertThat(limit.path("max_concurrency").asInt()).isEqualTo(16);

            // Discord recommends about one shard per 1,000 guilds.
            StandInMain.seedSynthetic(standIn.state(), 1001, 1);
            assertThat(RawHttp.json(http.get("gateway/bot")).path("shards").asInt())
                    .isEqualTo(2);

            try (RawGateway gateway = new RawGateway(standIn)) {
                gateway.send(RawGateway.identify(standIn.botToken(), INTENTS, 0, 2));
                gateway.nextDispatch("READY");
            }
            JsonNode afterIdentify = RawHttp.json(http.get("gateway/bot")).path("session_start_limit");
            assertThat(afterIdentify.path("remaining").asInt()).isEqualTo(999);
            assertThat(afterIdentify.path("reset_after").asLong())
                    .isPositive()
                    .isLessThanOrEqualTo(Duration.ofDays(1).toMillis());
        }
        try (DiscordStandIn configured =
                DiscordStandIn.builder().recommendedShards(10).build().start()) {
            assertThat(RawHttp.json(new RawHttp(configured).get("gateway/bot"))
                            .path("shards")
                            .asInt())
                    .isEqualTo(10);
        }
    }

    @Test
    void anIdentifyFasterThanItsBucketAllowsGetsInvalidSessionAndSucceedsOncePaced() throws Exception {
        Duration window = Duration.ofMillis(1500);
        try (DiscordStandIn standIn = DiscordStandIn.builder()
                        .maxConcurrency(2)
                        .identifyRateLimit(window)
                        .build()
                        .start();
                RawGateway shard0 = new RawGateway(standIn);
                RawGateway shard2 = new RawGateway(standIn);
                RawGateway shard1 = new RawGateway(standIn)) {
            shard0.send(RawGateway.identify(standIn.botToken(), INTENTS, 0, 4));
            shard0.nextDispatch("READY");
            long bucketTaken = System.nanoTime();

            // Shard 2 shares bucket 0 (2 % 2) with shard 0: refused with op 9, the socket stays open.
            shard2.send(RawGateway.identify(standIn.botToken(), INTENTS, 2, 4));
            JsonNode refused = nextNonHello(shard2);
            assertThat(refused.path("op").asInt()).isEqualTo(9);
            assertThat(refused.path("d").asBoolean(true)).isFalse();
            assertThat(System.nanoTime() - bucketTaken).isLessThan(window.toNanos());

            // Shard 1 is in the other bucket: accepted at once.
            shard1.send(RawGateway.identify(standIn.botToken(), INTENTS, 1, 4));
            assertThat(shard1.nextDispatch("READY")
                            .path("d")
                            .path("shard")
                            .get(0)
                            .asInt())
                    .isEqualTo(1);

            Thread.sleep(Math.max(0, window.toMillis() - (System.nanoTime() - bucketTaken) / 1_000_000 + 100));
            shard2.send(RawGateway.identify(standIn.botToken(), INTENTS, 2, 4));
            assertThat(shard2.nextDispatch("READY")
                            .path("d")
                            .path("shard")
                            .get(0)
                            .asInt())
                    .isEqualTo(2);

            assertThat(standIn.gatewayStats().identifies()).isEqualTo(3);
            assertThat(standIn.gatewayStats().rateLimitedIdentifies()).isEqualTo(1);
        }
    }

    private static JsonNode nextNonHello(RawGateway gateway) throws InterruptedException {
        JsonNode frame = gateway.next();
        return frame.path("op").asInt() == 10 ? gateway.next() : frame;
    }
}
