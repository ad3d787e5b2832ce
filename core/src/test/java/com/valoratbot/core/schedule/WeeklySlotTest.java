package com.valoratbot.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.command.Command.ScheduleLeaderboard;
import com.valoratbot.core.command.Snowflake;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class WeeklySlotTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final WeeklySlot SUNDAY_20 = new WeeklySlot(DayOfWeek.SUNDAY, 20);

    @Test
    void theNextSundayEveningFollowsAWednesday() {
        Instant wednesday = Instant.parse("2025-12-17T12:00:00Z");
        assertThat(SUNDAY_20.nextAfter(wednesday, PARIS)).isEqualTo(Instant.parse("2025-12-21T19:00:00Z"));
    }

    @Test
    void whenNowIsExactlyTheSlotTheNextOneIsAWeekLater() {
        Instant slot = Instant.parse("2025-12-21T19:00:00Z");
        assertThat(SUNDAY_20.nextAfter(slot, PARIS)).isEqualTo(Instant.parse("2025-12-28T19:00:00Z"));
    }

    @Test
    void theSlotStaysAtEightPmLocalAcrossTheSpringForwardChange() {
        Instant sundayBefore = Instant.parse("2026-03-22T19:00:00Z"); // 20:00 CET
        Instant next = SUNDAY_20.nextAfter(sundayBefore, PARIS);
        assertThat(next).isEqualTo(Instant.parse("2026-03-29T18:00:00Z")); // 20:00 CEST
        assertThat(Duration.between(sundayBefore, next))
                .isEqualTo(Duration.ofDays(7).minusHours(1));
    }

    @Test
    void anHourThatDoesNotExistThatNightRunsWhenClocksResume() {
        WeeklySlot sunday2 = new WeeklySlot(DayOfWeek.SUNDAY, 2);
        assertThat(sunday2.nextAfter(Instant.parse("2026-03-25T00:00:00Z"), PARIS))
                .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    }

    @Test
    void anHourThatHappensTwiceRunsOnlyAtItsFirstOccurrence() {
        WeeklySlot sunday2 = new WeeklySlot(DayOfWeek.SUNDAY, 2);
        Instant first = sunday2.nextAfter(Instant.parse("2026-10-20T00:00:00Z"), PARIS);
        assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:00:00Z")); // 02:00 CEST
        assertThat(sunday2.nextAfter(first, PARIS))
                .isEqualTo(Instant.parse("2026-11-01T01:00:00Z")); // not 02:00 CET the same night
    }

    @Test
    void theDashboardsZeroIsSunday() {
        var command = new ScheduleLeaderboard(Snowflake.of(1234567890123456789L), 7, 0, 20);
        assertThat(WeeklySlot.of(command)).isEqualTo(SUNDAY_20);
        assertThat(SUNDAY_20.dashboardDayOfWeek()).isZero();
        assertThat(new WeeklySlot(DayOfWeek.SATURDAY, 9).dashboardDayOfWeek()).isEqualTo(6);
    }

    @Test
    void anHourOutsideTheDayIsRefused() {
        assertThatThrownBy(() -> new WeeklySlot(DayOfWeek.MONDAY, 24)).isInstanceOf(IllegalArgumentException.class);
    }
}
