package com.valoratbot.supabase.scheduling;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Command.ScheduleAnnounce;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PostAnnouncements;
import com.valoratbot.core.port.RateLimitCommands;
import com.valoratbot.core.port.ScheduleAnnouncements;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.text.Messages;
import com.valoratbot.core.schedule.AnnouncementJson;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.core.schedule.ScheduleRules;
import com.valoratbot.core.schedule.ScheduledStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code schedule_announce}, {@code list_scheduled} and {@code cancel_scheduled} on PostgreSQL, with
 * db-scheduler sending each announcement when it is due.
 *
 * <p>The row in {@code valoratbot.scheduled_announcements} is the truth; db-scheduler's execution in
 * {@code valoratbot.announcement_tasks} (one per announcement, instance id = scheduledId) only says
 * when to look at it. db-scheduler lets exactly one worker pick a due execution, revives executions
 * of workers that died, and runs overdue ones at start-up. Each run then:
 * <ol>
 *   <li>ends at once if the row is no longer pending (cancelled, already done);</li>
 *   <li>finds a row left {@code sending} by a run that died during the Discord call: marks it failed
 *       (interrupted) without sending, since it may already be on Discord;</li>
 *   <li>leaves the job to another worker (re-checks in {@link Builder#handOffDelay}) when this one
 *       does not hold the guild;</li>
 *   <li>marks it missed when it is more than the grace late (the bot was down);</li>
 *   <li>otherwise commits {@code sending}, posts through {@link PostAnnouncements} and stores the
 *       outcome: {@code sent} with the message id, or {@code failed} with the reason.</li>
 * </ol>
 * So an announcement is posted at most once, and never silently dropped: every row ends sent, failed,
 * missed or cancelled.
 */
public final class ScheduledAnnouncements implements ScheduleAnnouncements, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledAnnouncements.class);
    static final TaskDescriptor<Void> TASK = TaskDescriptor.of("valoratbot-announcement");
    private static final int RECORD_ATTEMPTS = 5;

    private final DataSource dataSource;
    private final PostAnnouncements announcements;
    private final Clock clock;
    private final GuildTimeZones zones;
    private final GuildPresence presence;
    private final Duration grace;
    private final Duration handOffDelay;
    private final Duration recentOutcomes;
    private final Messages messages;
    private final String workerName;
    private final Scheduler scheduler;
    private final SchedulerLifecycle lifecycle;
    private final RateLimitCommands rateLimits;
    private final int maxPending;
    private final Duration horizon;

    private ScheduledAnnouncements(Builder b) {
        this.dataSource = b.dataSource;
        this.announcements = b.announcements;
        this.clock = b.clock;
        this.zones = b.zonesOrDefault();
        this.presence = b.presence;
        this.grace = b.grace;
        this.handOffDelay = b.handOffDelay;
        this.recentOutcomes = b.recentOutcomes;
        this.messages = new Messages(b.language);
        this.workerName = b.workerName;
        this.rateLimits = b.rateLimits;
        this.maxPending = b.maxPending;
        this.horizon = b.horizon;
        CustomTask<Void> task = Tasks.custom(TASK)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(Duration.ofSeconds(30)))
                .onDeadExecutionRevive()
                .execute(this::run);
        this.scheduler = DbSchedulers.build(dataSource, Tables.ANNOUNCEMENT_TASKS, task, clock, workerName, b.threads,
                b.pollingInterval, b.heartbeatInterval);
        this.lifecycle = new SchedulerLifecycle(scheduler);
    }

    /**
     * @param dataSource    the database with the V100 migration applied (auto-commit connections)
     * @param announcements posts an announcement on Discord (the same port {@code announce} uses)
     * @param clock         the time; db-scheduler reads it too
     */
    public static Builder builder(DataSource dataSource, PostAnnouncements announcements, Clock clock) {
        return new Builder(dataSource, announcements, clock);
    }

    /**
     * Starts sending: re-creates the execution of any pending row that lacks one (it was stored but
     * its execution could not be), then starts db-scheduler, which runs what became due meanwhile.
     */
    public ScheduledAnnouncements start() {
        lifecycle.start(() -> {
            int repaired = repairMissingExecutions();
            if (repaired > 0) LOG.warn("re-created {} scheduled announcement executions that were missing", repaired);
        });
        return this;
    }

    /** Stops picking due announcements, waiting (up to 30 s) for those being sent. */
    @Override
    public void close() {
        lifecycle.close();
    }

    /** Looks for due announcements now rather than at the next poll. */
    public void checkNow() {
        lifecycle.checkNow();
    }

    // ---- the port ----------------------------------------------------------------------------

    @Override
    public Result<String> schedule(CommandContext context, ScheduleAnnounce command) {
        ZoneId zone = zones.zoneOf(context.guildId());
        Result<Instant> when = ScheduleRules.resolve(command.scheduledFor(), zone, clock.instant(), horizon);
        if (when instanceof Result.Ok<Instant> && pendingCount(context.guildId()) >= maxPending) {
            // A guild's commands run one at a time, so no other schedule of this guild races this count.
            return Result.err(ErrorCode.LIMIT_REACHED, "limit_reached.scheduled", maxPending);
        }
        return when.map(at -> {
            String id = store(context, command.announcement(), at, zone);
            try {
                scheduler.scheduleIfNotExists(TASK.instance(id).build(), at);
            } catch (RuntimeException failed) {
                // The dashboard is told it failed: take the row back so it is not sent after all.
                // (Should that fail too, start() finds the row without execution and schedules it.)
                forget(id);
                throw failed;
            }
            return id;
        });
    }

    private int pendingCount(Snowflake guild) {
        String sql = "SELECT count(*) FROM " + Tables.SCHEDULED_ANNOUNCEMENTS + " WHERE guild_id = ? AND status IN ('pending', 'sending')";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, guild.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("counting pending scheduled announcements", e);
        }
    }

    private String store(CommandContext context, Announcement announcement, Instant at, ZoneId zone) {
        String insert = "INSERT INTO " + Tables.SCHEDULED_ANNOUNCEMENTS
                + " (id, guild_id, channel_id, announcement, scheduled_for, time_zone, requested_by, command_id, created_at)"
                + " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING RETURNING id";
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                ps.setString(1, UUID.randomUUID().toString());
                ps.setLong(2, context.guildId().value());
                ps.setLong(3, announcement.channelId().value());
                ps.setString(4, AnnouncementJson.write(announcement));
                ps.setTimestamp(5, Timestamp.from(at));
                ps.setString(6, zone.getId());
                if (context.requestedBy().isPresent()) ps.setLong(7, context.requestedBy().get().value());
                else ps.setNull(7, Types.BIGINT);
                ps.setString(8, context.commandId());
                ps.setTimestamp(9, Timestamp.from(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return rs.getString(1);
                }
            }
            // The same command ran before (a worker died after storing it): answer with the same id.
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + Tables.SCHEDULED_ANNOUNCEMENTS
                    + " WHERE command_id = ? AND guild_id = ?")) {
                ps.setString(1, context.commandId());
                ps.setLong(2, context.guildId().value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return rs.getString(1);
                }
            }
            throw new IllegalStateException("command " + context.commandId() + " already scheduled an announcement for another guild");
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("storing a scheduled announcement", e);
        }
    }

    private void forget(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM " + Tables.SCHEDULED_ANNOUNCEMENTS + " WHERE id = ? AND status = 'pending'")) {
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("could not take back scheduled announcement {} after failing to schedule it: {}", id, e.toString());
        }
    }

    /**
     * The guild's pending announcements (soonest first), then those finished in the last
     * {@link Builder#recentOutcomes} (latest first) with their status: sent, failed, missed, cancelled.
     */
    @Override
    public Result<List<ScheduledAnnouncement>> pending(CommandContext context) {
        String sql = "SELECT id, channel_id, scheduled_for, announcement, status, message_id, failure_reason FROM " + Tables.SCHEDULED_ANNOUNCEMENTS
                + " WHERE guild_id = ? AND (status IN ('pending', 'sending') OR finished_at >= ?)"
                + " ORDER BY status NOT IN ('pending', 'sending'),"
                + " CASE WHEN status IN ('pending', 'sending') THEN scheduled_for END ASC, scheduled_for DESC LIMIT 200";
        List<ScheduledAnnouncement> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, context.guildId().value());
            ps.setTimestamp(2, Timestamp.from(clock.instant().minus(recentOutcomes)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Announcement a = AnnouncementJson.read(rs.getString(4));
                    long posted = rs.getLong(6);
                    String messageId = rs.wasNull() ? null : Long.toString(posted);
                    out.add(new ScheduledAnnouncement(rs.getString(1), Long.toString(rs.getLong(2)), rs.getTimestamp(3).toInstant(),
                            a.message().orElse(null), a.embed().isPresent(), rs.getString(5), messageId, rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("listing scheduled announcements", e);
        }
        return Result.ok(List.copyOf(out));
    }

    @Override
    public Result<Done> cancel(CommandContext context, String scheduledId) {
        String cancel = "UPDATE " + Tables.SCHEDULED_ANNOUNCEMENTS + " SET status = 'cancelled', finished_at = ?"
                + " WHERE id = ? AND guild_id = ? AND status = 'pending'";
        String status = "SELECT status FROM " + Tables.SCHEDULED_ANNOUNCEMENTS + " WHERE id = ? AND guild_id = ?";
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(cancel)) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, scheduledId);
                ps.setLong(3, context.guildId().value());
                if (ps.executeUpdate() == 1) {
                    dropExecution(scheduledId);
                    return Result.ok(Done.DONE);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(status)) {
                ps.setString(1, scheduledId);
                ps.setLong(2, context.guildId().value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Result.err(ErrorCode.NOT_FOUND, "not_found", Text.of("scheduled.item", scheduledId));
                    return Result.err(ErrorCode.NOT_FOUND, "not_found", Text.of("scheduled.not_pending", scheduledId, rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("cancelling scheduled announcement " + scheduledId, e);
        }
    }

    /** The row says cancelled already; removing the execution only saves a useless run. */
    private void dropExecution(String scheduledId) {
        try {
            scheduler.cancel(TASK.instanceId(scheduledId));
        } catch (TaskInstanceException | IllegalStateException runningOrGone) {
            LOG.debug("execution of {} not removed ({}); its run will see the cancellation", scheduledId, runningOrGone.toString());
        }
    }

    // ---- sending -----------------------------------------------------------------------------

    private record Row(Snowflake guildId, String json, Instant scheduledFor, ScheduledStatus status) {}

    private CompletionHandler<Void> run(TaskInstance<Void> instance, ExecutionContext execution) {
        String id = instance.getId();
        Optional<Row> loaded = load(id);
        if (loaded.isEmpty() || loaded.get().status().isFinal()) return new CompletionHandler.OnCompleteRemove<>();
        Row row = loaded.get();
        Instant now = clock.instant();
        if (row.status() == ScheduledStatus.SENDING) {
            LOG.warn("scheduled announcement {} was being sent by a worker that stopped; not sending it again", id);
            finish(id, ScheduledStatus.SENDING, ScheduledStatus.FAILED, null, ErrorCode.INTERRUPTED.wireName(), Text.of("scheduled.interrupted"));
            return new CompletionHandler.OnCompleteRemove<>();
        }
        boolean late = ScheduleRules.onDue(row.scheduledFor(), now, grace) == ScheduleRules.Due.MISSED;
        if (!presence.holds(row.guildId())) {
            if (late) {
                finish(id, ScheduledStatus.PENDING, ScheduledStatus.MISSED, null, "missed", Text.of("scheduled.no_worker", grace.toMinutes()));
                return new CompletionHandler.OnCompleteRemove<>();
            }
            Instant again = now.plus(handOffDelay);
            return (complete, ops) -> ops.reschedule(complete, again);
        }
        if (late) {
            LOG.warn("scheduled announcement {} is {} late (grace {}): marked missed", id, Duration.between(row.scheduledFor(), now), grace);
            finish(id, ScheduledStatus.PENDING, ScheduledStatus.MISSED, null, "missed", Text.of("scheduled.missed", grace.toMinutes()));
            return new CompletionHandler.OnCompleteRemove<>();
        }
        // The guild's rate limit counts scheduled sends too (40 due the same second went out in 0.26 s):
        // over it, the announcement waits for its token and is sent then, still within the grace.
        if (rateLimits.admit(row.guildId(), Action.ANNOUNCE) instanceof Result.Err<Done>(Failure limited)) {
            long waitMs = limited.details().get("retryAfterMs") instanceof Number n ? Math.max(1, n.longValue()) : 1000;
            Instant again = now.plusMillis(waitMs);
            LOG.debug("scheduled announcement {} waits {} ms for its guild's rate limit", id, waitMs);
            return (complete, ops) -> ops.reschedule(complete, again);
        }
        if (!markSending(id, now)) return new CompletionHandler.OnCompleteRemove<>(); // cancelled meanwhile
        Result<Snowflake> sent;
        try {
            sent = announcements.announce(new CommandContext("scheduled:" + id, row.guildId(), Optional.empty()), AnnouncementJson.read(row.json()));
        } catch (RuntimeException e) {
            LOG.error("sending scheduled announcement {} failed unexpectedly", id, e);
            sent = Result.err(ErrorCode.INTERNAL_ERROR, "internal_error");
        }
        switch (sent) {
            case Result.Ok<Snowflake>(var messageId) -> finish(id, ScheduledStatus.SENDING, ScheduledStatus.SENT, messageId.value(), null, null);
            case Result.Err<Snowflake>(Failure f) -> finish(id, ScheduledStatus.SENDING, ScheduledStatus.FAILED, null, f.code().wireName(), f.reason());
        }
        return new CompletionHandler.OnCompleteRemove<>();
    }

    private Optional<Row> load(String id) {
        String sql = "SELECT guild_id, announcement, scheduled_for, status FROM " + Tables.SCHEDULED_ANNOUNCEMENTS + " WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Row(Snowflake.of(rs.getLong(1)), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        ScheduledStatus.parse(rs.getString(4)).orElseThrow()));
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("loading scheduled announcement " + id, e);
        }
    }

    /** pending → sending, committed before the Discord call; false when it was cancelled meanwhile. */
    private boolean markSending(String id, Instant now) {
        String sql = "UPDATE " + Tables.SCHEDULED_ANNOUNCEMENTS + " SET status = 'sending', attempted_at = ?, attempted_by = ?"
                + " WHERE id = ? AND status = 'pending'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, workerName);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("marking scheduled announcement " + id + " as sending", e);
        }
    }

    /**
     * Stores an outcome, retrying briefly: after a successful post, losing the outcome would leave
     * the row {@code sending} and the next run would report an interruption instead of the message id.
     */
    private void finish(String id, ScheduledStatus from, ScheduledStatus to, Long messageId, String code, Text reason) {
        String sql = "UPDATE " + Tables.SCHEDULED_ANNOUNCEMENTS + " SET status = ?, message_id = ?, failure_code = ?, failure_reason = ?,"
                + " finished_at = ? WHERE id = ? AND status = ?";
        String rendered = reason == null ? null : messages.render(reason);
        SQLException last = null;
        for (int attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, to.wireName());
                if (messageId == null) ps.setNull(2, Types.BIGINT);
                else ps.setLong(2, messageId);
                ps.setString(3, code);
                ps.setString(4, rendered);
                ps.setTimestamp(5, Timestamp.from(clock.instant()));
                ps.setString(6, id);
                ps.setString(7, from.wireName());
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                last = e;
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new SchedulingDatabaseException("storing the outcome (" + to.wireName() + ") of scheduled announcement " + id, last);
    }

    private int repairMissingExecutions() {
        String sql = "SELECT a.id, a.scheduled_for FROM " + Tables.SCHEDULED_ANNOUNCEMENTS + " a WHERE a.status IN ('pending', 'sending')"
                + " AND NOT EXISTS (SELECT 1 FROM " + Tables.ANNOUNCEMENT_TASKS + " t WHERE t.task_name = ? AND t.task_instance = a.id)";
        int repaired = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, TASK.getTaskName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (scheduler.scheduleIfNotExists(TASK.instance(rs.getString(1)).build(), rs.getTimestamp(2).toInstant())) repaired++;
                }
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("checking scheduled announcements at start-up", e);
        }
        return repaired;
    }

    /** Polling defaults to 5 s, threads to 4. */
    public static final class Builder extends SchedulingOptions<Builder> {
        private final DataSource dataSource;
        private final PostAnnouncements announcements;
        private final Clock clock;
        private Duration recentOutcomes = Duration.ofDays(7);
        private RateLimitCommands rateLimits = RateLimitCommands.unlimited();
        private int maxPending = ScheduleRules.DEFAULT_MAX_PENDING;
        private Duration horizon = ScheduleRules.DEFAULT_HORIZON;

        private Builder(DataSource dataSource, PostAnnouncements announcements, Clock clock) {
            super(Duration.ofSeconds(5), 4, 64);
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.announcements = Objects.requireNonNull(announcements, "announcements");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** How long finished announcements stay in list_scheduled; zero lists pending ones only. Default 7 days. */
        public Builder recentOutcomes(Duration v) {
            if (v == null || v.isNegative()) throw new IllegalArgumentException("recentOutcomes must be zero or positive, was " + v);
            recentOutcomes = v;
            return this;
        }

        /** The per-guild limit every send must pass (the same buckets as commands). Default unlimited. */
        public Builder rateLimits(RateLimitCommands v) {
            rateLimits = Objects.requireNonNull(v, "rateLimits");
            return this;
        }

        /** Pending announcements a guild may have; one more is {@code limit_reached}. Default 100. */
        public Builder maxPending(int v) {
            if (v < 1) throw new IllegalArgumentException("maxPending must be at least 1, was " + v);
            maxPending = v;
            return this;
        }

        /** How far ahead an announcement may be scheduled; later is {@code invalid_payload}. Default 366 days. */
        public Builder horizon(Duration v) {
            if (v == null || v.isNegative() || v.isZero() || v.compareTo(ScheduleRules.MAX_HORIZON) > 0) {
                throw new IllegalArgumentException("horizon must be positive and at most " + ScheduleRules.MAX_HORIZON.toDays() + " days, was " + v);
            }
            horizon = v;
            return this;
        }

        public ScheduledAnnouncements build() {
            return new ScheduledAnnouncements(this);
        }
    }
}
