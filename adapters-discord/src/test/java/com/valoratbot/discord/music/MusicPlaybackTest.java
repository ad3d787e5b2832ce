package com.valoratbot.discord.music;

import static com.valoratbot.discord.music.MusicRig.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.port.music.QueueStore;
import com.valoratbot.standin.voice.VoiceServer;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end, as the dashboard drives it: rows through the core's handler → {@link MusicPlayers} → real Lavaplayer
 * decoding a WAV tone served over HTTP → real JDA → the stand-in's voice server, which decrypts and counts the Opus
 * frames. The steps share one player and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MusicPlaybackTest {

    private MusicRig rig;
    private JDA jda;
    private MusicPlayers music;
    private final QueueStore store = QueueStore.inMemory();
    private String a, b, c, longTone;

    @BeforeAll
    void start() {
        rig = MusicRig.start();
        rig.listenerIn(VOCAL);
        a = rig.tones.tone("a", 4, 440);
        b = rig.tones.tone("b", 3, 550);
        c = rig.tones.tone("c", 3, 660);
        longTone = rig.tones.tone("long", 40, 330);
        jda = rig.connect();
        music = players(jda);
    }

    private MusicPlayers players(JDA jda) {
        return MusicPlayers.builder(jda)
                .voiceMode(VoiceMode.PASSTHROUGH)
                .allowPrivateAddresses(true)
                .queueStore(store)
                .saveInterval(Duration.ofMillis(500))
                .build();
    }

    @AfterAll
    void stop() {
        if (music != null) music.close();
        shutdown(jda);
        if (rig != null) rig.close();
    }

    private ObjectNode run(String action, String payload) {
        return command(music, action, payload);
    }

    private ObjectNode play(String url, long channel) {
        return run("play", "{\"query\": \"" + url + "\", \"voiceChannelId\": \"" + channel + "\"}");
    }

    private ObjectNode queue() {
        ObjectNode q = run("getQueue", "{}");
        assertThat(q.path("ok").asBoolean()).as(q.toString()).isTrue();
        return q;
    }

    @Test
    @Order(1)
    void playJoinsTheChannelAndTheStandInReceivesAbout50OpusFramesPerSecond() {
        ObjectNode result = play(a, VOCAL);
        assertThat(result.path("ok").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.path("position").asInt()).isZero();
        assertThat(result.path("track").has("title")).isTrue();
        assertThat(result.path("track").has("artist")).isTrue();
        assertThat(result.path("track").has("thumbnail")).isTrue();

        Eventually.within(Duration.ofSeconds(15), "frames arrive", () -> rig.audioFrames() > 10);
        assertThat(rig.botInVoice()).isTrue();
        assertThat(rig.standIn
                        .state()
                        .voiceState(GUILD, rig.standIn.botUserId())
                        .orElseThrow()
                        .channelId())
                .isEqualTo(VOCAL);
        assertThat(rig.framesDuring(1_000)).isBetween(42L, 58L);

        JsonNode now = queue().path("nowPlaying");
        assertThat(now.path("uri").asText()).isEqualTo(a);
        assertThat(now.path("length").asLong()).isBetween(3_990L, 4_010L);
        assertThat(now.path("position").asLong()).isBetween(500L, 4_000L);
        assertThat(now.path("paused").asBoolean()).isFalse();
        assertThat(now.has("author")).isTrue();
        assertThat(now.has("artworkUrl")).isTrue();
        assertThat(queue().path("queue").size()).isZero();
        assertThat(rig.voice.stats(GUILD).decryptFailures()).isZero();
    }

    @Test
    @Order(2)
    void furtherPlaysQueueWithTheirPlaceInTheQueue() {
        assertThat(play(b, VOCAL).path("position").asInt()).isEqualTo(1);
        assertThat(play(c, VOCAL).path("position").asInt()).isEqualTo(2);
        JsonNode queue = queue().path("queue");
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.get(0).path("uri").asText()).isEqualTo(b);
        assertThat(queue.get(1).path("uri").asText()).isEqualTo(c);
        assertThat(queue.get(0).path("length").asLong()).isBetween(2_990L, 3_010L);
    }

    @Test
    @Order(3)
    void removeFromQueueTakesAZeroBasedIndexAndRefusesOneOutOfRange() {
        ObjectNode outOfRange = run("removeFromQueue", "{\"trackId\": 2}");
        assertThat(outOfRange.path("ok").asBoolean()).isFalse();
        assertThat(outOfRange.path("code").asText()).isEqualTo("invalid_payload");
        assertThat(outOfRange.path("reason").asText()).contains("0 to 1");

        assertThat(run("removeFromQueue", "{\"trackId\": 1}").path("ok").asBoolean())
                .isTrue();
        JsonNode queue = queue().path("queue");
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.get(0).path("uri").asText()).isEqualTo(b);
    }

    @Test
    @Order(4)
    void pauseStopsTheFramesAndResumeRestartsThem() {
        assertThat(run("pause", "{}").path("ok").asBoolean()).isTrue();
        sleep(200);
        assertThat(rig.framesDuring(700)).isZero();
        JsonNode now = queue().path("nowPlaying");
        assertThat(now.path("paused").asBoolean()).isTrue();
        long position = now.path("position").asLong();
        sleep(300);
        assertThat(queue().path("nowPlaying").path("position").asLong()).isEqualTo(position);

        assertThat(run("resume", "{}").path("ok").asBoolean()).isTrue();
        sleep(100);
        assertThat(rig.framesDuring(1_000)).isBetween(42L, 58L);
        assertThat(queue().path("nowPlaying").path("paused").asBoolean()).isFalse();
    }

    @Test
    @Order(5)
    void skipPlaysTheNextTrackForItsWholeLengthThenPlaybackStops() {
        long before = rig.audioFrames();
        assertThat(run("skip", "{}").path("ok").asBoolean()).isTrue();
        JsonNode q = queue();
        assertThat(q.path("nowPlaying").path("uri").asText()).isEqualTo(b);
        assertThat(q.path("queue").size()).isZero();

        Eventually.within(
                Duration.ofSeconds(8),
                "b ends",
                () -> queue().path("nowPlaying").isNull());
        sleep(200);
        long framesOfB = rig.audioFrames() - before;
        assertThat(framesOfB).as("a 3 s track is 150 frames of 20 ms").isBetween(144L, 156L);
        assertThat(rig.framesDuring(400)).isZero();
        assertThat(rig.botInVoice()).as("the bot waits in the channel").isTrue();
    }

    @Test
    @Order(6)
    void withNothingPlayingPauseResumeAndSkipAnswerNothingPlaying() {
        for (String action : new String[] {"pause", "resume", "skip"}) {
            ObjectNode r = run(action, "{}");
            assertThat(r.path("ok").asBoolean()).isFalse();
            assertThat(r.path("code").asText()).as(action).isEqualTo("nothing_playing");
        }
        ObjectNode q = queue();
        assertThat(q.path("nowPlaying").isNull()).isTrue();
        assertThat(q.path("queue").size()).isZero();
    }

    @Test
    @Order(7)
    void playingInAnotherChannelOfTheGuildIsBusy() {
        assertThat(play(longTone, VOCAL).path("position").asInt()).isZero();
        ObjectNode busy = play(a, AFK);
        assertThat(busy.path("ok").asBoolean()).isFalse();
        assertThat(busy.path("code").asText()).isEqualTo("busy");
        assertThat(busy.path("channelId").asText()).isEqualTo(Long.toString(VOCAL));
        assertThat(busy.path("reason").asText()).contains("#Vocal");
    }

    @Test
    @Order(8)
    void theMusicSurvivesAVoiceReconnectAndAVoiceResume() {
        Eventually.within(Duration.ofSeconds(10), "long plays", () -> rig.framesDuring(200) > 5);
        int sessions = rig.voice.stats(GUILD).sessions();
        assertThat(rig.voice.disconnect(GUILD, VoiceServer.CLOSE_VOICE_SERVER_CRASHED))
                .isTrue();
        Eventually.within(
                Duration.ofSeconds(15),
                "a new voice session",
                () -> rig.voice.stats(GUILD).sessions() > sessions);
        Eventually.within(Duration.ofSeconds(10), "frames again", () -> rig.framesDuring(200) > 5);

        int resumes = rig.voice.stats(GUILD).resumes();
        assertThat(rig.voice.disconnect(GUILD, 4000)).isTrue();
        Eventually.within(
                Duration.ofSeconds(15), "a resume", () -> rig.voice.stats(GUILD).resumes() > resumes);
        Eventually.within(Duration.ofSeconds(10), "frames again", () -> rig.framesDuring(200) > 5);
        assertThat(queue().path("nowPlaying").path("uri").asText()).isEqualTo(longTone);
    }

    @Test
    @Order(9)
    void afterAWorkerRestartMidTrackTheQueueResumesWhereItWas() throws Exception {
        assertThat(play(b, VOCAL).path("position").asInt()).isEqualTo(1);
        sleep(1_000);
        long positionBefore = queue().path("nowPlaying").path("position").asLong();
        assertThat(positionBefore).isGreaterThan(1_000);

        music.close();
        shutdown(jda);
        long framesAtRestart = rig.audioFrames();

        jda = rig.connect();
        music = players(jda);
        assertThat(music.restoration().get(20, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(1);

        JsonNode q = queue();
        assertThat(q.path("nowPlaying").path("uri").asText()).isEqualTo(longTone);
        assertThat(q.path("nowPlaying").path("position").asLong()).isGreaterThanOrEqualTo(positionBefore - 100);
        assertThat(q.path("queue").size()).isEqualTo(1);
        assertThat(q.path("queue").get(0).path("uri").asText()).isEqualTo(b);
        Eventually.within(
                Duration.ofSeconds(15), "frames after the restart", () -> rig.audioFrames() > framesAtRestart + 25);
        long resumedAt = queue().path("nowPlaying").path("position").asLong();
        assertThat(resumedAt).isGreaterThan(positionBefore);
    }

    @Test
    @Order(10)
    void stopClearsTheQueueAndLeavesTheChannel() {
        assertThat(run("stop", "{}").path("ok").asBoolean()).isTrue();
        Eventually.within(Duration.ofSeconds(10), "the bot leaves", () -> !rig.botInVoice());
        sleep(200);
        assertThat(rig.framesDuring(500)).isZero();
        ObjectNode q = queue();
        assertThat(q.path("nowPlaying").isNull()).isTrue();
        assertThat(q.path("queue").size()).isZero();
        Eventually.within(
                Duration.ofSeconds(5),
                "the saved queue is forgotten",
                () -> store.loadAll().isEmpty());

        ObjectNode again = run("stop", "{}");
        assertThat(again.path("code").asText()).isEqualTo("nothing_playing");
    }
}
