package com.valoratbot.discord;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.AccessRequirements;
import com.valoratbot.core.port.ChannelKind;
import com.valoratbot.core.port.CheckAccess;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.DiscordPermission;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;

/**
 * The gate before every action: guild, channels of that guild and of the right kind, the bot's
 * permissions there, then the requesting member's.
 *
 * <p>A channel of the wrong kind (a voice channel given to {@code purge}) is {@code invalid_payload}:
 * the channel exists, so {@code channel_not_found} would send the user looking for the wrong problem,
 * and the fix is in what the dashboard sent.
 */
final class DiscordAccess implements CheckAccess {

    private final Connection connection;

    DiscordAccess(Connection connection) {
        this.connection = connection;
    }

    /** Discord's channel types for each kind core names; exhaustive, so a new kind cannot be missed here. */
    static Set<ChannelType> typesOf(ChannelKind kind) {
        return switch (kind) {
            case TEXT -> EnumSet.of(ChannelType.TEXT, ChannelType.NEWS);
            case TEXT_ONLY -> EnumSet.of(ChannelType.TEXT);
            case VOICE -> EnumSet.of(ChannelType.VOICE, ChannelType.STAGE);
        };
    }

    @Override
    public Result<Done> check(CommandContext context, AccessRequirements requirements) {
        return connection.run(context, "access check", deadline -> {
            Guild guild = connection.guild(context.guildId());
            List<GuildChannel> channels = new ArrayList<>();
            Set<ChannelType> types = typesOf(requirements.channelKind());
            for (Snowflake id : requirements.channelIds()) {
                GuildChannel channel = connection.channel(guild, id);
                if (!types.contains(channel.getType())) {
                    throw DiscordFailure.of(
                            ErrorCode.INVALID_PAYLOAD,
                            "channel_wrong_type",
                            "#" + channel.getName(),
                            Text.of(requirements.channelKind().messageKey()));
                }
                channels.add(channel);
            }

            List<GuildChannel> scopes = channels.isEmpty() ? java.util.Collections.singletonList(null) : channels;
            for (GuildChannel scope : scopes) {
                List<DiscordPermission> missing =
                        Permissions.missing(requirements.bot(), held(guild.getSelfMember(), scope));
                if (!missing.isEmpty()) {
                    throw DiscordFailure.of(
                            ErrorCode.MISSING_PERMISSIONS,
                            "missing_permissions",
                            Permissions.displayNames(missing),
                            Connection.where(scope));
                }
            }

            if (context.requestedBy().isPresent()) {
                Member requester = requester(guild, context.requestedBy().get(), deadline);
                // A bot (this one included) cannot be the person who asked: its permissions would let
                // any row naming it purge or lock, and the audit log would then blame the bot.
                if (requester.getUser().isBot()) {
                    throw DiscordFailure.of(
                            ErrorCode.FORBIDDEN,
                            "requester_bot",
                            context.requestedBy().get().toString());
                }
                for (GuildChannel scope : scopes) {
                    List<DiscordPermission> missing =
                            Permissions.missing(requirements.requester(), held(requester, scope));
                    if (!missing.isEmpty()) {
                        throw DiscordFailure.of(ErrorCode.FORBIDDEN, "forbidden", Permissions.displayNames(missing));
                    }
                }
            }
            return Done.DONE;
        });
    }

    private static EnumSet<Permission> held(Member member, GuildChannel scope) {
        return scope == null ? member.getPermissions() : member.getPermissions(scope);
    }

    /**
     * Always asked of Discord, never taken from the cache: without the privileged members intent the
     * bot hears of no role change, and a cached member could keep a permission they lost. Someone who
     * is not (or no longer) a member gets {@code forbidden} ({@code requester_not_member}).
     */
    private Member requester(Guild guild, Snowflake userId, Connection.Deadline deadline) {
        return connection.await(guild.retrieveMemberById(userId.value()).useCache(false), deadline, null);
    }
}
