-- Trigger functions shared by every command table (idempotent: re-applied when this file changes).

-- Wakes the workers: a command was inserted, or put back to 'pending'. The payload names the
-- table so workers of another command table in the same database can ignore it, then (issue 11)
-- after one space the pending rows' guild ids, comma-separated, so a sharded process wakes only the
-- queue of the shard owning them: "public.commands 1234,5678". Only up to 100 distinct snowflake
-- ids (at most 2,100 bytes, far under NOTIFY's 8,000); more guilds, a non-snowflake id or no guild
-- id at all send the table alone, which wakes every queue as before.
-- It also keeps valoratbot.queue_guilds, the claim's line of guilds with work: each guild with a new
-- pending row is put in line, or back in line when parked. On insert it runs once per statement over
-- the transition table, so a bulk insert of 20,000 rows costs one upsert per distinct guild, in
-- guild order (the completion locks guild rows in that order too: no deadlock between them).
-- SECURITY DEFINER with a fixed search_path: the dashboard inserts as a role (Supabase's
-- service_role) that has no rights in our schema.
CREATE OR REPLACE FUNCTION notify_command_pending() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    v_guilds text;
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        -- One upsert, in guild order: each guild row is locked (or created) in that order, and one
        -- already in line is locked without being changed (ON CONFLICT keeps the lock when its WHERE
        -- fails), so a claim skips it until this insert commits and then sees the new row. Taking
        -- every lock in this one ordered pass is what keeps an insert and a completion (which locks
        -- its guilds in the same order) from waiting on each other in a cycle: an earlier version
        -- share-locked the guilds in line first and upserted the parked ones after, and a bulk insert
        -- beside four workers deadlocked with a completion (CI, SeveralCommandsPerGuildTest).
        -- The wait is for a claim or completion of the same guild, one short statement.
        INSERT INTO "${valoratbot_schema}".queue_guilds AS g (command_table, guild_id, ready_at)
        SELECT TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, n.guild_id, clock_timestamp()
        FROM (SELECT DISTINCT r.guild_id::text AS guild_id FROM new_rows r
              WHERE r.status::text = 'pending' AND r.guild_id IS NOT NULL) n
        ORDER BY n.guild_id
        ON CONFLICT (command_table, guild_id) DO UPDATE SET ready_at = EXCLUDED.ready_at
            WHERE g.ready_at > EXCLUDED.ready_at;
        SELECT CASE WHEN count(*) BETWEEN 1 AND 100 AND bool_and(d.guild_id ~ '^[0-9]{1,20}$')
                    THEN string_agg(d.guild_id, ',') END
          INTO v_guilds
          FROM (SELECT DISTINCT r.guild_id::text AS guild_id FROM new_rows r
                WHERE r.status::text = 'pending' AND r.guild_id IS NOT NULL LIMIT 101) d;
    ELSIF NEW.guild_id IS NOT NULL THEN
        IF NEW.guild_id::text ~ '^[0-9]{1,20}$' THEN
            v_guilds := NEW.guild_id::text;
        END IF;
        INSERT INTO "${valoratbot_schema}".queue_guilds AS g (command_table, guild_id, ready_at)
        VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, NEW.guild_id::text, clock_timestamp())
        ON CONFLICT (command_table, guild_id) DO UPDATE SET ready_at = EXCLUDED.ready_at
            WHERE g.ready_at > EXCLUDED.ready_at;
    END IF;
    PERFORM pg_notify('valoratbot_commands',
        TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || coalesce(' ' || v_guilds, ''));
    RETURN NULL;
END
$fn$;

-- Tells result watchers (CLI await/tail) that a command reached 'done' or 'error'. Per row: no longer
-- used by R__20 (see notify_commands_finished below), kept because a command table equipped by an
-- earlier run under other placeholders may still have a trigger calling it.
CREATE OR REPLACE FUNCTION notify_command_finished() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('valoratbot_results',
        json_build_object('table', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
                          'id', NEW.id::text,
                          'status', NEW.status::text)::text);
    RETURN NULL;
END
$fn$;

-- The same, once per statement over its transition table (issue 12): a per-row trigger cost 43-95 ms
-- of server time per 1,000 completions, which a batch of outcomes paid in one statement. One
-- notification carries up to 100 ids (a NOTIFY payload holds under 8,000 bytes); watchers match
-- their id or the table's name in the text, so the shape {"table": …, "ids": […]} serves both.
-- Transition tables forbid a column list (UPDATE OF status), so it sees every update of the table
-- and keeps the rows now done or error; a row updated again once finished wakes watchers once more,
-- which only makes them re-read it.
CREATE OR REPLACE FUNCTION notify_commands_finished() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('valoratbot_results',
        json_build_object('table', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'ids', json_agg(f.id))::text)
    FROM (SELECT n.id::text AS id, (row_number() OVER () - 1) / 100 AS chunk
          FROM new_rows n WHERE n.status::text IN ('done', 'error')) f
    GROUP BY f.chunk;
    RETURN NULL;
END
$fn$;
