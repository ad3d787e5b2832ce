package com.valoratbot.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import com.valoratbot.supabase.Database;
import org.slf4j.Marker;

/**
 * Keeps a database outage (a restart, or the embedded PostgreSQL's owner stopping it under a worker
 * attached to it) out of the log as stack traces: db-scheduler's polling loops log each failed poll
 * at ERROR with the whole trace ("Unhandled exception. Will keep running.", several a second with
 * two schedulers), and Hikari logs each dead pooled connection with its trace and a misleading
 * "consider using a shorter maxLifetime". Both retry on their own; the worker's claim loop says once
 * that the database is away and once that it is back (CommandWorker), so these are dropped — only
 * for failures {@link Database#unavailable} calls an outage, so any other error of theirs still shows.
 *
 * <p>Installed by the worker's and the CLI's {@code logback.xml}; an embedding bot may add
 * {@code <turboFilter class="com.valoratbot.worker.DatabaseOutageLogFilter"/>} to its own.
 */
public final class DatabaseOutageLogFilter extends TurboFilter {

    private static final String DB_SCHEDULER = "com.github.kagkarlsson";
    private static final String HIKARI = "com.zaxxer.hikari";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || level == null || !level.isGreaterOrEqual(Level.WARN)) return FilterReply.NEUTRAL;
        String name = logger.getName();
        if (!name.startsWith(DB_SCHEDULER) && !name.startsWith(HIKARI)) return FilterReply.NEUTRAL;
        // SLF4J passes a trailing Throwable among the parameters (Hikari's style); logback extracts it later.
        Throwable failure = t != null
                ? t
                : params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last
                        ? last
                        : null;
        if (failure != null) return Database.unavailable(failure) ? FilterReply.DENY : FilterReply.NEUTRAL;
        // Hikari's check of an idle connection that died with the server: it opens a new one itself.
        return name.startsWith(HIKARI) && format != null && format.contains("Failed to validate connection")
                ? FilterReply.DENY
                : FilterReply.NEUTRAL;
    }
}
