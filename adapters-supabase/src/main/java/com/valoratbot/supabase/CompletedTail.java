package com.valoratbot.supabase;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Record;

/**
 * Commands as they finish ({@code done} or {@code error}), from the moment it was opened.
 *
 * <p>It reads finished rows by their change timestamp ({@code updated_at}, else {@code picked_at},
 * else {@code created_at}), re-reading a grace window so a row committed late is not missed, and
 * remembers what it already returned. The {@code valoratbot_results} notification, when LISTEN
 * works, only makes it look sooner; without it, it polls.
 *
 * <pre>{@code
 * try (CompletedTail tail = admin.tail()) {
 *     while (running) for (CommandRow row : tail.poll(Duration.ofSeconds(1))) print(row);
 * }
 * }</pre>
 */
public final class CompletedTail implements AutoCloseable {

    private static final int BATCH = 1_000;

    private final Database db;
    private final CommandTable table;
    private final String query;
    private final Duration grace;
    private final WakeSignal signal = new WakeSignal();
    private final NotificationListener listener;
    /** Returned rows still inside the grace window, by id, with their timestamp. */
    private final Map<String, OffsetDateTime> seen = new HashMap<>();

    private OffsetDateTime cursor;

    CompletedTail(Database db, CommandTable table) {
        this.db = db;
        this.table = table;
        String ts = table.changeTimestamp()
                .orElseThrow(() -> new IllegalStateException(
                        "following results needs updated_at, picked_at or created_at on " + table.key()));
        // updated_at is written when a command finishes; picked_at and created_at are earlier.
        this.grace = ts.equals("updated_at") ? Duration.ofSeconds(30) : Duration.ofMinutes(10);
        this.query = CommandAdmin.select(table, ", CAST(" + ts + " AS timestamptz) AS tail_ts")
                + " WHERE status IN ('done', 'error')" + " AND " + ts + " >= CAST(? AS timestamptz) ORDER BY " + ts
                + ", id LIMIT " + BATCH;
        this.cursor = db.dsl().fetchOne("SELECT now()").get(0, OffsetDateTime.class);
        // What finished before now is not news: remember it without returning it.
        for (Record r : fetch()) seen.put(r.get("id", String.class), r.get("tail_ts", OffsetDateTime.class));
        this.listener = db.settings().listenByDefault()
                ? new NotificationListener(
                                db,
                                PostgresQueue.RESULTS_CHANNEL,
                                payloads -> {
                                    for (String p : payloads)
                                        if (p != null && p.contains("\"" + table.key() + "\"")) signal.wakeUp();
                                },
                                signal::wakeUp,
                                "polling")
                        .start()
                : null;
    }

    /** Waits up to {@code max} for newly finished commands and returns them, oldest first (maybe none). */
    public List<CommandRow> poll(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            List<CommandRow> found = fresh();
            long left = deadline - System.nanoTime();
            if (!found.isEmpty() || left <= 0) return found;
            Duration step = listener != null && listener.listening() ? Duration.ofSeconds(1) : Duration.ofMillis(250);
            signal.await(Duration.ofNanos(Math.min(left, step.toNanos())));
        }
    }

    private List<CommandRow> fresh() {
        List<CommandRow> out = new ArrayList<>();
        OffsetDateTime newest = cursor;
        for (Record r : fetch()) {
            String id = r.get("id", String.class);
            OffsetDateTime ts = r.get("tail_ts", OffsetDateTime.class);
            if (seen.putIfAbsent(id, ts) == null) out.add(CommandAdmin.toRow(r));
            if (ts.isAfter(newest)) newest = ts;
        }
        cursor = newest;
        OffsetDateTime forgetBefore = cursor.minus(grace);
        seen.values().removeIf(ts -> ts.isBefore(forgetBefore));
        return out;
    }

    private List<Record> fetch() {
        List<Record> rows = new ArrayList<>();
        OffsetDateTime from = cursor.minus(grace);
        while (true) {
            var batch = db.dsl().fetch(query, from);
            rows.addAll(batch);
            if (batch.size() < BATCH) return rows;
            OffsetDateTime last = batch.get(batch.size() - 1).get("tail_ts", OffsetDateTime.class);
            if (!last.isAfter(from)) return rows; // a whole batch on one instant: take it and move on
            from = last;
        }
    }

    @Override
    public void close() {
        if (listener != null) listener.close();
    }
}
