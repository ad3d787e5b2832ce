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
 * A worker process whose token Discord refuses (the stand-in answers 401 and closes IDENTIFY with
 * 4004): it stops at start with one line naming the token problem, never the token, and exits
 * non-zero, sharded or not. No command of its guilds is answered {@code guild_not_found} meanwhile:
 * a session that could not log in says nothing about which guilds the bot is in.
 */
class RefusedTokenTest {

    private static final String REFUSED = "refused-token-do-not-print-me";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final long GUILD = ShardedWorkerProcessesTest.guildOnShard(0, 2);

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.with(
                    b -> b.botToken("the-real-token").recommendedShards(2))
            .seeded(state -> state.createGuild(GUILD, "Refused").textChannel(GUILD + 100, "general"));

    private static Map<String, String> env(DiscordStandIn standIn) {
        Map<String, String> env = WorkerProcess.env(standIn.restBaseUrl(), standIn.gatewayUrl(), db.jdbcUrl());
        env.put("DISCORD_TOKEN", REFUSED);
        env.put("DATABASE_USER", "postgres");
        env.put("VALORATBOT_METRICS_PORT", "0");
        return env;
    }

    @Test
    void aShardedWorkerWhoseTokenIsRefusedExitsAtStartWithALineNamingTheTokenAndAnswersNoCommand() throws Exception {
        Map<String, String> env = env(discord.standIn());
        env.put("VALORATBOT_SHARDS", "2");
        assertRefusedAtStart(env, "sharded");
    }

    @Test
    void anUnshardedWorkerWhoseTokenIsRefusedExitsAtStartWithALineNamingTheToken() throws Exception {
        assertRefusedAtStart(env(discord.standIn()), "unsharded");
    }

    private static void assertRefusedAtStart(Map<String, String> env, String name) throws Exception {
        db.open().close();
        String id = (String) db.value(
                "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'announce', ?::jsonb) RETURNING id::text",
                Long.toString(GUILD),
                "{\"channelId\":\"" + (GUILD + 100) + "\",\"message\":\"hello\"}");
        try (WorkerProcess worker = WorkerProcess.start(name, env)) {
            var exit = worker.awaitExit(Duration.ofSeconds(90));
            assertThat(exit).as(name + " worker exited on its own").isPresent();
            assertThat(exit.get()).as("exit status").isNotZero();
            Eventually.within(
                    Duration.ofSeconds(5),
                    "the output read",
                    () -> !worker.lines().isEmpty());
            assertThat(worker.lines())
                    .as("the worker's output")
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("valoratbot: ")
                            .contains("DISCORD_TOKEN")
                            .containsIgnoringCase("refused"))
                    .noneSatisfy(line -> assertThat(line).contains(REFUSED));
        } finally {
            Object status = db.value("SELECT status FROM commands WHERE id = ?::uuid", id);
            Object result = db.value("SELECT result::text FROM commands WHERE id = ?::uuid", id);
            assertThat(result == null ? "" : result.toString())
                    .as("the command's result (" + status + ")")
                    .doesNotContain("guild_not_found");
            db.execute("DELETE FROM commands");
        }
    }
}
