import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  HOME_AUTH_SCHEME,
  type HomeAlert,
  homeSessionStartBodySchema,
  homeStateSchema,
  idParamsSchema,
  PAIRING_ALPHABET,
  PAIRING_CODE_LENGTH,
  pairBodySchema,
  pairingCodeResponseSchema,
  pairResponseSchema,
  type RuleId,
} from '@zonewatch/protocol';
import type { FastifyRequest } from 'fastify';
import { authCodes, LoginLimiter, requireRole, requireUser } from '../../auth/index.js';
import {
  codes,
  generatePassword,
  hashPassword,
  SECRET_PARAMS,
  type SessionRecord,
  verifyPassword,
} from '../../registry/index.js';
import { type ApiContext, audit, loaders, type ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';
import { tryResolve } from '../views.js';
import { assertHomeMonitoringConsent } from './consent.js';

const tags = ['home'];

/** How long a pairing code may be redeemed, ms. */
export const PAIRING_CODE_TTL_MS = 15 * 60_000;
/** How long a verified phone credential is trusted without a new scrypt check, ms (revocation is checked every time). */
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 1000;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A new code of {@link PAIRING_CODE_LENGTH} characters of {@link PAIRING_ALPHABET} (≈ 40 bits). */
function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return code;
}

/** The phone gateway a `/home/*` request comes from and the participant it belongs to. */
interface Phone {
  gatewayId: string;
  siteId: string;
  participantId: string;
}

/**
 * `/participants/:id/pairing-codes` (clinician, coach) and `/home/*` (the participant's phone, issue 17).
 * A code is redeemed once, within {@link PAIRING_CODE_TTL_MS}, for an ordinary gateway credential (listed and
 * revocable on the admin pages; the broker ACL keeps it to its own topics) tied to the participant. The
 * phone then authenticates `/home/*` with `Authorization: Gateway {gatewayId}:{secret}`: no staff login.
 */
export async function pairingRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry, live } = ctx;
  const load = loaders(registry);
  // Guessing codes: 10 wrong codes from one address lock it out for 15 minutes.
  const limiter = new LoginLimiter({ maxFailuresPerUser: 10, maxFailuresPerAddress: 10 });
  const verified = new Map<string, number>();

  /** The phone behind `Authorization: Gateway id:secret`, or 401 (unknown, wrong, revoked) / 403 (not a phone). */
  async function phoneOf(request: FastifyRequest): Promise<Phone> {
    const header = request.headers.authorization ?? '';
    const m = new RegExp(`^${HOME_AUTH_SCHEME} ([a-z0-9-]{1,64}):(\\S{1,200})$`).exec(header);
    if (!m)
      throw new authCodes.ZW_ERR_UNAUTHENTICATED(
        `send Authorization: ${HOME_AUTH_SCHEME} {gatewayId}:{secret}`,
      );
    const [, gatewayId, secret] = m as unknown as [string, string, string];
    const cred = await registry.gateways.lookupCredential(gatewayId);
    const refused = () =>
      new authCodes.ZW_ERR_UNAUTHENTICATED('this phone is not paired (revoked or unknown); pair again');
    if (!cred) throw refused();
    const key = sha256(`${gatewayId}\u0000${secret}\u0000${cred.secretHash}`);
    const now = ctx.clock();
    if ((verified.get(key) ?? 0) < now) {
      if (!(await verifyPassword(secret, cred.secretHash))) throw refused();
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(key, now + VERIFIED_TTL_MS);
    }
    const home = await registry.homePairing.gatewayOf(gatewayId);
    if (!home) throw new authCodes.ZW_ERR_FORBIDDEN(`gateway ${gatewayId} is not a participant's phone`);
    return { gatewayId, siteId: cred.siteId, participantId: home.participantId };
  }

  const phones = new WeakMap<FastifyRequest, Phone>();
  /** Fastify preValidation hook of the phone's routes. */
  async function authenticatePhone(request: FastifyRequest): Promise<void> {
    phones.set(request, await phoneOf(request));
  }
  /** The phone `authenticatePhone` found for this request. */
  function phoneFrom(request: FastifyRequest): Phone {
    const phone = phones.get(request);
    if (!phone) throw new authCodes.ZW_ERR_UNAUTHENTICATED('this phone is not paired; pair again');
    return phone;
  }

  /** The active session the participant is in, if any. */
  async function activeSessionOf(phone: Phone): Promise<SessionRecord | undefined> {
    for (const s of await registry.sessions.active({ siteIds: [phone.siteId] })) {
      if ((await registry.rosters.list(s.id)).some((b) => b.participantId === phone.participantId)) return s;
    }
    return undefined;
  }

  app.post(
    '/participants/:id/pairing-codes',
    {
      onRequest: requireRole('clinician', 'coach'),
      schema: {
        tags,
        summary:
          'Issue a one-time code (and QR path) that pairs the participant’s own phone as their home gateway (clinician, coach)',
        params: idParamsSchema,
        response: { 201: pairingCodeResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      if (!p.active) throw new codes.ZW_ERR_INVALID_STATE(`participant ${p.id} is inactive`);
      // Issue 16: no phone is paired for home monitoring without the participant's consent in force.
      await assertHomeMonitoringConsent(registry, { id: '', kind: 'home' }, [p.id]);
      const code = newPairingCode();
      const issuedAt = ctx.clock();
      const expiresAt = issuedAt + PAIRING_CODE_TTL_MS;
      await registry.transaction(async (tx) => {
        await tx.homePairing.issue({
          codeHash: sha256(code),
          participantId: p.id,
          issuedBy: user.id,
          issuedAt,
          expiresAt,
        });
        await audit(tx, user, {
          action: 'home.pairing-code.issue',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { expiresAt },
          requestId: request.id,
        });
      });
      return reply.code(201).send({
        code: `${code.slice(0, 4)}-${code.slice(4)}`,
        participantId: p.id,
        expiresAt,
        pairPath: `/home/#code=${code}`,
      });
    },
  );

  app.post(
    '/home/pair',
    {
      schema: {
        tags,
        summary:
          'Exchange a pairing code for this phone’s own gateway credential (no login; the code is used up)',
        body: pairBodySchema,
        response: { 201: pairResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const address = request.ip;
      const now = ctx.clock();
      const locked = limiter.lockedFor('pairing', address, now);
      if (locked > 0) throw new authCodes.ZW_ERR_LOGIN_LOCKED(Math.ceil(locked / 1000));
      const code = request.body.code;
      const gatewayId = `phone-${randomBytes(6).toString('hex')}`;
      const secret = generatePassword(32);
      const secretHash = await hashPassword(secret, SECRET_PARAMS);
      const paired = await registry.transaction(async (tx) => {
        const pending = await tx.homePairing.pending(sha256(code), now);
        const p = pending && (await tx.participants.get(pending.participantId));
        if (!pending || !p?.active) return undefined;
        const g = await tx.gateways.create({
          id: gatewayId,
          siteId: p.siteId,
          name: `Home phone — ${p.alias}`,
          secretHash,
        });
        // Taken atomically: of two phones racing with one code, the second finds it used and gets nothing.
        const used = await tx.homePairing.redeem(pending.codeHash, gatewayId, now);
        if (!used) throw new codes.ZW_ERR_CONFLICT('pairing code was used meanwhile');
        await tx.homePairing.linkGateway({ gatewayId, participantId: p.id, pairedAt: now });
        await tx.audit.log({
          actor: `user:${used.issuedBy}`,
          action: 'home.pair',
          entity: 'gateway',
          entityId: g.id,
          siteId: g.siteId,
          detail: { participantId: p.id, requestId: request.id },
          atMs: now,
        });
        return { gateway: g, alias: p.alias };
      });
      if (!paired) {
        limiter.fail('pairing', address, now);
        throw new codes.ZW_ERR_NOT_FOUND(
          'pairing code (unknown, already used or expired: ask for a new one)',
        );
      }
      limiter.succeed('pairing', address);
      return reply.code(201).send({
        gatewayId,
        siteId: paired.gateway.siteId,
        secret,
        mqttUrl: ctx.homeMqttUrl ?? '/mqtt',
        participantAlias: paired.alias,
      });
    },
  );

  app.get(
    '/home/me',
    {
      // Who is calling is checked before the body: no credential is a 401, whatever the body.
      preValidation: authenticatePhone,
      schema: {
        tags,
        summary: 'The phone’s participant: zone and ceiling, the running home session and its alerts (phone)',
        response: { 200: homeStateSchema, ...errorResponses },
      },
    },
    async (request) => {
      const phone = phoneFrom(request);
      const p = await registry.participants.get(phone.participantId);
      const rx = await registry.prescriptions.current(phone.participantId, ctx.clock());
      const resolved = rx ? tryResolve(rx.body) : null;
      const session = await activeSessionOf(phone);
      const alerts: HomeAlert[] = [];
      if (session) {
        const names = new Map<string, string | null>();
        for (const a of await registry.alerts.listBySession(session.id)) {
          if (a.participantId !== phone.participantId) continue;
          let by: string | null = null;
          if (a.acknowledgedBy) {
            if (!names.has(a.acknowledgedBy)) {
              names.set(a.acknowledgedBy, (await registry.users.get(a.acknowledgedBy))?.displayName ?? null);
            }
            by = names.get(a.acknowledgedBy) ?? null;
          }
          alerts.push({
            id: a.id,
            rule: a.rule as RuleId,
            severity: a.severity,
            state: a.state,
            raisedAt: a.raisedAt,
            acknowledgedAt: a.acknowledgedAt,
            acknowledgedBy: by,
          });
        }
      }
      return {
        gatewayId: phone.gatewayId,
        participantAlias: p?.alias ?? '',
        zone: resolved
          ? {
              zoneLowBpm: resolved.zoneLowBpm,
              zoneHighBpm: resolved.zoneHighBpm,
              ceilingBpm: resolved.ceilingBpm,
              hrMode: resolved.hrMode,
              spo2Floor: resolved.spo2Floor,
              minutesInZone: resolved.fitt?.minutesInZone ?? null,
            }
          : null,
        session: session
          ? { id: session.id, status: 'active' as const, startedAt: session.startedAt, endedAt: null }
          : null,
        alerts,
      };
    },
  );

  app.post(
    '/home/session/start',
    {
      // Who is calling is checked before the body: no credential is a 401, whatever the body.
      preValidation: authenticatePhone,
      schema: {
        tags,
        summary:
          'Start a home session with the devices this phone paired (phone); the running one if already started',
        body: homeSessionStartBodySchema,
        response: { 200: homeStateSchema.shape.session.unwrap(), ...errorResponses },
      },
    },
    async (request) => {
      const phone = phoneFrom(request);
      const now = ctx.clock();
      const running = await activeSessionOf(phone);
      // A consent withdrawn after pairing stops new home sessions (issue 16).
      await assertHomeMonitoringConsent(registry, { id: running?.id ?? '', kind: 'home' }, [
        phone.participantId,
      ]);
      if (running && running.kind !== 'home') {
        throw new codes.ZW_ERR_CONFLICT(
          'you are in a class session now; the instructor’s gateway is recording it',
        );
      }
      const actor = `gateway:${phone.gatewayId}`;
      const session = await registry.transaction(async (tx) => {
        let s = running ?? (await tx.sessions.create({ siteId: phone.siteId, kind: 'home' }));
        const bound = new Set((await tx.rosters.list(s.id)).map((b) => b.deviceId));
        for (const d of request.body.devices) {
          const dev = await tx.devices.get(d.id);
          if (!dev) {
            await tx.devices.create({
              id: d.id,
              siteId: phone.siteId,
              kind: d.kind,
              label: 'Paired on the participant’s phone',
            });
          } else if (dev.siteId !== phone.siteId) {
            throw new codes.ZW_ERR_CONFLICT(`device ${d.id} belongs to another site`);
          }
          if (!bound.has(d.id)) {
            await tx.rosters.bind({
              sessionId: s.id,
              participantId: phone.participantId,
              deviceId: d.id,
              atMs: now,
              actorId: null,
            });
          }
        }
        if (!running) s = await tx.sessions.start(s.id, now);
        await tx.audit.log({
          actor,
          action: running ? 'home.session.bind' : 'home.session.start',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: {
            participantId: phone.participantId,
            devices: request.body.devices.map((d) => d.id),
            requestId: request.id,
          },
          atMs: now,
        });
        return s;
      });
      if (running) await live.rosterChanged(session.id);
      else await live.sessionStarted(session.id);
      return { id: session.id, status: 'active' as const, startedAt: session.startedAt, endedAt: null };
    },
  );

  app.post(
    '/home/session/end',
    {
      // Who is calling is checked before the body: no credential is a 401, whatever the body.
      preValidation: authenticatePhone,
      schema: {
        tags,
        summary: 'End the running home session (phone): final report, alerts closed, devices unbound',
        response: { 200: homeStateSchema.shape.session.unwrap(), ...errorResponses },
      },
    },
    async (request) => {
      const phone = phoneFrom(request);
      const s = await activeSessionOf(phone);
      if (s?.kind !== 'home') throw new codes.ZW_ERR_INVALID_STATE('no home session is running');
      const now = ctx.clock();
      const ended = await registry.transaction(async (tx) => {
        const e = await tx.sessions.end(s.id, now);
        await tx.audit.log({
          actor: `gateway:${phone.gatewayId}`,
          action: 'home.session.end',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { participantId: phone.participantId, requestId: request.id },
          atMs: now,
        });
        return e;
      });
      await live.sessionEnded(s.id);
      return { id: ended.id, status: 'ended' as const, startedAt: ended.startedAt, endedAt: ended.endedAt };
    },
  );
}
