package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Command.ScheduleAnnounce;
import com.valoratbot.core.command.ScheduledTime;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.schedule.ScheduledAnnouncements;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInMessage;
import com.valoratbot.supabase.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scheduled announcements in a sandbox worker (real Postgres, the stand-in, real JDA), wired as in
 * production: sends take the guild's rate-limit tokens, and a guild's pending schedules are capped
 * and bounded in time.
 */
class ScheduledSendsTest {

    /** 5 commands per 2 s: a token every 400 ms once the burst of 5 is spent. */
    private static final int RATE = 5;

    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final int CAP = 12;
    private static final Snowflake GUILD = Snowflake.of(DemoGuild.GUILD_ID);

    @RegisterExtension
    static final SandboxWorker sandbox = SandboxWorker.create()
            .set("VALORATBOT_GUILD_RATE", Integer.toString(RATE))
            .set("VALORATBOT_GUILD_RATE_WINDOW", WINDOW.toMillis() + "ms")
            .set("VALORATBOT_MAX_PENDING_SCHEDULES", Integer.toString(CAP))
            .set("VALORATBOT_SCHEDULE_HORIZON", "30d");

    static final TestDatabase db = sandbox.db();

    private static WorkerApp worker;
    private static DiscordStandIn standIn;
    private static ScheduledAnnouncements scheduling;

    @BeforeAll
    static void parts() {
        worker = sandbox.app();
        standIn = worker.sandbox().orElseThrow();
        scheduling = worker.get(ScheduledAnnouncements.class);
    }

    private static final java.util.concurrent.atomic.AtomicLong NEXT_CHANNEL =
            new java.util.concurrent.atomic.AtomicLong(DemoGuild.GUILD_ID + 50_000);

    private static long newChannel(String name) {
        long id = NEXT_CHANNEL.incrementAndGet();
        standIn.state().guild(DemoGuild.GUILD_ID).textChannel(id, name);
        return id;
    }

    private static Result<String> schedule(long channel, String message, OffsetDateTime at) {
        return scheduling.schedule(
                new CommandContext(UUID.randomUUID().toString(), GUILD, Optional.empty()),
                new ScheduleAnnounce(
                        new Announcement(Snowflake.of(channel), Optional.of(message), Optional.empty(), Set.of()),
                        new ScheduledTime.Absolute(at)));
    }

    @Test
    void announcementsDueTheSameSecondAreAllSentButNoFasterThanTheGuildsRateLimit() throws Exception {
        long channel = newChannel("burst");
        OffsetDateTime due = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2);
        int count = CAP; // the cap is per guild: this test uses all of it, then frees it by sending
        for (int i = 0; i < count; i++)
            assertThat(schedule(channel, "burst " + i, due)).isInstanceOf(Result.Ok.class);

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (standIn.state().messages(channel).size() < count && System.nanoTime() < deadline) {
            scheduling.checkNow(); // instead of waiting for db-scheduler's 5 s poll
            Thread.sleep(100);
        }
        List<Instant> sent = standIn.state().messages(channel).stream()
                .map(StandInMessage::createdAt)
                .sorted()
                .toList();

        assertThat(sent)
                .as("every announcement is sent, none lost to the limit")
                .hasSize(count);
        // Unlimited, all 12 go out within a few hundred ms. Limited, any one second holds at most the
        // burst (RATE) plus the tokens refilled meanwhile (RATE per WINDOW: 2.5), give or take one for
        // the HTTP latency between taking a token and the stand-in recording the message.
        int mostInOneSecond = 0;
        for (Instant start : sent) {
            mostInOneSecond = Math.max(mostInOneSecond, (int) sent.stream()
                    .filter(t -> !t.isBefore(start) && t.isBefore(start.plusSeconds(1)))
                    .count());
        }
        assertThat(mostInOneSecond).as("sends within any one second").isLessThanOrEqualTo(RATE + 3);
        assertThat(Duration.between(sent.getFirst(), sent.getLast()))
                .as("first to last send")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(db.count(
                        "SELECT count(*) FROM valoratbot.scheduled_announcements WHERE channel_id = ? AND status = 'sent'",
                        channel))
                .isEqualTo(count);
    }

    @Test
    void aGuildCannotHoldMorePendingSchedulesThanTheCap() {
        long channel = newChannel("cap");
        OffsetDateTime later = OffsetDateTime.now(ZoneOffset.UTC).plusDays(2);
        try {
            for (int i = 0; i < CAP; i++)
                assertThat(schedule(channel, "later " + i, later)).isInstanceOf(Result.Ok.class);

            Result<String> oneMore = schedule(channel, "one too many", later);

            assertThat(oneMore)
                    .isInstanceOfSatisfying(
                            Result.Err.class,
                            e -> assertThat(((Result.Err<?>) e).failure().code())
                                    .isEqualTo(ErrorCode.LIMIT_REACHED));
            assertThat(db.count(
                            "SELECT count(*) FROM valoratbot.scheduled_announcements WHERE channel_id = ?", channel))
                    .isEqualTo(CAP);
        } finally {
            db.execute(
                    "UPDATE valoratbot.scheduled_announcements SET status = 'cancelled' WHERE channel_id = ?", channel);
        }
    }

    @Test
    void aTimeBeyondTheHorizonIsInvalidPayload() {
        long channel = newChannel("horizon");

        Result<String> tooFar = schedule(
                channel, "next year", OffsetDateTime.now(ZoneOffset.UTC).plusDays(31));

        assertThat(tooFar)
                .isInstanceOfSatisfying(
                        Result.Err.class,
                        e -> assertThat(((Result.Err<?>) e).failure().code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
        assertThat(db.count("SELECT count(*) FROM valoratbot.scheduled_announcements WHERE channel_id = ?", channel))
                .isZero();
    }

    @Test
    void anOutOfRangeYearThroughTheWorkersHandlerIsInvalidPayloadNeverInternalError() {
        CommandHandler handler = worker.get(CommandHandler.class);
        for (String when : List.of("+999999999-12-31T23:59", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00")) {
            String payload = "{\"channelId\":\"" + DemoGuild.ANNONCES_ID + "\",\"message\":\"x\",\"scheduledFor\":\""
                    + when + "\"}";
            ObjectNode result = CommandHandler.readResult(handler.handle(new QueuedCommand(
                            UUID.randomUUID().toString(),
                            Long.toString(DemoGuild.GUILD_ID),
                            "schedule_announce",
                            payload,
                            Optional.empty(),
                            Duration.ZERO))
                    .resultJson());

            assertThat(result.get("code").asText()).as(when).isEqualTo("invalid_payload");
            assertThat(result.get("reason").asText()).contains("scheduledFor");
        }
    }
}
