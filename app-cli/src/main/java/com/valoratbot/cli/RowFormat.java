package com.valoratbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.supabase.CommandRow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How rows look on a terminal: one line each for lists, full JSON for one row. */
final class RowFormat {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private RowFormat() {}

    static String header() {
        return String.format(
                "%-36s  %-19s  %-20s  %-20s  %-10s  %s", "ID", "CREATED", "GUILD", "ACTION", "STATUS", "RESULT");
    }

    static String line(CommandRow r) {
        return String.format(
                "%-36s  %-19s  %-20s  %-20s  %-10s  %s",
                r.id(),
                r.createdAt().map(TIME::format).orElse("-"),
                r.guildId(),
                truncate(r.action(), 20),
                r.status(),
                summary(r));
    }

    /** {@code ok}, or the error's code and reason. */
    static String summary(CommandRow r) {
        if (r.resultJson() == null) return "";
        JsonNode result = parse(r.resultJson());
        if (result.path("ok").asBoolean(false)) return "ok";
        return result.path("code").asText("?") + ": "
                + truncate(result.path("reason").asText(""), 80);
    }

    static String json(CommandRow r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("guild_id", r.guildId());
        o.put("action", r.action());
        o.set("payload", r.payloadJson() == null ? null : parse(r.payloadJson()));
        o.put("status", r.status());
        o.set("result", r.resultJson() == null ? null : parse(r.resultJson()));
        r.requestedBy().ifPresent(v -> o.put("requested_by", v));
        r.createdAt().map(Instant::toString).ifPresent(v -> o.put("created_at", v));
        r.updatedAt().map(Instant::toString).ifPresent(v -> o.put("updated_at", v));
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String result(CommandRow r) {
        try {
            return r.resultJson() == null ? "null" : JSON.writeValueAsString(parse(r.resultJson()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    private static String truncate(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
