package com.valoratbot.discord;

import static com.valoratbot.discord.Sandbox.*;
import static com.valoratbot.standin.Permissions.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.standin.OverwriteType;
import com.valoratbot.standin.StandInMessage;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AnnounceTest {

    @RegisterExtension
    static final Sandbox sandbox = Sandbox.perClass();

    private static StandInMessage posted(long channel, ObjectNode result) {
        long id = Long.parseLong(result.get("messageId").asText());
        return sandbox.standIn.state().message(channel, id).orElseThrow();
    }

    private static List<String> parse(StandInMessage message) {
        JsonNode parse = message.allowedMentions().get("parse");
        return parse == null
                ? List.of()
                : StreamSupport.stream(parse.spliterator(), false)
                        .map(JsonNode::asText)
                        .toList();
    }

    @Test
    void aTextAnnouncementIsPostedAndItsMessageIdReturned() {
        ObjectNode result = sandbox.run(
                "announce", "{\"channelId\":\"" + ANNOUNCEMENTS + "\",\"message\":\"Bonjour à tous\",\"embed\":null}");

        assertThat(result.fieldNames()).toIterable().containsExactly("ok", "messageId");
        assertThat(result.get("ok").asBoolean()).isTrue();
        StandInMessage message = posted(ANNOUNCEMENTS, result);
        assertThat(message.content()).isEqualTo("Bonjour à tous");
        assertThat(message.authorId()).isEqualTo(sandbox.standIn.botUserId());
        assertThat(message.embeds()).isEmpty();
    }

    @Test
    void anEmbedCarriesTitleDescriptionColorAndImage() {
        ObjectNode result = sandbox.run(
                "announce",
                "{\"channelId\":\"" + ANNOUNCEMENTS + "\",\"message\":null,"
                        + "\"embed\":{\"title\":\"Titre\",\"description\":\"Description\",\"color\":\"#E11D48\",\"image\":\"https://example.com/image.png\"}}");

        StandInMessage message = posted(ANNOUNCEMENTS, result);
        assertThat(message.content()).isEmpty();
        assertThat(message.embeds()).hasSize(1);
        JsonNode embed = message.embeds().getFirst();
        assertThat(embed.get("title").asText()).isEqualTo("Titre");
        assertThat(embed.get("description").asText()).isEqualTo("Description");
        assertThat(embed.get("color").asInt()).isEqualTo(0xE11D48);
        assertThat(embed.get("image").get("url").asText()).isEqualTo("https://example.com/image.png");
    }

    @Test
    void textAndEmbedGoTogetherInOneMessage() {
        ObjectNode result = sandbox.run(
                "announce",
                "{\"channelId\":\"" + ANNOUNCEMENTS + "\",\"message\":\"Lisez ceci\","
                        + "\"embed\":{\"title\":\"Titre\",\"description\":\"\",\"color\":\"\",\"image\":null}}");

        StandInMessage message = posted(ANNOUNCEMENTS, result);
        assertThat(message.content()).isEqualTo("Lisez ceci");
        assertThat(message.embeds()).singleElement().satisfies(e -> {
            assertThat(e.get("title").asText()).isEqualTo("Titre");
            assertThat(e.has("description")).isFalse();
        });
    }

    @Test
    void byDefaultOnlyUsersMayBePingedAndAPastedEveryonePingsNobody() {
        ObjectNode result =
                sandbox.run("announce", "{\"channelId\":\"" + ANNOUNCEMENTS + "\",\"message\":\"@everyone hello\"}");

        assertThat(parse(posted(ANNOUNCEMENTS, result))).containsExactly("users");
    }

    @Test
    void allowedMentionsAreExactlyWhatThePayloadLists() {
        ObjectNode everyone = sandbox.run(
                "announce",
                "{\"channelId\":\"" + ANNOUNCEMENTS
                        + "\",\"message\":\"@everyone\",\"allowedMentions\":[\"everyone\"]}",
                MODERATOR);
        ObjectNode rolesAndUsers = sandbox.run(
                "announce",
                "{\"channelId\":\"" + ANNOUNCEMENTS
                        + "\",\"message\":\"hi\",\"allowedMentions\":[\"roles\",\"users\"]}",
                MODERATOR);
        ObjectNode none = sandbox.run(
                "announce", "{\"channelId\":\"" + ANNOUNCEMENTS + "\",\"message\":\"hi\",\"allowedMentions\":[]}");

        assertThat(parse(posted(ANNOUNCEMENTS, everyone))).containsExactly("everyone");
        assertThat(parse(posted(ANNOUNCEMENTS, rolesAndUsers))).containsExactlyInAnyOrder("roles", "users");
        assertThat(parse(posted(ANNOUNCEMENTS, none))).isEmpty();
        assertThat(posted(ANNOUNCEMENTS, none).allowedMentions().has("parse"))
                .as("an explicit empty list, not Discord's default")
                .isTrue();
    }

    @Test
    void anAnnouncementChannelTakesAnnouncementsToo() {
        ObjectNode result = sandbox.run("announce", "{\"channelId\":\"" + NEWS + "\",\"message\":\"News\"}");

        assertThat(posted(NEWS, result).content()).isEqualTo("News");
    }

    @Test
    void mentioningEveryoneNeedsTheBotsMentionEveryonePermissionAndTheRequesters() {
        long channel = sandbox.newTextChannel("no-everyone");
        long botRole = sandbox.standIn.state().botRoleId(GUILD);
        sandbox.standIn.state().setOverwrite(channel, botRole, OverwriteType.ROLE, 0, MENTION_EVERYONE);
        eventually(() -> !sandbox.discord
                .jda()
                .getGuildById(GUILD)
                .getSelfMember()
                .hasPermission(
                        sandbox.discord.jda().getTextChannelById(channel),
                        net.dv8tion.jda.api.Permission.MESSAGE_MENTION_EVERYONE));

        // Named by a moderator: an anonymous row may not ping everyone at all (RequesterChecksTest).
        ObjectNode bot = sandbox.run(
                "announce",
                "{\"channelId\":\"" + channel + "\",\"message\":\"@everyone\",\"allowedMentions\":[\"everyone\"]}",
                MODERATOR);
        ObjectNode requester = sandbox.run(
                "announce",
                "{\"channelId\":\"" + ANNOUNCEMENTS
                        + "\",\"message\":\"@everyone\",\"allowedMentions\":[\"everyone\"]}",
                HELPER);

        assertThat(bot.get("code").asText()).isEqualTo("missing_permissions");
        assertThat(bot.get("reason").asText()).contains("Mention @everyone, @here and All Roles", "#no-everyone");
        assertThat(requester.get("code").asText()).isEqualTo("forbidden");
        assertThat(requester.get("reason").asText()).contains("Manage Server", "Mention @everyone");
        assertThat(sandbox.standIn.state().messages(channel)).isEmpty();
    }
}
