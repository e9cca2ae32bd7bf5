-- A claim of an Idempotency-Key is held by one request, named by `claim` (a token the claiming
-- request draws), since `claimed_at`. A process killed between its claim and its answer left
-- the row pending until IDEMPOTENCY_TTL_SECONDS purged it, and every retry got 409 meanwhile;
-- now a claim older than IDEMPOTENCY_LEASE_MS is taken over by the next request with the same
-- key and body (a new token), and the statement that stores the answer stores nothing unless
-- its own token still holds the row (locked FOR UPDATE). Rows from before this migration have
-- no token: they are completed or taken over as any other, and their lease starts now.
ALTER TABLE idempotency_keys
  ADD COLUMN claim uuid,
  ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now();
