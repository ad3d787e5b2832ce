package com.valoratbot.supabase;

import com.valoratbot.migrations.ValoratbotMigrations;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the database holding the command table: a Hikari pool, a jOOQ context over
 * it, and, without {@code DATABASE_URL}, the embedded PostgreSQL it runs ({@link EmbeddedDatabase}, from
 * the {@code embedded-database} module). Opening it runs the migrations unless the settings say not to.
 *
 * <p>Losing the database later does not break it: Hikari drops dead connections and opens new
 * ones when the server is back, and callers (the worker's runtime) retry with backoff.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    static {
        // jOOQ prints a banner and tips on first use; a worker's log has no room for them.
        if (System.getProperty("org.jooq.no-logo") == null) System.setProperty("org.jooq.no-logo", "true");
        if (System.getProperty("org.jooq.no-tips") == null) System.setProperty("org.jooq.no-tips", "true");
    }

    private final DatabaseSettings settings;
    /** The embedded server, started here or attached to; null with a URL. */
    private final EmbeddedDatabase.Server embedded;

    private final String jdbcUrl;
    private final Properties properties;
    private final DataSource pool;
    /** Closed with this database: the pool it made, or nothing for an embedder's DataSource (the embedder closes it). */
    private final AutoCloseable ownedPool;

    /**
     * Made on first use: jOOQ's first use initialises its whole type system, which the CLI's
     * {@code ls} and {@code show} (plain JDBC) do not need (a CLI call's 1 s, docs/benchmarks.md).
     */
    private volatile DSLContext dsl;

    private volatile CommandTable table;

    private Database(
            DatabaseSettings settings,
            EmbeddedDatabase.Server embedded,
            String jdbcUrl,
            Properties properties,
            HikariDataSource pool) {
        this(settings, embedded, jdbcUrl, properties, pool, pool);
    }

    private Database(
            DatabaseSettings settings,
            EmbeddedDatabase.Server embedded,
            String jdbcUrl,
            Properties properties,
            DataSource pool,
            AutoCloseable ownedPool) {
        this.ownedPool = ownedPool;
        this.settings = settings;
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.pool = pool;
    }

    /**
     * Starts the embedded PostgreSQL when no URL is set, builds the pool and runs the migrations
     * (unless {@link DatabaseSettings#migrate()} is false).
     *
     * @throws IllegalStateException when the database cannot be reached or migrated; the message
     *                               names the database without its password
     */
    public static Database open(DatabaseSettings settings) {
        return openOnce(Objects.requireNonNull(settings, "settings"));
    }

    /**
     * {@link #open}, but a database that refuses connections or is starting up or shutting down
     * (a restart) is waited for, up to {@link DatabaseSettings#startWait()}: what a worker does at
     * start-up. It logs once what it waits for, and once more when the database is back. The CLI
     * uses {@link #open}, which answers at once.
     */
    public static Database openWhenReachable(DatabaseSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (settings.embedded()) return openOnce(settings);
        long started = System.nanoTime();
        long until = started + settings.startWait().toNanos();
        boolean waiting = false;
        while (true) {
            try {
                Database db = openOnce(settings);
                if (waiting)
                    LOG.info(
                            "The database {} is back after {} s",
                            settings.describe(),
                            (System.nanoTime() - started) / 1_000_000_000L);
                return db;
            } catch (IllegalStateException e) {
                if (!unavailable(e) || System.nanoTime() - until > 0) {
                    if (waiting)
                        throw new IllegalStateException(
                                e.getMessage() + " (waited "
                                        + settings.startWait().toSeconds() + " s, VALORATBOT_DB_START_WAIT)",
                                e);
                    throw e;
                }
                if (!waiting) {
                    LOG.warn(
                            "Waiting for the database {}: {}; retrying every {} s for up to {} s (VALORATBOT_DB_START_WAIT)",
                            settings.describe(),
                            safeMessage(rootCause(e)),
                            START_RETRY.toSeconds(),
                            settings.startWait().toSeconds());
                    waiting = true;
                }
                try {
                    Thread.sleep(START_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * The command table on an embedder's own {@link DataSource}: only the settings' table, migrate
     * and listen choices are read (not its URL nor pool size). The migrations run unless
     * {@link DatabaseSettings#migrate()} is false. {@link #close()} leaves the DataSource open: its
     * owner closes it. LISTEN, when on, holds one of the DataSource's connections for good.
     *
     * @throws IllegalStateException when the table cannot be found or migrated
     */
    public static Database using(DataSource dataSource, DatabaseSettings settings) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(settings, "settings");
        try {
            DatabaseSettings resolved = CommandTableChoice.resolve(dataSource, settings);
            Database db = new Database(resolved, null, null, new Properties(), dataSource, () -> {});
            if (resolved.migrate()) db.migrate();
            LOG.info("Database ready: the embedder's DataSource, command table {}", resolved.qualifiedTable());
            return db;
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot use the given DataSource: " + safeMessage(e), e);
        }
    }

    private static final java.time.Duration START_RETRY = java.time.Duration.ofSeconds(1);

    /**
     * True when {@code failure} says the database is down or restarting, and worth waiting for:
     * connection refused, "the database system is starting up / shutting down", a connection cut,
     * or too many clients. False for what waiting does not mend (a wrong password, a missing
     * database, a bad table) and for a database that accepted the connection but never answered
     * (a timeout): that one fails at once, so a wrong address is reported within seconds.
     */
    public static boolean unavailable(Throwable failure) {
        boolean connectionProblem = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) return false;
            // pgjdbc's loginTimeout: the server took the connection but never finished the log-in.
            // (Hikari's "request timed out" only means the pool waited for such failures: not this.)
            String message = t.getMessage();
            if (message != null && message.startsWith("Connection attempt timed out")) return false;
            if (t instanceof java.net.ConnectException) connectionProblem = true;
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exceptions; 57P01-03: admin/crash shutdown, cannot connect now; 53300: too many
                // clients.
                if (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300"))
                    connectionProblem = true;
            }
        }
        return connectionProblem;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    private static Database openOnce(DatabaseSettings settings) {
        EmbeddedDatabase.Server embedded = null;
        String jdbcUrl;
        Properties properties = settings.connectionProperties();
        if (settings.embedded()) {
            EmbeddedDatabase provider = EmbeddedDatabase.find();
            Path dir = settings.dataDirectory().toAbsolutePath().normalize();
            settings.legacyDataDirectoryWarning().ifPresent(LOG::warn);
            // Only a process that may migrate creates a database: the CLI's read-only commands
            // must not leave an empty one behind (and then report "nothing there").
            embedded = provider.open(dir, settings.migrate());
            jdbcUrl = "jdbc:postgresql://localhost:" + embedded.port() + "/postgres";
            properties.setProperty("user", embedded.user());
            embedded.password().ifPresent(password -> properties.setProperty("password", password));
        } else {
            jdbcUrl = settings.jdbcUrl().orElseThrow();
        }
        HikariDataSource pool = null;
        try {
            if (!settings.embedded()) reachOnce(jdbcUrl, properties, settings.loginTimeoutSeconds());
            pool = pool(settings, jdbcUrl, properties);
            settings = CommandTableChoice.resolve(pool, settings);
            Database db = new Database(settings, embedded, jdbcUrl, properties, pool);
            if (settings.migrate()) db.migrate();
            LOG.info(
                    "Database ready: {}, command table {}{}",
                    db.describe(),
                    settings.qualifiedTable(),
                    switch (settings.pooler()) {
                        case TRANSACTION -> ", through a transaction pooler (prepareThreshold=0, no LISTEN: polling)";
                        case SESSION -> ", through a session pooler";
                        case NONE -> "";
                    });
            return db;
        } catch (RuntimeException e) {
            if (pool != null) pool.close();
            if (embedded != null) embedded.close();
            throw new IllegalStateException(
                    "cannot use the database " + settings.describe() + ": " + safeMessage(e), e);
        }
    }

    /**
     * One plain connection before the pool, bounded by a deadline of our own: pgjdbc's log-in
     * timeout did not bound it here (its SSL attempt and plain retry each wait for a socket read,
     * 11-15 s in all), and Hikari's fail-fast check retries a connection that times out. A database
     * that accepts TCP but never answers is reported within {@link DatabaseSettings#loginTimeoutSeconds()} (the URL's {@code loginTimeout=}, else 6 s).
     */
    private static void reachOnce(String jdbcUrl, Properties properties, int seconds) {
        java.util.concurrent.CompletableFuture<Void> attempt = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().name("valoratbot-db-probe").start(() -> {
            try (Connection probe = DriverManager.getConnection(jdbcUrl, properties)) {
                attempt.complete(null);
            } catch (SQLException | RuntimeException e) {
                attempt.completeExceptionally(e);
            }
        });
        try {
            attempt.get(seconds, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException silent) {
            // The thread is left to the driver's own timeouts; it holds nothing but that socket.
            throw new IllegalStateException(
                    "no answer within " + seconds
                            + " s although the connection was accepted (is this a PostgreSQL port? a firewall dropping packets?)",
                    new java.net.SocketTimeoutException("log-in timed out"));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting", e);
        }
    }

    private static HikariDataSource pool(DatabaseSettings settings, String jdbcUrl, Properties properties) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("valoratbot");
        config.setJdbcUrl(jdbcUrl);
        config.setDataSourceProperties(properties);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        // Fail a query fast when the database is down: the worker's runtime backs off and retries.
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setKeepaliveTime(60_000);
        config.setMaxLifetime(15 * 60_000);
        return new HikariDataSource(config);
    }

    /** Runs the migrations now (idempotent); {@link #open} already did unless told not to. */
    public void migrate() {
        int applied = ValoratbotMigrations.migrate(pool, settings.commandSchema(), settings.commandTable());
        if (applied > 0) LOG.info("Applied {} migrations (command table {})", applied, settings.qualifiedTable());
        table = null;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    public DataSource dataSource() {
        return pool;
    }

    public DSLContext dsl() {
        DSLContext d = dsl;
        if (d == null) {
            synchronized (this) {
                d = dsl;
                if (d == null) {
                    d = DSL.using(pool, SQLDialect.POSTGRES, new Settings().withExecuteLogging(false));
                    dsl = d;
                }
            }
        }
        return d;
    }

    /** Where this is connected, fit for logs (no password). */
    public String describe() {
        if (embedded != null) {
            return "embedded PostgreSQL on localhost:" + embedded.port()
                    + (embedded.owned() ? "" : ", started by another process") + " (data in "
                    + settings.dataDirectory().toAbsolutePath().normalize() + ")";
        }
        if (jdbcUrl == null) return "the embedder's DataSource";
        return settings.describe();
    }

    /** The embedded database's data directory, when this runs one. */
    public Optional<Path> embeddedDataDirectory() {
        return embedded == null || !embedded.owned()
                ? Optional.empty()
                : Optional.of(settings.dataDirectory().toAbsolutePath().normalize());
    }

    /**
     * The command table's shape as found in the catalog (which optional columns it has), looked up
     * once and cached.
     *
     * @throws IllegalStateException when the table is missing or lacks a required column
     */
    public CommandTable commandTable() {
        CommandTable t = table;
        if (t == null) {
            t = CommandTable.inspect(pool, settings.commandSchema(), settings.commandTable())
                    .orElseThrow(
                            () -> new IllegalStateException(
                                    "the command table " + settings.qualifiedTable()
                                            + " does not exist; create it with `valoratbot migrate` (a worker also creates it when it starts)"));
            t.requireUsable();
            table = t;
        }
        return t;
    }

    /**
     * Whether {@link #newDedicatedConnection} opens connections of its own; false on an embedder's
     * DataSource, where it takes one of the pool's for good.
     */
    public boolean opensDedicatedConnections() {
        return jdbcUrl != null;
    }

    /** A connection outside the pool (for LISTEN, which holds a connection for good). */
    Connection newDedicatedConnection() throws SQLException {
        if (jdbcUrl == null) return pool.getConnection(); // an embedder's DataSource: its own settings apply
        Properties p = new Properties();
        p.putAll(properties);
        // A silently dead connection (network cut) must fail a read instead of hanging forever.
        // Longer than getNotifications' 500 ms wait, shorter than the pool's bound.
        p.setProperty("socketTimeout", "30");
        p.setProperty("ApplicationName", "valoratbot-listen");
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /**
     * A small pool of its own (same database, same log-in) for work that must not wait behind the
     * main pool: shard lease renewals (issue 11), whose delay past a fifth of the lease fences every
     * shard of the process. Closed with this database. With an embedder's DataSource there is no URL
     * to open one from: that DataSource is returned (its owner sizes it).
     */
    public synchronized DataSource sidePool(String name, int size) {
        if (jdbcUrl == null) return pool;
        HikariConfig config = new HikariConfig();
        config.setPoolName("valoratbot-" + name);
        config.setJdbcUrl(jdbcUrl);
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("ApplicationName", "valoratbot-" + name);
        config.setDataSourceProperties(p);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        // A renewal is worth nothing after the fence: fail fast, the caller retries on its next round.
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setKeepaliveTime(60_000);
        config.setMaxLifetime(15 * 60_000);
        // Opened lazily: a pool that cannot connect yet must not fail the worker's start (the main
        // pool already reported the database reachable).
        config.setInitializationFailTimeout(-1);
        HikariDataSource side = new HikariDataSource(config);
        sidePools.add(side);
        return side;
    }

    private final java.util.List<HikariDataSource> sidePools = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void close() {
        for (HikariDataSource side : sidePools) side.close();
        try {
            ownedPool.close();
        } catch (Exception e) {
            LOG.warn("closing the connection pool failed: {}", e.toString());
        }
        if (embedded != null) embedded.close();
    }

    /** An exception's message with any URL password masked. */
    public static String safeMessage(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null && out.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !out.toString().contains(t.getMessage())) {
                if (!out.isEmpty()) out.append(": ");
                out.append(t.getMessage());
            }
        }
        return DatabaseSettings.mask(out.toString());
    }
}
