package com.valoratbot.supabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the queue's statements, run inside a generated PL/pgSQL function whose planner settings no
 * statistics can overturn: sequential and bitmap scans off, one generic plan per connection. Every
 * step of such a statement is a probe by key per row it handles; what the planner may still choose
 * is the order of those probes, never a scan of a whole table.
 *
 * <h2>Why</h2>
 * A prepared statement keeps the generic plan it got at some early call. Made while a table was small
 * (a fresh install, an idle spell before a burst), a scan of the whole table with the batch as a
 * filter looks cheapest, and it stays the plan while the table grows: a completion of 561 outcomes
 * read every one of 17,508 remembered runs and compared each with every outcome (265 ms a call),
 * in a drain of 60,000 commands over 20,000 guilds (issue 12). Planner settings cannot be given to a
 * single statement; a function's {@code SET} clauses hold for every statement it runs.
 *
 * <p>The function is named after a hash of its definition, created once under an advisory lock, and
 * its absence (a role that may not create functions in the schema) leaves the plain statement, said
 * once at WARN, as {@link ClaimFunction} does for the claim.
 */
final class PinnedPlanFunction {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedPlanFunction.class);

    /** {@code SELECT * FROM valoratbot.<what>_<hash>(?, ...)}: the statement's parameters in order. */
    final String call;

    final String name;
    final String create;

    private PinnedPlanFunction(String name, String create, String call) {
        this.name = name;
        this.create = create;
        this.call = call;
    }

    /** The function running {@code statement} (JDBC placeholders), with these parameter types and result columns. */
    static PinnedPlanFunction generate(
            String what, String statement, List<String> parameterTypes, List<ClaimFunction.Column> columns) {
        if (!what.matches("[a-z_]+")) throw new IllegalArgumentException("not a plain name: " + what);
        String params = String.join(", ", parameterTypes);
        StringBuilder resultColumns = new StringBuilder();
        for (ClaimFunction.Column c : columns) {
            if (!resultColumns.isEmpty()) resultColumns.append(", ");
            resultColumns.append(ClaimFunction.ident(c.name())).append(' ').append(c.type());
        }
        java.util.function.BiFunction<String, String, String> definition = (fn, tag) ->
                """
                CREATE OR REPLACE FUNCTION %1$s(%2$s)
                RETURNS TABLE (%3$s)
                LANGUAGE plpgsql VOLATILE
                SET plan_cache_mode = force_generic_plan
                SET enable_seqscan = off
                SET enable_bitmapscan = off
                AS %5$s
                #variable_conflict use_column
                BEGIN
                    RETURN QUERY
                %4$s;
                END
                %5$s;
                REVOKE EXECUTE ON FUNCTION %1$s(%2$s) FROM PUBLIC;
                """.formatted(fn, params, resultColumns, ClaimFunction.numbered(statement.strip(), 1), tag);
        // Name and quote tag from the hash of the definition with fixed ones, as ClaimFunction does:
        // a statement containing the tag would end the body early, so it is refused.
        String hash = ClaimFunction.hash(definition.apply(what, "$pinned$"));
        String name = QueueSql.SCHEMA + "." + what + "_" + hash;
        String tag = "$" + what + "_" + hash + "$";
        if (statement.contains(tag))
            throw new IllegalArgumentException("the statement contains its function's quote tag " + tag);
        StringBuilder call = new StringBuilder("SELECT * FROM ").append(name).append('(');
        for (int i = 0; i < parameterTypes.size(); i++) call.append(i == 0 ? "?" : ", ?");
        return new PinnedPlanFunction(
                name, definition.apply(name, tag), call.append(')').toString());
    }

    /**
     * Describes {@code statement} on the server (nothing runs), then creates its function unless it
     * exists. Empty when this role cannot (said once, at WARN): the caller keeps the plain statement.
     */
    static Optional<PinnedPlanFunction> install(DataSource data, String what, String statement) {
        try (Connection c = data.getConnection()) {
            ClaimFunction.Shape shape = ClaimFunction.Shape.of(c, statement);
            PinnedPlanFunction f = generate(what, statement, shape.parameterTypes(), shape.columns());
            if (ClaimFunction.createOnce(c, "valoratbot pinned plan " + what, f.create, f::installed))
                LOG.info("Created {}, the {} with its planner settings fixed", f.name, what);
            return Optional.of(f);
        } catch (SQLException | IllegalArgumentException | IllegalStateException e) {
            LOG.warn(
                    "cannot create the {} function in {} ({}): it runs as a plain statement, on whatever plan the statistics give",
                    what,
                    QueueSql.SCHEMA,
                    Database.safeMessage(e));
            return Optional.empty();
        }
    }

    boolean installed(Connection c) throws SQLException {
        try (PreparedStatement st =
                c.prepareStatement("SELECT coalesce(has_function_privilege(to_regproc(?), 'EXECUTE'), false)")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
