package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.valoratbot.core.command.CommandParser;
import com.valoratbot.core.music.CoalescedQueueReads;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.core.run.Ports;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.activity.DiscordActivityTracker;
import com.valoratbot.discord.music.MusicPlayers;
import com.valoratbot.core.schedule.ScheduledAnnouncements;
import com.valoratbot.core.schedule.ScheduledLeaderboards;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.PostgresQueue;

import java.time.Clock;

/** Configuration, the feature ports, and the core runtime that drives them. */
final class WorkerModule extends AbstractModule {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkerModule.class);

    private final Settings settings;
    private final WorkerConfig config;
    private final DatabaseSettings databaseSettings;
    private final Lifecycle lifecycle;

    /**
     * @param databaseSettings read once by {@link WorkerApp} (which needs them before the injector,
     *                         for the sandbox lock): reading them again here would repeat the
     *                         validation and the legacy-directory check, and could disagree
     */
    WorkerModule(Settings settings, WorkerConfig config, DatabaseSettings databaseSettings, Lifecycle lifecycle) {
        this.settings = settings;
        this.config = config;
        this.databaseSettings = databaseSettings;
        this.lifecycle = lifecycle;
    }

    @Override
    protected void configure() {
        bind(Settings.class).toInstance(settings);
        bind(WorkerConfig.class).toInstance(config);
        bind(Lifecycle.class).toInstance(lifecycle);
        bind(DatabaseSettings.class).toInstance(databaseSettings);
        bind(Clock.class).toInstance(Clock.systemUTC());
        install(new DatabaseModule());
        install(new DiscordModule());
        install(new SchedulingModule());
        install(new DashboardModule());
    }

    @Provides
    @Singleton
    Ports ports(DiscordGateway discord, ScheduledAnnouncements scheduling, ScheduledLeaderboards leaderboards,
                DiscordActivityTracker activityTracker, MusicPlayers music, Clock clock) {
        // getQueue bursts (one per open music tab) are answered by one read: see CoalescedQueueReads.
        CoalescedQueueReads queueReads = CoalescedQueueReads.over(music, clock);
        discord.jda().addEventListener(com.valoratbot.discord.dashboard.DiscordDashboardSource.guildLeaves(queueReads::guildLeft));
        return discord.ports().scheduling(scheduling).leaderboards(leaderboards).music(queueReads).build();
    }

    @Provides
    @Singleton
    CommandHandler handler(Ports ports, PostgresQueue queue, GuildPresence presence) {
        if (!queue.table().hasRequestedBy()) {
            // Said once, plainly: an operator must know that nobody's Discord permissions are checked.
            LOG.warn("the command table {} has no requested_by column, so no row can say who asked: every row is anonymous,"
                    + " and anonymous rows may run {} (VALORATBOT_ANONYMOUS_ROWS={}). See docs/security.md to add requested_by.",
                    queue.table().key(), config.anonymousRows().summary(), config.anonymousRows().wireName());
        }
        return CommandHandler.builder(ports)
                .anonymousRows(config.anonymousRows())
                // Rows for guilds the bot is not in are answered without a slot (floods of junk ids).
                .presence(presence)
                .parser(CommandParser.withMaxPurgeAmount(config.maxPurgeAmount()))
                .language(config.language())
                .maxAge(config.maxAge())
                .build();
    }

    @Provides
    @Singleton
    CommandWorker worker(PostgresQueue queue, CommandHandler handler) {
        return CommandWorker.builder(queue.claims(), queue.completions(), queue.recovery(), queue.awaitCommands(), handler)
                .maxInFlight(config.maxInFlight())
                .pollInterval(config.pollInterval())
                .heartbeatInterval(config.heartbeatInterval())
                .shutdownTimeout(config.shutdownTimeout())
                .markStarted(queue.startMarks())
                .build();
    }
}
