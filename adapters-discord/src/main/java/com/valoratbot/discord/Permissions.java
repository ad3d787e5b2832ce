package com.valoratbot.discord;

import com.valoratbot.core.port.DiscordPermission;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.Permission;

/** Core's permission names and JDA's, and the set the bot asks for when it is invited. */
final class Permissions {

    /** The bits {@code lock} denies to @everyone and {@code unlock} gives back. */
    static final EnumSet<Permission> LOCKED = EnumSet.of(
            Permission.MESSAGE_SEND,
            Permission.MESSAGE_SEND_IN_THREADS,
            Permission.CREATE_PUBLIC_THREADS,
            Permission.CREATE_PRIVATE_THREADS);

    static final long LOCKED_RAW = Permission.getRaw(LOCKED);

    private Permissions() {}

    static Permission jda(DiscordPermission permission) {
        return switch (permission) {
            case VIEW_CHANNEL -> Permission.VIEW_CHANNEL;
            case SEND_MESSAGES -> Permission.MESSAGE_SEND;
            case SEND_MESSAGES_IN_THREADS -> Permission.MESSAGE_SEND_IN_THREADS;
            case CREATE_PUBLIC_THREADS -> Permission.CREATE_PUBLIC_THREADS;
            case CREATE_PRIVATE_THREADS -> Permission.CREATE_PRIVATE_THREADS;
            case EMBED_LINKS -> Permission.MESSAGE_EMBED_LINKS;
            case ATTACH_FILES -> Permission.MESSAGE_ATTACH_FILES;
            case READ_MESSAGE_HISTORY -> Permission.MESSAGE_HISTORY;
            case MANAGE_MESSAGES -> Permission.MESSAGE_MANAGE;
            case MANAGE_CHANNELS -> Permission.MANAGE_CHANNEL;
            // The same bit as MANAGE_PERMISSIONS: Discord names it "Manage Permissions" on a channel.
            case MANAGE_ROLES -> Permission.MANAGE_ROLES;
            case MENTION_EVERYONE -> Permission.MESSAGE_MENTION_EVERYONE;
            case MANAGE_GUILD -> Permission.MANAGE_SERVER;
            case CONNECT -> Permission.VOICE_CONNECT;
            case SPEAK -> Permission.VOICE_SPEAK;
        };
    }

    /**
     * What the bot itself needs somewhere for every action this project has: the union of
     * core's {@code AccessRequirements.bot()} sets, plus the thread permissions {@code lock} denies
     * (Discord only lets a bot set overwrite bits it holds itself). Manage Server is only ever asked
     * of the requesting member, never of the bot.
     */
    static final Set<Permission> INVITE = Set.copyOf(EnumSet.of(
            Permission.VIEW_CHANNEL,
            Permission.MESSAGE_SEND,
            Permission.MESSAGE_SEND_IN_THREADS,
            Permission.CREATE_PUBLIC_THREADS,
            Permission.CREATE_PRIVATE_THREADS,
            Permission.MESSAGE_EMBED_LINKS,
            Permission.MESSAGE_ATTACH_FILES,
            Permission.MESSAGE_HISTORY,
            Permission.MESSAGE_MANAGE,
            Permission.MANAGE_CHANNEL,
            Permission.MANAGE_ROLES,
            Permission.MESSAGE_MENTION_EVERYONE,
            Permission.VOICE_CONNECT,
            Permission.VOICE_SPEAK));

    /** "Manage Messages, Read Message History", in core's order (the enum's), for a reason text. */
    static String displayNames(Collection<DiscordPermission> permissions) {
        return permissions.stream().sorted().map(DiscordPermission::displayName).collect(Collectors.joining(", "));
    }

    static List<DiscordPermission> missing(Collection<DiscordPermission> needed, EnumSet<Permission> held) {
        if (held.contains(Permission.ADMINISTRATOR)) return List.of();
        return needed.stream().filter(p -> !held.contains(jda(p))).sorted().toList();
    }
}
