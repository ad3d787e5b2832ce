package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two shapes dashboards create: the guide's {@code commands} (uuid id, updated_at), and
 * {@code command_queue} (here with a bigint id, picked_at instead of updated_at, no requested_by,
 * and a CHECK constraint on status), side by side in one database.
 */
class TableVariantsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final String COMMAND_QUEUE = """
            CREATE TABLE public.command_queue (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                guild_id   text NOT NULL,
                action     text NOT NULL,
                payload    jsonb DEFAULT '{}'::jsonb,
                status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'done', 'error')),
                result     jsonb,
                created_at timestamptz NOT NULL DEFAULT now(),
                picked_at  timestamptz
            )""";

    @Test
    void bothTableShapesAreServedSideBySideEachWithItsOwnTimestamps() throws Exception {
        db.execute(COMMAND_QUEUE);
        db.execute(
                "INSERT INTO command_queue (guild_id, action, status, result) VALUES ('1', 'lock', 'done', '{\"ok\": true, \"old\": 1}')");
        // Named: with no table configured, command_queue alone would be chosen (CommandTableChoiceTest).
        Database guide = db.open(s -> s.table("commands"));
        Database variant = db.open(s -> s.table("command_queue"));

        assertThat(guide.commandTable().optionalColumns()).containsExactly("created_at", "requested_by", "updated_at");
        assertThat(variant.commandTable().optionalColumns()).containsExactly("created_at", "picked_at");
        assertThat(variant.commandTable().idType()).isEqualTo("bigint");
        // The migration equipped the existing table without changing its columns or rows.
        assertThat(db.count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'command_queue'"))
                .isEqualTo(8);
        assertThat(db.value("SELECT result::text FROM command_queue WHERE guild_id = '1'"))
                .isEqualTo("{\"ok\": true, \"old\": 1}");

        for (int i = 0; i < 20; i++) {
            String guild = String.valueOf(111111111111111111L + i % 4);
            String payload = "{\"channelId\": \"222222222222222222\", \"duration\": " + i + "}";
            CommandAdmin.on(guide).enqueue(guild, "slowmode", payload, "333333333333333333");
            CommandAdmin.on(variant).enqueue(guild, "slowmode", payload, null);
        }
        // Timestamps the worker must overwrite (compared with a fixed date, not with another now()).
        db.execute("UPDATE commands SET updated_at = '2001-01-01'");
        assertThat(db.count("SELECT count(*) FROM command_queue WHERE picked_at IS NOT NULL"))
                .isZero();
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker a = RunningWorker.start(
                        guide, discord.handler(), q -> q.pollInterval(Duration.ofMillis(100)), w -> w);
                RunningWorker b = RunningWorker.start(
                        variant, discord.handler(), q -> q.pollInterval(Duration.ofMillis(100)), w -> w)) {
            Eventually.within(
                    Duration.ofSeconds(30),
                    "all done",
                    () -> db.count("SELECT count(*) FROM commands WHERE status = 'done'") == 20
                            && db.count("SELECT count(*) FROM command_queue WHERE status = 'done'") == 21);
        }

        assertThat(db.count("SELECT count(*) FROM commands WHERE updated_at > '2020-01-01'"))
                .isEqualTo(20);
        assertThat(db.count("SELECT count(*) FROM command_queue WHERE guild_id <> '1' AND picked_at > '2020-01-01'"))
                .isEqualTo(20);
        assertThat(db.count("SELECT count(*) FROM command_queue WHERE guild_id = '1' AND picked_at IS NULL"))
                .isEqualTo(1);
        List<Object> ids = db.query("SELECT id::text FROM command_queue WHERE guild_id <> '1'").stream()
                .map(r -> r.get(0))
                .toList();
        assertThat(ids)
                .allSatisfy(id -> assertThat(discord.executionsOf((String) id)).isEqualTo(1));
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
    }

    @Test
    void aRowRequeuedOnTheVariantTableForgetsItsPickedAtAndKeepsItsCreatedAt() {
        db.execute("CREATE TABLE IF NOT EXISTS public.command_queue2 (LIKE public.command_queue INCLUDING ALL)");
        Database variant = db.open(s -> s.table("command_queue2"));
        String id = CommandAdmin.on(variant).enqueue("111111111111111111", "lock", "{\"channelId\": \"2\"}", null);
        String created = (String) db.value("SELECT created_at::text FROM command_queue2 WHERE id = ?::bigint", id);
        try (PostgresQueue q = PostgresQueue.builder(variant).listen(false).build()) {
            assertThat(q.claims().claim(1)).hasSize(1);
            assertThat(db.value("SELECT picked_at FROM command_queue2 WHERE id = ?::bigint", id))
                    .isNotNull();

            q.recovery().requeue(List.of(id));
        }
        assertThat(db.query("SELECT status, picked_at, created_at::text FROM command_queue2 WHERE id = ?::bigint", id)
                        .get(0))
                .containsExactly("pending", null, created);
    }

    @Test
    void onTheDashboardsCommandQueueAFloodOfUnknownGuildsIsAnsweredInTheClaimWithinItsStatusCheck() {
        // Its own table of the dashboard's shape: the class's other tests count command_queue's rows.
        db.execute(COMMAND_QUEUE.replace("public.command_queue", "public.command_queue_flood"));
        Database variant = db.open(s -> s.table("command_queue_flood"));
        db.execute("""
                INSERT INTO command_queue_flood (guild_id, action, payload, created_at)
                SELECT (900000000000000000 + g)::text, 'listTextChannels', '{}'::jsonb, clock_timestamp()
                FROM generate_series(1, 300) g""");
        String real = CommandAdmin.on(variant)
                .enqueue(AbsentGuildsAnsweredInTheClaimTest.REAL, "listTextChannels", "{}", null);
        var gateway = new AbsentGuildsAnsweredInTheClaimTest.Gateway(AbsentGuildsAnsweredInTheClaimTest.REAL);
        RecordingDiscord discord = new RecordingDiscord();
        var handler = com.valoratbot.core.run.CommandHandler.builder(discord.ports())
                .maxAge(Duration.ofMinutes(10))
                .presence(gateway)
                .build();

        try (RunningWorker w = RunningWorker.start(
                variant, handler, q -> q.answerAbsentGuilds(gateway, handler.guildNotFoundResult()), x -> x)) {
            Eventually.within(
                    Duration.ofSeconds(60),
                    "every row finished",
                    () -> db.count("SELECT count(*) FROM command_queue_flood WHERE status IN ('pending', 'processing')")
                            == 0);
        }

        assertThat(db.count("""
                        SELECT count(*) FROM command_queue_flood WHERE guild_id >= '9' AND status = 'error'
                          AND result->>'code' = 'guild_not_found'""")).isEqualTo(300);
        assertThat(discord.executions().keySet()).containsExactly(real);
        // Never claimed: only the real command has a run.
        assertThat(db.count(
                        "SELECT count(*) FROM valoratbot.command_runs WHERE command_table = ?",
                        variant.commandTable().key()))
                .isEqualTo(1);
    }
}
