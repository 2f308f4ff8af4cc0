-- 0004: staff login sessions persist with the registry, so consoles survive an ingest restart (issue 13
-- hole 5). Only the sha256 of a session token is stored: a dump of this table cannot be replayed as a
-- cookie. Expiry is decided by the auth service with its clock; rows past expires_at are purged on login.
CREATE TABLE login_sessions (
  token_hash    text PRIMARY KEY CONSTRAINT login_sessions_token_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  CONSTRAINT login_sessions_times CHECK (created_at <= last_seen_at AND created_at < expires_at)
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);
CREATE INDEX login_sessions_expires ON login_sessions (expires_at);
