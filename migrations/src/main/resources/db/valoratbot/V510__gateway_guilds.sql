-- The guilds each worker's Discord session holds (issue 9, "fair under floods"; versions 510-519
-- belong to the claim). The claim answers rows for guilds in none of them without taking them:
-- 20,000 rows for 20,000 unknown guilds cost one bulk UPDATE, not a claim, a slot and a completion
-- each. One list per worker, because each worker's gateway holds its own guilds (with shards, the
-- guilds of the shards it owns). The worker writes what changed since its last look, with the
-- database time read before that look ("listed at", in the header row); only rows created before
-- that moment are answered in SQL, so a guild the bot joined since is never refused.
-- The claim answers nothing without the header, and tells the worker, which then writes its whole
-- list again (its worker row, and so the list, is removed at close, or
-- by another worker an hour after its heartbeat stopped; a worker that comes back starts over).
--   listed_at     = database time read before the worker's last look at its gateway, the look then
--                   written here: a guild not listed was not the bot's at some moment after it.
--   absent_result = the result those rows get (the worker's guild_not_found, in its language).
CREATE TABLE gateway_lists (
    worker_id     text PRIMARY KEY REFERENCES workers (worker_id) ON DELETE CASCADE,
    listed_at     timestamptz NOT NULL,
    absent_result text        NOT NULL
);
CREATE TABLE gateway_guilds (
    worker_id text NOT NULL REFERENCES gateway_lists (worker_id) ON DELETE CASCADE,
    guild_id  text NOT NULL,
    PRIMARY KEY (worker_id, guild_id)
);
