package com.valoratbot.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandFilter;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database is durable and asks for a password nobody else can read. */
class EmbeddedSecurityTest {

    @TempDir
    Path dir;

    private DatabaseSettings settings(Path data) {
        return DatabaseSettings.builder().dataDirectory(data).build();
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        if (password != null) p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", p);
    }

    private static int port(Database db) {
        return Integer.parseInt(db.describe().replaceAll(".*localhost:(\\d+).*", "$1"));
    }

    @Test
    void aConnectionWithoutTheGeneratedPasswordIsRefusedAndTheSecretIsOwnerOnly() throws Exception {
        Path data = dir.resolve("pgdata");
        try (Database db = Database.open(settings(data))) {
            Path secret = data.resolve(EmbeddedServer.SECRET_FILE);
            assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String password = Files.readString(secret).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(32);

            assertThatThrownBy(() -> connect(port(db), null).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            assertThatThrownBy(() -> connect(port(db), "postgres").close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            try (Connection c = connect(port(db), password)) {
                assertThat(c.isValid(2)).isTrue();
            }
            assertThat(Files.readString(data.resolve("pg_hba.conf"))
                            .lines()
                            .filter(l -> !l.isBlank() && !l.startsWith("#")))
                    .allSatisfy(l -> assertThat(l).endsWith("scram-sha-256"));
        }
    }

    @Test
    void theServerRunsDurably() throws Exception {
        try (Database db = Database.open(settings(dir.resolve("pgdata")))) {
            assertThat(setting(db, "fsync")).isEqualTo("on");
            assertThat(setting(db, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(db, "full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void aSecondProcessReadsTheSecretAndAttaches() {
        DatabaseSettings s = settings(dir.resolve("shared"));
        try (Database owner = Database.open(s);
                Database cli = Database.open(s.toBuilder().migrate(false).build())) {
            assertThat(cli.describe()).contains("started by another process");
            assertThat(CommandAdmin.on(cli).list(CommandFilter.all())).isEmpty();
        }
    }

    @Test
    void aDataDirectoryMadeWithTrustIsSwitchedToAPasswordOnItsNextStart() throws Exception {
        Path data = dir.resolve("old");
        // As earlier versions created it: zonky's defaults, trust for everyone.
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .start()
                .close();
        assertThat(Files.exists(data.resolve(EmbeddedServer.SECRET_FILE))).isFalse();

        try (Database db = Database.open(settings(data))) {
            assertThat(Files.exists(data.resolve(EmbeddedServer.SECRET_FILE))).isTrue();
            assertThatThrownBy(() -> connect(port(db), null).close()).isInstanceOf(SQLException.class);
        }
        try (Database again = Database.open(settings(data))) {
            assertThat(CommandAdmin.on(again).list(CommandFilter.all())).isEmpty();
        }
    }

    @Test
    void theCliDoesNotCreateADatabaseWhereThereIsNone() {
        Path data = dir.resolve("nothing-here");
        assertThatThrownBy(() ->
                        Database.open(settings(data).toBuilder().migrate(false).build()))
                .hasMessageContaining("no embedded database in")
                .hasMessageContaining("worker --sandbox");
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isFalse();
    }

    private static String setting(Database db, String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
