package com.valoratbot.worker;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.valoratbot.standin.DiscordStandIn;
import com.google.inject.Stage;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.PostgresQueue;

import java.util.Optional;

/**
 * The worker daemon: wires everything with Guice, starts it, and stops it in reverse order. The
 * order of start-up is the order of dependencies: database, Discord, then claiming commands, so no
 * command is claimed before the bot can run it.
 */
public final class WorkerApp implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkerApp.class);

    private final Lifecycle lifecycle;
    private final Injector injector;

    private WorkerApp(Lifecycle lifecycle, Injector injector) {
        this.lifecycle = lifecycle;
        this.injector = injector;
    }

    /** @throws WorkerConfig.MissingTokenException without a token outside the sandbox */
    public static WorkerApp start(Settings settings, boolean sandbox) {
        WorkerConfig config = WorkerConfig.from(settings, sandbox);
        Lifecycle lifecycle = new Lifecycle();
        try {
            Injector injector = Guice.createInjector(Stage.PRODUCTION, new WorkerModule(settings, config, lifecycle));
            Database db = injector.getInstance(Database.class);
            LOG.info("database: {}{}", db.describe(),
                    db.embeddedDataDirectory().map(d -> " (embedded; data in " + d.toAbsolutePath() + ")").orElse(""));
            PostgresQueue queue = injector.getInstance(PostgresQueue.class);
            LOG.info("queue: table {}, worker {}, {}", queue.table(), queue.workerId(),
                    queue.listens() ? "LISTEN/NOTIFY with " + queue.pollInterval().toMillis() + " ms polling fallback"
                            : "polling every " + queue.pollInterval().toMillis() + " ms (LISTEN off)");
            lifecycle.manage(injector.getInstance(CommandWorker.class).start());
            LOG.info("worker started: {}", config);
            return new WorkerApp(lifecycle, injector);
        } catch (RuntimeException e) {
            lifecycle.close();
            throw e;
        }
    }

    public <T> T get(Class<T> type) {
        return injector.getInstance(type);
    }

    /** The in-process Discord stand-in when running with {@code --sandbox}. */
    public Optional<DiscordStandIn> sandbox() {
        return injector.getInstance(Key.get(new TypeLiteral<Optional<DiscordStandIn>>() {}));
    }

    @Override
    public void close() {
        LOG.info("worker stopping: finishing commands in flight");
        lifecycle.close();
        LOG.info("worker stopped");
    }
}
