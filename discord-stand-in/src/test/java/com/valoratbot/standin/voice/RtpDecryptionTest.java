package com.valoratbot.standin.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The receiver's side of {@code aead_aes256_gcm_rtpsize}, against packets sealed here with the JDK's AES-GCM. */
class RtpDecryptionTest {

    private final byte[] key = new byte[32];
    private final GuildVoice guild = new GuildVoice(1);
    private final VoiceSession session = new VoiceSession(guild, 77, "s", "t", null);

    RtpDecryptionTest() {
        new SecureRandom().nextBytes(key);
        session.secretKey = key;
    }

    @Test
    void aPlainHeaderPacketIsDecryptedAndCounted() throws Exception {
        byte[] packet = seal(1, false, new byte[0], new byte[] {1, 2, 3, 4, 5}, 7);
        session.open(packet, packet.length, 1);
        assertThat(guild.opusFrames.get()).isEqualTo(1);
        assertThat(guild.silenceFrames.get()).isZero();
        assertThat(guild.decryptFailures.get()).isZero();
    }

    @Test
    void withAnExtensionThePreambleIsAuthenticatedAndTheBodySkipped() throws Exception {
        byte[] extensionBody = {9, 9, 9, 9, 8, 8, 8, 8};
        byte[] packet = seal(2, true, extensionBody, new byte[] {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE}, 8);
        session.open(packet, packet.length, 1);
        assertThat(guild.opusFrames.get()).isEqualTo(1);
        assertThat(guild.silenceFrames.get())
                .as("the Opus payload after the extension is the silence frame")
                .isEqualTo(1);
    }

    @Test
    void aTamperedHeaderFailsTheTag() throws Exception {
        byte[] packet = seal(3, false, new byte[0], new byte[] {1, 2, 3}, 9);
        packet[5] ^= 1;
        session.open(packet, packet.length, 1);
        assertThat(guild.opusFrames.get()).isZero();
        assertThat(guild.decryptFailures.get()).isEqualTo(1);
    }

    @Test
    void consecutiveFramesFeedTheJitterHistogram() throws Exception {
        long t = 0;
        for (int seq = 10; seq < 20; seq++) {
            byte[] packet = seal(seq, false, new byte[0], new byte[] {1, 2, 3, 4}, seq);
            session.open(packet, packet.length, t);
            t += seq % 2 == 0 ? 21_000_000 : 19_000_000;
        }
        assertThat(guild.jitter.samples()).isEqualTo(9);
        assertThat(guild.jitter.deviationMs(0.99)).isBetween(1.0, 1.1);
    }

    /** RTP header (+ the 4-byte extension preamble when {@code extension}) | AES-GCM(ext body + opus) | counter. */
    private byte[] seal(int sequence, boolean extension, byte[] extensionBody, byte[] opus, int counter)
            throws Exception {
        int headerLength = 12 + (extension ? 4 : 0);
        ByteBuffer header = ByteBuffer.allocate(headerLength);
        header.put((byte) (extension ? 0x90 : 0x80))
                .put((byte) 0x78)
                .putShort((short) sequence)
                .putInt(960 * sequence)
                .putInt(77);
        if (extension) header.putShort((short) 0xBEDE).putShort((short) (extensionBody.length / 4));
        byte[] plain = ByteBuffer.allocate(extensionBody.length + opus.length)
                .put(extensionBody)
                .put(opus)
                .array();
        byte[] nonce = ByteBuffer.allocate(12).putInt(counter).array();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(header.array());
        byte[] sealed = cipher.doFinal(plain);
        return ByteBuffer.allocate(headerLength + sealed.length + 4)
                .put(header.array())
                .put(sealed)
                .putInt(counter)
                .array();
    }
}
