package com.valoratbot.discord.music;

import static com.valoratbot.discord.music.MusicRig.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.Test;

/**
 * Music runs through the Discord adapter's {@code Connection} like its other ports: a {@code play} waits for a
 * reconnecting gateway within the command's deadline and ends {@code discord_timeout} when it stays away, while the
 * controls, which act on this process's own player, answer at once.
 */
class MusicThroughConnectionTest {

    @Test
    void aPlayWhileTheGatewayStaysAwayEndsAsADiscordTimeoutAfterTheCommandTimeoutAndTheControlsAnswerAtOnce() {
        try (MusicRig rig = MusicRig.start()) {
            JDA jda = rig.connect();
            try (MusicPlayers music = MusicPlayers.builder(jda)
                    .voiceMode(VoiceMode.PASSTHROUGH)
                    .allowPrivateAddresses(true)
                    .commandTimeout(Duration.ofMillis(800))
                    .build()) {
                String tone = rig.tones.tone("away", 5, 440);
                rig.standIn.close();
                Eventually.within(
                        Duration.ofSeconds(10),
                        "JDA sees the gateway gone",
                        () -> jda.getStatus() != JDA.Status.CONNECTED);

                long started = System.nanoTime();
                ObjectNode played =
                        command(music, "play", "{\"query\": \"" + tone + "\", \"voiceChannelId\": \"" + VOCAL + "\"}");
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(played.path("code").asText()).as(played.toString()).isEqualTo("discord_error");
                assertThat(played.path("reason").asText())
                        .isEqualTo("Discord did not answer in time. Try again in a moment.");
                assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
                assertThat(rig.tones.requests()).as("nothing was loaded").isZero();

                started = System.nanoTime();
                assertThat(command(music, "pause", "{}").path("code").asText()).isEqualTo("nothing_playing");
                assertThat(command(music, "getQueue", "{}").path("ok").asBoolean())
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
            } finally {
                shutdown(jda);
            }
        }
    }

    @Test
    void aPlayInAChannelTheGuildDoesNotHaveIsChannelNotFoundAsInTheOtherPorts() {
        try (MusicRig rig = MusicRig.start()) {
            JDA jda = rig.connect();
            try (MusicPlayers music =
                    MusicPlayers.builder(jda).voiceMode(VoiceMode.PASSTHROUGH).build()) {
                ObjectNode r = command(
                        music, "play", "{\"query\": \"anything\", \"voiceChannelId\": \"1234567890123456789\"}");
                assertThat(r.path("code").asText()).as(r.toString()).isEqualTo("channel_not_found");
                assertThat(r.path("reason").asText()).contains("1234567890123456789");
            } finally {
                shutdown(jda);
            }
        }
    }
}
