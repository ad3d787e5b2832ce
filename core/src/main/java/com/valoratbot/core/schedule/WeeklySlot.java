package com.valoratbot.core.schedule;

import com.valoratbot.core.command.Command.ScheduleLeaderboard;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;

/**
 * A weekly wall-clock time, such as "Sunday at 20:00", in whatever zone it is applied to. The next
 * occurrence is computed from the local calendar, not by adding 7 × 24 h, so it stays at 20:00 across
 * daylight-saving changes. An hour that does not exist that night (02:00 when clocks spring forward)
 * moves forward by the gap (03:00); an hour that happens twice (autumn) runs at the first one.
 */
public record WeeklySlot(DayOfWeek day, int hour) {

    public WeeklySlot {
        Objects.requireNonNull(day, "day");
        if (hour < 0 || hour > 23) throw new IllegalArgumentException("hour must be 0..23, was " + hour);
    }

    public static WeeklySlot of(ScheduleLeaderboard command) {
        return new WeeklySlot(command.javaDayOfWeek(), command.hour());
    }

    /** The first occurrence strictly after {@code after}. */
    public Instant nextAfter(Instant after, ZoneId zone) {
        LocalDate date = after.atZone(zone).toLocalDate().with(TemporalAdjusters.nextOrSame(day));
        while (true) {
            Instant candidate =
                    ZonedDateTime.of(date, LocalTime.of(hour, 0), zone).toInstant();
            if (candidate.isAfter(after)) return candidate;
            date = date.plusWeeks(1);
        }
    }

    /** {@code dayOfWeek} as dashboards send it: 0 is Sunday, like JavaScript's {@code Date.getDay()}. */
    public int dashboardDayOfWeek() {
        return day.getValue() % 7;
    }
}
