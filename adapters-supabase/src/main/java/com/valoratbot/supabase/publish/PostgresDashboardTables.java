package com.valoratbot.supabase.publish;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.publish.DashboardTables;
import com.valoratbot.core.publish.DashboardWeek;
import com.valoratbot.core.publish.GuildFigures;
import com.valoratbot.core.publish.GuildListing;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The dashboard's tables in the {@code public} schema (migration V400 creates those that are missing).
 *
 * <p>Only the columns the dashboard reads are written, so a table its setup made with more columns keeps them.
 * No statement relies on a unique constraint the dashboard's own table might lack: rows are updated, then
 * inserted where missing.
 *
 * <p>Several workers, one database: each write takes a transaction-scoped advisory lock named after its table
 * ({@code pg_advisory_xact_lock}, which a transaction-mode pooler carries, unlike session locks), then looks at
 * what is already there: a status or snapshot row newer than the spacing stands for this worker's, and a row
 * already holding the same figures is not rewritten. So two workers never write the same row twice, and the
 * lock is released by commit or by a dead connection (no lease to expire).
 */
public final class PostgresDashboardTables implements DashboardTables {

    static final String BOT_STATUS = "public.bot_status";
    static final String BOT_GUILDS = "public.bot_guilds";
    static final String GUILD_SNAPSHOT = "public.guild_snapshot";
    static final String LEADERBOARDS = "public.leaderboards";
    private static final String ACTIVITY_DAILY = "valoratbot.activity_daily";

    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('valoratbot.dashboard'), hashtext(?))";

    private static final String STATUS_RECENT = "SELECT EXISTS (SELECT 1 FROM " + BOT_STATUS + " WHERE created_at > ?)";
    private static final String STATUS_INSERT = "INSERT INTO " + BOT_STATUS + " (created_at, latency_ms, uptime_ms, version) VALUES (?, ?, ?, ?)";
    private static final String STATUS_PRUNE = "DELETE FROM " + BOT_STATUS + " WHERE created_at < ?";

    private static final String GUILDS_UPDATE = "UPDATE " + BOT_GUILDS + " b SET guild_name = v.name, icon = v.icon, member_count = v.members, "
            + "last_seen = ? FROM unnest(?::text[], ?::text[], ?::text[], ?::int[]) AS v(id, name, icon, members) "
            + "WHERE b.guild_id = v.id AND (b.guild_name IS DISTINCT FROM v.name OR b.icon IS DISTINCT FROM v.icon "
            + "OR b.member_count IS DISTINCT FROM v.members OR b.last_seen IS NULL OR b.last_seen <= ?)";
    private static final String GUILDS_INSERT = "INSERT INTO " + BOT_GUILDS + " (guild_id, guild_name, icon, member_count, last_seen) "
            + "SELECT v.id, v.name, v.icon, v.members, ? FROM unnest(?::text[], ?::text[], ?::text[], ?::int[]) AS v(id, name, icon, members) "
            + "WHERE NOT EXISTS (SELECT 1 FROM " + BOT_GUILDS + " b WHERE b.guild_id = v.id)";
    private static final String GUILD_DELETE = "DELETE FROM " + BOT_GUILDS + " WHERE guild_id = ?";
    private static final String GUILDS_STALE = "DELETE FROM " + BOT_GUILDS + " WHERE last_seen < ?";

    private static final String SNAPSHOT_INSERT = "INSERT INTO " + GUILD_SNAPSHOT
            + " (guild_id, created_at, members_total, members_online, voice_in_channels) "
            + "SELECT v.id, ?, v.total, v.online, v.voice FROM unnest(?::text[], ?::int[], ?::int[], ?::int[]) AS v(id, total, online, voice) "
            + "WHERE NOT EXISTS (SELECT 1 FROM " + GUILD_SNAPSHOT + " s WHERE s.guild_id = v.id AND s.created_at > ?)";
    private static final String SNAPSHOT_PRUNE = "DELETE FROM " + GUILD_SNAPSHOT + " WHERE created_at < ?";

    /** Each (guild, week) summed from the activity the aggregator stored, then updated where different, inserted where missing. */
    private static final String LEADERBOARDS_PUBLISH = """
            WITH v AS (
                SELECT * FROM unnest(?::bigint[], ?::text[], ?::date[], ?::date[]) AS v(guild, week, first_day, last_day)
            ), figures AS (
                SELECT v.guild::text AS guild_id, v.week,
                       coalesce((SELECT jsonb_object_agg(t.user_id::text, t.n) FROM (
                           SELECT a.user_id, sum(a.messages) AS n FROM %1$s a
                           WHERE a.guild_id = v.guild AND a.day BETWEEN v.first_day AND v.last_day
                           GROUP BY a.user_id HAVING sum(a.messages) > 0) t), '{}'::jsonb) AS msgs,
                       coalesce((SELECT jsonb_object_agg(t.user_id::text, t.n) FROM (
                           SELECT a.user_id, sum(a.voice_seconds) AS n FROM %1$s a
                           WHERE a.guild_id = v.guild AND a.day BETWEEN v.first_day AND v.last_day
                           GROUP BY a.user_id HAVING sum(a.voice_seconds) > 0) t), '{}'::jsonb) AS voice
                FROM v
            ), updated AS (
                UPDATE %2$s l SET msgs = f.msgs, voice = f.voice FROM figures f
                WHERE l.guild_id = f.guild_id AND l.week = f.week
                  AND (l.msgs IS DISTINCT FROM f.msgs OR l.voice IS DISTINCT FROM f.voice)
                RETURNING 1
            ), inserted AS (
                INSERT INTO %2$s (guild_id, week, msgs, voice)
                SELECT f.guild_id, f.week, f.msgs, f.voice FROM figures f
                WHERE NOT EXISTS (SELECT 1 FROM %2$s l WHERE l.guild_id = f.guild_id AND l.week = f.week)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted)
            """.formatted(ACTIVITY_DAILY, LEADERBOARDS);

    private final DataSource dataSource;

    private PostgresDashboardTables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static PostgresDashboardTables on(DataSource dataSource) {
        return new PostgresDashboardTables(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public boolean writeStatus(Instant now, long latencyMs, long uptimeMs, String version, Duration spacing, Duration retention) {
        return inTransaction(BOT_STATUS, c -> {
            boolean recent;
            try (PreparedStatement ps = c.prepareStatement(STATUS_RECENT)) {
                ps.setTimestamp(1, Timestamp.from(now.minus(spacing)));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    recent = rs.getBoolean(1);
                }
            }
            if (!recent) {
                try (PreparedStatement ps = c.prepareStatement(STATUS_INSERT)) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setLong(2, latencyMs);
                    ps.setLong(3, uptimeMs);
                    ps.setString(4, version);
                    ps.executeUpdate();
                }
            }
            prune(c, STATUS_PRUNE, now.minus(retention));
            return !recent;
        });
    }

    @Override
    public int upsertGuilds(Collection<GuildListing> guilds, Instant now, Duration spacing) {
        if (guilds.isEmpty()) return 0;
        int n = guilds.size();
        String[] ids = new String[n], names = new String[n], icons = new String[n];
        Integer[] members = new Integer[n];
        int i = 0;
        for (GuildListing g : guilds) {
            ids[i] = Long.toUnsignedString(g.guildId().value());
            names[i] = g.name();
            icons[i] = g.icon().orElse(null);
            members[i] = g.memberCount();
            i++;
        }
        return inTransaction(BOT_GUILDS, c -> {
            int written;
            try (PreparedStatement ps = c.prepareStatement(GUILDS_UPDATE)) {
                ps.setTimestamp(1, Timestamp.from(now));
                setGuildArrays(c, ps, 2, ids, names, icons, members);
                ps.setTimestamp(6, Timestamp.from(now.minus(spacing)));
                written = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(GUILDS_INSERT)) {
                ps.setTimestamp(1, Timestamp.from(now));
                setGuildArrays(c, ps, 2, ids, names, icons, members);
                written += ps.executeUpdate();
            }
            return written;
        });
    }

    private static void setGuildArrays(Connection c, PreparedStatement ps, int from, String[] ids, String[] names, String[] icons,
                                       Integer[] members) throws SQLException {
        ps.setArray(from, c.createArrayOf("text", ids));
        ps.setArray(from + 1, c.createArrayOf("text", names));
        ps.setArray(from + 2, c.createArrayOf("text", icons));
        ps.setArray(from + 3, c.createArrayOf("integer", members));
    }

    @Override
    public void removeGuild(Snowflake guildId) {
        inTransaction(BOT_GUILDS, c -> {
            try (PreparedStatement ps = c.prepareStatement(GUILD_DELETE)) {
                ps.setString(1, Long.toUnsignedString(guildId.value()));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int removeGuildsNotSeenSince(Instant seenBefore) {
        return inTransaction(BOT_GUILDS, c -> prune(c, GUILDS_STALE, seenBefore));
    }

    @Override
    public int writeSnapshots(Collection<GuildFigures> figures, Instant now, Duration spacing, Duration retention) {
        int n = figures.size();
        String[] ids = new String[n];
        Integer[] total = new Integer[n], online = new Integer[n], voice = new Integer[n];
        int i = 0;
        for (GuildFigures f : figures) {
            ids[i] = Long.toUnsignedString(f.guildId().value());
            total[i] = f.membersTotal();
            online[i] = f.membersOnline() < 0 ? null : f.membersOnline();
            voice[i] = f.voiceInChannels();
            i++;
        }
        return inTransaction(GUILD_SNAPSHOT, c -> {
            int added = 0;
            if (n > 0) {
                try (PreparedStatement ps = c.prepareStatement(SNAPSHOT_INSERT)) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setArray(2, c.createArrayOf("text", ids));
                    ps.setArray(3, c.createArrayOf("integer", total));
                    ps.setArray(4, c.createArrayOf("integer", online));
                    ps.setArray(5, c.createArrayOf("integer", voice));
                    ps.setTimestamp(6, Timestamp.from(now.minus(spacing)));
                    added = ps.executeUpdate();
                }
            }
            prune(c, SNAPSHOT_PRUNE, now.minus(retention));
            return added;
        });
    }

    @Override
    public int publishLeaderboards(Map<Snowflake, DashboardWeek> weeks) {
        if (weeks.isEmpty()) return 0;
        int n = weeks.size();
        Long[] guilds = new Long[n];
        String[] keys = new String[n];
        Date[] first = new Date[n], last = new Date[n];
        int i = 0;
        for (Map.Entry<Snowflake, DashboardWeek> e : weeks.entrySet()) {
            guilds[i] = e.getKey().value();
            keys[i] = e.getValue().key();
            first[i] = Date.valueOf(e.getValue().monday());
            last[i] = Date.valueOf(e.getValue().sunday());
            i++;
        }
        return inTransaction(LEADERBOARDS, c -> {
            try (PreparedStatement ps = c.prepareStatement(LEADERBOARDS_PUBLISH)) {
                ps.setArray(1, c.createArrayOf("bigint", guilds));
                ps.setArray(2, c.createArrayOf("text", keys));
                ps.setArray(3, c.createArrayOf("date", first));
                ps.setArray(4, c.createArrayOf("date", last));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static int prune(Connection c, String sql, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction holding the table's advisory lock. */
    private <T> T inTransaction(String table, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement(LOCK)) {
                    lock.setString(1, table);
                    lock.execute();
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("writing the dashboard's " + table + ": " + e.getMessage(), e);
        }
    }
}
