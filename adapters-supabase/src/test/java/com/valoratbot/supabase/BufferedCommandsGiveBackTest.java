package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Claim-ahead's other side (issue 12's notes): real commands claimed beyond a busy worker's slots
 * wait in its buffer only a short while; then they go back to pending for a worker with free slots,
 * and the busy one claims only for its free slots for as long again.
 */
class BufferedCommandsGiveBackTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated(s -> s.poolSize(12))
            .emptiedBeforeEach("commands", "valoratbot.command_runs", "valoratbot.claims", "valoratbot.workers");

    static final long GUILD = 111111111111111111L;

    static CommandHandler handler(RecordingDiscord discord) {
        return CommandHandler.builder(discord.ports())
                .maxAge(Duration.ofMinutes(10))
                .build();
    }

    @Test
    void commandsWaitingInABusyWorkersBufferAreGivenBackAndRunOnceByAnIdleWorker() throws Exception {
        RecordingDiscord slow = new RecordingDiscord().delay(Duration.ofSeconds(60));
        RecordingDiscord idle = new RecordingDiscord();
        CommandAdmin admin = CommandAdmin.on(db.database());
        String held = admin.enqueue(String.valueOf(GUILD), "listTextChannels", "{}", null);
        RunningWorker busy = RunningWorker.start(
                db.database(),
                handler(slow),
                q -> q,
                w -> w.maxInFlight(1)
                        .claimAhead(4)
                        .aheadRelease(Duration.ofMillis(500))
                        .shutdownTimeout(Duration.ofMillis(300)));
        try {
            Eventually.within(Duration.ofSeconds(20), "the only slot taken", () -> slow.executionsOf(held) == 1);
            String a = admin.enqueue(String.valueOf(GUILD + 1), "listTextChannels", "{}", null);
            String b = admin.enqueue(String.valueOf(GUILD + 2), "listTextChannels", "{}", null);
            String c = admin.enqueue(String.valueOf(GUILD + 3), "listTextChannels", "{}", null);
            Eventually.within(
                    Duration.ofSeconds(20),
                    "given back after the wait",
                    () -> db.count("SELECT count(*) FROM commands WHERE status = 'pending'") == 3);

            try (RunningWorker other = RunningWorker.start(db.database(), handler(idle))) {
                Eventually.within(
                        Duration.ofSeconds(30),
                        "the idle worker ran them",
                        () -> db.count("SELECT count(*) FROM commands WHERE status = 'done'") == 3);
            }

            assertThat(idle.executions())
                    .containsOnlyKeys(a, b, c)
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(slow.executions()).containsOnlyKeys(held);
            assertThat(db.value("SELECT status::text FROM commands WHERE id = ?::uuid", held))
                    .isEqualTo("processing");
        } finally {
            busy.close();
        }
    }
}
