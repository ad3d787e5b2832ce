package com.valoratbot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A queue measured by {@link SideBySideBenchmark}: how to start its worker process on a scratch
 * database, and the SQL the one producer runs against it (one job committed alone, a backlog
 * committed in one statement) and polls (jobs not finished). Each system enqueues with its own
 * documented SQL path, so the producer, its connection and its clock are the same for all.
 */
sealed interface QueueSystem permits QueueSystem.ThisProject, QueueSystem.Graphile, QueueSystem.PgBoss {

    /** Short id used on the command line ({@code --systems}) and in JSON. */
    String id();

    /** As the table prints it. */
    String label();

    /** What order the system keeps. */
    String order();

    WorkerProcess start(BenchServer server, String database, Launch launch);

    /** Enqueues one job for {@code key}, committed; returns its id as the worker reports it. */
    String insertOne(Connection c, int key) throws SQLException;

    /** Enqueues {@code jobs} jobs over {@code keys} keys in ONE statement (the caller commits). */
    void insertBacklog(Connection c, int jobs, int keys) throws SQLException;

    /** Jobs not yet finished (pending, taken or running). */
    long remaining(Connection c) throws SQLException;

    /** How to start processes: the JVM for the project's worker, Node and the peers' install directory. */
    record Launch(List<String> javaCommand, String classpath, Path peersDir) {}

    static List<QueueSystem> all() {
        return List.of(
                new ThisProject(),
                new Graphile(Graphile.Mode.QUEUE_PER_KEY),
                new Graphile(Graphile.Mode.PLAIN),
                new Graphile(Graphile.Mode.BATCHED),
                new PgBoss(true),
                new PgBoss(false));
    }

    static QueueSystem byId(String id) {
        return all().stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown system '" + id + "'; one of "
                        + all().stream().map(QueueSystem::id).toList()));
    }

    /** Guild ids as the dashboard writes them (canonical snowflakes). */
    long GUILD_BASE = 1_200_000_000_000_000_000L;

    /** The project's queue: {@code PostgresQueue} + {@code CommandWorker} + {@code CommandHandler} in {@link QueueWorkerMain}. */
    record ThisProject() implements QueueSystem {
        public String id() {
            return "valoratbot";
        }

        public String label() {
            return "this project";
        }

        public String order() {
            return "per guild, in order";
        }

        public WorkerProcess start(BenchServer server, String database, Launch launch) {
            List<String> command = new ArrayList<>(launch.javaCommand());
            command.addAll(
                    List.of("-cp", launch.classpath(), QueueWorkerMain.class.getName(), server.jdbcUrl(database)));
            return WorkerProcess.start(id(), command, Map.of(), java.time.Duration.ofSeconds(120));
        }

        public String insertOne(Connection c, int key) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO commands (guild_id, action, payload) VALUES (?, 'listTextChannels', '{}'::jsonb) RETURNING id::text")) {
                s.setString(1, Long.toString(GUILD_BASE + key));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }

        public void insertBacklog(Connection c, int jobs, int keys) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO commands (guild_id, action, payload) "
                            + "SELECT (?::bigint + g % ?)::text, 'listTextChannels', '{}'::jsonb FROM generate_series(0, ? - 1) g")) {
                s.setLong(1, GUILD_BASE);
                s.setInt(2, keys);
                s.setInt(3, jobs);
                s.executeUpdate();
            }
        }

        public long remaining(Connection c) throws SQLException {
            return count(c, "SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')");
        }
    }

    /** graphile-worker 0.18: jobs through its {@code add_job}/{@code add_jobs} SQL functions. */
    record Graphile(Mode mode) implements QueueSystem {
        enum Mode {
            QUEUE_PER_KEY,
            PLAIN,
            BATCHED
        }

        public String id() {
            return switch (mode) {
                case QUEUE_PER_KEY -> "graphile-queue";
                case PLAIN -> "graphile";
                case BATCHED -> "graphile-batched";
            };
        }

        public String label() {
            return switch (mode) {
                case QUEUE_PER_KEY -> "graphile-worker, queue per key";
                case PLAIN -> "graphile-worker";
                case BATCHED -> "graphile-worker, batched";
            };
        }

        public String order() {
            return mode == Mode.QUEUE_PER_KEY ? "per key" : "none";
        }

        public WorkerProcess start(BenchServer server, String database, Launch launch) {
            return node(id(), server, database, launch);
        }

        public String insertOne(Connection c, int key) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT j.id::text FROM graphile_worker.add_job('noop', '{}'::json, queue_name := ?) j")) {
                s.setString(1, mode == Mode.QUEUE_PER_KEY ? "k" + key : null);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }

        public void insertBacklog(Connection c, int jobs, int keys) throws SQLException {
            // add_jobs is graphile-worker's bulk enqueue: one statement, one NOTIFY.
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM graphile_worker.add_jobs(ARRAY("
                    + "SELECT ROW('noop', '{}'::json, CASE WHEN ? THEN 'k' || (g % ?) END, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec "
                    + "FROM generate_series(0, ? - 1) g))")) {
                s.setBoolean(1, mode == Mode.QUEUE_PER_KEY);
                s.setInt(2, keys);
                s.setInt(3, jobs);
                s.executeQuery().close();
            }
        }

        public long remaining(Connection c) throws SQLException {
            // graphile-worker deletes a job when it completes.
            return count(c, "SELECT count(*) FROM graphile_worker._private_jobs");
        }
    }

    /**
     * pg-boss 12: the producer runs the very statement pg-boss's {@code send()} runs (printed by the
     * worker process from pg-boss's own {@code plans.insertJobs}), with one row per job.
     */
    final class PgBoss implements QueueSystem {
        private final boolean strictFifo;
        private volatile String insertSql;

        PgBoss(boolean strictFifo) {
            this.strictFifo = strictFifo;
        }

        public String id() {
            return strictFifo ? "pgboss-fifo" : "pgboss";
        }

        public String label() {
            return strictFifo ? "pg-boss, strict FIFO per key" : "pg-boss";
        }

        public String order() {
            return strictFifo ? "per key" : "none";
        }

        public WorkerProcess start(BenchServer server, String database, Launch launch) {
            WorkerProcess w = node(id(), server, database, launch);
            String[] words = w.readyLine().split(" ");
            insertSql = new String(Base64.getDecoder().decode(words[2]), StandardCharsets.UTF_8).replace("$1", "?");
            return w;
        }

        public String insertOne(Connection c, int key) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(insertSql)) {
                s.setString(1, jobs(1, 50, key));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }

        public void insertBacklog(Connection c, int jobs, int keys) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(insertSql)) {
                s.setString(1, jobs(jobs, keys, -1));
                s.executeQuery().close();
            }
        }

        private String jobs(int jobs, int keys, int onlyKey) {
            StringBuilder b = new StringBuilder(jobs * 24 + 2).append('[');
            for (int i = 0; i < jobs; i++) {
                if (i > 0) b.append(',');
                b.append(strictFifo ? "{\"singletonKey\":\"k" + (onlyKey >= 0 ? onlyKey : i % keys) + "\"}" : "{}");
            }
            return b.append(']').toString();
        }

        public long remaining(Connection c) throws SQLException {
            return count(c, "SELECT count(*) FROM pgboss.job WHERE name = 'noop' AND state < 'completed'");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PgBoss p && p.strictFifo == strictFifo;
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(strictFifo);
        }
    }

    private static WorkerProcess node(String system, BenchServer server, String database, Launch launch) {
        if (launch.peersDir() == null) throw new IllegalStateException(system + " needs the peers installed (--peers)");
        List<String> command = List.of(
                "node", launch.peersDir().resolve("peer-worker.mjs").toString(), system, server.libpqUrl(database));
        return WorkerProcess.start(system, command, Map.of(), java.time.Duration.ofSeconds(120));
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
