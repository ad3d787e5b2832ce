-- Trigger functions shared by every command table (idempotent: re-applied when this file changes).

-- Wakes the workers: a command was inserted, or put back to 'pending'. The payload names the
-- table so workers of another command table in the same database can ignore it.
CREATE OR REPLACE FUNCTION notify_command_pending() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('valoratbot_commands', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
    RETURN NULL;
END
$fn$;

-- Tells result watchers (CLI await/tail) that a command reached 'done' or 'error'.
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
