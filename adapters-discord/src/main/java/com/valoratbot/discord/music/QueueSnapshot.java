package com.valoratbot.discord.music;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One guild's saved player, as {@link QueueStore} keeps it:
 * <pre>{@code
 * {"version": 1, "guildId": "…", "channelId": "…", "paused": false, "savedAt": 1767225600000,
 *  "current": {"track": "<base64>", "positionMs": 12345, "title": "…", "uri": "…"},
 *  "queue": [{"track": "<base64>", "title": "…", "uri": "…"}]}
 * }</pre>
 * {@code track} is Lavaplayer's own track encoding ({@code AudioPlayerManager#encodeTrack}), which it decodes back
 * into a playable track without searching again; {@code title} and {@code uri} are there for people reading the table.
 */
public record QueueSnapshot(
        long guildId,
        long channelId,
        boolean paused,
        Optional<SavedTrack> current,
        long positionMs,
        List<SavedTrack> queue,
        long savedAtMillis) {

    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public QueueSnapshot {
        Objects.requireNonNull(current, "current");
        queue = List.copyOf(queue);
    }

    public record SavedTrack(String encoded, String title, String uri) {
        public SavedTrack {
            Objects.requireNonNull(encoded, "encoded");
        }
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("guildId", Long.toUnsignedString(guildId));
        root.put("channelId", Long.toUnsignedString(channelId));
        root.put("paused", paused);
        root.put("savedAt", savedAtMillis);
        current.ifPresent(t -> {
            ObjectNode node = track(t);
            node.put("positionMs", positionMs);
            root.set("current", node);
        });
        ArrayNode list = root.putArray("queue");
        queue.forEach(t -> list.add(track(t)));
        return root.toString();
    }

    private static ObjectNode track(SavedTrack t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("track", t.encoded());
        node.put("title", t.title());
        node.put("uri", t.uri());
        return node;
    }

    /** @throws IllegalArgumentException when the document is not a snapshot this version understands */
    public static QueueSnapshot fromJson(long guildId, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException("not a version " + VERSION + " music snapshot");
        }
        long channelId;
        try {
            channelId = Long.parseUnsignedLong(root.path("channelId").asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("channelId missing");
        }
        Optional<SavedTrack> current = Optional.empty();
        long position = 0;
        JsonNode cur = root.path("current");
        if (cur.isObject() && cur.hasNonNull("track")) {
            current = Optional.of(saved(cur));
            position = Math.max(0, cur.path("positionMs").asLong(0));
        }
        List<SavedTrack> queue = new ArrayList<>();
        for (JsonNode t : root.path("queue")) {
            if (t.hasNonNull("track")) queue.add(saved(t));
        }
        return new QueueSnapshot(
                guildId,
                channelId,
                root.path("paused").asBoolean(false),
                current,
                position,
                queue,
                root.path("savedAt").asLong(0));
    }

    private static SavedTrack saved(JsonNode node) {
        return new SavedTrack(
                node.path("track").asText(),
                node.hasNonNull("title") ? node.get("title").asText() : null,
                node.hasNonNull("uri") ? node.get("uri").asText() : null);
    }
}
