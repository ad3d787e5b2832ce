package com.valoratbot.core.port.activity;

import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.result.Result;

/**
 * Posts a leaderboard to a channel of the context's guild: an embed and a rendered card, or, when
 * the card is empty, a friendly "no activity" message (still a success).
 */
@FunctionalInterface
public interface PublishLeaderboards {

    /** @return the id of the posted message */
    Result<Snowflake> publish(CommandContext context, Snowflake channelId, LeaderboardCard card);
}
