-- 0008: home sessions from the participant's own phone (issue 17). A clinician or coach issues a short
-- one-time pairing code; only its sha256 is stored. Redeeming it creates an ordinary gateway (its own MQTT
-- credential, revocable from the admin pages like any gateway) tied to that participant in home_gateways.
CREATE TABLE pairing_codes (
  code_hash       text PRIMARY KEY CONSTRAINT pairing_codes_code_hash_format CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  participant_id  text NOT NULL REFERENCES participants (id),
  issued_by       text NOT NULL REFERENCES users (id),
  issued_at       timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  gateway_id      text REFERENCES gateways (id),
  CONSTRAINT pairing_codes_times CHECK (issued_at < expires_at),
  CONSTRAINT pairing_codes_used CHECK ((used_at IS NULL) = (gateway_id IS NULL))
);
CREATE INDEX pairing_codes_participant ON pairing_codes (participant_id);
CREATE INDEX pairing_codes_expires ON pairing_codes (expires_at);

-- A phone gateway belongs to exactly one participant: what it may start sessions and bind devices for.
CREATE TABLE home_gateways (
  gateway_id      text PRIMARY KEY REFERENCES gateways (id),
  participant_id  text NOT NULL REFERENCES participants (id),
  paired_at       timestamptz NOT NULL
);
CREATE INDEX home_gateways_participant ON home_gateways (participant_id);
