package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.migrations.ValoratbotMigrations;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the migrations create, and what they never touch. Each test gets an empty database. */
class MigrationsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static List<Object> column(Database d, String sql, Object... args) {
        return d.dsl().fetch(sql, args).map(r -> r.get(0));
    }

    static List<Object> triggers(Database d, String table) {
        return column(
                d,
                "SELECT tgname::text FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal ORDER BY 1",
                table);
    }

    @Test
    void aFreshDatabaseGetsTheGuidesTableAndTheProjectsOwnSchema() {
        Database d = db.closeAfterAll(Database.open(db.newDatabase().build()));

        assertThat(
                        column(
                                d,
                                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'commands' ORDER BY ordinal_position"))
                .containsExactly(
                        "id",
                        "guild_id",
                        "action",
                        "payload",
                        "status",
                        "result",
                        "requested_by",
                        "created_at",
                        "updated_at");
        assertThat(
                        column(
                                d,
                                "SELECT column_default FROM information_schema.columns WHERE table_name = 'commands' AND column_name = 'status'"))
                .containsExactly("'pending'::text");
        assertThat(
                        column(
                                d,
                                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'valoratbot' ORDER BY 1"))
                .contains("channel_locks", "claims", "flyway_schema_history", "workers");
        assertThat(
                        column(
                                d,
                                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'flyway%'"))
                .containsExactly(0L);
        assertThat(triggers(d, "public.commands"))
                .containsExactly(
                        "valoratbot_notify_finished", "valoratbot_notify_inserted", "valoratbot_notify_requeued");
        assertThat(column(d, "SELECT indexname::text FROM pg_indexes WHERE tablename = 'commands' ORDER BY 1"))
                .containsExactly(
                        "commands_pkey", "commands_valoratbot_active_idx", "commands_valoratbot_active_idx_busy");
    }

    @Test
    void anExistingTableKeepsItsColumnsAndRowsAndOnlyGainsTriggersAndAnIndex() {
        DatabaseSettings settings = db.newDatabase().migrate(false).build();
        try (Database raw = Database.open(settings)) {
            raw.dsl().execute("""
                    CREATE TABLE commands (id text PRIMARY KEY, guild_id text NOT NULL, action text NOT NULL, payload json,
                                           status text, result jsonb, created_at timestamp, note text)""");
            raw.dsl().execute("""
                    INSERT INTO commands VALUES ('a', '1', 'lock', '{"b": 1,  "a": 2}', 'done', '{"ok": true}', '2024-01-01 10:00', 'kept'),
                                                ('b', '2', 'purge', null, 'pending', null, null, null)""");
        }
        Database d = db.closeAfterAll(
                Database.open(settings.toBuilder().migrate(true).build()));

        assertThat(
                        column(
                                d,
                                "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'commands' ORDER BY ordinal_position"))
                .containsExactly("id", "guild_id", "action", "payload", "status", "result", "created_at", "note");
        assertThat(column(d, "SELECT row(c.*)::text FROM commands c ORDER BY id"))
                .containsExactly(
                        "(a,1,lock,\"{\"\"b\"\": 1,  \"\"a\"\": 2}\",done,\"{\"\"ok\"\": true}\",\"2024-01-01 10:00:00\",kept)",
                        "(b,2,purge,,pending,,,)");
        assertThat(triggers(d, "public.commands")).hasSize(3);
        assertThat(d.commandTable().optionalColumns()).containsExactly("created_at");
    }

    @Test
    void anEquivalentIndexUnderAnotherNameIsNotDuplicated() {
        Database d = migratedAfterAnIndex("mine", "guild_id, created_at, id");

        assertThat(column(d, "SELECT indexname::text FROM pg_indexes WHERE tablename = 'commands' ORDER BY 1"))
                .containsExactly("commands_pkey", "commands_valoratbot_active_idx_busy", "mine");
    }

    @Test
    void ourIndexOfTheEarlierShapeIsReplacedByOneEndingWithTheIdInsteadOfKeptBesideIt() {
        Database d = migratedAfterAnIndex("commands_valoratbot_active_idx", "guild_id, created_at");

        assertThat(column(d, "SELECT indexname::text FROM pg_indexes WHERE tablename = 'commands' ORDER BY 1"))
                .containsExactly(
                        "commands_pkey", "commands_valoratbot_active_idx", "commands_valoratbot_active_idx_busy");
        assertThat(column(
                        d, "SELECT indexdef::text FROM pg_indexes WHERE indexname = 'commands_valoratbot_active_idx'"))
                .singleElement()
                .asString()
                .contains("(guild_id, created_at, id)");
    }

    /** A command table made before any migration, with one partial index of active rows on these columns, then migrated. */
    private Database migratedAfterAnIndex(String name, String columns) {
        DatabaseSettings settings = db.newDatabase().migrate(false).build();
        try (Database raw = Database.open(settings)) {
            raw.dsl()
                    .execute(
                            "CREATE TABLE commands (id uuid PRIMARY KEY, guild_id text, action text, payload jsonb, status text, result jsonb, created_at timestamptz)");
            raw.dsl()
                    .execute("CREATE INDEX " + name + " ON commands (" + columns
                            + ") WHERE status IN ('pending', 'processing')");
        }
        return db.closeAfterAll(Database.open(settings.toBuilder().migrate(true).build()));
    }

    @Test
    void pointingAtAnotherTableReappliesTheRepeatableMigrationForItAndNothingWhenUnchanged() {
        DatabaseSettings.Builder base = db.newDatabase();
        Database alpha = db.closeAfterAll(Database.open(base.table("alpha").build()));
        Database beta = db.closeAfterAll(Database.open(base.table("ops.beta").build()));

        assertThat(triggers(alpha, "public.alpha")).hasSize(3);
        assertThat(triggers(beta, "ops.beta")).hasSize(3);
        assertThat(
                        column(
                                beta,
                                "SELECT count(*) FROM valoratbot.flyway_schema_history WHERE script = 'R__20_command_table.sql'"))
                .containsExactly(2L);
        // Same names again: nothing to apply.
        assertThat(ValoratbotMigrations.migrate(beta.dataSource(), "ops", "beta"))
                .isZero();
        // Back to the first table: its checksum differs from the last applied one, so it runs again (harmlessly).
        assertThat(ValoratbotMigrations.migrate(alpha.dataSource(), "public", "alpha"))
                .isEqualTo(1);
        assertThat(triggers(alpha, "public.alpha")).hasSize(3);
    }

    @Test
    void aCommandTableDroppedAndCreatedAgainGetsItsTriggersBackAtTheNextMigration() {
        Database d =
                db.closeAfterAll(Database.open(db.newDatabase().table("gamma").build()));
        assertThat(triggers(d, "public.gamma")).hasSize(3);

        // The dashboard's own migrations (or a restore) re-create the table under the deployment.
        d.dsl().execute("DROP TABLE public.gamma");
        d.dsl()
                .execute(
                        "CREATE TABLE public.gamma (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), guild_id text NOT NULL, action text NOT NULL, payload jsonb, status text DEFAULT 'pending', result jsonb, created_at timestamptz DEFAULT now())");
        assertThat(triggers(d, "public.gamma")).isEmpty();

        assertThat(ValoratbotMigrations.migrate(d.dataSource(), "public", "gamma"))
                .isEqualTo(1);
        assertThat(triggers(d, "public.gamma"))
                .containsExactly(
                        "valoratbot_notify_finished", "valoratbot_notify_inserted", "valoratbot_notify_requeued");
        // A row inserted now is in the claim's line again.
        d.dsl().execute("INSERT INTO public.gamma (guild_id, action) VALUES ('1', 'announce')");
        assertThat(column(d, "SELECT count(*) FROM valoratbot.queue_guilds WHERE guild_id = '1'"))
                .containsExactly(1L);
    }

    @Test
    void tableNamesThatAreNotPlainIdentifiersAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ValoratbotMigrations.migrate(db.open().dataSource(), "public", "x\"; DROP TABLE y; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
