package com.valoratbot.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The PostgreSQL server a benchmark measures: an embedded one it starts itself (durable unless told
 * otherwise), or any server given by URL. Every system under test gets its own scratch database on
 * it ({@link #scratch}), dropped and created again, so a benchmark never touches a table it did not
 * make and systems never see each other's rows.
 *
 * <p>Durable means {@code fsync=on}, {@code synchronous_commit=on} and {@code full_page_writes=on},
 * PostgreSQL's defaults and what Supabase runs: the embedded database of tests (and zonky's
 * defaults: {@code -F}, {@code synchronous_commit=off}) skip the disk flush at commit, which makes
 * every commit cheaper than on a real server and the figures flattering.
 *
 * <p>Options (anywhere in a benchmark's arguments): {@code --db postgres://user:password@host:port/database}
 * (the database only serves to connect; scratch databases are created beside it, so the user needs
 * {@code CREATEDB}), {@code --no-fsync} (embedded only: fsync and synchronous_commit off, as tests run).
 */
final class BenchServer implements AutoCloseable {

    private final EmbeddedPostgres embedded;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String adminDatabase;
    private final String described;

    private BenchServer(
            EmbeddedPostgres embedded,
            String host,
            int port,
            String user,
            String password,
            String adminDatabase,
            String described) {
        this.embedded = embedded;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.adminDatabase = adminDatabase;
        this.described = described;
    }

    /** Reads {@code --db URL} and {@code --no-fsync} from {@code options}. */
    static BenchServer start(Options options) {
        return options.value("--db").map(BenchServer::external).orElseGet(() -> embedded(!options.flag("--no-fsync")));
    }

    static BenchServer embedded(boolean durable) {
        try {
            String onOff = durable ? "on" : "off";
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("valoratbot-bench-pg"))
                    .setCleanDataDirectory(true)
                    // zonky starts the server with -F (no fsync); these come after it on the command line and win.
                    .setServerConfig("fsync", onOff)
                    .setServerConfig("synchronous_commit", onOff)
                    .setServerConfig("full_page_writes", onOff)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return new BenchServer(
                    pg,
                    "127.0.0.1",
                    pg.getPort(),
                    "postgres",
                    null,
                    "postgres",
                    "embedded PostgreSQL started by the benchmark" + (durable ? "" : " (--no-fsync)"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /** {@code postgres://}, {@code postgresql://} or {@code jdbc:postgresql://} with user, password (percent-encoded), host, port and database. */
    static BenchServer external(String url) {
        String u = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri = URI.create(u.replaceFirst("^postgres(ql)?://", "postgresql://"));
        String user = "postgres";
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            if (parts.length > 1) password = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        }
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && kv[0].equals("user")) user = URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
                if (kv.length == 2 && kv[0].equals("password"))
                    password = URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        String db = uri.getPath() == null || uri.getPath().length() <= 1
                ? "postgres"
                : uri.getPath().substring(1);
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new BenchServer(
                null,
                uri.getHost(),
                port,
                user,
                password,
                db,
                "PostgreSQL at " + uri.getHost() + ":" + port + " (--db)");
    }

    /**
     * A scratch database's name on this server: prefixed with the database named by {@code --db}
     * unless that is {@code postgres}, so engineers sharing one server (each with their own database
     * to connect to, say {@code --db …/claim}) never drop each other's scratch databases.
     */
    String named(String base) {
        String prefix = adminDatabase.equals("postgres") ? "" : adminDatabase.toLowerCase(Locale.ROOT) + "_";
        return base.startsWith(prefix) ? base : prefix + base;
    }

    /** Drops and creates {@code name} (see {@link #named}) on this server; returns it for {@link #jdbcUrl}/{@link #libpqUrl}. */
    String scratch(String base) {
        String name = named(base);
        if (!name.matches("[a-z_][a-z0-9_]{0,62}"))
            throw new IllegalArgumentException("scratch database name: " + name);
        try (Connection c = connect(adminDatabase);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create the scratch database " + name + " on " + described + " (the user needs CREATEDB): "
                            + e.getMessage(),
                    e);
        }
    }

    void drop(String name) {
        try (Connection c = connect(adminDatabase);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("  could not drop " + name + ": " + e.getMessage());
        }
    }

    /** A JDBC URL with the credentials in it, for {@code DatabaseSettings} and child processes. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user=" + enc(user)
                + (password == null ? "" : "&password=" + enc(password));
    }

    /** The same as a libpq URL, for Node's pg and for {@code DATABASE_URL}. */
    String libpqUrl(String database) {
        return "postgres://" + enc(user) + (password == null ? "" : ":" + enc(password)) + "@" + host + ":" + port + "/"
                + database;
    }

    Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("ApplicationName", "valoratbot-bench");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, p);
    }

    /** What the figures depend on, printed with them: server, durability, memory, machine, date. */
    String settingsJson() {
        List<String> fields = new ArrayList<>();
        fields.add(q("target") + ":" + q(described));
        try (Connection c = connect(adminDatabase);
                Statement s = c.createStatement()) {
            for (String setting : List.of(
                    "server_version",
                    "fsync",
                    "synchronous_commit",
                    "full_page_writes",
                    "shared_buffers",
                    "wal_level",
                    "max_connections",
                    "jit")) {
                try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    rs.next();
                    fields.add(q(setting) + ":" + q(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server's settings: " + e.getMessage(), e);
        }
        fields.add(q("machineCores") + ":" + Runtime.getRuntime().availableProcessors());
        fields.add(q("machineMemoryMb") + ":" + totalMemoryMb());
        fields.add(q("java") + ":" + q(System.getProperty("java.version")));
        fields.add(q("date") + ":" + q(Instant.now().toString()));
        return "{\"settings\":{" + String.join(",", fields) + "}}";
    }

    private static long totalMemoryMb() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize()
                / (1024 * 1024);
    }

    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        if (embedded == null) return;
        try {
            embedded.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code --name value} and {@code --flag} options; the rest stays positional. */
    record Options(List<String> positional, java.util.Map<String, String> named) {

        static Options parse(String[] args) {
            List<String> positional = new ArrayList<>();
            java.util.Map<String, String> named = new java.util.HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--")) {
                    int eq = a.indexOf('=');
                    if (eq > 0) named.put(a.substring(0, eq), a.substring(eq + 1));
                    else if (i + 1 < args.length && !args[i + 1].startsWith("--") && VALUED.contains(a))
                        named.put(a, args[++i]);
                    else named.put(a, "");
                } else {
                    positional.add(a);
                }
            }
            return new Options(positional, named);
        }

        private static final java.util.Set<String> VALUED = java.util.Set.of(
                "--db",
                "--rounds",
                "--systems",
                "--rate",
                "--keys",
                "--jobs",
                "--drain-keys",
                "--drain-jobs",
                "--timeout",
                "--pickup-jobs",
                "--clients",
                "--seconds",
                "--unknown",
                "--flood-real",
                "--worker-heap");

        java.util.Optional<String> value(String name) {
            return java.util.Optional.ofNullable(named.get(name)).filter(v -> !v.isEmpty());
        }

        boolean flag(String name) {
            return named.containsKey(name);
        }

        int intValue(String name, int fallback) {
            return value(name)
                    .map(v -> Integer.parseInt(v.replace("_", "").replace(",", "")))
                    .orElse(fallback);
        }

        int positional(int i, int fallback) {
            return positional.size() > i ? Integer.parseInt(positional.get(i)) : fallback;
        }

        List<Integer> ints(String name, List<Integer> fallback) {
            return value(name)
                    .map(v -> java.util.Arrays.stream(v.split(","))
                            .map(String::strip)
                            .map(Integer::parseInt)
                            .toList())
                    .orElse(fallback);
        }
    }

    @Override
    public String toString() {
        return described.toLowerCase(Locale.ROOT);
    }
}
