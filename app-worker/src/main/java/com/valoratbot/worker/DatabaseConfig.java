package com.valoratbot.worker;

import com.valoratbot.core.config.DurationText;
import com.valoratbot.supabase.DatabaseSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The database's settings read from the configuration: the one place (with {@link WorkerConfig},
 * {@link QueueConfig} and {@link DashboardConfig}, all over {@link Settings}) where variables are
 * read; adapters-supabase's {@link DatabaseSettings} only holds and checks the values.
 */
public final class DatabaseConfig {

    private DatabaseConfig() {}

    /**
     * Reads {@code DATABASE_URL}, {@code DATABASE_USER} and {@code DATABASE_PASSWORD} (optional
     * overrides of the URL's credentials), {@code VALORATBOT_TABLE} ({@code table} or
     * {@code schema.table}, default {@code public.commands}), {@code VALORATBOT_DATA_DIR}
     * (embedded data, default {@link #defaultDataDirectory}), {@code VALORATBOT_DB_POOL_SIZE}
     * (default 10), {@code VALORATBOT_DB_MIGRATE} (default true), {@code VALORATBOT_POOLER},
     * {@code VALORATBOT_DB_START_WAIT} and {@code VALORATBOT_DB_LISTEN} ({@code auto}, {@code true}
     * or {@code false}). Blank values count as unset.
     *
     * @throws IllegalArgumentException naming the variable, when a value is invalid
     */
    public static DatabaseSettings from(Settings s) {
        DatabaseSettings.Builder b = DatabaseSettings.builder();
        s.get("DATABASE_URL").ifPresent(b::url);
        s.get("DATABASE_USER").ifPresent(b::user);
        s.get("DATABASE_PASSWORD").ifPresent(b::password);
        s.get("VALORATBOT_TABLE").ifPresent(v -> wrap("VALORATBOT_TABLE", () -> b.table(v)));
        Optional<String> dataDir = s.get("VALORATBOT_DATA_DIR");
        if (dataDir.isPresent()) {
            wrap("VALORATBOT_DATA_DIR", () -> b.dataDirectory(toPath(dataDir.get())));
        } else {
            b.standardDataDirectory(defaultDataDirectory(s));
        }
        s.get("VALORATBOT_DB_POOL_SIZE").ifPresent(v -> wrap("VALORATBOT_DB_POOL_SIZE", () -> b.poolSize(toInt(v))));
        if (s.get("VALORATBOT_DB_MIGRATE").isPresent()) b.migrate(s.flag("VALORATBOT_DB_MIGRATE", true));
        s.get("VALORATBOT_POOLER").ifPresent(v -> wrap("VALORATBOT_POOLER", () -> b.pooler(v)));
        // Zero is meaningful here (give up at once), unlike the worker's other durations.
        s.get("VALORATBOT_DB_START_WAIT")
                .ifPresent(v -> b.startWait(DurationText.parse("VALORATBOT_DB_START_WAIT", v, true)));
        s.get("VALORATBOT_DB_LISTEN").ifPresent(v -> {
            if (v.equalsIgnoreCase("auto")) b.listenAuto();
            else b.listen(s.flag("VALORATBOT_DB_LISTEN", true));
        });
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL: " + e.getMessage(), e);
        }
    }

    /**
     * Where the embedded database lives unless {@code VALORATBOT_DATA_DIR} says otherwise: one place
     * per user, wherever the launcher is run from, so the CLI always finds the sandbox's database.
     * {@code $XDG_DATA_HOME/valoratbot/pgdata} when that is set, else {@code ~/.valoratbot/pgdata}.
     */
    static Path defaultDataDirectory(Settings s) {
        Optional<String> xdg = s.get("XDG_DATA_HOME");
        if (xdg.isPresent() && Path.of(xdg.get()).isAbsolute()) return Path.of(xdg.get(), "valoratbot", "pgdata");
        String home = s.get("HOME").orElse(System.getProperty("user.home"));
        return Path.of(home, ".valoratbot", "pgdata");
    }

    private static void wrap(String variable, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
        }
    }

    private static Path toPath(String v) {
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + v, e);
        }
    }

    private static int toInt(String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: '" + v + "'", e);
        }
    }
}
