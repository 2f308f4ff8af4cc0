import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliIo, main } from '../src/cli.js';

const scenarios = join(import.meta.dirname, '..', 'scenarios');

function io(): CliIo & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    isTty: false,
    env: {},
    out: (s: string) => {
      o.stdout += s;
    },
    err: (s: string) => {
      o.stderr += s;
    },
  };
  return o;
}

describe('firmware-sim CLI', () => {
  it('validates the shipped scenarios', async () => {
    const c = io();
    const code = await main(
      ['validate', join(scenarios, 'demo-class.yaml'), join(scenarios, 'copd-class.yaml')],
      c,
    );
    expect(code).toBe(0);
    expect(c.stdout).toMatch(/^ok {2}.*demo-class\.yaml: Demo class .* 5 participant\(s\)/m);
    expect(c.stdout).toMatch(/copd-class\.yaml: .* 8 participant\(s\)/);
  });

  it('names the file, path and reason of a bad scenario and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fwsim-'));
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'site: s\ngateway: { id: g }\ndurationS: -5\nparticipants: []\n');
    const c = io();
    expect(await main(['validate', bad], c)).toBe(2);
    expect(c.stderr).toContain(`${bad}:3 durationS`);
    expect(c.stderr).toContain(`${bad}:4 participants`);
  });

  it('prints a dry run without MQTT', async () => {
    const c = io();
    const code = await main(['run', join(scenarios, 'home-walk.yaml'), '--dry-run', '--instant'], c);
    expect(code).toBe(0);
    const lines = c.stdout.trim().split('\n');
    // 40 minutes: 1 Hz strap + 0.5 Hz pedometer, minus a one-minute dropout.
    expect(lines.length).toBeGreaterThan(2400 * 1.5 - 200);
    expect(lines.some((l) => /Walker 142 C8:4F:12:30:01:42 0x2A37 hr=\d+ contact=detected/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => / zw-steps steps=\d+ cadence=\d+/.test(l))).toBe(true);
    expect(c.stdout).not.toMatch(/DECODE ERROR/);
  });

  it('refuses a live run without a secret, and unknown commands', async () => {
    const c = io();
    expect(await main(['run', join(scenarios, 'demo-class.yaml')], c)).toBe(2);
    expect(c.stderr).toMatch(/--secret/);
    const d = io();
    expect(await main(['explode'], d)).toBe(2);
    expect(d.stderr).toMatch(/unknown command "explode"/);
    const e = io();
    expect(await main(['load', '--gateways', '2'], e)).toBe(2);
    expect(e.stderr).toMatch(/--participants/);
  });
});
