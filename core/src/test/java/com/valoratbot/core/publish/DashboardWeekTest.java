package com.valoratbot.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class DashboardWeekTest {

    @Test
    void anOrdinaryWeekIsKeyedByItsYearAndTwoDigitIsoWeek() {
        DashboardWeek week = DashboardWeek.containing(LocalDate.of(2026, 3, 4));
        assertThat(week.key()).isEqualTo("2026-W10");
        assertThat(week.monday()).isEqualTo(LocalDate.of(2026, 3, 2));
        assertThat(week.sunday()).isEqualTo(LocalDate.of(2026, 3, 8));
    }

    @Test
    void theLastDaysOfDecemberInIsoWeekOneKeepTheirCalendarYearAsThePageDoes() {
        // Monday 30 December 2024 is in ISO week 1 of 2025; the page builds "2024-W01".
        DashboardWeek december = DashboardWeek.containing(LocalDate.of(2024, 12, 30));
        DashboardWeek january = DashboardWeek.containing(LocalDate.of(2025, 1, 2));
        assertThat(december.key()).isEqualTo("2024-W01");
        assertThat(january.key()).isEqualTo("2025-W01");
        // Both keys cover the same Monday-to-Sunday days.
        assertThat(december.monday()).isEqualTo(january.monday()).isEqualTo(LocalDate.of(2024, 12, 30));
    }

    @Test
    void theFirstDaysOfJanuaryInTheLastIsoWeekTakeTheNewCalendarYear() {
        // Friday 1 January 2027 is in ISO week 53 of 2026; the page builds "2027-W53".
        assertThat(DashboardWeek.containing(LocalDate.of(2027, 1, 1)).key()).isEqualTo("2027-W53");
        assertThat(DashboardWeek.containing(LocalDate.of(2026, 12, 31)).key()).isEqualTo("2026-W53");
        assertThat(DashboardWeek.containing(LocalDate.of(2027, 1, 4)).key()).isEqualTo("2027-W01");
    }

    @Test
    void theWeekFollowsTheGuildsZoneNotUtc() {
        // Sunday 23:30 in Paris is already Monday in Tokyo and still Sunday in Montreal.
        Instant sundayNightInParis = Instant.parse("2026-03-08T22:30:00Z");
        assertThat(DashboardWeek.at(sundayNightInParis, ZoneId.of("Europe/Paris"))
                        .key())
                .isEqualTo("2026-W10");
        assertThat(DashboardWeek.at(sundayNightInParis, ZoneId.of("Asia/Tokyo")).key())
                .isEqualTo("2026-W11");
        assertThat(DashboardWeek.at(sundayNightInParis, ZoneId.of("America/Montreal"))
                        .key())
                .isEqualTo("2026-W10");
    }

    @Test
    void aWeekMustRunFromMondayToSunday() {
        assertThatThrownBy(() -> new DashboardWeek("2026-W10", LocalDate.of(2026, 3, 3), LocalDate.of(2026, 3, 9)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
