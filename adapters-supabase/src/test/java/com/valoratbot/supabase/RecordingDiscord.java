package com.valoratbot.supabase;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.ListChannels;
import com.valoratbot.core.port.ModerateChannels;
import com.valoratbot.core.port.PostAnnouncements;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.Ports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small in-memory Discord for the channel ports: it records every execution (by command id,
 * and per guild in execution order), notices two commands of one guild running at once, and
 * keeps each channel's lock state to notice a lock/unlock pair run out of order.
 */
public final class RecordingDiscord implements ListChannels, ModerateChannels, PostAnnouncements {

    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> byGuild = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> runningPerGuild = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> lockedChannels = new ConcurrentHashMap<>();
    private final Map<String, Optional<Snowflake>> requesters = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private volatile Duration delay = Duration.ZERO;

    /** Makes every call take this long (for in-flight and shutdown tests). */
    public RecordingDiscord delay(Duration d) {
        this.delay = d;
        return this;
    }

    public Ports ports() {
        return Ports.builder()
                .channels(this)
                .moderation(this)
                .announcements(this)
                .build();
    }

    /** A handler on these ports, with a long maximum age so big batches do not expire. */
    public CommandHandler handler() {
        return CommandHandler.builder(ports()).maxAge(Duration.ofMinutes(10)).build();
    }

    private <T> Result<T> record(CommandContext ctx, Runnable effect, T value) {
        executions.computeIfAbsent(ctx.commandId(), id -> new AtomicInteger()).incrementAndGet();
        requesters.put(ctx.commandId(), ctx.requestedBy());
        long guild = ctx.guildId().value();
        AtomicInteger running = runningPerGuild.computeIfAbsent(guild, g -> new AtomicInteger());
        if (running.incrementAndGet() > 1)
            violations.add("two commands of guild " + guild + " at once (" + ctx.commandId() + ")");
        try {
            byGuild.computeIfAbsent(guild, g -> Collections.synchronizedList(new ArrayList<>()))
                    .add(ctx.commandId());
            effect.run();
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Result.ok(value);
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public Result<List<ChannelSummary>> textChannels(CommandContext ctx) {
        return record(ctx, () -> {}, List.of(new ChannelSummary("1", "general", 0)));
    }

    @Override
    public Result<List<ChannelSummary>> voiceChannels(CommandContext ctx) {
        return record(ctx, () -> {}, List.of());
    }

    @Override
    public Result<Done> slowmode(CommandContext ctx, Command.Slowmode slowmode) {
        return record(ctx, () -> {}, Done.DONE);
    }

    @Override
    public Result<Done> lock(CommandContext ctx, Command.Lock lock) {
        return record(
                ctx,
                () -> {
                    if (Boolean.TRUE.equals(lockedChannels.put(lock.channelId().value(), true))) {
                        violations.add(
                                "lock of an already locked channel " + lock.channelId() + " (" + ctx.commandId() + ")");
                    }
                },
                Done.DONE);
    }

    @Override
    public Result<Done> unlock(CommandContext ctx, Command.Unlock unlock) {
        return record(
                ctx,
                () -> {
                    if (!Boolean.TRUE.equals(
                            lockedChannels.put(unlock.channelId().value(), false))) {
                        violations.add("unlock of a channel that was not locked " + unlock.channelId() + " ("
                                + ctx.commandId() + ")");
                    }
                },
                Done.DONE);
    }

    @Override
    public Result<Snowflake> announce(CommandContext ctx, Announcement announcement) {
        return record(ctx, () -> {}, Snowflake.of(999_999_999_999_999_999L));
    }

    /** How many times each command id was executed. */
    public Map<String, Integer> executions() {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        executions.forEach((id, n) -> out.put(id, n.get()));
        return out;
    }

    public int executionsOf(String commandId) {
        AtomicInteger n = executions.get(commandId);
        return n == null ? 0 : n.get();
    }

    /** Command ids of one guild, in the order they ran. */
    public List<String> executedInGuild(long guildId) {
        List<String> l = byGuild.get(guildId);
        if (l == null) return List.of();
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    public Optional<Snowflake> requesterOf(String commandId) {
        return requesters.getOrDefault(commandId, Optional.empty());
    }

    /** Anything that should never happen: a guild's commands overlapping, a lock/unlock out of order. */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }
}
