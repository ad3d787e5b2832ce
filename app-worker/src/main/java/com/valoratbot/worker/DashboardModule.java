package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.valoratbot.core.publish.DashboardPublisher;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.dashboard.DiscordDashboardSource;
import com.valoratbot.core.port.music.QueueStore;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.publish.PostgresDashboardTables;
import com.valoratbot.supabase.publish.PostgresPlaybackState;
import com.valoratbot.supabase.scheduling.PostgresGuildTimeZones;

import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The dashboard's tables (docs/dashboard.md): bot status, guild list, guild snapshots and weekly leaderboards
 * on the publisher's own thread, and each guild's playback state fed by the music module's queue store.
 * Created after the database and Discord, so closed before them.
 */
final class DashboardModule extends AbstractModule {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DashboardModule.class);

    @Provides
    @Singleton
    DashboardConfig dashboardConfig(Settings settings) {
        return DashboardConfig.from(settings);
    }

    @Provides
    @Singleton
    DashboardPublisher dashboardPublisher(Database db, DiscordGateway discord, PostgresGuildTimeZones zones, Clock clock,
                                          DashboardConfig config, Lifecycle lifecycle) {
        DashboardPublisher publisher = DashboardPublisher.create(DiscordDashboardSource.on(discord::jda),
                PostgresDashboardTables.on(db.dataSource()), zones, clock, config.publish(), config.version());
        discord.jda().addEventListener(DiscordDashboardSource.events(publisher));
        LOG.info("dashboard tables: {}", config.publish());
        return lifecycle.manage(publisher.start());
    }

    /** Wraps the music module's queue store so every saved state also reaches {@code public.music_playback}. */
    @Provides
    @Singleton
    PlaybackFeed playbackFeed(Database db, DashboardConfig config, Lifecycle lifecycle) {
        if (!config.playback()) return new PlaybackFeed(UnaryOperator.identity());
        PostgresPlaybackState playback = lifecycle.manage(PostgresPlaybackState.on(db.dataSource()));
        return new PlaybackFeed(store -> new QueueStore() {
            @Override public Map<Long, String> loadAll() { return store.loadAll(); }

            @Override public void save(long guildId, String snapshotJson) {
                store.save(guildId, snapshotJson);
                playback.changed(guildId, snapshotJson);
            }

            @Override public void delete(long guildId) {
                store.delete(guildId);
                playback.stopped(guildId);
            }
        });
    }

    /** How the music module's store is wrapped (identity when the playback table is switched off). */
    record PlaybackFeed(UnaryOperator<QueueStore> wrap) {
        QueueStore around(QueueStore store) {
            return wrap.apply(store);
        }
    }

}
