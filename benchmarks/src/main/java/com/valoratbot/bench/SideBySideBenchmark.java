package com.valoratbot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The project's queue and its peers (graphile-worker, pg-boss) measured by one harness on one
 * PostgreSQL server: the same producer (this JVM, one JDBC connection), the same clock
 * ({@code CLOCK_MONOTONIC}, see {@link WorkerProcess}), no-op handlers, each worker in its own
 * process on its own scratch database, rounds interleaved (the order of systems rotates every round).
 *
 * <p>Per round and system:
 * <ul>
 *   <li><b>pickup</b>: jobs committed one at a time at a fixed rate over a few keys; a sample runs
 *       from the insert's commit (acknowledged to the producer) to the handler's start; p50/p99/max.</li>
 *   <li><b>drain</b>: a backlog committed in one statement, from its commit to the moment no job of
 *       it is unfinished (polled every 5 ms once every handler has started), at each key count, under
 *       two statistics scenarios: <i>fresh</i>, {@code ANALYZE} in the backlog's own transaction; and
 *       <i>steady</i>, {@code ANALYZE} after an earlier batch was finished (the statistics of a
 *       long-lived table, nearly all done) with autovacuum off on every table during the drain so
 *       they stay so. A drain that exceeds {@code --timeout} reports what it did in that time, and
 *       the system starts again on a new database.</li>
 *   <li><b>worker CPU per 1,000 jobs</b>: the worker process's CPU time (user + system, from the OS)
 *       over the round's phases, minus its idle rate measured for 3 s before them.</li>
 * </ul>
 * Prints JSON lines (settings first), then Markdown: the table of medians over the rounds; where the
 * time goes on PostgreSQL's side per job ({@link ServerCost}); and issue 12's targets, each with its
 * figure, against the floor ({@link FloorBenchmark}) measured on the same server before the rounds
 * ({@code --no-floor} skips it; {@code --floor-seconds} per throughput step, default 3).
 *
 * <p>Usage: {@code benchmarks/run SideBySideBenchmark [--peers] [--systems valoratbot,graphile-queue,…]
 * [--rounds 3] [--rate 200] [--keys 50] [--pickup-jobs 1000] [--drain-keys 200,20000] [--drain-jobs 20000]
 * [--timeout 60] [--no-floor] [--floor-seconds 3] [--db postgres://…] [--no-fsync]}
 */
public final class SideBySideBenchmark {

    public static void main(String[] args) throws Exception {
        BenchServer.Options o = BenchServer.Options.parse(args);
        int rounds = o.intValue("--rounds", 3);
        int rate = o.intValue("--rate", 200);
        int keys = o.intValue("--keys", 50);
        int pickupJobs = o.intValue("--pickup-jobs", 1000);
        List<Integer> drainKeys = o.ints("--drain-keys", List.of(200, 20_000));
        int drainJobs = o.intValue("--drain-jobs", 20_000);
        Duration timeout = Duration.ofSeconds(o.intValue("--timeout", 60));
        boolean peers = o.flag("--peers");
        boolean floor = !o.flag("--no-floor");
        int floorSeconds = o.intValue("--floor-seconds", 3);
        List<QueueSystem> systems = o.value("--systems")
                .map(v -> Arrays.stream(v.split(","))
                        .map(String::strip)
                        .map(QueueSystem::byId)
                        .toList())
                .orElse(peers ? QueueSystem.all() : List.of(new QueueSystem.ThisProject()));
        Path peersDir = systems.stream().anyMatch(s -> !(s instanceof QueueSystem.ThisProject)) ? installPeers() : null;
        QueueSystem.Launch launch =
                new QueueSystem.Launch(javaCommand(), System.getProperty("java.class.path"), peersDir);

        try (BenchServer server = BenchServer.start(o)) {
            System.out.println(server.settingsJson());
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"parameters\":{\"rounds\":%d,\"pickupRatePerS\":%d,\"pickupKeys\":%d,\"pickupJobs\":%d,\"drainKeys\":%s,\"drainJobs\":%d,\"drainTimeoutS\":%d,\"systems\":%s}}",
                    rounds,
                    rate,
                    keys,
                    pickupJobs,
                    drainKeys,
                    drainJobs,
                    timeout.toSeconds(),
                    systems.stream().map(s -> BenchServer.q(s.id())).toList()));
            // The floor first, on the same server: what the targets' "within 0.4 ms of the floor" is measured against.
            FloorBenchmark.Figures floorFigures =
                    floor ? FloorBenchmark.measure(server, rate, pickupJobs, List.of(1, 4, 16), floorSeconds) : null;
            Map<QueueSystem, List<RoundFigures>> results = new LinkedHashMap<>();
            systems.forEach(s -> results.put(s, new ArrayList<>()));
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < systems.size(); i++) {
                    QueueSystem system = systems.get((i + round - 1) % systems.size());
                    RoundFigures f = new Round(server, system, launch, round, timeout)
                            .run(rate, keys, pickupJobs, drainKeys, drainJobs);
                    results.get(system).add(f);
                    System.out.println(f.json(system, round));
                }
            }
            System.out.println();
            System.out.println(table(results, drainKeys, rounds));
            List<String> phases = new ArrayList<>();
            for (String scenario : List.of("fresh", "steady")) for (int k : drainKeys) phases.add(scenario + "@" + k);
            System.out.println(FloorAnalysis.whereTheTimeGoes(results, phases));
            systems.stream()
                    .filter(QueueSystem.ThisProject.class::isInstance)
                    .findFirst()
                    .ifPresent(project ->
                            System.out.println(FloorAnalysis.targets(results, project, phases, floorFigures)));
        }
    }

    /** One system in one round: its own scratch database and worker process (restarted after a timed-out drain). */
    private static final class Round {
        private final BenchServer server;
        private final QueueSystem system;
        private final QueueSystem.Launch launch;
        private final Duration timeout;
        private final String database;
        private WorkerProcess worker;
        private Duration cpuOfEarlierProcesses = Duration.ZERO;
        private Duration startupOfCurrent = Duration.ZERO;
        private double idleCpuPerSecond;
        private boolean timedOut;
        private ServerCost.Cost pickupCost = ServerCost.Cost.NONE;
        private double[] stagesP50;

        Round(BenchServer server, QueueSystem system, QueueSystem.Launch launch, int round, Duration timeout) {
            this.server = server;
            this.system = system;
            this.launch = launch;
            this.timeout = timeout;
            this.database = server.named("bench_" + system.id().replace('-', '_'));
        }

        RoundFigures run(int rate, int keys, int pickupJobs, List<Integer> drainKeys, int drainJobs) throws Exception {
            startWorker();
            try {
                Thread.sleep(1000); // start-up work (migrations, first polls) is not idle
                Duration idleStart = cpu();
                long idleNanos = System.nanoTime();
                Thread.sleep(3000);
                idleCpuPerSecond = (cpu().minus(idleStart).toNanos() / 1e9) / ((System.nanoTime() - idleNanos) / 1e9);

                Duration cpuStart = cpu();
                long wallStart = System.nanoTime();
                long jobs = 0;
                double[] pickup = pickup(rate, keys, pickupJobs);
                jobs += pickupJobs;
                Map<String, Drain> drains = new LinkedHashMap<>();
                for (int k : drainKeys) {
                    for (String scenario : List.of("fresh", "steady")) {
                        Drain d = drain(scenario, k, drainJobs);
                        drains.put(scenario + "@" + k, d);
                        jobs += d.done + d.historyJobs;
                    }
                }
                double wall = (System.nanoTime() - wallStart) / 1e9;
                double busyCpu = cpu().minus(cpuStart).toNanos() / 1e9 - idleCpuPerSecond * wall;
                return new RoundFigures(
                        Timings.percentile(pickup, 50),
                        Timings.percentile(pickup, 99),
                        pickup.length == 0 ? Double.NaN : pickup[pickup.length - 1],
                        pickup.length,
                        drains,
                        busyCpu * 1000.0 / jobs * 1000.0,
                        idleCpuPerSecond * 1000.0,
                        pickupCost,
                        stagesP50);
            } finally {
                worker.close();
                server.drop(database);
            }
        }

        private void startWorker() {
            server.scratch(database);
            try (Connection c = server.connect(database)) {
                ServerCost.prepare(c, database); // before the worker connects: its planning is counted
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            worker = system.start(server, database, launch);
        }

        private void restartWorker() throws InterruptedException {
            cpuOfEarlierProcesses = cpu();
            worker.close();
            startWorker();
            // A new process's start-up (JVM or Node, migrations) is not work on jobs: leave it out.
            Thread.sleep(1000);
            startupOfCurrent = worker.cpu();
        }

        private Duration cpu() {
            return cpuOfEarlierProcesses.plus(worker.cpu()).minus(startupOfCurrent);
        }

        /** One job every 1/rate s, on an absolute schedule (no drift), then the insert-commit → handler-start samples. */
        private double[] pickup(int rate, int keys, int jobs) throws Exception {
            worker.forget();
            long gap = 1_000_000_000L / rate;
            String[] ids = new String[jobs];
            long[] committed = new long[jobs];
            try (Connection c = server.connect(database)) {
                c.setAutoCommit(true);
                for (int i = 0; i < Math.min(20, jobs); i++)
                    system.insertOne(c, i % keys); // warms the statement and the worker
                awaitRemainingZero(c, Duration.ofSeconds(30));
                ServerCost cost = new ServerCost();
                cost.start(c);
                long start = System.nanoTime();
                for (int i = 0; i < jobs; i++) {
                    long due = start + i * gap;
                    for (long now = System.nanoTime(); now < due; now = System.nanoTime())
                        LockSupport.parkNanos(due - now);
                    ids[i] = system.insertOne(c, i % keys);
                    committed[i] = System.nanoTime();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline && Arrays.stream(ids).anyMatch(id -> worker.startOf(id) == null))
                    Thread.sleep(20);
                awaitRemainingZero(c, Duration.ofSeconds(30));
                pickupCost = cost.stop(c, system.id(), jobs, PRODUCER_STATEMENTS);
                System.out.println(pickupCost.json());
            }
            double[] samples = new double[jobs];
            int n = 0;
            for (int i = 0; i < jobs; i++) {
                Long s = worker.startOf(ids[i]);
                if (s != null) samples[n++] = (s - committed[i]) / 1e6;
            }
            if (n < jobs) System.err.println("  " + system.id() + ": " + (jobs - n) + " pickup jobs never started");
            String stages = stages(ids, committed);
            if (stages != null) System.out.println(stages);
            double[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            return sorted;
        }

        /**
         * Issue 12's floor analysis, measured: where the pickup's time goes inside the worker, from
         * {@link PickupStages}' stamps (null for a worker that writes none). Per command: insert
         * commit (as acknowledged to the producer) → its notification reaches the worker process
         * (the first within 2 ms before that ack and the next insert) → the worker's wait returns →
         * the claim call starts → the claim returns → the handler starts. Medians and p99 of each.
         */
        private String stages(String[] ids, long[] committed) {
            long[] notes = worker.notifications();
            long[] wakes = worker.wakeUps();
            if (notes.length == 0) return null;
            int jobs = ids.length;
            double[][] d = new double[5][jobs];
            int n = 0;
            long gap = committed.length > 1
                    ? (committed[committed.length - 1] - committed[0]) / (committed.length - 1)
                    : 0;
            for (int i = 0; i < jobs; i++) {
                long[] claim = worker.claimOf(ids[i]);
                Long start = worker.startOf(ids[i]);
                if (claim == null || start == null) continue;
                long note = firstAtOrAfter(notes, committed[i] - 2_000_000L);
                if (note == Long.MIN_VALUE || note > committed[i] + gap) continue;
                long wake = firstAtOrAfter(wakes, note);
                if (wake == Long.MIN_VALUE || wake > claim[0]) continue; // claimed after a wake of its own? then skip
                d[0][n] = (note - committed[i]) / 1e6;
                d[1][n] = (wake - note) / 1e6;
                d[2][n] = (claim[0] - wake) / 1e6;
                d[3][n] = (claim[1] - claim[0]) / 1e6;
                d[4][n] = (start - claim[1]) / 1e6;
                n++;
            }
            String[] names = {"commitToNotified", "notifiedToWoken", "wokenToClaimCall", "claimCall", "claimToHandler"};
            stagesP50 = new double[names.length];
            StringBuilder json = new StringBuilder(
                    String.format(Locale.ROOT, "{\"pickupStages\":%s,\"commands\":%d", BenchServer.q(system.id()), n));
            for (int k = 0; k < names.length; k++) {
                double[] x = Arrays.copyOf(d[k], n);
                Arrays.sort(x);
                stagesP50[k] = Timings.percentile(x, 50);
                json.append(String.format(
                        Locale.ROOT,
                        ",\"%s\":{\"p50\":%.3f,\"p99\":%.3f}",
                        names[k],
                        Timings.percentile(x, 50),
                        Timings.percentile(x, 99)));
            }
            return json.append('}').toString();
        }

        private static long firstAtOrAfter(long[] sorted, long t) {
            int i = Arrays.binarySearch(sorted, t);
            if (i < 0) i = -i - 1;
            else while (i > 0 && sorted[i - 1] == t) i--;
            return i < sorted.length ? sorted[i] : Long.MIN_VALUE;
        }

        private Drain drain(String scenario, int keys, int jobs) throws Exception {
            int history = 0;
            // The previous phase left work behind (it timed out): start again on a new database.
            if (timedOut || !finished()) restartWorker();
            timedOut = false;
            if (scenario.equals("steady")) {
                // A long-lived table: earlier jobs all finished when autovacuum last analysed it.
                history = Math.min(jobs, 2_000);
                try (Connection c = server.connect(database)) {
                    c.setAutoCommit(false);
                    system.insertBacklog(c, history, keys);
                    c.commit();
                }
                if (!finished()) restartWorker();
                try (Connection c = server.connect(database)) {
                    c.setAutoCommit(true);
                    exec(c, "ANALYZE");
                    autovacuum(c, false);
                }
            }
            try (Connection c = server.connect(database)) {
                long before = worker.handlerStarts();
                ServerCost cost = new ServerCost();
                cost.start(c);
                c.setAutoCommit(false);
                system.insertBacklog(c, jobs, keys);
                if (scenario.equals("fresh"))
                    exec(c, "ANALYZE"); // statistics that see the backlog, before anyone claims
                c.commit();
                long committed = System.nanoTime();
                c.setAutoCommit(true);
                long deadline = committed + timeout.toNanos();
                while (worker.handlerStarts() - before < jobs && System.nanoTime() < deadline && worker.alive())
                    Thread.sleep(5);
                long left = system.remaining(c);
                while (left > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                    left = system.remaining(c);
                }
                long end = System.nanoTime();
                ServerCost.Cost drainCost =
                        cost.stop(c, system.id() + " drain " + scenario + "@" + keys, jobs, PRODUCER_STATEMENTS);
                System.out.println(drainCost.json());
                if (scenario.equals("steady")) autovacuum(c, true);
                double seconds = (end - committed) / 1e9;
                long done = jobs - left;
                Drain d = new Drain(jobs, done, seconds, done / seconds, left > 0, history, drainCost);
                System.err.println(String.format(
                        Locale.ROOT,
                        "  %s drain %s@%d: %d/%d in %.2f s = %.0f /s%s",
                        system.id(),
                        scenario,
                        keys,
                        done,
                        jobs,
                        seconds,
                        d.perSecond,
                        d.timedOut ? " (timed out)" : ""));
                timedOut = d.timedOut;
                return d;
            }
        }

        /** Whether every job is finished, waiting at most the drain timeout. */
        private boolean finished() throws Exception {
            try (Connection c = server.connect(database)) {
                return awaitRemainingZero(c, timeout);
            }
        }

        private boolean awaitRemainingZero(Connection c, Duration max) throws Exception {
            long deadline = System.nanoTime() + max.toNanos();
            while (system.remaining(c) > 0) {
                if (System.nanoTime() > deadline) return false;
                Thread.sleep(10);
            }
            return true;
        }

        /** Turns autovacuum (and auto-analyze) off or back on for every ordinary table of the scratch database. */
        private static void autovacuum(Connection c, boolean on) throws SQLException {
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT format('%I.%I', n.nspname, r.relname) FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace "
                                    + "WHERE r.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables)
                exec(c, "ALTER TABLE " + t + (on ? " RESET (autovacuum_enabled)" : " SET (autovacuum_enabled = off)"));
        }
    }

    /** The harness's own statements, left out of the worker's in {@link ServerCost} (as pg_stat_statements shows them). */
    private static final List<String> PRODUCER_STATEMENTS = List.of(
            "INSERT INTO commands (guild_id, action, payload) VALUES",
            "INSERT INTO commands (guild_id, action, payload) SELECT",
            "ANALYZE",
            "SELECT j.id::text FROM graphile_worker.add_job",
            "SELECT count(*)");

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    record Drain(
            int jobs,
            long done,
            double seconds,
            double perSecond,
            boolean timedOut,
            int historyJobs,
            ServerCost.Cost cost) {
        String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"jobs\":%d,\"done\":%d,\"seconds\":%.3f,\"perS\":%.0f,\"timedOut\":%b}",
                    jobs,
                    done,
                    seconds,
                    perSecond,
                    timedOut);
        }
    }

    record RoundFigures(
            double pickupP50,
            double pickupP99,
            double pickupMax,
            int pickupSamples,
            Map<String, Drain> drains,
            double cpuMsPer1000,
            double idleCpuMsPerS,
            ServerCost.Cost pickupCost,
            double[] stagesP50) {
        String json(QueueSystem s, int round) {
            StringBuilder d = new StringBuilder();
            drains.forEach((k, v) -> d.append(d.isEmpty() ? "" : ",")
                    .append(BenchServer.q(k))
                    .append(':')
                    .append(v.json()));
            return String.format(
                    Locale.ROOT,
                    "{\"system\":%s,\"round\":%d,\"pickupP50Ms\":%.2f,\"pickupP99Ms\":%.2f,\"pickupMaxMs\":%.2f,"
                            + "\"pickupSamples\":%d,\"drain\":{%s},\"workerCpuMsPer1000\":%.1f,\"idleCpuMsPerS\":%.2f}",
                    BenchServer.q(s.id()),
                    round,
                    pickupP50,
                    pickupP99,
                    pickupMax,
                    pickupSamples,
                    d,
                    cpuMsPer1000,
                    idleCpuMsPerS);
        }
    }

    private static String table(Map<QueueSystem, List<RoundFigures>> results, List<Integer> drainKeys, int rounds) {
        StringBuilder b = new StringBuilder();
        String keysLabel = String.join(
                "; ",
                drainKeys.stream()
                        .map(k -> String.format(Locale.ROOT, "%,d", k))
                        .toList());
        b.append("Medians of ")
                .append(rounds)
                .append(" rounds. Drain in jobs/s at ")
                .append(keysLabel)
                .append(" keys; * = timed out (rate over the time allowed).\n\n");
        b.append(
                "| system | order kept | pickup p50 / p99 (max) | drain, fresh stats | drain, steady stats | worker CPU per 1,000 jobs |\n");
        b.append("|---|---|---|---|---|---|\n");
        results.forEach((s, rs) -> {
            if (rs.isEmpty()) return;
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.2f / %.1f ms (%.1f) | %s | %s | %.0f ms |\n",
                    s.label(),
                    s.order(),
                    median(rs.stream().mapToDouble(RoundFigures::pickupP50).toArray()),
                    median(rs.stream().mapToDouble(RoundFigures::pickupP99).toArray()),
                    median(rs.stream().mapToDouble(RoundFigures::pickupMax).toArray()),
                    drains(rs, "fresh", drainKeys),
                    drains(rs, "steady", drainKeys),
                    median(rs.stream().mapToDouble(RoundFigures::cpuMsPer1000).toArray())));
        });
        return b.toString();
    }

    private static String drains(List<RoundFigures> rs, String scenario, List<Integer> keys) {
        List<String> parts = new ArrayList<>();
        for (int k : keys) {
            String key = scenario + "@" + k;
            double m = median(rs.stream()
                    .mapToDouble(r -> r.drains().get(key).perSecond())
                    .toArray());
            boolean timedOut = rs.stream().anyMatch(r -> r.drains().get(key).timedOut());
            parts.add(String.format(Locale.ROOT, "%,.0f%s", m, timedOut ? "*" : ""));
        }
        return String.join("; ", parts) + " /s";
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The project's worker runs with the launcher's JVM flags (jvm.options), as deployed. */
    static List<String> javaCommand() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(WorkerMemoryBenchmark.launcherJvmFlags());
        command.add("--enable-native-access=ALL-UNNAMED");
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null) command.add("-Dlogback.configurationFile=" + logback);
        return command;
    }

    /** Runs benchmarks/peers/install.sh (npm, into a temporary directory) and returns where it installed. */
    static Path installPeers() throws Exception {
        Path home = Path.of(System.getProperty("valoratbot.home", "."));
        Process p = new ProcessBuilder(
                        home.resolve("benchmarks/peers/install.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IllegalStateException("installing the peers failed");
        Path dir = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
        if (!Files.exists(dir.resolve("node_modules/graphile-worker")))
            throw new IllegalStateException("peers not installed in " + dir);
        return dir;
    }
}
