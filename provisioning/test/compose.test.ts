import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dashboardProvidersFileSchema, GRAFANA_PROVISIONING, loadYaml, REPO } from './grafana-model.js';

const COMPOSE = join(REPO, 'docker-compose.yml');
const composeText = readFileSync(COMPOSE, 'utf8');
const envExample = readFileSync(join(REPO, '.env.example'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'zw-compose-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function dockerCompose(
  args: string[],
  envFile: string,
): { status: number | null; stdout: string; stderr: string } {
  const found = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(
      'docker-compose not found: install the Debian package `docker-compose` (or run `npm test` as root)',
    );
  }
  // A clean environment, so nothing but the env file can satisfy a variable.
  return spawnSync('docker-compose', ['--env-file', envFile, '-f', COMPOSE, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
}

/** Variables compose interpolates, with how: `?` required, `-` defaulted, `` plain. */
const referenced = new Map<string, string>();
for (const m of composeText.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)(?::?([?-]))?/g)) {
  const prev = referenced.get(m[1]!);
  referenced.set(m[1]!, prev === '?' ? '?' : (m[2] ?? ''));
}
const secrets = [...referenced].filter(([, how]) => how === '?').map(([name]) => name);

/** A service's volumes as `source:target[:ro]` (docker-compose 1.29 renders them as strings ending in :rw/:ro). */
function mountsOf(svc: Record<string, unknown>): string[] {
  return ((svc.volumes as (string | { source: string; target: string; read_only?: boolean })[]) ?? []).map(
    (v) =>
      typeof v === 'string' ? v.replace(/:rw$/, '') : `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`,
  );
}

/** `.env.example` with every empty value filled by a dummy (what an operator does). */
function filledEnv(omit?: string): string {
  const lines = envExample
    .split('\n')
    .filter((l) => !(omit && l.startsWith(`${omit}=`)))
    .map((l) => (/^[A-Z0-9_]+=$/.test(l) ? `${l}dummy-${l.length}-0123456789abcdef` : l));
  const file = join(work, omit ? `env-without-${omit}` : 'env');
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('docker-compose.yml', () => {
  it('takes every secret from .env with no default, and .env.example lists them empty', () => {
    expect(secrets.sort()).toEqual([
      'GATEWAY_SECRET',
      'GRAFANA_ADMIN_PASSWORD',
      'INFLUX_ADMIN_PASSWORD',
      'INFLUX_ADMIN_TOKEN',
      'MQTT_INGEST_PASSWORD',
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      'ZW_ALERT_EMAIL',
    ]);
    for (const s of secrets) {
      expect(envExample, s).toMatch(new RegExp(`^${s}=$`, 'm'));
      expect(composeText, `${s} has no default anywhere`).not.toMatch(new RegExp(`\\$\\{${s}:?-`));
      for (const m of composeText.matchAll(new RegExp(`\\$\\{${s}(:?[?-][^}]*)?\\}`, 'g'))) {
        expect(m[0], 'each use names the variable to set').toBe(`\${${s}:?set ${s} in .env}`);
      }
    }
  });

  it('documents every variable it reads in .env.example', () => {
    for (const name of referenced.keys()) {
      expect(envExample, name).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    }
  });

  it('validates (docker-compose config -q) with .env filled from .env.example', () => {
    const r = dockerCompose(['config', '-q'], filledEnv());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails without .env values, naming the missing secret', () => {
    const empty = join(work, 'empty-env');
    writeFileSync(empty, '');
    const r = dockerCompose(['config', '-q'], empty);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set [A-Z_]+ in \.env/);
    for (const s of secrets) {
      const one = dockerCompose(['config', '-q'], filledEnv(s));
      expect(one.status, s).not.toBe(0);
      expect(one.stderr, s).toContain(`set ${s} in .env`);
    }
  });

  describe('rendered configuration', () => {
    const rendered = (): {
      services: Record<string, Record<string, unknown> & { environment?: Record<string, string> }>;
    } => {
      const r = dockerCompose(['config'], filledEnv());
      expect(r.status, r.stderr).toBe(0);
      return parseYaml(r.stdout) as ReturnType<typeof rendered>;
    };
    const ONE_SHOT = ['influx-init', 'broker-init'];

    it('runs broker, ingest, gateway-sim, influxdb, grafana, postgres and redis, plus two set-up jobs', () => {
      expect(Object.keys(rendered().services).sort()).toEqual([
        'broker',
        'broker-init',
        'gateway-sim',
        'grafana',
        'influx-init',
        'influxdb',
        'ingest',
        'postgres',
        'redis',
      ]);
    });

    it('gives every long-running service a health check and pins every image', () => {
      for (const [name, svc] of Object.entries(rendered().services)) {
        if (ONE_SHOT.includes(name)) expect(svc.restart, name).toBe('no');
        else expect(svc.healthcheck, `${name} has a health check`).toBeDefined();
        // Our own image is built from this checkout; third-party images are pinned to a version.
        if (svc.build) continue;
        const image = String(svc.image);
        expect(image, name).toMatch(/:[^:]*\d[^:]*$/);
        expect(image, name).not.toMatch(/:latest$/);
      }
      const influx = String(rendered().services.influxdb!.image);
      expect(influx).toMatch(/^influxdb:2\.\d+\.\d+$/);
      expect(String(rendered().services.grafana!.image)).toMatch(/^grafana\/grafana:11\.\d+\.\d+$/);
    });

    it('starts the Node services from entry points that exist', () => {
      const services = rendered().services;
      for (const [name, svc] of Object.entries(services)) {
        const words = [...((svc.command as string[]) ?? []), ...((svc.entrypoint as string[]) ?? [])].join(
          ' ',
        );
        for (const m of words.matchAll(/\b([a-z-]+\/src\/[a-z-]+\.ts)\b/g)) {
          expect(existsSync(join(REPO, m[1]!)), `${name}: ${m[1]}`).toBe(true);
        }
      }
      expect(services.broker!.command).toEqual(['broker/src/main.ts']);
      expect(services['gateway-sim']!.command).toEqual(['firmware-sim/src/gateway-sim.ts']);
      expect((services.ingest!.entrypoint as string[]).join(' ')).toContain('ingest/src/main.ts');
      expect(existsSync(join(REPO, String(services['gateway-sim']!.environment!.SIM_SCENARIO)))).toBe(true);
    });

    it('mounts the Grafana provisioning and dashboards where the provider looks, and gives Grafana every variable they read', () => {
      const grafana = rendered().services.grafana!;
      const volumes = mountsOf(grafana);
      const provider = loadYaml('dashboards/zonewatch.yaml', dashboardProvidersFileSchema).providers[0]!;
      expect(volumes).toContain(`${GRAFANA_PROVISIONING}:/etc/grafana/provisioning:ro`);
      expect(volumes).toContain(
        `${join(REPO, 'provisioning/grafana/dashboards')}:${provider.options.path}:ro`,
      );
      const files = ['datasources/influxdb.yaml', 'alerting/contact-points.yaml'].map((f) =>
        readFileSync(join(GRAFANA_PROVISIONING, f), 'utf8'),
      );
      const needed = new Set(files.flatMap((t) => [...t.matchAll(/\$__env\{(\w+)\}/g)].map((m) => m[1]!)));
      const entrypoint = (grafana.entrypoint as string[]).join(' ');
      for (const v of needed) {
        const given = v in (grafana.environment ?? {}) || entrypoint.includes(`export ${v}=`);
        expect(given, `Grafana needs ${v}`).toBe(true);
      }
    });

    it('hands ingest and Grafana the scoped tokens influx-init writes, read-only', () => {
      const s = rendered().services;
      const mounts = (name: string) => mountsOf(s[name]!);
      expect(mounts('influx-init')).toEqual(
        expect.arrayContaining([
          'influx-token-ingest:/run/zonewatch/influx-tokens/ingest',
          'influx-token-grafana:/run/zonewatch/influx-tokens/grafana',
        ]),
      );
      expect(mounts('ingest')).toContain('influx-token-ingest:/run/zonewatch/influx-token:ro');
      expect(mounts('grafana')).toContain('influx-token-grafana:/run/zonewatch/influx-token:ro');
      expect(mounts('ingest').join()).not.toContain('grafana');
      expect(mounts('grafana').join()).not.toContain('ingest');
      expect(s['influx-init']!.environment!.INFLUX_TOKEN_DIR).toBe('/run/zonewatch/influx-tokens');
    });
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const workspaces = (
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { workspaces: string[] }
  ).workspaces;

  it('copies the manifest of every workspace before npm ci (or npm ci fails in the image)', () => {
    for (const w of workspaces) expect(dockerfile, w).toContain(`COPY ${w}/package.json ${w}/`);
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/);
  });

  it('runs as a non-root user with node --import tsx as the entry point', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "--import", "tsx"]');
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS deps$/m);
  });

  it('keeps .env, node_modules and local data out of the build context', () => {
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '.env.*', '**/node_modules', 'data', '.git'])
      expect(ignore).toContain(entry);
    expect(ignore).toContain('!.env.example');
  });
});
