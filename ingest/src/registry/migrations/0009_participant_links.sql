-- 0009: access links a clinician issues so a participant can open their own record on a phone (issue 16).
-- Only the sha256 of a link's token is stored (a dump cannot be replayed as a link); a link opens one
-- participant's view only, until it expires or is revoked. Erasing a participant takes their links along.
CREATE TABLE participant_links (
  id              text PRIMARY KEY CONSTRAINT participant_links_id_length CHECK (length(id) BETWEEN 1 AND 128),
  token_hash      text NOT NULL CONSTRAINT participant_links_token_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  participant_id  text NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  revoked_by      text,
  last_used_at    timestamptz,
  use_count       integer NOT NULL DEFAULT 0,
  CONSTRAINT participant_links_token_hash_key UNIQUE (token_hash),
  CONSTRAINT participant_links_times CHECK (created_at < expires_at)
);
CREATE INDEX participant_links_participant ON participant_links (participant_id);
