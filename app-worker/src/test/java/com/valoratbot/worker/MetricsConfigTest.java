package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.metrics.MetricsEndpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health and metrics are on in the worker, on the loopback address; the settings are checked before anything starts. */
class MetricsConfigTest {

    private static MetricsEndpoint endpoint(Map<String, String> values) {
        return MetricsConfig.from(Settings.of(values)).endpoint();
    }

    @Test
    void byDefaultTheWorkerServesOnTheLoopbackAddressAndItsCustomaryPortMovingIfAnotherWorkerHoldsIt() {
        assertThat(endpoint(Map.of())).isEqualTo(new MetricsEndpoint.On("127.0.0.1", 9464, true));
    }

    @Test
    void aChosenPortAndHostAreKeptAsGivenAndNeverMoved() {
        assertThat(endpoint(Map.of("VALORATBOT_METRICS_PORT", "9100", "VALORATBOT_METRICS_HOST", "0.0.0.0")))
                .isEqualTo(new MetricsEndpoint.On("0.0.0.0", 9100, false));
    }

    @Test
    void offSwitchesThemOff() {
        assertThat(endpoint(Map.of("VALORATBOT_METRICS_PORT", "OFF"))).isEqualTo(MetricsEndpoint.OFF);
    }

    @Test
    void aPortOutOfRangeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> endpoint(Map.of("VALORATBOT_METRICS_PORT", "70000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VALORATBOT_METRICS_PORT")
                .hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> endpoint(Map.of("VALORATBOT_METRICS_PORT", "nine")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VALORATBOT_METRICS_PORT");
    }

    @Test
    void theWorkerKnowsTheKeysSoTheyAreNotRefusedAsTypos() {
        WorkerConfig.from(
                Settings.of(Map.of("VALORATBOT_METRICS_PORT", "0", "VALORATBOT_METRICS_HOST", "127.0.0.1")), true);
    }
}
