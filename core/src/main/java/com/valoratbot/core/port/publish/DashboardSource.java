package com.valoratbot.core.port.publish;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.publish.GuildFigures;
import com.valoratbot.core.publish.GuildListing;
import java.util.List;
import java.util.Optional;

/**
 * What the bot's Discord connection knows, for the dashboard's tables. Implemented on JDA in
 * adapters-discord ({@code DiscordDashboardSource}); called from the publisher's own threads, never from
 * the command path.
 */
public interface DashboardSource {

    /** The gateway's heartbeat round trip in milliseconds; empty while it is not connected. */
    Optional<Long> gatewayLatencyMillis();

    /** Every guild this worker's connection holds now. */
    List<GuildListing> guilds();

    /** A guild's figures, asking Discord for what the cache does not hold; empty when the bot is not in it. */
    Optional<GuildFigures> figures(Snowflake guildId);
}
