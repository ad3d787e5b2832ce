package com.valoratbot.supabase;

import com.valoratbot.migrations.ValoratbotMigrations;

/**
 * The queue's statements for one command table, built once from its shape (the optional columns
 * it has, the id's type). Each is a single statement, so it is atomic under autocommit.
 *
 * <h2>Why claiming is exactly-once and keeps each guild's order, in READ COMMITTED</h2>
 * The candidates are each guild's oldest active ({@code pending} or {@code processing}) command,
 * when it is pending and no command of the guild is processing. They are found on the statement's
 * snapshot, and {@code FOR UPDATE SKIP LOCKED} then locks each candidate row. A row another
 * worker holds locked is skipped. A row another worker changed and committed after our snapshot
 * is re-read at its latest version and the conditions on that row itself are checked again
 * (EvalPlanQual): {@code status = 'pending'} fails for a row that was claimed meanwhile, so no
 * row is claimed twice. The guild conditions (no 'processing' command of
 * the guild, no older active one) are only checked on the snapshot, and that is enough: a
 * candidate is its guild's oldest active command in our snapshot, so a concurrent worker can only
 * have claimed that same row (we then skip it or fail the re-check) or have finished it (the
 * re-check fails again). Two commands of one guild are therefore never in flight together, and
 * they run in {@code created_at} order, ties broken by id. (The one exception: a row inserted with
 * a {@code created_at} older than its guild's command already in flight.)
 *
 * <p>Takeover and completion both go through the claim row, whose update serializes them: a
 * takeover only moves a claim still held by the dead worker it saw ({@code worker_id} and
 * {@code claimed_at} re-checked on the locked claim row), and a completion or requeue only acts
 * on a claim still held by its own worker. A late completion after a takeover finds no claim and
 * changes nothing.
 */
final class QueueSql {

    static final String SCHEMA = CommandTable.quote(ValoratbotMigrations.SCHEMA);
    static final String CLAIMS = SCHEMA + ".claims";
    static final String WORKERS = SCHEMA + ".workers";

    final String claim;
    final String complete;
    final String requeue;
    final String takeOver;
    final String heartbeat;
    final String deleteWorker;
    final String forgetDeadWorkers;

    QueueSql(CommandTable t) {
        String T = t.sqlName();
        // ASC NULLS LAST is the (guild_id, created_at) index's own order, so a guild's head is the first
        // index entry; NULLS FIRST made every claim read and sort each guild's whole backlog. A row
        // without created_at counts as the newest.
        String order = t.hasCreatedAt() ? "%1$s.created_at ASC NULLS LAST, %1$s.id" : "%1$s.id";
        String claimSets = (t.hasUpdatedAt() ? ", updated_at = now()" : "") + (t.hasPickedAt() ? ", picked_at = now()" : "");

        // Each guild's head (its oldest active command), found without reading the whole backlog:
        // PostgreSQL 17 has no skip scan, so the recursive CTE walks the distinct guild ids through
        // the (guild_id, created_at) partial index, one probe per guild, and a LATERAL probe takes
        // each guild's head. A DISTINCT ON over every active row cost 108 ms a claim at 10,000
        // pending rows (QueueBenchmark); this costs about one index probe per active guild.
        this.claim = """
                WITH RECURSIVE guilds(guild_id) AS (
                    (SELECT g.guild_id FROM %1$s g WHERE g.status IN ('pending', 'processing') ORDER BY g.guild_id LIMIT 1)
                    UNION ALL
                    SELECT (SELECT g.guild_id FROM %1$s g
                            WHERE g.status IN ('pending', 'processing') AND g.guild_id > guilds.guild_id
                            ORDER BY g.guild_id LIMIT 1)
                    FROM guilds WHERE guilds.guild_id IS NOT NULL
                ), heads AS (
                    -- busy as a per-guild probe of the small processing index: written as NOT EXISTS
                    -- in the WHERE below, the planner may turn it into an anti-join over a table scan
                    -- when statistics are stale (a freshly filled table), at 30-50 ms a claim.
                    SELECT head.id, head.status,
                           EXISTS (SELECT 1 FROM %1$s p WHERE p.guild_id = guilds.guild_id AND p.status = 'processing') AS busy
                    FROM guilds CROSS JOIN LATERAL (
                        SELECT h.id, h.status FROM %1$s h
                        WHERE h.guild_id = guilds.guild_id AND h.status IN ('pending', 'processing')
                        ORDER BY %2$s LIMIT 1) head
                    WHERE guilds.guild_id IS NOT NULL
                ), picked AS MATERIALIZED (
                    SELECT c.id
                    FROM %1$s c
                    JOIN heads ON heads.id = c.id
                    WHERE heads.status = 'pending'
                      AND NOT heads.busy
                      AND c.status = 'pending'
                    ORDER BY %3$s
                    LIMIT ?
                    FOR UPDATE OF c SKIP LOCKED
                ), claimed AS (
                    UPDATE %1$s t SET status = 'processing'%4$s
                    FROM picked
                    WHERE t.id = picked.id
                    RETURNING %5$s
                ), recorded AS (
                    INSERT INTO %6$s (command_table, command_id, worker_id, claimed_at)
                    SELECT ?, id, ?, now() FROM claimed
                    ON CONFLICT (command_table, command_id)
                    DO UPDATE SET worker_id = EXCLUDED.worker_id, claimed_at = EXCLUDED.claimed_at
                )
                SELECT id, guild_id, action, payload, requested_by, age_ms FROM claimed ORDER BY age_ms DESC NULLS FIRST, id
                """.formatted(T, order.formatted("h"), order.formatted("c"), claimSets, returning(t, "t"), CLAIMS);

        this.complete = """
                WITH outcome AS (
                    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS boolean[]), CAST(? AS text[])) AS o(id, ok, result)
                ), released AS (
                    DELETE FROM %2$s cl USING outcome o
                    WHERE cl.command_table = ? AND cl.worker_id = ? AND cl.command_id = o.id
                    RETURNING cl.command_id
                )
                UPDATE %1$s t
                SET status = CAST(CASE WHEN o.ok THEN 'done' ELSE 'error' END AS %3$s),
                    result = CAST(o.result AS %4$s)%5$s
                FROM outcome o JOIN released r ON r.command_id = o.id
                WHERE t.id = %6$s AND t.status = 'processing'
                RETURNING t.id::text
                """.formatted(T, CLAIMS, t.statusType(), t.resultType(), t.hasUpdatedAt() ? ",\n    updated_at = now()" : "",
                t.idFromText("o.id"));

        this.requeue = """
                WITH released AS (
                    DELETE FROM %2$s cl
                    WHERE cl.command_table = ? AND cl.worker_id = ? AND cl.command_id = ANY (CAST(? AS text[]))
                    RETURNING cl.command_id
                )
                UPDATE %1$s t SET status = 'pending'%3$s
                FROM released r
                WHERE t.id = %4$s AND t.status = 'processing'
                RETURNING t.id::text
                """.formatted(T, CLAIMS, (t.hasUpdatedAt() ? ", updated_at = now()" : "") + (t.hasPickedAt() ? ", picked_at = NULL" : ""),
                t.idFromText("r.command_id"));

        String orphanAge = t.changeTimestamp()
                .map(ts -> "AND (c.%1$s IS NULL OR c.%1$s < now() - make_interval(secs => ?))".formatted(ts))
                .orElse("AND CAST(? AS double precision) IS NOT NULL");
        this.takeOver = """
                WITH stale AS MATERIALIZED (
                    SELECT cl.command_id, cl.worker_id, cl.claimed_at,
                           EXISTS (SELECT 1 FROM %1$s c WHERE c.id = %3$s AND c.status = 'processing') AS live
                    FROM %2$s cl
                    WHERE cl.command_table = ?
                      AND CASE WHEN cl.worker_id = ?
                               THEN cl.claimed_at < now() - make_interval(secs => ?) AND cl.command_id <> ALL (CAST(? AS text[]))
                               ELSE coalesce((SELECT w.heartbeat_at FROM %4$s w WHERE w.worker_id = cl.worker_id), '-infinity')
                                    < now() - make_interval(secs => ?)
                          END
                ), stolen AS (
                    UPDATE %2$s cl SET worker_id = ?, claimed_at = now()
                    FROM stale s
                    WHERE s.live AND cl.command_table = ? AND cl.command_id = s.command_id
                      AND cl.worker_id = s.worker_id AND cl.claimed_at = s.claimed_at
                    RETURNING cl.command_id
                ), swept AS (
                    DELETE FROM %2$s cl USING stale s
                    WHERE NOT s.live AND cl.command_table = ? AND cl.command_id = s.command_id
                      AND cl.worker_id = s.worker_id AND cl.claimed_at = s.claimed_at
                ), orphans AS MATERIALIZED (
                    SELECT c.id
                    FROM %1$s c
                    WHERE c.status = 'processing' %5$s
                      AND NOT EXISTS (SELECT 1 FROM %2$s cl WHERE cl.command_table = ? AND cl.command_id = c.id::text)
                    FOR UPDATE OF c SKIP LOCKED
                ), adopted AS (
                    INSERT INTO %2$s (command_table, command_id, worker_id, claimed_at)
                    SELECT ?, id::text, ?, now() FROM orphans
                    ON CONFLICT (command_table, command_id) DO NOTHING
                    RETURNING command_id
                ), taken AS (
                    SELECT command_id FROM stolen UNION SELECT command_id FROM adopted
                )
                SELECT %6$s
                FROM %1$s t
                WHERE t.status = 'processing' AND t.id IN (SELECT %7$s FROM taken)
                """.formatted(T, CLAIMS, t.idFromText("cl.command_id"), WORKERS, orphanAge, returning(t, "t"),
                t.idFromText("command_id"));

        this.heartbeat = """
                INSERT INTO %s (worker_id, command_table, host, pid, started_at, heartbeat_at)
                VALUES (?, ?, ?, ?, now(), now())
                ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now()
                """.formatted(WORKERS);
        this.deleteWorker = "DELETE FROM %s WHERE worker_id = ?".formatted(WORKERS);
        this.forgetDeadWorkers = """
                DELETE FROM %1$s w
                WHERE w.heartbeat_at < now() - interval '1 hour'
                  AND NOT EXISTS (SELECT 1 FROM %2$s cl WHERE cl.worker_id = w.worker_id)
                """.formatted(WORKERS, CLAIMS);
    }

    /** A claimed row, in the shape {@link PostgresQueue} reads: id, guild_id, action, payload, requested_by, age_ms. */
    static String returning(CommandTable t, String alias) {
        return String.join(", ",
                alias + ".id::text AS id",
                alias + ".guild_id::text AS guild_id",
                alias + ".action::text AS action",
                alias + ".payload::text AS payload",
                (t.hasRequestedBy() ? alias + ".requested_by::text" : "NULL::text") + " AS requested_by",
                (t.hasCreatedAt() ? "(extract(epoch FROM (now() - " + alias + ".created_at)) * 1000)::bigint" : "NULL::bigint") + " AS age_ms");
    }
}
