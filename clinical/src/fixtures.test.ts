// Replays every fixture under ingest/test/fixtures/traces and compares with its hand-derived
// expected.jsonl (derivations in that folder's README.md): events exactly, metrics key by key.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replay } from './replay.js';

const dir = fileURLToPath(new URL('../test/fixtures/traces/', import.meta.url));
const fixtures = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());

describe('trace fixtures (hand-derived expectations)', () => {
  it('has the five scenarios of issue 3', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'artefact-spikes',
        'beta-blocker-advisory',
        'cardiac-rehab-drift',
        'copd-desaturation',
        'strap-contact-loss',
      ]),
    );
  });

  it.each(fixtures)('%s', (name) => {
    const read = (f: string) => readFileSync(join(dir, name, f), 'utf8');
    const expected = read('expected.jsonl').trim().split('\n');
    const actual = replay(read('rx.json'), read('trace.csv'), {
      prescriptionName: `${name}/rx.json`,
      traceName: `${name}/trace.csv`,
    });
    const isMetrics = (l: string) => l.startsWith('{"metrics"');
    expect(actual.filter((l) => !isMetrics(l))).toEqual(expected.filter((l) => !isMetrics(l)));
    const expectedMetrics = expected.find(isMetrics);
    if (expectedMetrics) {
      const want = JSON.parse(expectedMetrics).metrics as Record<string, unknown>;
      const got = JSON.parse(actual[actual.length - 1] as string).metrics as Record<string, unknown>;
      for (const key of Object.keys(want)) expect({ [key]: got[key] }).toEqual({ [key]: want[key] });
    }
  });
});
