package com.valoratbot.discord;

import static com.valoratbot.discord.Sandbox.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.run.AnonymousRows;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.text.Language;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who asked, on the stand-in with real JDA: rows without a requester (the dashboard's own table has
 * no requested_by) are held to VALORATBOT_ANONYMOUS_ROWS, and a named requester must be a person.
 */
class RequesterChecksTest {

    @RegisterExtension
    static final Sandbox sandbox = Sandbox.perClass();

    private static CommandHandler handler(AnonymousRows level) {
        return CommandHandler.builder(Sandbox.portsOf(sandbox.discord).build())
                .language(Language.EN)
                .anonymousRows(level)
                .build();
    }

    private static ObjectNode run(
            CommandHandler handler, String guild, String action, String payload, Optional<String> requestedBy) {
        QueuedCommand row =
                new QueuedCommand(UUID.randomUUID().toString(), guild, action, payload, requestedBy, Duration.ZERO);
        return CommandHandler.readResult(handler.handle(row).resultJson());
    }

    private static ObjectNode run(AnonymousRows level, String action, String payload, Optional<String> requestedBy) {
        return run(handler(level), Long.toString(GUILD), action, payload, requestedBy);
    }

    private static String announce(long channel, String mentions) {
        return "{\"channelId\":\"" + channel + "\",\"message\":\"Tout le monde !\",\"allowedMentions\":[" + mentions
                + "]}";
    }

    @Test
    void byDefaultAnAnonymousEveryonePingIsForbiddenAndNothingIsPosted() {
        long channel = sandbox.newTextChannel("anon-everyone");

        ObjectNode everyone =
                run(AnonymousRows.DEFAULT, "announce", announce(channel, "\"everyone\""), Optional.empty());
        ObjectNode roles = run(AnonymousRows.DEFAULT, "announce", announce(channel, "\"roles\""), Optional.empty());

        assertThat(everyone.get("code").asText()).isEqualTo("forbidden");
        assertThat(everyone.get("reason").asText()).contains("requested_by");
        assertThat(roles.get("code").asText()).isEqualTo("forbidden");
        assertThat(sandbox.standIn.state().messages(channel)).isEmpty();
    }

    @Test
    void byDefaultAnAnonymousAnnouncementWithoutMassMentionsAndALockStillWork() {
        long channel = sandbox.newTextChannel("anon-plain");

        ObjectNode posted = run(AnonymousRows.DEFAULT, "announce", announce(channel, "\"users\""), Optional.empty());
        ObjectNode locked = run(AnonymousRows.DEFAULT, "lock", "{\"channelId\":\"" + channel + "\"}", Optional.empty());

        assertThat(posted.get("ok").asBoolean()).as(posted.toString()).isTrue();
        assertThat(locked.get("ok").asBoolean()).as(locked.toString()).isTrue();
        assertThat(sandbox.standIn.state().messages(channel)).hasSize(1);
    }

    @Test
    void withNoModerationAnAnonymousLockAndPurgeAreForbiddenAndTheChannelIsUntouched() {
        long channel = sandbox.newTextChannel("anon-no-moderation");
        sandbox.messages(channel, MEMBER, 3, Instant.now().minusSeconds(60), false);

        ObjectNode lock =
                run(AnonymousRows.NO_MODERATION, "lock", "{\"channelId\":\"" + channel + "\"}", Optional.empty());
        ObjectNode purge = run(
                AnonymousRows.NO_MODERATION,
                "purge",
                "{\"channelId\":\"" + channel + "\",\"amount\":3}",
                Optional.empty());
        ObjectNode announce = run(AnonymousRows.NO_MODERATION, "announce", announce(channel, ""), Optional.empty());

        assertThat(lock.get("code").asText()).isEqualTo("forbidden");
        assertThat(lock.get("reason").asText()).contains("lock").contains("no-moderation");
        assertThat(purge.get("code").asText()).isEqualTo("forbidden");
        assertThat(announce.get("ok").asBoolean()).isTrue();
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isEmpty();
        assertThat(sandbox.standIn.state().messages(channel)).hasSize(4);
    }

    @Test
    void readOnlyLetsAnAnonymousRowListChannelsAndNothingElse() {
        ObjectNode list = run(AnonymousRows.READ_ONLY, "listTextChannels", "{}", Optional.empty());
        ObjectNode announce = run(AnonymousRows.READ_ONLY, "announce", announce(GENERAL, ""), Optional.empty());

        assertThat(list.get("ok").asBoolean()).isTrue();
        assertThat(announce.get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void aModeratorNamedAsRequesterMayPingEveryoneEvenWhereAnonymousRowsAreReadOnly() {
        long channel = sandbox.newTextChannel("verified-everyone");

        ObjectNode result = run(
                AnonymousRows.READ_ONLY,
                "announce",
                announce(channel, "\"everyone\""),
                Optional.of(Long.toString(MODERATOR)));

        assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
        assertThat(sandbox.standIn.state().messages(channel)).hasSize(1);
    }

    @Test
    void aMemberWithoutMentionEveryoneMayNotPingRoles() {
        long channel = sandbox.newTextChannel("member-roles");

        ObjectNode result =
                run(AnonymousRows.ALL, "announce", announce(channel, "\"roles\""), Optional.of(Long.toString(MEMBER)));

        assertThat(result.get("code").asText()).isEqualTo("forbidden");
        assertThat(sandbox.standIn.state().messages(channel)).isEmpty();
    }

    @Test
    void anotherBotNamedAsRequesterIsForbiddenAndNothingIsDeleted() {
        long channel = sandbox.newTextChannel("bot-requester");
        sandbox.messages(channel, MEMBER, 3, Instant.now().minusSeconds(60), false);

        ObjectNode result = run(
                AnonymousRows.ALL,
                "purge",
                "{\"channelId\":\"" + channel + "\",\"amount\":3}",
                Optional.of(Long.toString(OTHER_BOT)));

        assertThat(result.get("code").asText()).isEqualTo("forbidden");
        assertThat(result.get("reason").asText()).contains("bot account");
        assertThat(sandbox.standIn.state().messages(channel)).hasSize(3);
    }

    @Test
    void theBotItselfNamedAsRequesterIsForbiddenAndTheChannelStaysUnlocked() {
        long channel = sandbox.newTextChannel("self-requester");
        String self = Long.toString(sandbox.standIn.botUserId());

        ObjectNode lock = run(AnonymousRows.ALL, "lock", "{\"channelId\":\"" + channel + "\"}", Optional.of(self));
        ObjectNode purge =
                run(AnonymousRows.ALL, "purge", "{\"channelId\":\"" + channel + "\",\"amount\":3}", Optional.of(self));

        assertThat(lock.get("code").asText()).isEqualTo("forbidden");
        assertThat(lock.get("reason").asText()).contains(self).contains("bot account");
        assertThat(purge.get("code").asText()).isEqualTo("forbidden");
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "2200000000000000901 ", "02200000000000000901", "２２００００００００００００００００９０１"})
    void aBlankOrNonCanonicalRequesterIsInvalidPayloadAndNeverAnonymous(String requestedBy) {
        long channel = sandbox.newTextChannel("blank-requester");

        ObjectNode result =
                run(AnonymousRows.ALL, "lock", "{\"channelId\":\"" + channel + "\"}", Optional.of(requestedBy));

        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(result.get("reason").asText()).contains("requested_by");
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                " 2200000000000000001",
                "2200000000000000001\n",
                "02200000000000000001",
                "+2200000000000000001",
                "２２０００００００００００００００００１",
                "٢٢٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠١"
            })
    void aGuildIdSpeltAnyOtherWayThanCanonicallyDoesNotActOnTheRealGuild(String guild) {
        long channel = sandbox.newTextChannel("spelt-guild");

        ObjectNode result =
                run(handler(AnonymousRows.ALL), guild, "lock", "{\"channelId\":\"" + channel + "\"}", Optional.empty());

        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(result.get("reason").asText()).contains("guild_id");
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isEmpty();
    }

    @Test
    void aChannelIdInFullwidthDigitsIsInvalidPayload() {
        long channel = sandbox.newTextChannel("fullwidth-channel");
        String fullwidth = Long.toString(channel)
                .chars()
                .mapToObj(c -> String.valueOf((char) (c - '0' + '０')))
                .reduce("", String::concat);

        ObjectNode result = run(AnonymousRows.ALL, "lock", "{\"channelId\":\"" + fullwidth + "\"}", Optional.empty());

        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isEmpty();
    }
}
