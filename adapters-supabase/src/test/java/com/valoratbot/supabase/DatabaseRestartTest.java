package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.testing.Eventually;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database goes away and comes back while commands flow: nothing is lost, nothing runs twice. */
class DatabaseRestartTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void aDatabaseRestartMidRunLosesNoCommandAndRunsNoneTwice() throws Exception {
        RecordingDiscord discord = new RecordingDiscord().delay(Duration.ofMillis(5));
        for (int w = 0; w < 2; w++) {
            Database own = db.open(s -> s.poolSize(4));
            db.closeAfterAll(RunningWorker.start(
                    own,
                    discord.handler(),
                    q -> q.lease(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)),
                    r -> r));
        }
        AtomicBoolean inserting = new AtomicBoolean(true);
        AtomicInteger inserted = new AtomicInteger();
        AtomicInteger insertFailures = new AtomicInteger();
        Thread dashboard = Thread.ofPlatform().name("dashboard").start(() -> {
            int n = 0;
            while (inserting.get()) {
                try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
                        PreparedStatement st = c.prepareStatement(
                                "INSERT INTO commands (guild_id, action, payload) VALUES (?, ?, '{\"channelId\": \"222222222222222222\", \"duration\": 3}')")) {
                    while (inserting.get()) {
                        for (int i = 0; i < 10; i++, n++) {
                            st.setString(1, String.valueOf(111_111_111_111_111_111L + n % 40));
                            st.setString(2, n % 2 == 0 ? "listTextChannels" : "slowmode");
                            st.addBatch();
                        }
                        st.executeBatch();
                        inserted.addAndGet(10);
                        Thread.sleep(20);
                    }
                } catch (SQLException down) {
                    insertFailures.incrementAndGet();
                    sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        Thread.sleep(1_500);
        int beforeStop = inserted.get();
        TestDatabase.stopServer();
        Thread.sleep(2_000);
        TestDatabase.startServer();
        Eventually.within(
                Duration.ofSeconds(20), "the dashboard inserting again", () -> inserted.get() > beforeStop + 200);
        inserting.set(false);
        dashboard.join();

        Eventually.within(
                Duration.ofSeconds(90),
                "every command finished",
                () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
        List<String> ids = db.query("SELECT id::text FROM commands").stream()
                .map(r -> (String) r.get(0))
                .toList();
        System.out.printf(
                "restart: %d commands, %d insert failures during the outage%n", ids.size(), insertFailures.get());
        assertThat(insertFailures.get()).as("the database really was down").isPositive();
        assertThat(ids.size()).isGreaterThan(500);
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'done'"))
                .isEqualTo(ids.size());
        Map<String, Integer> executions = discord.executions();
        assertThat(executions.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(executions.entrySet()).filteredOn(e -> e.getValue() != 1).isEmpty();
        assertThat(discord.violations()).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
