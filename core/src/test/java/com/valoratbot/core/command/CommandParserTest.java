package com.valoratbot.core.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.core.command.Announcement.MentionKind;
import com.valoratbot.core.command.Command.*;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHANNEL = "123456789012345678";
    private final CommandParser parser = CommandParser.withDefaults();
    private final Messages english = new Messages(Language.EN);

    private Result<Command> parse(String action, String payload) {
        try {
            JsonNode node = payload == null ? null : JSON.readTree(payload);
            return parser.parse(action, node);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Command ok(String action, String payload) {
        Result<Command> r = parse(action, payload);
        assertThat(r).as("%s %s", action, payload).isInstanceOf(Result.Ok.class);
        return ((Result.Ok<Command>) r).value();
    }

    private Failure failure(String action, String payload) {
        Result<Command> r = parse(action, payload);
        assertThat(r).as("%s %s", action, payload).isInstanceOf(Result.Err.class);
        return ((Result.Err<Command>) r).failure();
    }

    private String reason(String action, String payload) {
        Failure f = failure(action, payload);
        assertThat(f.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        return english.render(f.reason());
    }

    @Test
    void everyActionOfTheContractIsKnownByItsWireName() {
        for (String name : new String[] {
            "listTextChannels",
            "listVoiceChannels",
            "purge",
            "slowmode",
            "lock",
            "unlock",
            "announce",
            "schedule_announce",
            "schedule_leaderboard",
            "post_leaderboard",
            "play",
            "pause",
            "resume",
            "skip",
            "stop",
            "getQueue",
            "removeFromQueue",
            "list_scheduled",
            "cancel_scheduled",
            "getLeaderboard"
        }) {
            assertThat(Action.fromWireName(name)).as(name).isPresent();
        }
    }

    @Test
    void anUnknownActionIsRefusedWithItsOwnCodeAndTheKnownList() {
        Failure f = failure("nuke", "{}");
        assertThat(f.code()).isEqualTo(ErrorCode.UNKNOWN_ACTION);
        assertThat(english.render(f.reason()))
                .contains("\"nuke\"")
                .contains("purge")
                .contains("listTextChannels");
    }

    @Test
    void aNullOrMissingPayloadIsAnEmptyObject() {
        assertThat(ok("listTextChannels", null)).isEqualTo(new ListTextChannels());
        assertThat(ok("pause", "null")).isEqualTo(new Pause());
    }

    @Test
    void aPayloadThatIsNotAnObjectIsInvalid() {
        assertThat(reason("purge", "[1,2]")).contains("JSON object");
        assertThat(reason("pause", "\"x\"")).contains("JSON object");
    }

    @Test
    void purgeAcceptsNumbersSentAsStringsAndDefaultsToCount() {
        assertThat(ok("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":\"50\"}"))
                .isEqualTo(new Purge(Snowflake.of(Long.parseLong(CHANNEL)), 50, PurgeMode.COUNT));
        assertThat(ok("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":1000,\"mode\":\"BOTS\"}"))
                .isEqualTo(new Purge(Snowflake.of(Long.parseLong(CHANNEL)), 1000, PurgeMode.BOTS));
    }

    @ParameterizedTest(name = "purge amount {0} is refused")
    @CsvSource({"0", "1001", "-5", "2.5", "'\"abc\"'", "true"})
    void purgeAmountOutsideOneToAThousandIsRefusedNamingTheField(String amount) {
        assertThat(reason("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":" + amount + "}"))
                .contains("\"amount\"")
                .contains("from 1 to 1000");
    }

    @Test
    void theMaximumPurgeAmountIsConfigurable() {
        CommandParser strict = CommandParser.withMaxPurgeAmount(100);
        assertThat(strict.parse(
                        "purge",
                        JSON.createObjectNode().put("channelId", CHANNEL).put("amount", 101)))
                .isInstanceOf(Result.Err.class);
    }

    @Test
    void purgeModeMustBeOneOfTheThree() {
        assertThat(reason("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":5,\"mode\":\"all\"}"))
                .contains("\"mode\"")
                .contains("count, users, bots")
                .contains("all");
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        String r = reason("purge", "{\"amount\":0,\"mode\":\"x\"}");
        assertThat(r)
                .contains("\"channelId\" is required")
                .contains("\"amount\"")
                .contains("\"mode\"");
    }

    @ParameterizedTest(name = "channel id {0} is not a snowflake")
    @CsvSource({"'\"abc\"'", "'\"-12\"'", "'\"123456789012345678901\"'", "12345678901234567890", "'{}'", "0"})
    void channelIdsMustBeSnowflakes(String id) {
        assertThat(reason("lock", "{\"channelId\":" + id + "}"))
                .contains("\"channelId\"")
                .contains("Discord id");
    }

    @Test
    void aSnowflakeSentAsASafeJavaScriptNumberIsAccepted() {
        assertThat(ok("lock", "{\"channelId\":4503599627370495}")).isEqualTo(new Lock(Snowflake.of(4503599627370495L)));
    }

    @Test
    void slowmodeDurationIsZeroToSixHours() {
        assertThat(ok("slowmode", "{\"channelId\":\"" + CHANNEL + "\",\"duration\":0}"))
                .isInstanceOf(Slowmode.class);
        assertThat(ok("slowmode", "{\"channelId\":\"" + CHANNEL + "\",\"duration\":\"21600\"}"))
                .isInstanceOf(Slowmode.class);
        assertThat(reason("slowmode", "{\"channelId\":\"" + CHANNEL + "\",\"duration\":21601}"))
                .contains("from 0 to 21600");
        assertThat(reason("slowmode", "{\"channelId\":\"" + CHANNEL + "\"}")).contains("\"duration\" is required");
    }

    @Test
    void announceTakesAMessageAnEmbedOrBoth() {
        Announce a = (Announce) ok(
                "announce",
                "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"Hello\",\"embed\":{\"title\":\"T\","
                        + "\"description\":\"D\",\"color\":\"#E11D48\",\"image\":\"https://example.com/i.png\"}}");
        assertThat(a.announcement().message()).contains("Hello");
        assertThat(a.announcement().embed()).hasValueSatisfying(e -> {
            assertThat(e.title()).contains("T");
            assertThat(e.color()).contains(0xE11D48);
            assertThat(e.image())
                    .hasValueSatisfying(u -> assertThat(u.toString()).isEqualTo("https://example.com/i.png"));
        });
        assertThat(a.announcement().allowedMentions()).containsExactly(MentionKind.USERS);
    }

    @Test
    void anAnnouncementWithNeitherMessageNorEmbedIsRefused() {
        assertThat(reason("announce", "{\"channelId\":\"" + CHANNEL + "\",\"message\":null,\"embed\":null}"))
                .contains("a message or an embed");
        assertThat(reason(
                        "announce",
                        "{\"channelId\":\"" + CHANNEL
                                + "\",\"message\":\"\",\"embed\":{\"title\":\"\",\"image\":null}}"))
                .contains("a message or an embed");
    }

    @Test
    void aTooLongMessageSaysSoWithoutAlsoClaimingItIsMissing() {
        String r = reason("announce", "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"" + "x".repeat(2001) + "\"}");
        assertThat(r).contains("longer than 2000").doesNotContain("a message or an embed");
    }

    @Test
    void embedLimitsAreEnforced() {
        String base = "{\"channelId\":\"" + CHANNEL + "\",\"embed\":";
        assertThat(reason("announce", base + "{\"title\":\"" + "t".repeat(257) + "\"}}"))
                .contains("\"embed.title\"")
                .contains("256");
        assertThat(reason("announce", base + "{\"description\":\"" + "d".repeat(4097) + "\"}}"))
                .contains("\"embed.description\"")
                .contains("4096");
        assertThat(reason("announce", base + "{\"title\":\"t\",\"color\":\"red\"}}"))
                .contains("\"embed.color\"")
                .contains("#RRGGBB");
        assertThat(reason("announce", base + "{\"title\":\"t\",\"image\":\"ftp://x/y.png\"}}"))
                .contains("\"embed.image\"")
                .contains("http(s)");
        assertThat(reason("announce", base + "\"just text\"}")).contains("\"embed\" must be an object");
    }

    @Test
    void mentionsAreOptInAndValidated() {
        Announce a = (Announce) ok(
                "announce",
                "{\"channelId\":\"" + CHANNEL
                        + "\",\"message\":\"@everyone hi\",\"allowedMentions\":[\"everyone\",\"roles\"]}");
        assertThat(a.announcement().allowedMentions()).isEqualTo(Set.of(MentionKind.EVERYONE, MentionKind.ROLES));
        Announce none = (Announce)
                ok("announce", "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"hi\",\"allowedMentions\":[]}");
        assertThat(none.announcement().allowedMentions()).isEmpty();
        assertThat(reason(
                        "announce",
                        "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"hi\",\"allowedMentions\":[\"all\"]}"))
                .contains("everyone, roles, users");
    }

    @Test
    void scheduledTimesWithoutAZoneStayLocalAndWithAnOffsetAreAbsolute() {
        ScheduleAnnounce local = (ScheduleAnnounce) ok(
                "schedule_announce",
                "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"m\",\"scheduledFor\":\"2025-12-25T20:00\"}");
        assertThat(local.scheduledFor()).isEqualTo(new ScheduledTime.Local(LocalDateTime.of(2025, 12, 25, 20, 0)));
        ScheduleAnnounce absolute = (ScheduleAnnounce) ok(
                "schedule_announce",
                "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"m\",\"scheduledFor\":\"2025-12-25T20:00:00+01:00\"}");
        assertThat(absolute.scheduledFor().resolve(ZoneOffset.UTC).toString()).isEqualTo("2025-12-25T19:00:00Z");
        assertThat(reason(
                        "schedule_announce",
                        "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"m\",\"scheduledFor\":\"tomorrow\"}"))
                .contains("\"scheduledFor\"")
                .contains("2025-12-25T20:00");
        assertThat(reason("schedule_announce", "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"m\"}"))
                .contains("\"scheduledFor\" is required");
    }

    @Test
    void leaderboardScheduleHasRangesAndDefaults() {
        assertThat(ok("schedule_leaderboard", "{\"channelId\":\"" + CHANNEL + "\"}"))
                .isEqualTo(new ScheduleLeaderboard(Snowflake.of(Long.parseLong(CHANNEL)), 7, 0, 20));
        assertThat(reason("schedule_leaderboard", "{\"channelId\":\"" + CHANNEL + "\",\"trackDays\":91}"))
                .contains("from 1 to 90");
        assertThat(reason("schedule_leaderboard", "{\"channelId\":\"" + CHANNEL + "\",\"dayOfWeek\":7}"))
                .contains("from 0 to 6");
        assertThat(reason("schedule_leaderboard", "{\"channelId\":\"" + CHANNEL + "\",\"hour\":24}"))
                .contains("from 0 to 23");
        ScheduleLeaderboard sunday =
                (ScheduleLeaderboard) ok("schedule_leaderboard", "{\"channelId\":\"" + CHANNEL + "\",\"dayOfWeek\":0}");
        assertThat(sunday.javaDayOfWeek()).isEqualTo(java.time.DayOfWeek.SUNDAY);
    }

    @Test
    void postAndGetLeaderboardTakeAnOptionalPeriod() {
        assertThat(ok("post_leaderboard", "{\"channelId\":\"" + CHANNEL + "\"}"))
                .isEqualTo(new PostLeaderboard(Snowflake.of(Long.parseLong(CHANNEL)), Optional.empty()));
        assertThat(ok("getLeaderboard", "{\"trackDays\":\"30\"}")).isEqualTo(new GetLeaderboard(Optional.of(30)));
        assertThat(reason("getLeaderboard", "{\"trackDays\":0}")).contains("\"trackDays\"");
    }

    @Test
    void playNeedsAQueryAndAVoiceChannel() {
        assertThat(ok("play", "{\"query\":\"  never gonna  \",\"voiceChannelId\":\"" + CHANNEL + "\"}"))
                .isEqualTo(new Play("never gonna", Snowflake.of(Long.parseLong(CHANNEL))));
        String r = reason("play", "{}");
        assertThat(r).contains("\"query\" is required").contains("\"voiceChannelId\" is required");
        assertThat(reason("play", "{\"query\":\"" + "q".repeat(501) + "\",\"voiceChannelId\":\"" + CHANNEL + "\"}"))
                .contains("500");
    }

    @Test
    void removeFromQueueTakesANonNegativeIndex() {
        assertThat(ok("removeFromQueue", "{\"trackId\":\"2\"}")).isEqualTo(new RemoveFromQueue(2));
        assertThat(reason("removeFromQueue", "{\"trackId\":-1}")).contains("\"trackId\"");
        assertThat(reason("removeFromQueue", "{}")).contains("\"trackId\" is required");
    }

    @Test
    void cancelScheduledNeedsAnId() {
        assertThat(ok("cancel_scheduled", "{\"scheduledId\":\" abc \"}")).isEqualTo(new CancelScheduled("abc"));
        assertThat(reason("cancel_scheduled", "{}")).contains("\"scheduledId\" is required");
    }

    @Test
    void reasonsAreFrenchByDefault() {
        Failure f = failure("purge", "{\"amount\":0}");
        String french = new Messages(Language.FR).render(f.reason());
        assertThat(french).startsWith("Données invalides").contains("« channelId » est obligatoire");
    }
}
