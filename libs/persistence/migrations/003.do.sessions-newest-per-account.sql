-- MAX_SESSIONS_PER_ACCOUNT: each log-in keeps an account's newest sessions and ends the rest,
-- which reads the account's sessions newest first. This index serves that order; its first
-- column also serves every lookup the old single-column index did, so that one goes.
CREATE INDEX sessions_account_id_created_at_idx ON sessions (account_id, created_at DESC);
DROP INDEX sessions_account_id_idx;
