package com.valoratbot.core.port;

import com.valoratbot.core.command.Command.PostLeaderboard;
import com.valoratbot.core.command.Command.ScheduleLeaderboard;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface Leaderboards {

    /** Replaces the guild's weekly schedule; returns when it will next post. */
    Result<Instant> schedule(CommandContext context, ScheduleLeaderboard command);

    Result<Done> post(CommandContext context, PostLeaderboard command);

    Result<Standings> standings(CommandContext context, Optional<Integer> trackDays);

    record MessageEntry(String userId, String name, long total) {}

    record VoiceEntry(String userId, String name, long seconds) {}

    record Standings(List<MessageEntry> messages, List<VoiceEntry> voice) {}
}
