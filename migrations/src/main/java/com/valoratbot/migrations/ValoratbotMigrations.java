package com.valoratbot.migrations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs the project's Flyway migrations ({@code classpath:db/valoratbot}).
 *
 * <p>The project's own tables and Flyway's history table live in the schema {@value #SCHEMA}. The
 * command table is named by placeholders, and the repeatable migration that creates and equips it
 * is re-applied whenever those names change. No migration drops or rewrites the command table or
 * its rows.
 */
public final class ValoratbotMigrations {

    /** The project's own schema. */
    public static final String SCHEMA = "valoratbot";

    public static final String LOCATION = "classpath:db/valoratbot";
    public static final String HISTORY_TABLE = "flyway_schema_history";

    /** The triggers R__20 puts on the command table; without them its rows are never claimed. */
    public static final List<String> COMMAND_TABLE_TRIGGERS =
            List.of("valoratbot_notify_inserted", "valoratbot_notify_requeued", "valoratbot_notify_finished");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private ValoratbotMigrations() {}

    /**
     * Migrates the project's schema and makes sure the command table exists with its index and
     * notification triggers.
     *
     * @return how many migrations were applied (0 when everything was up to date)
     */
    public static int migrate(DataSource dataSource, String commandSchema, String commandTable) {
        MigrateResult result = flyway(dataSource, commandSchema, commandTable).migrate();
        return result.migrationsExecuted;
    }

    /** The configured Flyway, for callers that want {@code info()} or {@code validate()}. */
    public static Flyway flyway(DataSource dataSource, String commandSchema, String commandTable) {
        Objects.requireNonNull(dataSource, "dataSource");
        requireIdentifier("command schema", commandSchema);
        requireIdentifier("command table", commandTable);
        return Flyway.configure(ValoratbotMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .createSchemas(true)
                .table(HISTORY_TABLE)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .placeholders(Map.of(
                        "valoratbot_schema", SCHEMA,
                        "command_schema", commandSchema,
                        "command_table", commandTable,
                        "command_index", indexName(commandTable),
                        "command_table_repair", repairMark(dataSource, commandSchema, commandTable)))
                .load();
    }

    /**
     * Empty, unless the command table exists without all of the repeatable migration's triggers:
     * then a mark naming the table's oid. A repeatable migration runs again only when its checksum
     * (taken after placeholder replacement) changes, so without this a table dropped and created
     * again under a deployment (the dashboard's own migrations, a restore) would never get its
     * triggers back, and its rows would never be claimed or answered.
     */
    static String repairMark(DataSource dataSource, String commandSchema, String commandTable) {
        String sql = """
                SELECT c.oid::text FROM pg_class c
                WHERE c.oid = to_regclass(format('%I.%I', CAST(? AS text), CAST(? AS text)))
                  AND (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = ANY (CAST(? AS text[]))) < ?
                """;
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, commandSchema);
            st.setString(2, commandTable);
            st.setArray(3, c.createArrayOf("text", COMMAND_TABLE_TRIGGERS.toArray()));
            st.setInt(4, COMMAND_TABLE_TRIGGERS.size());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? "re-equips table oid " + rs.getString(1) : "";
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not inspect the command table " + commandSchema + "." + commandTable, e);
        }
    }

    /** The name of the claim index the migration creates (at most 63 characters, Postgres' limit). */
    public static String indexName(String commandTable) {
        String suffix = "_valoratbot_active_idx";
        String base = commandTable.length() + suffix.length() > 63
                ? commandTable.substring(0, 63 - suffix.length())
                : commandTable;
        return base + suffix;
    }

    private static void requireIdentifier(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    what + " must be a plain SQL identifier (letters, digits, _; at most 63), was '" + name + "'");
        }
    }
}
