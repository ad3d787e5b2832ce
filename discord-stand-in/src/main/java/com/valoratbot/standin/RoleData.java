package com.valoratbot.standin;

/** A guild role. Guarded by the state lock. */
final class RoleData {
    final long id;
    String name;
    long permissions;
    int position;
    /** Set for the bot's own integration role, which Discord marks managed and tags with the bot id. */
    final long managedByBotId;

    RoleData(long id, String name, long permissions, int position, long managedByBotId) {
        this.id = id;
        this.name = name;
        this.permissions = permissions;
        this.position = position;
        this.managedByBotId = managedByBotId;
    }

    StandInRole snapshot(long guildId) {
        return new StandInRole(id, guildId, name, permissions, position, managedByBotId != 0);
    }
}
