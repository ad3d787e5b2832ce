package com.valoratbot.core.publish;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Objects;

/**
 * The week a {@code leaderboards} row covers, and the key the dashboard looks it up by.
 *
 * <p>The dashboard's leaderboards page builds its key from the CALENDAR year of "today" and the ISO week
 * number: {@code "YYYY-Www"}. Around 1 January the two disagree (Monday 30 December 2024 is in ISO week 1
 * of 2025; Friday 1 January 2027 is in ISO week 53 of 2026), so the key here is the page's, not ISO's:
 * on 30 December 2024 it is {@code 2024-W01}, on 1 January 2027 {@code 2027-W53}. The row's counts are
 * always those of the whole ISO week (Monday to Sunday, in the guild's zone) containing that day. One
 * consequence, documented in docs/dashboard.md: an ISO week that straddles 1 January is published under
 * two keys (one per calendar year), and the December days of week 1 reuse the key of that year's first
 * week, overwriting the January row of the same calendar year.
 *
 * @param key    {@code "YYYY-Www"}, calendar year and two-digit ISO week number
 * @param monday the first local day counted
 * @param sunday the last local day counted
 */
public record DashboardWeek(String key, LocalDate monday, LocalDate sunday) {

    public DashboardWeek {
        Objects.requireNonNull(key, "key");
        if (monday.getDayOfWeek() != DayOfWeek.MONDAY || !sunday.equals(monday.plusDays(6))) {
            throw new IllegalArgumentException("a week runs Monday to Sunday: " + monday + ".." + sunday);
        }
    }

    /** The week of {@code now} in {@code zone}, as the page sees it there. */
    public static DashboardWeek at(Instant now, ZoneId zone) {
        return containing(now.atZone(zone).toLocalDate());
    }

    /** The week containing a local day, keyed as the page keys that day. */
    public static DashboardWeek containing(LocalDate day) {
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return new DashboardWeek(keyOf(day), monday, monday.plusDays(6));
    }

    /** The page's key for a local day: calendar year, then ISO week number. */
    public static String keyOf(LocalDate day) {
        return String.format(Locale.ROOT, "%04d-W%02d", day.getYear(), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
