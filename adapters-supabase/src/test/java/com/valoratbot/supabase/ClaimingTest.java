package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The claim, complete and requeue statements, driven directly through the ports. */
class ClaimingTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated().emptiedBeforeEach("commands", "valoratbot.claims");

    /** Inserts commands one after the other (distinct created_at) and returns their ids in order. */
    static List<String> insert(String guild, String... actions) {
        List<String> ids = new ArrayList<>();
        for (String action : actions) {
            ids.add((String) db.value(
                    "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, ?, '{}', clock_timestamp()) RETURNING id::text",
                    guild,
                    action));
        }
        return ids;
    }

    static String status(String id) {
        return (String) db.value("SELECT status FROM commands WHERE id = ?::uuid", id);
    }

    @Test
    void aClaimTakesOnlyTheOldestCommandOfEachGuildAndMarksItProcessing() {
        List<String> a = insert("1001", "lock", "unlock", "lock");
        List<String> b = insert("1002", "slowmode");
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            List<QueuedCommand> claimed = queue.claims().claim(10);

            assertThat(claimed).extracting(QueuedCommand::id).containsExactlyInAnyOrder(a.get(0), b.get(0));
            assertThat(status(a.get(0))).isEqualTo("processing");
            assertThat(status(a.get(1))).isEqualTo("pending");
            assertThat(
                            db.count(
                                    "SELECT count(*) FROM valoratbot.claims WHERE worker_id = 'w1' AND command_table = 'public.commands'"))
                    .isEqualTo(2);
            QueuedCommand first = claimed.stream()
                    .filter(c -> c.id().equals(a.get(0)))
                    .findFirst()
                    .orElseThrow();
            assertThat(first.guildId()).isEqualTo("1001");
            assertThat(first.action()).isEqualTo("lock");
            assertThat(first.payloadJson()).isEqualTo("{}");
            assertThat(first.age()).isBetween(Duration.ZERO, Duration.ofSeconds(30));
        }
    }

    @Test
    void aGuildsNextCommandIsClaimedOnlyOnceThePreviousOneIsFinished() {
        List<String> ids = insert("2001", "lock", "unlock");
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(ids.get(0));
            assertThat(queue.claims().claim(10)).isEmpty();

            queue.completions().complete(List.of(new Completion(ids.get(0), true, "{\"ok\":true}")));

            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(ids.get(1));
            assertThat(status(ids.get(0))).isEqualTo("done");
        }
    }

    @Test
    void aBatchOfOutcomesIsWrittenWithStatusResultAndUpdatedAtAndReleasesTheClaims() {
        List<String> ids = new ArrayList<>();
        for (int g = 0; g < 50; g++) ids.addAll(insert(String.valueOf(3000 + g), "lock"));
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            assertThat(queue.claims().claim(100)).hasSize(50);
            db.execute("UPDATE commands SET updated_at = now() - interval '1 hour'");
            List<Completion> outcomes = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                outcomes.add(
                        i % 2 == 0
                                ? new Completion(ids.get(i), true, "{\"ok\":true,\"n\":" + i + "}")
                                : new Completion(
                                        ids.get(i), false, "{\"ok\":false,\"reason\":\"no\",\"code\":\"forbidden\"}"));
            }

            queue.completions().complete(outcomes);

            assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'done' AND (result->>'n')::int % 2 = 0"))
                    .isEqualTo(25);
            assertThat(db.count(
                            "SELECT count(*) FROM commands WHERE status = 'error' AND result->>'code' = 'forbidden'"))
                    .isEqualTo(25);
            assertThat(db.count("SELECT count(*) FROM commands WHERE updated_at < now() - interval '1 minute'"))
                    .isZero();
            assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
        }
    }

    @Test
    void aCompletionForACommandThisWorkerNoLongerHoldsIsIgnored() {
        String id = insert("4001", "lock").get(0);
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            queue.claims().claim(1);
            // Another worker took it over meanwhile.
            db.execute("UPDATE valoratbot.claims SET worker_id = 'w2' WHERE command_id = ?", id);

            queue.completions().complete(List.of(new Completion(id, true, "{\"ok\":true,\"late\":true}")));

            assertThat(status(id)).isEqualTo("processing");
            assertThat(db.value("SELECT result FROM commands WHERE id = ?::uuid", id))
                    .isNull();
            assertThat(db.value("SELECT worker_id FROM valoratbot.claims WHERE command_id = ?", id))
                    .isEqualTo("w2");
        }
    }

    @Test
    void aRequeuedCommandKeepsItsCreatedAtAndComesBackFirstInItsGuild() {
        List<String> ids = insert("5001", "lock", "unlock");
        Object createdBefore = db.value("SELECT created_at FROM commands WHERE id = ?::uuid", ids.get(0));
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            queue.claims().claim(1);

            queue.recovery().requeue(List.of(ids.get(0)));

            assertThat(status(ids.get(0))).isEqualTo("pending");
            assertThat(db.value("SELECT created_at FROM commands WHERE id = ?::uuid", ids.get(0)))
                    .isEqualTo(createdBefore);
            assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(ids.get(0));
        }
    }

    @Test
    void aResultHoldingANulCharacterIsStoredInsteadOfBlockingTheBatch() {
        String id = insert("6001", "lock").get(0);
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            queue.claims().claim(1);

            queue.completions()
                    .complete(List.of(new Completion(
                            id, false, "{\"ok\":false,\"reason\":\"bad \\u0000 byte\",\"code\":\"invalid_payload\"}")));

            assertThat(status(id)).isEqualTo("error");
            assertThat((String) db.value("SELECT result->>'reason' FROM commands WHERE id = ?::uuid", id))
                    .isEqualTo("bad \ufffd byte");
        }
    }

    @Test
    void aGuildFloodingTheQueueDoesNotSlowClaimingDown() {
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT '8001', 'lock', '{}', clock_timestamp() FROM generate_series(1, 10000)""");
        String other = insert("8002", "lock").get(0);
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            db.execute("ANALYZE commands");
            long start = System.nanoTime();

            List<QueuedCommand> claimed = queue.claims().claim(10);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
            assertThat(claimed).extracting(QueuedCommand::guildId).containsExactly("8001", "8002");
            assertThat(claimed.get(1).id()).isEqualTo(other);
        }
    }

    @Test
    void concurrentClaimersNeverGetTheSameCommandNorTwoOfOneGuildAtOnce() throws Exception {
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT (7000 + g)::text, 'lock', '{}', clock_timestamp() FROM generate_series(1, 20) i, generate_series(1, 100) g""");
        int workers = 8;
        List<PostgresQueue> queues = new ArrayList<>();
        for (int w = 0; w < workers; w++)
            queues.add(PostgresQueue.builder(db.database())
                    .workerId("c" + w)
                    .listen(false)
                    .build());
        Map<String, Integer> claimedTimes = new ConcurrentHashMap<>();
        Set<String> guildsInFlight = ConcurrentHashMap.newKeySet();
        List<String> overlaps = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (PostgresQueue q : queues) {
                futures.add(pool.submit(() -> {
                    go.await();
                    int idle = 0;
                    while (done.get() < 2000 && idle < 200) {
                        List<QueuedCommand> batch = q.claims().claim(25);
                        if (batch.isEmpty()) {
                            idle++;
                            Thread.sleep(5);
                            continue;
                        }
                        idle = 0;
                        for (QueuedCommand c : batch) {
                            claimedTimes.merge(c.id(), 1, Integer::sum);
                            if (!guildsInFlight.add(c.guildId())) overlaps.add(c.guildId());
                        }
                        List<Completion> outcomes = new ArrayList<>();
                        for (QueuedCommand c : batch) {
                            guildsInFlight.remove(c.guildId());
                            outcomes.add(new Completion(c.id(), true, "{\"ok\":true}"));
                        }
                        q.completions().complete(outcomes);
                        done.addAndGet(batch.size());
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
            queues.forEach(PostgresQueue::close);
        }

        assertThat(claimedTimes).hasSize(2000);
        assertThat(claimedTimes.values()).allMatch(n -> n == 1);
        assertThat(overlaps).isEmpty();
        assertThat(db.count("SELECT count(*) FROM commands WHERE status <> 'done'"))
                .isZero();
    }
}
