package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator's side: enqueue, find, list, await, replay, tail and doctor. */
class CommandAdminTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated().emptiedBeforeEach("commands", "valoratbot.workers");

    static CommandAdmin admin;
    static final String GUILD = "111111111111111111";
    static final String OTHER = "111111111111111112";

    @BeforeAll
    static void open() {
        admin = CommandAdmin.on(db.database());
    }

    @Test
    void anEnqueuedCommandIsPendingWithItsPayloadRequesterAndTimestamps() {
        String id = admin.enqueue(GUILD, "lock", "{\"channelId\": \"2\"}", "333333333333333333");

        CommandRow row = admin.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo("pending");
        assertThat(row.guildId()).isEqualTo(GUILD);
        assertThat(row.action()).isEqualTo("lock");
        assertThat(row.payloadJson()).isEqualTo("{\"channelId\": \"2\"}");
        assertThat(row.requestedBy()).contains("333333333333333333");
        assertThat(row.resultJson()).isNull();
        assertThat(row.createdAt()).isPresent();
        assertThat(row.updatedAt()).isPresent();
        assertThat(row.finished()).isFalse();
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedBeforeReachingTheTable() {
        assertThatThrownBy(() -> admin.enqueue(GUILD, "lock", "{channelId: 2", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(db.count("SELECT count(*) FROM commands")).isZero();
    }

    @Test
    void findingAnIdThatDoesNotExistOrCannotBeOneGivesNothing() {
        assertThat(admin.find("00000000-0000-0000-0000-000000000000")).isEmpty();
        assertThat(admin.find("not-a-uuid")).isEmpty();
    }

    @Test
    void listingFiltersByStatusGuildAndActionNewestFirst() {
        String first = admin.enqueue(GUILD, "lock", "{}", null);
        String second = admin.enqueue(GUILD, "unlock", "{}", null);
        String third = admin.enqueue(OTHER, "lock", "{}", null);
        db.execute("UPDATE commands SET status = 'done' WHERE id = ?::uuid", second);

        assertThat(admin.list(CommandFilter.all())).extracting(CommandRow::id).containsExactly(third, second, first);
        assertThat(admin.list(CommandFilter.all().withGuild(GUILD)))
                .extracting(CommandRow::id)
                .containsExactly(second, first);
        assertThat(admin.list(CommandFilter.all().withStatus("pending").withAction("lock")))
                .extracting(CommandRow::id)
                .containsExactly(third, first);
        assertThat(admin.list(CommandFilter.all().withLimit(1)))
                .extracting(CommandRow::id)
                .containsExactly(third);
    }

    @Test
    void awaitingAResultReturnsTheFinishedRowAsSoonAsAWorkerWritesIt() throws Exception {
        try (RunningWorker w = RunningWorker.start(db.database(), new RecordingDiscord().handler())) {
            String id = admin.enqueue(GUILD, "listTextChannels", "{}", null);

            CommandRow row = admin.awaitResult(id, Duration.ofSeconds(10)).orElseThrow();

            assertThat(row.status()).isEqualTo("done");
            assertThat(row.resultJson()).contains("\"ok\": true").contains("general");
        }
    }

    @Test
    void awaitingACommandNobodyRunsGivesUpAfterTheTimeout() throws Exception {
        String id = admin.enqueue(GUILD, "listTextChannels", "{}", null);
        long start = System.nanoTime();

        assertThat(admin.awaitResult(id, Duration.ofMillis(700))).isEmpty();

        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(650), Duration.ofSeconds(3));
        assertThatThrownBy(() -> admin.awaitResult("00000000-0000-0000-0000-000000000000", Duration.ofSeconds(1)))
                .isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void replayingQueuesACopyAsANewPendingCommand() {
        String id = admin.enqueue(GUILD, "slowmode", "{\"channelId\": \"2\", \"duration\": 5}", "333333333333333333");
        db.execute("UPDATE commands SET status = 'error', result = '{\"ok\": false}' WHERE id = ?::uuid", id);

        String copy = admin.replay(id);

        assertThat(copy).isNotEqualTo(id);
        CommandRow row = admin.find(copy).orElseThrow();
        assertThat(row.status()).isEqualTo("pending");
        assertThat(row.resultJson()).isNull();
        assertThat(List.of(
                        row.guildId(),
                        row.action(),
                        row.payloadJson(),
                        row.requestedBy().orElseThrow()))
                .containsExactly(GUILD, "slowmode", admin.find(id).orElseThrow().payloadJson(), "333333333333333333");
        assertThatThrownBy(() -> admin.replay("00000000-0000-0000-0000-000000000000"))
                .isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void theTailReturnsCommandsAsTheyFinishButNotThoseFinishedBefore() throws Exception {
        String old = admin.enqueue(GUILD, "listTextChannels", "{}", null);
        db.execute("UPDATE commands SET status = 'done', result = '{\"ok\": true}' WHERE id = ?::uuid", old);
        try (CompletedTail tail = admin.tail();
                RunningWorker w = RunningWorker.start(db.database(), new RecordingDiscord().handler())) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++)
                expected.add(admin.enqueue(String.valueOf(111111111111111111L + i), "listTextChannels", "{}", null));
            expected.add(admin.enqueue(GUILD, "nope", "{}", null));

            List<CommandRow> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (seen.size() < expected.size() && System.nanoTime() < deadline)
                seen.addAll(tail.poll(Duration.ofSeconds(1)));

            assertThat(seen).extracting(CommandRow::id).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(seen)
                    .filteredOn(r -> r.action().equals("nope"))
                    .singleElement()
                    .extracting(CommandRow::status)
                    .isEqualTo("error");
            assertThat(tail.poll(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void theDoctorReportsConnectionTableListenBacklogAndLiveWorkers() {
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT '111111111111111111', 'lock', '{}', now() - make_interval(secs => g * 10) FROM generate_series(1, 3) g""");
        db.execute("INSERT INTO commands (guild_id, action, payload, status) VALUES ('1', 'lock', '{}', 'processing')");
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("doctor-test-worker")
                .listen(false)
                .build()) {
            DoctorReport report = admin.doctor();

            assertThat(report.connected()).isTrue();
            assertThat(report.serverVersion())
                    .hasValueSatisfying(v -> assertThat(v).startsWith("PostgreSQL 17"));
            assertThat(report.table())
                    .hasValueSatisfying(t -> assertThat(t.optionalColumns())
                            .containsExactly("created_at", "requested_by", "updated_at"));
            assertThat(report.migrationVersion()).isPresent();
            assertThat(report.listen().status()).isEqualTo(DoctorReport.ListenStatus.WORKS);
            assertThat(report.pending()).isEqualTo(3);
            assertThat(report.oldestPending())
                    .hasValueSatisfying(a -> assertThat(a).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(60)));
            assertThat(report.processing()).isEqualTo(1);
            assertThat(report.liveWorkers())
                    .extracting(DoctorReport.Worker::workerId)
                    .containsExactly("doctor-test-worker");
            assertThat(report.healthy()).isTrue();
            assertThat(String.join("\n", report.lines()))
                    .contains("pending: 3")
                    .contains("listen: works")
                    .contains("doctor-test-worker");
        }
    }

    @Test
    void theDoctorSaysWhenTheCommandTableIsMissing() {
        Database elsewhere = db.open(s -> s.table("no_such_table").migrate(false));

        DoctorReport report = CommandAdmin.on(elsewhere).doctor();

        assertThat(report.connected()).isTrue();
        assertThat(report.table()).isEmpty();
        assertThat(report.healthy()).isFalse();
        assertThat(String.join("\n", report.lines())).contains("public.no_such_table NOT FOUND");
        assertThat(Optional.of(report.pending())).contains(0L);
    }

    @Test
    void theDoctorSaysWhenTheCommandTableWasCreatedAgainWithoutItsTriggers() {
        Database worker = db.open(s -> s.table("recreated"));
        assertThat(CommandAdmin.on(worker).doctor().missingTriggers()).isEmpty();

        db.execute("DROP TABLE public.recreated");
        db.execute(
                "CREATE TABLE public.recreated (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), guild_id text, action text, payload jsonb, status text DEFAULT 'pending', result jsonb, created_at timestamptz DEFAULT now())");
        DoctorReport report = CommandAdmin.on(db.open(s -> s.table("recreated").migrate(false)))
                .doctor();

        assertThat(report.missingTriggers())
                .containsExactly(
                        "valoratbot_notify_inserted", "valoratbot_notify_requeued", "valoratbot_notify_finished");
        assertThat(report.problems())
                .anySatisfy(p -> assertThat(p).contains("lacks the triggers").contains("valoratbot migrate"));
    }

    @Test
    void aRequesterCannotBeGivenToATableWithoutThatColumn() {
        db.execute(
                "CREATE TABLE bare (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), guild_id text, action text, payload jsonb, status text, result jsonb)");
        Database bare = db.open(s -> s.table("bare"));

        assertThatThrownBy(() -> CommandAdmin.on(bare).enqueue(GUILD, "lock", "{}", "333333333333333333"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requested_by");
        String id = CommandAdmin.on(bare).enqueue(GUILD, "lock", "{}", null);
        assertThat(CommandAdmin.on(bare).find(id))
                .hasValueSatisfying(r -> assertThat(r.createdAt()).isEmpty());
    }

    @Test
    void aBatchOfOutcomesNamesEveryFinishedIdInNotificationsOfAHundredIdsAtMost() throws Exception {
        db.execute("INSERT INTO commands (guild_id, action, payload) SELECT (" + GUILD
                + "::bigint + g)::text, 'lock', '{}'::jsonb FROM generate_series(1, 250) g");
        List<String> ids = db.query("SELECT id::text FROM commands").stream()
                .map(r -> (String) r.get(0))
                .toList();
        List<String> payloads = new ArrayList<>();
        try (java.sql.Connection listener = db.connect();
                java.sql.Statement st = listener.createStatement()) {
            st.execute("LISTEN " + PostgresQueue.RESULTS_CHANNEL);
            // One statement, as the worker writes a batch of outcomes: the trigger runs once for it.
            db.execute("UPDATE commands SET status = 'done', result = '{\"ok\":true}'::jsonb");
            db.execute("UPDATE commands SET payload = '{}'::jsonb WHERE false");
            org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (payloads.size() < 3 && System.nanoTime() < deadline) {
                org.postgresql.PGNotification[] got = pg.getNotifications(500);
                if (got != null) for (org.postgresql.PGNotification n : got) payloads.add(n.getParameter());
            }
            org.postgresql.PGNotification[] more = pg.getNotifications(300);
            if (more != null) for (org.postgresql.PGNotification n : more) payloads.add(n.getParameter());
        }

        assertThat(payloads)
                .hasSize(3)
                .allSatisfy(p -> assertThat(p).contains("\"table\"").contains("\"public.commands\""));
        for (String id : ids)
            assertThat(payloads).filteredOn(p -> p.contains(id)).hasSize(1);
    }
}
