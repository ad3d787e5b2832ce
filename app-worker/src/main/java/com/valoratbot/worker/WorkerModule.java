package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.TypeLiteral;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.library.ShardedValoratbot;
import com.valoratbot.library.Valoratbot;
import com.valoratbot.supabase.DatabaseSettings;
import java.util.Optional;
import net.dv8tion.jda.api.JDABuilder;

/**
 * Configuration → the front door's builder ({@link Valoratbot}, docs/embedding.md): the daemon is the
 * library embedded with settings read from the environment. What is started and in which order it
 * stops is the library's; Guice only turns the settings into the builder.
 */
final class WorkerModule extends AbstractModule {

    private final Settings settings;
    private final WorkerConfig config;
    private final DatabaseSettings databaseSettings;
    private final Optional<SandboxDiscord> sandbox;
    /** Every session's, sharded or not: a token revoked while running stops the daemon (docs/scaling.md). */
    private final TokenRevoked tokenRevoked = new TokenRevoked();

    /**
     * @param databaseSettings read once by {@link WorkerApp} (which needs them before the injector,
     *                         for the sandbox lock): reading them again here would repeat the
     *                         validation and the legacy-directory check, and could disagree
     * @param sandbox          the stand-in the session connects to instead of Discord, when running with {@code --sandbox}
     */
    WorkerModule(
            Settings settings,
            WorkerConfig config,
            DatabaseSettings databaseSettings,
            Optional<SandboxDiscord> sandbox) {
        this.settings = settings;
        this.config = config;
        this.databaseSettings = databaseSettings;
        this.sandbox = sandbox;
    }

    @Override
    protected void configure() {
        bind(Settings.class).toInstance(settings);
        bind(WorkerConfig.class).toInstance(config);
        bind(DatabaseSettings.class).toInstance(databaseSettings);
        bind(new TypeLiteral<Optional<SandboxDiscord>>() {}).toInstance(sandbox);
        bind(TokenRevoked.class).toInstance(tokenRevoked);
    }

    @Provides
    QueueConfig queueConfig(Settings s) {
        return QueueConfig.from(s);
    }

    @Provides
    DashboardConfig dashboardConfig(Settings s) {
        return DashboardConfig.from(s);
    }

    @Provides
    MetricsConfig metricsConfig(Settings s) {
        return MetricsConfig.from(s);
    }

    @Provides
    Valoratbot.Builder frontDoor(
            WorkerConfig c,
            DatabaseSettings db,
            QueueConfig queue,
            DashboardConfig dashboard,
            MetricsConfig metrics,
            Optional<SandboxDiscord> sandbox) {
        JDABuilder jda = sandbox.map(s ->
                        s.jdaBuilder(DiscordGateway.leanJdaBuilder(s.standIn().botToken())))
                .orElseGet(() -> DiscordGateway.leanJdaBuilder(c.discordToken().orElseThrow()));
        Valoratbot.Builder b = Valoratbot.create(jda.addEventListeners(tokenRevoked), db);
        settings(b, c, queue, dashboard);
        metrics.applyTo(b);
        if (sandbox.isPresent()) {
            b.discordEndpoints(
                    sandbox.get().standIn().restBaseUrl(),
                    sandbox.get().standIn().gatewayUrl());
        } else {
            // A REST proxy, or a stand-in in another process (the memory benchmark uses this).
            c.discordRestUrl().ifPresent(b::restBaseUrl);
            c.discordGatewayUrl().ifPresent(b::gatewayUrl);
        }
        return b;
    }

    @Provides
    ShardConfig shardConfig(Settings s) {
        return ShardConfig.from(s);
    }

    /**
     * Issue 11: the front door on a shard manager, for {@code VALORATBOT_SHARDS}; each held shard's
     * backend gets the same settings as the unsharded one.
     */
    @Provides
    ShardedValoratbot.Builder shardedFrontDoor(
            WorkerConfig c,
            DatabaseSettings db,
            QueueConfig queue,
            DashboardConfig dashboard,
            ShardConfig shards,
            MetricsConfig metrics,
            Optional<SandboxDiscord> sandbox) {
        // The sandbox's stand-in shards as Discord does (issue 11): the same topologies run locally.
        String token = sandbox.map(s -> s.standIn().botToken())
                .or(c::discordToken)
                .orElseThrow(() -> new IllegalArgumentException("VALORATBOT_SHARDS needs DISCORD_TOKEN or --sandbox"));
        ShardedValoratbot.Builder b = ShardedValoratbot.create(
                        sandbox.map(s -> s.shardManagerBuilder(DiscordGateway.leanShardManagerBuilder(token)))
                                .orElseGet(() -> DiscordGateway.leanShardManagerBuilder(token))
                                .addEventListeners(tokenRevoked),
                        db)
                .voiceMode(c.voiceMode())
                .discordEndpoints(
                        sandbox.map(s -> s.standIn().restBaseUrl())
                                .or(c::discordRestUrl)
                                .orElse(null),
                        sandbox.map(s -> s.standIn().gatewayUrl())
                                .or(c::discordGatewayUrl)
                                .orElse(null))
                .eachShard(each -> settings(each, c, queue, dashboard))
                .metrics(metrics.endpoint()); // one endpoint for the process, whatever shards it holds
        return shards.applyTo(b, token);
    }

    private static void settings(Valoratbot.Builder b, WorkerConfig c, QueueConfig queue, DashboardConfig dashboard) {
        b.language(c.language())
                .maxAge(c.maxAge())
                .queueTiming(c.queueTiming())
                .maxInFlight(c.maxInFlight())
                .shutdownTimeout(c.shutdownTimeout())
                .maxPurgeAmount(c.maxPurgeAmount())
                .anonymousRows(c.anonymousRows())
                .guildRateLimit(c.guildCommandsPerWindow(), c.guildWindow())
                .purgeInterval(c.purgeInterval())
                .defaultTimeZone(c.defaultTimeZone())
                .announceGrace(c.announceGrace())
                .schedules(c.maxPendingSchedules(), c.scheduleHorizon())
                .voiceMode(c.voiceMode())
                .music(c.musicSearchProvider(), c.musicIdleTimeout())
                .musicSources(c.musicLocalFiles(), c.musicPrivateUrls())
                .publish(dashboard.publish())
                .publishPlayback(dashboard.playback())
                .version(dashboard.version());
        queue.applyTo(b);
    }
}
