package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9: a claim takes more rows than there are free slots, answers the junk among them at once,
 * and holds the real ones claimed in a small local buffer until a slot frees.
 */
class ClaimAheadTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated().emptiedBeforeEach("commands");

    static final long REAL = 111111111111111111L;

    /** Guilds from 900000000000000000 up are ones the bot is not in. */
    static CommandHandler handler(RecordingDiscord discord) {
        return CommandHandler.builder(discord.ports())
                .maxAge(Duration.ofMinutes(10))
                .presence(guild -> guild.value() < 900000000000000000L)
                .build();
    }

    @Test
    void junkIsAnsweredWhileEverySlotIsBusyAndTheRealCommandsBeyondTheSlotsWaitClaimedAndAreRequeuedAtShutdown()
            throws Exception {
        RecordingDiscord discord = new RecordingDiscord().delay(Duration.ofSeconds(60));
        String first = CommandAdmin.on(db.database()).enqueue(String.valueOf(REAL), "listTextChannels", "{}", null);
        RunningWorker w = RunningWorker.start(
                db.database(),
                handler(discord),
                q -> q,
                r -> r.maxInFlight(1).claimAhead(4).shutdownTimeout(Duration.ofMillis(300)));
        try {
            Eventually.within(Duration.ofSeconds(20), "the only slot taken", () -> discord.executionsOf(first) == 1);
            db.execute("""
                    INSERT INTO commands (guild_id, action, payload, created_at)
                    SELECT (900000000000000000 + g)::text, 'listTextChannels', '{}'::jsonb, clock_timestamp() FROM generate_series(1, 500) g""");
            String second1 =
                    CommandAdmin.on(db.database()).enqueue(String.valueOf(REAL + 1), "listTextChannels", "{}", null);
            String second2 =
                    CommandAdmin.on(db.database()).enqueue(String.valueOf(REAL + 1), "listTextChannels", "{}", null);
            String third =
                    CommandAdmin.on(db.database()).enqueue(String.valueOf(REAL + 2), "listTextChannels", "{}", null);

            Eventually.within(
                    Duration.ofSeconds(60),
                    "every junk row answered",
                    () -> db.count(
                                    "SELECT count(*) FROM commands WHERE guild_id >= '9' AND status = 'error' AND result->>'code' = 'guild_not_found'")
                            == 500);
            Eventually.within(
                    Duration.ofSeconds(20),
                    "the other guilds' heads claimed ahead",
                    () -> db.count(
                                    "SELECT count(*) FROM commands WHERE id IN (?::uuid, ?::uuid) AND status = 'processing'",
                                    second1,
                                    third)
                            == 2);

            // The slot is still held: nothing beyond it ran, and the second guild's next command waits its turn.
            assertThat(discord.executions().keySet()).containsExactly(first);
            assertThat(db.value("SELECT status::text FROM commands WHERE id = ?::uuid", first))
                    .isEqualTo("processing");
            assertThat(db.value("SELECT status::text FROM commands WHERE id = ?::uuid", second2))
                    .isEqualTo("pending");
        } finally {
            w.close();
        }
        // The running listing is requeued (idempotent); the buffered ones never ran and go back to pending.
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'processing'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM commands WHERE guild_id < '9' AND status = 'pending'"))
                .isEqualTo(4);
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
    }

    @Test
    void commandsHeldAheadRunOncePerGuildInOrderWhenSlotsFree() throws Exception {
        RecordingDiscord discord = new RecordingDiscord().delay(Duration.ofMillis(20));
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT (900000000000000000 + g)::text, 'listTextChannels', '{}'::jsonb, clock_timestamp() FROM generate_series(1, 300) g
                UNION ALL
                SELECT (111111111111111111 + g % 6)::text, 'listTextChannels', '{}'::jsonb, clock_timestamp() FROM generate_series(1, 60) g""");
        List<List<Object>> expected = db.query("""
                SELECT guild_id::text, array_agg(id::text ORDER BY created_at, id)::text FROM commands WHERE guild_id < '9' GROUP BY 1""");

        try (RunningWorker w = RunningWorker.start(
                db.database(), handler(discord), q -> q, r -> r.maxInFlight(2).claimAhead(3))) {
            Eventually.within(
                    Duration.ofSeconds(120),
                    "everything ended",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
        }

        assertThat(discord.violations()).isEmpty();
        assertThat(discord.executions())
                .hasSize(60)
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        for (List<Object> guild : expected) {
            String inOrder =
                    "{" + String.join(",", discord.executedInGuild(Long.parseLong((String) guild.get(0)))) + "}";
            assertThat(inOrder).as("guild %s", guild.get(0)).isEqualTo(guild.get(1));
        }
        assertThat(db.count(
                        "SELECT count(*) FROM commands WHERE guild_id >= '9' AND result->>'code' = 'guild_not_found'"))
                .isEqualTo(300);
    }
}
