package com.valoratbot.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's memory with one shard's worth of guilds: a stand-in process holding N guilds of M
 * channels, and a worker process (the real launcher's main class and JVM flags) connected to it.
 * Once READY and settled, it forces a GC in the worker and reads the heap in use and the
 * process's resident set. Target: RSS ≤ 300 MB for 2,500 × 30.
 *
 * <p>The worker is ready when it has executed a command: the benchmark inserts a
 * {@code listTextChannels} for one of the stand-in's guilds into the worker's database (a
 * PostgreSQL the benchmark starts, not counted) and waits for it to be {@code done}, which needs
 * the database, the gateway's READY and the claim loop. It does not wait for a log line: which
 * lines a process prints depends on the logging configuration found on its classpath (a test
 * configuration at WARN once hid the line this benchmark waited for, and it hung). The worker's
 * classpath leaves out test jars, so it logs as deployed.
 *
 * <p>Usage: {@code benchmarks/run WorkerMemoryBenchmark [guilds=2500] [channels=30] [settleSeconds=15] ["extra JVM flags"] [--db URL]}
 */
public final class WorkerMemoryBenchmark {

    /**
     * The worker's launcher ({@code WorkerApp}) against the stand-in on {@code port} and the database
     * at {@code databaseUrl}, with the launcher's JVM flags plus {@code extraFlags}: the flood
     * benchmark starts its worker the same way, so both measure the same process.
     */
    static ProcessBuilder workerApp(
            String javaBin, List<String> extraFlags, String classpath, int port, String databaseUrl)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBin));
        command.addAll(launcherJvmFlags());
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", classpath, "com.valoratbot.worker.WorkerApp"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DISCORD_TOKEN", "stand-in-token");
        pb.environment().put("DISCORD_REST_URL", "http://127.0.0.1:" + port + "/api/v10/");
        pb.environment().put("DISCORD_GATEWAY_URL", "ws://127.0.0.1:" + port + "/gateway");
        pb.environment().put("DATABASE_URL", databaseUrl);
        return pb;
    }

    /** The JVM flags the ./valoratbot launcher uses (jvm.options), so the figure is what a deployment sees. */
    static List<String> launcherJvmFlags() throws IOException {
        Path options = Path.of(System.getProperty("valoratbot.home", ".")).resolve("jvm.options");
        return Files.readAllLines(options).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    public static void main(String[] args) throws Exception {
        BenchServer.Options options = BenchServer.Options.parse(args);
        int guilds = options.positional(0, 2500);
        int channels = options.positional(1, 30);
        int settle = options.positional(2, 15);
        List<String> extraFlags = options.positional().size() > 3
                ? List.of(options.positional().get(3).trim().split("\\s+"))
                : List.of();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // As deployed: no test jars (nor their logging configuration) on the worker's classpath.
        String classpath = java.util.Arrays.stream(
                        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.endsWith("-tests.jar"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process standIn = new ProcessBuilder(
                        javaBin,
                        "-Xmx2g",
                        "-cp",
                        classpath,
                        "com.valoratbot.standin.StandInMain",
                        "--port",
                        Integer.toString(port),
                        "--no-demo",
                        "--guilds",
                        Integer.toString(guilds),
                        "--channels",
                        Integer.toString(channels))
                .redirectErrorStream(true)
                .start();
        Process worker = null;
        try (BenchServer server = BenchServer.start(options)) {
            String database = server.scratch("bench_memory");
            // The stand-in prints its addresses on stdout once it listens (a plain println, not a log line).
            awaitLine(standIn, "Gateway", 120);
            ProcessBuilder pb = workerApp(javaBin, extraFlags, classpath, port, server.libpqUrl(database));
            List<String> command = pb.command();
            long start = System.nanoTime();
            worker = pb.start();
            drain(worker);
            String outcome = WorkerReadiness.awaitCommandDone(
                    server,
                    database,
                    worker,
                    Long.toString(com.valoratbot.standin.StandInMain.SYNTHETIC_GUILD_BASE),
                    java.time.Duration.ofSeconds(300));
            double readySeconds = (System.nanoTime() - start) / 1e9;
            System.err.println("  worker ready: first command " + outcome.substring(0, Math.min(80, outcome.length()))
                    + "… after " + String.format(Locale.ROOT, "%.1f s", readySeconds));
            Thread.sleep(settle * 1000L);
            long pid = worker.pid();
            run(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run"));
            Thread.sleep(2000);
            String heapInfo = run(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid),
                    "GC.heap_info"));
            long heapUsedKb = heapUsedKb(heapInfo);
            long rssKb = rssKb(pid);
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"benchmark\":\"worker-memory\",\"guilds\":%d,\"channelsPerGuild\":%d,\"readySeconds\":%.1f,\"heapUsedAfterGcMb\":%.1f,\"rssMb\":%.1f,\"targetRssMb\":300,\"jvmFlags\":\"%s\"}",
                    guilds,
                    channels,
                    readySeconds,
                    heapUsedKb / 1024.0,
                    rssKb / 1024.0,
                    String.join(" ", command.subList(1, command.indexOf("-cp")))));
        } finally {
            if (worker != null) {
                worker.destroy();
                worker.waitFor(30, TimeUnit.SECONDS);
            }
            standIn.destroy();
            standIn.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Reads a process's output for good (a full pipe would block it), echoing errors. */
    static void drain(Process p) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("ERROR") || line.contains("Exception")) System.err.println("  | " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    private static void awaitLine(Process p, String needle, int seconds) throws Exception {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains(needle)) seen.complete(null);
                    if (line.contains("ERROR") || line.contains("Exception")) System.err.println("  | " + line);
                }
                seen.completeExceptionally(new IllegalStateException("process ended before printing '" + needle + "'"));
            } catch (IOException e) {
                seen.completeExceptionally(e);
            }
        });
        seen.get(seconds, TimeUnit.SECONDS);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** Sums every "used NNNK" in jcmd GC.heap_info (young and old generations, or the whole heap). */
    static long heapUsedKb(String heapInfo) {
        Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(heapInfo);
        long used = 0;
        while (m.find()) used += Long.parseLong(m.group(1));
        return used;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
