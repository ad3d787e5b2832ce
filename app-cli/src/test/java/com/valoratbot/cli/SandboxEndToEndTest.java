package com.valoratbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInMessage;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.ToneFile;
import com.valoratbot.worker.SandboxWorker;
import com.valoratbot.worker.WorkerApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole system as a dashboard developer runs it: a sandbox worker (the stand-in in process, real
 * JDA, real Postgres) and the real CLI talking to the same database.
 */
class SandboxEndToEndTest {

    @RegisterExtension
    static final SandboxWorker sandbox = SandboxWorker.create();

    static final TestDatabase db = sandbox.db();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GENERAL = "1100000000000000101";
    private static Map<String, String> env;
    private static WorkerApp worker;

    @BeforeAll
    static void sandboxWorker() {
        env = sandbox.env();
        worker = sandbox.app();
    }

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + " / " + err, e);
            }
        }
    }

    private static Run cli(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ValoratbotCli.run(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString().strip(), err.toString().strip());
    }

    private static Run cli(String... args) {
        return cli(env, args);
    }

    @Test
    void listingTheDemoGuildsTextChannelsPrintsTheContractsResult() {
        Run run = cli("enqueue", "listTextChannels", "--sandbox", "--wait");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json().get("ok").asBoolean()).isTrue();
        assertThat(run.json().get("channels").findValuesAsText("name")).contains("general", "annonces");
    }

    @Test
    void aPurgeOfBotMessagesDeletesOnlyBotMessagesInTheStandIn() {
        DiscordStandIn standIn = worker.sandbox().orElseThrow();
        long botMessagesBefore = standIn.state().messages(Long.parseLong(GENERAL)).stream()
                .filter(StandInMessage::authorBot)
                .count();
        Run run = cli(
                "enqueue",
                "purge",
                "{\"channelId\":\"" + GENERAL + "\",\"amount\":100,\"mode\":\"bots\"}",
                "--sandbox",
                "--wait");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode result = run.json();
        assertThat(result.get("deleted").asInt()).isPositive();
        long botMessagesAfter = standIn.state().messages(Long.parseLong(GENERAL)).stream()
                .filter(StandInMessage::authorBot)
                .count();
        assertThat(botMessagesBefore - botMessagesAfter)
                .isEqualTo(result.get("deleted").asLong());
    }

    @Test
    void anUnknownActionEndsInErrorWithItsCodeAndExitCodeThree() {
        Run run = cli("enqueue", "nuke", "--sandbox", "--wait");
        assertThat(run.exit()).isEqualTo(ValoratbotCli.COMMAND_ERROR);
        assertThat(run.json().get("code").asText()).isEqualTo("unknown_action");
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedBeforeAnythingIsQueued() {
        Run run = cli("enqueue", "purge", "{amount:", "--sandbox");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("not valid JSON");
    }

    @Test
    void enqueueWithoutAGuildSaysWhatIsMissing() {
        Run run = cli("enqueue", "listTextChannels");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--guild");
    }

    @Test
    void showAndReplayAPastCommand() {
        String id = cli("enqueue", "slowmode", "{\"channelId\":\"" + GENERAL + "\",\"duration\":30}", "--sandbox")
                .out();
        Run shown;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            shown = cli("show", id);
        } while (!shown.json().get("status").asText().equals("done") && System.nanoTime() < deadline);
        assertThat(shown.json().get("action").asText()).isEqualTo("slowmode");
        assertThat(shown.json().get("result").get("ok").asBoolean()).isTrue();

        Run replay = cli("replay", id, "--wait");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.json().get("ok").asBoolean()).isTrue();
        assertThat(cli("ls", "--action", "slowmode", "--json").out().lines().count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void showingAnUnknownIdFailsInOneLine() {
        Run run = cli("show", "00000000-0000-0000-0000-000000000000");
        assertThat(run.exit()).isEqualTo(ValoratbotCli.FAILED);
        assertThat(run.err()).startsWith("valoratbot: ").doesNotContain("\n");
    }

    @Test
    void lsFiltersByStatusNewestFirst() {
        cli("enqueue", "nuke", "--sandbox", "--wait");
        Run run = cli("ls", "--status", "error");
        assertThat(run.exit()).isZero();
        assertThat(run.out().lines().skip(1))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("error"));
    }

    @Test
    void tailShowsResultsAsTheyFinish() throws Exception {
        CompletableFuture<Run> tail = CompletableFuture.supplyAsync(() -> cli("tail", "--count", "1", "--for", "30s"));
        Thread.sleep(1500);
        cli("enqueue", "listVoiceChannels", "--sandbox");
        Run run = tail.get(40, TimeUnit.SECONDS);
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("listVoiceChannels");
    }

    @Test
    void doctorReportsAHealthyDatabaseWithALiveWorker() {
        Run run = cli("doctor");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsIgnoringCase("listen");
    }

    @Test
    void theWorkerWithoutATokenOrTheSandboxStopsAtOnceNamingBothWaysForward() {
        Map<String, String> noToken = new HashMap<>(env);
        Run run = cli(noToken, "worker");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("DISCORD_TOKEN").contains("--sandbox");
    }

    @Test
    void anAnnouncementScheduledAFewSecondsAheadIsPostedOnceInTheDemoGuild() throws Exception {
        long annonces = 1100000000000000102L;
        String text = "Annonce programmée " + System.nanoTime();
        String when = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                .plusSeconds(3)
                .withNano(0)
                .toString();
        Run run = cli(
                "enqueue",
                "schedule_announce",
                "{\"channelId\":\"" + annonces + "\",\"message\":\"" + text + "\",\"scheduledFor\":\"" + when + "\"}",
                "--sandbox",
                "--wait");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json().get("scheduledId").asText()).isNotBlank();
        DiscordStandIn standIn = worker.sandbox().orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline
                && standIn.state().messages(annonces).stream().noneMatch(m -> text.equals(m.content()))) {
            Thread.sleep(250);
        }
        assertThat(standIn.state().messages(annonces).stream().filter(m -> text.equals(m.content())))
                .hasSize(1);
        Run listed = cli("enqueue", "list_scheduled", "--sandbox", "--wait");
        assertThat(listed.exit()).isZero();
    }

    @Test
    void postingALeaderboardSendsItsPngCardWithTheMembersWhoTalked() throws Exception {
        long annonces = 1100000000000000102L;
        DiscordStandIn standIn = worker.sandbox().orElseThrow();
        // Members talk while the worker listens: the gateway's MESSAGE_CREATEs feed the activity counts.
        for (int i = 0; i < 5; i++)
            standIn.state()
                    .addMessage(
                            Long.parseLong(GENERAL), DemoGuild.ALICE_ID, "salut " + i, java.time.Instant.now(), false);
        standIn.state().addMessage(Long.parseLong(GENERAL), DemoGuild.BOB_ID, "hello", java.time.Instant.now(), false);
        JsonNode standings = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            Thread.sleep(500);
            standings = cli("enqueue", "getLeaderboard", "--sandbox", "--wait").json();
        } while (standings.get("messages").isEmpty() && System.nanoTime() < deadline);
        assertThat(standings.get("messages").get(0).get("userId").asText())
                .isEqualTo(Long.toString(DemoGuild.ALICE_ID));

        int before = standIn.state().messages(annonces).size();
        Run run = cli("enqueue", "post_leaderboard", "{\"channelId\":\"" + annonces + "\"}", "--sandbox", "--wait");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        List<StandInMessage> all = standIn.state().messages(annonces);
        assertThat(all.subList(before, all.size()))
                .anySatisfy(m -> assertThat(m.attachments())
                        .anySatisfy(a -> assertThat(a.contentType()).isEqualTo("image/png")));
    }

    @Test
    void aGuildsTimeZoneCanBeSetShownAndReset() {
        String guild = "1100000000000000999";
        assertThat(cli("timezone", guild).out()).isEqualTo(guild + " Europe/Paris");
        assertThat(cli("timezone", guild, "America/Montreal").out()).isEqualTo(guild + " America/Montreal");
        assertThat(cli("timezone", guild).out()).isEqualTo(guild + " America/Montreal");
        assertThat(cli("timezone", guild, "--reset").out()).isEqualTo(guild + " Europe/Paris");
        Run bad = cli("timezone", guild, "Mars/Olympus");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not a time zone");
    }

    @Test
    void listingVoiceChannelsShowsTheDemoVoiceChannelWithItsDiscordType() {
        Run run = cli("enqueue", "listVoiceChannels", "--sandbox", "--wait");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json().get("channels")).anySatisfy(c -> {
            assertThat(c.get("id").asText()).isEqualTo(Long.toString(DemoGuild.VOCAL_ID));
            assertThat(c.get("type").asInt()).isEqualTo(2);
        });
    }

    @Test
    void lockThenUnlockLeavesEveryonesOverwriteAsItWas() {
        DiscordStandIn standIn = worker.sandbox().orElseThrow();
        String channel = Long.toString(DemoGuild.MODERATION_ID);
        var before = standIn.state().channel(DemoGuild.MODERATION_ID).overwrites();
        Run lock = cli("enqueue", "lock", "{\"channelId\":\"" + channel + "\"}", "--sandbox", "--wait");
        assertThat(lock.exit()).as(lock.err()).isZero();
        assertThat(standIn.state().channel(DemoGuild.MODERATION_ID).overwrites())
                .anySatisfy(o -> assertThat(o.targetId()).isEqualTo(DemoGuild.GUILD_ID));
        Run unlock = cli("enqueue", "unlock", "{\"channelId\":\"" + channel + "\"}", "--sandbox", "--wait");
        assertThat(unlock.exit()).as(unlock.err()).isZero();
        assertThat(standIn.state().channel(DemoGuild.MODERATION_ID).overwrites())
                .isEqualTo(before);
    }

    @Test
    void anAnnouncementWithAnEmbedIsPostedAndItsIdReturned() {
        DiscordStandIn standIn = worker.sandbox().orElseThrow();
        Run run = cli(
                "enqueue",
                "announce",
                "{\"channelId\":\"" + DemoGuild.ANNONCES_ID + "\",\"message\":\"@everyone Bonjour\","
                        + "\"embed\":{\"title\":\"Nouveautés\",\"color\":\"#E11D48\"}}",
                "--sandbox",
                "--wait");
        assertThat(run.exit()).as(run.err()).isZero();
        long id = Long.parseLong(run.json().get("messageId").asText());
        StandInMessage posted =
                standIn.state().message(DemoGuild.ANNONCES_ID, id).orElseThrow();
        assertThat(posted.content()).isEqualTo("@everyone Bonjour");
        assertThat(posted.embeds())
                .singleElement()
                .satisfies(e -> assertThat(e.get("color").asInt()).isEqualTo(0xE11D48));
        // Not asked for in allowedMentions: the pasted @everyone pings nobody.
        assertThat(posted.allowedMentions().path("parse").toString()).doesNotContain("everyone");
    }

    @Test
    void aChannelOfAnotherGuildIsRefusedAndUntouched() {
        Run run = cli(
                "enqueue",
                "slowmode",
                "{\"channelId\":\"" + DemoGuild.GENERAL_ID + "\",\"duration\":10}",
                "--guild",
                "1100000000000000777",
                "--wait");
        assertThat(run.exit()).isEqualTo(ValoratbotCli.COMMAND_ERROR);
        assertThat(run.json().get("code").asText()).isEqualTo("guild_not_found");
    }

    @Test
    void musicPlaysALocalAndAnHttpFileIntoTheDemoVoiceChannelAndTheStandInCountsFrames() throws Exception {
        java.nio.file.Path wav = java.nio.file.Files.createTempFile("valoratbot-tone", ".wav");
        ToneFile.write(wav, 4);
        com.sun.net.httpserver.HttpServer http =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/tone.wav", exchange -> {
            byte[] bytes = java.nio.file.Files.readAllBytes(wav);
            exchange.getResponseHeaders().add("Content-Type", "audio/wav");
            exchange.sendResponseHeaders(200, bytes.length);
            try (var body = exchange.getResponseBody()) {
                body.write(bytes);
            }
        });
        http.start();
        try {
            String voice = Long.toString(DemoGuild.VOCAL_ID);
            Run local = cli(
                    "enqueue",
                    "play",
                    "{\"query\":\"" + wav + "\",\"voiceChannelId\":\"" + voice + "\"}",
                    "--sandbox",
                    "--wait");
            assertThat(local.exit()).as(local.out() + local.err()).isZero();
            assertThat(local.json().get("position").asInt()).isZero();
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/tone.wav";
            Run remote = cli(
                    "enqueue",
                    "play",
                    "{\"query\":\"" + url + "\",\"voiceChannelId\":\"" + voice + "\"}",
                    "--sandbox",
                    "--wait");
            assertThat(remote.exit()).as(remote.out() + remote.err()).isZero();
            assertThat(remote.json().get("position").asInt()).isEqualTo(1);

            // The stand-in's state page shows decrypted Opus frames arriving for the demo guild.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long frames = 0;
            while (frames < 100 && System.nanoTime() < deadline) {
                Thread.sleep(250);
                frames = JSON
                        .readTree(
                                new java.net.URI(worker.sandbox().orElseThrow().stateUrl()).toURL())
                        .findValues("opusFrames")
                        .stream()
                        .mapToLong(JsonNode::asLong)
                        .sum();
            }
            assertThat(frames).isGreaterThanOrEqualTo(100);
            JsonNode queue = cli("enqueue", "getQueue", "--sandbox", "--wait").json();
            assertThat(queue.get("nowPlaying").isNull()).isFalse();
            assertThat(queue.get("queue")).hasSize(1);
            assertThat(cli("enqueue", "stop", "--sandbox", "--wait").exit()).isZero();
        } finally {
            http.stop(0);
        }
    }

    @Test
    void theReadmesPlayExamplePlaysTheStandInsSampleTrack() throws Exception {
        String url = worker.sandbox().orElseThrow().sampleTrackUrl();
        Run run = cli(
                "enqueue",
                "play",
                "{\"query\":\"" + url + "\",\"voiceChannelId\":\"" + DemoGuild.VOCAL_ID + "\"}",
                "--sandbox",
                "--wait");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.json().get("ok").asBoolean()).isTrue();
        JsonNode queue = cli("enqueue", "getQueue", "--sandbox", "--wait").json();
        assertThat(queue.toString()).contains("sample.wav");
        assertThat(cli("enqueue", "stop", "--sandbox", "--wait").exit()).isZero();
    }

    @Test
    void theDemoGuildHasActivityOutOfTheBoxSoTheFirstLeaderboardHasNames() throws Exception {
        JsonNode standings;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            standings = cli("enqueue", "getLeaderboard", "--sandbox", "--wait").json();
            if (!standings.get("messages").isEmpty()) break;
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertThat(standings.get("messages").findValuesAsText("userId"))
                .contains(
                        Long.toString(DemoGuild.ALICE_ID),
                        Long.toString(DemoGuild.BOB_ID),
                        Long.toString(DemoGuild.ADMIN_ID));
    }

    @Test
    void theDemoGuildIdIsTheDocumentedOne() {
        assertThat(DemoGuild.GUILD_ID).isEqualTo(1100000000000000001L);
    }
}
