package com.valoratbot.standin.voice;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One identified voice websocket session: its SSRC, and once the client selected its protocol, the transport
 * key. {@link #open} runs on the UDP receiver thread only, which owns the cipher and the reused buffers.
 */
final class VoiceSession {

    static final String MODE_AES_GCM = "aead_aes256_gcm_rtpsize";
    private static final int TAG_BYTES = 16;
    private static final int NONCE_SUFFIX_BYTES = 4;

    final GuildVoice guild;
    final int ssrc;
    final String sessionId;
    final String token;
    final VoiceSocket socket;

    volatile byte[] secretKey;
    volatile int speaking;

    // UDP receiver thread only.
    private Cipher cipher;
    private SecretKeySpec keySpec;
    private final byte[] nonce = new byte[12];
    private final byte[] plain = new byte[4096];
    private int lastSequence = -1;
    private long lastArrivalNanos;

    VoiceSession(GuildVoice guild, int ssrc, String sessionId, String token, VoiceSocket socket) {
        this.guild = guild;
        this.ssrc = ssrc;
        this.sessionId = sessionId;
        this.token = token;
        this.socket = socket;
    }

    boolean isConnected() {
        return secretKey != null && socket.isOpen();
    }

    /**
     * Decrypts an {@code aead_aes256_gcm_rtpsize} RTP packet and counts its Opus frame. The unencrypted part (and
     * the AEAD's associated data) is the fixed header, the CSRCs and, when the X bit is set, the 4-byte extension
     * preamble; the extension body is encrypted with the payload and skipped after decryption. The nonce is the
     * 32-bit counter appended to the packet, left-aligned in 12 zero bytes.
     */
    void open(byte[] packet, int length, long arrivalNanos) {
        byte[] key = secretKey;
        if (key == null) return;
        int csrcCount = packet[0] & 0x0F;
        boolean extension = (packet[0] & 0x10) != 0;
        int headerLength = 12 + 4 * csrcCount + (extension ? 4 : 0);
        int cipherLength = length - headerLength - NONCE_SUFFIX_BYTES;
        if (cipherLength < TAG_BYTES) {
            guild.decryptFailures.incrementAndGet();
            return;
        }
        int opusOffset;
        int opusLength;
        try {
            if (cipher == null || keySpec == null || !java.util.Arrays.equals(keySpec.getEncoded(), key)) {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                keySpec = new SecretKeySpec(key, "AES");
            }
            System.arraycopy(packet, length - NONCE_SUFFIX_BYTES, nonce, 0, NONCE_SUFFIX_BYTES);
            cipher.init(Cipher.DECRYPT_MODE, keySpec, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(packet, 0, headerLength);
            int plainLength = cipher.doFinal(packet, headerLength, cipherLength, plain, 0);
            opusOffset = 0;
            if (extension) {
                int extensionWords = ((packet[headerLength - 2] & 0xFF) << 8) | (packet[headerLength - 1] & 0xFF);
                opusOffset = 4 * extensionWords;
            }
            opusLength = plainLength - opusOffset;
            if (opusLength <= 0) {
                guild.decryptFailures.incrementAndGet();
                return;
            }
        } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            guild.decryptFailures.incrementAndGet();
            return;
        }

        guild.opusFrames.incrementAndGet();
        guild.lastFrameNanos = arrivalNanos;
        int sequence = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        boolean silence = opusLength == 3
                && plain[opusOffset] == (byte) 0xF8
                && plain[opusOffset + 1] == (byte) 0xFF
                && plain[opusOffset + 2] == (byte) 0xFE;
        if (silence) {
            guild.silenceFrames.incrementAndGet();
            lastSequence = -1;
            return;
        }
        if (lastSequence >= 0 && ((lastSequence + 1) & 0xFFFF) == sequence) {
            guild.jitter.recordInterval(arrivalNanos - lastArrivalNanos);
        }
        lastSequence = sequence;
        lastArrivalNanos = arrivalNanos;
    }
}
