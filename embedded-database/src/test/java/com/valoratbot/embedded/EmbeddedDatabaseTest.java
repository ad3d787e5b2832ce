package com.valoratbot.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without DATABASE_URL: an embedded PostgreSQL whose data outlives the process. */
class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void withoutAUrlAnEmbeddedDatabaseStartsInTheDataDirectoryAndKeepsCommandsAcrossRestarts() {
        Path data = dir.resolve("pgdata");
        DatabaseSettings settings =
                DatabaseSettings.builder().dataDirectory(data).build();
        String id;
        try (Database first = Database.open(settings)) {
            assertThat(first.embeddedDataDirectory())
                    .contains(data.toAbsolutePath().normalize());
            assertThat(first.describe())
                    .contains("embedded PostgreSQL on localhost:")
                    .contains(data.toAbsolutePath().normalize().toString());
            assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
            id = CommandAdmin.on(first).enqueue("111111111111111111", "listTextChannels", "{}", null);
        }

        try (Database second = Database.open(settings)) {
            assertThat(CommandAdmin.on(second).find(id))
                    .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo("pending"));
        }
    }

    @Test
    void aSecondProcessOnTheSameDataDirectoryUsesTheRunningServerAndLeavesItRunning() {
        DatabaseSettings settings =
                DatabaseSettings.builder().dataDirectory(dir.resolve("shared")).build();
        try (Database worker = Database.open(settings)) {
            String id;
            try (Database cli = Database.open(settings)) {
                assertThat(cli.describe()).contains("started by another process");
                id = CommandAdmin.on(cli).enqueue("111111111111111111", "listTextChannels", "{}", null);
            }
            // The CLI closing must not stop the worker's server.
            assertThat(CommandAdmin.on(worker).find(id)).isPresent();
        }
    }
}
