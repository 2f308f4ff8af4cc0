import {
  adherenceResponseSchema,
  alertSchema,
  alertWithEventsSchema,
  type ConsentPurpose,
  classSchema,
  clinicalResponseSchema,
  consentRecordSchema,
  consentResponseSchema,
  deviceSchema,
  gatewaySchema,
  gatewaySecretResponseSchema,
  listOf,
  loginResponseSchema,
  meResponseSchema,
  participantSchema,
  prescriptionRecordSchema,
  resolvedPrescriptionSchema,
  rosterEntrySchema,
  type SessionPhase,
  sessionReportResponseSchema,
  sessionSchema,
  sessionSummarySchema,
  sessionTraceResponseSchema,
  startSessionResponseSchema,
  unboundDeviceSchema,
  userSchema,
} from '@zonewatch/protocol';
import { api, enc } from './client.js';
import { groupRoster, parseReply, toSessionReport } from './normalize.js';
import type { ClinicalInput, PrescriptionBody, Role } from './types.js';

/**
 * Every REST call the console makes, each reply checked against its protocol schema (routes and shapes:
 * `protocol/src/api.ts`).
 */
export const endpoints = {
  async login(username: string, password: string) {
    return parseReply(loginResponseSchema, await api.post('/auth/login', { username, password })).user;
  },
  async logout() {
    await api.post('/auth/logout');
  },
  async me() {
    return parseReply(meResponseSchema, await api.get('/auth/me')).user;
  },

  async sessions(query: { kind?: 'class' | 'home'; status?: 'active' | 'ended' | 'scheduled' }) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    return parseReply(listOf(sessionSummarySchema), await api.get(`/sessions?${q}`)).items;
  },
  async session(id: string) {
    return parseReply(sessionSummarySchema, await api.get(`/sessions/${enc(id)}`));
  },
  async startSession(id: string) {
    return parseReply(startSessionResponseSchema, await api.post(`/sessions/${enc(id)}/start`));
  },
  async stopSession(id: string) {
    return parseReply(sessionSchema, await api.post(`/sessions/${enc(id)}/stop`));
  },
  async roster(id: string) {
    return groupRoster(
      parseReply(listOf(rosterEntrySchema), await api.get(`/sessions/${enc(id)}/roster`)).items,
    );
  },
  async unboundDevices(id: string) {
    return parseReply(listOf(unboundDeviceSchema), await api.get(`/sessions/${enc(id)}/unbound-devices`))
      .items;
  },
  async bind(id: string, participantId: string, deviceId: string) {
    return parseReply(
      rosterEntrySchema,
      await api.post(`/sessions/${enc(id)}/bindings`, { participantId, deviceId }),
    );
  },
  /** Moves a running class to `phase` (the next one when absent): issue 14. */
  async setPhase(id: string, phase?: SessionPhase) {
    return parseReply(sessionSchema, await api.post(`/sessions/${enc(id)}/phase`, phase ? { phase } : {}));
  },
  /** Takes a participant out of a session (their devices are unbound). */
  async removeFromSession(id: string, participantId: string) {
    return parseReply(
      listOf(rosterEntrySchema),
      await api.del(`/sessions/${enc(id)}/participants/${enc(participantId)}`),
    ).items;
  },
  async unbind(id: string, deviceId: string) {
    return parseReply(rosterEntrySchema, await api.del(`/sessions/${enc(id)}/bindings/${enc(deviceId)}`));
  },
  async report(id: string) {
    return toSessionReport(
      parseReply(sessionReportResponseSchema, await api.get(`/sessions/${enc(id)}/report`)),
    );
  },
  /** A live session's recent traces per participant (backfills the coach's rolling chart). */
  async recentTrace(id: string) {
    return parseReply(sessionTraceResponseSchema, await api.get(`/sessions/${enc(id)}/trace`)).items;
  },
  async sessionAlerts(id: string) {
    return parseReply(listOf(alertWithEventsSchema), await api.get(`/sessions/${enc(id)}/alerts`)).items;
  },
  /** The report as CSV, its headers and labels in `lang` (the console's language). */
  reportCsvUrl(id: string, kind: 'participants' | 'alerts' = 'participants', lang?: 'en' | 'zh-CN'): string {
    const q = new URLSearchParams({ kind, ...(lang ? { lang } : {}) });
    return `/api/sessions/${enc(id)}/report.csv?${q}`;
  },
  /** The class summary as PDF (every participant in one table), in `lang`. */
  summaryPdfUrl(id: string, lang?: 'en' | 'zh-CN'): string {
    return `/api/sessions/${enc(id)}/summary.pdf${lang ? `?${new URLSearchParams({ lang })}` : ''}`;
  },
  /** One participant's session report as PDF, in `lang`. */
  participantPdfUrl(id: string, participantId: string, lang?: 'en' | 'zh-CN'): string {
    const q = lang ? `?${new URLSearchParams({ lang })}` : '';
    return `/api/sessions/${enc(id)}/participants/${enc(participantId)}/report.pdf${q}`;
  },
  async ackAlert(alertId: string, note?: string) {
    return parseReply(alertSchema, await api.post(`/alerts/${enc(alertId)}/ack`, note ? { note } : {}));
  },

  async participants(siteId?: string) {
    const q = siteId ? `?siteId=${enc(siteId)}` : '';
    return parseReply(listOf(participantSchema), await api.get(`/participants${q}`)).items;
  },
  async createParticipant(siteId: string, alias: string, clinical?: ClinicalInput) {
    return parseReply(
      participantSchema,
      await api.post('/participants', clinical ? { siteId, alias, clinical } : { siteId, alias }),
    );
  },
  async patchParticipant(id: string, body: { alias?: string; active?: boolean }) {
    return parseReply(participantSchema, await api.patch(`/participants/${enc(id)}`, body));
  },
  async participant(id: string) {
    return parseReply(participantSchema, await api.get(`/participants/${enc(id)}`));
  },
  async clinical(id: string) {
    return parseReply(clinicalResponseSchema, await api.get(`/participants/${enc(id)}/clinical`)).clinical;
  },
  async saveClinical(id: string, body: ClinicalInput) {
    return parseReply(clinicalResponseSchema, await api.put(`/participants/${enc(id)}/clinical`, body))
      .clinical;
  },
  async prescriptions(id: string) {
    return parseReply(
      listOf(prescriptionRecordSchema),
      await api.get(`/participants/${enc(id)}/prescriptions`),
    ).items;
  },
  async createPrescription(id: string, body: PrescriptionBody, note?: string) {
    return parseReply(
      prescriptionRecordSchema,
      await api.post(`/participants/${enc(id)}/prescriptions`, note ? { body, note } : { body }),
    );
  },
  async previewPrescription(prescription: PrescriptionBody) {
    return parseReply(resolvedPrescriptionSchema, await api.post('/prescriptions/preview', { prescription }));
  },
  async adherence(id: string, weeks: number) {
    return parseReply(
      adherenceResponseSchema,
      await api.get(`/participants/${enc(id)}/adherence?weeks=${weeks}`),
    );
  },

  /** Consent per purpose in force and every decision recorded (issue 16). */
  async consent(id: string) {
    return parseReply(consentResponseSchema, await api.get(`/participants/${enc(id)}/consent`));
  },
  /** Records a consent grant or withdrawal under a notice version (clinician; audited). */
  async recordConsent(
    id: string,
    body: { purpose: ConsentPurpose; granted: boolean; noticeVersion: string; note?: string },
  ) {
    return parseReply(consentRecordSchema, await api.post(`/participants/${enc(id)}/consent`, body));
  },

  async devices() {
    return parseReply(listOf(deviceSchema), await api.get('/devices')).items;
  },
  /** Assigns a device to a participant ahead of class, or frees it (issue 14). */
  async setDeviceOwner(deviceId: string, participantId: string | null) {
    return parseReply(deviceSchema, await api.put(`/devices/${enc(deviceId)}/owner`, { participantId }));
  },
  async createDevice(body: { id: string; siteId: string; kind: string; model?: string; label?: string }) {
    return parseReply(deviceSchema, await api.post('/devices', body));
  },
  async gateways() {
    return parseReply(listOf(gatewaySchema), await api.get('/gateways')).items;
  },
  async createGateway(body: { id: string; siteId: string; name?: string }) {
    return parseReply(gatewaySecretResponseSchema, await api.post('/gateways', body));
  },
  async rotateGatewaySecret(id: string) {
    return parseReply(gatewaySecretResponseSchema, await api.post(`/gateways/${enc(id)}/rotate-secret`));
  },
  async revokeGateway(id: string) {
    return parseReply(gatewaySchema, await api.del(`/gateways/${enc(id)}`));
  },
  async classes() {
    return parseReply(listOf(classSchema), await api.get('/classes')).items;
  },
  async createClass(body: { siteId: string; name: string; schedule?: string }) {
    return parseReply(classSchema, await api.post('/classes', body));
  },
  async createSession(body: {
    siteId: string;
    kind: 'class' | 'home';
    name?: string;
    classId?: string;
    coachId?: string;
  }) {
    return parseReply(sessionSchema, await api.post('/sessions', body));
  },
  async users() {
    return parseReply(listOf(userSchema), await api.get('/users')).items;
  },
  async createUser(body: {
    username: string;
    displayName: string;
    password: string;
    roles: Role[];
    siteIds: string[];
  }) {
    return parseReply(userSchema, await api.post('/users', body));
  },
  async patchUser(id: string, body: { roles?: Role[]; disabled?: boolean }) {
    return parseReply(userSchema, await api.patch(`/users/${enc(id)}`, body));
  },
};
