package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With no table configured, the dashboard's command_queue is used when it is there and commands is not. */
class CommandTableChoiceTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** The dashboard's exact DDL: uuid id, text guild_id, a CHECK on status, picked_at and no updated_at. */
    static final String DASHBOARD_COMMAND_QUEUE = """
            CREATE TABLE public.command_queue (
                id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                guild_id   text NOT NULL,
                action     text NOT NULL,
                payload    jsonb,
                status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'done', 'error')),
                result     jsonb,
                created_at timestamptz DEFAULT now(),
                picked_at  timestamptz
            )""";

    private static void execute(DatabaseSettings.Builder settings, String sql) throws Exception {
        DatabaseSettings s = settings.build();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl().orElseThrow(), "postgres", null)) {
            c.createStatement().execute(sql);
        }
    }

    @Test
    void aDatabaseWithOnlyTheDashboardsCommandQueueIsServedFromItWithoutASetting() throws Exception {
        DatabaseSettings.Builder settings = db.newDatabase();
        execute(settings, DASHBOARD_COMMAND_QUEUE);
        Database database = db.closeAfterAll(Database.open(settings.build()));

        assertThat(database.settings().qualifiedTable()).isEqualTo("public.command_queue");
        assertThat(database.commandTable().optionalColumns()).containsExactly("created_at", "picked_at");
        // No "commands" table was created beside it.
        try (Connection c = database.dataSource().getConnection()) {
            var rs = c.createStatement().executeQuery("SELECT to_regclass('public.commands') IS NULL");
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
        }

        // Commands inserted as the dashboard does are run and finished on that exact DDL.
        String id = CommandAdmin.on(database)
                .enqueue(
                        "111111111111111111",
                        "slowmode",
                        "{\"channelId\": \"222222222222222222\", \"duration\": 5}",
                        null);
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker ignored =
                RunningWorker.start(database, discord.handler(), q -> q.pollInterval(Duration.ofMillis(100)), w -> w)) {
            CommandRow row = CommandAdmin.on(database)
                    .awaitResult(id, Duration.ofSeconds(30))
                    .orElseThrow();
            assertThat(row.status()).isEqualTo("done");
        }
    }

    @Test
    void aDatabaseWithBothTablesKeepsCommandsAndANamedTableIsNeverSecondGuessed() throws Exception {
        DatabaseSettings.Builder both = db.newDatabase();
        execute(both, DASHBOARD_COMMAND_QUEUE);
        execute(both, "CREATE TABLE public.commands (LIKE public.command_queue INCLUDING ALL)");
        assertThat(db.closeAfterAll(Database.open(both.build())).settings().qualifiedTable())
                .isEqualTo("public.commands");

        DatabaseSettings.Builder named = db.newDatabase();
        execute(named, DASHBOARD_COMMAND_QUEUE);
        assertThat(db.closeAfterAll(Database.open(named.table("commands").build()))
                        .settings()
                        .qualifiedTable())
                .isEqualTo("public.commands");
    }

    @Test
    void anEmptyDatabaseGetsTheProjectsOwnCommandsTable() {
        Database database = db.closeAfterAll(Database.open(db.newDatabase().build()));
        assertThat(database.settings().qualifiedTable()).isEqualTo("public.commands");
        assertThat(database.commandTable()).isNotNull();
    }
}
