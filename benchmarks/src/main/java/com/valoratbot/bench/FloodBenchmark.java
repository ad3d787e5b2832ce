package com.valoratbot.bench;

import com.valoratbot.standin.StandInMain;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Issue #9's flood: rows for 20,000 guilds the bot is not in, plus 2,000 rows for one real guild,
 * committed at once; then one command for another real guild. Measures how long that command takes
 * to complete (target ≤ 2 s). The worker is the deployed one ({@code WorkerApp} with the launcher's
 * JVM flags, in its own process) on real JDA against the stand-in (in another process, holding the
 * two real guilds), so the junk rows meet the real access checks and rate limits.
 *
 * <p>Per round: a new scratch database and worker; the worker is ready once it has executed a
 * command ({@link WorkerReadiness}). Then the flood in one statement, the probe right after its
 * commit, and the probe's status polled every 10 ms until it is finished or {@code --timeout}
 * passes. Also printed: how much of the flood was finished when the probe completed.
 *
 * <p>Usage: {@code benchmarks/run FloodBenchmark [--rounds 1] [--unknown 20000] [--flood-real 2000]
 * [--timeout 180] [--db URL] [--no-fsync]}
 */
public final class FloodBenchmark {

    private static final long GUILD_A = StandInMain.SYNTHETIC_GUILD_BASE;
    private static final long GUILD_B = StandInMain.SYNTHETIC_GUILD_BASE + 1_000;
    /** Valid snowflakes of guilds that exist nowhere. */
    private static final long UNKNOWN_BASE = 1_350_000_000_000_000_000L;

    public static void main(String[] args) throws Exception {
        BenchServer.Options o = BenchServer.Options.parse(args);
        int rounds = o.intValue("--rounds", 1);
        int unknown = o.intValue("--unknown", 20_000);
        int floodReal = o.intValue("--flood-real", 2_000);
        Duration timeout = Duration.ofSeconds(o.intValue("--timeout", 180));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process standIn = new ProcessBuilder(
                        javaBin,
                        "-Xmx512m",
                        "-cp",
                        classpath,
                        StandInMain.class.getName(),
                        "--port",
                        Integer.toString(port),
                        "--no-demo",
                        "--guilds",
                        "2",
                        "--channels",
                        "3")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BenchServer server = BenchServer.start(o)) {
            System.out.println(server.settingsJson());
            awaitPort(port, Duration.ofSeconds(60));
            List<Double> probes = new ArrayList<>();
            List<Boolean> met = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                String db = server.scratch("bench_flood");
                Process worker = WorkerMemoryBenchmark.workerApp(
                                javaBin, List.of(), classpath, port, server.libpqUrl(db))
                        .start();
                try {
                    WorkerMemoryBenchmark.drain(worker);
                    WorkerReadiness.awaitCommandDone(
                            server, db, worker, Long.toString(GUILD_B), Duration.ofSeconds(180));
                    Probe p = round(server, db, round, unknown, floodReal, timeout);
                    probes.add(p.seconds());
                    met.add(p.met());
                } finally {
                    worker.destroy();
                    if (!worker.waitFor(30, TimeUnit.SECONDS)) worker.destroyForcibly();
                    server.drop(db);
                }
            }
            double[] sorted =
                    probes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"summary\":true,\"rounds\":%d,\"probeMedianS\":%.3f,\"probeMaxS\":%.3f,\"targetS\":2,\"met\":%b}",
                    rounds,
                    SideBySideBenchmark.median(sorted),
                    sorted[sorted.length - 1],
                    !met.contains(false)));
        } finally {
            standIn.destroy();
            standIn.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The probe's seconds from its commit to its end (the timeout when it never ended); met when it ended {@code done} within 2 s. */
    record Probe(double seconds, boolean met) {}

    private static Probe round(BenchServer server, String db, int round, int unknown, int floodReal, Duration timeout)
            throws Exception {
        try (Connection c = server.connect(db)) {
            c.setAutoCommit(true);
            long floodStart = System.nanoTime();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO commands (guild_id, action, payload) "
                    + "SELECT (?::bigint + g)::text, 'listTextChannels', '{}'::jsonb FROM generate_series(1, ?) g "
                    + "UNION ALL SELECT ?, 'listTextChannels', '{}'::jsonb FROM generate_series(1, ?)")) {
                s.setLong(1, UNKNOWN_BASE);
                s.setInt(2, unknown);
                s.setString(3, Long.toString(GUILD_A));
                s.setInt(4, floodReal);
                s.executeUpdate();
            }
            double floodInsert = (System.nanoTime() - floodStart) / 1e9;
            String probe = WorkerReadiness.insert(c, Long.toString(GUILD_B));
            long committed = System.nanoTime();
            long deadline = committed + timeout.toNanos();
            String status = "pending";
            String result = null;
            try (PreparedStatement s =
                    c.prepareStatement("SELECT status::text, result::text FROM commands WHERE id::text = ?")) {
                s.setString(1, probe);
                while (System.nanoTime() < deadline) {
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        status = rs.getString(1);
                        result = rs.getString(2);
                    }
                    if (status.equals("done") || status.equals("error")) break;
                    Thread.sleep(10);
                }
            }
            double seconds = (System.nanoTime() - committed) / 1e9;
            String floodState;
            try (PreparedStatement s =
                            c.prepareStatement("SELECT coalesce(string_agg(status || '=' || n, ','), '') FROM "
                                    + "(SELECT status::text, count(*) n FROM commands GROUP BY 1 ORDER BY 1) x");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                floodState = rs.getString(1);
            }
            boolean finished = status.equals("done") || status.equals("error");
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"benchmark\":\"flood\",\"round\":%d,\"unknownGuildRows\":%d,\"realGuildRows\":%d,\"floodInsertS\":%.2f,"
                            + "\"probeSeconds\":%.3f,\"probeFinished\":%b,\"probeStatus\":%s,\"probeResult\":%s,\"tableAtProbeEnd\":%s,\"targetS\":2,\"met\":%b}",
                    round,
                    unknown,
                    floodReal,
                    floodInsert,
                    seconds,
                    finished,
                    BenchServer.q(status),
                    result == null ? "null" : BenchServer.q(result),
                    BenchServer.q(floodState),
                    status.equals("done") && seconds <= 2.0));
            return new Probe(seconds, status.equals("done") && seconds <= 2.0);
        }
    }

    private static void awaitPort(int port, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("the stand-in did not listen on " + port, e);
                Thread.sleep(100);
            }
        }
    }
}
