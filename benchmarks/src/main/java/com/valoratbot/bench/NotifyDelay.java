package com.valoratbot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The floor under the pickup's first step, without the project: one connection runs {@code SELECT
 * pg_notify} at 200/s (autocommit), another in the same JVM LISTENs with pgjdbc's {@code
 * getNotifications(200)}; prints the p50/p90/p99 of notification arrival minus the sender's
 * acknowledgement. Session 6 measured 1.19-1.32 ms p50 on PostgreSQL 15 here, the same with the
 * listener in another JVM, busy-polling, on one CPU, or with {@code synchronous_commit} off; with
 * {@code --no-trailing-wait} (what the queue's listener does, {@code ListenConnections}) 0.065 ms.
 *
 * <p>Usage: {@code benchmarks/run NotifyDelay <jdbc url> [count] [--no-trailing-wait]}
 */
public final class NotifyDelay {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        ConcurrentHashMap<String, Long> arrived = new ConcurrentHashMap<>();
        try (Connection listen = DriverManager.getConnection(url);
                Connection send = DriverManager.getConnection(url)) {
            try (Statement s = listen.createStatement()) {
                s.execute("LISTEN valoratbot_notify_delay");
            }
            PGConnection pg = listen.unwrap(PGConnection.class);
            if (args.length > 2 && args[2].equals("--no-trailing-wait"))
                com.valoratbot.supabase.ListenConnections.withoutTrailingWait(listen);
            Thread listener = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        PGNotification[] got = pg.getNotifications(200);
                        long now = System.nanoTime();
                        if (got != null) for (PGNotification g : got) arrived.putIfAbsent(g.getParameter(), now);
                    }
                } catch (Exception e) {
                    // the connection closed at the end
                }
            });
            long[] acked = new long[n];
            try (PreparedStatement s = send.prepareStatement("SELECT pg_notify('valoratbot_notify_delay', ?)")) {
                long start = System.nanoTime() + 500_000_000L;
                for (int i = 0; i < n; i++) {
                    long due = start + i * 5_000_000L;
                    for (long now = System.nanoTime(); now < due; now = System.nanoTime())
                        LockSupport.parkNanos(due - now);
                    s.setString(1, Integer.toString(i));
                    s.execute();
                    acked[i] = System.nanoTime();
                }
            }
            Thread.sleep(500);
            listener.interrupt();
            double[] d = new double[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                Long t = arrived.get(Integer.toString(i));
                if (t != null) d[k++] = (t - acked[i]) / 1e6;
            }
            d = Arrays.copyOf(d, k);
            Arrays.sort(d);
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"notifyDelay\":{\"notifications\":%d,\"received\":%d,\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f}}",
                    n,
                    k,
                    Timings.percentile(d, 50),
                    Timings.percentile(d, 90),
                    Timings.percentile(d, 99)));
        }
    }
}
