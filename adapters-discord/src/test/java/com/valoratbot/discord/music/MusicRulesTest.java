package com.valoratbot.discord.music;

import static com.valoratbot.discord.music.MusicRig.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.port.music.QueueStore;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The answers that are not music: nothing found, load failures, DAVE missing, leaving when idle or alone. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MusicRulesTest {

    private MusicRig rig;
    private JDA jda;
    private MusicPlayers music;

    @BeforeAll
    void start() {
        rig = MusicRig.start();
        jda = rig.connect();
    }

    @AfterEach
    void closePlayers() {
        if (music != null) music.close();
        music = null;
        Eventually.within(Duration.ofSeconds(10), "the bot left", () -> !rig.botInVoice());
        rig.listenerIn(null);
    }

    @AfterAll
    void stop() {
        shutdown(jda);
        if (rig != null) rig.close();
    }

    /** The test tones are served on 127.0.0.1, so these players may fetch private addresses. */
    private MusicPlayers.Builder players() {
        return MusicPlayers.builder(jda).voiceMode(VoiceMode.PASSTHROUGH).allowPrivateAddresses(true);
    }

    private ObjectNode play(String query, long channel) {
        return command(music, "play", "{\"query\": \"" + query + "\", \"voiceChannelId\": \"" + channel + "\"}");
    }

    @Test
    void plainTextIsSearchedWithTheProviderAndNoMatchIsNoMatches() {
        music = players().searchProvider("nowhere:").build();
        assertThat(music.identifier("never gonna give you up")).isEqualTo("nowhere:never gonna give you up");
        ObjectNode r = play("never gonna give you up", VOCAL);
        assertThat(r.path("ok").asBoolean()).isFalse();
        assertThat(r.path("code").asText()).isEqualTo("no_matches");
        assertThat(r.path("reason").asText()).contains("never gonna give you up");
        assertThat(rig.botInVoice()).isFalse();
    }

    @Test
    void anExtraSourceAnswersTheSearchProviderAsAYoutubeSourceWould() {
        String tone = rig.tones.tone("found", 30, 523);
        rig.listenerIn(VOCAL);
        music = players()
                .searchProvider("ytsearch:")
                .sourceManager(new FakeSearch(tone))
                .build();
        ObjectNode r = play("daft punk one more time", VOCAL);
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("track").path("title").asText()).isEqualTo("daft punk one more time");
        Eventually.within(Duration.ofSeconds(10), "frames", () -> rig.framesDuring(200) > 5);
        assertThat(TrackLoader.youtubeFromClasspath())
                .as("dev.lavalink.youtube is not a dependency here")
                .isEmpty();
    }

    /** Answers {@code ytsearch:<words>} with a playlist of one track: the tone, titled with the words. */
    static final class FakeSearch implements com.sedmelluq.discord.lavaplayer.source.AudioSourceManager {
        private final String url;

        FakeSearch(String url) {
            this.url = url;
        }

        @Override
        public String getSourceName() {
            return "fake-search";
        }

        @Override
        public com.sedmelluq.discord.lavaplayer.track.AudioItem loadItem(
                com.sedmelluq.discord.lavaplayer.player.AudioPlayerManager manager,
                com.sedmelluq.discord.lavaplayer.track.AudioReference reference) {
            if (!reference.identifier.startsWith("ytsearch:")) return null;
            String words = reference.identifier.substring("ytsearch:".length());
            return new com.sedmelluq.discord.lavaplayer.track.AudioReference(url, words);
        }

        @Override
        public boolean isTrackEncodable(com.sedmelluq.discord.lavaplayer.track.AudioTrack track) {
            return false;
        }

        @Override
        public void encodeTrack(com.sedmelluq.discord.lavaplayer.track.AudioTrack track, java.io.DataOutput output) {}

        @Override
        public com.sedmelluq.discord.lavaplayer.track.AudioTrack decodeTrack(
                com.sedmelluq.discord.lavaplayer.track.AudioTrackInfo info, java.io.DataInput input) {
            return null;
        }

        @Override
        public void shutdown() {}
    }

    @Test
    void aUrlIsLoadedAsItIsAndAFailureIsLoadFailedWithTheReason() {
        music = players().build();
        String notAudio = rig.tones.file(
                "notes.txt", "just some text, not a sound".repeat(40).getBytes());
        assertThat(music.identifier("  " + notAudio + " ")).isEqualTo(notAudio);
        ObjectNode r = play(notAudio, VOCAL);
        assertThat(r.path("ok").asBoolean()).isFalse();
        assertThat(r.path("code").asText()).as(r.toString()).isEqualTo("load_failed");
        assertThat(r.path("reason").asText())
                .startsWith("Could not load the track: ")
                .hasSizeGreaterThan(30);

        ObjectNode refused = play("http://127.0.0.1:9/nothing-listens-here.mp3", VOCAL);
        assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("load_failed");
    }

    @Test
    void byDefaultAUrlOnAPrivateOrLoopbackAddressIsRefusedBeforeAnythingIsFetched() {
        music = MusicPlayers.builder(jda).voiceMode(VoiceMode.PASSTHROUGH).build();
        int servedBefore = rig.tones.requests();
        ObjectNode r = play(rig.tones.tone("private", 3, 440), VOCAL);
        assertThat(r.path("code").asText()).as(r.toString()).isEqualTo("load_failed");
        assertThat(r.path("reason").asText()).contains("127.0.0.1").contains("private");
        assertThat(rig.tones.requests()).as("the tone server was never asked").isEqualTo(servedBefore);
        assertThat(play("http://169.254.169.254/latest/meta-data/", VOCAL)
                        .path("reason")
                        .asText())
                .contains("169.254.169.254");
    }

    @Test
    void aUrlThatIsNotFoundHasNoMatches() {
        music = players().build();
        ObjectNode r = play(rig.tones.url("missing.wav"), VOCAL);
        assertThat(r.path("code").asText()).as(r.toString()).isEqualTo("no_matches");
    }

    @Test
    void daveModeOnAMachineWhereLibdaveCannotLoadAnswersVoiceUnavailableWithoutJoining() {
        VoiceSupport dave = MusicPlayers.probe(VoiceMode.DAVE);
        assumeFalse(dave.available(), "libdave loads on this machine: " + dave.detail());
        assertThat(dave.describe()).startsWith("voice: DAVE unavailable: ");
        music = MusicPlayers.builder(jda).voiceMode(VoiceMode.DAVE).build();
        assertThat(music.voiceSupport()).isEqualTo(dave);
        ObjectNode r = play(rig.tones.tone("dave", 1, 440), VOCAL);
        assertThat(r.path("ok").asBoolean()).isFalse();
        assertThat(r.path("code").asText()).isEqualTo("voice_unavailable");
        assertThat(r.path("reason").asText()).contains("DAVE").contains(dave.detail());
        assertThat(rig.botInVoice()).isFalse();
    }

    @Test
    void aTextChannelIsNotAVoiceChannel() {
        music = players().build();
        ObjectNode r = play(rig.tones.tone("t", 1, 440), com.valoratbot.standin.DemoGuild.GENERAL_ID);
        assertThat(r.path("ok").asBoolean()).isFalse();
        assertThat(r.path("code").asText()).isEqualTo("invalid_payload");
        assertThat(r.path("reason").asText()).contains("#general").contains("voice or stage channel");
    }

    @Test
    void withNothingEverPlayedEveryControlAnswersAndTheQueueIsEmpty() {
        music = players().build();
        for (String action : new String[] {"pause", "resume", "skip", "stop"}) {
            assertThat(command(music, action, "{}").path("code").asText())
                    .as(action)
                    .isEqualTo("nothing_playing");
        }
        ObjectNode q = command(music, "getQueue", "{}");
        assertThat(q.path("ok").asBoolean()).isTrue();
        assertThat(q.path("nowPlaying").isNull()).isTrue();
        assertThat(q.path("queue").isArray()).isTrue();
        ObjectNode remove = command(music, "removeFromQueue", "{\"trackId\": 0}");
        assertThat(remove.path("code").asText()).isEqualTo("invalid_payload");
        assertThat(remove.path("reason").asText()).contains("queue is empty");
    }

    @Test
    void aloneInTheChannelTheBotLeavesAfterTheIdleTimeoutAndForgetsTheQueue() {
        QueueStore store = QueueStore.inMemory();
        music = players()
                .idleTimeout(Duration.ofMillis(1_500))
                .queueStore(store)
                .build();
        assertThat(play(rig.tones.tone("alone", 30, 440), VOCAL).path("ok").asBoolean())
                .isTrue();
        Eventually.within(Duration.ofSeconds(10), "the bot joins", rig::botInVoice);
        Eventually.within(Duration.ofSeconds(10), "the bot leaves, alone", () -> !rig.botInVoice());
        assertThat(command(music, "getQueue", "{}").path("nowPlaying").isNull()).isTrue();
        Eventually.within(
                Duration.ofSeconds(5),
                "the queue is forgotten",
                () -> store.loadAll().isEmpty());
    }

    @Test
    void withSomeoneListeningTheBotStaysUntilNothingPlaysForTheIdleTimeout() {
        rig.listenerIn(VOCAL);
        music = players().idleTimeout(Duration.ofMillis(1_500)).build();
        assertThat(play(rig.tones.tone("short", 2.5, 440), VOCAL).path("ok").asBoolean())
                .isTrue();
        Eventually.within(Duration.ofSeconds(10), "frames", () -> rig.audioFrames() > 0 && rig.framesDuring(100) > 0);
        sleep(1_700);
        assertThat(rig.botInVoice()).as("still playing to Alice").isTrue();
        Eventually.within(Duration.ofSeconds(10), "the bot leaves once idle", () -> !rig.botInVoice());
    }

    @Test
    void movedToAnotherChannelByAModeratorTheBotPlaysOnThereAndIsSavedThere() {
        rig.listenerIn(VOCAL);
        QueueStore store = QueueStore.inMemory();
        music = players().queueStore(store).saveInterval(Duration.ofMillis(200)).build();
        assertThat(play(rig.tones.tone("moved", 30, 440), VOCAL).path("ok").asBoolean())
                .isTrue();
        Eventually.within(Duration.ofSeconds(10), "frames", () -> rig.framesDuring(100) > 0);

        rig.standIn.state().setVoiceState(GUILD, rig.standIn.botUserId(), AFK, false);
        Eventually.within(Duration.ofSeconds(10), "JDA sees the move", () -> {
            var connected = jda.getGuildById(GUILD).getAudioManager().getConnectedChannel();
            return connected != null && connected.getIdLong() == AFK;
        });

        ObjectNode busy = play(rig.tones.tone("other", 1, 440), VOCAL);
        assertThat(busy.path("code").asText()).isEqualTo("busy");
        assertThat(busy.path("channelId").asText()).isEqualTo(Long.toString(AFK));
        Eventually.within(
                Duration.ofSeconds(5),
                "saved in the new channel",
                () -> store.loadAll().getOrDefault(GUILD, "").contains("\"channelId\":\"" + AFK + "\""));
        assertThat(play(rig.tones.tone("there", 1, 440), AFK).path("position").asInt())
                .isEqualTo(1);
    }

    @Test
    void theBuilderRefusesBadSettingsAtOnce() {
        assertThatThrownBy(() -> players().searchProvider("scsearch")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> players().searchProvider("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> players().idleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> players().maxQueueLength(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> players().opusEncodingQuality(11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MusicPlayers.builder(null)).isInstanceOf(NullPointerException.class);
        assertThat(MusicPlayers.DEFAULT_SEARCH_PROVIDER).isEqualTo("scsearch:");
        assertThat(MusicPlayers.DEFAULT_IDLE_TIMEOUT).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void urlsAreRecognisedOnlyWithAnHttpSchemeAndAHost() {
        assertThat(TrackLoader.isUrl("https://soundcloud.com/a/b")).isTrue();
        assertThat(TrackLoader.isUrl("HTTP://127.0.0.1:80/x.wav")).isTrue();
        assertThat(TrackLoader.isUrl("http:/nohost")).isFalse();
        assertThat(TrackLoader.isUrl("ftp://host/x")).isFalse();
        assertThat(TrackLoader.isUrl("daft punk one more time")).isFalse();
    }

    @Test
    void anUnavailableVoiceModeIsReportedOnlyOncePerProcessHoweverManyShardsAsk() {
        // PASSTHROUGH is always available in reality: an unavailable one here cannot collide with the real probe.
        assertThat(new VoiceSupport(VoiceMode.PASSTHROUGH, false, "not here", "").firstReportOfUnavailability())
                .isTrue();
        for (int shard = 0; shard < 8; shard++) {
            assertThat(new VoiceSupport(VoiceMode.PASSTHROUGH, false, "not here", "").firstReportOfUnavailability())
                    .isFalse();
        }
        assertThat(new VoiceSupport(VoiceMode.PASSTHROUGH, true, "fine", "").firstReportOfUnavailability())
                .isFalse();
    }
}
