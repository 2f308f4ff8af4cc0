import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  type AuthUser,
  authCodes,
  canSeeSite,
  requireUser,
  sessionAccess,
  siteScope,
} from '../auth/index.js';
import type { GatewayCredentialEvents } from '../mqtt/gateway-credentials.js';
import {
  type AuditInput,
  type ClassRecord,
  codes,
  type Device,
  type Gateway,
  type Participant,
  type Registry,
  type SessionRecord,
} from '../registry/index.js';
import type { InfluxQLTarget } from '../telemetry/index.js';
import type { LiveControl } from './live-control.js';

/** The Fastify instance routes are declared on (zod type provider). */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What every route module gets. */
export interface ApiContext {
  registry: Registry;
  live: LiveControl;
  /** ms since epoch. */
  clock: () => number;
  /** Always mark the session cookie Secure (else only when the request came over https). */
  secureCookies: boolean;
  /** Told after a gateway's credential is revoked or rotated, so its open MQTT connections are cut. */
  gatewayCredentials?: GatewayCredentialEvents;
  /** MQTT-over-WebSocket URL or path given to paired phones (issue 17). */
  homeMqttUrl?: string;
  /** InfluxDB, for a person's telemetry in an export or an erasure (issue 16); unset: not configured. */
  telemetry?: InfluxQLTarget;
}

/** The audit actor of a user. */
export const actorOf = (user: AuthUser): string => `user:${user.id}`;

/** Appends an audit entry by `user` (call inside the transaction of the change it records). */
export function audit(
  tx: Registry,
  user: AuthUser,
  entry: Omit<AuditInput, 'actor'> & { requestId?: string },
): Promise<unknown> {
  const { requestId, ...rest } = entry;
  return tx.audit.log({
    ...rest,
    actor: actorOf(user),
    detail: { ...(rest.detail ?? {}), ...(requestId ? { requestId } : {}) },
  });
}

/** Refuses (403) a site the user does not belong to: for site ids the client names (bodies, queries). */
export function assertSite(user: AuthUser, siteId: string): void {
  if (!canSeeSite(user, siteId)) {
    throw new authCodes.ZW_ERR_FORBIDDEN(`you are not a member of site ${siteId}`);
  }
}

/**
 * The sites a list route reads: the one asked for (`?siteId=`, which the user must belong to, else 403), or
 * every site of the user (`undefined` = every site, for admins).
 */
export function listScope(user: AuthUser, siteId: string | undefined): readonly string[] | undefined {
  if (siteId === undefined || siteId === '') return siteScope(user);
  assertSite(user, siteId);
  return [siteId];
}

/**
 * An entity of a site the user belongs to, else 404 — the same answer as for an unknown id, so ids of other
 * sites cannot be probed.
 */
export function visible<T extends { siteId: string }>(
  user: AuthUser,
  entity: T | undefined,
  kind: string,
  id: string,
): T {
  if (!entity || !canSeeSite(user, entity.siteId)) throw new codes.ZW_ERR_NOT_FOUND(`${kind} ${id}`);
  return entity;
}

/** Scoped loaders: each returns the entity or throws 404 (unknown, or of another site). */
export function loaders(registry: Registry) {
  return {
    async participant(req: FastifyRequest, id: string): Promise<Participant> {
      return visible(requireUser(req), await registry.participants.get(id), 'participant', id);
    },
    async device(req: FastifyRequest, id: string): Promise<Device> {
      return visible(requireUser(req), await registry.devices.get(id), 'device', id);
    },
    async gateway(req: FastifyRequest, id: string): Promise<Gateway> {
      return visible(requireUser(req), await registry.gateways.get(id), 'gateway', id);
    },
    async class(req: FastifyRequest, id: string): Promise<ClassRecord> {
      return visible(requireUser(req), await registry.classes.get(id), 'class', id);
    },
    /**
     * A session the user may see ({@link sessionAccess}): 404 for an unknown one or one of another site, 403
     * naming the reason otherwise (a coach and a class session).
     */
    async session(req: FastifyRequest, id: string): Promise<SessionRecord> {
      const s = await registry.sessions.get(id);
      if (!s) throw new codes.ZW_ERR_NOT_FOUND(`session ${id}`);
      const access = sessionAccess(requireUser(req), s);
      if (!access.ok) {
        throw access.refusal === 'not-found'
          ? new codes.ZW_ERR_NOT_FOUND(`session ${id}`)
          : new authCodes.ZW_ERR_FORBIDDEN(access.reason);
      }
      return s;
    },
  };
}

/** Checks that `userId` is a member of `siteId` (an instructor or coach named in a body); 422 otherwise. */
export async function assertStaffOfSite(
  registry: Registry,
  field: string,
  userId: string,
  siteId: string,
): Promise<void> {
  const u = await registry.users.get(userId);
  if (!u || u.disabled || !u.siteIds.includes(siteId)) {
    throw new codes.ZW_ERR_INVALID_REFERENCE(
      `${field}: user ${userId} is not an active member of site ${siteId}`,
    );
  }
}
