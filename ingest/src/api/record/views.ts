import { bodyMassIndex } from '@zonewatch/clinical';
import type {
  AssessmentRecordView,
  ProgrammeView,
  ProgressionProposalRecordView,
  ReassessmentPoint,
} from '@zonewatch/protocol';
import type { AssessmentRecord, ProgrammeRecord, ProgressionProposalRecord } from '../../registry/index.js';

/** A stored assessment as the API shows it (BMI derived from its own height and weight). */
export function assessmentView(a: AssessmentRecord, authorName: string | null): AssessmentRecordView {
  const doc = a.document as AssessmentRecordView['document'];
  const h = doc.anthropometrics?.heightCm;
  const w = doc.anthropometrics?.weightKg;
  return {
    id: a.id,
    participantId: a.participantId,
    kind: a.kind,
    date: a.date,
    source: a.source,
    device: a.device,
    authorId: a.authorId,
    authorName,
    createdAt: a.createdAt,
    bmi: typeof h === 'number' && typeof w === 'number' ? bodyMassIndex(h, w) : null,
    document: doc,
  };
}

export function programmeView(p: ProgrammeRecord): ProgrammeView {
  return {
    id: p.id,
    siteId: p.siteId,
    preset: p.preset,
    name: p.name,
    totalSessions: p.totalSessions,
    weeks: p.weeks,
    reassessAt: p.reassessAt as ReassessmentPoint[],
    archived: p.archived,
    createdAt: p.createdAt,
  };
}

export function proposalView(
  p: ProgressionProposalRecord,
  names: ReadonlyMap<string, string>,
): ProgressionProposalRecordView {
  return {
    id: p.id,
    participantId: p.participantId,
    enrolmentId: p.enrolmentId,
    weekStart: p.weekStart,
    weekEnd: p.weekEnd,
    prescriptionId: p.prescriptionId,
    kind: p.kind,
    status: p.status,
    decidedBy: p.decidedBy,
    decidedByName: p.decidedBy ? (names.get(p.decidedBy) ?? null) : null,
    decidedAt: p.decidedAt,
    reason: p.reason,
    resultPrescriptionId: p.resultPrescriptionId,
    createdAt: p.createdAt,
    proposal: p.body as ProgressionProposalRecordView['proposal'],
  };
}
