package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnowflakesTest {

    @Test
    void anIdCarriesItsCreationTimeToTheMillisecond() {
        Instant twentyDaysAgo =
                Instant.now().minus(Duration.ofDays(20)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        assertThat(Snowflakes.timestampOf(Snowflakes.at(twentyDaysAgo))).isEqualTo(twentyDaysAgo);
    }

    @Test
    void idsMintedInTheSameMillisecondDifferAndLaterIdsSortAfter() {
        Instant instant = Instant.parse("2025-01-01T00:00:00Z");

        long first = Snowflakes.at(instant);
        long second = Snowflakes.at(instant);
        long later = Snowflakes.at(instant.plusMillis(1));

        assertThat(first).isNotEqualTo(second);
        assertThat(later).isGreaterThan(first).isGreaterThan(second);
    }

    @Test
    void discordSDocumentedExampleDecodesToItsDocumentedTime() {
        // From Discord's "Snowflakes" reference: 175928847299117063 was created at 2016-04-30T11:18:25.796Z.
        assertThat(Snowflakes.timestampOf(175928847299117063L)).isEqualTo(Instant.parse("2016-04-30T11:18:25.796Z"));
    }

    @Test
    void nothingCanPredateDiscordSEpoch() {
        assertThatThrownBy(() -> Snowflakes.at(Instant.parse("2014-12-31T23:59:59Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
