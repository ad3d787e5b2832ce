package com.valoratbot.core.port;

import com.valoratbot.core.command.Snowflake;
import java.util.List;
import java.util.Set;

/**
 * What each action needs, from the bot (to do it) and from the requesting member (to be allowed to
 * ask for it), and where: the channels its payload names and the kind they must be. Each built-in
 * action's are decided in core ({@code core.run.BuiltInActions}), a custom action's by the action,
 * so every adapter enforces the same policy.
 *
 * @param channelIds  the channels of the guild the command names; each must belong to the command's guild
 *                    and be of {@code channelKind}; empty means the permissions are checked guild-wide
 * @param channelKind the kind of channel each of {@code channelIds} must be
 */
public record AccessRequirements(
        List<Snowflake> channelIds,
        ChannelKind channelKind,
        Set<DiscordPermission> bot,
        Set<DiscordPermission> requester) {

    /** Nothing asked of anyone, guild-wide. */
    public static final AccessRequirements NONE = new AccessRequirements(Set.of(), Set.of());

    public AccessRequirements {
        channelIds = List.copyOf(channelIds);
        java.util.Objects.requireNonNull(channelKind, "channelKind");
        bot = Set.copyOf(bot);
        requester = Set.copyOf(requester);
    }

    /** Guild-wide permissions, no channel. */
    public AccessRequirements(Set<DiscordPermission> bot, Set<DiscordPermission> requester) {
        this(List.of(), ChannelKind.TEXT, bot, requester);
    }

    /** The same permissions, checked in {@code channels}, each of {@code kind}. */
    public AccessRequirements in(List<Snowflake> channels, ChannelKind kind) {
        return new AccessRequirements(channels, kind, bot, requester);
    }
}
