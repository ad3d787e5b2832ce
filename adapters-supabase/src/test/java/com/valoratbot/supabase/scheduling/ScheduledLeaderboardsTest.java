package com.valoratbot.supabase.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.activity.ActivityBatch;
import com.valoratbot.core.activity.ActivityBatch.DailyActivity;
import com.valoratbot.core.activity.ActivityBatch.MemberName;
import com.valoratbot.core.activity.ActivityPeriod;
import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.command.Command.PostLeaderboard;
import com.valoratbot.core.command.Command.ScheduleLeaderboard;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.Leaderboards.MessageEntry;
import com.valoratbot.core.port.Leaderboards.Standings;
import com.valoratbot.core.port.Leaderboards.VoiceEntry;
import com.valoratbot.core.port.activity.PublishLeaderboards;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.schedule.ScheduledLeaderboards;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestClock;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScheduledLeaderboardsTest {

    // Several workers share the pool in one JVM (db-scheduler polls on each), hence 12 connections.
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated(s -> s.poolSize(12))
            .emptiedBeforeEach(
                    Tables.SCHEDULED_ANNOUNCEMENTS,
                    Tables.ANNOUNCEMENT_TASKS,
                    Tables.LEADERBOARD_SCHEDULES,
                    Tables.LEADERBOARD_TASKS,
                    Tables.ACTIVITY_DAILY,
                    Tables.MEMBER_NAMES,
                    Tables.GUILD_SETTINGS);

    private static final Snowflake GUILD = Snowflake.of(100000000000000001L);
    private static final Snowflake OTHER_GUILD = Snowflake.of(100000000000000002L);
    private static final Snowflake CHANNEL = Snowflake.of(200000000000000001L);
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Sunday 22 March 2026, 19:00 in Paris (CET); clocks go forward the next Sunday. */
    private static final Instant SUNDAY_EVENING = Instant.parse("2026-03-22T18:00:00Z");

    private final TestClock clock = new TestClock(SUNDAY_EVENING);
    private final List<Posted> posted = new CopyOnWriteArrayList<>();
    private final AtomicLong messageIds = new AtomicLong(1500000000000000000L);
    private final PublishLeaderboards discord = recordingInto(posted);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    record Posted(CommandContext context, Snowflake channel, LeaderboardCard card) {}

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
    }

    private ScheduledLeaderboards leaderboards() {
        var store = PostgresLeaderboardStore.on(db.database().dataSource());
        var timer = DbSchedulerTimer.leaderboards(db.database().dataSource(), clock)
                .pollingInterval(Duration.ofMillis(200))
                .build();
        var l = ScheduledLeaderboards.builder(store, store, timer, discord, clock)
                .build();
        toClose.add(l);
        return l;
    }

    private PublishLeaderboards recordingInto(List<Posted> into) {
        return (ctx, channel, card) -> {
            into.add(new Posted(ctx, channel, card));
            return Result.ok(Snowflake.of(messageIds.incrementAndGet()));
        };
    }

    private ScheduledLeaderboards worker(DbSchedulerTimer timer, List<Posted> into, GuildPresence presence) {
        var store = PostgresLeaderboardStore.on(db.database().dataSource());
        var l = ScheduledLeaderboards.builder(store, store, timer, recordingInto(into), clock)
                .guildPresence(presence)
                .build();
        toClose.add(l);
        return l;
    }

    private static CommandContext context(Snowflake guild) {
        return new CommandContext("cmd-" + System.nanoTime(), guild, Optional.empty());
    }

    private static <T> T ok(Result<T> r) {
        assertThat(r).as("%s", r).isInstanceOf(Result.Ok.class);
        return ((Result.Ok<T>) r).value();
    }

    /** Alice and Bob chat, Carol talks, Dave left the server last month; days outside the window too. */
    private void knownDataset() {
        long g = GUILD.value();
        LocalDate today = LocalDate.parse("2026-03-22");
        PostgresActivityStore.create(db.database().dataSource())
                .store(new ActivityBatch(
                        List.of(
                                new DailyActivity(g, 1, today, 30, 0),
                                new DailyActivity(g, 1, today.minusDays(6), 12, 600), // first day of the 7
                                new DailyActivity(g, 1, today.minusDays(7), 500, 99_000), // one day too old
                                new DailyActivity(g, 2, today.minusDays(2), 42, 0),
                                new DailyActivity(g, 3, today.minusDays(1), 5, 7_200),
                                new DailyActivity(g, 3, today, 0, 1_800),
                                new DailyActivity(g, 4, today.minusDays(3), 42, 3_600), // ties with Bob on messages
                                new DailyActivity(OTHER_GUILD.value(), 9, today, 1_000, 100_000)),
                        List.of(
                                new MemberName(g, 1, "Alice"),
                                new MemberName(g, 2, "Bob"),
                                new MemberName(g, 3, "Carol"),
                                new MemberName(g, 4, "Dave (parti)"))));
    }

    @Test
    void standingsOverTheLastSevenDaysRankAKnownDataset() {
        knownDataset();
        Standings s = ok(leaderboards().standings(context(GUILD), Optional.empty()));
        assertThat(s.messages())
                .containsExactly(
                        new MessageEntry("1", "Alice", 42), new MessageEntry("2", "Bob", 42),
                        new MessageEntry("4", "Dave (parti)", 42), new MessageEntry("3", "Carol", 5));
        assertThat(s.voice())
                .containsExactly(
                        new VoiceEntry("3", "Carol", 9_000),
                        new VoiceEntry("4", "Dave (parti)", 3_600),
                        new VoiceEntry("1", "Alice", 600));
        LeaderboardCard card = leaderboards().card(GUILD, 7);
        assertThat(card.messages()).extracting(LeaderboardCard.Row::rank).containsExactly(1, 1, 1, 4);
        assertThat(card.period())
                .isEqualTo(new ActivityPeriod(LocalDate.parse("2026-03-16"), LocalDate.parse("2026-03-22")));
    }

    @Test
    void aLongerPeriodReachesOlderDaysAndAMemberWithoutANameShowsTheirId() {
        knownDataset();
        PostgresActivityStore.create(db.database().dataSource())
                .store(new ActivityBatch(
                        List.of(new DailyActivity(GUILD.value(), 77, LocalDate.parse("2026-03-01"), 1, 0)), List.of()));
        Standings s = ok(leaderboards().standings(context(GUILD), Optional.of(30)));
        assertThat(s.messages().getFirst()).isEqualTo(new MessageEntry("1", "Alice", 542));
        assertThat(s.messages()).contains(new MessageEntry("77", "77", 1));
    }

    @Test
    void postingWithoutTrackDaysUsesTheSchedulesPeriodElseSevenDays() {
        var l = leaderboards();
        ok(l.post(context(GUILD), new PostLeaderboard(CHANNEL, Optional.empty())));
        assertThat(posted.getLast().card().period().days()).isEqualTo(7);
        ok(l.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 14, 0, 20)));
        ok(l.post(context(GUILD), new PostLeaderboard(CHANNEL, Optional.empty())));
        assertThat(posted.getLast().card().period().days()).isEqualTo(14);
        ok(l.post(context(GUILD), new PostLeaderboard(CHANNEL, Optional.of(3))));
        assertThat(posted.getLast().card().period().days()).isEqualTo(3);
        assertThat(posted.getLast().channel()).isEqualTo(CHANNEL);
    }

    @Test
    void aPeriodWithoutActivityStillPostsSuccessfullyWithAnEmptyCard() {
        ok(leaderboards().post(context(GUILD), new PostLeaderboard(CHANNEL, Optional.empty())));
        assertThat(posted)
                .singleElement()
                .satisfies(p -> assertThat(p.card().isEmpty()).isTrue());
    }

    @Test
    void schedulingReturnsTheNextLocalSlotAndANewScheduleReplacesTheOld() {
        var l = leaderboards();
        Instant next = ok(l.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 7, 0, 20)));
        assertThat(next).isEqualTo(Instant.parse("2026-03-22T19:00:00Z")); // tonight 20:00 CET
        Instant replaced = ok(l.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 7, 1, 9)));
        assertThat(replaced).isEqualTo(Instant.parse("2026-03-23T08:00:00Z")); // Monday 09:00 CET
        assertThat(db.rows("SELECT * FROM valoratbot.leaderboard_schedules"))
                .singleElement()
                .satisfies(r -> assertThat(r.get("day_of_week")).isEqualTo(1));
        assertThat(db.rows("SELECT execution_time FROM valoratbot.leaderboard_tasks"))
                .singleElement()
                .satisfies(r -> assertThat(r.get("execution_time")).isEqualTo(Timestamp.from(replaced)));
    }

    @Test
    void theWeeklyPostGoesOutAtItsLocalHourAndMovesToTheSameLocalHourAcrossTheDstChange() {
        var l = leaderboards().start();
        ok(l.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 7, 0, 20)));
        l.checkNow();
        Eventually.quietly(Duration.ofMillis(600));
        assertThat(posted).isEmpty();

        clock.set(Instant.parse("2026-03-22T19:00:01Z"));
        l.checkNow();
        Eventually.within(WAIT, "the weekly post", () -> posted.size() == 1);
        Instant nextWeek = Instant.parse("2026-03-29T18:00:00Z"); // 20:00 CEST, 6 days 23 h later
        Eventually.within(
                WAIT,
                "the next week is scheduled",
                () -> Timestamp.from(nextWeek)
                        .equals(db.row("SELECT execution_time FROM valoratbot.leaderboard_tasks")
                                .get("execution_time")));
        var row = db.row("SELECT * FROM valoratbot.leaderboard_schedules");
        assertThat(row.get("last_status")).isEqualTo("sent");
        assertThat(row.get("next_run_at")).isEqualTo(Timestamp.from(nextWeek));
        assertThat(row.get("posting_for")).isNull();
        assertThat(posted.getFirst().channel()).isEqualTo(CHANNEL);

        clock.set(nextWeek.plusSeconds(1));
        l.checkNow();
        Eventually.within(WAIT, "the second weekly post", () -> posted.size() == 2);
    }

    @Test
    void aWeeklyPostMoreThanTheGraceLateIsSkippedToTheNextWeekAndRecordedMissed() {
        var before = leaderboards();
        ok(before.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 7, 0, 20)));
        before.close();
        clock.set(Instant.parse("2026-03-22T20:30:00Z")); // 90 minutes late
        var l = leaderboards().start();
        // The run records "missed" and then the next week in two updates: wait for both.
        Eventually.within(WAIT, "the missed week is recorded and the next week set", () -> {
            var row = db.row("SELECT last_status, next_run_at FROM valoratbot.leaderboard_schedules");
            return "missed".equals(row.get("last_status"))
                    && !Timestamp.from(Instant.parse("2026-03-22T19:00:00Z")).equals(row.get("next_run_at"));
        });
        assertThat(posted).isEmpty();
        assertThat(db.row("SELECT next_run_at FROM valoratbot.leaderboard_schedules")
                        .get("next_run_at"))
                .isEqualTo(Timestamp.from(Instant.parse("2026-03-29T18:00:00Z")));
        l.close();
    }

    @Test
    void aWeeklyPostInterruptedByACrashIsNotPostedAgain() {
        var before = leaderboards();
        ok(before.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 7, 0, 20)));
        before.close();
        db.execute("UPDATE valoratbot.leaderboard_schedules SET posting_for = next_run_at");
        clock.set(Instant.parse("2026-03-22T19:00:30Z"));
        leaderboards().start();
        Eventually.within(
                WAIT,
                "the interruption is recorded",
                () -> "interrupted"
                        .equals(db.row("SELECT last_status FROM valoratbot.leaderboard_schedules")
                                .get("last_status")));
        assertThat(posted).isEmpty();
    }

    @Test
    void aWeeklyScheduleWithoutItsJobGetsOneAtStartUp() {
        var before = leaderboards();
        ok(before.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 7, 0, 20)));
        before.close();
        db.execute("DELETE FROM valoratbot.leaderboard_tasks");
        leaderboards().start();
        assertThat(db.row("SELECT task_instance, execution_time FROM valoratbot.leaderboard_tasks"))
                .containsEntry("task_instance", GUILD.toString())
                .containsEntry("execution_time", Timestamp.from(Instant.parse("2026-03-22T19:00:00Z")));
    }

    @Test
    void aHandOffBringsTheHolderToTheWeeklyPostAheadOfEveryonesNextPoll() {
        // Polls an hour apart: only the hand-off's notification can make the holder look (the
        // announcements' test of the same, for the other timer's task).
        DbSchedulerTimer otherTimer = HandOffTimers.hearing(
                DbSchedulerTimer.leaderboards(db.database().dataSource(), clock),
                "other-shard",
                db.database(),
                guild -> false);
        DbSchedulerTimer holderTimer = HandOffTimers.hearing(
                DbSchedulerTimer.leaderboards(db.database().dataSource(), clock),
                "right-shard",
                db.database(),
                guild -> guild.equals(GUILD));
        List<Posted> elsewhere = new CopyOnWriteArrayList<>();
        List<Posted> holder = new CopyOnWriteArrayList<>();
        var notHolding = worker(otherTimer, elsewhere, guild -> false).start();
        worker(holderTimer, holder, guild -> guild.equals(GUILD)).start();
        Eventually.within(WAIT, "both hear hand-offs", () -> otherTimer.hearsHandOffs() && holderTimer.hearsHandOffs());

        ok(notHolding.schedule(context(GUILD), new ScheduleLeaderboard(CHANNEL, 7, 0, 20)));
        Instant due = Instant.parse("2026-03-22T19:00:00Z");
        clock.set(due.plusSeconds(1));
        notHolding.checkNow();
        // The non-holder takes it first and offers it again a few seconds later (by the clock).
        Eventually.within(
                WAIT,
                "handed off",
                () -> HandOffTimers.handedOff(
                        db.database(), Tables.LEADERBOARD_TASKS, GUILD.toString(), due.plusSeconds(1)));
        clock.advance(Duration.ofSeconds(5));
        Eventually.within(WAIT, "the holder posts it", () -> holder.size() == 1);
        assertThat(elsewhere).isEmpty();
        assertThat(holder.getFirst().channel()).isEqualTo(CHANNEL);
    }
}
