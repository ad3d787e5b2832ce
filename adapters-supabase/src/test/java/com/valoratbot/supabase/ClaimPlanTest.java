package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claim's cost is bounded by what it takes, not by the backlog, the number of active guilds or
 * the statistics (issue 12). Measured with {@code EXPLAIN (ANALYZE, BUFFERS)} — blocks and rows
 * touched, never wall time — on a table whose statistics were taken while every job was done, then
 * a backlog inserted at once.
 *
 * <p>With {@code -Dclaim.plans=all} it runs the whole matrix (10, 200, 5,000, 20,000 and 50,000 active
 * guilds; idle, fresh and no statistics) and writes the plans to {@code target/claim-plans-postgresql-<major>.txt}
 * for docs/benchmarks.md. With {@code -Dclaim.db=postgres://user:password@host:port/database} it runs
 * on that server instead of the embedded one (issue 12: PostgreSQL 15, 16 and 17), each case in a
 * scratch database of its own named after that database ({@code <database>_claimplan_<n>}, dropped
 * after). The embedded server's version is the pom's {@code postgres-binaries.version} (zonky), which
 * {@code -Dpostgres-binaries.version=16.15.0} changes.
 *
 * <p>The claim runs in a PL/pgSQL function ({@link ClaimFunction}), whose statements may be kept as
 * generic plans after five calls: the claim is explained once more as a generic plan ({@code PREPARE},
 * {@code plan_cache_mode = force_generic_plan}, the parameters PL/pgSQL would pass), and that plan
 * must keep the same shape and cost bound.
 */
class ClaimPlanTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final int CLAIM = 256;
    static final ObjectMapper JSON = new ObjectMapper();

    enum Stats {
        IDLE,
        FRESH,
        NONE
    }

    record Cost(
            long blocks,
            long rows,
            List<String> shape,
            String text,
            long genericBlocks,
            List<String> genericShape,
            double ms,
            double genericMs) {}

    /** {@code -Dclaim.db}: another server for the matrix; empty: the embedded one. */
    static final String SERVER = System.getProperty("claim.db", "").strip();

    static final java.util.concurrent.atomic.AtomicInteger SCRATCH = new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void withStatisticsTakenWhileIdleAClaimTouchesAboutAsMuchAtTwentyThousandGuildsAsAtTwoHundred() throws Exception {
        Cost small = measure(200, Stats.IDLE);
        Cost large = measure(20_000, Stats.IDLE);

        assertThat(large.shape()).isEqualTo(small.shape());
        // The old claim walked every active guild: 100 times the guilds meant about 100 times the blocks.
        assertThat(large.blocks())
                .as("blocks at 20,000 guilds vs %d at 200", small.blocks())
                .isLessThan(small.blocks() * 2 + 500);
        assertThat(large.rows())
                .as("rows at 20,000 guilds vs %d at 200", small.rows())
                .isLessThan(small.rows() * 2 + 500);
    }

    @Test
    void thePlanHasTheSameShapeWithFreshIdleOrNoStatistics() throws Exception {
        Cost idle = measure(2_000, Stats.IDLE);
        Cost fresh = measure(2_000, Stats.FRESH);
        Cost none = measure(2_000, Stats.NONE);

        assertThat(fresh.shape()).isEqualTo(idle.shape());
        assertThat(none.shape()).isEqualTo(idle.shape());
        assertThat(List.of(fresh.blocks(), none.blocks()))
                .allSatisfy(b -> assertThat(b).isLessThan(idle.blocks() * 2 + 500));
    }

    @Test
    void theGenericPlanTheClaimsFunctionMayKeepHasOneShapeWhateverTheStatisticsAndCostsNoMoreThanACustomOne()
            throws Exception {
        Cost idle = measure(2_000, Stats.IDLE);
        Cost fresh = measure(2_000, Stats.FRESH);
        Cost none = measure(2_000, Stats.NONE);

        assertThat(fresh.genericShape()).isEqualTo(idle.genericShape());
        assertThat(none.genericShape()).isEqualTo(idle.genericShape());
        for (Cost c : List.of(idle, fresh, none)) {
            assertThat(c.genericBlocks())
                    .as("generic plan's blocks vs %d for the custom plan", c.blocks())
                    .isLessThan(c.blocks() * 2 + 500);
        }
        Cost large = measure(20_000, Stats.IDLE);
        assertThat(large.genericShape()).isEqualTo(idle.genericShape());
        assertThat(large.genericBlocks()).isLessThan(idle.genericBlocks() * 2 + 500);
    }

    @Test
    void allPlansForTheDocs() throws Exception {
        if (!"all".equals(System.getProperty("claim.plans"))) return;
        StringBuilder out = new StringBuilder();
        out.append("server: ")
                .append(SERVER.isEmpty() ? "embedded (zonky)" : SERVER.replaceFirst(":[^:@/]*@", ":***@"))
                .append(", PostgreSQL ")
                .append(serverVersion())
                .append('\n');
        for (int guilds : new int[] {10, 200, 5_000, 20_000, 50_000}) {
            for (Stats stats : Stats.values()) {
                Cost c = measure(guilds, stats);
                out.append("=== ")
                        .append(guilds)
                        .append(" active guilds, statistics ")
                        .append(stats)
                        .append(": ")
                        .append(c.blocks())
                        .append(" blocks, ")
                        .append(c.rows())
                        .append(" rows (generic plan: ")
                        .append(c.genericBlocks())
                        .append(" blocks); executed in ")
                        .append(String.format(
                                java.util.Locale.ROOT, "%.2f ms (generic plan: %.2f ms)", c.ms(), c.genericMs()))
                        .append(", lock and claim, timed by EXPLAIN ANALYZE\n")
                        .append(c.text())
                        .append('\n');
            }
        }
        // Named after the server's major version: the build runs this class on two servers (the
        // embedded one, then PostgreSQL 15), and one file for both kept only the last.
        String major = serverVersion().split("[.\\s]", 2)[0];
        Files.writeString(Path.of("target", "claim-plans-postgresql-" + major + ".txt"), out);
    }

    /**
     * A fresh database: 20,000 done commands, statistics as asked, one pending command in each of
     * {@code guilds} guilds, then one claim of {@value #CLAIM} explained (and rolled back).
     */
    /**
     * A backlog inserted by one statement shares one created_at (the transaction's time, the column's
     * default): a guild's head is then found by the id that follows created_at in the index. With the
     * index ending at created_at, each guild's head probe read and sorted its whole backlog (issue 12's
     * drain at 200 guilds: 500 rows a guild, 0.5 ms, for every guild of every claim).
     */
    @Test
    void aGuildsHeadIsFoundWithoutReadingItsBacklogWhenTheBacklogWasInsertedByOneStatement() throws Exception {
        Cost one = measure(200, Stats.IDLE, 1);
        Cost fifty = measure(200, Stats.IDLE, 50);

        assertThat(fifty.rows())
                .as("rows with 50 commands a guild, one created_at, vs %d with one:%n%s", one.rows(), fifty.text())
                .isLessThan(one.rows() * 2 + 500);
    }

    /**
     * A claim of several commands a guild answers each row it claims with what that id's earlier claims
     * left (attempts, whether one finished). Matched against every run the claim wrote, that was one
     * comparison per pair of claimed rows: 4,000 rows, 16 million comparisons, and the drain at 200
     * guilds fell to a third. Matched against the ids claimed before (nearly always none), it is linear.
     */
    @Test
    void aClaimOfSeveralCommandsAGuildTouchesRowsInProportionToTheCommandsItTakes() throws Exception {
        Cost one = measure(200, Stats.IDLE, 20, 1);
        Cost twenty = measure(200, Stats.IDLE, 20, 20);

        assertThat(twenty.rows())
                .as("rows claiming 20 commands a guild, vs %d claiming one:%n%s", one.rows(), twenty.text())
                .isLessThan(one.rows() * 40);
    }

    static Cost measure(int guilds, Stats stats) throws Exception {
        return measure(guilds, stats, 1);
    }

    static Cost measure(int guilds, Stats stats, int backlog) throws Exception {
        return measure(guilds, stats, backlog, 1);
    }

    /**
     * {@code backlog} pending commands a guild; more than one are inserted by one statement, with one
     * created_at. The claim takes up to {@code perGuild} commands of each guild it locks.
     */
    static Cost measure(int guilds, Stats stats, int backlog, int perGuild) throws Exception {
        String scratch = SERVER.isEmpty() ? null : scratchOnServer();
        DatabaseSettings settings = scratch == null ? db.newDatabase().build() : onServer(scratch);
        try (Database d = Database.open(settings);
                Connection c = d.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("ALTER TABLE commands SET (autovacuum_enabled = false)");
            st.execute("ALTER TABLE valoratbot.queue_guilds SET (autovacuum_enabled = false)");
            if (stats != Stats.NONE) {
                st.execute("""
                        INSERT INTO commands (guild_id, action, payload, status, result, created_at)
                        SELECT (100000000000000000 + g % 5000)::text, 'listTextChannels', '{}', 'done', '{"ok":true}',
                               now() - interval '1 day' + g * interval '1 ms'
                        FROM generate_series(1, 20000) g""");
            }
            if (stats == Stats.IDLE) st.execute("ANALYZE commands; ANALYZE valoratbot.queue_guilds");
            st.execute("""
                    INSERT INTO commands (guild_id, action, payload, created_at)
                    SELECT (200000000000000000 + g %% %d)::text, 'listTextChannels', '{}',
                           CASE WHEN %d > 1 THEN now() ELSE clock_timestamp() END
                    FROM generate_series(1, %d) g""".formatted(guilds, backlog, guilds * backlog));
            if (stats == Stats.FRESH) st.execute("ANALYZE commands; ANALYZE valoratbot.queue_guilds");

            QueueSql sql = new QueueSql(d.commandTable(), new QueueSql.Rules(Set.of(), 65536, 4 << 20, 5, perGuild));
            String key = d.commandTable().key();
            c.setAutoCommit(false);
            try {
                String lock = inline(sql.lockGuilds, key, CLAIM);
                List<String> ids = new ArrayList<>();
                List<String> ctids = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(lock)) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        ctids.add(rs.getString(2));
                    }
                }
                assertThat(ids).hasSize(Math.min(CLAIM, guilds));
                // Our own locks are not skipped: the explained lock reads the same rows again.
                // The function hides its plan: explain its body, with the function's planner settings.
                String body = inline("""
                        SELECT g.guild_id, g.ctid FROM valoratbot.queue_guilds g
                        WHERE g.command_table = ? AND g.ready_at < 'infinity'
                        ORDER BY g.ready_at, g.guild_id LIMIT ? FOR UPDATE SKIP LOCKED""", key, CLAIM);
                st.execute(
                        "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off");
                JsonNode lockPlan = explain(st, body);
                String lockText = explainText(st, body);
                // Sequential and bitmap scans stay off for the transaction, as lock_ready_guilds leaves them.
                st.execute("RESET enable_sort");
                String array = "ARRAY["
                        + String.join(",", ids.stream().map(i -> "'" + i + "'").toList()) + "]::text[]";
                String tids = "ARRAY["
                        + String.join(
                                ",", ctids.stream().map(i -> "'" + i + "'").toList()) + "]::tid[]";
                Object[] params = {new Raw(array), new Raw(tids), key, "planner", key, true};
                String claim = inline(sql.claim, params);
                st.execute("SAVEPOINT explained");
                // Run once first, rolled back: the timed run finds the backlog's hint bits set and the
                // catalogue cached, as every claim but a burst's first does.
                st.execute(claim);
                st.execute("ROLLBACK TO SAVEPOINT explained");
                JsonNode claimPlan = explain(st, claim);
                st.execute("ROLLBACK TO SAVEPOINT explained");
                String text = explainText(st, claim);
                // The same statement as a generic plan, as the claim's function may keep it.
                st.execute("PREPARE claim_generic AS " + ClaimFunction.numbered(sql.claim, 1));
                st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                String execute = "EXECUTE claim_generic(" + inline("?, ".repeat(params.length - 1) + "?", params) + ")";
                st.execute("SAVEPOINT generic");
                JsonNode genericPlan = explain(st, execute);
                st.execute("ROLLBACK TO SAVEPOINT generic");
                String genericText = explainText(st, execute);
                st.execute("DEALLOCATE claim_generic");
                List<String> genericShape = new ArrayList<>();
                shape(lockPlan.get("Plan"), genericShape);
                genericShape.add("|");
                shape(genericPlan.get("Plan"), genericShape);
                List<String> shape = new ArrayList<>();
                shape(lockPlan.get("Plan"), shape);
                shape.add("|");
                shape(claimPlan.get("Plan"), shape);
                return new Cost(
                        blocks(lockPlan) + blocks(claimPlan),
                        rows(lockPlan.get("Plan")) + rows(claimPlan.get("Plan")),
                        shape,
                        "lock guilds (lock_ready_guilds's query):\n" + lockText + "\nclaim:\n" + text
                                + "\nclaim, generic plan (the claim's function after five calls, if the server keeps it):\n"
                                + genericText,
                        blocks(lockPlan) + blocks(genericPlan),
                        genericShape,
                        lockPlan.path("Execution Time").asDouble()
                                + claimPlan.path("Execution Time").asDouble(),
                        lockPlan.path("Execution Time").asDouble()
                                + genericPlan.path("Execution Time").asDouble());
            } finally {
                c.rollback();
            }
        } finally {
            if (scratch != null) adminOnServer("DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
        }
    }

    /** The server's version, printed with the plans (the dumps of 15, 16 and 17 are compared). */
    static String serverVersion() throws Exception {
        if (!SERVER.isEmpty()) {
            String scratch = scratchOnServer();
            try (Connection c = java.sql.DriverManager.getConnection(
                            serverUrl(scratch), credentials()[0], credentials().length > 1 ? credentials()[1] : null);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW server_version")) {
                rs.next();
                return rs.getString(1);
            } finally {
                adminOnServer("DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
            }
        }
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A new scratch database on {@link #SERVER}, named after the database its URL names. */
    static String scratchOnServer() throws Exception {
        java.net.URI u = java.net.URI.create(SERVER);
        String base = u.getPath().replaceFirst("^/", "");
        String name = (base.isEmpty() || base.equals("postgres") ? "" : base.toLowerCase(java.util.Locale.ROOT) + "_")
                + "claimplan_" + SCRATCH.incrementAndGet();
        assertThat(name).matches("[a-z_][a-z0-9_]{0,62}");
        adminOnServer("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        adminOnServer("CREATE DATABASE " + name);
        return name;
    }

    static DatabaseSettings onServer(String database) {
        String[] user = credentials();
        DatabaseSettings.Builder b = DatabaseSettings.builder()
                .url(serverUrl(database))
                .user(user[0])
                .poolSize(3);
        if (user.length > 1) b.password(user[1]);
        return b.build();
    }

    static String serverUrl(String database) {
        java.net.URI u = java.net.URI.create(SERVER);
        return "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + "/" + database;
    }

    /** User, and password if any, from {@link #SERVER}. */
    static String[] credentials() {
        String info = java.net.URI.create(SERVER).getRawUserInfo();
        if (info == null) return new String[] {"postgres"};
        return java.util.Arrays.stream(info.split(":", 2))
                .map(ClaimPlanTest::decode)
                .toArray(String[]::new);
    }

    static void adminOnServer(String sql) throws SQLException {
        String[] user = credentials();
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", user[0]);
        if (user.length > 1) p.setProperty("password", user[1]);
        String admin = java.net.URI.create(SERVER).getPath().replaceFirst("^/", "");
        try (Connection c = java.sql.DriverManager.getConnection(serverUrl(admin.isEmpty() ? "postgres" : admin), p);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    record Raw(String sql) {}

    /** The statement with its parameters written in (EXPLAIN takes no parameters here). */
    static String inline(String sql, Object... params) {
        StringBuilder out = new StringBuilder();
        int p = 0;
        for (char ch : sql.toCharArray()) {
            if (ch != '?') {
                out.append(ch);
                continue;
            }
            Object v = params[p++];
            out.append(
                    switch (v) {
                        case Raw r -> r.sql();
                        case String s -> "'" + s.replace("'", "''") + "'";
                        default -> String.valueOf(v);
                    });
        }
        assertThat(p).isEqualTo(params.length);
        return out.toString();
    }

    static JsonNode explain(Statement st, String sql) throws SQLException, java.io.IOException {
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
            rs.next();
            return JSON.readTree(rs.getString(1)).get(0);
        }
    }

    static String explainText(Statement st, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql)) {
            while (rs.next()) out.append(rs.getString(1)).append('\n');
        }
        return out.toString();
    }

    /** Blocks touched by execution and planning (each node counts its children's too: proportional, not exact). */
    static long blocks(JsonNode explained) {
        long planning = explained.path("Planning").path("Shared Hit Blocks").asLong()
                + explained.path("Planning").path("Shared Read Blocks").asLong();
        return planning + nodeBlocks(explained.get("Plan"));
    }

    static long nodeBlocks(JsonNode node) {
        long own = node.path("Shared Hit Blocks").asLong()
                + node.path("Shared Read Blocks").asLong();
        long max = own;
        for (JsonNode child : node.path("Plans")) max = Math.max(max, nodeBlocks(child));
        // A parent's figure includes its children; a data-modifying CTE run after the main plan is a
        // separate subtree: take the largest of each subtree and add the siblings that are CTEs.
        long ctes = 0;
        for (JsonNode child : node.path("Plans")) {
            if (child.path("Subplan Name").asText("").startsWith("CTE")) ctes += nodeBlocks(child);
        }
        return Math.max(max, own + ctes);
    }

    static long rows(JsonNode node) {
        long n = node.path("Actual Rows").asLong()
                * Math.max(1, node.path("Actual Loops").asLong());
        for (JsonNode child : node.path("Plans")) n += rows(child);
        return n;
    }

    static void shape(JsonNode node, List<String> out) {
        String name = node.path("Node Type").asText();
        String index = node.path("Index Name").asText("");
        out.add(name + (index.isEmpty() ? "" : "(" + index + ")"));
        for (JsonNode child : node.path("Plans")) shape(child, out);
    }
}
