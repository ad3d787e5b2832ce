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

    /**
     * A custom action an embedding bot registered ({@code CommandHandler.Builder#action}): it counts
     * against the guild's general budget, as every built-in action but purge does.
     */
    Result<Done> admitCustom(Snowflake guildId, String wireName);

    static RateLimitCommands unlimited() {
        return new RateLimitCommands() {
            @Override
            public Result<Done> admit(Snowflake guildId, Action action) {
                return Result.ok(Done.DONE);
            }

            @Override
            public Result<Done> admitCustom(Snowflake guildId, String wireName) {
                return Result.ok(Done.DONE);
            }
        };
    }
}
