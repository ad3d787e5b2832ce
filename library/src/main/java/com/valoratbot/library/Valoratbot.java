package com.valoratbot.library;

import com.valoratbot.core.activity.ActivityAggregator;
import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.CommandParser;
import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.core.music.CoalescedQueueReads;
import com.valoratbot.core.port.music.QueueStore;
import com.valoratbot.core.port.ops.WorkerMetrics;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.publish.DashboardPublisher;
import com.valoratbot.core.publish.PublishSettings;
import com.valoratbot.core.run.AnonymousRows;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.core.run.CustomAction;
import com.valoratbot.core.run.Ports;
import com.valoratbot.core.schedule.ScheduleRules;
import com.valoratbot.core.schedule.ScheduledAnnouncements;
import com.valoratbot.core.schedule.ScheduledLeaderboards;
import com.valoratbot.core.text.Language;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.activity.DiscordActivityTracker;
import com.valoratbot.discord.dashboard.DiscordDashboardSource;
import com.valoratbot.discord.leaderboard.DiscordLeaderboards;
import com.valoratbot.discord.music.MusicPlayers;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.metrics.HealthEndpoint;
import com.valoratbot.metrics.MetricsEndpoint;
import com.valoratbot.metrics.Readiness;
import com.valoratbot.metrics.ValoratbotMetrics;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.PostgresLockMemory;
import com.valoratbot.supabase.PostgresQueue;
import com.valoratbot.supabase.music.PostgresMusicQueues;
import com.valoratbot.supabase.publish.PostgresDashboardTables;
import com.valoratbot.supabase.publish.PostgresPlaybackState;
import com.valoratbot.supabase.scheduling.DbSchedulerTimer;
import com.valoratbot.supabase.scheduling.PostgresActivityStore;
import com.valoratbot.supabase.scheduling.PostgresAnnouncementStore;
import com.valoratbot.supabase.scheduling.PostgresGuildTimeZones;
import com.valoratbot.supabase.scheduling.PostgresLeaderboardStore;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.sql.DataSource;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Valoratbot backend embedded in a JDA bot: the front door (docs/embedding.md). It executes the
 * rows the dashboard inserts into the command table, runs the scheduled announcements and weekly
 * leaderboards, counts activity, plays music and publishes the dashboard's tables.
 *
 * <pre>{@code
 * JDABuilder jda = JDABuilder.createDefault(token).addEventListeners(new MyListener());
 * try (Valoratbot bot = Valoratbot.create(jda, dataSource).language(Language.EN).start()) {
 *     bot.jda().updateCommands()...;   // the embedder's own slash commands, on the session the library built
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} opens (or uses) the database, builds the session from the embedder's
 * {@link JDABuilder} and waits until it is ready, starts the features, and only then starts
 * claiming commands, so no command is claimed before the bot can run it.
 *
 * <p>{@link #close()} stops in this order, each step after the previous one has finished (see
 * {@link #closeOrder()}):
 * <ol>
 *   <li>the command worker: it stops claiming and finishes the commands in flight (up to the shutdown timeout);</li>
 *   <li>the dashboard publisher;</li>
 *   <li>the weekly leaderboards, then the scheduled announcements (no job fires after this);</li>
 *   <li>the activity aggregator (it writes its last counts);</li>
 *   <li>the guild time zones;</li>
 *   <li>music (queues saved, voice left while the session still runs), then the playback table's writer;</li>
 *   <li>the Discord session (JDA shut down);</li>
 *   <li>the queue (its LISTEN connection);</li>
 *   <li>the database: the pool the library opened, never a DataSource the embedder gave (its owner closes it);</li>
 *   <li>the health and metrics endpoint, when {@linkplain Builder#metrics on}: started first, closed last; its
 *       readiness answers "stopping" from the first step on.</li>
 * </ol>
 *
 * <p>This takes one {@link JDABuilder} (one session); for a JDA shard manager and several worker
 * processes, see {@link ShardedValoratbot} (issue 11, docs/scaling.md).
 */
public final class Valoratbot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Valoratbot.class);

    private final Deque<Named> started;
    private final Map<Class<?>, Object> components;
    private final DiscordGateway discord;
    private final Database database;
    private boolean closed;

    private Valoratbot(
            Deque<Named> started, Map<Class<?>, Object> components, DiscordGateway discord, Database database) {
        this.started = started;
        this.components = components;
        this.discord = discord;
        this.database = database;
    }

    /**
     * The backend on the embedder's {@code dataSource} (which it keeps owning and closes after
     * {@link #close()}), with its command table {@code public.commands} (or the dashboard's {@code public.command_queue} when only that
     * one exists) unless {@link Builder#commandTable} says otherwise.
     *
     * @param jda the embedder's builder: its token, its listeners, its intents; see {@link Builder#start()} for what is added
     */
    public static Builder create(JDABuilder jda, DataSource dataSource) {
        return new Builder(Objects.requireNonNull(jda, "jda"), Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /** A builder only read back (maxAge, language, foreign actions) by {@link ShardedValoratbot}: never started. */
    static Builder probe() {
        return new Builder(null, null, null);
    }

    /** The backend on a database the library opens from {@code database} (a pool of its own, closed last). */
    public static Builder create(JDABuilder jda, DatabaseSettings database) {
        return new Builder(Objects.requireNonNull(jda, "jda"), null, Objects.requireNonNull(database, "database"));
    }

    /**
     * Issue 11: the backend of one shard ({@code shard} of {@code total}) on a session a shard
     * manager started, for {@link ShardedValoratbot}: it claims only the commands of that shard's
     * guilds, and its close hands the session back to {@code close} (the manager shuts it down).
     */
    static Builder onShard(JDA session, Consumer<JDA> close, Database shared, int shard, int total) {
        Builder b = new Builder(null, null, shared.settings());
        // The coordinator opened and migrated the database once; each shard uses it.
        b.sharedDatabase = shared;
        b.shardSession = Objects.requireNonNull(session, "session");
        b.closeShardSession = Objects.requireNonNull(close, "close");
        b.shardId = shard;
        b.shardTotal = total;
        return b;
    }

    /** The session the library built from the embedder's builder. */
    public JDA jda() {
        return discord.jda();
    }

    /** The database the command table lives in. */
    public Database database() {
        return database;
    }

    /**
     * One of the parts the library assembled, by its type ({@link CommandHandler}, {@link CommandWorker},
     * {@link PostgresQueue}, {@link DiscordGateway}, {@link ScheduledAnnouncements}, ...): for tests,
     * tools and embedders that need a part's own API.
     */
    public <T> Optional<T> component(Class<T> type) {
        return Optional.ofNullable(components.get(type)).map(type::cast);
    }

    /** What {@link #close()} stops, in the order it stops them. */
    public synchronized List<String> closeOrder() {
        return started.stream().map(Named::name).toList();
    }

    /** Stops everything in {@link #closeOrder()}; a step that fails is logged and the next ones still run. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        // Not ready from the first step on: a probe must not send work to a process that is leaving.
        component(Readiness.class).ifPresent(Readiness::stopping);
        closeAll(started);
    }

    private static void closeAll(Deque<Named> started) {
        while (!started.isEmpty()) {
            Named next = started.pop();
            try {
                next.resource().close();
                LOG.debug("stopped {}", next.name());
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", next.name(), e.toString());
            }
        }
    }

    private record Named(String name, AutoCloseable resource) {}

    /**
     * Named defaults for every setting (the worker daemon's, docs/configuration.md); each setter
     * checks its value at once, and {@link #start()} checks how they fit together before anything
     * connects. The library reads no environment variable: the embedder passes every value.
     */
    public static final class Builder {
        private final JDABuilder jda;
        private final DataSource dataSource;
        private DatabaseSettings database;
        private final List<Consumer<JDABuilder>> jdaSettings = new ArrayList<>();
        private String restBaseUrl;
        private String gatewayUrl;
        private Clock clock = Clock.systemUTC();
        private Language language = Language.FR;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private QueueTiming queueTiming = QueueTiming.DEFAULT;
        private int maxInFlight = 256;
        private Duration shutdownTimeout = Duration.ofSeconds(20);
        private Set<String> foreignActions = Set.of();
        private final Map<String, CustomAction<?, ?>> customActions = new LinkedHashMap<>();
        private Duration customActionTimeout = CommandHandler.DEFAULT_CUSTOM_ACTION_TIMEOUT;
        private int maxPayloadBytes = (int) PostgresQueue.DEFAULT_MAX_PAYLOAD_BYTES;
        private int maxAttempts = PostgresQueue.DEFAULT_MAX_ATTEMPTS;
        private int commandsPerGuild = QueueWorker.DEFAULT_COMMANDS_PER_GUILD;
        private int maxPurgeAmount = 1000;
        private AnonymousRows anonymousRows = AnonymousRows.DEFAULT;
        private int guildCommands = 20;
        private Duration guildWindow = Duration.ofSeconds(10);
        private Duration purgeInterval = Duration.ofSeconds(5);
        private ZoneId defaultTimeZone = ZoneId.of("Europe/Paris");
        private Duration announceGrace = Duration.ofHours(1);
        private int maxPendingSchedules = ScheduleRules.DEFAULT_MAX_PENDING;
        private Duration scheduleHorizon = ScheduleRules.DEFAULT_HORIZON;
        private VoiceMode voiceMode = VoiceMode.DAVE;
        private String musicSearchProvider = MusicPlayers.DEFAULT_SEARCH_PROVIDER;
        private Duration musicIdleTimeout = MusicPlayers.DEFAULT_IDLE_TIMEOUT;
        private boolean musicLocalFiles;
        private boolean musicPrivateUrls;
        private PublishSettings publish = PublishSettings.defaults();
        private boolean publishPlayback = true;
        private String version = defaultVersion();
        private MetricsEndpoint metrics = DEFAULT_METRICS;
        /** A sharded process's one registry, shared by its shards' workers (ShardedValoratbot). */
        private WorkerMetrics sharedMetrics = WorkerMetrics.NONE;

        /** The dashboard stops waiting after 24 s (30 polls x 800 ms): a later result surprises everyone. */
        public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(24);
        /** No health or metrics endpoint: an embedding bot opens no port it did not ask for. */
        public static final MetricsEndpoint DEFAULT_METRICS = MetricsEndpoint.OFF;
        /** Shorter leases let a worker paused by GC lose its commands to another. */
        public static final Duration MIN_LEASE = Duration.ofSeconds(3);

        // Issue 11: one shard of a shard manager (ShardedValoratbot), instead of a JDABuilder.
        private JDA shardSession;
        private Database sharedDatabase;
        private Consumer<JDA> closeShardSession;
        private int shardId = -1;
        private int shardTotal;

        private Builder(JDABuilder jda, DataSource dataSource, DatabaseSettings database) {
            this.jda = jda;
            this.dataSource = dataSource;
            this.database = dataSource != null ? DatabaseSettings.builder().build() : database;
        }

        /**
         * The command table {@code table} or {@code schema.table} on an embedder's DataSource
         * (default {@code public.commands}, or {@code public.command_queue} when only that one exists); with {@link #create(JDABuilder, DatabaseSettings)} it is
         * part of the settings.
         */
        public Builder commandTable(String table) {
            requireDataSource("commandTable");
            database = database.toBuilder().table(table).build();
            return this;
        }

        Duration maxAge() {
            return maxAge;
        }

        Language language() {
            return language;
        }

        Set<String> foreignActions() {
            return foreignActions;
        }

        /** Whether to run the migrations on the embedder's DataSource at start (default true). */
        public Builder migrate(boolean v) {
            requireDataSource("migrate");
            database = database.toBuilder().migrate(v).build();
            return this;
        }

        /**
         * Whether the queue LISTENs for new rows on the embedder's DataSource (default true; it holds
         * one connection of it for good). Set false behind a transaction pooler: the queue polls.
         */
        public Builder listen(boolean v) {
            requireDataSource("listen");
            database = database.toBuilder().listen(v).build();
            return this;
        }

        private void requireDataSource(String what) {
            if (dataSource == null)
                throw new IllegalStateException(what + " is set in the DatabaseSettings given to create(), not here");
        }

        /**
         * Changes the embedder's JDA builder after the library's own settings, just before the session
         * is built (e.g. a WebSocket factory). Prefer configuring the builder before handing it over.
         */
        public Builder configureJda(Consumer<JDABuilder> setting) {
            jdaSettings.add(Objects.requireNonNull(setting, "setting"));
            return this;
        }

        /** Discord's REST base and gateway URL, for the local stand-in: {@link #restBaseUrl} and {@link #gatewayUrl} at once. */
        public Builder discordEndpoints(String restBaseUrl, String gatewayUrl) {
            return restBaseUrl(restBaseUrl).gatewayUrl(gatewayUrl);
        }

        /** Discord's REST base, e.g. {@code http://127.0.0.1:PORT/api/v10/}, for a proxy or a stand-in. Default: Discord's. */
        public Builder restBaseUrl(String v) {
            // Checked here so a typo fails before start(); DiscordGateway's builder says what is wrong.
            DiscordGateway.builder().restBaseUrl(v);
            restBaseUrl = v;
            return this;
        }

        /** The gateway's WebSocket URL, e.g. {@code ws://127.0.0.1:PORT/}. Default: the one Discord gives. */
        public Builder gatewayUrl(String v) {
            DiscordGateway.builder().gatewayUrl(v);
            gatewayUrl = v;
            return this;
        }

        /** The clock of the schedules, the activity weeks, the dashboard's tables and commands' ages. Default UTC system clock. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** The language of results' {@code reason} texts and of posted messages. Default French, as the dashboard. */
        public Builder language(Language v) {
            language = Objects.requireNonNull(v, "language");
            return this;
        }

        /** A command older than this when claimed ends {@code expired}. Default {@link #DEFAULT_MAX_AGE}. */
        public Builder maxAge(Duration v) {
            maxAge = positive("maxAge", v);
            return this;
        }

        /**
         * How long a {@linkplain #action custom action}'s handler may run before its row answers
         * {@code timed_out} (its thread is interrupted). Default {@link CommandHandler#DEFAULT_CUSTOM_ACTION_TIMEOUT}.
         */
        public Builder customActionTimeout(Duration v) {
            customActionTimeout = positive("customActionTimeout", v);
            return this;
        }

        /** The lease, heartbeat and poll interval, given to both the queue and the worker. Default {@link QueueTiming#DEFAULT}. */
        public Builder queueTiming(QueueTiming v) {
            Objects.requireNonNull(v, "queueTiming");
            if (v.lease().compareTo(MIN_LEASE) < 0)
                throw new IllegalArgumentException("the lease must be at least 3s, was " + v.lease());
            queueTiming = v;
            return this;
        }

        /** Commands running at once across all guilds (one per guild at most). Default 256. */
        public Builder maxInFlight(int v) {
            maxInFlight = range("maxInFlight", v, 1, 10_000);
            return this;
        }

        /** How long {@link Valoratbot#close()} lets the commands in flight finish. Default 20 s. */
        public Builder shutdownTimeout(Duration v) {
            shutdownTimeout = positive("shutdownTimeout", v);
            return this;
        }

        /**
         * Actions another consumer serves from the same table: never claimed here.
         *
         * @throws IllegalArgumentException for a name that is not an action name or is one of this library's actions
         */
        public Builder foreignActions(Set<String> names) {
            Set<String> checked;
            try {
                checked = checkForeignActions(names);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("foreign action: " + e.getMessage(), e);
            }
            for (String name : checked) {
                if (customActions.containsKey(name)) {
                    throw new IllegalArgumentException("foreign action: '" + name
                            + "' is a custom action registered here; its rows would never be claimed");
                }
            }
            foreignActions = checked;
            return this;
        }

        /**
         * The names stripped (as a row's action is, in Java and in the claim's SQL), each checked:
         * an action name, and not one of this library's own actions (naming one would leave every
         * such row unclaimed until it expires).
         *
         * @throws IllegalArgumentException saying which name is wrong and why
         */
        public static Set<String> checkForeignActions(Set<String> names) {
            Set<String> checked = new TreeSet<>();
            for (String raw : names) {
                String a = raw == null ? "" : raw.strip();
                if (!PostgresQueue.isActionName(a)) {
                    throw new IllegalArgumentException(
                            "not an action name: '" + a + "' (letters, digits and _ . : -, at most 100 characters)");
                }
                if (Action.fromWireName(a).isPresent()) {
                    throw new IllegalArgumentException(
                            "'" + a
                                    + "' is one of this worker's own actions; naming it would leave every such row unclaimed until it expires");
                }
                checked.add(a);
            }
            return Set.copyOf(checked);
        }

        /** A larger payload is refused in SQL ({@code payload_too_large}) without being loaded. Default 64 KiB. */
        public Builder maxPayloadBytes(int v) {
            maxPayloadBytes = range("maxPayloadBytes", v, 1024, 64 * 1024 * 1024);
            return this;
        }

        /** A command claimed this many times without ending is given up ({@code too_many_attempts}). Default 5. */
        public Builder maxAttempts(int v) {
            maxAttempts = range("maxAttempts", v, 1, 1000);
            return this;
        }

        /**
         * How many commands of one guild a claim may take at once; the worker runs them one after
         * another in the guild's order, never two at once (issue 12). 1 claims each guild's oldest
         * command only. Default 16.
         */
        public Builder commandsPerGuild(int v) {
            commandsPerGuild = range("commandsPerGuild", v, 1, 256);
            return this;
        }

        /** The largest {@code purge} amount accepted. Default 1000. */
        public Builder maxPurgeAmount(int v) {
            maxPurgeAmount = range("maxPurgeAmount", v, 1, 10_000);
            return this;
        }

        /** What a row that cannot say who asked may do (docs/security.md). Default {@link AnonymousRows#DEFAULT}. */
        public Builder anonymousRows(AnonymousRows v) {
            anonymousRows = Objects.requireNonNull(v, "anonymousRows");
            return this;
        }

        /** Commands admitted per guild: {@code count} per {@code window}. Default 20 per 10 s. */
        public Builder guildRateLimit(int count, Duration window) {
            guildCommands = range("guild rate limit", count, 1, 100_000);
            guildWindow = positive("guild rate window", window);
            return this;
        }

        /** At most one purge per guild this often. Default 5 s. */
        public Builder purgeInterval(Duration v) {
            purgeInterval = positive("purgeInterval", v);
            return this;
        }

        /** A guild's time zone until the dashboard sets one. Default Europe/Paris. */
        public Builder defaultTimeZone(ZoneId v) {
            defaultTimeZone = Objects.requireNonNull(v, "defaultTimeZone");
            return this;
        }

        /** How late a scheduled post may still go out (after a restart). Default 1 h. */
        public Builder announceGrace(Duration v) {
            announceGrace = positive("announceGrace", v);
            return this;
        }

        /** Pending scheduled announcements per guild, and how far ahead they may be. Defaults: {@link ScheduleRules}. */
        public Builder schedules(int maxPending, Duration horizon) {
            maxPendingSchedules = range("maxPendingSchedules", maxPending, 1, 100_000);
            positive("scheduleHorizon", horizon);
            if (horizon.compareTo(ScheduleRules.MAX_HORIZON) > 0 || horizon.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("scheduleHorizon must be from 1m to "
                        + ScheduleRules.MAX_HORIZON.toDays() + "d, was " + horizon);
            }
            scheduleHorizon = horizon;
            return this;
        }

        /** End-to-end encrypted voice (DAVE, what Discord requires) or passthrough (the local stand-in). Default DAVE. */
        public Builder voiceMode(VoiceMode v) {
            voiceMode = Objects.requireNonNull(v, "voiceMode");
            return this;
        }

        /** Music: the search prefix for plain words, and how long an idle player stays in voice. */
        public Builder music(String searchProvider, Duration idleTimeout) {
            if (searchProvider == null || searchProvider.isBlank())
                throw new IllegalArgumentException("music search provider must not be blank");
            musicSearchProvider = searchProvider.strip();
            musicIdleTimeout = positive("music idle timeout", idleTimeout);
            return this;
        }

        /**
         * Music: whether {@code play} may read this server's files, and fetch loopback or private
         * addresses. Both default false: a dashboard user could otherwise probe internal services.
         */
        public Builder musicSources(boolean localFiles, boolean privateAddresses) {
            musicLocalFiles = localFiles;
            musicPrivateUrls = privateAddresses;
            return this;
        }

        /** The dashboard's tables (docs/dashboard.md): which are published, how often, kept how long. Default all, {@link PublishSettings#defaults()}. */
        public Builder publish(PublishSettings v) {
            publish = Objects.requireNonNull(v, "publish");
            return this;
        }

        /** Whether each guild's playback state is written to {@code public.music_playback}. Default true. */
        public Builder publishPlayback(boolean v) {
            publishPlayback = v;
            return this;
        }

        /**
         * Adds an action of the embedding bot (e.g. the dashboard's {@code ADD_QUEST_PROGRESS}): its
         * rows get the built-in actions' guarantees (per-guild order, expiry, rate limit, access
         * check, lease recovery by its idempotent flag, the same result shape). See {@link CustomAction}.
         *
         * @throws IllegalArgumentException for a name that is not an action name, a built-in action's,
         *         one registered already, or one named in {@link #foreignActions} (its rows would never be claimed)
         */
        public Builder action(CustomAction<?, ?> action) {
            String name = Objects.requireNonNull(action, "action").wireName();
            String problem =
                    name == null || !CustomAction.WIRE_NAME.matcher(name).matches()
                            ? "is not an action name (letters, digits and _ . : -)"
                            : Action.fromWireName(name).isPresent()
                                    ? "is a built-in action's name"
                                    : customActions.containsKey(name)
                                            ? "is registered twice"
                                            : foreignActions.contains(name)
                                                    ? "is also a foreign action (left to another consumer, never claimed here)"
                                                    : null;
            if (problem != null) throw new IllegalArgumentException("custom action '" + name + "' " + problem);
            customActions.put(name, action);
            return this;
        }

        /**
         * Health ({@code /health/live}, {@code /health/ready}) and Micrometer metrics in Prometheus text
         * ({@code /metrics}) over HTTP, e.g. {@code MetricsEndpoint.on(9464)} on the loopback address
         * (docs/operations.md). Served from the very start of {@link #start()}, so a probe during a long
         * start-up reads "not ready". The registry is then a {@linkplain Valoratbot#component component}
         * ({@code PrometheusMeterRegistry}) the embedder may add its own meters to. Default {@link #DEFAULT_METRICS} (off).
         */
        public Builder metrics(MetricsEndpoint v) {
            metrics = Objects.requireNonNull(v, "metrics");
            return this;
        }

        /** For {@link ShardedValoratbot}: this shard's worker records into the process's one registry. */
        Builder sharedMetrics(WorkerMetrics v) {
            sharedMetrics = Objects.requireNonNull(v, "metrics");
            metrics = MetricsEndpoint.OFF; // one endpoint per process, never one per shard
            return this;
        }

        /** The custom actions registered so far (their rows are counted under their own name). */
        Set<String> customActionNames() {
            return Set.copyOf(customActions.keySet());
        }

        /** The version the status table shows. Default this library's jar version. */
        public Builder version(String v) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException("version must not be blank");
            version = v.strip();
            return this;
        }

        /**
         * Starts everything (see {@link Valoratbot} for the order) and returns once commands are
         * being claimed. On any failure what was started is stopped again and the failure thrown:
         * nothing is left running.
         *
         * <p>To the embedder's {@link JDABuilder} the library adds the intents GUILD_VOICE_STATES and
         * GUILD_MESSAGES (none privileged), the voice-state cache, its audio settings, and switches off
         * JDA's shutdown hook (the library's {@link #close()} stops the session, after the worker).
         *
         * @throws IllegalStateException when the database or Discord cannot be reached, with the reason
         */
        public Valoratbot start() {
            Deque<Named> started = new ArrayDeque<>();
            Map<Class<?>, Object> parts = new LinkedHashMap<>();
            try {
                return assemble(started, parts);
            } catch (RuntimeException | Error e) {
                // An Error too (a NoSuchMethodError from a JDA or Lavaplayer version the embedder's build
                // chose): a connected session, the pool and the schedulers would otherwise run on with
                // nothing left to close them.
                closeAll(started);
                throw e;
            }
        }

        private Valoratbot assemble(Deque<Named> started, Map<Class<?>, Object> parts) {
            // First, so it answers "live, not ready" while the rest starts, and closes last.
            Optional<Operations> ops = Operations.start(metrics, customActions.keySet());
            ops.ifPresent(o -> {
                keep(started, parts, "health and metrics endpoint", HealthEndpoint.class, o.endpoint());
                keep(parts, Readiness.class, o.readiness());
                keep(parts, ValoratbotMetrics.class, o.metrics());
                keep(
                        parts,
                        io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class,
                        o.metrics().registry());
            });
            // One shard of a ShardedValoratbot uses the process's database and never closes it (its
            // owner does, after every shard): LISTEN then gets a dedicated connection, not a pool's.
            Database db = sharedDatabase != null
                    ? keep(parts, Database.class, sharedDatabase)
                    : keep(
                            started,
                            parts,
                            "database",
                            Database.class,
                            dataSource != null
                                    ? Database.using(dataSource, database)
                                    : Database.openWhenReachable(database));
            PostgresQueue queue = keep(
                    started,
                    parts,
                    "queue",
                    PostgresQueue.class,
                    queueBuilder(db)
                            .timing(queueTiming)
                            .foreignActions(foreignActions)
                            .maxPayloadBytes(maxPayloadBytes)
                            .maxAttempts(maxAttempts)
                            .commandsPerGuild(commandsPerGuild)
                            .build());
            DiscordGateway discord = keep(
                    started,
                    parts,
                    "discord",
                    DiscordGateway.class,
                    discordGateway(db).start());
            GuildPresence presence =
                    discord.presence(); // with several workers, the one connected to a guild posts for it
            // Created right after Discord, so closed just before it: queues are saved and voice left while JDA still
            // runs.
            QueueStore playback = playbackFeed(db, started, parts);
            MusicPlayers music = keep(
                    started,
                    parts,
                    "music",
                    MusicPlayers.class,
                    MusicPlayers.builder(discord.jda())
                            .voiceMode(voiceMode)
                            .searchProvider(musicSearchProvider)
                            .idleTimeout(musicIdleTimeout)
                            .allowLocalFiles(musicLocalFiles)
                            .allowPrivateAddresses(musicPrivateUrls)
                            .queueStore(playback)
                            .build());
            PostgresGuildTimeZones zones = keep(
                    started,
                    parts,
                    "time zones",
                    PostgresGuildTimeZones.class,
                    PostgresGuildTimeZones.builder(db.dataSource())
                            .defaultZone(defaultTimeZone)
                            .build()
                            .start());
            ActivityAggregator activity = keep(
                    started,
                    parts,
                    "activity",
                    ActivityAggregator.class,
                    ActivityAggregator.builder(PostgresActivityStore.create(db.dataSource()), zones, clock)
                            .build()
                            .start());
            DiscordActivityTracker.create(activity).attachTo(discord.jda());
            ScheduledAnnouncements announcements = keep(
                    started,
                    parts,
                    "scheduled announcements",
                    ScheduledAnnouncements.class,
                    ScheduledAnnouncements.builder(
                                    PostgresAnnouncementStore.on(db.dataSource()),
                                    DbSchedulerTimer.announcements(db.dataSource(), clock)
                                            .handOffs(db, presence)
                                            .build(),
                                    discord.announcements(),
                                    clock)
                            .grace(announceGrace)
                            .defaultZone(defaultTimeZone)
                            .timeZones(zones)
                            .guildPresence(presence)
                            .language(language)
                            .rateLimits(discord.rateLimits())
                            .maxPending(maxPendingSchedules)
                            .horizon(scheduleHorizon)
                            .build()
                            .start());
            PostgresLeaderboardStore leaderboardStore = PostgresLeaderboardStore.on(db.dataSource());
            ScheduledLeaderboards leaderboards = keep(
                    started,
                    parts,
                    "weekly leaderboards",
                    ScheduledLeaderboards.class,
                    ScheduledLeaderboards.builder(
                                    leaderboardStore,
                                    leaderboardStore,
                                    DbSchedulerTimer.leaderboards(db.dataSource(), clock)
                                            .handOffs(db, presence)
                                            .build(),
                                    DiscordLeaderboards.builder(discord::jda)
                                            .language(language)
                                            .build(),
                                    clock)
                            .grace(announceGrace)
                            .defaultZone(defaultTimeZone)
                            .timeZones(zones)
                            .guildPresence(presence)
                            .language(language)
                            .build()
                            .start());
            DashboardPublisher publisher = DashboardPublisher.create(
                    DiscordDashboardSource.on(discord::jda),
                    PostgresDashboardTables.on(db.dataSource()),
                    zones,
                    clock,
                    publish,
                    version);
            discord.jda().addEventListener(DiscordDashboardSource.events(publisher));
            LOG.info("dashboard tables: {}", publish);
            keep(started, parts, "dashboard publisher", DashboardPublisher.class, publisher.start());
            // getQueue bursts (one per open music tab) are answered by one read: see CoalescedQueueReads.
            CoalescedQueueReads queueReads = CoalescedQueueReads.over(music, clock);
            discord.jda().addEventListener(DiscordDashboardSource.guildLeaves(queueReads::guildLeft));
            Ports ports = DiscordPorts.of(discord)
                    .scheduling(announcements)
                    .leaderboards(leaderboards)
                    .music(queueReads)
                    .build();
            CommandHandler handler = keep(parts, CommandHandler.class, handler(ports, queue, presence));
            // Floods of rows for guilds the bot is not in are answered by the claim itself (issue 9).
            queue.answerAbsentGuilds(presence, handler.guildNotFoundResult());
            CommandWorker worker = keep(
                    started,
                    parts,
                    "command worker",
                    CommandWorker.class,
                    QueueWorker.worker(queue, handler, queueTiming)
                            .maxInFlight(maxInFlight)
                            .shutdownTimeout(shutdownTimeout)
                            .metrics(ops.map(Operations::workerMetrics).orElse(sharedMetrics))
                            .build()
                            .start());
            ops.ifPresent(o -> o.serving(db, foreignActions, discord, worker));
            return new Valoratbot(started, Map.copyOf(parts), discord, db);
        }

        /** The queue; one shard's claims only its guilds' commands (issue 11). */
        private PostgresQueue.Builder queueBuilder(Database db) {
            PostgresQueue.Builder q = PostgresQueue.builder(db);
            if (shardSession != null) q.shards(shardTotal, List.of(shardId));
            return q;
        }

        private DiscordGateway discordGateway(Database db) {
            DiscordGateway.Builder b = DiscordGateway.builder();
            if (shardSession != null) {
                // Its builder was the shard manager's, configured by ShardedValoratbot (music included).
                b.session(shardSession, closeShardSession);
            } else {
                b.jda(jda).configureJda(builder -> MusicPlayers.configure(builder, voiceMode));
            }
            b.lockMemory(PostgresLockMemory.on(db))
                    .rateLimit(guildCommands, guildWindow)
                    .purgeRateLimit(1, purgeInterval);
            jdaSettings.forEach(b::configureJda);
            if (restBaseUrl != null) b.restBaseUrl(restBaseUrl);
            if (gatewayUrl != null) b.gatewayUrl(gatewayUrl);
            return b.build();
        }

        /** The music module's queue store; each saved state also reaches {@code public.music_playback} unless switched off. */
        private QueueStore playbackFeed(Database db, Deque<Named> started, Map<Class<?>, Object> parts) {
            PostgresMusicQueues queues = PostgresMusicQueues.on(db);
            QueueStore store = QueueStore.of(queues::loadAll, queues::save, queues::delete);
            if (!publishPlayback) return store;
            PostgresPlaybackState playback = keep(
                    started,
                    parts,
                    "playback table",
                    PostgresPlaybackState.class,
                    PostgresPlaybackState.on(db.dataSource()));
            return new QueueStore() {
                @Override
                public Map<Long, String> loadAll() {
                    return store.loadAll();
                }

                @Override
                public void save(long guildId, String snapshotJson) {
                    store.save(guildId, snapshotJson);
                    playback.changed(guildId, snapshotJson);
                }

                @Override
                public void delete(long guildId) {
                    store.delete(guildId);
                    playback.stopped(guildId);
                }
            };
        }

        private CommandHandler handler(Ports ports, PostgresQueue queue, GuildPresence presence) {
            if (!queue.table().hasRequestedBy()) {
                // Said once, plainly: an operator must know that nobody's Discord permissions are checked.
                LOG.warn(
                        "the command table {} has no requested_by column, so no row can say who asked: every row is anonymous,"
                                + " and anonymous rows may run {} (VALORATBOT_ANONYMOUS_ROWS={}, the builder's anonymousRows)."
                                + " See docs/security.md to add requested_by.",
                        queue.table().key(),
                        anonymousRows.summary(),
                        anonymousRows.wireName());
            }
            CommandHandler.Builder b = CommandHandler.builder(ports);
            customActions.values().forEach(b::action);
            return b.anonymousRows(anonymousRows)
                    // Rows for guilds the bot is not in are answered without a slot (floods of junk ids).
                    .presence(presence)
                    .parser(CommandParser.withMaxPurgeAmount(maxPurgeAmount))
                    .language(language)
                    .maxAge(maxAge)
                    .customActionTimeout(customActionTimeout)
                    .build();
        }

        private static <T extends AutoCloseable> T keep(
                Deque<Named> started, Map<Class<?>, Object> parts, String name, Class<? super T> type, T part) {
            started.push(new Named(name, part));
            return keep(parts, type, part);
        }

        private static <T> T keep(Map<Class<?>, Object> parts, Class<? super T> type, T part) {
            parts.put(type, part);
            return part;
        }

        private static Duration positive(String name, Duration v) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException(name + " must be a positive duration, was " + v);
            return v;
        }

        private static int range(String name, int v, int min, int max) {
            if (v < min || v > max)
                throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", was " + v);
            return v;
        }

        /** The jar's Implementation-Version when packaged with one, else the project's version. */
        private static String defaultVersion() {
            String v = Valoratbot.class.getPackage().getImplementationVersion();
            return v != null ? v : "0.1.0-SNAPSHOT";
        }
    }
}
