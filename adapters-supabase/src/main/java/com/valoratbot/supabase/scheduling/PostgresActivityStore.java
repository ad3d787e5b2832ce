package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.activity.ActivityBatch;
import com.valoratbot.core.activity.ActivityBatch.DailyActivity;
import com.valoratbot.core.activity.ActivityBatch.MemberName;
import com.valoratbot.core.port.activity.ActivityStore;
import com.valoratbot.supabase.PlainSql;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Writes activity batches in one transaction and two statements whatever their size: the rows go as
 * arrays ({@code unnest}) and are added to the stored days ({@code ON CONFLICT … DO UPDATE SET
 * messages = messages + excluded.messages}).
 *
 * <p>jOOQ runs the transaction, as everywhere in this adapter; the arrays alone are made by the
 * driver ({@code Connection.createArrayOf}), because pgjdbc sends bigint arrays in binary where
 * jOOQ's binding sends them as text for the server to parse: measured on one 1,000-member batch,
 * 17.8 ms with the driver's arrays against 22.4 ms with jOOQ's (median of 60 interleaved calls),
 * and this is the write every activity flush makes.
 */
public final class PostgresActivityStore implements ActivityStore {

    private static final String ADD_DAYS =
            "INSERT INTO " + Tables.ACTIVITY_DAILY + " AS a (guild_id, user_id, day, messages, voice_seconds) "
                    + "SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::date[], ?::bigint[], ?::bigint[]) "
                    + "ON CONFLICT (guild_id, day, user_id) DO UPDATE SET messages = a.messages + excluded.messages, "
                    + "voice_seconds = a.voice_seconds + excluded.voice_seconds";
    private static final String SET_NAMES =
            "INSERT INTO " + Tables.MEMBER_NAMES + " (guild_id, user_id, name, seen_at) "
                    + "SELECT g, u, n, now() FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS t(g, u, n) "
                    + "ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at";

    private final DSLContext sql;

    private PostgresActivityStore(DataSource dataSource) {
        this.sql = PlainSql.on(dataSource);
    }

    public static PostgresActivityStore create(DataSource dataSource) {
        return new PostgresActivityStore(dataSource);
    }

    /** Both statements or neither: a failed batch is kept by the aggregator and added again, never half-counted. */
    @Override
    public void store(ActivityBatch batch) {
        if (batch.isEmpty()) return;
        sql.transaction(cfg -> DSL.using(cfg).connection(c -> {
            if (!batch.days().isEmpty()) addDays(c, batch.days());
            if (!batch.names().isEmpty()) setNames(c, batch.names());
        }));
    }

    private static void addDays(Connection c, List<DailyActivity> days) throws SQLException {
        int n = days.size();
        Long[] guilds = new Long[n], users = new Long[n], messages = new Long[n], voice = new Long[n];
        Date[] dates = new Date[n];
        for (int i = 0; i < n; i++) {
            DailyActivity d = days.get(i);
            guilds[i] = d.guildId();
            users[i] = d.userId();
            dates[i] = Date.valueOf(d.day());
            messages[i] = d.messages();
            voice[i] = d.voiceSeconds();
        }
        execute(
                c,
                ADD_DAYS,
                c.createArrayOf("bigint", guilds),
                c.createArrayOf("bigint", users),
                c.createArrayOf("date", dates),
                c.createArrayOf("bigint", messages),
                c.createArrayOf("bigint", voice));
    }

    private static void setNames(Connection c, List<MemberName> names) throws SQLException {
        int n = names.size();
        Long[] guilds = new Long[n], users = new Long[n];
        String[] texts = new String[n];
        for (int i = 0; i < n; i++) {
            guilds[i] = names.get(i).guildId();
            users[i] = names.get(i).userId();
            texts[i] = names.get(i).name();
        }
        execute(
                c,
                SET_NAMES,
                c.createArrayOf("bigint", guilds),
                c.createArrayOf("bigint", users),
                c.createArrayOf("text", texts));
    }

    private static void execute(Connection c, String statement, java.sql.Array... arrays) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < arrays.length; i++) ps.setArray(i + 1, arrays[i]);
            ps.executeUpdate();
        }
    }
}
