package com.valoratbot.standin;

import static com.valoratbot.standin.Permissions.ADMINISTRATOR;
import static com.valoratbot.standin.Permissions.ALL;
import static com.valoratbot.standin.Permissions.ATTACH_FILES;
import static com.valoratbot.standin.Permissions.EMBED_LINKS;
import static com.valoratbot.standin.Permissions.MENTION_EVERYONE;
import static com.valoratbot.standin.Permissions.SEND_MESSAGES;
import static com.valoratbot.standin.Permissions.SEND_TTS_MESSAGES;
import static com.valoratbot.standin.Permissions.VIEW_CHANNEL;

/**
 * Discord's documented permission algorithm ("Permission Hierarchy" in the developer docs).
 * Callers hold the state lock.
 */
final class PermissionCalculator {

    private PermissionCalculator() {}

    /** Guild-level permissions: the owner and ADMINISTRATOR holders get everything. */
    static long base(GuildData guild, long userId) {
        if (guild.ownerId == userId) {
            return ALL;
        }
        MemberData member = guild.members.get(userId);
        if (member == null) {
            return 0;
        }
        RoleData everyone = guild.everyoneRole();
        long permissions = everyone == null ? 0 : everyone.permissions;
        for (long roleId : member.roleIds) {
            RoleData role = guild.roles.get(roleId);
            if (role != null) {
                permissions |= role.permissions;
            }
        }
        return (permissions & ADMINISTRATOR) != 0 ? ALL : permissions;
    }

    /**
     * What a member may allow or deny in a channel's overwrites. Discord: "only permissions your bot has
     * in the guild or parent channel (if applicable) can be allowed/denied (unless your bot has a
     * MANAGE_ROLES overwrite in the channel)". Checking the channel's own permissions instead would
     * forbid an unlock from giving back a bit the lock itself took away.
     */
    static long grantableInOverwrites(GuildData guild, ChannelData channel, long userId) {
        long base = base(guild, userId);
        if (base == ALL || hasManageRolesOverwrite(guild, channel, userId)) {
            return ALL;
        }
        ChannelData parent = channel.parentId == 0 ? null : guild.channels.get(channel.parentId);
        return parent == null ? base : inChannel(guild, parent, userId);
    }

    private static boolean hasManageRolesOverwrite(GuildData guild, ChannelData channel, long userId) {
        MemberData member = guild.members.get(userId);
        if (member == null) {
            return false;
        }
        for (StandInOverwrite overwrite : channel.overwrites()) {
            boolean applies = overwrite.type() == OverwriteType.MEMBER
                    ? overwrite.targetId() == userId
                    : java.util.Arrays.stream(member.roleIds).anyMatch(role -> role == overwrite.targetId());
            if (applies && (overwrite.allow() & Permissions.MANAGE_ROLES) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Channel permissions: @everyone overwrite, then all role overwrites together, then the member's own. */
    static long inChannel(GuildData guild, ChannelData channel, long userId) {
        long base = base(guild, userId);
        if (base == ALL) {
            return ALL;
        }
        MemberData member = guild.members.get(userId);
        if (member == null) {
            return 0;
        }
        long permissions = base;
        StandInOverwrite everyone = channel.overwrite(guild.id);
        if (everyone != null) {
            permissions = (permissions & ~everyone.deny()) | everyone.allow();
        }
        long roleAllow = 0;
        long roleDeny = 0;
        for (long roleId : member.roleIds) {
            StandInOverwrite overwrite = channel.overwrite(roleId);
            if (overwrite != null && overwrite.type() == OverwriteType.ROLE) {
                roleAllow |= overwrite.allow();
                roleDeny |= overwrite.deny();
            }
        }
        permissions = (permissions & ~roleDeny) | roleAllow;
        StandInOverwrite own = channel.overwrite(userId);
        if (own != null && own.type() == OverwriteType.MEMBER) {
            permissions = (permissions & ~own.deny()) | own.allow();
        }
        return applyImplicitDenials(channel, permissions);
    }

    // Discord's implicit permissions: without VIEW_CHANNEL nothing else applies in the channel, and without
    // SEND_MESSAGES the permissions that only qualify a message (embeds, files, @everyone, TTS) are void.
    private static long applyImplicitDenials(ChannelData channel, long permissions) {
        if ((permissions & VIEW_CHANNEL) == 0) {
            return 0;
        }
        if (channel.kind.holdsMessages() && (permissions & SEND_MESSAGES) == 0) {
            permissions &= ~(SEND_TTS_MESSAGES | EMBED_LINKS | ATTACH_FILES | MENTION_EVERYONE);
        }
        return permissions;
    }
}
