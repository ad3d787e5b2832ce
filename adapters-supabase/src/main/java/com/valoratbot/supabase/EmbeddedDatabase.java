package com.valoratbot.supabase;

import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A PostgreSQL run beside the worker on a data directory, used when the settings name no
 * {@code DATABASE_URL} ({@link DatabaseSettings#embedded()}). The implementation lives in the
 * {@code embedded-database} module and is found with {@link ServiceLoader}: PostgreSQL's binaries
 * (tens of MB per platform) belong to the sandbox worker, the CLI and tests, so a bot that embeds
 * this library with its own {@code DataSource} or URL never downloads them.
 */
public interface EmbeddedDatabase {

    /**
     * Attaches to the live server on {@code dataDirectory}, or starts one there.
     *
     * @param mayCreate whether a data directory without a database may be initialised here (only a
     *                  process that may migrate creates one: the CLI's read-only commands must not
     *                  leave an empty database behind)
     * @throws IllegalStateException when it can neither attach nor start, saying why
     */
    Server open(Path dataDirectory, boolean mayCreate);

    /** A server this process started ({@link #owned()}), or one another process started and it attached to. */
    interface Server extends AutoCloseable {

        int port();

        String user();

        /** The password to connect with; empty for a server made before passwords (trust), still being attached to. */
        Optional<String> password();

        /** True when this process started it: closing stops it. An attached server is left running. */
        boolean owned();

        /** Stops the server if this process owns it; does nothing for an attached one. */
        @Override
        void close();
    }

    /**
     * The one on the classpath.
     *
     * @throws IllegalStateException in one line saying what to set or add, when there is none
     */
    static EmbeddedDatabase find() {
        return ServiceLoader.load(EmbeddedDatabase.class)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException(
                                "no DATABASE_URL is set and the embedded PostgreSQL is not on the classpath: set DATABASE_URL"
                                        + " (postgres://user:password@host:5432/database), or add the dependency com.valoratbot:embedded-database"));
    }
}
