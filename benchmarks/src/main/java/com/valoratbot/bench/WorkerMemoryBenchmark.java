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
 * <p>Usage: {@code benchmarks/run WorkerMemoryBenchmark [guilds=2500] [channels=30] [settleSeconds=15] ["extra JVM flags"]}
 */
public final class WorkerMemoryBenchmark {

    /** The JVM flags the ./valoratbot launcher uses (jvm.options), so the figure is what a deployment sees. */
    static List<String> launcherJvmFlags() throws IOException {
        Path options = Path.of(System.getProperty("valoratbot.home", ".")).resolve("jvm.options");
        return Files.readAllLines(options).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    public static void main(String[] args) throws Exception {
        int guilds = args.length > 0 ? Integer.parseInt(args[0]) : 2500;
        int channels = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int settle = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        List<String> extraFlags = args.length > 3 ? List.of(args[3].trim().split("\\s+")) : List.of();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process standIn = new ProcessBuilder(java, "-Xmx2g", "-cp", classpath, "com.valoratbot.standin.StandInMain",
                "--port", Integer.toString(port), "--no-demo", "--guilds", Integer.toString(guilds), "--channels", Integer.toString(channels))
                .redirectErrorStream(true).start();
        Process worker = null;
        List<String> command = new ArrayList<>(List.of(java));
        try {
            awaitLine(standIn, "Gateway", 120);
            Path data = Files.createTempDirectory("valoratbot-memory-pg");
            command.addAll(launcherJvmFlags());
            command.addAll(extraFlags);
            command.addAll(List.of("-cp", classpath, "com.valoratbot.worker.WorkerApp"));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("DISCORD_TOKEN", "stand-in-token");
            pb.environment().put("DISCORD_REST_URL", "http://127.0.0.1:" + port + "/api/v10/");
            pb.environment().put("DISCORD_GATEWAY_URL", "ws://127.0.0.1:" + port + "/gateway");
            pb.environment().put("VALORATBOT_DATA_DIR", data.toString());
            long start = System.nanoTime();
            worker = pb.start();
            awaitLine(worker, "worker started", 300);
            double readySeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(settle * 1000L);
            long pid = worker.pid();
            run(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run"));
            Thread.sleep(2000);
            String heapInfo = run(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.heap_info"));
            long heapUsedKb = heapUsedKb(heapInfo);
            long rssKb = rssKb(pid);
            System.out.println(String.format(Locale.ROOT,
                    "{\"benchmark\":\"worker-memory\",\"guilds\":%d,\"channelsPerGuild\":%d,\"readySeconds\":%.1f,\"heapUsedAfterGcMb\":%.1f,\"rssMb\":%.1f,\"targetRssMb\":300,\"jvmFlags\":\"%s\"}",
                    guilds, channels, readySeconds, heapUsedKb / 1024.0, rssKb / 1024.0, String.join(" ", command.subList(1, command.indexOf("-cp")))));
        } finally {
            if (worker != null) {
                worker.destroy();
                worker.waitFor(30, TimeUnit.SECONDS);
            }
            standIn.destroy();
            standIn.waitFor(10, TimeUnit.SECONDS);
        }
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
