package com.valoratbot.core.schedule;

import com.valoratbot.core.command.Snowflake;

/**
 * Whether this worker holds a guild's Discord connection (its shard), and so is the one that should
 * post a scheduled announcement or leaderboard for it. A due job for a guild this worker does not
 * hold is left for another worker instead of being sent from here.
 */
@FunctionalInterface
public interface GuildPresence {

    boolean holds(Snowflake guildId);

    /** One worker connected to every guild: the default. */
    static GuildPresence everyGuild() {
        return guild -> true;
    }
}
