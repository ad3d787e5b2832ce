-- The tables the dashboard's pages read (public schema, as its Supabase client queries them), written
-- by the worker's publishers (core.publish, adapters-supabase com.valoratbot.supabase.publish).
-- Versions 400 and up belong to them; see docs/dashboard.md.
--
-- Each table is created ONLY when missing: where the dashboard's own setup already made it (maybe with
-- more columns), nothing here changes it, its grants or its policies, and the worker writes only the
-- columns below. For a table created here, Supabase's public roles (anon, authenticated) may read and
-- never write: Supabase's default privileges give them everything on new public tables, so the write
-- privileges are revoked, and row-level security is on with a read-only policy. On a plain PostgreSQL
-- without those roles, only row-level security and the policy are set.

DO $do$
DECLARE
    created text[] := ARRAY[]::text[];
    t text;
    r text;
BEGIN
    IF to_regclass('public.bot_status') IS NULL THEN
        CREATE TABLE public.bot_status (
            id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now(),
            latency_ms integer,
            uptime_ms  bigint,
            version    text
        );
        CREATE INDEX bot_status_created_at_idx ON public.bot_status (created_at DESC);
        created := array_append(created, 'bot_status');
    END IF;

    IF to_regclass('public.bot_guilds') IS NULL THEN
        CREATE TABLE public.bot_guilds (
            guild_id     text        PRIMARY KEY,
            guild_name   text,
            icon         text,
            member_count integer,
            last_seen    timestamptz NOT NULL DEFAULT now()
        );
        created := array_append(created, 'bot_guilds');
    END IF;

    IF to_regclass('public.guild_snapshot') IS NULL THEN
        CREATE TABLE public.guild_snapshot (
            id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            guild_id          text        NOT NULL,
            created_at        timestamptz NOT NULL DEFAULT now(),
            members_total     integer,
            members_online    integer,
            voice_in_channels integer
        );
        CREATE INDEX guild_snapshot_guild_created_idx ON public.guild_snapshot (guild_id, created_at DESC);
        CREATE INDEX guild_snapshot_created_idx ON public.guild_snapshot (created_at);
        created := array_append(created, 'guild_snapshot');
    END IF;

    IF to_regclass('public.leaderboards') IS NULL THEN
        CREATE TABLE public.leaderboards (
            guild_id   text        NOT NULL,
            week       text        NOT NULL,
            msgs       jsonb       NOT NULL DEFAULT '{}'::jsonb,
            voice      jsonb       NOT NULL DEFAULT '{}'::jsonb,
            PRIMARY KEY (guild_id, week)
        );
        created := array_append(created, 'leaderboards');
    END IF;

    -- Not read by the dashboard today: each guild's playback state, for a music page that subscribes
    -- (Supabase Realtime) instead of sending getQueue every 5 s.
    -- Readable with the public key: the worker writes http(s) uris without userinfo, query or fragment and
    -- never a local path (PostgresPlaybackState.PUBLIC_ENTRY; docs/dashboard.md).
    IF to_regclass('public.music_playback') IS NULL THEN
        CREATE TABLE public.music_playback (
            guild_id    text        PRIMARY KEY,
            channel_id  text,
            now_playing jsonb,
            paused      boolean     NOT NULL DEFAULT false,
            queue       jsonb       NOT NULL DEFAULT '[]'::jsonb,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        created := array_append(created, 'music_playback');
    END IF;

    FOREACH t IN ARRAY created LOOP
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON public.%I FOR SELECT USING (true)', t || '_read_only', t);
        FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
                EXECUTE format('REVOKE ALL ON public.%I FROM %I', t, r);
                EXECUTE format('GRANT SELECT ON public.%I TO %I', t, r);
            END IF;
        END LOOP;
    END LOOP;

    -- Supabase Realtime streams the tables of this publication; a plain PostgreSQL has none.
    IF 'music_playback' = ANY (created) AND EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
        ALTER PUBLICATION supabase_realtime ADD TABLE public.music_playback;
    END IF;
END
$do$;
