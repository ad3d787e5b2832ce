package com.valoratbot.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PublishSettingsTest {

    @Test
    void theDefaultsAreTheIssuesFigures() {
        PublishSettings s = PublishSettings.defaults();
        assertThat(s.statusInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.snapshotInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.snapshotRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(s.leaderboardInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aStatusIntervalThePageWouldReadAsDownIsRefused() {
        assertThatThrownBy(() -> new PublishSettings(
                        true,
                        Duration.ofMinutes(2),
                        Duration.ofHours(1),
                        true,
                        Duration.ofMinutes(5),
                        true,
                        Duration.ofMinutes(5),
                        Duration.ofDays(7),
                        true,
                        Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statusInterval");
    }
}
