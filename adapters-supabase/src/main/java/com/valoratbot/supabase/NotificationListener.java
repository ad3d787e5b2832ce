package com.valoratbot.supabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on one channel over a connection of its own (never a pooled one: LISTEN belongs to a
 * session). When that connection is lost it reconnects with backoff, logging the outage once and
 * the recovery once; {@code onListening} runs after each (re)connection, since notifications sent
 * while it was down are gone.
 */
public final class NotificationListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Without traffic for this long, a SELECT 1 checks the connection is not silently dead. */
    private static final Duration PROBE_AFTER = Duration.ofSeconds(20);

    private final Database db;
    private final String channel;
    private final Consumer<List<String>> onNotifications;
    private final Runnable onListening;
    private final String fallbackNote;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean listening;
    private volatile Connection connection;

    /**
     * @param fallbackNote what happens meanwhile, for the outage log line ("polling every 500 ms")
     */
    public NotificationListener(
            Database db,
            String channel,
            Consumer<List<String>> onNotifications,
            Runnable onListening,
            String fallbackNote) {
        if (!channel.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("channel: " + channel);
        this.db = db;
        this.channel = channel;
        this.onNotifications = onNotifications;
        this.onListening = onListening;
        this.fallbackNote = fallbackNote;
        this.thread = Thread.ofPlatform()
                .daemon()
                .name("valoratbot-listen-" + channel)
                .unstarted(this::run);
    }

    public NotificationListener start() {
        thread.start();
        return this;
    }

    /** True while LISTEN is in place; false before the first connection and during an outage. */
    public boolean listening() {
        return listening;
    }

    private void run() {
        int failures = 0;
        long lastTraffic = System.nanoTime();
        while (!closed) {
            try {
                if (connection == null) {
                    Connection c = db.newDedicatedConnection();
                    connection = c;
                    try (Statement s = c.createStatement()) {
                        s.execute("LISTEN " + channel);
                    }
                    ListenConnections.withoutTrailingWait(c);
                    listening = true;
                    lastTraffic = System.nanoTime();
                    if (failures > 0) LOG.info("LISTEN {} is back after {} failed attempt(s)", channel, failures);
                    else LOG.debug("LISTEN {} on a dedicated connection", channel);
                    failures = 0;
                    onListening.run();
                }
                PGNotification[] received =
                        connection.unwrap(PGConnection.class).getNotifications(500);
                if (received != null && received.length > 0) {
                    lastTraffic = System.nanoTime();
                    List<String> payloads = new ArrayList<>(received.length);
                    for (PGNotification n : received) payloads.add(n.getParameter());
                    onNotifications.accept(payloads);
                } else if (System.nanoTime() - lastTraffic > PROBE_AFTER.toNanos()) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("SELECT 1");
                    }
                    lastTraffic = System.nanoTime();
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) break;
                listening = false;
                closeConnection();
                failures++;
                if (failures == 1) {
                    LOG.warn(
                            "LISTEN {} unavailable ({}); {} until it is back",
                            channel,
                            Database.safeMessage(e),
                            fallbackNote);
                } else {
                    LOG.debug(
                            "LISTEN {} still unavailable (attempt {}): {}", channel, failures, Database.safeMessage(e));
                }
                if (!pause(backoff(failures))) break;
            }
        }
        listening = false;
        closeConnection();
    }

    private static Duration backoff(int failures) {
        long millis = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures - 1, 10));
        return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 4 + 1));
    }

    private boolean pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (!closed && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return !closed;
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c == null) return;
        // An embedder's DataSource may be a pool: the connection then goes back to it, and a
        // connection still listening would collect every later notification in pgjdbc's memory.
        try (java.sql.Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("UNLISTEN " + channel);
        } catch (SQLException | RuntimeException ignored) {
            // broken: the pool discards it
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
