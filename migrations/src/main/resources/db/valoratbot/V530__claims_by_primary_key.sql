-- The completion's lookups of its claims (issue 12; versions 530-539 belong to the completion's plans).
--
-- A completion finds its claims by (command_table, command_id), one probe per outcome. With this
-- index the planner could instead read every claim the worker holds and test each against the whole
-- batch (worker_id = ? as the index condition, command_id = ANY(...) as a filter): once the claims
-- table had grown past what its plan was made for, 1,329 claims x 561 outcomes per completion in a
-- drain of 60,000 commands over 20,000 guilds. Nothing else needs it: the takeover reads the table's
-- claims by command table, and the hourly clean-up of dead workers is one anti-join. Without it, a
-- claim also writes one index entry fewer.
DROP INDEX IF EXISTS claims_worker_idx;
