package com.valoratbot.supabase.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.shard.ShardLeaseStore.Lease;
import com.valoratbot.supabase.PostgresQueue;
import com.valoratbot.supabase.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lease store, the IDENTIFY slots and the claim on owned shards, on a real PostgreSQL (V500, V501). */
class PostgresShardLeasesTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.shard_leases", "valoratbot.shard_identify");

    private static final Duration LEASE = Duration.ofSeconds(15);

    private PostgresShardLeases leases() {
        return PostgresShardLeases.on(db.database());
    }

    @Test
    void workersTakingShardsAtOnceNeverTakeTheSameOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<Lease>>> takes = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String owner = "w" + w;
            Callable<List<Lease>> take = () -> leases().acquire(owner, 16, all(16), 3, LEASE);
            takes.add(pool.submit(take));
        }
        List<Integer> taken = new ArrayList<>();
        for (Future<List<Lease>> f : takes) f.get().forEach(l -> taken.add(l.shard()));
        pool.shutdown();

        assertThat(taken).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(16);
        assertThat(db.count("SELECT count(DISTINCT owner_worker_id) FROM valoratbot.shard_leases"))
                .isGreaterThan(1);
        assertThat(db.count("SELECT count(*) FROM valoratbot.shard_leases WHERE owner_worker_id IS NOT NULL"))
                .isEqualTo(taken.size());
    }

    @Test
    void anExpiredLeaseIsTakenOverUnderANewEpochAndItsOldOwnerCanNeitherRenewNorReleaseIt() {
        Lease old = leases().acquire("old", 2, Set.of(0), 1, LEASE).getFirst();
        assertThat(leases().acquire("new", 2, Set.of(0), 1, LEASE)).isEmpty();
        db.execute("UPDATE valoratbot.shard_leases SET lease_expires_at = clock_timestamp() - interval '1 second'");

        Lease taken = leases().acquire("new", 2, Set.of(0), 1, LEASE).getFirst();

        assertThat(taken.epoch()).isEqualTo(old.epoch() + 1);
        assertThat(leases().renew("old", old, LEASE)).isFalse();
        leases().release("old", old);
        assertThat(db.value("SELECT owner_worker_id FROM valoratbot.shard_leases WHERE shard_id = 0"))
                .isEqualTo("new");
        assertThat(leases().renew("new", taken, LEASE)).isTrue();
    }

    @Test
    void aRenewalAfterTheLeaseExpiredInTheDatabaseFailsEvenWithoutAnotherOwner() {
        Lease held = leases().acquire("a", 1, Set.of(0), 1, LEASE).getFirst();
        db.execute(
                "UPDATE valoratbot.shard_leases SET lease_expires_at = clock_timestamp() - interval '1 millisecond'");
        assertThat(leases().renew("a", held, LEASE)).isFalse();
    }

    @Test
    void aReleasedShardIsFreeAtOnceAndTheRowSaysWhen() {
        Lease held = leases().acquire("a", 4, Set.of(2), 1, LEASE).getFirst();
        leases().markReady("a", held);
        assertThat(db.value("SELECT ready_at IS NOT NULL FROM valoratbot.shard_leases WHERE shard_id = 2"))
                .isEqualTo(true);
        leases().release("a", held);
        assertThat(
                        db.row(
                                "SELECT owner_worker_id, lease_expires_at, released_at IS NOT NULL AS released FROM valoratbot.shard_leases WHERE shard_id = 2"))
                .containsEntry("owner_worker_id", null)
                .containsEntry("released", true);
        assertThat(leases().acquire("b", 4, Set.of(2), 1, LEASE)).hasSize(1);
    }

    @Test
    void noShardIsTakenUnderAnotherTotalWhileALeaseUnderTheFirstIsLive() {
        leases().acquire("four", 4, Set.of(3), 1, LEASE);
        assertThat(leases().acquire("two", 2, Set.of(0, 1), 2, LEASE)).isEmpty();
    }

    @Test
    void anIdentifySlotIsHeldUntilTheSessionIdentifiedAndThenFiveSecondsFromThere() {
        PostgresIdentifySlots slots = PostgresIdentifySlots.on(db.database());
        Duration interval = Duration.ofSeconds(5);
        Duration hold = Duration.ofSeconds(30);
        assertThat(slots.take("a", 0, 1, interval, hold)).isZero();
        // Held while a's session connects: about the hold, not the interval.
        assertThat(slots.take("b", 1, 1, interval, hold)).isGreaterThan(Duration.ofSeconds(25));
        slots.identified("a", 0, 1);
        assertThat(slots.take("b", 1, 1, interval, hold))
                .isGreaterThan(Duration.ofSeconds(4))
                .isLessThanOrEqualTo(interval);
        // Another bucket (max_concurrency 2: shard 1 is bucket 1) is free.
        assertThat(slots.take("b", 1, 2, interval, hold)).isZero();
    }

    @Test
    void aWorkerOnShardsClaimsOnlyTheCommandsOfGuildsOnThem() {
        // Guild ids on shard 0 and shard 1 of 2: (id >> 22) % 2.
        long onZero = 2L << 22;
        long onOne = 3L << 22;
        db.execute(
                "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'lock', '{}'), (?, 'lock', '{}'),"
                        + " ('not-a-snowflake', 'lock', '{}')",
                Long.toString(onZero),
                Long.toString(onOne));
        try (PostgresQueue one = PostgresQueue.builder(db.database())
                        .workerId("one")
                        .listen(false)
                        .shards(2, List.of(1))
                        .build();
                PostgresQueue zero = PostgresQueue.builder(db.database())
                        .workerId("zero")
                        .listen(false)
                        .shards(2, List.of(0))
                        .build()) {
            assertThat(one.claims().claim(10))
                    .extracting(QueuedCommand::guildId)
                    .containsExactly(Long.toString(onOne));
            // A junk guild id is shard 0's, so exactly one owner answers it.
            assertThat(zero.claims().claim(10))
                    .extracting(QueuedCommand::guildId)
                    .containsExactlyInAnyOrder(Long.toString(onZero), "not-a-snowflake");
        }
    }

    @Test
    void oldPendingCommandsOfAShardNobodyHoldsEndWithTheGivenResultAndTheOthersWait() {
        long onZero = 2L << 22;
        long onOne = 3L << 22;
        leases().acquire("holder", 2, Set.of(0), 1, LEASE); // shard 1 has no owner
        db.execute(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES"
                        + " (?, 'lock', '{}', clock_timestamp() - interval '1 minute'),"
                        + " (?, 'lock', '{}', clock_timestamp() - interval '1 minute'),"
                        + " (?, 'lock', '{}', clock_timestamp()),"
                        + " (?, 'ADD_QUEST_PROGRESS', '{}', clock_timestamp() - interval '1 minute')",
                Long.toString(onZero),
                Long.toString(onOne),
                Long.toString(onOne),
                Long.toString(onOne));
        var unowned = com.valoratbot.supabase.UnownedShardCommands.on(db.database(), Set.of("ADD_QUEST_PROGRESS"));

        assertThat(unowned.unownedShards(2)).containsExactly(1);
        assertThat(unowned.expire(1, 2, Duration.ofSeconds(24), "{\"ok\":false,\"code\":\"expired\"}"))
                .isEqualTo(1);

        assertThat(db.rows(
                        "SELECT guild_id, action, status, result->>'code' AS code FROM commands ORDER BY created_at"))
                .extracting(
                        r -> r.get("guild_id") + " " + r.get("action") + " " + r.get("status") + " " + r.get("code"))
                .containsExactlyInAnyOrder(
                        onZero + " lock pending null", // its shard has an owner: it will run
                        onOne + " lock error expired", // nobody holds shard 1 and it is too old
                        onOne + " lock pending null", // young: still waits for an owner
                        onOne + " ADD_QUEST_PROGRESS pending null"); // another consumer's
    }

    private static Set<Integer> all(int n) {
        Set<Integer> s = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) s.add(i);
        return s;
    }
}
