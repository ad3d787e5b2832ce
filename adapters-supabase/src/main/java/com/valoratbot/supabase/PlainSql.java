package com.valoratbot.supabase;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Param;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The one data-access style of the storage adapters (scheduling, activity, the dashboard's tables),
 * as the queue's: jOOQ's plain SQL over the given {@link DataSource} (auto-commit connections;
 * {@code DSLContext.transaction} where statements must land together). Typed binds for values that
 * may be null, so PostgreSQL never has to guess.
 */
public final class PlainSql {

    private PlainSql() {}

    public static DSLContext on(DataSource dataSource) {
        java.util.Objects.requireNonNull(dataSource, "dataSource");
        return DSL.using(dataSource, SQLDialect.POSTGRES, new Settings().withExecuteLogging(false));
    }

    public static Param<Long> bigint(Long v) {
        return DSL.val(v, SQLDataType.BIGINT);
    }

    public static Param<Long> snowflake(Optional<? extends com.valoratbot.core.command.Snowflake> v) {
        return bigint(v.map(com.valoratbot.core.command.Snowflake::value).orElse(null));
    }

    public static Param<String> text(String v) {
        return DSL.val(v, SQLDataType.VARCHAR);
    }

    /**
     * An instant for the timestamptz columns, bound as a JDBC timestamp: pgjdbc sends it with its
     * offset and an unspecified type, so PostgreSQL reads it as the column's type whatever the
     * session's zone (jOOQ binds an Instant as text, which a timestamptz column refuses uncast).
     */
    public static Param<Timestamp> at(Instant v) {
        return DSL.val(v == null ? null : Timestamp.from(v), SQLDataType.TIMESTAMP);
    }
}
