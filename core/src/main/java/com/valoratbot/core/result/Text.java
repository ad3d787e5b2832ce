package com.valoratbot.core.result;

import java.util.List;

/**
 * A sentence for a dashboard user, not yet in a language: a message key of
 * {@code com/valoratbot/core/messages*.properties} and its arguments. Rendering waits until the
 * result is written so one deployment can answer in French (the default) or English.
 */
public record Text(String key, List<Object> args) {

    public Text {
        args = List.copyOf(args);
    }

    public static Text of(String key, Object... args) {
        return new Text(key, List.of(args));
    }
}
