package com.valoratbot.supabase;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PgBouncer (Debian's package) in front of the tests' PostgreSQL, as Supabase's poolers are:
 * {@code transaction} mode like port 6543, {@code session} mode like the pooler's port 5432. Started
 * on a free loopback port with its own configuration and an auth file (md5, so the client really
 * logs in with a password); stopped on close.
 *
 * <p>Tests skip (a JUnit assumption saying why) only when the binary is missing and {@code CI} is
 * not set: {@code .ci/run} installs it, so in CI a missing binary fails.
 */
public final class PgBouncer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "bouncer-pw";
    private static final List<Path> CANDIDATES =
            List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"), Path.of("/usr/local/bin/pgbouncer"));

    private final Process process;
    private final int port;
    private final Path directory;
    private final String mode;

    private PgBouncer(Process process, int port, Path directory, String mode) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.mode = mode;
    }

    /** The binary, or a skipped test outside CI; in CI (CI set) a missing binary is a failure. */
    public static Path binary() {
        for (Path p : CANDIDATES) if (Files.isExecutable(p)) return p;
        String message = "pgbouncer is not installed (apt-get install pgbouncer; .ci/run does it)";
        if (System.getenv("CI") != null && !System.getenv("CI").isBlank())
            throw new IllegalStateException(message + " but CI is set: it must be present");
        Assumptions.assumeTrue(false, message + ": PgBouncer tests skipped");
        throw new AssertionError("unreachable");
    }

    /** Starts PgBouncer in {@code mode} ({@code transaction} or {@code session}) in front of {@code postgresPort}. */
    public static PgBouncer start(String mode, int postgresPort) {
        Path binary = binary();
        try {
            Path dir = Files.createTempDirectory("valoratbot-pgbouncer");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path users = dir.resolve("userlist.txt");
            Files.writeString(users, "\"" + USER + "\" \"" + PASSWORD + "\"\n", StandardCharsets.UTF_8);
            Path ini = dir.resolve("pgbouncer.ini");
            Files.writeString(
                    ini,
                    String.join(
                            "\n",
                            "[databases]",
                            // Any database name goes to the same-named database on the tests' server, logged
                            // in as postgres (the embedded server trusts loopback).
                            "* = host=127.0.0.1 port=" + postgresPort + " user=" + USER,
                            "[pgbouncer]",
                            "listen_addr = 127.0.0.1",
                            "listen_port = " + port,
                            "unix_socket_dir =",
                            "auth_type = md5",
                            "auth_file = " + users,
                            "pool_mode = " + mode,
                            "max_client_conn = 500",
                            "default_pool_size = 20",
                            // pgjdbc sends it at log-in; Supavisor accepts it, PgBouncer must be told to.
                            "ignore_startup_parameters = extra_float_digits",
                            ""),
                    StandardCharsets.UTF_8);
            // PgBouncer refuses to run as root; as root it is told to switch to nobody, who must
            // be able to read its files.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> command = new ArrayList<>(List.of(binary.toString()));
            if ("root".equals(System.getProperty("user.name"))) command.addAll(List.of("-u", "nobody"));
            command.add(ini.toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pgbouncer.log").toFile())
                    .start();
            PgBouncer bouncer = new PgBouncer(process, port, dir, mode.toLowerCase(Locale.ROOT));
            bouncer.awaitListening(Duration.ofSeconds(20));
            return bouncer;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start pgbouncer", e);
        }
    }

    private void awaitListening(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) throw new IllegalStateException("pgbouncer exited: " + log());
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("pgbouncer not listening on " + port + " after " + timeout + ": " + log());
    }

    public int port() {
        return port;
    }

    public String mode() {
        return mode;
    }

    /** {@code postgres://postgres:…@127.0.0.1:PORT/database}, Supabase's URL form, through this pooler. */
    public String url(String database) {
        return "postgres://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + database;
    }

    public String log() {
        try {
            return Files.readString(directory.resolve("pgbouncer.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
