package com.valoratbot.core.port;

import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;

/**
 * The gate every command passes before its action runs: the bot is in the guild, every channel the
 * payload names belongs to that guild and is of the action's kind, the bot holds what the action needs, and so does the
 * requester when the row names one. Failures use {@code guild_not_found}, {@code channel_not_found},
 * {@code missing_permissions} and {@code forbidden}.
 */
public interface CheckAccess {

    /** Checks {@code requirements} (its channels, their kind, the bot's and the requester's permissions) in the context's guild. */
    Result<Done> check(CommandContext context, AccessRequirements requirements);
}
