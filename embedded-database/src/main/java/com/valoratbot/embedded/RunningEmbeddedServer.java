package com.valoratbot.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds an embedded PostgreSQL already running on a data directory, from the {@code postmaster.pid}
 * file PostgreSQL keeps there (line 1: the server's pid; line 4: its port). A second process — the
 * CLI beside a sandbox worker — connects to that server instead of failing to start another one on
 * the same directory.
 */
final class RunningEmbeddedServer {

    private RunningEmbeddedServer() {}

    record Postmaster(long pid, int port) {}

    static Optional<Integer> port(Path dataDirectory) {
        return find(dataDirectory).map(Postmaster::port);
    }

    static Optional<Postmaster> find(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) return Optional.empty();
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) return Optional.empty();
            long pid = Long.parseLong(lines.get(0).strip());
            int port = Integer.parseInt(lines.get(3).strip());
            // A pid file left by a crashed server names a dead process: start a server then.
            return EmbeddedServer.running(pid) ? Optional.of(new Postmaster(pid, port)) : Optional.empty();
        } catch (IOException | NumberFormatException unreadable) {
            return Optional.empty();
        }
    }
}
