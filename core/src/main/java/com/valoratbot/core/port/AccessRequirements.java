package com.valoratbot.core.port;

import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.Command.*;

import com.valoratbot.core.command.Snowflake;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static com.valoratbot.core.port.DiscordPermission.*;

/**
 * What each action needs, from the bot (to do it) and from the requesting member (to be allowed to
 * ask for it), and where: the channels its payload names and the kind they must be. Kept in core so
 * every adapter enforces the same policy.
 *
 * @param channelIds  the channels of the guild the command names; each must belong to the command's guild
 *                    and be of {@code channelKind}; empty means the permissions are checked guild-wide
 * @param channelKind the kind of channel each of {@code channelIds} must be
 */
public record AccessRequirements(List<Snowflake> channelIds, ChannelKind channelKind,
                                 Set<DiscordPermission> bot, Set<DiscordPermission> requester) {

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

    public static AccessRequirements of(Command command) {
        return permissions(command).in(command.channelIds(), channelKind(command));
    }

    private static ChannelKind channelKind(Command command) {
        return switch (command) {
            case Slowmode c -> ChannelKind.TEXT_ONLY;
            case Play c -> ChannelKind.VOICE;
            case Purge c -> ChannelKind.TEXT;
            case Lock c -> ChannelKind.TEXT;
            case Unlock c -> ChannelKind.TEXT;
            case Announce c -> ChannelKind.TEXT;
            case ScheduleAnnounce c -> ChannelKind.TEXT;
            case ScheduleLeaderboard c -> ChannelKind.TEXT;
            case PostLeaderboard c -> ChannelKind.TEXT;
            // No channel in the payload: the kind is never used.
            case ListTextChannels c -> ChannelKind.TEXT;
            case ListVoiceChannels c -> ChannelKind.TEXT;
            case ListScheduled c -> ChannelKind.TEXT;
            case CancelScheduled c -> ChannelKind.TEXT;
            case GetLeaderboard c -> ChannelKind.TEXT;
            case Pause c -> ChannelKind.TEXT;
            case Resume c -> ChannelKind.TEXT;
            case Skip c -> ChannelKind.TEXT;
            case Stop c -> ChannelKind.TEXT;
            case GetQueue c -> ChannelKind.TEXT;
            case RemoveFromQueue c -> ChannelKind.TEXT;
        };
    }

    private static AccessRequirements permissions(Command command) {
        return switch (command) {
            case ListTextChannels c -> new AccessRequirements(Set.of(), Set.of());
            case ListVoiceChannels c -> new AccessRequirements(Set.of(), Set.of());
            case Purge c -> new AccessRequirements(Set.of(VIEW_CHANNEL, READ_MESSAGE_HISTORY, MANAGE_MESSAGES), Set.of(MANAGE_MESSAGES));
            case Slowmode c -> new AccessRequirements(Set.of(VIEW_CHANNEL, MANAGE_CHANNELS), Set.of(MANAGE_CHANNELS));
            // Editing an overwrite needs Manage Roles (shown as "Manage Permissions" on a channel).
            case Lock c -> new AccessRequirements(Set.of(VIEW_CHANNEL, MANAGE_CHANNELS, MANAGE_ROLES), Set.of(MANAGE_CHANNELS));
            case Unlock c -> new AccessRequirements(Set.of(VIEW_CHANNEL, MANAGE_CHANNELS, MANAGE_ROLES), Set.of(MANAGE_CHANNELS));
            case Announce c -> new AccessRequirements(announce(c.announcement()), announceRequester(c.announcement()));
            case ScheduleAnnounce c -> new AccessRequirements(announce(c.announcement()), announceRequester(c.announcement()));
            case ListScheduled c -> new AccessRequirements(Set.of(), Set.of(MANAGE_GUILD));
            case CancelScheduled c -> new AccessRequirements(Set.of(), Set.of(MANAGE_GUILD));
            case ScheduleLeaderboard c -> new AccessRequirements(Set.of(VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES), Set.of(MANAGE_GUILD));
            case PostLeaderboard c -> new AccessRequirements(Set.of(VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES), Set.of(MANAGE_GUILD));
            case GetLeaderboard c -> new AccessRequirements(Set.of(), Set.of());
            case Play c -> new AccessRequirements(Set.of(VIEW_CHANNEL, CONNECT, SPEAK), Set.of(CONNECT));
            case Pause c -> new AccessRequirements(Set.of(), Set.of());
            case Resume c -> new AccessRequirements(Set.of(), Set.of());
            case Skip c -> new AccessRequirements(Set.of(), Set.of());
            case Stop c -> new AccessRequirements(Set.of(), Set.of());
            case GetQueue c -> new AccessRequirements(Set.of(), Set.of());
            case RemoveFromQueue c -> new AccessRequirements(Set.of(), Set.of());
        };
    }

    private static Set<DiscordPermission> announce(com.valoratbot.core.command.Announcement a) {
        EnumSet<DiscordPermission> needs = EnumSet.of(VIEW_CHANNEL, SEND_MESSAGES);
        if (a.embed().isPresent()) needs.add(EMBED_LINKS);
        if (a.allowedMentions().contains(com.valoratbot.core.command.Announcement.MentionKind.EVERYONE)) needs.add(MENTION_EVERYONE);
        return needs;
    }

    /** Pinging roles reaches as many people as @everyone: the requester needs the same permission for both. */
    private static Set<DiscordPermission> announceRequester(com.valoratbot.core.command.Announcement a) {
        EnumSet<DiscordPermission> needs = EnumSet.of(MANAGE_GUILD);
        if (a.allowedMentions().contains(com.valoratbot.core.command.Announcement.MentionKind.EVERYONE)
                || a.allowedMentions().contains(com.valoratbot.core.command.Announcement.MentionKind.ROLES)) needs.add(MENTION_EVERYONE);
        return needs;
    }
}
