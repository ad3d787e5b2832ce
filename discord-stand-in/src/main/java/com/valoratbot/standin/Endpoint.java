package com.valoratbot.standin;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Discord HTTP routes the stand-in answers, by method and path template (below {@code /api/v10}).
 * {@link #key()} is the name used in the request log and in rate-limit configuration.
 */
enum Endpoint {
    GET_GATEWAY("GET", "/gateway"),
    GET_GATEWAY_BOT("GET", "/gateway/bot"),
    GET_SELF("GET", "/users/@me"),
    GET_USER("GET", "/users/{user_id}"),
    GET_GUILD("GET", "/guilds/{guild_id}"),
    GET_GUILD_CHANNELS("GET", "/guilds/{guild_id}/channels"),
    GET_GUILD_ROLES("GET", "/guilds/{guild_id}/roles"),
    LIST_MEMBERS("GET", "/guilds/{guild_id}/members"),
    GET_MEMBER("GET", "/guilds/{guild_id}/members/{user_id}"),
    GET_CHANNEL("GET", "/channels/{channel_id}"),
    MODIFY_CHANNEL("PATCH", "/channels/{channel_id}"),
    EDIT_PERMISSIONS("PUT", "/channels/{channel_id}/permissions/{overwrite_id}"),
    DELETE_PERMISSIONS("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}"),
    GET_MESSAGES("GET", "/channels/{channel_id}/messages"),
    CREATE_MESSAGE("POST", "/channels/{channel_id}/messages"),
    BULK_DELETE("POST", "/channels/{channel_id}/messages/bulk-delete"),
    GET_MESSAGE("GET", "/channels/{channel_id}/messages/{message_id}"),
    DELETE_MESSAGE("DELETE", "/channels/{channel_id}/messages/{message_id}");

    /** Outcome of matching a path: an endpoint with its parameters, a known path with another method, or nothing. */
    sealed interface Match {}

    record Found(Endpoint endpoint, Map<String, String> params) implements Match {}

    record WrongMethod() implements Match {}

    record NoRoute() implements Match {}

    private final String method;
    private final String template;
    private final String[] segments;
    private final int literalSegments;

    Endpoint(String method, String template) {
        this.method = method;
        this.template = template;
        this.segments = template.substring(1).split("/");
        this.literalSegments =
                (int) Arrays.stream(segments).filter(s -> !s.startsWith("{")).count();
    }

    String method() {
        return method;
    }

    /** E.g. {@code POST /channels/{channel_id}/messages/bulk-delete}. */
    String key() {
        return method + " " + template;
    }

    /** The parameter Discord scopes rate limits by ("major parameter"), or null. */
    String majorParameter() {
        for (String segment : segments) {
            if (segment.equals("{channel_id}") || segment.equals("{guild_id}")) {
                return segment.substring(1, segment.length() - 1);
            }
        }
        return null;
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(Endpoint::key).toList();
    }

    /** Literal segments win over parameters, so {@code /messages/bulk-delete} never reads as a message id. */
    static Match match(String method, String path) {
        String[] parts = path.substring(1).split("/", -1);
        int bestLiterals = -1;
        Found best = null;
        for (Endpoint endpoint : values()) {
            Map<String, String> params = endpoint.bind(parts);
            if (params == null || endpoint.literalSegments < bestLiterals) {
                continue;
            }
            if (endpoint.literalSegments > bestLiterals) {
                bestLiterals = endpoint.literalSegments;
                best = null;
            }
            if (endpoint.method.equals(method)) {
                best = new Found(endpoint, params);
            }
        }
        if (best != null) {
            return best;
        }
        return bestLiterals >= 0 ? new WrongMethod() : new NoRoute();
    }

    private Map<String, String> bind(String[] parts) {
        if (parts.length != segments.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments[i];
            if (segment.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }
}
