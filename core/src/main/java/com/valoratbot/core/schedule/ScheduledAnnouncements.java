package com.valoratbot.core.schedule;

import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Command.ScheduleAnnounce;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PostAnnouncements;
import com.valoratbot.core.port.RateLimitCommands;
import com.valoratbot.core.port.ScheduleAnnouncements;
import com.valoratbot.core.port.schedule.AnnouncementStore;
import com.valoratbot.core.port.schedule.AnnouncementStore.NewAnnouncement;
import com.valoratbot.core.port.schedule.AnnouncementStore.Outcome;
import com.valoratbot.core.port.schedule.AnnouncementStore.StoredAnnouncement;
import com.valoratbot.core.port.schedule.JobTimer;
import com.valoratbot.core.port.schedule.JobTimer.Next;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.schedule.ScheduleRules.Turn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code schedule_announce}, {@code list_scheduled} and {@code cancel_scheduled}, and the sending of
 * each announcement when it is due.
 *
 * <p>The {@link AnnouncementStore}'s row is the truth; the {@link JobTimer}'s job (one per
 * announcement, job id = scheduledId) only says when to look at it. The timer lets exactly one
 * worker run a due job, revives jobs of workers that died, and runs overdue ones at start-up. Each
 * run then:
 * <ol>
 *   <li>ends at once if the row is no longer pending (cancelled, already done);</li>
 *   <li>finds a row left {@code sending} by a run that died during the Discord call: marks it failed
 *       (interrupted) without sending, since it may already be on Discord;</li>
 *   <li>leaves the job to another worker (offered again after the hand-off delay) when this one
 *       does not hold the guild;</li>
 *   <li>marks it missed when it is more than the grace late (the bot was down);</li>
 *   <li>otherwise commits {@code sending}, posts through {@link PostAnnouncements} and stores the
 *       outcome: {@code sent} with the message id, or {@code failed} with the reason.</li>
 * </ol>
 * So an announcement is posted at most once, and never silently dropped: every row ends sent, failed,
 * missed or cancelled.
 */
public final class ScheduledAnnouncements implements ScheduleAnnouncements, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ScheduledAnnouncements.class.getName());
    /** list_scheduled shows at most this many rows: a dashboard list, not an export. */
    private static final int LISTED = 200;

    private static final int RECORD_ATTEMPTS = 5;

    private final AnnouncementStore store;
    private final JobTimer timer;
    private final PostAnnouncements announcements;
    private final Clock clock;
    private final JobRules rules;
    private final Duration recentOutcomes;
    private final RateLimitCommands rateLimits;
    private final int maxPending;
    private final Duration horizon;

    private ScheduledAnnouncements(Builder b) {
        this.store = b.store;
        this.timer = b.timer;
        this.announcements = b.announcements;
        this.clock = b.clock;
        this.rules = b.rules();
        this.recentOutcomes = b.recentOutcomes;
        this.rateLimits = b.rateLimits;
        this.maxPending = b.maxPending;
        this.horizon = b.horizon;
    }

    /**
     * @param store         where announcements are kept (e.g. the Postgres adapter's)
     * @param timer         the announcements' own timer; closed with this
     * @param announcements posts an announcement on Discord (the same port {@code announce} uses)
     * @param clock         the time; give the timer the same one
     */
    public static Builder builder(
            AnnouncementStore store, JobTimer timer, PostAnnouncements announcements, Clock clock) {
        return new Builder(store, timer, announcements, clock);
    }

    /**
     * Starts sending: re-creates the job of any unfinished announcement that lacks one (it was stored
     * but its job could not be), then starts the timer, which runs what became due meanwhile.
     */
    public ScheduledAnnouncements start() {
        int repaired = ScheduledJobs.repairThenStart(
                timer, store.unfinished(), AnnouncementStore.Due::id, AnnouncementStore.Due::scheduledFor, this::run);
        if (repaired > 0)
            LOG.log(
                    System.Logger.Level.WARNING,
                    "re-created " + repaired + " scheduled announcement jobs that were missing");
        return this;
    }

    /** Looks for due announcements now rather than at the next poll. */
    public void checkNow() {
        timer.checkNow();
    }

    /** Stops picking due announcements, waiting (a bounded time) for those being sent. */
    @Override
    public void close() {
        timer.close();
    }

    // ---- the port ----------------------------------------------------------------------------

    @Override
    public Result<String> schedule(CommandContext context, ScheduleAnnounce command) {
        Snowflake guild = context.guildId();
        ZoneId zone = rules.zoneOf(guild);
        Instant now = clock.instant();
        Result<Instant> when = ScheduleRules.resolve(command.scheduledFor(), zone, now, horizon);
        if (when instanceof Result.Ok<Instant> && store.countUnfinished(guild) >= maxPending) {
            // A guild's commands run one at a time, so no other schedule of this guild races this count.
            return Result.err(ErrorCode.LIMIT_REACHED, "limit_reached.scheduled", maxPending);
        }
        return when.map(at -> {
            String id = store.addOnce(new NewAnnouncement(
                            context.commandId(),
                            guild,
                            command.announcement().channelId(),
                            AnnouncementJson.write(command.announcement()),
                            at,
                            zone,
                            context.requestedBy(),
                            now))
                    .orElseThrow(() -> new IllegalStateException(
                            "command " + context.commandId() + " already scheduled an announcement for another guild"));
            try {
                timer.scheduleIfAbsent(id, at);
            } catch (RuntimeException failed) {
                // The dashboard is told it failed: take the row back so it is not sent after all.
                // (Should that fail too, start() finds the row without a job and schedules it.)
                forget(id);
                throw failed;
            }
            return id;
        });
    }

    private void forget(String id) {
        try {
            store.forget(id);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "could not take back scheduled announcement " + id + " after failing to schedule it: " + e);
        }
    }

    /**
     * The guild's pending announcements (soonest first), then those finished in the last
     * {@link Builder#recentOutcomes} (latest first) with their status: sent, failed, missed, cancelled.
     */
    @Override
    public Result<List<ScheduledAnnouncement>> pending(CommandContext context) {
        List<StoredAnnouncement> rows =
                store.listed(context.guildId(), clock.instant().minus(recentOutcomes), LISTED);
        return Result.ok(rows.stream().map(ScheduledAnnouncements::shown).toList());
    }

    private static ScheduledAnnouncement shown(StoredAnnouncement row) {
        var a = AnnouncementJson.read(row.announcementJson());
        return new ScheduledAnnouncement(
                row.id(),
                row.channelId().toString(),
                row.scheduledFor(),
                a.message().orElse(null),
                a.embed().isPresent(),
                row.status().wireName(),
                row.messageId().map(Snowflake::toString).orElse(null),
                row.failureReason().orElse(null));
    }

    @Override
    public Result<Done> cancel(CommandContext context, String scheduledId) {
        if (store.cancel(scheduledId, context.guildId(), clock.instant())) {
            // The row says cancelled already; removing the job only saves a useless run.
            timer.cancel(scheduledId);
            return Result.ok(Done.DONE);
        }
        return store.statusOf(scheduledId, context.guildId())
                .<Result<Done>>map(s -> Result.err(
                        ErrorCode.NOT_FOUND, "not_found", Text.of("scheduled.not_pending", scheduledId, s.wireName())))
                .orElseGet(() -> Result.err(ErrorCode.NOT_FOUND, "not_found", Text.of("scheduled.item", scheduledId)));
    }

    // ---- sending -----------------------------------------------------------------------------

    private Next run(String id, Instant executionTime) {
        Optional<StoredAnnouncement> loaded = store.find(id);
        if (loaded.isEmpty() || loaded.get().status().isFinal()) return Next.finished();
        StoredAnnouncement row = loaded.get();
        Instant now = clock.instant();
        if (row.status() == ScheduledStatus.SENDING) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "scheduled announcement " + id + " was being sent by a worker that stopped; not sending it again");
            finish(
                    id,
                    ScheduledStatus.SENDING,
                    failed(ErrorCode.INTERRUPTED.wireName(), Text.of("scheduled.interrupted")));
            return Next.finished();
        }
        switch (rules.turn(row.guildId(), row.scheduledFor(), now)) {
            case Turn.HandOff() -> {
                return Next.handOff(rules.handedOff(now), row.guildId());
            }
            case Turn.Missed(Text reason) -> {
                rules.logMissed(LOG, "scheduled announcement " + id, row.scheduledFor(), now, "marked missed");
                finish(
                        id,
                        ScheduledStatus.PENDING,
                        Outcome.unsent(ScheduledStatus.MISSED, "missed", rules.render(reason)));
                return Next.finished();
            }
            case Turn.Go() -> {}
        }
        // The guild's rate limit counts scheduled sends too (40 due the same second went out in 0.26 s):
        // over it, the announcement waits for its token and is sent then, still within the grace.
        if (rateLimits.admit(row.guildId(), Action.ANNOUNCE) instanceof Result.Err<Done>(Failure limited)) {
            long waitMs = limited.details().get("retryAfterMs") instanceof Number n ? Math.max(1, n.longValue()) : 1000;
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "scheduled announcement " + id + " waits " + waitMs + " ms for its guild's rate limit");
            return Next.at(now.plusMillis(waitMs));
        }
        if (!store.markSending(id, now, timer.workerName())) return Next.finished(); // cancelled meanwhile
        Result<Snowflake> sent = ScheduledJobs.guarded(
                "sending scheduled announcement " + id,
                () -> announcements.announce(
                        new CommandContext("scheduled:" + id, row.guildId(), Optional.empty()),
                        AnnouncementJson.read(row.announcementJson())));
        switch (sent) {
            case Result.Ok<Snowflake>(var messageId) -> finish(id, ScheduledStatus.SENDING, Outcome.sent(messageId));
            case Result.Err<Snowflake>(Failure f) ->
                finish(id, ScheduledStatus.SENDING, failed(f.code().wireName(), f.reason()));
        }
        return Next.finished();
    }

    private Outcome failed(String code, Text reason) {
        return Outcome.unsent(ScheduledStatus.FAILED, code, rules.render(reason));
    }

    /**
     * Stores an outcome, retrying briefly: after a successful post, losing the outcome would leave
     * the row {@code sending} and the next run would report an interruption instead of the message id.
     */
    private void finish(String id, ScheduledStatus from, Outcome outcome) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
            try {
                store.finish(id, from, outcome, clock.instant());
                return;
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException(
                "storing the outcome (" + outcome.status().wireName() + ") of scheduled announcement " + id, last);
    }

    /** Defaults as {@link ScheduleOptions}, plus 7 days of recent outcomes, no rate limit, 100 pending per guild, a 366-day horizon. */
    public static final class Builder extends ScheduleOptions<Builder> {
        private final AnnouncementStore store;
        private final JobTimer timer;
        private final PostAnnouncements announcements;
        private final Clock clock;
        private Duration recentOutcomes = Duration.ofDays(7);
        private RateLimitCommands rateLimits = RateLimitCommands.unlimited();
        private int maxPending = ScheduleRules.DEFAULT_MAX_PENDING;
        private Duration horizon = ScheduleRules.DEFAULT_HORIZON;

        private Builder(AnnouncementStore store, JobTimer timer, PostAnnouncements announcements, Clock clock) {
            this.store = Objects.requireNonNull(store, "store");
            this.timer = Objects.requireNonNull(timer, "timer");
            this.announcements = Objects.requireNonNull(announcements, "announcements");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** How long finished announcements stay in list_scheduled; zero lists pending ones only. Default 7 days. */
        public Builder recentOutcomes(Duration v) {
            if (v == null || v.isNegative())
                throw new IllegalArgumentException("recentOutcomes must be zero or positive, was " + v);
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
                throw new IllegalArgumentException("horizon must be positive and at most "
                        + ScheduleRules.MAX_HORIZON.toDays() + " days, was " + v);
            }
            horizon = v;
            return this;
        }

        public ScheduledAnnouncements build() {
            return new ScheduledAnnouncements(this);
        }
    }
}
