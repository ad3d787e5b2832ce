package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Discord's JSON shapes for the stand-in's model, built fresh on every use so nothing large is retained.
 * Field lists follow what JDA 6's EntityBuilder reads; callers hold the state lock.
 */
final class Payloads {

    private static final Pattern USER_MENTION = Pattern.compile("<@!?(\\d{1,20})>");
    private static final Pattern ROLE_MENTION = Pattern.compile("<@&(\\d{1,20})>");

    private Payloads() {}

    static ObjectNode user(UserData user) {
        ObjectNode json = Json.object()
                .put("id", Json.id(user.id))
                .put("username", user.username)
                .put("discriminator", "0")
                .put("public_flags", 0)
                .put("bot", user.bot);
        json.put("global_name", user.globalName);
        json.putNull("avatar");
        return json;
    }

    static ObjectNode selfUser(UserData bot) {
        return user(bot)
                .put("verified", true)
                .put("mfa_enabled", false)
                .put("flags", 0)
                .put("locale", "en-US");
    }

    static ObjectNode role(RoleData role) {
        ObjectNode json = Json.object()
                .put("id", Json.id(role.id))
                .put("name", role.name)
                .put("permissions", Long.toString(role.permissions))
                .put("position", role.position)
                .put("color", 0)
                .put("hoist", false)
                .put("managed", role.managedByBotId != 0)
                .put("mentionable", false)
                .put("flags", 0);
        // JDA 6 reads the role-colours object, not the legacy "color" field.
        ObjectNode colors = json.putObject("colors").put("primary_color", 0);
        colors.putNull("secondary_color");
        colors.putNull("tertiary_color");
        json.putNull("icon");
        json.putNull("unicode_emoji");
        if (role.managedByBotId != 0) {
            json.putObject("tags").put("bot_id", Json.id(role.managedByBotId));
        }
        return json;
    }

    static ObjectNode channel(ChannelData channel, boolean withGuildId) {
        ObjectNode json = Json.object()
                .put("id", Json.id(channel.id))
                .put("type", channel.kind.discordType())
                .put("name", channel.name)
                .put("position", channel.position)
                .put("nsfw", false)
                .put("flags", 0);
        if (withGuildId) {
            json.put("guild_id", Json.id(channel.guildId));
        }
        if (channel.parentId != 0) {
            json.put("parent_id", Json.id(channel.parentId));
        } else {
            json.putNull("parent_id");
        }
        ArrayNode overwrites = json.putArray("permission_overwrites");
        for (StandInOverwrite overwrite : channel.overwrites()) {
            overwrites.add(overwrite(overwrite));
        }
        if (channel.kind != ChannelKind.CATEGORY) {
            json.put("rate_limit_per_user", channel.rateLimitPerUser);
            json.putNull("last_message_id");
        }
        switch (channel.kind) {
            case TEXT, ANNOUNCEMENT -> {
                json.put("topic", channel.topic);
                json.put("default_thread_rate_limit_per_user", 0);
            }
            case VOICE, STAGE -> {
                json.put("bitrate", 64_000).put("user_limit", 0);
                json.putNull("rtc_region");
            }
            case CATEGORY -> {}
        }
        return json;
    }

    static ObjectNode overwrite(StandInOverwrite overwrite) {
        return Json.object()
                .put("id", Json.id(overwrite.targetId()))
                .put("type", overwrite.type().discordType())
                .put("allow", Long.toString(overwrite.allow()))
                .put("deny", Long.toString(overwrite.deny()));
    }

    /** A guild member; {@code user} null leaves the user out, as Discord does inside MESSAGE_CREATE. */
    static ObjectNode member(MemberData member, UserData user) {
        ObjectNode json = Json.object();
        if (user != null) {
            json.set("user", user(user));
        }
        ArrayNode roles = json.putArray("roles");
        for (long roleId : member.roleIds) {
            roles.add(Json.id(roleId));
        }
        json.put("nick", member.nick);
        json.putNull("avatar");
        json.put("joined_at", Json.timestamp(member.joinedAt));
        json.putNull("premium_since");
        json.putNull("communication_disabled_until");
        json.put("deaf", false).put("mute", false).put("pending", false).put("flags", 0);
        return json;
    }

    static ObjectNode voiceState(long guildId, long userId, VoiceStateData state, String sessionId) {
        ObjectNode json = Json.object().put("guild_id", Json.id(guildId)).put("user_id", Json.id(userId));
        if (state == null) {
            json.putNull("channel_id");
        } else {
            json.put("channel_id", Json.id(state.channelId));
        }
        json.put("session_id", state != null ? state.sessionId : sessionId)
                .put("deaf", false)
                .put("mute", false)
                .put("self_deaf", state != null && state.selfDeaf)
                .put("self_mute", state != null && state.selfMute)
                .put("self_stream", false)
                .put("self_video", false)
                .put("suppress", false);
        json.putNull("request_to_speak_timestamp");
        return json;
    }

    /**
     * GUILD_CREATE. Without the GUILD_MEMBERS intent Discord only sends the bot itself and members in voice,
     * while {@code member_count} still counts everyone.
     */
    static ObjectNode guildCreate(GuildData guild, Map<Long, UserData> users, long botUserId, boolean allMembers) {
        ObjectNode json = guildFields(guild);
        ArrayNode channels = json.putArray("channels");
        for (ChannelData channel : guild.channels.values()) {
            channels.add(channel(channel, false));
        }
        ArrayNode members = json.putArray("members");
        for (MemberData member : guild.members.values()) {
            if (allMembers || member.userId == botUserId || guild.voiceStates.containsKey(member.userId)) {
                members.add(member(member, users.get(member.userId)));
            }
        }
        ArrayNode voiceStates = json.putArray("voice_states");
        guild.voiceStates.forEach((userId, state) -> {
            ObjectNode voice = voiceState(guild.id, userId, state, state.sessionId);
            voice.remove("guild_id");
            voiceStates.add(voice);
        });
        json.put("member_count", guild.members.size())
                .put("large", false)
                .put("unavailable", false)
                .put("joined_at", Json.timestamp(guild.botJoinedAt));
        json.putArray("threads");
        json.putArray("presences");
        json.putArray("guild_scheduled_events");
        json.putArray("stage_instances");
        json.putArray("soundboard_sounds");
        return json;
    }

    /** The guild object of GET /guilds/{id}. */
    static ObjectNode guildRest(GuildData guild) {
        return guildFields(guild)
                .put("approximate_member_count", guild.members.size())
                .put("approximate_presence_count", guild.approximatePresences);
    }

    private static ObjectNode guildFields(GuildData guild) {
        ObjectNode json = Json.object()
                .put("id", Json.id(guild.id))
                .put("name", guild.name)
                .put("owner_id", Json.id(guild.ownerId))
                .put("afk_timeout", guild.afkTimeout)
                .put("verification_level", 0)
                .put("default_message_notifications", 0)
                .put("explicit_content_filter", 0)
                .put("mfa_level", 0)
                .put("nsfw_level", 0)
                .put("premium_tier", 0)
                .put("premium_subscription_count", 0)
                .put("premium_progress_bar_enabled", false)
                .put("system_channel_flags", 0)
                .put("preferred_locale", "fr")
                .put("max_members", 500_000);
        json.putNull("icon");
        json.putNull("splash");
        json.putNull("banner");
        json.putNull("description");
        json.putNull("vanity_url_code");
        json.putNull("system_channel_id");
        json.putNull("rules_channel_id");
        json.putNull("public_updates_channel_id");
        json.putNull("safety_alerts_channel_id");
        if (guild.afkChannelId != 0) {
            json.put("afk_channel_id", Json.id(guild.afkChannelId));
        } else {
            json.putNull("afk_channel_id");
        }
        json.putArray("features");
        ArrayNode roles = json.putArray("roles");
        for (RoleData role : guild.roles.values()) {
            roles.add(role(role));
        }
        json.putArray("emojis");
        json.putArray("stickers");
        return json;
    }

    /**
     * A message object. {@code guild} non-null adds {@code guild_id} and the author's partial {@code member},
     * which Discord only includes in Gateway events.
     */
    static ObjectNode message(
            StandInMessage message, UserData author, GuildData guild, String attachmentBaseUrl, boolean forGateway) {
        ObjectNode json = Json.object()
                .put("id", Json.id(message.id()))
                .put("type", 0)
                .put("channel_id", Json.id(message.channelId()))
                .put("content", message.content())
                .put("timestamp", Json.timestamp(message.createdAt()))
                .put("tts", false)
                .put("pinned", message.pinned())
                .put("flags", 0);
        json.putNull("edited_timestamp");
        json.set("author", author != null ? user(author) : ghostAuthor(message));
        ArrayNode embeds = json.putArray("embeds");
        message.embeds().forEach(embeds::add);
        ArrayNode attachments = json.putArray("attachments");
        for (StandInAttachment attachment : message.attachments()) {
            attachments.add(attachment(message.channelId(), attachment, attachmentBaseUrl));
        }
        json.putArray("components");
        addMentions(json, message, guild);
        if (forGateway && guild != null) {
            json.put("guild_id", Json.id(guild.id));
            MemberData member = guild.members.get(message.authorId());
            if (member != null) {
                json.set("member", member(member, null));
            }
        }
        return json;
    }

    // Authors who left the guild (or never were members) still need a user object.
    private static ObjectNode ghostAuthor(StandInMessage message) {
        return user(new UserData(message.authorId(), message.authorName(), null, message.authorBot()));
    }

    static ObjectNode attachment(long channelId, StandInAttachment attachment, String attachmentBaseUrl) {
        String url = attachmentBaseUrl + channelId + "/" + attachment.id() + "/" + attachment.filename();
        ObjectNode json = Json.object()
                .put("id", Json.id(attachment.id()))
                .put("filename", attachment.filename())
                .put("size", attachment.size())
                .put("url", url)
                .put("proxy_url", url)
                .put("content_type", attachment.contentType());
        int[] size = PngSize.of(attachment.bytes());
        if (size != null) {
            json.put("width", size[0]).put("height", size[1]);
        }
        return json;
    }

    // Mentions are derived from the content and filtered by allowed_mentions the way Discord documents it:
    // no allowed_mentions means "parse everything", an explicit object only lets through what it lists.
    private static void addMentions(ObjectNode json, StandInMessage message, GuildData guild) {
        JsonNode allowed = message.allowedMentions();
        ArrayNode users = json.putArray("mentions");
        ArrayNode roles = json.putArray("mention_roles");
        boolean everyone = false;
        if (guild != null) {
            Matcher userMatcher = USER_MENTION.matcher(message.content());
            while (userMatcher.find()) {
                long userId = Long.parseUnsignedLong(userMatcher.group(1));
                MemberData member = guild.members.get(userId);
                if (member != null && mentionAllowed(allowed, "users", userId)) {
                    users.add(Json.object().put("id", Json.id(userId)));
                }
            }
            Matcher roleMatcher = ROLE_MENTION.matcher(message.content());
            while (roleMatcher.find()) {
                long roleId = Long.parseUnsignedLong(roleMatcher.group(1));
                if (guild.roles.containsKey(roleId) && mentionAllowed(allowed, "roles", roleId)) {
                    roles.add(Json.id(roleId));
                }
            }
            everyone = (message.content().contains("@everyone")
                            || message.content().contains("@here"))
                    && mentionAllowed(allowed, "everyone", 0);
        }
        json.put("mention_everyone", everyone);
    }

    private static boolean mentionAllowed(JsonNode allowed, String kind, long id) {
        if (allowed == null || allowed.isNull()) {
            return true;
        }
        JsonNode parse = allowed.path("parse");
        if (parse.isArray()) {
            for (JsonNode value : parse) {
                if (kind.equals(value.asText())) {
                    return true;
                }
            }
        }
        JsonNode explicit = allowed.path(kind);
        if (explicit.isArray()) {
            for (JsonNode value : explicit) {
                if (value.asText().equals(Json.id(id))) {
                    return true;
                }
            }
        }
        return false;
    }
}
