-- A conversation belongs to one account and one bot. `position` orders them exactly (newest
-- first) for keyset pagination; timestamps lose precision on their way through JSON.
CREATE TABLE conversations (
  id            uuid        PRIMARY KEY,
  position      bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  account_id    uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  bot_id        text        NOT NULL,
  message_count integer     NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Serves "my conversations, newest first" with keyset pagination on position.
CREATE INDEX conversations_account_position_idx ON conversations (account_id, position DESC);

-- Messages are ordered by seq within a conversation; (conversation_id, seq) is the cursor key.
CREATE TABLE messages (
  id              uuid        PRIMARY KEY,
  conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq             integer     NOT NULL CHECK (seq > 0),
  role            text        NOT NULL CHECK (role IN ('user', 'bot')),
  text            text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq)
);
