package com.valoratbot.supabase.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Command.ScheduleAnnounce;
import com.valoratbot.core.command.ScheduledTime;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.ScheduleAnnouncements.ScheduledAnnouncement;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.schedule.ScheduledAnnouncements;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScheduledAnnouncementsTest {

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
    private static final Snowflake ADMIN = Snowflake.of(300000000000000001L);
    /** 10:00 in Paris. */
    private static final Instant NOW = Instant.parse("2025-12-10T09:00:00Z");

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestClock clock = new TestClock(NOW);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
    }

    private ScheduledAnnouncements worker(String name, RecordingAnnouncements discord, GuildPresence presence) {
        return worker(
                name,
                discord,
                presence,
                DbSchedulerTimer.announcements(db.database().dataSource(), clock)
                        .workerName(name)
                        .pollingInterval(Duration.ofMillis(200))
                        .handOffs(db.database(), presence)
                        .build());
    }

    private ScheduledAnnouncements worker(
            String name, RecordingAnnouncements discord, GuildPresence presence, DbSchedulerTimer timer) {
        ScheduledAnnouncements w = ScheduledAnnouncements.builder(
                        PostgresAnnouncementStore.on(db.database().dataSource()), timer, discord, clock)
                .guildPresence(presence)
                .build();
        toClose.add(w);
        return w;
    }

    private ScheduledAnnouncements worker(String name, RecordingAnnouncements discord) {
        return worker(name, discord, GuildPresence.everyGuild());
    }

    private static CommandContext context(Snowflake guild) {
        return new CommandContext(UUID.randomUUID().toString(), guild, Optional.of(ADMIN));
    }

    private static ScheduleAnnounce at(String localTime, String message) {
        return new ScheduleAnnounce(
                new Announcement(CHANNEL, Optional.of(message), Optional.empty(), Set.of()),
                new ScheduledTime.Local(LocalDateTime.parse(localTime)));
    }

    private static <T> T ok(Result<T> r) {
        assertThat(r).as("%s", r).isInstanceOf(Result.Ok.class);
        return ((Result.Ok<T>) r).value();
    }

    private static Failure err(Result<?> r) {
        assertThat(r).as("%s", r).isInstanceOf(Result.Err.class);
        return ((Result.Err<?>) r).failure();
    }

    private static Map<String, Object> stored(String id) {
        return db.row("SELECT * FROM valoratbot.scheduled_announcements WHERE id = ?", id);
    }

    private static String status(String id) {
        return (String) stored(id).get("status");
    }

    @Test
    void anAnnouncementIsSentWhenItsTimeComesAndNotBefore() {
        var discord = new RecordingAnnouncements();
        var worker = worker("w1", discord).start();
        String id = ok(worker.schedule(context(GUILD), at("2025-12-10T10:30", "Réunion dans 30 min")));
        assertThat(stored(id).get("scheduled_for")).isNotNull();

        clock.set(Instant.parse("2025-12-10T09:29:00Z"));
        worker.checkNow();
        Eventually.quietly(Duration.ofMillis(600));
        assertThat(discord.posts).isEmpty();

        clock.set(Instant.parse("2025-12-10T09:30:00Z"));
        worker.checkNow();
        Eventually.within(WAIT, "the announcement is sent", () -> "sent".equals(status(id)));
        assertThat(discord.posts).hasSize(1);
        var post = discord.posts.getFirst();
        assertThat(post.context().guildId()).isEqualTo(GUILD);
        assertThat(post.announcement().message()).contains("Réunion dans 30 min");
        assertThat(stored(id).get("message_id")).isEqualTo(post.messageId().value());
    }

    @Test
    void listScheduledShowsPendingAnnouncementsThenRecentOutcomesOfThisGuildOnly() {
        var discord = new RecordingAnnouncements();
        var worker = worker("w1", discord);
        String soon = ok(worker.schedule(context(GUILD), at("2025-12-10T10:05", "soon")));
        String later = ok(worker.schedule(context(GUILD), at("2025-12-24T20:00", "later")));
        ok(worker.schedule(context(OTHER_GUILD), at("2025-12-11T10:00", "elsewhere")));

        List<ScheduledAnnouncement> before = ok(worker.pending(context(GUILD)));
        assertThat(before).extracting(ScheduledAnnouncement::scheduledId).containsExactly(soon, later);
        assertThat(before.getFirst())
                .isEqualTo(new ScheduledAnnouncement(
                        soon,
                        CHANNEL.toString(),
                        Instant.parse("2025-12-10T09:05:00Z"),
                        "soon",
                        false,
                        "pending",
                        null,
                        null));

        worker.start();
        clock.set(Instant.parse("2025-12-10T09:05:00Z"));
        worker.checkNow();
        Eventually.within(WAIT, "the first one is sent", () -> "sent".equals(status(soon)));
        assertThat(ok(worker.pending(context(GUILD))))
                .extracting(ScheduledAnnouncement::scheduledId, ScheduledAnnouncement::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(later, "pending"),
                        org.assertj.core.groups.Tuple.tuple(soon, "sent"));
        // A sent announcement shows the message it became, so a dashboard can link to it.
        assertThat(ok(worker.pending(context(GUILD))).getLast().messageId()).isNotBlank();
        assertThat(ok(worker.pending(context(GUILD))).getFirst().messageId()).isNull();
    }

    @Test
    void aTimeWithoutZoneIsReadInTheGuildsOwnZone() {
        var zones = PostgresGuildTimeZones.builder(db.database().dataSource()).build();
        zones.setZone(GUILD, Optional.of(ZoneId.of("America/Montreal")));
        var worker = ScheduledAnnouncements.builder(
                        PostgresAnnouncementStore.on(db.database().dataSource()),
                        DbSchedulerTimer.announcements(db.database().dataSource(), clock)
                                .build(),
                        new RecordingAnnouncements(),
                        clock)
                .timeZones(zones)
                .build();
        toClose.add(worker);
        String montreal = ok(worker.schedule(context(GUILD), at("2025-12-24T20:00", "réveillon")));
        String paris = ok(worker.schedule(context(OTHER_GUILD), at("2025-12-24T20:00", "réveillon")));
        assertThat(stored(montreal).get("scheduled_for"))
                .isEqualTo(java.sql.Timestamp.from(Instant.parse("2025-12-25T01:00:00Z")));
        assertThat(stored(montreal).get("time_zone")).isEqualTo("America/Montreal");
        assertThat(stored(paris).get("scheduled_for"))
                .isEqualTo(java.sql.Timestamp.from(Instant.parse("2025-12-24T19:00:00Z")));
    }

    @Test
    void aTimeInTheSpringForwardGapIsSentAtHalfPastThreeSummerTime() {
        clock.set(Instant.parse("2026-03-28T12:00:00Z"));
        var discord = new RecordingAnnouncements();
        var worker = worker("w1", discord).start();
        String id = ok(worker.schedule(context(GUILD), at("2026-03-29T02:30", "DST")));
        assertThat(stored(id).get("scheduled_for"))
                .isEqualTo(java.sql.Timestamp.from(Instant.parse("2026-03-29T01:30:00Z")));

        clock.set(Instant.parse("2026-03-29T01:29:00Z")); // 03:29 CEST
        worker.checkNow();
        Eventually.quietly(Duration.ofMillis(600));
        assertThat(discord.posts).isEmpty();

        clock.set(Instant.parse("2026-03-29T01:30:00Z")); // 03:30 CEST
        worker.checkNow();
        Eventually.within(WAIT, "the announcement is sent", () -> discord.posts.size() == 1);
    }

    @Test
    void aTimeMoreThanAMinuteInThePastIsRefusedAndNothingIsStored() {
        var worker = worker("w1", new RecordingAnnouncements());
        Failure f = err(worker.schedule(
                context(GUILD),
                new ScheduleAnnounce(
                        new Announcement(CHANNEL, Optional.of("late"), Optional.empty(), Set.of()),
                        new ScheduledTime.Absolute(OffsetDateTime.parse("2025-12-10T08:58:00Z")))));
        assertThat(f.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(f.reason().key()).isEqualTo("scheduled_in_past");
        assertThat(db.rows("SELECT id FROM valoratbot.scheduled_announcements")).isEmpty();
    }

    @Test
    void theSameCommandRunTwiceSchedulesOneAnnouncement() {
        var worker = worker("w1", new RecordingAnnouncements());
        CommandContext ctx = context(GUILD);
        String first = ok(worker.schedule(ctx, at("2025-12-10T12:00", "once")));
        String again = ok(worker.schedule(ctx, at("2025-12-10T12:00", "once")));
        assertThat(again).isEqualTo(first);
        assertThat(db.rows("SELECT id FROM valoratbot.scheduled_announcements")).hasSize(1);
        assertThat(db.rows("SELECT task_instance FROM valoratbot.announcement_tasks"))
                .hasSize(1);
    }

    @Test
    void anAnnouncementScheduledBeforeARestartIsSentOnceByTheNextWorker() {
        var before = new RecordingAnnouncements();
        var first = worker("before-restart", before).start();
        String id = ok(first.schedule(context(GUILD), at("2025-12-10T10:10", "après redémarrage")));
        first.close();

        clock.set(Instant.parse("2025-12-10T09:20:00Z")); // ten minutes late: within the grace
        var after = new RecordingAnnouncements();
        var second = worker("after-restart", after).start();
        Eventually.within(WAIT, "the announcement is sent", () -> "sent".equals(status(id)));
        Eventually.quietly(Duration.ofMillis(500));
        assertThat(before.posts).isEmpty();
        assertThat(after.posts).hasSize(1);
        assertThat(stored(id).get("attempted_by")).isEqualTo("after-restart");
        second.checkNow();
        Eventually.quietly(Duration.ofMillis(400));
        assertThat(after.posts).hasSize(1);
    }

    @Test
    void anAnnouncementLessThanTheGraceLateIsSentAtStartUp() {
        var first = worker("w1", new RecordingAnnouncements());
        String id = ok(first.schedule(context(GUILD), at("2025-12-10T10:30", "presque à l’heure")));
        first.close();
        clock.set(Instant.parse("2025-12-10T09:30:00Z").plus(Duration.ofMinutes(59)));
        var discord = new RecordingAnnouncements();
        worker("w2", discord).start();
        Eventually.within(WAIT, "the announcement is sent", () -> "sent".equals(status(id)));
        assertThat(discord.posts).hasSize(1);
    }

    @Test
    void anAnnouncementMoreThanTheGraceLateIsMarkedMissedAndNeverSent() {
        var first = worker("w1", new RecordingAnnouncements());
        String id = ok(first.schedule(context(GUILD), at("2025-12-10T10:30", "trop tard")));
        first.close();
        clock.set(Instant.parse("2025-12-10T09:30:00Z").plus(Duration.ofMinutes(61)));
        var discord = new RecordingAnnouncements();
        var second = worker("w2", discord).start();
        Eventually.within(WAIT, "the announcement is marked missed", () -> "missed".equals(status(id)));
        assertThat(discord.posts).isEmpty();
        assertThat((String) stored(id).get("failure_reason")).contains("60 min");
        assertThat(ok(second.pending(context(GUILD))))
                .extracting(ScheduledAnnouncement::status)
                .containsExactly("missed");
    }

    @Test
    void twoWorkersOnOneDatabaseSendEachAnnouncementExactlyOnce() {
        var discordA = new RecordingAnnouncements();
        var discordB = new RecordingAnnouncements();
        var a = worker("worker-a", discordA);
        var b = worker("worker-b", discordB);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++)
            ids.add(ok((i % 2 == 0 ? a : b).schedule(context(GUILD), at("2025-12-10T10:15", "annonce " + i))));
        a.start();
        b.start();
        clock.set(Instant.parse("2025-12-10T09:15:00Z"));
        a.checkNow();
        b.checkNow();
        Eventually.within(
                WAIT,
                "all 40 are sent",
                () -> db.rows("SELECT id FROM valoratbot.scheduled_announcements WHERE status = 'sent'")
                                .size()
                        == 40);
        Eventually.quietly(Duration.ofMillis(800));
        List<String> sent = new ArrayList<>();
        discordA.posts.forEach(p -> sent.add(p.announcement().message().orElseThrow()));
        discordB.posts.forEach(p -> sent.add(p.announcement().message().orElseThrow()));
        assertThat(sent).hasSize(40);
        assertThat(new HashSet<>(sent)).hasSize(40);
        assertThat(db.rows("SELECT DISTINCT attempted_by FROM valoratbot.scheduled_announcements"))
                .allSatisfy(r -> assertThat(r.get("attempted_by")).isIn("worker-a", "worker-b"));
    }

    @Test
    void anAnnouncementWhoseSendWasInterruptedByACrashIsMarkedFailedNotSentAgain() {
        var first = worker("w1", new RecordingAnnouncements());
        String id = ok(first.schedule(context(GUILD), at("2025-12-10T10:15", "peut-être déjà envoyée")));
        first.close();
        // What a worker that died during the Discord call leaves behind.
        db.execute(
                "UPDATE valoratbot.scheduled_announcements SET status = 'sending', attempted_by = 'dead' WHERE id = ?",
                id);
        clock.set(Instant.parse("2025-12-10T09:16:00Z"));
        var discord = new RecordingAnnouncements();
        worker("w2", discord).start();
        Eventually.within(WAIT, "the interruption is recorded", () -> "failed".equals(status(id)));
        assertThat(stored(id).get("failure_code")).isEqualTo("interrupted");
        assertThat(discord.posts).isEmpty();
    }

    @Test
    void aDiscordRefusalIsStoredAsAFailureWithItsReason() {
        var discord = new RecordingAnnouncements()
                .failingWith(Failure.of(ErrorCode.CHANNEL_NOT_FOUND, "channel_not_found", CHANNEL.toString()));
        var worker = worker("w1", discord).start();
        String id = ok(worker.schedule(context(GUILD), at("2025-12-10T10:00", "salon supprimé")));
        Eventually.within(WAIT, "the failure is stored", () -> "failed".equals(status(id)));
        assertThat(stored(id).get("failure_code")).isEqualTo("channel_not_found");
        assertThat((String) stored(id).get("failure_reason"))
                .isEqualTo("Le salon " + CHANNEL + " n’existe pas sur ce serveur.");
    }

    @Test
    void aCancelledAnnouncementIsNotSent() {
        var discord = new RecordingAnnouncements();
        var worker = worker("w1", discord).start();
        String id = ok(worker.schedule(context(GUILD), at("2025-12-10T10:20", "annulée")));
        ok(worker.cancel(context(GUILD), id));
        clock.set(Instant.parse("2025-12-10T09:21:00Z"));
        worker.checkNow();
        Eventually.quietly(Duration.ofMillis(800));
        assertThat(discord.posts).isEmpty();
        assertThat(status(id)).isEqualTo("cancelled");
        assertThat(db.rows("SELECT task_instance FROM valoratbot.announcement_tasks"))
                .isEmpty();
    }

    @Test
    void cancellingAnUnknownIdOrAnotherGuildsAnnouncementIsNotFound() {
        var worker = worker("w1", new RecordingAnnouncements());
        String theirs = ok(worker.schedule(context(OTHER_GUILD), at("2025-12-10T12:00", "pas à vous")));
        assertThat(err(worker.cancel(context(GUILD), "abc123")).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(err(worker.cancel(context(GUILD), theirs)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(status(theirs)).isEqualTo("pending");
    }

    @Test
    void cancellingAnAlreadySentAnnouncementIsNotFoundAndSaysWhy() {
        var worker = worker("w1", new RecordingAnnouncements()).start();
        String id = ok(worker.schedule(context(GUILD), at("2025-12-10T10:00", "déjà partie")));
        Eventually.within(WAIT, "sent", () -> "sent".equals(status(id)));
        Failure f = err(worker.cancel(context(GUILD), id));
        assertThat(f.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(f.reason().args().getFirst())
                .hasToString(com.valoratbot.core.result.Text.of("scheduled.not_pending", id, "sent")
                        .toString());
    }

    @Test
    void aWorkerThatDoesNotHoldTheGuildLeavesTheAnnouncementToOneThatDoes() {
        var elsewhere = new RecordingAnnouncements();
        var notHolding = worker("other-shard", elsewhere, guild -> false).start();
        String id = ok(notHolding.schedule(context(GUILD), at("2025-12-10T10:00", "pour le bon shard")));
        Eventually.quietly(Duration.ofMillis(800));
        assertThat(status(id)).isEqualTo("pending");
        var holder = new RecordingAnnouncements();
        worker("right-shard", holder, guild -> guild.equals(GUILD)).start();
        // Time passes (a second per tick): each worker re-offers or takes the job as it comes due again.
        Eventually.within(Duration.ofSeconds(60), "the holder sends it", () -> {
            clock.advance(Duration.ofSeconds(1));
            return "sent".equals(status(id));
        });
        assertThat(holder.posts).hasSize(1);
        assertThat(elsewhere.posts).isEmpty();
    }

    @Test
    void aHandOffBringsTheHolderToTheJobAheadOfEveryonesNextPoll() {
        // Polls an hour apart: only the hand-off's notification can make the holder look. Without it
        // the holder waits for its next poll, which in step with the other worker's can lose every time.
        DbSchedulerTimer otherTimer = HandOffTimers.hearing(
                DbSchedulerTimer.announcements(db.database().dataSource(), clock),
                "other-shard",
                db.database(),
                guild -> false);
        DbSchedulerTimer holderTimer = HandOffTimers.hearing(
                DbSchedulerTimer.announcements(db.database().dataSource(), clock),
                "right-shard",
                db.database(),
                guild -> guild.equals(GUILD));
        var elsewhere = new RecordingAnnouncements();
        var holder = new RecordingAnnouncements();
        var notHolding =
                worker("other-shard", elsewhere, guild -> false, otherTimer).start();
        worker("right-shard", holder, guild -> guild.equals(GUILD), holderTimer).start();
        Eventually.within(WAIT, "both hear hand-offs", () -> otherTimer.hearsHandOffs() && holderTimer.hearsHandOffs());

        // Anyone may NOTIFY on the channel: junk before the real hand-off must leave it heard.
        for (String junk : java.util.List.of(
                "",
                "valoratbot-announcement",
                "valoratbot-announcement " + GUILD + " not-a-time",
                "valoratbot-announcement not-a-guild 1765357500000",
                "valoratbot-announcement " + GUILD + " 99999999999999999999999",
                "valoratbot-announcement " + GUILD + " 1765357500000 extra",
                "valoratbot-announcement " + "0".repeat(7_000) + GUILD + " 1765357500000",
                "valoratbot-weekly-leaderboard " + GUILD + " 1765357500000"))
            db.execute("SELECT pg_notify('valoratbot_job_handoffs', ?)", junk);
        String id = ok(notHolding.schedule(context(GUILD), at("2025-12-10T10:05", "pour le bon shard")));
        clock.set(Instant.parse("2025-12-10T09:05:00Z"));
        notHolding.checkNow();
        // The non-holder takes it first and offers it again 3 s later (by the clock); time moves on.
        Eventually.within(
                WAIT,
                "handed off",
                () -> HandOffTimers.handedOff(
                        db.database(), Tables.ANNOUNCEMENT_TASKS, id, Instant.parse("2025-12-10T09:05:00Z")));
        clock.advance(Duration.ofSeconds(5));
        Eventually.within(WAIT, "the holder sends it", () -> "sent".equals(status(id)));
        assertThat(holder.posts).hasSize(1);
        assertThat(elsewhere.posts).isEmpty();
    }

    @Test
    void timersOnOneDatabaseShareOneThreadForTheChecksTheirHandOffsAskFor() {
        java.util.Set<Long> before = handOffCheckThreads();
        Function<String, DbSchedulerTimer> hearing = name -> HandOffTimers.hearing(
                DbSchedulerTimer.announcements(db.database().dataSource(), clock),
                name,
                db.database(),
                GuildPresence.everyGuild());
        DbSchedulerTimer first = hearing.apply("first");
        DbSchedulerTimer second = hearing.apply("second");
        worker("first", new RecordingAnnouncements(), GuildPresence.everyGuild(), first)
                .start();
        worker("second", new RecordingAnnouncements(), GuildPresence.everyGuild(), second)
                .start();
        Eventually.within(WAIT, "both hear hand-offs", () -> first.hearsHandOffs() && second.hearsHandOffs());

        // Both hold the guild: each asks for a check.
        db.execute(
                "SELECT pg_notify('valoratbot_job_handoffs', ?)",
                "valoratbot-announcement " + GUILD + " " + clock.instant().toEpochMilli());

        Eventually.within(WAIT, "a check is scheduled", () -> !newSince(before).isEmpty());
        Eventually.quietly(Duration.ofMillis(300));
        assertThat(newSince(before))
                .as("threads for hand-off checks started by the two timers")
                .hasSize(1);
    }

    private static java.util.Set<Long> handOffCheckThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("valoratbot-handoff-checks"))
                .map(Thread::threadId)
                .collect(java.util.stream.Collectors.toSet());
    }

    private static java.util.Set<Long> newSince(java.util.Set<Long> before) {
        java.util.Set<Long> now = handOffCheckThreads();
        now.removeAll(before);
        return now;
    }

    @Test
    void anAnnouncementStoredWithoutItsJobGetsOneAtStartUpAndIsSent() {
        var first = worker("w1", new RecordingAnnouncements());
        String lost = ok(first.schedule(context(GUILD), at("2025-12-10T10:10", "sans tâche")));
        String kept = ok(first.schedule(context(GUILD), at("2025-12-10T10:10", "avec tâche")));
        first.close();
        // What a failed job insert after a stored row leaves behind.
        db.execute("DELETE FROM valoratbot.announcement_tasks WHERE task_instance = ?", lost);
        clock.set(Instant.parse("2025-12-10T09:10:00Z"));
        var discord = new RecordingAnnouncements();
        worker("w2", discord).start();
        Eventually.within(WAIT, "both are sent", () -> "sent".equals(status(lost)) && "sent".equals(status(kept)));
        assertThat(discord.posts).hasSize(2);
    }
}
