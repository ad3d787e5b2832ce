package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.player.AudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.source.AudioSourceManager;
import com.sedmelluq.discord.lavaplayer.source.twitch.TwitchStreamAudioSourceManager;
import com.sedmelluq.discord.lavaplayer.tools.io.HttpConfigurable;
import com.sedmelluq.discord.lavaplayer.track.AudioItem;
import com.sedmelluq.discord.lavaplayer.track.AudioReference;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.sedmelluq.discord.lavaplayer.track.AudioTrackInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;

/**
 * Lavaplayer's Twitch source, created only when a Twitch URL is played or a saved Twitch track is
 * decoded. Its constructor fetches www.twitch.tv to read a client id: a DNS lookup and an HTTPS
 * request on every start (and in every test) before the worker could be ready, answered by nothing
 * in the sandbox or offline. Which identifiers are Twitch's is decided by Lavaplayer's own static
 * {@link TwitchStreamAudioSourceManager#getChannelIdentifierFromUrl}, which makes no network call.
 */
final class LazyTwitchSource implements AudioSourceManager, HttpConfigurable {

    private final Supplier<AudioSourceManager> create;
    /** The address filter and request settings given before the source exists, applied when it is made. */
    private final List<Consumer<HttpConfigurable>> settings = new ArrayList<>();

    private AudioSourceManager delegate;

    LazyTwitchSource() {
        this(TwitchStreamAudioSourceManager::new);
    }

    /** @param create makes the real source (a test's stand-in instead of Twitch's) */
    LazyTwitchSource(Supplier<AudioSourceManager> create) {
        this.create = create;
    }

    /** Whether the real source was made (so Twitch was contacted). */
    synchronized boolean created() {
        return delegate != null;
    }

    private synchronized AudioSourceManager source() {
        if (delegate == null) {
            AudioSourceManager made = create.get();
            if (made instanceof HttpConfigurable http) settings.forEach(s -> s.accept(http));
            delegate = made;
        }
        return delegate;
    }

    @Override
    public String getSourceName() {
        // Saved tracks name their source; decoding looks the name up among the registered sources.
        return "twitch";
    }

    @Override
    public AudioItem loadItem(AudioPlayerManager manager, AudioReference reference) {
        if (reference.identifier == null
                || TwitchStreamAudioSourceManager.getChannelIdentifierFromUrl(reference.identifier) == null) {
            return null; // not a Twitch URL: the next source is asked, as Lavaplayer does
        }
        return source().loadItem(manager, reference);
    }

    @Override
    public boolean isTrackEncodable(AudioTrack track) {
        return source().isTrackEncodable(track);
    }

    @Override
    public void encodeTrack(AudioTrack track, DataOutput output) throws IOException {
        source().encodeTrack(track, output);
    }

    @Override
    public AudioTrack decodeTrack(AudioTrackInfo trackInfo, DataInput input) throws IOException {
        return source().decodeTrack(trackInfo, input);
    }

    @Override
    public synchronized void shutdown() {
        if (delegate != null) delegate.shutdown();
    }

    @Override
    public synchronized void configureRequests(Function<RequestConfig, RequestConfig> configurator) {
        if (delegate instanceof HttpConfigurable http) http.configureRequests(configurator);
        else settings.add(http -> http.configureRequests(configurator));
    }

    @Override
    public synchronized void configureBuilder(Consumer<HttpClientBuilder> configurator) {
        if (delegate instanceof HttpConfigurable http) http.configureBuilder(configurator);
        else settings.add(http -> http.configureBuilder(configurator));
    }
}
