package com.valoratbot.core.port.schedule;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.schedule.WeeklySlot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Each guild's weekly leaderboard schedule (one per guild) and the outcome of its last run. */
public interface LeaderboardStore {

    /** Replaces the guild's schedule (a new one, or the dashboard changing it). */
    void save(Snowflake guildId, WeeklyLeaderboard schedule, Optional<Snowflake> requestedBy, Instant updatedAt);

    Optional<WeeklyLeaderboard> find(Snowflake guildId);

    /** Every guild's schedule: what a start-up repair needs. */
    List<GuildSchedule> all();

    /** Records that a run posts now for the week due at {@code dueAt}, before the Discord call. */
    void markPosting(Snowflake guildId, Instant dueAt);

    void setNextRun(Snowflake guildId, Instant nextRunAt);

    /** Stores a run's outcome and clears the posting mark. */
    void recordRun(Snowflake guildId, RunOutcome outcome);

    /**
     * A guild's weekly leaderboard as stored.
     *
     * @param nextRunAt  when the next post is due (empty only before its first scheduling)
     * @param postingFor set while a run posts: the due time of that run
     */
    record WeeklyLeaderboard(
            Snowflake channelId,
            int trackDays,
            WeeklySlot slot,
            Optional<Instant> nextRunAt,
            Optional<Instant> postingFor) {}

    record GuildSchedule(Snowflake guildId, WeeklyLeaderboard schedule) {}

    /**
     * @param status    sent, failed, missed or interrupted (the dashboard reads these words)
     * @param messageId the post, when sent
     * @param reason    the rendered reason otherwise
     */
    record RunOutcome(Instant at, String status, Optional<Snowflake> messageId, String reason) {}
}
