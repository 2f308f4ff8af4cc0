import {
  type AssessmentInput,
  assessmentDerivationSchema,
  assessmentRecordSchema,
  type EnrolmentInput,
  enrolmentSchema,
  listOf,
  type PrescriptionInput,
  type ProposalDecision,
  programmeSchema,
  progressionProposalRecordSchema,
  reassessmentDueItemSchema,
  recordResponseSchema,
  rosterEntrySchema,
} from '@zonewatch/protocol';
import { api, enc } from '../api/client.js';
import { parseReply } from '../api/normalize.js';

/**
 * The record's REST calls (issue 15), each reply checked against its protocol schema
 * (`protocol/src/api-record.ts`).
 */
export const recordApi = {
  async record(participantId: string) {
    return parseReply(recordResponseSchema, await api.get(`/participants/${enc(participantId)}/record`));
  },
  /** Who is due a re-assessment (instructors may read it: no values, only the notice). */
  async due(siteId?: string) {
    const q = siteId ? `?siteId=${enc(siteId)}` : '';
    return parseReply(listOf(reassessmentDueItemSchema), await api.get(`/reassessments/due${q}`)).items;
  },
  /** Everyone who was on a session's roster (bound now or earlier), for a coach's list of records. */
  async everyoneOn(sessionId: string) {
    return parseReply(listOf(rosterEntrySchema), await api.get(`/sessions/${enc(sessionId)}/roster`)).items;
  },
  async createAssessment(body: AssessmentInput) {
    return parseReply(
      assessmentRecordSchema,
      await api.post(`/participants/${enc(body.participantId)}/assessments`, body),
    );
  },
  /** The prescription an assessment proposes (nothing is saved). */
  async derive(assessmentId: string) {
    return parseReply(
      assessmentDerivationSchema,
      await api.get(`/assessments/${enc(assessmentId)}/derivation`),
    );
  },
  async savePrescription(participantId: string, body: PrescriptionInput, note: string) {
    await api.post(`/participants/${enc(participantId)}/prescriptions`, { body, note });
  },
  async programmes() {
    return parseReply(listOf(programmeSchema), await api.get('/programmes')).items;
  },
  async enrol(body: EnrolmentInput) {
    return parseReply(enrolmentSchema, await api.post('/enrolments', body));
  },
  async decide(proposalId: string, decision: ProposalDecision) {
    return parseReply(
      progressionProposalRecordSchema,
      await api.post(`/proposals/${enc(proposalId)}/decision`, decision),
    );
  },
};
