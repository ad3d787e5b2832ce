-- Scheduled announcements, weekly leaderboards and activity counts (adapters-supabase, package
-- com.valoratbot.supabase.scheduling). Versions 100 and up belong to that package; see
-- docs/scheduling.md and docs/activity-and-leaderboards.md.

-- Per-guild settings. time_zone is an IANA id (Europe/Paris, America/Montreal); NULL or no row means
-- the deployment's default zone. Created only if another migration has not already made the table.
CREATE TABLE IF NOT EXISTS guild_settings (
    guild_id   bigint      PRIMARY KEY,
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE guild_settings ADD COLUMN IF NOT EXISTS time_zone text;

-- One row per schedule_announce, kept after it is sent: the outcome stays readable (CLI, list_scheduled).
--   pending   -> waiting for scheduled_for
--   sending   -> committed just before the Discord call; found by a later run = that run died mid-send
--   sent      -> message_id is the posted message
--   failed    -> failure_code / failure_reason say why (interrupted sends included: never re-sent)
--   missed    -> the bot was down (or no worker held the guild) for longer than the grace
--   cancelled -> cancel_scheduled
CREATE TABLE scheduled_announcements (
    id             text        PRIMARY KEY,
    guild_id       bigint      NOT NULL,
    channel_id     bigint      NOT NULL,
    announcement   jsonb       NOT NULL,
    scheduled_for  timestamptz NOT NULL,
    time_zone      text        NOT NULL,
    status         text        NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'missed', 'cancelled')),
    message_id     bigint,
    failure_code   text,
    failure_reason text,
    requested_by   bigint,
    command_id     text        UNIQUE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    attempted_at   timestamptz,
    attempted_by   text,
    finished_at    timestamptz
);
CREATE INDEX scheduled_announcements_guild_idx ON scheduled_announcements (guild_id, scheduled_for);
CREATE INDEX scheduled_announcements_open_idx ON scheduled_announcements (status) WHERE status IN ('pending', 'sending');

-- One weekly leaderboard per guild (schedule_leaderboard replaces it). day_of_week as dashboards
-- send it: 0 = Sunday. posting_for is set while a run posts (to the run's due time) and cleared with
-- its outcome: a later run that finds it set knows that run died mid-post and does not post twice.
CREATE TABLE leaderboard_schedules (
    guild_id        bigint      PRIMARY KEY,
    channel_id      bigint      NOT NULL,
    track_days      integer     NOT NULL CHECK (track_days BETWEEN 1 AND 366),
    day_of_week     integer     NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
    hour            integer     NOT NULL CHECK (hour BETWEEN 0 AND 23),
    next_run_at     timestamptz,
    posting_for     timestamptz,
    last_run_at     timestamptz,
    last_status     text        CHECK (last_status IN ('sent', 'failed', 'missed', 'interrupted')),
    last_message_id bigint,
    last_reason     text,
    requested_by    bigint,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Activity per guild, member and local day (the guild's zone when it was counted). Batches add to it.
CREATE TABLE activity_daily (
    guild_id      bigint  NOT NULL,
    day           date    NOT NULL,
    user_id       bigint  NOT NULL,
    messages      bigint  NOT NULL DEFAULT 0 CHECK (messages >= 0),
    voice_seconds bigint  NOT NULL DEFAULT 0 CHECK (voice_seconds >= 0),
    PRIMARY KEY (guild_id, day, user_id)
);

-- The last name a member was seen with, so members who left still show under their name.
CREATE TABLE member_names (
    guild_id bigint      NOT NULL,
    user_id  bigint      NOT NULL,
    name     text        NOT NULL,
    seen_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, user_id)
);

-- db-scheduler's executions (its PostgreSQL DDL), one table per scheduler so that neither ever sees
-- the other's tasks as "unresolved" (which db-scheduler deletes after two weeks).
CREATE TABLE announcement_tasks (
    task_name            text        NOT NULL,
    task_instance        text        NOT NULL,
    task_data            bytea,
    execution_time       timestamptz NOT NULL,
    picked               boolean     NOT NULL,
    picked_by            text,
    last_success         timestamptz,
    last_failure         timestamptz,
    consecutive_failures integer,
    last_heartbeat       timestamptz,
    version              bigint      NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX announcement_tasks_execution_time_idx ON announcement_tasks (execution_time);
CREATE INDEX announcement_tasks_last_heartbeat_idx ON announcement_tasks (last_heartbeat);
CREATE INDEX announcement_tasks_priority_execution_time_idx ON announcement_tasks (priority DESC, execution_time ASC);

CREATE TABLE leaderboard_tasks (
    task_name            text        NOT NULL,
    task_instance        text        NOT NULL,
    task_data            bytea,
    execution_time       timestamptz NOT NULL,
    picked               boolean     NOT NULL,
    picked_by            text,
    last_success         timestamptz,
    last_failure         timestamptz,
    consecutive_failures integer,
    last_heartbeat       timestamptz,
    version              bigint      NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX leaderboard_tasks_execution_time_idx ON leaderboard_tasks (execution_time);
CREATE INDEX leaderboard_tasks_last_heartbeat_idx ON leaderboard_tasks (last_heartbeat);
CREATE INDEX leaderboard_tasks_priority_execution_time_idx ON leaderboard_tasks (priority DESC, execution_time ASC);
