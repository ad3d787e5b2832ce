package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This module's classpath is the library's: the embedded PostgreSQL (module embedded-database) is
 * not on it, as for a bot that embeds the library with its own database.
 */
class WithoutTheEmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void settingsWithoutAUrlSayInOneLineToSetDatabaseUrlOrAddTheEmbeddedDatabaseAndCreateNothing() {
        Path data = dir.resolve("pgdata");
        DatabaseSettings settings =
                DatabaseSettings.builder().dataDirectory(data).build();

        assertThatThrownBy(() -> Database.open(settings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set DATABASE_URL")
                .hasMessageContaining("com.valoratbot:embedded-database")
                .message()
                .doesNotContain("\n");
        assertThatThrownBy(() -> Database.openWhenReachable(settings))
                .hasMessageContaining("com.valoratbot:embedded-database");
        assertThat(Files.exists(data)).isFalse();
    }
}
