package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Action;
import com.valoratbot.testing.Eventually;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whatever a dashboard writes into a row, the worker ends it done or error, with a reason and a
 * code on errors, and keeps going.
 */
class PayloadFuzzTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final int ROWS = 5_000;
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FIELDS = List.of(
            "channelId",
            "amount",
            "mode",
            "duration",
            "message",
            "embed",
            "title",
            "description",
            "color",
            "image",
            "scheduledFor",
            "trackDays",
            "dayOfWeek",
            "hour",
            "query",
            "voiceChannelId",
            "trackId",
            "scheduledId",
            "allowedMentions",
            "");

    final Random random = new Random(20251124L);

    String action() {
        return switch (random.nextInt(10)) {
            case 0 ->
                List.of("", " ", "LOCK", " lock ", "unknown", "drop table commands", "ロック", "a".repeat(500))
                        .get(random.nextInt(8));
            default -> Action.values()[random.nextInt(Action.values().length)].wireName();
        };
    }

    String guild() {
        return switch (random.nextInt(8)) {
            case 0 ->
                List.of("", "0", "-5", "abc", "1e18", "99999999999999999999999", " 123456789012345678 ", "１２３")
                        .get(random.nextInt(8));
            default -> String.valueOf(100_000_000_000_000_000L + random.nextInt(50));
        };
    }

    JsonNode value(int depth) {
        return switch (random.nextInt(depth > 3 ? 9 : 12)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(random.nextBoolean());
            case 2 -> F.numberNode(random.nextLong());
            case 3 -> F.numberNode(random.nextDouble() * 1e6 - 5e5);
            case 4 -> F.textNode(String.valueOf(random.nextInt(200) - 20)); // numbers as strings
            case 5 -> F.textNode(String.valueOf(100_000_000_000_000_000L + random.nextInt(1000))); // snowflake-like
            case 6 -> F.textNode(text());
            case 7 -> F.numberNode(new java.math.BigDecimal("1e" + random.nextInt(400)));
            case 8 ->
                F.textNode(List.of(
                                "count",
                                "users",
                                "bots",
                                "#E11D48",
                                "https://example.com/x.png",
                                "2030-01-01T20:00",
                                "2030-01-01T20:00+02:00",
                                "everyone")
                        .get(random.nextInt(8)));
            case 9 -> object(depth + 1);
            case 10 -> array(depth + 1);
            default -> object(depth + 1);
        };
    }

    String text() {
        int kind = random.nextInt(6);
        if (kind == 0) return "x".repeat(random.nextInt(20_000)); // huge
        if (kind == 1) return "\u202e\ud83d\ude00 <@&123> @everyone \\ \" ' \t\n";
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) sb.append((char) (0x20 + random.nextInt(0x2fff)));
        return sb.toString().replace('\u0000', ' ');
    }

    ObjectNode object(int depth) {
        ObjectNode o = F.objectNode();
        for (int i = random.nextInt(6); i > 0; i--) o.set(FIELDS.get(random.nextInt(FIELDS.size())), value(depth));
        return o;
    }

    ArrayNode array(int depth) {
        ArrayNode a = F.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) a.add(value(depth));
        return a;
    }

    /** The payload column: SQL NULL, JSON null, scalars, arrays, or (mostly) objects. */
    String payload() {
        return switch (random.nextInt(12)) {
            case 0 -> null;
            case 1 -> "null";
            case 2 -> value(5).toString();
            case 3 -> array(1).toString();
            default -> object(0).toString();
        };
    }

    @Test
    void fiveThousandRandomRowsAllEndDoneOrErrorWithAReasonAndTheWorkerKeepsRunning() throws Exception {
        Database database = db.open(s -> s.poolSize(6));
        try (Connection c = db.connect();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO commands (guild_id, action, payload, requested_by) VALUES (?, ?, ?::jsonb, ?)")) {
            for (int i = 0; i < ROWS; i++) {
                insert.setString(1, guild());
                insert.setString(2, action());
                insert.setString(3, payload());
                insert.setString(
                        4,
                        random.nextInt(10) == 0
                                ? List.of("", "bob", "123456789012345678").get(random.nextInt(3))
                                : null);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker worker = RunningWorker.start(database, discord.handler(), q -> q, w -> w)) {
            Eventually.within(
                    Duration.ofMinutes(2),
                    "every fuzzed row finished",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);

            // Still alive: a plain command after all that runs normally.
            String id = CommandAdmin.on(database).enqueue("111111111111111111", "listTextChannels", "{}", null);
            Eventually.within(
                    Duration.ofSeconds(10),
                    "a normal command after the fuzz",
                    () -> db.count("SELECT count(*) FROM commands WHERE id = ?::uuid AND status = 'done'", id) == 1);
            assertThat(worker.worker().completedCount()).isEqualTo(ROWS + 1);
        }

        assertThat(db.count("SELECT count(*) FROM commands WHERE status NOT IN ('done', 'error')"))
                .isZero();
        assertThat(db.count(
                        "SELECT count(*) FROM commands WHERE status = 'done' AND (result->>'ok')::boolean IS NOT TRUE"))
                .isZero();
        assertThat(db.count("""
                SELECT count(*) FROM commands WHERE status = 'error' AND NOT (
                    (result->>'ok')::boolean IS FALSE AND length(result->>'reason') > 0 AND length(result->>'code') > 0)""")).isZero();
        assertThat(db.count("SELECT count(*) FROM commands WHERE result->>'code' = 'internal_error'"))
                .as("internal errors")
                .isZero();
        List<Object> codes = db.query("SELECT DISTINCT result->>'code' FROM commands WHERE status = 'error'").stream()
                .map(r -> r.get(0))
                .toList();
        assertThat(codes).contains("unknown_action", "invalid_payload", "not_available");
        System.out.println("fuzz: " + db.count("SELECT count(*) FROM commands WHERE status = 'done'")
                + " done, error codes " + codes);
        // Random locks and unlocks do not pair up; a guild's commands must still never overlap.
        assertThat(discord.violations()).noneMatch(v -> v.contains("at once"));
    }
}
