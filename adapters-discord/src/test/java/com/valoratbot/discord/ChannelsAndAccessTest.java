package com.valoratbot.discord;

import static com.valoratbot.discord.Sandbox.*;
import static com.valoratbot.standin.Permissions.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.standin.OverwriteType;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChannelsAndAccessTest {

    @RegisterExtension
    static final Sandbox sandbox = Sandbox.perClass();

    static long secret;

    @BeforeAll
    static void prepare() {
        secret = sandbox.newTextChannel("secret");
        long botRole = sandbox.standIn.state().botRoleId(GUILD);
        sandbox.standIn.state().setOverwrite(secret, GUILD, OverwriteType.ROLE, 0, VIEW_CHANNEL);
        sandbox.standIn.state().setOverwrite(secret, botRole, OverwriteType.ROLE, 0, VIEW_CHANNEL);
        eventually(() -> !sandbox.discord
                .jda()
                .getGuildById(GUILD)
                .getSelfMember()
                .hasAccess(sandbox.discord.jda().getTextChannelById(secret)));
    }

    private static List<String> names(ObjectNode result) {
        return StreamSupport.stream(result.get("channels").spliterator(), false)
                .map(c -> c.get("name").asText())
                .toList();
    }

    @Test
    void listTextChannelsListsTextAndAnnouncementChannelsInDiscordsOrderWithTheirTypeNumbers() {
        ObjectNode result = sandbox.run("listTextChannels", "{}");

        assertThat(result.get("ok").asBoolean()).isTrue();
        // Other tests of this class add channels; the seeded ones keep their order among them.
        assertThat(names(result))
                .filteredOn(List.of("general", "annonces", "news", "staff-chat")::contains)
                .containsExactly("general", "annonces", "news", "staff-chat");
        JsonNode general = result.get("channels").get(0);
        assertThat(general.get("id").asText()).isEqualTo(Long.toString(GENERAL));
        assertThat(general.get("type").asInt()).isZero();
        assertThat(result.get("channels").get(2).get("type").asInt()).isEqualTo(5);
        assertThat(general.size()).as("exactly id, name, type").isEqualTo(3);
    }

    @Test
    void listTextChannelsLeavesOutChannelsTheBotCannotSeeAndOtherGuildsChannels() {
        ObjectNode result = sandbox.run("listTextChannels", null);

        assertThat(names(result)).doesNotContain("secret", "elsewhere-general");
    }

    @Test
    void listVoiceChannelsListsVoiceAndStageChannelsWithTypes2And13() {
        ObjectNode result = sandbox.run("listVoiceChannels", "{}");

        assertThat(result.toString())
                .isEqualTo("{\"ok\":true,\"channels\":["
                        + "{\"id\":\"" + VOICE + "\",\"name\":\"Vocal\",\"type\":2},"
                        + "{\"id\":\"" + STAGE + "\",\"name\":\"Scène\",\"type\":13}]}");
    }

    @Test
    void aGuildTheBotIsNotInIsGuildNotFound() {
        ObjectNode result = sandbox.run(NO_GUILD, "listTextChannels", "{}", null);

        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("code").asText()).isEqualTo("guild_not_found");
    }

    @Test
    void aChannelOfAnotherGuildIsChannelNotFoundAndNeverTouchedEvenThoughTheBotSeesIt() {
        sandbox.standIn.state().addMessage(OTHER_GUILD_CHANNEL, MEMBER, "hello", Instant.now(), false);
        int before = sandbox.standIn.state().messages(OTHER_GUILD_CHANNEL).size();
        sandbox.standIn.clearRequests();

        for (String[] command : List.of(
                new String[] {"purge", "{\"channelId\":\"" + OTHER_GUILD_CHANNEL + "\",\"amount\":10}"},
                new String[] {"lock", "{\"channelId\":\"" + OTHER_GUILD_CHANNEL + "\"}"},
                new String[] {"slowmode", "{\"channelId\":\"" + OTHER_GUILD_CHANNEL + "\",\"duration\":30}"},
                new String[] {"announce", "{\"channelId\":\"" + OTHER_GUILD_CHANNEL + "\",\"message\":\"hi\"}"})) {
            ObjectNode result = sandbox.run(command[0], command[1]);
            assertThat(result.get("code").asText()).as(command[0]).isEqualTo("channel_not_found");
            assertThat(result.get("reason").asText()).contains(Long.toString(OTHER_GUILD_CHANNEL));
        }

        assertThat(sandbox.standIn.requests())
                .as("no request at all for another guild's channel")
                .isEmpty();
        assertThat(sandbox.standIn.state().messages(OTHER_GUILD_CHANNEL)).hasSize(before);
        assertThat(sandbox.standIn.state().channel(OTHER_GUILD_CHANNEL).overwrites())
                .isEmpty();
    }

    @Test
    void aChannelOfTheWrongKindIsAnInvalidPayloadNamingTheKindExpected() {
        ObjectNode purgeVoice = sandbox.run("purge", "{\"channelId\":\"" + VOICE + "\",\"amount\":5}");
        ObjectNode slowmodeNews = sandbox.run("slowmode", "{\"channelId\":\"" + NEWS + "\",\"duration\":5}");

        assertThat(purgeVoice.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(purgeVoice.get("reason").asText())
                .isEqualTo("Le salon #Vocal n’est pas du bon type : un salon textuel ou d’annonces attendu.");
        assertThat(slowmodeNews.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(slowmodeNews.get("reason").asText()).contains("#news", "mode lent");
    }

    @Test
    void aBotWithoutManageMessagesInTheChannelGetsMissingPermissionsAndNothingChanges() {
        long channel = sandbox.newTextChannel("bot-cannot-manage");
        sandbox.messages(channel, MEMBER, 3, Instant.now().minusSeconds(60), false);
        long botRole = sandbox.standIn.state().botRoleId(GUILD);
        sandbox.standIn.state().setOverwrite(channel, botRole, OverwriteType.ROLE, 0, MANAGE_MESSAGES | MANAGE_ROLES);
        eventually(() -> sandbox.discord
                        .jda()
                        .getTextChannelById(channel)
                        .getPermissionOverrides()
                        .size()
                == 1);
        sandbox.standIn.clearRequests();

        ObjectNode purge = sandbox.run("purge", "{\"channelId\":\"" + channel + "\",\"amount\":3}");
        ObjectNode lock = sandbox.run("lock", "{\"channelId\":\"" + channel + "\"}");

        assertThat(purge.get("code").asText()).isEqualTo("missing_permissions");
        assertThat(purge.get("reason").asText())
                .isEqualTo("Permissions insuffisantes : il manque au bot Manage Messages dans #bot-cannot-manage.");
        assertThat(lock.get("code").asText()).isEqualTo("missing_permissions");
        assertThat(lock.get("reason").asText()).contains("Manage Permissions");
        assertThat(sandbox.standIn.requests()).isEmpty();
        assertThat(sandbox.standIn.state().messages(channel)).hasSize(3);
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isEmpty();
    }

    @Test
    void aRequesterWithoutManageMessagesIsForbiddenToPurgeAndNothingIsDeleted() {
        long channel = sandbox.newTextChannel("requester-check");
        sandbox.messages(channel, MEMBER, 3, Instant.now().minusSeconds(60), false);

        ObjectNode result = sandbox.run("purge", "{\"channelId\":\"" + channel + "\",\"amount\":3}", MEMBER);

        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("code").asText()).isEqualTo("forbidden");
        assertThat(result.get("reason").asText())
                .isEqualTo("Vous n’avez pas la permission de faire cela : il vous faut Manage Messages.");
        assertThat(sandbox.standIn.state().messages(channel)).hasSize(3);
    }

    @Test
    void aRequesterWithManageMessagesMayPurge() {
        long channel = sandbox.newTextChannel("requester-ok");
        sandbox.messages(channel, MEMBER, 3, Instant.now().minusSeconds(60), false);

        ObjectNode result = sandbox.run("purge", "{\"channelId\":\"" + channel + "\",\"amount\":3}", MODERATOR);

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"deleted\":3,\"skipped\":0}");
        assertThat(sandbox.standIn.state().messages(channel)).isEmpty();
    }

    @Test
    void theRequestersPermissionCountsInTheChannelSoAChannelOverwriteCanTakeItAway() {
        long channel = sandbox.newTextChannel("mods-muted-here");
        sandbox.standIn.state().setOverwrite(channel, HELPERS_ROLE, OverwriteType.ROLE, 0, MANAGE_CHANNELS);
        eventually(() -> sandbox.discord
                        .jda()
                        .getTextChannelById(channel)
                        .getPermissionOverrides()
                        .size()
                == 1);

        ObjectNode here = sandbox.run("slowmode", "{\"channelId\":\"" + channel + "\",\"duration\":10}", HELPER);
        ObjectNode elsewhere = sandbox.run("slowmode", "{\"channelId\":\"" + GENERAL + "\",\"duration\":0}", HELPER);

        assertThat(here.get("code").asText()).isEqualTo("forbidden");
        assertThat(elsewhere.get("ok").asBoolean()).isTrue();
    }

    @Test
    void someoneWhoIsNotAMemberIsForbiddenAsNotAMember() {
        ObjectNode result = sandbox.run("listTextChannels", "{}", STRANGER);

        assertThat(result.get("code").asText()).isEqualTo("forbidden");
        assertThat(result.get("reason").asText()).isEqualTo("Vous n’êtes pas membre de ce serveur.");
    }

    @Test
    void theOwnerHoldsEveryPermission() {
        ObjectNode result = sandbox.run("slowmode", "{\"channelId\":\"" + GENERAL + "\",\"duration\":0}", OWNER);

        assertThat(result.get("ok").asBoolean()).isTrue();
    }
}
