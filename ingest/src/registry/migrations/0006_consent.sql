-- 0006 (issue 16): consent per purpose, the hospitals' read-only FHIR access, and erasure of a person.

-- Every consent decision a participant made, as staff recorded it: what for (purpose), granted or withdrawn,
-- when, by whom, under which version of the privacy notice. The newest row per purpose is in force; no row
-- means no consent. Erasing the participant deletes them (the audit trail keeps that it happened).
CREATE TABLE participant_consents (
  id              text PRIMARY KEY,
  participant_id  text NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
  purpose         text NOT NULL CONSTRAINT participant_consents_purpose_known
    CHECK (purpose IN ('wall-name', 'home-monitoring', 'hospital-sharing')),
  granted         boolean NOT NULL,
  notice_version  text NOT NULL CONSTRAINT participant_consents_notice_version_length
    CHECK (length(notice_version) BETWEEN 1 AND 64),
  recorded_at     timestamptz NOT NULL,
  recorded_by     text REFERENCES users (id),
  note            text CONSTRAINT participant_consents_note_length CHECK (length(note) <= 1000),
  -- Order of recording, for two decisions within the same millisecond.
  seq             bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX participant_consents_current ON participant_consents (participant_id, purpose, recorded_at DESC, seq DESC);

-- A hospital system allowed to read the FHIR facade: one site's participants (those who consented to
-- sharing), pseudonymous unless allow_identity. Only the sha256 of its bearer token is stored.
CREATE TABLE fhir_clients (
  id              text PRIMARY KEY,
  name            text NOT NULL CONSTRAINT fhir_clients_name_length CHECK (length(name) BETWEEN 1 AND 200),
  site_id         text NOT NULL REFERENCES sites (id),
  allow_identity  boolean NOT NULL DEFAULT false,
  token_hash      text NOT NULL CONSTRAINT fhir_clients_token_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_by      text REFERENCES users (id),
  created_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  CONSTRAINT fhir_clients_token_hash_key UNIQUE (token_hash)
);

-- Erasure (a person's right to deletion): alert history stays append-only except for the alerts of the one
-- participant a transaction erases, named with set_config('zonewatch.erasing', id, true).
CREATE FUNCTION zw_alert_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('zonewatch.erasing', true), '') <> ''
     AND EXISTS (SELECT 1 FROM alerts a WHERE a.id = OLD.alert_id
                 AND a.participant_id = current_setting('zonewatch.erasing', true)) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION USING ERRCODE = 'ZWA01', MESSAGE = TG_TABLE_NAME || ' is append-only', TABLE = TG_TABLE_NAME;
END
$$;
DROP TRIGGER alert_events_append_only ON alert_events;
CREATE TRIGGER alert_events_append_only BEFORE UPDATE OR DELETE ON alert_events
  FOR EACH ROW EXECUTE FUNCTION zw_alert_events_guard();
