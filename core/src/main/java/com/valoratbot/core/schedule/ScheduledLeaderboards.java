package com.valoratbot.core.schedule;

import com.valoratbot.core.activity.ActivityPeriod;
import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.command.Command.PostLeaderboard;
import com.valoratbot.core.command.Command.ScheduleLeaderboard;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.Leaderboards;
import com.valoratbot.core.port.activity.PublishLeaderboards;
import com.valoratbot.core.port.schedule.JobTimer;
import com.valoratbot.core.port.schedule.JobTimer.Next;
import com.valoratbot.core.port.schedule.LeaderboardQuery;
import com.valoratbot.core.port.schedule.LeaderboardQuery.Measure;
import com.valoratbot.core.port.schedule.LeaderboardStore;
import com.valoratbot.core.port.schedule.LeaderboardStore.RunOutcome;
import com.valoratbot.core.port.schedule.LeaderboardStore.WeeklyLeaderboard;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.schedule.ScheduleRules.Turn;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code schedule_leaderboard}, {@code post_leaderboard} and {@code getLeaderboard}, and each guild's
 * weekly post.
 *
 * <p>Standings come from the {@link LeaderboardQuery} (the activity the aggregator stored) over the
 * last {@code trackDays} local days. Posting goes through {@link PublishLeaderboards} (the Discord
 * adapter renders the card).
 *
 * <p>Each guild's weekly post is one {@link JobTimer} job (job id = guild id) at the next occurrence
 * of its {@link WeeklySlot} in the guild's zone, so it stays at the same local hour across
 * daylight-saving changes. After each run it is moved to the next week, from the schedule as it is
 * then (a replaced schedule wins). Like scheduled announcements: one worker runs it, a run more than
 * the grace late is recorded missed and skipped to the next week, a worker that does not hold the
 * guild leaves it to another, and a run that died while posting is recorded interrupted rather than
 * posted twice (the store's posting mark).
 */
public final class ScheduledLeaderboards implements Leaderboards, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ScheduledLeaderboards.class.getName());

    private final LeaderboardStore store;
    private final LeaderboardQuery query;
    private final JobTimer timer;
    private final PublishLeaderboards publisher;
    private final Clock clock;
    private final JobRules rules;

    private ScheduledLeaderboards(Builder b) {
        this.store = b.store;
        this.query = b.query;
        this.timer = b.timer;
        this.publisher = b.publisher;
        this.clock = b.clock;
        this.rules = b.rules();
    }

    /**
     * @param store     the weekly schedules (e.g. the Postgres adapter's)
     * @param query     the stored activity, summed per member
     * @param timer     the weekly posts' own timer; closed with this
     * @param publisher posts a card on Discord
     * @param clock     the time; give the timer the same one
     */
    public static Builder builder(
            LeaderboardStore store,
            LeaderboardQuery query,
            JobTimer timer,
            PublishLeaderboards publisher,
            Clock clock) {
        return new Builder(store, query, timer, publisher, clock);
    }

    /** Re-creates the job of any schedule that lacks one, then starts the timer. */
    public ScheduledLeaderboards start() {
        ScheduledJobs.repairThenStart(
                timer,
                store.all(),
                s -> s.guildId().toString(),
                s -> s.schedule()
                        .nextRunAt()
                        .orElseGet(() -> s.schedule().slot().nextAfter(clock.instant(), rules.zoneOf(s.guildId()))),
                this::run);
        return this;
    }

    /** Stops the weekly posts here, waiting (a bounded time) for one being posted. */
    @Override
    public void close() {
        timer.close();
    }

    /** Looks for due posts now rather than at the next poll. */
    public void checkNow() {
        timer.checkNow();
    }

    // ---- the port ----------------------------------------------------------------------------

    @Override
    public Result<Instant> schedule(CommandContext context, ScheduleLeaderboard command) {
        Snowflake guild = context.guildId();
        WeeklySlot slot = WeeklySlot.of(command);
        Instant now = clock.instant();
        Instant next = slot.nextAfter(now, rules.zoneOf(guild));
        store.save(
                guild,
                new WeeklyLeaderboard(
                        command.channelId(), command.trackDays(), slot, Optional.of(next), Optional.empty()),
                context.requestedBy(),
                now);
        // Posting right now leaves the job alone: when done it reschedules itself from the schedule just saved.
        timer.reschedule(guild.toString(), next);
        return Result.ok(next);
    }

    @Override
    public Result<Done> post(CommandContext context, PostLeaderboard command) {
        LeaderboardCard card = card(context.guildId(), trackDays(context.guildId(), command.trackDays()));
        return publisher.publish(context, command.channelId(), card).map(id -> Done.DONE);
    }

    @Override
    public Result<Standings> standings(CommandContext context, Optional<Integer> trackDays) {
        LeaderboardCard card = card(context.guildId(), trackDays(context.guildId(), trackDays));
        return Result.ok(new Standings(
                card.messages().stream()
                        .map(r -> new MessageEntry(r.userId(), r.name(), r.value()))
                        .toList(),
                card.voice().stream()
                        .map(r -> new VoiceEntry(r.userId(), r.name(), r.value()))
                        .toList()));
    }

    /** The period asked for, else the weekly schedule's, else the default. */
    private int trackDays(Snowflake guild, Optional<Integer> asked) {
        return asked.or(() -> store.find(guild).map(WeeklyLeaderboard::trackDays))
                .orElse(ScheduleLeaderboard.DEFAULT_TRACK_DAYS);
    }

    /** The top members of a guild over the last {@code days} local days, ranked. */
    public LeaderboardCard card(Snowflake guild, int days) {
        ZoneId zone = rules.zoneOf(guild);
        ActivityPeriod period = ActivityPeriod.lastDays(clock.instant(), zone, days);
        return new LeaderboardCard(
                period,
                zone,
                LeaderboardCard.rank(query.top(guild, period, Measure.MESSAGES, LeaderboardCard.TOP)),
                LeaderboardCard.rank(query.top(guild, period, Measure.VOICE_SECONDS, LeaderboardCard.TOP)));
    }

    /** The guild's weekly leaderboard, if it has one. */
    public Optional<WeeklyLeaderboard> weeklySchedule(Snowflake guild) {
        return store.find(guild);
    }

    // ---- the weekly run ----------------------------------------------------------------------

    private Next run(String jobId, Instant executionTime) {
        Snowflake guild = Snowflake.of(Long.parseLong(jobId));
        Optional<WeeklyLeaderboard> loaded = store.find(guild);
        if (loaded.isEmpty()) return Next.finished();
        WeeklyLeaderboard row = loaded.get();
        // The slot's time, not the job's: a run handed to another worker keeps its lateness.
        Instant dueAt = row.nextRunAt().orElse(executionTime);
        Instant now = clock.instant();
        if (row.postingFor().equals(Optional.of(dueAt))) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "weekly leaderboard of " + guild + " due " + dueAt
                            + " was being posted by a worker that stopped; not posting it again");
            record(guild, now, "interrupted", Optional.empty(), Text.of("scheduled.interrupted"));
        } else {
            switch (rules.turn(guild, dueAt, now)) {
                case Turn.HandOff() -> {
                    return Next.handOff(rules.handedOff(now), guild);
                }
                case Turn.Missed(Text reason) -> {
                    rules.logMissed(LOG, "weekly leaderboard of " + guild, dueAt, now, "skipped to next week");
                    record(guild, now, "missed", Optional.empty(), reason);
                }
                case Turn.Go() -> post(guild, row, dueAt, now);
            }
        }
        // The next week, from the schedule as it is now: it may have been replaced while this ran.
        Optional<WeeklyLeaderboard> current = store.find(guild);
        if (current.isEmpty()) return Next.finished();
        Instant next = current.get().slot().nextAfter(now.isAfter(dueAt) ? now : dueAt, rules.zoneOf(guild));
        store.setNextRun(guild, next);
        return Next.at(next);
    }

    private void post(Snowflake guild, WeeklyLeaderboard row, Instant dueAt, Instant now) {
        store.markPosting(guild, dueAt);
        Result<Snowflake> posted = ScheduledJobs.guarded(
                "posting the weekly leaderboard of " + guild,
                () -> publisher.publish(
                        new CommandContext("leaderboard:" + guild + ":" + dueAt, guild, Optional.empty()),
                        row.channelId(),
                        card(guild, row.trackDays())));
        switch (posted) {
            case Result.Ok<Snowflake>(var id) -> record(guild, now, "sent", Optional.of(id), null);
            case Result.Err<Snowflake>(Failure f) -> record(guild, now, "failed", Optional.empty(), f.reason());
        }
    }

    private void record(Snowflake guild, Instant now, String status, Optional<Snowflake> messageId, Text reason) {
        store.recordRun(guild, new RunOutcome(now, status, messageId, reason == null ? null : rules.render(reason)));
    }

    /** Defaults as {@link ScheduleOptions}. */
    public static final class Builder extends ScheduleOptions<Builder> {
        private final LeaderboardStore store;
        private final LeaderboardQuery query;
        private final JobTimer timer;
        private final PublishLeaderboards publisher;
        private final Clock clock;

        private Builder(
                LeaderboardStore store,
                LeaderboardQuery query,
                JobTimer timer,
                PublishLeaderboards publisher,
                Clock clock) {
            this.store = Objects.requireNonNull(store, "store");
            this.query = Objects.requireNonNull(query, "query");
            this.timer = Objects.requireNonNull(timer, "timer");
            this.publisher = Objects.requireNonNull(publisher, "publisher");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        public ScheduledLeaderboards build() {
            return new ScheduledLeaderboards(this);
        }
    }
}
