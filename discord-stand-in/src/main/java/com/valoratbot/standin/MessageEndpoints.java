package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/** History, single and bulk deletion, and sending messages (JSON or multipart with files). */
final class MessageEndpoints {

    private static final int MAX_CONTENT = 2000;
    private static final int MAX_EMBEDS = 10;
    private static final int MAX_FILES = 10;
    /** Discord's upload limit for guilds without boosts. */
    private static final long MAX_UPLOAD_BYTES = 10L * 1024 * 1024;

    private static final Duration BULK_DELETE_MAX_AGE = Duration.ofDays(14);

    private final StandInState state;

    MessageEndpoints(StandInState state) {
        this.state = state;
    }

    /**
     * Get Channel Messages, newest first. Discord documents that a caller without READ_MESSAGE_HISTORY gets an
     * empty list rather than an error, and that voice channels additionally need CONNECT.
     */
    JsonNode history(RestRequest request) {
        long channelId = request.id("channel_id");
        int limit = GuildEndpoints.intQuery(request, "limit", 50, 1, 100);
        Map<String, String> query = request.query();
        Long around = query.containsKey("around") ? RestRequest.snowflake(query.get("around"), "around") : null;
        Long before = query.containsKey("before") ? RestRequest.snowflake(query.get("before"), "before") : null;
        Long after = query.containsKey("after") ? RestRequest.snowflake(query.get("after"), "after") : null;
        return state.read(() -> {
            ChannelData channel = Access.channel(state, channelId);
            long permissions = Access.visible(state, channel);
            if (!channel.kind.holdsMessages()) {
                throw ApiException.wrongChannelType();
            }
            if (channel.kind.isAudio() && (permissions & Permissions.CONNECT) == 0) {
                throw ApiException.missingAccess();
            }
            ArrayNode result = Json.array();
            if ((permissions & Permissions.READ_MESSAGE_HISTORY) == 0) {
                return result;
            }
            GuildData guild = state.guildData(channel.guildId);
            for (StandInMessage message : page(channel.messages(), limit, around, before, after)) {
                result.add(Payloads.message(
                        message, state.userMap().get(message.authorId()), guild, state.attachmentBaseUrl(), false));
            }
            return result;
        });
    }

    // before/after/around are mutually exclusive on Discord; around wins, then before, then after.
    private static List<StandInMessage> page(
            NavigableMap<Long, StandInMessage> messages, int limit, Long around, Long before, Long after) {
        List<StandInMessage> page = new ArrayList<>();
        if (around != null) {
            List<StandInMessage> newer = new ArrayList<>();
            for (StandInMessage message : messages.tailMap(around, false).values()) {
                if (newer.size() == limit / 2) {
                    break;
                }
                newer.add(message);
            }
            page.addAll(newer.reversed());
            for (StandInMessage message :
                    messages.headMap(around, true).descendingMap().values()) {
                if (page.size() == limit) {
                    break;
                }
                page.add(message);
            }
        } else if (before != null) {
            takeInto(page, messages.headMap(before, false).descendingMap().values(), limit);
        } else if (after != null) {
            takeInto(page, messages.tailMap(after, false).values(), limit);
            page = page.reversed();
        } else {
            takeInto(page, messages.descendingMap().values(), limit);
        }
        return page;
    }

    private static void takeInto(List<StandInMessage> page, Iterable<StandInMessage> source, int limit) {
        for (StandInMessage message : source) {
            if (page.size() == limit) {
                return;
            }
            page.add(message);
        }
    }

    JsonNode get(RestRequest request) {
        long channelId = request.id("channel_id");
        long messageId = request.id("message_id");
        return state.read(() -> {
            ChannelData channel = Access.channel(state, channelId);
            Access.require(Access.visible(state, channel), Permissions.READ_MESSAGE_HISTORY);
            StandInMessage message = channel.messages().get(messageId);
            if (message == null) {
                throw ApiException.unknownMessage();
            }
            return Payloads.message(
                    message,
                    state.userMap().get(message.authorId()),
                    state.guildData(channel.guildId),
                    state.attachmentBaseUrl(),
                    false);
        });
    }

    /** Delete Message: anyone may delete their own; other people's need MANAGE_MESSAGES. */
    JsonNode delete(RestRequest request) {
        long channelId = request.id("channel_id");
        long messageId = request.id("message_id");
        return state.write(() -> {
            ChannelData channel = Access.channel(state, channelId);
            long permissions = Access.visible(state, channel);
            StandInMessage message = channel.messages().get(messageId);
            if (message == null) {
                throw ApiException.unknownMessage();
            }
            if (message.authorId() != state.botUserId()) {
                Access.require(permissions, Permissions.MANAGE_MESSAGES);
                state.recordAudit(channel.guildId, "MESSAGE_DELETE", message.authorId(), request.auditReason());
            }
            state.deleteMessage(channel, messageId);
            return null;
        });
    }

    /**
     * Bulk Delete Messages: 2–100 distinct ids, none older than 14 days by its snowflake timestamp. Any
     * violation rejects the whole request and deletes nothing; ids that do not exist are skipped silently.
     */
    JsonNode bulkDelete(RestRequest request) {
        long channelId = request.id("channel_id");
        JsonNode body = request.json();
        return state.write(() -> {
            ChannelData channel = Access.channel(state, channelId);
            Access.require(Access.visible(state, channel), Permissions.MANAGE_MESSAGES);
            List<Long> ids = bulkDeleteIds(body.path("messages"));
            long oldestAllowed = Snowflakes.lowestAt(Instant.now().minus(BULK_DELETE_MAX_AGE));
            if (ids.stream().anyMatch(id -> Long.compareUnsigned(id, oldestAllowed) < 0)) {
                throw ApiException.tooOldToBulkDelete();
            }
            List<Long> existing =
                    ids.stream().filter(channel.messages()::containsKey).toList();
            if (!existing.isEmpty()) {
                state.bulkDeleteMessages(channel, existing);
            }
            state.recordAudit(channel.guildId, "MESSAGE_BULK_DELETE", channel.id, request.auditReason());
            return null;
        });
    }

    private static List<Long> bulkDeleteIds(JsonNode messages) {
        if (!messages.isArray()) {
            throw ApiException.invalidForm("BASE_TYPE_REQUIRED", "This field is required", "messages");
        }
        if (messages.size() < 2) {
            throw ApiException.invalidForm("BASE_TYPE_MIN_LENGTH", "Must be 2 or more in length.", "messages");
        }
        if (messages.size() > 100) {
            throw ApiException.invalidForm("BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.", "messages");
        }
        List<Long> ids = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            long id = RestRequest.snowflake(messages.get(i).asText(), "messages");
            if (!seen.add(id)) {
                throw ApiException.invalidForm(
                        "BULK_DELETE_DUPLICATE_MESSAGES", "Duplicate message ids.", "messages", Integer.toString(i));
            }
            ids.add(id);
        }
        return ids;
    }

    /** Create Message, as JSON or as multipart with {@code payload_json} and {@code files[n]}. */
    JsonNode create(RestRequest request) {
        Outgoing outgoing = Multipart.isMultipart(request.contentType())
                ? fromMultipart(request)
                : new Outgoing(request.json(), List.of());
        JsonNode payload = outgoing.payload();
        if (!payload.isObject()) {
            throw ApiException.invalidJson();
        }
        long channelId = request.id("channel_id");
        return state.write(() -> {
            ChannelData channel = Access.channel(state, channelId);
            if (!channel.kind.holdsMessages()) {
                throw ApiException.nonTextChannel();
            }
            long permissions = Access.visible(state, channel);
            Access.require(permissions, Permissions.SEND_MESSAGES);
            String content = payload.path("content").isNull()
                    ? ""
                    : payload.path("content").asText("");
            List<JsonNode> embeds = embeds(payload.path("embeds"));
            if (content.length() > MAX_CONTENT) {
                throw ApiException.invalidForm("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.", "content");
            }
            if (content.isBlank() && embeds.isEmpty() && outgoing.files().isEmpty() && !hasOtherContent(payload)) {
                throw ApiException.emptyMessage();
            }
            if (!embeds.isEmpty()) {
                Access.require(permissions, Permissions.EMBED_LINKS);
            }
            if (!outgoing.files().isEmpty()) {
                Access.require(permissions, Permissions.ATTACH_FILES);
            }
            enforceSlowmode(channel, permissions);
            long now = System.currentTimeMillis();
            UserData bot = state.botUser();
            StandInMessage message = new StandInMessage(
                    Snowflakes.at(Instant.ofEpochMilli(now)),
                    channelId,
                    bot.id,
                    bot.username,
                    true,
                    content,
                    embeds,
                    outgoing.files(),
                    Instant.ofEpochMilli(now),
                    false,
                    payload.has("allowed_mentions") ? payload.path("allowed_mentions") : null);
            channel.botLastMessageAtMs = now;
            state.storeMessage(channel, message);
            ObjectNode response =
                    Payloads.message(message, bot, state.guildData(channel.guildId), state.attachmentBaseUrl(), false);
            if (payload.hasNonNull("nonce")) {
                response.set("nonce", payload.path("nonce"));
            }
            return response;
        });
    }

    // Slowmode binds the bot too unless it holds MANAGE_MESSAGES or MANAGE_CHANNELS, which exempt it.
    private static void enforceSlowmode(ChannelData channel, long permissions) {
        if (channel.rateLimitPerUser == 0
                || (permissions & (Permissions.MANAGE_MESSAGES | Permissions.MANAGE_CHANNELS)) != 0) {
            return;
        }
        long waitMs = channel.botLastMessageAtMs + channel.rateLimitPerUser * 1000L - System.currentTimeMillis();
        if (waitMs > 0) {
            throw ApiException.slowmode(waitMs / 1000.0);
        }
    }

    private static boolean hasOtherContent(JsonNode payload) {
        return nonEmptyArray(payload.path("sticker_ids"))
                || nonEmptyArray(payload.path("components"))
                || payload.hasNonNull("poll");
    }

    private static boolean nonEmptyArray(JsonNode node) {
        return node.isArray() && !node.isEmpty();
    }

    /** Embed limits from Discord's docs; a violation is 400 50035 pointing at the embed's field. */
    private static List<JsonNode> embeds(JsonNode embedsNode) {
        if (embedsNode.isMissingNode() || embedsNode.isNull()) {
            return List.of();
        }
        if (!embedsNode.isArray()) {
            throw ApiException.invalidForm("LIST_TYPE_CONVERT", "Must be an array.", "embeds");
        }
        if (embedsNode.size() > MAX_EMBEDS) {
            throw ApiException.invalidForm("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.", "embeds");
        }
        List<JsonNode> embeds = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < embedsNode.size(); i++) {
            JsonNode embed = embedsNode.get(i);
            if (!embed.isObject()) {
                throw ApiException.invalidForm(
                        "MODEL_TYPE_CONVERT",
                        "Only dictionaries may be used in a ModelType",
                        "embeds",
                        Integer.toString(i));
            }
            String index = Integer.toString(i);
            total += checkLength(embed.path("title"), 256, "embeds", index, "title");
            total += checkLength(embed.path("description"), 4096, "embeds", index, "description");
            total += checkLength(embed.path("footer").path("text"), 2048, "embeds", index, "footer", "text");
            total += checkLength(embed.path("author").path("name"), 256, "embeds", index, "author", "name");
            JsonNode fields = embed.path("fields");
            if (fields.size() > 25) {
                throw ApiException.invalidForm(
                        "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.", "embeds", index, "fields");
            }
            for (int f = 0; f < fields.size(); f++) {
                JsonNode field = fields.get(f);
                String fieldIndex = Integer.toString(f);
                if (field.path("name").asText("").isEmpty()
                        || field.path("value").asText("").isEmpty()) {
                    throw ApiException.invalidForm(
                            "BASE_TYPE_REQUIRED", "This field is required", "embeds", index, "fields", fieldIndex);
                }
                total += checkLength(field.path("name"), 256, "embeds", index, "fields", fieldIndex, "name");
                total += checkLength(field.path("value"), 1024, "embeds", index, "fields", fieldIndex, "value");
            }
            ObjectNode stored = embed.deepCopy();
            if (!stored.has("type")) {
                stored.put("type", "rich");
            }
            embeds.add(stored);
        }
        if (total > 6000) {
            throw ApiException.invalidForm(
                    "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000", "embeds");
        }
        return embeds;
    }

    private static int checkLength(JsonNode node, int max, String... path) {
        if (node.isMissingNode() || node.isNull()) {
            return 0;
        }
        int length = node.asText().length();
        if (length > max) {
            throw ApiException.invalidForm("BASE_TYPE_MAX_LENGTH", "Must be " + max + " or fewer in length.", path);
        }
        return length;
    }

    private record Outgoing(JsonNode payload, List<StandInAttachment> files) {}

    private static Outgoing fromMultipart(RestRequest request) {
        JsonNode payload = Json.object();
        List<StandInAttachment> files = new ArrayList<>();
        for (Multipart.Part part : Multipart.parse(request.body(), request.contentType())) {
            if ("payload_json".equals(part.name())) {
                try {
                    payload = Json.parse(part.data());
                } catch (IOException e) {
                    throw ApiException.invalidJson();
                }
            } else if (part.name() != null && part.name().startsWith("files[") && part.filename() != null) {
                if (part.data().length > MAX_UPLOAD_BYTES) {
                    throw ApiException.tooLarge();
                }
                files.add(new StandInAttachment(
                        Snowflakes.now(),
                        part.filename(),
                        MediaTypes.detect(part.filename(), part.data(), part.contentType()),
                        part.data().length,
                        part.data()));
            }
        }
        if (files.size() > MAX_FILES) {
            throw ApiException.invalidForm("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.", "files");
        }
        return new Outgoing(payload, files);
    }
}
