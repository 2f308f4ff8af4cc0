import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkPoint,
  codes,
  MEASUREMENTS,
  type MeasurementSchema,
  TELEMETRY_SCHEMA,
  toLineProtocol,
} from '../../src/telemetry/index.js';

const doc = readFileSync(new URL('../../src/telemetry/SCHEMA.md', import.meta.url), 'utf8');

/** The rows of the table under `### name` in SCHEMA.md. */
function documented(measurement: string) {
  const section = doc.split(/^### /m).find((s) => s.startsWith(`${measurement}\n`));
  const rows = [
    ...(section ?? '').matchAll(/^\|\s*(tag|field)\s*\|\s*`([a-z_0-9]+)`\s*\|\s*([a-z]*)\s*\|/gm),
  ];
  return {
    found: section !== undefined,
    tags: rows.filter((r) => r[1] === 'tag').map((r) => r[2]),
    fields: Object.fromEntries(rows.filter((r) => r[1] === 'field').map((r) => [r[2], r[3]])),
  };
}

describe('TELEMETRY_SCHEMA', () => {
  it('names the same measurements as MEASUREMENTS', () => {
    expect(Object.keys(TELEMETRY_SCHEMA).sort()).toEqual(Object.keys(MEASUREMENTS).sort());
    for (const [k, v] of Object.entries(MEASUREMENTS)) expect(v).toBe(k);
  });

  it.each(Object.keys(TELEMETRY_SCHEMA))(
    'SCHEMA.md documents every tag and field of %s, with its type',
    (m) => {
      const schema: MeasurementSchema = TELEMETRY_SCHEMA[m as keyof typeof TELEMETRY_SCHEMA];
      const d = documented(m);
      expect(d.found).toBe(true);
      expect(d.tags).toEqual([...schema.tags]);
      expect(d.fields).toEqual({ ...schema.fields });
    },
  );

  it('SCHEMA.md documents every error code', () => {
    for (const code of Object.keys(codes)) expect(doc).toMatch(new RegExp(`^\\|\\s*\`${code}\`\\s*\\|`, 'm'));
  });

  it('participants are tagged by id only: no tag or field could carry a name', () => {
    for (const s of Object.values(TELEMETRY_SCHEMA) as MeasurementSchema[]) {
      for (const name of [...s.tags, ...Object.keys(s.fields)]) expect(name).not.toMatch(/name|alias/);
    }
  });
});

describe('checkPoint', () => {
  const hr = {
    measurement: 'hr' as const,
    tags: { site: 'a', session: 's', participant: 'p', device_kind: 'hr-strap' },
  };

  it.each([
    ['an unknown measurement', { ...hr, measurement: 'heart' as never, fields: { bpm: 1 }, t: 1 }],
    ['an unknown field', { ...hr, fields: { pulse: 1 }, t: 1 }],
    ['an unknown tag', { ...hr, tags: { ...hr.tags, name: 'Ann' }, fields: { bpm: 1 }, t: 1 }],
    [
      'a missing tag',
      { ...hr, tags: { site: 'a', session: 's', participant: 'p' }, fields: { bpm: 1 }, t: 1 },
    ],
    ['an empty tag', { ...hr, tags: { ...hr.tags, session: '' }, fields: { bpm: 1 }, t: 1 }],
    ['a wrong type', { ...hr, fields: { bpm: '72' }, t: 1 }],
    ['a bad timestamp', { ...hr, fields: { bpm: 72 }, t: Number.NaN }],
  ])('throws ZW_ERR_TELEMETRY_SCHEMA on %s', (_, p) => {
    expect(() => checkPoint(p)).toThrow(codes.ZW_ERR_TELEMETRY_SCHEMA);
  });

  it('leaves out values that are not finite (or not integers for integer fields) and reports them', () => {
    const r = checkPoint({ ...hr, fields: { bpm: 72, zone: 1.5, contact: true }, t: 5 });
    expect(r.invalidFields).toEqual(['zone']);
    expect(r.point?.fields).toEqual({ bpm: 72, contact: true });
    expect(checkPoint({ ...hr, fields: { bpm: Number.POSITIVE_INFINITY }, t: 5 }).point).toBeUndefined();
  });
});

describe('toLineProtocol', () => {
  it('writes floats, integers with i, booleans, escaped tags and a ms timestamp', () => {
    const line = toLineProtocol({
      measurement: 'hr',
      tags: { site: 'north site', session: 's,1', participant: 'p=1', device_kind: 'hr-strap' },
      fields: { bpm: 72, usable: true, zone: 1, contact: false },
      t: 1_767_225_600_123,
    });
    expect(line).toBe(
      'hr,device_kind=hr-strap,participant=p\\=1,session=s\\,1,site=north\\ site bpm=72,contact=F,usable=T,zone=1i 1767225600123',
    );
  });
});
