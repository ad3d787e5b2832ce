package com.valoratbot.bench;

import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.ListChannels;
import com.valoratbot.core.result.Result;
import java.util.List;

/** A Discord that answers at once, so a benchmark measures the queue and nothing else. */
final class InstantDiscord implements ListChannels {

    private static final List<ChannelSummary> CHANNELS =
            List.of(new ChannelSummary("1100000000000000101", "general", 0));

    @Override
    public Result<List<ChannelSummary>> textChannels(CommandContext context) {
        return Result.ok(CHANNELS);
    }

    @Override
    public Result<List<ChannelSummary>> voiceChannels(CommandContext context) {
        return Result.ok(List.of());
    }
}
