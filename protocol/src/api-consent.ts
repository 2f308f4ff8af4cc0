import { z } from 'zod';
import { entityIdSchema, epochMsSchema, siteIdSchema } from './api.js';

/**
 * The consent and data-rights part of the REST contract (issue 16): consent per purpose, a person's export
 * and erasure, and the hospitals' FHIR clients. PIPL treats health data as sensitive personal information:
 * each use has its own consent, recorded with the notice version it was given under.
 */

/** What a participant consents to, each separately. */
export const CONSENT_PURPOSES = ['wall-name', 'home-monitoring', 'hospital-sharing'] as const;
export const consentPurposeSchema = z.enum(CONSENT_PURPOSES, {
  error: `must be one of ${CONSENT_PURPOSES.join(', ')}`,
});
export type ConsentPurpose = z.infer<typeof consentPurposeSchema>;

/** One recorded decision: granted or withdrawn, when, by whom, under which notice version. */
export const consentRecordSchema = z.object({
  id: z.string(),
  participantId: entityIdSchema,
  purpose: consentPurposeSchema,
  granted: z.boolean(),
  noticeVersion: z.string(),
  recordedAt: epochMsSchema,
  recordedBy: z.string().nullable(),
  /** Display name of the staff user who recorded it (null: the system, e.g. the demo seed). */
  recordedByName: z.string().nullable(),
  note: z.string().nullable(),
});
export type ConsentRecordView = z.infer<typeof consentRecordSchema>;

/** `GET /participants/:id/consent`: the decision in force per purpose (null: never recorded) and the history. */
export const consentResponseSchema = z.object({
  participantId: entityIdSchema,
  current: z.object({
    'wall-name': consentRecordSchema.nullable(),
    'home-monitoring': consentRecordSchema.nullable(),
    'hospital-sharing': consentRecordSchema.nullable(),
  }),
  /** Oldest first. */
  history: z.array(consentRecordSchema),
});
export type ConsentResponse = z.infer<typeof consentResponseSchema>;

/** `POST /participants/:id/consent`: record a grant or a withdrawal. */
export const recordConsentBodySchema = z.strictObject({
  purpose: consentPurposeSchema,
  granted: z.boolean({ error: 'must be true (granted) or false (withdrawn)' }),
  /** Version of the privacy notice the participant was shown. */
  noticeVersion: z.string().trim().min(1, 'is required').max(64),
  note: z.string().trim().max(1000).optional(),
});

/** `POST /participants/:id/erase` needs the alias typed again: erasure cannot be undone. */
export const eraseBodySchema = z.strictObject({
  confirmAlias: z.string().min(1, 'is required').max(64),
});

/** What an erasure removed. */
export const erasureResponseSchema = z.object({
  participantId: entityIdSchema,
  erasedAt: epochMsSchema,
  /** Registry rows deleted per table (`table.column`: references cleared, e.g. a device's owner). */
  registryRows: z.record(z.string(), z.number().int()),
  /** Home sessions that were theirs alone, deleted with them. */
  sessionIds: z.array(z.string()),
  /** Telemetry: whether their InfluxDB series were dropped (`skipped`: telemetry storage is not configured). */
  telemetry: z.enum(['dropped', 'skipped']),
});

/** A hospital system that may read the FHIR facade. */
export const fhirClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  siteId: siteIdSchema,
  allowIdentity: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: epochMsSchema,
  revokedAt: epochMsSchema.nullable(),
});
export type FhirClientView = z.infer<typeof fhirClientSchema>;

export const createFhirClientBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200),
  siteId: siteIdSchema,
  /** Patient resources carry name, birth date and sex only when true; else pseudonymous. */
  allowIdentity: z.boolean().default(false),
});

/** The new client with its bearer token, shown this once (only its sha256 is stored). */
export const createFhirClientResponseSchema = z.object({ client: fhirClientSchema, token: z.string() });
