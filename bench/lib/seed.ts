/**
 * Seeds a registry with the participants, devices, prescriptions, gateways and one active class session
 * per site of a chain run (the demo seeder, once per site), and returns gateway credentials and a login.
 */
import { type LoadGateway, scenarioRoster } from '@zonewatch/firmware-sim';
import type { Logger } from 'pino';
import { demoParticipant } from '../../ingest/src/platform.js';
import { openRegistry, seedDemo } from '../../ingest/src/registry/index.js';

export interface SeedResult {
  credentials: { gatewayId: string; siteId: string; secret: string }[];
  /** Instructor login that sees every site. */
  username: string;
  password: string;
  /** Active class session per site. */
  sessions: { siteId: string; sessionId: string; participants: number }[];
  seconds: number;
}

export async function seedRegistry(
  gateways: LoadGateway[],
  opts: { dataDir: string; databaseUrl?: string; logger: Logger },
): Promise<SeedResult> {
  const t0 = performance.now();
  const { registry } = await openRegistry({
    dataDir: opts.dataDir,
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    logger: opts.logger,
  });
  try {
    const bySite = new Map<string, LoadGateway[]>();
    for (const g of gateways) bySite.set(g.siteId, [...(bySite.get(g.siteId) ?? []), g]);
    const secretOf = new Map<string, string>();
    const sessions: SeedResult['sessions'] = [];
    let login: { username: string; password: string } | undefined;
    for (const [siteId, gws] of bySite) {
      const participants = gws.flatMap((g) =>
        scenarioRoster(g.scenario).participants.map((p) => demoParticipant(p, false)),
      );
      const r = await seedDemo(registry, {
        site: { id: siteId, name: `Bench site ${siteId}` },
        participants,
        className: `Bench class ${siteId}`,
        gatewayIds: gws.map((g) => g.gatewayId),
        usernamePrefix: 'bench',
      });
      for (const g of r.gateways) secretOf.set(g.gatewayId, g.secret);
      const instructor = r.users.find((u) => u.role === 'instructor')!;
      login = { username: instructor.username, password: instructor.password };
      sessions.push({ siteId, sessionId: r.sessionId, participants: participants.length });
    }
    return {
      credentials: gateways.map((g) => ({
        gatewayId: g.gatewayId,
        siteId: g.siteId,
        secret: secretOf.get(g.gatewayId)!,
      })),
      username: login!.username,
      password: login!.password,
      sessions,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    await registry.db.close();
  }
}
