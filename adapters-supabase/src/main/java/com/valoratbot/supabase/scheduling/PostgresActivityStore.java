package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.activity.ActivityBatch;
import com.valoratbot.core.activity.ActivityBatch.DailyActivity;
import com.valoratbot.core.activity.ActivityBatch.MemberName;
import com.valoratbot.core.port.activity.ActivityStore;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Writes activity batches in one transaction and two statements whatever their size: the rows go as
 * arrays ({@code unnest}) and are added to the stored days ({@code ON CONFLICT … DO UPDATE SET
 * messages = messages + excluded.messages}).
 */
public final class PostgresActivityStore implements ActivityStore {

    private static final String ADD_DAYS = "INSERT INTO " + Tables.ACTIVITY_DAILY + " AS a (guild_id, user_id, day, messages, voice_seconds) "
            + "SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::date[], ?::bigint[], ?::bigint[]) "
            + "ON CONFLICT (guild_id, day, user_id) DO UPDATE SET messages = a.messages + excluded.messages, "
            + "voice_seconds = a.voice_seconds + excluded.voice_seconds";
    private static final String SET_NAMES = "INSERT INTO " + Tables.MEMBER_NAMES + " (guild_id, user_id, name, seen_at) "
            + "SELECT g, u, n, now() FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS t(g, u, n) "
            + "ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at";

    private final DataSource dataSource;

    private PostgresActivityStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static PostgresActivityStore create(DataSource dataSource) {
        return new PostgresActivityStore(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public void store(ActivityBatch batch) {
        if (batch.isEmpty()) return;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (!batch.days().isEmpty()) addDays(c, batch.days());
                if (!batch.names().isEmpty()) setNames(c, batch.names());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new SchedulingDatabaseException("storing " + batch.days().size() + " activity rows", e);
        }
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
        try (PreparedStatement ps = c.prepareStatement(ADD_DAYS)) {
            Array[] arrays = {c.createArrayOf("bigint", guilds), c.createArrayOf("bigint", users), c.createArrayOf("date", dates),
                    c.createArrayOf("bigint", messages), c.createArrayOf("bigint", voice)};
            for (int i = 0; i < arrays.length; i++) ps.setArray(i + 1, arrays[i]);
            ps.executeUpdate();
        }
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
        try (PreparedStatement ps = c.prepareStatement(SET_NAMES)) {
            ps.setArray(1, c.createArrayOf("bigint", guilds));
            ps.setArray(2, c.createArrayOf("bigint", users));
            ps.setArray(3, c.createArrayOf("text", texts));
            ps.executeUpdate();
        }
    }
}
