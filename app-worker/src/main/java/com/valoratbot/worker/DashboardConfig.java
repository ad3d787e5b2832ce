package com.valoratbot.worker;

import com.valoratbot.core.publish.PublishSettings;
import java.time.Duration;
import java.util.Set;

/**
 * The settings of the dashboard's tables (docs/dashboard.md): each publication can be switched off, and its
 * interval and retention changed. Kept apart from {@link WorkerConfig} so each feature reads its own keys.
 */
record DashboardConfig(PublishSettings publish, boolean playback, String version) {

    static final Set<String> KEYS = Set.of(
            "VALORATBOT_PUBLISH_STATUS",
            "VALORATBOT_STATUS_INTERVAL",
            "VALORATBOT_STATUS_RETENTION",
            "VALORATBOT_PUBLISH_GUILDS",
            "VALORATBOT_GUILDS_RESYNC",
            "VALORATBOT_PUBLISH_SNAPSHOTS",
            "VALORATBOT_SNAPSHOT_INTERVAL",
            "VALORATBOT_SNAPSHOT_RETENTION",
            "VALORATBOT_PUBLISH_LEADERBOARDS",
            "VALORATBOT_LEADERBOARD_INTERVAL",
            "VALORATBOT_PUBLISH_PLAYBACK");

    /** The weekly row is the page's, not a live counter: refreshing it more often only loads the database. */
    static final Duration MIN_LEADERBOARD_INTERVAL = Duration.ofMinutes(1);

    static DashboardConfig from(Settings s) {
        Duration leaderboard =
                s.duration("VALORATBOT_LEADERBOARD_INTERVAL", PublishSettings.DEFAULT_LEADERBOARD_INTERVAL);
        if (leaderboard.compareTo(MIN_LEADERBOARD_INTERVAL) < 0) {
            throw new IllegalArgumentException(
                    "VALORATBOT_LEADERBOARD_INTERVAL must be at least 1m, was " + leaderboard);
        }
        try {
            PublishSettings publish = new PublishSettings(
                    s.flag("VALORATBOT_PUBLISH_STATUS", true),
                    s.duration("VALORATBOT_STATUS_INTERVAL", PublishSettings.DEFAULT_STATUS_INTERVAL),
                    s.duration("VALORATBOT_STATUS_RETENTION", PublishSettings.DEFAULT_STATUS_RETENTION),
                    s.flag("VALORATBOT_PUBLISH_GUILDS", true),
                    s.duration("VALORATBOT_GUILDS_RESYNC", PublishSettings.DEFAULT_GUILDS_RESYNC),
                    s.flag("VALORATBOT_PUBLISH_SNAPSHOTS", true),
                    s.duration("VALORATBOT_SNAPSHOT_INTERVAL", PublishSettings.DEFAULT_SNAPSHOT_INTERVAL),
                    s.duration("VALORATBOT_SNAPSHOT_RETENTION", PublishSettings.DEFAULT_SNAPSHOT_RETENTION),
                    s.flag("VALORATBOT_PUBLISH_LEADERBOARDS", true),
                    leaderboard);
            return new DashboardConfig(publish, s.flag("VALORATBOT_PUBLISH_PLAYBACK", true), projectVersion());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dashboard settings: " + e.getMessage(), e);
        }
    }

    /** The jar's Implementation-Version when packaged with one, else the project's version. */
    static String projectVersion() {
        String v = DashboardConfig.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
