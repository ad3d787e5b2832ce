package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claim's function commits without waiting for the WAL flush only when its caller says a start
 * mark guards every side effect (see {@link ClaimFunction}, "Durability"), and only for its own
 * transaction.
 */
class ClaimDurabilityTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.queue_guilds", "valoratbot.command_runs");

    @Test
    void theClaimsTransactionSkipsTheFlushWhenToldAndOnlyThen() throws SQLException {
        try (PostgresQueue queue = queue()) {
            ClaimFunction f = claimFunction(queue);
            db.execute(
                    "INSERT INTO commands (guild_id, action, payload, created_at) VALUES ('1001', 'listTextChannels', '{}'::jsonb, clock_timestamp())");

            assertThat(commitSettingAfterClaim(f, queue, false)).isEqualTo("off");
            assertThat(commitSettingAfterClaim(f, queue, true)).isEqualTo("on");
        }
    }

    @Test
    void theSettingEndsWithTheClaimsTransaction() throws SQLException {
        try (PostgresQueue queue = queue()) {
            ClaimFunction f = claimFunction(queue);
            try (Connection c = durableSession()) {
                try {
                    call(c, f, queue, false);
                    assertThat(setting(c))
                            .as("the next transaction on the same connection")
                            .isEqualTo("on");
                } finally {
                    reset(c);
                }
            }
        }
    }

    private static PostgresQueue queue() {
        return PostgresQueue.builder(db.database()).workerId("w1").listen(false).build();
    }

    /** The claim's function for {@code queue}'s table, created as the queue creates its own. */
    private static ClaimFunction claimFunction(PostgresQueue queue) {
        QueueSql sql = new QueueSql(queue.table(), new QueueSql.Rules(Set.of(), 65536, 1 << 20, 5));
        return ClaimFunction.install(db.database().dataSource(), sql).orElseThrow();
    }

    /** synchronous_commit as the claim's transaction would commit with it (rolled back, nothing kept). */
    private static String commitSettingAfterClaim(ClaimFunction f, PostgresQueue queue, boolean durable)
            throws SQLException {
        try (Connection c = durableSession()) {
            c.setAutoCommit(false);
            try {
                call(c, f, queue, durable);
                return setting(c);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                reset(c);
            }
        }
    }

    /** A pooled connection set durable for the session, whatever the test server's default. */
    private static Connection durableSession() throws SQLException {
        Connection c = db.database().dataSource().getConnection();
        try (var st = c.createStatement()) {
            st.execute("SET synchronous_commit = on");
        }
        return c;
    }

    private static void reset(Connection c) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute("RESET synchronous_commit");
        }
    }

    private static void call(Connection c, ClaimFunction f, PostgresQueue queue, boolean durable) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(f.call)) {
            String table = queue.table().key();
            st.setString(1, table);
            st.setInt(2, 10);
            st.setInt(3, 0);
            st.setArray(4, c.createArrayOf("integer", new Object[0]));
            st.setBoolean(5, durable);
            st.setString(6, table);
            st.setString(7, "w1");
            st.setString(8, table);
            st.setBoolean(9, true);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    // the claimed row and the summary row: read, nothing to check here
                }
            }
        }
    }

    private static String setting(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT current_setting('synchronous_commit')");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
