package com.valoratbot.supabase;

import com.valoratbot.core.port.shard.UnownedCommands;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Core's {@link UnownedCommands} on the command table and {@code valoratbot.shard_leases} (issue 11):
 * the commands of guilds on a shard without a live lease, past their maximum age, are ended with the
 * given result. Kept out of the claim's statements on purpose: it runs only while some shard has no
 * owner, every few seconds, and touches only rows no worker could claim. A table without
 * {@code created_at} cannot tell a command's age: its commands are never ended here.
 */
public final class UnownedShardCommands implements UnownedCommands {

    private final Database db;
    private final CommandTable table;
    private final String expire;
    private static final String UNOWNED = "SELECT s FROM generate_series(0, ? - 1) s WHERE NOT EXISTS ("
            + "SELECT 1 FROM valoratbot.shard_leases l WHERE l.command_table = ? AND l.shard_id = s"
            + " AND l.shard_count = ? AND l.owner_worker_id IS NOT NULL AND l.lease_expires_at > clock_timestamp())";

    private UnownedShardCommands(Database db, Set<String> foreignActions) {
        this.db = Objects.requireNonNull(db, "db");
        this.table = db.commandTable();
        String ours = foreignActions.isEmpty()
                ? ""
                : " AND btrim(t.action::text, E' \\t\\n\\r\\f\\u000B') <> ALL (ARRAY["
                        + foreignActions.stream()
                                .map(a -> "'" + a.replace("'", "''") + "'")
                                .sorted()
                                .collect(Collectors.joining(", "))
                        + "]::text[])";
        // The status is re-checked under the row lock (PostgreSQL re-evaluates the WHERE clause of a
        // row updated meanwhile), so a command an owner just claimed is never ended here.
        this.expire = table.hasCreatedAt()
                ? "UPDATE " + table.sqlName() + " t SET status = CAST('error' AS " + table.statusType() + "),"
                        + " result = CAST(? AS " + table.resultType() + ")"
                        + (table.hasUpdatedAt() ? ", updated_at = clock_timestamp()" : "")
                        + " WHERE t.status = 'pending' AND t.created_at < clock_timestamp() - ? * interval '1 millisecond'"
                        + " AND valoratbot.shard_of(t.guild_id::text, ?) = ?" + ours
                : null;
    }

    /** @param foreignActions the queue's {@code VALORATBOT_FOREIGN_ACTIONS}: another consumer's rows are never ended here */
    public static UnownedShardCommands on(Database db, Set<String> foreignActions) {
        return new UnownedShardCommands(db, Set.copyOf(foreignActions));
    }

    @Override
    public Set<Integer> unownedShards(int total) {
        Set<Integer> out = new TreeSet<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement(UNOWNED)) {
            st.setInt(1, total);
            st.setString(2, table.key());
            st.setInt(3, total);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) out.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading unowned shards failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public int expire(int shard, int total, Duration maxAge, String resultJson) {
        if (expire == null) return 0;
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement(expire)) {
            st.setString(1, resultJson);
            st.setLong(2, maxAge.toMillis());
            st.setInt(3, total);
            st.setInt(4, shard);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("expiring shard " + shard + "'s commands failed: " + e.getMessage(), e);
        }
    }
}
