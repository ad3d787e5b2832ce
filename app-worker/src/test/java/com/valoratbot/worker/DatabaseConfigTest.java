package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.supabase.DatabaseSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** DATABASE_URL and the other database variables, read in one place and refused, naming the variable, before anything connects. */
class DatabaseConfigTest {

    static DatabaseSettings env(String... keyValues) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return DatabaseConfig.from(Settings.of(m));
    }

    @Test
    void userAndPasswordVariablesOverrideTheUrls() {
        DatabaseSettings s =
                env("DATABASE_URL", "postgres://u:p@host/db", "DATABASE_USER", "admin", "DATABASE_PASSWORD", "other");

        assertThat(s.user()).contains("admin");
        assertThat(s.hasPassword()).isTrue(); // its value: DatabaseSettingsTest, builder-side
        assertThat(s.toString()).doesNotContain("other").doesNotContain(":p@");
    }

    @Test
    void withoutAUrlTheEmbeddedDatabaseKeepsItsDataInTheDefaultOrConfiguredDirectory() {
        assertThat(env().embedded()).isTrue();
        assertThat(env("HOME", "/home/ada").dataDirectory()).isEqualTo(Path.of("/home/ada/.valoratbot/pgdata"));
        assertThat(env("HOME", "/home/ada", "XDG_DATA_HOME", "/home/ada/.local/share")
                        .dataDirectory())
                .isEqualTo(Path.of("/home/ada/.local/share/valoratbot/pgdata"));
        assertThat(env().dataDirectory())
                .as("never relative to the current directory")
                .isAbsolute();
        assertThat(env("VALORATBOT_DATA_DIR", "/var/lib/valoratbot").dataDirectory())
                .isEqualTo(Path.of("/var/lib/valoratbot"));
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
        DatabaseSettings s =
                env("VALORATBOT_DB_POOL_SIZE", "4", "VALORATBOT_DB_MIGRATE", "false", "VALORATBOT_DB_LISTEN", "false");

        assertThat(s.poolSize()).isEqualTo(4);
        assertThat(s.migrate()).isFalse();
        assertThat(s.listenByDefault()).isFalse();
        assertThat(env().poolSize()).isEqualTo(10);
        assertThat(env("VALORATBOT_DB_LISTEN", "auto").listen()).isEmpty();
    }

    @Test
    void invalidValuesFailEarlyNamingTheVariableAndNeverShowingThePassword() {
        assertThatThrownBy(() -> env("DATABASE_URL", "mysql://root:topsecret@host/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> env("DATABASE_URL", "postgres://u:topsecret@host:99999/db"))
                .hasMessageContaining("port")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> env("DATABASE_URL", "postgres://u:topsecret@/db"))
                .hasMessageContaining("host")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> env("VALORATBOT_DB_POOL_SIZE", "lots"))
                .hasMessageContaining("VALORATBOT_DB_POOL_SIZE");
        assertThatThrownBy(() -> env("VALORATBOT_DB_POOL_SIZE", "0")).hasMessageContaining("VALORATBOT_DB_POOL_SIZE");
        assertThatThrownBy(() -> env("VALORATBOT_TABLE", "commands; drop table x"))
                .hasMessageContaining("VALORATBOT_TABLE");
        assertThatThrownBy(() -> env("VALORATBOT_DB_MIGRATE", "maybe")).hasMessageContaining("VALORATBOT_DB_MIGRATE");
    }

    @Test
    void aUrlTimeoutThatIsNotAWholeNumberOfSecondsIsRefusedBeforeConnecting() {
        assertThatThrownBy(() -> env("DATABASE_URL", "postgres://u:secret@h/d?loginTimeout=5s"))
                .hasMessageContaining("DATABASE_URL")
                .hasMessageContaining("loginTimeout")
                .hasMessageContaining("'5s'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> env("DATABASE_URL", "postgres://u:p@h/d?connectTimeout=-1"))
                .hasMessageContaining("connectTimeout");
    }

    @Test
    void theStartUpWaitDefaultsToFiveMinutesAndIsRead() {
        assertThat(env("DATABASE_URL", "postgres://u:p@h/d").startWait()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(env("VALORATBOT_DB_START_WAIT", "30s").startWait()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(env("VALORATBOT_DB_START_WAIT", "0").startWait()).isZero();
        assertThatThrownBy(() -> env("VALORATBOT_DB_START_WAIT", "soon"))
                .hasMessageContaining("VALORATBOT_DB_START_WAIT");
        // The same parser as every other duration setting: days are read, negatives refused.
        assertThat(env("VALORATBOT_DB_START_WAIT", "1d").startWait()).isEqualTo(java.time.Duration.ofDays(1));
        assertThatThrownBy(() -> env("VALORATBOT_DB_START_WAIT", "PT-5S"))
                .hasMessageContaining("VALORATBOT_DB_START_WAIT");
    }

    @Test
    void valoratbotPoolerIsReadAndAWrongValueNamesTheVariable() {
        assertThat(env("DATABASE_URL", "postgres://u:p@h:6543/d", "VALORATBOT_POOLER", "auto")
                        .pooler())
                .isEqualTo(DatabaseSettings.Pooler.TRANSACTION);
        assertThat(env("DATABASE_URL", "postgres://u:p@h:5432/d", "VALORATBOT_POOLER", "session")
                        .pooler())
                .isEqualTo(DatabaseSettings.Pooler.SESSION);
        assertThatThrownBy(() -> env("DATABASE_URL", "postgres://u:p@h/d", "VALORATBOT_POOLER", "statement"))
                .hasMessageContaining("VALORATBOT_POOLER")
                .hasMessageContaining("transaction, session");
    }
}
