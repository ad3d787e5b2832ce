package com.valoratbot.standin;

import java.time.Duration;

/**
 * How the stand-in shards, after Discord's "Sharding" rules: what {@code GET /gateway/bot} recommends, how many
 * IDENTIFYs it lets through per 5 s, and how many guilds one session may hold before close code 4011.
 *
 * @param recommendedShards the {@code shards} of {@code /gateway/bot}; 0 computes it like Discord's ~1,000 guilds
 *     per shard guidance: {@code max(1, ceil(guilds / 1000))}, and never below what {@code guildsPerShardLimit} needs
 * @param maxConcurrency {@code session_start_limit.max_concurrency}: the number of IDENTIFY buckets
 *     ({@code shard_id % max_concurrency})
 * @param identifyWindow one IDENTIFY per bucket per this window (Discord: 5 s); null leaves IDENTIFY unpaced, the
 *     default, so tests that start many clients at once keep working
 * @param guildsPerShardLimit a session that would hold more guilds than this is closed with 4011 (Discord: 2,500);
 *     0 never requires sharding
 * @param sessionStartTotal {@code session_start_limit.total} (Discord: 1,000 a day); reported, not enforced
 */
record ShardingRules(
        int recommendedShards,
        int maxConcurrency,
        Duration identifyWindow,
        int guildsPerShardLimit,
        int sessionStartTotal) {

    static final int GUILDS_PER_RECOMMENDED_SHARD = 1000;
    static final ShardingRules DEFAULT = new ShardingRules(0, 1, null, 0, 1000);

    int recommendedFor(int guildCount) {
        if (recommendedShards > 0) {
            return recommendedShards;
        }
        int byGuidance = Math.max(1, ceilDiv(guildCount, GUILDS_PER_RECOMMENDED_SHARD));
        return guildsPerShardLimit > 0 ? Math.max(byGuidance, ceilDiv(guildCount, guildsPerShardLimit)) : byGuidance;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
