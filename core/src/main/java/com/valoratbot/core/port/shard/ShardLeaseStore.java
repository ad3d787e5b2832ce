package com.valoratbot.core.port.shard;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Where shard leases live, shared by every worker process of one bot (adapters-supabase:
 * {@code valoratbot.shard_leases}). Expiry is decided by the store's own clock (the database's), never a
 * worker's; a worker only measures durations from the moment it sent a call (see {@code ShardLeases}).
 */
public interface ShardLeaseStore {

    /**
     * Takes up to {@code max} of {@code candidates} that are free or whose lease expired, for {@code
     * lease} from now, under {@code total} shards. Takes nothing while a live lease under another total
     * exists (two totals put guilds on overlapping shards).
     *
     * @return the leases taken, each with its new epoch
     */
    List<Lease> acquire(String owner, int total, Set<Integer> candidates, int max, Duration lease);

    /** Extends a held lease by {@code lease} from now; false when it expired or another worker took it. */
    boolean renew(String owner, Lease held, Duration lease);

    /** Frees a held lease at once (graceful stop, or after self-fencing); nothing when no longer held. */
    void release(String owner, Lease held);

    /** Records that the owner's session on the shard is ready (for the operators' view). */
    void markReady(String owner, Lease held);

    /** A shard held under an epoch: the fencing token a renewal or release must name. */
    record Lease(int shard, long epoch) {}
}
