-- 0005 (issue 15, the exercise-health record): assessments (test/assess), programmes and enrolments
-- (session n of N, re-assessment points), weekly progression proposals a clinician accepts or rejects, and
-- the audited clinician override that lets a high-risk participant exercise in home sessions.
-- Documents (the assessment, a programme's re-assessment points, a proposal) are JSONB whose schemas belong
-- to protocol (`assessment.ts`, `programme.ts`): the API validates every value naming the field first.

CREATE TABLE assessments (
  id              text PRIMARY KEY,
  participant_id  text NOT NULL REFERENCES participants (id),
  kind            text NOT NULL
                  CONSTRAINT assessments_kind_known CHECK (kind IN ('baseline', 'reassessment', 'pre-session')),
  -- The day it was measured (the document's `date`).
  assessed_on     date NOT NULL,
  -- 'manual': typed by staff; 'device': sent by a measuring device (BP cuff, scale…) over the API.
  source          text NOT NULL DEFAULT 'manual'
                  CONSTRAINT assessments_source_known CHECK (source IN ('manual', 'device')),
  device          text CONSTRAINT assessments_device_length CHECK (length(device) BETWEEN 1 AND 200),
  author_id       text NOT NULL REFERENCES users (id),
  document        jsonb NOT NULL CONSTRAINT assessments_document_object CHECK (jsonb_typeof(document) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessments_participant_on ON assessments (participant_id, assessed_on);

-- Programme definitions: a centre's own (site_id) or a shipped preset (site_id NULL, `preset` its key;
-- written from protocol's PROGRAMME_PRESETS by the application, never edited by hand).
CREATE TABLE programmes (
  id              text PRIMARY KEY CONSTRAINT programmes_id_length CHECK (length(id) BETWEEN 1 AND 128),
  site_id         text REFERENCES sites (id),
  preset          text CONSTRAINT programmes_preset_length CHECK (length(preset) BETWEEN 1 AND 64),
  name            text NOT NULL CONSTRAINT programmes_name_length CHECK (length(name) BETWEEN 1 AND 200),
  total_sessions  integer NOT NULL CONSTRAINT programmes_total_sessions_range CHECK (total_sessions BETWEEN 1 AND 400),
  weeks           integer NOT NULL CONSTRAINT programmes_weeks_range CHECK (weeks BETWEEN 1 AND 104),
  -- Re-assessment points: [{"atWeek": 6}, {"atSession": 36}].
  reassess_at     jsonb NOT NULL DEFAULT '[]'
                  CONSTRAINT programmes_reassess_at_array CHECK (jsonb_typeof(reassess_at) = 'array'),
  archived        boolean NOT NULL DEFAULT false,
  created_by      text REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT programmes_preset_global CHECK ((preset IS NULL) = (site_id IS NOT NULL))
);
CREATE INDEX programmes_site ON programmes (site_id);

-- A participant in a programme. Re-assessment points are copied from the programme at enrolment. At most
-- one active enrolment per participant.
CREATE TABLE enrolments (
  id              text PRIMARY KEY,
  participant_id  text NOT NULL REFERENCES participants (id),
  programme_id    text NOT NULL REFERENCES programmes (id),
  -- First day of the programme (week 1 starts here, in the site's time zone).
  start_date      date NOT NULL,
  reassess_at     jsonb NOT NULL DEFAULT '[]'
                  CONSTRAINT enrolments_reassess_at_array CHECK (jsonb_typeof(reassess_at) = 'array'),
  home_sessions   boolean NOT NULL DEFAULT false,
  status          text NOT NULL DEFAULT 'active'
                  CONSTRAINT enrolments_status_known CHECK (status IN ('active', 'completed', 'withdrawn')),
  ended_at        timestamptz,
  enrolled_by     text NOT NULL REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT enrolments_status_times CHECK ((status = 'active') = (ended_at IS NULL))
);
CREATE UNIQUE INDEX enrolments_one_active ON enrolments (participant_id) WHERE status = 'active';

-- The weekly proposal of the next prescription step (clinical `proposeProgression`), kept whatever the
-- clinician decides. `body` is the proposal document (kind, proposed prescription, changes, reasons,
-- evidence); accepting it writes a new prescription version.
CREATE TABLE progression_proposals (
  id                text PRIMARY KEY,
  participant_id    text NOT NULL REFERENCES participants (id),
  enrolment_id      text REFERENCES enrolments (id),
  -- The week the proposal looks back on: [week_start, week_end).
  week_start        timestamptz NOT NULL,
  week_end          timestamptz NOT NULL,
  -- The prescription version it starts from.
  prescription_id   text NOT NULL REFERENCES prescriptions (id),
  kind              text NOT NULL
                    CONSTRAINT progression_proposals_kind_known CHECK (kind IN ('progress', 'hold', 'step-back')),
  body              jsonb NOT NULL CONSTRAINT progression_proposals_body_object CHECK (jsonb_typeof(body) = 'object'),
  status            text NOT NULL DEFAULT 'proposed'
                    CONSTRAINT progression_proposals_status_known CHECK (status IN ('proposed', 'accepted', 'rejected', 'superseded')),
  decided_by        text REFERENCES users (id),
  decided_at        timestamptz,
  reason            text CONSTRAINT progression_proposals_reason_length CHECK (length(reason) <= 2000),
  result_prescription_id text REFERENCES prescriptions (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT progression_proposals_week_order CHECK (week_end > week_start),
  CONSTRAINT progression_proposals_decision CHECK (
    (status = 'proposed' AND decided_at IS NULL)
    OR (status = 'superseded' AND decided_at IS NOT NULL)
    OR (status = 'accepted' AND decided_at IS NOT NULL AND decided_by IS NOT NULL AND result_prescription_id IS NOT NULL)
    OR (status = 'rejected' AND decided_at IS NOT NULL AND decided_by IS NOT NULL AND reason IS NOT NULL)
  ),
  CONSTRAINT progression_proposals_week_key UNIQUE (participant_id, week_start)
);
CREATE UNIQUE INDEX progression_proposals_one_open ON progression_proposals (participant_id) WHERE status = 'proposed';

-- A clinician's explicit decision that a high-risk participant may exercise in home sessions (the API
-- audits it). Revoking keeps the row; at most one override in force per participant.
CREATE TABLE home_overrides (
  id              text PRIMARY KEY,
  participant_id  text NOT NULL REFERENCES participants (id),
  enrolment_id    text REFERENCES enrolments (id),
  author_id       text NOT NULL REFERENCES users (id),
  reason          text NOT NULL CONSTRAINT home_overrides_reason_length CHECK (length(reason) BETWEEN 1 AND 2000),
  created_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  revoked_by      text REFERENCES users (id),
  CONSTRAINT home_overrides_revoke_fields CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE UNIQUE INDEX home_overrides_one_live ON home_overrides (participant_id) WHERE revoked_at IS NULL;
