package com.valoratbot.supabase;

import com.valoratbot.migrations.ValoratbotMigrations;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

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
 * <h2>Why the claim's cost is bounded by what it takes</h2>
 * It reads guilds from {@code valoratbot.queue_guilds} (one row per guild that may have work, in
 * line by {@code ready_at}) instead of walking every active guild: first it locks up to n ready
 * guild rows in line order ({@code FOR UPDATE SKIP LOCKED}), then, in a second statement of the same
 * transaction (a fresh snapshot, so every insert that touched those guild rows before our lock is
 * visible), it probes each guild's head and busy flag through the partial indexes, claims the heads,
 * parks the guilds it claimed or found busy ({@code ready_at = 'infinity'}) and forgets the guilds
 * with nothing active. Each step is an index probe per guild taken, whatever the backlog, the number
 * of active guilds or the statistics: the candidate rows are fetched with {@code id = ANY(ARRAY(...))},
 * an init plan and primary-key probes, which the planner cannot turn into a join over every guild
 * (issue 12: the {@code JOIN heads} form took 58 s at 5,000 pending guilds on stale statistics).
 * An insert that touches a guild row after our lock waits for our commit and then puts the guild back
 * in line (the insert trigger), so no pending command is ever left out of line.
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
    static final String GUILDS = SCHEMA + ".queue_guilds";
    static final String RUNS = SCHEMA + ".command_runs";
    static final String GATEWAY_LISTS = SCHEMA + ".gateway_lists";
    static final String GATEWAY_GUILDS = SCHEMA + ".gateway_guilds";

    /** The limits the claim applies in SQL; see {@link PostgresQueue.Builder}. */
    record Rules(Set<String> foreignActions, long maxPayloadBytes, long batchBytes, int maxAttempts, int perGuild) {
        /** One command per guild and claim: each claim takes its guilds' heads only. */
        Rules(Set<String> foreignActions, long maxPayloadBytes, long batchBytes, int maxAttempts) {
            this(foreignActions, maxPayloadBytes, batchBytes, maxAttempts, 1);
        }
    }

    /** Issue 11: the shards whose guilds this worker claims; total 0 = every guild (no sharding). */
    record Shards(int total, int[] owned) {
        static final Shards ALL = new Shards(0, new int[0]);
    }

    final String lockGuilds;
    final String lockGuildsOnShards;
    final String claim;
    final String complete;
    final String requeue;
    /** {@link #requeue} that also gives the claim's attempt back (never run: claim-ahead's buffer, shutdown). */
    final String handBack;

    final String lockForRequeue;
    final String takeOver;
    final String markStarted;
    final String resync;
    final String pruneRuns;
    final String heartbeat;
    final String deleteWorker;
    final String forgetDeadWorkers;
    final String listGuilds;
    final String unlistGuilds;
    final String openList;
    final String touchList;
    final String answerUnlisted;
    /** {@link #answerUnlisted} for a worker that owns shards: it judges only guilds on its shards. */
    final String answerUnlistedOnShards;

    QueueSql(CommandTable t, Rules rules) {
        String T = t.sqlName();
        // The (guild_id, created_at, id) index's own order (ASC is NULLS LAST), so a guild's head is the
        // first index entry; NULLS FIRST, or an index without the id (rows of one insert share
        // created_at), made every claim read and sort each guild's whole backlog. A row without
        // created_at counts as the newest.
        String order = t.hasCreatedAt() ? "%1$s.created_at ASC NULLS LAST, %1$s.id" : "%1$s.id";
        // Timestamps are the moment of the event (clock_timestamp()), not the transaction's start
        // (now()): picked_at >= created_at always (issue 10).
        String claimSets = (t.hasUpdatedAt() ? ", updated_at = clock_timestamp()" : "")
                + (t.hasPickedAt() ? ", picked_at = clock_timestamp()" : "");
        // Another consumer's actions (issue 13): never claimed, never a guild's head, never make it busy.
        // Trimmed as Action.fromWireName strips: a row " ADD_QUEST_PROGRESS" stays the other consumer's
        // instead of being claimed here and answered unknown_action (review finding 8).
        String ours = rules.foreignActions().isEmpty()
                ? ""
                : " AND btrim(%1$s.action::text, E' \\t\\n\\r\\f\\u000B') <> ALL (ARRAY["
                        + rules.foreignActions().stream()
                                .map(a -> "'" + a.replace("'", "''") + "'")
                                .sorted()
                                .collect(Collectors.joining(", "))
                        + "]::text[])";
        long maxBytes = rules.maxPayloadBytes();

        this.lockGuilds = "SELECT guild_id, row_ctid::text FROM %s.lock_ready_guilds(?, ?)".formatted(SCHEMA);
        this.lockGuildsOnShards =
                "SELECT guild_id, row_ctid::text FROM %s.lock_ready_guilds_on_shards(?, ?, ?, ?)".formatted(SCHEMA);

        // Sizes: the stored size first (compressed, no detoasting); only a payload stored small is
        // measured as text, so a 10 MB junk payload is refused without being expanded or sent.
        // Rows for guilds this worker's gateway certainly does not hold (issue 9's flood) are answered
        // here, in bulk, without being claimed: the head of a guild in none of the worker's list (see
        // gateway_guilds), created before the moment the list was last known complete (listed_at, the
        // database's clock), makes the guild "unlisted"; all its pending rows created before that
        // moment end 'error' with the worker's guild_not_found result, and the guild leaves the line
        // (or goes to its end when it has newer rows, which the next look takes the usual way). With no
        // listed_at (gateway not connected, no list yet) or no list header, nothing is answered here.
        // The shard filter (only guilds on shards this worker owns) belongs in lock_ready_guilds' WHERE,
        // before anything here looks at a guild.
        // The worker's list settings are read as scalar subqueries (init plans, evaluated once), never
        // joined: a join with the one-row CTE flipped sides with the statistics (ClaimPlanTest).
        // Without a header (no list) listed_at is NULL and nothing is unlisted.
        String listedAt = "(SELECT pa.listed_at FROM params pa)";
        String unlisted = !t.hasCreatedAt() ? "false" : """
                coalesce(head.status::text = 'pending' AND head.created_at < %2$s
                 AND cand.guild_id ~ '^[1-9][0-9]{0,18}$' AND (length(cand.guild_id) < 19 OR cand.guild_id <= '9223372036854775807')
                 AND NOT EXISTS (SELECT 1 FROM %1$s k WHERE k.worker_id = (SELECT pa.lister FROM params pa) AND k.guild_id = cand.guild_id),
                 false)""".formatted(GATEWAY_GUILDS, listedAt);
        String answerAbsent = !t.hasCreatedAt()
                ? "SELECT 1 WHERE false"
                : """
                UPDATE %1$s j SET status = CAST('error' AS %2$s), result = (SELECT pa.absent_result FROM params pa)%3$s
                    WHERE j.guild_id = ANY (ARRAY(SELECT %4$s FROM unlisted u))
                      AND j.status = 'pending' AND j.created_at < %6$s%5$s
                    RETURNING 1""".formatted(
                                T,
                                t.statusType(),
                                t.hasUpdatedAt() ? ", updated_at = clock_timestamp()" : "",
                                t.guildFromText("u.guild_id"),
                                ours.formatted("j"),
                                listedAt);
        String newerRows = !t.hasCreatedAt()
                ? "false"
                : "EXISTS (SELECT 1 FROM %1$s n WHERE n.guild_id = %2$s AND n.status = 'pending'%3$s AND (n.created_at >= %4$s OR n.created_at IS NULL))"
                        .formatted(T, t.guildFromText("p.guild_id"), ours.formatted("n"), listedAt);
        String created = t.hasCreatedAt() ? "c.created_at" : "NULL::timestamptz";
        String bytes = """
                CASE WHEN pg_column_size(c.payload) > %1$d THEN pg_column_size(c.payload)::bigint
                                     ELSE coalesce(octet_length(c.payload::text), 0)::bigint END""".formatted(maxBytes);
        String picked = rules.perGuild() <= 1
                ? """
                ), locked_heads AS MATERIALIZED (
                    SELECT c.ctid AS row_ctid, c.id, c.guild_id::text AS guild_id, %1$s AS created,
                           %2$s AS bytes, c.ctid = p.head_ctid AS same
                    FROM probed p JOIN %3$s c ON c.ctid = p.head_ctid
                    WHERE p.head_status = 'pending' AND NOT p.busy AND NOT p.unlisted AND c.status = 'pending'
                    FOR UPDATE OF c SKIP LOCKED
                ), picked AS MATERIALIZED (
                    -- "same": a head the lock followed to a version newer than our snapshot (older minor
                    -- releases) is one "claimed" would skip; left out here, its guild stays in line rather
                    -- than parked with nothing in flight (review finding 2).
                    SELECT l.row_ctid, l.id, l.guild_id, l.created, l.bytes FROM locked_heads l WHERE l.same""".formatted(created, bytes, T)
                // Several commands of a guild per claim (issue 12's drain at 200 guilds): a free guild's first
                // perGuild active commands in its order (all pending: it has none in flight), through the
                // same partial index as its head. The worker runs them one after another in that order.
                : """
                ), batch AS MATERIALIZED (
                    SELECT k.ctid AS row_ctid, k.rank
                    FROM probed p
                    CROSS JOIN LATERAL (
                        SELECT h.ctid, row_number() OVER (ORDER BY %5$s) AS rank FROM (
                            SELECT h.ctid, h.id%6$s FROM %3$s h
                            WHERE h.guild_id = %4$s AND h.status IN ('pending', 'processing')%7$s
                            ORDER BY %5$s LIMIT %8$d) h) k
                    WHERE p.head_status = 'pending' AND NOT p.busy AND NOT p.unlisted
                ), locked_rows AS MATERIALIZED (
                    SELECT c.ctid AS row_ctid, c.id, c.guild_id::text AS guild_id, %1$s AS created,
                           %2$s AS bytes, b.rank, c.ctid = b.row_ctid AS same
                    FROM batch b JOIN %3$s c ON c.ctid = b.row_ctid
                    WHERE c.status = 'pending'
                    FOR UPDATE OF c SKIP LOCKED
                ), picked AS MATERIALIZED (
                    -- Only each guild's unbroken prefix: a row skipped (locked by another statement, or no
                    -- longer pending on its latest version) ends its guild's batch there, so no command is
                    -- ever claimed before an earlier one of its guild. "same": on older minor releases the
                    -- lock follows a row's update chain to a version newer than our snapshot (the TID join
                    -- is not re-checked), which "claimed" (by ctid, on our snapshot) then skips; such a row
                    -- counts as skipped here, or the guild's later rows would run before it (review finding 2).
                    SELECT z.row_ctid, z.id, z.guild_id, z.created, z.bytes FROM (
                        SELECT l.row_ctid, l.id, l.guild_id, l.created, l.bytes, l.rank,
                               row_number() OVER (PARTITION BY l.guild_id ORDER BY l.rank) AS got
                        FROM locked_rows l WHERE l.same) z
                    WHERE z.got = z.rank""".formatted(
                                created,
                                bytes,
                                T,
                                t.guildFromText("p.guild_id"),
                                order.formatted("h"),
                                t.hasCreatedAt() ? ", h.created_at" : "",
                                ours.formatted("h"),
                                rules.perGuild());
        // RECURSIVE only lets "params" (first) read "me" (written where the worker's id has always been
        // bound): WITH queries may then come in any order. Nothing here recurses.
        this.claim = """
                WITH RECURSIVE params AS MATERIALIZED (
                    SELECT me.worker_id AS lister, l.worker_id IS NOT NULL AS listed, l.listed_at,
                           CAST(l.absent_result AS %15$s) AS absent_result
                    FROM me LEFT JOIN %14$s l ON l.worker_id = me.worker_id
                ), probed AS MATERIALIZED (
                    SELECT cand.guild_id, cand.row_ctid, head.ctid AS head_ctid, head.id AS head_id, head.status::text AS head_status,
                           EXISTS (SELECT 1 FROM %1$s p WHERE p.guild_id = %2$s AND p.status = 'processing'%3$s) AS busy,
                           %16$s AS unlisted
                    FROM unnest(CAST(? AS text[]), CAST(? AS tid[])) AS cand(guild_id, row_ctid)
                    LEFT JOIN LATERAL (
                        SELECT h.ctid, h.id, h.status%19$s FROM %1$s h
                        WHERE h.guild_id = %2$s AND h.status IN ('pending', 'processing')%4$s
                        ORDER BY %5$s LIMIT 1) head ON true
                ), unlisted AS MATERIALIZED (
                    SELECT p.guild_id, p.row_ctid, %18$s AS newer
                    FROM probed p
                    WHERE p.unlisted AND NOT p.busy
                ), answered AS (
                    %17$s
%20$s
                ), admitted AS MATERIALIZED (
                    -- The batch is bounded in bytes: rows past the budget stay pending (the first always fits).
                    -- "seq" is the claim's order (created_at, then id): a guild's commands in its own order.
                    SELECT x.row_ctid, x.id, x.guild_id, x.bytes, x.seq FROM (
                        SELECT row_ctid, id, guild_id, bytes, row_number() OVER (ORDER BY created NULLS LAST, id) AS seq,
                               sum(least(bytes, %7$d)) OVER (ORDER BY created NULLS LAST, id) - least(bytes, %7$d) AS before
                        FROM picked) x
                    WHERE x.before < %8$d
                ), claimed AS (
                    UPDATE %1$s t SET status = 'processing'%10$s
                    FROM admitted a
                    WHERE t.ctid = a.row_ctid
                    RETURNING %11$s, a.bytes, a.seq
                ), me AS MATERIALIZED (
                    SELECT CAST(? AS text) AS command_table, CAST(? AS text) AS worker_id
                ), recorded AS (
                    INSERT INTO %12$s (command_table, command_id, worker_id, claimed_at)
                    SELECT me.command_table, c.id, me.worker_id, clock_timestamp() FROM claimed c CROSS JOIN me
                    ON CONFLICT (command_table, command_id)
                    DO UPDATE SET worker_id = EXCLUDED.worker_id, claimed_at = EXCLUDED.claimed_at
                ), runs AS (
                    -- What the id's earlier claims left (the attempts before this one, whether one finished),
                    -- read from the row this upsert locks: its finished_at is left as it was.
                    INSERT INTO %9$s AS r (command_table, command_id, claims, tracked, claimed_at)
                    SELECT ?, id, 1, ?, clock_timestamp() FROM claimed
                    ON CONFLICT (command_table, command_id) DO UPDATE
                    SET claims = r.claims + 1, tracked = EXCLUDED.tracked, claimed_at = EXCLUDED.claimed_at, started_at = NULL
                    RETURNING r.command_id, r.claims - 1 AS claims, r.finished_at IS NOT NULL AS finished
                ), prior AS MATERIALIZED (
                    -- Only the ids claimed before, nearly always none: the result joins its claimed rows with
                    -- these. Joined with every upserted row instead, it was one comparison per pair of claimed
                    -- rows (4,000 rows, 16 million; the 200-guild drain fell to a third: ClaimPlanTest).
                    SELECT u.command_id, u.claims, u.finished FROM runs u WHERE u.claims > 0 OR u.finished
                ), parked AS (
                    -- Guilds claimed or found busy leave the line ('infinity'); an unlisted guild whose rows
                    -- created after listed_at remain goes to its end. One statement for both: each update of
                    -- a table in the claim is one more node to set up on every call, whatever it takes.
                    UPDATE %13$s g SET ready_at = CASE
                        WHEN g.ctid = ANY (ARRAY(SELECT u.row_ctid FROM unlisted u WHERE u.newer)) THEN clock_timestamp()
                        ELSE 'infinity' END
                    WHERE g.ctid = ANY (ARRAY(SELECT p.row_ctid FROM probed p
                                              WHERE p.busy OR p.guild_id IN (SELECT a.guild_id FROM admitted a)
                                              UNION ALL SELECT u.row_ctid FROM unlisted u WHERE u.newer))
                ), forgotten AS (
                    DELETE FROM %13$s g
                    WHERE g.ctid = ANY (ARRAY(SELECT p.row_ctid FROM probed p WHERE p.head_id IS NULL
                                              UNION ALL SELECT u.row_ctid FROM unlisted u WHERE NOT u.newer))
                )
                SELECT c.id, c.guild_id, c.action, c.payload, c.requested_by, c.age_ms, c.bytes,
                       coalesce(pr.claims, 0) AS prior_claims, coalesce(pr.finished, false) AS finished,
                       0::bigint AS cleaned, 0::bigint AS answered, NULL::boolean AS listed, c.seq
                FROM claimed c LEFT JOIN prior pr ON pr.command_id = c.id
                UNION ALL
                SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                       (SELECT count(*) FROM probed p WHERE p.busy OR p.head_id IS NULL) + (SELECT count(*) FROM unlisted),
                       (SELECT count(*) FROM answered), (SELECT pa.listed FROM params pa), NULL
                """.formatted(
                        T,
                        t.guildFromText("cand.guild_id"),
                        ours.formatted("p"),
                        ours.formatted("h"),
                        order.formatted("h"),
                        t.hasCreatedAt() ? "c.created_at" : "NULL::timestamptz",
                        maxBytes,
                        rules.batchBytes(),
                        RUNS,
                        claimSets,
                        returning(t, "t", "CASE WHEN a.bytes > " + maxBytes + " THEN NULL ELSE t.payload::text END"),
                        CLAIMS,
                        GUILDS,
                        GATEWAY_LISTS,
                        t.resultType(),
                        unlisted,
                        answerAbsent,
                        newerRows,
                        t.hasCreatedAt() ? ", h.created_at" : "",
                        picked);

        // A flood's own statement (issue 9): while claims keep answering rows of unlisted guilds, the
        // claim loop first runs this over a larger slice of the line's front (lock_ready_guilds, so the
        // same locks and order as a claim), answering the unlisted guilds there the claim's way and
        // leaving every other guild as it was (its lock ends with the statement). Nothing is claimed,
        // so no slot bounds it: 20,000 junk rows take ten statements instead of 75 claim rounds.
        Function<String, String> answerUnlistedVia = lockCall -> !t.hasCreatedAt()
                ? "SELECT 0::bigint AS answered"
                : """
                WITH me AS MATERIALIZED (
                    SELECT CAST(? AS text) AS worker_id
                ), params AS MATERIALIZED (
                    SELECT me.worker_id AS lister, l.listed_at, CAST(l.absent_result AS %7$s) AS absent_result
                    FROM me JOIN %8$s l ON l.worker_id = me.worker_id
                ), probed AS MATERIALIZED (
                    SELECT cand.guild_id, cand.row_ctid,
                           EXISTS (SELECT 1 FROM %1$s p WHERE p.guild_id = %2$s AND p.status = 'processing'%3$s) AS busy,
                           %9$s AS unlisted
                    FROM %10$s.%13$s AS cand(guild_id, row_ctid)
                    LEFT JOIN LATERAL (
                        SELECT h.ctid, h.id, h.status, h.created_at FROM %1$s h
                        WHERE h.guild_id = %2$s AND h.status IN ('pending', 'processing')%4$s
                        ORDER BY %5$s LIMIT 1) head ON true
                ), unlisted AS MATERIALIZED (
                    SELECT p.guild_id, p.row_ctid, %11$s AS newer
                    FROM probed p
                    WHERE p.unlisted AND NOT p.busy
                ), answered AS (
                    %12$s
                ), requeued AS (
                    UPDATE %6$s g SET ready_at = clock_timestamp()
                    WHERE g.ctid = ANY (ARRAY(SELECT u.row_ctid FROM unlisted u WHERE u.newer))
                ), forgotten AS (
                    DELETE FROM %6$s g WHERE g.ctid = ANY (ARRAY(SELECT u.row_ctid FROM unlisted u WHERE NOT u.newer))
                )
                SELECT (SELECT count(*) FROM answered) AS answered
                """.formatted(
                                T,
                                t.guildFromText("cand.guild_id"),
                                ours.formatted("p"),
                                ours.formatted("h"),
                                order.formatted("h"),
                                GUILDS,
                                t.resultType(),
                                GATEWAY_LISTS,
                                unlisted,
                                SCHEMA,
                                newerRows,
                                answerAbsent,
                                lockCall);

        this.answerUnlisted = answerUnlistedVia.apply("lock_ready_guilds(?, ?)");
        // A sharded worker's list covers only its shards: another shard's guild is absent from it
        // and must never be judged by it, so its flood statement reads only its shards' line.
        this.answerUnlistedOnShards = answerUnlistedVia.apply("lock_ready_guilds_on_shards(?, ?, ?, ?)");

        // The worker's list of the guilds its gateway holds: what changed since its last look. The
        // header first (the guilds reference it); see V510__gateway_guilds.sql.
        this.openList = """
                INSERT INTO %s (worker_id, listed_at, absent_result) VALUES (?, ?, ?)
                ON CONFLICT (worker_id) DO UPDATE SET listed_at = EXCLUDED.listed_at, absent_result = EXCLUDED.absent_result
                """.formatted(GATEWAY_LISTS);
        this.touchList = "UPDATE %s SET listed_at = ?, absent_result = ? WHERE worker_id = ?".formatted(GATEWAY_LISTS);
        this.listGuilds = """
                INSERT INTO %s (worker_id, guild_id) SELECT ?, g FROM unnest(CAST(? AS text[])) g
                ON CONFLICT (worker_id, guild_id) DO NOTHING
                """.formatted(GATEWAY_GUILDS);
        this.unlistGuilds =
                "DELETE FROM %s WHERE worker_id = ? AND guild_id = ANY (CAST(? AS text[]))".formatted(GATEWAY_GUILDS);

        // The guild goes back in line (at the end: round robin) when it has more pending commands, and
        // leaves the line when it has none; the count of guilds put back tells the worker whether a
        // claim can find anything (no empty claim after every completion batch).
        this.complete = """
                WITH outcome AS MATERIALIZED (
                    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS boolean[]), CAST(? AS text[])) AS o(id, ok, result)
                ), held AS MATERIALIZED (
                    -- The outcomes' claims still ours, locked, as one jsonb object (one look-up per outcome,
                    -- no join): a per-outcome probe of the claims was planned as a scan of the whole
                    -- table per outcome once its statistics said it was empty (taken while idle). The lock
                    -- serializes with a takeover: a claim moved to another worker after our snapshot is
                    -- re-read (EvalPlanQual), fails "worker_id = us", and its command is left alone.
                    SELECT jsonb_object_agg(c.command_id, true) AS ids FROM (
                        SELECT cl.command_id FROM %2$s cl
                        WHERE cl.command_table = ? AND cl.worker_id = ? AND cl.command_id = ANY (ARRAY(SELECT o.id FROM outcome o))
                        FOR UPDATE) c
                ), targets AS MATERIALIZED (
                    -- Each outcome whose claim is held finds its command by primary key, a per-outcome
                    -- probe the planner cannot turn into a join (a LATERAL with LIMIT is never pulled up).
                    -- The outcome used to be joined with the deleted claim rows (a CTE): both estimated at
                    -- one row, that join became a nested loop over the CTE, quadratic in the batch (249,500
                    -- rows for 500 outcomes; issue 12's drain at 20,000 guilds under steady statistics);
                    -- and with the commands' statistics saying nothing is processing, a plain join read
                    -- the whole table once and the outcome once per row (CompletionPlanTest).
                    SELECT o.ok, o.result, x.id
                    FROM outcome o
                    CROSS JOIN LATERAL (
                        -- "IS TRUE" keeps the processing index out of this probe: with statistics saying
                        -- almost nothing is processing (a long-lived table), the planner scanned that whole
                        -- index once per outcome (124,750 rows filtered for 500 outcomes, 320 ms against
                        -- 102 ms with primary-key probes; issue 12's steady drain). Same meaning.
                        SELECT t.id::text AS id FROM %1$s t
                        WHERE t.id = %6$s AND (t.status = 'processing') IS TRUE
                        LIMIT 1) x
                    WHERE jsonb_exists((SELECT h.ids FROM held h), o.id)
                ), by_id AS MATERIALIZED (
                    SELECT jsonb_object_agg(x.id, jsonb_build_array(x.ok, x.result)) AS outcomes
                    FROM targets x
                ), finished AS (
                    -- Re-found by primary key (index probes over the array), and no join at all: each row
                    -- reads its outcome from a jsonb object keyed by id, built once (an init plan), a
                    -- binary search per row. Any join with "targets" is open to the planner's luck: told
                    -- that almost nothing is processing it scanned the table with the targets re-read for
                    -- each row (249,500 rows for 500 outcomes), told that the batch is large it hashed the
                    -- whole table (CompletionPlanTest). By id, not by ctid, with the status test: a row the
                    -- dashboard updated after our snapshot (a note, a cancel) has a new ctid, and an update
                    -- by ctid skipped it, leaving a finished command processing with its outcome lost
                    -- (review finding 1); by id, PostgreSQL re-checks the row's latest version
                    -- (EvalPlanQual): still processing, it ends with its outcome; cancelled meanwhile, it is
                    -- left as the dashboard set it. "IS TRUE" as in "targets" (keeps the probe on the key).
                    UPDATE %1$s t
                    SET status = CAST(CASE WHEN ((SELECT m.outcomes FROM by_id m) -> t.id::text ->> 0)::boolean
                                           THEN 'done' ELSE 'error' END AS %3$s),
                        result = CAST((SELECT m.outcomes FROM by_id m) -> t.id::text ->> 1 AS %4$s)%5$s
                    WHERE t.id = ANY (ARRAY(SELECT %12$s FROM targets x)) AND (t.status = 'processing') IS TRUE
                    RETURNING t.id::text AS id, t.guild_id
                ), released AS (
                    -- Primary-key probes (= ANY (ARRAY(...))), not a join: a join read every claim this
                    -- worker holds and every remembered run of the table for each batch, so in a flood
                    -- (20,000 claimed) a batch of 1,000 outcomes took seconds (issue 9). Every outcome's
                    -- claim of ours goes, finished or not (a row deleted or changed by hand meanwhile);
                    -- only after "finished" has locked the claims it needs (the init plan runs it first:
                    -- a claim deleted earlier in this statement could not be locked, and its command
                    -- would stay processing).
                    DELETE FROM %2$s cl
                    WHERE cl.command_table = ? AND cl.worker_id = ? AND cl.command_id = ANY (ARRAY(SELECT o.id FROM outcome o))
                      AND (SELECT count(*) FROM finished) >= 0
                    RETURNING cl.command_id
                ), ran AS (
                    UPDATE %7$s r SET finished_at = clock_timestamp()
                    WHERE r.command_table = ? AND r.command_id = ANY (ARRAY(SELECT rl.command_id FROM released rl))
                ), guilds AS MATERIALIZED (
                    -- "OFFSET 0" keeps each EXISTS a probe of the guild's index entries: without it the
                    -- planner, told by "steady" statistics that almost nothing is pending, hashed the
                    -- whole backlog once per completion instead (19,800 rows for 200 outcomes at 200
                    -- guilds; issue 12's drain).
                    -- "busy": another command of the guild is still in flight (claimed with these, several per
                    -- guild, and not finished here; this statement's snapshot still sees the finished ones
                    -- processing, hence the look-up by id): the guild stays parked until its last one ends.
                    SELECT d.guild_id::text AS guild_id,
                           EXISTS (SELECT 1 FROM %1$s q WHERE q.guild_id = d.guild_id AND q.status = 'pending'%9$s OFFSET 0) AS more,
                           EXISTS (SELECT 1 FROM %1$s b WHERE b.guild_id = d.guild_id AND b.status = 'processing'%11$s
                                   AND NOT jsonb_exists((SELECT m.outcomes FROM by_id m), b.id::text) OFFSET 0) AS busy
                    FROM (SELECT DISTINCT f.guild_id FROM finished f) d
                ), settled AS MATERIALIZED (
                    -- The guild rows: locked in guild order, put back in line or forgotten, by
                    -- valoratbot.settle_guilds (V520), where no plan can read them any other way than by
                    -- primary key. Here they were read through the ready index by a generic plan made
                    -- while the line was nearly empty: 48 ms a completion at 20,000 guilds (issue 12).
                    SELECT %13$s(?,
                               ARRAY(SELECT gd.guild_id FROM guilds gd),
                               ARRAY(SELECT gd.guild_id FROM guilds gd WHERE gd.more AND NOT gd.busy),
                               ARRAY(SELECT gd.guild_id FROM guilds gd WHERE NOT gd.more AND NOT gd.busy)) AS readied
                )
                SELECT (SELECT count(*) FROM finished) AS finished, (SELECT s.readied FROM settled s) AS readied
                """.formatted(
                        T,
                        CLAIMS,
                        t.statusType(),
                        t.resultType(),
                        t.hasUpdatedAt() ? ",\n    updated_at = clock_timestamp()" : "",
                        t.idFromText("o.id"),
                        RUNS,
                        GUILDS,
                        ours.formatted("q"),
                        t.guildFromText("g.guild_id"),
                        ours.formatted("b"),
                        t.idFromText("x.id"),
                        SCHEMA + ".settle_guilds");

        // Requeue runs in one transaction after lockForRequeue has locked our claim rows: a start mark
        // (which updates the claim row) has then either committed, and this statement's fresh snapshot
        // sees its started_at, or it waits and then finds the claim gone. A row that started stays
        // claimed and is returned, for the caller to end interrupted: never back to pending (finding 1).
        this.lockForRequeue = """
                SELECT cl.command_id FROM %1$s cl
                WHERE cl.command_table = ? AND cl.worker_id = ? AND cl.command_id = ANY (CAST(? AS text[]))
                ORDER BY cl.command_id
                FOR UPDATE
                """.formatted(CLAIMS);
        this.requeue = requeueSql(t, false);
        this.handBack = requeueSql(t, true);

        // The mark updates our claim row itself (claimed_at), in the same statement as started_at, so
        // it and a takeover serialize on that row's lock: a takeover that read the claim before the
        // mark committed fails its re-check (claimed_at = s.claimed_at, EvalPlanQual) and steals
        // nothing; a takeover that committed first leaves no claim of ours, so the mark updates
        // nothing and the caller does not call Discord (finding 1).
        this.markStarted = """
                WITH mine AS (
                    UPDATE %2$s cl SET claimed_at = clock_timestamp()
                    WHERE cl.command_table = ? AND cl.command_id = ? AND cl.worker_id = ?
                    RETURNING cl.command_table, cl.command_id
                ), marked AS (
                    UPDATE %1$s r SET started_at = clock_timestamp()
                    FROM mine m
                    WHERE r.command_table = m.command_table AND r.command_id = m.command_id
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM mine) AS held, (SELECT count(*) FROM marked) AS marked
                """.formatted(RUNS, CLAIMS);

        String orphanAge = t.changeTimestamp()
                .map(ts -> "AND (c.%1$s IS NULL OR c.%1$s < now() - make_interval(secs => ?))".formatted(ts))
                .orElse("AND CAST(? AS double precision) IS NOT NULL");
        // The payload is never loaded here: a taken-over command is requeued or ended, never run
        // from this row, so a huge payload cannot make the takeover fail.
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
                    UPDATE %2$s cl SET worker_id = ?, claimed_at = clock_timestamp()
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
                    SELECT ?, id::text, ?, clock_timestamp() FROM orphans
                    ON CONFLICT (command_table, command_id) DO NOTHING
                    RETURNING command_id
                ), taken AS (
                    SELECT command_id FROM stolen UNION SELECT command_id FROM adopted
                )
                SELECT %6$s, NOT coalesce(r.tracked, false) OR r.started_at IS NOT NULL AS may_have_started
                FROM %1$s t
                LEFT JOIN %8$s r ON r.command_table = ? AND r.command_id = t.id::text
                WHERE t.status = 'processing' AND t.id IN (SELECT %7$s FROM taken)
                """.formatted(
                        T,
                        CLAIMS,
                        t.idFromText("cl.command_id"),
                        WORKERS,
                        orphanAge,
                        returning(t, "t", "NULL::text"),
                        t.idFromText("command_id"),
                        RUNS);

        // Heals the line, whatever happened behind the triggers' back (a row deleted while processing,
        // triggers disabled during a restore): every guild with a pending command of ours and nothing in
        // flight is put in line. It walks the active guilds (one index probe each), so it runs rarely,
        // never on the claim's path.
        this.resync = """
                WITH RECURSIVE guilds(guild_id) AS (
                    (SELECT g.guild_id FROM %1$s g WHERE g.status IN ('pending', 'processing') ORDER BY g.guild_id LIMIT 1)
                    UNION ALL
                    SELECT (SELECT g.guild_id FROM %1$s g
                            WHERE g.status IN ('pending', 'processing') AND g.guild_id > guilds.guild_id
                            ORDER BY g.guild_id LIMIT 1)
                    FROM guilds WHERE guilds.guild_id IS NOT NULL
                ), ready AS MATERIALIZED (
                    -- "OFFSET 0" keeps each EXISTS a probe of one guild's index entries. As joins, with
                    -- statistics saying almost nothing is processing, the planner re-read every processing
                    -- row for each guild (25,959,168 rows, 16.5 s, at 19,000 guilds with 60,000 pending
                    -- in issue 12's drain), and the guild rows this statement locks as it goes stayed
                    -- locked all that time: every completion of those guilds waited on it.
                    SELECT gd.guild_id FROM guilds gd
                    WHERE gd.guild_id IS NOT NULL
                      AND EXISTS (SELECT 1 FROM %1$s q WHERE q.guild_id = gd.guild_id AND q.status = 'pending'%3$s OFFSET 0)
                      AND NOT EXISTS (SELECT 1 FROM %1$s p WHERE p.guild_id = gd.guild_id AND p.status = 'processing'%4$s OFFSET 0)
                )
                INSERT INTO %2$s AS g (command_table, guild_id, ready_at)
                SELECT ?, r.guild_id::text, clock_timestamp() FROM ready r
                ON CONFLICT (command_table, guild_id) DO UPDATE SET ready_at = EXCLUDED.ready_at
                    WHERE g.ready_at = 'infinity'
                RETURNING g.guild_id
                """.formatted(T, GUILDS, ours.formatted("q"), ours.formatted("p"));

        // Replay protection needs the ids of recent commands only: an older row set back to pending
        // is refused as expired anyway (its created_at is older than the maximum age).
        this.pruneRuns = """
                DELETE FROM %1$s r WHERE r.ctid = ANY (ARRAY(
                    SELECT x.ctid FROM %1$s x WHERE x.claimed_at < now() - make_interval(secs => ?) LIMIT 10000))
                """.formatted(RUNS);

        this.heartbeat = """
                INSERT INTO %s (worker_id, command_table, host, pid, started_at, heartbeat_at)
                VALUES (?, ?, ?, ?, clock_timestamp(), clock_timestamp())
                ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = clock_timestamp()
                """.formatted(WORKERS);
        this.deleteWorker = "DELETE FROM %s WHERE worker_id = ?".formatted(WORKERS);
        this.forgetDeadWorkers = """
                DELETE FROM %1$s w
                WHERE w.heartbeat_at < now() - interval '1 hour'
                  AND NOT EXISTS (SELECT 1 FROM %2$s cl WHERE cl.worker_id = w.worker_id)
                """.formatted(WORKERS, CLAIMS);
    }

    /** A claimed row, in the shape {@link PostgresQueue} reads: id, guild_id, action, payload, requested_by, age_ms. */
    static String returning(CommandTable t, String alias, String payload) {
        return String.join(
                ", ",
                alias + ".id::text AS id",
                alias + ".guild_id::text AS guild_id",
                alias + ".action::text AS action",
                payload + " AS payload",
                (t.hasRequestedBy() ? alias + ".requested_by::text" : "NULL::text") + " AS requested_by",
                (t.hasCreatedAt()
                                ? "(extract(epoch FROM (clock_timestamp() - " + alias + ".created_at)) * 1000)::bigint"
                                : "NULL::bigint")
                        + " AS age_ms");
    }

    /**
     * Requeue: back to pending, except what started (returned, to end interrupted). With {@code
     * giveBack} the claim's attempt is given back too (claims - 1, never below 0): the command never
     * reached a thread, so it must not count towards {@code maxAttempts}.
     */
    private static String requeueSql(CommandTable t, boolean giveBack) {
        String T = t.sqlName();
        return """
                WITH started AS MATERIALIZED (
                    SELECT r.command_id FROM %5$s r
                    WHERE r.command_table = ? AND r.command_id = ANY (CAST(? AS text[])) AND r.started_at IS NOT NULL
                ), released AS (
                    DELETE FROM %2$s cl
                    WHERE cl.command_table = ? AND cl.worker_id = ? AND cl.command_id = ANY (CAST(? AS text[]))
                      AND cl.command_id NOT IN (SELECT s.command_id FROM started s)
                    RETURNING cl.command_table, cl.command_id
                )%6$s, lined AS MATERIALIZED (
                    -- The requeue trigger puts each row's guild back in line, row by row in the order
                    -- the update meets them. Put in line here first, in one upsert in guild order (as
                    -- the insert trigger and the completion lock guild rows), the trigger then finds
                    -- each guild row already ours: a hand-back over many guilds and a bulk insert
                    -- never wait on each other in a cycle. The commands are found by primary key ("IS
                    -- TRUE" keeps the processing index out: with statistics saying it is nearly empty the
                    -- planner read all of it and tested each row against every released id).
                    INSERT INTO %7$s AS g (command_table, guild_id, ready_at)
                    SELECT ?, d.guild_id, clock_timestamp()
                    FROM (SELECT DISTINCT t.guild_id::text AS guild_id FROM %1$s t
                          WHERE t.id = ANY (ARRAY(SELECT %4$s FROM released r))
                            AND (t.status = 'processing') IS TRUE AND t.guild_id IS NOT NULL) d
                    ORDER BY d.guild_id
                    ON CONFLICT (command_table, guild_id) DO UPDATE SET ready_at = EXCLUDED.ready_at
                        WHERE g.ready_at > EXCLUDED.ready_at
                    RETURNING 1
                ), requeued AS (
                    -- Primary-key probes over the released ids, as in "lined": "IS TRUE" keeps the
                    -- processing index out (told it is nearly empty, the planner joined every processing
                    -- row with every released claim: 1,178,880 rows for a hand-back of 768).
                    UPDATE %1$s t SET status = 'pending'%3$s
                    WHERE t.id = ANY (ARRAY(SELECT %4$s FROM released r)) AND (t.status = 'processing') IS TRUE
                      AND (SELECT count(*) FROM lined) >= 0
                    RETURNING t.id::text
                )
                SELECT s.command_id FROM started s
                WHERE (SELECT count(*) FROM requeued) >= 0
                  AND EXISTS (SELECT 1 FROM %2$s cl WHERE cl.command_table = ? AND cl.command_id = s.command_id AND cl.worker_id = ?)
                """.formatted(
                        T,
                        CLAIMS,
                        (t.hasUpdatedAt() ? ", updated_at = clock_timestamp()" : "")
                                + (t.hasPickedAt() ? ", picked_at = NULL" : ""),
                        t.idFromText("r.command_id"),
                        RUNS,
                        giveBack ? """
                                , given_back AS (
                                    UPDATE %s r SET claims = greatest(r.claims - 1, 0)
                                    FROM released x
                                    WHERE r.command_table = x.command_table AND r.command_id = x.command_id
                                )""".formatted(RUNS) : "",
                        GUILDS);
    }
}
