-- The queue's bookkeeping (adapters-supabase's PostgresQueue; versions 300-399 belong to it).
-- See docs/architecture.md, "The claim".

-- One row per (command table, guild) that may have a claimable command, so that a claim reads only
-- the guilds it takes instead of walking every guild with work (issue 12: a claim over 5,000 active
-- guilds took 58 s with statistics taken while the table was idle).
--   ready_at = when the guild became ready; claims take guilds in this order (oldest first), and a
--              guild goes to the back of the line after each of its commands (round robin: a guild
--              with a huge backlog holds one slot, never more than its share).
--   ready_at = 'infinity': parked, a command of the guild is in flight (or it had none at the last look).
-- It is a hint, never the truth: a claim re-checks each guild in the command table itself. It is kept
-- by triggers on the command table (insert, return to 'pending'), by the claim (parks or forgets
-- the guilds it looked at) and by the completion (puts the guild back in line when it has more).
CREATE TABLE queue_guilds (
    command_table text        NOT NULL,
    guild_id      text        NOT NULL,
    ready_at      timestamptz NOT NULL,
    PRIMARY KEY (command_table, guild_id)
);
CREATE INDEX queue_guilds_ready_idx ON queue_guilds (command_table, ready_at, guild_id);
-- Small and hot: vacuumed often so its index scans stay short.
ALTER TABLE queue_guilds SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
                              autovacuum_analyze_scale_factor = 0.05);

-- What happened to each command id this queue claimed, kept after the command ends (pruned after
-- some days), so that
--   * an id that already finished is never executed again when someone sets it back to 'pending'
--     (answered 'already_executed'; the CLI's replay inserts a new row with a new id);
--   * a command that keeps being claimed without ending (its worker crashes on it, again and again)
--     ends 'error' after a bounded number of claims;
--   * a dead worker's command that never started its side effects is run again whatever its action:
--     tracked = the claiming worker records started_at before the first Discord call.
CREATE TABLE command_runs (
    command_table text        NOT NULL,
    command_id    text        NOT NULL,
    claims        integer     NOT NULL DEFAULT 1,
    tracked       boolean     NOT NULL DEFAULT false,
    claimed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at    timestamptz,
    finished_at   timestamptz,
    PRIMARY KEY (command_table, command_id)
);
CREATE INDEX command_runs_prune_idx ON command_runs (claimed_at);

-- The first step of a claim: lock up to n ready guilds of one command table, oldest in line first,
-- skipping those another worker holds. Returns each row's ctid too: the claim's second statement
-- then updates exactly these rows by ctid (we hold their locks, so it cannot change).
-- Every step of a claim is an index or TID probe per guild taken. Sequential and bitmap scans are
-- turned off for the rest of the claim's transaction (set_config(..., true) lasts until its end):
-- with statistics taken while the queue was idle, the planner otherwise reads every ready guild
-- through a bitmap scan and sorts them, or scans the whole active index to find 256 rows by ctid
-- (issue 12). Sorting is off for this query only, so the line is read in its index's order.
CREATE FUNCTION lock_ready_guilds(p_table text, p_limit integer)
RETURNS TABLE (guild_id text, row_ctid tid)
LANGUAGE plpgsql
SET enable_sort = off
AS $fn$
BEGIN
    PERFORM set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true);
    RETURN QUERY
        SELECT g.guild_id, g.ctid FROM valoratbot.queue_guilds g
        WHERE g.command_table = p_table AND g.ready_at < 'infinity'
        ORDER BY g.ready_at, g.guild_id
        LIMIT p_limit
        FOR UPDATE SKIP LOCKED;
END
$fn$;
