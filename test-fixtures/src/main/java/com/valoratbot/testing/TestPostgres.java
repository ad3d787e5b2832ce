package com.valoratbot.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Real PostgreSQL for tests: ONE embedded server per JVM (zonky), and a fresh database per test
 * class so classes never see each other's rows.
 *
 * <pre>{@code
 * @RegisterExtension static final TestPostgres db = new TestPostgres();
 * ...
 * db.jdbcUrl();  db.dataSource();  db.execute("INSERT ...");  db.count("SELECT count(*) ...");
 * }</pre>
 *
 * Register it as a {@code static} field: the database lives for the class. The server can be
 * stopped and started again on the same port and data directory ({@link #stopServer()},
 * {@link #startServer()}), as a database restart. Not final: an adapter's tests extend it with
 * what is typed by that adapter (adapters-supabase's {@code TestDatabase} opens a migrated
 * {@code Database}), so the lifecycle exists once.
 */
public class TestPostgres implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static Path dataDirectory;
    private static int port;

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final List<String> extraDatabases = new ArrayList<>();
    private String name;

    /** The shared server, started on first use. */
    private static synchronized void ensureServer() {
        if (server != null) return;
        try {
            if (dataDirectory == null) {
                dataDirectory = Files.createTempDirectory("valoratbot-test-pg");
                Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::shutdown, "valoratbot-test-pg-stop"));
            }
            // Durability off: tests never survive a power cut, and fsync is most of a commit's cost.
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory.resolve("data"))
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
        }
    }

    /** The shared server's port (starts it if needed). */
    public static synchronized int port() {
        ensureServer();
        return port;
    }

    /** Stops the server (fast shutdown: sessions are cut, as in a crash of the database). */
    public static synchronized void stopServer() {
        if (server == null) return;
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = null;
    }

    /** Starts it again on the same port with the same data. */
    public static synchronized void startServer() {
        ensureServer();
    }

    private static synchronized void shutdown() {
        stopServer();
        if (dataDirectory != null) {
            try (Stream<Path> files = Files.walk(dataDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temp files
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String base = context.getRequiredTestClass()
                .getSimpleName()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "");
        name = ("t" + DATABASES.incrementAndGet() + "_" + base);
        if (name.length() > 60) name = name.substring(0, 60);
        createDatabase(name);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                System.err.println("closing after tests: " + e);
            }
        }
        extraDatabases.add(name);
        for (String db : extraDatabases) {
            try (Connection c = adminConnection()) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("dropping test database " + db + ": " + e);
            }
        }
    }

    /** Another empty database for this class (dropped after it); returns its URL, without a user. */
    public String newDatabaseUrl() {
        String extra = name + "_" + (extraDatabases.size() + 1);
        createDatabase(extra);
        extraDatabases.add(extra);
        return "jdbc:postgresql://localhost:" + port() + "/" + extra;
    }

    /** Creates another empty database on the shared server. */
    public static void createDatabase(String name) {
        try (Connection c = adminConnection()) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database " + name, e);
        }
    }

    private static Connection adminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port() + "/postgres", "postgres", null);
    }

    /** This class's database name. */
    public String name() {
        return name;
    }

    /** This class's database, with its user: usable as DATABASE_URL as it is. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + name + "?user=postgres";
    }

    /** This class's database as a DataSource (no pool: a connection per call), for code that takes one. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl());
        return ds;
    }

    /** Closes it after the class (in reverse order of registration), before the database is dropped. */
    public <T extends AutoCloseable> T closeAfterAll(T resource) {
        toClose.push(resource);
        return resource;
    }

    /** A plain JDBC connection to this class's database, outside any pool. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", null);
    }

    /** Runs SQL on a fresh connection. */
    public void execute(String sql, Object... args) {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) st.setObject(i + 1, args[i]);
            st.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The rows of a query, each as a list of column values. */
    public List<List<Object>> query(String sql, Object... args) {
        return select(sql, args, (labels, values) -> values);
    }

    /** The rows of a query, each as column label to value, in column order. */
    public List<Map<String, Object>> rows(String sql, Object... args) {
        return select(sql, args, (labels, values) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) row.put(labels.get(i), values.get(i));
            return row;
        });
    }

    /** The single row of a query, as column label to value; fails unless there is exactly one. */
    public Map<String, Object> row(String sql, Object... args) {
        List<Map<String, Object>> all = rows(sql, args);
        if (all.size() != 1) throw new AssertionError("expected one row, got " + all.size() + " for " + sql);
        return all.getFirst();
    }

    private <R> List<R> select(String sql, Object[] args, BiFunction<List<String>, List<Object>, R> shape) {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) st.setObject(i + 1, args[i]);
            try (ResultSet rs = st.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                List<String> labels = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) labels.add(rs.getMetaData().getColumnLabel(i));
                List<R> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> values = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) values.add(rs.getObject(i));
                    rows.add(shape.apply(labels, values));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The single value of a query (count, id, ...). */
    public Object value(String sql, Object... args) {
        List<List<Object>> rows = query(sql, args);
        if (rows.size() != 1 || rows.get(0).size() != 1)
            throw new IllegalStateException("expected one value from " + sql + ", got " + rows);
        return rows.get(0).get(0);
    }

    public long count(String sql, Object... args) {
        return ((Number) value(sql, args)).longValue();
    }
}
