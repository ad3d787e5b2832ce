package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Who asked, on the guide's table ({@code commands}, with {@code requested_by}) in a sandbox worker:
 * real Postgres, the stand-in, real JDA. The same rules on the dashboard's table (no column) are in
 * HostilePayloadFuzzTest.
 */
class WhoAskedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GUILD = Long.toString(DemoGuild.GUILD_ID);
    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @RegisterExtension
    static final SandboxWorker sandbox = SandboxWorker.create()
            .set("VALORATBOT_ANONYMOUS_ROWS", "no-moderation")
            .set("VALORATBOT_GUILD_RATE", "100000")
            .beforeStart(database -> {
                log.start();
                ((Logger) LoggerFactory.getLogger(com.valoratbot.library.Valoratbot.class)).addAppender(log);
            });

    static final TestDatabase db = sandbox.db();
    private static WorkerApp worker;
    private static DiscordStandIn standIn;

    @BeforeAll
    static void parts() {
        worker = sandbox.app();
        standIn = worker.sandbox().orElseThrow();
    }

    @AfterAll
    static void detachLog() {
        ((Logger) LoggerFactory.getLogger(com.valoratbot.library.Valoratbot.class)).detachAppender(log);
    }

    /** Inserts a row as a dashboard would and waits for its result. */
    private static JsonNode run(String guild, String action, String payload, String requestedBy) throws Exception {
        String id = (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, requested_by) VALUES (?, ?, ?::jsonb, ?) RETURNING id::text",
                guild,
                action,
                payload,
                requestedBy);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Object> r = db.query("SELECT status, result::text FROM commands WHERE id = ?::uuid", id)
                    .getFirst();
            if ("done".equals(r.get(0)) || "error".equals(r.get(0))) return JSON.readTree((String) r.get(1));
            Thread.sleep(20);
        }
        throw new AssertionError("command " + id + " did not finish");
    }

    private static String channel(String name) throws InterruptedException {
        long id = DemoGuild.GUILD_ID + 70_000 + Math.abs(name.hashCode() % 10_000);
        standIn.state().guild(DemoGuild.GUILD_ID).textChannel(id, name);
        // The channel reaches JDA's cache over the gateway; the access check reads that cache.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (worker.get(com.valoratbot.discord.DiscordGateway.class).jda().getTextChannelById(id) == null
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return Long.toString(id);
    }

    private static boolean locked(String channel) {
        return standIn.state()
                .channel(Long.parseLong(channel))
                .overwrite(DemoGuild.GUILD_ID)
                .isPresent();
    }

    @Test
    void theBotItselfAsRequesterIsForbiddenAndTheChannelStaysOpen() throws Exception {
        String general = channel("self-asked");

        JsonNode result = run(GUILD, "lock", "{\"channelId\":\"" + general + "\"}", Long.toString(standIn.botUserId()));

        assertThat(result.get("code").asText()).isEqualTo("forbidden");
        assertThat(result.get("reason").asText()).contains("bot account");
        assertThat(locked(general)).isFalse();
    }

    @Test
    void anotherBotAsRequesterIsForbidden() throws Exception {
        JsonNode result = run(
                GUILD,
                "slowmode",
                "{\"channelId\":\"" + DemoGuild.GENERAL_ID + "\",\"duration\":21600}",
                Long.toString(DemoGuild.HELPERBOT_ID));

        assertThat(result.get("code").asText()).isEqualTo("forbidden");
        assertThat(standIn.state().channel(DemoGuild.GENERAL_ID).rateLimitPerUser())
                .isZero();
    }

    @Test
    void aBlankRequesterIsInvalidPayloadNotAnonymous() throws Exception {
        for (String blank : List.of("", "   ", " " + DemoGuild.ADMIN_ID, "٠" + DemoGuild.ADMIN_ID)) {
            JsonNode result = run(GUILD, "listTextChannels", "{}", blank);

            assertThat(result.get("code").asText()).as("'%s'", blank).isEqualTo("invalid_payload");
            assertThat(result.get("reason").asText()).contains("requested_by");
        }
    }

    @Test
    void anAnonymousLockIsForbiddenAtNoModerationButTheAdminMayLock() throws Exception {
        String channel = channel("admin-locks");

        JsonNode anonymous = run(GUILD, "lock", "{\"channelId\":\"" + channel + "\"}", null);
        assertThat(anonymous.get("code").asText()).isEqualTo("forbidden");
        assertThat(locked(channel)).isFalse();

        JsonNode admin = run(GUILD, "lock", "{\"channelId\":\"" + channel + "\"}", Long.toString(DemoGuild.ADMIN_ID));
        assertThat(admin.get("ok").asBoolean()).as(admin.toString()).isTrue();
        assertThat(locked(channel)).isTrue();
    }

    @Test
    void anAnonymousEveryonePingIsForbiddenAndAMemberWithoutMentionEveryoneIsToo() throws Exception {
        String payload = "{\"channelId\":\"" + DemoGuild.ANNONCES_ID
                + "\",\"message\":\"@everyone\",\"allowedMentions\":[\"everyone\"]}";
        int before = standIn.state().messages(DemoGuild.ANNONCES_ID).size();

        assertThat(run(GUILD, "announce", payload, null).get("code").asText()).isEqualTo("forbidden");
        assertThat(run(GUILD, "announce", payload, Long.toString(DemoGuild.ALICE_ID))
                        .get("code")
                        .asText())
                .isEqualTo("forbidden");
        assertThat(standIn.state().messages(DemoGuild.ANNONCES_ID)).hasSize(before);

        assertThat(run(GUILD, "announce", payload, Long.toString(DemoGuild.ADMIN_ID))
                        .get("ok")
                        .asBoolean())
                .isTrue();
        assertThat(standIn.state().messages(DemoGuild.ANNONCES_ID)).hasSize(before + 1);
    }

    @Test
    void aTableThatNamesItsRequesterGetsNoStartUpWarning() {
        assertThat(log.list)
                .noneMatch(e ->
                        e.getLevel() == Level.WARN && e.getFormattedMessage().contains("requested_by"));
    }
}
