package com.valoratbot.discord;

import static com.valoratbot.discord.Sandbox.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.standin.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Discord's rate limits, a dropped gateway, and payloads no dashboard should send. */
class ResilienceTest {

    static final String BULK = "POST /channels/{channel_id}/messages/bulk-delete";
    static final String SEND = "POST /channels/{channel_id}/messages";
    static final Duration BULK_WINDOW = Duration.ofMillis(500);
    static final Duration SEND_WINDOW = Duration.ofSeconds(1);

    @RegisterExtension
    static final Sandbox sandbox = Sandbox.perClass(
            standIn -> standIn.rateLimit(BULK, 1, BULK_WINDOW).rateLimit(SEND, 2, SEND_WINDOW), adapter -> {});

    private static List<RecordedRequest> succeeded(String route) {
        return sandbox.requests(route).stream()
                .filter(r -> r.status() / 100 == 2)
                .toList();
    }

    /** Successful calls {@code limit} apart are at least one window apart: never faster than allowed. */
    /**
     * The stand-in's buckets are fixed windows, as Discord's (a window opens at the first request
     * after the last one reset), so {@code limit} calls may sit at the end of one window and
     * {@code limit} more at the start of the next: only calls {@code 2 * limit} apart are surely a
     * whole window apart. The stand-in records a request at the instant its limiter decides
     * (millisecond resolution, hence the 1 ms).
     */
    private static void assertPaced(List<RecordedRequest> ok, int limit, Duration window) {
        for (int i = 2 * limit; i < ok.size(); i++) {
            Duration gap =
                    Duration.between(ok.get(i - 2 * limit).at(), ok.get(i).at());
            assertThat(gap).as("call %d after call %d", i, i - 2 * limit).isGreaterThanOrEqualTo(window.minusMillis(1));
        }
    }

    @Test
    void aPurgeUnderATightBulkDeleteLimitCompletesAtThePaceTheServerAllows() {
        long channel = sandbox.newTextChannel("rate-limited");
        sandbox.messages(channel, MEMBER, 350, Instant.now().minusSeconds(600), false);
        sandbox.standIn.clearRequests();

        ObjectNode result = sandbox.run("purge", "{\"channelId\":\"" + channel + "\",\"amount\":350}");

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":350,\"skipped\":0}");
        assertThat(succeeded(BULK)).hasSize(4);
        assertPaced(succeeded(BULK), 1, BULK_WINDOW);
        assertThat(sandbox.standIn.state().messages(channel)).isEmpty();
    }

    @Test
    void announcementsRacingForATightSendLimitAllCompleteAnd429sAreRetried() throws Exception {
        sandbox.standIn.clearRequests();
        List<ObjectNode> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ObjectNode>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String payload = "{\"channelId\":\"" + ANNOUNCEMENTS + "\",\"message\":\"burst " + i + "\"}";
                futures.add(pool.submit(() -> sandbox.run("announce", payload)));
            }
            for (Future<ObjectNode> f : futures) results.add(f.get());
        }

        assertThat(results)
                .allSatisfy(r ->
                        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());
        assertThat(succeeded(SEND)).hasSize(6);
        assertPaced(succeeded(SEND), 2, SEND_WINDOW);
        assertThat(sandbox.requests(SEND))
                .as("a 429, if any, was followed by a retry, never a failure")
                .allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
    }

    /** Another process using the same bot token (a second worker, a script) spends the shared budget. */
    private static void anotherClientReads(long channel) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        sandbox.standIn.restBaseUrl() + "channels/" + channel + "/messages?limit=1"))
                .header("Authorization", "Bot " + sandbox.standIn.botToken())
                .GET()
                .build();
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
        }
    }

    @Test
    void a429TheClientDidNotSeeComingIsWaitedOutAndRetried() throws Exception {
        String history = "GET /channels/{channel_id}/messages";
        long channel = sandbox.newTextChannel("surprise-429");
        sandbox.messages(channel, MEMBER, 3, Instant.now().minusSeconds(60), false);
        sandbox.standIn.setRateLimit(history, 1, Duration.ofSeconds(1));
        try {
            sandbox.standIn.clearRequests();
            List<ObjectNode> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                anotherClientReads(channel);
                results.add(sandbox.run("purge", "{\"channelId\":\"" + channel + "\",\"amount\":1}"));
            }

            assertThat(results)
                    .allSatisfy(r -> assertThat(r.toString()).isEqualTo("{\"ok\":true,\"deleted\":1,\"skipped\":0}"));
            assertThat(sandbox.requests(history))
                    .extracting(RecordedRequest::status)
                    .contains(429);
            // the other client may itself meet a 429 from the adapter's retry: it is not retried
            assertThat(succeeded(history)).hasSizeGreaterThanOrEqualTo(3);
            assertPaced(succeeded(history), 1, Duration.ofSeconds(1));
        } finally {
            sandbox.standIn.clearRateLimit(history);
        }
    }

    @Test
    void commandsIssuedWhileTheGatewayIsDroppedCompleteOnceItIsBack() throws Exception {
        long channel = sandbox.newTextChannel("during-drop");
        sandbox.messages(channel, MEMBER, 5, Instant.now().minusSeconds(60), false);
        int resumesBefore = sandbox.standIn.gatewayStats().resumes();

        List<Future<ObjectNode>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            sandbox.standIn.dropGatewayConnections();
            futures.add(pool.submit(() -> sandbox.run("lock", "{\"channelId\":\"" + channel + "\"}")));
            futures.add(pool.submit(() -> sandbox.run("purge", "{\"channelId\":\"" + channel + "\",\"amount\":5}")));
            futures.add(pool.submit(() -> sandbox.run("listTextChannels", "{}")));
            futures.add(pool.submit(
                    () -> sandbox.run("announce", "{\"channelId\":\"" + GENERAL + "\",\"message\":\"still here\"}")));
            for (Future<ObjectNode> f : futures) {
                assertThat(f.get().get("ok").asBoolean()).as(f.get().toString()).isTrue();
            }
        }

        assertThat(sandbox.standIn.state().messages(channel)).isEmpty();
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isPresent();
        eventually(() -> sandbox.standIn.gatewayStats().resumes() > resumesBefore);
        assertThat(sandbox.run("unlock", "{\"channelId\":\"" + channel + "\"}")
                        .get("ok")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void aGatewayThatStaysAwayLongerThanTheCommandTimeoutEndsTheCommandAsADiscordTimeout() {
        try (Sandbox lonely = Sandbox.start(standIn -> {}, adapter -> adapter.commandTimeout(Duration.ofMillis(800)))) {
            lonely.standIn.close();
            eventually(() -> lonely.discord.jda().getStatus() != net.dv8tion.jda.api.JDA.Status.CONNECTED);

            long started = System.nanoTime();
            ObjectNode result = lonely.run("listTextChannels", "{}");

            assertThat(result.get("code").asText()).isEqualTo("discord_error");
            assertThat(result.get("reason").asText())
                    .isEqualTo("Discord n’a pas répondu à temps. Réessayez dans un instant.");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
        }
    }

    @Test
    void aSessionShutDownUnderACommandIsARetryableDiscordTimeoutNotGuildNotFound() {
        try (Sandbox cut = Sandbox.start()) {
            // A fenced shard: its session is cut while the backend (and its connection) still runs.
            cut.discord.jda().shutdownNow();
            eventually(() -> cut.discord.jda().getStatus() == net.dv8tion.jda.api.JDA.Status.SHUTDOWN);

            ObjectNode result = cut.run("listTextChannels", "{}");

            assertThat(result.get("code").asText()).isEqualTo("discord_error");
            assertThat(result.get("reason").asText())
                    .isEqualTo("Discord n’a pas répondu à temps. Réessayez dans un instant.");
        }
    }

    @Test
    void malformedRowsEndInAnErrorResultNeverACrash() {
        Set<String> expected = Set.of("invalid_payload", "unknown_action", "channel_not_found", "guild_not_found");
        String[][] rows = {
            {"purge", "not json"},
            {"purge", "[]"},
            {"purge", "42"},
            {"purge", null},
            {"purge", "{\"channelId\":12,\"amount\":5}"},
            {"purge", "{\"channelId\":\"abc\",\"amount\":-1,\"mode\":\"all\"}"},
            {"purge", "{\"channelId\":\"" + GENERAL + "\",\"amount\":100000}"},
            {"purge", "{\"channelId\":\"99999999999999999999999\",\"amount\":5}"},
            {"purge", "{\"channelId\":\"" + CATEGORY + "\",\"amount\":5}"},
            {"lock", "{\"channelId\":\"" + VOICE + "\"}"},
            {"unlock", "{\"channelId\":{\"nested\":true}}"},
            {"slowmode", "{\"channelId\":\"" + GENERAL + "\",\"duration\":999999}"},
            {"slowmode", "{\"channelId\":\"" + GENERAL + "\",\"duration\":\"soon\"}"},
            {"announce", "{\"channelId\":\"" + GENERAL + "\"}"},
            {
                "announce",
                "{\"channelId\":\"" + GENERAL + "\",\"embed\":{\"color\":\"red\",\"image\":\"javascript:alert(1)\"}}"
            },
            {"announce", "{\"channelId\":\"" + GENERAL + "\",\"message\":\"" + "x".repeat(2001) + "\"}"},
            {"announce", "{\"channelId\":\"" + STAGE + "\",\"message\":\"hi\"}"},
            {"listTextChannels", "{\"unexpected\":[1,2,3]}"},
            {"dropTables", "{}"},
            {null, "{}"},
        };
        for (String[] row : rows) {
            ObjectNode result = sandbox.run(row[0], row[1]);
            assertThat(result.get("ok").asBoolean())
                    .as("%s %s -> %s", row[0], row[1], result)
                    .isEqualTo(row[0] != null && row[0].equals("listTextChannels"));
            if (!result.get("ok").asBoolean()) {
                assertThat(result.get("code").asText())
                        .as("%s %s", row[0], row[1])
                        .isIn(expected);
                assertThat(result.get("reason").asText()).isNotBlank();
            }
        }
        ObjectNode badGuild = Sandbox.run(sandbox.handler, "not-a-guild", "listTextChannels", "{}", null);
        assertThat(badGuild.get("code").asText()).isEqualTo("invalid_payload");
    }
}
