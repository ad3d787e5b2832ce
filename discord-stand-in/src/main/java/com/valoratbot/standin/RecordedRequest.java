package com.valoratbot.standin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP API call the stand-in answered. {@code route} is the matched template, e.g.
 * {@code POST /channels/{channel_id}/messages/bulk-delete}, or {@code method + " ?"} when nothing matched.
 * Headers exclude {@code Authorization}; names are lower-case.
 */
public record RecordedRequest(
        Instant at,
        String method,
        String path,
        String query,
        String route,
        int status,
        Map<String, List<String>> headers,
        byte[] body) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    @Override
    public String toString() {
        return at + " " + route + " -> " + status + " (" + method + " " + path + (query.isEmpty() ? "" : "?" + query)
                + ")";
    }
}
