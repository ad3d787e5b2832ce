package com.valoratbot.core.schedule;

import java.util.Locale;
import java.util.Optional;

/**
 * The life of a scheduled announcement. {@code SENDING} is written, and committed, just before the
 * message goes to Discord: a worker that dies during the call leaves it behind, and whoever runs the
 * job again marks it {@code FAILED} (interrupted) rather than risk posting it twice.
 */
public enum ScheduledStatus {
    PENDING,
    SENDING,
    SENT,
    FAILED,
    MISSED,
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this != PENDING && this != SENDING;
    }

    public static Optional<ScheduledStatus> parse(String wire) {
        for (ScheduledStatus s : values()) if (s.wireName().equals(wire)) return Optional.of(s);
        return Optional.empty();
    }
}
