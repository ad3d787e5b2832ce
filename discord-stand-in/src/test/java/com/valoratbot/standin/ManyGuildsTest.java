package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory-benchmark shape: 2,500 guilds of 30 channels streamed one GUILD_CREATE at a time, plus one
 * large guild whose members only arrive through chunking.
 */
class ManyGuildsTest {

    private static final int GUILDS = 2_500;
    private static final int CHANNELS = 30;
    private static final long LARGE_GUILD_ID = 1_300_000_000_000_000_000L;
    private static final int LARGE_GUILD_HUMANS = 1_200;

    private static DiscordStandIn standIn;

    @BeforeAll
    static void start() {
        standIn = DiscordStandIn.builder().build();
        StandInMain.seedSynthetic(standIn.state(), GUILDS, CHANNELS);
        GuildSeed large =
                standIn.state().createGuild(LARGE_GUILD_ID, "Grand serveur").textChannel(LARGE_GUILD_ID + 1, "general");
        for (int i = 1; i <= LARGE_GUILD_HUMANS; i++) {
            large.member(LARGE_GUILD_ID + 1_000 + i, "membre" + i, false);
        }
        standIn.start();
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @Test
    void aClientIdentifyingAgainst2500GuildsOf30ChannelsReceivesEveryGuildCreate() throws InterruptedException {
        long started = System.nanoTime();
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send(RawGateway.identify(standIn.botToken(), 1 | (1 << 1)));

            JsonNode ready = gateway.nextDispatch("READY");
            assertThat(ready.path("d").path("guilds")).hasSize(GUILDS + 1);
            long lastSeq = 0;
            int synthetic = 0;
            for (int i = 0; i <= GUILDS; i++) {
                JsonNode guildCreate = gateway.nextDispatch("GUILD_CREATE");
                assertThat(guildCreate.path("s").asLong()).isGreaterThan(lastSeq);
                lastSeq = guildCreate.path("s").asLong();
                JsonNode guild = guildCreate.path("d");
                if (guild.path("large").asBoolean()) {
                    // Over the default large_threshold of 50: only the bot itself comes with the guild.
                    assertThat(guild.path("members")).hasSize(1);
                    assertThat(guild.path("member_count").asInt()).isEqualTo(LARGE_GUILD_HUMANS + 1);
                } else {
                    assertThat(guild.path("channels")).hasSize(CHANNELS);
                    synthetic++;
                }
            }
            assertThat(synthetic).isEqualTo(GUILDS);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void jdaBecomesReadyWithEveryGuildAndChunksTheLargeOne() throws InterruptedException {
        JDA jda = StandInJda.connect(standIn);
        try {
            assertThat(jda.getGuilds()).hasSize(GUILDS + 1);
            assertThat(jda.getTextChannels()).hasSize(GUILDS * CHANNELS + 1);
            assertThat(jda.getGuildById(LARGE_GUILD_ID).getMembers()).hasSize(LARGE_GUILD_HUMANS + 1);
        } finally {
            StandInJda.shutdown(jda);
        }
    }
}
