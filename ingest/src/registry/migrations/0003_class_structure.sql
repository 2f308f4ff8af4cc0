-- 0003 (issue 14, running a class): class phases with their start times, participants removed from a
-- session (so nobody with an unbound device goes unmonitored silently, across restarts), and devices
-- assigned to a participant ahead of time (bound automatically when a session starts).
ALTER TABLE sessions
  ADD COLUMN phase text CONSTRAINT sessions_phase_known
    CHECK (phase IN ('warm-up', 'conditioning', 'cool-down', 'recovery')),
  ADD COLUMN phase_started_at timestamptz,
  -- Start of each phase reached so far: {"warm-up": <ms since epoch>, ...}.
  ADD COLUMN phase_starts jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT sessions_phase_starts_object CHECK (jsonb_typeof(phase_starts) = 'object'),
  -- Planned phase lengths (s), fixed when the session starts: {"warm-up": 600, ...}.
  ADD COLUMN phase_plan jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT sessions_phase_plan_object CHECK (jsonb_typeof(phase_plan) = 'object'),
  ADD CONSTRAINT sessions_phase_fields CHECK ((phase IS NULL) = (phase_started_at IS NULL));

-- A participant taken out of a session's roster by the instructor (binding a device again brings them back).
CREATE TABLE session_removals (
  session_id      text NOT NULL REFERENCES sessions (id),
  participant_id  text NOT NULL REFERENCES participants (id),
  removed_at      timestamptz NOT NULL,
  removed_by      text REFERENCES users (id),
  PRIMARY KEY (session_id, participant_id)
);

ALTER TABLE devices ADD COLUMN owner_participant_id text REFERENCES participants (id);
CREATE INDEX devices_owner ON devices (owner_participant_id) WHERE owner_participant_id IS NOT NULL;
