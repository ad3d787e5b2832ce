package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Channel reads, Modify Channel (PATCH) and permission overwrites. */
final class ChannelEndpoints {

    private static final int MAX_SLOWMODE_SECONDS = 21_600;

    private final StandInState state;

    ChannelEndpoints(StandInState state) {
        this.state = state;
    }

    JsonNode get(RestRequest request) {
        long channelId = request.id("channel_id");
        return state.read(() -> {
            ChannelData channel = Access.channel(state, channelId);
            Access.visible(state, channel);
            return Payloads.channel(channel, true);
        });
    }

    /** Modify Channel: needs MANAGE_CHANNELS, plus MANAGE_ROLES when it rewrites permission overwrites. */
    JsonNode modify(RestRequest request) {
        long channelId = request.id("channel_id");
        JsonNode body = request.json();
        return state.write(() -> {
            ChannelData channel = Access.channel(state, channelId);
            long permissions = Access.visible(state, channel);
            Access.require(permissions, Permissions.MANAGE_CHANNELS);
            GuildData guild = state.guildData(channel.guildId);
            Changes changes = readChanges(body, guild, channel);
            if (changes.overwrites != null) {
                Access.require(permissions, Permissions.MANAGE_ROLES);
            }
            changes.applyTo(channel);
            state.recordAudit(guild.id, "CHANNEL_UPDATE", channel.id, request.auditReason());
            state.dispatchChannel(channel, "CHANNEL_UPDATE");
            return Payloads.channel(channel, true);
        });
    }

    /** Edit Channel Permissions: MANAGE_ROLES, and only bits the bot itself holds (Discord's anti-escalation rule). */
    JsonNode putOverwrite(RestRequest request) {
        long channelId = request.id("channel_id");
        long targetId = request.id("overwrite_id");
        JsonNode body = request.json();
        OverwriteType type = overwriteType(body.path("type"), "type");
        long allow = permissionBits(body.path("allow"), "allow");
        long deny = permissionBits(body.path("deny"), "deny");
        return state.write(() -> {
            ChannelData channel = Access.channel(state, channelId);
            Access.require(Access.visible(state, channel), Permissions.MANAGE_ROLES);
            GuildData guild = state.guildData(channel.guildId);
            long grantable = PermissionCalculator.grantableInOverwrites(guild, channel, state.botUserId());
            if (((allow | deny) & ~grantable) != 0) {
                throw ApiException.missingPermissions();
            }
            if (type == OverwriteType.ROLE && !guild.roles.containsKey(targetId)) {
                throw ApiException.unknownRole();
            }
            if (type == OverwriteType.MEMBER && !guild.members.containsKey(targetId)) {
                throw ApiException.unknownMember();
            }
            boolean existed = channel.overwrite(targetId) != null;
            channel.putOverwrite(new StandInOverwrite(targetId, type, allow, deny));
            state.recordAudit(
                    guild.id,
                    existed ? "CHANNEL_OVERWRITE_UPDATE" : "CHANNEL_OVERWRITE_CREATE",
                    channel.id,
                    request.auditReason());
            state.dispatchChannel(channel, "CHANNEL_UPDATE");
            return null;
        });
    }

    JsonNode deleteOverwrite(RestRequest request) {
        long channelId = request.id("channel_id");
        long targetId = request.id("overwrite_id");
        return state.write(() -> {
            ChannelData channel = Access.channel(state, channelId);
            Access.require(Access.visible(state, channel), Permissions.MANAGE_ROLES);
            if (!channel.removeOverwrite(targetId)) {
                throw ApiException.unknownOverwrite();
            }
            state.recordAudit(channel.guildId, "CHANNEL_OVERWRITE_DELETE", channel.id, request.auditReason());
            state.dispatchChannel(channel, "CHANNEL_UPDATE");
            return null;
        });
    }

    /** The validated fields of a PATCH, applied only once everything passed (Discord changes all or nothing). */
    private static final class Changes {
        String name;
        Integer rateLimitPerUser;
        boolean topicSet;
        String topic;
        Integer position;
        Long parentId;
        List<StandInOverwrite> overwrites;

        void applyTo(ChannelData channel) {
            if (name != null) {
                channel.name = name;
            }
            if (rateLimitPerUser != null) {
                channel.rateLimitPerUser = rateLimitPerUser;
            }
            if (topicSet) {
                channel.topic = topic;
            }
            if (position != null) {
                channel.position = position;
            }
            if (parentId != null) {
                channel.parentId = parentId;
            }
            if (overwrites != null) {
                channel.replaceOverwrites(overwrites);
            }
        }
    }

    private static Changes readChanges(JsonNode body, GuildData guild, ChannelData channel) {
        if (!body.isObject()) {
            throw ApiException.invalidJson();
        }
        Changes changes = new Changes();
        if (body.has("name")) {
            String name = body.path("name").asText("");
            if (!body.path("name").isTextual() || name.isEmpty() || name.length() > 100) {
                throw ApiException.invalidForm("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.", "name");
            }
            changes.name = name;
        }
        if (body.has("rate_limit_per_user")) {
            JsonNode value = body.path("rate_limit_per_user");
            if (channel.kind == ChannelKind.CATEGORY) {
                throw ApiException.wrongChannelType();
            }
            if (!value.canConvertToInt()) {
                throw ApiException.invalidForm(
                        "NUMBER_TYPE_COERCE", "Value \"" + value.asText() + "\" is not int.", "rate_limit_per_user");
            }
            int seconds = value.asInt();
            if (seconds < 0) {
                throw ApiException.invalidForm(
                        "NUMBER_TYPE_MIN", "Int value should be greater than or equal to 0.", "rate_limit_per_user");
            }
            if (seconds > MAX_SLOWMODE_SECONDS) {
                throw ApiException.invalidForm(
                        "NUMBER_TYPE_MAX",
                        "Int value should be less than or equal to " + MAX_SLOWMODE_SECONDS + ".",
                        "rate_limit_per_user");
            }
            changes.rateLimitPerUser = seconds;
        }
        if (body.has("topic")) {
            JsonNode topic = body.path("topic");
            if (!topic.isNull() && topic.asText().length() > 1024) {
                throw ApiException.invalidForm("BASE_TYPE_MAX_LENGTH", "Must be 1024 or fewer in length.", "topic");
            }
            changes.topicSet = true;
            changes.topic = topic.isNull() ? null : topic.asText();
        }
        if (body.hasNonNull("position")) {
            changes.position = body.path("position").asInt();
        }
        if (body.has("parent_id")) {
            JsonNode parent = body.path("parent_id");
            long parentId = parent.isNull() ? 0 : RestRequest.snowflake(parent.asText(), "parent_id");
            if (parentId != 0) {
                ChannelData category = guild.channels.get(parentId);
                if (category == null || category.kind != ChannelKind.CATEGORY) {
                    throw ApiException.invalidForm("CHANNEL_PARENT_INVALID_TYPE", "Not a category", "parent_id");
                }
            }
            changes.parentId = parentId;
        }
        if (body.has("permission_overwrites")) {
            JsonNode overwrites = body.path("permission_overwrites");
            if (!overwrites.isArray()) {
                throw ApiException.invalidForm("LIST_TYPE_CONVERT", "Must be an array.", "permission_overwrites");
            }
            changes.overwrites = new ArrayList<>();
            for (JsonNode overwrite : overwrites) {
                changes.overwrites.add(new StandInOverwrite(
                        RestRequest.snowflake(overwrite.path("id").asText(), "permission_overwrites"),
                        overwriteType(overwrite.path("type"), "permission_overwrites"),
                        permissionBits(overwrite.path("allow"), "permission_overwrites"),
                        permissionBits(overwrite.path("deny"), "permission_overwrites")));
            }
        }
        return changes;
    }

    private static OverwriteType overwriteType(JsonNode node, String field) {
        String raw = node.asText("");
        return switch (raw) {
            case "0", "role" -> OverwriteType.ROLE;
            case "1", "member" -> OverwriteType.MEMBER;
            default -> throw ApiException.invalidForm("BASE_TYPE_CHOICES", "Value must be one of {0, 1}.", field);
        };
    }

    /** Permission bitsets arrive as strings (Discord's format) or numbers (what JDA sends); absent means 0. */
    private static long permissionBits(JsonNode node, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return 0;
        }
        try {
            long bits = Long.parseLong(node.asText());
            if (bits < 0) {
                throw new NumberFormatException();
            }
            return bits;
        } catch (NumberFormatException e) {
            throw ApiException.invalidForm("NUMBER_TYPE_COERCE", "Value \"" + node.asText() + "\" is not int.", field);
        }
    }
}
