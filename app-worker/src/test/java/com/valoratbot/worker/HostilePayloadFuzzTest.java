package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.supabase.PostgresQueue;
import com.valoratbot.supabase.TestDatabase;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Hostile rows through a real sandbox worker on the dashboard's own table ({@code command_queue}: no
 * {@code requested_by}): long digit strings, huge strings, deep nesting, odd Unicode digits,
 * non-canonical ids. Every row must end {@code done} or {@code error} within the maximum age, with a
 * code, and the worker's CPU per row must stay small (CPU time of the worker's own threads, not wall
 * time and not the whole process: the million-digit number cost 34 s of CPU).
 */
class HostilePayloadFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GUILD = Long.toString(DemoGuild.GUILD_ID);
    private static final String GENERAL = Long.toString(DemoGuild.GENERAL_ID);
    private static final Duration MAX_AGE = Duration.ofSeconds(60);
    /**
     * CPU of the threads that claim, check, run and answer a row: the worker's platform threads
     * ({@code valoratbot-claims}, {@code -outcomes}, {@code -lease}) and the carriers of its virtual
     * command threads. GC, JIT, the stand-in's Jetty threads and this test's own JDBC insert are left
     * out, so the bound is about the worker's work; parsing the 250,000-digit number below as
     * BigDecimal alone costs seconds.
     */
    private static final long CPU_NANOS_PER_ROW_BOUND = 500_000_000L;

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static boolean workersThread(String name) {
        return name.startsWith("valoratbot-") || (name.startsWith("ForkJoinPool-") && name.contains("-worker-"));
    }

    /** CPU ns of each live worker thread now, by thread id. */
    private static Map<Long, Long> workerThreadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (java.lang.management.ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t == null || !workersThread(t.getThreadName())) continue;
            long ns = THREADS.getThreadCpuTime(t.getThreadId());
            if (ns >= 0) cpu.put(t.getThreadId(), ns);
        }
        return cpu;
    }

    /** CPU the worker's threads spent since {@code before}; a thread born since counts in full. */
    private static long cpuSince(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> now : workerThreadCpu().entrySet())
            total += now.getValue() - before.getOrDefault(now.getKey(), 0L);
        return total;
    }

    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    /** The worker on the dashboard's own table ({@code command_queue}, bigint ids), created before it starts. */
    @RegisterExtension
    static final SandboxWorker sandbox = SandboxWorker.create()
            .set("VALORATBOT_TABLE", "command_queue")
            .set("VALORATBOT_MAX_AGE", MAX_AGE.toSeconds() + "s")
            .set("VALORATBOT_GUILD_RATE", "100000") // every row reaches its checks: the rate limit has its own tests
            .beforeStart(HostilePayloadFuzzTest::dashboardTableAndLog);

    static final TestDatabase db = sandbox.db();
    private static WorkerApp worker;

    private static void dashboardTableAndLog(TestDatabase db) {
        db.execute("""
                CREATE TABLE public.command_queue (
                    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    guild_id   text NOT NULL,
                    action     text NOT NULL,
                    payload    jsonb DEFAULT '{}'::jsonb,
                    status     text NOT NULL DEFAULT 'pending',
                    result     jsonb,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    picked_at  timestamptz
                )""");
        log.start();
        ((Logger) LoggerFactory.getLogger(com.valoratbot.library.Valoratbot.class)).addAppender(log);
    }

    @BeforeAll
    static void worker() {
        worker = sandbox.app();
    }

    @AfterAll
    static void detachLog() {
        ((Logger) LoggerFactory.getLogger(com.valoratbot.library.Valoratbot.class)).detachAppender(log);
    }

    /** A row the fuzz inserts, and the code it must end with when that is known for sure. */
    record Row(String label, String guildId, String action, String payload, String expectedCode) {}

    private static String digits(int n, char zero) {
        StringBuilder b = new StringBuilder(n);
        b.append((char) (zero + 1));
        for (int i = 1; i < n; i++) b.append(zero);
        return b.toString();
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String mathBoldDigits(String ascii) {
        StringBuilder b = new StringBuilder();
        ascii.chars().forEach(c -> b.appendCodePoint(0x1D7CE + (c - '0'))); // 𝟎..𝟗: outside the BMP
        return b.toString();
    }

    private static String spelt(String ascii, char zero) {
        StringBuilder b = new StringBuilder();
        ascii.chars().forEach(c -> b.append((char) (zero + (c - '0'))));
        return b.toString();
    }

    static List<Row> hostileRows() {
        List<Row> rows = new ArrayList<>();
        String ch = "\"channelId\":\"" + GENERAL + "\"";
        // Long digit strings in every numeric field (as text: a JSON number is limited by jsonb itself).
        // 250,000 digits is just under the parser's string limit: only the field's own length check stops
        // it from reaching BigDecimal, which would take seconds of CPU on it.
        for (int n : new int[] {1_000, 100_000, 250_000, 1_000_000}) {
            rows.add(new Row(
                    "amount " + n + " digits",
                    GUILD,
                    "purge",
                    "{" + ch + ",\"amount\":\"" + digits(n, '0') + "\"}",
                    "invalid_payload"));
            rows.add(new Row(
                    "duration " + n + " digits",
                    GUILD,
                    "slowmode",
                    "{" + ch + ",\"duration\":\"" + digits(n, '0') + "\"}",
                    "invalid_payload"));
            rows.add(new Row(
                    "trackId " + n + " digits",
                    GUILD,
                    "removeFromQueue",
                    "{\"trackId\":\"" + digits(n, '0') + "\"}",
                    "invalid_payload"));
            rows.add(new Row(
                    "channelId " + n + " digits",
                    GUILD,
                    "lock",
                    "{\"channelId\":\"" + digits(n, '0') + "\"}",
                    "invalid_payload"));
        }
        rows.add(new Row(
                "amount as a 100k-digit JSON number",
                GUILD,
                "purge",
                "{" + ch + ",\"amount\":" + digits(100_000, '0') + "}",
                "invalid_payload"));
        rows.add(new Row(
                "hour with a huge exponent",
                GUILD,
                "schedule_leaderboard",
                "{" + ch + ",\"hour\":\"1e999999999\"}",
                "invalid_payload"));
        // Huge strings.
        rows.add(new Row(
                "1 M character message",
                GUILD,
                "announce",
                "{" + ch + ",\"message\":\"" + "x".repeat(1_000_000) + "\"}",
                "invalid_payload"));
        rows.add(new Row(
                "200 k character message",
                GUILD,
                "announce",
                "{" + ch + ",\"message\":\"" + "é".repeat(200_000) + "\"}",
                "invalid_payload"));
        rows.add(new Row(
                "500 k character field name",
                GUILD,
                "lock",
                "{\"" + "k".repeat(500_000) + "\":1," + ch + "}",
                "invalid_payload"));
        rows.add(new Row(
                "100 k element list",
                GUILD,
                "announce",
                "{" + ch + ",\"message\":\"x\",\"allowedMentions\":["
                        + String.join(",", java.util.Collections.nCopies(100_000, "\"users\"")) + "]}",
                "invalid_payload"));
        // Deep nesting.
        rows.add(new Row(
                "embed nested 5,000 deep",
                GUILD,
                "announce",
                "{" + ch + ",\"embed\":" + nested(5_000) + "}",
                "invalid_payload"));
        rows.add(new Row(
                "objects nested 1,000 deep",
                GUILD,
                "announce",
                "{" + ch + ",\"embed\":" + "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_000) + "}",
                "invalid_payload"));
        // Odd Unicode digits, in ids and numbers.
        for (char zero : new char[] {'０', '٠', '۰', '०', '০'}) {
            rows.add(new Row(
                    "channelId in script " + (int) zero,
                    GUILD,
                    "lock",
                    "{\"channelId\":\"" + spelt(GENERAL, zero) + "\"}",
                    "invalid_payload"));
            rows.add(new Row(
                    "guild_id in script " + (int) zero,
                    spelt(GUILD, zero),
                    "listTextChannels",
                    "{}",
                    "invalid_payload"));
            rows.add(new Row(
                    "amount in script " + (int) zero,
                    GUILD,
                    "purge",
                    "{" + ch + ",\"amount\":\"" + spelt("50", zero) + "\"}",
                    "invalid_payload"));
        }
        rows.add(new Row(
                "channelId in mathematical bold",
                GUILD,
                "lock",
                "{\"channelId\":\"" + mathBoldDigits(GENERAL) + "\"}",
                "invalid_payload"));
        // Non-canonical ids.
        for (String g :
                new String[] {" " + GUILD, GUILD + " ", "0" + GUILD, "+" + GUILD, GUILD + "\u200b", "-" + GUILD, ""}) {
            rows.add(new Row("guild_id '" + g + "'", g, "lock", "{" + ch + "}", "invalid_payload"));
        }
        rows.add(new Row(
                "channelId with a leading zero",
                GUILD,
                "lock",
                "{\"channelId\":\"0" + GENERAL + "\"}",
                "invalid_payload"));
        // Shapes and times.
        rows.add(new Row("payload is a list", GUILD, "lock", "[1,2,3]", "invalid_payload"));
        rows.add(new Row("payload is a string", GUILD, "lock", "\"" + "z".repeat(100_000) + "\"", "invalid_payload"));
        rows.add(new Row(
                "year +999999999",
                GUILD,
                "schedule_announce",
                "{" + ch + ",\"message\":\"x\",\"scheduledFor\":\"+999999999-12-31T23:59\"}",
                "invalid_payload"));
        rows.add(new Row("unknown action of 100 k characters", GUILD, "x".repeat(100_000), "{}", "unknown_action"));
        // Anonymous mass mention on the dashboard's table.
        rows.add(new Row(
                "anonymous @everyone",
                GUILD,
                "announce",
                "{" + ch + ",\"message\":\"@everyone\",\"allowedMentions\":[\"everyone\"]}",
                "forbidden"));
        // Random junk: seeded, so a failure can be replayed.
        Random random = new Random(9);
        for (int i = 0; i < 20; i++) {
            StringBuilder junk = new StringBuilder();
            int len = 1 + random.nextInt(50_000);
            for (int j = 0; j < len; j++)
                junk.append((char) (0x20 + random.nextInt(0x2FF))); // ASCII, Latin, and combining marks
            String text = junk.toString().replace("\\", "").replace("\"", "");
            rows.add(new Row(
                    "random amount " + i,
                    GUILD,
                    "purge",
                    "{" + ch + ",\"amount\":\"" + text + "\"}",
                    "invalid_payload"));
        }
        return rows;
    }

    /**
     * Rows go in one at a time so each row's CPU is its own: the worker threads' CPU from its insert
     * to its final status (a 100,000-digit number parsed as BigDecimal alone costs more than the bound).
     */
    @Test
    void everyHostileRowEndsDoneOrErrorWithinItsMaximumAgeAndCheaply() throws Exception {
        List<Row> rows = hostileRows();
        assertThat(THREADS.isThreadCpuTimeSupported())
                .as("per-thread CPU time on this JVM")
                .isTrue();
        THREADS.setThreadCpuTimeEnabled(true);
        long totalCpu = 0;
        long worstCpu = 0;
        String worst = "";
        try (Connection c = db.connect();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO command_queue (guild_id, action, payload) VALUES (?, ?, ?::jsonb) RETURNING id");
                PreparedStatement status =
                        c.prepareStatement("SELECT status, result::text FROM command_queue WHERE id = ?")) {
            // Unmeasured warm-up: the first rows pay for class loading and JIT, which is not what is measured.
            List<Row> warmUp = List.of(
                    new Row("warm-up", GUILD, "listTextChannels", "{}", null),
                    new Row("warm-up", GUILD, "purge", "{\"channelId\":\"" + GENERAL + "\",\"amount\":\"x\"}", null),
                    new Row("warm-up", GUILD, "nope", "{}", null));
            for (Row row : warmUp) {
                insert.setString(1, row.guildId());
                insert.setString(2, row.action());
                insert.setString(3, row.payload());
                insert.executeQuery().close();
            }
            long warmDeadline = System.nanoTime() + MAX_AGE.toNanos();
            while (db.count("SELECT count(*) FROM command_queue WHERE status IN ('pending', 'processing')") > 0
                    && System.nanoTime() < warmDeadline) {
                Thread.sleep(20);
            }
            for (Row row : rows) {
                Map<Long, Long> cpuBefore = workerThreadCpu();
                insert.setString(1, row.guildId());
                insert.setString(2, row.action());
                insert.setString(3, row.payload());
                long id;
                try (var rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                long deadline = System.nanoTime() + MAX_AGE.toNanos();
                String finalStatus = null;
                String result = null;
                while (System.nanoTime() < deadline) {
                    status.setLong(1, id);
                    try (var rs = status.executeQuery()) {
                        rs.next();
                        if (List.of("done", "error").contains(rs.getString(1))) {
                            finalStatus = rs.getString(1);
                            result = rs.getString(2);
                            break;
                        }
                    }
                    Thread.sleep(5);
                }
                long cpu = cpuSince(cpuBefore);
                totalCpu += cpu;
                if (cpu > worstCpu) {
                    worstCpu = cpu;
                    worst = row.label();
                }

                assertThat(finalStatus)
                        .as(row.label() + " ends within the maximum age")
                        .isEqualTo("error");
                JsonNode json = JSON.readTree(result);
                // Over the queue's payload limit, a row is refused by size in SQL before any parsing:
                // asked of the stored row with the claim's own measure (QueueSql), not guessed here.
                boolean tooLarge = (Boolean) db.value(
                        "SELECT pg_column_size(payload) > ? OR octet_length(payload::text) > ? FROM command_queue WHERE id = ?",
                        PostgresQueue.DEFAULT_MAX_PAYLOAD_BYTES,
                        PostgresQueue.DEFAULT_MAX_PAYLOAD_BYTES,
                        id);
                assertThat(json.get("code").asText())
                        .as(row.label() + ": " + json)
                        .isEqualTo(tooLarge ? "payload_too_large" : row.expectedCode());
                assertThat(json.get("reason").asText())
                        .as(row.label())
                        .isNotBlank()
                        .hasSizeLessThan(2_000);
                assertThat(cpu).as(row.label() + ": worker threads' CPU ns").isLessThan(CPU_NANOS_PER_ROW_BOUND);
            }
        }
        System.out.printf(
                "hostile fuzz: %d rows, worker threads' CPU %d ms in all (%.1f ms/row), worst %.1f ms (%s)%n",
                rows.size(), totalCpu / 1_000_000, totalCpu / 1e6 / rows.size(), worstCpu / 1e6, worst);
        assertThat(db.count("SELECT count(*) FROM command_queue WHERE status IN ('pending', 'processing')"))
                .isZero();
    }

    /** Its own hostile rows first, so it does not depend on the order JUnit runs the methods in. */
    @Test
    void aRealCommandStillRunsAfterTheHostileOnes() throws Exception {
        List<Row> worst = hostileRows().stream()
                .filter(r -> r.payload().length() >= 1_000_000 || r.label().contains("nested"))
                .toList();
        assertThat(worst).hasSizeGreaterThanOrEqualTo(4);
        List<Long> hostile = new ArrayList<>();
        long id;
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO command_queue (guild_id, action, payload) VALUES (?, ?, ?::jsonb) RETURNING id")) {
            for (Row row : worst) {
                ps.setString(1, row.guildId());
                ps.setString(2, row.action());
                ps.setString(3, row.payload());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    hostile.add(rs.getLong(1));
                }
            }
            ps.setString(1, GUILD);
            ps.setString(2, "listTextChannels");
            ps.setString(3, "{}");
            try (var rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        long deadline = System.nanoTime() + MAX_AGE.toNanos();
        String all = hostile.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        while ((!"done".equals(db.value("SELECT status FROM command_queue WHERE id = ?", id))
                        || db.count(
                                        "SELECT count(*) FROM command_queue WHERE id = ANY(?::bigint[]) AND status IN ('pending', 'processing')",
                                        all)
                                > 0)
                && System.nanoTime() < deadline) Thread.sleep(50);

        assertThat(db.value("SELECT status FROM command_queue WHERE id = ?", id))
                .isEqualTo("done");
        for (long h : hostile)
            assertThat(db.value("SELECT status FROM command_queue WHERE id = ?", h))
                    .as("hostile row " + h)
                    .isEqualTo("error");
    }

    @Test
    void theWorkerSaysOnceAtStartUpThatTheTableCannotNameARequester() {
        List<ILoggingEvent> warnings = log.list.stream()
                .filter(e ->
                        e.getLevel() == Level.WARN && e.getFormattedMessage().contains("requested_by"))
                .toList();

        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().getFormattedMessage())
                .contains("public.command_queue")
                .contains("anonymous")
                .contains("VALORATBOT_ANONYMOUS_ROWS=all-but-mass-mentions");
    }
}
