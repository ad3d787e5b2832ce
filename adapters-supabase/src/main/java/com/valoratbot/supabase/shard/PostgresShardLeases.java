package com.valoratbot.supabase.shard;

import com.valoratbot.core.port.shard.ShardLeaseStore;
import com.valoratbot.supabase.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Core's {@link ShardLeaseStore} on {@code valoratbot.shard_leases} (migration V500). Every expiry is
 * compared with the database's {@code clock_timestamp()}, never a worker's clock; each call is one
 * short autocommit statement, so a lease is never held inside an open transaction.
 */
public final class PostgresShardLeases implements ShardLeaseStore {

    static final String TABLE = "valoratbot.shard_leases";

    private final DataSource data;
    private final String commandTable;

    private PostgresShardLeases(DataSource data, String commandTable) {
        this.data = Objects.requireNonNull(data, "data");
        this.commandTable = Objects.requireNonNull(commandTable, "commandTable");
    }

    /** The leases of the workers sharing {@code db}'s command table (one bot's workers). */
    public static PostgresShardLeases on(Database db) {
        return new PostgresShardLeases(db.dataSource(), db.commandTable().key());
    }

    /** For tests and tools: the leases of the workers of {@code commandTable} (its {@code schema.table} key). */
    public static PostgresShardLeases on(DataSource data, String commandTable) {
        return new PostgresShardLeases(data, commandTable);
    }

    // Rows first exist (ON CONFLICT DO NOTHING keeps them), then the free or expired ones among the
    // candidates are locked SKIP LOCKED (two workers taking at once split them) and taken. Nothing is
    // taken while a live lease under another total exists.
    private static final String ENSURE =
            "INSERT INTO " + TABLE + " (command_table, shard_id, shard_count) SELECT ?, s, ? FROM unnest(?::int[]) s"
                    + " ON CONFLICT (command_table, shard_id) DO NOTHING";
    private static final String ACQUIRE = """
            WITH other_total AS (
                SELECT 1 FROM %1$s o
                WHERE o.command_table = ? AND o.shard_count <> ? AND o.owner_worker_id IS NOT NULL
                  AND o.lease_expires_at > clock_timestamp()
                LIMIT 1
            ), free AS (
                SELECT f.shard_id FROM %1$s f
                WHERE f.command_table = ? AND f.shard_id = ANY (?::int[])
                  AND (f.owner_worker_id IS NULL OR f.lease_expires_at <= clock_timestamp())
                  AND NOT EXISTS (SELECT 1 FROM other_total)
                ORDER BY f.shard_id
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            )
            UPDATE %1$s l
            SET shard_count = ?, owner_worker_id = ?, lease_expires_at = clock_timestamp() + ? * interval '1 millisecond',
                acquired_at = clock_timestamp(), renewed_at = clock_timestamp(), ready_at = NULL, epoch = l.epoch + 1
            FROM free
            WHERE l.command_table = ? AND l.shard_id = free.shard_id
              AND (l.owner_worker_id IS NULL OR l.lease_expires_at <= clock_timestamp())
            RETURNING l.shard_id, l.epoch
            """.formatted(TABLE);
    private static final String RENEW = "UPDATE " + TABLE
            + " SET lease_expires_at = clock_timestamp() + ? * interval '1 millisecond', renewed_at = clock_timestamp()"
            + " WHERE command_table = ? AND shard_id = ? AND owner_worker_id = ? AND epoch = ?"
            + " AND lease_expires_at > clock_timestamp()";
    private static final String RELEASE = "UPDATE " + TABLE
            + " SET owner_worker_id = NULL, lease_expires_at = NULL, acquired_at = NULL, renewed_at = NULL,"
            + " ready_at = NULL, released_at = clock_timestamp()"
            + " WHERE command_table = ? AND shard_id = ? AND owner_worker_id = ? AND epoch = ?";
    private static final String READY = "UPDATE " + TABLE + " SET ready_at = clock_timestamp()"
            + " WHERE command_table = ? AND shard_id = ? AND owner_worker_id = ? AND epoch = ?";

    @Override
    public List<Lease> acquire(String owner, int total, Set<Integer> candidates, int max, Duration lease) {
        if (candidates.isEmpty() || max < 1) return List.of();
        try (Connection c = data.getConnection()) {
            Array shards = c.createArrayOf("integer", candidates.toArray());
            try (PreparedStatement st = c.prepareStatement(ENSURE)) {
                st.setString(1, commandTable);
                st.setInt(2, total);
                st.setArray(3, shards);
                st.executeUpdate();
            }
            List<Lease> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(ACQUIRE)) {
                st.setString(1, commandTable);
                st.setInt(2, total);
                st.setString(3, commandTable);
                st.setArray(4, shards);
                st.setInt(5, max);
                st.setInt(6, total);
                st.setString(7, owner);
                st.setLong(8, lease.toMillis());
                st.setString(9, commandTable);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) out.add(new Lease(rs.getInt(1), rs.getLong(2)));
                }
            }
            out.sort(java.util.Comparator.comparingInt(Lease::shard));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("taking shard leases failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean renew(String owner, Lease held, Duration lease) {
        return update(RENEW, "renewing", lease.toMillis(), owner, held) == 1;
    }

    @Override
    public void release(String owner, Lease held) {
        update(RELEASE, "releasing", null, owner, held);
    }

    @Override
    public void markReady(String owner, Lease held) {
        update(READY, "marking ready", null, owner, held);
    }

    private int update(String sql, String what, Long leaseMillis, String owner, Lease held) {
        try (Connection c = data.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            int i = 1;
            if (leaseMillis != null) st.setLong(i++, leaseMillis);
            st.setString(i++, commandTable);
            st.setInt(i++, held.shard());
            st.setString(i++, owner);
            st.setLong(i, held.epoch());
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    what + " the lease of shard " + held.shard() + " failed: " + e.getMessage(), e);
        }
    }
}
