package com.valoratbot.bench;

import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.run.CommandHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The contract's reference loop, faithfully: select every pending row, then for each one mark it
 * processing, run it and write the result, one statement at a time; sleep a second; repeat.
 * It runs the same {@link CommandHandler} as the real worker so only the queueing differs.
 */
final class GuideReferenceLoop implements AutoCloseable {

    private final DataSource db;
    private final String table;
    private final CommandHandler handler;
    private final Timings timings;
    private volatile boolean running = true;
    private final Thread thread;

    GuideReferenceLoop(DataSource db, String table, CommandHandler handler, Timings timings) {
        this.db = db;
        this.table = table;
        this.handler = handler;
        this.timings = timings;
        this.thread = Thread.ofPlatform().name("guide-reference-loop").start(this::loop);
    }

    private void loop() {
        while (running) {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(true);
                for (Row row : pending(c)) {
                    try (PreparedStatement processing =
                            c.prepareStatement("UPDATE " + table + " SET status = 'processing' WHERE id::text = ?")) {
                        processing.setString(1, row.id());
                        processing.executeUpdate();
                    }
                    timings.pickedUp(row.id());
                    Completion outcome = handler.handle(new QueuedCommand(
                            row.id(), row.guildId(), row.action(), row.payload(), Optional.empty(), Duration.ZERO));
                    try (PreparedStatement done = c.prepareStatement(
                            "UPDATE " + table + " SET status = ?, result = ?::jsonb WHERE id::text = ?")) {
                        done.setString(1, outcome.ok() ? "done" : "error");
                        done.setString(2, outcome.resultJson());
                        done.setString(3, row.id());
                        done.executeUpdate();
                    }
                    timings.done(row.id());
                }
            } catch (SQLException e) {
                if (running) throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private List<Row> pending(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id::text, guild_id, action, payload::text FROM "
                        + table + " WHERE status = 'pending'");
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
        return rows;
    }

    private record Row(String id, String guildId, String action, String payload) {}

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
