package com.valoratbot.supabase.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.activity.ActivityAggregator;
import com.valoratbot.core.activity.ActivityBatch;
import com.valoratbot.core.activity.ActivityBatch.DailyActivity;
import com.valoratbot.core.activity.ActivityBatch.MemberName;
import com.valoratbot.core.activity.VoiceMember;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresActivityStoreTest {

    // Several workers share the pool in one JVM (db-scheduler polls on each), hence 12 connections.
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated(s -> s.poolSize(12))
            .emptiedBeforeEach(
                    Tables.SCHEDULED_ANNOUNCEMENTS,
                    Tables.ANNOUNCEMENT_TASKS,
                    Tables.LEADERBOARD_SCHEDULES,
                    Tables.LEADERBOARD_TASKS,
                    Tables.ACTIVITY_DAILY,
                    Tables.MEMBER_NAMES,
                    Tables.GUILD_SETTINGS);

    private static final LocalDate DAY = LocalDate.parse("2025-12-10");

    @Test
    void batchesAddToTheStoredDaysAndNamesFollowTheLatest() {
        var store = PostgresActivityStore.create(db.database().dataSource());
        store.store(new ActivityBatch(
                List.of(new DailyActivity(1, 10, DAY, 3, 60)), List.of(new MemberName(1, 10, "Alice"))));
        store.store(new ActivityBatch(
                List.of(new DailyActivity(1, 10, DAY, 2, 30), new DailyActivity(1, 10, DAY.plusDays(1), 1, 0)),
                List.of(new MemberName(1, 10, "Alice ✨"))));
        assertThat(db.row("SELECT messages, voice_seconds FROM valoratbot.activity_daily WHERE day = ?", DAY))
                .containsEntry("messages", 5L)
                .containsEntry("voice_seconds", 90L);
        assertThat(db.rows("SELECT * FROM valoratbot.activity_daily")).hasSize(2);
        assertThat(db.row("SELECT name FROM valoratbot.member_names").get("name"))
                .isEqualTo("Alice ✨");
    }

    @Test
    void theAggregatorsFlushLandsInTheDatabase() {
        var clock = new TestClock(Instant.parse("2025-12-10T09:00:00Z"));
        var aggregator = ActivityAggregator.builder(
                        PostgresActivityStore.create(db.database().dataSource()),
                        GuildTimeZones.fixed(ZoneId.of("Europe/Paris")),
                        clock)
                .build();
        Snowflake guild = Snowflake.of(100000000000000001L), voice = Snowflake.of(200000000000000001L);
        Snowflake alice = Snowflake.of(300000000000000001L), bob = Snowflake.of(300000000000000002L);
        aggregator.message(guild, alice, "Alice", false);
        aggregator.voiceState(guild, VoiceMember.in(alice, "Alice", false, voice, false));
        aggregator.voiceState(guild, VoiceMember.in(bob, "Bob", false, voice, false));
        clock.advance(Duration.ofMinutes(3));
        aggregator.close();
        assertThat(db.row(
                        "SELECT messages, voice_seconds FROM valoratbot.activity_daily WHERE user_id = ?",
                        alice.value()))
                .containsEntry("messages", 1L)
                .containsEntry("voice_seconds", 180L);
        assertThat(db.rows("SELECT name FROM valoratbot.member_names ORDER BY name"))
                .extracting(r -> r.get("name"))
                .containsExactly("Alice", "Bob");
    }
}
