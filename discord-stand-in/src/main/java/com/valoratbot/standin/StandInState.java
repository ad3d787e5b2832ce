package com.valoratbot.standin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Everything the stand-in knows: guilds, channels, roles, members, voice states and messages.
 *
 * <p>Seed it before or after {@link DiscordStandIn#start()}; every method is thread-safe, and a change made
 * while clients are connected is dispatched to them as the Gateway event Discord would send
 * (CHANNEL_UPDATE, MESSAGE_CREATE, GUILD_MEMBER_ADD, VOICE_STATE_UPDATE, ...).
 */
public final class StandInState {

    private static final Set<Integer> AFK_TIMEOUTS = Set.of(60, 300, 900, 1800, 3600);
    private static final int MAX_CONTENT_LENGTH = 2000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, GuildData> guilds = new LinkedHashMap<>();
    private final Map<Long, ChannelData> channels = new HashMap<>();
    private final Map<Long, UserData> users = new HashMap<>();
    private final List<AuditLogEntry> auditLog = new ArrayList<>();
    private final List<VoiceStateRequest> voiceRequests = new ArrayList<>();
    private final long botUserId;
    private volatile GatewayEvents events = GatewayEvents.NONE;
    private volatile String attachmentBaseUrl = "http://127.0.0.1/attachments/";

    StandInState(long botUserId, String botName) {
        this.botUserId = botUserId;
        users.put(botUserId, new UserData(botUserId, botName, null, true));
    }

    // ---------------------------------------------------------------- guilds

    /**
     * Creates a guild the bot is in: an @everyone role (id = guild id), the bot's own managed role and the bot
     * as a member. Returns a seed to add channels, roles and members fluently.
     */
    public GuildSeed createGuild(long id, String name) {
        return createGuild(id, name, Snowflakes.now());
    }

    /** As {@link #createGuild(long, String)}, with a fixed id for the bot's role. */
    public GuildSeed createGuild(long id, String name, long botRoleId) {
        requireName(name, 2, 100, "guild name");
        write(() -> {
            if (guilds.containsKey(id)) {
                throw new IllegalArgumentException("Guild " + id + " already exists");
            }
            if (botRoleId == id) {
                throw new IllegalArgumentException("The bot role cannot take the guild's (@everyone) id");
            }
            GuildData guild = new GuildData(id, name, botRoleId);
            guild.roles.put(id, new RoleData(id, "@everyone", Permissions.DEFAULT_EVERYONE, 0, 0));
            guild.roles.put(
                    botRoleId,
                    new RoleData(
                            botRoleId,
                            users.get(botUserId).username,
                            Permissions.BOT_DEFAULT,
                            guild.nextRolePosition++,
                            botUserId));
            guild.members.put(botUserId, new MemberData(botUserId, new long[] {botRoleId}, guild.botJoinedAt));
            guilds.put(id, guild);
            events.guildCreated(guild);
        });
        return new GuildSeed(this, id);
    }

    /** Renames the guild, as a moderator would (dispatches GUILD_UPDATE). */
    public void renameGuild(long guildId, String name) {
        requireName(name, 2, 100, "guild name");
        write(() -> {
            GuildData guild = guildData(guildId);
            guild.name = name;
            dispatchGuildUpdate(guild);
        });
    }

    /**
     * The bot is removed from the guild (kicked, or the guild deleted): sessions get GUILD_DELETE without
     * {@code unavailable}, and the guild, its channels and voice states are gone.
     */
    public void removeBotFromGuild(long guildId) {
        write(() -> {
            GuildData guild = guildData(guildId);
            events.dispatch(
                    guildId,
                    "GUILD_DELETE",
                    GatewayIntents.GUILDS,
                    Json.object().put("id", Json.id(guildId)),
                    false);
            guild.channels.keySet().forEach(channels::remove);
            guilds.remove(guildId);
        });
    }

    /**
     * What {@code GET /guilds/{id}?with_counts=true} answers as {@code approximate_presence_count}: Discord's own
     * estimate of members online (0 until set).
     */
    public void setApproximatePresences(long guildId, int online) {
        if (online < 0) throw new IllegalArgumentException("online must not be negative, was " + online);
        write(() -> {
            guildData(guildId).approximatePresences = online;
        });
    }

    /** A seed for an existing guild, to add more to it. */
    public GuildSeed guild(long guildId) {
        read(() -> guildData(guildId));
        return new GuildSeed(this, guildId);
    }

    public List<StandInGuild> guilds() {
        return read(() -> guilds.values().stream().map(GuildData::snapshot).toList());
    }

    public StandInGuild guildInfo(long guildId) {
        return read(() -> guildData(guildId).snapshot());
    }

    public long botUserId() {
        return botUserId;
    }

    /** The id of the bot's own role in {@code guildId}, the one {@link #setBotPermissions} changes. */
    public long botRoleId(long guildId) {
        return read(() -> guildData(guildId).botRoleId);
    }

    /** Sets the permissions of the bot's role (dispatches GUILD_ROLE_UPDATE). */
    public void setBotPermissions(long guildId, long permissions) {
        setRolePermissions(guildId, botRoleId(guildId), permissions);
    }

    /** Sets the @everyone role's permissions (dispatches GUILD_ROLE_UPDATE). */
    public void setEveryonePermissions(long guildId, long permissions) {
        setRolePermissions(guildId, guildId, permissions);
    }

    public void setRolePermissions(long guildId, long roleId, long permissions) {
        write(() -> {
            GuildData guild = guildData(guildId);
            RoleData role = roleData(guild, roleId);
            role.permissions = permissions;
            dispatchRole(guild, role, "GUILD_ROLE_UPDATE");
        });
    }

    public List<StandInRole> roles(long guildId) {
        return read(() -> guildData(guildId).roles.values().stream()
                .map(r -> r.snapshot(guildId))
                .toList());
    }

    // ---------------------------------------------------------------- channels

    /** A snapshot of the channel; throws {@link NoSuchElementException} when it does not exist. */
    public StandInChannel channel(long channelId) {
        return read(() -> channelData(channelId).snapshot());
    }

    public List<StandInChannel> channels(long guildId) {
        return read(() -> guildData(guildId).channels.values().stream()
                .map(ChannelData::snapshot)
                .toList());
    }

    /** Creates or replaces an overwrite (dispatches CHANNEL_UPDATE). */
    public void setOverwrite(long channelId, long targetId, OverwriteType type, long allow, long deny) {
        write(() -> {
            ChannelData channel = channelData(channelId);
            requireOverwriteTarget(guildData(channel.guildId), targetId, type);
            channel.putOverwrite(new StandInOverwrite(targetId, type, allow, deny));
            dispatchChannel(channel, "CHANNEL_UPDATE");
        });
    }

    /** Removes an overwrite if present (dispatches CHANNEL_UPDATE when something changed). */
    public void removeOverwrite(long channelId, long targetId) {
        write(() -> {
            ChannelData channel = channelData(channelId);
            if (channel.removeOverwrite(targetId)) {
                dispatchChannel(channel, "CHANNEL_UPDATE");
            }
        });
    }

    /** Sets the channel's slowmode in seconds, 0–21600 as on Discord (dispatches CHANNEL_UPDATE). */
    public void setSlowmode(long channelId, int seconds) {
        if (seconds < 0 || seconds > 21_600) {
            throw new IllegalArgumentException("Slowmode must be 0-21600 seconds, was " + seconds);
        }
        write(() -> {
            ChannelData channel = channelData(channelId);
            channel.rateLimitPerUser = seconds;
            dispatchChannel(channel, "CHANNEL_UPDATE");
        });
    }

    /** The permissions {@code userId} effectively has in the channel, by Discord's algorithm. */
    public long effectivePermissions(long channelId, long userId) {
        return read(() -> {
            ChannelData channel = channelData(channelId);
            return PermissionCalculator.inChannel(guildData(channel.guildId), channel, userId);
        });
    }

    // ---------------------------------------------------------------- members

    /** Adds a member (creating the user on first sight) and dispatches GUILD_MEMBER_ADD. */
    public void addMember(long guildId, long userId, String name, boolean bot, long... roleIds) {
        write(() -> {
            GuildData guild = guildData(guildId);
            addMemberLocked(guild, userId, name, bot, roleIds);
            ObjectNode data = Payloads.member(guild.members.get(userId), users.get(userId));
            data.put("guild_id", Json.id(guildId));
            events.dispatch(guildId, "GUILD_MEMBER_ADD", GatewayIntents.GUILD_MEMBERS, data, false);
        });
    }

    /** Removes a member (and their voice state) and dispatches GUILD_MEMBER_REMOVE. */
    public void removeMember(long guildId, long userId) {
        if (userId == botUserId) {
            throw new IllegalArgumentException("The bot cannot leave its guilds in the stand-in");
        }
        write(() -> {
            GuildData guild = guildData(guildId);
            memberData(guild, userId);
            if (guild.voiceStates.containsKey(userId)) {
                setVoiceStateLocked(guild, userId, null, false, false);
            }
            guild.members.remove(userId);
            ObjectNode data = Json.object().put("guild_id", Json.id(guildId));
            data.set("user", Payloads.user(users.get(userId)));
            events.dispatch(guildId, "GUILD_MEMBER_REMOVE", GatewayIntents.GUILD_MEMBERS, data, false);
        });
    }

    /** Sets a member's nickname (null clears it) and dispatches GUILD_MEMBER_UPDATE. */
    public void renameMember(long guildId, long userId, String nick) {
        if (nick != null) {
            requireName(nick, 1, 32, "nickname");
        }
        write(() -> {
            GuildData guild = guildData(guildId);
            memberData(guild, userId).nick = nick;
            dispatchMemberUpdate(guild, userId);
        });
    }

    /** Replaces a member's roles and dispatches GUILD_MEMBER_UPDATE. */
    public void setMemberRoles(long guildId, long userId, long... roleIds) {
        write(() -> {
            GuildData guild = guildData(guildId);
            MemberData member = memberData(guild, userId);
            for (long roleId : roleIds) {
                roleData(guild, roleId);
            }
            member.roleIds = withBotRole(guild, userId, roleIds);
            dispatchMemberUpdate(guild, userId);
        });
    }

    public List<StandInMember> members(long guildId) {
        return read(() -> {
            GuildData guild = guildData(guildId);
            return guild.members.values().stream()
                    .map(m -> memberSnapshot(guild, m))
                    .toList();
        });
    }

    public Optional<StandInMember> member(long guildId, long userId) {
        return read(() -> {
            GuildData guild = guildData(guildId);
            MemberData member = guild.members.get(userId);
            return Optional.ofNullable(member == null ? null : memberSnapshot(guild, member));
        });
    }

    // ---------------------------------------------------------------- voice

    /**
     * Moves a member into an audio channel, or out of voice with {@code channelId} null, and dispatches
     * VOICE_STATE_UPDATE.
     */
    public void setVoiceState(long guildId, long userId, Long channelId, boolean selfDeaf) {
        write(() -> {
            GuildData guild = guildData(guildId);
            memberData(guild, userId);
            if (channelId != null) {
                requireAudioChannel(guild, channelId);
            }
            VoiceStateData current = guild.voiceStates.get(userId);
            setVoiceStateLocked(guild, userId, channelId, current != null && current.selfMute, selfDeaf);
        });
    }

    public Optional<StandInVoiceState> voiceState(long guildId, long userId) {
        return read(() -> {
            VoiceStateData state = guildData(guildId).voiceStates.get(userId);
            return Optional.ofNullable(state == null ? null : voiceSnapshot(guildId, userId, state));
        });
    }

    public List<StandInVoiceState> voiceStates(long guildId) {
        return read(() -> {
            List<StandInVoiceState> result = new ArrayList<>();
            guildData(guildId)
                    .voiceStates
                    .forEach((userId, state) -> result.add(voiceSnapshot(guildId, userId, state)));
            return result;
        });
    }

    /** Every op 4 the bot sent over the Gateway, oldest first. */
    public List<VoiceStateRequest> voiceRequests() {
        return read(() -> List.copyOf(voiceRequests));
    }

    // ---------------------------------------------------------------- messages

    /**
     * Stores a message as if {@code authorId} had posted it at {@code createdAt} (the id carries that time)
     * and dispatches MESSAGE_CREATE. The author must be a known user; their bot flag comes from the user.
     */
    public long addMessage(long channelId, long authorId, String content, Instant createdAt, boolean pinned) {
        if (content == null || content.length() > MAX_CONTENT_LENGTH) {
            throw new IllegalArgumentException("Message content must be 0-2000 characters");
        }
        return write(() -> {
            ChannelData channel = messageChannel(channelId);
            UserData author =
                    known(users.get(authorId), () -> "Unknown user " + authorId + ": add them as a member first");
            StandInMessage message = new StandInMessage(
                    Snowflakes.at(createdAt),
                    channelId,
                    authorId,
                    author.username,
                    author.bot,
                    content,
                    List.of(),
                    List.of(),
                    createdAt,
                    pinned,
                    null);
            storeMessage(channel, message);
            return message.id();
        });
    }

    /** The channel's messages, oldest first. */
    public List<StandInMessage> messages(long channelId) {
        return read(() -> List.copyOf(channelData(channelId).messages().values()));
    }

    public Optional<StandInMessage> message(long channelId, long messageId) {
        return read(() -> Optional.ofNullable(channelData(channelId).messages().get(messageId)));
    }

    /** Moderation actions with their X-Audit-Log-Reason, oldest first. */
    public List<AuditLogEntry> auditLog(long guildId) {
        return read(() -> auditLog.stream().filter(e -> e.guildId() == guildId).toList());
    }

    // ---------------------------------------------------------------- seeding internals (GuildSeed)

    void addChannel(long guildId, long channelId, ChannelKind kind, String name, long parentId) {
        requireName(name, 1, 100, "channel name");
        write(() -> {
            GuildData guild = guildData(guildId);
            if (channels.containsKey(channelId)) {
                throw new IllegalArgumentException("Channel " + channelId + " already exists");
            }
            if (parentId != 0) {
                ChannelData parent = guild.channels.get(parentId);
                if (parent == null || parent.kind != ChannelKind.CATEGORY) {
                    throw new IllegalArgumentException("Parent " + parentId + " is not a category of guild " + guildId);
                }
            }
            ChannelData channel =
                    new ChannelData(channelId, guildId, kind, name, guild.nextChannelPosition++, parentId);
            guild.channels.put(channelId, channel);
            channels.put(channelId, channel);
            dispatchChannel(channel, "CHANNEL_CREATE");
        });
    }

    void addRole(long guildId, long roleId, String name, long permissions) {
        requireName(name, 1, 100, "role name");
        write(() -> {
            GuildData guild = guildData(guildId);
            if (guild.roles.containsKey(roleId)) {
                throw new IllegalArgumentException("Role " + roleId + " already exists in guild " + guildId);
            }
            RoleData role = new RoleData(roleId, name, permissions, guild.nextRolePosition++, 0);
            guild.roles.put(roleId, role);
            dispatchRole(guild, role, "GUILD_ROLE_CREATE");
        });
    }

    void setOwner(long guildId, long userId) {
        write(() -> {
            GuildData guild = guildData(guildId);
            memberData(guild, userId);
            guild.ownerId = userId;
            dispatchGuildUpdate(guild);
        });
    }

    void setAfk(long guildId, long channelId, int timeoutSeconds) {
        if (!AFK_TIMEOUTS.contains(timeoutSeconds)) {
            throw new IllegalArgumentException("Discord only allows AFK timeouts of " + AFK_TIMEOUTS + " seconds");
        }
        write(() -> {
            GuildData guild = guildData(guildId);
            if (channelId != 0) {
                requireAudioChannel(guild, channelId);
            }
            guild.afkChannelId = channelId;
            guild.afkTimeout = timeoutSeconds;
            dispatchGuildUpdate(guild);
        });
    }

    int afkTimeout(long guildId) {
        return read(() -> guildData(guildId).afkTimeout);
    }

    // ---------------------------------------------------------------- internals shared with the server

    <T> T read(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    <T> T write(Supplier<T> action) {
        return read(action);
    }

    void write(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    void attach(GatewayEvents events, String attachmentBaseUrl) {
        this.events = events;
        this.attachmentBaseUrl = attachmentBaseUrl;
    }

    String attachmentBaseUrl() {
        return attachmentBaseUrl;
    }

    Map<Long, GuildData> guildMap() {
        return guilds;
    }

    Map<Long, UserData> userMap() {
        return users;
    }

    UserData botUser() {
        return users.get(botUserId);
    }

    /** Caller holds the lock. */
    GuildData guildData(long guildId) {
        return known(guilds.get(guildId), () -> "Unknown guild " + guildId);
    }

    GuildData findGuild(long guildId) {
        return guilds.get(guildId);
    }

    /** Caller holds the lock. */
    ChannelData channelData(long channelId) {
        return known(channels.get(channelId), () -> "Unknown channel " + channelId);
    }

    ChannelData findChannel(long channelId) {
        return channels.get(channelId);
    }

    void recordAudit(long guildId, String action, long targetId, String reason) {
        auditLog.add(new AuditLogEntry(guildId, action, targetId, reason, Instant.now()));
    }

    /** Caller holds the lock. Stores and dispatches MESSAGE_CREATE. */
    void storeMessage(ChannelData channel, StandInMessage message) {
        channel.messages().put(message.id(), message);
        GuildData guild = guildData(channel.guildId);
        ObjectNode data = Payloads.message(message, users.get(message.authorId()), guild, attachmentBaseUrl, true);
        events.dispatch(guild.id, "MESSAGE_CREATE", GatewayIntents.GUILD_MESSAGES, data, true);
    }

    /** Caller holds the lock. Removes and dispatches MESSAGE_DELETE. */
    void deleteMessage(ChannelData channel, long messageId) {
        channel.messages().remove(messageId);
        ObjectNode data = Json.object()
                .put("id", Json.id(messageId))
                .put("channel_id", Json.id(channel.id))
                .put("guild_id", Json.id(channel.guildId));
        events.dispatch(channel.guildId, "MESSAGE_DELETE", GatewayIntents.GUILD_MESSAGES, data, false);
    }

    /** Caller holds the lock. Removes and dispatches one MESSAGE_DELETE_BULK. */
    void bulkDeleteMessages(ChannelData channel, List<Long> messageIds) {
        ObjectNode data = Json.object();
        ArrayNode ids = data.putArray("ids");
        for (long id : messageIds) {
            channel.messages().remove(id);
            ids.add(Json.id(id));
        }
        data.put("channel_id", Json.id(channel.id)).put("guild_id", Json.id(channel.guildId));
        events.dispatch(channel.guildId, "MESSAGE_DELETE_BULK", GatewayIntents.GUILD_MESSAGES, data, false);
    }

    /** Caller holds the lock. */
    void dispatchChannel(ChannelData channel, String type) {
        events.dispatch(channel.guildId, type, GatewayIntents.GUILDS, Payloads.channel(channel, true), false);
    }

    /** Caller holds the lock. Applies a bot op 4 and dispatches the bot's VOICE_STATE_UPDATE. */
    VoiceStateRequest applyBotVoiceRequest(
            long guildId, Long channelId, boolean selfMute, boolean selfDeaf, String gatewaySessionId) {
        GuildData guild = guilds.get(guildId);
        boolean applied = guild != null;
        if (applied && channelId != null) {
            ChannelData channel = guild.channels.get(channelId);
            // Discord silently ignores a join it would not allow: no channel, not audio, or no CONNECT.
            applied = channel != null
                    && channel.kind.isAudio()
                    && Permissions.has(
                            PermissionCalculator.inChannel(guild, channel, botUserId),
                            Permissions.VIEW_CHANNEL | Permissions.CONNECT);
        }
        if (applied) {
            VoiceStateData previous = guild.voiceStates.get(botUserId);
            if (channelId == null && previous == null) {
                // Leaving while not connected still gets an answer from Discord, so JDA's request completes.
                events.dispatch(
                        guildId,
                        "VOICE_STATE_UPDATE",
                        GatewayIntents.GUILD_VOICE_STATES,
                        voiceUpdateData(guild, botUserId, null, gatewaySessionId),
                        false);
            } else {
                setVoiceStateLocked(guild, botUserId, channelId, selfMute, selfDeaf, gatewaySessionId);
            }
        }
        VoiceStateRequest request =
                new VoiceStateRequest(guildId, channelId, selfMute, selfDeaf, applied, Instant.now());
        voiceRequests.add(request);
        return request;
    }

    // ---------------------------------------------------------------- private helpers

    private void addMemberLocked(GuildData guild, long userId, String name, boolean bot, long[] roleIds) {
        requireName(name, 2, 32, "username");
        if (guild.members.containsKey(userId)) {
            throw new IllegalArgumentException("User " + userId + " is already a member of guild " + guild.id);
        }
        for (long roleId : roleIds) {
            roleData(guild, roleId);
        }
        UserData user = users.get(userId);
        if (user == null) {
            user = new UserData(userId, name, null, bot);
            users.put(userId, user);
        } else if (user.bot != bot) {
            throw new IllegalArgumentException("User " + userId + " was already seeded with bot=" + user.bot);
        }
        guild.members.put(userId, new MemberData(userId, roleIds, Instant.now()));
        if (guild.ownerId == 0 && !bot) {
            // A guild always has an owner on Discord; the first human seeded stands in until owner() says otherwise.
            guild.ownerId = userId;
        }
    }

    private long[] withBotRole(GuildData guild, long userId, long[] roleIds) {
        if (userId != botUserId || Arrays.stream(roleIds).anyMatch(id -> id == guild.botRoleId)) {
            return roleIds.clone();
        }
        // Discord does not let anyone take an integration's managed role away from its bot.
        long[] withRole = Arrays.copyOf(roleIds, roleIds.length + 1);
        withRole[roleIds.length] = guild.botRoleId;
        return withRole;
    }

    private void setVoiceStateLocked(GuildData guild, long userId, Long channelId, boolean selfMute, boolean selfDeaf) {
        VoiceStateData current = guild.voiceStates.get(userId);
        String sessionId = current != null
                ? current.sessionId
                : UUID.randomUUID().toString().replace("-", "");
        setVoiceStateLocked(guild, userId, channelId, selfMute, selfDeaf, sessionId);
    }

    private void setVoiceStateLocked(
            GuildData guild, long userId, Long channelId, boolean selfMute, boolean selfDeaf, String sessionId) {
        VoiceStateData state = null;
        if (channelId == null) {
            guild.voiceStates.remove(userId);
        } else {
            state = new VoiceStateData(channelId, selfMute, selfDeaf, sessionId);
            guild.voiceStates.put(userId, state);
        }
        events.dispatch(
                guild.id,
                "VOICE_STATE_UPDATE",
                GatewayIntents.GUILD_VOICE_STATES,
                voiceUpdateData(guild, userId, state, sessionId),
                false);
    }

    private ObjectNode voiceUpdateData(GuildData guild, long userId, VoiceStateData state, String sessionId) {
        ObjectNode data = Payloads.voiceState(guild.id, userId, state, sessionId);
        MemberData member = guild.members.get(userId);
        if (member != null) {
            data.set("member", Payloads.member(member, users.get(userId)));
        }
        return data;
    }

    private void dispatchRole(GuildData guild, RoleData role, String type) {
        ObjectNode data = Json.object().put("guild_id", Json.id(guild.id));
        data.set("role", Payloads.role(role));
        events.dispatch(guild.id, type, GatewayIntents.GUILDS, data, false);
    }

    private void dispatchMemberUpdate(GuildData guild, long userId) {
        ObjectNode data = Payloads.member(guild.members.get(userId), users.get(userId));
        data.put("guild_id", Json.id(guild.id));
        events.dispatch(guild.id, "GUILD_MEMBER_UPDATE", GatewayIntents.GUILD_MEMBERS, data, false);
    }

    private void dispatchGuildUpdate(GuildData guild) {
        events.dispatch(guild.id, "GUILD_UPDATE", GatewayIntents.GUILDS, Payloads.guildRest(guild), false);
    }

    private StandInMember memberSnapshot(GuildData guild, MemberData member) {
        UserData user = users.get(member.userId);
        return new StandInMember(
                guild.id,
                member.userId,
                user.username,
                user.globalName,
                user.bot,
                member.nick,
                Arrays.stream(member.roleIds).boxed().toList());
    }

    private static StandInVoiceState voiceSnapshot(long guildId, long userId, VoiceStateData state) {
        return new StandInVoiceState(guildId, userId, state.channelId, state.selfMute, state.selfDeaf, state.sessionId);
    }

    private RoleData roleData(GuildData guild, long roleId) {
        return known(guild.roles.get(roleId), () -> "Unknown role " + roleId + " in guild " + guild.id);
    }

    private MemberData memberData(GuildData guild, long userId) {
        return known(guild.members.get(userId), () -> "User " + userId + " is not a member of guild " + guild.id);
    }

    /** A seeded entity, or {@link NoSuchElementException}: an unknown id is the test's mistake, said plainly. */
    private static <T> T known(T found, Supplier<String> unknown) {
        if (found == null) throw new NoSuchElementException(unknown.get());
        return found;
    }

    private ChannelData messageChannel(long channelId) {
        ChannelData channel = channelData(channelId);
        if (!channel.kind.holdsMessages()) {
            throw new IllegalArgumentException(
                    "Channel " + channelId + " is a " + channel.kind + " and holds no messages");
        }
        return channel;
    }

    private void requireAudioChannel(GuildData guild, long channelId) {
        ChannelData channel = guild.channels.get(channelId);
        if (channel == null || !channel.kind.isAudio()) {
            throw new IllegalArgumentException(
                    "Channel " + channelId + " is not an audio channel of guild " + guild.id);
        }
    }

    private void requireOverwriteTarget(GuildData guild, long targetId, OverwriteType type) {
        boolean exists =
                type == OverwriteType.ROLE ? guild.roles.containsKey(targetId) : guild.members.containsKey(targetId);
        if (!exists) {
            throw new NoSuchElementException(
                    "No " + type.name().toLowerCase(java.util.Locale.ROOT) + " " + targetId + " in guild " + guild.id);
        }
    }

    private static void requireName(String name, int min, int max, String what) {
        if (name == null || name.isBlank() || name.length() < min || name.length() > max) {
            throw new IllegalArgumentException("A " + what + " must be " + min + "-" + max + " characters: " + name);
        }
    }
}
