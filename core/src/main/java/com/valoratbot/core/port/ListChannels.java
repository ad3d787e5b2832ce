package com.valoratbot.core.port;

import com.valoratbot.core.result.Result;
import java.util.List;

/** Channels of a guild, in Discord's display order. */
public interface ListChannels {

    /** Text (type 0) and announcement (type 5) channels. */
    Result<List<ChannelSummary>> textChannels(CommandContext context);

    /** Voice (type 2) and stage (type 13) channels. */
    Result<List<ChannelSummary>> voiceChannels(CommandContext context);

    /** @param type Discord's channel type number, as the dashboard expects it */
    record ChannelSummary(String id, String name, int type) {}
}
