package com.valoratbot.core.result;

import java.util.Map;

/**
 * Why a command did not do what was asked: a normal outcome, not an exception.
 *
 * @param details extra fields written next to {@code ok}, {@code reason} and {@code code}
 *                (for example {@code retryAfterMs} on {@code rate_limited})
 */
public record Failure(ErrorCode code, Text reason, Map<String, Object> details) {

    public Failure {
        details = Map.copyOf(details);
    }

    public static Failure of(ErrorCode code, String key, Object... args) {
        return new Failure(code, Text.of(key, args), Map.of());
    }

    public Failure with(String detail, Object value) {
        var copy = new java.util.LinkedHashMap<>(details);
        copy.put(detail, value);
        return new Failure(code, reason, copy);
    }
}
