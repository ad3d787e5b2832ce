package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

    @Test
    void buildReportsEveryInvalidSettingAtOnce() {
        assertThatThrownBy(() -> DiscordStandIn.builder()
                        .port(70_000)
                        .botToken("has space")
                        .botName("x")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port")
                .hasMessageContaining("botToken")
                .hasMessageContaining("botName");
    }

    @Test
    void buildRefusesImpossibleShardingSettings() {
        assertThatThrownBy(() -> DiscordStandIn.builder()
                        .recommendedShards(-1)
                        .maxConcurrency(0)
                        .identifyRateLimit(java.time.Duration.ofSeconds(-5))
                        .guildsPerShardLimit(-2500)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recommendedShards")
                .hasMessageContaining("maxConcurrency")
                .hasMessageContaining("identifyRateLimit")
                .hasMessageContaining("guildsPerShardLimit");
    }

    @Test
    void urlsNameTheLoopbackAddressAndTheBoundPort() {
        try (DiscordStandIn standIn = DiscordStandIn.builder().build().start()) {
            assertThat(standIn.restBaseUrl()).isEqualTo("http://127.0.0.1:" + standIn.port() + "/api/v10/");
            assertThat(standIn.gatewayUrl()).isEqualTo("ws://127.0.0.1:" + standIn.port() + "/gateway");
            assertThat(standIn.stateUrl()).endsWith("/_standin/state");
            assertThat(standIn.toString()).doesNotContain(standIn.botToken());
        }
    }

    @Test
    void theAfkTimeoutMustBeOneDiscordAccepts() {
        try (DiscordStandIn standIn = DiscordStandIn.builder().build()) {
            GuildSeed guild = standIn.state().createGuild(42L << 22, "Test");
            assertThatThrownBy(() -> guild.afkTimeout(120)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void everyGuildGetsTheBotAsAMemberWithItsOwnRole() {
        try (DiscordStandIn standIn =
                DiscordStandIn.builder().botUserId(77L << 22).build()) {
            long guildId = 43L << 22;
            standIn.state().createGuild(guildId, "Test");

            assertThat(standIn.state().members(guildId)).singleElement().satisfies(m -> {
                assertThat(m.userId()).isEqualTo(77L << 22);
                assertThat(m.bot()).isTrue();
                assertThat(m.roleIds()).containsExactly(standIn.state().botRoleId(guildId));
            });
        }
    }

    @Test
    void theStandaloneMainReadsPortTokenAndSyntheticSizes() {
        StandInMain.Options options = StandInMain.parse(
                new String[] {"--guilds", "2500", "--channels", "30", "--no-demo"}, Map.of("STANDIN_PORT", "9999"));

        assertThat(options.port()).isEqualTo(9999);
        assertThat(options.guilds()).isEqualTo(2500);
        assertThat(options.channels()).isEqualTo(30);
        assertThat(options.demo()).isFalse();
        assertThat(options.shards()).isZero();
        assertThat(options.paceIdentify()).isFalse();
        StandInMain.Options sharded = StandInMain.parse(
                new String[] {
                    "--shards", "10", "--max-concurrency", "2", "--pace-identify", "--guilds-per-shard", "2500"
                },
                Map.of());
        assertThat(sharded.shards()).isEqualTo(10);
        assertThat(sharded.maxConcurrency()).isEqualTo(2);
        assertThat(sharded.paceIdentify()).isTrue();
        assertThat(sharded.guildsPerShard()).isEqualTo(2500);
        assertThatThrownBy(() -> StandInMain.parse(new String[] {"--guilds", "3"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
