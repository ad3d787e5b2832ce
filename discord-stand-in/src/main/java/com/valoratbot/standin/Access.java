package com.valoratbot.standin;

/**
 * The lookups and permission checks every endpoint starts with, in Discord's order: unknown channel (404),
 * cannot see it (403 Missing Access), lacks the route's permission (403 Missing Permissions).
 * Callers hold the state lock; the acting user is always the bot.
 */
final class Access {

    private Access() {}

    static ChannelData channel(StandInState state, long channelId) {
        ChannelData channel = state.findChannel(channelId);
        if (channel == null) {
            throw ApiException.unknownChannel();
        }
        return channel;
    }

    static GuildData guild(StandInState state, long guildId) {
        GuildData guild = state.findGuild(guildId);
        if (guild == null) {
            throw ApiException.unknownGuild();
        }
        return guild;
    }

    /** The bot's permissions in a channel it must be able to see. */
    static long visible(StandInState state, ChannelData channel) {
        long permissions = PermissionCalculator.inChannel(state.guildData(channel.guildId), channel, state.botUserId());
        if ((permissions & Permissions.VIEW_CHANNEL) == 0) {
            throw ApiException.missingAccess();
        }
        return permissions;
    }

    static void require(long granted, long required) {
        if (!Permissions.has(granted, required)) {
            throw ApiException.missingPermissions();
        }
    }
}
