package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.activity.ActivityPeriod;
import com.valoratbot.core.activity.LeaderboardCard.Standing;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.LeaderboardQuery;
import com.valoratbot.core.port.schedule.LeaderboardStore;
import com.valoratbot.core.schedule.WeeklySlot;
import com.valoratbot.supabase.PlainSql;
import java.time.DayOfWeek;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Core's {@link LeaderboardStore} on {@code valoratbot.leaderboard_schedules} (one row per guild;
 * {@code day_of_week} as dashboards send it, 0 = Sunday) and its {@link LeaderboardQuery} on
 * {@code valoratbot.activity_daily} (written by {@link PostgresActivityStore}) with names from
 * {@code valoratbot.member_names} (the last name seen, so members who left keep theirs).
 */
public final class PostgresLeaderboardStore implements LeaderboardStore, LeaderboardQuery {

    private static final String T = Tables.LEADERBOARD_SCHEDULES;
    private static final String COLUMNS =
            "guild_id, channel_id, track_days, day_of_week, hour, next_run_at, posting_for";

    private final DSLContext sql;

    private PostgresLeaderboardStore(DataSource dataSource) {
        this.sql = PlainSql.on(dataSource);
    }

    /** @param dataSource the database with the V100 migration applied */
    public static PostgresLeaderboardStore on(DataSource dataSource) {
        return new PostgresLeaderboardStore(dataSource);
    }

    /** Replaces the schedule and its next run; a posting mark and the last outcome stay. */
    @Override
    public void save(Snowflake guildId, WeeklyLeaderboard s, Optional<Snowflake> requestedBy, Instant updatedAt) {
        sql.execute(
                "INSERT INTO " + T
                        + " (guild_id, channel_id, track_days, day_of_week, hour, next_run_at, requested_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, track_days = excluded.track_days,"
                        + " day_of_week = excluded.day_of_week, hour = excluded.hour, next_run_at = excluded.next_run_at,"
                        + " requested_by = excluded.requested_by, updated_at = excluded.updated_at",
                guildId.value(),
                s.channelId().value(),
                s.trackDays(),
                s.slot().dashboardDayOfWeek(),
                s.slot().hour(),
                PlainSql.at(s.nextRunAt().orElse(null)),
                PlainSql.snowflake(requestedBy),
                PlainSql.at(updatedAt));
    }

    @Override
    public Optional<WeeklyLeaderboard> find(Snowflake guildId) {
        return Optional.ofNullable(
                        sql.fetchOne("SELECT " + COLUMNS + " FROM " + T + " WHERE guild_id = ?", guildId.value()))
                .map(PostgresLeaderboardStore::weekly);
    }

    @Override
    public List<GuildSchedule> all() {
        return sql.fetch("SELECT " + COLUMNS + " FROM " + T)
                .map(r -> new GuildSchedule(Snowflake.of(r.get("guild_id", Long.class)), weekly(r)));
    }

    private static WeeklyLeaderboard weekly(Record r) {
        int dow = r.get("day_of_week", Integer.class);
        return new WeeklyLeaderboard(
                Snowflake.of(r.get("channel_id", Long.class)),
                r.get("track_days", Integer.class),
                new WeeklySlot(dow == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(dow), r.get("hour", Integer.class)),
                Optional.ofNullable(r.get("next_run_at", Instant.class)),
                Optional.ofNullable(r.get("posting_for", Instant.class)));
    }

    @Override
    public void markPosting(Snowflake guildId, Instant dueAt) {
        sql.execute("UPDATE " + T + " SET posting_for = ? WHERE guild_id = ?", PlainSql.at(dueAt), guildId.value());
    }

    @Override
    public void setNextRun(Snowflake guildId, Instant nextRunAt) {
        sql.execute("UPDATE " + T + " SET next_run_at = ? WHERE guild_id = ?", PlainSql.at(nextRunAt), guildId.value());
    }

    @Override
    public void recordRun(Snowflake guildId, RunOutcome outcome) {
        sql.execute(
                "UPDATE " + T
                        + " SET posting_for = NULL, last_run_at = ?, last_status = ?, last_message_id = ?, last_reason = ?"
                        + " WHERE guild_id = ?",
                PlainSql.at(outcome.at()),
                outcome.status(),
                PlainSql.snowflake(outcome.messageId()),
                PlainSql.text(outcome.reason()),
                guildId.value());
    }

    @Override
    public List<Standing> top(Snowflake guildId, ActivityPeriod period, Measure measure, int limit) {
        String column = switch (measure) {
            case MESSAGES -> "messages";
            case VOICE_SECONDS -> "voice_seconds";
        };
        return sql.fetch(
                        "SELECT a.user_id, n.name, a.total FROM (SELECT user_id, sum(" + column + ") AS total FROM "
                                + Tables.ACTIVITY_DAILY
                                + " WHERE guild_id = ? AND day BETWEEN ? AND ? GROUP BY user_id HAVING sum(" + column
                                + ") > 0"
                                + " ORDER BY total DESC, user_id LIMIT ?) a"
                                + " LEFT JOIN " + Tables.MEMBER_NAMES
                                + " n ON n.guild_id = ? AND n.user_id = a.user_id ORDER BY a.total DESC, a.user_id",
                        guildId.value(),
                        period.from(),
                        period.to(),
                        limit,
                        guildId.value())
                .map(r -> {
                    String user = Long.toString(r.get(0, Long.class));
                    String name = r.get(1, String.class);
                    return new Standing(user, name == null ? user : name, r.get(2, Long.class));
                });
    }
}
