package com.valoratbot.supabase.publish;

import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresPlaybackStateTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String PLAYING = """
            {"version":1,"guildId":"41","channelId":"4101","paused":false,"savedAt":1,
             "current":{"track":"QUFBQQ==","title":"One","uri":"https://a/1","positionMs":1500},
             "queue":[{"track":"QkJCQg==","title":"Two","uri":"https://a/2"},{"track":"Q0NDQw==","title":"Three","uri":"https://a/3"}]}""";

    @Test
    void manyChangesWithinTheSpacingBecomeOneWriteOfTheLatestStateWithoutEncodedTracks() throws Exception {
        Database database = db.open();
        try (PostgresPlaybackState playback = PostgresPlaybackState.on(database.dataSource(), Duration.ofHours(1))) {
            playback.changed(41, PLAYING.replace("1500", "1000"));
            playback.changed(41, PLAYING);
            playback.flush();
            assertThat(db.query("SELECT channel_id, now_playing::text, paused, queue::text FROM public.music_playback WHERE guild_id = '41'"))
                    .containsExactly(List.of("4101", "{\"uri\": \"https://a/1\", \"title\": \"One\", \"positionMs\": 1500}", false,
                            "[{\"uri\": \"https://a/2\", \"title\": \"Two\"}, {\"uri\": \"https://a/3\", \"title\": \"Three\"}]"));

            playback.changed(41, PLAYING.replace("\"paused\":false", "\"paused\":true"));
            playback.flush();
            assertThat(db.value("SELECT paused FROM public.music_playback WHERE guild_id = '41'")).isEqualTo(true);

            playback.stopped(41);
            playback.flush();
            assertThat(db.count("SELECT count(*) FROM public.music_playback")).isZero();
        }
    }
}
