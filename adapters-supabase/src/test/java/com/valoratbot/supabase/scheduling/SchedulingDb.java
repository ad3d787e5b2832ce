package com.valoratbot.supabase.scheduling;

import com.valoratbot.migrations.ValoratbotMigrations;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.valoratbot.supabase.TestDatabase;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * A real database for this package's tests, on the queue's shared embedded PostgreSQL
 * ({@link TestDatabase#server()}), migrated like production once per test JVM; {@link #reset()} empties
 * the package's tables between tests.
 */
final class SchedulingDb {

    private static final String NAME = "scheduling_tests";
    private static HikariDataSource pool;

    private SchedulingDb() {}

    static synchronized DataSource dataSource() {
        if (pool == null) {
            TestDatabase.createDatabase(NAME);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:postgresql://localhost:" + TestDatabase.port() + "/" + NAME);
            config.setUsername("postgres");
            config.setMaximumPoolSize(12);
            config.setPoolName("scheduling-tests");
            pool = new HikariDataSource(config);
            ValoratbotMigrations.migrate(pool, "public", "commands");
            Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
        }
        return pool;
    }

    static void reset() {
        exec("TRUNCATE " + String.join(", ", Tables.SCHEDULED_ANNOUNCEMENTS, Tables.ANNOUNCEMENT_TASKS, Tables.LEADERBOARD_SCHEDULES,
                Tables.LEADERBOARD_TASKS, Tables.ACTIVITY_DAILY, Tables.MEMBER_NAMES, Tables.GUILD_SETTINGS));
    }

    static void exec(String sql, Object... args) {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static List<Map<String, Object>> rows(String sql, Object... args) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    out.add(row);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return out;
    }

    static Map<String, Object> row(String sql, Object... args) {
        List<Map<String, Object>> all = rows(sql, args);
        if (all.size() != 1) throw new AssertionError("expected one row, got " + all.size() + " for " + sql);
        return all.getFirst();
    }

}
