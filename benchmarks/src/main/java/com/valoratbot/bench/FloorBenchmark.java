package com.valoratbot.bench;

import com.valoratbot.supabase.ListenConnections;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What the server itself allows, with no queue logic around it: the floor a queue's pickup and
 * drain are compared with. On a scratch database of the same server as the other benchmarks:
 * <ul>
 *   <li><b>notify</b>: {@code pg_notify} committed (acknowledged to the sender) → the listener's
 *       driver hands it over; at a fixed rate. The listeners skip pgjdbc's trailing 1 ms wait as the
 *       worker's own listener does ({@code ListenConnections}): without that, every latency here
 *       read about 1.1 ms high, above what the worker itself saw on the same server.</li>
 *   <li><b>notify + claim</b>: a row inserted (its trigger notifies) → the listener, woken, has
 *       committed an {@code UPDATE … SKIP LOCKED LIMIT 1} that takes it; at a fixed rate.</li>
 *   <li><b>claim + complete, one commit per row</b>: N clients, each in a loop: claim one row and mark
 *       it done in one transaction; rows/s over a fixed time.</li>
 *   <li><b>claim + complete, 200 rows per statement</b>: one client claims 200 rows in one statement
 *       (committed), then completes them in one statement (committed); rows/s over a fixed time.</li>
 * </ul>
 *
 * <p>Usage: {@code benchmarks/run FloorBenchmark [--rate 200] [--jobs 1000] [--clients 1,4,16]
 * [--seconds 5] [--db URL] [--no-fsync]}
 */
public final class FloorBenchmark {

    public static void main(String[] args) throws Exception {
        BenchServer.Options o = BenchServer.Options.parse(args);
        int rate = o.intValue("--rate", 200);
        int jobs = o.intValue("--jobs", 1000);
        List<Integer> clients = o.ints("--clients", List.of(1, 4, 16));
        int seconds = o.intValue("--seconds", 5);
        try (BenchServer server = BenchServer.start(o)) {
            System.out.println(server.settingsJson());
            measure(server, rate, jobs, clients, seconds);
        }
    }

    /** The floor's figures: latencies in ms (p50, p99), throughputs in rows/s by number of clients. */
    record Figures(
            double notifyP50,
            double notifyP99,
            double notifyClaimP50,
            double notifyClaimP99,
            Map<Integer, Double> oneCommitPerRow,
            double batched) {}

    /** Measures the floor on a scratch database of {@code server}, printing one JSON line per figure. */
    static Figures measure(BenchServer server, int rate, int jobs, List<Integer> clients, int seconds)
            throws Exception {
        String db = server.scratch("bench_floor");
        try {
            try (Connection c = server.connect(db);
                    Statement s = c.createStatement()) {
                s.execute(
                        "CREATE TABLE q (id bigserial PRIMARY KEY, status text NOT NULL DEFAULT 'pending', payload jsonb NOT NULL DEFAULT '{}')");
                s.execute("CREATE INDEX q_pending ON q (id) WHERE status = 'pending'");
                s.execute(
                        "CREATE FUNCTION q_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('floor_q', NEW.id::text); RETURN NEW; END $$");
                s.execute("CREATE TRIGGER q_notify AFTER INSERT ON q FOR EACH ROW EXECUTE FUNCTION q_notify()");
            }
            double[] notify = latency(notify(server, db, rate, jobs));
            print("notify", notify, rate);
            double[] notifyClaim = latency(notifyClaim(server, db, rate, jobs));
            print("notify+claim", notifyClaim, rate);
            Map<Integer, Double> perRow = new TreeMap<>();
            for (int n : clients) {
                refill(server, db);
                double perS = oneCommitPerRow(server, db, n, seconds);
                perRow.put(n, perS);
                System.out.println(String.format(
                        Locale.ROOT,
                        "{\"floor\":\"claim+complete, one commit per row\",\"clients\":%d,\"rowsPerS\":%.0f,\"seconds\":%d}",
                        n,
                        perS,
                        seconds));
            }
            refill(server, db);
            double batched = batched(server, db, 200, seconds);
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"floor\":\"claim+complete, 200 rows per statement\",\"clients\":1,\"rowsPerS\":%.0f,\"seconds\":%d}",
                    batched,
                    seconds));
            return new Figures(
                    Timings.percentile(notify, 50),
                    Timings.percentile(notify, 99),
                    Timings.percentile(notifyClaim, 50),
                    Timings.percentile(notifyClaim, 99),
                    perRow,
                    batched);
        } finally {
            server.drop(db);
        }
    }

    private static void print(String what, double[] sorted, int rate) {
        System.out.println(String.format(
                Locale.ROOT,
                "{\"floor\":\"%s\",\"ratePerS\":%d,\"samples\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f}",
                what,
                rate,
                sorted.length,
                Timings.percentile(sorted, 50),
                Timings.percentile(sorted, 99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
    }

    private static double[] latency(List<Long> nanos) {
        return nanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    }

    /** pg_notify committed → notification received. */
    private static List<Long> notify(BenchServer server, String db, int rate, int jobs) throws Exception {
        Map<String, Long> received = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (Connection listen = server.connect(db)) {
            exec(listen, "LISTEN floor");
            ListenConnections.withoutTrailingWait(listen);
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    PGConnection pg = listen.unwrap(PGConnection.class);
                    while (!stop.get()) {
                        PGNotification[] ns = pg.getNotifications(200);
                        long now = System.nanoTime();
                        if (ns != null) for (PGNotification n : ns) received.putIfAbsent(n.getParameter(), now);
                    }
                } catch (SQLException e) {
                    if (!stop.get()) throw new IllegalStateException(e);
                }
            });
            long[] acked = new long[jobs];
            try (Connection send = server.connect(db);
                    PreparedStatement s = send.prepareStatement("SELECT pg_notify('floor', ?)")) {
                paced(rate, jobs, i -> {
                    s.setString(1, Integer.toString(i));
                    s.executeQuery().close();
                    acked[i] = System.nanoTime();
                });
            }
            return collect(received, acked, Integer::toString, stop, t);
        }
    }

    /** Row inserted (trigger notifies) → listener woken → one-row SKIP LOCKED claim committed. */
    private static List<Long> notifyClaim(BenchServer server, String db, int rate, int jobs) throws Exception {
        Map<String, Long> claimed = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (Connection listen = server.connect(db)) {
            exec(listen, "LISTEN floor_q");
            ListenConnections.withoutTrailingWait(listen);
            Thread t = Thread.ofPlatform().start(() -> {
                try (PreparedStatement claim = listen.prepareStatement(
                        "UPDATE q SET status = 'running' WHERE id = ("
                                + "SELECT id FROM q WHERE status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id")) {
                    PGConnection pg = listen.unwrap(PGConnection.class);
                    while (!stop.get()) {
                        PGNotification[] ns = pg.getNotifications(200);
                        if (ns == null || ns.length == 0) continue;
                        for (int k = 0; k < ns.length; k++) {
                            try (ResultSet rs = claim.executeQuery()) {
                                long now = System.nanoTime();
                                while (rs.next()) claimed.putIfAbsent(rs.getString(1), now);
                            }
                        }
                    }
                } catch (SQLException e) {
                    if (!stop.get()) throw new IllegalStateException(e);
                }
            });
            String[] ids = new String[jobs];
            long[] acked = new long[jobs];
            try (Connection send = server.connect(db);
                    PreparedStatement s = send.prepareStatement("INSERT INTO q DEFAULT VALUES RETURNING id")) {
                paced(rate, jobs, i -> {
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        ids[i] = rs.getString(1);
                    }
                    acked[i] = System.nanoTime();
                });
            }
            return collect(claimed, acked, i -> ids[i], stop, t);
        }
    }

    private static double oneCommitPerRow(BenchServer server, String db, int clients, int seconds) throws Exception {
        LongAdder rows = new LongAdder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int n = 0; n < clients; n++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (Connection c = server.connect(db);
                        PreparedStatement claim = c.prepareStatement(
                                "UPDATE q SET status = 'running' WHERE id = ("
                                        + "SELECT id FROM q WHERE status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id");
                        PreparedStatement done = c.prepareStatement("UPDATE q SET status = 'done' WHERE id = ?")) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < deadline) {
                        long id;
                        try (ResultSet rs = claim.executeQuery()) {
                            if (!rs.next()) break;
                            id = rs.getLong(1);
                        }
                        done.setLong(1, id);
                        done.executeUpdate();
                        c.commit();
                        rows.increment();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        return rows.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static double batched(BenchServer server, String db, int batch, int seconds) throws Exception {
        long rows = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        try (Connection c = server.connect(db);
                PreparedStatement claim = c.prepareStatement(
                        "WITH c AS (UPDATE q SET status = 'running' WHERE id IN ("
                                + "SELECT id FROM q WHERE status = 'pending' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING id) SELECT array_agg(id) FROM c");
                PreparedStatement done = c.prepareStatement("UPDATE q SET status = 'done' WHERE id = ANY(?)")) {
            c.setAutoCommit(true);
            while (System.nanoTime() < deadline) {
                Array ids;
                claim.setInt(1, batch);
                try (ResultSet rs = claim.executeQuery()) {
                    rs.next();
                    ids = rs.getArray(1);
                }
                if (ids == null) break;
                done.setArray(1, ids);
                rows += done.executeUpdate();
            }
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /** Empties the table and fills it with enough pending rows for any of the loops above. */
    private static void refill(BenchServer server, String db) throws SQLException {
        try (Connection c = server.connect(db);
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE q");
            s.execute("INSERT INTO q (status) SELECT 'pending' FROM generate_series(1, 300000)");
            s.execute("VACUUM ANALYZE q");
        }
    }

    interface Step {
        void run(int i) throws Exception;
    }

    private static void paced(int rate, int jobs, Step step) throws Exception {
        long gap = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            long due = start + i * gap;
            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) LockSupport.parkNanos(due - now);
            step.run(i);
        }
    }

    /**
     * Both latency probes end alike: wait until the listener has seen every job (30 s at most), stop
     * it, and pair each job's arrival (keyed {@code key.apply(i)}) with its send; lost jobs are left out.
     */
    private static List<Long> collect(
            Map<String, Long> seen, long[] acked, IntFunction<String> key, AtomicBoolean stop, Thread listener)
            throws InterruptedException {
        awaitAll(seen, acked.length);
        stop.set(true);
        listener.join(2000);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < acked.length; i++) {
            Long r = seen.get(key.apply(i));
            if (r != null) out.add(r - acked[i]);
        }
        return out;
    }

    private static void awaitAll(Map<String, Long> seen, int jobs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < jobs && System.nanoTime() < deadline) Thread.sleep(10);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
