package com.valoratbot.core.text;

import java.util.Locale;

/** The language of {@code result.reason}. French by default: the dashboard is French. */
public enum Language {
    FR(Locale.FRENCH),
    EN(Locale.ENGLISH);

    private final Locale locale;

    Language(Locale locale) {
        this.locale = locale;
    }

    public Locale locale() {
        return locale;
    }

    public static Language parse(String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "fr", "french", "français", "francais" -> FR;
            case "en", "english", "anglais" -> EN;
            default -> throw new IllegalArgumentException("language must be fr or en, was '" + text + "'");
        };
    }
}
