package com.valoratbot.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.port.CheckAccess;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.text.Language;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a row without a requester may run at each level of {@code VALORATBOT_ANONYMOUS_ROWS}, and
 * that {@code requested_by} is read strictly. Ports here only count calls: whether a refused row
 * reached them is the point. The same rules on the stand-in are in adapters-discord's RequesterChecksTest.
 */
class AnonymousRowsTest {

    private static final String GUILD = "111111111111111111";
    private static final String CHANNEL = "222222222222222222";
    private static final String EVERYONE =
            "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"hi\",\"allowedMentions\":[\"everyone\"]}";

    private final AtomicInteger accessChecks = new AtomicInteger();
    private final CheckAccess counting = (ctx, req) -> {
        accessChecks.incrementAndGet();
        return Result.ok(Done.DONE);
    };

    private ObjectNode run(AnonymousRows level, String action, String payload, Optional<String> requestedBy) {
        CommandHandler handler = CommandHandler.builder(
                        com.valoratbot.core.run.Ports.builder().access(counting).build())
                .language(Language.EN)
                .anonymousRows(level)
                .build();
        return CommandHandler.readResult(
                handler.handle(new QueuedCommand("c", GUILD, action, payload, requestedBy, Duration.ZERO))
                        .resultJson());
    }

    private ObjectNode anonymous(AnonymousRows level, String action, String payload) {
        return run(level, action, payload, Optional.empty());
    }

    @Test
    void theDefaultRefusesAnAnonymousEveryonePingAndSaysHowToFixIt() {
        ObjectNode result = CommandHandler.readResult(
                CommandHandler.builder(Ports.builder().access(counting).build())
                        .language(Language.EN)
                        .build()
                        .handle(new QueuedCommand("c", GUILD, "announce", EVERYONE, Optional.empty(), Duration.ZERO))
                        .resultJson());

        assertThat(result.get("code").asText()).isEqualTo("forbidden");
        assertThat(result.get("reason").asText())
                .contains("@everyone")
                .contains("requested_by")
                .contains("all-but-mass-mentions");
        assertThat(accessChecks).hasValue(0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            all                   | announce          | {"channelId":"222222222222222222","message":"hi","allowedMentions":["everyone"]} | true
            all-but-mass-mentions | announce          | {"channelId":"222222222222222222","message":"hi","allowedMentions":["everyone"]} | false
            all-but-mass-mentions | schedule_announce | {"channelId":"222222222222222222","message":"hi","allowedMentions":["roles"],"scheduledFor":"2030-01-01T10:00"} | false
            all-but-mass-mentions | announce          | {"channelId":"222222222222222222","message":"hi @everyone"} | true
            all-but-mass-mentions | announce          | {"channelId":"222222222222222222","message":"hi","allowedMentions":["users"]} | true
            all-but-mass-mentions | purge             | {"channelId":"222222222222222222","amount":5} | true
            all-but-mass-mentions | lock              | {"channelId":"222222222222222222"} | true
            no-moderation         | purge             | {"channelId":"222222222222222222","amount":5} | false
            no-moderation         | slowmode          | {"channelId":"222222222222222222","duration":21600} | false
            no-moderation         | lock              | {"channelId":"222222222222222222"} | false
            no-moderation         | unlock            | {"channelId":"222222222222222222"} | false
            no-moderation         | announce          | {"channelId":"222222222222222222","message":"hi"} | true
            no-moderation         | play              | {"query":"x","voiceChannelId":"222222222222222222"} | true
            read-only             | announce          | {"channelId":"222222222222222222","message":"hi"} | false
            read-only             | skip              | {} | false
            read-only             | cancel_scheduled  | {"scheduledId":"abc"} | false
            read-only             | listTextChannels  | {} | true
            read-only             | list_scheduled    | {} | true
            read-only             | getQueue          | {} | true
            read-only             | getLeaderboard    | {} | true
            """)
    void eachLevelAllowsWhatItSays(String level, String action, String payload, boolean allowed) {
        ObjectNode result = anonymous(AnonymousRows.parse(level), action, payload);

        if (allowed) {
            assertThat(result.path("code").asText()).as(result.toString()).isNotEqualTo("forbidden");
            assertThat(accessChecks).hasValue(1);
        } else {
            assertThat(result.get("code").asText()).isEqualTo("forbidden");
            assertThat(result.get("reason").asText()).contains("requested_by").contains(level);
            assertThat(accessChecks).as("refused before the access check").hasValue(0);
        }
    }

    @Test
    void aRowThatNamesItsRequesterIsLeftToTheRequestersOwnChecks() {
        ObjectNode result = run(AnonymousRows.READ_ONLY, "announce", EVERYONE, Optional.of("333333333333333333"));

        assertThat(result.path("code").asText()).isNotEqualTo("forbidden");
        assertThat(accessChecks).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "\t",
                "abc",
                " 333333333333333333",
                "0333333333333333333",
                "-333333333333333333",
                "３３３３３３３３３３３３３３３３３３"
            })
    void aBlankOrMalformedRequesterIsInvalidPayloadNotAnonymous(String requestedBy) {
        ObjectNode result = run(
                AnonymousRows.ALL,
                "purge",
                "{\"channelId\":\"" + CHANNEL + "\",\"amount\":5}",
                Optional.of(requestedBy));

        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(result.get("reason").asText()).contains("requested_by");
        assertThat(accessChecks).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {" 111111111111111111", "0111111111111111111", "１１１１１１１１１１１１１１１１１１", "111111111111111111 "})
    void aNonCanonicalGuildIdIsInvalidPayload(String guild) {
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().access(counting).build())
                .language(Language.EN)
                .build();
        ObjectNode result = CommandHandler.readResult(
                handler.handle(new QueuedCommand("c", guild, "listTextChannels", "{}", Optional.empty(), Duration.ZERO))
                        .resultJson());

        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(result.get("reason").asText()).contains("guild_id");
        assertThat(accessChecks).hasValue(0);
    }

    @Test
    void aMisspeltLevelNamesTheLevels() {
        assertThatThrownBy(() -> AnonymousRows.parse("readonly"))
                .hasMessageContaining("all, all-but-mass-mentions, no-moderation, read-only");
    }
}
