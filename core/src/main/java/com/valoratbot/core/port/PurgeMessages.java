package com.valoratbot.core.port;

import com.valoratbot.core.command.Command.Purge;
import com.valoratbot.core.result.Result;

public interface PurgeMessages {

    Result<PurgeReport> purge(CommandContext context, Purge purge);

    /** @param skipped messages that matched but could not go: pinned, or older than Discord's 14-day bulk-delete limit */
    record PurgeReport(int deleted, int skipped) {}
}
