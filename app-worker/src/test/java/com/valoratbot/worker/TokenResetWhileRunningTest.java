package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bot's token reset in the Developer Portal while worker processes run (the stand-in's
 * {@code resetToken}: the old token is refused, every session cut and closed with 4004 when it
 * resumes). A worker used to go on with dead sessions, its commands failing one by one and, sharded,
 * renewing leases of shards it could no longer serve. It now stops with one line naming
 * DISCORD_TOKEN (never the token) and exit status 2, releasing its leases, and no command is
 * answered {@code guild_not_found}.
 */
class TokenResetWhileRunningTest {

    private static final String TOKEN = "token-before-the-reset";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final long GUILD = ShardedWorkerProcessesTest.guildOnShard(1, 2);

    /** One stand-in per test: the reset is for good. */
    @RegisterExtension
    final TestStandIn discord = TestStandIn.with(b -> b.botToken(TOKEN).recommendedShards(2))
            .seeded(state -> state.createGuild(GUILD, "Reset").textChannel(GUILD + 100, "general"));

    private Map<String, String> env(DiscordStandIn standIn) {
        Map<String, String> env = WorkerProcess.env(standIn.restBaseUrl(), standIn.gatewayUrl(), db.jdbcUrl());
        env.put("DISCORD_TOKEN", TOKEN);
        env.put("DATABASE_USER", "postgres");
        env.put("VALORATBOT_METRICS_PORT", "0");
        return env;
    }

    @Test
    void aShardedWorkerWhoseTokenIsResetWhileRunningStopsWithALineNamingTheTokenAndReleasesItsLeases()
            throws Exception {
        Map<String, String> env = env(discord.standIn());
        env.put("VALORATBOT_SHARDS", "2");
        stopsOnReset(env, "sharded", true);
    }

    @Test
    void anUnshardedWorkerWhoseTokenIsResetWhileRunningStopsWithALineNamingTheToken() throws Exception {
        stopsOnReset(env(discord.standIn()), "unsharded", false);
    }

    private void stopsOnReset(Map<String, String> env, String name, boolean sharded) throws Exception {
        db.open().close();
        db.execute("DELETE FROM commands");
        try (WorkerProcess worker = WorkerProcess.start(name, env)) {
            worker.awaitLine("worker started", Duration.ofSeconds(120));
            if (sharded)
                Eventually.within(
                        Duration.ofSeconds(60),
                        "both shards ready",
                        () -> db.count("SELECT count(*) FROM valoratbot.shard_leases WHERE ready_at IS NOT NULL"
                                        + " AND lease_expires_at > clock_timestamp()")
                                == 2);
            else worker.awaitLine("Connected to Discord", Duration.ofSeconds(60));

            discord.standIn().resetToken("the-new-token");
            String id = (String) db.value(
                    "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'announce', ?::jsonb) RETURNING id::text",
                    Long.toString(GUILD),
                    "{\"channelId\":\"" + (GUILD + 100) + "\",\"message\":\"after the reset\"}");

            var exit = worker.awaitExit(Duration.ofSeconds(90));
            assertThat(exit).as(name + " worker exited on its own").isPresent();
            assertThat(exit.get()).as("exit status").isEqualTo(2);
            Eventually.within(
                    Duration.ofSeconds(5),
                    "the last line read",
                    () -> worker.lines().stream().anyMatch(l -> l.startsWith("valoratbot: ")));
            assertThat(worker.lines())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("valoratbot: Discord refused DISCORD_TOKEN while the worker ran")
                            .contains("4004"))
                    .noneSatisfy(line -> assertThat(line).contains(TOKEN));
            if (sharded)
                assertThat(db.count("SELECT count(*) FROM valoratbot.shard_leases WHERE owner_worker_id IS NOT NULL"))
                        .as("leases still held")
                        .isZero();
            Object result = db.value("SELECT result::text FROM commands WHERE id = ?::uuid", id);
            assertThat(result == null ? "" : result.toString()).doesNotContain("guild_not_found");
        }
    }
}
