import { z } from 'zod';
import { epochMsSchema as epochMs, entityIdSchema as id, siteIdSchema } from './api.js';
import { deviceIdSchema } from './telemetry.js';
import { idSchema as wireIdSchema } from './topics.js';
import { alertStateSchema, hrModeSchema, ruleIdSchema, severitySchema } from './vocabulary.js';

/**
 * REST API of ingest for home sessions from the participant's own phone (issue 17): staff issue a one-time
 * pairing code, the phone's page exchanges it for a gateway credential of its own, and then speaks to
 * `/api/home/*` with that credential (`Authorization: Gateway {gatewayId}:{secret}`), never a staff login.
 */

/** Letters and digits of pairing codes: no 0/O, 1/I/L, so a code read aloud or typed is not mistyped. */
export const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Characters of a pairing code (shown as two groups of four: `K7QM-2XPD`). */
export const PAIRING_CODE_LENGTH = 8;
/** Header scheme the phone authenticates `/api/home/*` with. */
export const HOME_AUTH_SCHEME = 'Gateway';

/** A pairing code as typed: case, spaces and dashes do not matter. */
export const pairingCodeSchema = z
  .string()
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(
    z
      .string()
      .regex(
        new RegExp(`^[${PAIRING_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`),
        `must be ${PAIRING_CODE_LENGTH} letters and digits (no 0, 1, I, L or O)`,
      ),
  );

/** `POST /participants/:id/pairing-codes` (clinician, coach): the code, shown once. */
export const pairingCodeResponseSchema = z.object({
  /** `K7QM-2XPD`. */
  code: z.string(),
  participantId: id,
  expiresAt: epochMs,
  /** Path of the home page that redeems the code when opened (for the QR code): `/home/#code=K7QM2XPD`. */
  pairPath: z.string(),
});

/** `POST /home/pair` (no login): the code from the phone. */
export const pairBodySchema = z.strictObject({ code: pairingCodeSchema });
/** What the phone keeps: its own gateway credential (shown this once) and where the broker is. */
export const pairResponseSchema = z.object({
  gatewayId: wireIdSchema,
  siteId: siteIdSchema,
  /** MQTT password of this gateway; stored only as its hash. */
  secret: z.string(),
  /** MQTT over WebSocket: an absolute `ws(s)://` URL, or a path on the page's own origin (`/mqtt`). */
  mqttUrl: z.string(),
  participantAlias: z.string(),
});

/** The prescription's numbers the phone shows (zone, ceiling) and its FITT target. */
export const homeZoneSchema = z.object({
  zoneLowBpm: z.number(),
  zoneHighBpm: z.number(),
  ceilingBpm: z.number(),
  hrMode: hrModeSchema,
  spo2Floor: z.number(),
  /** Minutes in zone per session the prescription asks for, when it says. */
  minutesInZone: z.number().nullable(),
});

/** An alert of the participant's own home session, as the phone shows it. */
export const homeAlertSchema = z.object({
  id,
  rule: ruleIdSchema,
  severity: severitySchema,
  state: alertStateSchema,
  raisedAt: epochMs,
  acknowledgedAt: epochMs.nullable(),
  /** The acknowledging coach's display name. */
  acknowledgedBy: z.string().nullable(),
});

/** `GET /home/me` (phone): who, the zone, the running home session and its alerts. */
export const homeStateSchema = z.object({
  gatewayId: wireIdSchema,
  participantAlias: z.string(),
  zone: homeZoneSchema.nullable(),
  session: z
    .object({
      id,
      status: z.enum(['active', 'ended']),
      startedAt: epochMs.nullable(),
      endedAt: epochMs.nullable(),
    })
    .nullable(),
  alerts: z.array(homeAlertSchema),
});

/** `POST /home/session/start` (phone): the devices it paired, bound to the participant for the session. */
export const homeSessionStartBodySchema = z.strictObject({
  devices: z
    .array(z.strictObject({ id: deviceIdSchema, kind: z.enum(['hr-strap', 'oximeter']) }))
    .min(1)
    .max(3),
});

export type PairingCodeResponse = z.infer<typeof pairingCodeResponseSchema>;
export type PairResponse = z.infer<typeof pairResponseSchema>;
export type HomeState = z.infer<typeof homeStateSchema>;
export type HomeAlert = z.infer<typeof homeAlertSchema>;
