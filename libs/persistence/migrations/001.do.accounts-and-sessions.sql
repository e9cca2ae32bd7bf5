-- Accounts log in with a username (unique regardless of case) and a scrypt password hash.
CREATE TABLE accounts (
  id            uuid        PRIMARY KEY,
  username      text        NOT NULL,
  password_hash text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username_lower_key ON accounts (lower(username));

-- Sessions keep only the SHA-256 of the opaque bearer token: a leaked table grants nothing.
CREATE TABLE sessions (
  token_hash text        PRIMARY KEY,
  account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account_id_idx ON sessions (account_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
