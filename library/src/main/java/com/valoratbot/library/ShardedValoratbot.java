package com.valoratbot.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.core.port.shard.ShardLeaseStore.Lease;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.core.shard.SessionStartBudget;
import com.valoratbot.core.shard.ShardLeases;
import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.core.shard.UnownedShardExpiry;
import com.valoratbot.core.text.Messages;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.MusicPlayers;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.metrics.HealthEndpoint;
import com.valoratbot.metrics.MetricsEndpoint;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.UnownedShardCommands;
import com.valoratbot.supabase.shard.PostgresIdentifySlots;
import com.valoratbot.supabase.shard.PostgresShardLeases;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend on a JDA shard manager, for a bot run as several worker processes (issue 11,
 * docs/scaling.md). This process holds some of the bot's gateway shards through leases in PostgreSQL
 * ({@code valoratbot.shard_leases}) and runs, for each shard it holds, one {@link Valoratbot} on that
 * shard's session: it claims only the commands of the shard's guilds, counts only their activity,
 * plays only their music, posts their schedules and publishes their dashboard rows.
 *
 * <ul>
 *   <li>Shards are started ({@link ShardManager#start(int)}) as leases are won and shut down
 *       ({@link ShardManager#shutdown(int)}) as they are lost.</li>
 *   <li>A lease that cannot be renewed is given up before it can expire in the database
 *       (self-fencing): the shard is disconnected at once, so no shard is ever connected by two
 *       processes. A dead process's shards are taken over when their leases expire.</li>
 *   <li>IDENTIFY is paced across processes by {@link PacedSessionController} (a JDA
 *       {@code SessionController}) on {@code valoratbot.shard_identify}.</li>
 *   <li>{@link #close()} closes each shard's backend (commands finished, music saved, session shut
 *       down), then releases its lease, so another process takes it at once.</li>
 * </ul>
 *
 * <pre>{@code
 * DefaultShardManagerBuilder shards = DiscordGateway.leanShardManagerBuilder(token);
 * try (ShardedValoratbot bot = ShardedValoratbot.create(shards, DatabaseSettings.builder().url(url).build())
 *         .plan(new ShardPlan.Dynamic(10, 4))
 *         .eachShard(b -> b.language(Language.EN))
 *         .start()) { ... }
 * }</pre>
 */
public final class ShardedValoratbot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedValoratbot.class);

    /**
     * Default lease: a dead process's shards serve again after about this long plus a session start
     * (issue 11's takeover target, p50 under 30 s; it was 15 s, renewed every 5 s).
     */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

    /** How often leases are renewed: every second, or a third of a lease shorter than 3 s. */
    static Duration renewInterval(Duration lease) {
        Duration third = lease.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) < 0 ? third : Duration.ofSeconds(1);
    }

    /** Connections of the leases' own pool: one for the renewal round, one for IDENTIFY slots and ready marks. */
    static final int LEASE_POOL_SIZE = 2;

    private final Builder config;
    private final Database db;
    private final boolean ownsDatabase;
    private final String owner;
    private final ShardManager manager;
    private final PacedSessionController sessions;
    private final ShardLeases leases;
    private final PostgresShardLeases store;
    private final int total;
    private final Map<Integer, Running> running = new ConcurrentHashMap<>();
    private final UnownedShardExpiry expiry;
    private final Thread coordinator;
    private final Thread watchdog;
    private final Thread sweeper;
    private volatile boolean closing;
    /**
     * Set once every backend has closed: only then may the coordinator (the only renewer) and the
     * watchdog (the only self-fencer) stop, or a close longer than the lease would let the lease expire
     * in the database while this process's session is still connected.
     */
    private volatile boolean backendsClosed;
    /** Health and metrics for the whole process (docs/operations.md), when asked for: one endpoint, every shard. */
    private volatile Optional<Operations> ops = Optional.empty();

    /** One held shard: its session starting or running, and its backend once started. */
    private static final class Running {
        final Lease lease;
        volatile Valoratbot bot;
        volatile boolean stopped;

        Running(Lease lease) {
            this.lease = lease;
        }
    }

    private ShardedValoratbot(Builder b, Database db, boolean ownsDatabase, int total) {
        this.config = b;
        this.db = db;
        this.ownsDatabase = ownsDatabase;
        this.total = total;
        this.owner = processId();
        // Leases and IDENTIFY slots on a pool of their own (2 connections): renewals must not wait
        // behind the shards' claim loops, schedulers and publishers on the main pool, or a busy pool
        // would fence every shard of this process (a fifth of the lease is the margin).
        DataSource leaseData = db.sidePool("shard-leases", LEASE_POOL_SIZE);
        String table = db.commandTable().key();
        this.store = PostgresShardLeases.on(leaseData, table);
        this.sessions = new PacedSessionController(
                PostgresIdentifySlots.on(leaseData, table), owner, b.gatewayUrl, b.restBaseUrl, b.sessionStartReserve);
        DefaultShardManagerBuilder mb = b.shards;
        DiscordGateway.configure(mb, b.restBaseUrl, b.gatewayUrl);
        MusicPlayers.configure(mb, b.voiceMode);
        // No shard starts with the manager: each starts when its lease is won (setShards(empty)).
        this.manager = mb.setSessionController(sessions)
                .setShardsTotal(total)
                .setShards(List.of())
                .build(false);
        ShardPlan plan = resolved(b.plan, total);
        // Renewed every second (a third of the lease if shorter): with the 10 s default lease a stalled
        // process keeps its shards 7 s without a renewal (10 - 2 - 1), as the former 15 s lease renewed
        // every 5 s did (15 - 3 - 5), while a dead one's shards are free about 5 s sooner.
        this.leases =
                ShardLeases.of(store, b.clock, owner, plan, b.lease, b.lease.dividedBy(5), renewInterval(b.lease));
        LOG.info(
                "Shards: {} of {} total, lease {} s, this process {}",
                describe(plan),
                total,
                b.lease.toSeconds(),
                owner);
        // The shards' own settings (maxAge, language, foreign actions), read back from a builder
        // that is never started, so the sweep and the shards cannot disagree.
        Valoratbot.Builder probe = Valoratbot.probe();
        b.eachShard.forEach(c -> c.accept(probe));
        this.expiry = new UnownedShardExpiry(
                UnownedShardCommands.on(db, probe.foreignActions()),
                new Messages(probe.language()),
                total,
                probe.maxAge());
        this.coordinator =
                Thread.ofPlatform().daemon().name("valoratbot-shards").unstarted(this::coordinate);
        this.watchdog =
                Thread.ofPlatform().daemon().name("valoratbot-shard-fence").unstarted(this::watch);
        this.sweeper =
                Thread.ofPlatform().daemon().name("valoratbot-shard-sweep").unstarted(this::sweep);
    }

    public static Builder create(DefaultShardManagerBuilder shards, DatabaseSettings database) {
        return new Builder(shards, null, Objects.requireNonNull(database, "database"));
    }

    public static Builder create(DefaultShardManagerBuilder shards, DataSource dataSource, DatabaseSettings settings) {
        return new Builder(shards, Objects.requireNonNull(dataSource, "dataSource"), settings);
    }

    /** The shard manager (its sessions are the held shards'). */
    public ShardManager shardManager() {
        return manager;
    }

    /** This process's id in {@code valoratbot.shard_leases.owner_worker_id}. */
    public String owner() {
        return owner;
    }

    public int shardTotal() {
        return total;
    }

    /** The shards whose backend runs now. */
    public Set<Integer> runningShards() {
        Set<Integer> out = new TreeSet<>();
        running.forEach((id, r) -> {
            if (r.bot != null && !r.stopped) out.add(id);
        });
        return out;
    }

    /** The backend of a held shard, once started. */
    public Optional<Valoratbot> shard(int id) {
        Running r = running.get(id);
        return r == null || r.stopped ? Optional.empty() : Optional.ofNullable(r.bot);
    }

    public Database database() {
        return db;
    }

    /** The health and metrics endpoint, when {@linkplain Builder#metrics asked for} (its port, for tools and tests). */
    public Optional<HealthEndpoint> healthEndpoint() {
        return ops.map(Operations::endpoint);
    }

    /** The registry the endpoint serves, when asked for: add the bot's own meters to it. */
    public Optional<PrometheusMeterRegistry> meterRegistry() {
        return ops.map(o -> o.metrics().registry());
    }

    private ShardedValoratbot startThreads() {
        coordinator.start();
        watchdog.start();
        sweeper.start();
        return this;
    }

    private void coordinate() {
        while (!backendsClosed) {
            try {
                // Closing: renew only (take nothing new) until the backends are closed.
                ShardLeases.Changes changes = closing ? leases.renewOnly() : leases.tick();
                for (ShardLeases.Lost lost : changes.lost())
                    stop(lost.shard(), lost.why().name());
                for (Lease won : changes.won()) {
                    // Won by a round that began before close(): handed back, never started.
                    if (closing) leases.release(won.shard());
                    else begin(won);
                }
            } catch (RuntimeException e) {
                LOG.warn("shard lease round failed: {}", e.toString());
            }
            if (closing) {
                try {
                    Thread.sleep(
                            Math.max(100, Math.min(1000, config.pollInterval().toMillis())));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            try {
                // Every renewal interval (a second): renewals are due that often, and a process with
                // room takes a dead worker's shards within a second of their leases' expiry.
                Thread.sleep(Math.max(100, leases.renewInterval().toMillis()));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Ends the commands of guilds whose shard nobody holds, every poll interval, on its own thread and
     * the main pool: a slow sweep (a large table, a busy pool) must never delay a lease renewal.
     */
    private void sweep() {
        while (!closing) {
            try {
                Thread.sleep(Math.max(100, config.pollInterval().toMillis()));
            } catch (InterruptedException e) {
                return;
            }
            if (closing) return;
            try {
                int expired = expiry.sweep();
                if (expired > 0) LOG.warn("{} command(s) expired: no worker held their guild's shard", expired);
            } catch (RuntimeException e) {
                LOG.debug("unowned-shard sweep failed: {}", e.toString());
            }
        }
    }

    /** Gives up, at once, a shard whose local deadline passed, even while a renewal hangs. */
    private void watch() {
        while (!backendsClosed) {
            for (ShardLeases.Lost lost : leases.fence()) stop(lost.shard(), "FENCED");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void begin(Lease lease) {
        Running r = new Running(lease);
        running.put(lease.shard(), r);
        Thread.ofVirtual().name("valoratbot-shard-" + lease.shard()).start(() -> startShard(r));
    }

    private void startShard(Running r) {
        int id = r.lease.shard();
        long t0 = System.nanoTime();
        try {
            manager.start(id);
            JDA session = null;
            // The manager builds the session on its own thread: wait for it even when the lease was
            // lost meanwhile (up to a minute), so a session built after the loss is shut down here
            // instead of connecting a shard this process no longer owns.
            long givenUpAt = 0;
            while (session == null) {
                session = manager.getShardById(id);
                if (session != null) break;
                if (r.stopped) {
                    if (givenUpAt == 0) givenUpAt = System.nanoTime();
                    else if (System.nanoTime() - givenUpAt
                            > Duration.ofMinutes(1).toNanos()) return;
                }
                Thread.sleep(20);
            }
            if (r.stopped) {
                shutDownSession(id, session);
                return;
            }
            // Ready first, without a deadline: with IDENTIFY paced across processes the tenth shard
            // may wait 45 s for its slot, more than a backend's ready timeout.
            while (!r.stopped && session.getStatus() != JDA.Status.CONNECTED) {
                JDA.Status st = session.getStatus();
                if (st == JDA.Status.SHUTDOWN || st == JDA.Status.FAILED_TO_LOGIN)
                    throw new IllegalStateException("the session ended before it was ready (" + st + ")");
                Thread.sleep(20);
            }
            if (r.stopped) return;
            final JDA mine = session;
            Valoratbot.Builder b = Valoratbot.onShard(mine, j -> shutDownSession(id, j), db, id, total);
            b.voiceMode(config.voiceMode);
            // The shard's own REST requests (lock, unlock, purge's bulk delete: DiscordRest) go where
            // the manager's do; a running JDA does not tell its REST base.
            if (config.restBaseUrl != null) b.restBaseUrl(config.restBaseUrl);
            config.eachShard.forEach(c -> c.accept(b));
            ops.ifPresent(o -> b.sharedMetrics(o.workerMetrics()));
            Valoratbot bot = b.start();
            synchronized (r) {
                r.bot = bot;
                if (r.stopped) {
                    closeQuietly(id, bot);
                    return;
                }
            }
            leases.started(id);
            try {
                store.markReady(owner, r.lease);
            } catch (RuntimeException e) {
                LOG.debug("shard {}: ready time not recorded: {}", id, e.getMessage());
            }
            LOG.info(
                    "Shard {} of {} ready in {} ms ({} guilds)",
                    id,
                    total,
                    Duration.ofNanos(System.nanoTime() - t0).toMillis(),
                    mine.getGuildCache().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            manager.shutdown(id);
            running.remove(id, r);
            if (!closing) {
                Duration backOff = leases.failedToStart(id);
                LOG.error(
                        "shard {} could not start: {}; its lease is released and this process leaves it"
                                + " alone for {} s",
                        id,
                        e.toString(),
                        backOff.toSeconds());
            } else LOG.error("shard {} could not start: {}", id, e.toString());
        }
    }

    /** Closes a shard's session only if it is still the manager's (the shard may have been won again since). */
    private void shutDownSession(int id, JDA session) {
        if (manager.getShardById(id) == session) manager.shutdown(id);
        else session.shutdownNow();
    }

    /**
     * A lost shard: its command worker stops claiming and hands its buffered commands back, then its
     * gateway is cut (no other process may see it connected), then its backend closes. The hand-back
     * is given at most half a second (the database may be why the lease was lost): the cut must land
     * within the fence margin.
     */
    private void stop(int id, String why) {
        Running r = running.remove(id);
        if (r == null) return;
        Valoratbot bot;
        synchronized (r) {
            r.stopped = true;
            bot = r.bot;
        }
        if (bot != null) {
            Optional<CommandWorker> worker = bot.component(CommandWorker.class);
            if (worker.isPresent()) {
                Thread handBack = Thread.ofVirtual().start(worker.get()::stopClaiming);
                try {
                    handBack.join(Duration.ofMillis(500));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        JDA session = manager.getShardById(id);
        if (session != null) {
            manager.shutdown(id);
            session.shutdownNow();
        }
        LOG.warn("Shard {} given up ({}): its session is closed", id, why);
        if (bot != null) Thread.ofVirtual().start(() -> closeQuietly(id, bot));
    }

    private static void closeQuietly(int id, Valoratbot bot) {
        try {
            bot.close();
        } catch (RuntimeException e) {
            LOG.warn("closing shard {}'s backend failed: {}", id, e.toString());
        }
    }

    /**
     * Stops claiming on every shard, closes each shard's backend (in its written order: commands in
     * flight finished, music saved, session shut down), releases the leases (another process takes
     * them at once), then the shard manager and the database if this opened it. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closing) return;
        closing = true;
        ops.ifPresent(Operations::stopping);
        // The coordinator keeps renewing (taking nothing new) and the watchdog keeps fencing while
        // the backends close: a close may wait for commands up to the shutdown timeout (20 s), longer
        // than the lease (15 s), and the lease must not expire while the session is connected.
        List<Thread> closers = new ArrayList<>();
        for (Map.Entry<Integer, Running> e : Map.copyOf(running).entrySet()) {
            Running r = e.getValue();
            Valoratbot bot;
            synchronized (r) {
                r.stopped = true;
                bot = r.bot;
            }
            if (bot != null) closers.add(Thread.ofVirtual().start(() -> closeQuietly(e.getKey(), bot)));
        }
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        backendsClosed = true;
        coordinator.interrupt();
        watchdog.interrupt();
        sweeper.interrupt();
        try {
            coordinator.join(Duration.ofSeconds(5));
            watchdog.join(Duration.ofSeconds(5));
            sweeper.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.clear();
        manager.shutdown();
        List<Integer> released = leases.releaseAll();
        if (!released.isEmpty()) LOG.info("Shards {} released", released);
        sessions.close();
        if (ownsDatabase) db.close();
        ops.ifPresent(Operations::close);
    }

    /** The held shards' sessions (connecting ones included), for the gauges and the readiness check. */
    private List<JDA> heldSessions() {
        List<JDA> out = new ArrayList<>();
        for (Integer id : new TreeSet<>(running.keySet())) {
            JDA session = manager.getShardById(id);
            if (session != null) out.add(session);
        }
        return out;
    }

    private int inFlight() {
        int n = 0;
        for (Running r : running.values()) {
            Valoratbot bot = r.bot;
            if (bot != null)
                n += bot.component(CommandWorker.class)
                        .map(CommandWorker::inFlight)
                        .orElse(0);
        }
        return n;
    }

    private static ShardPlan resolved(ShardPlan plan, int total) {
        return switch (plan) {
            case ShardPlan.Unsharded u -> throw new IllegalArgumentException("a sharded backend needs a shard plan");
            case ShardPlan.Dynamic d -> new ShardPlan.Dynamic(total, d.capacity());
            case ShardPlan.Static s -> s;
        };
    }

    private static String describe(ShardPlan plan) {
        return switch (plan) {
            case ShardPlan.Unsharded u -> "none";
            case ShardPlan.Dynamic d -> "up to " + Math.min(d.capacity(), d.total());
            case ShardPlan.Static s -> "shards " + s.first() + "-" + s.last();
        };
    }

    private static String processId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return host + "-" + ProcessHandle.current().pid() + "-shards-"
                + HexFormat.of().formatHex(random);
    }

    /**
     * Discord's recommended shard count and {@code session_start_limit.max_concurrency} from {@code GET
     * /gateway/bot}: for {@code VALORATBOT_SHARDS=auto}.
     */
    public record GatewayBot(int shards, int maxConcurrency, SessionStartBudget.Limit sessionStarts) {
        private static final String DISCORD_REST = "https://discord.com/api/v10/";

        public static GatewayBot fetch(String restBaseUrl, String token) {
            String base = restBaseUrl != null ? restBaseUrl : DISCORD_REST;
            if (!base.endsWith("/")) base += "/";
            try (HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build()) {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + "gateway/bot"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bot " + token.strip())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200)
                    throw new IllegalStateException("GET /gateway/bot answered " + r.statusCode() + ": " + r.body());
                JsonNode json = new ObjectMapper().readTree(r.body());
                int shards = json.path("shards").asInt(0);
                if (shards < 1) throw new IllegalStateException("GET /gateway/bot gave no shard count: " + r.body());
                JsonNode limit = json.path("session_start_limit");
                int total = limit.path("total").asInt(1000);
                return new GatewayBot(
                        shards,
                        Math.max(1, limit.path("max_concurrency").asInt(1)),
                        new SessionStartBudget.Limit(
                                total,
                                limit.path("remaining").asInt(total),
                                Duration.ofMillis(limit.path("reset_after").asLong(0))));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("GET /gateway/bot failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted asking Discord for the shard count", e);
            }
        }
    }

    public static final class Builder {
        private final DefaultShardManagerBuilder shards;
        private final DataSource dataSource;
        private final DatabaseSettings databaseSettings;
        private ShardPlan plan;
        private String autoToken;
        private int autoCapacity;
        private Duration lease = DEFAULT_LEASE;
        // Monotonic by default: a wall clock stepped backwards would delay self-fencing past the
        // database's expiry (the lease's rule needs elapsed time only, see ShardLeases).
        private Clock clock = new MonotonicClock();
        private String restBaseUrl;
        private String gatewayUrl;
        private VoiceMode voiceMode = VoiceMode.DAVE;
        private final List<Consumer<Valoratbot.Builder>> eachShard = new ArrayList<>();
        private MetricsEndpoint metrics = Valoratbot.Builder.DEFAULT_METRICS;
        private int sessionStartReserve = -1;

        private Builder(DefaultShardManagerBuilder shards, DataSource dataSource, DatabaseSettings settings) {
            this.shards = Objects.requireNonNull(shards, "shards");
            this.dataSource = dataSource;
            this.databaseSettings = Objects.requireNonNull(settings, "settings");
        }

        /** Which shards this process may hold, and the total ({@link ShardPlan.Dynamic} or {@link ShardPlan.Static}). */
        public Builder plan(ShardPlan v) {
            if (Objects.requireNonNull(v, "plan") instanceof ShardPlan.Unsharded)
                throw new IllegalArgumentException(
                        "a sharded backend needs a shard total (use Valoratbot.create otherwise)");
            plan = v;
            return this;
        }

        /** The total Discord recommends ({@code GET /gateway/bot} with {@code token}), at most {@code capacity} held here. */
        public Builder autoShards(String token, int capacity) {
            autoToken = Objects.requireNonNull(token, "token");
            autoCapacity = capacity;
            plan = null;
            return this;
        }

        /** How long a lease lasts unrenewed (renewed every second, or every third of it if shorter). Default {@link #DEFAULT_LEASE}. */
        public Builder lease(Duration v) {
            if (v == null || v.compareTo(Duration.ofSeconds(3)) < 0)
                throw new IllegalArgumentException("the shard lease must be at least 3s, was " + v);
            lease = v;
            return this;
        }

        /** The clock lease fencing reads (default: monotonic, see {@link MonotonicClock}); tests give their own. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        Clock fencingClock() {
            return clock;
        }

        /**
         * How many of Discord's daily session starts ({@code session_start_limit.remaining}) this process
         * never spends: below it, it refuses to IDENTIFY until Discord resets the budget (running out
         * resets the bot's token). Default {@link SessionStartBudget#defaultReserve}: 5 % of the total.
         */
        public Builder sessionStartReserve(int v) {
            if (v < 0) throw new IllegalArgumentException("the session start reserve must be >= 0, was " + v);
            sessionStartReserve = v;
            return this;
        }

        /** Discord's REST base and gateway URL, for the local stand-in. */
        public Builder discordEndpoints(String restBaseUrl, String gatewayUrl) {
            this.restBaseUrl = restBaseUrl;
            this.gatewayUrl = gatewayUrl;
            return this;
        }

        /** Voice on every shard (the manager's audio settings). Default DAVE. */
        public Builder voiceMode(VoiceMode v) {
            voiceMode = Objects.requireNonNull(v, "voiceMode");
            return this;
        }

        /**
         * Health and metrics for this process (docs/operations.md): one endpoint whatever the shards it
         * holds, started before the database is opened; readiness needs the database and every held
         * shard connected. Default {@link Valoratbot.Builder#DEFAULT_METRICS} (off). A shard's own
         * {@code metrics} setting (in {@link #eachShard}) is ignored: one endpoint per process.
         */
        public Builder metrics(MetricsEndpoint v) {
            metrics = Objects.requireNonNull(v, "metrics");
            return this;
        }

        /** Settings applied to each shard's {@link Valoratbot.Builder} (language, limits, music, publishing...). */
        public Builder eachShard(Consumer<Valoratbot.Builder> settings) {
            eachShard.add(Objects.requireNonNull(settings, "settings"));
            return this;
        }

        Duration pollInterval() {
            return lease.dividedBy(3);
        }

        /**
         * Opens the database (or uses the given DataSource), resolves the shard total, and starts taking
         * leases; returns at once, with shards starting as their leases are won (IDENTIFY paced across
         * processes). On a failure nothing is left running.
         */
        public ShardedValoratbot start() {
            if (plan == null && autoToken == null)
                throw new IllegalStateException("no shard plan: plan() or autoShards()");
            int total;
            ShardPlan p = plan;
            if (autoToken != null) {
                GatewayBot g = GatewayBot.fetch(restBaseUrl, autoToken);
                total = g.shards();
                p = new ShardPlan.Dynamic(total, Math.max(1, autoCapacity));
                LOG.info("Discord recommends {} shard(s), max_concurrency {}", g.shards(), g.maxConcurrency());
            } else {
                total = p.total();
            }
            plan = p;
            // Before the database: a probe during a long start-up reads "live, not ready".
            Valoratbot.Builder probe = Valoratbot.probe();
            eachShard.forEach(c -> c.accept(probe));
            Optional<Operations> ops = Operations.start(metrics, probe.customActionNames());
            Database db;
            try {
                db = dataSource != null
                        ? Database.using(dataSource, databaseSettings)
                        : Database.openWhenReachable(databaseSettings);
            } catch (RuntimeException | Error e) {
                ops.ifPresent(Operations::close);
                throw e;
            }
            try {
                ShardedValoratbot bot = new ShardedValoratbot(this, db, dataSource == null, total);
                bot.ops = ops;
                bot.startThreads();
                ops.ifPresent(o -> o.serving(db, probe.foreignActions(), bot::heldSessions, bot::inFlight));
                return bot;
            } catch (RuntimeException | Error e) {
                if (dataSource == null) db.close();
                ops.ifPresent(Operations::close);
                throw e;
            }
        }
    }
}
