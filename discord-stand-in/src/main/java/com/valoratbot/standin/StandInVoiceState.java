package com.valoratbot.standin;

/** Someone connected to an audio channel. */
public record StandInVoiceState(
        long guildId, long userId, long channelId, boolean selfMute, boolean selfDeaf, String sessionId) {}
