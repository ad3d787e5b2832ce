package com.valoratbot.core.activity;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * The local days a leaderboard covers, both ends included: "the last 7 days" on a Sunday evening is
 * Monday to Sunday, today counted so far.
 */
public record ActivityPeriod(LocalDate from, LocalDate to) {

    public ActivityPeriod {
        if (from.isAfter(to)) throw new IllegalArgumentException(from + " is after " + to);
    }

    public static ActivityPeriod lastDays(Instant now, ZoneId zone, int days) {
        if (days < 1) throw new IllegalArgumentException("days must be at least 1, was " + days);
        LocalDate today = now.atZone(zone).toLocalDate();
        return new ActivityPeriod(today.minusDays(days - 1L), today);
    }

    public int days() {
        return (int) ChronoUnit.DAYS.between(from, to) + 1;
    }
}
