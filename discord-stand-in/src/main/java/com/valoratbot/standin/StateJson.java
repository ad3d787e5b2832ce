package com.valoratbot.standin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The JSON views served at {@code /_standin/state} and {@code /_standin/requests}. */
final class StateJson {

    private static final int BODY_PREVIEW_CHARS = 4096;

    private StateJson() {}

    static ObjectNode state(StandInState state, GatewayStats gateway, RequestLog requests, boolean withMessages) {
        ObjectNode json = Json.object();
        state.read(() -> {
            UserData bot = state.botUser();
            json.putObject("bot").put("id", Json.id(bot.id)).put("username", bot.username);
            ArrayNode guilds = json.putArray("guilds");
            for (GuildData guild : state.guildMap().values()) {
                guilds.add(guild(state, guild, withMessages));
            }
            return null;
        });
        json.putObject("gateway")
                .put("identifies", gateway.identifies())
                .put("resumes", gateway.resumes())
                .put("invalidated_sessions", gateway.invalidatedSessions())
                .put("open_connections", gateway.openConnections())
                .put("rate_limited_identifies", gateway.rateLimitedIdentifies());
        json.set("requests", requests.counts());
        return json;
    }

    private static ObjectNode guild(StandInState state, GuildData guild, boolean withMessages) {
        ObjectNode json = Json.object()
                .put("id", Json.id(guild.id))
                .put("name", guild.name)
                .put("owner_id", Json.id(guild.ownerId))
                .put("afk_timeout", guild.afkTimeout)
                .put("bot_role_id", Json.id(guild.botRoleId));
        json.put("afk_channel_id", guild.afkChannelId == 0 ? null : Json.id(guild.afkChannelId));
        ArrayNode roles = json.putArray("roles");
        guild.roles.values().forEach(role -> roles.add(Payloads.role(role)));
        ArrayNode channels = json.putArray("channels");
        for (ChannelData channel : guild.channels.values()) {
            ObjectNode channelJson = Payloads.channel(channel, false);
            channelJson.put("kind", channel.kind.name()).put("message_count", channel.messageCount());
            channelJson.put(
                    "bot_permissions",
                    Long.toString(PermissionCalculator.inChannel(guild, channel, state.botUserId())));
            if (withMessages && channel.messageCount() > 0) {
                ArrayNode messages = channelJson.putArray("messages");
                for (StandInMessage message : channel.messages().values()) {
                    messages.add(message(message));
                }
            }
            channels.add(channelJson);
        }
        ArrayNode members = json.putArray("members");
        guild.members
                .values()
                .forEach(m -> members.add(Payloads.member(m, state.userMap().get(m.userId))));
        ArrayNode voice = json.putArray("voice_states");
        guild.voiceStates.forEach((userId, v) -> voice.add(Payloads.voiceState(guild.id, userId, v, v.sessionId)));
        return json;
    }

    private static ObjectNode message(StandInMessage message) {
        ObjectNode json = Json.object()
                .put("id", Json.id(message.id()))
                .put("author_id", Json.id(message.authorId()))
                .put("author", message.authorName())
                .put("bot", message.authorBot())
                .put("content", message.content())
                .put("timestamp", Json.timestamp(message.createdAt()))
                .put("pinned", message.pinned());
        ArrayNode embeds = json.putArray("embeds");
        message.embeds().forEach(embeds::add);
        ArrayNode attachments = json.putArray("attachments");
        for (StandInAttachment attachment : message.attachments()) {
            attachments
                    .addObject()
                    .put("id", Json.id(attachment.id()))
                    .put("filename", attachment.filename())
                    .put("content_type", attachment.contentType())
                    .put("size", attachment.size());
        }
        if (message.allowedMentions() != null) {
            json.set("allowed_mentions", message.allowedMentions());
        }
        return json;
    }

    static ArrayNode requests(List<RecordedRequest> requests) {
        ArrayNode json = Json.array();
        for (RecordedRequest request : requests) {
            ObjectNode entry = json.addObject()
                    .put("at", request.at().toString())
                    .put("method", request.method())
                    .put("path", request.path())
                    .put("query", request.query())
                    .put("route", request.route())
                    .put("status", request.status());
            ObjectNode headers = entry.putObject("headers");
            request.headers().forEach((name, values) -> headers.put(name, String.join(", ", values)));
            entry.put("body_size", request.body().length);
            entry.put("body", preview(request));
        }
        return json;
    }

    // Bodies are shown as text when they are text (JSON), base64 otherwise, and cut to keep the page light.
    private static String preview(RecordedRequest request) {
        String contentType = request.header("content-type").orElse("");
        String text = contentType.startsWith("multipart/") || !isUtf8Text(request.body())
                ? "base64:" + Base64.getEncoder().encodeToString(request.body())
                : new String(request.body(), StandardCharsets.UTF_8);
        return text.length() > BODY_PREVIEW_CHARS ? text.substring(0, BODY_PREVIEW_CHARS) + "…" : text;
    }

    private static boolean isUtf8Text(byte[] body) {
        for (byte b : body) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }
}
