package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.voice.SelfSignedCertificate;
import com.valoratbot.standin.voice.VoiceServer;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import com.valoratbot.testing.ToneFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11's "music commands for one guild all reach the player" and "each guild's music handled by
 * its owner only", with real worker PROCESSES: two workers holding one shard each (static ranges 0
 * and 1) and a dynamic spare, on one PostgreSQL, against the stand-in serving two shards and its
 * voice server (real JDA voice, real Lavaplayer, local WAV tones).
 *
 * <p>For a guild on each shard, {@code play}, {@code play} (queued), {@code pause}, {@code getQueue},
 * {@code resume}, {@code skip}, {@code getQueue}, {@code stop}: every one is claimed by the process
 * holding the guild's shard and acts on the player {@code play} started there (the queue and track
 * lengths it shows, audio frames at the voice server stopping on pause and flowing again on resume,
 * one voice session per guild). Then {@code kill -9} of one owner: its guild's audio stops, the
 * spare takes the shard once the lease expires, restores the saved queue (the same track, the same
 * queue) and plays it into the guild again, and the guild's next commands are the spare's.
 */
class MusicAcrossShardProcessesTest {

    private static final int SHARDS = 2;
    private static final String LEASE = "6s";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lengths tell the tracks apart in getQueue (local files all have the same title). */
    private static final int FIRST_SECONDS = 60;

    private static final int SECOND_SECONDS = 120;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final long[] GUILDS = new long[SHARDS];

    static {
        for (int s = 0; s < SHARDS; s++) GUILDS[s] = ShardedWorkerProcessesTest.guildOnShard(s, SHARDS);
    }

    /** The stand-in's voice server: counts each guild's decrypted audio frames and voice sessions. */
    private static final VoiceServer voice = VoiceServer.builder()
            .certificate(SelfSignedCertificate.generate())
            .build()
            .startServer();

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.with(b -> b.botToken("music-shards-token")
                    .recommendedShards(SHARDS)
                    .maxConcurrency(1)
                    .identifyRateLimit(Duration.ofSeconds(5))
                    .voiceHook(voice))
            .seeded(state -> {
                for (int s = 0; s < SHARDS; s++) {
                    state.createGuild(GUILDS[s], "Music " + s)
                            .textChannel(GUILDS[s] + 100, "general")
                            .voiceChannel(GUILDS[s] + 200, "vocal")
                            .member(GUILDS[s] + 900, "listener" + s, false);
                }
            });

    @AfterAll
    static void closeVoice() {
        voice.close();
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
        env.put("VALORATBOT_MUSIC_LOCAL_FILES", "true");
        env.put("VALORATBOT_METRICS_PORT", "0");
        // JDA speaks wss:// to voice servers: the worker JVMs trust the voice server's own certificate.
        env.put(
                "JAVA_TOOL_OPTIONS",
                "-Djavax.net.ssl.trustStore=" + voice.certificate().trustStore()
                        + " -Djavax.net.ssl.trustStorePassword=" + SelfSignedCertificate.PASSWORD
                        + " -Djavax.net.ssl.trustStoreType=PKCS12");
        return env;
    }

    @Test
    void everyMusicCommandOfAGuildReachesThePlayerOfTheProcessOwningItsShardAndATakeoverRestoresTheQueue()
            throws Exception {
        db.open().close();
        db.execute("CREATE TABLE claim_log (command_id text, worker_id text)");
        db.execute("""
                CREATE FUNCTION log_claim() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO public.claim_log (command_id, worker_id) VALUES (NEW.command_id, NEW.worker_id); RETURN NEW; END $$""");
        db.execute(
                "CREATE TRIGGER log_claim AFTER INSERT ON valoratbot.claims FOR EACH ROW EXECUTE FUNCTION log_claim()");
        Path first = Files.createTempFile("valoratbot-first", ".wav");
        Path second = Files.createTempFile("valoratbot-second", ".wav");
        ToneFile.write(first, FIRST_SECONDS);
        ToneFile.write(second, SECOND_SECONDS);
        DiscordStandIn standIn = discord.standIn();
        Map<String, String> low = env(standIn);
        low.put("VALORATBOT_SHARD_RANGE", "0");
        Map<String, String> high = env(standIn);
        high.put("VALORATBOT_SHARD_RANGE", "1");
        Map<String, String> spare = env(standIn);
        spare.put("VALORATBOT_SHARD_CAPACITY", "2");
        try (WorkerProcess a = WorkerProcess.start("low", low);
                WorkerProcess b = WorkerProcess.start("high", high)) {
            Eventually.within(Duration.ofSeconds(150), "both shards ready", () -> readyShards() == SHARDS);
            try (WorkerProcess c = WorkerProcess.start("spare", spare)) {
                c.awaitLine("worker started", Duration.ofSeconds(120));
                assertThat(owners()).containsEntry(0, a.pid()).containsEntry(1, b.pid());

                for (int s = 0; s < SHARDS; s++) {
                    long guild = GUILDS[s];
                    long owner = owners().get(s);
                    String where = "guild on shard " + s;

                    JsonNode played = run(s, owner, "play", playPayload(s, first));
                    assertThat(played.path("track").isObject())
                            .as(played.toString())
                            .isTrue();
                    Eventually.within(
                            Duration.ofSeconds(30),
                            "audio reaching the voice channel of the " + where,
                            () -> voice.stats(guild).audioFrames() > 50);
                    run(s, owner, "play", playPayload(s, second)); // queued behind the first

                    run(s, owner, "pause", "{}");
                    Thread.sleep(500); // the frames already in flight
                    long pausedAt = voice.stats(guild).audioFrames();
                    Thread.sleep(1500);
                    assertThat(voice.stats(guild).audioFrames() - pausedAt)
                            .as("audio frames while paused (" + where + ")")
                            .isLessThanOrEqualTo(5);
                    JsonNode queue = run(s, owner, "getQueue", "{}");
                    assertThat(queue.path("nowPlaying").path("paused").asBoolean())
                            .as(queue.toString())
                            .isTrue();
                    assertThat(lengthSeconds(queue.path("nowPlaying"))).isEqualTo(FIRST_SECONDS);
                    assertThat(queue.path("queue").size()).as(queue.toString()).isEqualTo(1);
                    assertThat(lengthSeconds(queue.path("queue").get(0))).isEqualTo(SECOND_SECONDS);

                    run(s, owner, "resume", "{}");
                    long resumedAt = voice.stats(guild).audioFrames();
                    Eventually.within(
                            Duration.ofSeconds(10),
                            "audio again after resume (" + where + ")",
                            () -> voice.stats(guild).audioFrames() > resumedAt + 50);

                    run(s, owner, "skip", "{}");
                    queue = run(s, owner, "getQueue", "{}");
                    assertThat(lengthSeconds(queue.path("nowPlaying")))
                            .as(queue.toString())
                            .isEqualTo(SECOND_SECONDS);
                    assertThat(queue.path("nowPlaying").path("paused").asBoolean())
                            .isFalse();
                    assertThat(queue.path("queue").size()).isZero();
                    assertThat(voice.stats(guild).sessions())
                            .as("voice sessions of the " + where + ": one process connected it")
                            .isEqualTo(1);
                }

                // Shard 1's guild: stop ends its music on its owner.
                run(1, b.pid(), "stop", "{}");
                JsonNode stopped = run(1, b.pid(), "getQueue", "{}");
                assertThat(stopped.path("nowPlaying").isNull())
                        .as(stopped.toString())
                        .isTrue();

                // Shard 0's guild plays the second track, the first queued again, then its owner is killed.
                run(0, a.pid(), "play", playPayload(0, first));
                Thread.sleep(1500); // the queue saved (it is saved at every change, by a background writer)
                long killed = a.pid();
                ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
                a.awaitExit(Duration.ofSeconds(30));
                Thread.sleep(1000);
                long silentFrom = voice.stats(GUILDS[0]).audioFrames();
                Thread.sleep(1500);
                assertThat(voice.stats(GUILDS[0]).audioFrames() - silentFrom)
                        .as("audio from the killed process")
                        .isLessThanOrEqualTo(5);

                Eventually.within(
                        Duration.ofSeconds(90),
                        "the spare holding shard 0",
                        () -> Long.valueOf(c.pid()).equals(owners().get(0)) && readyShards() == SHARDS);
                Eventually.within(
                        Duration.ofSeconds(30),
                        "the restored queue playing into the guild again",
                        () -> voice.stats(GUILDS[0]).audioFrames() > silentFrom + 50);
                assertThat(voice.stats(GUILDS[0]).sessions())
                        .as("a new voice session, the spare's")
                        .isEqualTo(2);
                JsonNode restored = run(0, c.pid(), "getQueue", "{}");
                assertThat(lengthSeconds(restored.path("nowPlaying")))
                        .as(restored.toString())
                        .isEqualTo(SECOND_SECONDS);
                assertThat(restored.path("nowPlaying").path("position").asLong())
                        .as("resumed from the saved position, not from the start")
                        .isGreaterThan(2_000);
                assertThat(restored.path("queue").size()).isEqualTo(1);
                assertThat(lengthSeconds(restored.path("queue").get(0))).isEqualTo(FIRST_SECONDS);
                run(0, c.pid(), "stop", "{}");
            }
        } finally {
            Files.deleteIfExists(first);
            Files.deleteIfExists(second);
        }
    }

    private static String playPayload(int shard, Path track) {
        return "{\"query\":\"" + track + "\",\"voiceChannelId\":\"" + (GUILDS[shard] + 200) + "\"}";
    }

    private static long lengthSeconds(JsonNode track) {
        return Math.round(track.path("length").asLong() / 1000.0);
    }

    /**
     * Runs one command of the guild on {@code shard}, waits for its result, checks it succeeded and
     * that the process {@code expectedPid} claimed it.
     */
    private static JsonNode run(int shard, long expectedPid, String action, String payload) throws Exception {
        String id = (String) db.value(
                "INSERT INTO commands (guild_id, action, payload) VALUES (?, ?, ?::jsonb) RETURNING id::text",
                Long.toString(GUILDS[shard]),
                action,
                payload);
        Eventually.within(Duration.ofSeconds(60), action + " " + id + " finished", () -> {
            Object status = db.value("SELECT status FROM commands WHERE id = ?::uuid", id);
            return "done".equals(status) || "error".equals(status);
        });
        String result = (String) db.value("SELECT result::text FROM commands WHERE id = ?::uuid", id);
        assertThat(db.value("SELECT status FROM commands WHERE id = ?::uuid", id))
                .as(action + " on shard " + shard + ": " + result)
                .isEqualTo("done");
        assertThat(claimingPids(id))
                .as("the processes that claimed " + action + " on shard " + shard)
                .containsExactly(expectedPid);
        return JSON.readTree(result);
    }

    private static long readyShards() {
        return ShardLeaseView.readyShards(db);
    }

    private static Map<Integer, Long> owners() {
        return ShardLeaseView.owners(db);
    }

    /** The pids of the processes whose queue claimed this command (a worker id is host-pid-shard-random). */
    private static java.util.List<Long> claimingPids(String commandId) {
        return db.rows("SELECT worker_id FROM claim_log WHERE command_id = ?", commandId).stream()
                .map(row -> {
                    String[] parts = ((String) row.get("worker_id")).split("-");
                    return Long.parseLong(parts[parts.length - 2]);
                })
                .toList();
    }
}
