package com.valoratbot.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A worker in its own JVM, as deployed: {@code java -cp … com.valoratbot.worker.WorkerApp} with only
 * the environment given (nothing inherited from the test's VALORATBOT_ or DATABASE_ variables). Its
 * output (stdout and stderr) is kept line by line and echoed with a prefix, so a failing test shows
 * what the worker said.
 */
final class WorkerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final long startedNanos = System.nanoTime();

    private WorkerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread.ofPlatform().daemon().name(name + "-output").start(this::pump);
    }

    static WorkerProcess start(String name, Map<String, String> env) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(launcherFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerApp.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = pb.environment();
        environment
                .keySet()
                .removeIf(k -> k.startsWith("VALORATBOT_") || k.startsWith("DATABASE_") || k.startsWith("DISCORD_"));
        environment.putAll(env);
        try {
            return new WorkerProcess(name, pb.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the worker process " + name, e);
        }
    }

    /** The JVM flags the ./valoratbot launcher uses (the project's jvm.options), so the worker runs as deployed. */
    private static List<String> launcherFlags() {
        Path options = Path.of("..", "jvm.options");
        try {
            return Files.readAllLines(options).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read " + options.toAbsolutePath() + " (tests run from the module's directory)", e);
        }
    }

    /** The environment of a worker against a stand-in and a database, in English, with a short lease. */
    static Map<String, String> env(String restUrl, String gatewayUrl, String databaseUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("DISCORD_TOKEN", "stand-in-token");
        env.put("DISCORD_REST_URL", restUrl);
        env.put("DISCORD_GATEWAY_URL", gatewayUrl);
        env.put("DATABASE_URL", databaseUrl);
        env.put("VALORATBOT_LANGUAGE", "en");
        env.put("VALORATBOT_VOICE_MODE", "passthrough");
        env.put("VALORATBOT_DB_POOL_SIZE", "4");
        return env;
    }

    private void pump() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
                System.out.println("[" + name + "] " + line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Waits until a line contains {@code needle}; fails if the process ends or time runs out first. */
    String awaitLine(String needle, Duration timeout) throws InterruptedException {
        return awaitLine(l -> l.contains(needle), "'" + needle + "'", timeout);
    }

    String awaitLine(Predicate<String> match, String what, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) if (match.test(lines.get(seen))) return lines.get(seen);
                if (!process.isAlive() && seen == lines.size()) {
                    // let the pump drain what is left
                    lines.wait(200);
                    if (seen == lines.size())
                        throw new AssertionError(
                                name + " exited (" + process.exitValue() + ") before printing " + what);
                    continue;
                }
                long left = until - System.nanoTime();
                if (left <= 0) throw new AssertionError(name + " did not print " + what + " within " + timeout);
                lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for the process to end on its own. */
    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? Optional.of(process.exitValue())
                : Optional.empty();
    }

    Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy(); // SIGTERM: the graceful stop
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
