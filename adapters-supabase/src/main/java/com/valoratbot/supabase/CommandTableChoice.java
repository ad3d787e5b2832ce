package com.valoratbot.supabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which command table to use when none is configured. The dashboard's own setup creates
 * {@code public.command_queue}; this project's default is {@code public.commands}. With no
 * {@code VALORATBOT_TABLE}, the worker takes {@code command_queue} when it exists and {@code commands} does
 * not (the dashboard's database), otherwise {@code commands} (created by the migrations when missing), and
 * logs which it chose, so a worker pointed at the dashboard's database works without a setting.
 */
final class CommandTableChoice {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTableChoice.class);
    static final String DASHBOARD_TABLE = "command_queue";

    private CommandTableChoice() {}

    /** The settings with the table chosen; unchanged when a table was configured. */
    static DatabaseSettings resolve(DataSource dataSource, DatabaseSettings settings) {
        if (settings.tableConfigured()) return settings;
        String schema = settings.commandSchema();
        boolean dashboard = exists(dataSource, schema, DASHBOARD_TABLE);
        boolean ours = exists(dataSource, schema, DatabaseSettings.DEFAULT_TABLE);
        if (dashboard && !ours) {
            LOG.info(
                    "No VALORATBOT_TABLE: using {}.{}, the dashboard's table ({}.{} does not exist)",
                    schema,
                    DASHBOARD_TABLE,
                    schema,
                    DatabaseSettings.DEFAULT_TABLE);
            return settings.toBuilder().table(schema + "." + DASHBOARD_TABLE).build();
        }
        LOG.info(
                "No VALORATBOT_TABLE: using {}.{}{}",
                schema,
                DatabaseSettings.DEFAULT_TABLE,
                ours ? "" : " (created now; " + schema + "." + DASHBOARD_TABLE + " does not exist either)");
        return settings;
    }

    private static boolean exists(DataSource dataSource, String schema, String table) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT to_regclass(format('%I.%I', ?::text, ?::text)) IS NOT NULL")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot look for the command table " + schema + "." + table + ": " + e.getMessage(), e);
        }
    }
}
