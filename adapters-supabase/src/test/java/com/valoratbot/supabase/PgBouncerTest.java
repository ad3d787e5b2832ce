package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.supabase.DatabaseSettings.Pooler;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's database side through a real PgBouncer, as through Supabase's poolers: transaction
 * mode (port 6543: no LISTEN, no server-side prepared statements) and session mode (the pooler's
 * port 5432: LISTEN works). Migrations, claims by two workers, outcomes, and how a new command is
 * noticed, all through the pooler.
 */
class PgBouncerTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final long GUILD_BASE = 500_000_000_000_000_000L;
    static final long CHANNEL_BASE = 600_000_000_000_000_000L;

    /** 40 guilds × 10 commands through the pooler, two workers racing: each runs exactly once, in order per guild. */
    static void twoWorkersRunEveryCommandExactlyOnce(PgBouncer bouncer, Pooler mode) throws Exception {
        db.execute("DELETE FROM commands");
        RecordingDiscord discord = new RecordingDiscord().delay(Duration.ofMillis(2));
        List<RunningWorker> workers = new ArrayList<>();
        try {
            for (int w = 0; w < 2; w++) {
                Database own = db.closeAfterAll(
                        Database.open(through(bouncer, mode).poolSize(4).build()));
                workers.add(RunningWorker.start(
                        own, discord.handler(), q -> q.pollInterval(Duration.ofMillis(200)), r -> r));
            }
            for (int position = 0; position < 10; position++) {
                db.execute("""
                        INSERT INTO commands (guild_id, action, payload, created_at)
                        SELECT (? + g)::text, ?, jsonb_build_object('channelId', (? + g)::text, 'duration', 5), clock_timestamp()
                        FROM generate_series(1, 40) g""", GUILD_BASE, position % 2 == 0 ? "lock" : "unlock", CHANNEL_BASE);
            }
            Eventually.within(
                    Duration.ofSeconds(60),
                    "every command finished",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
        } finally {
            for (RunningWorker w : workers) w.close();
        }
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'done' AND (result->>'ok')::boolean"))
                .isEqualTo(400);
        Map<String, Integer> executions = discord.executions();
        assertThat(executions).hasSize(400);
        assertThat(executions.entrySet()).filteredOn(e -> e.getValue() != 1).isEmpty();
        assertThat(discord.violations()).isEmpty();
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
    }

    static DatabaseSettings.Builder through(PgBouncer bouncer, Pooler mode) {
        return DatabaseSettings.builder().url(bouncer.url(db.name())).pooler(mode);
    }

    static Duration timeToDone(CommandAdmin admin, String id) {
        return Eventually.within(
                Duration.ofSeconds(20),
                "command " + id + " done",
                () -> admin.find(id).map(CommandRow::finished).orElse(false));
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TransactionModeAsSupabasesPort6543 {

        PgBouncer bouncer;
        Database database;

        @BeforeAll
        void start() {
            bouncer = PgBouncer.start("transaction", TestDatabase.port());
            // The first open runs the migrations through the pooler, as a worker does at start-up.
            database = db.closeAfterAll(Database.open(
                    through(bouncer, Pooler.TRANSACTION).poolSize(4).build()));
        }

        @AfterAll
        void stop() {
            if (bouncer != null) bouncer.close();
        }

        @Test
        void theSettingsTurnListenAndServerSidePreparedStatementsOff() {
            assertThat(database.settings().usesTransactionPooler()).isTrue();
            assertThat(database.settings().listenByDefault()).isFalse();
            assertThat(database.settings().connectionProperties().getProperty("prepareThreshold"))
                    .isEqualTo("0");
            assertThat(database.commandTable().missingColumns()).isEmpty();
        }

        @Test
        void twoWorkersClaimAndCompleteEveryCommandExactlyOnceThroughThePooler() throws Exception {
            twoWorkersRunEveryCommandExactlyOnce(bouncer, Pooler.TRANSACTION);
        }

        @Test
        void doctorSaysItGoesThroughATransactionPoolerAndDoesNotTryListen() {
            DoctorReport report = CommandAdmin.on(database).doctor();
            assertThat(report.route().kind()).isEqualTo(DoctorReport.RouteKind.TRANSACTION_POOLER);
            assertThat(report.listen().status()).isEqualTo(DoctorReport.ListenStatus.NOT_TRIED);
        }

        @Test
        void withoutListenANewCommandIsPickedUpByPolling() throws Exception {
            RecordingDiscord discord = new RecordingDiscord();
            try (RunningWorker w = RunningWorker.start(
                    database,
                    discord.handler(),
                    q -> q.pollInterval(Duration.ofMillis(300)),
                    r -> r.pollInterval(Duration.ofMillis(300)))) {
                // Nothing can notify this worker (no LISTEN connection at all), so a command that
                // gets done was found by a poll: the mechanism, not a wall time, is what is checked.
                assertThat(w.queue().listens()).isFalse();
                assertThat(w.queue().listening()).isFalse();
                timeToDone(
                        CommandAdmin.on(database),
                        CommandAdmin.on(database).enqueue("111111111111111111", "listTextChannels", "{}", null));
                assertThat(w.queue().listening()).isFalse();
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SessionModeAsSupabasesSessionPooler {

        PgBouncer bouncer;
        Database database;

        @BeforeAll
        void start() {
            bouncer = PgBouncer.start("session", TestDatabase.port());
            database = db.closeAfterAll(
                    Database.open(through(bouncer, Pooler.SESSION).poolSize(4).build()));
        }

        @AfterAll
        void stop() {
            if (bouncer != null) bouncer.close();
        }

        @Test
        void listenStaysOnAndANotificationWakesTheWorkerLongBeforeItsPoll() throws Exception {
            assertThat(database.settings().listenByDefault()).isTrue();
            RecordingDiscord discord = new RecordingDiscord();
            // Polls ten minutes apart: a command done within timeToDone's 20 s can only have been
            // noticed through a notification, however slow the machine is.
            try (RunningWorker w = RunningWorker.start(
                    database,
                    discord.handler(),
                    q -> q.pollInterval(Duration.ofMinutes(10)),
                    r -> r.pollInterval(Duration.ofMinutes(10)))) {
                Eventually.within(Duration.ofSeconds(10), "listening through the pooler", w.queue()::listening);
                CommandAdmin admin = CommandAdmin.on(database);
                // The first command may meet the worker's first claim round; once it is done the
                // worker sleeps its ten minutes, and only a notification can bring the second one in.
                timeToDone(admin, admin.enqueue("111111111111111111", "listTextChannels", "{}", null));
                timeToDone(admin, admin.enqueue("111111111111111111", "listTextChannels", "{}", null));
                assertThat(discord.executions()).hasSize(2);
            }
        }

        @Test
        void twoWorkersClaimAndCompleteEveryCommandExactlyOnceThroughThePooler() throws Exception {
            twoWorkersRunEveryCommandExactlyOnce(bouncer, Pooler.SESSION);
        }

        @Test
        void doctorSeesASessionPoolerFromTheServersOtherPortAndTheNotificationThatCameBack() {
            DoctorReport report = CommandAdmin.on(database).doctor();
            assertThat(report.listen().status()).isEqualTo(DoctorReport.ListenStatus.WORKS);
            assertThat(report.route().kind()).isEqualTo(DoctorReport.RouteKind.SESSION_POOLER);
        }
    }
}
