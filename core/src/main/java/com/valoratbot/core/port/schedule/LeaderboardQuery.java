package com.valoratbot.core.port.schedule;

import com.valoratbot.core.activity.ActivityPeriod;
import com.valoratbot.core.activity.LeaderboardCard.Standing;
import com.valoratbot.core.command.Snowflake;
import java.util.List;

/** The activity the aggregator stored, summed per member: what leaderboards rank. */
@FunctionalInterface
public interface LeaderboardQuery {

    /**
     * The guild's {@code limit} most active members over the period by {@code measure} (totals above
     * zero only), highest first, ties by user id; each with their last known name, else their id.
     */
    List<Standing> top(Snowflake guildId, ActivityPeriod period, Measure measure, int limit);

    enum Measure {
        MESSAGES,
        VOICE_SECONDS
    }
}
