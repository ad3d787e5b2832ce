package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.QueuedCommand;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's rarer statements, the line's resync and the hand-back of unstarted commands, cost a
 * few probes per guild or per command whatever the statistics (issue 12). Measured as rows touched
 * by {@code EXPLAIN ANALYZE}, on custom and generic plans, never wall time: a table analysed while
 * every job was done, then 15,000 pending commands over 5,000 guilds with 1,000 of them claimed.
 *
 * <p>Found in a drain of 60,000 commands over 20,000 guilds: the resync joined every processing row
 * with every guild (25,959,168 rows, 16.5 s, holding the guild rows it had locked meanwhile), and a
 * hand-back of 768 commands joined every processing row with every released claim (1,178,880 rows).
 */
class RecoveryPlanTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int GUILDS = 5000;
    private static final int CLAIMED = 1000;

    @Test
    void withStatisticsTakenWhileIdleTheResyncProbesEachGuildInsteadOfReadingEveryCommandInFlightPerGuild()
            throws Exception {
        try (Backlog b = Backlog.open()) {
            Measured m = b.worst(b.sql.resync, quoted(b.key));
            assertThat(m.rows())
                    .as("rows touched by the resync over %d guilds, %d in flight", GUILDS, CLAIMED)
                    .isLessThan(GUILDS * 30L);
            // Each guild probed on its own: as a join, with other statistics, every command in flight
            // was read again for each guild (the plan above; this test's tables did not lead there).
            assertThat(m.nodes())
                    .as("the resync's plan nodes")
                    .doesNotContain("Nested Loop", "Hash Join", "Merge Join");
        }
    }

    @Test
    void withStatisticsTakenWhileIdleAHandBackFindsItsCommandsByPrimaryKey() throws Exception {
        try (Backlog b = Backlog.open()) {
            List<String> back = b.claimed.subList(0, 768);
            String ids = "ARRAY[" + back.stream().map(RecoveryPlanTest::quoted).collect(Collectors.joining(","))
                    + "]::text[]";
            String key = quoted(b.key);
            String me = quoted("planner");
            long rows = b.worst(b.sql.handBack, String.join(", ", key, ids, key, me, ids, key, key, me))
                    .rows();
            assertThat(rows)
                    .as("rows touched by a hand-back of %d with %d in flight", back.size(), CLAIMED)
                    .isLessThan(back.size() * 30L);
        }
    }

    /** Rows touched and the plan's node types, the worse of a statement's custom and generic plans. */
    private record Measured(long rows, List<String> nodes) {}

    /** "Index Scan(name)" as "Index Scan". */
    private static String nodeType(String shaped) {
        int i = shaped.indexOf('(');
        return i < 0 ? shaped : shaped.substring(0, i);
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A fresh database in the state described above, kept by autovacuum from changing its statistics. */
    private record Backlog(Database d, Connection c, Statement st, QueueSql sql, String key, List<String> claimed)
            implements AutoCloseable {

        static Backlog open() throws Exception {
            Database d = Database.open(db.newDatabase().build());
            Connection c = d.dataSource().getConnection();
            Statement st = c.createStatement();
            CompletionPlanTest.steadyTable(st);
            st.execute("ANALYZE");
            st.execute("""
                    INSERT INTO commands (guild_id, action, payload, created_at)
                    SELECT (200000000000000000 + g %% %d)::text, 'listTextChannels', '{}', clock_timestamp()
                    FROM generate_series(1, %d) g""".formatted(GUILDS, GUILDS * 3));
            List<String> claimed = new ArrayList<>();
            try (PostgresQueue queue =
                    PostgresQueue.builder(d).workerId("planner").listen(false).build()) {
                for (int round = 0; round < 50 && claimed.size() < CLAIMED; round++)
                    queue.claims().claim(Math.min(256, CLAIMED - claimed.size())).stream()
                            .map(QueuedCommand::id)
                            .forEach(claimed::add);
            }
            assertThat(claimed).hasSize(CLAIMED);
            QueueSql sql = new QueueSql(d.commandTable(), new QueueSql.Rules(Set.of(), 65536, 4 << 20, 5));
            return new Backlog(d, c, st, sql, d.commandTable().key(), claimed);
        }

        /** {@code statement} run with these SQL arguments on a custom and a generic plan (rolled back): the worse. */
        Measured worst(String statement, String args) throws Exception {
            st.execute("PREPARE measured AS " + ClaimFunction.numbered(statement, 1));
            c.setAutoCommit(false);
            try {
                Measured worst = new Measured(-1, List.of());
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    st.execute("SAVEPOINT explained");
                    st.execute("SET LOCAL plan_cache_mode = " + mode);
                    try (ResultSet rs =
                            st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE measured(" + args + ")")) {
                        rs.next();
                        com.fasterxml.jackson.databind.JsonNode plan = ClaimPlanTest.JSON
                                .readTree(rs.getString(1))
                                .get(0)
                                .get("Plan");
                        List<String> nodes = new ArrayList<>();
                        ClaimPlanTest.shape(plan, nodes);
                        long rows = ClaimPlanTest.rows(plan);
                        if (rows > worst.rows())
                            worst = new Measured(
                                    rows,
                                    nodes.stream()
                                            .map(RecoveryPlanTest::nodeType)
                                            .toList());
                    }
                    st.execute("ROLLBACK TO SAVEPOINT explained");
                }
                return worst;
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                st.execute("DEALLOCATE measured");
            }
        }

        @Override
        public void close() throws Exception {
            st.close();
            c.close();
            d.close();
        }
    }
}
