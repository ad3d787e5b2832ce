package com.valoratbot.standin;

/** Reads a PNG's width and height from its IHDR chunk, as Discord reports them for image attachments. */
final class PngSize {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngSize() {}

    /** {width, height}, or null when the bytes are not a PNG. */
    static int[] of(byte[] bytes) {
        if (bytes == null || bytes.length < 24) {
            return null;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return null;
            }
        }
        return new int[] {readInt(bytes, 16), readInt(bytes, 20)};
    }

    private static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 24)
                | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8)
                | (bytes[offset + 3] & 0xFF);
    }
}
