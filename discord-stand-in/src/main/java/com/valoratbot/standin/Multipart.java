package com.valoratbot.standin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A minimal multipart/form-data reader for message uploads ({@code payload_json} and {@code files[n]}). */
final class Multipart {

    record Part(String name, String filename, String contentType, byte[] data) {}

    private static final Pattern BOUNDARY =
            Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME =
            Pattern.compile("(?<![\\w*])name=\"((?:[^\"\\\\]|\\\\.)*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME =
            Pattern.compile("filename=\"((?:[^\"\\\\]|\\\\.)*)\"", Pattern.CASE_INSENSITIVE);
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    private Multipart() {}

    static boolean isMultipart(String contentType) {
        return contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    static List<Part> parse(byte[] body, String contentType) {
        Matcher boundaryMatcher = BOUNDARY.matcher(contentType);
        if (!boundaryMatcher.find()) {
            throw ApiException.invalidForm("BASE_TYPE_REQUIRED", "Multipart body without a boundary.", "files");
        }
        String boundary = boundaryMatcher.group(1) != null ? boundaryMatcher.group(1) : boundaryMatcher.group(2);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] separator = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int position = indexOf(body, delimiter, 0);
        if (position < 0) {
            throw malformed();
        }
        position += delimiter.length;
        while (true) {
            if (position + 2 <= body.length && body[position] == '-' && body[position + 1] == '-') {
                return parts;
            }
            position = skipLineBreak(body, position);
            int headersEnd = indexOf(body, CRLF_CRLF, position);
            if (headersEnd < 0) {
                throw malformed();
            }
            String headers = new String(body, position, headersEnd - position, StandardCharsets.UTF_8);
            int dataStart = headersEnd + CRLF_CRLF.length;
            int dataEnd = indexOf(body, separator, dataStart);
            if (dataEnd < 0) {
                throw malformed();
            }
            parts.add(part(headers, Arrays.copyOfRange(body, dataStart, dataEnd)));
            position = dataEnd + separator.length;
        }
    }

    private static Part part(String headers, byte[] data) {
        String name = null;
        String filename = null;
        String contentType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) {
                name = unquote(NAME.matcher(value));
                filename = unquote(FILENAME.matcher(value));
            } else if (header.equals("content-type")) {
                contentType = value;
            }
        }
        return new Part(name, filename, contentType, data);
    }

    private static String unquote(Matcher matcher) {
        return matcher.find() ? matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
    }

    private static int skipLineBreak(byte[] body, int position) {
        if (position + 1 < body.length && body[position] == '\r' && body[position + 1] == '\n') {
            return position + 2;
        }
        return position;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static ApiException malformed() {
        return ApiException.of(400, 50035, "Invalid Form Body");
    }
}
