package com.valoratbot.worker;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.spi.Message;
import com.valoratbot.library.ShardedValoratbot;
import com.valoratbot.library.Valoratbot;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The worker daemon: the front door ({@link Valoratbot}) built from the environment's settings by
 * {@link WorkerModule}, plus, with {@code --sandbox}, the local stand-in it connects to. The library
 * starts database, Discord, then claiming commands, so no command is claimed before the bot can run
 * it, and stops them in its written order; the sandbox's stand-in and lock are closed after it.
 */
public final class WorkerApp implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkerApp.class);

    private final Lifecycle lifecycle;
    private final Valoratbot bot;
    private final ShardedValoratbot sharded;
    private final Optional<SandboxDiscord> sandbox;
    private final TokenRevoked tokenRevoked;

    private WorkerApp(
            Lifecycle lifecycle,
            Valoratbot bot,
            ShardedValoratbot sharded,
            Optional<SandboxDiscord> sandbox,
            TokenRevoked tokenRevoked) {
        this.lifecycle = lifecycle;
        this.bot = bot;
        this.sharded = sharded;
        this.sandbox = sandbox;
        this.tokenRevoked = tokenRevoked;
    }

    /** @throws WorkerConfig.MissingTokenException without a token outside the sandbox */
    public static WorkerApp start(Settings settings, boolean sandbox) {
        WorkerConfig config = WorkerConfig.from(settings, sandbox);
        QueueConfig.from(settings); // its mistakes stop start-up before the database is opened and migrated
        MetricsConfig.from(settings); // likewise
        if (ShardConfig.from(settings).on() && !config.sandbox())
            RefusedToken.check(config.discordRestUrl(), config.discordToken().orElseThrow());
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(settings, config);
            } catch (RuntimeException e) {
                // The database went away after it was first reached (a restart in the middle of
                // start-up): everything started so far was stopped; start again, and opening the
                // database waits for it as on a first start. Bounded, so a database that keeps
                // dropping connections still ends start-up with its reason.
                if (attempt >= START_ATTEMPTS || !Database.unavailable(e)) throw e;
                LOG.warn(
                        "The database went away during start-up ({}); starting again once it is back",
                        Database.safeMessage(e));
            }
        }
    }

    private static final int START_ATTEMPTS = 5;

    private static WorkerApp startOnce(Settings settings, WorkerConfig config) {
        Lifecycle lifecycle = new Lifecycle();
        // Before anything starts: a second sandbox worker on the same embedded database says so
        // at once instead of failing on a busy port halfway through start-up.
        DatabaseSettings databaseSettings = DatabaseConfig.from(settings);
        Optional<SandboxLock> sandboxLock = config.sandbox() && databaseSettings.embedded()
                ? Optional.of(lifecycle.manage(SandboxLock.acquire(databaseSettings.dataDirectory())))
                : Optional.empty();
        try {
            ShardConfig shards = ShardConfig.from(settings);
            Optional<SandboxDiscord> sandbox = config.sandbox()
                    ? Optional.of(lifecycle.manage(SandboxDiscord.start(
                            config.sandboxPort(), voiceCertificate(databaseSettings), shards.sandboxTotal())))
                    : Optional.empty();
            Injector injector = Guice.createInjector(
                    Stage.PRODUCTION, new WorkerModule(settings, config, databaseSettings, sandbox));
            if (injector.getInstance(ShardConfig.class).on()) {
                // Issue 11: this process holds shards through leases; each held shard runs the backend.
                ShardedValoratbot sharded = lifecycle.manage(
                        injector.getInstance(ShardedValoratbot.Builder.class).start());
                sandbox.ifPresent(standIn -> LOG.info(
                        "sandbox: {} shards, a guild on each: {}",
                        shards.sandboxTotal(),
                        standIn.standIn().stateUrl()));
                sandboxLock.ifPresent(lock -> lock.describe(java.util.Map.of(
                        "pid",
                        Long.toString(ProcessHandle.current().pid()),
                        "standIn",
                        sandbox.map(s -> s.standIn().baseUrl()).orElse("?"),
                        "database",
                        sharded.database().describe(),
                        "state",
                        "running")));
                LOG.info("worker started: {}", config);
                return new WorkerApp(lifecycle, null, sharded, sandbox, injector.getInstance(TokenRevoked.class));
            }
            Valoratbot bot = lifecycle.manage(
                    injector.getInstance(Valoratbot.Builder.class).start());
            WorkerApp app = new WorkerApp(lifecycle, bot, null, sandbox, injector.getInstance(TokenRevoked.class));
            // The bot is connected: members "talk" so the first leaderboard a newcomer asks for has names.
            app.sandbox().ifPresent(standIn -> {
                com.valoratbot.standin.DemoGuild.liven(standIn.state());
                LOG.info(
                        "sandbox: try music with {\"query\":\"{}\",\"voiceChannelId\":\"{}\"} (a tone the stand-in serves)",
                        standIn.sampleTrackUrl(),
                        com.valoratbot.standin.DemoGuild.VOCAL_ID);
            });
            sandboxLock.ifPresent(lock -> lock.describe(java.util.Map.of(
                    "pid",
                    Long.toString(ProcessHandle.current().pid()),
                    "standIn",
                    app.sandbox().map(DiscordStandIn::baseUrl).orElse("?"),
                    "database",
                    bot.database().describe(),
                    "state",
                    "running")));
            LOG.info("worker started: {}", config);
            return app;
        } catch (CreationException | ProvisionException e) {
            lifecycle.close();
            // Guice wraps our clear start-up errors ("cannot start the embedded PostgreSQL in …")
            // in a page of injector details; the person starting the worker needs only ours.
            throw rootCause(e);
        } catch (RuntimeException e) {
            lifecycle.close();
            if (RefusedToken.causedBy(e)) throw new RefusedToken();
            throw e;
        }
    }

    /** Beside the sandbox lock: {@code ~/.valoratbot/pgdata.voice.p12} by default (the data directory itself must stay empty until initdb). */
    private static java.nio.file.Path voiceCertificate(DatabaseSettings db) {
        java.nio.file.Path dir = db.dataDirectory().toAbsolutePath().normalize();
        return dir.resolveSibling(dir.getFileName() + ".voice.p12");
    }

    private static RuntimeException rootCause(RuntimeException guiceError) {
        Collection<Message> messages = guiceError instanceof CreationException c
                ? c.getErrorMessages()
                : ((ProvisionException) guiceError).getErrorMessages();
        return messages.stream()
                .map(Message::getCause)
                .filter(RuntimeException.class::isInstance)
                .map(RuntimeException.class::cast)
                .findFirst()
                .orElse(guiceError);
    }

    /**
     * Runs the worker until the JVM is asked to stop (Ctrl-C, SIGTERM), then stops it gracefully.
     * For deployments that start the worker without the CLI: {@code java -cp … com.valoratbot.worker.WorkerApp [--sandbox]}.
     */
    public static void runUntilStopped(Settings settings, boolean sandbox) throws InterruptedException {
        WorkerApp app = start(settings, sandbox);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            app.close();
            stopped.countDown();
        }));
        app.tokenRevoked.revoked().thenRun(stopped::countDown);
        stopped.await();
        if (app.tokenRevoked.revoked().isDone()) {
            app.close(); // leases released, commands in flight finished, before the exit status says why
            throw RefusedToken.whileRunning();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        try {
            runUntilStopped(Settings.load(System.getenv()), List.of(args).contains("--sandbox"));
        } catch (WorkerConfig.MissingTokenException | RefusedToken e) {
            System.err.println("valoratbot: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("valoratbot: " + e.getMessage());
            System.exit(1);
        }
    }

    /** A part the front door assembled ({@link Valoratbot#component}): for tests and tools. */
    public <T> T get(Class<T> type) {
        return bot().component(type)
                .orElseThrow(() -> new IllegalArgumentException("the worker has no " + type.getSimpleName()));
    }

    /** The front door's running backend (unsharded; see {@link #sharded()} otherwise). */
    public Valoratbot bot() {
        if (bot == null) throw new IllegalStateException("a sharded worker runs one backend per held shard: sharded()");
        return bot;
    }

    /** The sharded front door, when {@code VALORATBOT_SHARDS} is set. */
    public Optional<ShardedValoratbot> sharded() {
        return Optional.ofNullable(sharded);
    }

    /** The in-process Discord stand-in when running with {@code --sandbox}. */
    public Optional<DiscordStandIn> sandbox() {
        return sandbox.map(SandboxDiscord::standIn);
    }

    @Override
    public void close() {
        LOG.info("worker stopping: finishing commands in flight");
        lifecycle.close();
        LOG.info("worker stopped");
    }
}
