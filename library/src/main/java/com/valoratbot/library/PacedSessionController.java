package com.valoratbot.library;

import com.valoratbot.core.port.shard.IdentifySlots;
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
 * <p>One thread starts sessions one after the other, as JDA's does: {@code node.run(false)} returns
 * once the session is READY (or failed), so the slot is then dated to when its IDENTIFY really went
 * out. Reconnects that resume a session send no IDENTIFY, but JDA queues them here too: they take a
 * slot like any start, which errs on the slow side.
 */
final class PacedSessionController implements SessionController {

    private static final Logger LOG = LoggerFactory.getLogger(PacedSessionController.class);
    /** Discord's window per rate-limit key. */
    static final Duration IDENTIFY_INTERVAL = Duration.ofMillis(SessionController.IDENTIFY_DELAY * 1000L);
    /** How long a slot stays held while its session connects, at most (a process dying meanwhile frees it then). */
    static final Duration HOLD = Duration.ofSeconds(30);

    private final IdentifySlots slots;
    private final String worker;
    private final String gatewayUrl;
    private final SessionControllerAdapter discord = new SessionControllerAdapter();
    private final BlockingQueue<SessionConnectNode> queue = new LinkedBlockingQueue<>();
    private volatile int concurrency = 1;
    private final Thread thread;

    /** @param gatewayUrl a fixed gateway (the local stand-in), or null for the one Discord gives */
    PacedSessionController(IdentifySlots slots, String worker, String gatewayUrl) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.gatewayUrl = gatewayUrl;
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
                awaitSlot(shard);
                node.run(false);
                try {
                    slots.identified(worker, shard, concurrency);
                } catch (RuntimeException e) {
                    LOG.warn("could not date shard {}'s IDENTIFY: {}", shard, e.getMessage());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("starting shard {}'s session failed: {}", shard, e.toString());
            }
        }
    }

    /** Waits until this worker holds the bucket's slot; a database that fails is asked again shortly. */
    private void awaitSlot(int shard) throws InterruptedException {
        while (true) {
            Duration wait;
            try {
                wait = slots.take(worker, shard, concurrency, IDENTIFY_INTERVAL, HOLD);
            } catch (RuntimeException e) {
                LOG.warn("IDENTIFY slot for shard {} unavailable ({}); retrying", shard, e.getMessage());
                wait = Duration.ofSeconds(1);
            }
            if (wait.isZero()) return;
            LOG.debug("shard {} waits {} ms for its IDENTIFY slot", shard, wait.toMillis());
            Thread.sleep(Math.min(wait.toMillis(), 1000));
        }
    }

    void close() {
        thread.interrupt();
    }
}
