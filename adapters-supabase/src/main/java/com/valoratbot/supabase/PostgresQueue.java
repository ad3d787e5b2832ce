package com.valoratbot.supabase;

import org.jooq.conf.StatementType;

import org.jooq.DSLContext;

import com.valoratbot.core.port.AwaitCommands;
import com.valoratbot.core.port.ClaimCommands;
import com.valoratbot.core.port.CompleteCommands;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.RecoverCommands;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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

    private final Database db;
    private final CommandTable table;
    private final QueueSql sql;
    private final String workerId;
    private final Duration lease;
    private final Duration pollInterval;
    private final boolean listen;
    /** Commands this instance handed to the runtime and has not completed or requeued yet. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /**
     * The claim is planned afresh on every call (values inlined, so pgjdbc never server-prepares it):
     * a prepared statement soon runs a generic plan made while the table was small — sequential
     * scans — and keeps it until autoanalyze, 40 ms a claim at 20,000 pending instead of 4.
     */
    private final DSLContext planEveryTime;
    private final Claims claims = new Claims();
    private final Completions completions = new Completions();
    private final Recovery recovery = new Recovery();
    private final Signal signal = new Signal();
    private final NotificationListener listener;
    private volatile long lastWorkerCleanup = System.nanoTime();

    private PostgresQueue(Builder b) {
        this.db = b.db;
        this.planEveryTime = b.db.dsl().configuration()
                .derive(b.db.dsl().settings().withStatementType(StatementType.STATIC_STATEMENT)).dsl();
        this.table = b.db.commandTable();
        this.sql = new QueueSql(table);
        this.workerId = b.workerId != null ? b.workerId : defaultWorkerId();
        this.lease = b.lease;
        this.pollInterval = b.pollInterval;
        this.listen = b.listen != null ? b.listen : b.db.settings().listenByDefault();
        if (listen && b.db.settings().usesTransactionPooler()) {
            LOG.warn("LISTEN was asked for through a transaction pooler ({}): notifications may be lost; polling every {} covers it",
                    b.db.describe(), pollInterval);
        }
        claims.heartbeat();
        this.listener = listen
                ? new NotificationListener(db, COMMANDS_CHANNEL, this::onNotifications, signal::wakeUp,
                        "polling every " + pollInterval.toMillis() + " ms").start()
                : null;
        LOG.info("Worker {} on {} ({}; lease {} s, {})", workerId, table.key(), table.optionalColumns(), lease.toSeconds(),
                listen ? "LISTEN " + COMMANDS_CHANNEL + ", polling every " + pollInterval.toMillis() + " ms as fallback"
                       : "polling every " + pollInterval.toMillis() + " ms, no LISTEN");
    }

    public static Builder builder(Database db) {
        return new Builder(db);
    }

    public ClaimCommands claims() { return claims; }

    public CompleteCommands completions() { return completions; }

    public RecoverCommands recovery() { return recovery; }

    public AwaitCommands awaitCommands() { return signal; }

    public String workerId() { return workerId; }

    public Duration lease() { return lease; }

    /** The polling fallback; give it to the runtime as its poll interval as well. */
    public Duration pollInterval() { return pollInterval; }

    /** Whether this queue uses LISTEN (it may still be reconnecting). */
    public boolean listens() { return listen; }

    /** Whether LISTEN is in place right now. */
    public boolean listening() { return listener != null && listener.listening(); }

    public CommandTable table() { return table; }

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
            if (p == null || p.isEmpty() || p.equals(table.key())) {
                signal.wakeUp();
                return;
            }
        }
    }

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

    private static QueuedCommand toCommand(Record r) {
        Long ageMs = r.get("age_ms", Long.class);
        return new QueuedCommand(
                r.get("id", String.class),
                r.get("guild_id", String.class),
                r.get("action", String.class),
                r.get("payload", String.class),
                Optional.ofNullable(r.get("requested_by", String.class)),
                ageMs == null ? null : Duration.ofMillis(ageMs));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private final class Claims implements ClaimCommands {
        @Override
        public List<QueuedCommand> claim(int max) {
            if (max <= 0) return List.of();
            List<QueuedCommand> out = planEveryTime.fetch(sql.claim, max, table.key(), workerId).map(PostgresQueue::toCommand);
            for (QueuedCommand c : out) held.add(c.id());
            return out;
        }

        @Override
        public void heartbeat() {
            db.dsl().execute(sql.heartbeat, workerId, table.key(), host(), ProcessHandle.current().pid());
        }
    }

    private final class Completions implements CompleteCommands {
        @Override
        public void complete(List<Completion> completions) {
            if (completions.isEmpty()) return;
            try {
                write(completions);
            } catch (DataAccessException e) {
                if (!isDataError(e)) throw e;
                // One bad row must not block the batch forever: write them one by one.
                LOG.warn("writing {} outcomes failed on their data ({}); writing them one by one", completions.size(), Database.safeMessage(e));
                for (Completion c : completions) {
                    try {
                        write(List.of(c));
                    } catch (DataAccessException single) {
                        if (!isDataError(single)) throw single;
                        LOG.error("the result of command {} cannot be stored ({}); storing internal_error instead: {}",
                                c.commandId(), Database.safeMessage(single), c.resultJson());
                        write(List.of(new Completion(c.commandId(), false,
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
            db.dsl().fetch(sql.complete, ids, oks, results, table.key(), workerId);
            for (String id : ids) held.remove(id);
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
            List<QueuedCommand> out = db.dsl().fetch(sql.takeOver,
                    key, workerId, leaseSeconds, held.toArray(String[]::new), leaseSeconds,
                    workerId, key,
                    key,
                    leaseSeconds, key,
                    key, workerId).map(PostgresQueue::toCommand);
            for (QueuedCommand c : out) held.add(c.id());
            if (!out.isEmpty()) {
                LOG.warn("took over {} command(s) left processing by dead workers on {}: {}{}", out.size(), key,
                        out.stream().limit(10).map(QueuedCommand::id).toList(), out.size() > 10 ? " ..." : "");
            }
            if (System.nanoTime() - lastWorkerCleanup > TimeUnit.MINUTES.toNanos(10)) {
                lastWorkerCleanup = System.nanoTime();
                db.dsl().execute(sql.forgetDeadWorkers);
            }
            return out;
        }

        @Override
        public void requeue(List<String> commandIds) {
            if (commandIds.isEmpty()) return;
            String[] ids = commandIds.toArray(String[]::new);
            db.dsl().fetch(sql.requeue, table.key(), workerId, ids);
            for (String id : ids) held.remove(id);
            signal.wakeUp();
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

        /** LISTEN for new commands. Default: on, except through a transaction pooler (port 6543). */
        public Builder listen(boolean v) {
            listen = v;
            return this;
        }

        public PostgresQueue build() {
            return new PostgresQueue(this);
        }

        private static Duration positive(String name, Duration v) {
            if (v == null || v.isNegative() || v.isZero()) throw new IllegalArgumentException(name + " must be positive, was " + v);
            return v;
        }
    }
}
