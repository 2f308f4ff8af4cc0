import { dateStart, sessionHistory } from '../api/record/history.js';
import { enrolmentProgress } from '../api/record/progress.js';
import type { Registry } from '../registry/index.js';

/**
 * The next re-assessment of the participant's active programme (issue 15's record: the first point not yet
 * covered by a re-assessment), as the start of its due day in the centre's time zone; null without an active
 * enrolment or an open point. The same computation as the record page's.
 */
export async function nextReassessmentOf(
  registry: Registry,
  participantId: string,
  nowMs: number,
): Promise<number | null> {
  const p = await registry.participants.get(participantId);
  if (!p) return null;
  const active = (await registry.programmes.enrolments(participantId)).find((e) => e.status === 'active');
  if (!active) return null;
  const programme = await registry.programmes.get(active.programmeId);
  if (!programme) return null;
  const tz = (await registry.sites.get(p.siteId))?.timezone ?? 'UTC';
  const progress = enrolmentProgress(
    active,
    programme,
    await sessionHistory(registry, participantId),
    await registry.assessments.list(participantId),
    nowMs,
    tz,
  );
  return progress.nextReassessment ? dateStart(progress.nextReassessment.dueDate, tz) : null;
}
