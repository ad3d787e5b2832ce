package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.function.Supplier;

/** Users, gateway discovery and guild reads. */
final class GuildEndpoints {

    private final StandInState state;
    private final Supplier<String> gatewayUrl;
    private final Supplier<? extends JsonNode> gatewayBot;

    GuildEndpoints(StandInState state, Supplier<String> gatewayUrl, Supplier<? extends JsonNode> gatewayBot) {
        this.state = state;
        this.gatewayUrl = gatewayUrl;
        this.gatewayBot = gatewayBot;
    }

    JsonNode self(RestRequest request) {
        return state.read(() -> Payloads.selfUser(state.botUser()));
    }

    JsonNode user(RestRequest request) {
        long userId = request.id("user_id");
        return state.read(() -> {
            UserData user = state.userMap().get(userId);
            if (user == null) {
                throw ApiException.unknownUser();
            }
            return Payloads.user(user);
        });
    }

    JsonNode gateway(RestRequest request) {
        return Json.object().put("url", gatewayUrl.get());
    }

    /** Shard count and session start limit come from the Gateway side, which knows the sharding rules. */
    JsonNode gatewayBot(RestRequest request) {
        return gatewayBot.get();
    }

    JsonNode guild(RestRequest request) {
        long guildId = request.id("guild_id");
        return state.read(() -> Payloads.guildRest(Access.guild(state, guildId)));
    }

    JsonNode channels(RestRequest request) {
        long guildId = request.id("guild_id");
        return state.read(() -> {
            ArrayNode channels = Json.array();
            Access.guild(state, guildId).channels.values().forEach(c -> channels.add(Payloads.channel(c, true)));
            return channels;
        });
    }

    JsonNode roles(RestRequest request) {
        long guildId = request.id("guild_id");
        return state.read(() -> {
            ArrayNode roles = Json.array();
            Access.guild(state, guildId).roles.values().forEach(r -> roles.add(Payloads.role(r)));
            return roles;
        });
    }

    JsonNode member(RestRequest request) {
        long guildId = request.id("guild_id");
        long userId = request.id("user_id");
        return state.read(() -> {
            MemberData member = Access.guild(state, guildId).members.get(userId);
            if (member == null) {
                throw ApiException.unknownMember();
            }
            return Payloads.member(member, state.userMap().get(userId));
        });
    }

    /** List Guild Members: ascending user ids after {@code after}, {@code limit} 1–1000 (default 1). */
    JsonNode members(RestRequest request) {
        long guildId = request.id("guild_id");
        int limit = intQuery(request, "limit", 1, 1, 1000);
        long after = request.query().containsKey("after")
                ? RestRequest.snowflake(request.query().get("after"), "after")
                : 0;
        return state.read(() -> {
            GuildData guild = Access.guild(state, guildId);
            ArrayNode members = Json.array();
            guild.members.values().stream()
                    .filter(m -> Long.compareUnsigned(m.userId, after) > 0)
                    .sorted((a, b) -> Long.compareUnsigned(a.userId, b.userId))
                    .limit(limit)
                    .forEach(m -> members.add(Payloads.member(m, state.userMap().get(m.userId))));
            return members;
        });
    }

    static int intQuery(RestRequest request, String name, int defaultValue, int min, int max) {
        String raw = request.query().get(name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ApiException.invalidForm("NUMBER_TYPE_COERCE", "Value \"" + raw + "\" is not int.", name);
        }
        if (value < min) {
            throw ApiException.invalidForm(
                    "NUMBER_TYPE_MIN", "Int value should be greater than or equal to " + min + ".", name);
        }
        if (value > max) {
            throw ApiException.invalidForm(
                    "NUMBER_TYPE_MAX", "Int value should be less than or equal to " + max + ".", name);
        }
        return value;
    }
}
