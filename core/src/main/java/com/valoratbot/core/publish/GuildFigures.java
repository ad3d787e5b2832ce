package com.valoratbot.core.publish;

import com.valoratbot.core.command.Snowflake;
import java.util.Objects;

/**
 * One guild's figures for a {@code guild_snapshot} row.
 *
 * @param membersTotal    every member, as Discord counts them (bots included, as Discord's own count)
 * @param membersOnline   Discord's approximate presence count (GET /guilds/{id}?with_counts=true): without the
 *                        privileged GUILD_PRESENCES intent no exact figure exists; -1 when Discord gave none
 * @param voiceInChannels people (not bots) connected to one of the guild's voice or stage channels
 */
public record GuildFigures(Snowflake guildId, int membersTotal, int membersOnline, int voiceInChannels) {

    public GuildFigures {
        Objects.requireNonNull(guildId, "guildId");
    }
}
