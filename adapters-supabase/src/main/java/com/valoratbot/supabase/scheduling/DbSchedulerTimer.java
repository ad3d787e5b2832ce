package com.valoratbot.supabase.scheduling;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient.ScheduleOptions;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.port.schedule.JobTimer;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.NotificationListener;
import com.valoratbot.supabase.PlainSql;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's {@link JobTimer} on db-scheduler: one task in one table per use case
 * ({@link #announcements}: {@code valoratbot.announcement_tasks}, task {@code valoratbot-announcement};
 * {@link #leaderboards}: {@code valoratbot.leaderboard_tasks}, task {@code valoratbot-weekly-leaderboard}),
 * job id = db-scheduler's instance id. db-scheduler lets one worker pick a due execution, revives
 * executions of workers that stopped heart-beating, and runs overdue ones at start; a run that throws
 * is retried after the task's retry delay.
 *
 * <p>Each use case has its own table, so neither scheduler sees the other's task as "unresolved"
 * (db-scheduler deletes unresolved executions after 14 days).
 *
 * <h2>Hand-offs</h2>
 * A job whose guild this worker does not hold is offered again a little later ({@link Next.HandOff}).
 * Every worker polls on a fixed period, so the first poll after the new time is, offer after offer,
 * the same worker's: when that is a worker that does not hold the guild, the holder never sees the
 * job due, and the announcement is missed when its grace runs out (seen as a flaky test, then worked
 * out: two 5 s pollers, a 3 s hand-off, and any phase where the non-holder polls in the 3 s before the
 * holder starves it). So a hand-off also sends a notification on {@value #HAND_OFF_CHANNEL}
 * ({@code "<task> <guild> <epoch ms>"}); a worker built with {@link Builder#handOffs} that holds the
 * guild looks for due jobs at that moment, ahead of everyone's next poll (one LISTEN connection per
 * database for all the process's timers). Without LISTEN (a transaction pooler, an embedder's
 * DataSource, an outage) the offer still stands and the pollers' race decides, as before.
 */
public final class DbSchedulerTimer implements JobTimer {

    private static final Logger LOG = LoggerFactory.getLogger(DbSchedulerTimer.class);
    static final String HAND_OFF_CHANNEL = "valoratbot_job_handoffs";
    /** A hand-off further away than this is not waited for here; the polls find it. */
    private static final Duration LONGEST_HAND_OFF_WAIT = Duration.ofMinutes(1);
    /** Checks asked for within one such slot run once, so a burst of notifications costs a few polls. */
    private static final long CHECK_SLOT_MS = 50;
    /** The longest hand-off text heard: a task's name, a snowflake and a time, with room to spare. */
    private static final int MAX_HAND_OFF_PAYLOAD = 200;

    private final TaskDescriptor<Void> task;
    private final String table;
    private final String workerName;
    private final DSLContext sql;
    private final Scheduler scheduler;
    private final Clock clock;
    private final HandOffListening handOffs;
    private volatile Run run;
    private boolean started;
    private boolean closed;

    private DbSchedulerTimer(Builder b) {
        this.task = TaskDescriptor.of(b.taskName);
        this.table = b.table;
        this.workerName = b.workerName;
        this.sql = PlainSql.on(b.dataSource);
        this.clock = b.clock;
        this.handOffs = b.handOffDatabase == null ? null : new HandOffListening(b.handOffDatabase, b.handOffPresence);
        CustomTask<Void> custom = Tasks.custom(task)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(b.retryDelay))
                .onDeadExecutionRevive()
                .execute(this::execute);
        this.scheduler = Scheduler.create(b.dataSource, custom)
                .tableName(b.table)
                .clock(b.clock::instant)
                .schedulerName(new SchedulerName.Fixed(b.workerName))
                .threads(b.threads)
                .pollingInterval(b.pollingInterval)
                .heartbeatInterval(b.heartbeatInterval)
                .missedHeartbeatsLimit(6)
                .enableImmediateExecution()
                .commitWhenAutocommitDisabled(true)
                .shutdownMaxWait(Duration.ofSeconds(30))
                .failureLogging(LogLevel.WARN, true)
                .build();
    }

    /** Scheduled announcements' timer. Defaults: polling 5 s, 4 threads (at most 64), a failed run retried after 30 s. */
    public static Builder announcements(DataSource dataSource, Clock clock) {
        return new Builder(
                dataSource,
                clock,
                Tables.ANNOUNCEMENT_TASKS,
                "valoratbot-announcement",
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                4,
                64);
    }

    /** Weekly leaderboards' timer. Defaults: polling 10 s, 2 threads (at most 16), a failed run retried after 1 min. */
    public static Builder leaderboards(DataSource dataSource, Clock clock) {
        return new Builder(
                dataSource,
                clock,
                Tables.LEADERBOARD_TASKS,
                "valoratbot-weekly-leaderboard",
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                2,
                16);
    }

    private CompletionHandler<Void> execute(TaskInstance<Void> instance, ExecutionContext context) {
        Run r = run;
        if (r == null) throw new IllegalStateException("the timer runs jobs only once started");
        return switch (r.run(instance.getId(), context.getExecution().getExecutionTime())) {
            case Next.Finished() -> new CompletionHandler.OnCompleteRemove<>();
            case Next.Again(Instant at) -> (complete, ops) -> ops.reschedule(complete, at);
            case Next.HandOff(Instant at, Snowflake guild) ->
                (complete, ops) -> {
                    ops.reschedule(complete, at);
                    tellHolder(guild, at);
                };
        };
    }

    /** After the new time is committed: see "Hand-offs" above. Best effort; the offer stands without it. */
    private void tellHolder(Snowflake guild, Instant at) {
        try {
            sql.fetch(
                    "SELECT pg_notify(?, ?)",
                    HAND_OFF_CHANNEL,
                    task.getTaskName() + " " + guild + " " + at.toEpochMilli());
        } catch (RuntimeException e) {
            LOG.debug("hand-off of a {} job for guild {} not announced: {}", task.getTaskName(), guild, e.toString());
        }
    }

    /**
     * The receiving side of hand-offs: a notification for this timer's task and a guild this worker
     * holds makes it look for due jobs at the time named. Anyone may NOTIFY, so the text is parsed
     * defensively, a time beyond {@link #LONGEST_HAND_OFF_WAIT} is ignored and checks are coalesced
     * per {@link #CHECK_SLOT_MS}: a flood of notifications costs a bounded number of polls.
     */
    private final class HandOffListening {
        private final Database db;
        private final GuildPresence presence;
        private final java.util.Set<Long> slots = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.function.Consumer<String> ear = this::heard;
        private volatile HandOffHub hub;
        /** False once closed: a check the hub's thread still holds for this timer does nothing then. */
        private volatile boolean open = true;

        HandOffListening(Database db, GuildPresence presence) {
            this.db = db;
            this.presence = presence;
        }

        void heard(String payload) {
            // Ours is "<task> <guild id> <epoch ms>", well under this; anything longer (anyone may
            // NOTIFY, up to 8,000 bytes) is dropped before it is split or parsed.
            if (payload == null || payload.length() > MAX_HAND_OFF_PAYLOAD) return;
            String[] parts = payload.split(" ", 4);
            if (parts.length != 3 || !parts[0].equals(task.getTaskName())) return;
            java.util.Optional<Snowflake> guild = Snowflake.parse(parts[1]);
            Instant at;
            try {
                at = Instant.ofEpochMilli(Long.parseLong(parts[2]));
            } catch (RuntimeException notATime) {
                return;
            }
            HandOffHub h = hub;
            if (h == null || guild.isEmpty() || !presence.holds(guild.get())) return;
            long waitMs = Math.max(0, Duration.between(clock.instant(), at).toMillis());
            if (waitMs > LONGEST_HAND_OFF_WAIT.toMillis()) return;
            // Just after the time, so that the job is due by this worker's clock when it looks.
            long slot = (System.currentTimeMillis() + waitMs) / CHECK_SLOT_MS + 1;
            if (!slots.add(slot)) return;
            long delay = slot * CHECK_SLOT_MS - System.currentTimeMillis();
            try {
                h.checks.schedule(
                        () -> {
                            slots.remove(slot);
                            if (open) scheduler.triggerCheckForDueExecutions();
                        },
                        Math.max(0, delay),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                slots.remove(slot);
            }
        }

        void start() {
            hub = HandOffHub.join(db, ear);
        }

        boolean listening() {
            HandOffHub h = hub;
            return h != null && h.listener.listening();
        }

        void close() {
            open = false;
            HandOffHub h = hub;
            if (h != null) h.leave(ear);
        }
    }

    /**
     * One LISTEN connection per database for every timer of the process that hears hand-offs, and one
     * thread for the checks they ask for: a process running several shards has two timers per shard,
     * and a connection and a thread each would add up. A check only wakes its scheduler's poller
     * ({@code triggerCheckForDueExecutions} does not wait), so one thread serves them all.
     */
    private static final class HandOffHub {
        /** Guarded by itself. */
        private static final java.util.Map<Database, HandOffHub> HUBS = new java.util.HashMap<>();

        private final Database db;
        private final NotificationListener listener;
        final java.util.concurrent.ScheduledExecutorService checks =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                        .daemon()
                        .name("valoratbot-handoff-checks")
                        .factory());
        private final java.util.List<java.util.function.Consumer<String>> ears =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        private HandOffHub(Database db) {
            this.db = db;
            this.listener = new NotificationListener(
                    db,
                    HAND_OFF_CHANNEL,
                    payloads -> payloads.forEach(p -> ears.forEach(e -> tell(e, p))),
                    () -> {},
                    "jobs handed off here wait for the next poll");
        }

        /**
         * One timer's fault (its presence throwing, say) must not reach the listener, which would take
         * it for a lost connection and stop hearing hand-offs for every timer while it reconnects.
         */
        private static void tell(java.util.function.Consumer<String> ear, String payload) {
            try {
                ear.accept(payload);
            } catch (RuntimeException e) {
                LOG.warn("a hand-off notification could not be handled: {}", e.toString());
            }
        }

        static HandOffHub join(Database db, java.util.function.Consumer<String> ear) {
            synchronized (HUBS) {
                HandOffHub hub = HUBS.get(db);
                if (hub == null) {
                    hub = new HandOffHub(db);
                    HUBS.put(db, hub);
                    hub.listener.start();
                }
                hub.ears.add(ear);
                return hub;
            }
        }

        void leave(java.util.function.Consumer<String> ear) {
            synchronized (HUBS) {
                ears.remove(ear);
                if (ears.isEmpty() && HUBS.get(db) == this) {
                    HUBS.remove(db);
                    listener.close();
                    checks.shutdownNow();
                }
            }
        }
    }

    @Override
    public String workerName() {
        return workerName;
    }

    @Override
    public Set<String> jobIds() {
        return new HashSet<>(
                sql.fetch("SELECT task_instance FROM " + table + " WHERE task_name = ?", task.getTaskName())
                        .getValues(0, String.class));
    }

    @Override
    public boolean scheduleIfAbsent(String jobId, Instant at) {
        return scheduler.scheduleIfNotExists(task.instance(jobId).build(), at);
    }

    @Override
    public void reschedule(String jobId, Instant at) {
        try {
            scheduler.schedule(task.instance(jobId).build(), at, ScheduleOptions.WHEN_EXISTS_RESCHEDULE);
        } catch (TaskInstanceException running) {
            LOG.debug("job {} of {} is running; its run sets its next time", jobId, task.getTaskName());
        }
    }

    @Override
    public void cancel(String jobId) {
        try {
            scheduler.cancel(task.instanceId(jobId));
        } catch (TaskInstanceException | IllegalStateException runningOrGone) {
            LOG.debug(
                    "job {} of {} not removed ({}); its run will see why",
                    jobId,
                    task.getTaskName(),
                    runningOrGone.toString());
        }
    }

    /** Starting twice or after closing is a bug to report; closing twice, or before starting, is harmless. */
    @Override
    public synchronized void start(Run run) {
        if (closed) throw new IllegalStateException("closed");
        if (started) throw new IllegalStateException("already started");
        started = true;
        this.run = Objects.requireNonNull(run, "run");
        scheduler.start();
        if (handOffs != null) handOffs.start();
    }

    /** True while this timer hears other workers' hand-offs (built with {@link Builder#handOffs}, LISTEN in place). */
    public boolean hearsHandOffs() {
        return handOffs != null && handOffs.listening();
    }

    @Override
    public void checkNow() {
        scheduler.triggerCheckForDueExecutions();
    }

    /** Stops picking due executions, waiting (up to 30 s) for those running. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (handOffs != null) handOffs.close();
        if (started) scheduler.stop();
    }

    public static final class Builder {
        private final DataSource dataSource;
        private final Clock clock;
        private final String table;
        private final String taskName;
        private final Duration retryDelay;
        private final int maxThreads;
        private Duration pollingInterval;
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private int threads;
        private String workerName = defaultName();
        private Database handOffDatabase;
        private GuildPresence handOffPresence;

        private Builder(
                DataSource dataSource,
                Clock clock,
                String table,
                String taskName,
                Duration retryDelay,
                Duration pollingInterval,
                int threads,
                int maxThreads) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.clock = Objects.requireNonNull(clock, "clock");
            this.table = table;
            this.taskName = taskName;
            this.retryDelay = retryDelay;
            this.pollingInterval = pollingInterval;
            this.threads = threads;
            this.maxThreads = maxThreads;
        }

        /** How often db-scheduler looks for due jobs: the worst lateness. */
        public Builder pollingInterval(Duration v) {
            pollingInterval = positive("pollingInterval", v);
            return this;
        }

        /** A run whose worker stops heart-beating for 6 of these is revived elsewhere. Default 10 s. */
        public Builder heartbeatInterval(Duration v) {
            heartbeatInterval = positive("heartbeatInterval", v);
            return this;
        }

        /** Jobs run in parallel. */
        public Builder threads(int v) {
            if (v < 1 || v > maxThreads)
                throw new IllegalArgumentException("threads must be 1.." + maxThreads + ", was " + v);
            threads = v;
            return this;
        }

        /** This worker's name in picked_by (and the use cases' attempted_by). Default host#pid. */
        public Builder workerName(String v) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException("workerName must not be blank");
            workerName = v;
            return this;
        }

        /**
         * Hears other workers' hand-offs (see the class's "Hand-offs") on the one LISTEN connection
         * the process's timers share per database, and looks for due jobs when one names a guild in
         * {@code presence}. Default off: a job left to another worker waits for that worker's next poll
         * and may lose the race to the worker that left it. Through a transaction pooler, which cannot
         * LISTEN, and on an embedder's DataSource, whose pooled connection a LISTEN would hold for
         * good, it stays off and says so.
         */
        public Builder handOffs(Database db, GuildPresence presence) {
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(presence, "presence");
            if (!db.opensDedicatedConnections()) {
                LOG.info(
                        "{}: hand-offs are not heard on an embedder's DataSource (a LISTEN would hold one of its connections for good); the polls find them",
                        taskName);
                return this;
            }
            if (db.settings().usesTransactionPooler()) {
                LOG.info(
                        "{}: hand-offs are not heard through a transaction pooler (no LISTEN); the polls find them",
                        taskName);
                return this;
            }
            handOffDatabase = db;
            handOffPresence = presence;
            return this;
        }

        public DbSchedulerTimer build() {
            return new DbSchedulerTimer(this);
        }
    }

    /** host#pid: tells workers apart in the tables' picked_by and attempted_by columns. */
    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "worker";
        }
        return host + "#" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero())
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        return d;
    }
}
