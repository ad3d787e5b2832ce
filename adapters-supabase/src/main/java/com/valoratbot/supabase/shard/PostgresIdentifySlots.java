package com.valoratbot.supabase.shard;

import com.valoratbot.core.port.shard.IdentifySlots;
import com.valoratbot.supabase.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Core's {@link IdentifySlots} on {@code valoratbot.shard_identify} (migration V500): the slot is taken
 * by {@code valoratbot.take_identify_slot} and, in the same transaction, held {@code hold} ahead, so no
 * worker in any process identifies in the bucket while this session connects; {@link #identified}
 * then dates the bucket's last IDENTIFY to when it really went out.
 */
public final class PostgresIdentifySlots implements IdentifySlots {

    private static final String TAKE = "SELECT valoratbot.take_identify_slot(?, ?, ?, ?, ?)";
    private static final String HOLD = "UPDATE valoratbot.shard_identify"
            + " SET last_identify_at = clock_timestamp() + ? * interval '1 millisecond' - ? * interval '1 millisecond'"
            + " WHERE command_table = ? AND max_concurrency = ? AND bucket = ?";
    private static final String DONE = "UPDATE valoratbot.shard_identify SET last_identify_at = clock_timestamp()"
            + " WHERE command_table = ? AND max_concurrency = ? AND bucket = ? AND last_worker_id = ? AND last_shard_id = ?";

    private final DataSource data;
    private final String commandTable;

    private PostgresIdentifySlots(DataSource data, String commandTable) {
        this.data = Objects.requireNonNull(data, "data");
        this.commandTable = Objects.requireNonNull(commandTable, "commandTable");
    }

    public static PostgresIdentifySlots on(Database db) {
        return new PostgresIdentifySlots(db.dataSource(), db.commandTable().key());
    }

    public static PostgresIdentifySlots on(DataSource data, String commandTable) {
        return new PostgresIdentifySlots(data, commandTable);
    }

    @Override
    public Duration take(String worker, int shard, int maxConcurrency, Duration interval, Duration hold) {
        int concurrency = Math.max(1, maxConcurrency);
        try (Connection c = data.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                int wait;
                try (PreparedStatement st = c.prepareStatement(TAKE)) {
                    st.setString(1, commandTable);
                    st.setInt(2, concurrency);
                    st.setInt(3, shard);
                    st.setString(4, worker);
                    st.setInt(5, (int) interval.toMillis());
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        wait = rs.getInt(1);
                    }
                }
                if (wait == 0) {
                    // Held: the bucket's last IDENTIFY is dated (now + hold - interval), so the next
                    // one may go at now + hold at the earliest, unless identified() dates it sooner.
                    try (PreparedStatement st = c.prepareStatement(HOLD)) {
                        st.setLong(1, hold.toMillis());
                        st.setLong(2, interval.toMillis());
                        st.setString(3, commandTable);
                        st.setInt(4, concurrency);
                        st.setInt(5, shard % concurrency);
                        st.executeUpdate();
                    }
                }
                c.commit();
                return Duration.ofMillis(wait);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "taking the IDENTIFY slot of shard " + shard + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean identified(String worker, int shard, int maxConcurrency) {
        int concurrency = Math.max(1, maxConcurrency);
        try (Connection c = data.getConnection();
                PreparedStatement st = c.prepareStatement(DONE)) {
            st.setString(1, commandTable);
            st.setInt(2, concurrency);
            st.setInt(3, shard % concurrency);
            st.setString(4, worker);
            st.setInt(5, shard);
            return st.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("dating the IDENTIFY of shard " + shard + " failed: " + e.getMessage(), e);
        }
    }
}
