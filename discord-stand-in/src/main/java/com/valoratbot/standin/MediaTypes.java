package com.valoratbot.standin;

import java.net.URLConnection;
import java.util.Locale;

/**
 * An attachment's {@code content_type} as Discord reports it: Discord derives it from the file itself rather
 * than trusting the uploader (JDA labels every upload application/octet-stream).
 */
final class MediaTypes {

    private static final String OCTET_STREAM = "application/octet-stream";

    private MediaTypes() {}

    static String detect(String filename, byte[] bytes, String declared) {
        String sniffed = sniff(bytes);
        if (sniffed != null) {
            return sniffed;
        }
        String byName = URLConnection.guessContentTypeFromName(filename.toLowerCase(Locale.ROOT));
        if (byName != null) {
            return byName;
        }
        if (declared != null) {
            String bare = declared.split(";")[0].trim();
            if (!bare.isEmpty()) {
                return bare;
            }
        }
        return OCTET_STREAM;
    }

    private static String sniff(byte[] bytes) {
        if (PngSize.of(bytes) != null) {
            return "image/png";
        }
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (startsWith(bytes, 'R', 'I', 'F', 'F')
                && bytes.length > 11
                && bytes[8] == 'W'
                && bytes[9] == 'E'
                && bytes[10] == 'B'
                && bytes[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
