package com.valoratbot.discord;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CheckAccess;
import com.valoratbot.core.port.DiscordSessionPorts;
import com.valoratbot.core.port.ListChannels;
import com.valoratbot.core.port.ModerateChannels;
import com.valoratbot.core.port.PostAnnouncements;
import com.valoratbot.core.port.PurgeMessages;
import com.valoratbot.core.port.RateLimitCommands;
import com.valoratbot.core.port.RememberLocks;
import com.valoratbot.core.port.schedule.GuildPresence;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Discord side of the worker: one JDA session and the core ports it serves.
 *
 * <pre>{@code
 * try (DiscordGateway discord = DiscordGateway.builder().token(token).lockMemory(locksInDatabase).build().start()) {
 *     CheckAccess access = discord.access(); // and the other ports it serves
 *     ...
 * }
 * }</pre>
 *
 * <p>JDA runs with the intents GUILDS, GUILD_VOICE_STATES and GUILD_MESSAGES only: no privileged
 * intent (members, presences, message content). Members are cached only while in voice, plus the
 * owner; the member who asked for a command is fetched from Discord when it is checked. Caches the
 * bot never reads (emojis, stickers, soundboard, scheduled events, presences, role and forum tags)
 * are off.
 *
 * <p>Every port method returns a {@code Result}: Discord's refusals, its 5xx after JDA's retries,
 * timeouts and a gateway that does not come back within {@code commandTimeout} are error results,
 * never exceptions. A command issued while the gateway reconnects waits for it (up to
 * {@code commandTimeout}) before it acts.
 */
public final class DiscordGateway implements DiscordSessionPorts, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordGateway.class);

    /**
     * The gateway intents the bot connects with besides GUILDS (which JDA always sends); none is
     * privileged, and there is no MESSAGE_CONTENT: GUILD_MESSAGES is for counting activity only.
     */
    public static final Set<GatewayIntent> INTENTS =
            Set.copyOf(EnumSet.of(GatewayIntent.GUILD_VOICE_STATES, GatewayIntent.GUILD_MESSAGES));

    /** How long one command may take by default (see {@link Builder#commandTimeout}); music uses the same. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private static final EnumSet<CacheFlag> DISABLED_CACHES = EnumSet.of(
            CacheFlag.ACTIVITY,
            CacheFlag.CLIENT_STATUS,
            CacheFlag.ONLINE_STATUS,
            CacheFlag.EMOJI,
            CacheFlag.STICKER,
            CacheFlag.SOUNDBOARD_SOUNDS,
            CacheFlag.SCHEDULED_EVENTS,
            CacheFlag.ROLE_TAGS,
            CacheFlag.FORUM_TAGS);

    private final String token;
    private final JDABuilder givenBuilder;
    private final JDA givenSession;
    private final Consumer<JDA> closeSession;
    private final URI restBaseUrl;
    private final URI gatewayUrl;
    private final Duration readyTimeout;
    private final List<Consumer<JDABuilder>> jdaSettings;
    private final String description;
    private final Connection connection;
    private final DiscordAccess access;
    private final GuildRateLimits rateLimits;
    private final DiscordChannels channels;
    private final DiscordPurge purge;
    private final DiscordModeration moderation;
    private final DiscordAnnouncements announcements;
    private boolean started;

    private DiscordGateway(Builder config) {
        this.token = config.token;
        this.givenBuilder = config.givenBuilder;
        this.givenSession = config.givenSession;
        this.closeSession = config.closeSession;
        this.restBaseUrl = config.restBaseUrl;
        this.gatewayUrl = config.gatewayUrl;
        this.readyTimeout = config.readyTimeout;
        this.jdaSettings = List.copyOf(config.jdaSettings);
        this.description = config.toString();
        this.connection = new Connection(config.commandTimeout, config.restBaseUrl);
        this.access = new DiscordAccess(connection);
        this.rateLimits = new GuildRateLimits(config.commands, config.purges);
        this.channels = new DiscordChannels(connection);
        this.purge = new DiscordPurge(connection, Clock.systemUTC());
        this.moderation = new DiscordModeration(connection, config.lockMemory);
        this.announcements = new DiscordAnnouncements(connection);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Logs in and waits until the session is ready (every guild loaded), at most {@code readyTimeout}.
     *
     * @throws IllegalStateException when started twice, or when the token is refused, Discord is
     *                               unreachable or not ready in time (JDA is shut down again then)
     */
    public synchronized DiscordGateway start() {
        if (started) throw new IllegalStateException("already started");
        started = true;
        JDA jda;
        try {
            jda = givenSession != null ? givenSession : jdaBuilder().build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Discord login failed: " + e.getMessage(), e);
        }
        try {
            awaitReady(jda);
        } catch (RuntimeException e) {
            if (givenSession != null) closeSession.accept(jda);
            else jda.shutdownNow();
            throw e;
        }
        connection.attach(jda);
        LOG.info(
                "Connected to Discord as {} in {} guild(s)",
                jda.getSelfUser().getId(),
                jda.getGuilds().size());
        return this;
    }

    /**
     * The lean session the worker daemon runs on: only this adapter's {@link #INTENTS}, the caches
     * it never reads switched off, members cached only in voice (plus the owner), no chunking. An
     * embedder passes its own builder to {@link Builder#jda(JDABuilder)} instead.
     */
    public static JDABuilder leanJdaBuilder(String token) {
        return JDABuilder.create(Builder.bareToken(token), INTENTS)
                .disableCache(DISABLED_CACHES)
                .setMemberCachePolicy(MemberCachePolicy.VOICE.or(MemberCachePolicy.OWNER))
                .setChunkingFilter(ChunkingFilter.NONE)
                .setBulkDeleteSplittingEnabled(false);
    }

    /**
     * What this adapter needs on a JDA shard manager's builder (issue 11), as {@link #start()} adds
     * to a {@link JDABuilder}: its intents, the voice-state cache, no JDA shutdown hook, and the
     * endpoints when given (a local stand-in). The session controller is the caller's (it paces
     * IDENTIFY across processes) and must point at {@code gatewayUrl} itself when one is given.
     */
    public static DefaultShardManagerBuilder configure(
            DefaultShardManagerBuilder builder, String restBaseUrl, String gatewayUrl) {
        builder.enableIntents(INTENTS).enableCache(CacheFlag.VOICE_STATE).setEnableShutdownHook(false);
        if (restBaseUrl != null) {
            URI rest = Builder.url(restBaseUrl, "restBaseUrl", "http", "https");
            builder.setRestConfig(new RestConfig().setBaseUrl(rest.toString()));
        }
        if (gatewayUrl != null) {
            Builder.url(gatewayUrl, "gatewayUrl", "ws", "wss");
            builder.setCompression(Compression.NONE);
        }
        return builder;
    }

    /** The lean session of {@link #leanJdaBuilder}, for a shard manager: the same intents and caches. */
    public static DefaultShardManagerBuilder leanShardManagerBuilder(String token) {
        return DefaultShardManagerBuilder.create(Builder.bareToken(token), INTENTS)
                .disableCache(DISABLED_CACHES)
                .setMemberCachePolicy(MemberCachePolicy.VOICE.or(MemberCachePolicy.OWNER))
                .setChunkingFilter(ChunkingFilter.NONE)
                .setBulkDeleteSplittingEnabled(false);
    }

    private JDABuilder jdaBuilder() {
        // What this adapter needs on any builder, the embedder's included (docs/embedding.md):
        // its intents and the voice-state cache (music finds the members in voice), and no JDA
        // shutdown hook, which would close the session before the worker stopped claiming.
        JDABuilder builder = (givenBuilder != null ? givenBuilder : leanJdaBuilder(token))
                .enableIntents(INTENTS)
                .enableCache(CacheFlag.VOICE_STATE)
                .setEnableShutdownHook(false);
        if (restBaseUrl != null) {
            builder.setRestConfig(new RestConfig().setBaseUrl(restBaseUrl.toString()));
        }
        if (gatewayUrl != null) {
            builder.setSessionController(new FixedGateway(gatewayUrl.toString()));
            // A local gateway (the stand-in) speaks plain JSON frames.
            builder.setCompression(Compression.NONE);
        }
        jdaSettings.forEach(setting -> setting.accept(builder));
        return builder;
    }

    private void awaitReady(JDA jda) {
        long until = System.nanoTime() + readyTimeout.toNanos();
        while (jda.getStatus() != JDA.Status.CONNECTED) {
            JDA.Status status = jda.getStatus();
            if (status == JDA.Status.SHUTDOWN
                    || status == JDA.Status.SHUTTING_DOWN
                    || status == JDA.Status.FAILED_TO_LOGIN) {
                throw new IllegalStateException("Discord login failed (JDA status " + status + ")");
            }
            if (System.nanoTime() - until >= 0) {
                throw new IllegalStateException(
                        "Discord session not ready within " + readyTimeout + " (JDA status " + status + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Discord", e);
            }
        }
    }

    /** The JDA session, for embedders (event listeners, the music module). */
    public JDA jda() {
        JDA jda = connection.jda();
        if (jda == null) throw new IllegalStateException("not started, or closed");
        return jda;
    }

    /**
     * Which guilds this session holds: {@code holds} for the scheduled jobs (post only from the
     * worker connected to the guild), {@code certainlyAbsent} for the command fast path (see
     * {@link Connection#certainlyAbsent}), {@code heldGuilds} for the claim's answers in SQL. None throws before start or after close.
     */
    public GuildPresence presence() {
        return new GuildPresence() {
            @Override
            public boolean holds(Snowflake guildId) {
                JDA current = connection.jda();
                return current != null && current.getGuildById(guildId.value()) != null;
            }

            @Override
            public boolean certainlyAbsent(Snowflake guildId) {
                return connection.certainlyAbsent(guildId);
            }

            @Override
            public java.util.Optional<java.util.Set<Snowflake>> heldGuilds() {
                return connection.heldGuilds();
            }
        };
    }

    @Override
    public CheckAccess access() {
        return access;
    }

    @Override
    public RateLimitCommands rateLimits() {
        return rateLimits;
    }

    @Override
    public ListChannels channels() {
        return channels;
    }

    @Override
    public PurgeMessages purge() {
        return purge;
    }

    @Override
    public ModerateChannels moderation() {
        return moderation;
    }

    @Override
    public PostAnnouncements announcements() {
        return announcements;
    }

    /** The permissions to invite the bot with: everything any action needs from the bot itself. */
    public static Set<Permission> invitePermissions() {
        return Permissions.INVITE;
    }

    /** The OAuth2 URL that adds the bot (application {@code clientId}) to a server with {@link #invitePermissions()}. */
    public static String inviteUrl(String clientId) {
        if (clientId == null || !clientId.matches("\\d{17,20}"))
            throw new IllegalArgumentException("clientId must be a Discord application id");
        return "https://discord.com/oauth2/authorize?client_id=" + clientId + "&scope=bot&permissions="
                + Permission.getRaw(Permissions.INVITE);
    }

    /** Shuts JDA down, waiting a few seconds for queued requests; the ports then answer {@code guild_not_found}. */
    @Override
    public void close() {
        JDA jda = connection.detach();
        if (jda == null) return;
        if (givenSession != null) {
            // A shard manager's session: the manager shuts it down (ShardManager.shutdown(id)).
            closeSession.accept(jda);
            return;
        }
        jda.shutdown();
        try {
            if (!jda.awaitShutdown(5, TimeUnit.SECONDS)) jda.shutdownNow();
        } catch (InterruptedException e) {
            jda.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "DiscordGateway" + description;
    }

    /** Points JDA's gateway connection at a fixed URL instead of asking Discord for one. */
    private static final class FixedGateway extends SessionControllerAdapter {
        private final String url;

        FixedGateway(String url) {
            this.url = url;
        }

        @Override
        public String getGateway() {
            return url;
        }
    }

    public static final class Builder {
        private String token;
        private JDABuilder givenBuilder;
        private JDA givenSession;
        private Consumer<JDA> closeSession;
        private URI restBaseUrl;
        private URI gatewayUrl;
        private RememberLocks lockMemory = RememberLocks.inMemory();
        private GuildRateLimits.Limit commands = new GuildRateLimits.Limit(20, Duration.ofSeconds(10));
        private GuildRateLimits.Limit purges = new GuildRateLimits.Limit(1, Duration.ofSeconds(5));
        private Duration readyTimeout = Duration.ofSeconds(60);
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private final List<Consumer<JDABuilder>> jdaSettings = new ArrayList<>();

        private Builder() {}

        /**
         * The bot token, for a session on {@link #leanJdaBuilder}: this or {@link #jda(JDABuilder)}
         * is required. Never logged: {@link #toString()} masks it.
         */
        public Builder token(String v) {
            token = bareToken(v);
            givenBuilder = null;
            return this;
        }

        /**
         * An embedder's own JDA builder (its token, listeners and intents) instead of {@link #token}:
         * {@link DiscordGateway#start()} adds this adapter's intents, the voice-state cache, its
         * endpoints and {@link #configureJda} settings, and builds the session from it.
         */
        public Builder jda(JDABuilder v) {
            givenBuilder = Objects.requireNonNull(v, "jda");
            token = null;
            return this;
        }

        /**
         * A session already logging in, built by someone else (one shard of a JDA shard manager,
         * issue 11) instead of {@link #token} or {@link #jda(JDABuilder)}: {@link DiscordGateway#start()}
         * waits until it is ready, and {@link DiscordGateway#close()} hands it to {@code close}
         * instead of shutting it down itself. Its builder must carry what {@link #configure} sets.
         */
        public Builder session(JDA v, Consumer<JDA> close) {
            givenSession = Objects.requireNonNull(v, "session");
            closeSession = Objects.requireNonNull(close, "close");
            givenBuilder = null;
            token = null;
            return this;
        }

        static String bareToken(String v) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException("token must not be blank");
            String t = v.strip();
            if (t.startsWith("Bot ")) t = t.substring(4).strip();
            if (t.chars().anyMatch(Character::isWhitespace))
                throw new IllegalArgumentException("token must not contain whitespace");
            return t;
        }

        /** Discord's REST base, e.g. {@code http://127.0.0.1:PORT/api/v10/}. Default: Discord's. */
        public Builder restBaseUrl(String v) {
            restBaseUrl = url(v, "restBaseUrl", "http", "https");
            return this;
        }

        /** The gateway's WebSocket URL, e.g. {@code ws://127.0.0.1:PORT/}. Default: the one Discord gives. */
        public Builder gatewayUrl(String v) {
            gatewayUrl = url(v, "gatewayUrl", "ws", "wss");
            return this;
        }

        /** Where lock remembers @everyone's previous overwrite. Default: in memory (lost on restart). */
        public Builder lockMemory(RememberLocks v) {
            lockMemory = Objects.requireNonNull(v, "lockMemory");
            return this;
        }

        /** Commands admitted per guild: {@code count} per {@code per}. Default 20 per 10 s. */
        public Builder rateLimit(int count, Duration per) {
            commands = new GuildRateLimits.Limit(count, per);
            return this;
        }

        /** Purges admitted per guild, on top of {@link #rateLimit}. Default 1 per 5 s. */
        public Builder purgeRateLimit(int count, Duration per) {
            purges = new GuildRateLimits.Limit(count, per);
            return this;
        }

        /** How long {@code start()} waits for the session to be ready. Default 60 s. */
        public Builder readyTimeout(Duration v) {
            readyTimeout = positive(v, "readyTimeout");
            return this;
        }

        /**
         * How long one command may take, from waiting for a reconnecting gateway to its last Discord
         * request (rate-limit waits included); then it ends {@code discord_timeout}. Default 60 s.
         */
        public Builder commandTimeout(Duration v) {
            commandTimeout = positive(v, "commandTimeout");
            return this;
        }

        /**
         * Changes JDA's builder before login, after this adapter's own settings: for embedders that
         * need more of the session (event listeners that must see READY, the voice module's audio
         * configuration). Leave the intents and caches alone unless you need more than this adapter.
         */
        public Builder configureJda(Consumer<JDABuilder> setting) {
            jdaSettings.add(Objects.requireNonNull(setting, "setting"));
            return this;
        }

        /** Validates; nothing connects until {@link DiscordGateway#start()}. */
        public DiscordGateway build() {
            if (token == null && givenBuilder == null && givenSession == null)
                throw new IllegalStateException("token is required (or a JDA builder)");
            return new DiscordGateway(this);
        }

        private static URI url(String v, String name, String... schemes) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException(name + " must not be blank");
            URI uri;
            try {
                uri = URI.create(v.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " is not a URL: " + v, e);
            }
            if (uri.getScheme() == null
                    || !Set.of(schemes).contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(name + " must be a " + String.join("/", schemes) + " URL, was " + v);
            }
            return uri;
        }

        private static Duration positive(Duration v, String name) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException(name + " must be positive, was " + v);
            return v;
        }

        @Override
        public String toString() {
            String masked = givenSession != null
                    ? "(a shard manager's session)"
                    : givenBuilder != null ? "(the embedder's JDA builder)" : token == null ? "null" : "****";
            return "[token=" + masked + ", restBaseUrl=" + (restBaseUrl == null ? "discord" : restBaseUrl)
                    + ", gatewayUrl=" + (gatewayUrl == null ? "discord" : gatewayUrl)
                    + ", rateLimit=" + commands.count() + "/" + commands.per() + ", purgeRateLimit=" + purges.count()
                    + "/" + purges.per()
                    + ", readyTimeout=" + readyTimeout + ", commandTimeout=" + commandTimeout + "]";
        }
    }
}
