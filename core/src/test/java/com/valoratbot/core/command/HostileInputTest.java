package com.valoratbot.core.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ids with one spelling, numbers refused by length before parsing, and the payload parser's limits. */
class HostileInputTest {

    private final CommandParser parser = CommandParser.withDefaults();
    private final Messages english = new Messages(Language.EN);
    private static final String CHANNEL = "123456789012345678";

    private Result<Command> parse(String action, String json) {
        Result<JsonNode> read = CommandParser.readPayload(json);
        return read.flatMap(node -> parser.parse(action, node));
    }

    private String refusal(String action, String json) {
        Result<Command> r = parse(action, json);
        assertThat(r)
                .as("%s %s", action, json.length() > 200 ? json.substring(0, 200) : json)
                .isInstanceOf(Result.Err.class);
        Failure f = ((Result.Err<Command>) r).failure();
        assertThat(f.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        return english.render(f.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"123456789012345678", "1", "9223372036854775807"})
    void aCanonicalIdIsASnowflake(String text) {
        assertThat(Snowflake.parse(text)).map(Snowflake::toString).contains(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                " 123456789012345678",
                "123456789012345678 ",
                "\t123456789012345678",
                "123456789012345678\n",
                "+123456789012345678",
                "-123456789012345678",
                "0123456789012345678",
                "00",
                "0",
                "１２３４５６７８９０１２３４５６７８", // fullwidth
                "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨", // Arabic-Indic
                "१२३४५६७८९०१२३४५६७८", // Devanagari
                "123456789012345678\u200b",
                "12345678901234567_8",
                "1.23456789012345678e17",
                "9223372036854775808",
                "18446744073709551615",
                "99999999999999999999",
                ""
            })
    void anythingElseIsNotASnowflake(String text) {
        assertThat(Snowflake.parse(text)).isEmpty();
    }

    @Test
    void aNonCanonicalChannelIdIsInvalidPayloadNamingTheRule() {
        String reason = refusal("lock", "{\"channelId\":\"０" + CHANNEL.substring(1) + "\"}");

        assertThat(reason).contains("channelId").contains("digits 0-9 only");
    }

    @Test
    void aNumberWrittenWithNonAsciiDigitsIsRefused() {
        assertThat(refusal("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":\"５０\"}"))
                .contains("amount");
        assertThat(refusal("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":\"٥٠\"}"))
                .contains("amount");
    }

    @Test
    void lenientNumbersTheDashboardSendsStillWork() {
        for (String amount : new String[] {"50", "\"50\"", "\" 50 \"", "50.0", "\"5e1\""}) {
            Result<Command> r = parse("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":" + amount + "}");
            assertThat(r).as(amount).isInstanceOf(Result.Ok.class);
            assertThat(((Command.Purge) ((Result.Ok<Command>) r).value()).amount())
                    .isEqualTo(50);
        }
    }

    @Test
    void aLongDigitStringIsRefusedByItsLengthWithoutParsingIt() {
        // Below the parser's string limit, so the field's own length check is what refuses it.
        String digits = "1" + "0".repeat(200_000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        parse(
                "purge",
                "{\"channelId\":\"" + CHANNEL + "\",\"amount\":\"1\"}"); // warm-up: class loading is not the point

        long before = threads.getCurrentThreadCpuTime();
        String reason = refusal("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":\"" + digits + "\"}");
        long cpuNanos = threads.getCurrentThreadCpuTime() - before;

        assertThat(reason).contains("amount");
        // Scanning 200 KB is linear (about a millisecond); parsing the digits would take seconds. A second is a
        // generous bound.
        assertThat(cpuNanos).as("CPU ns").isLessThan(1_000_000_000L);
    }

    @Test
    void aMillionDigitStringIsRefusedByTheParsersStringLimit() {
        String reason =
                refusal("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":\"1" + "0".repeat(1_000_000) + "\"}");

        assertThat(reason).contains("text up to");
    }

    @Test
    void aLongJsonNumberIsRefusedByTheParserNamingItsLimits() {
        String reason = refusal("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":" + "9".repeat(10_000) + "}");

        assertThat(reason).contains("numbers up to 64 characters");
    }

    @Test
    void aHugeExponentIsNotExpanded() {
        assertThat(refusal("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":\"1e999999999\"}"))
                .contains("amount");
        assertThat(refusal("purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":1e999999999}"))
                .contains("amount");
    }

    @Test
    void deepNestingIsRefusedByTheParser() {
        String deep = "{\"channelId\":\"" + CHANNEL + "\",\"embed\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";

        assertThat(refusal("announce", deep)).contains("nesting up to 32 levels");
    }

    @Test
    void aStringLongerThanTheParserAllowsIsRefused() {
        String huge = "{\"channelId\":\"" + CHANNEL + "\",\"message\":\""
                + "x".repeat(CommandParser.MAX_STRING_LENGTH + 1) + "\"}";

        assertThat(refusal("announce", huge)).contains("text up to");
    }

    @Test
    void notJsonAtAllIsAnObjectProblem() {
        assertThat(refusal("lock", "{channelId:")).contains("JSON object");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "+999999999-12-31T23:59",
                "-999999999-01-01T00:00",
                "+999999999-12-31T23:59:59Z",
                "10000-01-01T00:00",
                "1969-12-31T23:59"
            })
    void aScheduledTimeOutsideTheYearsTheBotStoresIsInvalidPayload(String when) {
        String reason = refusal(
                "schedule_announce",
                "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"hi\",\"scheduledFor\":\"" + when + "\"}");

        assertThat(reason).contains("scheduledFor");
    }
}
