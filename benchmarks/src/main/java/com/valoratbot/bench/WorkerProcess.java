package com.valoratbot.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A queue's worker in its own process, whatever its language, seen the same way: it prints
 * {@code ready} (optionally followed by words the benchmark needs, such as a table name) once it
 * takes jobs, then {@code s <job id> <monotonic nanos>} when a handler starts. Java's
 * {@code System.nanoTime()} and Node's {@code process.hrtime.bigint()} both read Linux's
 * {@code CLOCK_MONOTONIC}, so the benchmark compares these stamps with its own without any
 * offset. CPU time is read from the OS for the process ({@link ProcessHandle.Info#totalCpuDuration()}).
 * Closing its standard input stops it; {@link #close()} kills it if it does not stop in 20 s.
 */
final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final String name;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    // PickupStages' stamps, when the worker writes them (the project's worker does; the peers do not).
    private final Map<String, long[]> claimed = new ConcurrentHashMap<>();
    private final List<Long> notified = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final List<Long> woke = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastStart = new AtomicLong();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile String readyLine = "";

    private WorkerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread.ofPlatform().daemon().name("worker-out-" + name).start(this::read);
    }

    static WorkerProcess start(String name, List<String> command, Map<String, String> env, Duration readyTimeout) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        try {
            WorkerProcess w = new WorkerProcess(name, pb.start());
            if (!w.ready.await(readyTimeout.toSeconds(), TimeUnit.SECONDS)) {
                w.close();
                throw new IllegalStateException(name + " did not become ready within " + readyTimeout);
            }
            if (!w.process.isAlive()) throw new IllegalStateException(name + " exited before becoming ready");
            return w;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("s ")) {
                    int space = line.indexOf(' ', 2);
                    long t = Long.parseLong(line.substring(space + 1).strip());
                    started.putIfAbsent(line.substring(2, space), t);
                    count.incrementAndGet();
                    lastStart.accumulateAndGet(t, Math::max);
                } else if (line.startsWith("c ")) {
                    String[] w = line.split(" ");
                    claimed.putIfAbsent(w[3], new long[] {Long.parseLong(w[1]), Long.parseLong(w[2])});
                } else if (line.startsWith("n ")) {
                    notified.add(Long.parseLong(line.substring(2).strip()));
                } else if (line.startsWith("w ")) {
                    woke.add(Long.parseLong(line.substring(2).strip()));
                } else if (line.startsWith("ready")) {
                    readyLine = line;
                    ready.countDown();
                } else {
                    System.err.println("  [" + name + "] " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("  [" + name + "] output lost: " + e);
        }
        ready.countDown();
    }

    /** The words after {@code ready}. */
    String readyLine() {
        return readyLine;
    }

    /** When the handler of {@code jobId} started (monotonic nanos), or null. */
    Long startOf(String jobId) {
        return started.get(jobId);
    }

    long handlerStarts() {
        return count.get();
    }

    long lastStart() {
        return lastStart.get();
    }

    void forget() {
        started.clear();
        claimed.clear();
        notified.clear();
        woke.clear();
    }

    /** Start and end of the claim call that returned {@code jobId} (monotonic nanos), or null. */
    long[] claimOf(String jobId) {
        return claimed.get(jobId);
    }

    /** When a notification reached the worker process, in order (monotonic nanos). */
    long[] notifications() {
        return sorted(notified);
    }

    /** When the worker's wait for commands returned, in order (monotonic nanos). */
    long[] wakeUps() {
        return sorted(woke);
    }

    private static long[] sorted(List<Long> stamps) {
        long[] a;
        synchronized (stamps) {
            a = stamps.stream().mapToLong(Long::longValue).toArray();
        }
        java.util.Arrays.sort(a);
        return a;
    }

    /** The process's CPU time so far (user + system), from the OS. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS))
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
