package com.valoratbot.core.port;

import com.valoratbot.core.command.Snowflake;
import java.util.Optional;

/**
 * Who asked what, where: every port call carries the command's guild so an adapter can refuse to
 * touch anything outside it.
 *
 * @param requestedBy the dashboard user's Discord id when the row names one ({@code requested_by})
 */
public record CommandContext(String commandId, Snowflake guildId, Optional<Snowflake> requestedBy) {}
