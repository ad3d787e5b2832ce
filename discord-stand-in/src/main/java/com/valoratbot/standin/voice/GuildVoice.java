package com.valoratbot.standin.voice;

import java.util.concurrent.atomic.AtomicLong;

/** One guild's voice side: the pending join, the live session and counters that outlive sessions. */
final class GuildVoice {

    final long guildId;
    final AtomicLong opusFrames = new AtomicLong();
    final AtomicLong silenceFrames = new AtomicLong();
    final AtomicLong decryptFailures = new AtomicLong();
    final JitterHistogram jitter = new JitterHistogram();

    // Guarded by this.
    String pendingToken;
    String pendingSessionId;
    long botUserId;
    Long channelId;
    VoiceSession session;
    int sessions;
    int resumes;
    volatile long lastFrameNanos;

    GuildVoice(long guildId) {
        this.guildId = guildId;
    }

    synchronized VoiceStats stats() {
        VoiceSession live = session;
        return new VoiceStats(
                guildId,
                live != null && live.isConnected(),
                channelId,
                sessions,
                resumes,
                live == null ? 0 : live.speaking,
                opusFrames.get(),
                silenceFrames.get(),
                decryptFailures.get(),
                lastFrameNanos,
                jitter.deviationMs(0.99));
    }
}
