package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.container.MediaContainerRegistry;
import com.sedmelluq.discord.lavaplayer.player.AudioLoadResultHandler;
import com.sedmelluq.discord.lavaplayer.player.AudioPlayer;
import com.sedmelluq.discord.lavaplayer.player.AudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.player.DefaultAudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.source.AudioSourceManager;
import com.sedmelluq.discord.lavaplayer.source.AudioSourceManagers;
import com.sedmelluq.discord.lavaplayer.source.http.HttpAudioSourceManager;
import com.sedmelluq.discord.lavaplayer.source.twitch.TwitchStreamAudioSourceManager;
import com.sedmelluq.discord.lavaplayer.tools.FriendlyException;
import com.sedmelluq.discord.lavaplayer.tools.io.MessageInput;
import com.sedmelluq.discord.lavaplayer.tools.io.MessageOutput;
import com.sedmelluq.discord.lavaplayer.track.AudioPlaylist;
import com.sedmelluq.discord.lavaplayer.track.AudioReference;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.sedmelluq.discord.lavaplayer.track.DecodedTrackHolder;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Track loading: Lavaplayer's manager with its sources (extra ones first, dev.lavalink.youtube's from the classpath,
 * the built-in remote sources, local files when allowed), the search provider for plain text, the address filter
 * that keeps {@code play} off private networks, and Lavaplayer's portable track encoding used by saved queues.
 */
final class TrackLoader implements AutoCloseable {

    /** dev.lavalink.youtube's source manager (artifacts {@code dev.lavalink.youtube:v2} or {@code :common}). */
    static final String YOUTUBE_SOURCE = "dev.lavalink.youtube.YoutubeAudioSourceManager";

    private static final Logger LOG = LoggerFactory.getLogger(TrackLoader.class);

    private final AudioPlayerManager manager = new DefaultAudioPlayerManager();
    private final String searchProvider;
    private final Duration loadTimeout;
    private final boolean allowLocalFiles;
    private final boolean allowPrivateAddresses;

    TrackLoader(MusicPlayers.Builder b) {
        this.searchProvider = b.searchProvider;
        this.loadTimeout = b.loadTimeout;
        this.allowLocalFiles = b.allowLocalFiles;
        this.allowPrivateAddresses = b.allowPrivateAddresses;
        manager.getConfiguration().setOpusEncodingQuality(b.opusQuality);
        manager.getConfiguration().setFilterHotSwapEnabled(false);
        // Frames live in one preallocated ring per track and are copied straight into OpusSendHandler's buffer:
        // no allocation per frame on either side; the ring is refilled in batches (BatchingFrameBuffer).
        manager.getConfiguration().setFrameBufferFactory(BatchingFrameBuffer::new);
        // Lavaplayer stops a player nobody pulled frames from for this long; our idle rule leaves earlier.
        manager.setPlayerCleanupThreshold(b.idleTimeout.plusMinutes(1).toMillis());
        b.sources.forEach(manager::registerSourceManager);
        if (b.youtubeFromClasspath
                && b.sources.stream().noneMatch(m -> m.getClass().getName().equals(YOUTUBE_SOURCE))) {
            youtubeFromClasspath().ifPresent(manager::registerSourceManager);
        }
        if (b.remoteSources) registerRemoteSources(manager);
        if (b.allowLocalFiles) AudioSourceManagers.registerLocalSource(manager);
        // Applies to the HTTP clients of the sources registered so far, so it comes after them all.
        if (!b.allowPrivateAddresses)
            manager.setHttpBuilderConfigurator(http -> http.setDnsResolver(new PublicAddressesOnly()));
    }

    /**
     * Lavaplayer's built-in remote sources, but its own YouTube source (deprecated and broken; add
     * dev.lavalink.youtube's instead, docs/music.md). Its Twitch source contacts www.twitch.tv when
     * made, so it is made on first use instead ({@link LazyTwitchSource}), registered before the
     * plain-HTTP source, which would take any URL.
     */
    static void registerRemoteSources(AudioPlayerManager manager) {
        AudioSourceManagers.registerRemoteSources(
                manager,
                com.sedmelluq.discord.lavaplayer.source.youtube.YoutubeAudioSourceManager.class,
                TwitchStreamAudioSourceManager.class,
                HttpAudioSourceManager.class);
        manager.registerSourceManager(new LazyTwitchSource());
        manager.registerSourceManager(new HttpAudioSourceManager(MediaContainerRegistry.DEFAULT_REGISTRY));
    }

    /** A new YouTube source with its default clients, when dev.lavalink.youtube is on the classpath. */
    static Optional<AudioSourceManager> youtubeFromClasspath() {
        try {
            Class<?> type = Class.forName(YOUTUBE_SOURCE, true, TrackLoader.class.getClassLoader());
            AudioSourceManager youtube =
                    (AudioSourceManager) type.getConstructor().newInstance();
            LOG.info("Music: YouTube source found on the classpath ({}), registered", YOUTUBE_SOURCE);
            return Optional.of(youtube);
        } catch (ClassNotFoundException absent) {
            return Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            LOG.warn("Music: {} is on the classpath but could not be created: {}", YOUTUBE_SOURCE, e.toString());
            return Optional.empty();
        }
    }

    AudioPlayer createPlayer() {
        return manager.createPlayer();
    }

    private sealed interface Loaded {
        record Track(AudioTrack track) implements Loaded {}

        record NoMatches() implements Loaded {}

        record Failed(String reason) implements Loaded {}
    }

    /** What Lavaplayer is asked to load: a URL as it is, anything else as a search with the provider. */
    String identifier(String query) {
        String q = query.strip();
        if (isUrl(q)) return q;
        if (allowLocalFiles && q.startsWith("/")) return q;
        return searchProvider + q;
    }

    static boolean isUrl(String q) {
        String lower = q.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) return false;
        try {
            return URI.create(q).getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The query's track (a playlist's selected or first one), loaded in the guild's order, with its encoding
     * computed (see {@link #encoded}); {@code no_matches} or {@code load_failed} otherwise, at most
     * {@code loadTimeout} later.
     */
    Result<AudioTrack> load(long guildId, String query) {
        String identifier = identifier(query);
        if (!allowPrivateAddresses
                && isUrl(identifier)
                && PublicAddressesOnly.isPrivateHost(URI.create(identifier).getHost())) {
            return Result.err(
                    ErrorCode.LOAD_FAILED,
                    "load_failed",
                    Text.of("music.private_address", URI.create(identifier).getHost()));
        }
        CompletableFuture<Loaded> outcome = new CompletableFuture<>();
        Future<Void> loading =
                manager.loadItemOrdered(guildId, new AudioReference(identifier, null), new AudioLoadResultHandler() {
                    @Override
                    public void trackLoaded(AudioTrack track) {
                        outcome.complete(new Loaded.Track(track));
                    }

                    @Override
                    public void playlistLoaded(AudioPlaylist playlist) {
                        List<AudioTrack> tracks = playlist.getTracks();
                        if (tracks.isEmpty()) outcome.complete(new Loaded.NoMatches());
                        else
                            outcome.complete(new Loaded.Track(
                                    playlist.getSelectedTrack() != null
                                            ? playlist.getSelectedTrack()
                                            : tracks.getFirst()));
                    }

                    @Override
                    public void noMatches() {
                        outcome.complete(new Loaded.NoMatches());
                    }

                    @Override
                    public void loadFailed(FriendlyException e) {
                        outcome.complete(new Loaded.Failed(
                                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                    }
                });
        try {
            return switch (outcome.get(loadTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                case Loaded.Track(AudioTrack track) -> {
                    encoded(track);
                    yield Result.ok(track);
                }
                case Loaded.NoMatches() -> Result.err(ErrorCode.NO_MATCHES, "no_matches", query.strip());
                case Loaded.Failed(String reason) -> Result.err(ErrorCode.LOAD_FAILED, "load_failed", reason);
            };
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            loading.cancel(true);
            return Result.err(
                    ErrorCode.LOAD_FAILED, "load_failed", Text.of("music.load_timeout", loadTimeout.toSeconds()));
        } catch (ExecutionException e) {
            return Result.err(ErrorCode.LOAD_FAILED, "load_failed", String.valueOf(e.getCause()));
        }
    }

    /** Lavaplayer's encoding of the track, computed once and kept as the track's user data; null if it has none. */
    String encoded(AudioTrack track) {
        if (track.getUserData() instanceof String s) return s;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            MessageOutput out = new MessageOutput(bytes);
            manager.encodeTrack(out, track);
            out.finish();
            String encoded = Base64.getEncoder().encodeToString(bytes.toByteArray());
            track.setUserData(encoded);
            return encoded;
        } catch (IOException | RuntimeException e) {
            LOG.warn("track {} cannot be saved (its source cannot encode it): {}", track.getInfo().uri, e.toString());
            return null;
        }
    }

    /** A playable track again from {@link #encoded}'s text, without searching. */
    AudioTrack decode(String encoded) throws IOException {
        MessageInput in =
                new MessageInput(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)));
        DecodedTrackHolder holder = manager.decodeTrack(in);
        if (holder == null || holder.decodedTrack == null) throw new IOException("no source can decode this track");
        holder.decodedTrack.setUserData(encoded);
        return holder.decodedTrack;
    }

    @Override
    public void close() {
        manager.shutdown();
    }
}
