package com.valoratbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sandbox workers as separate processes on one data directory, as a newcomer starts them from two
 * terminals: one runs, the other says why not; a {@code kill -9} leaves no PostgreSQL running for good.
 */
class SandboxProcessesTest {

    @TempDir
    Path home;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private Path dataDir() {
        return home.resolve(".valoratbot").resolve("pgdata");
    }

    /** {@code valoratbot worker --sandbox} in its own JVM, with this test's home, a free stand-in port, output to a file. */
    private Process worker(String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "com.valoratbot.cli.ValoratbotCli",
                "worker",
                "--sandbox");
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_DATA_HOME");
        pb.environment().remove("VALORATBOT_DATA_DIR");
        pb.environment().remove("DATABASE_URL");
        pb.environment().put("VALORATBOT_SANDBOX_PORT", "0");
        pb.environment().put("VALORATBOT_LANGUAGE", "en");
        pb.redirectErrorStream(true).redirectOutput(home.resolve(name + ".log").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(home.resolve(name + ".log"));
    }

    private Path lockFile() {
        return dataDir().resolveSibling("pgdata.sandbox.lock");
    }

    /** Waits until the lock file says one of these workers is running (a killed one's words may linger), and returns its pid. */
    private long awaitRunning(Duration timeout, Process... candidates) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(lockFile()) ? Files.readString(lockFile()) : "";
            Optional<Long> pid = text.lines()
                    .filter(l -> l.startsWith("pid="))
                    .findFirst()
                    .map(l -> Long.parseLong(l.substring(4).strip()));
            if (text.contains("state=running")
                    && pid.isPresent()
                    && java.util.Arrays.stream(candidates).anyMatch(p -> p.pid() == pid.get())) {
                return pid.get();
            }
            if (candidates.length == 1 && !candidates[0].isAlive()) {
                throw new AssertionError("the worker exited " + candidates[0].exitValue());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no sandbox worker became ready within " + timeout);
    }

    private Optional<Long> postmasterPid() throws IOException {
        Path pid = dataDir().resolve("postmaster.pid");
        if (!Files.exists(pid)) return Optional.empty();
        return Optional.of(Long.parseLong(Files.readAllLines(pid).getFirst().strip()));
    }

    /** Running, not a zombie: this machine's init may take its time to reap an exited orphan. */
    private static boolean alive(long pid) {
        if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void aSecondSandboxWorkerSaysWhichOneIsRunningAndHowToRunAnotherWhileTheCliUsesTheFirst() throws Exception {
        Process first = worker("first");
        long pid = awaitRunning(Duration.ofSeconds(180), first);
        assertThat(pid).isEqualTo(first.pid());

        Process second = worker("second");
        assertThat(second.waitFor(90, TimeUnit.SECONDS))
                .as("the second worker stops at once")
                .isTrue();
        assertThat(second.exitValue()).isEqualTo(ValoratbotCli.FAILED);
        assertThat(log("second"))
                .contains("a sandbox worker is already running")
                .contains("pid " + first.pid())
                .contains("stand-in http://")
                .contains("VALORATBOT_DATA_DIR=")
                .contains("VALORATBOT_SANDBOX_PORT=")
                .doesNotContain("\tat ");
        assertThat(first.isAlive()).isTrue();

        // The CLI, from anywhere, finds the running sandbox's database (and its password).
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ValoratbotCli.run(
                Map.of("HOME", home.toString()), new PrintWriter(out, true), new PrintWriter(err, true), "doctor");
        assertThat(out.toString())
                .as(err.toString())
                .contains("started by another process")
                .contains("live workers: 1");
        assertThat(exit).as(out.toString()).isZero();
    }

    @Test
    void twoSandboxWorkersStartedTogetherEndWithExactlyOneRunning() throws Exception {
        Process a = worker("a");
        Process b = worker("b");
        long running = awaitRunning(Duration.ofSeconds(180), a, b);
        Process winner = running == a.pid() ? a : b;
        Process loser = winner == a ? b : a;
        assertThat(loser.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(loser.exitValue()).isEqualTo(ValoratbotCli.FAILED);
        assertThat(log(loser == a ? "a" : "b"))
                .contains("a sandbox worker is already running")
                .doesNotContain("epg-lock");
        Thread.sleep(1000);
        assertThat(winner.isAlive()).isTrue();
    }

    @Test
    void afterAKill9TheNextWorkerStopsTheOrphanedPostgresAndAGracefulStopLeavesNoneRunning() throws Exception {
        Process first = worker("first");
        awaitRunning(Duration.ofSeconds(180), first);
        long orphan = postmasterPid().orElseThrow();

        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: no shutdown hook runs
        assertThat(alive(orphan))
                .as("PostgreSQL outlives a kill -9 of its worker")
                .isTrue();

        Process next = worker("next");
        awaitRunning(Duration.ofSeconds(180), next);
        String nextLog = log("next");
        assertThat(alive(orphan))
                .as("the orphan was stopped; the next worker's log:\n" + nextLog)
                .isFalse();
        long adopted = postmasterPid().orElseThrow();
        assertThat(alive(adopted)).isTrue();
        assertThat(log("next")).contains("outlived the process that started it");

        next.destroy(); // SIGTERM: graceful stop
        assertThat(next.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(alive(adopted))
                .as("the worker that owns PostgreSQL stops it")
                .isFalse();
    }
}
