package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker that dies mid-command: its lease runs out and another worker settles what it held. */
class LeaseRecoveryTest {

    @RegisterExtension
    static final TestDatabase db =
            TestDatabase.migrated().emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.workers");

    static final String GUILD = "111111111111111111";
    static final String CHANNEL = "222222222222222222";

    static String insert(String guild, String action, String payload) {
        return (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, ?, ?::jsonb, clock_timestamp()) RETURNING id::text",
                guild,
                action,
                payload);
    }

    static List<Object> row(String id) {
        return db.query("SELECT status, result->>'code', result::text FROM commands WHERE id = ?::uuid", id)
                .get(0);
    }

    @Test
    void aDeadWorkersIdempotentCommandIsRunAgainAndItsOtherCommandEndsInterrupted() throws Exception {
        String listing = insert(GUILD, "listTextChannels", "{}");
        String announce =
                insert("333333333333333333", "announce", "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"hi\"}");
        PostgresQueue dying = PostgresQueue.builder(db.database())
                .workerId("dying")
                .listen(false)
                .build();
        assertThat(dying.claims().claim(10)).extracting(QueuedCommand::id).containsExactlyInAnyOrder(listing, announce);
        // It never renews its heartbeat again, never completes: it died.

        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker survivor = RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q.workerId("survivor")
                        .lease(Duration.ofSeconds(1))
                        .listen(false)
                        .pollInterval(Duration.ofMillis(100)),
                w -> w)) {
            Eventually.within(
                    Duration.ofSeconds(15),
                    "both commands settled",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('done', 'error')") == 2);
        }

        assertThat(row(listing).get(0)).isEqualTo("done");
        assertThat(discord.executionsOf(listing)).isEqualTo(1);
        assertThat(row(announce).subList(0, 2)).containsExactly("error", "interrupted");
        assertThat((String) row(announce).get(2)).contains("announce");

        // The dead worker wakes up and reports late: nothing is overwritten.
        dying.completions()
                .complete(List.of(
                        new Completion(listing, false, "{\"ok\":false,\"late\":true}"),
                        new Completion(announce, true, "{\"ok\":true,\"late\":true}")));
        assertThat(row(listing).get(0)).isEqualTo("done");
        assertThat((String) row(listing).get(2)).doesNotContain("late");
        assertThat(row(announce).get(0)).isEqualTo("error");
        assertThat((String) row(announce).get(2)).doesNotContain("late");
        dying.close();
    }

    @Test
    void aLiveWorkersCommandsAreNotTakenOver() {
        String id = insert(GUILD, "listTextChannels", "{}");
        try (PostgresQueue busy = PostgresQueue.builder(db.database())
                        .workerId("busy")
                        .listen(false)
                        .build();
                PostgresQueue other = PostgresQueue.builder(db.database())
                        .workerId("other")
                        .lease(Duration.ofSeconds(1))
                        .listen(false)
                        .build()) {
            busy.claims().claim(1);
            busy.claims().heartbeat();

            assertThat(other.recovery().takeOverAbandoned()).isEmpty();
            assertThat(db.value("SELECT worker_id FROM valoratbot.claims WHERE command_id = ?", id))
                    .isEqualTo("busy");
        }
    }

    @Test
    void severalWorkersRecoveringAtOnceTakeEachAbandonedCommandOverOnce() throws Exception {
        List<PostgresQueue> recoverers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            recoverers.add(PostgresQueue.builder(db.database())
                    .workerId("r" + i)
                    .lease(Duration.ofSeconds(5))
                    .listen(false)
                    .build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(recoverers.size());
        try {
            for (int round = 0; round < 4; round++) {
                // Live recoverers renew their heartbeat as a running worker does; without it, a round
                // that outlasts the 5 s lease (a loaded machine) makes them look dead to each other.
                for (PostgresQueue r : recoverers) r.claims().heartbeat();
                db.execute("DELETE FROM commands");
                db.execute("DELETE FROM valoratbot.claims");
                db.execute("""
                        INSERT INTO commands (guild_id, action, payload, created_at)
                        SELECT (500000000000000000 + g)::text, 'listTextChannels', '{}', clock_timestamp() FROM generate_series(1, 150) g""");
                try (PostgresQueue dying = PostgresQueue.builder(db.database())
                        .workerId("dying" + round)
                        .listen(false)
                        .build()) {
                    assertThat(dying.claims().claim(150)).hasSize(150);
                }
                // close() removed its worker row: its claims belong to nobody alive.
                // Plus commands left 'processing' long ago by something that keeps no claims (an older bot)...
                db.execute("""
                        INSERT INTO commands (guild_id, action, payload, status, created_at, updated_at)
                        SELECT (600000000000000000 + g)::text, 'listTextChannels', '{}', 'processing',
                               now() - interval '10 minutes', now() - interval '10 minutes'
                        FROM generate_series(1, 50) g""");
                // ...and one such row that is recent: its owner may still be at work.
                db.execute(
                        "INSERT INTO commands (guild_id, action, payload, status) VALUES ('700000000000000001', 'lock', '{}', 'processing')");

                ConcurrentHashMap<String, Integer> taken = new ConcurrentHashMap<>();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (PostgresQueue r : recoverers) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < 3; i++) {
                            for (QueuedCommand c : r.recovery().takeOverAbandoned())
                                taken.merge(c.id(), 1, Integer::sum);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : futures) f.get();

                assertThat(taken).as("round %d", round).hasSize(200);
                assertThat(taken.values()).as("round %d", round).allMatch(n -> n == 1);
                assertThat(db.count("SELECT count(*) FROM valoratbot.claims WHERE worker_id LIKE 'r%'"))
                        .isEqualTo(200);
                assertThat(db.count(
                                "SELECT count(*) FROM valoratbot.claims c JOIN commands t ON t.id::text = c.command_id"
                                        + " WHERE t.guild_id = '700000000000000001'"))
                        .isZero();
            }
        } finally {
            pool.shutdownNow();
            recoverers.forEach(PostgresQueue::close);
        }
    }

    @Test
    void aClaimWhoseAnswerNeverReachedItsOwnWorkerIsRecoveredByThatWorker() {
        String running = insert("444444444444444444", "listTextChannels", "{}");
        String lost = insert(GUILD, "listTextChannels", "{}");
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("me")
                .lease(Duration.ofSeconds(1))
                .listen(false)
                .build()) {
            assertThat(queue.claims().claim(1)).extracting(QueuedCommand::id).containsExactly(running);
            // The claim of 'lost' committed, but the connection broke before the rows came back.
            db.execute("UPDATE commands SET status = 'processing' WHERE id = ?::uuid", lost);
            db.execute(
                    "INSERT INTO valoratbot.claims (command_table, command_id, worker_id, claimed_at) VALUES ('public.commands', ?, 'me', now() - interval '1 minute')",
                    lost);
            db.execute("UPDATE valoratbot.claims SET claimed_at = now() - interval '1 minute'");

            assertThat(queue.recovery().takeOverAbandoned())
                    .extracting(QueuedCommand::id)
                    .containsExactly(lost);
        }
    }

    @Test
    void aRecoveringWorkerRetriesSettlingWhenTheDatabaseFailsMeanwhile() throws Exception {
        // Settling (requeue / interrupted) happens outside the outcome writer; it must not be lost either.
        String id = insert(GUILD, "purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":5}");
        try (PostgresQueue dying = PostgresQueue.builder(db.database())
                .workerId("dying")
                .listen(false)
                .build()) {
            dying.claims().claim(1);
        }
        PostgresQueue real = PostgresQueue.builder(db.database())
                .workerId("flaky")
                .lease(Duration.ofMillis(500))
                .listen(false)
                .build();
        FlakyCompletions flaky = new FlakyCompletions(real.completions(), 2);
        CommandHandler handler = new RecordingDiscord().handler();
        var worker = com.valoratbot.core.run.CommandWorker.builder(
                        real.claims(), flaky, real.recovery(), real.awaitCommands(), handler)
                .heartbeatInterval(Duration.ofMillis(100))
                .recoveryInterval(Duration.ofMillis(150))
                .pollInterval(Duration.ofMillis(100))
                .build()
                .start();
        try {
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the purge ends interrupted",
                    () -> "interrupted"
                            .equals(db.query("SELECT result->>'code' FROM commands WHERE id = ?::uuid", id)
                                    .get(0)
                                    .get(0)));
            assertThat(flaky.failures()).isEqualTo(2);
        } finally {
            worker.close();
            real.close();
        }
    }

    /** Fails its first calls, as a database that is briefly unreachable. */
    static final class FlakyCompletions implements com.valoratbot.core.port.CompleteCommands {
        private final com.valoratbot.core.port.CompleteCommands real;
        private int failuresLeft;
        private int failures;

        FlakyCompletions(com.valoratbot.core.port.CompleteCommands real, int failures) {
            this.real = real;
            this.failuresLeft = failures;
        }

        @Override
        public synchronized void complete(List<Completion> completions) {
            if (failuresLeft > 0) {
                failuresLeft--;
                failures++;
                throw new org.jooq.exception.DataAccessException("connection refused (simulated)");
            }
            real.complete(completions);
        }

        synchronized int failures() {
            return failures;
        }
    }
}
