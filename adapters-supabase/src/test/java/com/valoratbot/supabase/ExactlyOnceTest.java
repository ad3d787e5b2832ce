package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Four independent workers (core's runtime, each with its own pool, queue and worker id) on one
 * table, with commands arriving while they run.
 */
class ExactlyOnceTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final int GUILDS = 400;
    static final int PER_GUILD = 25;
    static final long GUILD_BASE = 300_000_000_000_000_000L;
    static final long CHANNEL_BASE = 400_000_000_000_000_000L;

    /** Position p of a guild: lock, list, unlock, slowmode, lock, ... so each lock is undone by the next unlock. */
    static String action(int position) {
        return switch (position % 4) {
            case 0 -> "lock";
            case 1 -> "listTextChannels";
            case 2 -> "unlock";
            default -> "slowmode";
        };
    }

    static void insert(int position) {
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT (? + g)::text, ?, jsonb_build_object('channelId', (? + g)::text, 'duration', 5), clock_timestamp()
                FROM generate_series(1, ?) g""", GUILD_BASE, action(position), CHANNEL_BASE, GUILDS);
    }

    @Test
    void tenThousandCommandsOverManyGuildsRunExactlyOnceEachAndInCreationOrderWithinAGuild() throws Exception {
        List<Database> databases = new ArrayList<>();
        for (int w = 0; w < 4; w++) databases.add(db.open(s -> s.poolSize(4)));
        // Half the backlog waits before the workers start (they race for it), half arrives while they run.
        for (int position = 0; position < PER_GUILD / 2; position++) insert(position);
        RecordingDiscord discord = new RecordingDiscord();
        List<RunningWorker> workers = new ArrayList<>();
        for (Database own : databases) {
            workers.add(db.closeAfterAll(RunningWorker.start(own, discord.handler(), q -> q, r -> r.maxInFlight(128))));
        }
        long start = System.nanoTime();
        for (int position = PER_GUILD / 2; position < PER_GUILD; position++) {
            insert(position);
            Thread.sleep(40);
        }
        Eventually.within(
                Duration.ofMinutes(3),
                "every command finished",
                () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("%d commands, 4 workers: %d ms%n", GUILDS * PER_GUILD, took.toMillis());

        // Every row done, every id executed exactly once, nothing else executed.
        assertThat(db.count("SELECT count(*) FROM commands")).isEqualTo(GUILDS * PER_GUILD);
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'done' AND (result->>'ok')::boolean"))
                .isEqualTo(GUILDS * PER_GUILD);
        Map<String, Integer> executions = discord.executions();
        List<String> ids = db.query("SELECT id::text FROM commands").stream()
                .map(r -> (String) r.get(0))
                .toList();
        assertThat(executions.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(executions.entrySet()).filteredOn(e -> e.getValue() != 1).isEmpty();

        // Within a guild: one at a time, in created_at order, so each lock/unlock pair in order.
        assertThat(discord.violations()).isEmpty();
        Map<Long, List<String>> expected = new HashMap<>();
        for (List<Object> row : db.query("SELECT guild_id, id::text FROM commands ORDER BY guild_id, created_at, id")) {
            expected.computeIfAbsent(Long.parseLong((String) row.get(0)), g -> new ArrayList<>())
                    .add((String) row.get(1));
        }
        assertThat(expected).hasSize(GUILDS);
        expected.forEach((guild, order) ->
                assertThat(discord.executedInGuild(guild)).as("guild %d", guild).isEqualTo(order));

        // The work was shared, and nothing is left claimed.
        assertThat(workers)
                .allSatisfy(w -> assertThat(w.worker().completedCount()).isPositive());
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
    }
}
