-- Shard ownership (issue 11; versions 500-509 belong to it). See docs/scaling.md.
--
-- When sharding is on (VALORATBOT_SHARDS), each worker process holds some of the bot's gateway
-- shards through a lease in this schema, and acts only for the guilds on them: it claims only their
-- commands, counts only their activity, plays only their music. Discord puts a guild on shard
-- (guild_id >> 22) % shard_count. With sharding off (the default) nothing reads or writes these
-- tables.
--
-- Every time compared here is the DATABASE's clock (clock_timestamp()), never a worker's: workers'
-- clocks may disagree. A worker only measures durations with its own clock (from the moment it sent
-- a renewal), so it gives a shard up before the database can see its lease expire (self-fencing):
-- no shard is ever connected by two workers.
--
-- The columns of both tables are a stable interface: the CLI's shard view (app-cli) and operators'
-- own queries read them. Add columns, never rename or drop one.

-- The shard a guild lives on, as Discord computes it: (guild_id >> 22) % shard_count.
-- Guild ids are text in the command table (the dashboard's schema); an id that is not a snowflake
-- (not 1-20 digits, or beyond bigint) belongs to shard 0, so exactly one owner answers it (its
-- command ends invalid/guild_not_found there) and a junk id can never make a claim statement fail.
-- With shard_count < 1 (sharding off) every guild is on shard 0.
CREATE FUNCTION shard_of(p_guild_id text, p_shard_count integer)
RETURNS integer
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
    SELECT CASE
        WHEN p_shard_count IS NULL OR p_shard_count < 2 THEN 0
        WHEN p_guild_id ~ '^[0-9]{1,20}$' AND p_guild_id::numeric <= 9223372036854775807
            THEN ((p_guild_id::numeric::bigint >> 22) % p_shard_count)::integer
        ELSE 0
    END
$fn$;

-- One row per (command table, shard): who holds the shard's gateway connection.
--   command_table    the worker cluster (as in valoratbot.workers): workers sharing a command table
--                    are one bot's workers and share its shards.
--   shard_id         0 .. shard_count - 1.
--   shard_count      the total the row was taken under. Workers must agree on it: a worker
--                    configured with another total takes no shard while a lease under another total
--                    is live (their guild-to-shard maps would overlap).
--   owner_worker_id  the holding worker's id (valoratbot.workers.worker_id), NULL when free
--                    (released on a graceful stop, or never taken).
--   lease_expires_at database time after which the owner has lost the shard and another worker may
--                    take it over; NULL when free. The owner disconnects the shard before then if it
--                    cannot renew (see above).
--   acquired_at      when the current owner took the shard (NULL when free).
--   renewed_at       the owner's last successful renewal (NULL when free).
--   ready_at         when the owner's gateway session for the shard became ready (JDA's READY /
--                    CONNECTED); NULL while it connects or when free.
--   released_at      when the shard was last released on a graceful stop or given up by self-fencing.
--   epoch            how many times the shard changed owner (a fencing token: each take sets
--                    epoch + 1, and a renewal or release names the epoch it holds, so a stale owner
--                    can never renew or release a lease that was taken over).
CREATE TABLE shard_leases (
    command_table    text        NOT NULL,
    shard_id         integer     NOT NULL,
    shard_count      integer     NOT NULL,
    owner_worker_id  text,
    lease_expires_at timestamptz,
    acquired_at      timestamptz,
    renewed_at       timestamptz,
    ready_at         timestamptz,
    released_at      timestamptz,
    epoch            bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (command_table, shard_id),
    CONSTRAINT shard_leases_shard_in_range CHECK (shard_id >= 0 AND shard_id < shard_count),
    CONSTRAINT shard_leases_owner_has_lease CHECK ((owner_worker_id IS NULL) = (lease_expires_at IS NULL))
);
CREATE INDEX shard_leases_owner_idx ON shard_leases (owner_worker_id);

-- IDENTIFY pacing across worker processes. Discord lets a bot start one gateway session per
-- rate-limit key every 5 seconds, the key being shard_id % max_concurrency (/gateway/bot's
-- session_start_limit.max_concurrency); an IDENTIFY sent sooner is refused. Workers in several
-- processes share those keys, so each IDENTIFY first takes its key's slot here (row locked, so two
-- workers never take the same slot).
--   command_table     as above.
--   max_concurrency   the session_start_limit.max_concurrency the buckets were counted under.
--   bucket            shard_id % max_concurrency.
--   last_identify_at  database time of the last IDENTIFY allowed in this bucket.
--   last_shard_id     the shard that IDENTIFY was for.
--   last_worker_id    the worker that sent it.
CREATE TABLE shard_identify (
    command_table    text        NOT NULL,
    max_concurrency  integer     NOT NULL,
    bucket           integer     NOT NULL,
    last_identify_at timestamptz NOT NULL,
    last_shard_id    integer     NOT NULL,
    last_worker_id   text        NOT NULL,
    PRIMARY KEY (command_table, max_concurrency, bucket),
    CONSTRAINT shard_identify_bucket_in_range CHECK (bucket >= 0 AND bucket < max_concurrency)
);

-- Takes the IDENTIFY slot of a shard's bucket if its last IDENTIFY is at least p_interval_ms old,
-- and returns 0; otherwise takes nothing and returns how many milliseconds remain until it may.
-- One short transaction; the row lock serializes workers asking for the same bucket.
CREATE FUNCTION take_identify_slot(p_table text, p_max_concurrency integer, p_shard_id integer,
                                   p_worker_id text, p_interval_ms integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_bucket integer := p_shard_id % greatest(p_max_concurrency, 1);
    v_now    timestamptz := clock_timestamp();
    v_last   timestamptz;
BEGIN
    INSERT INTO valoratbot.shard_identify AS s
        (command_table, max_concurrency, bucket, last_identify_at, last_shard_id, last_worker_id)
    VALUES (p_table, greatest(p_max_concurrency, 1), v_bucket, '-infinity', p_shard_id, p_worker_id)
    ON CONFLICT (command_table, max_concurrency, bucket) DO NOTHING;

    SELECT s.last_identify_at INTO v_last FROM valoratbot.shard_identify s
    WHERE s.command_table = p_table AND s.max_concurrency = greatest(p_max_concurrency, 1)
      AND s.bucket = v_bucket
    FOR UPDATE;
    v_now := clock_timestamp();

    IF v_last > v_now - make_interval(secs => p_interval_ms / 1000.0) THEN
        RETURN greatest(1, ceil(extract(epoch FROM
            (v_last + make_interval(secs => p_interval_ms / 1000.0)) - v_now) * 1000)::integer);
    END IF;

    UPDATE valoratbot.shard_identify s
    SET last_identify_at = v_now, last_shard_id = p_shard_id, last_worker_id = p_worker_id
    WHERE s.command_table = p_table AND s.max_concurrency = greatest(p_max_concurrency, 1)
      AND s.bucket = v_bucket;
    RETURN 0;
END
$fn$;
