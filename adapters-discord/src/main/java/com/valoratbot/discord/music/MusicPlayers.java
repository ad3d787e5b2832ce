package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.source.AudioSourceManager;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.valoratbot.core.command.Command.Play;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PlayMusic;
import com.valoratbot.core.port.music.QueueStore;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.discord.Connection;
import com.valoratbot.discord.DiscordGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.audio.AudioModuleConfig;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.middleman.AudioChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** dev.lavalink.youtube's source manager (artifacts {@code dev.lavalink.youtube:v2} or {@code :common}). */
    public static final String YOUTUBE_SOURCE = TrackLoader.YOUTUBE_SOURCE;

    private static final Logger LOG = LoggerFactory.getLogger(MusicPlayers.class);
    private static final Pattern SEARCH_PREFIX = Pattern.compile("[a-z][a-z0-9]*:");

    private final VoiceSupport support;
    private final Connection connection;
    private final TrackLoader tracks;
    private final QueueRestore queues;
    private final GuildPlayers players;

    private MusicPlayers(Builder b) {
        this.support = VoiceSupport.probe(b.voiceMode);
        this.connection = Connection.over(b.jda, b.commandTimeout);
        this.tracks = new TrackLoader(b);
        this.queues = new QueueRestore(b.jda, b.queueStore, tracks);
        this.players = new GuildPlayers(b, tracks, queues);
        if (support.firstReportOfUnavailability()) {
            LOG.error("Music: {}. Play will answer voice_unavailable; the other commands work.", support.describe());
        } else if (support.available()) {
            LOG.info("Music: {}", support.describe());
        }
        warnIfJdaMismatch(b.jda);
        players.execute(() -> queues.restoreAll(players, support));
    }

    public static Builder builder(JDA jda) {
        return new Builder(jda);
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
        return builder.setAudioModuleConfig(audio(mode, builder::addEventListeners))
                .enableIntents(GatewayIntent.GUILD_VOICE_STATES)
                .enableCache(CacheFlag.VOICE_STATE);
    }

    /** The audio settings of one session or of every shard; {@code addListener} takes DAVE's marker. */
    private static AudioModuleConfig audio(VoiceMode mode, java.util.function.Consumer<Object> addListener) {
        VoiceSupport s = VoiceSupport.probe(mode);
        AudioModuleConfig audio = new AudioModuleConfig().withAudioSendFactory(new PacedSendFactory());
        if (mode == VoiceMode.DAVE && s.available()) {
            audio = audio.withDaveSessionFactory(new club.minnced.discord.jdave.interop.JDaveSessionFactory());
            addListener.accept(DaveConfigured.MARKER);
        } else if (mode == VoiceMode.DAVE && s.firstReportOfUnavailability()) {
            LOG.error(
                    "Music: {}. The bot will not join voice (play answers voice_unavailable); the other commands work.",
                    s.describe());
        }
        return audio;
    }

    /** {@link #configure(JDABuilder, VoiceMode)} for a shard manager's builder (issue 11): the same audio settings on every shard. */
    public static net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder configure(
            net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder builder, VoiceMode mode) {
        Objects.requireNonNull(builder, "builder");
        return builder.setAudioModuleConfig(audio(mode, builder::addEventListeners))
                .enableIntents(GatewayIntent.GUILD_VOICE_STATES)
                .enableCache(CacheFlag.VOICE_STATE);
    }

    /**
     * Marks a JDA that {@link #configure} gave the DAVE session factory, in JDA's public listener list: JDA has no
     * public getter for its audio configuration. Listens to nothing.
     */
    private enum DaveConfigured implements EventListener {
        MARKER;

        @Override
        public void onEvent(GenericEvent event) {}
    }

    private void warnIfJdaMismatch(JDA jda) {
        if (support.mode() != VoiceMode.DAVE || !support.available()) return;
        if (!jda.getRegisteredListeners().contains(DaveConfigured.MARKER)) {
            LOG.error(
                    "Music: DAVE mode selected but this JDA was built without MusicPlayers.configure(builder, VoiceMode.DAVE): "
                            + "Discord will refuse its voice connections (close code 4017)");
        }
    }

    public VoiceSupport voiceSupport() {
        return support;
    }

    /** Completes with the number of guilds whose saved queue was resumed, once that is done. */
    public CompletableFuture<Integer> restoration() {
        return queues.restoration();
    }

    /** What Lavaplayer is asked to load for {@code query}: a URL as it is, other text with the search provider. */
    String identifier(String query) {
        return tracks.identifier(query);
    }

    // ================================================================ PlayMusic

    /**
     * Through the Discord adapter's {@link Connection} like its other ports: the gateway awaited during a reconnect,
     * the guild and channel found (or {@code guild_not_found}, {@code channel_not_found}, {@code discord_timeout} for
     * a guild in an outage), the command's deadline, and whatever JDA throws mapped to the contract's codes.
     */
    @Override
    public Result<QueuedTrack> play(CommandContext context, Play play) {
        if (!support.available()) return Result.err(ErrorCode.VOICE_UNAVAILABLE, "voice_unavailable", support.detail());
        return connection.answer(context, "play", deadline -> {
            Guild guild = connection.guild(context.guildId());
            GuildChannel channel = connection.channel(guild, play.voiceChannelId());
            if (!(channel instanceof AudioChannel audio)) {
                return Result.err(
                        ErrorCode.INVALID_PAYLOAD,
                        "channel_wrong_type",
                        "#" + channel.getName(),
                        Text.of("music.audio_channel"));
            }
            if (!guild.getSelfMember().hasPermission(audio, Permission.VOICE_CONNECT, Permission.VOICE_SPEAK)) {
                return Result.err(
                        ErrorCode.MISSING_PERMISSIONS,
                        "missing_permissions",
                        "Connect, Speak",
                        Connection.where(audio));
            }
            long guildId = guild.getIdLong();
            // Fail fast before loading anything; checked again once the track is here.
            Result<Done> free = players.onGuild(guildId, waitMillis(deadline), g -> g.busy(guild, audio));
            if (free instanceof Result.Err<Done>(Failure f)) return Result.err(f);

            Result<AudioTrack> loaded = tracks.load(guildId, play.query());
            if (loaded instanceof Result.Err<AudioTrack>(Failure f)) return Result.err(f);
            AudioTrack track = ((Result.Ok<AudioTrack>) loaded).value();
            return players.onGuild(guildId, waitMillis(deadline), g -> g.enqueue(guild, audio, track));
        });
    }

    @Override
    public Result<Done> pause(CommandContext context) {
        return onPlayer(context, "pause", g -> g.setPaused(true), GuildPlayer::nothingPlaying);
    }

    @Override
    public Result<Done> resume(CommandContext context) {
        return onPlayer(context, "resume", g -> g.setPaused(false), GuildPlayer::nothingPlaying);
    }

    @Override
    public Result<Done> skip(CommandContext context) {
        return onPlayer(context, "skip", GuildPlayer::skip, GuildPlayer::nothingPlaying);
    }

    @Override
    public Result<Done> stop(CommandContext context) {
        return onPlayer(context, "stop", GuildPlayer::stop, GuildPlayer::nothingPlaying);
    }

    @Override
    public Result<QueueView> queue(CommandContext context) {
        return onPlayer(
                context,
                "getQueue",
                g -> Result.ok(g.view()),
                () -> Result.ok(new QueueView(Optional.empty(), List.of())));
    }

    @Override
    public Result<Done> removeFromQueue(CommandContext context, int index) {
        return onPlayer(context, "removeFromQueue", g -> g.remove(index), () -> GuildPlayer.outOfRange(index, 0));
    }

    /**
     * A command on the guild's existing player, or {@code none}'s answer when it has none. Those act on this process's
     * own player, so they answer at once during a gateway reconnect; the deadline and failure mapping are
     * {@link Connection}'s.
     */
    private <T> Result<T> onPlayer(
            CommandContext context, String what, Function<GuildPlayer, Result<T>> task, Supplier<Result<T>> none) {
        return connection.answerLocally(
                context,
                what,
                deadline -> players.onExisting(context.guildId().value(), waitMillis(deadline), task)
                        .orElseGet(none));
    }

    private static long waitMillis(Connection.Deadline deadline) {
        return Math.min(GuildPlayers.TASK_WAIT_MILLIS, deadline.remainingMillis());
    }

    /**
     * Saves every guild's queue and position, leaves voice and stops the players, keeping the saved queues: the next
     * {@code MusicPlayers} on the same store resumes them. Does not shut JDA down.
     */
    @Override
    public void close() {
        if (players.closed()) return;
        players.close();
        queues.close();
        tracks.close();
        players.shutdownTasks();
    }

    // ================================================================ builder

    public static final class Builder {
        final JDA jda;
        String searchProvider = DEFAULT_SEARCH_PROVIDER;
        Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
        Duration saveInterval = DEFAULT_SAVE_INTERVAL;
        Duration commandTimeout = DiscordGateway.DEFAULT_COMMAND_TIMEOUT;
        int maxQueueLength = DEFAULT_MAX_QUEUE_LENGTH;
        VoiceMode voiceMode = VoiceMode.DAVE;
        QueueStore queueStore = QueueStore.none();
        final List<AudioSourceManager> sources = new ArrayList<>();
        boolean remoteSources = true;
        boolean youtubeFromClasspath = true;
        boolean allowLocalFiles;
        boolean allowPrivateAddresses;
        int opusQuality = DEFAULT_OPUS_QUALITY;

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
                throw new IllegalArgumentException(
                        "searchProvider must look like \"scsearch:\" (letters/digits then ':'), was " + v);
            }
            searchProvider = v;
            return this;
        }

        /** Leaves the channel after this long without playing to anyone (default 5 minutes; at least 100 ms). */
        public Builder idleTimeout(Duration v) {
            return with(() -> idleTimeout = atLeast100Ms(v, "idleTimeout"));
        }

        /** How long {@code play} waits for a source to answer (default 20 s). */
        public Builder loadTimeout(Duration v) {
            return with(() -> loadTimeout = atLeast100Ms(v, "loadTimeout"));
        }

        /** How often a playing guild's position is saved (default 5 s). */
        public Builder saveInterval(Duration v) {
            return with(() -> saveInterval = atLeast100Ms(v, "saveInterval"));
        }

        /** Tracks waiting per guild (default 500); a {@code play} beyond it answers {@code busy}. */
        public Builder maxQueueLength(int v) {
            return with(() -> maxQueueLength = inRange(v, 1, MAX_QUEUE_LENGTH_LIMIT, "maxQueueLength"));
        }

        /**
         * How long one command may take, from waiting for a reconnecting gateway to its answer; then it ends
         * {@code discord_timeout}. Default: the Discord adapter's ({@link DiscordGateway#DEFAULT_COMMAND_TIMEOUT}).
         */
        public Builder commandTimeout(Duration v) {
            return with(() -> commandTimeout = atLeast100Ms(v, "commandTimeout"));
        }

        /** Applies one setting (which checks its value and throws at once when it is wrong). */
        private Builder with(Runnable setting) {
            setting.run();
            return this;
        }

        private static Duration atLeast100Ms(Duration v, String name) {
            if (v == null || v.toMillis() < 100)
                throw new IllegalArgumentException(name + " must be at least 100 ms, was " + v);
            return v;
        }

        private static int inRange(int v, int min, int max, String name) {
            if (v < min || v > max)
                throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + v);
            return v;
        }

        /** {@link VoiceMode#DAVE} (default; what Discord requires) or {@link VoiceMode#PASSTHROUGH} for the stand-in. */
        public Builder voiceMode(VoiceMode v) {
            return with(() -> voiceMode = Objects.requireNonNull(v, "voiceMode"));
        }

        /** Where queues survive restarts (default: nowhere). */
        public Builder queueStore(QueueStore v) {
            return with(() -> queueStore = Objects.requireNonNull(v, "queueStore"));
        }

        /**
         * An extra Lavaplayer source, tried before the built-in ones, e.g. YouTube:
         * {@code sourceManager(new dev.lavalink.youtube.YoutubeAudioSourceManager())}.
         */
        public Builder sourceManager(AudioSourceManager v) {
            return with(() -> sources.add(Objects.requireNonNull(v, "sourceManager")));
        }

        /**
         * When dev.lavalink.youtube's source is on the classpath and not given with {@link #sourceManager}, register it
         * with its default clients (default true). To choose its clients (thumbnails with the {@code v2} module's
         * {@code *WithThumbnail} clients, say), give it with {@link #sourceManager} instead.
         */
        public Builder youtubeFromClasspath(boolean v) {
            return with(() -> youtubeFromClasspath = v);
        }

        /**
         * Lavaplayer's built-in remote sources (SoundCloud, Bandcamp, Vimeo, Twitch, Yandex, Nico, getyarn, Beam and
         * any http(s) URL of an audio file; not its deprecated YouTube source). Default true.
         */
        public Builder remoteSources(boolean v) {
            return with(() -> remoteSources = v);
        }

        /**
         * Let {@code play} fetch URLs on loopback, private or link-local addresses. Off by default, so a
         * dashboard user cannot make the bot read internal services; the sandbox turns it on.
         */
        public Builder allowPrivateAddresses(boolean v) {
            return with(() -> allowPrivateAddresses = v);
        }

        /** Lets an absolute path of this machine be played (benchmarks, local setups). Default false. */
        public Builder allowLocalFiles(boolean v) {
            return with(() -> allowLocalFiles = v);
        }

        /** Opus encoder quality 0..10 for sources that are not Opus already (default 10): lower costs less CPU. */
        public Builder opusEncodingQuality(int v) {
            return with(() -> opusQuality = inRange(v, 0, 10, "opusEncodingQuality"));
        }

        public MusicPlayers build() {
            return new MusicPlayers(this);
        }
    }
}
