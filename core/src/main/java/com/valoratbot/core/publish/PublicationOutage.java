package com.valoratbot.core.publish;

import com.valoratbot.core.text.OneLine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the publisher says about its failures. While the database is away every publication fails,
 * on each of its three threads and at each interval: said one line per failure, a database restart
 * filled the log with the same error (and pushed a worker's outage report past the few lines an
 * operator reads). So the first failure is said, then a reminder at most every {@link #REMINDER}
 * while they go on, and the first success after them once. Failures between are the caller's to log
 * at a quieter level.
 */
final class PublicationOutage {

    /** A publication that keeps failing (a table missing, a permission revoked) is said again this often. */
    static final Duration REMINDER = Duration.ofMinutes(10);

    private final Clock clock;
    private int failures;
    private Instant lastSaid;

    PublicationOutage(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The line to say at WARN for this failure, or empty when it was said recently. */
    synchronized Optional<String> failed(RuntimeException e) {
        failures++;
        Instant now = clock.instant();
        if (failures == 1) {
            lastSaid = now;
            return Optional.of("dashboard publication failed; trying again at each interval: " + OneLine.of(e));
        }
        if (Duration.between(lastSaid, now).compareTo(REMINDER) >= 0) {
            lastSaid = now;
            return Optional.of("dashboard publication still failing after " + failures + " attempts: " + OneLine.of(e));
        }
        return Optional.empty();
    }

    /** The line to say at INFO when this success ends a run of failures, else empty. */
    synchronized Optional<String> worked() {
        if (failures == 0) return Optional.empty();
        int n = failures;
        failures = 0;
        return Optional.of("dashboard publication works again after " + n + " failed attempt(s)");
    }
}
