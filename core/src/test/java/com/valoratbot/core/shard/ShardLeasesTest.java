package com.valoratbot.core.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.port.shard.ShardLeaseStore;
import com.valoratbot.core.port.shard.ShardLeaseStore.Lease;
import com.valoratbot.core.shard.ShardLeases.Lost;
import com.valoratbot.core.shard.ShardLeases.Why;
import com.valoratbot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The lease rules with one test clock for the store and the workers (the store's expiry follows the
 * same instants the workers read). The store here keeps the SQL store's rules in memory
 * (adapters-supabase's PostgresShardLeasesTest checks the SQL one against a real PostgreSQL).
 */
class ShardLeasesTest {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private final TestClock clock = TestClock.at("2026-12-02T06:00:00Z");
    private final MemoryStore store = new MemoryStore(clock);

    private ShardLeases worker(String name, ShardPlan plan) {
        return ShardLeases.of(store, clock, name, plan, LEASE, MARGIN);
    }

    @Test
    void aWorkerTakesFreeShardsUpToItsCapacityAndAnotherTakesTheRest() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(10, 4));
        ShardLeases b = worker("b", new ShardPlan.Dynamic(10, 4));
        ShardLeases c = worker("c", new ShardPlan.Dynamic(10, 4));

        assertThat(a.tick().won()).extracting(Lease::shard).containsExactly(0, 1, 2, 3);
        assertThat(b.tick().won()).extracting(Lease::shard).containsExactly(4, 5, 6, 7);
        assertThat(c.tick().won()).extracting(Lease::shard).containsExactly(8, 9);
        assertThat(a.tick().none()).isTrue();
        assertThat(store.owners()).hasSize(10);
    }

    @Test
    void aRenewedLeaseIsKeptForAsLongAsTheWorkerRenewsIt() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(2, 2));
        ShardLeases b = worker("b", new ShardPlan.Dynamic(2, 2));
        a.tick();
        for (int i = 0; i < 20; i++) {
            clock.advance(a.renewInterval());
            assertThat(a.tick().none()).isTrue();
            assertThat(b.tick().won()).isEmpty();
        }
        assertThat(a.held()).containsExactly(0, 1);
    }

    @Test
    void aWorkerTickingOftenRenewsOnlyEveryThirdOfTheLease() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(1, 1));
        a.tick();
        int before = store.renewals;
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            a.tick();
        }
        // 10 s at one tick a second, a 15 s lease: renewed at 5 s and 10 s only.
        assertThat(store.renewals - before).isEqualTo(2);
        assertThat(a.held()).containsExactly(0);
    }

    @Test
    void aTenSecondLeaseRenewedEverySecondIsGivenUpSevenSecondsAfterItsLastRenewalAndNeverAfterItsExpiry() {
        Duration lease = Duration.ofSeconds(10);
        ShardLeases a =
                ShardLeases.of(store, clock, "a", new ShardPlan.Dynamic(1, 1), lease, MARGIN, Duration.ofSeconds(1));
        ShardLeases b = worker("b", new ShardPlan.Dynamic(1, 1));
        a.tick();
        int before = store.renewals;
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            a.tick();
        }
        assertThat(store.renewals - before).as("renewed every second").isEqualTo(5);
        // The store stops answering: the shard is kept 7 s (10 - 2 margin - 1), then fenced, before expiry.
        store.down.set(true);
        clock.advance(Duration.ofSeconds(7));
        assertThat(a.fence()).isEmpty();
        clock.advance(Duration.ofMillis(1001));
        assertThat(a.fence()).extracting(ShardLeases.Lost::shard).containsExactly(0);
        store.down.set(false);
        assertThat(b.tick().won())
                .as("the lease has not expired in the store yet")
                .isEmpty();
        clock.advance(Duration.ofMillis(2000));
        assertThat(b.tick().won()).extracting(Lease::shard).containsExactly(0);
    }

    @Test
    void aDeadWorkersShardsAreTakenOverOnlyOnceItsLeaseExpired() {
        ShardLeases dead = worker("dead", new ShardPlan.Dynamic(2, 2));
        ShardLeases heir = worker("heir", new ShardPlan.Dynamic(2, 2));
        dead.tick();

        clock.advance(LEASE.minusMillis(1));
        assertThat(heir.tick().won()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        List<Lease> won = heir.tick().won();

        assertThat(won).extracting(Lease::shard).containsExactly(0, 1);
        assertThat(won).extracting(Lease::epoch).containsOnly(2L);
    }

    @Test
    void aWorkerThatCannotRenewGivesItsShardsUpBeforeAnyoneCanTakeThem() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(3, 3));
        ShardLeases b = worker("b", new ShardPlan.Dynamic(3, 3));
        a.tick();
        store.down.set(true); // a's renewals fail from now on; b's acquisitions too, until the store is back

        Instant fencedAt = null;
        for (int ms = 0; ms <= LEASE.toMillis(); ms += 250) {
            List<Lost> lost = a.fence();
            if (!lost.isEmpty()) {
                assertThat(lost).extracting(Lost::why).containsOnly(Why.FENCED);
                fencedAt = clock.instant();
                break;
            }
            a.tick();
            clock.advance(Duration.ofMillis(250));
        }
        assertThat(fencedAt).as("a gave its shards up").isNotNull();
        assertThat(a.held()).isEmpty();
        store.down.set(false);
        // The store still says a holds them: b cannot take them yet, a is already off them.
        assertThat(b.tick().won()).isEmpty();
        assertThat(Duration.between(store.takenAt, clock.instant())).isLessThan(LEASE);

        clock.advance(MARGIN);
        assertThat(b.tick().won()).extracting(Lease::shard).containsExactly(0, 1, 2);
    }

    @Test
    void aWorkerWhoseLeaseWasTakenOverLearnsItAtItsNextRenewal() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(1, 1));
        ShardLeases b = worker("b", new ShardPlan.Dynamic(1, 1));
        a.tick();
        // a was paused (a long GC) past its lease; b took the shard.
        clock.advance(LEASE.plusSeconds(1));
        assertThat(b.tick().won()).hasSize(1);

        // a's own deadline passed too: it fences before it even asks the store.
        assertThat(a.tick().lost()).containsExactly(new Lost(0, Why.FENCED));
        assertThat(store.owner(0)).isEqualTo("b");
    }

    @Test
    void aStaleOwnerCannotRenewALeaseUnderAnotherEpoch() {
        ShardLeases b = worker("b", new ShardPlan.Dynamic(1, 1));
        b.tick();
        // "a" held epoch 0 of shard 0 long ago.
        assertThat(store.renew("a", new Lease(0, 0), LEASE)).isFalse();
        assertThat(store.renew("b", new Lease(0, 0), LEASE)).isFalse();
        assertThat(store.renew("b", new Lease(0, 1), LEASE)).isTrue();
    }

    @Test
    void aLeaseLostToAnotherWorkerIsReportedTakenOver() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(1, 1));
        a.tick();
        store.steal(0, "thief");
        clock.advance(a.renewInterval());
        assertThat(a.tick().lost()).containsExactly(new Lost(0, Why.TAKEN_OVER));
        assertThat(a.held()).isEmpty();
    }

    @Test
    void aShardThatFailedToStartIsLeftAloneForABackOffThatDoublesUpToTenMinutes() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(1, 1));
        ShardLeases b = worker("b", new ShardPlan.Dynamic(1, 1));
        assertThat(a.tick().won()).extracting(Lease::shard).containsExactly(0);

        assertThat(a.failedToStart(0)).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        assertThat(a.tick().won()).as("not taken again within the back-off").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.tick().won()).extracting(Lease::shard).containsExactly(0);

        List<Duration> next = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            next.add(a.failedToStart(0));
            clock.advance(next.getLast());
            assertThat(a.tick().won()).extracting(Lease::shard).containsExactly(0);
        }
        assertThat(next)
                .containsExactly(
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(2),
                        Duration.ofMinutes(4),
                        Duration.ofMinutes(8),
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(10));

        a.started(0);
        assertThat(a.failedToStart(0)).as("a start resets it").isEqualTo(Duration.ofSeconds(30));
        assertThat(b.tick().won())
                .as("another worker may take it meanwhile")
                .extracting(Lease::shard)
                .containsExactly(0);
    }

    @Test
    void aGracefulStopFreesTheShardsAtOnce() {
        ShardLeases a = worker("a", new ShardPlan.Dynamic(2, 2));
        ShardLeases b = worker("b", new ShardPlan.Dynamic(2, 2));
        a.tick();
        assertThat(a.releaseAll()).containsExactly(0, 1);
        assertThat(b.tick().won()).extracting(Lease::shard).containsExactly(0, 1);
    }

    @Test
    void aStaticRangeTakesOnlyItsOwnShards() {
        ShardLeases low = worker("low", new ShardPlan.Static(4, 0, 1));
        ShardLeases high = worker("high", new ShardPlan.Static(4, 2, 3));
        assertThat(high.tick().won()).extracting(Lease::shard).containsExactly(2, 3);
        assertThat(low.tick().won()).extracting(Lease::shard).containsExactly(0, 1);
    }

    @Test
    void noShardIsTakenWhileALiveLeaseUnderAnotherTotalExists() {
        ShardLeases four = worker("four", new ShardPlan.Dynamic(4, 1));
        ShardLeases two = worker("two", new ShardPlan.Dynamic(2, 2));
        four.tick();
        assertThat(two.tick().won()).isEmpty();
        four.releaseAll();
        assertThat(two.tick().won()).extracting(Lease::shard).containsExactly(0, 1);
    }

    @Test
    void theGuildToShardMapIsDiscords() {
        // (guild_id >> 22) % total, Discord's formula.
        assertThat(ShardPlan.shardOf(1_100_000_000_000_000_001L, 10)).isEqualTo(1);
        assertThat(ShardPlan.shardOf(1_100_000_000_000_000_001L, 1)).isZero();
        assertThat(new ShardPlan.Static(10, 3, 5).candidates()).containsExactly(3, 4, 5);
        assertThatThrownBy(() -> new ShardPlan.Static(4, 2, 4)).hasMessageContaining("not within 0-3");
        assertThatThrownBy(() -> ShardLeases.of(store, clock, "x", new ShardPlan.Unsharded(), LEASE, MARGIN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The SQL store's rules, in memory, on the test clock. */
    private static final class MemoryStore implements ShardLeaseStore {
        private final TestClock clock;
        private final Map<Integer, Row> rows = new HashMap<>();
        final AtomicBoolean down = new AtomicBoolean();
        int renewals;
        Instant takenAt;

        private static final class Row {
            int total;
            String owner;
            Instant expires;
            long epoch;
        }

        MemoryStore(TestClock clock) {
            this.clock = clock;
        }

        private void check() {
            if (down.get()) throw new IllegalStateException("store down");
        }

        private boolean live(Row r) {
            return r.owner != null && clock.instant().isBefore(r.expires);
        }

        @Override
        public synchronized List<Lease> acquire(
                String owner, int total, Set<Integer> candidates, int max, Duration lease) {
            check();
            if (rows.values().stream().anyMatch(r -> r.total != total && live(r))) return List.of();
            List<Lease> out = new ArrayList<>();
            for (int shard : candidates) {
                if (out.size() == max) break;
                Row r = rows.computeIfAbsent(shard, k -> new Row());
                if (live(r)) continue;
                r.total = total;
                r.owner = owner;
                r.expires = clock.instant().plus(lease);
                r.epoch++;
                takenAt = clock.instant();
                out.add(new Lease(shard, r.epoch));
            }
            return out;
        }

        @Override
        public synchronized boolean renew(String owner, Lease held, Duration lease) {
            check();
            renewals++;
            Row r = rows.get(held.shard());
            if (r == null || !owner.equals(r.owner) || r.epoch != held.epoch() || !live(r)) return false;
            r.expires = clock.instant().plus(lease);
            return true;
        }

        @Override
        public synchronized void release(String owner, Lease held) {
            check();
            Row r = rows.get(held.shard());
            if (r != null && owner.equals(r.owner) && r.epoch == held.epoch()) {
                r.owner = null;
                r.expires = null;
            }
        }

        @Override
        public void markReady(String owner, Lease held) {}

        synchronized void steal(int shard, String thief) {
            Row r = rows.get(shard);
            r.owner = thief;
            r.epoch++;
        }

        synchronized String owner(int shard) {
            return rows.get(shard).owner;
        }

        synchronized Map<Integer, String> owners() {
            Map<Integer, String> out = new HashMap<>();
            rows.forEach((k, v) -> {
                if (live(v)) out.put(k, v.owner);
            });
            return out;
        }
    }
}
