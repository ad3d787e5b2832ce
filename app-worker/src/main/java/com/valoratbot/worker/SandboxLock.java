package com.valoratbot.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One sandbox worker per data directory. The stand-in's fixed port and the embedded database's
 * directory cannot be shared, and a second worker used to fail deep in start-up ("could not start on
 * port 8099", or zonky's "could not lock epg-lock" when two started together). An OS file lock,
 * taken before anything starts, decides atomically; the holder writes its pid and addresses into the
 * file, so the loser can say which worker is running and how to start a separate one. The OS drops
 * the lock when the holder dies, even by {@code kill -9}.
 */
final class SandboxLock implements AutoCloseable {

    static final String FILE = "sandbox.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private SandboxLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Refuses to start a second sandbox worker on the same data directory. */
    static final class AlreadyRunningException extends IllegalStateException {
        AlreadyRunningException(String message) {
            super(message);
        }
    }

    /** The lock beside the data directory ({@code ~/.valoratbot/pgdata.sandbox.lock} by default). */
    static Path fileFor(Path dataDirectory) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        return dir.resolveSibling(dir.getFileName() + "." + FILE);
    }

    /**
     * @throws AlreadyRunningException naming the running worker and the settings for another one
     */
    static SandboxLock acquire(Path dataDirectory) {
        Path file = fileFor(dataDirectory);
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new AlreadyRunningException(alreadyRunning(dataDirectory, read(file)));
            }
            SandboxLock held = new SandboxLock(file, channel, lock);
            held.describe(Map.of("pid", Long.toString(ProcessHandle.current().pid()), "state", "starting"));
            return held;
        } catch (IOException e) {
            throw new IllegalStateException("cannot take the sandbox lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes who holds the lock (pid, addresses) for a second worker's message. */
    void describe(Map<String, String> facts) {
        StringBuilder text = new StringBuilder();
        facts.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            // Only the second worker's message is poorer for it.
        }
    }

    static Map<String, String> read(Path file) {
        Map<String, String> facts = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            // described as unknown below
        }
        return facts;
    }

    private static String alreadyRunning(Path dataDirectory, Map<String, String> facts) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        String who = "pid " + facts.getOrDefault("pid", "unknown")
                + Optional.ofNullable(facts.get("standIn"))
                        .map(s -> ", stand-in " + s)
                        .orElse("")
                + Optional.ofNullable(facts.get("database"))
                        .map(d -> ", database " + d)
                        .orElse("")
                + ("starting".equals(facts.get("state")) ? ", still starting" : "");
        return "a sandbox worker is already running on " + dir + " (" + who
                + "). Use it: the CLI finds it from any directory"
                + " (./valoratbot ls). To run a second, separate sandbox, give it its own data directory and stand-in port:"
                + " VALORATBOT_DATA_DIR=" + dir.resolveSibling("pgdata-2")
                + " VALORATBOT_SANDBOX_PORT=8100 ./valoratbot worker --sandbox";
    }

    @Override
    public void close() {
        try {
            // Emptied, not deleted: a process that opened this file a moment ago would otherwise
            // lock an unlinked file while a third creates and locks a new one.
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases the lock with the process anyway
        }
    }
}
