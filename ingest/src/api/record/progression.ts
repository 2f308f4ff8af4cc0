import { proposeProgression, summariseReport } from '@zonewatch/clinical';
import { type Prescription, prescriptionBaseSchema } from '@zonewatch/protocol';
import type { ProgressionProposalRecord, Registry } from '../../registry/index.js';
import { addWeeks, startOfWeek } from '../time.js';
import { sessionHistory } from './history.js';

/** Why no proposal was written for a participant and week. */
export type ProposalSkip = 'no-prescription' | 'unreadable-prescription' | 'week-not-over';

/**
 * The weekly progression proposal (issue 15) for the calendar week starting at `weekStart` (Monday 00:00,
 * site time zone; default the last complete week before `now`): clinical's `proposeProgression` over the
 * week's saved session reports and the prescription in force at the week's end. Written once per
 * participant and week (a second call returns the stored one); a still-open older proposal is superseded.
 */
export async function generateProposal(
  registry: Registry,
  participantId: string,
  now: number,
  weekStart?: number,
): Promise<{ proposal: ProgressionProposalRecord | null; skipped: ProposalSkip | null; created: boolean }> {
  const p = await registry.participants.get(participantId);
  const tz = (p && (await registry.sites.get(p.siteId))?.timezone) ?? 'UTC';
  const start = startOfWeek(weekStart ?? addWeeks(startOfWeek(now, tz), -1, tz), tz);
  const end = addWeeks(start, 1, tz);
  if (end > now) return { proposal: null, skipped: 'week-not-over', created: false };
  const existing = await registry.progression.forWeek(participantId, start);
  if (existing) return { proposal: existing, skipped: null, created: false };
  const rx = await registry.prescriptions.current(participantId, end - 1);
  if (!rx) return { proposal: null, skipped: 'no-prescription', created: false };
  const body = prescriptionBaseSchema.safeParse(rx.body);
  if (!body.success) return { proposal: null, skipped: 'unreadable-prescription', created: false };
  const history = (await sessionHistory(registry, participantId))
    .filter((s) => s.startMs >= start && s.startMs < end)
    .map((s) => summariseReport(s.session.id, s.startMs, s.report));
  const proposal = proposeProgression(history, body.data as Prescription, end, {
    settings: { windowMs: end - start },
    basedOnVersion: rx.version,
  });
  const enrolment = await registry.programmes.activeEnrolment(participantId);
  const stored = await registry.progression.create({
    participantId,
    enrolmentId: enrolment?.id ?? null,
    weekStart: start,
    weekEnd: end,
    prescriptionId: rx.id,
    kind: proposal.kind,
    body: proposal,
    atMs: now,
  });
  return { proposal: stored, skipped: null, created: true };
}

/**
 * Proposals for every participant with an active enrolment whose last complete week has none yet: what
 * the weekly job runs (idempotent, so running it more often is harmless). Returns how many were written.
 */
export async function generateWeeklyProposals(registry: Registry, now: number): Promise<number> {
  let written = 0;
  for (const e of await registry.programmes.activeEnrolments()) {
    if ((await generateProposal(registry, e.participantId, now)).created) written++;
  }
  return written;
}
