package com.valoratbot.standin;

/**
 * Fluent seeding of one guild. Each call applies immediately (and is dispatched to connected clients), so a
 * seed can be kept and extended later.
 */
public final class GuildSeed {

    private final StandInState state;
    private final long guildId;

    GuildSeed(StandInState state, long guildId) {
        this.state = state;
        this.guildId = guildId;
    }

    public long id() {
        return guildId;
    }

    public StandInState state() {
        return state;
    }

    public GuildSeed textChannel(long id, String name) {
        return textChannel(id, name, 0);
    }

    /** A text channel inside category {@code parentId}. */
    public GuildSeed textChannel(long id, String name, long parentId) {
        state.addChannel(guildId, id, ChannelKind.TEXT, name, parentId);
        return this;
    }

    public GuildSeed announcementChannel(long id, String name) {
        return announcementChannel(id, name, 0);
    }

    public GuildSeed announcementChannel(long id, String name, long parentId) {
        state.addChannel(guildId, id, ChannelKind.ANNOUNCEMENT, name, parentId);
        return this;
    }

    public GuildSeed voiceChannel(long id, String name) {
        return voiceChannel(id, name, 0);
    }

    public GuildSeed voiceChannel(long id, String name, long parentId) {
        state.addChannel(guildId, id, ChannelKind.VOICE, name, parentId);
        return this;
    }

    public GuildSeed stageChannel(long id, String name) {
        return stageChannel(id, name, 0);
    }

    public GuildSeed stageChannel(long id, String name, long parentId) {
        state.addChannel(guildId, id, ChannelKind.STAGE, name, parentId);
        return this;
    }

    public GuildSeed category(long id, String name) {
        state.addChannel(guildId, id, ChannelKind.CATEGORY, name, 0);
        return this;
    }

    public GuildSeed role(long id, String name, long permissions) {
        state.addRole(guildId, id, name, permissions);
        return this;
    }

    /** Adds a member with the given roles; the first human member becomes owner unless {@link #owner} says otherwise. */
    public GuildSeed member(long userId, String name, boolean bot, long... roleIds) {
        state.addMember(guildId, userId, name, bot, roleIds);
        return this;
    }

    public GuildSeed everyonePermissions(long permissions) {
        state.setEveryonePermissions(guildId, permissions);
        return this;
    }

    /** Permissions of the bot's own role. */
    public GuildSeed botPermissions(long permissions) {
        state.setBotPermissions(guildId, permissions);
        return this;
    }

    /** The owner must already be a member. The owner holds every permission, so never make it the bot for permission tests. */
    public GuildSeed owner(long userId) {
        state.setOwner(guildId, userId);
        return this;
    }

    /** Sets the AFK voice channel, keeping the current AFK timeout (300 s by default). */
    public GuildSeed afkChannel(long channelId) {
        state.setAfk(guildId, channelId, state.afkTimeout(guildId));
        return this;
    }

    /** Discord only accepts 60, 300, 900, 1800 or 3600 seconds. */
    public GuildSeed afkTimeout(int seconds) {
        long afkChannel = state.guildInfo(guildId).afkChannelId() == null
                ? 0
                : state.guildInfo(guildId).afkChannelId();
        state.setAfk(guildId, afkChannel, seconds);
        return this;
    }

    public GuildSeed slowmode(long channelId, int seconds) {
        state.setSlowmode(channelId, seconds);
        return this;
    }

    public GuildSeed overwrite(long channelId, long targetId, OverwriteType type, long allow, long deny) {
        state.setOverwrite(channelId, targetId, type, allow, deny);
        return this;
    }

    public GuildSeed voiceState(long userId, long channelId, boolean selfDeaf) {
        state.setVoiceState(guildId, userId, channelId, selfDeaf);
        return this;
    }
}
