package com.valoratbot.library;

import com.valoratbot.core.port.ops.WorkerMetrics;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.metrics.Health;
import com.valoratbot.metrics.HealthEndpoint;
import com.valoratbot.metrics.MetricsEndpoint;
import com.valoratbot.metrics.Readiness;
import com.valoratbot.metrics.ShardState;
import com.valoratbot.metrics.ValoratbotMetrics;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.PostgresQueueDepth;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;

/**
 * Health and metrics for the front door (docs/operations.md): the HTTP endpoint is started before
 * anything else, so a probe during a long start-up (a database being restarted, a slow gateway) gets
 * "live, not ready", and closed after everything else; readiness turns to "stopping" as soon as
 * {@link Valoratbot#close()} begins. The figures reach Micrometer through core's {@link WorkerMetrics}
 * port and the suppliers below: the metrics adapter knows neither JDA nor JDBC.
 */
final class Operations implements AutoCloseable {

    private final ValoratbotMetrics metrics;
    private final Readiness readiness;
    private final HealthEndpoint endpoint;

    private Operations(ValoratbotMetrics metrics, Readiness readiness, HealthEndpoint endpoint) {
        this.metrics = metrics;
        this.readiness = readiness;
        this.endpoint = endpoint;
    }

    /** Starts serving at {@code at}; empty when {@link MetricsEndpoint#OFF}. */
    static Optional<Operations> start(MetricsEndpoint at, Set<String> customActions) {
        return switch (at) {
            case MetricsEndpoint.Off off -> Optional.empty();
            case MetricsEndpoint.On on -> {
                ValoratbotMetrics metrics = ValoratbotMetrics.create(customActions);
                Readiness readiness = new Readiness();
                yield Optional.of(new Operations(metrics, readiness, HealthEndpoint.start(on, metrics, readiness)));
            }
        };
    }

    WorkerMetrics workerMetrics() {
        return metrics;
    }

    ValoratbotMetrics metrics() {
        return metrics;
    }

    Readiness readiness() {
        return readiness;
    }

    HealthEndpoint endpoint() {
        return endpoint;
    }

    /** Everything is started: the gauges read the parts, and readiness follows the database and the gateway. */
    void serving(Database db, Set<String> foreignActions, DiscordGateway discord, CommandWorker worker) {
        serving(db, foreignActions, () -> List.of(discord.jda()), worker::inFlight);
    }

    /**
     * As above for a process whose sessions change: a sharded process's held shards ({@code sessions},
     * read again at each scrape and probe), its commands in flight summed over its shards' workers.
     */
    void serving(Database db, Set<String> foreignActions, Supplier<List<JDA>> sessions, IntSupplier inFlight) {
        metrics.inFlight(inFlight)
                .queueDepth(PostgresQueueDepth.on(db, foreignActions), ValoratbotMetrics.DEFAULT_DEPTH_MAX_AGE)
                .shards(() -> sessions.get().stream().map(Operations::shard).toList());
        readiness.serving(List.of(
                new Readiness.Check("database", () -> database(db)),
                new Readiness.Check("gateway", () -> gateway(sessions.get()))));
    }

    void stopping() {
        readiness.stopping();
    }

    private static ShardState shard(JDA jda) {
        long ping = jda.getGatewayPing();
        return new ShardState(
                jda.getShardInfo().getShardId(),
                jda.getStatus().name(),
                jda.getStatus() == JDA.Status.CONNECTED,
                ping < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ping)));
    }

    private static Health database(Database db) {
        try (Connection c = db.dataSource().getConnection()) {
            return c.isValid((int) Readiness.DEFAULT_TIMEOUT.toSeconds())
                    ? Health.up("reachable")
                    : Health.down("the connection did not answer");
        } catch (SQLException e) {
            return Health.down(Database.safeMessage(e));
        }
    }

    private static Health gateway(List<JDA> sessions) {
        // A sharded process may hold none while others hold every shard: nothing of it is down.
        if (sessions.isEmpty()) return Health.up("no shard held");
        StringBuilder down = new StringBuilder();
        for (JDA jda : sessions) {
            if (jda.getStatus() != JDA.Status.CONNECTED) {
                if (!down.isEmpty()) down.append(", ");
                down.append("shard ")
                        .append(jda.getShardInfo().getShardId())
                        .append(' ')
                        .append(jda.getStatus());
            }
        }
        return down.isEmpty()
                ? Health.up(sessions.size() + (sessions.size() == 1 ? " session" : " sessions") + " connected")
                : Health.down(down.toString());
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
