package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.MarkStarted;
import com.valoratbot.core.port.QueuedCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A non-idempotent command's start mark races a takeover or a shutdown requeue (review finding 1).
 * Each race is made deterministic by holding one side's statement in an open transaction on a
 * second connection and waiting until the other side is seen blocked on its row lock.
 */
class StartMarkRaceTest {

    @RegisterExtension
    static final TestDatabase db =
            TestDatabase.migrated().emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.workers");

    static final String GUILD = "111111111111111111";

    final ExecutorService other = Executors.newSingleThreadExecutor();
    PostgresQueue old;
    MarkStarted marks;
    String purge;

    @BeforeEach
    void anOldWorkerHoldsAPurgeAndHasStoppedBeating() {
        purge = (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, 'purge', '{\"channelId\":\"222222222222222222\",\"amount\":5}'::jsonb, clock_timestamp()) RETURNING id::text",
                GUILD);
        old = PostgresQueue.builder(db.database()).workerId("old").listen(false).build();
        marks = old.startMarks();
        assertThat(old.claims().claim(1)).extracting(QueuedCommand::id).containsExactly(purge);
        db.execute("UPDATE valoratbot.workers SET heartbeat_at = now() - interval '1 hour' WHERE worker_id = 'old'");
    }

    @AfterEach
    void close() {
        other.shutdownNow();
        old.close();
    }

    @Test
    void aTakeoverThatReadTheClaimBeforeTheStartMarkCommittedStealsNothing() throws Exception {
        try (PostgresQueue fresh = PostgresQueue.builder(db.database())
                        .workerId("new")
                        .lease(Duration.ofSeconds(1))
                        .listen(false)
                        .build();
                Connection oldSide = db.connect()) {
            oldSide.setAutoCommit(false);
            assertThat(markInOpenTransaction(oldSide, "old")).isTrue();

            Future<List<QueuedCommand>> takeover =
                    other.submit(() -> fresh.recovery().takeOverAbandoned());
            db.awaitSomeoneWaitingOnALock("the other statement waits on the row lock");
            oldSide.commit();

            assertThat(takeover.get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(db.value("SELECT worker_id FROM valoratbot.claims WHERE command_id = ?", purge))
                    .isEqualTo("old");
            // The next pass takes it over, knowing it may have reached Discord: it is not run again.
            List<QueuedCommand> later = fresh.recovery().takeOverAbandoned();
            assertThat(later).extracting(QueuedCommand::id).containsExactly(purge);
            assertThat(later.get(0).mayHaveStarted()).isTrue();
        }
    }

    @Test
    void aStartMarkWaitingBehindAStealFailsSoTheOldWorkerDoesNotCallDiscord() throws Exception {
        try (Connection newSide = db.connect()) {
            newSide.setAutoCommit(false);
            try (PreparedStatement st = newSide.prepareStatement(
                    "UPDATE valoratbot.claims SET worker_id = 'new', claimed_at = clock_timestamp() WHERE command_id = ?")) {
                st.setString(1, purge);
                assertThat(st.executeUpdate()).isEqualTo(1);
            }

            Future<Boolean> mark = other.submit(() -> marks.started(purge));
            db.awaitSomeoneWaitingOnALock("the other statement waits on the row lock");
            newSide.commit();

            assertThat(mark.get(30, TimeUnit.SECONDS)).isFalse();
            assertThat(db.value("SELECT started_at IS NULL FROM valoratbot.command_runs WHERE command_id = ?", purge))
                    .isEqualTo(true);
        }
    }

    @Test
    void aStartMarkAfterACommittedTakeoverFails() {
        try (PostgresQueue fresh = PostgresQueue.builder(db.database())
                .workerId("new")
                .lease(Duration.ofSeconds(1))
                .listen(false)
                .build()) {
            List<QueuedCommand> taken = fresh.recovery().takeOverAbandoned();
            assertThat(taken).extracting(QueuedCommand::id).containsExactly(purge);
            assertThat(taken.get(0).mayHaveStarted()).isFalse();

            assertThat(marks.started(purge)).isFalse();
        }
    }

    @Test
    void aRequeueAtShutdownThatMeetsACommittedStartMarkLeavesTheCommandHeldForInterruptedInsteadOfPending()
            throws Exception {
        try (Connection runningThread = db.connect()) {
            runningThread.setAutoCommit(false);
            assertThat(markInOpenTransaction(runningThread, "old")).isTrue();

            Future<List<String>> requeue = other.submit(() -> old.recovery().requeue(List.of(purge)));
            db.awaitSomeoneWaitingOnALock("the other statement waits on the row lock");
            runningThread.commit();

            assertThat(requeue.get(30, TimeUnit.SECONDS)).containsExactly(purge);
            assertThat(db.value("SELECT status::text FROM commands WHERE id = ?::uuid", purge))
                    .isEqualTo("processing");
            assertThat(db.value("SELECT worker_id FROM valoratbot.claims WHERE command_id = ?", purge))
                    .isEqualTo("old");
        }
    }

    @Test
    void aStartMarkAfterTheRequeueFailsAndTheCommandIsPendingAgain() {
        assertThat(old.recovery().requeue(List.of(purge))).isEmpty();

        assertThat(marks.started(purge)).isFalse();
        assertThat(db.value("SELECT status::text FROM commands WHERE id = ?::uuid", purge))
                .isEqualTo("pending");
    }

    private boolean markInOpenTransaction(Connection c, String workerId) throws Exception {
        try (PreparedStatement st = c.prepareStatement(old.sql().markStarted)) {
            st.setString(1, old.table().key());
            st.setString(2, purge);
            st.setString(3, workerId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getLong("held") == 1;
            }
        }
    }
}
