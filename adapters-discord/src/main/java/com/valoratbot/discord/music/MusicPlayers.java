package com.valoratbot.discord.music;

import com.valoratbot.core.port.music.QueueStore;

import com.sedmelluq.discord.lavaplayer.player.AudioLoadResultHandler;
import com.sedmelluq.discord.lavaplayer.player.AudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.player.DefaultAudioPlayerManager;
import com.sedmelluq.discord.lavaplayer.source.AudioSourceManager;
import com.sedmelluq.discord.lavaplayer.source.AudioSourceManagers;
import com.sedmelluq.discord.lavaplayer.tools.FriendlyException;
import com.sedmelluq.discord.lavaplayer.tools.io.MessageInput;
import com.sedmelluq.discord.lavaplayer.tools.io.MessageOutput;
import com.sedmelluq.discord.lavaplayer.track.AudioPlaylist;
import com.sedmelluq.discord.lavaplayer.track.AudioReference;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.sedmelluq.discord.lavaplayer.track.AudioTrackEndReason;
import com.sedmelluq.discord.lavaplayer.track.AudioTrackInfo;
import com.sedmelluq.discord.lavaplayer.track.DecodedTrackHolder;
import com.valoratbot.core.command.Command.Play;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PlayMusic;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.audio.AudioModuleConfig;
import net.dv8tion.jda.api.audio.hooks.ConnectionStatus;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.middleman.AudioChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.managers.AudioManager;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Music for the dashboard's {@code play}, {@code pause}, {@code resume}, {@code skip}, {@code stop},
 * {@code getQueue} and {@code removeFromQueue}: one Lavaplayer player per guild, sent to Discord through JDA.
 *
 * <pre>{@code
 * JDABuilder builder = ...;
 * MusicPlayers.configure(builder, VoiceMode.DAVE);          // before build(): DAVE's session factory
 * JDA jda = builder.build();
 * LOG.info(MusicPlayers.probe(VoiceMode.DAVE).describe());  // at start-up
 * PlayMusic music = MusicPlayers.builder(jda)
 *         .voiceMode(VoiceMode.DAVE)
 *         .searchProvider("scsearch:")
 *         .idleTimeout(Duration.ofMinutes(5))
 *         .queueStore(store)
 *         .build();
 * }</pre>
 *
 * <p>Rules: a URL is loaded as it is, other text is searched with the search provider and its first match is
 * queued; the track plays at once when nothing plays (position 0), otherwise it waits at the end of the queue
 * (position 1 = next). While the bot plays or has a queue in one voice channel, a {@code play} for another channel
 * of the same guild answers {@code busy}. The bot leaves after {@code idleTimeout} without playing to anyone
 * (nothing playing, paused, alone in the channel, or not connected). Queues and positions are saved in the
 * {@link QueueStore} and resumed by the next {@code MusicPlayers} built on the same store.
 */
public final class MusicPlayers implements PlayMusic, AutoCloseable {

    public static final String DEFAULT_SEARCH_PROVIDER = "scsearch:";
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_SAVE_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_QUEUE_LENGTH = 500;
    public static final int MAX_QUEUE_LENGTH_LIMIT = 10_000;
    /** Lavaplayer's default Opus encoder quality (0..10), used when a source must be re-encoded. */
    public static final int DEFAULT_OPUS_QUALITY = 10;

    private static final Logger LOG = LoggerFactory.getLogger(MusicPlayers.class);
    private static final Pattern SEARCH_PREFIX = Pattern.compile("[a-z][a-z0-9]*:");
    private static final Set<ConnectionStatus> VOICE_LOST = EnumSet.of(
            ConnectionStatus.DISCONNECTED_KICKED_FROM_CHANNEL, ConnectionStatus.DISCONNECTED_CHANNEL_DELETED,
            ConnectionStatus.DISCONNECTED_REMOVED_FROM_GUILD, ConnectionStatus.DISCONNECTED_LOST_PERMISSION,
            ConnectionStatus.DISCONNECTED_REMOVED_DURING_RECONNECT, ConnectionStatus.DISCONNECTED_AUTHENTICATION_FAILURE);

    private final JDA jda;
    private final VoiceSupport support;
    private final String searchProvider;
    private final Duration idleTimeout;
    private final Duration loadTimeout;
    private final Duration saveInterval;
    private final int maxQueueLength;
    private final boolean allowLocalFiles;
    private final boolean allowPrivateAddresses;
    private final AudioPlayerManager manager;
    private final StoreWriter storeWriter;
    private final QueueStore store;
    private final Map<Long, GuildPlayer> players = new ConcurrentHashMap<>();
    private final ExecutorService tasks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("music-", 0).factory());
    private final ScheduledExecutorService ticker;
    private final CompletableFuture<Integer> restoration = new CompletableFuture<>();
    private final GuildPlayer.Events events = new GuildPlayer.Events() {
        @Override public void trackEnded(GuildPlayer g, AudioTrack track, AudioTrackEndReason reason) { onTrackEnded(g, track, reason); }
        @Override public void voiceStatus(GuildPlayer g, ConnectionStatus status) { onVoiceStatus(g, status); }
    };
    private volatile boolean closed;

    private MusicPlayers(Builder b) {
        this.jda = b.jda;
        this.support = VoiceSupport.probe(b.voiceMode);
        this.searchProvider = b.searchProvider;
        this.idleTimeout = b.idleTimeout;
        this.loadTimeout = b.loadTimeout;
        this.saveInterval = b.saveInterval;
        this.maxQueueLength = b.maxQueueLength;
        this.allowLocalFiles = b.allowLocalFiles;
        this.store = b.queueStore;
        this.storeWriter = new StoreWriter(b.queueStore);

        this.manager = new DefaultAudioPlayerManager();
        manager.getConfiguration().setOpusEncodingQuality(b.opusQuality);
        manager.getConfiguration().setFilterHotSwapEnabled(false);
        // Frames live in one preallocated ring per track and are copied straight into OpusSendHandler's buffer:
        // no allocation per frame on either side; the ring is refilled in batches (BatchingFrameBuffer).
        manager.getConfiguration().setFrameBufferFactory(BatchingFrameBuffer::new);
        // Lavaplayer stops a player nobody pulled frames from for this long; our idle rule leaves earlier.
        manager.setPlayerCleanupThreshold(idleTimeout.plusMinutes(1).toMillis());
        this.allowPrivateAddresses = b.allowPrivateAddresses;
        b.sources.forEach(manager::registerSourceManager);
        if (b.youtubeFromClasspath && b.sources.stream().noneMatch(m -> m.getClass().getName().equals(YOUTUBE_SOURCE))) {
            youtubeFromClasspath().ifPresent(manager::registerSourceManager);
        }
        if (b.remoteSources) {
            // Lavaplayer's own YouTube source is deprecated and broken; add dev.lavalink.youtube's instead (docs/music.md).
            AudioSourceManagers.registerRemoteSources(manager,
                    com.sedmelluq.discord.lavaplayer.source.youtube.YoutubeAudioSourceManager.class);
        }
        if (b.allowLocalFiles) AudioSourceManagers.registerLocalSource(manager);
        // Applies to the HTTP clients of the sources registered so far, so it comes after them all.
        if (!b.allowPrivateAddresses) manager.setHttpBuilderConfigurator(http -> http.setDnsResolver(new PublicAddressesOnly()));

        long tick = Math.max(50, Math.min(idleTimeout.toMillis() / 4, 5_000));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "music-idle");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);

        if (support.firstReportOfUnavailability()) {
            LOG.error("Music: {}. Play will answer voice_unavailable; the other commands work.", support.describe());
        } else if (support.available()) {
            LOG.info("Music: {}", support.describe());
        }
        warnIfJdaMismatch();
        tasks.execute(this::restore);
    }

    public static Builder builder(JDA jda) {
        return new Builder(jda);
    }

    /** dev.lavalink.youtube's source manager (artifacts {@code dev.lavalink.youtube:v2} or {@code :common}). */
    public static final String YOUTUBE_SOURCE = "dev.lavalink.youtube.YoutubeAudioSourceManager";

    /** A new YouTube source with its default clients, when dev.lavalink.youtube is on the classpath. */
    static Optional<AudioSourceManager> youtubeFromClasspath() {
        try {
            Class<?> type = Class.forName(YOUTUBE_SOURCE, true, MusicPlayers.class.getClassLoader());
            AudioSourceManager youtube = (AudioSourceManager) type.getConstructor().newInstance();
            LOG.info("Music: YouTube source found on the classpath ({}), registered", YOUTUBE_SOURCE);
            return Optional.of(youtube);
        } catch (ClassNotFoundException absent) {
            return Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            LOG.warn("Music: {} is on the classpath but could not be created: {}", YOUTUBE_SOURCE, e.toString());
            return Optional.empty();
        }
    }

    /** See {@link VoiceSupport#probe}: whether this machine can join voice in that mode, in one loggable sentence. */
    public static VoiceSupport probe(VoiceMode mode) {
        return VoiceSupport.probe(mode);
    }

    /**
     * Prepares a {@link JDABuilder} for voice in {@code mode}, before {@code build()}: the DAVE session factory
     * ({@code AudioModuleConfig#withDaveSessionFactory(new JDaveSessionFactory())}) for {@link VoiceMode#DAVE},
     * JDA's passthrough otherwise, plus what JDA's audio needs (the {@code GUILD_VOICE_STATES} intent and the
     * {@code VOICE_STATE} cache) and the {@link PacedSendFactory}, one send thread paced on the nanosecond clock for
     * all of this JDA's voice connections. When DAVE cannot load here, JDA is left in passthrough and nothing joins voice:
     * {@code MusicPlayers} in DAVE mode answers {@code voice_unavailable}.
     */
    public static JDABuilder configure(JDABuilder builder, VoiceMode mode) {
        Objects.requireNonNull(builder, "builder");
        VoiceSupport s = VoiceSupport.probe(mode);
        AudioModuleConfig audio = new AudioModuleConfig().withAudioSendFactory(new PacedSendFactory());
        if (mode == VoiceMode.DAVE && s.available()) {
            audio = audio.withDaveSessionFactory(new club.minnced.discord.jdave.interop.JDaveSessionFactory());
        } else if (mode == VoiceMode.DAVE && s.firstReportOfUnavailability()) {
            LOG.error("Music: {}. The bot will not join voice (play answers voice_unavailable); the other commands work.", s.describe());
        }
        return builder.setAudioModuleConfig(audio)
                .enableIntents(GatewayIntent.GUILD_VOICE_STATES)
                .enableCache(CacheFlag.VOICE_STATE);
    }

    public VoiceSupport voiceSupport() {
        return support;
    }

    /** Completes with the number of guilds whose saved queue was resumed, once that is done. */
    public CompletableFuture<Integer> restoration() {
        return restoration;
    }

    // ================================================================ PlayMusic

    @Override
    public Result<QueuedTrack> play(CommandContext context, Play play) {
        if (!support.available()) return Result.err(ErrorCode.VOICE_UNAVAILABLE, "voice_unavailable", support.detail());
        long guildId = context.guildId().value();
        Guild guild = jda.getGuildById(guildId);
        if (guild == null) return Result.err(ErrorCode.GUILD_NOT_FOUND, "guild_not_found");
        GuildChannel channel = guild.getGuildChannelById(play.voiceChannelId().value());
        if (channel == null) return Result.err(ErrorCode.CHANNEL_NOT_FOUND, "channel_not_found", play.voiceChannelId().toString());
        if (!(channel instanceof AudioChannel audio)) {
            return Result.err(ErrorCode.INVALID_PAYLOAD, "channel_wrong_type", "#" + channel.getName(), Text.of("music.audio_channel"));
        }
        Member self = guild.getSelfMember();
        if (!self.hasPermission(audio, Permission.VOICE_CONNECT, Permission.VOICE_SPEAK)) {
            return Result.err(ErrorCode.MISSING_PERMISSIONS, "missing_permissions", "Connect, Speak", "#" + audio.getName());
        }

        // Fail fast before loading anything; checked again once the track is here.
        Result<Done> free = onGuild(guildId, g -> busy(g, guild, audio));
        if (free instanceof Result.Err<Done>(Failure f)) return Result.err(f);

        Result<AudioTrack> loaded = load(guildId, play.query());
        if (loaded instanceof Result.Err<AudioTrack>(Failure f)) return Result.err(f);
        AudioTrack track = ((Result.Ok<AudioTrack>) loaded).value();
        return onGuild(guildId, g -> enqueue(g, guild, audio, track));
    }

    @Override
    public Result<Done> pause(CommandContext context) {
        return setPaused(context, true);
    }

    @Override
    public Result<Done> resume(CommandContext context) {
        return setPaused(context, false);
    }

    /** Pausing twice, or resuming what plays, is harmless: both are idempotent actions. */
    private Result<Done> setPaused(CommandContext context, boolean paused) {
        return onExistingGuild(context, g -> {
            if (g.player.getPlayingTrack() == null) return nothingPlaying();
            g.player.setPaused(paused);
            save(g);
            return Result.ok(Done.DONE);
        });
    }

    /** The next track plays (unpaused); on the last track, playback stops and the bot waits in the channel. */
    @Override
    public Result<Done> skip(CommandContext context) {
        return onExistingGuild(context, g -> {
            if (g.player.getPlayingTrack() == null) return nothingPlaying();
            g.player.setPaused(false);
            if (g.queue.isEmpty()) g.player.stopTrack();
            else g.player.startTrack(g.queue.removeFirst(), false);
            save(g);
            return Result.ok(Done.DONE);
        });
    }

    /** Clears the queue and leaves the channel; {@code nothing_playing} when not in voice and nothing is queued. */
    @Override
    public Result<Done> stop(CommandContext context) {
        return onExistingGuild(context, g -> {
            boolean inVoice = g.joinRequestedChannelId != 0;
            if (!g.active() && !inVoice) return nothingPlaying();
            leave(g, "stop");
            return Result.ok(Done.DONE);
        });
    }

    @Override
    public Result<QueueView> queue(CommandContext context) {
        GuildPlayer existing = players.get(context.guildId().value());
        if (existing == null) return Result.ok(new QueueView(Optional.empty(), List.of()));
        return run(existing, g -> {
            AudioTrack current = g.player.getPlayingTrack();
            Optional<NowPlaying> now = current == null ? Optional.empty()
                    : Optional.of(new NowPlaying(describe(current), g.positionOf(current), g.player.isPaused()));
            return Result.ok(new QueueView(now, g.queue.stream().map(MusicPlayers::describe).toList()));
        }).orElseGet(() -> Result.ok(new QueueView(Optional.empty(), List.of())));
    }

    @Override
    public Result<Done> removeFromQueue(CommandContext context, int index) {
        GuildPlayer existing = players.get(context.guildId().value());
        if (existing == null) return outOfRange(index, 0);
        return run(existing, g -> {
            if (index < 0 || index >= g.queue.size()) return outOfRange(index, g.queue.size());
            g.queue.remove(index);
            save(g);
            return Result.ok(Done.DONE);
        }).orElseGet(() -> outOfRange(index, 0));
    }

    // ================================================================ the guild's serial tasks

    private Result<Done> busy(GuildPlayer g, Guild guild, AudioChannel wanted) {
        long current = connectedChannel(guild, g);
        if (current != 0 && current != wanted.getIdLong() && g.active()) {
            AudioChannel there = guild.getChannelById(AudioChannel.class, current);
            String name = there == null ? Long.toString(current) : "#" + there.getName();
            return Result.err(Failure.of(ErrorCode.BUSY, "busy", name).with("channelId", Long.toString(current)));
        }
        return Result.ok(Done.DONE);
    }

    private Result<QueuedTrack> enqueue(GuildPlayer g, Guild guild, AudioChannel audio, AudioTrack track) {
        if (busy(g, guild, audio) instanceof Result.Err<Done>(Failure f)) return Result.err(f);
        if (g.queue.size() >= maxQueueLength) return Result.err(ErrorCode.BUSY, "music.queue_full", maxQueueLength);
        Result<Done> joined = join(g, guild, audio);
        if (joined instanceof Result.Err<Done>(Failure f)) return Result.err(f);
        encoded(track);
        int position;
        if (g.player.getPlayingTrack() == null) {
            g.player.setPaused(false);
            g.player.startTrack(track, false);
            position = 0;
        } else {
            g.queue.add(track);
            position = g.queue.size();
        }
        g.idleSinceNanos = 0;
        save(g);
        return Result.ok(new QueuedTrack(describe(track), position));
    }

    private Result<Done> join(GuildPlayer g, Guild guild, AudioChannel audio) {
        AudioManager voice = guild.getAudioManager();
        if (voice.getSendingHandler() != g.sender) voice.setSendingHandler(g.sender);
        if (voice.getConnectionListener() != g) voice.setConnectionListener(g);
        long connected = voice.getConnectedChannel() == null ? 0 : voice.getConnectedChannel().getIdLong();
        // Not connected yet but already asked for this channel: Discord's answer is on its way.
        boolean joining = connected == 0 && g.joinRequestedChannelId == audio.getIdLong();
        if (connected != audio.getIdLong() && !joining) {
            try {
                voice.setSelfDeafened(true);
                voice.openAudioConnection(audio);
            } catch (InsufficientPermissionException e) {
                return Result.err(ErrorCode.MISSING_PERMISSIONS, "missing_permissions", e.getPermission().getName(), "#" + audio.getName());
            } catch (UnsupportedOperationException e) {
                return Result.err(ErrorCode.VOICE_UNAVAILABLE, "voice_unavailable", String.valueOf(e.getMessage()));
            } catch (IllegalStateException | IllegalArgumentException e) {
                return Result.err(ErrorCode.DISCORD_ERROR, "discord_error", String.valueOf(e.getMessage()));
            }
            g.joinRequestedChannelId = audio.getIdLong();
        }
        g.channelId = audio.getIdLong();
        return Result.ok(Done.DONE);
    }

    /** Stops, forgets the queue (here and in the store) and leaves the voice channel. */
    private void leave(GuildPlayer g, String why) {
        LOG.info("guild {}: leaving voice ({})", g.guildId, why);
        g.closed = true;
        g.queue.clear();
        g.player.setPaused(false);
        g.player.destroy();
        Guild guild = jda.getGuildById(g.guildId);
        if (guild != null) {
            AudioManager voice = guild.getAudioManager();
            if (voice.getConnectionListener() == g) voice.setConnectionListener(null);
            if (voice.getSendingHandler() == g.sender) voice.setSendingHandler(null);
            voice.closeAudioConnection();
        }
        g.joinRequestedChannelId = 0;
        g.channelId = 0;
        players.remove(g.guildId, g);
        storeWriter.delete(g.guildId);
    }

    private void onTrackEnded(GuildPlayer g, AudioTrack track, AudioTrackEndReason reason) {
        if (g.closed) return;
        if (reason == AudioTrackEndReason.CLEANUP) {
            // Nobody pulled audio for a long time (voice down): keep the track where it was for when voice is back.
            AudioTrack again = track.makeClone();
            g.resumeAt(again, g.positionOf(track));
            g.queue.addFirst(again);
        }
        if (reason.mayStartNext || reason == AudioTrackEndReason.CLEANUP) {
            if (g.player.getPlayingTrack() == null && !g.queue.isEmpty()) {
                g.player.startTrack(g.queue.removeFirst(), false);
            }
        }
        save(g);
    }

    private void onVoiceStatus(GuildPlayer g, ConnectionStatus status) {
        if (g.closed) return;
        LOG.debug("guild {}: voice {}", g.guildId, status);
        if (VOICE_LOST.contains(status)) {
            leave(g, "voice connection ended: " + status);
        }
    }

    private void checkIdle(GuildPlayer g) {
        if (g.closed) return;
        if (!g.active() && g.joinRequestedChannelId == 0) {
            // A player made for a play that did not start (nothing found, busy): drop it quietly.
            g.closed = true;
            players.remove(g.guildId, g);
            g.player.destroy();
            return;
        }
        Guild guild = jda.getGuildById(g.guildId);
        if (guild == null) {
            if (jda.getStatus() == JDA.Status.CONNECTED && !jda.isUnavailable(g.guildId)) leave(g, "the bot is no longer in the guild");
            return;
        }
        long now = System.nanoTime();
        boolean connected = guild.getAudioManager().getConnectionStatus() == ConnectionStatus.CONNECTED;
        boolean playing = g.player.getPlayingTrack() != null && !g.player.isPaused();
        if (playing && connected && !alone(guild, g)) {
            g.idleSinceNanos = 0;
        } else if (g.idleSinceNanos == 0) {
            g.idleSinceNanos = now;
        } else if (now - g.idleSinceNanos >= idleTimeout.toNanos()) {
            leave(g, "idle or alone for " + idleTimeout.toSeconds() + " s");
            return;
        }
        if (g.player.getPlayingTrack() != null && now - g.lastSavedNanos >= saveInterval.toNanos()) save(g);
    }

    /** Nobody but bots in the channel. Unknown (treated as company) when JDA does not cache voice states. */
    private boolean alone(Guild guild, GuildPlayer g) {
        if (!jda.getCacheFlags().contains(CacheFlag.VOICE_STATE)) return false;
        long channelId = connectedChannel(guild, g);
        AudioChannel channel = channelId == 0 ? null : guild.getChannelById(AudioChannel.class, channelId);
        if (channel == null) return true;
        return channel.getMembers().stream().noneMatch(m -> !m.getUser().isBot() && m.getIdLong() != jda.getSelfUser().getIdLong());
    }

    private static long connectedChannel(Guild guild, GuildPlayer g) {
        AudioChannel connected = guild.getAudioManager().getConnectedChannel();
        if (connected != null) return connected.getIdLong();
        return g.channelId;
    }

    private void tick() {
        if (closed) return;
        for (GuildPlayer g : players.values()) g.serial.execute(() -> checkIdle(g));
    }

    // ================================================================ persistence

    private void save(GuildPlayer g) {
        if (g.closed) return;
        g.lastSavedNanos = System.nanoTime();
        Guild guild = jda.getGuildById(g.guildId);
        AudioChannel connected = guild == null ? null : guild.getAudioManager().getConnectedChannel();
        // Moved by a moderator: resume in the channel it was moved to.
        if (connected != null) g.channelId = connected.getIdLong();
        if (!g.active() || g.channelId == 0) {
            storeWriter.delete(g.guildId);
            return;
        }
        storeWriter.save(g.guildId, snapshot(g).toJson());
    }

    private QueueSnapshot snapshot(GuildPlayer g) {
        AudioTrack current = g.player.getPlayingTrack();
        Optional<QueueSnapshot.SavedTrack> saved = current == null ? Optional.empty() : saved(current);
        long position = current == null ? 0 : g.positionOf(current);
        return new QueueSnapshot(g.guildId, g.channelId, g.player.isPaused(), saved, position,
                g.queue.stream().map(this::saved).flatMap(Optional::stream).toList(), System.currentTimeMillis());
    }

    private Optional<QueueSnapshot.SavedTrack> saved(AudioTrack track) {
        String encoded = encoded(track);
        return encoded == null ? Optional.empty()
                : Optional.of(new QueueSnapshot.SavedTrack(encoded, track.getInfo().title, track.getInfo().uri));
    }

    /** Lavaplayer's encoding of the track, computed once and kept as the track's user data; null if it has none. */
    private String encoded(AudioTrack track) {
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

    private AudioTrack decode(String encoded) throws IOException {
        MessageInput in = new MessageInput(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)));
        DecodedTrackHolder holder = manager.decodeTrack(in);
        if (holder == null || holder.decodedTrack == null) throw new IOException("no source can decode this track");
        holder.decodedTrack.setUserData(encoded);
        return holder.decodedTrack;
    }

    private void restore() {
        int resumed = 0;
        try {
            Map<Long, String> saved = store.loadAll();
            if (saved.isEmpty()) return;
            jda.awaitReady();
            for (Map.Entry<Long, String> entry : saved.entrySet()) {
                if (closed) return;
                try {
                    if (restore(QueueSnapshot.fromJson(entry.getKey(), entry.getValue()))) resumed++;
                } catch (RuntimeException e) {
                    LOG.warn("guild {}: saved music queue not resumed", entry.getKey(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("saved music queues could not be read", e);
        } finally {
            if (resumed > 0) LOG.info("Music: resumed {} guild queue(s)", resumed);
            restoration.complete(resumed);
        }
    }

    private boolean restore(QueueSnapshot s) {
        if (!support.available()) {
            LOG.warn("guild {}: saved music queue kept but not resumed: {}", s.guildId(), support.detail());
            return false;
        }
        Guild guild = jda.getGuildById(s.guildId());
        if (guild == null) {
            LOG.info("guild {}: not available, saved music queue kept for later", s.guildId());
            return false;
        }
        AudioChannel channel = guild.getChannelById(AudioChannel.class, s.channelId());
        if (channel == null) {
            LOG.info("guild {}: voice channel {} is gone, saved music queue dropped", s.guildId(), s.channelId());
            storeWriter.delete(s.guildId());
            return false;
        }
        Result<Boolean> done = onGuild(s.guildId(), g -> {
            if (g.active()) return Result.ok(false);
            List<AudioTrack> tracks = new ArrayList<>();
            AudioTrack current = null;
            if (s.current().isPresent()) {
                try {
                    current = decode(s.current().get().encoded());
                    g.resumeAt(current, s.positionMs());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("guild {}: saved track {} not resumed: {}", s.guildId(), s.current().get().uri(), e.getMessage());
                }
            }
            for (QueueSnapshot.SavedTrack t : s.queue()) {
                try {
                    tracks.add(decode(t.encoded()));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("guild {}: saved track {} dropped: {}", s.guildId(), t.uri(), e.getMessage());
                }
            }
            if (current == null && !tracks.isEmpty()) current = tracks.removeFirst();
            if (current == null) {
                storeWriter.delete(s.guildId());
                return Result.ok(false);
            }
            Result<Done> joined = join(g, guild, channel);
            if (joined instanceof Result.Err<Done>(Failure f)) {
                LOG.warn("guild {}: cannot rejoin voice to resume the queue: {}", s.guildId(), f.reason());
                return Result.ok(false);
            }
            g.queue.addAll(tracks);
            g.player.setPaused(s.paused());
            g.player.startTrack(current, false);
            save(g);
            return Result.ok(true);
        });
        return done instanceof Result.Ok<Boolean>(Boolean b) && b;
    }

    // ================================================================ loading

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

    private Result<AudioTrack> load(long guildId, String query) {
        String identifier = identifier(query);
        if (!allowPrivateAddresses && isUrl(identifier) && PublicAddressesOnly.isPrivateHost(URI.create(identifier).getHost())) {
            return Result.err(ErrorCode.LOAD_FAILED, "load_failed", Text.of("music.private_address", URI.create(identifier).getHost()));
        }
        CompletableFuture<Loaded> outcome = new CompletableFuture<>();
        Future<Void> loading = manager.loadItemOrdered(guildId, new AudioReference(identifier, null), new AudioLoadResultHandler() {
            @Override public void trackLoaded(AudioTrack track) { outcome.complete(new Loaded.Track(track)); }

            @Override public void playlistLoaded(AudioPlaylist playlist) {
                List<AudioTrack> tracks = playlist.getTracks();
                if (tracks.isEmpty()) outcome.complete(new Loaded.NoMatches());
                else outcome.complete(new Loaded.Track(playlist.getSelectedTrack() != null ? playlist.getSelectedTrack() : tracks.getFirst()));
            }

            @Override public void noMatches() { outcome.complete(new Loaded.NoMatches()); }

            @Override public void loadFailed(FriendlyException e) {
                outcome.complete(new Loaded.Failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        });
        try {
            return switch (outcome.get(loadTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                case Loaded.Track(AudioTrack track) -> Result.ok(track);
                case Loaded.NoMatches() -> Result.err(ErrorCode.NO_MATCHES, "no_matches", query.strip());
                case Loaded.Failed(String reason) -> Result.err(ErrorCode.LOAD_FAILED, "load_failed", reason);
            };
        } catch (TimeoutException e) {
            loading.cancel(true);
            return Result.err(ErrorCode.LOAD_FAILED, "load_failed", Text.of("music.load_timeout", loadTimeout.toSeconds()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loading.cancel(true);
            return Result.err(ErrorCode.LOAD_FAILED, "load_failed", Text.of("music.load_timeout", loadTimeout.toSeconds()));
        } catch (ExecutionException e) {
            return Result.err(ErrorCode.LOAD_FAILED, "load_failed", String.valueOf(e.getCause()));
        }
    }

    // ================================================================ helpers

    static Track describe(AudioTrack track) {
        AudioTrackInfo info = track.getInfo();
        long length = info.isStream || info.length == Long.MAX_VALUE ? 0 : info.length;
        return new Track(info.title, info.author, length, info.artworkUrl, info.uri);
    }

    private static <T> Result<T> nothingPlaying() {
        return Result.err(ErrorCode.NOTHING_PLAYING, "nothing_playing");
    }

    private static Result<Done> outOfRange(int index, int size) {
        Text why = size == 0 ? Text.of("music.queue_empty", index) : Text.of("music.queue_index", size - 1, index);
        return Result.err(new Failure(ErrorCode.INVALID_PAYLOAD, Text.of("invalid_payload", List.of(why)), Map.of()));
    }

    private GuildPlayer player(long guildId) {
        return players.computeIfAbsent(guildId, id -> new GuildPlayer(id, new SerialExecutor(tasks), manager.createPlayer(), events));
    }

    /** Runs a task on the guild's serial executor (creating its player) and waits for it. */
    private <T> Result<T> onGuild(long guildId, java.util.function.Function<GuildPlayer, Result<T>> task) {
        for (int attempt = 0; attempt < 3; attempt++) {
            GuildPlayer g = player(guildId);
            Optional<Result<T>> result = run(g, task);
            if (result.isPresent()) return result.get();
            // That player was just closed by a stop or an idle leave: the next one is fresh.
        }
        return Result.err(ErrorCode.INTERNAL_ERROR, "internal_error");
    }

    /** Like {@link #onGuild(long, java.util.function.Function)} for a player that exists; nothing_playing otherwise. */
    private <T> Result<T> onExistingGuild(CommandContext context, java.util.function.Function<GuildPlayer, Result<T>> task) {
        GuildPlayer g = players.get(context.guildId().value());
        if (g == null) return nothingPlaying();
        return run(g, task).orElseGet(MusicPlayers::nothingPlaying);
    }

    private <T> Optional<Result<T>> run(GuildPlayer g, java.util.function.Function<GuildPlayer, Result<T>> task) {
        if (closed) return Optional.of(Result.err(ErrorCode.VOICE_UNAVAILABLE, "voice_unavailable", Text.of("music.shutting_down")));
        try {
            return g.serial.submit(() -> g.closed ? Optional.<Result<T>>empty() : Optional.of(task.apply(g)))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(Result.err(ErrorCode.INTERNAL_ERROR, "internal_error"));
        } catch (ExecutionException e) {
            LOG.error("guild {}: music command failed", g.guildId, e.getCause());
            return Optional.of(Result.err(ErrorCode.INTERNAL_ERROR, "internal_error"));
        } catch (TimeoutException e) {
            LOG.error("guild {}: music command did not finish in 30 s", g.guildId);
            return Optional.of(Result.err(ErrorCode.INTERNAL_ERROR, "internal_error"));
        }
    }

    private void warnIfJdaMismatch() {
        if (support.mode() != VoiceMode.DAVE || !support.available()) return;
        if (jda instanceof net.dv8tion.jda.internal.JDAImpl impl
                && !(impl.getAudioModuleConfig().getDaveSessionFactory() instanceof club.minnced.discord.jdave.interop.JDaveSessionFactory)) {
            LOG.error("Music: DAVE mode selected but this JDA was built without MusicPlayers.configure(builder, VoiceMode.DAVE): "
                    + "Discord will refuse its voice connections (close code 4017)");
        }
    }

    /**
     * Saves every guild's queue and position, leaves voice and stops the players, keeping the saved queues: the next
     * {@code MusicPlayers} on the same store resumes them. Does not shut JDA down.
     */
    @Override
    public void close() {
        if (closed) return;
        List<CompletableFuture<Boolean>> done = new ArrayList<>();
        for (GuildPlayer g : players.values()) {
            done.add(g.serial.submit(() -> {
                if (g.closed) return false;
                save(g);
                g.closed = true;
                Guild guild = jda.getGuildById(g.guildId);
                if (guild != null) {
                    AudioManager voice = guild.getAudioManager();
                    if (voice.getConnectionListener() == g) voice.setConnectionListener(null);
                    if (voice.getSendingHandler() == g.sender) voice.setSendingHandler(null);
                    voice.closeAudioConnection();
                }
                g.player.destroy();
                return true;
            }));
        }
        closed = true;
        ticker.shutdownNow();
        for (CompletableFuture<Boolean> f : done) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("a music player did not stop cleanly", e);
            }
        }
        players.clear();
        storeWriter.close();
        manager.shutdown();
        tasks.shutdown();
    }

    // ================================================================ builder

    public static final class Builder {
        private final JDA jda;
        private String searchProvider = DEFAULT_SEARCH_PROVIDER;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
        private Duration saveInterval = DEFAULT_SAVE_INTERVAL;
        private int maxQueueLength = DEFAULT_MAX_QUEUE_LENGTH;
        private VoiceMode voiceMode = VoiceMode.DAVE;
        private QueueStore queueStore = QueueStore.none();
        private final List<AudioSourceManager> sources = new ArrayList<>();
        private boolean remoteSources = true;
        private boolean youtubeFromClasspath = true;
        private boolean allowLocalFiles;
        private boolean allowPrivateAddresses;
        private int opusQuality = DEFAULT_OPUS_QUALITY;

        private Builder(JDA jda) {
            this.jda = Objects.requireNonNull(jda, "jda");
        }

        /**
         * Prefix for plain-text queries, a Lavaplayer search prefix such as {@code scsearch:} (SoundCloud, the
         * default), {@code ytsearch:} or {@code ytmsearch:} (with a YouTube source added, see
         * {@link #sourceManager}).
         */
        public Builder searchProvider(String v) {
            if (v == null || !SEARCH_PREFIX.matcher(v).matches()) {
                throw new IllegalArgumentException("searchProvider must look like \"scsearch:\" (letters/digits then ':'), was " + v);
            }
            searchProvider = v;
            return this;
        }

        /** Leaves the channel after this long without playing to anyone (default 5 minutes; at least 100 ms). */
        public Builder idleTimeout(Duration v) {
            if (v == null || v.toMillis() < 100) throw new IllegalArgumentException("idleTimeout must be at least 100 ms, was " + v);
            idleTimeout = v;
            return this;
        }

        /** How long {@code play} waits for a source to answer (default 20 s). */
        public Builder loadTimeout(Duration v) {
            if (v == null || v.toMillis() < 100) throw new IllegalArgumentException("loadTimeout must be at least 100 ms, was " + v);
            loadTimeout = v;
            return this;
        }

        /** How often a playing guild's position is saved (default 5 s). */
        public Builder saveInterval(Duration v) {
            if (v == null || v.toMillis() < 100) throw new IllegalArgumentException("saveInterval must be at least 100 ms, was " + v);
            saveInterval = v;
            return this;
        }

        /** Tracks waiting per guild (default 500); a {@code play} beyond it answers {@code busy}. */
        public Builder maxQueueLength(int v) {
            if (v < 1 || v > MAX_QUEUE_LENGTH_LIMIT) throw new IllegalArgumentException("maxQueueLength must be 1.." + MAX_QUEUE_LENGTH_LIMIT + ", was " + v);
            maxQueueLength = v;
            return this;
        }

        /** {@link VoiceMode#DAVE} (default; what Discord requires) or {@link VoiceMode#PASSTHROUGH} for the stand-in. */
        public Builder voiceMode(VoiceMode v) {
            voiceMode = Objects.requireNonNull(v, "voiceMode");
            return this;
        }

        /** Where queues survive restarts (default: nowhere). */
        public Builder queueStore(QueueStore v) {
            queueStore = Objects.requireNonNull(v, "queueStore");
            return this;
        }

        /**
         * An extra Lavaplayer source, tried before the built-in ones, e.g. YouTube:
         * {@code sourceManager(new dev.lavalink.youtube.YoutubeAudioSourceManager())}.
         */
        public Builder sourceManager(AudioSourceManager v) {
            sources.add(Objects.requireNonNull(v, "sourceManager"));
            return this;
        }

        /**
         * When dev.lavalink.youtube's source is on the classpath and not given with {@link #sourceManager}, register it
         * with its default clients (default true). To choose its clients (thumbnails with the {@code v2} module's
         * {@code *WithThumbnail} clients, say), give it with {@link #sourceManager} instead.
         */
        public Builder youtubeFromClasspath(boolean v) {
            youtubeFromClasspath = v;
            return this;
        }

        /**
         * Lavaplayer's built-in remote sources (SoundCloud, Bandcamp, Vimeo, Twitch, Yandex, Nico, getyarn, Beam and
         * any http(s) URL of an audio file; not its deprecated YouTube source). Default true.
         */
        public Builder remoteSources(boolean v) {
            remoteSources = v;
            return this;
        }

        /**
         * Let {@code play} fetch URLs on loopback, private or link-local addresses. Off by default, so a
         * dashboard user cannot make the bot read internal services; the sandbox turns it on.
         */
        public Builder allowPrivateAddresses(boolean v) {
            allowPrivateAddresses = v;
            return this;
        }

        /** Lets an absolute path of this machine be played (benchmarks, local setups). Default false. */
        public Builder allowLocalFiles(boolean v) {
            allowLocalFiles = v;
            return this;
        }

        /** Opus encoder quality 0..10 for sources that are not Opus already (default 10): lower costs less CPU. */
        public Builder opusEncodingQuality(int v) {
            if (v < 0 || v > 10) throw new IllegalArgumentException("opusEncodingQuality must be 0..10, was " + v);
            opusQuality = v;
            return this;
        }

        public MusicPlayers build() {
            return new MusicPlayers(this);
        }
    }
}
