package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.format.AudioDataFormat;
import com.sedmelluq.discord.lavaplayer.track.playback.AudioFrame;
import com.sedmelluq.discord.lavaplayer.track.playback.MutableAudioFrame;
import com.sedmelluq.discord.lavaplayer.track.playback.NonAllocatingAudioFrameBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lavaplayer's non-allocating frame ring, refilled in batches. Lavaplayer's own buffer wakes the decoding thread for
 * every frame the player takes once it is full: 50 wake-ups a second per playing guild. Here, when the decoder is a
 * full buffer ahead of the player (told by the frames' timecodes), it sleeps until the player has drained a quarter
 * of it (about a second), then refills it in one go. Stopping interrupts that sleep as it interrupts Lavaplayer's own
 * wait; after a clear (seek) the buffer behaves like Lavaplayer's until the player takes a frame again.
 */
final class BatchingFrameBuffer extends NonAllocatingAudioFrameBuffer {

    private static final long NOTHING_TAKEN = Long.MIN_VALUE;

    private final AtomicBoolean stopping;
    private final long bufferMillis;
    private final long frameMillis;
    private volatile long lastTaken = NOTHING_TAKEN;

    BatchingFrameBuffer(int bufferDuration, AudioDataFormat format, AtomicBoolean stopping) {
        super(bufferDuration, format, stopping);
        this.stopping = stopping;
        this.bufferMillis = bufferDuration;
        this.frameMillis = Math.max(1, format.frameDuration());
    }

    @Override
    public void consume(AudioFrame frame) throws InterruptedException {
        long taken = lastTaken;
        if (taken != NOTHING_TAKEN) {
            long ahead = frame.getTimecode() - taken;
            // A full buffer ahead of the player (and not a timecode jump, which a seek makes).
            if (ahead >= bufferMillis - 2 * frameMillis && ahead <= bufferMillis + 1_000) {
                long resumeAt = bufferMillis * 3 / 4;
                while ((taken = lastTaken) != NOTHING_TAKEN && (ahead = frame.getTimecode() - taken) > resumeAt) {
                    if (stopping != null && stopping.get()) throw new InterruptedException();
                    Thread.sleep(Math.min(ahead - resumeAt, bufferMillis));
                }
            }
        }
        super.consume(frame);
    }

    @Override
    public boolean provide(MutableAudioFrame targetFrame) {
        boolean provided = super.provide(targetFrame);
        if (provided && !targetFrame.isTerminator()) lastTaken = targetFrame.getTimecode();
        return provided;
    }

    @Override
    public boolean provide(MutableAudioFrame targetFrame, long timeout, TimeUnit unit)
            throws TimeoutException, InterruptedException {
        boolean provided = super.provide(targetFrame, timeout, unit);
        if (provided && !targetFrame.isTerminator()) lastTaken = targetFrame.getTimecode();
        return provided;
    }

    @Override
    public void clear() {
        lastTaken = NOTHING_TAKEN;
        super.clear();
    }
}
