-- 0002: a critical alert whose condition has cleared stays live until someone acknowledges it (it latches,
-- CLINICAL-RULES.md section 4), and a cleared critical locks nothing (section 3a): the same rule may raise a
-- new alert for the participant while the latched one waits. Only alerts whose condition is still active
-- are unique per (session, participant, rule).
DROP INDEX alerts_one_live;
CREATE UNIQUE INDEX alerts_one_live ON alerts (session_id, participant_id, rule)
  WHERE state <> 'closed' AND NOT condition_cleared;
