package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInMessage;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 with real worker PROCESSES (the daemon's main class, each its own JVM and shard manager)
 * on one PostgreSQL and one stand-in serving four shards, IDENTIFY paced as Discord does (one per
 * 5 s, max_concurrency 1): two workers with static ranges (0-1 and 2-3) and a third, dynamic one
 * waiting with room for two shards.
 *
 * <ul>
 *   <li>no IDENTIFY is refused although two processes start four sessions at once;</li>
 *   <li>each guild's commands are claimed by the process holding its shard, and no other;</li>
 *   <li>messages are counted once (each process sees only its shards' guilds);</li>
 *   <li>after {@code kill -9} of a worker, the waiting one takes its shards once their leases
 *       expire, and their commands run there, none executed twice.</li>
 * </ul>
 */
class ShardedWorkerProcessesTest {

    private static final int SHARDS = 4;
    private static final String LEASE = "6s";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** One guild per shard, each with a text channel and a member. */
    private static final long[] GUILDS = new long[SHARDS];

    static {
        for (int s = 0; s < SHARDS; s++) GUILDS[s] = guildOnShard(s, SHARDS);
    }

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.with(b -> b.botToken("sharded-token")
                    .recommendedShards(SHARDS)
                    .maxConcurrency(1)
                    .identifyRateLimit(Duration.ofSeconds(5)))
            .seeded(state -> {
                for (int s = 0; s < SHARDS; s++) {
                    state.createGuild(GUILDS[s], "Shard " + s)
                            .textChannel(GUILDS[s] + 100, "general")
                            .member(GUILDS[s] + 900, "member" + s, false);
                }
            });

    /** A guild id on {@code shard} of {@code total}: (id >> 22) % total, Discord's rule. */
    static long guildOnShard(int shard, int total) {
        long k = 1_300_000_000_000_000_000L >>> 22;
        while (k % total != shard) k++;
        return k << 22;
    }

    private static Map<String, String> env(DiscordStandIn standIn) {
        Map<String, String> env = WorkerProcess.env(standIn.restBaseUrl(), standIn.gatewayUrl(), db.jdbcUrl());
        env.put("DISCORD_TOKEN", standIn.botToken());
        env.put("DATABASE_USER", "postgres");
        env.put("VALORATBOT_SHARDS", Integer.toString(SHARDS));
        env.put("VALORATBOT_SHARD_LEASE", LEASE);
        env.put("VALORATBOT_LEASE", LEASE);
        env.put("VALORATBOT_MAX_AGE", "180s");
        env.put("VALORATBOT_POLL_INTERVAL", "200ms");
        return env;
    }

    @Test
    void workersOwningShardsActOnlyForTheirGuildsAndAKilledWorkersShardsAreTakenOver() throws Exception {
        db.open().close(); // migrated once, before the workers start
        // Test instrumentation: which queue (and so which process) claimed which command.
        db.execute("CREATE TABLE claim_log (command_id text, worker_id text)");
        db.execute("""
                CREATE FUNCTION log_claim() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO public.claim_log (command_id, worker_id) VALUES (NEW.command_id, NEW.worker_id); RETURN NEW; END $$""");
        db.execute(
                "CREATE TRIGGER log_claim AFTER INSERT ON valoratbot.claims FOR EACH ROW EXECUTE FUNCTION log_claim()");
        DiscordStandIn standIn = discord.standIn();

        Map<String, String> low = env(standIn);
        low.put("VALORATBOT_SHARD_RANGE", "0-1");
        Map<String, String> high = env(standIn);
        high.put("VALORATBOT_SHARD_RANGE", "2-3");
        Map<String, String> spare = env(standIn);
        spare.put("VALORATBOT_SHARD_CAPACITY", "2");

        try (WorkerProcess a = WorkerProcess.start("low", low);
                WorkerProcess b = WorkerProcess.start("high", high)) {
            Eventually.within(Duration.ofSeconds(150), "the four shards ready", () -> readyShards() == SHARDS);
            try (WorkerProcess c = WorkerProcess.start("spare", spare)) {
                c.awaitLine("worker started", Duration.ofSeconds(120));

                // Two processes started four sessions at once: the pacing held across them.
                assertThat(standIn.gatewayStats().rateLimitedIdentifies()).isZero();
                assertThat(owners()).containsEntry(0, a.pid()).containsEntry(1, a.pid());
                assertThat(owners()).containsEntry(2, b.pid()).containsEntry(3, b.pid());

                // Each guild's commands run on its owner only.
                Map<String, Integer> shardOf = new HashMap<>();
                for (int round = 0; round < 3; round++) {
                    for (int s = 0; s < SHARDS; s++) shardOf.put(announce(s, "r" + round + "-s" + s), s);
                }
                awaitAllDone(shardOf.keySet());
                Map<String, Long> claimedBy = claimingPids();
                for (var e : shardOf.entrySet())
                    assertThat(claimedBy.get(e.getKey()))
                            .as("the process that claimed command " + e.getKey() + " of shard " + e.getValue())
                            .isEqualTo(owners().get(e.getValue()));

                // Scheduled announcements: every process's timer polls the one job table, so about half
                // the jobs are first taken by the process that does not hold their guild. It hands each
                // off and says so (NOTIFY); the holder then takes it at once, and it is posted once.
                java.sql.Connection handOffs = java.sql.DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
                try (var listen = handOffs.createStatement()) {
                    listen.execute("LISTEN valoratbot_job_handoffs");
                }
                String when = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                        .plusSeconds(12)
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
                List<String> schedules = new java.util.ArrayList<>();
                for (int round = 0; round < 2; round++)
                    for (int s = 0; s < SHARDS; s++)
                        schedules.add((String) db.value(
                                "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'schedule_announce', ?::jsonb) RETURNING id::text",
                                Long.toString(GUILDS[s]),
                                "{\"channelId\":\"" + (GUILDS[s] + 100) + "\",\"message\":\"later-" + round + "-s" + s
                                        + "\",\"scheduledFor\":\"" + when + "\"}"));
                awaitAllDone(schedules);
                Eventually.within(
                        Duration.ofSeconds(60),
                        "every scheduled announcement sent",
                        () -> db.count("SELECT count(*) FROM valoratbot.scheduled_announcements WHERE status = 'sent'")
                                == 2L * SHARDS);
                for (int round = 0; round < 2; round++)
                    for (int s = 0; s < SHARDS; s++) {
                        String text = "later-" + round + "-s" + s;
                        assertThat(standIn.state().messages(GUILDS[s] + 100).stream()
                                        .filter(m -> m.content() != null
                                                && m.content().contains(text))
                                        .count())
                                .as("posts of " + text)
                                .isEqualTo(1);
                    }
                // The path under test was taken: the first poll after the due time takes every due job,
                // half of them for guilds its process does not hold.
                var heard = handOffs.unwrap(org.postgresql.PGConnection.class).getNotifications(1_000);
                handOffs.close();
                System.out.println(
                        "scheduled announcements handed off between processes: " + (heard == null ? 0 : heard.length));
                assertThat(heard).as("hand-offs heard").isNotEmpty();

                // Activity: every message counted exactly once, whichever process sees it.
                int perGuild = 5;
                for (int s = 0; s < SHARDS; s++) {
                    for (int m = 0; m < perGuild; m++) {
                        standIn.state()
                                .addMessage(GUILDS[s] + 100, GUILDS[s] + 900, "hello " + m, Instant.now(), false);
                    }
                }
                Eventually.within(
                        Duration.ofSeconds(60),
                        "every message counted",
                        () -> db.count("SELECT coalesce(sum(messages), 0) FROM valoratbot.activity_daily")
                                >= (long) perGuild * SHARDS);
                Eventually.quietly(Duration.ofSeconds(7)); // a flush interval and more: nothing counted twice
                for (int s = 0; s < SHARDS; s++) {
                    assertThat(db.count(
                                    "SELECT coalesce(sum(messages), 0) FROM valoratbot.activity_daily WHERE guild_id = ?",
                                    GUILDS[s]))
                            .as("messages counted in shard " + s + "'s guild")
                            .isEqualTo(perGuild);
                }

                // kill -9 the low worker: nothing graceful, its leases simply stop being renewed.
                long killed = a.pid();
                ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
                a.awaitExit(Duration.ofSeconds(30));
                long killedAt = System.nanoTime();
                Map<String, Integer> afterKill = new HashMap<>();
                for (int s = 0; s < SHARDS; s++) afterKill.put(announce(s, "after-kill-s" + s), s);
                awaitAllDone(afterKill.keySet());
                Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
                System.out.println("shards 0-1 served again " + takeover.toMillis() + " ms after kill -9");

                assertThat(owners()).containsEntry(0, c.pid()).containsEntry(1, c.pid());
                assertThat(owners()).containsEntry(2, b.pid()).containsEntry(3, b.pid());
                claimedBy = claimingPids();
                for (var e : afterKill.entrySet())
                    assertThat(claimedBy.get(e.getKey())).isEqualTo(owners().get(e.getValue()));
                assertThat(standIn.gatewayStats().rateLimitedIdentifies()).isZero();

                // A graceful stop hands the shards back at once (no waiting for the lease to expire).
                b.close();
                assertThat(db.rows("SELECT shard_id, owner_worker_id, released_at IS NOT NULL AS released"
                                + " FROM valoratbot.shard_leases WHERE shard_id IN (2, 3) ORDER BY shard_id"))
                        .allSatisfy(row -> assertThat(row)
                                .containsEntry("owner_worker_id", null)
                                .containsEntry("released", true));
            }
        }

        // Nothing executed twice: each announce that ended done posted its message exactly once, and
        // no other posted at all.
        for (var row : db.rows("SELECT status, payload->>'message' AS message, result FROM commands")) {
            String message = (String) row.get("message");
            long posted = 0;
            for (long g : GUILDS)
                for (StandInMessage m : standIn.state().messages(g + 100)) if (message.equals(m.content())) posted++;
            assertThat(posted)
                    .as("posts of " + message + " (" + row.get("status") + " " + row.get("result") + ")")
                    .isEqualTo("done".equals(row.get("status")) ? 1 : 0);
        }
    }

    private static String announce(int shard, String text) {
        return (String) db.value(
                "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'announce', ?::jsonb) RETURNING id::text",
                Long.toString(GUILDS[shard]),
                "{\"channelId\":\"" + (GUILDS[shard] + 100) + "\",\"message\":\"" + text + "\"}");
    }

    private static void awaitAllDone(java.util.Collection<String> ids) {
        Eventually.within(Duration.ofSeconds(120), "commands " + ids + " done", () -> {
            for (String id : ids) {
                Object status = db.value("SELECT status FROM commands WHERE id = ?::uuid", id);
                if ("error".equals(status))
                    throw new AssertionError("command " + id + " failed: "
                            + db.value("SELECT result::text FROM commands WHERE id = ?::uuid", id));
                if (!"done".equals(status)) return false;
            }
            return true;
        });
    }

    private static long readyShards() {
        return ShardLeaseView.readyShards(db);
    }

    private static Map<Integer, Long> owners() {
        return ShardLeaseView.owners(db);
    }

    /** Command id → pid of the process whose queue claimed it. */
    private static Map<String, Long> claimingPids() {
        Map<String, Long> out = new HashMap<>();
        List<Map<String, Object>> rows = db.rows("SELECT command_id, worker_id FROM claim_log");
        for (var row : rows) {
            String worker = (String) row.get("worker_id");
            String[] parts = worker.split("-");
            out.put((String) row.get("command_id"), Long.parseLong(parts[parts.length - 2]));
        }
        return new HashMap<>(out);
    }
}
