package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.metrics.MetricsEndpoint;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An embedding bot opens no port it did not ask for. */
class OperationsTest {

    @Test
    void healthAndMetricsAreOffUnlessTheEmbedderAsks() {
        assertThat(Valoratbot.Builder.DEFAULT_METRICS).isEqualTo(MetricsEndpoint.OFF);
        assertThat(Operations.start(MetricsEndpoint.OFF, Set.of())).isEmpty();
    }

    @Test
    void askedForTheyAreServedBeforeAnythingElseStartsAndSayStarting() {
        try (Operations ops = Operations.start(MetricsEndpoint.on(0), Set.of()).orElseThrow()) {
            assertThat(ops.endpoint().port()).isPositive();
            assertThat(ops.readiness().report().stage()).isEqualTo("starting");
            assertThat(ops.readiness().report().ready()).isFalse();
        }
    }
}
