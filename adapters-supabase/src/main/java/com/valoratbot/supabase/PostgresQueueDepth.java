package com.valoratbot.supabase;

import com.valoratbot.core.port.ops.QueueDepth;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The command table's depth for the operator's gauges (docs/operations.md): one read-only statement
 * over the rows the table's partial index {@code (guild_id, created_at, id) WHERE status IN ('pending',
 * 'processing')} covers, so its cost follows the active rows, never the table's history; bounded by a
 * 2 s query timeout. Another consumer's actions are left out, trimmed as the claim trims them.
 */
public final class PostgresQueueDepth implements QueueDepth {

    private static final int TIMEOUT_SECONDS = 2;

    private final Database db;
    private final Set<String> foreignActions;

    private PostgresQueueDepth(Database db, Set<String> foreignActions) {
        this.db = Objects.requireNonNull(db, "db");
        for (String a : foreignActions) {
            if (!PostgresQueue.isActionName(a)) throw new IllegalArgumentException("not an action name: " + a);
        }
        this.foreignActions = Set.copyOf(foreignActions);
    }

    /** The depth of {@code db}'s command table, {@code foreignActions} (the queue's) left out. */
    public static PostgresQueueDepth on(Database db, Set<String> foreignActions) {
        return new PostgresQueueDepth(db, foreignActions);
    }

    String sql() {
        CommandTable t = db.commandTable();
        // Names checked by isActionName (letters, digits and _ . : -): safe as literals, as in QueueSql.
        String ours = foreignActions.isEmpty()
                ? ""
                : " AND btrim(c.action::text, E' \\t\\n\\r\\f\\u000B') <> ALL (ARRAY["
                        + foreignActions.stream()
                                .sorted()
                                .map(a -> "'" + a + "'")
                                .collect(Collectors.joining(", "))
                        + "]::text[])";
        String oldest = t.hasCreatedAt()
                ? "(extract(epoch FROM clock_timestamp() - min(c.created_at) FILTER (WHERE c.status = 'pending'))"
                        + " * 1000)::bigint"
                : "NULL::bigint";
        return "SELECT count(*) FILTER (WHERE c.status = 'pending'), count(*) FILTER (WHERE c.status = 'processing'), "
                + oldest + " FROM " + t.sqlName() + " c WHERE c.status IN ('pending', 'processing')" + ours;
    }

    @Override
    public Depth read() {
        String sql = sql();
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(TIMEOUT_SECONDS);
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                long oldestMs = rs.getLong(3);
                Optional<Duration> oldest =
                        rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(0, oldestMs)));
                return new Depth(rs.getLong(1), rs.getLong(2), oldest);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the queue depth failed: " + Database.safeMessage(e), e);
        }
    }
}
