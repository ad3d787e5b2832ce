package com.valoratbot.core.publish;

import com.valoratbot.core.command.Snowflake;
import java.util.Objects;
import java.util.Optional;

/** A guild the bot is in, as a {@code bot_guilds} row shows it. {@code icon} is Discord's icon URL, if any. */
public record GuildListing(Snowflake guildId, String name, Optional<String> icon, int memberCount) {

    public GuildListing {
        Objects.requireNonNull(guildId, "guildId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(icon, "icon");
    }
}
