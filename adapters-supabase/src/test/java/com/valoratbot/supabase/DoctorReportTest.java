package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict {@code doctor} draws from what it found: each check alone makes it unhealthy (exit 1). */
class DoctorReportTest {

    static final DoctorReport.Worker LIVE =
            new DoctorReport.Worker("w1", Optional.of("host"), Optional.of(42L), Instant.EPOCH, Duration.ofSeconds(1));

    static DoctorReport report(DoctorReport.RouteKind route, DoctorReport.ListenStatus listen, List<String> missing) {
        return new DoctorReport(
                "db",
                true,
                Optional.empty(),
                Optional.of("PostgreSQL 17"),
                "public.commands",
                Optional.empty(),
                Optional.of("510"),
                new DoctorReport.Route(route, ""),
                new DoctorReport.Listen(listen, "no notification within 2 s"),
                0,
                Optional.empty(),
                0,
                List.of(LIVE),
                Optional.empty(),
                missing);
    }

    @Test
    void listenThatDoesNotWorkOnADirectConnectionIsAProblemThatNamesTheSetting() {
        DoctorReport r = report(DoctorReport.RouteKind.DIRECT, DoctorReport.ListenStatus.NO_NOTIFICATION, List.of());

        assertThat(r.healthy()).isFalse();
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("LISTEN does not work here"));
    }

    @Test
    void aTransactionPoolerIsExpectedNotToListenAndThatIsNoProblem() {
        DoctorReport r =
                report(DoctorReport.RouteKind.TRANSACTION_POOLER, DoctorReport.ListenStatus.NOT_TRIED, List.of());

        assertThat(r.problems()).noneSatisfy(p -> assertThat(p).containsIgnoringCase("listen"));
    }

    @Test
    void aPoolerThatDropsNotificationsIsToldToDeclareItself() {
        DoctorReport r = report(
                DoctorReport.RouteKind.UNDECLARED_TRANSACTION_POOLER,
                DoctorReport.ListenStatus.NO_NOTIFICATION,
                List.of());

        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("pgbouncer=true"));
    }
}
