package com.valoratbot.embedded;

import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.EmbeddedDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL's life beside the worker: password authentication with a secret kept in
 * its data directory, durable settings, who owns the running server, and what to do with a server
 * whose owner died ({@code kill -9}).
 *
 * <p>Three files beside PostgreSQL's own in the data directory:
 * <ul>
 *   <li>{@value #SECRET_FILE}: the {@code postgres} role's password, owner-only (0600). Anyone who
 *       can read it could read the data directory anyway; nobody else can log in, unlike the
 *       {@code trust} authentication zonky sets up by default.</li>
 *   <li>{@value #OWNER_FILE}: the pid of the process that started the server. A second process
 *       (the CLI, another worker) attaches to the server; when the owner is dead the server is an
 *       orphan, and the next process to open the directory stops it and starts it again as its own
 *       owner, on the same port so processes attached to it reconnect.</li>
 * </ul>
 *
 * <p>Found by {@code adapters-supabase}'s {@link Database} through {@link java.util.ServiceLoader}
 * when the settings name no {@code DATABASE_URL}; kept out of that module so the library's users do
 * not download PostgreSQL's binaries.
 */
public final class EmbeddedServer implements EmbeddedDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    static final String SECRET_FILE = "valoratbot-password";
    static final String OWNER_FILE = "valoratbot-owner.pid";
    static final String USER = "postgres";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** For {@link java.util.ServiceLoader}. */
    public EmbeddedServer() {}

    @Override
    public Server open(Path dataDirectory, boolean mayCreate) {
        return attachOrStart(dataDirectory, mayCreate);
    }

    /** A server this process started ({@code process} present), or one it attached to. */
    private record Running(Path dir, int port, Optional<String> password, Optional<EmbeddedPostgres> process)
            implements Server {

        @Override
        public String user() {
            return USER;
        }

        @Override
        public boolean owned() {
            return process.isPresent();
        }

        @Override
        public void close() {
            if (process.isEmpty()) return;
            try {
                process.get().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stopIfRunning(dir);
            released(dir);
        }
    }

    /**
     * Attaches to the live server on {@code dir}, or starts one (adopting an orphan first).
     *
     * @param mayCreate whether a data directory without a database may be initialised here
     */
    static Running attachOrStart(Path dir, boolean mayCreate) {
        Optional<RunningEmbeddedServer.Postmaster> live = RunningEmbeddedServer.find(dir);
        int port = 0;
        if (live.isPresent()) {
            Optional<Long> owner = owner(dir);
            if (owner.isEmpty()
                    || ProcessHandle.of(owner.get())
                            .filter(ProcessHandle::isAlive)
                            .isPresent()) {
                LOG.info(
                        "No DATABASE_URL: using the embedded PostgreSQL already running on localhost:{} (data in {})",
                        live.get().port(),
                        dir);
                // A server started by an older version has no secret yet (trust): connect without one.
                return new Running(
                        dir,
                        live.get().port(),
                        Files.exists(dir.resolve(SECRET_FILE)) ? Optional.of(readSecret(dir)) : Optional.empty(),
                        Optional.empty());
            }
            port = live.get().port();
            LOG.warn(
                    "The embedded PostgreSQL on localhost:{} (pid {}) outlived the process that started it (pid {}); stopping it and starting it again here",
                    port,
                    live.get().pid(),
                    owner.get());
            stopOrphan(dir, live.get());
        }
        boolean fresh = !Files.exists(dir.resolve("postgresql.conf"));
        if (fresh && !mayCreate) {
            throw new IllegalStateException(
                    "there is no embedded database in " + dir + " yet: start the worker"
                            + " (./valoratbot worker --sandbox) to create it, or point DATABASE_URL (or VALORATBOT_DATA_DIR) at yours");
        }
        return start(dir, fresh, port);
    }

    private static Running start(Path dir, boolean fresh, int port) {
        try {
            Files.createDirectories(dir.getParent());
            LOG.info(
                    "No DATABASE_URL: {} the embedded PostgreSQL with its data in {}",
                    fresh ? "creating" : "starting",
                    dir);
            Path pwfile = null;
            String secret;
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    // Its own JVM hook would stop PostgreSQL while a graceful shutdown is still writing
                    // outcomes; close() stops it last instead. A crashed owner leaves the server
                    // running: the next start adopts it (see open).
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "localhost")
                    // The data is meant to persist: zonky's test-friendly defaults turn durability off.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setPGStartupWait(Duration.ofSeconds(60));
            if (port > 0) builder.setPort(port);
            if (fresh) {
                String generated = newSecret();
                secret = generated;
                // initdb reads the password from a file; it may not sit in the (still empty) data
                // directory, so it waits beside it, owner-only, and moves in once initdb is done.
                pwfile = Files.createTempFile(
                        dir.getParent(),
                        ".valoratbot-initdb-",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.writeString(pwfile, generated + "\n", StandardCharsets.UTF_8);
                Path staged = pwfile;
                // zonky passes these as --name=value to initdb after its own "-A trust": the later
                // --auth wins, so the cluster is created with SCRAM for every connection.
                builder.setLocaleConfig("auth", "scram-sha-256")
                        .setLocaleConfig("pwfile", pwfile.toString())
                        .setDataDirectoryCustomizer(data -> writeSecret(data.toPath(), generated, staged));
            } else {
                secret = Files.exists(dir.resolve(SECRET_FILE)) ? readSecret(dir) : null;
            }
            if (secret != null) builder.setConnectConfig("password", secret);
            EmbeddedPostgres pg;
            try {
                pg = builder.start();
            } finally {
                if (pwfile != null) Files.deleteIfExists(pwfile);
            }
            writeOwner(dir);
            if (secret == null) secret = upgradeFromTrust(dir, pg.getPort());
            LOG.info("Embedded PostgreSQL listening on localhost:{}, data in {}", pg.getPort(), dir);
            return new Running(dir, pg.getPort(), Optional.of(secret), Optional.of(pg));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start the embedded PostgreSQL in " + dir
                            + " (is another worker using this directory? set VALORATBOT_DATA_DIR or DATABASE_URL): "
                            + Database.safeMessage(e),
                    e);
        }
    }

    /** The pid written by the process that started the running server, if any. */
    static Optional<Long> owner(Path dir) {
        try {
            return Optional.of(
                    Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void writeOwner(Path dir) throws IOException {
        Path tmp = dir.resolve(OWNER_FILE + ".tmp");
        Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()) + "\n", StandardCharsets.UTF_8);
        move(tmp, dir.resolve(OWNER_FILE));
    }

    /** Forgets ownership when this process stops the server it started. */
    static void released(Path dir) {
        if (owner(dir).filter(p -> p == ProcessHandle.current().pid()).isPresent()) {
            try {
                Files.deleteIfExists(dir.resolve(OWNER_FILE));
            } catch (IOException ignored) {
                // a stale owner file names a dead pid: the next start treats the server as stopped or orphaned
            }
        }
    }

    static String readSecret(Path dir) {
        Path file = dir.resolve(SECRET_FILE);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the embedded database's password in " + file
                            + " (it belongs to the user who created the data directory): " + e.getMessage(),
                    e);
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writeSecret(Path dataDir, String secret, Path staged) {
        try {
            Path target = dataDir.resolve(SECRET_FILE);
            Files.writeString(staged, secret + "\n", StandardCharsets.UTF_8);
            Files.copy(staged, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, OWNER_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the embedded database's password in " + dataDir, e);
        }
    }

    /**
     * A data directory made before passwords (trust for every local connection): give
     * {@code postgres} a generated password, keep it, and make every connection use SCRAM.
     */
    private static String upgradeFromTrust(Path dir, int port) throws IOException {
        String secret = newSecret();
        Path staged = Files.createTempFile(
                dir, ".valoratbot-secret-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            writeSecret(dir, secret, staged);
        } finally {
            Files.deleteIfExists(staged);
        }
        Properties p = new Properties();
        p.setProperty("user", USER);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", p);
                Statement st = c.createStatement()) {
            // The secret is base64url: no quote can end the literal.
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("ALTER ROLE " + USER + " PASSWORD '" + secret + "'");
            Path hba = dir.resolve("pg_hba.conf");
            List<String> lines = Files.readAllLines(hba).stream()
                    .map(l -> l.strip().startsWith("#") ? l : l.replaceAll("\\btrust\\s*$", "scram-sha-256"))
                    .toList();
            Files.write(hba, lines);
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException(
                    "cannot switch the embedded database to password authentication: " + e.getMessage(), e);
        }
        LOG.warn(
                "The embedded database in {} accepted any local connection without a password; it now requires the password kept in {}",
                dir,
                dir.resolve(SECRET_FILE));
        return secret;
    }

    /**
     * Stops a server whose owner is dead. SIGINT is PostgreSQL's "fast" shutdown (clients cut,
     * a clean checkpoint); {@code pg_ctl} would do the same but refuses to run as root, and SIGTERM
     * would wait for every attached client to leave. SIGKILL only as a last resort (PostgreSQL then
     * recovers from its WAL on the next start).
     */
    private static void stopOrphan(Path dir, RunningEmbeddedServer.Postmaster orphan) {
        if (!stop(orphan.pid(), Duration.ofSeconds(40))) {
            throw new IllegalStateException("the embedded PostgreSQL (pid " + orphan.pid() + ") in " + dir
                    + " outlived its worker and could not be stopped: stop it by hand (kill " + orphan.pid() + ")");
        }
    }

    /** Stops the server this process started if it is still running (zonky's pg_ctl cannot stop it as root). */
    static void stopIfRunning(Path dir) {
        RunningEmbeddedServer.find(dir).ifPresent(pm -> stop(pm.pid(), Duration.ofSeconds(30)));
    }

    private static boolean stop(long pid, Duration patience) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + patience.toNanos();
            while (running(pid)) {
                if (System.nanoTime() > deadline) {
                    LOG.warn(
                            "The embedded PostgreSQL (pid {}) did not stop within {} s; killing it (it recovers on its next start)",
                            pid,
                            patience.toSeconds());
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    Thread.sleep(1000);
                    return !running(pid);
                }
                Thread.sleep(100);
            }
            return true;
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Alive and not a zombie. The orphan is not our child: once stopped it may stay a zombie until
     * init reaps it (slowly, in some containers), and {@link ProcessHandle#isAlive()} counts zombies.
     */
    static boolean running(long pid) {
        if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException noProcFs) {
            return true; // no /proc (macOS): isAlive said so
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
