package com.valoratbot.supabase;

import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.core.port.AwaitCommands;
import com.valoratbot.core.port.ClaimCommands;
import com.valoratbot.core.port.CompleteCommands;
import com.valoratbot.core.port.MarkStarted;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.RecoverCommands;
import com.valoratbot.core.port.schedule.GuildPresence;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command queue on a Postgres table, as core's ports: one instance per worker process.
 *
 * <pre>{@code
 * PostgresQueue queue = PostgresQueue.builder(database).build();
 * CommandWorker worker = CommandWorker.builder(queue.claims(), queue.completions(), queue.recovery(),
 *         queue.awaitCommands(), handler).build().start();
 * }</pre>
 *
 * Claims are recorded in {@code valoratbot.claims} and the worker's liveness in
 * {@code valoratbot.workers} (renewed by {@link ClaimCommands#heartbeat()}); a worker whose
 * heartbeat is older than the lease is presumed dead and its commands are taken over. New
 * commands wake the worker through LISTEN/NOTIFY; without it (a transaction pooler, or while the
 * listener's connection is down) it polls every {@link #pollInterval()}.
 */
public final class PostgresQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresQueue.class);
    public static final String COMMANDS_CHANNEL = "valoratbot_commands";
    public static final String RESULTS_CHANNEL = "valoratbot_results";
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    /** Generous for Discord's limits (a 2,000-character message and a full embed are about 10 KiB of JSON). */
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;

    public static final long DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_RUNS_RETENTION = Duration.ofDays(7);
    private static final Pattern ACTION_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    /** A claim round locks at most this many guild rows beyond what it takes, for busy or emptied guilds. */
    private static final int CLAIM_ROUNDS = 4;
    /**
     * How often, at most, a claim looks at the gateway's guilds again and writes what changed and its
     * "listed at" (one small transaction): rows younger than that take the usual path meanwhile.
     */
    private static final long LIST_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    /** How many guilds at the line's front one flood statement looks at ({@link QueueSql#answerUnlisted}). */
    private static final int FLOOD_GUILDS = 2048;
    /** The same while claims find a backlog (a flood arriving while the worker is busy waits this much at most). */
    private static final long LIST_LOOK_BACKLOG_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Database db;
    private final CommandTable table;
    private final QueueSql sql;
    /** The claim in one round trip ({@link ClaimFunction}); null: this role cannot create it, two statements. */
    private volatile ClaimFunction claimFunction;
    /** The completion with its planner settings fixed ({@link PinnedPlanFunction}); null: the plain statement. */
    private volatile PinnedPlanFunction completeFunction;

    private final String workerId;
    private final Duration lease;
    private final Duration pollInterval;
    private final boolean listen;
    /** Commands this instance handed to the runtime and has not completed or requeued yet. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /**
     * The hot statements (claim, complete, start marks) go through plain JDBC: pgjdbc keeps them
     * server-prepared per connection, and no SQL text is parsed per call (jOOQ's plain-SQL templates
     * re-parse it every time). Every step of the claim is an index probe whose plan does not depend
     * on statistics, so a generic plan is as good as a fresh one and nothing is re-planned per call.
     */
    private final DataSource data;

    private final QueueSql.Rules rules;
    private final Duration runsRetention;
    private final QueueSql.Shards shards;
    private final Set<String> foreignActions;
    private final Claims claims = new Claims();
    private final Completions completions = new Completions();
    private final Recovery recovery = new Recovery();
    private final Signal signal = new Signal();
    private final NotificationListener listener;
    private volatile long lastWorkerCleanup = System.nanoTime();
    private volatile long lastResync = System.nanoTime();
    /** Set once the runtime takes {@link #startMarks()}: from then on claims say whether starts are recorded. */
    private volatile boolean tracksStarts;
    /** The gateway's guilds, once {@link #answerAbsentGuilds} is called; read by the claim loop only. */
    private volatile GuildList guildList;

    private PostgresQueue(Builder b) {
        this.db = b.db;
        this.data = b.db.dataSource();
        this.table = b.db.commandTable();
        this.foreignActions = Set.copyOf(b.foreignActions);
        this.rules = new QueueSql.Rules(
                foreignActions,
                b.maxPayloadBytes,
                Math.max(b.batchBytes, b.maxPayloadBytes),
                b.maxAttempts,
                b.commandsPerGuild);
        this.runsRetention = b.runsRetention;
        this.shards = b.shards;
        this.sql = new QueueSql(table, rules);
        this.claimFunction = ClaimFunction.install(data, sql).orElse(null);
        this.completeFunction =
                PinnedPlanFunction.install(data, "complete", sql.complete).orElse(null);
        this.workerId = b.workerId != null ? b.workerId : defaultWorkerId();
        this.lease = b.lease;
        this.pollInterval = b.pollInterval;
        this.listen = b.listen != null ? b.listen : b.db.settings().listenByDefault();
        if (listen && b.db.settings().usesTransactionPooler()) {
            LOG.warn(
                    "LISTEN was asked for through a transaction pooler ({}): notifications may be lost; polling every {} covers it",
                    b.db.describe(),
                    pollInterval);
        }
        claims.heartbeat();
        this.listener = listen
                ? new NotificationListener(
                                db,
                                COMMANDS_CHANNEL,
                                this::onNotifications,
                                signal::wakeUp,
                                "polling every " + pollInterval.toMillis() + " ms")
                        .start()
                : null;
        if (!foreignActions.isEmpty()) {
            LOG.info(
                    "Leaving the actions {} of {} to another consumer: never claimed here",
                    new TreeSet<>(foreignActions),
                    table.key());
        }
        LOG.info(
                "Worker {} on {} ({}; lease {} s, {})",
                workerId,
                table.key(),
                table.optionalColumns(),
                lease.toSeconds(),
                listen
                        ? "LISTEN " + COMMANDS_CHANNEL + ", polling every " + pollInterval.toMillis()
                                + " ms as fallback"
                        : "polling every " + pollInterval.toMillis() + " ms, no LISTEN");
    }

    public static Builder builder(Database db) {
        return new Builder(db);
    }

    public ClaimCommands claims() {
        return claims;
    }

    public CompleteCommands completions() {
        return completions;
    }

    public RecoverCommands recovery() {
        return recovery;
    }

    public AwaitCommands awaitCommands() {
        return signal;
    }

    public String workerId() {
        return workerId;
    }

    public Duration lease() {
        return lease;
    }

    /** The polling fallback; give it to the runtime as its poll interval as well. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** Whether this queue uses LISTEN (it may still be reconnecting). */
    public boolean listens() {
        return listen;
    }

    /** Whether LISTEN is in place right now. */
    public boolean listening() {
        return listener != null && listener.listening();
    }

    public CommandTable table() {
        return table;
    }

    /**
     * Where the runtime records that a command's side effects begin (core's {@link MarkStarted}).
     * Taking it promises to call it before every non-idempotent command's first Discord call; a dead
     * worker's claims made after that and never marked are then run again instead of ending
     * {@code interrupted}.
     */
    public MarkStarted startMarks() {
        tracksStarts = true;
        return this::markStarted;
    }

    private boolean markStarted(String commandId) {
        try (Connection c = data.getConnection();
                PreparedStatement st = c.prepareStatement(sql.markStarted)) {
            st.setString(1, table.key());
            st.setString(2, commandId);
            st.setString(3, workerId);
            try (ResultSet rs = st.executeQuery()) {
                // Held is what matters: without a runs row (never tracked) a takeover counts the
                // command as possibly started anyway.
                return rs.next() && rs.getLong("held") == 1;
            }
        } catch (SQLException e) {
            throw new DataAccessException("recording the start of command " + commandId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lets the claim answer, in SQL and in bulk, rows for guilds the gateway certainly does not hold
     * (issue 9's flood: no claim, slot or completion per junk row). {@code presence} lists the guilds
     * ({@link GuildPresence#heldGuilds()}; nothing is answered while it is unsure); {@code resultJson}
     * is the row's result, the handler's {@code guild_not_found}. The list is kept in
     * {@code valoratbot.gateway_guilds} under this worker's id, and only rows created before the
     * moment it was last known complete are answered, so a guild the bot just joined is never refused.
     */
    public PostgresQueue answerAbsentGuilds(GuildPresence presence, String resultJson) {
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(resultJson, "resultJson");
        this.guildList = new GuildList(Objects.requireNonNull(presence), Objects.requireNonNull(resultJson));
        return this;
    }

    /**
     * The gateway's guilds as the claim sees them: what this worker last wrote to
     * {@code gateway_guilds} and the database time before its last look at the gateway.
     */
    private final class GuildList {
        private final GuildPresence presence;
        private final String resultJson;
        /** What the table holds for this worker as far as we know; null: write it all again. */
        private Set<String> written;

        private long lookedAt = System.nanoTime() - LIST_LOOK_NANOS;
        /** The last claim round took as many guilds as it asked for: there is a backlog. */
        private boolean backlog;
        /** The last claim answered rows of unlisted guilds: a flood may be under way. */
        private boolean flood;

        GuildList(GuildPresence presence, String resultJson) {
            this.presence = presence;
            this.resultJson = resultJson;
        }

        /**
         * Looks at the gateway again when the last look is older than {@link #LIST_LOOK_NANOS}, and
         * writes it with its "listed at" (kept as it was when the gateway is unsure: what was true
         * at that moment stays true). Called by the claim loop only.
         */
        void look() {
            if (System.nanoTime() - lookedAt < (backlog ? LIST_LOOK_BACKLOG_NANOS : LIST_LOOK_NANOS)) return;
            lookedAt = System.nanoTime();
            try (Connection c = data.getConnection()) {
                // The database's time first, then the look: a row created before that time for a guild
                // outside the look was certainly for a guild the bot was not in when we looked.
                java.time.OffsetDateTime before;
                try (PreparedStatement st = c.prepareStatement("SELECT clock_timestamp()");
                        ResultSet rs = st.executeQuery()) {
                    rs.next();
                    before = rs.getObject(1, java.time.OffsetDateTime.class);
                }
                Optional<Set<com.valoratbot.core.command.Snowflake>> held;
                try {
                    held = presence.heldGuilds();
                } catch (RuntimeException unsure) {
                    held = Optional.empty();
                }
                if (held.isEmpty()) return;
                Set<String> now = new java.util.HashSet<>(held.get().size() * 2);
                for (var g : held.get()) now.add(g.toString());
                c.setAutoCommit(false);
                try {
                    Set<String> was = written;
                    if (was != null) {
                        // The header only with its guilds: one removed (cascade from the worker row, or by
                        // hand) means the guilds went with it, and the whole list is written again.
                        try (PreparedStatement st = c.prepareStatement(sql.touchList)) {
                            st.setObject(1, before);
                            st.setString(2, resultJson);
                            st.setString(3, workerId);
                            if (st.executeUpdate() == 0) was = null;
                        }
                    }
                    if (was == null) {
                        try (PreparedStatement st = c.prepareStatement(sql.openList)) {
                            st.setString(1, workerId);
                            st.setObject(2, before);
                            st.setString(3, resultJson);
                            st.executeUpdate();
                        }
                        try (PreparedStatement st =
                                c.prepareStatement("DELETE FROM " + QueueSql.GATEWAY_GUILDS + " WHERE worker_id = ?")) {
                            st.setString(1, workerId);
                            st.executeUpdate();
                        }
                        write(c, sql.listGuilds, List.copyOf(now));
                    } else {
                        Set<String> old = was;
                        write(
                                c,
                                sql.unlistGuilds,
                                old.stream().filter(g -> !now.contains(g)).toList());
                        write(
                                c,
                                sql.listGuilds,
                                now.stream().filter(g -> !old.contains(g)).toList());
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    written = null;
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
                written = now;
            } catch (SQLException | RuntimeException e) {
                // The list stays as it was, with its older "listed at": still true, only older.
                LOG.debug("could not write the gateway's guilds for the claim: {}", e.toString());
            }
        }

        private void write(Connection c, String statement, List<String> guilds) throws SQLException {
            if (guilds.isEmpty()) return;
            try (PreparedStatement st = c.prepareStatement(statement)) {
                st.setString(1, workerId);
                st.setArray(2, c.createArrayOf("text", guilds.toArray()));
                st.executeUpdate();
            }
        }

        /** The claim found no list header (this worker's row was removed): write it all at the next look. */
        void lost() {
            written = null;
            lookedAt = System.nanoTime() - LIST_LOOK_NANOS;
        }
    }

    /** The statements, for tests that run one inside a transaction they hold open (race tests). */
    QueueSql sql() {
        return sql;
    }

    /** Whether {@code name} may be given to {@link Builder#foreignActions} (checked there too). */
    public static boolean isActionName(String name) {
        return name != null && ACTION_NAME.matcher(name).matches();
    }

    /** The actions left to another consumer. */
    public Set<String> foreignActions() {
        return foreignActions;
    }

    /**
     * Stops listening and removes this worker's row (its claims, if any remain, become recoverable
     * at once by other workers). Close the {@code CommandWorker} first, then this, then the
     * {@link Database}.
     */
    @Override
    public void close() {
        if (listener != null) listener.close();
        signal.wakeUp();
        try {
            db.dsl().execute(sql.deleteWorker, workerId);
        } catch (DataAccessException e) {
            LOG.warn("could not remove worker {} from {}: {}", workerId, QueueSql.WORKERS, Database.safeMessage(e));
        }
    }

    private void onNotifications(List<String> payloads) {
        for (String p : payloads) {
            if (WakeRoute.wakes(p, table.key(), shards.total(), shards.owned())) {
                wakeUps.incrementAndGet();
                signal.wakeUp();
                return;
            }
        }
    }

    /** Notifications that woke this queue (for tests: a sharded queue is woken only for its guilds). */
    long notificationWakeUps() {
        return wakeUps.get();
    }

    private final java.util.concurrent.atomic.AtomicLong wakeUps = new java.util.concurrent.atomic.AtomicLong();

    static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("host");
        }
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return null;
        }
    }

    private static QueuedCommand takenOver(Record r) {
        Long ageMs = r.get("age_ms", Long.class);
        return new QueuedCommand(
                r.get("id", String.class),
                r.get("guild_id", String.class),
                r.get("action", String.class),
                null,
                Optional.ofNullable(r.get("requested_by", String.class)),
                ageMs == null ? null : Duration.ofMillis(ageMs),
                QueuedCommand.Admission.RUN,
                !Boolean.FALSE.equals(r.get("may_have_started", Boolean.class)));
    }

    private QueuedCommand claimed(ResultSet rs) throws SQLException {
        long age = rs.getLong("age_ms");
        Duration ageOrNull = rs.wasNull() ? null : Duration.ofMillis(age);
        long bytes = rs.getLong("bytes");
        int prior = rs.getInt("prior_claims");
        QueuedCommand.Admission admission;
        if (rs.getBoolean("finished")) admission = new QueuedCommand.Admission.AlreadyExecuted();
        else if (prior >= rules.maxAttempts()) admission = new QueuedCommand.Admission.TooManyAttempts(prior);
        else if (bytes > rules.maxPayloadBytes())
            admission = new QueuedCommand.Admission.PayloadTooLarge(bytes, rules.maxPayloadBytes());
        else admission = QueuedCommand.Admission.RUN;
        return new QueuedCommand(
                rs.getString("id"),
                rs.getString("guild_id"),
                rs.getString("action"),
                rs.getString("payload"),
                Optional.ofNullable(rs.getString("requested_by")),
                ageOrNull,
                admission,
                false);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private final class Claims implements ClaimCommands {

        @Override
        public Set<String> foreignActions() {
            return foreignActions;
        }

        @Override
        public List<QueuedCommand> claim(int max) {
            if (max <= 0) return List.of();
            List<QueuedCommand> out = new ArrayList<>();
            GuildList list = guildList;
            if (list != null) {
                list.look();
                if (list.flood) {
                    list.flood = false;
                    if (answerUnlisted() > 0) {
                        // More may follow: keep answering, and let the runtime claim again at once.
                        list.flood = true;
                        signal.wakeUp();
                    }
                }
            }
            // A round that found guilds busy or emptied (and took them out of line) may have left
            // slots free while other guilds are ready: try again at once, a few times at most.
            for (int round = 0; round < CLAIM_ROUNDS && out.size() < max; round++) {
                int want = max - out.size();
                long started = System.nanoTime();
                Round r = claimRound(want);
                if (LOG.isTraceEnabled())
                    LOG.trace(
                            "claim {} -> {} (+{} answered in SQL) in {} us",
                            want,
                            r.commands().size(),
                            r.answered(),
                            (System.nanoTime() - started) / 1000);
                out.addAll(r.commands());
                if (list != null) {
                    if (!r.listed()) list.lost();
                    list.backlog = r.lockedGuilds() >= want;
                    if (r.answered() > 0) list.flood = true;
                }
                if (r.lockedGuilds() < want || r.cleaned() == 0) return out;
            }
            // Rounds left guilds in line that were looked at and answered or set aside: the runtime's
            // next wait must not sleep (a flood is answered at the claim's speed, not the poll's).
            if (out.size() < max) signal.wakeUp();
            return out;
        }

        /** The shard filter's two parameters (total, owned ids), from {@code index} on. */
        private void setShards(Connection c, PreparedStatement st, int index) throws SQLException {
            st.setInt(index, shards.total());
            st.setArray(
                    index + 1,
                    c.createArrayOf(
                            "integer",
                            java.util.Arrays.stream(shards.owned()).boxed().toArray()));
        }

        /** One flood statement, in its own transaction; see {@link QueueSql#answerUnlisted}. */
        private long answerUnlisted() {
            long started = System.nanoTime();
            try (Connection c = data.getConnection();
                    PreparedStatement st =
                            c.prepareStatement(shards.total() > 0 ? sql.answerUnlistedOnShards : sql.answerUnlisted)) {
                st.setString(1, workerId);
                st.setString(2, table.key());
                st.setInt(3, FLOOD_GUILDS);
                if (shards.total() > 0) setShards(c, st, 4);
                try (ResultSet rs = st.executeQuery()) {
                    long answered = rs.next() ? rs.getLong(1) : 0;
                    if (LOG.isTraceEnabled())
                        LOG.trace(
                                "answered {} rows of unlisted guilds in {} us",
                                answered,
                                (System.nanoTime() - started) / 1000);
                    return answered;
                }
            } catch (SQLException e) {
                throw new DataAccessException(
                        "answering rows of unlisted guilds on " + table.key() + ": " + e.getMessage(), e);
            }
        }

        private Round claimRound(int max) {
            ClaimFunction f = claimFunction;
            if (f != null) {
                try {
                    return claimRound(f, max);
                } catch (DataAccessException e) {
                    // Dropped behind our back (a schema restored without it): create it again once.
                    if (!"42883".equals(e.sqlState())) throw e;
                    f = claimFunction = ClaimFunction.install(data, sql).orElse(null);
                    if (f != null) return claimRound(f, max);
                }
            }
            try (Connection c = data.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Round r = claimRound(c, max);
                    c.commit();
                    for (QueuedCommand q : r.commands()) held.add(q.id());
                    return r;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new DataAccessException("claiming commands on " + table.key() + ": " + e.getMessage(), e);
            }
        }

        private Round claimRound(Connection c, int max) throws SQLException {
            List<String> guilds = new ArrayList<>(max);
            List<String> ctids = new ArrayList<>(max);
            try (PreparedStatement st =
                    c.prepareStatement(shards.total() > 0 ? sql.lockGuildsOnShards : sql.lockGuilds)) {
                st.setString(1, table.key());
                st.setInt(2, max);
                if (shards.total() > 0) setShards(c, st, 3);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        guilds.add(rs.getString(1));
                        ctids.add(rs.getString(2));
                    }
                }
            }
            if (guilds.isEmpty()) return new Round(List.of(), 0, 0, 0, true);
            List<QueuedCommand> out = new ArrayList<>(guilds.size());
            java.util.Map<String, Long> order = new java.util.HashMap<>();
            long cleaned = 0;
            long answered = 0;
            boolean listed = true;
            try (PreparedStatement st = c.prepareStatement(sql.claim)) {
                st.setArray(1, c.createArrayOf("text", guilds.toArray()));
                st.setArray(2, c.createArrayOf("text", ctids.toArray()));
                bindClaim(st, 3);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString("id") == null) {
                            cleaned = rs.getLong("cleaned");
                            answered = rs.getLong("answered");
                            listed = rs.getBoolean("listed");
                        } else {
                            QueuedCommand q = claimed(rs);
                            order.put(q.id(), rs.getLong("seq"));
                            out.add(q);
                        }
                    }
                }
            }
            sortAsClaimed(out, order);
            return new Round(out, guilds.size(), cleaned, answered, listed);
        }

        /**
         * The claim's order (created_at, then id): oldest first, as the handler's expiry and the
         * dashboard's wait go by age, and a guild's commands (several per claim) in their own order.
         * The ages are read at slightly different moments, so they alone could swap two of a guild.
         */
        private static void sortAsClaimed(List<QueuedCommand> out, java.util.Map<String, Long> order) {
            out.sort(java.util.Comparator.comparingLong((QueuedCommand q) -> order.getOrDefault(q.id(), 0L))
                    .thenComparing(
                            (QueuedCommand q) -> q.age() == null ? Duration.ZERO : q.age(),
                            java.util.Comparator.reverseOrder()));
        }

        /**
         * The claim's own parameters after the locked guilds and their row ids ({@link QueueSql#claim}'s
         * third on), from {@code index} on: the same for both ways of sending it.
         */
        private void bindClaim(PreparedStatement st, int index) throws SQLException {
            st.setString(index, table.key());
            st.setString(index + 1, workerId);
            st.setString(index + 2, table.key());
            st.setBoolean(index + 3, tracksStarts);
        }

        /**
         * Lock, claim and commit in one round trip: one call of the claim's function in autocommit
         * (see {@link ClaimFunction}); the same rows as the two statements below would return.
         */
        private Round claimRound(ClaimFunction f, int max) {
            List<QueuedCommand> out = new ArrayList<>();
            java.util.Map<String, Long> order = new java.util.HashMap<>();
            int locked = 0;
            long cleaned = 0;
            long answered = 0;
            boolean listed = true;
            try (Connection c = data.getConnection();
                    PreparedStatement st = c.prepareStatement(f.call)) {
                st.setString(1, table.key());
                st.setInt(2, max);
                setShards(c, st, 3);
                // Not durable when a start mark guards every side effect (see ClaimFunction, "Durability").
                st.setBoolean(ClaimFunction.LOCK_PARAMETERS, !tracksStarts);
                bindClaim(st, ClaimFunction.LOCK_PARAMETERS + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        locked = rs.getInt("locked_guilds");
                        if (rs.getString("id") == null) {
                            cleaned = rs.getLong("cleaned");
                            answered = rs.getLong("answered");
                            listed = rs.getBoolean("listed");
                        } else {
                            QueuedCommand q = claimed(rs);
                            order.put(q.id(), rs.getLong("seq"));
                            out.add(q);
                        }
                    }
                }
            } catch (SQLException e) {
                throw new DataAccessException("claiming commands on " + table.key() + ": " + e.getMessage(), e);
            }
            for (QueuedCommand q : out) held.add(q.id());
            sortAsClaimed(out, order);
            return new Round(out, locked, cleaned, answered, listed);
        }

        @Override
        public void heartbeat() {
            db.dsl()
                    .execute(
                            sql.heartbeat,
                            workerId,
                            table.key(),
                            host(),
                            ProcessHandle.current().pid());
        }
    }

    /**
     * One claim transaction: what it took, how many guild rows it locked, how many of those it set
     * aside (busy, emptied or unlisted), how many rows it answered in SQL, and whether this worker's
     * guild list header was there.
     */
    private record Round(List<QueuedCommand> commands, int lockedGuilds, long cleaned, long answered, boolean listed) {}

    private final class Completions implements CompleteCommands {
        @Override
        public void complete(List<Completion> completions) {
            if (completions.isEmpty()) return;
            try {
                write(completions);
            } catch (DataAccessException e) {
                if (!isDataError(e)) throw e;
                // One bad row must not block the batch forever: write them one by one.
                LOG.warn(
                        "writing {} outcomes failed on their data ({}); writing them one by one",
                        completions.size(),
                        Database.safeMessage(e));
                for (Completion c : completions) {
                    try {
                        write(List.of(c));
                    } catch (DataAccessException single) {
                        if (!isDataError(single)) throw single;
                        LOG.error(
                                "the result of command {} cannot be stored ({}); storing internal_error instead: {}",
                                c.commandId(),
                                Database.safeMessage(single),
                                c.resultJson());
                        write(List.of(new Completion(
                                c.commandId(),
                                false,
                                "{\"ok\":false,\"reason\":\"internal_error\",\"code\":\"internal_error\"}")));
                    }
                }
            }
        }

        private void write(List<Completion> completions) {
            int n = completions.size();
            String[] ids = new String[n];
            Boolean[] oks = new Boolean[n];
            String[] results = new String[n];
            for (int i = 0; i < n; i++) {
                Completion c = completions.get(i);
                ids[i] = c.commandId();
                oks[i] = c.ok();
                results[i] = JsonText.storable(c.resultJson());
            }
            long readied;
            long started = System.nanoTime();
            for (int attempt = 0; ; attempt++) {
                PinnedPlanFunction f = completeFunction;
                try {
                    readied = complete(f != null ? f.call : sql.complete, ids, oks, results);
                    break;
                } catch (SQLException e) {
                    // Dropped behind our back (a schema restored without it): create it again once.
                    if (attempt == 0 && f != null && "42883".equals(e.getSQLState())) {
                        completeFunction = PinnedPlanFunction.install(data, "complete", sql.complete)
                                .orElse(null);
                        continue;
                    }
                    throw new DataAccessException(
                            "writing " + n + " outcomes on " + table.key() + ": " + e.getMessage(), e);
                }
            }
            if (LOG.isTraceEnabled()) LOG.trace("complete {} in {} us", n, (System.nanoTime() - started) / 1000);
            for (String id : ids) held.remove(id);
            // A guild whose next command became claimable: wake the claim loop (and only then).
            if (readied > 0) signal.wakeUp();
        }

        /** One completion statement (plain or through its function): the count of guilds put back in line. */
        private long complete(String statement, String[] ids, Boolean[] oks, String[] results) throws SQLException {
            try (Connection c = data.getConnection();
                    PreparedStatement st = c.prepareStatement(statement)) {
                st.setArray(1, c.createArrayOf("text", ids));
                st.setArray(2, c.createArrayOf("boolean", oks));
                st.setArray(3, c.createArrayOf("text", results));
                // held (claim probe), released, ran, settled
                st.setString(4, table.key());
                st.setString(5, workerId);
                st.setString(6, table.key());
                st.setString(7, workerId);
                st.setString(8, table.key());
                st.setString(9, table.key());
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getLong("readied") : 0;
                }
            }
        }

        private static boolean isDataError(DataAccessException e) {
            String state = e.sqlState();
            return state != null && (state.startsWith("22") || state.startsWith("23"));
        }
    }

    private final class Recovery implements RecoverCommands {
        @Override
        public List<QueuedCommand> takeOverAbandoned() {
            double leaseSeconds = seconds(lease);
            String key = table.key();
            List<QueuedCommand> out = db.dsl()
                    .fetch(
                            sql.takeOver,
                            key,
                            workerId,
                            leaseSeconds,
                            held.toArray(String[]::new),
                            leaseSeconds,
                            workerId,
                            key,
                            key,
                            leaseSeconds,
                            key,
                            key,
                            workerId,
                            key)
                    .map(PostgresQueue::takenOver);
            for (QueuedCommand c : out) held.add(c.id());
            if (!out.isEmpty()) {
                LOG.warn(
                        "took over {} command(s) left processing by dead workers on {}: {}{}",
                        out.size(),
                        key,
                        out.stream().limit(10).map(QueuedCommand::id).toList(),
                        out.size() > 10 ? " ..." : "");
            }
            if (System.nanoTime() - lastWorkerCleanup > TimeUnit.MINUTES.toNanos(10)) {
                lastWorkerCleanup = System.nanoTime();
                db.dsl().execute(sql.forgetDeadWorkers);
                db.dsl().execute(sql.pruneRuns, seconds(runsRetention));
            }
            if (System.nanoTime() - lastResync > TimeUnit.MINUTES.toNanos(1)) {
                lastResync = System.nanoTime();
                resync();
            }
            return out;
        }

        /** Puts back in line every guild with pending work and nothing in flight; see {@link QueueSql#resync}. */
        int resync() {
            int n = db.dsl().fetch(sql.resync, table.key()).size();
            if (n > 0) {
                LOG.info("put {} guild(s) with pending commands back in line on {}", n, table.key());
                signal.wakeUp();
            }
            return n;
        }

        @Override
        public List<String> requeue(List<String> commandIds) {
            return requeue(commandIds, sql.requeue);
        }

        @Override
        public List<String> handBack(List<String> commandIds) {
            return requeue(commandIds, sql.handBack);
        }

        private List<String> requeue(List<String> commandIds, String statement) {
            if (commandIds.isEmpty()) return List.of();
            String[] ids = commandIds.toArray(String[]::new);
            String key = table.key();
            // Two statements in one transaction: the lock first, so the second one's snapshot sees
            // any start mark that committed before it (see QueueSql#lockForRequeue).
            List<String> started = db.dsl().transactionResult(cfg -> {
                DSLContext tx = DSL.using(cfg);
                tx.fetch(sql.lockForRequeue, key, workerId, ids);
                return tx.fetch(statement, key, ids, key, workerId, ids, key, key, workerId)
                        .getValues(0, String.class);
            });
            for (String id : ids) if (!started.contains(id)) held.remove(id);
            signal.wakeUp();
            return started;
        }
    }

    /**
     * The runtime's sleep between claims: up to the runtime's {@code max} while LISTEN is in
     * place, else at most the poll interval. A notification or {@link #wakeUp()} ends it at once.
     */
    private final class Signal implements AwaitCommands {
        private final WakeSignal signal = new WakeSignal();

        @Override
        public void await(Duration max) throws InterruptedException {
            boolean notified = listener != null && listener.listening();
            signal.await(notified || max.compareTo(pollInterval) <= 0 ? max : pollInterval);
        }

        @Override
        public void wakeUp() {
            signal.wakeUp();
        }
    }

    public static final class Builder {
        private final Database db;
        private String workerId;
        private Duration lease = DEFAULT_LEASE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Boolean listen;
        private Set<String> foreignActions = Set.of();
        private long maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private long batchBytes = DEFAULT_BATCH_BYTES;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private int commandsPerGuild = 1;
        private Duration runsRetention = DEFAULT_RUNS_RETENTION;
        private QueueSql.Shards shards = QueueSql.Shards.ALL;
        private GuildPresence absentGuilds;
        private String absentResult;

        private Builder(Database db) {
            this.db = Objects.requireNonNull(db, "db");
        }

        /** Default: host name, pid and a random suffix. */
        public Builder workerId(String v) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException("workerId must not be blank");
            workerId = v.strip();
            return this;
        }

        /**
         * How long without a heartbeat before a worker is presumed dead and its commands taken
         * over. Default 30 s; keep the runtime's heartbeat interval well under it.
         */
        public Builder lease(Duration v) {
            lease = positive("lease", v);
            return this;
        }

        /** The polling fallback when no notification comes. Default 500 ms. */
        public Builder pollInterval(Duration v) {
            pollInterval = positive("pollInterval", v);
            return this;
        }

        /**
         * The lease and the poll interval from the one {@link QueueTiming} the worker's runtime is
         * also given, so the two cannot disagree (the heartbeat is the runtime's).
         */
        public Builder timing(QueueTiming v) {
            Objects.requireNonNull(v, "timing");
            return lease(v.lease()).pollInterval(v.pollInterval());
        }

        /** LISTEN for new commands. Default: on, except through a transaction pooler (port 6543). */
        public Builder listen(boolean v) {
            listen = v;
            return this;
        }

        /**
         * Actions another consumer serves from the same table (issue 13): this worker never claims
         * them, and they never hold up a guild's order for its own actions.
         */
        public Builder foreignActions(Set<String> v) {
            for (String a : v) {
                if (a == null || !ACTION_NAME.matcher(a).matches())
                    throw new IllegalArgumentException("not an action name: '" + a + "'");
            }
            foreignActions = Set.copyOf(v);
            return this;
        }

        /** A payload larger than this (bytes of JSON) is refused in SQL, never loaded ({@code payload_too_large}). Default 64 KiB. */
        public Builder maxPayloadBytes(long v) {
            if (v < 1024) throw new IllegalArgumentException("maxPayloadBytes must be at least 1024, was " + v);
            maxPayloadBytes = v;
            return this;
        }

        /** At most this many payload bytes per claim (at least one row). Default 4 MiB. */
        public Builder batchBytes(long v) {
            if (v < 1) throw new IllegalArgumentException("batchBytes must be positive, was " + v);
            batchBytes = v;
            return this;
        }

        /** A command claimed this many times without ending is not tried again ({@code too_many_attempts}). Default 5. */
        public Builder maxAttempts(int v) {
            if (v < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, was " + v);
            maxAttempts = v;
            return this;
        }

        /**
         * How many commands of one guild a claim may take at once, in the guild's order (issue 12: at 200
         * guilds, one command per guild and cycle bounded the drain). Only for a runtime that runs a
         * guild's commands of one claim one after another, in the order received, never two at once, as
         * {@code CommandWorker} does; a claim never takes a command before an earlier one of its guild.
         * Default 1: each claim takes its guilds' oldest commands only.
         */
        public Builder commandsPerGuild(int v) {
            if (v < 1 || v > 256) throw new IllegalArgumentException("commandsPerGuild must be 1 to 256, was " + v);
            commandsPerGuild = v;
            return this;
        }

        /** How long the ids of claimed commands are remembered (replay protection, attempt counts). Default 7 days. */
        public Builder runsRetention(Duration v) {
            runsRetention = positive("runsRetention", v);
            return this;
        }

        /**
         * Claims only commands of guilds on {@code owned} of {@code total} gateway shards (issue 11:
         * a worker that holds those shards' sessions); the others wait for their shard's owner.
         * Default: every guild.
         */
        public Builder shards(int total, java.util.Collection<Integer> owned) {
            if (total < 1) throw new IllegalArgumentException("the shard total must be at least 1, was " + total);
            if (owned.isEmpty() || owned.stream().anyMatch(s -> s < 0 || s >= total))
                throw new IllegalArgumentException("owned shards " + owned + " must be within 0-" + (total - 1));
            shards = new QueueSql.Shards(
                    total, owned.stream().mapToInt(Integer::intValue).sorted().toArray());
            return this;
        }

        /** As {@link PostgresQueue#answerAbsentGuilds}, from the first claim on. */
        public Builder answerAbsentGuilds(GuildPresence presence, String resultJson) {
            absentGuilds = Objects.requireNonNull(presence, "presence");
            absentResult = Objects.requireNonNull(resultJson, "resultJson");
            return this;
        }

        public PostgresQueue build() {
            PostgresQueue q = new PostgresQueue(this);
            if (absentGuilds != null) q.answerAbsentGuilds(absentGuilds, absentResult);
            return q;
        }

        private static Duration positive(String name, Duration v) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException(name + " must be positive, was " + v);
            return v;
        }
    }
}
