package com.valoratbot.core.port.schedule;

import com.valoratbot.core.command.Snowflake;
import java.util.Optional;
import java.util.Set;

/**
 * Whether this worker holds a guild's Discord connection (its shard), and so is the one that should
 * post a scheduled announcement or leaderboard for it. A due job for a guild this worker does not
 * hold is left for another worker instead of being sent from here.
 */
@FunctionalInterface
public interface GuildPresence {

    boolean holds(Snowflake guildId);

    /**
     * Whether the bot is certainly not in the guild, so a command for it may be answered
     * {@code guild_not_found} without running. Must be false whenever the answer is unsure (the
     * gateway reconnecting, Discord's outage for that guild): the command then runs and the Discord
     * adapter's own waits decide (review finding 3). The default suits implementations that are
     * never unsure.
     */
    default boolean certainlyAbsent(Snowflake guildId) {
        return !holds(guildId);
    }

    /**
     * Every guild this worker's session holds (available or not), when it is sure of them all;
     * empty when unsure (not connected, reconnecting) or when the implementation cannot list them.
     * A guild outside a non-empty answer must be {@link #certainlyAbsent} at that moment: the queue
     * answers rows created before the look {@code guild_not_found} in bulk, in SQL (issue 9).
     */
    default Optional<Set<Snowflake>> heldGuilds() {
        return Optional.empty();
    }

    /** One worker connected to every guild: the default. */
    static GuildPresence everyGuild() {
        return guild -> true;
    }
}
