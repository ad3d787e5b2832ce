package com.valoratbot.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way a duration is written in configuration and on the command line: {@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, a bare number of seconds, or ISO-8601
 * ({@code PT30S}). It lives in core, plain Java, because both the worker's settings and the database
 * adapter's {@code VALORATBOT_DB_START_WAIT} read durations and an adapter may not depend on the app.
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)?");

    private DurationText() {}

    /**
     * @param name      the setting, named in the error message
     * @param allowZero whether {@code 0} is meaningful (e.g. "do not wait"); negative is never accepted
     * @throws IllegalArgumentException naming the setting when the text is not a duration, is
     *                                  negative, or is zero where zero is not allowed
     */
    public static Duration parse(String name, String text, boolean allowZero) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        if (t.startsWith("p")) {
            try {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw notADuration(name, text);
            }
        } else {
            Matcher m = SHORT.matcher(t);
            if (!m.matches()) throw notADuration(name, text);
            long n = Long.parseLong(m.group(1));
            try {
                d = switch (m.group(2) == null ? "s" : m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                };
            } catch (ArithmeticException e) {
                throw notADuration(name, text);
            }
        }
        if (d.isNegative() || (d.isZero() && !allowZero)) {
            throw new IllegalArgumentException(name + " must be "
                    + (allowZero ? "zero or a positive duration" : "a positive duration") + ", was '" + text + "'");
        }
        return d;
    }

    private static IllegalArgumentException notADuration(String name, String text) {
        return new IllegalArgumentException(
                name + " must be a duration like 500ms, 30s, 5m, 1d or PT30S, was '" + text + "'");
    }
}
