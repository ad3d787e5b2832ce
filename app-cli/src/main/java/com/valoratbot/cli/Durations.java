package com.valoratbot.cli;

import com.valoratbot.worker.Settings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/**
 * Command-line durations read like the configuration's: 500ms, 30s, 5m, PT30S. A picocli
 * converter, so a typo such as {@code --timeout 3O} is a usage error (exit 2) found while the
 * arguments are parsed, before the command does anything.
 */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        try {
            return Settings.of(Map.of("duration", text)).duration("duration", Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration (try 500ms, 30s, 5m or PT30S)");
        }
    }
}
