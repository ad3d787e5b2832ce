package com.valoratbot.core.command;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * When a scheduled announcement goes out. Dashboards send a wall-clock time without a zone
 * ({@code 2025-12-25T20:00}, from an HTML datetime-local input): it means the guild's local time,
 * which only the use case knows, so the zone is resolved there, not while parsing.
 */
public sealed interface ScheduledTime {

    Instant resolve(ZoneId guildZone);

    record Local(LocalDateTime dateTime) implements ScheduledTime {
        /**
         * In a DST gap (02:30 on the spring-forward night) the time is moved forward by the gap's
         * length; in an overlap the earlier offset wins. java.time's {@code atZone} does both.
         */
        @Override
        public Instant resolve(ZoneId guildZone) {
            return dateTime.atZone(guildZone).toInstant();
        }
    }

    record Absolute(OffsetDateTime dateTime) implements ScheduledTime {
        @Override
        public Instant resolve(ZoneId guildZone) {
            return dateTime.toInstant();
        }
    }
}
