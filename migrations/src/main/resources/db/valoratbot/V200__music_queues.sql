-- Music queues (adapters-supabase, package com.valoratbot.supabase.music). Versions 200 and up belong to
-- that package; see docs/music.md.

-- One row per guild where the bot plays or has a queue: the voice channel, the now-playing track with
-- its position and paused flag, and the waiting tracks, as the document the music module writes
-- (com.valoratbot.discord.music.QueueSnapshot, {"version": 1, ...}; tracks in Lavaplayer's own encoding).
-- Rewritten on each change and every few seconds while playing; deleted on stop or when the bot leaves.
-- A worker that starts reads every row and resumes those guilds.
CREATE TABLE music_queues (
    guild_id   bigint      PRIMARY KEY,
    state      jsonb       NOT NULL,
    -- For people reading the table; the document is what the worker reads.
    channel_id bigint      GENERATED ALWAYS AS ((state ->> 'channelId')::bigint) STORED,
    tracks     integer     GENERATED ALWAYS AS (jsonb_array_length(state -> 'queue')
                                                + CASE WHEN state ? 'current' THEN 1 ELSE 0 END) STORED,
    updated_at timestamptz NOT NULL DEFAULT now()
);
