package com.valoratbot.discord.music;

import static org.assertj.core.api.Assertions.assertThat;

import com.sedmelluq.discord.lavaplayer.player.AudioPlayer;
import com.sedmelluq.discord.lavaplayer.player.DefaultAudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.player.FunctionalResultHandler;
import com.sedmelluq.discord.lavaplayer.source.AudioSourceManagers;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Lavaplayer: a track resumed part-way, while no voice connection pulls its frames (the seconds
 * after a restart), must not read as position 0 — or the next save would store 0.
 */
class ResumedPositionTest {

    @Test
    void aTrackResumedPartWayKeepsItsPositionUntilFramesFlow(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("tone.wav");
        Files.write(wav, ToneServer.wav(10, 440));
        DefaultAudioPlayerManager manager = new DefaultAudioPlayerManager();
        AudioSourceManagers.registerLocalSource(manager);
        try {
            CompletableFuture<AudioTrack> loaded = new CompletableFuture<>();
            manager.loadItem(
                            wav.toString(),
                            new FunctionalResultHandler(
                                    loaded::complete,
                                    null,
                                    () -> loaded.completeExceptionally(new AssertionError("no match")),
                                    e -> loaded.completeExceptionally(e)))
                    .get(10, TimeUnit.SECONDS);
            AudioTrack track = loaded.get(10, TimeUnit.SECONDS);
            AudioPlayer player = manager.createPlayer();
            GuildPlayer.Saver nowhere = new GuildPlayer.Saver() {
                public void save(GuildPlayer g) {}

                public void forget(long guildId) {}
            };
            GuildPlayer guild = new GuildPlayer(
                    1L,
                    new SerialExecutor(Executors.newVirtualThreadPerTaskExecutor()),
                    player,
                    new GuildPlayer.Shared(null, Duration.ofMinutes(5), Duration.ofSeconds(5), 500, nowhere, g -> {}));

            guild.resumeAt(track, 4_000);
            player.startTrack(track, false);
            // Nobody pulls frames. Once Lavaplayer applies the seek, its own position falls back to the
            // last played frame's timecode: 0.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (track.getPosition() != 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(track.getPosition())
                    .as("Lavaplayer's own position once the seek is applied")
                    .isZero();

            assertThat(guild.positionOf(track)).isEqualTo(4_000);
            player.destroy();
        } finally {
            manager.shutdown();
        }
    }
}
