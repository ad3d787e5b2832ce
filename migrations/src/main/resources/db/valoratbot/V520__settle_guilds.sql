-- The completion's last step, on the claim's line of guilds (issue 12; versions 520-529 belong to the
-- completion): lock the finished commands' guild rows in guild order, put back in line those with
-- more to do and nothing in flight, forget the parked ones with nothing left.
--
-- Why a function: the completion is one prepared statement, and PostgreSQL keeps one generic plan
-- for it, made at some early call. Made while the line was nearly empty (an idle queue, before a
-- burst), any index looks as cheap as any other, and the plan kept reading the guild rows through
-- the ready index (every guild of the table, then filtered) and deleting through a bitmap of that
-- same index: 42,000 index entries walked twice per completion, 48 ms a call at 20,000 guilds with
-- statistics taken while idle, where the primary key costs one probe per guild (issue 12's drain,
-- "steady" scenario: 2,500 commands/s against 10,000 with fresh statistics). Here sequential and
-- bitmap scans are off while the function runs (its SET clauses), so every plan it makes, whenever,
-- probes the primary key; and the ready index below covers only guilds in line, which these
-- statements never ask for, so it is not a candidate at all.
CREATE FUNCTION settle_guilds(p_table text, p_guilds text[], p_ready text[], p_idle text[])
RETURNS integer
LANGUAGE plpgsql
SET enable_seqscan = off
SET enable_bitmapscan = off
AS $fn$
DECLARE
    v_readied integer;
BEGIN
    -- Guild rows are locked in guild order, as the insert trigger upserts them: a completion and an
    -- insert (or two completions) never wait on each other in a cycle.
    WITH locked AS MATERIALIZED (
        SELECT g.guild_id, g.ready_at, g.ctid AS row_ctid
        FROM valoratbot.queue_guilds g
        WHERE g.command_table = p_table AND g.guild_id = ANY (p_guilds)
        ORDER BY g.guild_id
        FOR UPDATE
    ), readied AS (
        INSERT INTO valoratbot.queue_guilds AS g (command_table, guild_id, ready_at)
        SELECT p_table, r.guild_id, clock_timestamp()
        FROM unnest(p_ready) AS r(guild_id)
        WHERE (SELECT count(*) FROM locked) >= 0
        ORDER BY r.guild_id
        ON CONFLICT (command_table, guild_id) DO UPDATE SET ready_at = EXCLUDED.ready_at
            WHERE g.ready_at > EXCLUDED.ready_at
        RETURNING 1
    ), idle AS (
        -- By the locked version's ctid: still parked ('infinity') once locked, so no insert put the
        -- guild back in line meanwhile.
        DELETE FROM valoratbot.queue_guilds g
        WHERE g.ctid = ANY (ARRAY(
            SELECT l.row_ctid FROM locked l WHERE l.ready_at = 'infinity' AND l.guild_id = ANY (p_idle)))
    )
    SELECT count(*) INTO v_readied FROM readied;
    RETURN v_readied;
END
$fn$;

-- Only guilds in line (what the claim's lock_ready_guilds reads, "ready_at < 'infinity'"): parked
-- guilds leave it, and a look-up of guild rows by id can only use the primary key.
DROP INDEX queue_guilds_ready_idx;
CREATE INDEX queue_guilds_ready_idx ON queue_guilds (command_table, ready_at, guild_id) WHERE ready_at < 'infinity';
