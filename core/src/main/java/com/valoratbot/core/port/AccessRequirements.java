package com.valoratbot.core.port;

import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.Command.*;

import java.util.EnumSet;
import java.util.Set;

import static com.valoratbot.core.port.DiscordPermission.*;

/**
 * What each action needs, from the bot (to do it) and from the requesting member (to be allowed to
 * ask for it). Kept in core so every adapter enforces the same policy.
 */
public record AccessRequirements(Set<DiscordPermission> bot, Set<DiscordPermission> requester) {

    public AccessRequirements {
        bot = Set.copyOf(bot);
        requester = Set.copyOf(requester);
    }

    public static AccessRequirements of(Command command) {
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
