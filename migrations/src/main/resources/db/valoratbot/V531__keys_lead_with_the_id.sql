-- The queue's keys lead with the id a statement looks up (issue 12; versions 530-539 belong to the
-- completion's plans).
--
-- The completion and the claim find their claims, runs and guild rows with
--     command_table = $1 AND command_id = ANY ($2)      (a batch of up to a few thousand ids)
-- With the key in (command_table, command_id) order the array was on the key's second column, where
-- the planner may use it either as an index condition (one probe per id) or as a filter on every row
-- of the table's range. Told by statistics taken while the queue was idle that the table is nearly
-- empty, it chose the filter: a completion read every claim of the table and compared each with
-- every id of its batch (157 ms a completion, a drain of 200,000 commands over 20,000 guilds at
-- 5,915 /s, 35 % of PostgreSQL's CPU in those comparisons). On a key's first column an array is
-- always an index condition: one probe per id, whatever the statistics say.
ALTER TABLE claims DROP CONSTRAINT claims_pkey,
    ADD CONSTRAINT claims_pkey PRIMARY KEY (command_id, command_table);
ALTER TABLE command_runs DROP CONSTRAINT command_runs_pkey,
    ADD CONSTRAINT command_runs_pkey PRIMARY KEY (command_id, command_table);
ALTER TABLE queue_guilds DROP CONSTRAINT queue_guilds_pkey,
    ADD CONSTRAINT queue_guilds_pkey PRIMARY KEY (guild_id, command_table);
