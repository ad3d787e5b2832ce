package com.valoratbot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What PostgreSQL spends for a worker over a phase (issue 12: "round trips and commits per command,
 * PostgreSQL CPU per command"), read on the server itself:
 *
 * <ul>
 *   <li>the statements the worker sent, from {@code pg_stat_statements} (calls, execution and planning
 *       time, plans), the producer's own statements left out by their text. The worker sends each
 *       statement in autocommit, one transaction and one commit each, except the few it wraps in a
 *       transaction (a requeue), whose COMMIT is counted apart ({@code explicitCommitsPerCommand}):
 *       statements per command are also its commits per command;
 *   <li>the CPU time of the worker's backends (every backend of the database but the harness's, known
 *       by its application name), from {@code /proc/<pid>/stat}: only when the server runs on this
 *       machine, as with the Debian cluster of docs/benchmarks.md.
 * </ul>
 *
 * Each part is left out, with a note on stderr, when the server does not allow it
 * ({@code pg_stat_statements} not in {@code shared_preload_libraries}, a remote server).
 * {@link #prepare} before the worker connects (planning is counted from then on, per database);
 * {@link #start} and {@link #stop} around the phase.
 */
final class ServerCost {

    /** The harness's connections (BenchServer#connect): never counted as the worker's. */
    private static final String HARNESS = "valoratbot-bench";

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private boolean statements;
    private Map<Integer, Long> ticksAtStart = Map.of();

    /** Loads pg_stat_statements in the scratch database and turns planning counts on for its new sessions. */
    static void prepare(Connection c, String database) {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("ALTER DATABASE " + database + " SET pg_stat_statements.track_planning = on");
            // Statements run inside the claim's functions are listed too (as "nested", never added to
            // the per-command figures, which their function's call already holds).
            s.execute("ALTER DATABASE " + database + " SET pg_stat_statements.track = 'all'");
        } catch (SQLException e) {
            System.err.println("  no pg_stat_statements on this server ("
                    + e.getMessage().lines().findFirst().orElse("") + "): statements per command not measured");
        }
    }

    void start(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)");
            statements = true;
        } catch (SQLException e) {
            statements = false;
        }
        ticksAtStart = ticks(c);
    }

    /**
     * What a phase cost per command: the worker's statements (round trips and, each in autocommit, commits; BEGIN
     * aside: the driver sends it with the statement after it) and its backends' CPU, NaN where the server did not
     * allow the measure. {@link #json} is the full line: execution and planning time, the costliest statements.
     */
    record Cost(double backendCpuMs, double statements, String json) {
        static final Cost NONE = new Cost(Double.NaN, Double.NaN, "{}");
    }

    Cost stop(Connection c, String system, long commands, List<String> producerPrefixes) throws SQLException {
        Map<Integer, Long> ticksAtEnd = ticks(c);
        double statementsPer = Double.NaN;
        long ticks = 0;
        for (var e : ticksAtEnd.entrySet()) ticks += e.getValue() - ticksAtStart.getOrDefault(e.getKey(), 0L);
        StringBuilder json = new StringBuilder();
        json.append(String.format(
                Locale.ROOT,
                "{\"serverCost\":%s,\"commands\":%d,\"backends\":%d,\"backendCpuMsPerCommand\":%s",
                BenchServer.q(system),
                commands,
                ticksAtEnd.size(),
                ticksAtEnd.isEmpty()
                        ? "null"
                        : String.format(Locale.ROOT, "%.3f", ticks * 1000.0 / TICKS_PER_SECOND / commands)));
        if (statements) {
            List<String> rows = new ArrayList<>();
            long calls = 0, commits = 0, plans = 0;
            double exec = 0, plan = 0;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("""
                            SELECT query, calls, total_exec_time, total_plan_time, plans
                            FROM pg_stat_statements
                            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel
                            ORDER BY total_exec_time DESC""")) {
                while (rs.next()) {
                    String q = rs.getString(1).strip();
                    if (q.contains("pg_stat_statements") || q.contains("pg_stat_activity")) continue;
                    if (producerPrefixes.stream().anyMatch(q::startsWith)) continue;
                    long n = rs.getLong(2);
                    if (q.equalsIgnoreCase("BEGIN")) continue; // sent with the next statement, no round trip of its own
                    calls += n;
                    if (q.equalsIgnoreCase("COMMIT")) commits += n;
                    exec += rs.getDouble(3);
                    plan += rs.getDouble(4);
                    plans += rs.getLong(5);
                    String shortText = q.replaceAll("\\s+", " ");
                    rows.add(String.format(
                            Locale.ROOT,
                            "{\"calls\":%d,\"execMs\":%.1f,\"planMs\":%.1f,\"plans\":%d,\"query\":%s}",
                            n,
                            rs.getDouble(3),
                            rs.getDouble(4),
                            rs.getLong(5),
                            BenchServer.q(shortText.substring(0, Math.min(90, shortText.length())))));
                }
            }
            statementsPer = (double) calls / commands;
            json.append(String.format(
                    Locale.ROOT,
                    ",\"statementsPerCommand\":%.3f,\"explicitCommitsPerCommand\":%.3f,\"execMsPerCommand\":%.3f,"
                            + "\"planMsPerCommand\":%.3f,\"plansPerCommand\":%.3f,\"statements\":[%s]",
                    statementsPer,
                    (double) commits / commands,
                    exec / commands,
                    plan / commands,
                    (double) plans / commands,
                    String.join(",", rows.subList(0, Math.min(8, rows.size())))));
            List<String> nested = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("""
                            SELECT query, calls, total_exec_time
                            FROM pg_stat_statements
                            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND NOT toplevel
                            ORDER BY total_exec_time DESC LIMIT 6""")) {
                while (rs.next()) {
                    String shortText = rs.getString(1).strip().replaceAll("\\s+", " ");
                    nested.add(String.format(
                            Locale.ROOT,
                            "{\"calls\":%d,\"execMs\":%.1f,\"query\":%s}",
                            rs.getLong(2),
                            rs.getDouble(3),
                            BenchServer.q(shortText.substring(0, Math.min(90, shortText.length())))));
                }
            }
            json.append(",\"nested\":[").append(String.join(",", nested)).append(']');
        }
        double cpuPer = ticksAtEnd.isEmpty() ? Double.NaN : ticks * 1000.0 / TICKS_PER_SECOND / commands;
        return new Cost(cpuPer, statementsPer, json.append('}').toString());
    }

    /** CPU ticks (user + system) of the worker's backends, when they run on this machine. */
    private static Map<Integer, Long> ticks(Connection c) {
        Map<Integer, Long> out = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> '" + HARNESS + "'")) {
            while (rs.next()) {
                int pid = rs.getInt(1);
                Path stat = Path.of("/proc", Integer.toString(pid), "stat");
                if (!Files.isReadable(stat)) return Map.of();
                String text = Files.readString(stat);
                // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th, stime the
                // 15th.
                String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
                out.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
            }
        } catch (SQLException | IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }
}
