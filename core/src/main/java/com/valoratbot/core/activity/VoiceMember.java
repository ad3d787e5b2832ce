package com.valoratbot.core.activity;

import com.valoratbot.core.command.Snowflake;
import java.util.Objects;
import java.util.Optional;

/**
 * A member's voice state as the gateway last described it.
 *
 * @param channelId empty when the member is not in a voice channel
 * @param deafened  deafened by themselves or by a moderator: they hear nobody, so it is not conversation
 */
public record VoiceMember(Snowflake userId, String name, boolean bot, Optional<Snowflake> channelId, boolean deafened) {

    public VoiceMember {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channelId, "channelId");
        name = name == null ? userId.toString() : name;
    }

    public static VoiceMember in(Snowflake userId, String name, boolean bot, Snowflake channelId, boolean deafened) {
        return new VoiceMember(userId, name, bot, Optional.of(channelId), deafened);
    }

    public static VoiceMember left(Snowflake userId, String name, boolean bot) {
        return new VoiceMember(userId, name, bot, Optional.empty(), false);
    }
}
