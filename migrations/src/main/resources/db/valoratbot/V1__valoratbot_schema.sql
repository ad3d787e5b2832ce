-- The project's own tables, in the schema of their own (Flyway's history lives there too).
-- Nothing here touches the dashboard's command table: see R__command_table.sql.

-- One row per running worker process, renewed by its heartbeat. A worker whose heartbeat is older
-- than the lease is presumed dead and its claims are taken over.
CREATE TABLE workers (
    worker_id     text        PRIMARY KEY,
    command_table text        NOT NULL,
    host          text,
    pid           bigint,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

-- Who holds which 'processing' command. Written in the same statement that marks the command
-- 'processing', deleted in the same statement that writes its outcome or requeues it.
-- command_id is the command's id as text, whatever its type in the command table.
CREATE TABLE claims (
    command_table text        NOT NULL,
    command_id    text        NOT NULL,
    worker_id     text        NOT NULL,
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (command_table, command_id)
);
CREATE INDEX claims_worker_idx ON claims (worker_id);

-- What @everyone's overwrite on a channel was before the bot locked it (core's RememberLocks).
CREATE TABLE channel_locks (
    guild_id   bigint      NOT NULL,
    channel_id bigint      NOT NULL,
    existed    boolean     NOT NULL,
    allow_bits bigint      NOT NULL,
    deny_bits  bigint      NOT NULL,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, channel_id)
);
