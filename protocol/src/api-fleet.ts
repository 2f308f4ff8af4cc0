import { z } from 'zod';
import { epochMsSchema as epochMs, entityIdSchema as id, queryBoolSchema, siteIdSchema } from './api.js';
import { fieldCheck } from './field-checks.js';
import { deviceIdSchema } from './telemetry.js';
import { idSchema as wireIdSchema } from './topics.js';
import { deviceKindSchema } from './vocabulary.js';

/** REST API of ingest, the fleet part: devices (straps, oximeters, pedometers) and gateways. See `api.ts`. */

// ---------------------------------------------------------------------------------------------- devices

export const deviceSchema = z.object({
  id: deviceIdSchema,
  siteId: siteIdSchema,
  kind: deviceKindSchema,
  model: z.string().nullable(),
  label: z.string().nullable(),
  createdAt: epochMs,
  retiredAt: epochMs.nullable(),
  /** The participant this device is assigned to ahead of time (bound automatically at session start). */
  ownerParticipantId: id.nullable().optional(),
});
/** `PUT /devices/:id/owner`: assign a device to a participant ahead of time, or free it (null). */
export const deviceOwnerBodySchema = z.strictObject({ participantId: id.nullable() });
export const createDeviceBodySchema = z.strictObject({
  id: deviceIdSchema,
  siteId: siteIdSchema,
  kind: deviceKindSchema,
  model: z.string().trim().max(200).optional(),
  label: z.string().trim().max(200).optional(),
});
export const patchDeviceBodySchema = z
  .strictObject({
    model: z.string().trim().max(200).nullable().optional(),
    label: z.string().trim().max(200).nullable().optional(),
    /** Moves the device to another site (you must belong to both). */
    siteId: siteIdSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'must change at least one field',
    ...fieldCheck('NO_CHANGE'),
  });
export const devicesQuerySchema = z.object({
  siteId: siteIdSchema.optional(),
  includeRetired: queryBoolSchema.optional(),
});

// ---------------------------------------------------------------------------------------------- gateways

export const gatewaySchema = z.object({
  id: wireIdSchema,
  siteId: siteIdSchema,
  name: z.string().nullable(),
  createdAt: epochMs,
  lastSeen: epochMs.nullable(),
  revokedAt: epochMs.nullable(),
});
export const createGatewayBodySchema = z.strictObject({
  /** Also the gateway's MQTT username. */
  id: wireIdSchema,
  siteId: siteIdSchema,
  name: z.string().trim().max(200).optional(),
});
/** The MQTT secret is shown in this response only; the registry keeps its scrypt hash. */
export const gatewaySecretResponseSchema = z.object({
  gateway: gatewaySchema,
  mqttUsername: z.string(),
  secret: z.string(),
});
export const siteQuerySchema = z.object({ siteId: siteIdSchema.optional() });

export type ApiDevice = z.infer<typeof deviceSchema>;
export type CreateDeviceBody = z.input<typeof createDeviceBodySchema>;
export type PatchDeviceBody = z.input<typeof patchDeviceBodySchema>;
export type ApiGateway = z.infer<typeof gatewaySchema>;
export type CreateGatewayBody = z.input<typeof createGatewayBodySchema>;
export type GatewaySecretResponse = z.infer<typeof gatewaySecretResponseSchema>;
export type DeviceOwnerBody = z.input<typeof deviceOwnerBodySchema>;
