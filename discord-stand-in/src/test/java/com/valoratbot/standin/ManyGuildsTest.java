package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The memory-benchmark shape: 2,500 guilds of 30 channels, streamed one GUILD_CREATE at a time. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ManyGuildsTest {

    private static final int GUILDS = 2_500;
    private static final int CHANNELS = 30;

    private static DiscordStandIn standIn;

    @BeforeAll
    static void start() {
        standIn = DiscordStandIn.builder().build();
        StandInMain.seedSynthetic(standIn.state(), GUILDS, CHANNELS);
        standIn.start();
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @Test
    void a_client_identifying_against_2500_guilds_of_30_channels_receives_every_guild_create() throws InterruptedException {
        long started = System.nanoTime();
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send(RawGateway.identify(standIn.botToken(), 1 | (1 << 1)));

            JsonNode ready = gateway.nextDispatch("READY");
            assertThat(ready.path("d").path("guilds")).hasSize(GUILDS);
            long lastSeq = 0;
            for (int i = 0; i < GUILDS; i++) {
                JsonNode guildCreate = gateway.nextDispatch("GUILD_CREATE");
                assertThat(guildCreate.path("d").path("channels")).hasSize(CHANNELS);
                assertThat(guildCreate.path("s").asLong()).isGreaterThan(lastSeq);
                lastSeq = guildCreate.path("s").asLong();
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }
}
