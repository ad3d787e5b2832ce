package com.valoratbot.supabase;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.QueryExecutorBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a connection that only LISTENs needs from pgjdbc beyond its public API. */
public final class ListenConnections {

    private static final Logger LOG = LoggerFactory.getLogger(ListenConnections.class);

    private ListenConnections() {}

    /**
     * pgjdbc's {@code getNotifications} ends each call by asking whether more is pending, and on an
     * idle socket that question waits up to 1 ms (a socket timeout of 1 ms; pgjdbc 42.7's limit of one
     * such wait a second is only set on a path an idle socket never takes). Every notification thus
     * reached the claim about 1.2 ms late: {@code NotifyDelay} measured 1.26 ms p50 from the sender's
     * commit to the listener, 0.065 ms without the wait (issue 12's pickup). On a connection used for
     * nothing but LISTEN the question is answered from what is already buffered: the next call blocks
     * on the socket for the next notification as before, so none is lost or held back. If the
     * driver's internals ever differ, the connection keeps the driver's behaviour (said at DEBUG).
     */
    public static void withoutTrailingWait(Connection c) {
        try {
            Object executor = c.unwrap(BaseConnection.class).getQueryExecutor();
            Field stream = QueryExecutorBase.class.getDeclaredField("pgStream");
            stream.setAccessible(true);
            Object pgStream = stream.get(executor);
            Field next = pgStream.getClass().getDeclaredField("nextStreamAvailableCheckTime");
            next.setAccessible(true);
            next.setLong(pgStream, Long.MAX_VALUE);
        } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
            LOG.debug("LISTEN keeps pgjdbc's 1 ms wait after each notification ({})", e.toString());
        }
    }
}
