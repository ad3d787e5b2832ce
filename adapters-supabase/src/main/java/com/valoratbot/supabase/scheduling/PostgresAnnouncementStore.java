package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.AnnouncementStore;
import com.valoratbot.core.schedule.ScheduledStatus;
import com.valoratbot.supabase.PlainSql;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Core's {@link AnnouncementStore} on {@code valoratbot.scheduled_announcements} (migration V100). Each
 * status change is one conditional {@code UPDATE} ({@code … AND status = from}), so a cancel and a
 * send, or two workers, never both win; the command id is unique, so a command run twice stores one row.
 */
public final class PostgresAnnouncementStore implements AnnouncementStore {

    private static final String T = Tables.SCHEDULED_ANNOUNCEMENTS;
    private static final String UNFINISHED = "status IN ('pending', 'sending')";
    private static final String COLUMNS =
            "id, guild_id, channel_id, scheduled_for, announcement::text AS announcement, status, message_id, failure_reason";

    private final DSLContext sql;

    private PostgresAnnouncementStore(DataSource dataSource) {
        this.sql = PlainSql.on(dataSource);
    }

    /** @param dataSource the database with the V100 migration applied */
    public static PostgresAnnouncementStore on(DataSource dataSource) {
        return new PostgresAnnouncementStore(dataSource);
    }

    @Override
    public int countUnfinished(Snowflake guildId) {
        return sql.fetchOne("SELECT count(*) FROM " + T + " WHERE guild_id = ? AND " + UNFINISHED, guildId.value())
                .get(0, Integer.class);
    }

    @Override
    public Optional<String> addOnce(NewAnnouncement a) {
        Record added = sql.fetchOne(
                "INSERT INTO " + T
                        + " (id, guild_id, channel_id, announcement, scheduled_for, time_zone, requested_by, command_id, created_at)"
                        + " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING RETURNING id",
                UUID.randomUUID().toString(),
                a.guildId().value(),
                a.channelId().value(),
                a.announcementJson(),
                PlainSql.at(a.scheduledFor()),
                a.zone().getId(),
                PlainSql.snowflake(a.requestedBy()),
                a.commandId(),
                PlainSql.at(a.createdAt()));
        if (added != null) return Optional.of(added.get(0, String.class));
        // The same command ran before (a worker died after storing it): the same id.
        return Optional.ofNullable(sql.fetchOne(
                        "SELECT id FROM " + T + " WHERE command_id = ? AND guild_id = ?",
                        a.commandId(),
                        a.guildId().value()))
                .map(r -> r.get(0, String.class));
    }

    @Override
    public void forget(String id) {
        sql.execute("DELETE FROM " + T + " WHERE id = ? AND status = 'pending'", id);
    }

    @Override
    public List<StoredAnnouncement> listed(Snowflake guildId, Instant finishedSince, int limit) {
        return sql.fetch(
                        "SELECT " + COLUMNS + " FROM " + T + " WHERE guild_id = ? AND (" + UNFINISHED
                                + " OR finished_at >= ?)"
                                + " ORDER BY status NOT IN ('pending', 'sending'),"
                                + " CASE WHEN " + UNFINISHED
                                + " THEN scheduled_for END ASC, scheduled_for DESC LIMIT ?",
                        guildId.value(),
                        PlainSql.at(finishedSince),
                        limit)
                .map(PostgresAnnouncementStore::stored);
    }

    @Override
    public Optional<StoredAnnouncement> find(String id) {
        return Optional.ofNullable(sql.fetchOne("SELECT " + COLUMNS + " FROM " + T + " WHERE id = ?", id))
                .map(PostgresAnnouncementStore::stored);
    }

    private static StoredAnnouncement stored(Record r) {
        return new StoredAnnouncement(
                r.get("id", String.class),
                Snowflake.of(r.get("guild_id", Long.class)),
                Snowflake.of(r.get("channel_id", Long.class)),
                r.get("scheduled_for", Instant.class),
                r.get("announcement", String.class),
                status(r.get("status", String.class)),
                Optional.ofNullable(r.get("message_id", Long.class)).map(Snowflake::of),
                Optional.ofNullable(r.get("failure_reason", String.class)));
    }

    private static ScheduledStatus status(String wire) {
        return ScheduledStatus.parse(wire)
                .orElseThrow(() -> new IllegalStateException("unknown scheduled announcement status " + wire));
    }

    @Override
    public Optional<ScheduledStatus> statusOf(String id, Snowflake guildId) {
        return Optional.ofNullable(
                        sql.fetchOne("SELECT status FROM " + T + " WHERE id = ? AND guild_id = ?", id, guildId.value()))
                .map(r -> status(r.get(0, String.class)));
    }

    @Override
    public boolean cancel(String id, Snowflake guildId, Instant at) {
        return sql.execute(
                        "UPDATE " + T
                                + " SET status = 'cancelled', finished_at = ? WHERE id = ? AND guild_id = ? AND status = 'pending'",
                        PlainSql.at(at),
                        id,
                        guildId.value())
                == 1;
    }

    @Override
    public boolean markSending(String id, Instant at, String workerName) {
        return sql.execute(
                        "UPDATE " + T
                                + " SET status = 'sending', attempted_at = ?, attempted_by = ? WHERE id = ? AND status = 'pending'",
                        PlainSql.at(at),
                        workerName,
                        id)
                == 1;
    }

    @Override
    public void finish(String id, ScheduledStatus from, Outcome outcome, Instant at) {
        sql.execute(
                "UPDATE " + T + " SET status = ?, message_id = ?, failure_code = ?, failure_reason = ?, finished_at = ?"
                        + " WHERE id = ? AND status = ?",
                outcome.status().wireName(),
                PlainSql.snowflake(outcome.messageId()),
                PlainSql.text(outcome.code()),
                PlainSql.text(outcome.reason()),
                PlainSql.at(at),
                id,
                from.wireName());
    }

    @Override
    public List<Due> unfinished() {
        return sql.fetch("SELECT id, scheduled_for FROM " + T + " WHERE " + UNFINISHED)
                .map(r -> new Due(r.get(0, String.class), r.get(1, Instant.class)));
    }
}
