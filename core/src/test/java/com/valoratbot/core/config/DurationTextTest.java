package com.valoratbot.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void everyUnitTheConfigurationDocumentsIsRead() {
        assertThat(DurationText.parse("K", "500ms", false)).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("K", "30s", false)).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("K", "45", false)).isEqualTo(Duration.ofSeconds(45));
        assertThat(DurationText.parse("K", " 5 m ", false)).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("K", "1h", false)).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("K", "1d", false)).isEqualTo(Duration.ofDays(1));
        assertThat(DurationText.parse("K", "pt2s", false)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void zeroIsAcceptedOnlyWhereTheSettingAllowsIt() {
        assertThat(DurationText.parse("WAIT", "0", true)).isZero();
        assertThat(DurationText.parse("WAIT", "PT0S", true)).isZero();
        assertThatThrownBy(() -> DurationText.parse("LEASE", "0s", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LEASE")
                .hasMessageContaining("positive");
    }

    @Test
    void negativeGarbageAndOverflowAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> DurationText.parse("WAIT", "PT-5S", true)).hasMessageContaining("WAIT");
        assertThatThrownBy(() -> DurationText.parse("WAIT", "-5s", true))
                .hasMessageContaining("WAIT")
                .hasMessageContaining("'-5s'");
        assertThatThrownBy(() -> DurationText.parse("WAIT", "soon", true)).hasMessageContaining("like 500ms");
        assertThatThrownBy(() -> DurationText.parse("WAIT", "5w", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DurationText.parse("WAIT", "999999999999999999d", true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
