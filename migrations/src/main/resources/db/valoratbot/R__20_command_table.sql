-- The dashboard's command table, named by the placeholders command_schema and command_table.
-- Repeatable and idempotent: Flyway re-applies it whenever the placeholder values change (a
-- repeatable migration's checksum is taken after placeholder replacement), so pointing the worker
-- at another table equips that table too. It never drops, alters or rewrites an existing table
-- or its rows: it only adds what is missing (the table itself, an index, its triggers), and
-- replaces its own index when that index's shape changed.
-- It also runs again when the table exists without its triggers (dropped and created again under a
-- deployment): command_table_repair is then set (ValoratbotMigrations.repairMark). ${command_table_repair}

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${command_schema}') THEN
        EXECUTE format('CREATE SCHEMA %I', '${command_schema}');
    END IF;
END
$do$;

-- The guide's shape, plus requested_by (the requester's Discord id, optional). Created only when
-- missing (an IF NOT EXISTS, minus the "already exists, skipping" notice in the worker's log).
DO $do$
BEGIN
    IF to_regclass(format('%I.%I', '${command_schema}', '${command_table}')) IS NULL THEN
        CREATE TABLE "${command_schema}"."${command_table}" (
            id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            guild_id     text NOT NULL,
            action       text NOT NULL,
            payload      jsonb,
            status       text DEFAULT 'pending',
            result       jsonb,
            requested_by text,
            created_at   timestamptz DEFAULT now(),
            updated_at   timestamptz DEFAULT now()
        );
    END IF;
END
$do$;

-- What claiming needs: a guild's active (pending or processing) commands in the claim's order,
-- created_at then id. The id is in the index: rows inserted by one statement share created_at (its
-- default is the transaction's time), and with the index ending at created_at, finding a guild's
-- head read and sorted the guild's whole backlog (500 rows a guild, 0.5 ms, for every guild of
-- every claim: issue 12's drain at 200 guilds, whose backlog is committed in one statement).
-- Created only when the table has no equivalent index already (whatever its name); this worker's
-- own index of the earlier shape (without the id) is replaced.
DO $do$
DECLARE
    tbl regclass := format('%I.%I', '${command_schema}', '${command_table}')::regclass;
    has_created_at boolean;
    wanted text[];
BEGIN
    SELECT EXISTS (SELECT 1 FROM pg_attribute
                   WHERE attrelid = tbl AND attname = 'created_at' AND attnum > 0 AND NOT attisdropped)
      INTO has_created_at;
    wanted := CASE WHEN has_created_at THEN ARRAY['guild_id', 'created_at', 'id'] ELSE ARRAY['guild_id', 'id'] END;
    IF EXISTS (
        SELECT 1
        FROM pg_index i
        WHERE i.indrelid = tbl
          AND i.indpred IS NOT NULL
          AND pg_get_expr(i.indpred, i.indrelid) LIKE '%pending%'
          AND pg_get_expr(i.indpred, i.indrelid) LIKE '%processing%'
          AND (SELECT array_agg(a.attname::text ORDER BY k.ord)
               FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
              = wanted
    ) THEN
        RETURN;
    END IF;
    -- Ours, of the earlier shape: two indexes would cost every claim and completion twice the writes.
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', '${command_schema}', '${command_index}');
    IF has_created_at THEN
        EXECUTE format('CREATE INDEX %I ON %s (guild_id, created_at, id) WHERE status IN (''pending'', ''processing'')',
                       '${command_index}', tbl);
    ELSE
        EXECUTE format('CREATE INDEX %I ON %s (guild_id, id) WHERE status IN (''pending'', ''processing'')',
                       '${command_index}', tbl);
    END IF;
END
$do$;

-- "Is this guild busy?" on every claim: an index of the few commands in flight, so the check is a
-- probe, not a scan of the guild's whole backlog.
DO $do$
BEGIN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (guild_id) WHERE status = ''processing''',
                   '${command_index}_busy', '${command_schema}', '${command_table}');
END
$do$;

-- Wake-up on insert (once per statement, however many rows) and on a return to 'pending'; both also
-- put the guild in the claim's line (valoratbot.queue_guilds).
DROP TRIGGER IF EXISTS valoratbot_notify_inserted ON "${command_schema}"."${command_table}";
CREATE TRIGGER valoratbot_notify_inserted
    AFTER INSERT ON "${command_schema}"."${command_table}"
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "${valoratbot_schema}".notify_command_pending();

DROP TRIGGER IF EXISTS valoratbot_notify_requeued ON "${command_schema}"."${command_table}";
CREATE TRIGGER valoratbot_notify_requeued
    AFTER UPDATE OF status ON "${command_schema}"."${command_table}"
    FOR EACH ROW WHEN (NEW.status::text = 'pending' AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION "${valoratbot_schema}".notify_command_pending();

-- Results, for the CLI's await and tail: once per statement (a batch of outcomes is one statement).
DROP TRIGGER IF EXISTS valoratbot_notify_finished ON "${command_schema}"."${command_table}";
CREATE TRIGGER valoratbot_notify_finished
    AFTER UPDATE ON "${command_schema}"."${command_table}"
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "${valoratbot_schema}".notify_commands_finished();


-- Rows already pending when the line was introduced are put in line once.
INSERT INTO "${valoratbot_schema}".queue_guilds (command_table, guild_id, ready_at)
SELECT DISTINCT '${command_schema}.${command_table}', c.guild_id::text, clock_timestamp()
FROM "${command_schema}"."${command_table}" c
WHERE c.status::text = 'pending' AND c.guild_id IS NOT NULL
ON CONFLICT (command_table, guild_id) DO NOTHING;
