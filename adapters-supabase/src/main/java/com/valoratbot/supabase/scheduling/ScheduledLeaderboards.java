package com.valoratbot.supabase.scheduling;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient.ScheduleOptions;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.valoratbot.core.activity.ActivityPeriod;
import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.activity.LeaderboardCard.Standing;
import com.valoratbot.core.port.activity.PublishLeaderboards;
import com.valoratbot.core.command.Command.PostLeaderboard;
import com.valoratbot.core.command.Command.ScheduleLeaderboard;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.Leaderboards;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.text.Messages;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.core.schedule.ScheduleRules;
import com.valoratbot.core.schedule.WeeklySlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code schedule_leaderboard}, {@code post_leaderboard} and {@code getLeaderboard} on PostgreSQL.
 *
 * <p>Standings come from {@code valoratbot.activity_daily} (written by the activity aggregator through
 * {@link PostgresActivityStore}) over the last {@code trackDays} local days, names from
 * {@code valoratbot.member_names} (the last name seen, so members who left keep theirs). Posting goes
 * through {@link PublishLeaderboards} (the Discord adapter renders the card).
 *
 * <p>Each guild's weekly post is one db-scheduler execution in {@code valoratbot.leaderboard_tasks}
 * (instance id = guild id) at the next occurrence of its {@link WeeklySlot} in the guild's zone, so
 * it stays at the same local hour across daylight-saving changes. After each run it is moved to the
 * next week, from the schedule row as it is then (a replaced schedule wins). Like scheduled
 * announcements: one worker runs it, a run more than the grace late is recorded missed and skipped to
 * the next week, a worker that does not hold the guild leaves it to another, and a run that died
 * while posting is recorded interrupted rather than posted twice ({@code posting_for}).
 */
public final class ScheduledLeaderboards implements Leaderboards, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledLeaderboards.class);
    static final TaskDescriptor<Void> TASK = TaskDescriptor.of("valoratbot-weekly-leaderboard");

    private final DataSource dataSource;
    private final PublishLeaderboards publisher;
    private final Clock clock;
    private final GuildTimeZones zones;
    private final GuildPresence presence;
    private final Duration grace;
    private final Duration handOffDelay;
    private final Messages messages;
    private final Scheduler scheduler;
    private final SchedulerLifecycle lifecycle;

    private ScheduledLeaderboards(Builder b) {
        this.dataSource = b.dataSource;
        this.publisher = b.publisher;
        this.clock = b.clock;
        this.zones = b.zonesOrDefault();
        this.presence = b.presence;
        this.grace = b.grace;
        this.handOffDelay = b.handOffDelay;
        this.messages = new Messages(b.language);
        CustomTask<Void> task = Tasks.custom(TASK)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(Duration.ofMinutes(1)))
                .onDeadExecutionRevive()
                .execute(this::run);
        this.scheduler = DbSchedulers.build(dataSource, Tables.LEADERBOARD_TASKS, task, clock, b.workerName, b.threads,
                b.pollingInterval, b.heartbeatInterval);
        this.lifecycle = new SchedulerLifecycle(scheduler);
    }

    /**
     * @param dataSource the database with the V100 migration applied
     * @param publisher  posts a card on Discord
     * @param clock      the time; db-scheduler reads it too
     */
    public static Builder builder(DataSource dataSource, PublishLeaderboards publisher, Clock clock) {
        return new Builder(dataSource, publisher, clock);
    }

    public ScheduledLeaderboards start() {
        lifecycle.start(this::repairMissingExecutions);
        return this;
    }

    @Override
    public void close() {
        lifecycle.close();
    }

    /** Looks for due posts now rather than at the next poll. */
    public void checkNow() {
        lifecycle.checkNow();
    }

    // ---- the port ----------------------------------------------------------------------------

    @Override
    public Result<Instant> schedule(CommandContext context, ScheduleLeaderboard command) {
        Snowflake guild = context.guildId();
        WeeklySlot slot = WeeklySlot.of(command);
        Instant next = slot.nextAfter(clock.instant(), zones.zoneOf(guild));
        String upsert = "INSERT INTO " + Tables.LEADERBOARD_SCHEDULES
                + " (guild_id, channel_id, track_days, day_of_week, hour, next_run_at, requested_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, track_days = excluded.track_days,"
                + " day_of_week = excluded.day_of_week, hour = excluded.hour, next_run_at = excluded.next_run_at,"
                + " requested_by = excluded.requested_by, updated_at = excluded.updated_at";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setLong(1, guild.value());
            ps.setLong(2, command.channelId().value());
            ps.setInt(3, command.trackDays());
            ps.setInt(4, slot.dashboardDayOfWeek());
            ps.setInt(5, slot.hour());
            ps.setTimestamp(6, Timestamp.from(next));
            if (context.requestedBy().isPresent()) ps.setLong(7, context.requestedBy().get().value());
            else ps.setNull(7, Types.BIGINT);
            ps.setTimestamp(8, Timestamp.from(clock.instant()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("saving the leaderboard schedule of guild " + guild, e);
        }
        try {
            scheduler.schedule(TASK.instance(guild.toString()).build(), next, ScheduleOptions.WHEN_EXISTS_RESCHEDULE);
        } catch (TaskInstanceException posting) {
            // It is posting right now; when done it reschedules itself from the row just saved.
            LOG.debug("weekly leaderboard of {} is running; it will pick up the new schedule", guild);
        }
        return Result.ok(next);
    }

    @Override
    public Result<Done> post(CommandContext context, PostLeaderboard command) {
        int days = command.trackDays().or(() -> load(context.guildId()).map(ScheduleRow::trackDays))
                .orElse(ScheduleLeaderboard.DEFAULT_TRACK_DAYS);
        LeaderboardCard card = card(context.guildId(), days);
        return publisher.publish(context, command.channelId(), card).map(id -> Done.DONE);
    }

    @Override
    public Result<Standings> standings(CommandContext context, Optional<Integer> trackDays) {
        int days = trackDays.or(() -> load(context.guildId()).map(ScheduleRow::trackDays)).orElse(ScheduleLeaderboard.DEFAULT_TRACK_DAYS);
        LeaderboardCard card = card(context.guildId(), days);
        return Result.ok(new Standings(
                card.messages().stream().map(r -> new MessageEntry(r.userId(), r.name(), r.value())).toList(),
                card.voice().stream().map(r -> new VoiceEntry(r.userId(), r.name(), r.value())).toList()));
    }

    /** The top members of a guild over the last {@code days} local days, ranked. */
    public LeaderboardCard card(Snowflake guild, int days) {
        ZoneId zone = zones.zoneOf(guild);
        ActivityPeriod period = ActivityPeriod.lastDays(clock.instant(), zone, days);
        return new LeaderboardCard(period, zone, LeaderboardCard.rank(top(guild, period, "messages")),
                LeaderboardCard.rank(top(guild, period, "voice_seconds")));
    }

    private List<Standing> top(Snowflake guild, ActivityPeriod period, String column) {
        String sql = "SELECT a.user_id, n.name, a.total FROM (SELECT user_id, sum(" + column + ") AS total FROM " + Tables.ACTIVITY_DAILY
                + " WHERE guild_id = ? AND day BETWEEN ? AND ? GROUP BY user_id HAVING sum(" + column + ") > 0"
                + " ORDER BY total DESC, user_id LIMIT " + LeaderboardCard.TOP + ") a"
                + " LEFT JOIN " + Tables.MEMBER_NAMES + " n ON n.guild_id = ? AND n.user_id = a.user_id ORDER BY a.total DESC, a.user_id";
        List<Standing> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, guild.value());
            ps.setDate(2, Date.valueOf(period.from()));
            ps.setDate(3, Date.valueOf(period.to()));
            ps.setLong(4, guild.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String user = Long.toString(rs.getLong(1));
                    String name = rs.getString(2);
                    out.add(new Standing(user, name == null ? user : name, rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("reading the leaderboard of guild " + guild, e);
        }
        return out;
    }

    // ---- the weekly run ----------------------------------------------------------------------

    /**
     * A guild's weekly leaderboard as stored.
     *
     * @param nextRunAt  when the next post is due (null only before its first scheduling)
     * @param postingFor set while a run posts: the due time of that run
     */
    public record ScheduleRow(Snowflake channelId, int trackDays, WeeklySlot slot, Instant nextRunAt, Instant postingFor) {}

    /** The guild's weekly leaderboard, if it has one. */
    public Optional<ScheduleRow> weeklySchedule(Snowflake guild) {
        return load(guild);
    }

    private Optional<ScheduleRow> load(Snowflake guild) {
        String sql = "SELECT channel_id, track_days, day_of_week, hour, next_run_at, posting_for FROM " + Tables.LEADERBOARD_SCHEDULES + " WHERE guild_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, guild.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                int dow = rs.getInt(3);
                Timestamp next = rs.getTimestamp(5);
                Timestamp posting = rs.getTimestamp(6);
                return Optional.of(new ScheduleRow(Snowflake.of(rs.getLong(1)), rs.getInt(2),
                        new WeeklySlot(dow == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(dow), rs.getInt(4)),
                        next == null ? null : next.toInstant(), posting == null ? null : posting.toInstant()));
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("loading the leaderboard schedule of guild " + guild, e);
        }
    }

    private CompletionHandler<Void> run(TaskInstance<Void> instance, ExecutionContext execution) {
        Snowflake guild = Snowflake.of(Long.parseLong(instance.getId()));
        Optional<ScheduleRow> loaded = load(guild);
        if (loaded.isEmpty()) return new CompletionHandler.OnCompleteRemove<>();
        ScheduleRow row = loaded.get();
        // The slot's time, not the execution's: a run handed to another worker keeps its lateness.
        Instant dueAt = row.nextRunAt() != null ? row.nextRunAt() : execution.getExecution().getExecutionTime();
        Instant now = clock.instant();
        boolean late = ScheduleRules.onDue(dueAt, now, grace) == ScheduleRules.Due.MISSED;
        if (dueAt.equals(row.postingFor())) {
            LOG.warn("weekly leaderboard of {} due {} was being posted by a worker that stopped; not posting it again", guild, dueAt);
            record(guild, now, "interrupted", null, Text.of("scheduled.interrupted"));
        } else if (!presence.holds(guild) && !late) {
            Instant again = now.plus(handOffDelay);
            return (complete, ops) -> ops.reschedule(complete, again);
        } else if (late) {
            LOG.warn("weekly leaderboard of {} is {} late (grace {}): skipped to next week", guild, Duration.between(dueAt, now), grace);
            record(guild, now, "missed", null, presence.holds(guild)
                    ? Text.of("scheduled.missed", grace.toMinutes()) : Text.of("scheduled.no_worker", grace.toMinutes()));
        } else {
            setPostingFor(guild, dueAt);
            Result<Snowflake> posted;
            try {
                LeaderboardCard card = card(guild, row.trackDays());
                posted = publisher.publish(new CommandContext("leaderboard:" + guild + ":" + dueAt, guild, Optional.empty()), row.channelId(), card);
            } catch (RuntimeException e) {
                LOG.error("posting the weekly leaderboard of {} failed unexpectedly", guild, e);
                posted = Result.err(ErrorCode.INTERNAL_ERROR, "internal_error");
            }
            switch (posted) {
                case Result.Ok<Snowflake>(var id) -> record(guild, now, "sent", id.value(), null);
                case Result.Err<Snowflake>(Failure f) -> record(guild, now, "failed", null, f.reason());
            }
        }
        // The next week, from the schedule as it is now: it may have been replaced while this ran.
        Optional<ScheduleRow> current = load(guild);
        if (current.isEmpty()) return new CompletionHandler.OnCompleteRemove<>();
        Instant next = current.get().slot().nextAfter(now.isAfter(dueAt) ? now : dueAt, zones.zoneOf(guild));
        setNextRun(guild, next);
        return (complete, ops) -> ops.reschedule(complete, next);
    }

    private void setPostingFor(Snowflake guild, Instant dueAt) {
        update("UPDATE " + Tables.LEADERBOARD_SCHEDULES + " SET posting_for = ? WHERE guild_id = ?", guild, ps -> {
            ps.setTimestamp(1, Timestamp.from(dueAt));
            ps.setLong(2, guild.value());
        });
    }

    private void setNextRun(Snowflake guild, Instant next) {
        update("UPDATE " + Tables.LEADERBOARD_SCHEDULES + " SET next_run_at = ? WHERE guild_id = ?", guild, ps -> {
            ps.setTimestamp(1, Timestamp.from(next));
            ps.setLong(2, guild.value());
        });
    }

    private void record(Snowflake guild, Instant now, String status, Long messageId, Text reason) {
        String rendered = reason == null ? null : messages.render(reason);
        update("UPDATE " + Tables.LEADERBOARD_SCHEDULES + " SET posting_for = NULL, last_run_at = ?, last_status = ?,"
                + " last_message_id = ?, last_reason = ? WHERE guild_id = ?", guild, ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, status);
            if (messageId == null) ps.setNull(3, Types.BIGINT);
            else ps.setLong(3, messageId);
            ps.setString(4, rendered);
            ps.setLong(5, guild.value());
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, Snowflake guild, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("updating the leaderboard schedule of guild " + guild, e);
        }
    }

    private void repairMissingExecutions() {
        String sql = "SELECT s.guild_id, s.next_run_at, s.day_of_week, s.hour FROM " + Tables.LEADERBOARD_SCHEDULES + " s"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + Tables.LEADERBOARD_TASKS + " t WHERE t.task_name = ? AND t.task_instance = s.guild_id::text)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, TASK.getTaskName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Snowflake guild = Snowflake.of(rs.getLong(1));
                    Timestamp next = rs.getTimestamp(2);
                    int dow = rs.getInt(3);
                    Instant at = next != null ? next.toInstant()
                            : new WeeklySlot(dow == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(dow), rs.getInt(4)).nextAfter(clock.instant(), zones.zoneOf(guild));
                    scheduler.scheduleIfNotExists(TASK.instance(guild.toString()).build(), at);
                }
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("checking leaderboard schedules at start-up", e);
        }
    }

    /** Polling defaults to 10 s, threads to 2. */
    public static final class Builder extends SchedulingOptions<Builder> {
        private final DataSource dataSource;
        private final PublishLeaderboards publisher;
        private final Clock clock;

        private Builder(DataSource dataSource, PublishLeaderboards publisher, Clock clock) {
            super(Duration.ofSeconds(10), 2, 16);
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.publisher = Objects.requireNonNull(publisher, "publisher");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        public ScheduledLeaderboards build() {
            return new ScheduledLeaderboards(this);
        }
    }
}
