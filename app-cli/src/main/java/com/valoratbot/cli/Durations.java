package com.valoratbot.cli;

import com.valoratbot.worker.Settings;

import java.time.Duration;
import java.util.Map;

/** Command-line durations read like the configuration's: 500ms, 30s, 5m, PT30S. */
final class Durations {

    private Durations() {}

    static Duration parse(String option, String text) {
        return Settings.of(Map.of(option, text)).duration(option, Duration.ZERO);
    }
}
