package com.valoratbot.bench;

import com.valoratbot.core.port.AwaitCommands;
import com.valoratbot.core.port.ClaimCommands;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.supabase.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Where a pickup's time goes inside the project's worker process (issue 12's floor analysis): stamps
 * on the monotonic clock the benchmark shares, written to the worker's protocol as lines
 * <ul>
 *   <li>{@code n <nanos>}: a notification on the commands' channel reached a LISTEN connection of
 *       this process (its own, beside the queue's, so the queue's listener is not touched);
 *   <li>{@code w <nanos>}: the worker's wait for commands returned (a notification, a poll, or a
 *       free guild);
 *   <li>{@code c <claim start> <claim end> <command id>}: the claim call that returned that command.
 * </ul>
 * The wrappers add a clock read and a buffered line per call, nothing the queue waits on.
 */
final class PickupStages {

    private final Consumer<String> out;

    PickupStages(Consumer<String> out) {
        this.out = out;
    }

    ClaimCommands claims(ClaimCommands claims) {
        return new ClaimCommands() {
            @Override
            public List<QueuedCommand> claim(int max) {
                long start = System.nanoTime();
                List<QueuedCommand> got = claims.claim(max);
                long end = System.nanoTime();
                for (QueuedCommand q : got) out.accept("c " + start + " " + end + " " + q.id() + "\n");
                return got;
            }

            @Override
            public void heartbeat() {
                claims.heartbeat();
            }

            @Override
            public Set<String> foreignActions() {
                return claims.foreignActions();
            }
        };
    }

    AwaitCommands awaits(AwaitCommands awaits) {
        return new AwaitCommands() {
            @Override
            public void await(Duration max) throws InterruptedException {
                awaits.await(max);
                out.accept("w " + System.nanoTime() + "\n");
            }

            @Override
            public void wakeUp() {
                awaits.wakeUp();
            }
        };
    }

    /** A LISTEN connection of its own that stamps each notification's arrival. */
    Listener listen(Database db) throws SQLException {
        return new Listener(db.dataSource().getConnection());
    }

    final class Listener implements AutoCloseable {
        private final Connection connection;
        private final Thread thread;
        private volatile boolean closed;

        private Listener(Connection connection) throws SQLException {
            this.connection = connection;
            try (Statement s = connection.createStatement()) {
                s.execute("LISTEN valoratbot_commands");
            }
            // As the queue's own listener: stamps when the notification arrives, not 1 ms after.
            com.valoratbot.supabase.ListenConnections.withoutTrailingWait(connection);
            thread = Thread.ofPlatform().daemon().name("pickup-stages-listen").start(this::run);
        }

        private void run() {
            try {
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(200);
                    long now = System.nanoTime();
                    if (got != null) for (int i = 0; i < got.length; i++) out.accept("n " + now + "\n");
                }
            } catch (SQLException e) {
                if (!closed) System.err.println("pickup stages: listener stopped: " + e.getMessage());
            }
        }

        @Override
        public void close() throws Exception {
            closed = true;
            thread.join(1000);
            connection.close();
        }
    }
}
