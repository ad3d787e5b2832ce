package com.valoratbot.discord;

import com.valoratbot.core.command.Command.Lock;
import com.valoratbot.core.command.Command.Slowmode;
import com.valoratbot.core.command.Command.Unlock;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.DiscordPermission;
import com.valoratbot.core.port.ModerateChannels;
import com.valoratbot.core.port.RememberLocks;
import com.valoratbot.core.port.RememberLocks.SavedOverwrite;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.PermissionOverride;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.entities.channel.attribute.IPermissionContainer;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slowmode, lock and unlock. A lock denies {@link Permissions#LOCKED} to @everyone in one channel and
 * touches no other overwrite; what @everyone had before is remembered first (once: locking twice
 * keeps the first memory), so unlock gives back exactly those bits, or removes the overwrite when
 * there was none. Bits of @everyone's overwrite outside the lock's, changed by someone while the
 * channel was locked, are kept. An empty @everyone overwrite (nothing allowed or denied) counts as
 * none, as in JDA's cache and Discord's client, which both drop it.
 *
 * <p>Both decide from @everyone's overwrite as Discord has it at that moment, read over REST, never
 * from JDA's cache: with several workers, the previous command on the channel may have run on
 * another worker whose write this worker's gateway has not delivered yet, and staff may edit the
 * channel in Discord at any time. The memory of the state before the lock is shared by all workers
 * in the database. "Locked" means @everyone is denied Send Messages; after a lock the channel is
 * locked and after an unlock it is not, whatever the cache or the memory held.
 *
 * <p>Overwrites are written with plain requests on JDA's public routes ({@link DiscordRest}) rather
 * than JDA's {@code PermissionOverrideAction}: that one refuses, client-side, to change a bit the bot
 * lacks in the channel, which after a lock includes Send Messages when the bot had it only through
 * @everyone, so it could never unlock; and it seeds the bits it does not set from the cache. Discord's
 * own rule (bits the bot holds in the guild) is checked instead.
 * After each write the adapter waits briefly for the gateway's channel update so that this worker's
 * access checks for the next command see the new overwrite.
 */
final class DiscordModeration implements ModerateChannels {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordModeration.class);
    private static final Duration CACHE_CATCH_UP = Duration.ofSeconds(3);
    private static final int ROLE = 0;
    private static final SavedOverwrite NONE = new SavedOverwrite(false, 0, 0);

    private final Connection connection;
    private final RememberLocks locks;

    DiscordModeration(Connection connection, RememberLocks locks) {
        this.connection = connection;
        this.locks = locks;
    }

    @Override
    public Result<Done> slowmode(CommandContext context, Slowmode slowmode) {
        return connection.run(context, "slowmode", deadline -> {
            TextChannel channel = connection.channel(
                    context.guildId(), slowmode.channelId(), TextChannel.class, "channel_kind.text_only");
            connection.await(
                    () -> channel.getManager()
                            .setSlowmode(slowmode.durationSeconds())
                            .reason(Reasons.of(context, "slowmode " + slowmode.durationSeconds() + "s")),
                    deadline,
                    channel);
            return Done.DONE;
        });
    }

    @Override
    public Result<Done> lock(CommandContext context, Lock lock) {
        return connection.run(context, "lock", deadline -> {
            Target t = target(context, lock.channelId(), deadline);
            long bits = lockableBits(t.guild(), t.channel());
            // A channel already locked (by staff, or by a lock whose memory is gone) is remembered as
            // if its lock bits were unset: remembering "locked" as the state before the lock would
            // make every later unlock lock the channel again, for good.
            locks.rememberIfAbsent(
                    context.guildId(), lock.channelId(), isLocked(t.now()) ? unlocked(t.now()) : t.now());

            long allow = t.now().allow() & ~bits;
            long deny = t.now().deny() | bits;
            if (t.now().existed() && allow == t.now().allow() && deny == t.now().deny())
                return Done.DONE; // already locked, in Discord
            put(t.channel(), t.everyone(), allow, deny, Reasons.of(context, "lock"), deadline);
            awaitCache(t.guild().getIdLong(), lock.channelId(), t.everyone().getIdLong(), true, allow, deny, deadline);
            return Done.DONE;
        });
    }

    @Override
    public Result<Done> unlock(CommandContext context, Unlock unlock) {
        return connection.run(context, "unlock", deadline -> {
            Target t = target(context, unlock.channelId(), deadline);
            var saved = locks.recall(context.guildId(), unlock.channelId());
            if (saved.isEmpty() && !isLocked(t.now())) return Done.DONE; // not locked: nothing to give back
            // Nothing remembered but locked in Discord (staff locked it by hand, or the memory was
            // lost): the contract's unlock gives sending back, so the lock bits' denies are lifted.
            SavedOverwrite before = saved.orElse(new SavedOverwrite(false, 0, 0));
            long allow = (t.now().allow() & ~Permissions.LOCKED_RAW) | (before.allow() & Permissions.LOCKED_RAW);
            long deny = (t.now().deny() & ~Permissions.LOCKED_RAW) | (before.deny() & Permissions.LOCKED_RAW);
            String reason = Reasons.of(context, "unlock");

            if (!before.existed() && allow == 0 && deny == 0) {
                if (t.now().existed()) {
                    delete(t.channel(), t.everyone(), reason, deadline);
                    awaitCache(
                            t.guild().getIdLong(),
                            unlock.channelId(),
                            t.everyone().getIdLong(),
                            false,
                            0,
                            0,
                            deadline);
                }
            } else if (!t.now().existed() || t.now().allow() != allow || t.now().deny() != deny) {
                put(t.channel(), t.everyone(), allow, deny, reason, deadline);
                awaitCache(
                        t.guild().getIdLong(),
                        unlock.channelId(),
                        t.everyone().getIdLong(),
                        true,
                        allow,
                        deny,
                        deadline);
            }
            if (saved.isPresent()) locks.forget(context.guildId(), unlock.channelId());
            return Done.DONE;
        });
    }

    /** What lock and unlock both start from: the channel, its guild's @everyone and that role's overwrite now. */
    private record Target(Guild guild, IPermissionContainer channel, Role everyone, SavedOverwrite now) {}

    private Target target(CommandContext context, Snowflake channelId, Connection.Deadline deadline) {
        Guild guild = connection.guild(context.guildId());
        IPermissionContainer channel = container(connection.channel(guild, channelId));
        Role everyone = guild.getPublicRole();
        return new Target(guild, channel, everyone, everyoneNow(channel, everyone, deadline));
    }

    private static SavedOverwrite unlocked(SavedOverwrite overwrite) {
        long deny = overwrite.deny() & ~Permissions.LOCKED_RAW;
        return (overwrite.allow() | deny) == 0 ? NONE : new SavedOverwrite(true, overwrite.allow(), deny);
    }

    /** Locked as far as the dashboard is concerned: @everyone may not send messages in the channel. */
    private static boolean isLocked(SavedOverwrite overwrite) {
        return (overwrite.deny() & Permission.MESSAGE_SEND.getRawValue()) != 0;
    }

    /**
     * @everyone's overwrite as Discord has it now, read over REST (Get Channel). JDA's cache is not
     * enough to decide from: another worker's write, or a moderator's edit, reaches it only when this
     * worker's gateway delivers the channel update, and a lock decided on a stale overwrite was
     * answered "already locked" without reaching Discord. An empty overwrite counts as none, as in
     * JDA's cache and Discord's client.
     */
    private SavedOverwrite everyoneNow(IPermissionContainer channel, Role everyone, Connection.Deadline deadline) {
        DataObject read = connection.send(
                DiscordRest.Request.of(Route.Channels.GET_CHANNEL.compile(channel.getId())),
                deadline,
                channel,
                Set.of());
        DataArray overwrites = read == null
                ? DataArray.empty()
                : read.optArray("permission_overwrites").orElseGet(DataArray::empty);
        for (int i = 0; i < overwrites.length(); i++) {
            DataObject o = overwrites.getObject(i);
            if (o.getInt("type", -1) != ROLE || o.getUnsignedLong("id", 0) != everyone.getIdLong()) continue;
            long allow = o.getLong("allow", 0);
            long deny = o.getLong("deny", 0);
            return (allow | deny) == 0 ? NONE : new SavedOverwrite(true, allow, deny);
        }
        return NONE;
    }

    private static IPermissionContainer container(GuildChannel found) {
        if (found instanceof GuildMessageChannel
                && found instanceof IPermissionContainer container
                && DiscordAccess.typesOf(com.valoratbot.core.port.ChannelKind.TEXT)
                        .contains(found.getType())) {
            return container;
        }
        throw DiscordFailure.wrongType(found, "channel_kind.text");
    }

    /**
     * Discord lets a bot allow or deny only permissions it holds in the guild (or everything, as an
     * administrator). Thread permissions the bot lacks are left alone; Send Messages is the lock itself.
     */
    private static long lockableBits(Guild guild, IPermissionContainer channel) {
        EnumSet<Permission> held = guild.getSelfMember().getPermissions();
        if (held.contains(Permission.ADMINISTRATOR)) return Permissions.LOCKED_RAW;
        if (!held.contains(Permission.MESSAGE_SEND)) {
            throw DiscordFailure.of(
                    ErrorCode.MISSING_PERMISSIONS,
                    "missing_permissions",
                    Permissions.displayNames(List.of(DiscordPermission.SEND_MESSAGES)),
                    Connection.where(channel));
        }
        return Permission.getRaw(held) & Permissions.LOCKED_RAW;
    }

    /** Sets the role's overwrite to exactly these bits (Discord's Edit Channel Permissions). */
    private void put(
            IPermissionContainer channel,
            Role role,
            long allow,
            long deny,
            String reason,
            Connection.Deadline deadline) {
        DataObject body = DataObject.empty()
                .put("type", ROLE)
                .put("allow", Long.toString(allow))
                .put("deny", Long.toString(deny));
        connection.send(
                new DiscordRest.Request(
                        Route.Channels.MODIFY_PERM_OVERRIDE.compile(channel.getId(), role.getId()), body, reason),
                deadline,
                channel,
                Set.of());
    }

    /** Removes the role's overwrite; one already gone (staff, another worker) is no failure. */
    private void delete(IPermissionContainer channel, Role role, String reason, Connection.Deadline deadline) {
        connection.send(
                new DiscordRest.Request(
                        Route.Channels.DELETE_PERM_OVERRIDE.compile(channel.getId(), role.getId()), null, reason),
                deadline,
                channel,
                Set.of(ErrorResponse.UNKNOWN_OVERRIDE));
    }

    /** Waits (briefly) until JDA's cache shows the overwrite as written; Discord has it either way. */
    private void awaitCache(
            long guildId,
            Snowflake channelId,
            long roleId,
            boolean present,
            long allow,
            long deny,
            Connection.Deadline deadline) {
        long until = System.nanoTime() + Math.min(CACHE_CATCH_UP.toNanos(), deadline.remainingMillis() * 1_000_000L);
        while (System.nanoTime() - until < 0) {
            JDA jda = connection.jda();
            Guild guild = jda == null ? null : jda.getGuildById(guildId);
            if (guild == null) return;
            if (guild.getGuildChannelById(channelId.value()) instanceof IPermissionContainer c) {
                PermissionOverride o = c.getPermissionOverride(guild.getPublicRole());
                // JDA never caches an empty @everyone overwrite (Discord's client treats it as none).
                boolean expectAbsent = !present || (allow | deny) == 0;
                boolean seen =
                        expectAbsent ? o == null : o != null && o.getAllowedRaw() == allow && o.getDeniedRaw() == deny;
                if (seen) return;
            } else {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.debug("Channel {} overwrite not yet in JDA's cache after the write", channelId);
    }
}
