package com.valoratbot.standin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A guild channel. Guarded by the state lock. Overwrites and messages are allocated on first use so that
 * thousands of synthetic, silent channels stay small.
 */
final class ChannelData {
    final long id;
    final long guildId;
    final ChannelKind kind;
    String name;
    int position;
    long parentId;
    int rateLimitPerUser;
    String topic;
    private Map<Long, StandInOverwrite> overwrites;
    private NavigableMap<Long, StandInMessage> messages;
    /** When the bot last posted here, for Discord's slowmode rule. */
    long botLastMessageAtMs;

    ChannelData(long id, long guildId, ChannelKind kind, String name, int position, long parentId) {
        this.id = id;
        this.guildId = guildId;
        this.kind = kind;
        this.name = name;
        this.position = position;
        this.parentId = parentId;
    }

    Iterable<StandInOverwrite> overwrites() {
        return overwrites == null ? java.util.List.of() : overwrites.values();
    }

    StandInOverwrite overwrite(long targetId) {
        return overwrites == null ? null : overwrites.get(targetId);
    }

    void putOverwrite(StandInOverwrite overwrite) {
        if (overwrites == null) {
            overwrites = new LinkedHashMap<>();
        }
        overwrites.put(overwrite.targetId(), overwrite);
    }

    boolean removeOverwrite(long targetId) {
        return overwrites != null && overwrites.remove(targetId) != null;
    }

    void replaceOverwrites(Iterable<StandInOverwrite> replacement) {
        overwrites = null;
        replacement.forEach(this::putOverwrite);
    }

    /** Messages by id, oldest first (snowflakes sort by creation time). */
    NavigableMap<Long, StandInMessage> messages() {
        if (messages == null) {
            messages = new TreeMap<>();
        }
        return messages;
    }

    int messageCount() {
        return messages == null ? 0 : messages.size();
    }

    StandInChannel snapshot() {
        return new StandInChannel(
                id,
                guildId,
                kind,
                name,
                position,
                parentId == 0 ? null : parentId,
                rateLimitPerUser,
                topic,
                new ArrayList<>(overwrites == null ? java.util.List.of() : overwrites.values()));
    }
}
