package com.valoratbot.supabase;

import com.valoratbot.migrations.ValoratbotMigrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What an operator does with the command table by hand (the CLI): queue a command, look at one
 * or many, wait for a result, run one again, follow results as they come, and check the setup.
 */
public final class CommandAdmin {

    private final Database db;

    private CommandAdmin(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    public static CommandAdmin on(Database db) {
        return new CommandAdmin(db);
    }

    /**
     * Inserts a pending command, as the dashboard would.
     *
     * @param payloadJson JSON text, or null for no payload
     * @param requestedBy the requester's Discord id, or null
     * @return the new command's id
     * @throws IllegalArgumentException when the payload is not JSON, or a requester is given but
     *                                  the table has no {@code requested_by} column
     */
    public String enqueue(String guildId, String action, String payloadJson, String requestedBy) {
        Objects.requireNonNull(guildId, "guildId");
        Objects.requireNonNull(action, "action");
        CommandTable t = db.commandTable();
        if (requestedBy != null && !t.hasRequestedBy()) {
            throw new IllegalArgumentException("the table " + t.key() + " has no requested_by column");
        }
        List<String> columns = new ArrayList<>(List.of("guild_id", "action", "payload", "status"));
        List<String> values =
                new ArrayList<>(List.of(cast(t, "guild_id"), cast(t, "action"), cast(t, "payload"), "'pending'"));
        List<Object> binds = new ArrayList<>(List.of(guildId, action));
        binds.add(payloadJson);
        if (requestedBy != null) {
            columns.add("requested_by");
            values.add(cast(t, "requested_by"));
            binds.add(requestedBy);
        }
        addGenerated(t, columns, values);
        String sql = "INSERT INTO " + t.sqlName() + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", values) + ") RETURNING id::text";
        try {
            return db.dsl().fetchOne(sql, binds.toArray()).get(0, String.class);
        } catch (DataAccessException e) {
            if ("22P02".equals(e.sqlState()) || "22P05".equals(e.sqlState())) {
                throw new IllegalArgumentException("invalid value: " + Database.safeMessage(e), e);
            }
            throw e;
        }
    }

    /** The command with this id; empty when there is none (or the id cannot be one). */
    public Optional<CommandRow> find(String id) {
        Objects.requireNonNull(id, "id");
        CommandTable t = db.commandTable();
        try {
            return Jdbc.queryFirst(
                    db.dataSource(), select(t) + " WHERE id = " + t.idFromText("?"), CommandAdmin::rowOf, id);
        } catch (Jdbc.JdbcException e) {
            if (isBadId(e.sqlState())) return Optional.empty();
            throw e;
        }
    }

    /** At most this many ids are listed when a prefix is ambiguous. */
    public static final int MAX_CANDIDATES = 10;

    /**
     * The command an operator means by {@code text}: its full id, else the one command whose id
     * starts with it. The exact match comes first so a full id costs one index probe; a prefix
     * scans the ids as text (the table's id may be a uuid or a number), which is fine for an
     * operator's occasional look-up.
     */
    public IdLookup lookup(String text) {
        Objects.requireNonNull(text, "text");
        String wanted = text.strip();
        if (wanted.isEmpty()) return new IdLookup.NotFound(text);
        Optional<CommandRow> exact = find(wanted);
        if (exact.isPresent()) return new IdLookup.Found(exact.get());
        CommandTable t = db.commandTable();
        String order = t.hasCreatedAt() ? "created_at DESC NULLS LAST, id DESC" : "id DESC";
        // starts_with, not LIKE: a prefix holding % or _ is taken literally.
        List<CommandRow> rows = Jdbc.query(
                db.dataSource(),
                select(t) + " WHERE starts_with(lower(id::text), lower(?)) ORDER BY " + order + " LIMIT ?",
                CommandAdmin::rowOf,
                wanted,
                MAX_CANDIDATES + 1);
        return switch (rows.size()) {
            case 0 -> new IdLookup.NotFound(wanted);
            case 1 -> new IdLookup.Found(rows.getFirst());
            default ->
                new IdLookup.Ambiguous(
                        wanted,
                        rows.stream().limit(MAX_CANDIDATES).map(CommandRow::id).toList());
        };
    }

    /** Commands matching the filter, newest first. */
    public List<CommandRow> list(CommandFilter filter) {
        CommandTable t = db.commandTable();
        List<String> where = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        filter.status().ifPresent(s -> {
            where.add("status::text = ?");
            binds.add(s);
        });
        filter.guildId().ifPresent(g -> {
            where.add("guild_id::text = ?");
            binds.add(g);
        });
        filter.action().ifPresent(a -> {
            where.add("action::text = ?");
            binds.add(a);
        });
        String order = t.hasCreatedAt() ? "created_at DESC NULLS LAST, id DESC" : "id DESC";
        binds.add(filter.limit());
        String sql = select(t) + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY " + order
                + " LIMIT ?";
        return Jdbc.query(db.dataSource(), sql, CommandAdmin::rowOf, binds.toArray());
    }

    /**
     * Waits until the command is {@code done} or {@code error}: woken by the result notification
     * when LISTEN works, else by polling.
     *
     * @return the finished row, or empty when it did not finish in time
     * @throws NoSuchElementException when there is no such command
     */
    public Optional<CommandRow> awaitResult(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        WakeSignal signal = new WakeSignal();
        NotificationListener listener = db.settings().listenByDefault()
                ? new NotificationListener(
                                db,
                                PostgresQueue.RESULTS_CHANNEL,
                                payloads -> {
                                    for (String p : payloads) if (p != null && p.contains(id)) signal.wakeUp();
                                },
                                signal::wakeUp,
                                "polling")
                        .start()
                : null;
        try {
            while (true) {
                CommandRow row = find(id).orElseThrow(() -> new NoSuchElementException(
                        "no command " + id + " in " + db.commandTable().key()));
                if (row.finished()) return Optional.of(row);
                long left = deadline - System.nanoTime();
                if (left <= 0) return Optional.empty();
                Duration poll =
                        listener != null && listener.listening() ? Duration.ofSeconds(1) : Duration.ofMillis(200);
                signal.await(Duration.ofNanos(Math.min(left, poll.toNanos())));
            }
        } finally {
            if (listener != null) listener.close();
        }
    }

    /**
     * Queues a copy of a command (same guild, action, payload and requester) as a new pending one.
     *
     * @return the new command's id
     * @throws NoSuchElementException when there is no such command
     */
    public String replay(String id) {
        CommandTable t = db.commandTable();
        List<String> columns = new ArrayList<>(List.of("guild_id", "action", "payload", "status"));
        List<String> values = new ArrayList<>(List.of("guild_id", "action", "payload", "'pending'"));
        if (t.hasRequestedBy()) {
            columns.add("requested_by");
            values.add("requested_by");
        }
        addGenerated(t, columns, values);
        String sql = "INSERT INTO " + t.sqlName() + " (" + String.join(", ", columns) + ") SELECT "
                + String.join(", ", values) + " FROM " + t.sqlName() + " WHERE id = " + t.idFromText("?")
                + " RETURNING id::text";
        try {
            Record r = db.dsl().fetchOne(sql, id);
            if (r == null) throw new NoSuchElementException("no command " + id + " in " + t.key());
            return r.get(0, String.class);
        } catch (DataAccessException e) {
            if (isBadId(e.sqlState())) throw new NoSuchElementException("no command " + id + " in " + t.key());
            throw e;
        }
    }

    /** Follows commands as they finish, from now on. Close it when done. */
    public CompletedTail tail() {
        return new CompletedTail(db, db.commandTable());
    }

    /**
     * Checks the setup without throwing and without changing anything (no migrations, no rows):
     * connection and route, table, Supabase exposure, LISTEN, backlog and live workers.
     */
    public DoctorReport doctor() {
        DatabaseSettings s = db.settings();
        String name = s.qualifiedTable();
        String version;
        try {
            version = db.dsl().fetchOne("SELECT version()").get(0, String.class);
        } catch (RuntimeException e) {
            return new DoctorReport(
                    db.describe(),
                    false,
                    Optional.of(Database.safeMessage(e)),
                    Optional.empty(),
                    name,
                    Optional.empty(),
                    Optional.empty(),
                    new DoctorReport.Route(DoctorReport.RouteKind.UNKNOWN, ""),
                    new DoctorReport.Listen(DoctorReport.ListenStatus.NOT_TRIED, ""),
                    0,
                    Optional.empty(),
                    0,
                    List.of(),
                    Optional.empty(),
                    List.of());
        }
        Optional<CommandTable> table = CommandTable.inspect(db.dataSource(), s.commandSchema(), s.commandTable());
        // Two statements: a CASE around the subquery still makes PostgreSQL resolve the missing
        // table when the statement is parsed, so doctor would fail on a database never migrated.
        boolean migrated = db.dsl()
                .fetchOne("SELECT to_regclass('valoratbot.flyway_schema_history') IS NOT NULL")
                .get(0, Boolean.class);
        Optional<String> migration = !migrated
                ? Optional.empty()
                : Optional.ofNullable(db.dsl()
                        .fetchOne(
                                "SELECT max(version) FROM valoratbot.flyway_schema_history WHERE success AND version IS NOT NULL")
                        .get(0, String.class));
        long pending = 0;
        long processing = 0;
        Optional<Duration> oldest = Optional.empty();
        if (table.isPresent() && table.get().missingColumns().isEmpty()) {
            CommandTable t = table.get();
            Record r = db.dsl()
                    .fetchOne("SELECT count(*) FILTER (WHERE status = 'pending') AS pending,"
                            + " count(*) FILTER (WHERE status = 'processing') AS processing, "
                            + (t.hasCreatedAt()
                                    ? "(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')) * 1000)::bigint"
                                    : "NULL::bigint")
                            + " AS oldest_ms FROM " + t.sqlName() + " WHERE status IN ('pending', 'processing')");
            pending = r.get("pending", Long.class);
            processing = r.get("processing", Long.class);
            oldest = Optional.ofNullable(r.get("oldest_ms", Long.class)).map(Duration::ofMillis);
        }
        List<DoctorReport.Worker> workers = migration.isEmpty()
                ? List.of()
                : db.dsl()
                        .fetch("""
                SELECT worker_id, host, pid, started_at, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint AS age_ms
                FROM valoratbot.workers
                WHERE command_table = ? AND heartbeat_at > now() - make_interval(secs => ?)
                ORDER BY started_at""", name, (double) PostgresQueue.DEFAULT_LEASE.toSeconds())
                        .map(r -> new DoctorReport.Worker(
                                r.get("worker_id", String.class),
                                Optional.ofNullable(r.get("host", String.class)),
                                Optional.ofNullable(r.get("pid", Long.class)),
                                r.get("started_at", OffsetDateTime.class).toInstant(),
                                Duration.ofMillis(r.get("age_ms", Long.class))));
        DoctorReport.Listen listen = s.usesTransactionPooler()
                ? new DoctorReport.Listen(DoctorReport.ListenStatus.NOT_TRIED, "a transaction pooler cannot carry it")
                : tryListen();
        return new DoctorReport(
                db.describe(),
                true,
                Optional.empty(),
                Optional.of(version),
                name,
                table,
                migration,
                route(listen),
                listen,
                pending,
                oldest,
                processing,
                workers,
                table.map(t -> exposure(s)),
                table.isEmpty() ? List.of() : missingTriggers(s));
    }

    /** The repeatable migration's triggers the command table lacks (a table created again loses them). */
    private List<String> missingTriggers(DatabaseSettings s) {
        List<String> present = db.dsl()
                .fetch(
                        "SELECT tgname::text FROM pg_trigger WHERE tgrelid = to_regclass(format('%I.%I', CAST(? AS text), CAST(? AS text))) AND NOT tgisinternal",
                        s.commandSchema(), s.commandTable())
                .map(r -> r.get(0, String.class));
        return ValoratbotMigrations.COMMAND_TABLE_TRIGGERS.stream()
                .filter(name -> !present.contains(name))
                .toList();
    }

    /**
     * Direct or through a pooler, as far as a client can tell: a pooler configured as such, the
     * server listening on another port than the one we dial (PgBouncer 6432 → 5432), or Supabase's
     * pooler host. Whether notifications came back tells session mode from transaction mode.
     */
    private DoctorReport.Route route(DoctorReport.Listen listen) {
        DatabaseSettings s = db.settings();
        if (s.usesTransactionPooler()) {
            return new DoctorReport.Route(
                    DoctorReport.RouteKind.TRANSACTION_POOLER,
                    "port " + DatabaseSettings.TRANSACTION_POOLER_PORT + " or pgbouncer=true");
        }
        Optional<HostPort> dialled = s.jdbcUrl().flatMap(HostPort::of);
        if (dialled.isEmpty()) return new DoctorReport.Route(DoctorReport.RouteKind.DIRECT, "embedded");
        Integer serverPort = db.dsl().fetchOne("SELECT inet_server_port()").get(0, Integer.class);
        String detail;
        if (dialled.get().host().toLowerCase(java.util.Locale.ROOT).endsWith(".pooler.supabase.com")) {
            detail = "Supabase's pooler host on port " + dialled.get().port();
        } else if (serverPort != null && serverPort != dialled.get().port()) {
            detail = "connected to port " + dialled.get().port() + ", the server listens on " + serverPort;
        } else {
            return new DoctorReport.Route(
                    DoctorReport.RouteKind.DIRECT, "port " + dialled.get().port());
        }
        return new DoctorReport.Route(
                listen.status() == DoctorReport.ListenStatus.WORKS
                        ? DoctorReport.RouteKind.SESSION_POOLER
                        : DoctorReport.RouteKind.UNDECLARED_TRANSACTION_POOLER,
                detail);
    }

    /** The first host and port of a {@code jdbc:postgresql://host:port/db} URL. */
    record HostPort(String host, int port) {
        static Optional<HostPort> of(String jdbcUrl) {
            String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
            int end = rest.indexOf('/');
            String first = (end < 0 ? rest : rest.substring(0, end)).split(",")[0];
            int colon = first.lastIndexOf(':');
            boolean hasPort = colon > 0 && !first.endsWith("]");
            try {
                return Optional.of(new HostPort(
                        hasPort ? first.substring(0, colon) : first,
                        hasPort ? Integer.parseInt(first.substring(colon + 1)) : 5432));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * Row-level security and what Supabase's {@code anon}/{@code authenticated} roles may write.
     * A write needs the privilege and, under RLS, a permissive policy for that command that applies
     * to the role (or the role bypasses RLS); TRUNCATE ignores RLS altogether. Policy expressions are
     * not evaluated: a policy that exists counts as letting the role in.
     */
    private DoctorReport.Exposure exposure(DatabaseSettings s) {
        Record rls = db.dsl().fetchOne("""
                SELECT c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ?""", s.commandSchema(), s.commandTable());
        boolean rowLevelSecurity = rls != null && Boolean.TRUE.equals(rls.get(0, Boolean.class));
        List<DoctorReport.RoleAccess> roles = db.dsl()
                .fetch("""
                SELECT r.rolname AS role,
                       bool_or(CASE WHEN p.name = 'INSERT' THEN p.effective END) AS can_insert,
                       bool_or(CASE WHEN p.name = 'UPDATE' THEN p.effective END) AS can_update,
                       bool_or(CASE WHEN p.name = 'DELETE' THEN p.effective END) AS can_delete,
                       bool_or(CASE WHEN p.name = 'TRUNCATE' THEN p.effective END) AS can_truncate
                FROM pg_roles r
                CROSS JOIN (SELECT c.oid, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = ? AND c.relname = ?) t
                CROSS JOIN LATERAL (
                    SELECT v.name, has_table_privilege(r.oid, t.oid, v.name)
                           AND (v.cmd IS NULL OR NOT t.relrowsecurity OR r.rolbypassrls OR EXISTS (
                               SELECT 1 FROM pg_policy pol
                               WHERE pol.polrelid = t.oid AND pol.polpermissive AND pol.polcmd IN ('*', v.cmd)
                                 AND (0 = ANY (pol.polroles)
                                      OR EXISTS (SELECT 1 FROM unnest(pol.polroles) pr WHERE pg_has_role(r.oid, pr, 'MEMBER'))))) AS effective
                    FROM (VALUES ('INSERT', 'a'::"char"), ('UPDATE', 'w'::"char"), ('DELETE', 'd'::"char"), ('TRUNCATE', NULL::"char")) AS v(name, cmd)
                ) p
                WHERE r.rolname IN ('anon', 'authenticated')
                GROUP BY r.rolname ORDER BY r.rolname""", s.commandSchema(), s.commandTable())
                .map(r -> new DoctorReport.RoleAccess(
                        r.get("role", String.class),
                        r.get("can_insert", Boolean.class),
                        r.get("can_update", Boolean.class),
                        r.get("can_delete", Boolean.class),
                        r.get("can_truncate", Boolean.class)));
        return new DoctorReport.Exposure(rowLevelSecurity, roles);
    }

    /** LISTEN on a fresh connection, NOTIFY through the pool, and see whether it arrives. */
    private DoctorReport.Listen tryListen() {
        String channel = "valoratbot_doctor_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = db.newDedicatedConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("LISTEN " + channel);
            }
            long start = System.nanoTime();
            db.dsl().execute("SELECT pg_notify(?, 'ping')", channel);
            PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(3_000);
            if (got != null && got.length > 0) {
                return new DoctorReport.Listen(
                        DoctorReport.ListenStatus.WORKS,
                        "notification in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
            return new DoctorReport.Listen(
                    DoctorReport.ListenStatus.NO_NOTIFICATION, "no notification within 3 s; workers poll instead");
        } catch (SQLException | RuntimeException e) {
            return new DoctorReport.Listen(DoctorReport.ListenStatus.FAILED, Database.safeMessage(e));
        }
    }

    static String select(CommandTable t) {
        return select(t, "");
    }

    /** @param extraColumns more columns to read, each starting with ", " */
    static String select(CommandTable t, String extraColumns) {
        String changed = t.hasUpdatedAt()
                ? "CAST(updated_at AS timestamptz)"
                : t.hasPickedAt() ? "CAST(picked_at AS timestamptz)" : "NULL::timestamptz";
        return "SELECT id::text AS id, guild_id::text AS guild_id, action::text AS action, payload::text AS payload,"
                + " status::text AS status, result::text AS result, "
                + (t.hasRequestedBy() ? "requested_by::text" : "NULL::text") + " AS requested_by, "
                + (t.hasCreatedAt() ? "CAST(created_at AS timestamptz)" : "NULL::timestamptz") + " AS created_at, "
                + changed + " AS changed_at" + extraColumns + " FROM " + t.sqlName();
    }

    static CommandRow toRow(Record r) {
        return new CommandRow(
                r.get("id", String.class),
                r.get("guild_id", String.class),
                r.get("action", String.class),
                r.get("payload", String.class),
                r.get("status", String.class),
                r.get("result", String.class),
                Optional.ofNullable(r.get("requested_by", String.class)),
                instant(r.get("created_at", OffsetDateTime.class)),
                instant(r.get("changed_at", OffsetDateTime.class)));
    }

    /** {@link #toRow(Record)} from plain JDBC, for the read paths that skip jOOQ ({@link Jdbc}). */
    static CommandRow rowOf(java.sql.ResultSet r) throws SQLException {
        return new CommandRow(
                r.getString("id"),
                r.getString("guild_id"),
                r.getString("action"),
                r.getString("payload"),
                r.getString("status"),
                r.getString("result"),
                Optional.ofNullable(r.getString("requested_by")),
                instant(r.getObject("created_at", OffsetDateTime.class)),
                instant(r.getObject("changed_at", OffsetDateTime.class)));
    }

    private static Optional<Instant> instant(OffsetDateTime t) {
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
    }

    private static String cast(CommandTable t, String column) {
        return "CAST(? AS " + t.columnTypes().get(column) + ")";
    }

    /** Timestamps the table has, and an id when the table gives none by default. */
    private static void addGenerated(CommandTable t, List<String> columns, List<String> values) {
        if (t.hasCreatedAt()) {
            columns.add("created_at");
            values.add("now()");
        }
        if (t.hasUpdatedAt()) {
            columns.add("updated_at");
            values.add("now()");
        }
        if (!t.idHasDefault()) {
            columns.add("id");
            values.add(t.idFromText("gen_random_uuid()::text"));
        }
    }

    private static boolean isBadId(String state) {
        return "22P02".equals(state) || "22003".equals(state) || "22001".equals(state);
    }
}
