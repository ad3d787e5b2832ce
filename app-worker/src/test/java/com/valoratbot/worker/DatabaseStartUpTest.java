package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.standin.DemoGuild;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.TestStandIn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker process and its database at start-up: a database that is down or restarting is waited
 * for (and said so, once), also when it goes away in the middle of start-up; one that accepts
 * connections but never answers stops the worker within 15 s, naming it without its password. And
 * later: a running worker whose database goes away (a restart, the embedded server's owner stopping
 * it) says so in one line, with no stack trace, and carries on when it is back.
 */
class DatabaseStartUpTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.empty().seeded(DemoGuild::seed);

    @BeforeAll
    static void migratedDatabase() {
        db.open().close();
    }

    @AfterAll
    static void stop() {
        TestDatabase.startServer(); // whatever a test did, the extension needs it to clean up
    }

    private static Map<String, String> env() {
        return WorkerProcess.env(
                discord.standIn().restBaseUrl(), discord.standIn().gatewayUrl(), db.jdbcUrl());
    }

    @Test
    void aWorkerStartedWhileTheDatabaseIsDownWaitsSaysSoOnceAndStartsWhenItIsBack() throws Exception {
        Map<String, String> env = env(); // before the stop: asking TestDatabase for its URL would start it again
        TestDatabase.stopServer();
        try (WorkerProcess worker = WorkerProcess.start("waiting-worker", env)) {
            String waiting = worker.awaitLine("Waiting for the database", Duration.ofSeconds(60));
            assertThat(waiting).contains("localhost:" + TestDatabase.port() + "/" + db.name());
            assertThat(worker.awaitExit(Duration.ofSeconds(4)))
                    .as("still waiting, not exited")
                    .isEmpty();

            TestDatabase.startServer();
            worker.awaitLine("worker started", Duration.ofSeconds(120));
            assertThat(worker.lines())
                    .filteredOn(l -> l.contains("Waiting for the database"))
                    .hasSize(1);
            assertThat(worker.lines()).filteredOn(l -> l.contains("Exception")).isEmpty();
            assertThat(runListTextChannels()).contains("\"ok\": true");
        } finally {
            TestDatabase.startServer();
        }
    }

    @Test
    void aDatabaseRestartInTheMiddleOfTheWorkersStartUpDoesNotStopIt() throws Exception {
        // The database opens before Discord (the gateway needs the lock memory), so holding the
        // worker's Discord log-in holds start-up right after "Database ready": the restart then
        // surely lands in the middle of start-up, whatever the machine's speed.
        java.net.URI rest = java.net.URI.create(discord.standIn().restBaseUrl());
        try (GateProxy gate = new GateProxy(rest.getPort())) {
            Map<String, String> env = env();
            env.put(
                    "DISCORD_REST_URL",
                    new java.net.URI(rest.getScheme(), null, rest.getHost(), gate.port(), rest.getPath(), null, null)
                            .toString());
            try (WorkerProcess worker = WorkerProcess.start("restart-worker", env)) {
                worker.awaitLine("Database ready", Duration.ofSeconds(120));
                long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (gate.accepted() == 0) {
                    assertThat(System.nanoTime())
                            .as("the worker reached its Discord log-in")
                            .isLessThan(until);
                    Thread.sleep(20);
                }
                assertThat(worker.lines()).noneMatch(l -> l.contains("worker started"));

                TestDatabase.stopServer();
                gate.open();
                worker.awaitLine("went away during start-up", Duration.ofSeconds(120));
                TestDatabase.startServer();
                worker.awaitLine("worker started", Duration.ofSeconds(120));
                assertThat(worker.alive()).isTrue();
                assertThat(runListTextChannels()).contains("\"ok\": true");
            } finally {
                TestDatabase.startServer();
            }
        }
    }

    @Test
    void aRunningWorkerWhoseDatabaseGoesAwaySaysSoInOneLineWithoutAStackTraceAndCarriesOnWhenItIsBack()
            throws Exception {
        try (WorkerProcess worker = WorkerProcess.start("outage-worker", env())) {
            worker.awaitLine("worker started", Duration.ofSeconds(120));
            int before = worker.lines().size();
            TestDatabase.stopServer();
            try {
                worker.awaitLine("claiming commands failed", Duration.ofSeconds(60));
                // Long enough for each of db-scheduler's two schedulers to poll (every 10 s) and for
                // Hikari to find its pooled connections dead: what used to log about ten stack traces a second.
                Thread.sleep(15_000);
            } finally {
                TestDatabase.startServer();
            }
            worker.awaitLine("claiming commands works again", Duration.ofSeconds(60));
            assertThat(runListTextChannels()).contains("\"ok\": true");

            List<String> outage = worker.lines().subList(before, worker.lines().size());
            assertThat(outage)
                    .as("no stack trace for an expected condition")
                    .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by") || l.contains(" ERROR "));
            assertThat(outage)
                    .filteredOn(l -> l.contains("claiming commands failed"))
                    .hasSize(1);
            assertThat(outage)
                    .as("a few clear lines, not several a second: " + String.join("\n", outage))
                    .hasSizeLessThanOrEqualTo(8);
        }
    }

    @Test
    void aDatabaseThatAcceptsConnectionsButNeverAnswersStopsTheWorkerWithin15SecondsNamingIt() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        AtomicLong firstAccept = new AtomicLong();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // never reads, never answers
                        firstAccept.compareAndSet(0, System.nanoTime());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            Map<String, String> env = env();
            env.put("DATABASE_URL", "postgres://valoratbot:s3cret-pw@127.0.0.1:" + silent.getLocalPort() + "/quietdb");
            try (WorkerProcess worker = WorkerProcess.start("silent-db-worker", env)) {
                Optional<Integer> exit = worker.awaitExit(Duration.ofSeconds(60));
                long sinceStart = worker.age().toMillis();
                long sinceConnect = firstAccept.get() == 0 ? -1 : (System.nanoTime() - firstAccept.get()) / 1_000_000;
                System.out.printf(
                        "worker against a silent database stopped %d ms after it connected, %d ms after its JVM started%n",
                        sinceConnect, sinceStart);
                assertThat(exit).as("stopped on its own").isPresent();
                assertThat(exit.get()).isNotZero();
                assertThat(held).as("it did connect: the database accepted TCP").isNotEmpty();
                // Measured from its first connection: JVM start-up on a loaded two-core machine is
                // not the worker's doing (docs/benchmarks.md has the figures from process start).
                assertThat(sinceConnect)
                        .as("ms from its connection to its exit")
                        .isLessThan(15_000);
                worker.awaitLine("timed out", Duration.ofSeconds(10)); // the pump may still be reading the last lines
                String output = String.join("\n", worker.lines());
                assertThat(output)
                        .contains("127.0.0.1:" + silent.getLocalPort() + "/quietdb")
                        .contains("timed out")
                        .doesNotContain("s3cret-pw");
            }
        } finally {
            for (Socket s : held) s.close();
        }
    }

    private static String runListTextChannels() throws Exception {
        try (Connection c = db.connect()) {
            String id;
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'listTextChannels', '{}') RETURNING id::text")) {
                insert.setString(1, Long.toString(DemoGuild.GUILD_ID));
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getString(1);
                }
            }
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until) {
                try (PreparedStatement poll =
                        c.prepareStatement("SELECT status, result::text FROM commands WHERE id::text = ?")) {
                    poll.setString(1, id);
                    try (ResultSet rs = poll.executeQuery()) {
                        rs.next();
                        if (!rs.getString(1).equals("pending")
                                && !rs.getString(1).equals("processing")) return rs.getString(2);
                    }
                }
                Thread.sleep(50);
            }
            throw new AssertionError("listTextChannels " + id + " not finished within 30 s");
        }
    }
}
