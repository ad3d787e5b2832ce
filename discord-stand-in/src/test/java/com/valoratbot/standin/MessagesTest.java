package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.events.message.MessageDeleteEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.utils.FileUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** History, deletion and sending, through JDA where JDA can, and raw HTTP for what JDA refuses client-side. */
class MessagesTest {

    private static final AtomicLong NEXT_CHANNEL = new AtomicLong(1_100_000_000_000_005_000L);
    private static final String BULK_DELETE = "POST /channels/{channel_id}/messages/bulk-delete";

    private static DiscordStandIn standIn;
    private static JDA jda;
    private static final EventRecorder events = new EventRecorder();
    private static RawHttp http;

    @BeforeAll
    static void connect() throws InterruptedException {
        standIn = DiscordStandIn.builder().build().start();
        DemoGuild.seed(standIn.state());
        jda = StandInJda.connect(standIn, events);
        http = new RawHttp(standIn);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        StandInJda.shutdown(jda);
        standIn.close();
    }

    // ------------------------------------------------------------------ history

    @Test
    void theDemoGeneralChannelComesBackNewestFirstWithItsPinnedMessage() {
        List<Message> history = jda.getTextChannelById(DemoGuild.GENERAL_ID)
                .getHistory()
                .retrievePast(100)
                .complete();

        assertThat(history).hasSize(DemoGuild.GENERAL_MESSAGES);
        assertThat(history).isSortedAccordingTo((a, b) -> b.getTimeCreated().compareTo(a.getTimeCreated()));
        assertThat(history)
                .filteredOn(Message::isPinned)
                .singleElement()
                .satisfies(m -> assertThat(m.getAuthor().getIdLong()).isEqualTo(DemoGuild.ADMIN_ID));
        assertThat(history)
                .filteredOn(m ->
                        m.getTimeCreated().toInstant().isBefore(Instant.now().minus(Duration.ofDays(14))))
                .hasSize(DemoGuild.GENERAL_OLD_MESSAGES);
        assertThat(history).filteredOn(m -> m.getAuthor().isBot()).isNotEmpty();
    }

    @Test
    void historyIsServedInPagesOfAtMost100WalkingBackwardsWithBefore() throws InterruptedException {
        TextChannel channel = freshChannel("historique");
        List<Long> seeded = seedMessages(channel.getIdLong(), 130, Duration.ofDays(2));

        List<Message> firstPage = channel.getHistory().retrievePast(100).complete();
        List<Message> secondPage = MessageHistory.getHistoryBefore(
                        channel, firstPage.getLast().getId())
                .limit(100)
                .complete()
                .getRetrievedHistory();

        assertThat(firstPage)
                .extracting(Message::getIdLong)
                .containsExactlyElementsOf(seeded.reversed().subList(0, 100));
        assertThat(secondPage)
                .extracting(Message::getIdLong)
                .containsExactlyElementsOf(seeded.reversed().subList(100, 130));
        assertThat(standIn.requests("GET /channels/{channel_id}/messages"))
                .extracting(RecordedRequest::query)
                .anyMatch(q -> q.contains("before=" + firstPage.getLast().getId()));
    }

    @Test
    void aroundAndAfterReturnTheNeighbourhoodOfAMessage() throws InterruptedException {
        TextChannel channel = freshChannel("voisinage");
        List<Long> seeded = seedMessages(channel.getIdLong(), 20, Duration.ofHours(3));
        long middle = seeded.get(10);

        List<Message> around = MessageHistory.getHistoryAround(channel, Long.toString(middle))
                .limit(5)
                .complete()
                .getRetrievedHistory();
        List<Message> after = MessageHistory.getHistoryAfter(channel, Long.toString(middle))
                .limit(3)
                .complete()
                .getRetrievedHistory();

        assertThat(around).extracting(Message::getIdLong).hasSize(5).contains(middle);
        assertThat(after)
                .extracting(Message::getIdLong)
                .containsExactlyInAnyOrder(seeded.get(11), seeded.get(12), seeded.get(13));
    }

    @Test
    void askingForMoreThan100MessagesIsA400InvalidFormBody() {
        HttpResponse<String> response = http.get("channels/" + DemoGuild.GENERAL_ID + "/messages?limit=101");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = RawHttp.json(response);
        assertThat(body.path("code").asInt()).isEqualTo(50035);
        assertThat(body.path("errors")
                        .path("limit")
                        .path("_errors")
                        .get(0)
                        .path("code")
                        .asText())
                .isEqualTo("NUMBER_TYPE_MAX");
    }

    @Test
    void withoutReadMessageHistoryDiscordReturnsAnEmptyListNotAnError() throws InterruptedException {
        TextChannel channel = freshChannel("sans-historique");
        seedMessages(channel.getIdLong(), 3, Duration.ofHours(1));
        standIn.state()
                .setOverwrite(
                        channel.getIdLong(),
                        DemoGuild.BOT_ROLE_ID,
                        OverwriteType.ROLE,
                        0,
                        Permissions.READ_MESSAGE_HISTORY);

        HttpResponse<String> response = http.get("channels/" + channel.getId() + "/messages");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(RawHttp.json(response)).isEmpty();
    }

    // ------------------------------------------------------------------ deletion

    @Test
    void deletingOneMessageRemovesItAndJdaHearsMessageDelete() throws InterruptedException {
        TextChannel channel = freshChannel("suppression");
        long target = seedMessages(channel.getIdLong(), 2, Duration.ofHours(1)).getFirst();

        channel.deleteMessageById(target).complete();

        events.await(MessageDeleteEvent.class, e -> e.getMessageIdLong() == target);
        assertThat(standIn.state().message(channel.getIdLong(), target)).isEmpty();
        HttpResponse<String> again = http.call("DELETE", "channels/" + channel.getId() + "/messages/" + target, null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(RawHttp.json(again).path("code").asInt()).isEqualTo(10008);
    }

    @Test
    void bulkDeleteThroughJdaRemovesTheMessagesAndJdaHearsEachDeletion() throws InterruptedException {
        TextChannel channel = freshChannel("purge");
        List<Long> seeded = seedMessages(channel.getIdLong(), 5, Duration.ofDays(3));
        List<String> doomed = seeded.subList(0, 3).stream().map(String::valueOf).toList();

        channel.deleteMessagesByIds(doomed).complete();

        // JDA splits MESSAGE_DELETE_BULK into one MessageDeleteEvent per id unless told otherwise.
        for (String id : doomed) {
            events.await(MessageDeleteEvent.class, e -> e.getMessageId().equals(id));
        }
        assertThat(standIn.state().messages(channel.getIdLong()))
                .extracting(StandInMessage::id)
                .containsExactlyElementsOf(seeded.subList(3, 5));
        assertThat(standIn.requests(BULK_DELETE))
                .last()
                .extracting(RecordedRequest::status)
                .isEqualTo(204);
    }

    @Test
    void bulkDeleteRefusesAMessageOlderThan14DaysAndDeletesNothing() throws InterruptedException {
        TextChannel channel = freshChannel("trop-vieux");
        long recent = standIn.state()
                .addMessage(
                        channel.getIdLong(),
                        DemoGuild.ALICE_ID,
                        "récent",
                        Instant.now().minus(Duration.ofDays(13)),
                        false);
        long old = standIn.state()
                .addMessage(
                        channel.getIdLong(),
                        DemoGuild.BOB_ID,
                        "vieux",
                        Instant.now().minus(Duration.ofDays(14)).minus(Duration.ofMinutes(1)),
                        false);

        HttpResponse<String> response = bulkDelete(channel.getIdLong(), "\"" + recent + "\",\"" + old + "\"");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(RawHttp.json(response).path("code").asInt()).isEqualTo(50034);
        assertThat(standIn.state().messages(channel.getIdLong()))
                .extracting(StandInMessage::id)
                .contains(recent, old);
    }

    @Test
    void bulkDeleteNeedsBetween2And100DistinctIds() throws InterruptedException {
        TextChannel channel = freshChannel("bornes");
        List<Long> seeded = seedMessages(channel.getIdLong(), 3, Duration.ofHours(2));
        String one = "\"" + seeded.getFirst() + "\"";
        String tooMany = java.util.stream.LongStream.range(0, 101)
                .mapToObj(i -> "\"" + Snowflakes.now() + "\"")
                .collect(Collectors.joining(","));

        assertThat(formErrorCode(bulkDelete(channel.getIdLong(), one))).isEqualTo(50035);
        assertThat(formErrorCode(bulkDelete(channel.getIdLong(), tooMany))).isEqualTo(50035);
        assertThat(formErrorCode(bulkDelete(channel.getIdLong(), one + "," + one)))
                .isEqualTo(50035);
        assertThat(standIn.state().messages(channel.getIdLong())).hasSize(3);
    }

    @Test
    void bulkDeleteRecordsTheAuditLogReason() throws InterruptedException {
        TextChannel channel = freshChannel("raison");
        List<Long> seeded = seedMessages(channel.getIdLong(), 2, Duration.ofHours(2));

        HttpResponse<String> response = http.call(
                "POST",
                "channels/" + channel.getId() + "/messages/bulk-delete",
                "{\"messages\":[\"" + seeded.get(0) + "\",\"" + seeded.get(1) + "\"]}",
                "X-Audit-Log-Reason",
                "Purge%20demand%C3%A9e%20par%20admin");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(standIn.state().auditLog(DemoGuild.GUILD_ID)).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("MESSAGE_BULK_DELETE");
            assertThat(entry.targetId()).isEqualTo(channel.getIdLong());
            assertThat(entry.reason()).isEqualTo("Purge demandée par admin");
        });
    }

    // ------------------------------------------------------------------ sending

    @Test
    void aMessageWithAnEmbedIsStoredAndDispatchedBackToJda() throws InterruptedException {
        TextChannel channel = freshChannel("embeds");

        Message sent = channel.sendMessageEmbeds(new EmbedBuilder()
                        .setTitle("Bilan de la semaine")
                        .setDescription("12 messages supprimés")
                        .addField("Salon", "#general", true)
                        .build())
                .complete();

        assertThat(sent.getEmbeds())
                .singleElement()
                .satisfies(e -> assertThat(e.getTitle()).isEqualTo("Bilan de la semaine"));
        StandInMessage stored =
                standIn.state().message(channel.getIdLong(), sent.getIdLong()).orElseThrow();
        assertThat(stored.authorBot()).isTrue();
        assertThat(stored.embeds())
                .singleElement()
                .satisfies(e -> assertThat(e.path("fields").get(0).path("value").asText())
                        .isEqualTo("#general"));
        events.await(MessageReceivedEvent.class, e -> e.getMessageIdLong() == sent.getIdLong());
    }

    @Test
    void aFileAttachmentKeepsItsBytesSoThePngCanBeDecoded() throws Exception {
        TextChannel channel = freshChannel("fichiers");
        byte[] png = png(4, 3);

        Message sent = channel.sendMessage("Voici le graphique")
                .addFiles(FileUpload.fromData(png, "graphique.png"))
                .complete();

        StandInAttachment stored = standIn.state()
                .message(channel.getIdLong(), sent.getIdLong())
                .orElseThrow()
                .attachments()
                .getFirst();
        assertThat(stored.filename()).isEqualTo("graphique.png");
        assertThat(stored.contentType()).isEqualTo("image/png");
        assertThat(stored.size()).isEqualTo(png.length);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(stored.bytes()));
        assertThat(decoded.getWidth()).isEqualTo(4);
        assertThat(decoded.getHeight()).isEqualTo(3);
        Message.Attachment seenByJda = sent.getAttachments().getFirst();
        assertThat(seenByJda.getWidth()).isEqualTo(4);
        assertThat(RawHttp.getAbsolute(seenByJda.getUrl()).statusCode()).isEqualTo(200);
    }

    @Test
    void allowedMentionsAreRecordedAsSent() throws InterruptedException {
        TextChannel channel = freshChannel("mentions");

        Message sent = channel.sendMessage("Coucou <@" + DemoGuild.ALICE_ID + ">")
                .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class))
                .complete();

        StandInMessage stored =
                standIn.state().message(channel.getIdLong(), sent.getIdLong()).orElseThrow();
        assertThat(stored.allowedMentions()).isNotNull();
        assertThat(stored.allowedMentions().path("parse")).isEmpty();
        assertThat(sent.getMentions().getUsers()).isEmpty();
    }

    @Test
    void contentLongerThan2000CharactersAndEmptyMessagesAreRejected() throws InterruptedException {
        TextChannel channel = freshChannel("limites");

        HttpResponse<String> tooLong = http.call(
                "POST", "channels/" + channel.getId() + "/messages", "{\"content\":\"" + "x".repeat(2001) + "\"}");
        HttpResponse<String> empty = http.call("POST", "channels/" + channel.getId() + "/messages", "{}");

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(RawHttp.json(tooLong).path("errors").has("content")).isTrue();
        assertThat(RawHttp.json(empty).path("code").asInt()).isEqualTo(50006);
        assertThat(standIn.state().messages(channel.getIdLong())).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    static TextChannel freshChannel(String name) throws InterruptedException {
        long id = NEXT_CHANNEL.incrementAndGet();
        standIn.state().guild(DemoGuild.GUILD_ID).textChannel(id, name, DemoGuild.TEXT_CATEGORY_ID);
        return awaitCached(jda, id);
    }

    static TextChannel awaitCached(JDA jda, long channelId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            TextChannel channel = jda.getTextChannelById(channelId);
            if (channel != null) {
                return channel;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("JDA never cached channel " + channelId);
    }

    /** {@code count} messages spread evenly over the last {@code span}, oldest first; returns their ids. */
    private static List<Long> seedMessages(long channelId, int count, Duration span) {
        List<Long> ids = new ArrayList<>();
        Instant start = Instant.now().minus(span);
        long[] authors = {DemoGuild.ALICE_ID, DemoGuild.BOB_ID, DemoGuild.HELPERBOT_ID};
        for (int i = 0; i < count; i++) {
            Instant at = start.plus(span.dividedBy(count).multipliedBy(i));
            ids.add(standIn.state().addMessage(channelId, authors[i % authors.length], "message " + i, at, false));
        }
        return ids;
    }

    private static HttpResponse<String> bulkDelete(long channelId, String idsJson) {
        return http.call("POST", "channels/" + channelId + "/messages/bulk-delete", "{\"messages\":[" + idsJson + "]}");
    }

    private static int formErrorCode(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(400);
        return RawHttp.json(response).path("code").asInt();
    }

    private static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, Color.RED.getRGB());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
