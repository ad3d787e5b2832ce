package com.valoratbot.core.port;

import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;

/**
 * Per-guild admission, so one busy (or abusive) guild cannot use the bot's Discord budget for all
 * the others. Refusals are {@code rate_limited} with a {@code retryAfterMs} detail.
 */
public interface RateLimitCommands {

    Result<Done> admit(Snowflake guildId, Action action);

    static RateLimitCommands unlimited() {
        return (guild, action) -> Result.ok(com.valoratbot.core.result.Done.DONE);
    }
}
