package com.valoratbot.supabase.publish;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

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
            assertThat(
                            db.query(
                                    "SELECT channel_id, now_playing::text, paused, queue::text FROM public.music_playback WHERE guild_id = '41'"))
                    .containsExactly(
                            List.of(
                                    "4101",
                                    "{\"uri\": \"https://a/1\", \"title\": \"One\", \"positionMs\": 1500}",
                                    false,
                                    "[{\"uri\": \"https://a/2\", \"title\": \"Two\"}, {\"uri\": \"https://a/3\", \"title\": \"Three\"}]"));

            playback.changed(41, PLAYING.replace("\"paused\":false", "\"paused\":true"));
            playback.flush();
            assertThat(db.value("SELECT paused FROM public.music_playback WHERE guild_id = '41'"))
                    .isEqualTo(true);

            playback.stopped(41);
            playback.flush();
            assertThat(db.count("SELECT count(*) FROM public.music_playback WHERE guild_id = '41'"))
                    .isZero();
        }
    }

    @Test
    void theTableReadableWithThePublicKeyGetsNoTokensUserinfoFragmentsNorLocalPaths() throws Exception {
        Database database = db.open();
        String doc = """
                {"version":1,"guildId":"42","channelId":"4201","paused":false,"savedAt":1,
                 "current":{"track":"QUFBQQ==","title":"Secret","uri":"https://bob:hunter2@cdn.example.com:8443/a/b.mp3?token=abc&sig=1#t=3","positionMs":5},
                 "queue":[{"track":"QkJCQg==","title":"/home/bot/music/private.mp3","uri":"/home/bot/music/private.mp3"},
                          {"track":"Q0NDQw==","title":"Local","uri":"file:///srv/music/x.ogg"},
                          {"track":"RERERA==","title":"Plain","uri":"HTTP://example.org/watch"}]}""";
        try (PostgresPlaybackState playback = PostgresPlaybackState.on(database.dataSource(), Duration.ofHours(1))) {
            playback.changed(42, doc);
            assertThat(playback.flush()).isTrue();
        }
        assertThat(db.query("SELECT now_playing::text, queue::text FROM public.music_playback WHERE guild_id = '42'"))
                .containsExactly(List.of(
                        "{\"uri\": \"https://cdn.example.com:8443/a/b.mp3\", \"title\": \"Secret\", \"positionMs\": 5}",
                        "[{}, {\"title\": \"Local\"}, {\"uri\": \"HTTP://example.org/watch\", \"title\": \"Plain\"}]"));
    }

    @Test
    void whileTheTableIsMissingWritesBackOffAndTheFailureIsLoggedOnceThenOnceMoreOnRecovery() throws Exception {
        Database database = db.open();
        db.execute("ALTER TABLE public.music_playback RENAME TO music_playback_away");
        AtomicInteger connections = new AtomicInteger();
        DataSource counting = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) connections.incrementAndGet();
                    try {
                        return method.invoke(database.dataSource(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Logger logger = (Logger) LoggerFactory.getLogger(PostgresPlaybackState.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (PostgresPlaybackState playback =
                PostgresPlaybackState.on(counting, Duration.ofMillis(50), Duration.ofMillis(800))) {
            playback.changed(43, PLAYING.replace("\"41\"", "\"43\""));
            // Without backoff, 50 ms spacing makes about 40 attempts in 2 s; doubling (50, 100, 200, 400, 800, 800 ms)
            // about 5.
            Thread.sleep(2_000);
            int attempts = connections.get();
            assertThat(attempts).isBetween(2, 8);
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);

            db.execute("ALTER TABLE public.music_playback_away RENAME TO music_playback");
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (db.count("SELECT count(*) FROM public.music_playback WHERE guild_id = '43'") == 0
                    && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(db.value("SELECT channel_id FROM public.music_playback WHERE guild_id = '43'"))
                    .isEqualTo("4101");
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
            assertThat(log.list)
                    .filteredOn(e -> e.getLevel() == Level.INFO)
                    .singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .asString()
                    .contains("again after");
        } finally {
            logger.detachAppender(log);
        }
    }
}
