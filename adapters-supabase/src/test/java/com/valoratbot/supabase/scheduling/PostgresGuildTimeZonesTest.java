package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.command.Snowflake;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresGuildTimeZonesTest {

    private static final Snowflake GUILD = Snowflake.of(100000000000000001L);
    private static final ZoneId MONTREAL = ZoneId.of("America/Montreal");

    @BeforeEach
    void emptyTables() {
        SchedulingDb.reset();
    }

    @Test
    void aGuildWithoutAZoneGetsTheDefaultAndASetZoneIsSeenByAnotherProcessAfterReload() {
        var here = PostgresGuildTimeZones.builder(SchedulingDb.dataSource()).build();
        var there = PostgresGuildTimeZones.builder(SchedulingDb.dataSource()).defaultZone(ZoneId.of("UTC")).build().start();
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
        SchedulingDb.exec("INSERT INTO valoratbot.guild_settings (guild_id, time_zone) VALUES (?, 'Mars/Olympus')", GUILD.value());
        var zones = PostgresGuildTimeZones.builder(SchedulingDb.dataSource()).build().start();
        assertThat(zones.zoneOf(GUILD)).isEqualTo(ZoneId.of("Europe/Paris"));
        zones.close();
    }
}
