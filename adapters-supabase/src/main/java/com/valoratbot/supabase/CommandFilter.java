package com.valoratbot.supabase;

import java.util.Optional;

/**
 * What {@link CommandAdmin#list} shows: any of status, guild and action (all optional), newest
 * first, at most {@code limit} rows.
 */
public record CommandFilter(Optional<String> status, Optional<String> guildId, Optional<String> action, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 10_000;

    public CommandFilter {
        status = status == null
                ? Optional.empty()
                : status.filter(s -> !s.isBlank()).map(String::strip);
        guildId = guildId == null
                ? Optional.empty()
                : guildId.filter(s -> !s.isBlank()).map(String::strip);
        action = action == null
                ? Optional.empty()
                : action.filter(s -> !s.isBlank()).map(String::strip);
        if (limit < 1 || limit > MAX_LIMIT)
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }

    /** Everything, newest first, {@value #DEFAULT_LIMIT} rows. */
    public static CommandFilter all() {
        return new CommandFilter(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_LIMIT);
    }

    public CommandFilter withStatus(String v) {
        return new CommandFilter(Optional.ofNullable(v), guildId, action, limit);
    }

    public CommandFilter withGuild(String v) {
        return new CommandFilter(status, Optional.ofNullable(v), action, limit);
    }

    public CommandFilter withAction(String v) {
        return new CommandFilter(status, guildId, Optional.ofNullable(v), limit);
    }

    public CommandFilter withLimit(int v) {
        return new CommandFilter(status, guildId, action, v);
    }
}
