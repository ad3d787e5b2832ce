package com.valoratbot.core.run;

import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.core.port.*;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.ops.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker's runtime: claims commands, runs each on a virtual thread, writes outcomes in batches,
 * keeps its lease alive and takes over what dead workers left behind.
 *
 * <p>A guild's next command can only be claimed once the previous outcome is committed, so the
 * completion writer wakes the claim loop after each batch instead of waiting for the next poll.
 * Database failures never stop the worker: claiming backs off and retries, and outcomes stay in
 * memory until they are written.
 */
public final class CommandWorker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CommandWorker.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final ClaimCommands claims;
    private final CompleteCommands completions;
    /** Serialises {@link #complete}; see there. */
    private final ReentrantLock completing = new ReentrantLock();

    private final RecoverCommands recovery;
    private final AwaitCommands await;
    private final CommandHandler handler;
    private final int maxInFlight;
    private final Duration pollInterval;
    private final Duration heartbeatInterval;
    private final Duration recoveryInterval;
    private final Duration shutdownTimeout;
    private final MarkStarted markStarted;
    private final int claimAhead;
    private final Duration aheadRelease;
    private final Clock clock;
    private final WorkerMetrics metrics;
    /** After a release of buffered commands, claims take no more than the free slots until then. */
    private volatile Instant aheadPausedUntil = Instant.MIN;
    /** When a completion last gave slots back: buffered commands are released only when slots are stuck. */
    private volatile Instant slotFreedAt = Instant.MIN;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentMap<String, QueuedCommand> running = new ConcurrentHashMap<>();
    private final AtomicLong completed = new AtomicLong();
    /**
     * Outcomes to write. A real command's outcome goes to the front, answers without a slot to the
     * back: in a flood, a real guild's result is written in the next batch instead of behind
     * thousands of junk answers (issue 9). Order within a batch does not matter: a guild's commands
     * have run in order already, and the completion keeps the guild parked while any of them is in
     * flight, whichever of its outcomes is written first.
     */
    private final BlockingDeque<Outcome> outcomes = new LinkedBlockingDeque<>();
    /** Commands of this process whose side effects began (marked before their first Discord call). */
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    /** Claimed by this process but never handed to a thread. */
    private final Set<String> neverRun = ConcurrentHashMap.newKeySet();
    /**
     * Real commands claimed beyond the free slots (issue 9): a claim takes up to {@link #claimAhead}
     * rows more than there are free slots, so the junk among them (unknown guilds, expired, refused)
     * is answered without waiting for slots. The real ones wait here, still claimed by this worker
     * (their guilds stay parked, so per-guild order and exactly-once hold), and take the next free
     * slots, oldest first. Only the claim loop adds; {@link #close()} requeues what is left.
     */
    private final Queue<Buffered> ahead = new ConcurrentLinkedQueue<>();
    /**
     * Commands of a lane (several commands of one guild from one claim, issue 12) not begun yet. The
     * lane's thread takes each out before it begins it; {@link #close()} hands back what is left, so
     * each is either begun or handed back, once.
     */
    private final ConcurrentMap<String, QueuedCommand> laneWaiting = new ConcurrentHashMap<>();
    /** The last claim filled every free slot: a completion then frees slots that need a new claim. */
    private volatile boolean saturated;
    /** Commands to requeue or end as interrupted whose write failed: retried at the next recovery pass. */
    private final Queue<QueuedCommand> unsettled = new ConcurrentLinkedQueue<>();

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("valoratbot-command-", 0).factory());
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("valoratbot-lease").daemon().factory());
    private volatile boolean claiming;
    /**
     * Set while claiming fails (the database is away: a restart, its owner stopped it): the claim
     * loop says so once, again once a minute, and once when it works again; the heartbeat, the
     * recovery and the outcome writer, failing for the same reason meanwhile, log at DEBUG, so an
     * outage is a few clear lines instead of several a second.
     */
    private volatile boolean databaseAway;

    private volatile boolean writing;
    private volatile Thread claimLoop;
    private Thread writer;

    private CommandWorker(Builder b) {
        this.claims = b.claims;
        this.completions = b.completions;
        this.recovery = b.recovery;
        this.await = b.await;
        this.handler = b.handler;
        this.maxInFlight = b.maxInFlight;
        this.pollInterval = b.pollInterval;
        this.heartbeatInterval = b.heartbeatInterval;
        this.recoveryInterval = b.recoveryInterval;
        this.shutdownTimeout = b.shutdownTimeout;
        this.markStarted = b.markStarted;
        this.claimAhead = b.claimAhead;
        this.aheadRelease = b.aheadRelease;
        this.clock = b.clock;
        this.metrics = WorkerMetrics.guarded(b.metrics);
    }

    /**
     * Real commands of one guild waiting for a slot, in the guild's order (one, or several from one
     * claim), and when they began to wait (their age grows meanwhile).
     */
    private record Buffered(List<QueuedCommand> rows, Instant since) {}

    public static Builder builder(
            ClaimCommands claims,
            CompleteCommands completions,
            RecoverCommands recovery,
            AwaitCommands await,
            CommandHandler handler) {
        return new Builder(claims, completions, recovery, await, handler);
    }

    public synchronized CommandWorker start() {
        if (claimLoop != null) throw new IllegalStateException("already started");
        claiming = true;
        writing = true;
        writer = Thread.ofPlatform().name("valoratbot-outcomes").start(this::writeOutcomes);
        claimLoop = Thread.ofPlatform().name("valoratbot-claims").start(this::claimLoop);
        housekeeping.scheduleWithFixedDelay(this::heartbeat, 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(
                this::recoverAbandoned, 0, recoveryInterval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Commands finished since start (written or waiting to be written). */
    public long completedCount() {
        return completed.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void claimLoop() {
        long failures = 0;
        while (claiming) {
            try {
                runBuffered();
                releaseStaleBuffered();
                int free = maxInFlight - inFlight.get();
                // After a release, only the free slots: the released rows are for idle workers to take.
                int room = clock.instant().isBefore(aheadPausedUntil) ? 0 : claimAhead - ahead.size();
                // Claim up to the free slots plus the buffer's room: in a flood, most rows claimed are
                // junk answered right here, so the line moves at the claim's speed, not the slots'.
                int want = Math.max(0, free) + Math.max(0, room);
                List<QueuedCommand> batch = want > 0 ? claims.claim(want) : List.of();
                failures = claimWorked(failures);
                Instant claimedAt = clock.instant();
                for (List<QueuedCommand> guild : byGuild(batch)) {
                    guild.forEach(metrics::claimed);
                    // Refused, expired, or for a guild the bot is not in: answered here in bulk, with
                    // no thread and no slot, so a flood of junk cannot delay real guilds. Of several
                    // commands of a guild, only those before its first real one: the rest are judged
                    // in order, when their turn comes (an age is judged when the command runs).
                    int first = 0;
                    for (; first < guild.size(); first++) {
                        QueuedCommand row = guild.get(first);
                        Optional<Completion> answer = handler.answerWithoutRunning(row);
                        if (answer.isEmpty()) break;
                        metrics.finished(row, answer.get(), Duration.ZERO);
                        completed.incrementAndGet();
                        outcomes.add(new Outcome(answer.get(), false));
                    }
                    if (first == guild.size()) continue;
                    List<QueuedCommand> rest = guild.subList(first, guild.size());
                    if (inFlight.get() < maxInFlight && ahead.isEmpty()) {
                        if (rest.size() == 1) run(rest.getFirst());
                        else runLane(rest, claimedAt);
                    } else {
                        ahead.add(new Buffered(rest, claimedAt));
                    }
                }
                runBuffered();
                // Sleep when there is no room for anything more, or when the queue had fewer ready than
                // asked (nothing more to claim until a notification or a completion readies a guild).
                // A batch of answers is followed by another claim at once.
                saturated = inFlight.get() >= maxInFlight;
                if (want <= 0 || batch.size() < want || saturated && ahead.size() >= claimAhead)
                    await.await(pollInterval);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException databaseDown) {
                failures++;
                claimFailed(failures, databaseDown);
                if (!sleep(backoff(failures))) return;
            }
        }
    }

    /**
     * Gives back buffered commands that waited longer than {@link Builder#aheadRelease} for a slot
     * while no slot freed for as long: every slot here is held, and another worker with free slots
     * may run them at once. They never
     * reached a thread, so they go back to {@code pending} (their guild back in line, their age
     * still counting), and for as long again this worker claims only for its free slots.
     */
    private void releaseStaleBuffered() {
        Buffered oldest = ahead.peek();
        if (oldest == null) return;
        Instant now = clock.instant();
        if (Duration.between(oldest.since(), now).compareTo(aheadRelease) < 0) return;
        // Slots that keep freeing (a drain, completions written late under load) will take the buffer
        // soon: only slots stuck for as long (long commands) justify giving the buffer away.
        if (Duration.between(slotFreedAt, now).compareTo(aheadRelease) < 0) return;
        List<QueuedCommand> stale = new ArrayList<>();
        for (Buffered b;
                (b = ahead.peek()) != null && Duration.between(b.since(), now).compareTo(aheadRelease) >= 0; ) {
            if (ahead.remove(b)) {
                // A guild's commands go back together: pending again, in their order, none begun.
                for (QueuedCommand row : b.rows()) {
                    neverRun.add(row.id());
                    stale.add(row);
                }
            }
        }
        aheadPausedUntil = now.plus(aheadRelease);
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "gave back " + stale.size() + " buffered commands after " + aheadRelease.toMillis()
                        + " ms without a free slot");
        settleUnfinished(stale);
    }

    /** Moves buffered commands to free slots, oldest first, counting their wait in their age (expiry). */
    private void runBuffered() {
        while (inFlight.get() < maxInFlight) {
            Buffered b = ahead.poll();
            if (b == null) return;
            if (b.rows().size() == 1) run(aged(b.rows().getFirst(), b.since()));
            else runLane(b.rows(), b.since());
        }
    }

    /** The row with the time it waited since {@code since} added to its age (expiry goes by age). */
    private QueuedCommand aged(QueuedCommand r, Instant since) {
        Duration waited = Duration.between(since, clock.instant());
        Duration age =
                r.age() == null || waited.isNegative() ? r.age() : r.age().plus(waited);
        return new QueuedCommand(
                r.id(),
                r.guildId(),
                r.action(),
                r.payloadJson(),
                r.requestedBy(),
                age,
                r.admission(),
                r.mayHaveStarted());
    }

    /** A claim's rows grouped by guild, each group in the claim's order (a guild's own order). */
    private static Collection<List<QueuedCommand>> byGuild(List<QueuedCommand> batch) {
        Map<String, List<QueuedCommand>> guilds = new LinkedHashMap<>();
        for (QueuedCommand row : batch)
            guilds.computeIfAbsent(row.guildId(), g -> new ArrayList<>()).add(row);
        return guilds.values();
    }

    /**
     * Several commands of one guild from one claim (issue 12): one slot and one virtual thread run
     * them one after another, in the order received, so two commands of a guild never run at once
     * and never out of order. Each is judged ({@code expired}, refused) when its turn comes, with
     * its wait counted in its age. Once the worker stops claiming, what has not begun is handed back
     * (pending again, its attempt given back), never begun on a session that is going away.
     */
    private void runLane(List<QueuedCommand> rows, Instant since) {
        inFlight.incrementAndGet();
        for (QueuedCommand r : rows) laneWaiting.put(r.id(), r);
        try {
            executor.execute(() -> lane(List.copyOf(rows), since));
        } catch (RejectedExecutionException shuttingDown) {
            // Claimed while close() stopped the executor: none ran, so all are released.
            inFlight.decrementAndGet();
            for (QueuedCommand r : rows) {
                if (laneWaiting.remove(r.id()) != null) {
                    neverRun.add(r.id());
                    unsettled.add(r);
                }
            }
        }
    }

    private void lane(List<QueuedCommand> rows, Instant since) {
        for (int i = 0; i < rows.size(); i++) {
            QueuedCommand next = rows.get(i);
            boolean last = i == rows.size() - 1;
            if (!claiming || laneWaiting.remove(next.id()) == null) {
                inFlight.decrementAndGet();
                handBack(rows.subList(i, rows.size()));
                return;
            }
            QueuedCommand row = aged(next, since);
            Optional<Completion> answer = handler.answerWithoutRunning(row);
            if (answer.isPresent()) {
                metrics.finished(row, answer.get(), Duration.ZERO);
                completed.incrementAndGet();
                outcomes.addFirst(new Outcome(answer.get(), last));
                continue;
            }
            running.put(row.id(), row);
            Instant began = clock.instant();
            Completion outcome = handler.handle(row, this::markStarted);
            if (running.remove(row.id()) == null) {
                // Given up at shutdown (close() settles it): the rest never begins.
                handBack(rows.subList(i + 1, rows.size()));
                return;
            }
            metrics.finished(row, outcome, Duration.between(began, clock.instant()));
            started.remove(row.id());
            completed.incrementAndGet();
            outcomes.addFirst(new Outcome(outcome, last));
        }
    }

    /** A lane's commands that never began, handed back in one statement (a guild's suffix, in order). */
    private void handBack(List<QueuedCommand> rest) {
        List<QueuedCommand> back = new ArrayList<>();
        for (QueuedCommand r : rest) {
            if (laneWaiting.remove(r.id()) != null) {
                neverRun.add(r.id());
                back.add(r);
            }
        }
        if (!back.isEmpty()) settleUnfinished(back);
    }

    private void run(QueuedCommand row) {
        inFlight.incrementAndGet();
        running.put(row.id(), row);
        try {
            executor.execute(() -> {
                Instant began = clock.instant();
                Completion outcome = handler.handle(row, this::markStarted);
                if (running.remove(row.id()) == null) return; // given up at shutdown already
                metrics.finished(row, outcome, Duration.between(began, clock.instant()));
                started.remove(row.id());
                completed.incrementAndGet();
                outcomes.addFirst(new Outcome(outcome, true));
            });
        } catch (RejectedExecutionException shuttingDown) {
            // Claimed while close() stopped the executor: never run, so release it like a dead worker's.
            running.remove(row.id());
            inFlight.decrementAndGet();
            neverRun.add(row.id());
            unsettled.add(row);
        }
    }

    private boolean markStarted(String commandId) {
        started.add(commandId);
        return markStarted.started(commandId);
    }

    /** A completion to write; {@code slot} when it held one of the {@code maxInFlight} slots. */
    private record Outcome(Completion completion, boolean slot) {}

    private void writeOutcomes() {
        List<Outcome> batch = new ArrayList<>();
        long failures = 0;
        while (writing || !outcomes.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Outcome first = outcomes.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                    outcomes.drainTo(batch, 999);
                }
                List<Completion> rows = new ArrayList<>(batch.size());
                int slots = 0;
                for (Outcome o : batch) {
                    rows.add(o.completion());
                    if (o.slot()) slots++;
                }
                complete(rows);
                failures = 0;
                inFlight.addAndGet(-slots);
                if (slots > 0) slotFreedAt = clock.instant();
                batch.clear();
                // The queue wakes the claim loop itself when a completion makes a guild's next
                // command claimable; here only when slots freed up under a full claim loop, so no
                // empty claim follows a batch that readied nothing (issue 12).
                if (saturated && slots > 0) await.wakeUp();
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException databaseDown) {
                // Keep the batch: an outcome is written eventually or, if this process dies first,
                // the lease runs out and another worker recovers the command.
                failures++;
                LOG.log(
                        failures == 1 && !databaseAway ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                        "writing " + batch.size() + " outcomes failed (attempt " + failures + "), retrying: "
                                + databaseDown);
                if (!sleep(backoff(failures))) return;
            }
        }
    }

    /**
     * One completion statement at a time from this worker (review finding 3): the writer thread and
     * {@link #settleUnfinished} (close(), the recovery pass) could otherwise each end one command of
     * a guild's lane at the same moment, each see the other's row still processing on its snapshot,
     * and neither put the guild back in line: its next command waited for the resync (a minute).
     * Serialised, the second statement starts after the first committed and sees it.
     */
    private void complete(List<Completion> rows) {
        completing.lock();
        try {
            completions.complete(rows);
        } finally {
            completing.unlock();
        }
    }

    private void heartbeat() {
        try {
            claims.heartbeat();
        } catch (RuntimeException e) {
            LOG.log(awayOr(System.Logger.Level.WARNING), "lease renewal failed: " + describe(e));
        }
    }

    private void recoverAbandoned() {
        if (!claiming) return;
        List<QueuedCommand> rows = new ArrayList<>();
        for (QueuedCommand r; (r = unsettled.poll()) != null; ) rows.add(r);
        try {
            List<QueuedCommand> abandoned = recovery.takeOverAbandoned();
            if (!abandoned.isEmpty())
                LOG.log(System.Logger.Level.WARNING, "recovered " + abandoned.size() + " commands of a dead worker");
            rows.addAll(abandoned);
        } catch (RuntimeException e) {
            LOG.log(awayOr(System.Logger.Level.WARNING), "recovering abandoned commands failed: " + describe(e));
        }
        if (rows.isEmpty()) return;
        settleUnfinished(rows);
        await.wakeUp();
    }

    /**
     * Runs an idempotent command again later; ends any other as {@code interrupted}, never repeating
     * its side effect. What cannot be written now (the database is down) is kept in
     * {@link #unsettled} and retried at the next recovery pass: these commands are held by this
     * worker, whose lease stays alive, so no other worker would ever settle them.
     *
     * @return whether everything was written
     */
    private boolean settleUnfinished(List<QueuedCommand> rows) {
        List<QueuedCommand> again = new ArrayList<>();
        List<QueuedCommand> interrupted = new ArrayList<>();
        // Read before claimedHere() consumes it: these never reached a thread (their attempt is given back).
        Set<String> unrun = new java.util.HashSet<>();
        for (QueuedCommand row : rows) if (neverRun.contains(row.id())) unrun.add(row.id());
        for (QueuedCommand row : rows) {
            boolean idempotent = handler.idempotent(row.action());
            // A command that never began its side effects never reached Discord: run it again,
            // whatever its action. Only what may have reached Discord ends interrupted.
            boolean mayHaveStarted = started.remove(row.id()) || row.mayHaveStarted() && !claimedHere(row);
            (idempotent || !mayHaveStarted ? again : interrupted).add(row);
        }
        boolean settled = true;
        if (!again.isEmpty()) {
            try {
                // A row whose start mark landed after 'started' was read above (a thread still
                // running at shutdown) is not requeued: it ends interrupted with the others.
                List<String> back = again.stream()
                        .map(QueuedCommand::id)
                        .filter(unrun::contains)
                        .toList();
                List<String> rest = again.stream()
                        .map(QueuedCommand::id)
                        .filter(id -> !unrun.contains(id))
                        .toList();
                List<String> startedMeanwhile = new ArrayList<>();
                if (!back.isEmpty()) startedMeanwhile.addAll(recovery.handBack(back));
                if (!rest.isEmpty()) startedMeanwhile.addAll(recovery.requeue(rest));
                back.forEach(neverRun::remove);
                for (QueuedCommand row : again) if (startedMeanwhile.contains(row.id())) interrupted.add(row);
            } catch (RuntimeException databaseDown) {
                unsettled.addAll(again);
                settled = false;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "requeueing " + again.size() + " commands failed, retrying later: " + databaseDown);
            }
        }
        if (!interrupted.isEmpty()) {
            try {
                List<Completion> ended =
                        interrupted.stream().map(handler::interrupted).toList();
                complete(ended);
                for (int i = 0; i < ended.size(); i++)
                    metrics.finished(interrupted.get(i), ended.get(i), Duration.ZERO);
            } catch (RuntimeException databaseDown) {
                unsettled.addAll(interrupted);
                settled = false;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "ending " + interrupted.size() + " commands as interrupted failed, retrying later: "
                                + databaseDown);
            }
        }
        return settled;
    }

    /**
     * Stops claiming, lets running commands finish within the shutdown timeout and writes their
     * outcomes. Anything still running after that is released the way a dead worker's commands
     * would be, so nothing stays {@code processing}.
     */
    /**
     * Stops claiming and hands the buffered commands that never reached a thread back to the queue
     * (as {@link #close()} does), leaving the running ones to finish or to {@link #close()}: a shard
     * given up calls this before its session is cut, so no command is begun on a dead session.
     */
    public void stopClaiming() {
        claiming = false;
        await.wakeUp();
        Thread loop = claimLoop;
        if (loop == null) return;
        loop.interrupt();
        join(loop, Duration.ofSeconds(5));
        List<QueuedCommand> back = new ArrayList<>();
        for (Buffered b; (b = ahead.poll()) != null; ) {
            for (QueuedCommand row : b.rows()) {
                neverRun.add(row.id());
                back.add(row);
            }
        }
        if (!back.isEmpty()) settleUnfinished(back);
    }

    @Override
    public synchronized void close() {
        if (claimLoop == null) return;
        claiming = false;
        await.wakeUp();
        claimLoop.interrupt();
        join(claimLoop, Duration.ofSeconds(5));
        // Buffered commands never reached a thread: released like a dead worker's never-started ones.
        for (Buffered b; (b = ahead.poll()) != null; ) {
            for (QueuedCommand row : b.rows()) {
                neverRun.add(row.id());
                unsettled.add(row);
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Take them out of 'running' before interrupting them, so that a handler cut short
                // cannot write its outcome as well: each one is settled exactly once, below.
                List<QueuedCommand> unfinished = new ArrayList<>();
                running.keySet().forEach(id -> {
                    QueuedCommand row = running.remove(id);
                    if (row != null) unfinished.add(row);
                });
                executor.shutdownNow();
                LOG.log(
                        System.Logger.Level.WARNING,
                        unfinished.size()
                                + " commands still running at shutdown: requeued if idempotent, else marked interrupted");
                unsettled.addAll(unfinished);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Lane commands never begun whose thread did not hand them back in time (cut short above).
        for (String id : List.copyOf(laneWaiting.keySet())) {
            QueuedCommand row = laneWaiting.remove(id);
            if (row != null) {
                neverRun.add(id);
                unsettled.add(row);
            }
        }
        List<QueuedCommand> left = new ArrayList<>();
        for (QueuedCommand r; (r = unsettled.poll()) != null; ) left.add(r);
        if (!left.isEmpty() && !settleUnfinished(left)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "could not settle " + unsettled.size()
                            + " commands at shutdown; another worker's lease recovery will");
            unsettled.clear();
        }
        writing = false;
        join(writer, shutdownTimeout);
        if (writer.isAlive()) {
            // The database is still unreachable: stop retrying so the process can exit. Those
            // commands stay processing under this worker's lease, and the next worker to start
            // recovers them once the lease runs out.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "outcomes not written before shutdown; the lease recovery will settle them");
            writer.interrupt();
            join(writer, Duration.ofSeconds(5));
        }
        housekeeping.shutdownNow();
        claimLoop = null;
    }

    private static void join(Thread t, Duration max) {
        try {
            t.join(max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long outageStart;
    private long outageReported;

    /** The claim loop's failure: said once, then once a minute while it lasts (see {@link #databaseAway}). */
    private void claimFailed(long failures, RuntimeException e) {
        long now = clock.millis();
        if (failures == 1) {
            databaseAway = true;
            outageStart = outageReported = now;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "claiming commands failed; retrying every " + MAX_BACKOFF.toSeconds()
                            + " s at most until it works, outcomes kept in memory meanwhile: " + describe(e));
        } else if (now - outageReported >= TimeUnit.MINUTES.toMillis(1)) {
            outageReported = now;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "claiming commands still failing after " + TimeUnit.MILLISECONDS.toSeconds(now - outageStart)
                            + " s (" + failures + " attempts), retrying: " + describe(e));
        } else {
            LOG.log(System.Logger.Level.DEBUG, "claiming commands failed (attempt " + failures + "): " + e);
        }
    }

    private long claimWorked(long failures) {
        if (failures > 0) {
            databaseAway = false;
            LOG.log(
                    System.Logger.Level.INFO,
                    "claiming commands works again after "
                            + TimeUnit.MILLISECONDS.toSeconds(clock.millis() - outageStart) + " s (" + failures
                            + " failed attempts)");
        }
        return 0;
    }

    private System.Logger.Level awayOr(System.Logger.Level level) {
        return databaseAway ? System.Logger.Level.DEBUG : level;
    }

    /** The failure and its root cause ("Connection refused"), which wrappers' messages hide. */
    private static String describe(Throwable e) {
        return com.valoratbot.core.text.OneLine.of(e);
    }

    private static Duration backoff(long failures) {
        long millis = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures, 10));
        return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 4 + 1));
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Rows this process claimed itself but never handed to a thread (rejected at shutdown) never started. */
    private boolean claimedHere(QueuedCommand row) {
        return row.admission() instanceof QueuedCommand.Admission.Run && neverRun.remove(row.id());
    }

    public static final class Builder {
        private final ClaimCommands claims;
        private final CompleteCommands completions;
        private final RecoverCommands recovery;
        private final AwaitCommands await;
        private final CommandHandler handler;
        private int maxInFlight = 256;
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private Duration recoveryInterval = Duration.ofSeconds(5);
        private Duration shutdownTimeout = Duration.ofSeconds(20);
        private MarkStarted markStarted = MarkStarted.NONE;
        private int claimAhead = 256;
        private Duration aheadRelease = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();
        private WorkerMetrics metrics = WorkerMetrics.NONE;

        private Builder(
                ClaimCommands claims,
                CompleteCommands completions,
                RecoverCommands recovery,
                AwaitCommands await,
                CommandHandler handler) {
            this.claims = Objects.requireNonNull(claims, "claims");
            this.completions = Objects.requireNonNull(completions, "completions");
            this.recovery = Objects.requireNonNull(recovery, "recovery");
            this.await = Objects.requireNonNull(await, "await");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** Commands running at once across all guilds (one per guild at most). Default 256. */
        public Builder maxInFlight(int v) {
            if (v < 1) throw new IllegalArgumentException("maxInFlight must be at least 1, was " + v);
            maxInFlight = v;
            return this;
        }

        /** The polling fallback when no notification arrives. Default 500 ms. */
        public Builder pollInterval(Duration v) {
            pollInterval = positive("pollInterval", v);
            return this;
        }

        /** How often this worker renews its lease; keep it well under the lease. Default 5 s. */
        public Builder heartbeatInterval(Duration v) {
            heartbeatInterval = positive("heartbeatInterval", v);
            return this;
        }

        /**
         * The heartbeat and poll interval from the one {@link QueueTiming} the queue is also given,
         * so the heartbeat always fits in the queue's lease.
         */
        public Builder timing(QueueTiming v) {
            Objects.requireNonNull(v, "timing");
            return pollInterval(v.pollInterval()).heartbeatInterval(v.heartbeat());
        }

        public Builder recoveryInterval(Duration v) {
            recoveryInterval = positive("recoveryInterval", v);
            return this;
        }

        public Builder shutdownTimeout(Duration v) {
            shutdownTimeout = positive("shutdownTimeout", v);
            return this;
        }

        /**
         * Where to record that a non-idempotent command starts its side effects (the queue's
         * {@code startMarks()}). Without it, a dead worker's non-idempotent commands always end
         * {@code interrupted}; with it, those that never started run again.
         */
        public Builder markStarted(MarkStarted v) {
            markStarted = Objects.requireNonNull(v, "markStarted");
            return this;
        }

        /**
         * Real commands this worker may hold claimed beyond its free slots (issue 9): each claim asks
         * for this many rows more than there are free slots, so a flood of junk is answered at the
         * claim's speed. Larger answers junk faster but keeps more real commands from other workers.
         * 0 claims only for free slots. Default 256.
         */
        public Builder claimAhead(int v) {
            if (v < 0) throw new IllegalArgumentException("claimAhead must be at least 0, was " + v);
            claimAhead = v;
            return this;
        }

        /**
         * How long a command claimed ahead may wait for a slot before it is given back for other
         * workers (and claiming ahead pauses as long). Default 2 s: well under the dashboard's 24 s.
         */
        public Builder aheadRelease(Duration v) {
            aheadRelease = positive("aheadRelease", v);
            return this;
        }

        /** Measures how long a buffered command waited (it counts in its age). Default the system clock. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** Where claims and outcomes are counted (pickup latency, commands by action and outcome). Default {@link WorkerMetrics#NONE}. */
        public Builder metrics(WorkerMetrics v) {
            metrics = Objects.requireNonNull(v, "metrics");
            return this;
        }

        private static Duration positive(String name, Duration v) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException(name + " must be positive, was " + v);
            return v;
        }

        /**
         * @throws IllegalArgumentException when a custom action of the handler is also one the
         *         queue leaves to another consumer: its rows would never be claimed, and would
         *         silently wait until they expire
         */
        public CommandWorker build() {
            Set<String> both = new java.util.TreeSet<>(handler.customActionNames());
            both.retainAll(claims.foreignActions());
            if (!both.isEmpty()) {
                throw new IllegalArgumentException(
                        "custom actions " + both + " are also named in VALORATBOT_FOREIGN_ACTIONS (left to another"
                                + " consumer, never claimed here): remove them from one of the two");
            }
            return new CommandWorker(this);
        }
    }
}
