package com.valoratbot.standin;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The sandbox's sample track, so {@code play} has an example that works offline: a few seconds of a
 * sine tone as 48 kHz 16-bit stereo PCM in a WAV container (Lavaplayer plays WAV over HTTP), made in
 * memory on first request and served at {@code /_standin/sample.wav}.
 */
public final class SampleTrack {

    public static final String PATH = "/_standin/sample.wav";
    public static final int SECONDS = 8;
    private static final int RATE = 48_000;
    private static volatile byte[] wav;

    private SampleTrack() {}

    /** The WAV file's bytes: an A (440 Hz) that fades in and out over {@value #SECONDS} seconds. */
    public static byte[] wav() {
        byte[] bytes = wav;
        if (bytes == null) {
            synchronized (SampleTrack.class) {
                if (wav == null) wav = render();
                bytes = wav;
            }
        }
        return bytes;
    }

    private static byte[] render() {
        int frames = RATE * SECONDS;
        int dataBytes = frames * 4;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 2)
                .putInt(RATE)
                .putInt(RATE * 4)
                .putShort((short) 4)
                .putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(dataBytes);
        for (int i = 0; i < frames; i++) {
            double envelope = Math.min(1.0, Math.min(i, frames - i) / (RATE * 0.5));
            short v = (short) (Math.sin(2 * Math.PI * 440 * i / RATE) * 8000 * envelope);
            b.putShort(v).putShort(v);
        }
        return b.array();
    }
}
