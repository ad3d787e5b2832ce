package com.valoratbot.core.shard;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which gateway shards a worker may hold. Discord puts a guild on shard {@code (guild_id >> 22) %
 * total}; every worker of one bot must use the same total.
 */
public sealed interface ShardPlan {

    /** The default: one session for every guild, no lease, no filter (one worker, as before issue 11). */
    record Unsharded() implements ShardPlan {}

    /**
     * Any of the {@code total} shards, at most {@code capacity} at once, taken as leases expire or free up.
     */
    record Dynamic(int total, int capacity) implements ShardPlan {
        public Dynamic {
            if (total < 1 || total > MAX_SHARDS)
                throw new IllegalArgumentException("shard total must be from 1 to " + MAX_SHARDS + ", was " + total);
            if (capacity < 1) throw new IllegalArgumentException("shard capacity must be at least 1, was " + capacity);
        }
    }

    /** Exactly shards {@code first..last} of {@code total} (still through leases: never two owners). */
    record Static(int total, int first, int last) implements ShardPlan {
        public Static {
            if (total < 1 || total > MAX_SHARDS)
                throw new IllegalArgumentException("shard total must be from 1 to " + MAX_SHARDS + ", was " + total);
            if (first < 0 || last < first || last >= total)
                throw new IllegalArgumentException(
                        "shard range " + first + "-" + last + " is not within 0-" + (total - 1));
        }
    }

    /** Far above any bot's need (Discord asks one shard per 1,000 to 2,500 guilds); bounds a typo. */
    int MAX_SHARDS = 4096;

    /** The shards this plan may hold, in order (empty when unsharded). */
    default Set<Integer> candidates() {
        Set<Integer> out = new TreeSet<>();
        switch (this) {
            case Unsharded u -> {}
            case Dynamic d -> {
                for (int i = 0; i < d.total(); i++) out.add(i);
            }
            case Static s -> {
                for (int i = s.first(); i <= s.last(); i++) out.add(i);
            }
        }
        return out;
    }

    /** How many shards it holds at most. */
    default int maxHeld() {
        return switch (this) {
            case Unsharded u -> 0;
            case Dynamic d -> Math.min(d.capacity(), d.total());
            case Static s -> s.last() - s.first() + 1;
        };
    }

    /** The shard total (0 when unsharded). */
    default int total() {
        return switch (this) {
            case Unsharded u -> 0;
            case Dynamic d -> d.total();
            case Static s -> s.total();
        };
    }

    /** The shard a guild lives on, as Discord computes it. */
    static int shardOf(long guildId, int total) {
        return total < 2 ? 0 : (int) ((guildId >>> 22) % total);
    }
}
