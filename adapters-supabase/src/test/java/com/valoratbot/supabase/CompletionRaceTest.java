package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard changes a command's row while the worker writes its outcome (review finding 1).
 * The race is made deterministic: the dashboard's update is held open on a second connection, so
 * the completion's snapshot does not see it and its update waits on the row lock; then the
 * dashboard commits.
 */
class CompletionRaceTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.queue_guilds", "valoratbot.command_runs");

    static final String GUILD = "1001";

    final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    static String insert() {
        return (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, 'listTextChannels', '{}'::jsonb, clock_timestamp()) RETURNING id::text",
                GUILD);
    }

    @Test
    void anOutcomeWrittenWhileTheDashboardUpdatesTheRowStillEndsTheCommandAndReadiesItsGuild() throws Exception {
        String first = insert();
        String second = insert();
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                        .workerId("w1")
                        .listen(false)
                        .build();
                Connection dashboard = db.connect()) {
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(first);

            dashboard.setAutoCommit(false);
            try (PreparedStatement st = dashboard.prepareStatement(
                    "UPDATE commands SET payload = '{\"note\":\"x\"}'::jsonb WHERE id::text = ?")) {
                st.setString(1, first);
                assertThat(st.executeUpdate()).isEqualTo(1);
            }
            Future<?> completion = other.submit(
                    () -> queue.completions().complete(List.of(new Completion(first, true, "{\"ok\":true}"))));
            db.awaitSomeoneWaitingOnALock("the completion waits on the row lock");
            dashboard.commit();
            completion.get(30, TimeUnit.SECONDS);

            assertThat(db.value("SELECT status::text FROM commands WHERE id::text = ?", first))
                    .isEqualTo("done");
            assertThat(db.value("SELECT result::text FROM commands WHERE id::text = ?", first))
                    .isEqualTo("{\"ok\": true}");
            // The guild is back in line: its next command is claimed at once, not after a resync.
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(second);
        }
    }

    @Test
    void aCommandTheDashboardEndedWhileItsOutcomeWasWrittenKeepsTheDashboardsStatus() throws Exception {
        String first = insert();
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                        .workerId("w1")
                        .listen(false)
                        .build();
                Connection dashboard = db.connect()) {
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(first);

            dashboard.setAutoCommit(false);
            try (PreparedStatement st = dashboard.prepareStatement(
                    "UPDATE commands SET status = 'error', result = '{\"ok\":false,\"code\":\"cancelled\"}'::jsonb WHERE id::text = ?")) {
                st.setString(1, first);
                assertThat(st.executeUpdate()).isEqualTo(1);
            }
            Future<?> completion = other.submit(
                    () -> queue.completions().complete(List.of(new Completion(first, true, "{\"ok\":true}"))));
            db.awaitSomeoneWaitingOnALock("the completion waits on the row lock");
            dashboard.commit();
            completion.get(30, TimeUnit.SECONDS);

            assertThat(db.value("SELECT status::text FROM commands WHERE id::text = ?", first))
                    .isEqualTo("error");
            assertThat(db.value("SELECT result->>'code' FROM commands WHERE id::text = ?", first))
                    .isEqualTo("cancelled");
        }
    }
}
