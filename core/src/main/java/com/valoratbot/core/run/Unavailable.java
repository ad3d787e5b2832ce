package com.valoratbot.core.run;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.*;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Stands in for every port this deployment has no adapter for. */
enum Unavailable implements CheckAccess, ListChannels, PurgeMessages, ModerateChannels, PostAnnouncements,
        ScheduleAnnouncements, Leaderboards, PlayMusic {
    INSTANCE;

    private static <T> Result<T> no() {
        return Result.err(ErrorCode.NOT_AVAILABLE, "not_available");
    }

    /** Without a Discord adapter nothing can be checked, and the action itself is unavailable anyway. */
    @Override public Result<Done> check(CommandContext c, AccessRequirements r) { return Result.ok(Done.DONE); }
    @Override public Result<List<ChannelSummary>> textChannels(CommandContext c) { return no(); }
    @Override public Result<List<ChannelSummary>> voiceChannels(CommandContext c) { return no(); }
    @Override public Result<PurgeReport> purge(CommandContext c, Command.Purge p) { return no(); }
    @Override public Result<Done> slowmode(CommandContext c, Command.Slowmode s) { return no(); }
    @Override public Result<Done> lock(CommandContext c, Command.Lock l) { return no(); }
    @Override public Result<Done> unlock(CommandContext c, Command.Unlock u) { return no(); }
    @Override public Result<Snowflake> announce(CommandContext c, Announcement a) { return no(); }
    @Override public Result<String> schedule(CommandContext c, Command.ScheduleAnnounce s) { return no(); }
    @Override public Result<List<ScheduledAnnouncement>> pending(CommandContext c) { return no(); }
    @Override public Result<Done> cancel(CommandContext c, String id) { return no(); }
    @Override public Result<Instant> schedule(CommandContext c, Command.ScheduleLeaderboard s) { return no(); }
    @Override public Result<Done> post(CommandContext c, Command.PostLeaderboard p) { return no(); }
    @Override public Result<Standings> standings(CommandContext c, Optional<Integer> days) { return no(); }
    @Override public Result<QueuedTrack> play(CommandContext c, Command.Play p) { return no(); }
    @Override public Result<Done> pause(CommandContext c) { return no(); }
    @Override public Result<Done> resume(CommandContext c) { return no(); }
    @Override public Result<Done> skip(CommandContext c) { return no(); }
    @Override public Result<Done> stop(CommandContext c) { return no(); }
    @Override public Result<QueueView> queue(CommandContext c) { return no(); }
    @Override public Result<Done> removeFromQueue(CommandContext c, int index) { return no(); }
}
