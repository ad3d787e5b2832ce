package com.valoratbot.standin.voice;

/**
 * What the voice server saw of one guild's bot connection, cumulated over all its voice sessions.
 *
 * @param connected       a voice websocket of this guild is open and has completed SELECT_PROTOCOL
 * @param channelId       the channel of the last join request, null after the bot left
 * @param sessions        voice websocket sessions identified (a reconnect adds one; a resume does not)
 * @param resumes         successful RESUMEs
 * @param speaking        the last SPEAKING (op 5) flags the client sent
 * @param opusFrames      decrypted Opus frames, silence frames included
 * @param silenceFrames   of which the 3-byte Opus silence frame {@code F8 FF FE}
 * @param decryptFailures RTP packets whose AES-GCM tag did not verify or that were malformed
 * @param lastFrameNanos  {@link System#nanoTime()} of the last decrypted frame, 0 if none
 * @param jitterP99Ms     99th percentile of {@code |arrival interval - 20 ms|} between consecutive audio frames
 */
public record VoiceStats(
        long guildId,
        boolean connected,
        Long channelId,
        int sessions,
        int resumes,
        int speaking,
        long opusFrames,
        long silenceFrames,
        long decryptFailures,
        long lastFrameNanos,
        double jitterP99Ms) {

    /** Frames that carried sound: Opus frames other than the silence frame. */
    public long audioFrames() {
        return opusFrames - silenceFrames;
    }

    static VoiceStats none(long guildId) {
        return new VoiceStats(guildId, false, null, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
