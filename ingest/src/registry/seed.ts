import { generatePassword, hashPassword, SECRET_PARAMS } from './passwords.js';
import type { Registry } from './registry.js';
import { CONSENT_PURPOSES } from './repos/consent.js';
import { type DeviceKind, ROLES, type Role, type SessionRecord, type Sex } from './types.js';

/** A device of a demo participant: a wire id (kind `hr-strap`) or an id with its kind. */
export type DemoDevice = string | { id: string; kind: DeviceKind; model?: string };

/** One demo participant, as the demo scenario describes it. */
export interface DemoParticipant {
  id: string;
  alias: string;
  age: number;
  sex: Sex;
  condition: string;
  betaBlocker: boolean;
  /** Resting and maximal HR (bpm) belong to the prescription body; accepted here for the caller's convenience. */
  hrRest: number;
  hrMax?: number;
  deviceIds: DemoDevice[];
  /** The prescription document (the rules engine's schema), stored as version 1. */
  prescription: object;
  /** Exercise at home in their own session (remote coach) instead of in the class. */
  home?: boolean;
}

/** Input of {@link seedDemo}. */
export interface DemoInput {
  site: { id: string; name: string; timezone?: string };
  participants: DemoParticipant[];
  className?: string;
  classSchedule?: string;
  /** Gateways to register at the site; their secrets are generated and returned. */
  gatewayIds?: string[];
  /** Prefix of the demo logins (default `demo`): `demo-admin`, `demo-clinician`, … */
  usernamePrefix?: string;
  /** Time the demo starts (ms; default the registry clock). */
  atMs?: number;
}

/** What {@link seedDemo} made or found. Passwords and secrets are shown here once and stored only hashed. */
export interface DemoSeedResult {
  /** True when the site did not exist before this call. */
  created: boolean;
  siteId: string;
  /** One login per role with a freshly generated password (reset on every call: hashes cannot be reversed). */
  users: { role: Role; userId: string; username: string; password: string }[];
  participantIds: string[];
  classId: string;
  /** The active class session. */
  sessionId: string;
  /** The active home session of each home participant. */
  homeSessions: { participantId: string; sessionId: string }[];
  /** MQTT credentials of the demo gateways (secrets regenerated on every call). */
  gateways: { gatewayId: string; siteId: string; secret: string }[];
}

const ROLE_NAMES: Readonly<Record<Role, string>> = {
  admin: 'Demo administrator',
  clinician: 'Demo clinician',
  instructor: 'Demo instructor',
  coach: 'Demo coach',
  ops: 'Demo operations',
};

/** JSON with sorted keys, to compare a body with what JSONB returns. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Creates the demo: a site, one user per role with a random password, the given participants (alias +
 * clinical details), their prescriptions (version 1, or a new version when the body changed), devices,
 * gateways, a class with an active session binding the class participants' devices, and an active home
 * session per home participant. Idempotent: a second call finds everything by id or name, creates only
 * what is missing, and resets the demo passwords and gateway secrets (the old ones cannot be recovered).
 * Runs in one transaction; logs nothing (the caller prints the returned passwords if it wants).
 */
export async function seedDemo(registry: Registry, demo: DemoInput): Promise<DemoSeedResult> {
  const prefix = demo.usernamePrefix ?? 'demo';
  const siteId = demo.site.id;
  const passwords = Object.fromEntries(ROLES.map((r) => [r, generatePassword()])) as Record<Role, string>;
  const secrets = (demo.gatewayIds ?? []).map((id) => ({ gatewayId: id, secret: generatePassword(32) }));
  // Hash the gateway secrets before the transaction so it holds the database as briefly as possible.
  const secretHashes = await Promise.all(secrets.map((s) => hashPassword(s.secret, SECRET_PARAMS)));

  return registry.transaction(async (tx) => {
    const now = demo.atMs ?? tx.now();
    const existingSite = await tx.sites.get(siteId);
    if (!existingSite)
      await tx.sites.create({ id: siteId, name: demo.site.name, timezone: demo.site.timezone ?? 'UTC' });

    const users: DemoSeedResult['users'] = [];
    for (const role of ROLES) {
      const username = `${prefix}-${role}`;
      const found = await tx.users.findByUsername(username);
      let userId: string;
      if (found) {
        userId = found.id;
        await tx.users.setPassword(userId, passwords[role]);
        if (!found.roles.includes(role) || found.disabled) {
          await tx.users.update(userId, { roles: [...new Set([...found.roles, role])], disabled: false });
        }
        if (!found.siteIds.includes(siteId)) await tx.users.addSite(userId, siteId);
      } else {
        userId = (
          await tx.users.create({
            username,
            displayName: ROLE_NAMES[role],
            password: passwords[role],
            roles: [role],
            siteIds: [siteId],
          })
        ).id;
      }
      users.push({ role, userId, username, password: passwords[role] });
    }
    const idOf = (role: Role) => users.find((u) => u.role === role)!.userId;

    for (const p of demo.participants) {
      if (!(await tx.participants.get(p.id))) {
        await tx.participants.create({
          id: p.id,
          siteId,
          alias: p.alias,
          clinical: {
            ageYears: p.age,
            sex: p.sex,
            conditions: [p.condition],
            medications: p.betaBlocker ? ['beta-blocker'] : [],
            betaBlocker: p.betaBlocker,
          },
        });
      }
      // Issue 16: the demo participants consented to every purpose, so the demo runs as it did.
      if ((await tx.consent.history(p.id)).length === 0) {
        for (const purpose of CONSENT_PURPOSES) {
          await tx.consent.record({
            participantId: p.id,
            purpose,
            granted: true,
            noticeVersion: 'demo',
            recordedBy: idOf('clinician'),
            note: '演示参与者的同意',
            atMs: now,
          });
        }
      }
      const current = await tx.prescriptions.current(p.id, now);
      if (!current || canonical(current.body) !== canonical(p.prescription)) {
        const latest = (await tx.prescriptions.history(p.id)).at(-1);
        await tx.prescriptions.create({
          participantId: p.id,
          authorId: idOf('clinician'),
          body: p.prescription,
          effectiveFrom: latest ? Math.max(now, latest.effectiveFrom + 1) : now,
          note: latest ? '演示处方（已更新）' : '演示处方',
        });
      }
      for (const d of p.deviceIds) {
        const dev = typeof d === 'string' ? { id: d, kind: 'hr-strap' as const } : d;
        if (!(await tx.devices.get(dev.id))) await tx.devices.create({ ...dev, siteId });
      }
    }

    const gateways: DemoSeedResult['gateways'] = [];
    for (const [i, s] of secrets.entries()) {
      const hash = secretHashes[i]!;
      if (await tx.gateways.get(s.gatewayId)) await tx.gateways.rotateSecret(s.gatewayId, hash);
      else
        await tx.gateways.create({
          id: s.gatewayId,
          siteId,
          name: `Demo gateway ${s.gatewayId}`,
          secretHash: hash,
        });
      gateways.push({ gatewayId: s.gatewayId, siteId, secret: s.secret });
    }

    const classId = `${siteId}-demo-class`;
    if (!(await tx.classes.get(classId))) {
      await tx.classes.create({
        id: classId,
        siteId,
        name: demo.className ?? 'Demo class',
        instructorId: idOf('instructor'),
        schedule: demo.classSchedule ?? null,
      });
    }

    const active = await tx.sessions.active({ siteIds: [siteId] });
    const ensureActive = async (found: SessionRecord | undefined, create: () => Promise<SessionRecord>) => {
      if (found) return found;
      const s = await create();
      return tx.sessions.start(s.id, now);
    };
    const ensureBound = async (sessionId: string, p: DemoParticipant) => {
      const roster = await tx.rosters.list(sessionId);
      for (const d of p.deviceIds) {
        const deviceId = typeof d === 'string' ? d : d.id;
        if (!roster.some((b) => b.deviceId === deviceId)) {
          await tx.rosters.bind({
            sessionId,
            participantId: p.id,
            deviceId,
            atMs: now,
            actorId: idOf('instructor'),
          });
        }
      }
    };

    const classSession = await ensureActive(
      active.find((s) => s.classId === classId),
      () => tx.sessions.create({ siteId, kind: 'class', classId }),
    );
    for (const p of demo.participants.filter((x) => !x.home)) await ensureBound(classSession.id, p);

    const homeSessions: DemoSeedResult['homeSessions'] = [];
    for (const p of demo.participants.filter((x) => x.home)) {
      let found: SessionRecord | undefined;
      for (const s of active.filter((x) => x.kind === 'home')) {
        if ((await tx.rosters.list(s.id)).some((b) => b.participantId === p.id)) found = s;
      }
      const s = await ensureActive(found, () =>
        tx.sessions.create({
          siteId,
          kind: 'home',
          name: `Home session — ${p.alias}`,
          nameCode: 'homeOf',
          nameAlias: p.alias,
          coachId: idOf('coach'),
        }),
      );
      await ensureBound(s.id, p);
      homeSessions.push({ participantId: p.id, sessionId: s.id });
    }

    await tx.audit.log({
      actor: 'system:seed',
      action: existingSite ? 'demo.reseed' : 'demo.seed',
      entity: 'site',
      entityId: siteId,
      siteId,
      detail: { participants: demo.participants.length, gateways: gateways.length },
      atMs: now,
    });

    return {
      created: !existingSite,
      siteId,
      users,
      participantIds: demo.participants.map((p) => p.id),
      classId,
      sessionId: classSession.id,
      homeSessions,
      gateways,
    };
  });
}
