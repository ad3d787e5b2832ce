package com.example.questbot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.library.Valoratbot;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInMessage;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example bot as it ships (its own session settings, its listener, its action), against the
 * Discord stand-in with the demo guild and a real PostgreSQL, fed the rows the dashboard inserts.
 */
class QuestBotTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GUILD = Long.toString(DemoGuild.GUILD_ID);
    private static final String ALICE = Long.toString(DemoGuild.ALICE_ID);

    private static DiscordStandIn standIn;
    private static Database database;
    private static CommandAdmin dashboard;
    private static Valoratbot bot;

    @BeforeAll
    static void theBotRunsAgainstTheStandInAndPostgres() {
        standIn = standInWithTheDemoGuild();
        database = db.open();
        dashboard = CommandAdmin.on(database);
        bot = start(standIn);
    }

    @AfterAll
    static void stop() {
        if (bot != null) bot.close();
        standIn.close();
    }

    private static DiscordStandIn standInWithTheDemoGuild() {
        DiscordStandIn s = DiscordStandIn.builder()
                .port(0)
                .botToken("quest-bot-token")
                .build()
                .start();
        DemoGuild.seed(s.state());
        return s;
    }

    /** The example's own start, pointed at the stand-in (which speaks voice without DAVE). */
    private static Valoratbot start(DiscordStandIn discord) {
        return QuestBot.start(
                QuestBot.discord(discord.botToken()),
                database.dataSource(),
                settings -> settings.discordEndpoints(discord.restBaseUrl(), discord.gatewayUrl())
                        .voiceMode(VoiceMode.PASSTHROUGH));
    }

    /** Inserts a row as the dashboard does (no requested_by) and waits for its end. */
    private static CommandRow dashboardRuns(String action, String payload) throws InterruptedException {
        String id = dashboard.enqueue(GUILD, action, payload, null);
        return dashboard
                .awaitResult(id, Duration.ofSeconds(20))
                .orElseThrow(() -> new AssertionError(action + " never ended"));
    }

    private static JsonNode result(CommandRow row) throws Exception {
        return JSON.readTree(row.resultJson());
    }

    @Test
    void aBuiltInActionOfTheDashboardPostsTheAnnouncementAndAnswersItsContractResult() throws Exception {
        CommandRow row = dashboardRuns(
                "announce", "{\"channelId\":\"" + DemoGuild.ANNONCES_ID + "\",\"message\":\"Nouvelles quêtes !\"}");

        assertThat(row.status()).as(row.resultJson()).isEqualTo("done");
        JsonNode result = result(row);
        assertThat(result.get("ok").asBoolean()).isTrue();
        long messageId = Long.parseLong(result.get("messageId").asText());
        StandInMessage posted =
                standIn.state().message(DemoGuild.ANNONCES_ID, messageId).orElseThrow();
        assertThat(posted.content()).isEqualTo("Nouvelles quêtes !");
        assertThat(posted.authorId()).isEqualTo(standIn.botUserId());
    }

    @Test
    void theBotsOwnActionAddsQuestProgressInItsOwnTableAndAnswersTheTotal() throws Exception {
        CommandRow first = dashboardRuns(
                "ADD_QUEST_PROGRESS", "{\"userId\":\"" + ALICE + "\",\"questId\":\"weekly-talk\",\"amount\":3}");
        // The dashboard's JavaScript may send numbers as strings; the payload reader accepts them as the built-in
        // actions do.
        CommandRow second = dashboardRuns(
                "ADD_QUEST_PROGRESS", "{\"userId\":\"" + ALICE + "\",\"questId\":\"weekly-talk\",\"amount\":\"5\"}");

        assertThat(first.status()).as(first.resultJson()).isEqualTo("done");
        assertThat(result(first).toString())
                .isEqualTo("{\"ok\":true,\"userId\":\"" + ALICE + "\",\"questId\":\"weekly-talk\",\"progress\":3}");
        assertThat(second.status()).as(second.resultJson()).isEqualTo("done");
        assertThat(result(second).get("progress").asLong()).isEqualTo(8);
        assertThat(db.value(
                        "SELECT progress FROM public.quest_progress WHERE guild_id = ? AND user_id = ? AND quest_id = 'weekly-talk'",
                        DemoGuild.GUILD_ID,
                        DemoGuild.ALICE_ID))
                .isEqualTo(8L);
    }

    @Test
    void aQuestPayloadTheBotRefusesEndsInvalidPayloadWithAReasonNamingEachFieldAndGrantsNothing() throws Exception {
        CommandRow row = dashboardRuns("ADD_QUEST_PROGRESS", "{\"userId\":\"alice\",\"amount\":0}");

        assertThat(row.status()).isEqualTo("error");
        JsonNode result = result(row);
        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        // French by default, as the dashboard's own texts.
        assertThat(result.get("reason").asText())
                .startsWith("Données invalides")
                .contains("userId", "questId", "amount");
        assertThat(db.count("SELECT count(*) FROM public.quest_progress WHERE quest_id IS NULL OR progress <= 0"))
                .isZero();
    }

    @Test
    void theBotsOwnListenerStillAnswersPingOnTheSessionTheBackendShares() {
        Instant asked = Instant.now();
        standIn.state().addMessage(DemoGuild.GENERAL_ID, DemoGuild.ALICE_ID, "!ping", asked, false);

        Eventually.within(
                Duration.ofSeconds(10),
                "the bot answers pong in #general",
                () -> standIn.state().messages(DemoGuild.GENERAL_ID).stream()
                        .anyMatch(m -> m.authorId() == standIn.botUserId()
                                && m.content().equals("pong")
                                && !m.createdAt().isBefore(asked.minusSeconds(1))));
    }

    @Test
    void closingReturnsLeavesNoThreadOfTheBackendOrTheSessionAndTheStandInSeesTheGatewayClosed() throws Exception {
        // A bot of its own on a stand-in of its own, so what it leaves behind is seen alone.
        try (DiscordStandIn discord = standInWithTheDemoGuild()) {
            List<String> before = backendThreads();
            Valoratbot stopping = start(discord);
            JDA session = stopping.jda();
            assertThat(discord.gatewayStats().openConnections()).isEqualTo(1);
            assertThat(backendThreads()).hasSizeGreaterThan(before.size()).contains("valoratbot-claims");

            CompletableFuture.runAsync(stopping::close).get(30, TimeUnit.SECONDS);

            assertThat(session.getStatus()).isEqualTo(JDA.Status.SHUTDOWN);
            // The claim loop, the outcome writer, the timers, the LISTEN connection, JDA's and Lavaplayer's threads:
            // all ended.
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the threads started with the bot have ended",
                    () -> backendThreads().equals(before));
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the stand-in sees the gateway closed",
                    () -> discord.gatewayStats().openConnections() == 0);
            // The DataSource is the bot's own: still open for the bot to close.
            try (var connection = database.dataSource().getConnection()) {
                assertThat(connection.isValid(1)).isTrue();
            }
        }
    }

    /**
     * The live threads of the backend, of JDA and of Lavaplayer, by name (sorted, with repeats):
     * this class's other bot has its own, so only a difference counts.
     */
    private static List<String> backendThreads() {
        List<String> prefixes = List.of("valoratbot", "db-scheduler", "JDA ", "music-", "lava-");
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> prefixes.stream().anyMatch(name::startsWith))
                .sorted()
                .toList();
    }
}
