package com.valoratbot.supabase;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where the command table is and how to reach it. Validated when built, so a typo fails at
 * startup with a clear message rather than at the first query.
 *
 * <p>Without a URL the worker runs an embedded PostgreSQL whose data persists in
 * {@link #dataDirectory()} ({@link EmbeddedDatabase}, module {@code embedded-database}). A URL may be Supabase's {@code postgres://user:pass@host:port/db?sslmode=…}
 * (also {@code postgresql://}) or a {@code jdbc:postgresql://…} URL. Port 6543 (Supabase's
 * transaction-mode pooler, or {@code ?pgbouncer=true}) turns off server-side prepared statements
 * ({@code prepareThreshold=0}) and LISTEN, which such a pooler cannot carry; {@link Pooler} says so
 * explicitly for a pooler on another port ({@code VALORATBOT_POOLER}).
 *
 * <p>Every connection has connect, login and socket timeouts, so a database that accepts TCP but
 * never answers fails start-up within seconds, naming it, instead of hanging.
 *
 * <p>{@link #toString()} and {@link #describe()} never show the password.
 */
public final class DatabaseSettings {

    public static final String DEFAULT_SCHEMA = "public";
    public static final String DEFAULT_TABLE = "commands";
    /**
     * The default before it stopped depending on the current directory: still used, with a warning,
     * when a database is found there and none at the new default.
     */
    public static final Path LEGACY_DATA_DIRECTORY = Path.of(".valoratbot", "pgdata");

    public static final int DEFAULT_POOL_SIZE = 10;
    public static final int MAX_POOL_SIZE = 200;
    /** Supabase's transaction-mode pooler (Supavisor) port. */
    public static final int TRANSACTION_POOLER_PORT = 6543;
    /** How long start-up waits for a database that refuses connections or is starting up, by default. */
    public static final java.time.Duration DEFAULT_START_WAIT = java.time.Duration.ofMinutes(5);
    /**
     * pgjdbc's timeouts, in seconds. TCP connect and the log-in handshake are bounded so a database
     * that accepts connections but never answers fails start-up in well under 15 s; a read on an
     * established connection is bounded generously (migrations may build an index on a big table)
     * but still ends, so a silently dead connection cannot hang a claim or an outcome write forever.
     * A URL's own {@code connectTimeout=}, {@code loginTimeout=} or {@code socketTimeout=} wins.
     */
    static final int CONNECT_TIMEOUT_SECONDS = 5;

    static final int LOGIN_TIMEOUT_SECONDS = 6;
    static final int SOCKET_TIMEOUT_SECONDS = 120;

    /**
     * What sits between the worker and PostgreSQL. {@code TRANSACTION}: a transaction-mode pooler
     * (Supabase's port 6543, PgBouncer's {@code pool_mode=transaction}) hands each transaction to any
     * server connection, so no LISTEN and no server-side prepared statements. {@code SESSION}: a
     * session-mode pooler (Supabase's pooler on port 5432) keeps one server connection per client
     * connection, so both work. {@code NONE}: PostgreSQL itself.
     */
    public enum Pooler {
        NONE,
        SESSION,
        TRANSACTION;

        static Pooler parse(String v) {
            return switch (v.strip().toLowerCase(Locale.ROOT)) {
                case "none", "direct" -> NONE;
                case "session" -> SESSION;
                case "transaction" -> TRANSACTION;
                default ->
                    throw new IllegalArgumentException("expected transaction, session, none or auto, was '" + v + "'");
            };
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private final String url;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final boolean transactionPooler;
    private final Pooler pooler;
    private final java.time.Duration startWait;
    private final String commandSchema;
    private final String commandTable;
    private final Path dataDirectory;
    private final int poolSize;
    private final boolean migrate;
    private final Boolean listen;
    private final boolean tableConfigured;
    private final String legacyDataDirectoryWarning;
    private final ParsedUrl parsed;

    private DatabaseSettings(Builder b) {
        this.legacyDataDirectoryWarning = b.legacyDataDirectoryWarning;
        this.tableConfigured = b.tableConfigured;
        this.commandSchema = b.schema;
        this.commandTable = b.table;
        this.dataDirectory = b.dataDirectory;
        this.poolSize = b.poolSize;
        this.migrate = b.migrate;
        this.listen = b.listen;
        this.startWait = b.startWait;
        if (b.url == null) {
            this.url = null;
            this.jdbcUrl = null;
            this.user = b.user;
            this.password = b.password;
            this.transactionPooler = false;
            this.pooler = Pooler.NONE;
            this.parsed = null;
        } else {
            this.parsed = ParsedUrl.parse(b.url);
            this.url = b.url;
            this.jdbcUrl = parsed.jdbcUrl;
            this.user = b.user != null ? b.user : parsed.user;
            this.password = b.password != null ? b.password : parsed.password;
            // An explicit VALORATBOT_POOLER wins over what the port suggests.
            this.pooler = b.pooler != null ? b.pooler : parsed.transactionPooler ? Pooler.TRANSACTION : Pooler.NONE;
            this.transactionPooler = pooler == Pooler.TRANSACTION;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.user = user;
        b.password = password;
        b.schema = commandSchema;
        b.table = commandTable;
        b.dataDirectory = dataDirectory;
        b.poolSize = poolSize;
        b.migrate = migrate;
        b.listen = listen;
        b.tableConfigured = tableConfigured;
        b.legacyDataDirectoryWarning = legacyDataDirectoryWarning;
        b.pooler = url == null ? null : pooler;
        b.startWait = startWait;
        return b;
    }

    /**
     * {@code ~/.valoratbot/pgdata} from the JVM's {@code user.home}: the builder's default. This
     * adapter reads no environment variable; the worker's configuration (app-worker's
     * {@code DatabaseConfig}, the one place that reads them) picks the directory from
     * {@code VALORATBOT_DATA_DIR}, {@code XDG_DATA_HOME} or {@code HOME}.
     */
    public static Path homeDataDirectory() {
        return Path.of(System.getProperty("user.home"), ".valoratbot", "pgdata");
    }

    /** True when no URL is configured: the worker runs its own embedded PostgreSQL. */
    public boolean embedded() {
        return url == null;
    }

    /** The JDBC URL without credentials (they go as connection properties), when a URL is configured. */
    public Optional<String> jdbcUrl() {
        return Optional.ofNullable(jdbcUrl);
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password, for the connection only: never log it. */
    Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public boolean hasPassword() {
        return password != null;
    }

    /**
     * True for Supabase's transaction-mode pooler (port 6543, or {@code pgbouncer=true}): a
     * connection may change server session between transactions, so prepared statements are off
     * and LISTEN is not used (the worker polls).
     */
    public boolean usesTransactionPooler() {
        return transactionPooler;
    }

    /** The pooler in front of PostgreSQL: as set by {@code VALORATBOT_POOLER}, else guessed from the URL. */
    public Pooler pooler() {
        return pooler;
    }

    /**
     * How long start-up waits for a database that refuses connections or says it is starting up or
     * shutting down (a restart) before giving up; zero gives up at once. A database that accepts
     * connections but never answers is not waited for: that is a wrong address, not a restart.
     */
    public java.time.Duration startWait() {
        return startWait;
    }

    public String commandSchema() {
        return commandSchema;
    }

    public String commandTable() {
        return commandTable;
    }

    /** Whether a table was configured; without one, {@link Database#open} picks {@code command_queue} or {@code commands}. */
    public boolean tableConfigured() {
        return tableConfigured;
    }

    /** {@code schema.table}, unquoted: how logs and the claims table name the command table. */
    public String qualifiedTable() {
        return commandSchema + "." + commandTable;
    }

    /** A warning to log once when the data directory is the old, current-directory default. */
    public Optional<String> legacyDataDirectoryWarning() {
        return Optional.ofNullable(legacyDataDirectoryWarning);
    }

    /** Where the embedded PostgreSQL keeps its data (used only without a URL). */
    public Path dataDirectory() {
        return dataDirectory;
    }

    public int poolSize() {
        return poolSize;
    }

    /** Whether {@link Database#open} runs the migrations (default true). */
    public boolean migrate() {
        return migrate;
    }

    /** LISTEN for wake-ups: empty means automatic (on, except through a transaction pooler). */
    public Optional<Boolean> listen() {
        return Optional.ofNullable(listen);
    }

    /** Whether a queue listens by default: as configured, else everywhere but a transaction pooler. */
    public boolean listenByDefault() {
        return listen != null ? listen : !transactionPooler;
    }

    /**
     * Driver properties: credentials, what a pooler needs, and our timeouts where the URL sets none
     * (a timeout the URL sets stays in the URL, where pgjdbc reads it).
     */
    Properties connectionProperties() {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("ApplicationName", "valoratbot");
        p.setProperty("tcpKeepAlive", "true");
        if (urlTimeout(ParsedUrl::connectTimeout).isEmpty())
            p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        if (urlTimeout(ParsedUrl::loginTimeout).isEmpty())
            p.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
        if (urlTimeout(ParsedUrl::socketTimeout).isEmpty())
            p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        if (transactionPooler) p.setProperty("prepareThreshold", "0");
        return p;
    }

    /**
     * How long the log-in may take, in seconds: the URL's {@code loginTimeout=} (pgjdbc lets it win)
     * or ours. The one place that decides it, for both the driver and start-up's own deadline. pgjdbc
     * reads 0 as "no limit"; a start-up deadline still needs a bound, so 0 becomes a day.
     */
    int loginTimeoutSeconds() {
        int seconds = urlTimeout(ParsedUrl::loginTimeout).orElse(LOGIN_TIMEOUT_SECONDS);
        return seconds > 0 ? seconds : 86_400;
    }

    private OptionalInt urlTimeout(java.util.function.Function<ParsedUrl, OptionalInt> which) {
        return parsed == null ? OptionalInt.empty() : which.apply(parsed);
    }

    /** The URL as configured with its password masked, or the embedded database's directory. */
    public String describe() {
        if (url == null)
            return "embedded PostgreSQL (data in "
                    + dataDirectory.toAbsolutePath().normalize() + ")";
        return mask(url);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + describe()
                + (user != null ? ", user=" + user : "")
                + (password != null ? ", password=***" : "")
                + ", table=" + qualifiedTable()
                + ", pool=" + poolSize
                + switch (pooler) {
                    case TRANSACTION -> ", transaction pooler (prepareThreshold=0, no LISTEN)";
                    case SESSION -> ", session pooler";
                    case NONE -> "";
                }
                + ", migrate=" + migrate
                + ", listen=" + (listen == null ? "auto" : listen)
                + "]";
    }

    private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)([?&;](?:password|sslpassword)=)[^&;]*");

    /** A URL fit for logs: the userinfo password and any {@code password=} parameter become {@code ***}. */
    public static String mask(String url) {
        if (url == null) return null;
        String s = url;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            // Like parsing: a password may hold an unencoded '@', so the userinfo ends at the last '@'.
            int at = s.lastIndexOf('@');
            if (at > scheme) {
                String userinfo = s.substring(scheme + 3, at);
                int colon = userinfo.indexOf(':');
                if (colon >= 0)
                    s = s.substring(0, scheme + 3) + userinfo.substring(0, colon) + ":***" + s.substring(at);
            }
        }
        return QUERY_PASSWORD.matcher(s).replaceAll("$1***");
    }

    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private String schema = DEFAULT_SCHEMA;
        private String table = DEFAULT_TABLE;
        private Path dataDirectory = homeDataDirectory();
        private int poolSize = DEFAULT_POOL_SIZE;
        private boolean migrate = true;
        private Boolean listen;
        private boolean tableConfigured;
        private String legacyDataDirectoryWarning;
        private Pooler pooler;
        private java.time.Duration startWait = DEFAULT_START_WAIT;

        private Builder() {}

        /** {@code postgres://…}, {@code postgresql://…} or {@code jdbc:postgresql://…}; null for the embedded database. */
        public Builder url(String v) {
            url = v == null || v.isBlank() ? null : v.strip();
            return this;
        }

        /** Overrides the URL's user. */
        public Builder user(String v) {
            user = v == null || v.isEmpty() ? null : v;
            return this;
        }

        /** Overrides the URL's password. */
        public Builder password(String v) {
            password = v == null || v.isEmpty() ? null : v;
            return this;
        }

        /** {@code table} or {@code schema.table}. */
        public Builder table(String v) {
            Objects.requireNonNull(v, "table");
            String t = v.strip();
            tableConfigured = true;
            int dot = t.indexOf('.');
            if (dot >= 0) {
                schema = identifier("schema", t.substring(0, dot));
                table = identifier("table", t.substring(dot + 1));
            } else {
                table = identifier("table", t);
            }
            return this;
        }

        public Builder schema(String v) {
            schema = identifier("schema", Objects.requireNonNull(v, "schema").strip());
            return this;
        }

        public Builder dataDirectory(Path v) {
            dataDirectory = Objects.requireNonNull(v, "dataDirectory");
            legacyDataDirectoryWarning = null;
            return this;
        }

        /**
         * The embedded database's usual directory {@code standard}, unless only the old default
         * ({@link #LEGACY_DATA_DIRECTORY}, relative to the current directory) holds a database: then
         * that one, with a warning saying how to move it ({@link DatabaseSettings#legacyDataDirectoryWarning()}).
         */
        public Builder standardDataDirectory(Path standard) {
            dataDirectory(standard);
            Path legacy = LEGACY_DATA_DIRECTORY.toAbsolutePath().normalize();
            if (java.nio.file.Files.exists(legacy.resolve("PG_VERSION"))
                    && !java.nio.file.Files.exists(standard.resolve("PG_VERSION"))) {
                dataDirectory = legacy;
                legacyDataDirectoryWarning =
                        "Using the embedded database in " + legacy + " (the old default, relative to the current"
                                + " directory). Move it to " + standard
                                + " (stop the worker first) or set VALORATBOT_DATA_DIR=" + legacy
                                + ", so every directory you run valoratbot from finds the same database.";
            }
            return this;
        }

        /** {@code none}/{@code direct}, {@code session}, {@code transaction} or {@code auto} (see {@link Pooler}). */
        public Builder pooler(String v) {
            if (v.strip().equalsIgnoreCase("auto")) return poolerAuto();
            return pooler(Pooler.parse(v));
        }

        public Builder poolSize(int v) {
            if (v < 1 || v > MAX_POOL_SIZE)
                throw new IllegalArgumentException("pool size must be between 1 and " + MAX_POOL_SIZE + ", was " + v);
            poolSize = v;
            return this;
        }

        public Builder migrate(boolean v) {
            migrate = v;
            return this;
        }

        public Builder listen(boolean v) {
            listen = v;
            return this;
        }

        public Builder listenAuto() {
            listen = null;
            return this;
        }

        /** Says what pooler the URL leads to, whatever its port (see {@link Pooler}). */
        public Builder pooler(Pooler v) {
            pooler = Objects.requireNonNull(v, "pooler");
            return this;
        }

        /** Guess the pooler from the URL: port 6543 or {@code pgbouncer=true} is a transaction pooler. */
        public Builder poolerAuto() {
            pooler = null;
            return this;
        }

        /** How long start-up waits for a database that refuses connections (a restart); zero: not at all. */
        public Builder startWait(java.time.Duration v) {
            if (v == null || v.isNegative())
                throw new IllegalArgumentException("the start-up wait must be zero or more, was " + v);
            startWait = v;
            return this;
        }

        /** @throws IllegalArgumentException when the URL cannot be used; the message never holds the password */
        public DatabaseSettings build() {
            if (url != null) ParsedUrl.parse(url); // validates early
            return new DatabaseSettings(this);
        }

        private static String identifier(String what, String v) {
            if (!IDENTIFIER.matcher(v).matches()) {
                throw new IllegalArgumentException(
                        what + " must be a plain SQL identifier (letters, digits, _; at most 63), was '" + v + "'");
            }
            return v;
        }
    }

    /**
     * A URL taken apart: credentials out of the URL, the rest as a JDBC URL, and the pgjdbc timeouts
     * the URL sets itself (seconds, as pgjdbc reads them; empty when the URL leaves them to us).
     */
    record ParsedUrl(
            String jdbcUrl,
            String user,
            String password,
            boolean transactionPooler,
            OptionalInt connectTimeout,
            OptionalInt loginTimeout,
            OptionalInt socketTimeout) {

        static ParsedUrl parse(String url) {
            String lower = url.toLowerCase(Locale.ROOT);
            String rest;
            if (lower.startsWith("postgres://")) rest = url.substring("postgres://".length());
            else if (lower.startsWith("postgresql://")) rest = url.substring("postgresql://".length());
            else if (lower.startsWith("jdbc:postgresql://")) rest = url.substring("jdbc:postgresql://".length());
            else
                throw new IllegalArgumentException(
                        "expected postgres://user:password@host:port/database or jdbc:postgresql://…, was '" + mask(url)
                                + "'");

            String user = null;
            String password = null;
            // A password may hold an unencoded '@', '/' or '?': the userinfo ends at the last '@'.
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                String userinfo = rest.substring(0, at);
                rest = rest.substring(at + 1);
                int colon = userinfo.indexOf(':');
                user = decode(colon < 0 ? userinfo : userinfo.substring(0, colon));
                password = colon < 0 ? null : decode(userinfo.substring(colon + 1));
                if (user.isEmpty()) user = null;
                if (password != null && password.isEmpty()) password = null;
            }
            int query = rest.indexOf('?');
            String hostAndPath = query < 0 ? rest : rest.substring(0, query);
            String queryString = query < 0 ? "" : rest.substring(query + 1);
            int slash = hostAndPath.indexOf('/');
            String hosts = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
            String database = slash < 0 ? "" : hostAndPath.substring(slash + 1);
            if (hosts.isEmpty()) throw new IllegalArgumentException("no host in '" + mask(url) + "'");
            int port = firstPort(hosts, url);

            List<String> kept = new ArrayList<>();
            boolean pgbouncer = false;
            OptionalInt connectTimeout = OptionalInt.empty();
            OptionalInt loginTimeout = OptionalInt.empty();
            OptionalInt socketTimeout = OptionalInt.empty();
            for (String pair : queryString.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "user" -> {
                        if (user == null) user = value;
                    }
                    case "password" -> {
                        if (password == null) password = value;
                    }
                    case "pgbouncer" -> pgbouncer = value.isEmpty() || value.equalsIgnoreCase("true");
                    // Kept in the URL (pgjdbc reads them there, over our properties) and read here too,
                    // so start-up's own log-in deadline and the defaults we add agree with the URL.
                    case "connecttimeout" -> {
                        connectTimeout = seconds(key, value, url);
                        kept.add(pair);
                    }
                    case "logintimeout" -> {
                        loginTimeout = seconds(key, value, url);
                        kept.add(pair);
                    }
                    case "sockettimeout" -> {
                        socketTimeout = seconds(key, value, url);
                        kept.add(pair);
                    }
                    default -> kept.add(pair);
                }
            }
            boolean pooler = pgbouncer || port == TRANSACTION_POOLER_PORT;
            String jdbc = "jdbc:postgresql://" + hosts + "/" + database
                    + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
            return new ParsedUrl(jdbc, user, password, pooler, connectTimeout, loginTimeout, socketTimeout);
        }

        /** A timeout as pgjdbc takes it: whole seconds, 0 meaning none. Anything else is refused now, not at the first connection. */
        private static OptionalInt seconds(String key, String value, String url) {
            try {
                int v = Integer.parseInt(value.strip());
                if (v < 0) throw new NumberFormatException();
                return OptionalInt.of(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number of seconds (0: none), was '" + value
                        + "' in '" + mask(url) + "'");
            }
        }

        private static int firstPort(String hosts, String url) {
            String first = hosts.split(",")[0];
            String portText = null;
            if (first.startsWith("[")) {
                int close = first.indexOf(']');
                if (close < 0) throw new IllegalArgumentException("unclosed IPv6 address in '" + mask(url) + "'");
                if (first.length() > close + 1 && first.charAt(close + 1) == ':') portText = first.substring(close + 2);
            } else {
                int colon = first.lastIndexOf(':');
                if (colon >= 0) portText = first.substring(colon + 1);
                if (colon == 0) throw new IllegalArgumentException("no host in '" + mask(url) + "'");
            }
            if (portText == null || portText.isEmpty()) return 5432;
            try {
                int port = Integer.parseInt(portText);
                if (port < 1 || port > 65535) throw new NumberFormatException();
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid port '" + portText + "' in '" + mask(url) + "'");
            }
        }

        /** Percent-decoding as in a URL's userinfo: '+' stays '+', a stray '%' stays as it is. */
        static String decode(String s) {
            if (s.indexOf('%') < 0) return s;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                    out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                    i += 2;
                } else {
                    out.write(bytes[i]);
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        private static int hex(byte b) {
            if (b >= '0' && b <= '9') return b - '0';
            if (b >= 'a' && b <= 'f') return b - 'a' + 10;
            if (b >= 'A' && b <= 'F') return b - 'A' + 10;
            return -1;
        }
    }
}
