package com.valoratbot.discord;

import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.RateLimitCommands;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets per guild: one for all commands, and a tighter one for purges (each purge costs
 * several of Discord's heaviest requests). Buckets refill greedily, so a guild that paused gets its
 * full burst back. Guilds that went quiet are dropped once there are many, so ids the dashboard
 * made up cannot grow the map without bound.
 */
final class GuildRateLimits implements RateLimitCommands {

    static final int SWEEP_ABOVE = 10_000;

    private final Limit commands;
    private final Limit purges;
    private final ConcurrentMap<Snowflake, Buckets> buckets = new ConcurrentHashMap<>();

    record Limit(int count, Duration per) {
        Limit {
            if (count < 1) throw new IllegalArgumentException("a rate limit allows at least 1, was " + count);
            if (per == null || per.isNegative() || per.isZero())
                throw new IllegalArgumentException("a rate limit period must be positive, was " + per);
        }

        Bucket bucket() {
            return Bucket.builder()
                    .addLimit(Bandwidth.builder()
                            .capacity(count)
                            .refillGreedy(count, per)
                            .build())
                    .build();
        }
    }

    private record Buckets(Bucket commands, Bucket purges) {}

    GuildRateLimits(Limit commands, Limit purges) {
        this.commands = commands;
        this.purges = purges;
    }

    @Override
    public Result<Done> admit(Snowflake guildId, Action action) {
        Buckets mine = bucketsOf(guildId);
        if (action == Action.PURGE) {
            ConsumptionProbe purge = mine.purges().tryConsumeAndReturnRemaining(1);
            if (!purge.isConsumed()) return refused(purge.getNanosToWaitForRefill());
            ConsumptionProbe any = mine.commands().tryConsumeAndReturnRemaining(1);
            if (!any.isConsumed()) {
                mine.purges().addTokens(1); // this purge did not run: it must not count
                return refused(any.getNanosToWaitForRefill());
            }
            return Result.ok(Done.DONE);
        }
        return general(mine);
    }

    /** A custom action costs what a built-in action but purge costs: one token of the general bucket. */
    @Override
    public Result<Done> admitCustom(Snowflake guildId, String wireName) {
        return general(bucketsOf(guildId));
    }

    private Buckets bucketsOf(Snowflake guildId) {
        if (buckets.size() > SWEEP_ABOVE) sweep();
        return buckets.computeIfAbsent(guildId, g -> new Buckets(commands.bucket(), purges.bucket()));
    }

    private static Result<Done> general(Buckets mine) {
        ConsumptionProbe any = mine.commands().tryConsumeAndReturnRemaining(1);
        return any.isConsumed() ? Result.ok(Done.DONE) : refused(any.getNanosToWaitForRefill());
    }

    private static Result<Done> refused(long waitNanos) {
        long retryAfterMs =
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos) + (waitNanos % 1_000_000 == 0 ? 0 : 1));
        long seconds = Math.max(1, (retryAfterMs + 999) / 1000);
        return Result.err(
                Failure.of(ErrorCode.RATE_LIMITED, "rate_limited", seconds).with("retryAfterMs", retryAfterMs));
    }

    /** Forgets guilds whose buckets are full again: nothing would change if they came back. */
    private void sweep() {
        buckets.entrySet()
                .removeIf(e -> e.getValue().commands().getAvailableTokens() >= commands.count()
                        && e.getValue().purges().getAvailableTokens() >= purges.count());
    }
}
