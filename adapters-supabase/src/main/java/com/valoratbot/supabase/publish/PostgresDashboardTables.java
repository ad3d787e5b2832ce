package com.valoratbot.supabase.publish;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.publish.DashboardTables;
import com.valoratbot.core.publish.DashboardWeek;
import com.valoratbot.core.publish.GuildFigures;
import com.valoratbot.core.publish.GuildListing;
import com.valoratbot.supabase.PlainSql;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

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
    private static final String STATUS_INSERT =
            "INSERT INTO " + BOT_STATUS + " (created_at, latency_ms, uptime_ms, version) VALUES (?, ?, ?, ?)";
    private static final String STATUS_PRUNE = "DELETE FROM " + BOT_STATUS + " WHERE created_at < ?";

    private static final String GUILDS_UPDATE =
            "UPDATE " + BOT_GUILDS + " b SET guild_name = v.name, icon = v.icon, member_count = v.members, "
                    + "last_seen = ? FROM unnest(?::text[], ?::text[], ?::text[], ?::int[]) AS v(id, name, icon, members) "
                    + "WHERE b.guild_id = v.id AND (b.guild_name IS DISTINCT FROM v.name OR b.icon IS DISTINCT FROM v.icon "
                    + "OR b.member_count IS DISTINCT FROM v.members OR b.last_seen IS NULL OR b.last_seen <= ?)";
    private static final String GUILDS_INSERT =
            "INSERT INTO " + BOT_GUILDS + " (guild_id, guild_name, icon, member_count, last_seen) "
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

    private final DSLContext sql;

    private PostgresDashboardTables(DataSource dataSource) {
        this.sql = PlainSql.on(dataSource);
    }

    public static PostgresDashboardTables on(DataSource dataSource) {
        return new PostgresDashboardTables(dataSource);
    }

    @Override
    public boolean writeStatus(
            Instant now, long latencyMs, long uptimeMs, String version, Duration spacing, Duration retention) {
        return inTransaction(BOT_STATUS, tx -> {
            boolean recent =
                    tx.fetchOne(STATUS_RECENT, PlainSql.at(now.minus(spacing))).get(0, Boolean.class);
            if (!recent) tx.execute(STATUS_INSERT, PlainSql.at(now), latencyMs, uptimeMs, PlainSql.text(version));
            tx.execute(STATUS_PRUNE, PlainSql.at(now.minus(retention)));
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
        return inTransaction(
                BOT_GUILDS,
                tx -> tx.execute(
                                GUILDS_UPDATE,
                                PlainSql.at(now),
                                ids,
                                names,
                                icons,
                                members,
                                PlainSql.at(now.minus(spacing)))
                        + tx.execute(GUILDS_INSERT, PlainSql.at(now), ids, names, icons, members));
    }

    @Override
    public void removeGuild(Snowflake guildId) {
        inTransaction(BOT_GUILDS, tx -> tx.execute(GUILD_DELETE, Long.toUnsignedString(guildId.value())));
    }

    @Override
    public int removeGuildsNotSeenSince(Instant seenBefore) {
        return inTransaction(BOT_GUILDS, tx -> tx.execute(GUILDS_STALE, PlainSql.at(seenBefore)));
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
        return inTransaction(GUILD_SNAPSHOT, tx -> {
            int added = n == 0
                    ? 0
                    : tx.execute(
                            SNAPSHOT_INSERT,
                            PlainSql.at(now),
                            ids,
                            total,
                            online,
                            voice,
                            PlainSql.at(now.minus(spacing)));
            tx.execute(SNAPSHOT_PRUNE, PlainSql.at(now.minus(retention)));
            return added;
        });
    }

    @Override
    public int publishLeaderboards(Map<Snowflake, DashboardWeek> weeks) {
        if (weeks.isEmpty()) return 0;
        int n = weeks.size();
        Long[] guilds = new Long[n];
        String[] keys = new String[n];
        LocalDate[] first = new LocalDate[n], last = new LocalDate[n];
        int i = 0;
        for (Map.Entry<Snowflake, DashboardWeek> e : weeks.entrySet()) {
            guilds[i] = e.getKey().value();
            keys[i] = e.getValue().key();
            first[i] = e.getValue().monday();
            last[i] = e.getValue().sunday();
            i++;
        }
        return inTransaction(
                LEADERBOARDS,
                tx -> tx.fetchOne(LEADERBOARDS_PUBLISH, guilds, keys, first, last)
                        .get(0, Integer.class));
    }

    /** Runs {@code work} in one transaction holding the table's advisory lock. */
    private <T> T inTransaction(String table, Function<DSLContext, T> work) {
        return sql.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.fetch(LOCK, table);
            return work.apply(tx);
        });
    }
}
