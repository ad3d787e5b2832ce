package com.valoratbot.bench;

import com.valoratbot.standin.DiscordStandIn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11's benchmark: worker processes owning shards against a stand-in serving many guilds on
 * several shards, IDENTIFY paced as Discord does (one per 5 s, max_concurrency 1), on one
 * PostgreSQL. Two runs on the same stand-in and server, one after the other:
 *
 * <ol>
 *   <li><b>one shard</b>: one worker process holding shard 0 only ({@code VALORATBOT_SHARD_RANGE=0}), a
 *       shard's worth of guilds, commands over them: the baseline;</li>
 *   <li><b>sharded</b>: {@code workers} processes with {@code VALORATBOT_SHARDS=shards} and a capacity
 *       of {@code ceil(shards / (workers - 1))}, so all but one hold every shard and the last one is the
 *       spare that takes over a dead one's shards (the topology docs/scaling.md recommends). The spare
 *       starts once every shard is ready, so who holds what does not depend on a race.</li>
 * </ol>
 *
 * For each: time from the first process's start to every shard ready, RSS of each process after a settle, and pickup latency (a command's {@code
 * created_at} to its claim, {@code valoratbot.command_runs.claimed_at}) for {@code commands}
 * {@code listTextChannels} spread over random guilds at {@code rate} per second. The sharded run then
 * sends {@code messages} messages to random guilds and compares the activity counted with what was
 * sent, and finally kills one holding process with {@code kill -9} and measures, per shard it held,
 * the time from the kill until a command of that shard (inserted at the kill) is done.
 *
 * <p>Usage: {@code benchmarks/run ShardBenchmark [guilds=25000] [shards=10] [workers=3] [commands=1000]
 * [rate=50] [messages=5000] [--db URL] [--no-fsync]}. Prints one JSON line.
 */
public final class ShardBenchmark {

    private static final long OWNER = 1_150_000_000_000_000_001L;
    /** Guild ids (K + i) << 22: consecutive shard keys, so guilds spread evenly over the shards. */
    private static final long FIRST_KEY = 1_300_000_000_000_000_000L >>> 22;

    public static void main(String[] args) throws Exception {
        BenchServer.Options options = BenchServer.Options.parse(args);
        int guilds = options.positional(0, 25_000);
        int shards = options.positional(1, 10);
        int workers = options.positional(2, 3);
        int commands = options.positional(3, 1000);
        int rate = options.positional(4, 50);
        int messages = options.positional(5, 5000);
        if (workers < 2) throw new IllegalArgumentException("workers must be at least 2 (one is the spare)");
        int capacity = (shards + workers - 2) / (workers - 1);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = java.util.Arrays.stream(
                        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.endsWith("-tests.jar"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));

        System.err.printf(Locale.ROOT, "seeding %,d guilds on %d shards%n", guilds, shards);
        DiscordStandIn standIn = DiscordStandIn.builder()
                .botToken("shard-bench-token")
                .recommendedShards(shards)
                .maxConcurrency(1)
                .identifyRateLimit(Duration.ofSeconds(5))
                .build();
        for (int i = 0; i < guilds; i++) {
            long id = guild(i);
            standIn.state()
                    .createGuild(id, "Guild " + i, id + 999)
                    .member(OWNER, "talker", false)
                    .textChannel(id + 1, "general");
        }
        standIn.start();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("benchmark", "shards");
        out.put("guilds", guilds);
        out.put("shards", shards);
        out.put("workers", workers);
        out.put("capacity", capacity);
        out.put("commands", commands);
        out.put("ratePerSecond", rate);
        out.put("maxConcurrency", 1);
        out.put("shardLease", "10s (default), renewed every 1s");
        out.put("pickupRounds", ROUNDS);
        try (BenchServer server = BenchServer.start(options)) {
            out.put("database", server.toString());
            // 1. One shard: one process holding shard 0 (a shard's worth of guilds, 1/shards of them),
            // commands over that shard's guilds. (One unsharded session for all the guilds is not a
            // baseline: Discord refuses it past 2,500, and at 25,000 the worker's 256 MB heap does
            // not hold it: it stopped answering, heartbeat never renewed, in the first attempt.)
            String one = server.scratch("bench_shards_one");
            migrate(server, one);
            long t0 = System.nanoTime();
            // Kept running beside the sharded processes (its own database, the same stand-in), so the
            // two pickups are measured in interleaved rounds under the same machine load.
            Process single = start(
                    javaBin,
                    classpath,
                    standIn,
                    server.libpqUrl(one),
                    Map.of("VALORATBOT_SHARDS", Integer.toString(shards), "VALORATBOT_SHARD_RANGE", "0"));
            // 2. Sharded: workers - 1 holders, then the spare.
            String many = server.scratch("bench_shards_many");
            migrate(server, many);
            Map<String, String> env = Map.of(
                    "VALORATBOT_SHARDS", Integer.toString(shards),
                    "VALORATBOT_SHARD_CAPACITY", Integer.toString(capacity));
            List<Process> procs = new ArrayList<>();
            try {
                awaitReadyShards(server, one, 1, List.of(single), Duration.ofMinutes(10));
                out.put("oneShardReadySeconds", seconds(System.nanoTime() - t0));
                Thread.sleep(10_000);
                out.put("oneShardRssMb", rssMb(single.pid()));

                long t1 = System.nanoTime();
                for (int w = 0; w < workers - 1; w++)
                    procs.add(start(javaBin, classpath, standIn, server.libpqUrl(many), env));
                awaitReadyShards(server, many, shards, procs, Duration.ofMinutes(15));
                out.put("allShardsReadySeconds", seconds(System.nanoTime() - t1));
                procs.add(start(javaBin, classpath, standIn, server.libpqUrl(many), env));
                Thread.sleep(20_000);
                Map<Long, Integer> held = heldByPid(server, many);
                List<String> rss = new ArrayList<>();
                for (Process p : procs)
                    rss.add(String.format(
                            Locale.ROOT,
                            "{\"shards\":%d,\"rssMb\":%.1f}",
                            held.getOrDefault(p.pid(), 0),
                            rssMb(p.pid())));
                out.put("rssPerProcess", rss);
                out.put("connectionsSettled", connections(server, many, procs));

                // Pickup: ROUNDS rounds of commands / ROUNDS at the same rate, one shard and sharded
                // alternately (which goes first alternates too): the machine's load drifts, and both
                // see the same drift.
                List<String> oneIds = new ArrayList<>();
                List<String> manyIds = new ArrayList<>();
                List<String> rounds = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                Random random = new Random(7);
                int perRound = Math.max(1, commands / ROUNDS);
                for (int r = 0; r < ROUNDS; r++) {
                    Pickup a = null;
                    Pickup b = null;
                    for (int k = 0; k < 2; k++) {
                        boolean baseline = (k == 0) == (r % 2 == 0);
                        List<String> ids =
                                pickup(server, baseline ? one : many, guilds, shards, baseline, perRound, rate, random);
                        (baseline ? oneIds : manyIds).addAll(ids);
                        Pickup p = percentiles(server, baseline ? one : many, ids);
                        if (baseline) a = p;
                        else b = p;
                    }
                    rounds.add(String.format(
                            Locale.ROOT,
                            "{\"oneP50\":%d,\"oneP99\":%d,\"shardedP50\":%d,\"shardedP99\":%d}",
                            a.p50,
                            a.p99,
                            b.p50,
                            b.p99));
                    ratios.add(a.p50 == 0 ? Double.NaN : (double) b.p50 / a.p50);
                }
                out.put("pickupRoundsMs", rounds);
                Pickup pa = percentiles(server, one, oneIds);
                Pickup pb = percentiles(server, many, manyIds);
                out.put("oneShardPickupP50Ms", pa.p50);
                out.put("oneShardPickupP99Ms", pa.p99);
                out.put("shardedPickupP50Ms", pb.p50);
                out.put("shardedPickupP99Ms", pb.p99);
                ratios.sort(Double::compare);
                out.put("pickupP50RatioMedianOfRounds", Math.round(ratios.get(ratios.size() / 2) * 100) / 100.0);
                out.put("connectionsAfterPickup", connections(server, many, procs));

                // Activity: every message counted once.
                random = new Random(11);
                for (int m = 0; m < messages; m++) {
                    long g = guild(random.nextInt(guilds));
                    standIn.state().addMessage(g + 1, OWNER, "m" + m, Instant.now(), false);
                }
                long counted = 0;
                for (int i = 0; i < 60 && counted < messages; i++) {
                    Thread.sleep(1000);
                    counted = value(server, many, "SELECT coalesce(sum(messages), 0) FROM valoratbot.activity_daily");
                }
                Thread.sleep(10_000); // two flush intervals more: a double count would show now
                out.put("activitySent", messages);
                out.put(
                        "activityCounted",
                        value(server, many, "SELECT coalesce(sum(messages), 0) FROM valoratbot.activity_daily"));

                // kill -9 the first holder; a command per shard it held, inserted at the kill.
                Process victim = procs.getFirst();
                List<Integer> victimShards = shardsOf(server, many, victim.pid());
                victim.destroyForcibly(); // SIGKILL on Linux
                victim.waitFor(30, TimeUnit.SECONDS);
                Timestamp killedAt = new Timestamp(System.currentTimeMillis());
                List<String> probes = new ArrayList<>();
                try (Connection c = server.connect(many)) {
                    for (int s : victimShards)
                        probes.add(WorkerReadiness.insert(c, Long.toString(guildOnShard(s, shards))));
                }
                List<Long> takeoverMs = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (takeoverMs.size() < probes.size() && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                    takeoverMs.clear();
                    try (Connection c = server.connect(many);
                            PreparedStatement st = c.prepareStatement(
                                    "SELECT extract(epoch FROM (updated_at - ?)) * 1000 FROM commands"
                                            + " WHERE id::text = ANY (?) AND status = 'done'")) {
                        st.setTimestamp(1, killedAt);
                        st.setArray(2, c.createArrayOf("text", probes.toArray()));
                        try (ResultSet rs = st.executeQuery()) {
                            while (rs.next()) takeoverMs.add(Math.round(rs.getDouble(1)));
                        }
                    }
                }
                takeoverMs.sort(Long::compare);
                // Where the time went, per shard: taken by the spare (lease expiry + its next look),
                // then ready (IDENTIFY slot, READY, backend start), from the kill.
                List<String> phases = new ArrayList<>();
                try (Connection c = server.connect(many);
                        PreparedStatement st =
                                c.prepareStatement("SELECT shard_id, extract(epoch FROM (acquired_at - ?)) * 1000,"
                                        + " extract(epoch FROM (ready_at - ?)) * 1000 FROM valoratbot.shard_leases"
                                        + " WHERE shard_id = ANY (?) ORDER BY ready_at")) {
                    st.setTimestamp(1, killedAt);
                    st.setTimestamp(2, killedAt);
                    st.setArray(3, c.createArrayOf("integer", victimShards.toArray()));
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next())
                            phases.add(String.format(
                                    Locale.ROOT,
                                    "{\"shard\":%d,\"takenMs\":%d,\"readyMs\":%d}",
                                    rs.getInt(1),
                                    Math.round(rs.getDouble(2)),
                                    Math.round(rs.getDouble(3))));
                    }
                }
                out.put("takeoverPhases", phases);
                out.put("killedShards", victimShards.size());
                out.put("takeoverMs", takeoverMs);
                out.put("takeoverP50Ms", takeoverMs.isEmpty() ? null : takeoverMs.get((takeoverMs.size() - 1) / 2));
            } finally {
                for (Process p : procs) stop(p);
                stop(single);
            }
        } finally {
            standIn.close();
        }
        System.out.println(json(out));
    }

    private record Pickup(long p50, long p99) {}

    /** Pickup rounds per topology (one shard, sharded), interleaved. */
    private static final int ROUNDS = 6;

    /**
     * {@code n} listTextChannels at {@code rate}/s over random guilds (only shard 0's when {@code
     * shardZero}); returns their ids once all are done.
     */
    private static List<String> pickup(
            BenchServer server, String db, int guilds, int shards, boolean shardZero, int n, int rate, Random random)
            throws Exception {
        List<String> ids = new ArrayList<>();
        long start = System.nanoTime();
        try (Connection c = server.connect(db)) {
            for (int i = 0; i < n; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                int g = random.nextInt(guilds);
                while (shardZero && (guild(g) >>> 22) % shards != 0) g = random.nextInt(guilds);
                ids.add(WorkerReadiness.insert(c, Long.toString(guild(g))));
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                try (PreparedStatement st = c.prepareStatement(
                        "SELECT count(*) FROM commands WHERE id::text = ANY (?) AND status IN ('done', 'error')")) {
                    st.setArray(1, c.createArrayOf("text", ids.toArray()));
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == n) break;
                    }
                }
                Thread.sleep(200);
            }
        }
        return ids;
    }

    /** Pickup p50/p99 of {@code ids}: {@code created_at} to the claim. */
    private static Pickup percentiles(BenchServer server, String db, List<String> ids) throws SQLException {
        try (Connection c = server.connect(db)) {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)"
                            + " FROM (SELECT extract(epoch FROM (r.claimed_at - c.created_at)) * 1000 AS ms"
                            + " FROM commands c JOIN valoratbot.command_runs r ON r.command_id = c.id::text"
                            + " WHERE c.id::text = ANY (?)) x")) {
                st.setArray(1, c.createArrayOf("text", ids.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return new Pickup(Math.round(rs.getDouble(1)), Math.round(rs.getDouble(2)));
                }
            }
        }
    }

    private static Process start(
            String javaBin, String classpath, DiscordStandIn standIn, String databaseUrl, Map<String, String> extra)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBin));
        command.addAll(WorkerMemoryBenchmark.launcherJvmFlags());
        command.addAll(List.of("-cp", classpath, "com.valoratbot.worker.WorkerApp"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet()
                .removeIf(k -> k.startsWith("VALORATBOT_") || k.startsWith("DATABASE_") || k.startsWith("DISCORD_"));
        env.put("DISCORD_TOKEN", standIn.botToken());
        env.put("DISCORD_REST_URL", standIn.restBaseUrl());
        env.put("DISCORD_GATEWAY_URL", standIn.gatewayUrl());
        env.put("DATABASE_URL", databaseUrl);
        env.put("VALORATBOT_VOICE_MODE", "passthrough");
        env.put("VALORATBOT_GUILD_RATE", "100000");
        env.put("VALORATBOT_MAX_AGE", "600s");
        env.putAll(extra);
        Process p = pb.start();
        drain(p, "w" + p.pid());
        return p;
    }

    /** Migrates the scratch database once, before several workers start on it. */
    private static void migrate(BenchServer server, String db) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(server.jdbcUrl(db));
        com.valoratbot.migrations.ValoratbotMigrations.migrate(ds, "public", "commands");
    }

    private static void awaitReadyShards(BenchServer server, String db, int shards, List<Process> procs, Duration max)
            throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : procs)
                if (!p.isAlive()) throw new IllegalStateException("a worker exited with " + p.exitValue());
            if (value(
                            server,
                            db,
                            "SELECT count(*) FROM valoratbot.shard_leases WHERE ready_at IS NOT NULL"
                                    + " AND lease_expires_at > clock_timestamp()")
                    == shards) return;
            Thread.sleep(250);
        }
        throw new IllegalStateException("not every shard was ready within " + max);
    }

    /**
     * The database connections of each worker process on {@code db}, by kind (pg_stat_activity's
     * application_name: the main pool, LISTEN, the leases' pool), matched to the process through the
     * client port ({@code ss -tnp}, Linux).
     */
    private static List<String> connections(BenchServer server, String db, List<Process> procs) throws Exception {
        Map<Integer, Long> portToPid = new HashMap<>();
        Process ss = new ProcessBuilder("ss", "-tnpH").redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(ss.getInputStream()))) {
            String line;
            java.util.regex.Pattern pat =
                    java.util.regex.Pattern.compile("\\S+:(\\d+)\\s+\\S+:\\d+\\s+users:\\(\\(\"[^\"]*\",pid=(\\d+)");
            while ((line = in.readLine()) != null) {
                java.util.regex.Matcher m = pat.matcher(line);
                if (m.find()) portToPid.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
            }
        }
        ss.waitFor(10, TimeUnit.SECONDS);
        Map<Long, Map<String, Integer>> byPid = new java.util.TreeMap<>();
        try (Connection c = server.connect(db);
                PreparedStatement st = c.prepareStatement(
                        "SELECT client_port, application_name FROM pg_stat_activity WHERE datname = ?"
                                + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            st.setString(1, db);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Long pid = portToPid.get(rs.getInt(1));
                    String app = rs.getString(2);
                    String kind = app == null || app.isEmpty() || app.startsWith("PostgreSQL JDBC")
                            ? "pool"
                            : app.replace("valoratbot-", "");
                    byPid.computeIfAbsent(pid == null ? -1L : pid, k -> new java.util.TreeMap<>())
                            .merge(kind, 1, Integer::sum);
                }
            }
        }
        Map<Long, Integer> held = heldByPid(server, db);
        List<String> out = new ArrayList<>();
        for (Process p : procs) {
            Map<String, Integer> kinds = byPid.getOrDefault(p.pid(), Map.of());
            int total = kinds.values().stream().mapToInt(Integer::intValue).sum();
            out.add(String.format(
                    Locale.ROOT,
                    "{\"shards\":%d,\"total\":%d,\"byKind\":\"%s\"}",
                    held.getOrDefault(p.pid(), 0),
                    total,
                    kinds));
        }
        if (byPid.containsKey(-1L)) out.add("{\"unmatched\":\"" + byPid.get(-1L) + "\"}");
        return out;
    }

    private static Map<Long, Integer> heldByPid(BenchServer server, String db) throws SQLException {
        Map<Long, Integer> out = new HashMap<>();
        try (Connection c = server.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT owner_worker_id FROM valoratbot.shard_leases"
                        + " WHERE lease_expires_at > clock_timestamp()")) {
            while (rs.next()) out.merge(pidOf(rs.getString(1)), 1, Integer::sum);
        }
        return out;
    }

    private static List<Integer> shardsOf(BenchServer server, String db, long pid) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = server.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT shard_id, owner_worker_id FROM valoratbot.shard_leases"
                        + " WHERE lease_expires_at > clock_timestamp() ORDER BY shard_id")) {
            while (rs.next()) if (pidOf(rs.getString(2)) == pid) out.add(rs.getInt(1));
        }
        return out;
    }

    /** The owner id is host-pid-shards-random. */
    private static long pidOf(String owner) {
        String[] parts = owner.split("-shards-")[0].split("-");
        return Long.parseLong(parts[parts.length - 1]);
    }

    private static long value(BenchServer server, String db, String sql) throws SQLException {
        try (Connection c = server.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long guild(int i) {
        return (FIRST_KEY + i) << 22;
    }

    private static long guildOnShard(int shard, int total) {
        for (int i = 0; ; i++) if ((guild(i) >>> 22) % total == shard) return guild(i);
    }

    private static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
        return -1;
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) return;
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private static void drain(Process p, String name) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("ERROR") || line.contains("Shard ") || line.contains("Exception"))
                        System.err.println("  [" + name + "] " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e8) / 10.0;
    }

    private static String json(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (b.length() > 1) b.append(',');
            b.append('"').append(k).append("\":");
            if (v instanceof String s && !s.startsWith("{"))
                b.append('"').append(s.replace("\"", "'")).append('"');
            else if (v instanceof List<?> l)
                b.append(l.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(",", "[", "]")));
            else b.append(v);
        });
        return b.append('}').toString();
    }
}
