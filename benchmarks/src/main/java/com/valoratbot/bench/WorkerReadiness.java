package com.valoratbot.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A worker process is ready when it has executed a command: that needs its database (migrated),
 * Discord (the gateway's READY) and its claim loop, whatever it logs.
 */
final class WorkerReadiness {

    private WorkerReadiness() {}

    /**
     * Waits for the worker's migrations to create the command table, inserts a
     * {@code listTextChannels} for {@code guildId}, and waits for it to finish.
     *
     * @return the command's final status and result
     * @throws IllegalStateException when the worker exits or {@code max} passes first
     */
    static String awaitCommandDone(BenchServer server, String database, Process worker, String guildId, Duration max)
            throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        String id = null;
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive())
                throw new IllegalStateException(
                        "the worker exited (code " + worker.exitValue() + ") before it was ready");
            try (Connection c = server.connect(database)) {
                if (id == null) id = insert(c, guildId);
                try (PreparedStatement s =
                        c.prepareStatement("SELECT status::text, result::text FROM commands WHERE id::text = ?")) {
                    s.setString(1, id);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()
                                && (rs.getString(1).equals("done")
                                        || rs.getString(1).equals("error"))) {
                            return rs.getString(1) + " " + rs.getString(2);
                        }
                    }
                }
            } catch (SQLException e) {
                // The table does not exist until the worker has migrated; try again.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the worker did not execute a command within " + max);
    }

    static String insert(Connection c, String guildId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'listTextChannels', '{}'::jsonb) RETURNING id::text")) {
            s.setString(1, guildId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
