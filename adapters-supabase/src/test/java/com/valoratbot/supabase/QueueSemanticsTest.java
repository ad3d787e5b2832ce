package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.QueuedCommand.Admission;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.text.Language;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the queue decides on its own (issues 9, 10, 13): actions left to another consumer, payloads
 * too large to load, ids that already ran, commands that keep killing their worker, junk guilds,
 * a guild flooding the queue, and commands whose worker died before they started.
 */
class QueueSemanticsTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach(
                    "commands",
                    "valoratbot.claims",
                    "valoratbot.workers",
                    "valoratbot.command_runs",
                    "valoratbot.queue_guilds");

    static final String GUILD = "111111111111111111";
    static final String OTHER_GUILD = "111111111111111112";
    static final String CHANNEL = "222222222222222222";

    static String insert(String guild, String action, String payload) {
        return (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, ?, ?::jsonb, clock_timestamp()) RETURNING id::text",
                guild,
                action,
                payload);
    }

    static List<Object> row(String id) {
        return db.query("SELECT status, result->>'code', result->>'reason' FROM commands WHERE id = ?::uuid", id)
                .get(0);
    }

    static String announce(String text) {
        return "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"" + text + "\"}";
    }

    @Test
    void foreignActionsStayPendingAndNeverHoldUpTheGuildsOwnCommandsWhichRunInOrder() {
        String quest1 = insert(GUILD, "ADD_QUEST_PROGRESS", "{\"userId\":\"1\",\"questId\":\"q\",\"amount\":1}");
        String lock = insert(GUILD, "lock", "{\"channelId\":\"" + CHANNEL + "\"}");
        String quest2 = insert(GUILD, "ADD_QUEST_PROGRESS", "{\"userId\":\"1\",\"questId\":\"q\",\"amount\":2}");
        String unlock = insert(GUILD, "unlock", "{\"channelId\":\"" + CHANNEL + "\"}");
        String unknown = insert(GUILD, "SOMETHING_ELSE", "{}");
        // Padded as a hand-written row might be: still the other consumer's, as " lock" would be ours.
        String padded = insert(GUILD, " ADD_QUEST_PROGRESS\t", "{\"userId\":\"1\",\"questId\":\"q\",\"amount\":3}");
        // Another consumer is running one of its own: it must not make the guild busy for us either.
        db.execute("UPDATE commands SET status = 'processing' WHERE id = ?::uuid", quest2);

        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker w = RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q.foreignActions(Set.of("ADD_QUEST_PROGRESS")).pollInterval(Duration.ofMillis(100)),
                x -> x)) {
            Eventually.within(
                    Duration.ofSeconds(15),
                    "our three commands ended",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('done', 'error')") == 3);
        }

        assertThat(discord.executedInGuild(Long.parseLong(GUILD))).containsExactly(lock, unlock);
        assertThat(row(unknown).subList(0, 2)).containsExactly("error", "unknown_action");
        assertThat(row(quest1).get(0)).isEqualTo("pending");
        assertThat(row(padded).get(0)).isEqualTo("pending");
        assertThat(row(quest2).get(0)).isEqualTo("processing");
        assertThat(db.count("SELECT count(*) FROM valoratbot.command_runs WHERE command_id IN (?, ?)", quest1, quest2))
                .isZero();
    }

    @Test
    void twentyFourRowsWithATenMegabytePayloadAreRefusedUnreadAndTheGuildsRealCommandsStillRun() {
        // 10 MB of hex each: pglz compresses it only to about half, so it stays large when stored.
        db.execute("""
                WITH junk AS MATERIALIZED (SELECT string_agg(md5(i::text), '') AS text FROM generate_series(1, 327680) i)
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT ?, 'announce', jsonb_build_object('channelId', ?, 'message', 'x', 'junk', junk.text), clock_timestamp()
                FROM junk, generate_series(1, 24) g""", GUILD, CHANNEL);
        String real = insert(GUILD, "announce", announce("real"));
        String other = insert(OTHER_GUILD, "listTextChannels", "{}");

        RecordingDiscord discord = new RecordingDiscord();
        CommandHandler handler = CommandHandler.builder(discord.ports())
                .language(Language.EN)
                .maxAge(Duration.ofMinutes(10))
                .build();
        try (RunningWorker w =
                RunningWorker.start(db.database(), handler, q -> q.pollInterval(Duration.ofMillis(100)), x -> x)) {
            Eventually.within(
                    Duration.ofSeconds(60),
                    "every row ended",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('done', 'error')") == 26);
        }

        assertThat(db.query(
                        "SELECT status, result->>'code', count(*) FROM commands WHERE id NOT IN (?::uuid, ?::uuid) GROUP BY 1, 2",
                        real,
                        other))
                .containsExactly(List.of("error", "payload_too_large", 24L));
        assertThat((String) db.value(
                        "SELECT result->>'reason' FROM commands WHERE result->>'code' = 'payload_too_large' LIMIT 1"))
                .contains("more than the 65536 bytes")
                .contains("Shorten");
        assertThat(row(real).get(0)).isEqualTo("done");
        assertThat(row(other).get(0)).isEqualTo("done");
        assertThat(discord.executions().keySet()).containsExactlyInAnyOrder(real, other);
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'processing'"))
                .isZero();
    }

    @Test
    void aClaimBatchIsBoundedInBytes() {
        String big = "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"" + "y".repeat(30_000) + "\"}";
        for (int g = 0; g < 10; g++) insert(String.valueOf(300000000000000000L + g), "announce", big);
        try (PostgresQueue q = PostgresQueue.builder(db.database())
                .workerId("bytes")
                .listen(false)
                .batchBytes(100_000)
                .build()) {
            List<QueuedCommand> first = q.claims().claim(10);
            // About 30 KB each: a 100 KB budget takes four (the one that crosses the line included), not ten.
            assertThat(first).hasSizeBetween(3, 4);
            assertThat(first).allSatisfy(c -> assertThat(c.admission()).isEqualTo(Admission.RUN));
        }
    }

    @Test
    void anIdThatAlreadyRanIsNotRunAgainWhenSetBackToPendingAndReplayRunsACopy() {
        String id = insert(GUILD, "announce", announce("once"));
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker w = RunningWorker.start(
                db.database(), discord.handler(), q -> q.pollInterval(Duration.ofMillis(100)), x -> x)) {
            Eventually.within(Duration.ofSeconds(10), "done", () -> "done".equals(row(id).get(0)));
            db.execute("UPDATE commands SET status = 'pending' WHERE id = ?::uuid", id);
            Eventually.within(Duration.ofSeconds(10), "answered again", () -> "error".equals(row(id).get(0)));
            assertThat(row(id).get(1)).isEqualTo("already_executed");
            assertThat(discord.executionsOf(id)).isEqualTo(1);

            String copy = CommandAdmin.on(db.database()).replay(id);
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the copy ran",
                    () -> "done".equals(row(copy).get(0)));
            assertThat(discord.executionsOf(copy)).isEqualTo(1);
        }
    }

    @Test
    void aCommandThatKeepsKillingItsWorkerEndsAfterTheMaximumNumberOfAttempts() {
        String id = insert(GUILD, "listTextChannels", "{}");
        try (PostgresQueue recoverer = PostgresQueue.builder(db.database())
                .workerId("recoverer")
                .listen(false)
                .build()) {
            for (int attempt = 1; attempt <= 3; attempt++) {
                try (PostgresQueue dying = PostgresQueue.builder(db.database())
                        .workerId("dying" + attempt)
                        .listen(false)
                        .maxAttempts(3)
                        .build()) {
                    assertThat(dying.claims().claim(5))
                            .singleElement()
                            .satisfies(c -> assertThat(c.admission()).isEqualTo(Admission.RUN));
                }
                // close() removed the dead worker's row: its claim is taken over and, idempotent, requeued.
                List<QueuedCommand> taken = recoverer.recovery().takeOverAbandoned();
                assertThat(taken).extracting(QueuedCommand::id).containsExactly(id);
                recoverer.recovery().requeue(List.of(id));
            }
            try (PostgresQueue fourth = PostgresQueue.builder(db.database())
                    .workerId("fourth")
                    .listen(false)
                    .maxAttempts(3)
                    .build()) {
                assertThat(fourth.claims().claim(5))
                        .singleElement()
                        .satisfies(c -> assertThat(c.admission()).isEqualTo(new Admission.TooManyAttempts(3)));
            }
        }
    }

    @Test
    void aCommandHandedBackUnrunMoreTimesThanMaxAttemptsStillRuns() {
        String id = insert(GUILD, "listTextChannels", "{}");
        try (PostgresQueue busy = PostgresQueue.builder(db.database())
                .workerId("busy")
                .listen(false)
                .maxAttempts(3)
                .build()) {
            // Claim-ahead's buffer giving it back, again and again: it never reached a thread.
            for (int handedBack = 0; handedBack < 5; handedBack++) {
                assertThat(busy.claims().claim(5))
                        .singleElement()
                        .satisfies(c -> assertThat(c.admission()).isEqualTo(Admission.RUN));
                assertThat(busy.recovery().handBack(List.of(id))).isEmpty();
                assertThat(row(id).get(0)).isEqualTo("pending");
            }
            assertThat(busy.claims().claim(5))
                    .as("still its first attempt")
                    .singleElement()
                    .satisfies(c -> assertThat(c.admission()).isEqualTo(Admission.RUN));
        }
        assertThat(db.value("SELECT claims FROM valoratbot.command_runs WHERE command_id = ?", id))
                .isEqualTo(1);
    }

    @Test
    void rowsForGuildsTheBotIsNotInAreAnsweredWithoutRunningAndAHugeBacklogDoesNotHoldMoreThanItsShare() {
        // 2,000 rows over 2,000 guilds the bot is not in, 500 rows of one real guild, then one command of another.
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT (900000000000000000 + g)::text, 'announce', '{"channelId":"1","message":"spam"}', clock_timestamp()
                FROM generate_series(1, 2000) g""");
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT ?, 'listTextChannels', '{}', clock_timestamp() FROM generate_series(1, 500)""", GUILD);
        String late = insert(OTHER_GUILD, "listTextChannels", "{}");

        RecordingDiscord discord = new RecordingDiscord();
        CommandHandler handler = CommandHandler.builder(discord.ports())
                .maxAge(Duration.ofMinutes(10))
                .presence(guild -> guild.value() < 900000000000000000L)
                .build();
        try (RunningWorker w = RunningWorker.start(
                db.database(), handler, q -> q.pollInterval(Duration.ofMillis(100)), x -> x.maxInFlight(4))) {
            Eventually.within(
                    Duration.ofSeconds(60),
                    "all ended",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('done', 'error')") == 2501);
        }

        assertThat(db.query("SELECT result->>'code', count(*) FROM commands WHERE guild_id >= '9' GROUP BY 1"))
                .containsExactly(List.of("guild_not_found", 2000L));
        assertThat(discord.executions()).hasSize(501);
        // Round robin: the late guild's command ran long before the flooding guild's backlog was through.
        long flooderAfter = db.count("""
                SELECT count(*) FROM commands WHERE guild_id = ?
                AND updated_at > (SELECT updated_at FROM commands WHERE id = ?::uuid)""", GUILD, late);
        assertThat(flooderAfter).isGreaterThan(400);
    }

    @Test
    void aDeadWorkersCommandsThatNeverStartedRunOnceAndOnlyStartedOnesEndInterrupted() {
        String announce = insert(GUILD, "announce", announce("never started"));
        String purge = insert(OTHER_GUILD, "purge", "{\"channelId\":\"" + CHANNEL + "\",\"amount\":5}");
        try (PostgresQueue dying = PostgresQueue.builder(db.database())
                .workerId("dying")
                .listen(false)
                .build()) {
            var marks = dying.startMarks();
            assertThat(dying.claims().claim(10)).hasSize(2);
            // It recorded that the purge started (then died before answering); the announce never began.
            assertThat(marks.started(purge)).isTrue();
        }

        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker survivor = RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q.workerId("survivor")
                        .lease(Duration.ofSeconds(1))
                        .listen(false)
                        .pollInterval(Duration.ofMillis(100)),
                w -> w)) {
            Eventually.within(
                    Duration.ofSeconds(15),
                    "both settled",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('done', 'error')") == 2);
        }

        assertThat(row(announce).get(0)).isEqualTo("done");
        assertThat(discord.executionsOf(announce)).isEqualTo(1);
        assertThat(row(purge).subList(0, 2)).containsExactly("error", "interrupted");
    }

    @Test
    void pickedAtIsNeverBeforeCreatedAtEvenWhenTheInsertingTransactionStartedEarlier() throws Exception {
        db.execute(TableVariantsTest.COMMAND_QUEUE.replace("public.command_queue", "public.command_queue_t"));
        Database variant = db.open(s -> s.table("command_queue_t"));
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker w =
                RunningWorker.start(variant, discord.handler(), q -> q.pollInterval(Duration.ofMillis(50)), x -> x)) {
            for (int i = 0; i < 50; i++) {
                try (var c = db.connect()) {
                    c.setAutoCommit(false);
                    // created_at defaults to now(): the start of this transaction, before the row is visible.
                    c.createStatement()
                            .execute("INSERT INTO command_queue_t (guild_id, action) VALUES ('" + (GUILD + i % 5)
                                    + "', 'listTextChannels')");
                    c.commit();
                }
            }
            Eventually.within(
                    Duration.ofSeconds(20),
                    "all done",
                    () -> db.count("SELECT count(*) FROM command_queue_t WHERE status = 'done'") == 50);
        }
        assertThat(db.count("SELECT count(*) FROM command_queue_t WHERE picked_at < created_at"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM command_queue_t WHERE picked_at IS NULL"))
                .isZero();
    }
}
