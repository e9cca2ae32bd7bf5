-- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on POST /v1/bots/:botId/messages
-- and WebSocket message frames. The primary key is what settles concurrent duplicates: of two
-- requests with one key, one INSERT wins and does the work, the other finds its row. `response`
-- stays NULL while the first request is in flight and holds its answer once stored; a request
-- that fails deletes its row, so a retry does the work anew. `fingerprint` is the SHA-256 of
-- the request (bot, text, conversation): the same key on another request is refused.
CREATE TABLE idempotency_keys (
  account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key         text        NOT NULL,
  fingerprint text        NOT NULL,
  response    jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);
-- Serves the purge of keys past IDEMPOTENCY_TTL_SECONDS (of every account, at each use of a key).
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
