package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stopping a worker never leaves a command 'processing'. */
class ShutdownTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated().emptiedBeforeEach("commands");

    static final String CHANNEL = "222222222222222222";

    @Test
    void closingTheWorkerLetsRunningCommandsFinishAndWritesTheirOutcomes() throws Exception {
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT (111111111111111111 + g)::text, 'listTextChannels', '{}', clock_timestamp() FROM generate_series(1, 30) g""");
        RecordingDiscord discord = new RecordingDiscord().delay(Duration.ofMillis(500));
        RunningWorker w = RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q,
                r -> r.maxInFlight(10).shutdownTimeout(Duration.ofSeconds(10)));
        Eventually.within(
                Duration.ofSeconds(10),
                "commands running",
                () -> db.count("SELECT count(*) FROM commands WHERE status = 'processing'") > 0);

        w.close();

        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'processing'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'done'"))
                .isPositive()
                .isEqualTo(discord.executions().size());
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'pending'"))
                .isPositive(); // not claimed after close
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
        assertThat(db.count(
                        "SELECT count(*) FROM valoratbot.workers WHERE worker_id = ?",
                        w.queue().workerId()))
                .isZero();
    }

    @Test
    void commandsStillRunningAfterTheShutdownTimeoutAreRequeuedIfIdempotentAndInterruptedOtherwise() throws Exception {
        String listing = (String)
                db.value(
                        "INSERT INTO commands (guild_id, action, payload) VALUES ('111111111111111111', 'listTextChannels', '{}') RETURNING id::text");
        String announce = (String) db.value(
                "INSERT INTO commands (guild_id, action, payload) VALUES ('111111111111111112', 'announce', ?::jsonb) RETURNING id::text",
                "{\"channelId\": \"" + CHANNEL + "\", \"message\": \"hello\"}");
        RecordingDiscord discord = new RecordingDiscord().delay(Duration.ofSeconds(5));
        PostgresQueue queue = PostgresQueue.builder(db.database()).build();
        CommandWorker worker = CommandWorker.builder(
                        queue.claims(), queue.completions(), queue.recovery(), queue.awaitCommands(), discord.handler())
                .shutdownTimeout(Duration.ofMillis(300))
                .build()
                .start();
        Eventually.within(
                Duration.ofSeconds(10),
                "both running",
                () -> discord.executions().size() == 2);

        worker.close();
        queue.close();

        assertThat(db.query("SELECT status FROM commands WHERE id = ?::uuid", listing)
                        .get(0))
                .containsExactly("pending");
        assertThat(db.query("SELECT status, result->>'code' FROM commands WHERE id = ?::uuid", announce)
                        .get(0))
                .containsExactly("error", "interrupted");
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
    }
}
