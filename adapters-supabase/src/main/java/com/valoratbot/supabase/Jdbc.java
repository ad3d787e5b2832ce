package com.valoratbot.supabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Plain JDBC for the CLI's read paths ({@code ls}, {@code show}, the command table's shape): jOOQ's
 * first use initialises its whole type system (about 100 ms of a CLI call's CPU, measured; the
 * call's target is 1 s, docs/benchmarks.md "Start-up"), which these few fixed statements do not need.
 */
final class Jdbc {

    private Jdbc() {}

    /** Reads one row of a result set; may throw what JDBC throws. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * The rows {@code sql} returns with {@code binds} set in order.
     *
     * @throws JdbcException carrying the statement's SQL state
     */
    static <T> List<T> query(DataSource ds, String sql, Row<T> row, Object... binds) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < binds.length; i++) ps.setObject(i + 1, binds[i]);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(row.read(rs));
                return out;
            }
        } catch (SQLException e) {
            throw new JdbcException(e);
        }
    }

    /** The first row, if any. */
    static <T> Optional<T> queryFirst(DataSource ds, String sql, Row<T> row, Object... binds) {
        return query(ds, sql, row, binds).stream().findFirst();
    }

    /** A failed statement, unchecked like jOOQ's, keeping the SQL state callers decide on. */
    static final class JdbcException extends RuntimeException {
        private final String sqlState;

        JdbcException(SQLException cause) {
            super(cause.getMessage(), cause);
            this.sqlState = cause.getSQLState();
        }

        String sqlState() {
            return sqlState;
        }
    }
}
