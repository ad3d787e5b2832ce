package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.valoratbot.core.command.CommandParser;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.core.run.Ports;
import com.valoratbot.core.schedule.GuildPresence;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.activity.DiscordActivityTracker;
import com.valoratbot.discord.music.MusicPlayers;
import com.valoratbot.supabase.scheduling.ScheduledAnnouncements;
import com.valoratbot.supabase.scheduling.ScheduledLeaderboards;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.PostgresQueue;

import java.time.Clock;

/** Configuration, the feature ports, and the core runtime that drives them. */
final class WorkerModule extends AbstractModule {

    private final Settings settings;
    private final WorkerConfig config;
    private final Lifecycle lifecycle;

    WorkerModule(Settings settings, WorkerConfig config, Lifecycle lifecycle) {
        this.settings = settings;
        this.config = config;
        this.lifecycle = lifecycle;
    }

    @Override
    protected void configure() {
        bind(Settings.class).toInstance(settings);
        bind(WorkerConfig.class).toInstance(config);
        bind(Lifecycle.class).toInstance(lifecycle);
        bind(Clock.class).toInstance(Clock.systemUTC());
        install(new DatabaseModule());
        install(new DiscordModule());
        install(new SchedulingModule());
    }

    @Provides
    @Singleton
    DatabaseSettings databaseSettings() {
        return DatabaseSettings.fromEnvironment(settings.asMap());
    }

    @Provides
    @Singleton
    Ports ports(DiscordGateway discord, ScheduledAnnouncements scheduling, ScheduledLeaderboards leaderboards,
                DiscordActivityTracker activityTracker, MusicPlayers music) {
        return discord.ports().scheduling(scheduling).leaderboards(leaderboards).music(music).build();
    }

    @Provides
    @Singleton
    CommandHandler handler(Ports ports, GuildPresence presence) {
        return CommandHandler.builder(ports)
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
