package com.valoratbot.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.valoratbot.core.command.Action;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.ops.QueueDepth;
import com.valoratbot.core.port.ops.WorkerMetrics;
import com.valoratbot.core.result.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's figures in a Micrometer registry (Prometheus names in docs/operations.md): commands
 * by action and outcome, pickup latency, run time, queue depth, shards and their gateway latency,
 * and the JVM's memory, threads and CPU.
 *
 * <p>Labels have bounded values: an action not known to this worker (the dashboard may write any
 * text) is counted as {@code unknown}, an outcome is {@code ok} or one of {@link ErrorCode}'s wire
 * names. A flood of junk action names therefore adds no series.
 */
public final class ValoratbotMetrics implements WorkerMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ValoratbotMetrics.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> CODES =
            Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName).collect(Collectors.toUnmodifiableSet());
    /** How old the queue depth may be before a scrape reads it again: several scrapers cost one query. */
    public static final Duration DEFAULT_DEPTH_MAX_AGE = Duration.ofSeconds(5);

    /** Before the first read: the gauges show zero. */
    private static final QueueDepth.Depth NOT_READ = new QueueDepth.Depth(0, 0, Optional.empty());

    private final PrometheusMeterRegistry registry;
    private final Set<String> actions;
    private final Timer pickup;
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Object depthLock = new Object();
    private CompletableFuture<QueueDepth.Depth> depthRead;
    private volatile Depth depth = new Depth(NOT_READ, 0);
    private Supplier<List<ShardState>> shards = List::of;
    private MultiGauge shardConnected;
    private MultiGauge shardPing;

    /**
     * @param customActions the embedder's own action names: counted under their name (with the built-in ones)
     */
    public ValoratbotMetrics(PrometheusMeterRegistry registry, Set<String> customActions) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Set<String> known = new HashSet<>(customActions);
        for (Action a : Action.values()) known.add(a.wireName());
        this.actions = Set.copyOf(known);
        this.pickup = Timer.builder("valoratbot.command.pickup")
                .description("Time from a command's created_at to its claim by this worker (database clock)")
                // Buckets around the dashboard's rhythm: it polls every 800 ms and gives up after 24 s.
                .serviceLevelObjectives(
                        Duration.ofMillis(10),
                        Duration.ofMillis(25),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofMillis(500),
                        Duration.ofMillis(800),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(2500),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(24),
                        Duration.ofSeconds(60))
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** A fresh Prometheus registry with the worker's meters. */
    public static ValoratbotMetrics create(Set<String> customActions) {
        return new ValoratbotMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), customActions);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void claimed(QueuedCommand row) {
        if (row.age() != null && !row.age().isNegative()) pickup.record(row.age());
    }

    @Override
    public void finished(QueuedCommand row, Completion outcome, Duration ran) {
        String action = actionLabel(row.action());
        String result = outcome.ok() ? "ok" : code(outcome.resultJson());
        counters.computeIfAbsent(
                        action + '\n' + result,
                        k -> Counter.builder("valoratbot.commands")
                                .description(
                                        "Commands whose outcome this worker decided, by action and outcome (ok or the result's code)")
                                .tags("action", action, "outcome", result)
                                .register(registry))
                .increment();
        if (ran.isPositive()) {
            durations
                    .computeIfAbsent(
                            action,
                            a -> Timer.builder("valoratbot.command.duration")
                                    .description(
                                            "How long a command ran on this worker, access checks and Discord included")
                                    .tags("action", a)
                                    .register(registry))
                    .record(ran);
        }
    }

    /** The row's action as a label: a known action's name, else {@code unknown}. */
    String actionLabel(String raw) {
        String a = raw == null ? "" : raw.strip();
        return actions.contains(a) ? a : "unknown";
    }

    /** The failure's {@code code}, read without building a tree; {@code other} for anything unexpected. */
    static String code(String resultJson) {
        if (resultJson == null) return "other";
        try (JsonParser p = JSON.createParser(resultJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return "other";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("code".equals(field)) {
                    return value == JsonToken.VALUE_STRING && CODES.contains(p.getText()) ? p.getText() : "other";
                }
                p.skipChildren();
            }
            return "other";
        } catch (IOException e) {
            return "other";
        }
    }

    /** The commands this process runs now (its slots in use). */
    public ValoratbotMetrics inFlight(IntSupplier running) {
        Gauge.builder("valoratbot.commands.in.flight", running::getAsInt)
                .description("Commands running on this worker now")
                .register(registry);
        return this;
    }

    /**
     * Queue depth gauges, read from {@code source} at scrape time, at most once per {@code maxAge}
     * (several scrapers, or a scrape of each gauge, cost one query). A read that fails keeps the last
     * figures and is logged at debug: the readiness check is where a database outage shows.
     */
    public ValoratbotMetrics queueDepth(QueueDepth source, Duration maxAge) {
        Objects.requireNonNull(source, "source");
        long maxAgeNanos = maxAge.toNanos();
        Supplier<QueueDepth.Depth> current = () -> currentDepth(source, maxAgeNanos);
        Gauge.builder("valoratbot.queue.commands", () -> current.get().pending())
                .description(
                        "Commands in the command table by status, all workers (another consumer's actions left out)")
                .tags("status", "pending")
                .register(registry);
        Gauge.builder("valoratbot.queue.commands", () -> current.get().processing())
                .description(
                        "Commands in the command table by status, all workers (another consumer's actions left out)")
                .tags("status", "processing")
                .register(registry);
        Gauge.builder(
                        "valoratbot.queue.oldest.pending",
                        () -> current.get()
                                .oldestPending()
                                .map(d -> d.toNanos() / 1e9)
                                .orElse(0.0))
                .description("How long the oldest pending command has waited, in seconds (0 when none waits)")
                .baseUnit("seconds")
                .register(registry);
        return this;
    }

    private record Depth(QueueDepth.Depth value, long readAtNanos) {}

    /**
     * The last figures if younger than {@code maxAgeNanos}; else one read, on its own thread, awaited
     * up to {@link Readiness#DEFAULT_TIMEOUT}: a database that does not answer (a full pool, an outage)
     * costs the scrape two seconds, not the pool's wait, and never more than one read at a time.
     */
    private QueueDepth.Depth currentDepth(QueueDepth source, long maxAgeNanos) {
        Depth d = depth;
        if (d.value() != NOT_READ && System.nanoTime() - d.readAtNanos() < maxAgeNanos) return d.value();
        CompletableFuture<QueueDepth.Depth> read;
        synchronized (depthLock) {
            if (depthRead == null || depthRead.isDone()) {
                depthRead = CompletableFuture.supplyAsync(
                                source::read,
                                task -> Thread.ofVirtual()
                                        .name("valoratbot-queue-depth")
                                        .start(task))
                        .whenComplete((fresh, failure) -> {
                            if (fresh != null) depth = new Depth(fresh, System.nanoTime());
                            else LOG.debug("reading the queue depth failed: {}", String.valueOf(failure));
                        });
            }
            read = depthRead;
        }
        try {
            return read.get(Readiness.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return depth.value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return depth.value();
        }
    }

    /**
     * The shards this process holds ({@code valoratbot_shards}, {@code valoratbot_shards_connected}, and
     * per shard {@code valoratbot_shard_connected} and {@code valoratbot_gateway_ping_seconds}). The set
     * changes as shards are taken and given up: {@link #refresh()} reads it again.
     */
    public synchronized ValoratbotMetrics shards(Supplier<List<ShardState>> source) {
        shards = Objects.requireNonNull(source, "source");
        Gauge.builder("valoratbot.shards", () -> shardsNow().size())
                .description("Gateway shards this process holds")
                .register(registry);
        Gauge.builder(
                        "valoratbot.shards.connected",
                        () -> shardsNow().stream().filter(ShardState::connected).count())
                .description("Gateway shards of this process that are connected")
                .register(registry);
        shardConnected = MultiGauge.builder("valoratbot.shard.connected")
                .description("1 when the shard's gateway session is connected, else 0")
                .register(registry);
        shardPing = MultiGauge.builder("valoratbot.gateway.ping")
                .description("The shard's last gateway heartbeat round trip")
                .baseUnit("seconds")
                .register(registry);
        refresh();
        return this;
    }

    private List<ShardState> shardsNow() {
        try {
            return shards.get();
        } catch (RuntimeException e) {
            LOG.debug("reading the shards failed: {}", e.toString());
            return List.of();
        }
    }

    /** Reads the per-shard rows again (shards taken or given up since); called before each scrape. */
    public synchronized void refresh() {
        if (shardConnected == null) return;
        List<ShardState> now = shardsNow();
        shardConnected.register(
                now.stream()
                        .map(s -> MultiGauge.Row.of(Tags.of("shard", Integer.toString(s.id())), s.connected() ? 1 : 0))
                        .toList(),
                true);
        shardPing.register(
                now.stream()
                        .filter(s -> s.ping().isPresent())
                        .map(s -> MultiGauge.Row.of(
                                Tags.of("shard", Integer.toString(s.id())),
                                s.ping().get().toNanos() / 1e9))
                        .toList(),
                true);
    }
}
