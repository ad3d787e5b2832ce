package com.valoratbot.worker;

import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.library.ShardedValoratbot;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sharding (issue 11, docs/scaling.md), read apart from {@link WorkerConfig}: off by default (one
 * unsharded session, exactly as before).
 *
 * @param plan         the shards this process may hold ({@link ShardPlan.Unsharded} when off)
 * @param auto         the total is Discord's recommendation ({@code VALORATBOT_SHARDS=auto})
 * @param autoCapacity with {@code auto}: at most this many shards here
 * @param lease        how long a shard lease lasts unrenewed
 */
record ShardConfig(ShardPlan plan, boolean auto, int autoCapacity, Duration lease) {

    static final Set<String> KEYS = Set.of(
            "VALORATBOT_SHARDS", "VALORATBOT_SHARD_CAPACITY", "VALORATBOT_SHARD_RANGE", "VALORATBOT_SHARD_LEASE");

    private static final Pattern RANGE = Pattern.compile("(\\d{1,4})\\s*-\\s*(\\d{1,4})|(\\d{1,4})");

    boolean on() {
        return auto || !(plan instanceof ShardPlan.Unsharded);
    }

    static ShardConfig from(Settings s) {
        Duration lease = s.duration("VALORATBOT_SHARD_LEASE", ShardedValoratbot.DEFAULT_LEASE);
        if (lease.compareTo(Duration.ofSeconds(3)) < 0)
            throw new IllegalArgumentException("VALORATBOT_SHARD_LEASE must be at least 3s, was " + lease);
        String shards = s.get("VALORATBOT_SHARDS", "off").strip().toLowerCase(Locale.ROOT);
        boolean capacityGiven = s.get("VALORATBOT_SHARD_CAPACITY").isPresent();
        int capacity = s.integer("VALORATBOT_SHARD_CAPACITY", ShardPlan.MAX_SHARDS, 1, ShardPlan.MAX_SHARDS);
        var range = s.get("VALORATBOT_SHARD_RANGE");
        switch (shards) {
            case "off", "false", "no", "0" -> {
                if (capacityGiven || range.isPresent())
                    throw new IllegalArgumentException(
                            "VALORATBOT_SHARD_CAPACITY and VALORATBOT_SHARD_RANGE need VALORATBOT_SHARDS (a total or auto)");
                return new ShardConfig(new ShardPlan.Unsharded(), false, 0, lease);
            }
            case "auto" -> {
                if (range.isPresent())
                    throw new IllegalArgumentException(
                            "VALORATBOT_SHARD_RANGE needs a fixed VALORATBOT_SHARDS total, not auto (the range would"
                                    + " change meaning with Discord's recommendation)");
                return new ShardConfig(new ShardPlan.Unsharded(), true, capacity, lease);
            }
            default -> {}
        }
        int total = s.integer("VALORATBOT_SHARDS", 1, 1, ShardPlan.MAX_SHARDS);
        if (range.isEmpty()) return new ShardConfig(new ShardPlan.Dynamic(total, capacity), false, 0, lease);
        if (capacityGiven)
            throw new IllegalArgumentException(
                    "VALORATBOT_SHARD_RANGE and VALORATBOT_SHARD_CAPACITY exclude each other: a range holds exactly its shards");
        Matcher m = RANGE.matcher(range.get().strip());
        if (!m.matches())
            throw new IllegalArgumentException(
                    "VALORATBOT_SHARD_RANGE must be a shard or a range like 0-3, was '" + range.get() + "'");
        int first = Integer.parseInt(m.group(3) != null ? m.group(3) : m.group(1));
        int last = Integer.parseInt(m.group(3) != null ? m.group(3) : m.group(2));
        try {
            return new ShardConfig(new ShardPlan.Static(total, first, last), false, 0, lease);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("VALORATBOT_SHARD_RANGE: " + e.getMessage(), e);
        }
    }

    /**
     * The shards the sandbox's stand-in serves (1 when unsharded): with {@code VALORATBOT_SHARDS=auto}
     * the stand-in recommends 2, so {@code auto} can be tried locally too.
     */
    int sandboxTotal() {
        if (auto) return 2;
        return switch (plan) {
            case ShardPlan.Unsharded u -> 1;
            case ShardPlan.Dynamic d -> d.total();
            case ShardPlan.Static st -> st.total();
        };
    }

    /** Every value was checked in {@link #from}. */
    ShardedValoratbot.Builder applyTo(ShardedValoratbot.Builder b, String token) {
        b.lease(lease);
        return auto ? b.autoShards(token, autoCapacity) : b.plan(plan);
    }
}
