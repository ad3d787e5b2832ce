package com.valoratbot.discord;

import static com.valoratbot.discord.Sandbox.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.standin.AuditLogEntry;
import com.valoratbot.standin.RecordedRequest;
import com.valoratbot.standin.StandInMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PurgeTest {

    static final String HISTORY = "GET /channels/{channel_id}/messages";
    static final String BULK = "POST /channels/{channel_id}/messages/bulk-delete";
    static final String SINGLE = "DELETE /channels/{channel_id}/messages/{message_id}";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Sandbox sandbox = Sandbox.perClass();

    long channel;
    Instant recent;

    @BeforeEach
    void freshChannel() {
        channel = sandbox.newTextChannel("purge");
        recent = Instant.now().minus(Duration.ofHours(1));
    }

    private ObjectNode purge(int amount, String mode) {
        sandbox.standIn.clearRequests();
        return sandbox.run(
                "purge",
                "{\"channelId\":\"" + channel + "\",\"amount\":" + amount
                        + (mode == null ? "" : ",\"mode\":\"" + mode + "\"") + "}");
    }

    private List<Long> remaining() {
        return sandbox.standIn.state().messages(channel).stream()
                .map(StandInMessage::id)
                .toList();
    }

    private static int bulkSize(RecordedRequest request) {
        try {
            return JSON.readTree(request.body()).get("messages").size();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void countDeletesTheNewestMessagesKeepsPinnedOnesAndReportsTheContractsShape() {
        List<Long> older = sandbox.messages(channel, MEMBER, 5, recent.minusSeconds(60), false);
        sandbox.messages(channel, MEMBER, 47, recent, false);
        List<Long> pinned = sandbox.messages(channel, OTHER_BOT, 3, recent.plusSeconds(1), true);

        ObjectNode result = purge(50, "count");

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":47,\"skipped\":3}");
        assertThat(remaining()).containsExactlyInAnyOrderElementsOf(concat(older, pinned));
        assertThat(sandbox.requests(HISTORY)).hasSize(1);
        assertThat(sandbox.requests(BULK)).hasSize(1);
    }

    @Test
    void theModeDefaultsToCount() {
        sandbox.messages(channel, OTHER_BOT, 2, recent, false);
        sandbox.messages(channel, MEMBER, 2, recent.plusSeconds(1), false);

        assertThat(purge(3, null).toString()).isEqualTo("{\"ok\":true,\"deleted\":3,\"skipped\":0}");
        assertThat(remaining()).hasSize(1);
    }

    @Test
    void usersDeletesAmongTheNewestOnlyWhatHumansWrote() {
        List<Long> outsideWindow = sandbox.messages(channel, MEMBER, 5, recent.minusSeconds(60), false);
        List<Long> bots = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sandbox.messages(channel, MEMBER, 1, recent.plusSeconds(2 * i), false);
            bots.addAll(sandbox.messages(channel, OTHER_BOT, 1, recent.plusSeconds(2 * i + 1), false));
        }

        ObjectNode result = purge(10, "users");

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":5,\"skipped\":0}");
        assertThat(remaining()).containsExactlyInAnyOrderElementsOf(concat(outsideWindow, bots));
    }

    @Test
    void botsDeletesAmongTheNewestOnlyWhatBotsWroteAndCountsPinnedBotMessagesAsSkipped() {
        List<Long> humans = sandbox.messages(channel, MEMBER, 4, recent, false);
        sandbox.messages(channel, OTHER_BOT, 3, recent.plusSeconds(1), false);
        List<Long> pinnedBot = sandbox.messages(channel, OTHER_BOT, 1, recent.plusSeconds(2), true);

        ObjectNode result = purge(100, "bots");

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":3,\"skipped\":1}");
        assertThat(remaining()).containsExactlyInAnyOrderElementsOf(concat(humans, pinnedBot));
    }

    @Test
    void messagesOlderThan14DaysAreSkippedAndThoseJustYoungerAreDeleted() {
        Instant now = Instant.now();
        List<Long> tooOld = sandbox.messages(
                channel, MEMBER, 4, now.minus(Duration.ofDays(14)).minus(Duration.ofHours(1)), false);
        sandbox.messages(channel, MEMBER, 6, now.minus(Duration.ofDays(14)).plus(Duration.ofHours(1)), false);

        ObjectNode result = purge(20, "count");

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":6,\"skipped\":4}");
        assertThat(remaining()).containsExactlyInAnyOrderElementsOf(tooOld);
        assertThat(sandbox.requests(SINGLE))
                .as("old messages are not deleted one by one")
                .isEmpty();
    }

    @Test
    void onlyOldMessagesMeansNoDeleteRequestAtAll() {
        sandbox.messages(channel, MEMBER, 3, Instant.now().minus(Duration.ofDays(30)), false);

        assertThat(purge(10, "count").toString()).isEqualTo("{\"ok\":true,\"deleted\":0,\"skipped\":3}");
        assertThat(sandbox.requests(BULK)).isEmpty();
        assertThat(sandbox.requests(SINGLE)).isEmpty();
    }

    @Test
    void twoHundredAndFiftyMessagesTakeThreeHistoryPagesAndThreeBulkDeletes() {
        sandbox.messages(channel, MEMBER, 250, recent, false);

        ObjectNode result = purge(250, "count");

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":250,\"skipped\":0}");
        assertThat(remaining()).isEmpty();
        assertThat(sandbox.requests(HISTORY)).hasSize(3);
        assertThat(sandbox.requests(BULK)).extracting(PurgeTest::bulkSize).containsExactly(100, 100, 50);
        assertThat(sandbox.requests(SINGLE)).isEmpty();
    }

    @Test
    void oneHundredAndOneMessagesGoAsOneBulkOf100AndOneSingleDelete() {
        sandbox.messages(channel, MEMBER, 101, recent, false);

        ObjectNode result = purge(101, "count");

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":101,\"skipped\":0}");
        assertThat(remaining()).isEmpty();
        assertThat(sandbox.requests(HISTORY)).hasSize(2);
        assertThat(sandbox.requests(BULK)).extracting(PurgeTest::bulkSize).containsExactly(100);
        assertThat(sandbox.requests(SINGLE)).hasSize(1);
    }

    @Test
    void anAmountAboveWhatTheChannelHoldsReadsOneShortPageAndStops() {
        sandbox.messages(channel, MEMBER, 5, recent, false);

        assertThat(purge(300, "count").toString()).isEqualTo("{\"ok\":true,\"deleted\":5,\"skipped\":0}");
        assertThat(sandbox.requests(HISTORY)).hasSize(1);
        assertThat(sandbox.requests(BULK)).hasSize(1);
    }

    @Test
    void anEmptyChannelPurgesNothing() {
        assertThat(purge(10, "count").toString()).isEqualTo("{\"ok\":true,\"deleted\":0,\"skipped\":0}");
    }

    @Test
    void theAuditLogNamesTheRequesterAndTheCommand() {
        sandbox.messages(channel, MEMBER, 3, recent, false);
        sandbox.standIn.clearRequests();

        ObjectNode result = sandbox.run("purge", "{\"channelId\":\"" + channel + "\",\"amount\":3}", MODERATOR);

        assertThat(result.get("ok").asBoolean()).isTrue();
        List<AuditLogEntry> bulk = sandbox.standIn.state().auditLog(GUILD).stream()
                .filter(e -> e.action().equals("MESSAGE_BULK_DELETE") && e.targetId() == channel)
                .toList();
        assertThat(bulk).hasSize(1);
        assertThat(bulk.getFirst().reason()).startsWith("Dashboard purge by user " + MODERATOR + " (command ");
    }

    @Test
    void withoutARequesterTheAuditLogSaysDashboard() {
        sandbox.messages(channel, MEMBER, 1, recent, false);

        assertThat(purge(1, "count").get("deleted").asInt()).isEqualTo(1);

        assertThat(sandbox.requests(SINGLE)).hasSize(1);
        AuditLogEntry single = sandbox.standIn.state().auditLog(GUILD).getLast();
        assertThat(single.action()).isEqualTo("MESSAGE_DELETE");
        assertThat(single.reason()).startsWith("Dashboard purge by dashboard (command ");
    }

    @SafeVarargs
    private static List<Long> concat(List<Long>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
