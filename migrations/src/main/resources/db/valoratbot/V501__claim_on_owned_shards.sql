-- The claim's first step for a worker that owns shards (issue 11): lock_ready_guilds (V300) with the
-- line read only for guilds on the shards it holds, so the head of the line filled with other
-- workers' guilds never hides its own. Kept beside lock_ready_guilds on purpose: a worker without
-- sharding runs exactly the statement it ran before. Whoever changes lock_ready_guilds changes this
-- one the same way (only the shard predicate differs).
-- A guild on no held shard is never locked here: its commands wait for the shard's owner (and end
-- 'expired' past their maximum age when it comes, or when the unowned-shard sweep answers them).
CREATE FUNCTION lock_ready_guilds_on_shards(p_table text, p_limit integer, p_shard_count integer, p_shards integer[])
RETURNS TABLE (guild_id text, row_ctid tid)
LANGUAGE plpgsql
SET enable_sort = off
AS $fn$
BEGIN
    PERFORM set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true);
    RETURN QUERY
        SELECT g.guild_id, g.ctid FROM valoratbot.queue_guilds g
        WHERE g.command_table = p_table AND g.ready_at < 'infinity'
          AND valoratbot.shard_of(g.guild_id, p_shard_count) = ANY (p_shards)
        ORDER BY g.ready_at, g.guild_id
        LIMIT p_limit
        FOR UPDATE SKIP LOCKED;
END
$fn$;
