import { exerciseRisk, homeSessionsPermitted } from '@zonewatch/clinical';
import type { Assessment, RiskView } from '@zonewatch/protocol';
import type { AssessmentRecord, Registry } from '../../registry/index.js';
import { apiCodes } from '../errors.js';

/** The latest value of one group across assessments (newest first): the record's current findings. */
function latest<K extends keyof Assessment>(docs: readonly Assessment[], key: K): Assessment[K] | undefined {
  for (const d of docs) if (d[key] !== undefined) return d[key];
  return undefined;
}

/**
 * The participant's exercise risk now (issue 15): clinical's `exerciseRisk` (AACVPR for cardiac
 * participants, else the ACSM screening) over the latest recorded exercise test, cardiac history, weight
 * and screening answers, and the registry's conditions; plus the home-session override in force.
 */
export async function riskOf(
  registry: Registry,
  participantId: string,
  assessments?: readonly AssessmentRecord[],
): Promise<RiskView> {
  const list = [...(assessments ?? (await registry.assessments.list(participantId)))].reverse();
  const docs = list.map((a) => a.document as Assessment);
  const clinical = await registry.participants.getClinical(participantId);
  const result = exerciseRisk({
    exerciseTest: latest(docs, 'exerciseTest') ?? null,
    cardiacHistory: latest(docs, 'cardiacHistory') ?? null,
    conditions: clinical?.conditions ?? [],
    weightKg: latest(docs, 'anthropometrics')?.weightKg ?? null,
    preParticipation: latest(docs, 'preParticipation') ?? null,
  });
  const override = await registry.assessments.homeOverride(participantId);
  const author = override ? await registry.users.get(override.authorId) : undefined;
  return {
    riskClass: result?.scheme === 'aacvpr' ? result.riskClass : null,
    result,
    assessmentId: list[0]?.id ?? null,
    homeOverride: override
      ? {
          id: override.id,
          authorId: override.authorId,
          authorName: author?.displayName ?? null,
          reason: override.reason,
          createdAt: override.createdAt,
        }
      : null,
  };
}

/**
 * Refuses (409 ZW_ERR_HOME_SESSIONS_HIGH_RISK) putting a high-risk participant into home sessions without a
 * clinician's override in force (`homeSessionsPermitted`). Called where a participant joins a home session
 * (binding a device to them in one) and where an enrolment asks for home sessions.
 */
export async function assertHomeSessionsAllowed(
  registry: Registry,
  participantId: string,
  pendingOverride?: { reason: string } | null,
): Promise<void> {
  const risk = await riskOf(registry, participantId);
  const decision = homeSessionsPermitted(
    risk.result,
    pendingOverride ?? (risk.homeOverride ? { reason: risk.homeOverride.reason } : null),
  );
  if (!decision.allowed)
    throw new apiCodes.ZW_ERR_HOME_SESSIONS_HIGH_RISK(
      `participant ${participantId} is high risk (AACVPR); home sessions need a clinician's override with a reason (POST /api/participants/${participantId}/home-override)`,
    );
}
