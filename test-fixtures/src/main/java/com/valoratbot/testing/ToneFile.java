package com.valoratbot.testing;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** A track for music tests, made on the spot: no audio file in the repository, no network. */
public final class ToneFile {

    private ToneFile() {}

    /** A 440 Hz sine tone, 48 kHz 16-bit stereo PCM in a WAV container, written by the JDK. */
    public static void write(Path file, int seconds) throws Exception {
        AudioFormat format = new AudioFormat(48_000, 16, 2, true, false);
        int frames = 48_000 * seconds;
        byte[] pcm = new byte[frames * 4];
        for (int i = 0; i < frames; i++) {
            short v = (short) (Math.sin(2 * Math.PI * 440 * i / 48_000.0) * 8000);
            for (int ch = 0; ch < 2; ch++) {
                pcm[i * 4 + ch * 2] = (byte) v;
                pcm[i * 4 + ch * 2 + 1] = (byte) (v >> 8);
            }
        }
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, frames)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
    }
}
