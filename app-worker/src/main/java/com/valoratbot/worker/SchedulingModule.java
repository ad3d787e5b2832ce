package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.valoratbot.core.activity.ActivityAggregator;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.schedule.ScheduledAnnouncements;
import com.valoratbot.core.schedule.ScheduledLeaderboards;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.activity.DiscordActivityTracker;
import com.valoratbot.discord.leaderboard.DiscordLeaderboards;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.scheduling.DbSchedulerTimer;
import com.valoratbot.supabase.scheduling.PostgresActivityStore;
import com.valoratbot.supabase.scheduling.PostgresAnnouncementStore;
import com.valoratbot.supabase.scheduling.PostgresGuildTimeZones;
import com.valoratbot.supabase.scheduling.PostgresLeaderboardStore;

import java.time.Clock;

/**
 * Scheduled announcements, weekly leaderboards (db-scheduler on Postgres) and activity tracking.
 * Lifecycle order matters: the schedulers stop before the aggregator writes its last counts, and
 * that happens before the database closes.
 */
final class SchedulingModule extends AbstractModule {

    @Provides
    @Singleton
    PostgresGuildTimeZones timeZones(Database db, WorkerConfig config, Lifecycle lifecycle) {
        return lifecycle.manage(PostgresGuildTimeZones.builder(db.dataSource()).defaultZone(config.defaultTimeZone()).build().start());
    }

    @Provides
    @Singleton
    ActivityAggregator activity(Database db, PostgresGuildTimeZones zones, Clock clock, Lifecycle lifecycle) {
        return lifecycle.manage(ActivityAggregator.builder(PostgresActivityStore.create(db.dataSource()), zones, clock).build().start());
    }

    @Provides
    @Singleton
    DiscordActivityTracker activityTracker(ActivityAggregator activity, DiscordGateway discord) {
        return DiscordActivityTracker.create(activity).attachTo(discord.jda());
    }

    /** With several workers, the one connected to a guild posts for it. */
    @Provides
    @Singleton
    GuildPresence presence(DiscordGateway discord) {
        return discord.presence();
    }

    @Provides
    @Singleton
    ScheduledAnnouncements announcements(Database db, DiscordGateway discord, PostgresGuildTimeZones zones, GuildPresence presence,
                                         Clock clock, WorkerConfig config, Lifecycle lifecycle) {
        DbSchedulerTimer timer = DbSchedulerTimer.announcements(db.dataSource(), clock).build();
        return lifecycle.manage(ScheduledAnnouncements.builder(PostgresAnnouncementStore.on(db.dataSource()), timer, discord.announcements(), clock)
                .grace(config.announceGrace()).defaultZone(config.defaultTimeZone()).timeZones(zones).guildPresence(presence)
                .language(config.language()).rateLimits(discord.rateLimits())
                .maxPending(config.maxPendingSchedules()).horizon(config.scheduleHorizon()).build().start());
    }

    @Provides
    @Singleton
    ScheduledLeaderboards leaderboards(Database db, DiscordGateway discord, PostgresGuildTimeZones zones, GuildPresence presence,
                                       Clock clock, WorkerConfig config, Lifecycle lifecycle) {
        DiscordLeaderboards publisher = DiscordLeaderboards.builder(discord::jda).language(config.language()).build();
        PostgresLeaderboardStore store = PostgresLeaderboardStore.on(db.dataSource());
        DbSchedulerTimer timer = DbSchedulerTimer.leaderboards(db.dataSource(), clock).build();
        return lifecycle.manage(ScheduledLeaderboards.builder(store, store, timer, publisher, clock)
                .grace(config.announceGrace()).defaultZone(config.defaultTimeZone()).timeZones(zones).guildPresence(presence)
                .language(config.language()).build().start());
    }
}
