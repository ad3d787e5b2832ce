package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardConfigTest {

    @Test
    void everyPublicationIsOnByDefaultAtTheDocumentedIntervals() {
        DashboardConfig c = DashboardConfig.from(Settings.of(Map.of()));
        assertThat(c.publish().status()).isTrue();
        assertThat(c.publish().guilds()).isTrue();
        assertThat(c.publish().snapshots()).isTrue();
        assertThat(c.publish().leaderboards()).isTrue();
        assertThat(c.playback()).isTrue();
        assertThat(c.publish().statusInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.publish().snapshotRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void eachPublicationCanBeSwitchedOffAndItsKeysAreKnownToTheWorker() {
        Map<String, String> off = Map.of(
                "VALORATBOT_PUBLISH_STATUS",
                "false",
                "VALORATBOT_PUBLISH_GUILDS",
                "off",
                "VALORATBOT_PUBLISH_SNAPSHOTS",
                "no",
                "VALORATBOT_PUBLISH_LEADERBOARDS",
                "0",
                "VALORATBOT_PUBLISH_PLAYBACK",
                "false",
                "DISCORD_TOKEN",
                "t");
        DashboardConfig c = DashboardConfig.from(Settings.of(off));
        assertThat(c.publish().status()
                        || c.publish().guilds()
                        || c.publish().snapshots()
                        || c.publish().leaderboards()
                        || c.playback())
                .isFalse();
        // The worker's check of unknown keys accepts them.
        WorkerConfig.from(Settings.of(off), false);
    }

    @Test
    void aLeaderboardRefreshFasterThanOnceAMinuteOrAStatusThePageWouldCallStaleIsRefused() {
        assertThatThrownBy(() -> DashboardConfig.from(Settings.of(Map.of("VALORATBOT_LEADERBOARD_INTERVAL", "30s"))))
                .hasMessageContaining("VALORATBOT_LEADERBOARD_INTERVAL");
        assertThatThrownBy(() -> DashboardConfig.from(Settings.of(Map.of("VALORATBOT_STATUS_INTERVAL", "5m"))))
                .hasMessageContaining("statusInterval");
    }
}
