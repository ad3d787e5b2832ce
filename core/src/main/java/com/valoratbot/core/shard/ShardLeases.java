package com.valoratbot.core.shard;

import com.valoratbot.core.port.shard.ShardLeaseStore;
import com.valoratbot.core.port.shard.ShardLeaseStore.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The lease rules of one worker process (issue 11): take shards up to its plan's capacity, renew
 * them, give up one it can no longer renew BEFORE its lease can expire in the store (self-fencing),
 * and release them on a graceful stop. The caller connects and disconnects shards as {@link #tick()}
 * and {@link #fence()} say; this class never touches Discord.
 *
 * <p>Why the deadline is safe although the store's clock decides expiry: a lease taken or renewed by
 * a call sent at local instant {@code s} expires in the store no earlier than {@code s + lease}
 * (the store adds the lease to its own "now", which is after the call was sent). This worker gives
 * the shard up at {@code s + lease - fenceMargin}, so only the two clocks' RATES must agree, never
 * their readings. The margin covers the time to disconnect the session.
 *
 * <p>One coordinator thread calls {@link #tick()}; a watchdog may call {@link #fence()} meanwhile (it reads
 * no store, so a renewal hanging on the network cannot delay it). Store calls run outside the lock.
 */
public final class ShardLeases {

    private final ShardLeaseStore store;
    private final Clock clock;
    private final String owner;
    private final ShardPlan plan;
    private final Duration lease;
    private final Duration fenceMargin;
    private final Duration renewInterval;
    private volatile Map<Integer, Held> held = Map.of();

    private record Held(Lease lease, Instant giveUpAt) {}

    /** First back-off of a shard that failed to start here; doubled at each failure in a row. */
    public static final Duration FIRST_BACK_OFF = Duration.ofSeconds(30);
    /** Longest back-off: a shard failing for good is still tried again every ten minutes. */
    public static final Duration MAX_BACK_OFF = Duration.ofMinutes(10);

    private record BackOff(Instant until, Duration last) {}

    /** Shards this worker failed to start, not taken again before their time (each try spends an IDENTIFY). */
    private final Map<Integer, BackOff> backOffs = new java.util.concurrent.ConcurrentHashMap<>();

    /** What one {@link #tick()} changed: shards newly won (to connect), and shards lost (disconnect now). */
    public record Changes(List<Lease> won, List<Lost> lost) {
        public boolean none() {
            return won.isEmpty() && lost.isEmpty();
        }
    }

    /** A shard this worker no longer holds, and why. */
    public record Lost(int shard, Why why) {}

    public enum Why {
        /** Another worker holds it now, or the store says the lease is gone. */
        TAKEN_OVER,
        /** It could not be renewed in time: given up before the store could hand it to another worker. */
        FENCED
    }

    private ShardLeases(
            ShardLeaseStore store,
            Clock clock,
            String owner,
            ShardPlan plan,
            Duration lease,
            Duration fenceMargin,
            Duration renewInterval) {
        this.renewInterval = renewInterval;
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.lease = lease;
        this.fenceMargin = fenceMargin;
        if (plan instanceof ShardPlan.Unsharded)
            throw new IllegalArgumentException("an unsharded worker holds no lease");
        if (lease.compareTo(Duration.ofSeconds(1)) < 0)
            throw new IllegalArgumentException("the shard lease must be at least 1s, was " + lease);
        if (fenceMargin.isNegative() || fenceMargin.compareTo(lease.dividedBy(2)) > 0)
            throw new IllegalArgumentException("the fence margin must be from 0 to half the lease, was " + fenceMargin);
        if (!renewInterval.isPositive() || renewInterval.compareTo(lease.dividedBy(3)) > 0)
            throw new IllegalArgumentException(
                    "the renewal interval must be positive and at most a third of the lease, was " + renewInterval);
    }

    /**
     * @param lease       how long a taken or renewed lease lasts in the store; renew every third of it
     * @param fenceMargin how long before the lease's earliest possible expiry a shard is given up
     *                    unrenewed (time to disconnect it)
     */
    public static ShardLeases of(
            ShardLeaseStore store, Clock clock, String owner, ShardPlan plan, Duration lease, Duration fenceMargin) {
        return new ShardLeases(store, clock, owner, plan, lease, fenceMargin, lease.dividedBy(3));
    }

    /**
     * As {@link #of(ShardLeaseStore, Clock, String, ShardPlan, Duration, Duration)}, renewing every
     * {@code renewInterval} (at most a third of the lease). Renewing more often than a third lets a
     * shorter lease (a dead worker's shards taken sooner) keep the same tolerance to a stalled process:
     * it is given up after {@code lease - fenceMargin - renewInterval} without a successful renewal.
     */
    public static ShardLeases of(
            ShardLeaseStore store,
            Clock clock,
            String owner,
            ShardPlan plan,
            Duration lease,
            Duration fenceMargin,
            Duration renewInterval) {
        return new ShardLeases(store, clock, owner, plan, lease, fenceMargin, renewInterval);
    }

    /** How often a held lease is renewed: a third of the lease by default, so two failed renewals still keep it. */
    public Duration renewInterval() {
        return renewInterval;
    }

    /** Whether this worker holds fewer shards than its plan allows (it then looks for free ones at every tick). */
    public boolean hasRoom() {
        return held.size() < plan.maxHeld();
    }

    public String owner() {
        return owner;
    }

    public ShardPlan plan() {
        return plan;
    }

    /** The shards held now, in order. */
    public Set<Integer> held() {
        return new TreeSet<>(held.keySet());
    }

    /** The lease held on {@code shard}, if any. */
    public java.util.Optional<Lease> lease(int shard) {
        return java.util.Optional.ofNullable(held.get(shard)).map(Held::lease);
    }

    /**
     * Renews what is held (losing what cannot be renewed), then takes free or expired shards up to the
     * plan's capacity. A store that fails (throws) loses nothing at once: the shard is given up when its
     * local deadline passes ({@link #fence()} or the next tick).
     */
    public Changes tick() {
        return tick(true);
    }

    /**
     * Renews what is held and takes nothing new: a worker stopping gracefully keeps its shards' leases
     * alive until their sessions are closed (a close may outlast the lease), then releases them.
     */
    public Changes renewOnly() {
        return tick(false);
    }

    private Changes tick(boolean take) {
        List<Lost> lost = new ArrayList<>(fence());
        for (Held h : held.values()) {
            // Renewed a third of the lease after the last renewal was sent, however often tick()
            // runs (a worker with room ticks every second to take free shards sooner).
            Instant due = h.giveUpAt().minus(lease).plus(fenceMargin).plus(renewInterval());
            if (clock.instant().isBefore(due)) continue;
            Instant sent = clock.instant();
            boolean renewed;
            try {
                renewed = store.renew(owner, h.lease(), lease);
            } catch (RuntimeException e) {
                continue; // the deadline decides (see the class comment)
            }
            synchronized (this) {
                Held now = held.get(h.lease().shard());
                if (now == null || !now.lease().equals(h.lease())) {
                    // Fenced by the watchdog while the renewal was on its way: the session is already
                    // closed, so hand the lease back rather than let it sit until it expires.
                    if (renewed) releaseQuietly(h.lease());
                } else if (renewed) {
                    put(new Held(h.lease(), giveUpAt(sent)));
                } else {
                    remove(h.lease().shard());
                    lost.add(new Lost(h.lease().shard(), Why.TAKEN_OVER));
                }
            }
        }
        List<Lease> won = new ArrayList<>();
        int room = take ? plan.maxHeld() - held.size() : 0;
        if (room > 0) {
            Set<Integer> wanted = plan.candidates();
            wanted.removeAll(held.keySet());
            Instant at = clock.instant();
            wanted.removeIf(shard -> {
                BackOff b = backOffs.get(shard);
                return b != null && at.isBefore(b.until());
            });
            Instant sent = clock.instant();
            List<Lease> taken;
            try {
                taken = store.acquire(owner, plan.total(), wanted, room, lease);
            } catch (RuntimeException e) {
                taken = List.of();
            }
            synchronized (this) {
                for (Lease l : taken) {
                    put(new Held(l, giveUpAt(sent)));
                    won.add(l);
                }
            }
        }
        return new Changes(List.copyOf(won), List.copyOf(lost));
    }

    private void put(Held h) {
        Map<Integer, Held> next = new TreeMap<>(held);
        next.put(h.lease().shard(), h);
        held = Map.copyOf(next);
    }

    private void remove(int shard) {
        Map<Integer, Held> next = new TreeMap<>(held);
        next.remove(shard);
        held = Map.copyOf(next);
    }

    private void releaseQuietly(Lease l) {
        try {
            store.release(owner, l);
        } catch (RuntimeException e) {
            // Left to expire: another worker takes it when the store's lease ends.
        }
    }

    /**
     * The held shards whose local deadline passed (renewals failing or too slow), removed from what is
     * held: the caller disconnects them at once. Reads no store, so a watchdog may call it while a
     * renewal hangs on the network.
     */
    public synchronized List<Lost> fence() {
        Instant now = clock.instant();
        List<Lost> out = new ArrayList<>();
        Map<Integer, Held> next = new TreeMap<>(held);
        for (Held h : held.values()) {
            if (!now.isBefore(h.giveUpAt())) {
                next.remove(h.lease().shard());
                out.add(new Lost(h.lease().shard(), Why.FENCED));
            }
        }
        if (!out.isEmpty()) held = Map.copyOf(next);
        return out;
    }

    /** When the earliest held shard must be given up unrenewed (for the watchdog's next wake-up). */
    public java.util.Optional<Instant> nextDeadline() {
        return held.values().stream().map(Held::giveUpAt).min(Instant::compareTo);
    }

    /** Gives every held shard back (graceful stop, after its session closed); failures are left to expiry. */
    public synchronized List<Integer> releaseAll() {
        List<Integer> out = new ArrayList<>();
        for (Held h : new TreeMap<>(held).values()) {
            releaseQuietly(h.lease());
            out.add(h.lease().shard());
        }
        held = Map.of();
        return out;
    }

    /**
     * Gives back a shard that failed to start here and does not take it again for a while: 30 s, doubled
     * at each failure in a row up to 10 min (a shard that keeps failing would otherwise be taken again
     * at the next tick, spending one IDENTIFY of the bot's daily budget every few seconds). Another
     * worker may take it meanwhile.
     *
     * @return how long this worker now leaves it alone
     */
    public Duration failedToStart(int shard) {
        release(shard);
        BackOff before = backOffs.get(shard);
        Duration next = before == null ? FIRST_BACK_OFF : before.last().multipliedBy(2);
        if (next.compareTo(MAX_BACK_OFF) > 0) next = MAX_BACK_OFF;
        backOffs.put(shard, new BackOff(clock.instant().plus(next), next));
        return next;
    }

    /** A shard started: its next failure backs off from the first step again. */
    public void started(int shard) {
        backOffs.remove(shard);
    }

    /** Gives one shard back (its session was closed, e.g. after a failed start). */
    public synchronized void release(int shard) {
        Held h = held.get(shard);
        if (h == null) return;
        remove(shard);
        releaseQuietly(h.lease());
    }

    private Instant giveUpAt(Instant sent) {
        return sent.plus(lease).minus(fenceMargin);
    }
}
