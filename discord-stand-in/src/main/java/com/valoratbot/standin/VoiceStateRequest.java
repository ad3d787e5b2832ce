package com.valoratbot.standin;

import java.time.Instant;

/**
 * A Gateway op 4 (Voice State Update) the bot sent; {@code channelId} null means "leave".
 * {@code applied} is false when Discord would have ignored it (unknown channel, no CONNECT permission).
 */
public record VoiceStateRequest(
        long guildId, Long channelId, boolean selfMute, boolean selfDeaf, boolean applied, Instant at) {}
