package com.valoratbot.worker;

import com.valoratbot.core.config.DurationText;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Configuration as flat key/value pairs: environment variables, over an optional properties file
 * named by {@code VALORATBOT_CONFIG} whose keys are the same names. Every key is documented in
 * docs/configuration.md; unknown {@code VALORATBOT_*} keys are refused so a typo is not silently ignored.
 */
public final class Settings {

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** The process environment, over the file it names in {@code VALORATBOT_CONFIG} if any. */
    public static Settings load(Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>();
        String file = environment.get("VALORATBOT_CONFIG");
        if (file != null && !file.isBlank()) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "VALORATBOT_CONFIG names " + file + ", which cannot be read: " + e.getMessage(), e);
            }
            p.forEach((k, v) -> merged.put(k.toString().strip(), v.toString().strip()));
        }
        environment.forEach((k, v) -> {
            if (v != null) merged.put(k, v);
        });
        return new Settings(merged);
    }

    public Map<String, String> asMap() {
        return values;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public int integer(String key, int fallback, int min, int max) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) return fallback;
        try {
            int v = Integer.parseInt(raw.get());
            if (v < min || v > max) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    key + " must be a whole number from " + min + " to " + max + ", was '" + raw.get() + "'");
        }
    }

    public boolean flag(String key, boolean fallback) {
        return get(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "true", "1", "yes", "on" -> true;
                    case "false", "0", "no", "off" -> false;
                    default -> throw new IllegalArgumentException(key + " must be true or false, was '" + v + "'");
                })
                .orElse(fallback);
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, a bare number of seconds, or ISO-8601 ({@code PT30S}). */
    public Duration duration(String key, Duration fallback) {
        return get(key).map(v -> parseDuration(key, v)).orElse(fallback);
    }

    public ZoneId zone(String key, ZoneId fallback) {
        return get(key).map(v -> {
                    try {
                        return ZoneId.of(v);
                    } catch (java.time.DateTimeException e) {
                        throw new IllegalArgumentException(
                                key + " must be a time zone like Europe/Paris, was '" + v + "'");
                    }
                })
                .orElse(fallback);
    }

    /** Every setting but {@code VALORATBOT_DB_START_WAIT} is a positive duration: zero is a typo there. */
    static Duration parseDuration(String key, String text) {
        return DurationText.parse(key, text, false);
    }
}
