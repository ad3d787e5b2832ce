package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11: in a process holding several shards, each shard's queue LISTENs, and an insert used to wake
 * every one of them (nine in ten found nothing). The notification now names the rows' guilds, and only
 * the queue owning one of them wakes; a payload that cannot be routed (over 100 guilds) wakes all.
 * The queues here poll once a minute, so a wake-up missed would leave a command pending.
 */
class ShardedWakeUpTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach("commands", "valoratbot.command_runs", "valoratbot.claims", "valoratbot.workers");

    static final int TOTAL = 4;

    /** The {@code nth} snowflake on {@code shard} of {@link #TOTAL}. */
    static String guildOn(int shard, int nth) {
        long k = (1_300_000_000_000_000_000L >>> 22) + nth * (long) TOTAL;
        while (k % TOTAL != shard) k++;
        return Long.toString(k << 22);
    }

    static RunningWorker shardWorker(RecordingDiscord discord, int shard) {
        return RunningWorker.start(
                db.database(),
                discord.handler(),
                q -> q.shards(TOTAL, List.of(shard)).listen(true).pollInterval(Duration.ofMinutes(1)),
                w -> w);
    }

    static void insert(String guild) {
        db.execute(
                "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'listTextChannels', '{}'::jsonb)", guild);
    }

    static long unfinished() {
        return db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')");
    }

    @Test
    void anInsertForAGuildOnShardZeroWakesShardZerosQueueOnlyAndNothingIsMissed() {
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker zero = shardWorker(discord, 0);
                RunningWorker one = shardWorker(discord, 1)) {
            Eventually.within(
                    Duration.ofSeconds(10),
                    "both queues listening",
                    () -> zero.queue().listening() && one.queue().listening());
            // The first claim after LISTEN (woken by the listener itself) is over.
            Eventually.within(Duration.ofSeconds(10), "idle", () -> unfinished() == 0);
            long zeroBefore = zero.queue().notificationWakeUps();
            long oneBefore = one.queue().notificationWakeUps();

            insert(guildOn(0, 0));
            Eventually.within(Duration.ofSeconds(10), "the shard 0 command claimed", () -> unfinished() == 0);
            assertThat(zero.queue().notificationWakeUps() - zeroBefore).isEqualTo(1);
            assertThat(one.queue().notificationWakeUps() - oneBefore)
                    .as("shard 1's queue is not woken for a shard 0 guild")
                    .isZero();

            // Ten inserts on each shard, one statement each, interleaved: each queue woken by its own.
            for (int i = 1; i <= 10; i++) {
                insert(guildOn(0, i));
                insert(guildOn(1, i));
            }
            Eventually.within(Duration.ofSeconds(20), "all twenty claimed without polling", () -> unfinished() == 0);
            assertThat(zero.queue().notificationWakeUps() - zeroBefore).isBetween(2L, 11L);
            assertThat(one.queue().notificationWakeUps() - oneBefore).isBetween(1L, 10L);
            assertThat(db.count("SELECT count(*) FROM valoratbot.command_runs")).isEqualTo(21);

            // A guild on shard 2, held by nobody here: neither queue wakes, the row waits.
            long zeroMid = zero.queue().notificationWakeUps();
            long oneMid = one.queue().notificationWakeUps();
            insert(guildOn(2, 0));
            // One more for shard 0, after it: its wake-up arriving proves the first was delivered too.
            insert(guildOn(0, 50));
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the shard 0 command claimed",
                    () -> db.count("SELECT count(*) FROM commands WHERE status = 'pending'") == 1);
            assertThat(zero.queue().notificationWakeUps() - zeroMid).isEqualTo(1);
            assertThat(one.queue().notificationWakeUps() - oneMid).isZero();
        }
    }

    @Test
    void aBulkInsertOfMoreThanAHundredGuildsCannotBeRoutedAndWakesEveryQueue() {
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker zero = shardWorker(discord, 0);
                RunningWorker one = shardWorker(discord, 1)) {
            Eventually.within(
                    Duration.ofSeconds(10),
                    "both queues listening",
                    () -> zero.queue().listening() && one.queue().listening());
            Eventually.within(Duration.ofSeconds(10), "idle", () -> unfinished() == 0);
            long zeroBefore = zero.queue().notificationWakeUps();
            long oneBefore = one.queue().notificationWakeUps();
            StringJoiner values = new StringJoiner(", ");
            for (int i = 0; i < 120; i++)
                values.add("('" + guildOn(i % 2, 100 + i) + "', 'listTextChannels', '{}'::jsonb)");
            db.execute("INSERT INTO commands (guild_id, action, payload) VALUES " + values);
            Eventually.within(Duration.ofSeconds(30), "all 120 claimed without polling", () -> unfinished() == 0);
            assertThat(zero.queue().notificationWakeUps() - zeroBefore).isEqualTo(1);
            assertThat(one.queue().notificationWakeUps() - oneBefore).isEqualTo(1);
        }
    }
}
