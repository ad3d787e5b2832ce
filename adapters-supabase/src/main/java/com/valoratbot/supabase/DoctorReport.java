package com.valoratbot.supabase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link CommandAdmin#doctor()} found. {@link #lines()} is the human report; the fields are
 * for programs (and tests).
 *
 * @param database         where it connected, password masked
 * @param connectionError  why it could not connect (then most other fields are empty)
 * @param table            the command table's name and shape, when found
 * @param migrationVersion the latest applied migration of {@code valoratbot.flyway_schema_history}
 * @param oldestPending    age of the oldest pending command, by the database's clock
 */
public record DoctorReport(String database, boolean connected, Optional<String> connectionError, Optional<String> serverVersion,
                           String tableName, Optional<CommandTable> table, Optional<String> migrationVersion,
                           boolean transactionPooler, Listen listen, long pending, Optional<Duration> oldestPending,
                           long processing, List<Worker> liveWorkers) {

    public enum ListenStatus {
        /** A NOTIFY sent through the pool came back on a LISTEN connection. */
        WORKS,
        /** LISTEN was accepted but the notification did not arrive (a transaction pooler does that). */
        NO_NOTIFICATION,
        /** LISTEN failed. */
        FAILED,
        /** Not tried (no connection). */
        NOT_TRIED
    }

    public record Listen(ListenStatus status, String detail) {}

    public record Worker(String workerId, Optional<String> host, Optional<Long> pid, Instant startedAt, Duration heartbeatAge) {}

    /** Connected, table usable, and LISTEN works or is knowingly off (transaction pooler). */
    public boolean healthy() {
        return connected && table.isPresent() && table.get().missingColumns().isEmpty()
                && (listen.status() == ListenStatus.WORKS || transactionPooler);
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("database: " + database);
        if (!connected) {
            out.add("connection: FAILED " + connectionError.orElse(""));
            return out;
        }
        out.add("connection: ok, " + serverVersion.orElse("unknown version"));
        if (transactionPooler) out.add("pooler: transaction mode (port 6543): prepareThreshold=0, no LISTEN, polling");
        out.add("migrations: " + migrationVersion.map(v -> "version " + v).orElse("not applied (valoratbot schema missing)"));
        if (table.isEmpty()) {
            out.add("table: " + tableName + " NOT FOUND");
        } else {
            CommandTable t = table.get();
            Set<String> optional = t.optionalColumns();
            out.add("table: " + t.key() + " (id " + t.idType() + "; optional columns: " + (optional.isEmpty() ? "none" : String.join(", ", optional)) + ")");
            if (!t.missingColumns().isEmpty()) out.add("table: MISSING required columns " + String.join(", ", t.missingColumns()));
        }
        out.add("listen: " + listen.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + (listen.detail().isEmpty() ? "" : " (" + listen.detail() + ")"));
        out.add("pending: " + pending + oldestPending.map(a -> ", oldest " + a.toSeconds() + " s").orElse(""));
        out.add("processing: " + processing);
        out.add("live workers: " + liveWorkers.size());
        for (Worker w : liveWorkers) {
            out.add("  " + w.workerId() + w.host().map(h -> " on " + h).orElse("") + w.pid().map(p -> " pid " + p).orElse("")
                    + ", heartbeat " + w.heartbeatAge().toMillis() + " ms ago");
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), lines());
    }
}
