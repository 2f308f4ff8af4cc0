// Replays every fixture under clinical/test/fixtures/traces and compares with its hand-derived
// expectation (derivations in that folder's README.md): for expected.jsonl, events exactly and metrics
// key by key; for expected-stderr.txt (malformed input), the diagnostics exactly — from the library and
// from the CLI run in the fixture's folder as a user would (exit 1, nothing on stdout).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReplayInputError, replay } from './replay.js';

const dir = fileURLToPath(new URL('../test/fixtures/traces/', import.meta.url));
const cliPath = fileURLToPath(new URL('../cli/replay-cli.ts', import.meta.url));
const fixtures = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
const isMalformed = (name: string) => existsSync(join(dir, name, 'expected-stderr.txt'));
const read = (name: string, f: string) => readFileSync(join(dir, name, f), 'utf8');

/** Runs the replay CLI in `cwd`; a hung CLI is killed after `timeoutMs` (status null). */
function runCli(
  cwd: string,
  timeoutMs: number,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cliPath, '--prescription', 'rx.json', '--trace', 'trace.csv'],
      { cwd, timeout: timeoutMs },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('trace fixtures (hand-derived expectations)', () => {
  it('has the five scenarios of issue 3 and the rulings of issue 12', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'artefact-spikes',
        'beta-blocker-advisory',
        'cardiac-rehab-drift',
        'copd-desaturation',
        'strap-contact-loss',
        'malformed-out-of-order-rows',
        'malformed-zero-width-zone',
        'malformed-epoch-timestamps',
        'full-day-limit',
        'malformed-deep-prescription',
        'possible-critical-on-warning',
      ]),
    );
  });

  it.each(fixtures.filter((n) => !isMalformed(n)))('%s', (name) => {
    const expected = read(name, 'expected.jsonl').trim().split('\n');
    const actual = replay(read(name, 'rx.json'), read(name, 'trace.csv'), {
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

describe('malformed-input fixtures (expected-stderr.txt: exit 1, these lines, no events)', () => {
  const malformed = fixtures.filter(isMalformed);

  it.each(malformed)('%s: the library refuses it with exactly these diagnostics', (name) => {
    let message: string | undefined;
    try {
      replay(read(name, 'rx.json'), read(name, 'trace.csv'), {
        prescriptionName: 'rx.json',
        traceName: 'trace.csv',
      });
    } catch (e) {
      if (!(e instanceof ReplayInputError)) throw e;
      message = e.message;
    }
    expect(message).toBe(read(name, 'expected-stderr.txt').trimEnd());
  });

  // The CLI must refuse promptly (an epoch trace once ran ~1.7e9 ticks): 60 s bounds a tsx start-up on a
  // busy machine, far below what a per-second loop over 1.7e12 ms would take.
  it.concurrent.each(malformed)(
    '%s: the CLI exits 1 with these lines on stderr and nothing on stdout',
    async (name) => {
      const r = await runCli(join(dir, name), 60_000);
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
        status: 1,
        stdout: '',
        stderr: read(name, 'expected-stderr.txt'),
      });
    },
    90_000,
  );
});
