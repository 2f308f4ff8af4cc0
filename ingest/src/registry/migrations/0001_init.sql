-- 0001_init: the registry schema (ARCHITECTURE.md, Storage; CLINICAL-RULES.md sections 1, 4, 6).
-- Conventions: ids are text generated in app code; every time is timestamptz (an instant; the TypeScript
-- layer speaks ms since epoch); JSONB holds documents whose structure another module owns with zod
-- (prescription and report bodies). Every CHECK and unique index is named: errors.ts maps each name to a
-- client-safe message naming the field.

CREATE TABLE sites (
  id          text PRIMARY KEY CONSTRAINT sites_id_format CHECK (id ~ '^[a-z0-9-]{1,64}$'),
  name        text NOT NULL CONSTRAINT sites_name_length CHECK (length(name) BETWEEN 1 AND 200),
  timezone    text NOT NULL DEFAULT 'UTC' CONSTRAINT sites_timezone_length CHECK (length(timezone) BETWEEN 1 AND 64),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id             text PRIMARY KEY CONSTRAINT users_id_length CHECK (length(id) BETWEEN 1 AND 128),
  username       text NOT NULL CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  display_name   text NOT NULL CONSTRAINT users_display_name_length CHECK (length(display_name) BETWEEN 1 AND 200),
  -- scrypt$N$r$p$salt$hash (passwords.ts); never selected by list queries.
  password_hash  text NOT NULL,
  roles          text[] NOT NULL DEFAULT '{}'
                 CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['admin', 'clinician', 'instructor', 'coach', 'ops']),
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_username_key UNIQUE (username)
);

-- Which sites a user works at (consoles, escalation to "all staff of the site").
CREATE TABLE user_sites (
  user_id  text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  site_id  text NOT NULL REFERENCES sites (id),
  PRIMARY KEY (user_id, site_id)
);
CREATE INDEX user_sites_site ON user_sites (site_id);

-- What shared screens may show: the alias only. Clinical details live in participant_clinical so that
-- least-privilege queries (class wall, roster, live service) never read them.
CREATE TABLE participants (
  id          text PRIMARY KEY CONSTRAINT participants_id_length CHECK (length(id) BETWEEN 1 AND 128),
  site_id     text NOT NULL REFERENCES sites (id),
  alias       text NOT NULL CONSTRAINT participants_alias_length CHECK (length(alias) BETWEEN 1 AND 64),
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Two active participants of one site with the same alias would make a class wall ambiguous.
CREATE UNIQUE INDEX participants_site_alias_key ON participants (site_id, lower(alias)) WHERE active;

CREATE TABLE participant_clinical (
  participant_id  text PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
  full_name       text CONSTRAINT participant_clinical_full_name_length CHECK (length(full_name) <= 200),
  date_of_birth   date,
  age_years       integer CONSTRAINT participant_clinical_age_range CHECK (age_years BETWEEN 0 AND 130),
  sex             text CONSTRAINT participant_clinical_sex_known CHECK (sex IN ('female', 'male', 'other')),
  conditions      text[] NOT NULL DEFAULT '{}',
  medications     text[] NOT NULL DEFAULT '{}',
  -- Drives hrMax (Brawner) and hrMode advisory defaults (CLINICAL-RULES.md section 1).
  beta_blocker    boolean NOT NULL DEFAULT false,
  notes           text CONSTRAINT participant_clinical_notes_length CHECK (length(notes) <= 5000),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Versions of a participant's prescription. A new version closes the previous one at its effective_from,
-- so versions never overlap and at most one is open-ended.
CREATE TABLE prescriptions (
  id              text PRIMARY KEY,
  participant_id  text NOT NULL REFERENCES participants (id),
  version         integer NOT NULL CONSTRAINT prescriptions_version_positive CHECK (version >= 1),
  effective_from  timestamptz NOT NULL,
  effective_to    timestamptz,
  author_id       text NOT NULL REFERENCES users (id),
  body            jsonb NOT NULL CONSTRAINT prescriptions_body_object CHECK (jsonb_typeof(body) = 'object'),
  note            text CONSTRAINT prescriptions_note_length CHECK (length(note) <= 2000),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT prescriptions_version_key UNIQUE (participant_id, version),
  CONSTRAINT prescriptions_effective_order CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE UNIQUE INDEX prescriptions_one_open ON prescriptions (participant_id) WHERE effective_to IS NULL;
CREATE INDEX prescriptions_participant_from ON prescriptions (participant_id, effective_from);

-- Wearables, by the id they have on the wire (BLE address or serial).
CREATE TABLE devices (
  id          text PRIMARY KEY CONSTRAINT devices_id_format CHECK (id ~ '^[A-Za-z0-9:._-]{1,64}$'),
  site_id     text NOT NULL REFERENCES sites (id),
  kind        text NOT NULL
              CONSTRAINT devices_kind_known CHECK (kind IN ('hr-strap', 'oximeter', 'pedometer', 'footpod', 'watch')),
  model       text,
  label       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz,
  CONSTRAINT devices_text_length CHECK (length(model) <= 200 AND length(label) <= 200)
);
CREATE INDEX devices_site ON devices (site_id);

-- MQTT accounts of gateways; the MQTT username is the gateway id (broker convention).
CREATE TABLE gateways (
  id           text PRIMARY KEY CONSTRAINT gateways_id_format CHECK (id ~ '^[a-z0-9-]{1,64}$'),
  site_id      text NOT NULL REFERENCES sites (id),
  name         text CONSTRAINT gateways_name_length CHECK (length(name) <= 200),
  secret_hash  text NOT NULL CONSTRAINT gateways_secret_hash_format CHECK (secret_hash ~ '^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen    timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX gateways_site ON gateways (site_id);

CREATE TABLE classes (
  id             text PRIMARY KEY CONSTRAINT classes_id_length CHECK (length(id) BETWEEN 1 AND 128),
  site_id        text NOT NULL REFERENCES sites (id),
  name           text NOT NULL CONSTRAINT classes_name_length CHECK (length(name) BETWEEN 1 AND 200),
  instructor_id  text REFERENCES users (id),
  -- Free text for people ("Mon and Thu 10:00"); sessions carry the real times.
  schedule       text CONSTRAINT classes_schedule_length CHECK (length(schedule) <= 500),
  archived       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  -- Target of sessions_class_site_fkey: a class session is always at its class's site.
  CONSTRAINT classes_id_site_key UNIQUE (id, site_id)
);
CREATE INDEX classes_site ON classes (site_id);

-- One sitting of a class, or a home session (one participant, watched by a remote coach).
CREATE TABLE sessions (
  id            text PRIMARY KEY CONSTRAINT sessions_id_length CHECK (length(id) BETWEEN 1 AND 128),
  site_id       text NOT NULL REFERENCES sites (id),
  kind          text NOT NULL CONSTRAINT sessions_kind_known CHECK (kind IN ('class', 'home')),
  class_id      text,
  name          text NOT NULL CONSTRAINT sessions_name_length CHECK (length(name) BETWEEN 1 AND 200),
  coach_id      text REFERENCES users (id),
  status        text NOT NULL DEFAULT 'scheduled'
                CONSTRAINT sessions_status_known CHECK (status IN ('scheduled', 'active', 'ended')),
  scheduled_at  timestamptz,
  started_at    timestamptz,
  ended_at      timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sessions_class_site_fkey FOREIGN KEY (class_id, site_id) REFERENCES classes (id, site_id),
  CONSTRAINT sessions_kind_class CHECK ((kind = 'class') = (class_id IS NOT NULL)),
  CONSTRAINT sessions_status_times CHECK (
    (status = 'scheduled' AND started_at IS NULL AND ended_at IS NULL)
    OR (status = 'active' AND started_at IS NOT NULL AND ended_at IS NULL)
    OR (status = 'ended' AND ended_at IS NOT NULL AND (started_at IS NULL OR ended_at >= started_at))
  )
);
CREATE INDEX sessions_active ON sessions (site_id) WHERE status = 'active';
CREATE INDEX sessions_site_created ON sessions (site_id, created_at);
CREATE INDEX sessions_class ON sessions (class_id);

-- Device -> participant binding for one session. A device is worn by one person at a time.
CREATE TABLE session_roster (
  id              text PRIMARY KEY,
  session_id      text NOT NULL REFERENCES sessions (id),
  participant_id  text NOT NULL REFERENCES participants (id),
  device_id       text NOT NULL REFERENCES devices (id),
  bound_at        timestamptz NOT NULL,
  unbound_at      timestamptz,
  bound_by        text REFERENCES users (id),
  CONSTRAINT session_roster_times CHECK (unbound_at IS NULL OR unbound_at >= bound_at)
);
CREATE UNIQUE INDEX session_roster_device_bound ON session_roster (device_id) WHERE unbound_at IS NULL;
CREATE INDEX session_roster_session ON session_roster (session_id);
CREATE INDEX session_roster_participant ON session_roster (participant_id);

-- Alerts and their lifecycle (CLINICAL-RULES.md section 4). The row is the current state; alert_events is
-- the history, one row per transition with its actor.
CREATE TABLE alerts (
  id                 text PRIMARY KEY,
  session_id         text NOT NULL REFERENCES sessions (id),
  participant_id     text NOT NULL REFERENCES participants (id),
  rule               text NOT NULL CONSTRAINT alerts_rule_format CHECK (rule ~ '^[A-Z][A-Z0-9_]{0,63}$'),
  severity           text NOT NULL CONSTRAINT alerts_severity_known CHECK (severity IN ('advisory', 'warning', 'critical')),
  unconfirmed        boolean NOT NULL DEFAULT false,
  state              text NOT NULL DEFAULT 'open'
                     CONSTRAINT alerts_state_known CHECK (state IN ('open', 'acknowledged', 'closed')),
  condition_cleared  boolean NOT NULL DEFAULT false,
  raised_at          timestamptz NOT NULL,
  acknowledged_at    timestamptz,
  acknowledged_by    text REFERENCES users (id),
  closed_at          timestamptz,
  escalation_level   integer NOT NULL DEFAULT 0 CONSTRAINT alerts_escalation_level_range CHECK (escalation_level >= 0),
  updated_at         timestamptz NOT NULL,
  CONSTRAINT alerts_ack_fields CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
  CONSTRAINT alerts_state_fields CHECK (
    (state = 'open' AND acknowledged_at IS NULL AND closed_at IS NULL)
    OR (state = 'acknowledged' AND acknowledged_at IS NOT NULL AND closed_at IS NULL)
    OR (state = 'closed' AND closed_at IS NOT NULL)
  )
);
-- One live (not closed) alert per (session, participant, rule).
CREATE UNIQUE INDEX alerts_one_live ON alerts (session_id, participant_id, rule) WHERE state <> 'closed';
CREATE INDEX alerts_session_raised ON alerts (session_id, raised_at);
CREATE INDEX alerts_participant_raised ON alerts (participant_id, raised_at);

CREATE TABLE alert_events (
  alert_id  text NOT NULL REFERENCES alerts (id),
  seq       integer NOT NULL CONSTRAINT alert_events_seq_positive CHECK (seq >= 1),
  event     text NOT NULL CONSTRAINT alert_events_event_known CHECK (
              event IN ('raised', 'upgraded', 'escalated', 'acknowledged', 'cleared', 'closed', 'resounded')),
  -- The alert's severity after the event.
  severity  text NOT NULL CONSTRAINT alert_events_severity_known CHECK (severity IN ('advisory', 'warning', 'critical')),
  at        timestamptz NOT NULL,
  -- NULL: the system (rules engine, escalation timer).
  actor_id  text REFERENCES users (id),
  note      text CONSTRAINT alert_events_note_length CHECK (length(note) <= 500),
  PRIMARY KEY (alert_id, seq)
);

-- Written when a session ends; outlives telemetry retention (CLINICAL-RULES.md section 6).
CREATE TABLE session_reports (
  session_id      text NOT NULL REFERENCES sessions (id),
  participant_id  text NOT NULL REFERENCES participants (id),
  body            jsonb NOT NULL CONSTRAINT session_reports_body_object CHECK (jsonb_typeof(body) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX session_reports_participant ON session_reports (participant_id, created_at);

-- Who saw or changed what. Append-only (trigger below).
CREATE TABLE audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  action     text NOT NULL,
  entity     text NOT NULL,
  entity_id  text,
  site_id    text,
  detail     jsonb NOT NULL DEFAULT '{}' CONSTRAINT audit_log_detail_object CHECK (jsonb_typeof(detail) = 'object'),
  CONSTRAINT audit_log_text_length CHECK (
    length(actor) BETWEEN 1 AND 200 AND length(action) BETWEEN 1 AND 200 AND length(entity) BETWEEN 1 AND 200)
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);

-- The audit trail and the alert history are evidence: refuse UPDATE, DELETE and TRUNCATE. SQLSTATE ZWA01
-- is translated to ZW_ERR_INVALID_STATE. A retention job must drop the trigger explicitly, in a migration.
CREATE FUNCTION zw_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'ZWA01', MESSAGE = TG_TABLE_NAME || ' is append-only', TABLE = TG_TABLE_NAME;
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION zw_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION zw_append_only();
CREATE TRIGGER alert_events_append_only BEFORE UPDATE OR DELETE ON alert_events
  FOR EACH ROW EXECUTE FUNCTION zw_append_only();
CREATE TRIGGER alert_events_no_truncate BEFORE TRUNCATE ON alert_events
  FOR EACH STATEMENT EXECUTE FUNCTION zw_append_only();
