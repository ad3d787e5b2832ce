package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How a waiting worker learns of a new command: NOTIFY, or polling when it cannot LISTEN. */
class WakeUpTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated();

    static CommandAdmin admin;
    static final String GUILD = "111111111111111111";

    @BeforeAll
    static void open() {
        admin = CommandAdmin.on(db.database());
    }

    static Duration timeToDone(String id) {
        return Eventually.within(
                Duration.ofSeconds(20),
                "command " + id + " done",
                () -> admin.find(id).map(CommandRow::finished).orElse(false));
    }

    @Test
    void aNotificationWakesTheWorkerLongBeforeItsThirtySecondPoll() throws Exception {
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker w = RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q.listen(true).pollInterval(Duration.ofSeconds(30)),
                r -> r.pollInterval(Duration.ofSeconds(30)))) {
            Eventually.within(Duration.ofSeconds(10), "listening", w.queue()::listening);
            Thread.sleep(300); // the worker is now in its long wait

            Duration took = timeToDone(admin.enqueue(GUILD, "listTextChannels", "{}", null));

            // Well under the 30 s poll, so only the notification can explain it; 10 s, not 3, because a
            // loaded 2-core CI machine took 3.7-4.6 s to run the command once it was woken.
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void withoutListenTheWorkerPollsAndPicksACommandUpWithinThePollInterval() throws Exception {
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker w = RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q.listen(false).pollInterval(Duration.ofMillis(300)),
                r -> r.pollInterval(Duration.ofSeconds(30)))) {
            assertThat(w.queue().listens()).isFalse();
            Thread.sleep(500);

            Duration took = timeToDone(admin.enqueue(GUILD, "listTextChannels", "{}", null));

            assertThat(took).isLessThan(Duration.ofMillis(300 + 1_500));
        }
    }

    @Test
    void aLostListenConnectionIsReplacedAndPollingCoversTheGap() throws Exception {
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker w = RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q.listen(true).pollInterval(Duration.ofMillis(400)),
                r -> r.pollInterval(Duration.ofSeconds(30)))) {
            Eventually.within(Duration.ofSeconds(10), "listening", w.queue()::listening);

            db.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'valoratbot-listen' AND datname = current_database()");
            Eventually.within(
                    Duration.ofSeconds(5), "the loss noticed", () -> !w.queue().listening());
            // While it reconnects, a command is still picked up by polling.
            assertThat(timeToDone(admin.enqueue(GUILD, "listTextChannels", "{}", null)))
                    .isLessThan(Duration.ofSeconds(5));

            Eventually.within(Duration.ofSeconds(15), "listening again", w.queue()::listening);
            Thread.sleep(300);
            assertThat(timeToDone(admin.enqueue(GUILD, "listTextChannels", "{}", null)))
                    .isLessThan(Duration.ofSeconds(10)); // against a 30 s poll, as above
        }
    }

    @Test
    void wakeUpEndsAWaitAtOnceAndAnEarlierWakeUpEndsTheNextWait() throws Exception {
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .listen(false)
                .pollInterval(Duration.ofSeconds(30))
                .build()) {
            long start = System.nanoTime();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    queue.awaitCommands().await(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(waiting).isNotDone();

            queue.awaitCommands().wakeUp();

            waiting.get(2, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

            queue.awaitCommands().wakeUp();
            long again = System.nanoTime();
            queue.awaitCommands().await(Duration.ofSeconds(30));
            assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofMillis(200));
        }
    }

    @Test
    void anInsertIntoAnotherCommandTableDoesNotWakeThisOnesWorkers() throws Exception {
        Database other = db.open(s -> s.table("other_commands"));
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .listen(true)
                .pollInterval(Duration.ofSeconds(30))
                .build()) {
            Eventually.within(Duration.ofSeconds(10), "listening", queue::listening);
            queue.awaitCommands().await(Duration.ofMillis(10)); // clear the wake-up of the (re)connection
            CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try {
                    queue.awaitCommands().await(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return (System.nanoTime() - start) / 1_000_000;
            });
            Thread.sleep(200);
            CommandAdmin.on(other).enqueue(GUILD, "listTextChannels", "{}", null);

            assertThat(waited.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(1_900);
        }
    }
}
