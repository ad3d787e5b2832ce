package com.valoratbot.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.testing.TestClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublicationOutageTest {

    private final TestClock clock = TestClock.at("2026-12-03T09:00:00Z");
    private final PublicationOutage outage = new PublicationOutage(clock);
    private final RuntimeException away = new IllegalStateException("Connection refused");

    @Test
    void anOutageIsSaidOnceWhenItBeginsAndOnceWhenItEndsHoweverManyPublicationsFailBetween() {
        assertThat(outage.failed(away))
                .hasValueSatisfying(line -> assertThat(line)
                        .startsWith("dashboard publication failed")
                        .contains("Connection refused"));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(15));
            assertThat(outage.failed(away)).isEmpty();
        }

        assertThat(outage.worked()).hasValue("dashboard publication works again after 6 failed attempt(s)");
        assertThat(outage.worked()).isEmpty();
    }

    @Test
    void aPublicationThatKeepsFailingIsRecalledEveryTenMinutesWithItsCount() {
        outage.failed(away);
        clock.advance(PublicationOutage.REMINDER.minusSeconds(1));
        assertThat(outage.failed(away)).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        Optional<String> reminder = outage.failed(away);

        assertThat(reminder)
                .hasValueSatisfying(line -> assertThat(line)
                        .startsWith("dashboard publication still failing after 3 attempts")
                        .contains("Connection refused"));
    }

    @Test
    void aFailureAfterARecoveryIsSaidAgainAsANewOutage() {
        outage.failed(away);
        outage.worked();

        assertThat(outage.failed(away))
                .hasValueSatisfying(line -> assertThat(line).startsWith("dashboard publication failed"));
    }

    @Test
    void successesWithoutAnyFailureSayNothing() {
        assertThat(outage.worked()).isEmpty();
    }
}
