package com.valoratbot.supabase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link CommandAdmin#doctor()} found. {@link #lines()} is the human report, {@link #problems()}
 * what makes it fail (the CLI exits non-zero when there is any); the fields are for programs (and
 * tests).
 *
 * @param database         where it connected, password masked
 * @param connectionError  why it could not connect (then most other fields are empty)
 * @param table            the command table's name and shape, when found
 * @param migrationVersion the latest applied migration of {@code valoratbot.flyway_schema_history}
 * @param route            how the connection reaches PostgreSQL (direct, or which pooler mode)
 * @param oldestPending    age of the oldest pending command, by the database's clock
 * @param exposure         row-level security and what Supabase's API roles may write, when the table exists
 * @param missingTriggers  the project's triggers the command table lacks (empty when it has them all, or does not exist)
 */
public record DoctorReport(
        String database,
        boolean connected,
        Optional<String> connectionError,
        Optional<String> serverVersion,
        String tableName,
        Optional<CommandTable> table,
        Optional<String> migrationVersion,
        Route route,
        Listen listen,
        long pending,
        Optional<Duration> oldestPending,
        long processing,
        List<Worker> liveWorkers,
        Optional<Exposure> exposure,
        List<String> missingTriggers) {

    public DoctorReport {
        missingTriggers = List.copyOf(missingTriggers);
    }

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

    public record Worker(
            String workerId, Optional<String> host, Optional<Long> pid, Instant startedAt, Duration heartbeatAge) {}

    /** How the connection reaches PostgreSQL, as far as a client can tell. */
    public enum RouteKind {
        /** The server answers on the port we connect to, and no pooler is configured. */
        DIRECT,
        /** Configured as a transaction-mode pooler (port 6543 or {@code pgbouncer=true}). */
        TRANSACTION_POOLER,
        /** Something in between (the server listens on another port, or Supabase's pooler host) and LISTEN works: session mode. */
        SESSION_POOLER,
        /** Something in between that does not carry notifications: a transaction pooler not configured as one. */
        UNDECLARED_TRANSACTION_POOLER,
        /** Not connected. */
        UNKNOWN
    }

    /** @param detail what the guess rests on (ports, host) */
    public record Route(RouteKind kind, String detail) {}

    /** What one of Supabase's API roles may do to the command table, taking grants, RLS and policies together. */
    public record RoleAccess(String role, boolean insert, boolean update, boolean delete, boolean truncate) {
        public boolean canWrite() {
            return insert || update || delete || truncate;
        }

        List<String> writes() {
            List<String> w = new ArrayList<>();
            if (insert) w.add("INSERT");
            if (update) w.add("UPDATE");
            if (delete) w.add("DELETE");
            if (truncate) w.add("TRUNCATE");
            return w;
        }
    }

    /**
     * @param rowLevelSecurity whether RLS is enabled on the table
     * @param roles            Supabase's {@code anon} and {@code authenticated}, those that exist
     */
    public record Exposure(boolean rowLevelSecurity, List<RoleAccess> roles) {
        public Exposure {
            roles = List.copyOf(roles);
        }

        public boolean exposed() {
            return roles.stream().anyMatch(RoleAccess::canWrite);
        }
    }

    /** Nothing in {@link #problems()}. */
    public boolean healthy() {
        return problems().isEmpty();
    }

    /**
     * What stops the worker from doing its job, or lets someone else do it: no connection, no
     * usable table, no live worker, LISTEN broken where it should work, the table writable through
     * Supabase's API. Each names its fix.
     */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (!connected) {
            p.add("cannot connect: " + connectionError.orElse("unknown error"));
            return p;
        }
        if (table.isEmpty())
            p.add("the command table " + tableName + " does not exist: run `valoratbot migrate` or start a worker");
        table.filter(t -> !t.missingColumns().isEmpty())
                .ifPresent(t ->
                        p.add("the command table lacks required columns " + String.join(", ", t.missingColumns())));
        if (table.isPresent() && !missingTriggers.isEmpty())
            p.add("the command table lacks the triggers " + String.join(", ", missingTriggers)
                    + " (was it dropped and created again?): new rows wake no worker and join no line;"
                    + " restart a worker or run `valoratbot migrate` to add them back");
        if (liveWorkers.isEmpty()) p.add("no worker has renewed its heartbeat recently: start one (valoratbot worker)");
        boolean listenExpected = route.kind() != RouteKind.TRANSACTION_POOLER;
        if (listenExpected && listen.status() != ListenStatus.WORKS) {
            p.add(
                    route.kind() == RouteKind.UNDECLARED_TRANSACTION_POOLER
                            ? "notifications do not arrive through this pooler: add ?pgbouncer=true to DATABASE_URL (or connect in session mode)"
                            : "LISTEN does not work here (" + listen.detail()
                                    + "): workers fall back to polling; set VALORATBOT_DB_LISTEN=false to say so");
        }
        exposure.filter(Exposure::exposed).ifPresent(e -> {
            for (RoleAccess r : e.roles()) {
                if (r.canWrite()) {
                    p.add(
                            "Supabase's " + r.role() + " role can " + String.join("/", r.writes()) + " on " + tableName
                                    + ": anyone with the project's public key can run bot commands; apply the policies in docs/supabase.md");
                }
            }
        });
        return p;
    }

    /** Worth knowing, not failing: a table that cannot name who asked. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        table.filter(t -> t.missingColumns().isEmpty() && !t.hasRequestedBy())
                .ifPresent(t -> w.add(
                        "the command table has no requested_by column: rows cannot name a requester, so no member's permissions are checked"
                                + " (docs/supabase.md shows how the dashboard can fill it)"));
        return w;
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("database: " + database);
        if (!connected) {
            out.add("connection: FAILED " + connectionError.orElse(""));
            out.add("verdict: UNHEALTHY");
            return out;
        }
        out.add("connection: ok, " + serverVersion.orElse("unknown version"));
        out.add("route: "
                + switch (route.kind()) {
                    case DIRECT -> "direct to PostgreSQL";
                    case TRANSACTION_POOLER -> "transaction-mode pooler: prepareThreshold=0, no LISTEN, polling";
                    case SESSION_POOLER -> "session-mode pooler: LISTEN works";
                    case UNDECLARED_TRANSACTION_POOLER -> "a pooler that drops notifications (transaction mode?)";
                    case UNKNOWN -> "unknown";
                }
                + (route.detail().isEmpty() ? "" : " (" + route.detail() + ")"));
        out.add("migrations: "
                + migrationVersion.map(v -> "version " + v).orElse("not applied (valoratbot schema missing)"));
        if (table.isEmpty()) {
            out.add("table: " + tableName + " NOT FOUND");
        } else {
            CommandTable t = table.get();
            Set<String> optional = t.optionalColumns();
            out.add("table: " + t.key() + " (id " + t.idType() + "; optional columns: "
                    + (optional.isEmpty() ? "none" : String.join(", ", optional)) + ")");
            if (!t.missingColumns().isEmpty())
                out.add("table: MISSING required columns " + String.join(", ", t.missingColumns()));
            out.add("requester: "
                    + (t.hasRequestedBy() ? "requested_by column present" : "none (no requested_by column)"));
        }
        exposure.ifPresent(e -> {
            out.add("row-level security: " + (e.rowLevelSecurity() ? "on" : "off"));
            if (e.roles().isEmpty()) out.add("supabase roles: anon/authenticated not found (not a Supabase database)");
            for (RoleAccess r : e.roles()) {
                out.add("supabase role " + r.role() + ": "
                        + (r.canWrite() ? "CAN " + String.join(", ", r.writes()) : "cannot insert, update or delete"));
            }
        });
        out.add("listen: " + listen.status().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (listen.detail().isEmpty() ? "" : " (" + listen.detail() + ")"));
        out.add("pending: " + pending
                + oldestPending.map(a -> ", oldest " + a.toSeconds() + " s").orElse(""));
        out.add("processing: " + processing);
        out.add("live workers: " + liveWorkers.size());
        for (Worker w : liveWorkers) {
            out.add("  " + w.workerId() + w.host().map(h -> " on " + h).orElse("")
                    + w.pid().map(p -> " pid " + p).orElse("") + ", heartbeat "
                    + w.heartbeatAge().toMillis() + " ms ago");
        }
        warnings().forEach(w -> out.add("warning: " + w));
        List<String> problems = problems();
        problems.forEach(p -> out.add("problem: " + p));
        out.add("verdict: "
                + (problems.isEmpty()
                        ? "healthy"
                        : "UNHEALTHY (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ")"));
        return out;
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), lines());
    }
}
