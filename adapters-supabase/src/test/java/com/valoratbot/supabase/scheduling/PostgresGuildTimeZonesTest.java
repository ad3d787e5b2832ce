package com.valoratbot.supabase.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.supabase.TestDatabase;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresGuildTimeZonesTest {

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

    private static final Snowflake GUILD = Snowflake.of(100000000000000001L);
    private static final ZoneId MONTREAL = ZoneId.of("America/Montreal");

    @Test
    void aGuildWithoutAZoneGetsTheDefaultAndASetZoneIsSeenByAnotherProcessAfterReload() {
        var here = PostgresGuildTimeZones.builder(db.database().dataSource()).build();
        var there = PostgresGuildTimeZones.builder(db.database().dataSource())
                .defaultZone(ZoneId.of("UTC"))
                .build()
                .start();
        assertThat(here.zoneOf(GUILD)).isEqualTo(ZoneId.of("Europe/Paris"));
        here.setZone(GUILD, Optional.of(MONTREAL));
        assertThat(here.zoneOf(GUILD)).isEqualTo(MONTREAL);
        assertThat(there.zoneOf(GUILD)).isEqualTo(ZoneId.of("UTC"));
        there.reload();
        assertThat(there.zoneOf(GUILD)).isEqualTo(MONTREAL);
        here.setZone(GUILD, Optional.empty());
        there.reload();
        assertThat(there.zoneOf(GUILD)).isEqualTo(ZoneId.of("UTC"));
        there.close();
    }

    @Test
    void anUnknownZoneInTheTableFallsBackToTheDefault() {
        db.execute(
                "INSERT INTO valoratbot.guild_settings (guild_id, time_zone) VALUES (?, 'Mars/Olympus')",
                GUILD.value());
        var zones = PostgresGuildTimeZones.builder(db.database().dataSource())
                .build()
                .start();
        assertThat(zones.zoneOf(GUILD)).isEqualTo(ZoneId.of("Europe/Paris"));
        zones.close();
    }
}
