package com.valoratbot.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.ScheduledTime;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScheduleRulesTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Instant NOW = Instant.parse("2025-12-01T10:00:00Z");

    private static Instant ok(Result<Instant> r) {
        assertThat(r).isInstanceOf(Result.Ok.class);
        return ((Result.Ok<Instant>) r).value();
    }

    @Test
    void aTimeWithoutZoneIsReadInTheGuildsZone() {
        var local = new ScheduledTime.Local(LocalDateTime.parse("2025-12-25T20:00"));
        assertThat(ok(ScheduleRules.resolve(local, PARIS, NOW))).isEqualTo(Instant.parse("2025-12-25T19:00:00Z"));
        assertThat(ok(ScheduleRules.resolve(local, ZoneId.of("America/Montreal"), NOW)))
                .isEqualTo(Instant.parse("2025-12-26T01:00:00Z"));
    }

    @Test
    void aTimeWithAnOffsetKeepsItsOffsetWhateverTheGuildsZone() {
        var absolute = new ScheduledTime.Absolute(OffsetDateTime.parse("2025-12-25T20:00+05:30"));
        assertThat(ok(ScheduleRules.resolve(absolute, PARIS, NOW))).isEqualTo(Instant.parse("2025-12-25T14:30:00Z"));
    }

    @Test
    void aLocalTimeInTheSpringForwardGapIsMovedForwardByTheGap() {
        // Europe/Paris jumps from 02:00 to 03:00 on 2026-03-29: 02:30 does not exist and becomes 03:30 CEST.
        var inGap = new ScheduledTime.Local(LocalDateTime.parse("2026-03-29T02:30"));
        assertThat(ok(ScheduleRules.resolve(inGap, PARIS, NOW))).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void aLocalTimeInTheAutumnOverlapUsesTheFirstOccurrence() {
        var twice = new ScheduledTime.Local(LocalDateTime.parse("2026-10-25T02:30"));
        assertThat(ok(ScheduleRules.resolve(twice, PARIS, NOW))).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    }

    @Test
    void aTimeMoreThanAMinuteInThePastIsAnInvalidPayloadSayingSo() {
        var past = new ScheduledTime.Local(LocalDateTime.parse("2025-12-01T10:58"));
        Result<Instant> r = ScheduleRules.resolve(past, PARIS, NOW); // 10:58 Paris = 09:58Z, two minutes ago
        assertThat(r).isInstanceOf(Result.Err.class);
        var failure = ((Result.Err<Instant>) r).failure();
        assertThat(failure.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure.reason()).isEqualTo(Text.of("scheduled_in_past", "2025-12-01 10:58", "Europe/Paris"));
        assertThat(new Messages(Language.FR).render(failure.reason()))
                .isEqualTo("La date 2025-12-01 10:58 est déjà passée (fuseau Europe/Paris).");
    }

    @Test
    void aTimeLessThanAMinuteInThePastIsAcceptedAndSentAtOnce() {
        var justNow = new ScheduledTime.Absolute(OffsetDateTime.parse("2025-12-01T09:59:30Z"));
        assertThat(ok(ScheduleRules.resolve(justNow, PARIS, NOW))).isEqualTo(Instant.parse("2025-12-01T09:59:30Z"));
    }

    @Test
    void aJobLateByLessThanTheGraceIsSentAndOneLaterIsMissed() {
        Instant due = Instant.parse("2025-12-25T19:00:00Z");
        Duration grace = Duration.ofHours(1);
        assertThat(ScheduleRules.onDue(due, due.plusSeconds(5), grace)).isEqualTo(ScheduleRules.Due.SEND);
        assertThat(ScheduleRules.onDue(due, due.plus(Duration.ofMinutes(59)), grace))
                .isEqualTo(ScheduleRules.Due.SEND);
        assertThat(ScheduleRules.onDue(due, due.plus(Duration.ofMinutes(61)), grace))
                .isEqualTo(ScheduleRules.Due.MISSED);
    }

    @Test
    void aDueJobRunsOnTheWorkerThatHoldsItsGuildAndIsHandedOffByOneThatDoesNot() {
        Instant due = Instant.parse("2025-12-25T19:00:00Z");
        Duration grace = Duration.ofHours(1);
        assertThat(ScheduleRules.turn(true, due, due.plusSeconds(5), grace)).isEqualTo(new ScheduleRules.Turn.Go());
        assertThat(ScheduleRules.turn(false, due, due.plus(Duration.ofMinutes(59)), grace))
                .isEqualTo(new ScheduleRules.Turn.HandOff());
    }

    @Test
    void aJobLaterThanTheGraceIsMissedSayingWhetherNoWorkerHeldItsGuild() {
        Instant due = Instant.parse("2025-12-25T19:00:00Z");
        Duration grace = Duration.ofHours(1);
        Instant late = due.plus(Duration.ofMinutes(61));
        assertThat(ScheduleRules.turn(true, due, late, grace))
                .isEqualTo(new ScheduleRules.Turn.Missed(Text.of("scheduled.missed", 60L)));
        assertThat(ScheduleRules.turn(false, due, late, grace))
                .isEqualTo(new ScheduleRules.Turn.Missed(Text.of("scheduled.no_worker", 60L)));
        String said = new Messages(Language.EN)
                .render(((ScheduleRules.Turn.Missed) ScheduleRules.turn(false, due, late, grace)).reason());
        assertThat(said).contains("60");
    }
}
