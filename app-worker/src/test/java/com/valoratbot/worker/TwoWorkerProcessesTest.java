package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two real worker processes (the daemon's own main class) on one database and one Discord stand-in, publishing
 * the dashboard's tables every 2 s each: no status row, snapshot, guild row or weekly row is written twice.
 */
class TwoWorkerProcessesTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final long GUILD_A = 4_500_000_000_000_000_001L;
    private static final long GUILD_B = 4_600_000_000_000_000_001L;
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    /** Half the interval: a row newer than this stands for the other worker's. */
    private static final Duration SPACING = INTERVAL.dividedBy(2);

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.with(b -> b.botToken("two-workers-token"))
            .seeded(s -> {
                s.createGuild(GUILD_A, "Alpha")
                        .textChannel(GUILD_A + 100, "general")
                        .member(GUILD_A + 900, "alice", false);
                s.createGuild(GUILD_B, "Beta")
                        .textChannel(GUILD_B + 100, "general")
                        .member(GUILD_B + 900, "bob", false);
            });

    @Test
    void twoWorkerProcessesNeverWriteTheSameDashboardRowTwice() throws Exception {
        db.open().close(); // migrated once; the workers find it up to date
        DiscordStandIn standIn = discord.standIn();
        List<Process> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) workers.add(startWorker(standIn, "w" + i));
            Eventually.within(Duration.ofSeconds(120), "both workers heart-beating", () -> {
                for (Process p : workers)
                    if (!p.isAlive()) throw new AssertionError("a worker exited with " + p.exitValue());
                return db.count("SELECT count(*) FROM valoratbot.workers") == 2;
            });
            Instant both = Instant.now();
            // Several intervals with both running.
            Eventually.within(
                    Duration.ofSeconds(60),
                    "four status rows since both run",
                    () -> db.count("SELECT count(*) FROM public.bot_status WHERE created_at > ?", Timestamp.from(both))
                            >= 4);
            Thread.sleep(INTERVAL.multipliedBy(2).toMillis());
            for (Process p : workers) assertThat(p.isAlive()).isTrue();
        } finally {
            for (Process p : workers) p.destroy();
            for (Process p : workers) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }

        assertSpaced(db.query("SELECT created_at FROM public.bot_status ORDER BY created_at"), "bot_status");
        for (long guild : List.of(GUILD_A, GUILD_B)) {
            String id = Long.toString(guild);
            List<List<Object>> snapshots =
                    db.query("SELECT created_at FROM public.guild_snapshot WHERE guild_id = ? ORDER BY created_at", id);
            assertThat(snapshots).hasSizeGreaterThanOrEqualTo(2);
            assertSpaced(snapshots, "guild_snapshot of " + id);
        }
        assertThat(db.query("SELECT guild_id, count(*) FROM public.bot_guilds GROUP BY guild_id ORDER BY guild_id"))
                .containsExactly(List.of(Long.toString(GUILD_A), 1L), List.of(Long.toString(GUILD_B), 1L));
        assertThat(db.query(
                        "SELECT guild_id, count(*) FROM public.leaderboards GROUP BY guild_id, week ORDER BY guild_id"))
                .containsExactly(List.of(Long.toString(GUILD_A), 1L), List.of(Long.toString(GUILD_B), 1L));
        // Nothing was ever rewritten with the same figures: each weekly row is still the one first inserted.
        assertThat(db.count("SELECT count(DISTINCT xmin::text) FROM public.leaderboards"))
                .isEqualTo(1);
    }

    private static void assertSpaced(List<List<Object>> rows, String what) {
        for (int i = 1; i < rows.size(); i++) {
            Instant before = ((Timestamp) rows.get(i - 1).get(0)).toInstant();
            Instant after = ((Timestamp) rows.get(i).get(0)).toInstant();
            assertThat(Duration.between(before, after))
                    .as(what + " rows " + (i - 1) + " and " + i + " of " + rows.size())
                    .isGreaterThanOrEqualTo(SPACING);
        }
    }

    private static Process startWorker(DiscordStandIn standIn, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "com.valoratbot.worker.WorkerApp")
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet()
                .removeIf(k -> k.startsWith("VALORATBOT_") || k.startsWith("DATABASE_") || k.startsWith("DISCORD_"));
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATABASE_USER", "postgres");
        env.put("VALORATBOT_DB_POOL_SIZE", "4");
        env.put("DISCORD_TOKEN", standIn.botToken());
        env.put("DISCORD_REST_URL", standIn.restBaseUrl());
        env.put("DISCORD_GATEWAY_URL", standIn.gatewayUrl());
        env.put("VALORATBOT_VOICE_MODE", "passthrough");
        env.put("VALORATBOT_STATUS_INTERVAL", INTERVAL.toMillis() + "ms");
        env.put("VALORATBOT_SNAPSHOT_INTERVAL", INTERVAL.toMillis() + "ms");
        env.put("VALORATBOT_GUILDS_RESYNC", INTERVAL.toMillis() + "ms");
        Process p = pb.start();
        Thread.ofPlatform().daemon().name("worker-" + name + "-output").start(() -> drain(p.getInputStream(), name));
        return p;
    }

    private static void drain(InputStream in, String name) {
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in))) {
            String line;
            while ((line = reader.readLine()) != null) System.out.println("[" + name + "] " + line);
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
