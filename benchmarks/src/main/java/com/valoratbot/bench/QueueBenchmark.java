package com.valoratbot.bench;

import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.core.port.ClaimCommands;
import com.valoratbot.core.port.CompleteCommands;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.core.run.Ports;
import com.valoratbot.library.QueueWorker;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.PostgresQueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Pickup latency (insert → processing), end-to-end latency (insert → done) and throughput of the
 * real worker on a real (embedded) PostgreSQL, against the contract's reference loop in the same
 * harness, with a Discord that answers at once. Prints one JSON line per measurement and a summary
 * with medians over the rounds and the ratios.
 *
 * <p>Usage: {@code benchmarks/run QueueBenchmark [rounds=3] [latencySamples=1000] [commands=20000] [guilds=200] [--db URL] [--no-fsync]}
 * (durable embedded server by default, see {@link BenchServer}). The worker runs in this JVM; {@link SideBySideBenchmark}
 * runs it in its own process beside the peers.
 */
public final class QueueBenchmark {

    public static void main(String[] args) throws Exception {
        BenchServer.Options options = BenchServer.Options.parse(args);
        int rounds = options.positional(0, 3);
        int samples = options.positional(1, 1000);
        int commands = options.positional(2, 20_000);
        int guilds = options.positional(3, 200);
        try (BenchServer server = BenchServer.start(options);
                Database db = Database.open(DatabaseSettings.builder()
                        .url(server.jdbcUrl(server.scratch("bench_queue")))
                        .poolSize(12)
                        .build())) {
            System.out.println(server.settingsJson());
            CommandHandler handler = CommandHandler.builder(
                            Ports.builder().channels(new InstantDiscord()).build())
                    .maxAge(Duration.ofHours(1))
                    .build();
            List<Figures> worker = new ArrayList<>();
            List<Figures> reference = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                worker.add(print("worker", round, runWorker(db, handler, samples, commands, guilds)));
                reference.add(print(
                        "guide-reference-loop",
                        round,
                        runReference(db, handler, Math.max(50, samples / 5), Math.max(500, commands / 10), guilds)));
            }
            Figures w = Figures.median(worker);
            Figures r = Figures.median(reference);
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"summary\":true,\"rounds\":%d,\"worker\":%s,\"reference\":%s,\"pickupP50Ratio\":%.1f,\"pickupP99Ratio\":%.1f,"
                            + "\"endToEndP50Ratio\":%.1f,\"throughputRatio\":%.1f,\"targets\":{\"pickupP50Ms\":10,\"pickupP99Ms\":50,"
                            + "\"throughputPerS\":2000,\"pickupP50Ratio\":30}}",
                    rounds,
                    w.json(),
                    r.json(),
                    r.pickupP50 / w.pickupP50,
                    r.pickupP99 / w.pickupP99,
                    r.endToEndP50 / w.endToEndP50,
                    w.throughput / r.throughput));
        }
    }

    static Figures runWorker(Database db, CommandHandler handler, int samples, int commands, int guilds)
            throws Exception {
        return runWorker(db, handler, samples, commands, guilds, QueueBenchmark::guild);
    }

    /**
     * The real worker on {@code db}; {@code guildIds} names the guild of the i-th latency command.
     * Joined by the library's {@link QueueWorker}, the claim and completion ports wrapped to time them.
     */
    static Figures runWorker(
            Database db,
            CommandHandler handler,
            int samples,
            int commands,
            int guilds,
            java.util.function.IntFunction<String> guildIds)
            throws Exception {
        clear(db.dataSource());
        Timings t = new Timings();
        try (PostgresQueue queue =
                PostgresQueue.builder(db).timing(QueueTiming.DEFAULT).build()) {
            ClaimCommands claims = timed(queue.claims(), t);
            CompleteCommands completions = list -> {
                long start = System.nanoTime();
                queue.completions().complete(list);
                t.completeCall(System.nanoTime() - start, list.size());
                list.forEach(c -> t.done(c.commandId()));
            };
            try (CommandWorker worker = QueueWorker.worker(queue, claims, completions, handler, QueueTiming.DEFAULT)
                    .build()
                    .start()) {
                return measure(db.dataSource(), t, samples, Duration.ofMillis(5), commands, guilds, guildIds);
            }
        }
    }

    private static Figures runReference(Database db, CommandHandler handler, int samples, int commands, int guilds)
            throws Exception {
        clear(db.dataSource());
        Timings t = new Timings();
        try (GuideReferenceLoop loop =
                new GuideReferenceLoop(db.dataSource(), db.settings().qualifiedTable(), handler, t)) {
            return measure(db.dataSource(), t, samples, Duration.ofMillis(20), commands, guilds, QueueBenchmark::guild);
        }
    }

    /** Paced single inserts for latency, then a burst of batched inserts for throughput. */
    private static Figures measure(
            DataSource ds,
            Timings t,
            int samples,
            Duration gap,
            int commands,
            int guilds,
            java.util.function.IntFunction<String> guildIds)
            throws Exception {
        t.expect(samples);
        try (Connection c = ds.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'listTextChannels', '{}'::jsonb) RETURNING id::text")) {
            c.setAutoCommit(true);
            for (int i = 0; i < samples; i++) {
                insert.setString(1, guildIds.apply(i % guilds));
                long sent = System.nanoTime();
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    t.inserted(rs.getString(1), sent);
                }
                Thread.sleep(gap);
            }
        }
        if (!t.awaitAll(120)) throw new IllegalStateException("latency phase did not finish");
        double[] pickup = t.pickupMillis();
        double[] endToEnd = t.endToEndMillis();

        if (commands == 0) {
            return new Figures(
                    Timings.percentile(pickup, 50),
                    Timings.percentile(pickup, 99),
                    Timings.percentile(endToEnd, 50),
                    Timings.percentile(endToEnd, 99),
                    Double.NaN);
        }
        t.clear();
        t.expect(commands);
        long start = System.nanoTime();
        try (Connection c = ds.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO commands (guild_id, action, payload) SELECT 'g' || (g % ?), 'listTextChannels', '{}'::jsonb "
                                + "FROM generate_series(?, ?) g RETURNING id::text")) {
            c.setAutoCommit(true);
            for (int from = 0; from < commands; from += 500) {
                insert.setInt(1, guilds);
                insert.setInt(2, from);
                insert.setInt(3, Math.min(commands, from + 500) - 1);
                long sent = System.nanoTime();
                try (ResultSet rs = insert.executeQuery()) {
                    while (rs.next()) t.inserted(rs.getString(1), sent);
                }
            }
        }
        if (!t.awaitAll(600)) throw new IllegalStateException("throughput phase did not finish");
        double seconds = (t.lastDone() - start) / 1e9;
        System.err.println("  calls during throughput phase: " + t.callStats());
        return new Figures(
                Timings.percentile(pickup, 50),
                Timings.percentile(pickup, 99),
                Timings.percentile(endToEnd, 50),
                Timings.percentile(endToEnd, 99),
                commands / seconds);
    }

    /** Guild ids as the dashboard stores them; the burst uses short synthetic ids, which the queue treats alike. */
    private static String guild(int i) {
        return Long.toString(1_200_000_000_000_000_000L + i);
    }

    private static ClaimCommands timed(ClaimCommands claims, Timings t) {
        return new ClaimCommands() {
            public List<QueuedCommand> claim(int max) {
                long start = System.nanoTime();
                List<QueuedCommand> rows = claims.claim(max);
                t.claimCall(System.nanoTime() - start, rows.size());
                rows.forEach(r -> t.pickedUp(r.id()));
                return rows;
            }

            public void heartbeat() {
                claims.heartbeat();
            }
        };
    }

    private static void clear(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE commands");
            s.execute("DELETE FROM valoratbot.claims");
        }
    }

    private static Figures print(String system, int round, Figures f) {
        System.out.println(String.format(
                Locale.ROOT,
                "{\"system\":\"%s\",\"round\":%d,%s",
                system,
                round,
                f.json().substring(1)));
        return f;
    }

    record Figures(double pickupP50, double pickupP99, double endToEndP50, double endToEndP99, double throughput) {

        String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"pickupP50Ms\":%.2f,\"pickupP99Ms\":%.2f,\"endToEndP50Ms\":%.2f,\"endToEndP99Ms\":%.2f,\"throughputPerS\":%.0f}",
                    pickupP50,
                    pickupP99,
                    endToEndP50,
                    endToEndP99,
                    throughput);
        }

        static Figures median(List<Figures> all) {
            return new Figures(
                    med(all.stream().mapToDouble(Figures::pickupP50).toArray()),
                    med(all.stream().mapToDouble(Figures::pickupP99).toArray()),
                    med(all.stream().mapToDouble(Figures::endToEndP50).toArray()),
                    med(all.stream().mapToDouble(Figures::endToEndP99).toArray()),
                    med(all.stream().mapToDouble(Figures::throughput).toArray()));
        }

        private static double med(double[] v) {
            Arrays.sort(v);
            return Timings.percentile(v, 50);
        }
    }
}
