package com.valoratbot.supabase;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DATABASE_URL and the other variables, read and validated before anything connects. */
class DatabaseSettingsTest {

    static DatabaseSettings env(String... keyValues) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return DatabaseSettings.fromEnvironment(m);
    }

    @Test
    void supabasesPoolerUrlOnPort6543TurnsOffPreparedStatementsAndListen() {
        DatabaseSettings s = env("DATABASE_URL", "postgres://postgres.abcdefgh:s3cr%40t%2Fx@aws-0-eu-west-3.pooler.supabase.com:6543/postgres?sslmode=require");

        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://aws-0-eu-west-3.pooler.supabase.com:6543/postgres?sslmode=require");
        assertThat(s.user()).contains("postgres.abcdefgh");
        assertThat(s.password()).contains("s3cr@t/x");
        assertThat(s.usesTransactionPooler()).isTrue();
        assertThat(s.connectionProperties().getProperty("prepareThreshold")).isEqualTo("0");
        assertThat(s.listenByDefault()).isFalse();
        assertThat(s.toString()).contains("postgres.abcdefgh:***@aws-0-eu-west-3.pooler.supabase.com:6543").doesNotContain("s3cr");
        assertThat(s.describe()).doesNotContain("s3cr");
    }

    @Test
    void aDirectConnectionUrlKeepsPreparedStatementsAndListens() {
        DatabaseSettings s = env("DATABASE_URL", "postgresql://postgres:pw@db.abcdefgh.supabase.co:5432/postgres?sslmode=require");

        assertThat(s.usesTransactionPooler()).isFalse();
        assertThat(s.connectionProperties().getProperty("prepareThreshold")).isNull();
        assertThat(s.listenByDefault()).isTrue();
        assertThat(s.connectionProperties().getProperty("password")).isEqualTo("pw");
        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://db.abcdefgh.supabase.co:5432/postgres?sslmode=require");
    }

    @Test
    void aUrlWithoutPasswordOrPortUsesTheDefaultPortAndNoPassword() {
        DatabaseSettings s = env("DATABASE_URL", "postgres://bot@localhost/valoratbot");

        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://localhost/valoratbot");
        assertThat(s.user()).contains("bot");
        assertThat(s.hasPassword()).isFalse();
        assertThat(s.usesTransactionPooler()).isFalse();
        assertThat(s.toString()).doesNotContain("***");
    }

    @Test
    void aPasswordWithAnUnencodedAtSignIsStillSplitAtTheLastAt() {
        DatabaseSettings s = env("DATABASE_URL", "postgres://u:p@ss:w@rd@host:5432/db");

        assertThat(s.user()).contains("u");
        assertThat(s.password()).contains("p@ss:w@rd");
        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://host:5432/db");
        assertThat(s.toString()).contains("u:***@host").doesNotContain("ss:w");
    }

    @Test
    void aJdbcUrlIsAcceptedAndItsCredentialParametersMasked() {
        DatabaseSettings s = env("DATABASE_URL", "jdbc:postgresql://h1:5433,h2:5433/db?user=x&password=hunter2&ssl=true");

        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://h1:5433,h2:5433/db?ssl=true");
        assertThat(s.user()).contains("x");
        assertThat(s.password()).contains("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(DatabaseSettings.mask("jdbc:postgresql://h/db?user=x&password=hunter2&ssl=true")).isEqualTo("jdbc:postgresql://h/db?user=x&password=***&ssl=true");
    }

    @Test
    void pgbouncerTrueMarksATransactionPoolerOnAnyPort() {
        DatabaseSettings s = env("DATABASE_URL", "postgres://u:p@pooler:5432/db?pgbouncer=true&sslmode=require");

        assertThat(s.usesTransactionPooler()).isTrue();
        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://pooler:5432/db?sslmode=require");
    }

    @Test
    void userAndPasswordVariablesOverrideTheUrls() {
        DatabaseSettings s = env("DATABASE_URL", "postgres://u:p@host/db", "DATABASE_USER", "admin", "DATABASE_PASSWORD", "other");

        assertThat(s.user()).contains("admin");
        assertThat(s.password()).contains("other");
        assertThat(s.toString()).doesNotContain("other").doesNotContain(":p@");
    }

    @Test
    void withoutAUrlTheEmbeddedDatabaseKeepsItsDataInTheDefaultOrConfiguredDirectory() {
        assertThat(env().embedded()).isTrue();
        assertThat(env("HOME", "/home/ada").dataDirectory()).isEqualTo(Path.of("/home/ada/.valoratbot/pgdata"));
        assertThat(env("HOME", "/home/ada", "XDG_DATA_HOME", "/home/ada/.local/share").dataDirectory())
                .isEqualTo(Path.of("/home/ada/.local/share/valoratbot/pgdata"));
        assertThat(env().dataDirectory()).as("never relative to the current directory").isAbsolute();
        assertThat(env("VALORATBOT_DATA_DIR", "/var/lib/valoratbot").dataDirectory()).isEqualTo(Path.of("/var/lib/valoratbot"));
        assertThat(env("DATABASE_URL", "  ").embedded()).isTrue();
        assertThat(env().describe()).startsWith("embedded PostgreSQL (data in ").endsWith("pgdata)");
    }

    @Test
    void theTableDefaultsToPublicCommandsAndMayNameItsSchema() {
        assertThat(env().qualifiedTable()).isEqualTo("public.commands");
        assertThat(env("VALORATBOT_TABLE", "command_queue").qualifiedTable()).isEqualTo("public.command_queue");
        assertThat(env("VALORATBOT_TABLE", "bot.queue").qualifiedTable()).isEqualTo("bot.queue");
    }

    @Test
    void poolSizeMigrateAndListenAreRead() {
        DatabaseSettings s = env("VALORATBOT_DB_POOL_SIZE", "4", "VALORATBOT_DB_MIGRATE", "false", "VALORATBOT_DB_LISTEN", "false");

        assertThat(s.poolSize()).isEqualTo(4);
        assertThat(s.migrate()).isFalse();
        assertThat(s.listenByDefault()).isFalse();
        assertThat(env().poolSize()).isEqualTo(10);
        assertThat(env("VALORATBOT_DB_LISTEN", "auto").listen()).isEmpty();
    }

    @Test
    void invalidValuesFailEarlyNamingTheVariableAndNeverShowingThePassword() {
        assertThatThrownBy(() -> env("DATABASE_URL", "mysql://root:topsecret@host/db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DATABASE_URL").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> env("DATABASE_URL", "postgres://u:topsecret@host:99999/db"))
                .hasMessageContaining("port").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> env("DATABASE_URL", "postgres://u:topsecret@/db")).hasMessageContaining("host").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> env("VALORATBOT_DB_POOL_SIZE", "lots")).hasMessageContaining("VALORATBOT_DB_POOL_SIZE");
        assertThatThrownBy(() -> env("VALORATBOT_DB_POOL_SIZE", "0")).hasMessageContaining("VALORATBOT_DB_POOL_SIZE");
        assertThatThrownBy(() -> env("VALORATBOT_TABLE", "commands; drop table x")).hasMessageContaining("VALORATBOT_TABLE");
        assertThatThrownBy(() -> env("VALORATBOT_DB_MIGRATE", "maybe")).hasMessageContaining("VALORATBOT_DB_MIGRATE");
    }

    @Test
    void theBuilderAndToBuilderRoundTrip() {
        DatabaseSettings s = DatabaseSettings.builder().url("postgres://u:p@h:6543/d").table("x.y").poolSize(3).build();

        DatabaseSettings copy = s.toBuilder().build();

        assertThat(copy.toString()).isEqualTo(s.toString());
        assertThat(Map.of("pooler", copy.usesTransactionPooler(), "table", copy.qualifiedTable())).containsEntry("pooler", true).containsEntry("table", "x.y");
    }
}
