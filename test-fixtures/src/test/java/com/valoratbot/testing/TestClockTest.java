package com.valoratbot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TestClockTest {

    @Test
    void theClockStandsStillUntilTheTestMovesIt() throws InterruptedException {
        TestClock clock = TestClock.at("2026-03-02T10:00:00Z");
        Thread.sleep(5);
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-02T10:00:00Z"));

        clock.advance(Duration.ofMinutes(90));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-02T11:30:00Z"));

        clock.set(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(clock.millis())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void aZonedCopyIsTheSameMovingClock() {
        TestClock clock = TestClock.at("2026-03-02T10:00:00Z");
        var paris = clock.withZone(ZoneId.of("Europe/Paris"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(paris.instant()).isEqualTo(clock.instant());
    }
}
