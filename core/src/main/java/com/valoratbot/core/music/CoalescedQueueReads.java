package com.valoratbot.core.music;

import com.valoratbot.core.command.Command.Play;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PlayMusic;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Answers a burst of {@code getQueue} for one guild with one read of the player.
 *
 * <p>Why here and not in the claim: the dashboard's music page sends {@code getQueue} every 5 s per open tab,
 * and the claim (which another change rewrites) runs a guild's commands one at a time, so N tabs become N
 * reads in a row. This decorator keeps each guild's last {@link QueueView} for {@link #DEFAULT_MAX_AGE} and
 * serves the next ones from it, the position moved on by the time elapsed while playing. Every command that
 * changes the guild's player through this port (play, pause, resume, skip, stop, removeFromQueue) drops the
 * guild's view first, so a {@code getQueue} after it always reads again; what the port does not see (a track
 * ending on its own) is at most {@code maxAge} late. Concurrent reads of one guild wait for the one in flight.
 */
public final class CoalescedQueueReads implements PlayMusic {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

    private final PlayMusic delegate;
    private final Clock clock;
    private final Duration maxAge;
    private final ConcurrentHashMap<Long, GuildReads> guilds = new ConcurrentHashMap<>();

    private CoalescedQueueReads(PlayMusic delegate, Clock clock, Duration maxAge) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxAge.isNegative() || maxAge.isZero())
            throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
        this.maxAge = maxAge;
    }

    public static CoalescedQueueReads over(PlayMusic delegate, Clock clock) {
        return over(delegate, clock, DEFAULT_MAX_AGE);
    }

    public static CoalescedQueueReads over(PlayMusic delegate, Clock clock, Duration maxAge) {
        return new CoalescedQueueReads(delegate, clock, maxAge);
    }

    @Override
    public Result<QueueView> queue(CommandContext context) {
        GuildReads g = guilds.computeIfAbsent(context.guildId().value(), k -> new GuildReads());
        synchronized (g) {
            Instant now = clock.instant();
            if (g.view != null && !now.isBefore(g.readAt) && now.isBefore(g.readAt.plus(maxAge))) {
                return Result.ok(advanced(g.view, Duration.between(g.readAt, now)));
            }
            long generation = g.generation.get();
            Result<QueueView> read = delegate.queue(context);
            // A change that ran while reading may not be in this view: do not keep it.
            if (read instanceof Result.Ok<QueueView>(QueueView view) && generation == g.generation.get()) {
                g.view = view;
                g.readAt = now;
            } else {
                g.view = null;
            }
            return read;
        }
    }

    /** The bot left the guild: its entry goes, so guilds left over months do not pile up. */
    public void guildLeft(Snowflake guildId) {
        guilds.remove(guildId.value());
    }

    /** How many guilds have an entry (tests). */
    int trackedGuilds() {
        return guilds.size();
    }

    /** The view as it is {@code elapsed} later: a playing track has moved on (never past its end). */
    private static QueueView advanced(QueueView view, Duration elapsed) {
        if (view.nowPlaying().isEmpty()) return view;
        NowPlaying now = view.nowPlaying().get();
        if (now.paused() || elapsed.isZero()) return view;
        long position = now.positionMs() + elapsed.toMillis();
        if (now.track().lengthMs() > 0)
            position = Math.min(position, now.track().lengthMs());
        return new QueueView(Optional.of(new NowPlaying(now.track(), position, false)), view.queue());
    }

    private <T> Result<T> changing(Snowflake guildId, Supplier<Result<T>> change) {
        GuildReads g = guilds.computeIfAbsent(guildId.value(), k -> new GuildReads());
        g.forget();
        try {
            return change.get();
        } finally {
            g.forget();
        }
    }

    @Override
    public Result<QueuedTrack> play(CommandContext context, Play play) {
        return changing(context.guildId(), () -> delegate.play(context, play));
    }

    @Override
    public Result<Done> pause(CommandContext context) {
        return changing(context.guildId(), () -> delegate.pause(context));
    }

    @Override
    public Result<Done> resume(CommandContext context) {
        return changing(context.guildId(), () -> delegate.resume(context));
    }

    @Override
    public Result<Done> skip(CommandContext context) {
        return changing(context.guildId(), () -> delegate.skip(context));
    }

    @Override
    public Result<Done> stop(CommandContext context) {
        return changing(context.guildId(), () -> delegate.stop(context));
    }

    @Override
    public Result<Done> removeFromQueue(CommandContext context, int index) {
        return changing(context.guildId(), () -> delegate.removeFromQueue(context, index));
    }

    private static final class GuildReads {
        /** Bumped by every change, so a read that overlapped one is not kept. */
        final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

        QueueView view;
        Instant readAt;

        void forget() {
            generation.incrementAndGet();
            synchronized (this) {
                view = null;
            }
        }
    }
}
