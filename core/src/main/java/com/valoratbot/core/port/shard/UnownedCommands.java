package com.valoratbot.core.port.shard;

import java.time.Duration;
import java.util.Set;

/**
 * The commands of guilds on shards nobody holds (adapters-supabase: the command table and
 * {@code valoratbot.shard_leases}). No worker claims them; they must still end (issue 11).
 */
public interface UnownedCommands {

    /** The shards of {@code 0..total-1} without a live lease now. */
    Set<Integer> unownedShards(int total);

    /**
     * Ends, with {@code resultJson}, the pending commands of guilds on {@code shard} that are older
     * than {@code maxAge}, except other consumers' actions; a command claimed meanwhile is left alone.
     *
     * @return how many were ended
     */
    int expire(int shard, int total, Duration maxAge, String resultJson);
}
