package com.valoratbot.discord;

import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.ListChannels;
import com.valoratbot.core.result.Result;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.ChannelType;

/**
 * Channel lists from JDA's cache (kept current by the gateway), in the order Discord's client shows
 * them: {@code Guild#getChannels} sorts by category, then position. Channels the bot cannot see are
 * left out: it could not act in them, and listing them would show private channels' names on the
 * dashboard.
 */
final class DiscordChannels implements ListChannels {

    private static final Set<ChannelType> TEXT = EnumSet.of(ChannelType.TEXT, ChannelType.NEWS);
    private static final Set<ChannelType> VOICE = EnumSet.of(ChannelType.VOICE, ChannelType.STAGE);

    private final Connection connection;

    DiscordChannels(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Result<List<ChannelSummary>> textChannels(CommandContext context) {
        return list(context, TEXT);
    }

    @Override
    public Result<List<ChannelSummary>> voiceChannels(CommandContext context) {
        return list(context, VOICE);
    }

    private Result<List<ChannelSummary>> list(CommandContext context, Set<ChannelType> types) {
        return connection.run(context, "channel list", deadline -> {
            Guild guild = connection.guild(context.guildId());
            return guild.getChannels(false).stream()
                    .filter(c -> types.contains(c.getType()))
                    .map(c -> new ChannelSummary(
                            c.getId(), c.getName(), c.getType().getId()))
                    .toList();
        });
    }
}
