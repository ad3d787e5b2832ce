package com.valoratbot.core.port.schedule;

import com.valoratbot.core.command.Snowflake;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The time zone a guild lives in: dashboards send wall-clock times ("2025-12-25T20:00"), activity is
 * counted per local day and the weekly leaderboard posts at a local hour. Implementations answer
 * from memory (they are called for every counted message), falling back to a deployment default.
 */
@FunctionalInterface
public interface GuildTimeZones {

    ZoneId zoneOf(Snowflake guildId);

    /** Every guild in one zone: for tests and single-community deployments. */
    static GuildTimeZones fixed(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return guild -> zone;
    }
}
