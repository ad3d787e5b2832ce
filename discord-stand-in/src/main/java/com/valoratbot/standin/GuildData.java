package com.valoratbot.standin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A guild and everything in it except messages (those live on their channel). Guarded by the state lock. */
final class GuildData {
    final long id;
    String name;
    long ownerId;
    long afkChannelId;
    int afkTimeout = 300;
    final long botRoleId;
    final Instant botJoinedAt = Instant.now();
    final Map<Long, ChannelData> channels = new LinkedHashMap<>();
    final Map<Long, RoleData> roles = new LinkedHashMap<>();
    final Map<Long, MemberData> members = new LinkedHashMap<>();
    final Map<Long, VoiceStateData> voiceStates = new LinkedHashMap<>();
    int nextChannelPosition;
    int nextRolePosition = 1;
    int approximatePresences;

    GuildData(long id, String name, long botRoleId) {
        this.id = id;
        this.name = name;
        this.botRoleId = botRoleId;
    }

    RoleData everyoneRole() {
        return roles.get(id);
    }

    StandInGuild snapshot() {
        return new StandInGuild(id, name, ownerId, afkChannelId == 0 ? null : afkChannelId, afkTimeout);
    }
}
