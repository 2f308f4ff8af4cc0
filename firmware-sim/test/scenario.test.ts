import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, parseTimeS, ScenarioError, scenarioRoster } from '../src/index.js';

const dir = join(import.meta.dirname, '..', 'scenarios');

function errorOf(text: string, file = 'bad.yaml'): ScenarioError {
  try {
    parseScenario(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

const minimal = `
site: s-1
gateway: { id: gw-1 }
durationS: '10:00'
participants:
  - id: p-1
    alias: Ann
    age: 60
    sex: female
    condition: copd
    hrRest: 70
    devices: [{ id: 'AA:BB:CC:DD:EE:01', kind: oximeter }]
    events:
      - { at: '2:30', kind: desaturate, toSpo2: 86, durationS: 60 }
`;

describe('scenario files', () => {
  it('parses times as mm:ss, h:mm:ss or seconds', () => {
    expect(parseTimeS('12:00')).toBe(720);
    expect(parseTimeS('1:02:03')).toBe(3723);
    expect(parseTimeS('90')).toBe(90);
    expect(parseTimeS(45)).toBe(45);
    expect(parseTimeS('12:60')).toBeNaN();
    expect(parseTimeS('soon')).toBeNaN();
  });

  it('fills defaults and normalises times to seconds', () => {
    const s = parseScenario(minimal, 'ok.yaml');
    expect(s.durationS).toBe(600);
    expect(s.speedup).toBe(1);
    expect(s.kind).toBe('class');
    expect(s.plan.length).toBeGreaterThan(0);
    const p = s.participants[0]!;
    expect(p.fitness).toBe('average');
    expect(p.betaBlocker).toBe(false);
    expect(p.events[0]).toMatchObject({ at: 150, kind: 'desaturate', toSpo2: 86, durationS: 60 });
  });

  it('names the file, the path, the line and the reason', () => {
    const e = errorOf(minimal.replace('toSpo2: 86', 'toSpo2: 120'));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe('participants[0].events[0].toSpo2');
    expect(e.issues[0]!.line).toBe(14);
    expect(e.message).toContain('bad.yaml:14 participants[0].events[0].toSpo2');
    expect(e.message).toMatch(/100/);
  });

  it('rejects bad ids, unknown fields, bad times and an unknown event kind', () => {
    const e = errorOf(
      minimal
        .replace('id: p-1', 'id: P 1')
        .replace("'AA:BB:CC:DD:EE:01'", "'not a mac!'")
        .replace("at: '2:30'", "at: 'half past'")
        .replace('condition: copd', 'condition: copd\n    colour: blue'),
    );
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'participants[0].id',
        'participants[0].devices[0].id',
        'participants[0].events[0].at',
        'participants[0]',
      ]),
    );
    expect(e.message).toMatch(/colour/);
    const k = errorOf(minimal.replace('kind: desaturate', 'kind: explode'));
    expect(k.issues[0]!.path).toBe('participants[0].events[0].kind');
  });

  it('checks what only the whole document can tell', () => {
    const twice = minimal.replace(
      /participants:\n/,
      `participants:
  - id: p-1
    alias: Twin
    age: 60
    sex: male
    condition: healthy
    hrRest: 60
    devices: [{ id: 'AA:BB:CC:DD:EE:01', kind: hr-strap }]
`,
    );
    const e = errorOf(twice);
    expect(e.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['participants[1].id', 'participants[1].devices[0].id']),
    );
    const late = errorOf(minimal.replace("at: '2:30'", "at: '11:00'"));
    expect(late.issues[0]).toMatchObject({ path: 'participants[0].events[0].at' });
    expect(late.issues[0]!.message).toMatch(/after the end/);
    const noOxi = errorOf(minimal.replace('kind: oximeter', 'kind: hr-strap'));
    expect(noOxi.issues[0]!.message).toMatch(/needs an oximeter/);
    const ghost = errorOf(
      minimal.replace(
        'durationS: 60 }',
        "durationS: 60 }\n      - { at: 10, kind: dropout, durationS: 5, device: 'XX' }",
      ),
    );
    expect(ghost.issues[0]).toMatchObject({ path: 'participants[0].events[1].device' });
    const rest = errorOf(minimal.replace('hrRest: 70', 'hrRest: 70\n    hrMax: 85'));
    expect(rest.issues[0]).toMatchObject({ path: 'participants[0].hrMax' });
  });

  it('reports YAML syntax errors with the file and line', () => {
    const e = errorOf('site: s-1\ngateway: { id: gw-1\n', 'broken.yaml');
    expect(e.issues[0]!.path).toBe('(syntax)');
    expect(e.message).toContain('broken.yaml:');
  });

  it('reads JSON through the same parser', () => {
    const s = parseScenario(
      JSON.stringify({
        site: 's-1',
        gateway: { id: 'gw-1' },
        durationS: 60,
        participants: [
          {
            id: 'p-1',
            alias: 'A',
            age: 50,
            sex: 'male',
            condition: 'healthy',
            hrRest: 60,
            devices: [{ id: 'd1', kind: 'hr-strap' }],
          },
        ],
      }),
      'x.json',
    );
    expect(s.participants).toHaveLength(1);
  });

  it('names a missing file', async () => {
    await expect(loadScenario(join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml/);
  });

  const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
  it('ships the scenarios the platform needs', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'demo-class.yaml',
        'cardiac-rehab-class.yaml',
        'copd-class.yaml',
        'home-walk.yaml',
        'home-bike.yaml',
      ]),
    );
  });
  it.each(files)('shipped scenario %s validates', async (f) => {
    const s = await loadScenario(join(dir, f));
    const roster = scenarioRoster(s);
    expect(roster.participants.length).toBe(s.participants.length);
    const expected: Record<string, number> = {
      'cardiac-rehab-class.yaml': 12,
      'copd-class.yaml': 8,
      'home-walk.yaml': 1,
      'home-bike.yaml': 1,
    };
    if (expected[f] !== undefined) expect(s.participants).toHaveLength(expected[f]);
    if (f === 'demo-class.yaml') {
      expect(s.participants.length).toBeGreaterThanOrEqual(4);
      expect(s.participants.length).toBeLessThanOrEqual(6);
      const first = s.participants.flatMap((p) => p.events).filter((e) => e.at <= 180);
      expect(first.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('derives the roster for registry seeding', async () => {
    const s = await loadScenario(join(dir, 'demo-class.yaml'));
    const r = scenarioRoster(s);
    expect(r).toMatchObject({ siteId: s.site, gatewayId: s.gateway.id, kind: 'class' });
    const cy = r.participants.find((p) => p.alias === 'Cy')!;
    expect(cy).toMatchObject({ betaBlocker: true, hrMax: 132, hrMaxSource: 'measured' });
    const ada = r.participants.find((p) => p.alias === 'Ada')!;
    expect(ada.hrMaxSource).toBe('tanaka');
    expect(ada.hrMax).toBe(Math.round(208 - 0.7 * ada.age));
    expect(ada.devices.map((d) => d.id)).toContain('C8:4F:12:00:01:A1');
  });
});
