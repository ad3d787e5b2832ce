package com.valoratbot.library;

import com.valoratbot.core.port.shard.IdentifySlots;
import com.valoratbot.core.shard.SessionStartBudget;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.utils.SessionController;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDA {@link SessionController} (public API) that paces IDENTIFY across worker PROCESSES (issue 11):
 * before a shard's session starts, it takes its rate-limit bucket's slot ({@code shard %
 * max_concurrency}, one IDENTIFY per 5 s) in PostgreSQL through {@link IdentifySlots}, so workers in
 * several processes never IDENTIFY faster than Discord's {@code session_start_limit} allows. JDA's own
 * {@link SessionControllerAdapter} paces only inside one process.
 *
 * <p>The slot is held only as long as Discord's rule needs (one IDENTIFY per key per 5 s): taking it
 * dates the key's last IDENTIFY "now"; while the session connects, the date is moved to "now" every
 * {@link #RENEW_HOLD} (the process is alive and about to IDENTIFY); once the session's status shows its
 * IDENTIFY sent ({@code AWAITING_LOGIN_CONFIRMATION}, which JDA sets right after sending it), the slot
 * is dated one last time, so the next IDENTIFY of that key, in any process, waits 5 s from ours.
 * A process killed while connecting therefore blocks the key at most 5 s after its last renewal (it
 * was 30 s, weighing on a takeover), and sessions of one process no longer wait for each other's
 * READY: a READY with thousands of guilds takes seconds, the rule only counts IDENTIFYs.
 *
 * <p>Safety: a process that cannot renew the hold (database slow or gone) must not IDENTIFY once
 * another could have the key: when {@link #HOLD} minus {@link #HOLD_MARGIN} has passed since it sent
 * its last successful renewal and the IDENTIFY has not gone out, the session is shut down (the shard
 * fails to start and is retried by the lease loop's back-off). A session that has not identified
 * {@link #CONNECT_LIMIT} after taking the slot is shut down too, so a gateway that never answers does
 * not keep the key. Reconnects that resume a session send a RESUME, not an IDENTIFY, but JDA queues
 * them here too: they take a slot like any start, which errs on the slow side.
 */
final class PacedSessionController implements SessionController {

    private static final Logger LOG = LoggerFactory.getLogger(PacedSessionController.class);
    /**
     * Discord's window per rate-limit key (5 s), plus a margin. Discord times each IDENTIFY when it
     * arrives; we date ours when the session's status says it went out, and under load the frame can
     * reach the other end later than that, shrinking the gap to the next one below 5 s (seen in
     * ShardedWorkerProcessesTest: three of six runs on a loaded machine had one IDENTIFY refused, the
     * session then waiting out JDA's back-off). 500 ms costs each further shard of a bucket that much
     * at start and keeps those refusals away.
     */
    static final Duration IDENTIFY_INTERVAL =
            Duration.ofMillis(SessionController.IDENTIFY_DELAY * 1000L).plusMillis(500);
    /**
     * How long a taken or renewed slot blocks the key unrenewed: Discord's window, no more (a process
     * dying while connecting frees the key this long after its last renewal).
     */
    static final Duration HOLD = IDENTIFY_INTERVAL;
    /** How often the hold is renewed while the session connects. */
    static final Duration RENEW_HOLD = Duration.ofMillis(500);
    /** Time kept between giving a session up for an unrenewed hold and the hold's end in the database. */
    static final Duration HOLD_MARGIN = Duration.ofMillis(1500);
    /** A session that has not sent its IDENTIFY this long after taking the slot is given up. */
    static final Duration CONNECT_LIMIT = Duration.ofSeconds(30);

    private final IdentifySlots slots;
    private final String worker;
    private final String gatewayUrl;
    private final SessionControllerAdapter discord = new SessionControllerAdapter();
    private final BlockingQueue<SessionConnectNode> queue = new LinkedBlockingQueue<>();
    private volatile int concurrency = 1;
    private final Thread thread;
    private final String restBaseUrl;
    private final int reserve;
    /** The last reading of the daily session start budget, and the IDENTIFYs sent here since. */
    private SessionStartBudget.Limit budget;

    private int spentSince;
    private boolean warnedLow;

    /**
     * @param gatewayUrl a fixed gateway (the local stand-in), or null for the one Discord gives
     * @param restBaseUrl Discord's REST base (the local stand-in), or null for Discord's, for {@code /gateway/bot}
     * @param reserve     daily session starts never spent; negative for {@link SessionStartBudget#defaultReserve}
     */
    PacedSessionController(IdentifySlots slots, String worker, String gatewayUrl, String restBaseUrl, int reserve) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.gatewayUrl = gatewayUrl;
        this.restBaseUrl = restBaseUrl;
        this.reserve = reserve;
        this.thread = Thread.ofPlatform().daemon().name("valoratbot-identify").start(this::run);
    }

    @Override
    public void setConcurrency(int level) {
        concurrency = Math.max(1, level);
    }

    int concurrency() {
        return concurrency;
    }

    @Override
    public void appendSession(SessionConnectNode node) {
        queue.add(node);
    }

    @Override
    public void removeSession(SessionConnectNode node) {
        queue.remove(node);
    }

    @Override
    public String getGateway() {
        return gatewayUrl != null ? gatewayUrl : discord.getGateway();
    }

    @Override
    public ShardedGateway getShardedGateway(JDA api) {
        ShardedGateway g = discord.getShardedGateway(api);
        return gatewayUrl == null ? g : new ShardedGateway(gatewayUrl, g.getShardTotal(), g.getConcurrency());
    }

    @Override
    public net.dv8tion.jda.api.requests.RestRateLimiter.GlobalRateLimit getRateLimitHandle() {
        return discord.getRateLimitHandle();
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            SessionConnectNode node;
            try {
                node = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            int shard = node.getShardInfo().getShardId();
            try {
                // Only a session's first start is refused: a reconnect mostly RESUMEs (no session start
                // spent), and refusing it would cut a shard that is serving.
                if (!node.isReconnect() && !budgetAllows(node.getJDA(), shard)) {
                    node.getJDA().shutdownNow();
                    continue;
                }
                long heldAt = awaitSlot(shard);
                spentSince++;
                // node.run(false) returns only at READY: it runs beside this thread, which holds the
                // slot until the IDENTIFY has gone out, then serves the next session.
                Thread session = Thread.ofVirtual()
                        .name("valoratbot-connect-" + shard)
                        .start(() -> {
                            try {
                                node.run(false);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                LOG.warn("starting shard {}'s session failed: {}", shard, e.toString());
                            }
                        });
                holdUntilIdentified(node.getJDA(), session, shard, heldAt);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("starting shard {}'s session failed: {}", shard, e.toString());
            }
        }
    }

    /**
     * Renews the slot while {@code jda} connects, dates it once its IDENTIFY went out, and shuts the
     * session down before it could IDENTIFY on a hold that may have ended in the database.
     *
     * @param heldAt when the request that took the slot was sent (nanoTime): the hold counts from there
     */
    private void holdUntilIdentified(JDA jda, Thread session, int shard, long heldAt) throws InterruptedException {
        long lastHeld = heldAt;
        long nextRenewal = heldAt + RENEW_HOLD.toNanos();
        while (true) {
            JDA.Status status = jda.getStatus();
            if (identifySent(status) || !session.isAlive()) {
                // Also when the start ended without a visible IDENTIFY: one may have gone out.
                date(shard);
                return;
            }
            long now = System.nanoTime();
            boolean holdEnding = now - lastHeld > HOLD.minus(HOLD_MARGIN).toNanos();
            boolean tooLong = now - heldAt > CONNECT_LIMIT.toNanos();
            if (holdEnding || tooLong) {
                LOG.warn(
                        "shard {}'s session is given up before its IDENTIFY: {}",
                        shard,
                        tooLong
                                ? "no IDENTIFY " + CONNECT_LIMIT.toSeconds() + " s after taking the slot"
                                : "its IDENTIFY slot could not be renewed in time (another process may take it)");
                jda.shutdownNow();
                return;
            }
            if (now - nextRenewal >= 0) {
                nextRenewal = now + RENEW_HOLD.toNanos();
                try {
                    if (slots.identified(worker, shard, concurrency)) lastHeld = now;
                    else lastHeld = Long.MIN_VALUE / 2; // taken by another process: give up at once
                } catch (RuntimeException e) {
                    LOG.debug("renewing shard {}'s IDENTIFY slot failed: {}", shard, e.getMessage());
                }
                continue;
            }
            Thread.sleep(10);
        }
    }

    /**
     * Whether one more IDENTIFY may be spent of Discord's daily budget: read from {@code /gateway/bot}
     * at the first start and again whenever this process's estimate is low (other processes spend it
     * too). A reading that fails lets the start go (the budget is a guard, not a dependency).
     */
    private boolean budgetAllows(JDA jda, int shard) {
        boolean low = budget == null
                || !(SessionStartBudget.judge(budget, spentSince, keep(budget))
                        instanceof SessionStartBudget.Verdict.Plenty);
        if (low) {
            try {
                budget = ShardedValoratbot.GatewayBot.fetch(
                                restBaseUrl, jda.getToken().replaceFirst("^Bot ", ""))
                        .sessionStarts();
                spentSince = 0;
            } catch (RuntimeException e) {
                LOG.debug("reading the session start limit failed: {}", e.getMessage());
                if (budget == null) return true;
            }
        }
        return switch (SessionStartBudget.judge(budget, spentSince, keep(budget))) {
            case SessionStartBudget.Verdict.Plenty p -> true;
            case SessionStartBudget.Verdict.Low l -> {
                if (!warnedLow) LOG.warn("Discord's session start budget is low: {}", l.message());
                warnedLow = true;
                yield true;
            }
            case SessionStartBudget.Verdict.Exhausted x -> {
                LOG.error("Shard {} not started: {}", shard, x.message());
                yield false;
            }
        };
    }

    private int keep(SessionStartBudget.Limit limit) {
        return reserve >= 0 ? reserve : SessionStartBudget.defaultReserve(limit.total());
    }

    /** JDA sets AWAITING_LOGIN_CONFIRMATION right after sending IDENTIFY (or RESUME); later states follow it. */
    private static boolean identifySent(JDA.Status status) {
        return switch (status) {
            case AWAITING_LOGIN_CONFIRMATION, LOADING_SUBSYSTEMS, CONNECTED -> true;
            case INITIALIZING,
                    INITIALIZED,
                    LOGGING_IN,
                    CONNECTING_TO_WEBSOCKET,
                    IDENTIFYING_SESSION,
                    DISCONNECTED,
                    RECONNECT_QUEUED,
                    WAITING_TO_RECONNECT,
                    ATTEMPTING_TO_RECONNECT,
                    SHUTTING_DOWN,
                    SHUTDOWN,
                    FAILED_TO_LOGIN -> false;
        };
    }

    private void date(int shard) {
        try {
            slots.identified(worker, shard, concurrency);
        } catch (RuntimeException e) {
            // Not dated: the key stays blocked 5 s from the last renewal (at most RENEW_HOLD before our
            // IDENTIFY), so another process's IDENTIFY may come that much early; Discord answers it with
            // op 9 and JDA identifies again: slower, never two sessions on one shard.
            LOG.warn("could not date shard {}'s IDENTIFY: {}", shard, e.getMessage());
        }
    }

    /**
     * Waits until this worker holds the bucket's slot; a database that fails is asked again shortly.
     *
     * @return when the request that took it was sent (nanoTime): the hold counts from there
     */
    private long awaitSlot(int shard) throws InterruptedException {
        while (true) {
            Duration wait;
            long sent = System.nanoTime();
            try {
                wait = slots.take(worker, shard, concurrency, IDENTIFY_INTERVAL, HOLD);
            } catch (RuntimeException e) {
                LOG.warn("IDENTIFY slot for shard {} unavailable ({}); retrying", shard, e.getMessage());
                wait = Duration.ofSeconds(1);
            }
            if (wait.isZero()) return sent;
            LOG.debug("shard {} waits {} ms for its IDENTIFY slot", shard, wait.toMillis());
            Thread.sleep(Math.min(wait.toMillis(), 1000));
        }
    }

    void close() {
        thread.interrupt();
    }
}
