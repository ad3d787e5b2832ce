package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.ToneFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole sandbox worker (stand-in, voice server, Lavaplayer, real PostgreSQL): the dashboard's tables are
 * published by the real wiring, and {@code public.music_playback} follows play, pause, skip and stop.
 */
class PlaybackStateTest {

    @RegisterExtension
    static final SandboxWorker sandbox = SandboxWorker.create();

    static final TestDatabase db = sandbox.db();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GUILD = Long.toString(DemoGuild.GUILD_ID);
    private static WorkerApp worker;
    private static CommandAdmin admin;

    @BeforeAll
    static void admin() {
        worker = sandbox.app();
        admin = CommandAdmin.on(worker.get(Database.class));
    }

    private static JsonNode run(String action, String payload) throws Exception {
        String id = admin.enqueue(GUILD, action, payload, Long.toString(DemoGuild.ADMIN_ID));
        CommandRow row = admin.awaitResult(id, Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError(action + " never finished"));
        JsonNode result = JSON.readTree(row.resultJson());
        assertThat(result.path("ok").asBoolean())
                .as(action + ": " + row.resultJson())
                .isTrue();
        return result;
    }

    private static List<Object> playback() {
        // 0: now_playing as text, 1: position, 2: paused, 3: queue length, 4: queue as text
        List<List<Object>> rows = db.query(
                "SELECT now_playing::text, (now_playing ->> 'positionMs')::bigint, paused, "
                        + "jsonb_array_length(queue), queue::text "
                        + "FROM public.music_playback WHERE guild_id = ?",
                GUILD);
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Test
    void theRealWorkerPublishesItsStatusAndGuildsAtStart() {
        Eventually.within(
                Duration.ofSeconds(20),
                "a status row and the demo guild",
                () -> db.count("SELECT count(*) FROM public.bot_status WHERE created_at > now() - interval '2 minutes'")
                                >= 1
                        && db.count("SELECT count(*) FROM public.bot_guilds WHERE guild_id = ?", GUILD) == 1
                        && db.count("SELECT count(*) FROM public.guild_snapshot WHERE guild_id = ?", GUILD) == 1
                        && db.count("SELECT count(*) FROM public.leaderboards WHERE guild_id = ?", GUILD) == 1);
        assertThat(db.value("SELECT guild_name FROM public.bot_guilds WHERE guild_id = ?", GUILD))
                .isEqualTo(DemoGuild.GUILD_NAME);
    }

    @Test
    void playbackStateFollowsPlayPauseSkipAndStop() throws Exception {
        Path one = Files.createTempFile("valoratbot-one", ".wav");
        Path two = Files.createTempFile("valoratbot-two", ".wav");
        ToneFile.write(one, 30);
        ToneFile.write(two, 30);
        String voice = Long.toString(DemoGuild.VOCAL_ID);
        try {
            run("play", "{\"query\":\"" + one + "\",\"voiceChannelId\":\"" + voice + "\"}");
            Eventually.within(Duration.ofSeconds(20), "the first track playing, position ticking", () -> {
                List<Object> p = playback();
                return p != null
                        && p.get(0) != null
                        && p.get(1) != null
                        && ((Number) p.get(1)).longValue() > 0
                        && ((Number) p.get(3)).intValue() == 0;
            });
            assertThat(playback().get(2)).isEqualTo(false);
            // The table is readable with the public key: a local file's path is never written (docs/dashboard.md).
            assertThat((String) playback().get(0))
                    .doesNotContain(one.getFileName().toString())
                    .doesNotContain(one.getParent().toString());

            run("play", "{\"query\":\"" + two + "\",\"voiceChannelId\":\"" + voice + "\"}");
            Eventually.within(Duration.ofSeconds(10), "the second track queued", () -> {
                List<Object> p = playback();
                return p != null && ((Number) p.get(3)).intValue() == 1;
            });
            assertThat((String) playback().get(4))
                    .doesNotContain(two.getFileName().toString())
                    .doesNotContain(two.getParent().toString());

            run("pause", "{}");
            Eventually.within(
                    Duration.ofSeconds(10),
                    "paused",
                    () -> Boolean.TRUE.equals(playback().get(2)));
            // The dashboard's getQueue agrees with the table.
            JsonNode queue = run("getQueue", "{}");
            assertThat(queue.toString()).contains("\"paused\":true");

            run("skip", "{}");
            Eventually.within(Duration.ofSeconds(10), "the second track now playing, nothing queued", () -> {
                List<Object> p = playback();
                return p != null && p.get(0) != null && ((Number) p.get(3)).intValue() == 0;
            });

            run("stop", "{}");
            Eventually.within(Duration.ofSeconds(10), "the row gone", () -> playback() == null);
        } finally {
            Files.deleteIfExists(one);
            Files.deleteIfExists(two);
        }
    }
}
