package com.valoratbot.supabase;

import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A quick measurement, not a test (it only runs with {@code -Dqueue.flood=measure}): issue 9's flood,
 * 20,000 rows over 20,000 guilds the bot is not in plus 2,000 rows of one real guild inserted at
 * once, then one command of another real guild; prints how long that command took. The benchmarks
 * module holds the documented benchmark; this is the queue's own check of the mechanism's speed.
 */
class FloodMeasurement {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void floodOfJunkGuildsAndOneBigBacklog() throws Exception {
        if (!"measure".equals(System.getProperty("queue.flood"))) return;
        Database database = db.open();
        RecordingDiscord discord = new RecordingDiscord();
        CommandHandler handler = CommandHandler.builder(discord.ports())
                .maxAge(Duration.ofSeconds(24))
                .presence(guild -> guild.value() < 900000000000000000L)
                .build();
        try (RunningWorker w = RunningWorker.start(database, handler, q -> q, x -> x)) {
            for (int round = 1; round <= Integer.getInteger("queue.flood.rounds", 3); round++) {
                db.execute("DELETE FROM commands");
                long t0 = System.nanoTime();
                db.execute("""
                        INSERT INTO commands (guild_id, action, payload)
                        SELECT (900000000000000000 + g)::text, 'announce', '{"channelId":"1","message":"spam"}'::jsonb
                        FROM generate_series(1, 20000) g
                        UNION ALL
                        SELECT '111111111111111111', 'listTextChannels', '{}'::jsonb FROM generate_series(1, 2000)""");
                long inserted = System.nanoTime();
                String id = CommandAdmin.on(database).enqueue("111111111111111112", "listTextChannels", "{}", null);
                long t1 = System.nanoTime();
                Eventually.within(
                        Duration.ofSeconds(120),
                        "the other guild's command",
                        () -> "done".equals(db.value("SELECT status FROM commands WHERE id = ?::uuid", id)));
                long t2 = System.nanoTime();
                Eventually.within(
                        Duration.ofSeconds(300),
                        "the junk answered",
                        () -> db.count("SELECT count(*) FROM commands WHERE guild_id >= '9' AND status = 'pending'")
                                == 0);
                long t3 = System.nanoTime();
                Eventually.within(
                        Duration.ofSeconds(300),
                        "the backlog",
                        () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
                long t4 = System.nanoTime();
                System.out.printf(
                        "{\"flood_round\":%d,\"insert_22000_ms\":%.0f,\"other_guild_command_ms\":%.0f,"
                                + "\"junk_20000_answered_ms\":%.0f,\"all_done_ms\":%.0f,\"codes\":\"%s\"}%n",
                        round,
                        (inserted - t0) / 1e6,
                        (t2 - t1) / 1e6,
                        (t3 - t0) / 1e6,
                        (t4 - t0) / 1e6,
                        db.query("SELECT result->>'code', count(*) FROM commands GROUP BY 1 ORDER BY 1"));
            }
        }
    }
}
