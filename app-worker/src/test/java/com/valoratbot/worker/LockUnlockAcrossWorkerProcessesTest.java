package com.valoratbot.worker;

import static com.valoratbot.standin.Permissions.SEND_MESSAGES;
import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.RecordedRequest;
import com.valoratbot.standin.StandInOverwrite;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.TestStandIn;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10's lock inversion, reproduced the way it was found: two worker processes (each its own
 * JVM with its own JDA session) against one stand-in and one PostgreSQL, alternating lock and unlock
 * on one channel, one worker's gateway lagging behind REST. Whichever worker claims a command, it must
 * not trust its gateway cache, which may not yet show what the other worker just wrote.
 *
 * <p>{@code -Dvaloratbot.lockPairs=1000} runs the 1,000 pairs; the default keeps the test
 * well under a minute on a two-core machine (1,000 pairs took 81 s here; docs/actions-moderation.md).
 */
class LockUnlockAcrossWorkerProcessesTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int PAIRS = Integer.getInteger("valoratbot.lockPairs", 300);
    private static final long CHANNEL = DemoGuild.MODERATION_ID;
    private static final String OVERWRITE_ROUTE = "/channels/{channel_id}/permissions/{overwrite_id}";

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.empty().seeded(DemoGuild::seed);

    private static DiscordStandIn standIn;
    private static LaggingProxy laggingGateway;
    private static final List<WorkerProcess> workers = new ArrayList<>();

    @BeforeAll
    static void twoWorkerProcessesOnOneStandInAndOneDatabase() throws Exception {
        standIn = discord.standIn();
        db.open().close(); // migrated before the workers race to do it
        // Test instrumentation: which worker claimed which command (claims rows go once completed).
        db.execute(
                "CREATE TABLE claim_log (command_id text, worker_id text, at timestamptz DEFAULT clock_timestamp())");
        db.execute("""
                CREATE FUNCTION log_claim() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO public.claim_log (command_id, worker_id) VALUES (NEW.command_id, NEW.worker_id); RETURN NEW; END $$""");
        db.execute(
                "CREATE TRIGGER log_claim AFTER INSERT ON valoratbot.claims FOR EACH ROW EXECUTE FUNCTION log_claim()");
        // Worker 2's gateway lags 100 ms behind REST: its cache is stale whenever it claims a
        // command right after worker 1 changed the channel, as in the 4-worker run.
        laggingGateway = new LaggingProxy(standIn.port(), Duration.ofMillis(100));
        for (int i = 1; i <= 2; i++) {
            String gateway = i == 1
                    ? standIn.gatewayUrl()
                    : standIn.gatewayUrl().replace(":" + standIn.port() + "/", ":" + laggingGateway.port() + "/");
            Map<String, String> env = WorkerProcess.env(standIn.restBaseUrl(), gateway, db.jdbcUrl());
            env.put("VALORATBOT_GUILD_RATE", "100000"); // the test's pace, not the per-guild limit, is under test
            env.put("VALORATBOT_POLL_INTERVAL", "200ms");
            workers.add(WorkerProcess.start("worker-" + i, env));
        }
        for (WorkerProcess w : workers) w.awaitLine("worker started", Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        for (WorkerProcess w : workers) w.close();
        if (laggingGateway != null) laggingGateway.close();
    }

    @Test
    void alternatingLockAndUnlockOverTwoWorkerProcessesAlwaysLeavesTheStateEachCommandAskedFor() throws Exception {
        Optional<StandInOverwrite> unlocked = everyone();
        long started = System.nanoTime();
        List<String> failures = new ArrayList<>();
        try (Connection c = db.connect()) {
            for (int pair = 0; pair < PAIRS && failures.size() < 5; pair++) {
                String lock = runToCompletion(c, "lock");
                Optional<StandInOverwrite> afterLock = everyone();
                if (afterLock.isEmpty() || (afterLock.get().deny() & SEND_MESSAGES) == 0) {
                    failures.add("pair " + pair + ": after lock " + lock + " @everyone may still send: " + afterLock);
                }
                if (writesFor(lock) != 1)
                    failures.add("pair " + pair + ": lock " + lock + " made " + writesFor(lock) + " writes to Discord");

                String unlock = runToCompletion(c, "unlock");
                Optional<StandInOverwrite> afterUnlock = everyone();
                if (!afterUnlock.equals(unlocked)) {
                    failures.add("pair " + pair + ": after unlock " + unlock + " @everyone's overwrite is "
                            + afterUnlock + ", not " + unlocked);
                }
                if (writesFor(unlock) != 1)
                    failures.add("pair " + pair + ": unlock " + unlock + " made " + writesFor(unlock)
                            + " writes to Discord");
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<List<Object>> perWorker = db.query("SELECT worker_id, count(*) FROM claim_log GROUP BY worker_id");
        long handoffs = db.count("""
                SELECT count(*) FROM (SELECT worker_id, lag(worker_id) OVER (ORDER BY at) AS previous FROM claim_log) x
                WHERE previous IS NOT NULL AND previous <> worker_id""");
        System.out.printf(
                "lock/unlock across 2 worker processes: %d pairs in %.1f s (%.1f ms per command), per worker %s, %d hand-offs%n",
                PAIRS, seconds, seconds * 1000 / (2.0 * PAIRS), perWorker, handoffs);

        assertThat(failures).isEmpty();
        assertThat(db.count("SELECT count(*) FROM commands WHERE status <> 'done'"))
                .isZero();
        assertThat(perWorker).as("both workers ran commands").hasSize(2);
        assertThat(handoffs)
                .as("the channel changed hands between workers often")
                .isGreaterThan(PAIRS / 10);
    }

    private static Optional<StandInOverwrite> everyone() {
        return standIn.state().channel(CHANNEL).overwrite(DemoGuild.GUILD_ID);
    }

    /** PUTs and DELETEs of the channel's overwrites made for this command (its id is in the audit reason). */
    private static long writesFor(String commandId) {
        return standIn.requests().stream()
                .filter(r -> r.route().endsWith(OVERWRITE_ROUTE) && !r.method().equals("GET"))
                .filter(r -> reason(r).contains("(command " + commandId + ")"))
                .count();
    }

    private static String reason(RecordedRequest r) {
        List<String> values = r.headers().getOrDefault("x-audit-log-reason", List.of());
        return values.isEmpty() ? "" : URLDecoder.decode(values.get(0), StandardCharsets.UTF_8);
    }

    /** Inserts a command as the dashboard does and waits for its outcome; returns its id. */
    private static String runToCompletion(Connection c, String action) throws Exception {
        String id;
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO commands (guild_id, action, payload) VALUES (?, ?, ?::jsonb) RETURNING id::text")) {
            insert.setString(1, Long.toString(DemoGuild.GUILD_ID));
            insert.setString(2, action);
            insert.setString(3, "{\"channelId\":\"" + CHANNEL + "\"}");
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                id = rs.getString(1);
            }
        }
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (PreparedStatement poll =
                c.prepareStatement("SELECT status, result::text FROM commands WHERE id::text = ?")) {
            poll.setString(1, id);
            while (true) {
                try (ResultSet rs = poll.executeQuery()) {
                    rs.next();
                    String status = rs.getString(1);
                    if (status.equals("done") || status.equals("error")) {
                        assertThat(status + " " + rs.getString(2))
                                .as(action + " " + id)
                                .isEqualTo("done {\"ok\": true}");
                        return id;
                    }
                }
                if (System.nanoTime() > until)
                    throw new AssertionError(action + " " + id + " still not finished after 20 s");
                Thread.sleep(2);
            }
        }
    }
}
