package com.valoratbot.supabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The operator's read-only view of shard ownership (the CLI's {@code valoratbot shards}): each row of
 * {@code valoratbot.shard_leases} for this command table, with its owner's process from
 * {@code valoratbot.workers}. Reads only the columns V500 documents as a stable interface; every age
 * is measured by the database's clock, as the leases themselves are.
 */
public final class ShardView {

    private ShardView() {}

    /** What a lease row says now. */
    public enum State {
        /** Held and its gateway session ready. */
        READY,
        /** Held, its session not ready yet (connecting, or waiting for its IDENTIFY slot). */
        CONNECTING,
        /** Its owner did not renew in time: the next worker with room takes it over. */
        EXPIRED,
        /** Nobody holds it (released on a graceful stop, or never taken). */
        FREE
    }

    /**
     * One shard. Durations are since the event ({@code renewed} ago, ...) except {@code leaseLeft},
     * negative once the lease has expired.
     */
    public record Lease(
            int shardId,
            int shardCount,
            State state,
            Optional<String> owner,
            Optional<String> ownerHost,
            Optional<Long> ownerPid,
            Optional<Duration> ownerHeartbeat,
            Optional<Duration> leaseLeft,
            Optional<Duration> renewed,
            Optional<Duration> acquired,
            Optional<Duration> ready,
            Optional<Duration> released,
            long epoch) {}

    /** The command table's shards, by id; empty when sharding was never on for it. */
    public record Report(String commandTable, List<Lease> leases) {

        /** The shard counts the rows were taken under: more than one means workers disagree. */
        public SortedSet<Integer> shardCounts() {
            SortedSet<Integer> counts = new TreeSet<>();
            leases.forEach(l -> counts.add(l.shardCount()));
            return counts;
        }

        public long count(State state) {
            return leases.stream().filter(l -> l.state() == state).count();
        }

        /** Distinct owners holding at least one shard. */
        public long owners() {
            return leases.stream().flatMap(l -> l.owner().stream()).distinct().count();
        }
    }

    /** Thrown when the schema predates shard leases: {@code valoratbot migrate} adds them. */
    public static final class NotMigrated extends IllegalStateException {
        NotMigrated() {
            super("valoratbot.shard_leases does not exist in this database: run `valoratbot migrate` (or start a"
                    + " worker) to add it");
        }
    }

    private static final String SQL = """
            SELECT l.shard_id, l.shard_count, l.owner_worker_id, w.host, w.pid,
                   (extract(epoch FROM clock_timestamp() - w.heartbeat_at) * 1000)::bigint,
                   (extract(epoch FROM l.lease_expires_at - clock_timestamp()) * 1000)::bigint,
                   (extract(epoch FROM clock_timestamp() - l.renewed_at) * 1000)::bigint,
                   (extract(epoch FROM clock_timestamp() - l.acquired_at) * 1000)::bigint,
                   (extract(epoch FROM clock_timestamp() - l.ready_at) * 1000)::bigint,
                   (extract(epoch FROM clock_timestamp() - l.released_at) * 1000)::bigint,
                   l.epoch
            FROM valoratbot.shard_leases l
            LEFT JOIN valoratbot.workers w ON w.worker_id = l.owner_worker_id
            WHERE l.command_table = ?
            ORDER BY l.shard_id
            """;

    /**
     * @throws NotMigrated when the database has no {@code valoratbot.shard_leases}
     */
    public static Report read(Database db) {
        Objects.requireNonNull(db, "db");
        String table = db.commandTable().key();
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass('valoratbot.shard_leases')");
                    ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) throw new NotMigrated();
            }
            List<Lease> leases = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SQL)) {
                s.setString(1, table);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) leases.add(lease(rs));
                }
            }
            return new Report(table, List.copyOf(leases));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the shard leases failed: " + Database.safeMessage(e), e);
        }
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        Optional<String> owner = Optional.ofNullable(rs.getString(3));
        Optional<Duration> leaseLeft = millis(rs, 7);
        Optional<Duration> ready = millis(rs, 10);
        State state = owner.isEmpty()
                ? State.FREE
                : leaseLeft.isPresent() && leaseLeft.get().isNegative()
                        ? State.EXPIRED
                        : ready.isPresent() ? State.READY : State.CONNECTING;
        long pid = rs.getLong(5);
        Optional<Long> ownerPid = rs.wasNull() ? Optional.empty() : Optional.of(pid);
        return new Lease(
                rs.getInt(1),
                rs.getInt(2),
                state,
                owner,
                Optional.ofNullable(rs.getString(4)),
                ownerPid,
                millis(rs, 6),
                leaseLeft,
                millis(rs, 8),
                millis(rs, 9),
                ready,
                millis(rs, 11),
                rs.getLong(12));
    }

    private static Optional<Duration> millis(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(v));
    }
}
