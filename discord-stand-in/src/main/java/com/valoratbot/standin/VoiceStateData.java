package com.valoratbot.standin;

/** A member's presence in an audio channel. Guarded by the state lock. */
final class VoiceStateData {
    long channelId;
    boolean selfMute;
    boolean selfDeaf;
    String sessionId;

    VoiceStateData(long channelId, boolean selfMute, boolean selfDeaf, String sessionId) {
        this.channelId = channelId;
        this.selfMute = selfMute;
        this.selfDeaf = selfDeaf;
        this.sessionId = sessionId;
    }
}
