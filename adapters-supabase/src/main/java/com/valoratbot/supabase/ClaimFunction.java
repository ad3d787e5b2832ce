package com.valoratbot.supabase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim as one round trip (issue 12's pickup): {@link QueueSql#lockGuilds} (or its sharded
 * twin) and {@link QueueSql#claim}, run by two server-side PL/pgSQL functions that one
 * {@code SELECT} in autocommit calls, so lock + claim + commit cost one round trip and one durable
 * commit instead of three round trips.
 *
 * <h2>Why this keeps the claim's guarantees</h2>
 * The two statements must stay two statements: the claim needs a snapshot taken after the guild
 * rows are locked, so that every insert that touched those rows before our lock is visible (see
 * {@link QueueSql}). A VOLATILE function takes a fresh snapshot at the start of each query it runs
 * (PostgreSQL, "Function Volatility Categories"), in READ COMMITTED as the worker's transactions
 * run; the claim runs in the inner function {@code ..._take}, whose one statement gets its own
 * snapshot after the lock statement of the outer function. The planner settings the lock function
 * leaves for the transaction (sequential and bitmap scans off) hold for the claim as they did when
 * the two statements were sent apart.
 *
 * <h2>Why it is generated, not a migration</h2>
 * The claim's text depends on the command table's shape and on the worker's rules (foreign actions,
 * payload limits), so the functions are built here from {@link QueueSql}'s own statement texts:
 * whatever edits those texts get flow in unchanged. Their parameter and result types are asked of
 * the server (a describe of the statement, no execution). The functions' names end with a hash of
 * their definition: two workers with different rules get different functions, the same rules share
 * one, and a changed text never meets a stale function of the same name. They are created once, under
 * an advisory lock (concurrent {@code CREATE FUNCTION}s of one name would fail).
 *
 * <h2>Plans</h2>
 * PL/pgSQL prepares each statement once per connection. Both functions set {@code plan_cache_mode =
 * force_generic_plan}: left to the plan cache's choice, the claim kept taking custom plans, so each
 * call planned its 12-CTE statement again (1.98 ms of server time per claim against 0.62 ms generic,
 * pickup p50 5.15 against 2.81 ms, issue 12's SideBySideBenchmark on an idle PostgreSQL 15). The
 * claim is written with {@code = ANY(ARRAY(...))} init plans and index probes so that no plan it can
 * get walks every guild, and ClaimPlanTest checks the generic plan's shape and cost under every
 * statistics case.
 *
 * <h2>Durability</h2>
 * Called with {@code durable = false}, the claim's commit does not wait for its WAL to reach the
 * disk ({@code synchronous_commit = off} for that one transaction): the handler starts one flush
 * earlier (about 0.2 ms on this project's benchmark disk, more when flushes queue). The queue asks
 * for it only when the runtime records start marks ({@link PostgresQueue#startMarks()}), because
 * then nothing the claim protects depends on the claim surviving a crash of the database:
 * <ul>
 *   <li>a non-idempotent command's first Discord call waits for its start mark, a durable commit
 *       made after the claim's; PostgreSQL's WAL is one sequence, so flushing the start mark
 *       flushes the claim before it. A claim lost with the server is therefore lost before any
 *       such side effect, and its start mark then finds no claim and the command does not run;
 *   <li>an idempotent command claimed again after a crash runs again, which is what idempotent
 *       means here (a takeover already does the same);
 *   <li>the outcome is written durably, and flushes the claim with it.
 * </ul>
 * What a crash of the database can lose is the claim itself: the row is {@code pending} again, its
 * guild in line, and the dashboard sees {@code processing} go back to {@code pending}. A worker
 * without start marks (an embedder's own {@code CommandWorker}) keeps durable claims.
 *
 * <p>A database role that may not create functions in the {@code valoratbot} schema keeps the
 * two-statement claim ({@link #install} returns empty and says why once).
 */
final class ClaimFunction {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimFunction.class);

    /** The parameters of the outer function before the claim's own (the lock's, and whether to commit durably). */
    static final int LOCK_PARAMETERS = 5;

    /**
     * {@code SELECT * FROM valoratbot.claim_<hash>(table, limit, shard total, shards, durable, claim's
     * parameters 3..n)}.
     */
    final String call;

    final String name;
    final String create;

    private ClaimFunction(String name, String create, String call) {
        this.name = name;
        this.create = create;
        this.call = call;
    }

    /**
     * The functions for these statements, with the claim's parameter types and result columns as
     * the server describes them.
     */
    static ClaimFunction generate(QueueSql sql, List<String> parameterTypes, List<Column> columns) {
        if (parameterTypes.size() < 2)
            throw new IllegalArgumentException("the claim takes the locked guilds and their row ids first");
        StringBuilder takeParams = new StringBuilder();
        for (int i = 0; i < parameterTypes.size(); i++) {
            if (i > 0) takeParams.append(", ");
            takeParams.append(parameterTypes.get(i));
        }
        StringBuilder resultColumns = new StringBuilder();
        for (Column c : columns) {
            if (!resultColumns.isEmpty()) resultColumns.append(", ");
            resultColumns.append(ident(c.name())).append(' ').append(c.type());
        }
        // The claim's own parameters after the two arrays, passed through from the outer function.
        StringBuilder outerParams = new StringBuilder();
        StringBuilder passOn = new StringBuilder("v_guilds, v_ctids");
        for (int i = 2; i < parameterTypes.size(); i++) {
            outerParams.append(", ").append(parameterTypes.get(i));
            passOn.append(", $").append(LOCK_PARAMETERS + i - 1);
        }
        java.util.function.BiFunction<String, String, String> definition = (fn, tag) -> """
                CREATE OR REPLACE FUNCTION %1$s_take(%2$s)
                RETURNS TABLE (%3$s)
                LANGUAGE plpgsql VOLATILE
                SET plan_cache_mode = force_generic_plan
                AS %11$s
                #variable_conflict use_column
                BEGIN
                    RETURN QUERY
                %4$s;
                END
                %11$s;
                REVOKE EXECUTE ON FUNCTION %1$s_take(%2$s) FROM PUBLIC;
                CREATE OR REPLACE FUNCTION %1$s(text, integer, integer, integer[], boolean%5$s)
                RETURNS TABLE (%3$s, locked_guilds integer)
                LANGUAGE plpgsql VOLATILE
                SET plan_cache_mode = force_generic_plan
                AS %11$s
                #variable_conflict use_column
                DECLARE
                    v_guilds %6$s;
                    v_ctids %7$s;
                BEGIN
                    -- Not durable: the commit does not wait for the WAL flush (see ClaimFunction, "Durability").
                    IF NOT $5 THEN
                        PERFORM set_config('synchronous_commit', 'off', true);
                    END IF;
                    IF $3 > 0 THEN
                        SELECT CAST(array_agg(l.guild_id) AS %6$s), CAST(array_agg(l.row_ctid) AS %7$s) INTO v_guilds, v_ctids
                        FROM (%8$s) AS l(guild_id, row_ctid);
                    ELSE
                        SELECT CAST(array_agg(l.guild_id) AS %6$s), CAST(array_agg(l.row_ctid) AS %7$s) INTO v_guilds, v_ctids
                        FROM (%9$s) AS l(guild_id, row_ctid);
                    END IF;
                    IF v_guilds IS NULL THEN
                        RETURN;
                    END IF;
                    -- A statement of its own (a new snapshot, after the locks above): see ClaimFunction.
                    RETURN QUERY SELECT t.*, cardinality(v_guilds) FROM %1$s_take(%10$s) t;
                END
                %11$s;
                REVOKE EXECUTE ON FUNCTION %1$s(text, integer, integer, integer[], boolean%5$s) FROM PUBLIC;
                """.formatted(
                        fn,
                        takeParams,
                        resultColumns,
                        numbered(sql.claim.strip(), 1),
                        outerParams,
                        parameterTypes.get(0),
                        parameterTypes.get(1),
                        numbered(sql.lockGuildsOnShards, 1),
                        numbered(sql.lockGuilds, 1),
                        passOn,
                        tag);
        // The dollar-quote tag is named after the definition's hash, never a fixed word: text in the
        // statements (a foreign action's or a table's name, from configuration) that contained a
        // fixed tag would end the body there, and the rest would run as SQL of its own (review
        // finding 5). Text that contains this tag is refused outright.
        // Name and tag go in by formatting, never by replacing text in the body (a name in the
        // statements could contain the placeholder); the hash is of the definition with fixed ones.
        String hash = hash(definition.apply("claim", "$claim$"));
        String name = QueueSql.SCHEMA + ".claim_" + hash;
        String tag = "$claim_" + hash + "$";
        if (sql.claim.contains(tag) || sql.lockGuilds.contains(tag) || sql.lockGuildsOnShards.contains(tag))
            throw new IllegalArgumentException("the claim's text contains its function's quote tag " + tag);
        String create = definition.apply(name, tag);
        StringBuilder call = new StringBuilder("SELECT * FROM ").append(name).append("(?, ?, ?, ?, ?");
        for (int i = 2; i < parameterTypes.size(); i++) call.append(", ?");
        return new ClaimFunction(name, create, call.append(')').toString());
    }

    record Column(String name, String type) {}

    /**
     * Describes the claim, then creates its functions unless they exist already. Empty when this
     * database role cannot (said once, at WARN): the caller keeps the two-statement claim.
     */
    static Optional<ClaimFunction> install(DataSource data, QueueSql sql) {
        try (Connection c = data.getConnection()) {
            ClaimFunction f = describe(c, sql);
            if (createOnce(c, "valoratbot claim function", f.create, f::installed))
                LOG.info("Created the one-round-trip claim {}", f.name);
            return Optional.of(f);
        } catch (SQLException | IllegalArgumentException e) {
            LOG.warn(
                    "cannot create the claim's function in {} ({}): claims take three round trips instead of one",
                    QueueSql.SCHEMA,
                    Database.safeMessage(e));
            return Optional.empty();
        }
    }

    /** Whether a generated function is there and this role may run it. */
    interface Installed {
        boolean in(Connection c) throws SQLException;
    }

    /**
     * Runs {@code create} unless {@code installed} says the function is there: under an advisory lock,
     * since concurrent {@code CREATE FUNCTION}s of one name fail. True when it created it.
     */
    static boolean createOnce(Connection c, String lockKey, String create, Installed installed) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                st.setString(1, lockKey);
                st.execute();
            }
            boolean created = !installed.in(c);
            if (created) {
                try (var st = c.createStatement()) {
                    st.execute(create);
                }
            }
            c.commit();
            return created;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Whether both functions exist: the outer one alone is not enough, a dropped {@code _take} made
     * every claim fail with 42883 while the outer one kept saying it was there (review finding 4).
     * The definition is {@code CREATE OR REPLACE}, so creating it again repairs either half. Both
     * are revoked from PUBLIC: a role that exists but may not execute them (another role created
     * them) makes {@link #install} fail over to the two-statement claim (replacing needs ownership).
     */
    boolean installed(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT coalesce(has_function_privilege(to_regproc(?), 'EXECUTE') AND has_function_privilege(to_regproc(?), 'EXECUTE'), false)")) {
            st.setString(1, name);
            st.setString(2, name + "_take");
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The functions for {@code sql}, with the claim's types as the server reads them (nothing runs). */
    static ClaimFunction describe(Connection c, QueueSql sql) throws SQLException {
        Shape shape = Shape.of(c, sql.claim);
        return generate(sql, shape.parameterTypes(), shape.columns());
    }

    /** A statement's parameter types and result columns as the server describes them (nothing runs). */
    record Shape(List<String> parameterTypes, List<Column> columns) {
        static Shape of(Connection c, String statement) throws SQLException {
            List<String> params = new ArrayList<>();
            List<Column> columns = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(statement)) {
                ParameterMetaData pm = st.getParameterMetaData();
                for (int i = 1; i <= pm.getParameterCount(); i++) params.add(typeName(pm.getParameterTypeName(i)));
                ResultSetMetaData rm = st.getMetaData();
                for (int i = 1; i <= rm.getColumnCount(); i++)
                    columns.add(new Column(rm.getColumnLabel(i), typeName(rm.getColumnTypeName(i))));
            }
            return new Shape(List.copyOf(params), List.copyOf(columns));
        }
    }

    /** The driver names array types by their catalogue name ({@code _text}); both spellings are valid SQL. */
    static String typeName(String driverName) {
        if (driverName == null || !driverName.matches("[A-Za-z_][A-Za-z0-9_ ]*"))
            throw new IllegalStateException("unexpected type name from the driver: " + driverName);
        return driverName.startsWith("_") ? ident(driverName.substring(1)) + "[]" : ident(driverName);
    }

    static String ident(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * The statement with its JDBC placeholders numbered {@code $from}, {@code $from+1}, ... in order;
     * a {@code ?} inside a string literal, a quoted name or a comment is left alone.
     */
    static String numbered(String statement, int from) {
        StringBuilder out = new StringBuilder(statement.length() + 16);
        int n = from;
        int i = 0;
        int len = statement.length();
        while (i < len) {
            char ch = statement.charAt(i);
            if (ch == '\'' || ch == '"') {
                int end = i + 1;
                while (end < len) {
                    if (statement.charAt(end) == ch) {
                        if (end + 1 < len && statement.charAt(end + 1) == ch) end += 2;
                        else break;
                    } else end++;
                }
                out.append(statement, i, Math.min(end + 1, len));
                i = end + 1;
            } else if (ch == '-' && i + 1 < len && statement.charAt(i + 1) == '-') {
                int end = statement.indexOf('\n', i);
                end = end < 0 ? len : end;
                out.append(statement, i, end);
                i = end;
            } else if (ch == '/' && i + 1 < len && statement.charAt(i + 1) == '*') {
                int end = statement.indexOf("*/", i + 2);
                end = end < 0 ? len : end + 2;
                out.append(statement, i, end);
                i = end;
            } else if (ch == '?') {
                out.append('$').append(n++);
                i++;
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
