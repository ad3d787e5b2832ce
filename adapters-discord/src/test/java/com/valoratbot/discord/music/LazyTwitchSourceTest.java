package com.valoratbot.discord.music;

import static org.assertj.core.api.Assertions.assertThat;

import com.sedmelluq.discord.lavaplayer.player.AudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.player.DefaultAudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.player.FunctionalResultHandler;
import com.sedmelluq.discord.lavaplayer.source.AudioSourceManager;
import com.sedmelluq.discord.lavaplayer.source.twitch.TwitchStreamAudioSourceManager;
import com.sedmelluq.discord.lavaplayer.tools.io.HttpConfigurable;
import com.sedmelluq.discord.lavaplayer.track.AudioItem;
import com.sedmelluq.discord.lavaplayer.track.AudioReference;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.sedmelluq.discord.lavaplayer.track.AudioTrackInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;
import org.junit.jupiter.api.Test;

/**
 * Lavaplayer's Twitch source fetches www.twitch.tv when it is made: the worker registers it so that
 * it is made only when a Twitch URL is played (issue 10: no DNS lookup of www.twitch.tv at every start).
 */
class LazyTwitchSourceTest {

    @Test
    void theRemoteSourcesAreRegisteredWithoutMakingTwitchsSourceAndATrackOnLoopbackStillLoads() throws Exception {
        DefaultAudioPlayerManager manager = new DefaultAudioPlayerManager();
        try (ToneServer tones = new ToneServer()) {
            TrackLoader.registerRemoteSources(manager);
            LazyTwitchSource twitch = manager.source(LazyTwitchSource.class);
            assertThat(twitch).isNotNull();
            assertThat(manager.source(TwitchStreamAudioSourceManager.class)).isNull();

            CompletableFuture<AudioTrack> loaded = new CompletableFuture<>();
            manager.loadItem(
                            tones.tone("a", 1, 440),
                            new FunctionalResultHandler(
                                    loaded::complete,
                                    null,
                                    () -> loaded.completeExceptionally(new AssertionError("no match")),
                                    loaded::completeExceptionally))
                    .get(10, TimeUnit.SECONDS);

            assertThat(loaded.get(10, TimeUnit.SECONDS).getSourceManager().getSourceName())
                    .isEqualTo("http");
            assertThat(twitch.created()).isFalse();
        } finally {
            manager.shutdown();
        }
    }

    @Test
    void anIdentifierThatIsNotTwitchsIsLeftToTheNextSourceWithoutMakingTheRealOne() {
        Recording real = new Recording();
        LazyTwitchSource twitch = new LazyTwitchSource(() -> real);

        assertThat(twitch.loadItem(null, new AudioReference("http://127.0.0.1:9/a.wav", null)))
                .isNull();
        assertThat(twitch.loadItem(null, new AudioReference("scsearch:lofi", null)))
                .isNull();

        assertThat(twitch.created()).isFalse();
        assertThat(real.loaded).isEmpty();
    }

    @Test
    void aTwitchUrlMakesTheRealSourceOnceWithTheHttpSettingsGivenBeforeIt() {
        Recording real = new Recording();
        int[] made = {0};
        LazyTwitchSource twitch = new LazyTwitchSource(() -> {
            made[0]++;
            return real;
        });
        Consumer<HttpClientBuilder> addressFilter = http -> {};
        twitch.configureBuilder(addressFilter);

        twitch.loadItem(null, new AudioReference("https://www.twitch.tv/somechannel", null));
        twitch.loadItem(null, new AudioReference("https://twitch.tv/other", null));

        assertThat(made[0]).isEqualTo(1);
        assertThat(real.loaded).containsExactly("https://www.twitch.tv/somechannel", "https://twitch.tv/other");
        assertThat(real.builderSettings).containsExactly(addressFilter);
        assertThat(twitch.getSourceName()).isEqualTo("twitch");
    }

    /** Stands for Twitch's source: records what reaches it, contacts nothing. */
    private static final class Recording implements AudioSourceManager, HttpConfigurable {
        final List<String> loaded = new ArrayList<>();
        final List<Consumer<HttpClientBuilder>> builderSettings = new ArrayList<>();

        @Override
        public String getSourceName() {
            return "twitch";
        }

        @Override
        public AudioItem loadItem(AudioPlayerManager manager, AudioReference reference) {
            loaded.add(reference.identifier);
            return AudioReference.NO_TRACK;
        }

        @Override
        public boolean isTrackEncodable(AudioTrack track) {
            return false;
        }

        @Override
        public void encodeTrack(AudioTrack track, DataOutput output) {}

        @Override
        public AudioTrack decodeTrack(AudioTrackInfo trackInfo, DataInput input) {
            return null;
        }

        @Override
        public void shutdown() {}

        @Override
        public void configureRequests(Function<RequestConfig, RequestConfig> configurator) {}

        @Override
        public void configureBuilder(Consumer<HttpClientBuilder> configurator) {
            builderSettings.add(configurator);
        }
    }
}
