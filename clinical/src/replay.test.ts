import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplayInputError, replay } from './replay.js';

const RX = `{"age": 64, "sex": "male", "hrRest": 70, "hrMax": {"source": "tanaka"}, "zone": {"method": "hrr",
  "low": 0.4, "high": 0.6}, "ceilingBpm": 140, "hrMode": "enforce", "spo2Floor": 88}`;
// Zone 107–126 bpm, ceiling 140, floor 88.

function csv(rows: string[]): string {
  return ['t_ms,hr,spo2,steps,contact', ...rows].join('\n');
}

function steady(fromS: number, toS: number, hr: number, spo2 = 96, contact = '1'): string[] {
  const out: string[] = [];
  for (let s = fromS; s <= toS; s++) out.push(`${s * 1000},${hr},${spo2},${s * 2},${contact}`);
  return out;
}

function replayError(rx: string, trace: string): string {
  try {
    replay(rx, trace, { prescriptionName: 'rx.json', traceName: 'trace.csv' });
  } catch (e) {
    if (e instanceof ReplayInputError) return e.message;
    throw e;
  }
  throw new Error('expected a ReplayInputError');
}

describe('replay output (section 7)', () => {
  it('prints alert events in the exact JSON shape, then the metrics line', () => {
    const lines = replay(RX, csv([...steady(0, 40, 130), ...steady(41, 60, 115)]));
    expect(lines).toEqual([
      '{"t":30000,"rule":"HR_ABOVE_ZONE","severity":"advisory","event":"raised"}',
      '{"t":51000,"rule":"HR_ABOVE_ZONE","severity":"advisory","event":"cleared"}',
      '{"metrics":{"durationS":60,"secondsBelow":0,"secondsIn":19,"secondsAbove":41,"secondsOverCeiling":0,' +
        '"hrMean":125.1,"hrPeak":130,"spo2Mean":96,"spo2Min":96,"completeness":100,"steps":120,"cadence":120}}',
    ]);
  });

  it('adds "unconfirmed":true last, and only when applicable', () => {
    const rows = ['t_ms,hr,spo2,steps,contact'];
    for (let s = 0; s <= 8; s++) rows.push(`${s * 1000},,78,,${s <= 6 ? 0 : 1}`);
    expect(replay(RX, rows.join('\n')).slice(0, -1)).toEqual([
      '{"t":5000,"rule":"SPO2_LOW","severity":"warning","event":"raised","unconfirmed":true}',
      '{"t":7000,"rule":"SPO2_LOW","severity":"critical","event":"upgraded"}',
    ]);
  });

  it('is deterministic', () => {
    const rows = [...steady(0, 40, 130), ...steady(41, 60, 115)];
    expect(replay(RX, csv(rows)).join('\n')).toBe(replay(RX, csv(rows)).join('\n'));
  });

  it('accepts CRLF, a BOM, quoted cells, blank lines, columns in another order and extra columns', () => {
    const rows = steady(0, 40, 130);
    const base = replay(RX, csv(rows));
    expect(replay(RX, `\uFEFF${csv(rows).replace(/\n/g, '\r\n')}\r\n\r\n`)).toEqual(base);
    const reordered = [
      'contact,t_ms,note,spo2,hr,steps',
      ...rows.map((r) => {
        const [t, hr, spo2, steps, contact] = r.split(',');
        return `${contact},"${t}",x,${spo2},${hr},${steps}`;
      }),
    ];
    expect(replay(RX, reordered.join('\n'))).toEqual(base);
    expect(replay(RX, csv(rows).replace(/,1$/gm, ',true'))).toEqual(base);
  });

  it('--exercise-end-ms adds hrRecovery to the metrics', () => {
    const lines = replay(RX, csv([...steady(0, 60, 130), ...steady(61, 125, 110)]), {
      exerciseEndMs: 60_000,
    });
    expect(JSON.parse(lines[lines.length - 1] as string).metrics.hrRecovery).toMatchObject({ dropBpm: 20 });
  });
});

describe('malformed input: file:line:column: reason, nothing evaluated', () => {
  it('CSV cell errors point at the cell', () => {
    expect(replayError(RX, csv(['0,110,97,0,1', '1000,abc,97,2,1']))).toBe(
      'trace.csv:3:6: hr: "abc" is not a number',
    );
    expect(replayError(RX, csv(['0,110,97,0,yes']))).toBe(
      'trace.csv:2:12: contact: "yes" must be 1, 0 or empty',
    );
    expect(replayError(RX, csv(['0.5,110,97,0,1']))).toBe(
      'trace.csv:2:1: t_ms: "0.5" is not a non-negative integer',
    );
    expect(replayError(RX, csv(['-1000,110,97,0,1']))).toBe(
      'trace.csv:2:1: t_ms: "-1000" is not a non-negative integer',
    );
    expect(replayError(RX, csv([',110,97,0,1']))).toBe(
      'trace.csv:2:1: t_ms: missing (every row needs a time)',
    );
    expect(replayError(RX, csv(['0,110,97,-3,1']))).toBe('trace.csv:2:10: steps: -3 is out of range');
    expect(replayError(RX, csv(['0,110,97,0,1,7']))).toBe(
      'trace.csv:2:14: expected 5 cells like the header, found 6',
    );
    expect(replayError(RX, csv(['0,110,97']))).toBe(
      'trace.csv:2:9: expected 5 cells like the header, found 3',
    );
  });

  it('t_ms must strictly increase from row to row: rows are never sorted (issue 12 ruling 2)', () => {
    expect(replayError(RX, csv(['0,110,97,0,1', '2000,110,97,4,1', '1000,110,97,2,1']))).toBe(
      'trace.csv:4:1: t_ms: 1000 is not greater than 2000 on line 3; rows must be in strictly increasing time order (they are never sorted)',
    );
    // An equal time is not greater either; a blank line between the rows changes nothing but the line.
    expect(replayError(RX, csv(['0,110,97,0,1', '', '0,111,97,0,1']))).toBe(
      'trace.csv:4:1: t_ms: 0 is not greater than 0 on line 2; rows must be in strictly increasing time order (they are never sorted)',
    );
  });

  it('t_ms above 24 h (an epoch timestamp) is malformed, before anything is evaluated (ruling 4)', () => {
    expect(replayError(RX, csv(['0,110,97,0,1', '86400001,110,97,2,1']))).toBe(
      'trace.csv:3:1: t_ms: 86400001 is above 86400000 (24 h); t_ms counts milliseconds from the session start, not an epoch time',
    );
    expect(replayError(RX, csv(['1700000000000,110,97,0,1'])).split('\n')).toHaveLength(1);
    expect(replayError(RX, csv(['99999999999999999999999,110,97,0,1']))).toMatch(
      /^trace\.csv:2:1: t_ms: 99999999999999999999999 is above 86400000 \(24 h\)/,
    );
    // Exactly 24 h is allowed: 86 401 ticks, a usable row at each end.
    const lines = replay(RX, csv(['0,110,97,0,1', '86400000,110,97,0,1']));
    expect(JSON.parse(lines[lines.length - 1] as string).metrics.durationS).toBe(86_400);
  });

  it('a prescription nested more than 64 levels deep is refused at the 65th bracket (ruling 5)', () => {
    const nest = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const rx = (extraLevels: number) => RX.replace('{"age"', `{"x": ${nest(extraLevels)}, "age"`);
    // The top-level object is level 1: 63 more levels under it are accepted (an unknown key is ignored);
    // `{"x": ` is 6 characters, so level 65 is the 64th `[`, at column 7 + 63 = 70.
    expect(replay(rx(63), csv(['0,110,97,0,1']))).toHaveLength(1);
    expect(replayError(rx(64), csv(['0,110,97,0,1']))).toBe(
      'rx.json:1:70: JSON nested more than 64 levels deep (arrays and objects)',
    );
    expect(replayError(nest(10_000), csv(['0,110,97,0,1']))).toBe(
      'rx.json:1:65: JSON nested more than 64 levels deep (arrays and objects)',
    );
    expect(replayError(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, csv(['0,110,97,0,1']))).toBe(
      'rx.json:1:321: JSON nested more than 64 levels deep (arrays and objects)',
    );
  });

  it('a zone whose rounded bounds coincide is refused naming zone (ruling 3)', () => {
    const zero =
      '{"hrRest":70,"hrMax":{"source":"measured","bpm":170},\n "zone":{"method":"hrr","low":0.5,"high":0.504}}';
    expect(replayError(zero, csv(['0,110,97,0,1']))).toBe(
      'rx.json:2:9: zone: low and high both round to 120 bpm: the zone has no width (bounds are whole bpm)',
    );
  });

  it('header and empty-file errors', () => {
    expect(replayError(RX, 't_ms,hr,sp02,steps,contact\n0,1,2,3,1')).toBe(
      'trace.csv:1:27: header lacks column "spo2" (expected t_ms,hr,spo2,steps,contact)',
    );
    expect(replayError(RX, '')).toBe('trace.csv:1:1: missing header (t_ms,hr,spo2,steps,contact)');
    expect(replayError(RX, 't_ms,hr,spo2,steps,contact\n')).toBe('trace.csv:2:1: trace has no rows');
  });

  it('JSON syntax errors point at the offending character', () => {
    expect(replayError('{"age": 64,, "hrRest": 70}', csv(['0,110,97,0,1']))).toBe(
      'rx.json:1:12: invalid JSON: expected a property name in double quotes, found ","',
    );
    expect(replayError('\u007fELF\u0001', csv(['0,110,97,0,1']))).toBe(
      'rx.json:1:1: invalid JSON: expected a JSON value, found "\\u007f"',
    );
    expect(replayError('{"age": 64', csv(['0,110,97,0,1']))).toBe(
      "rx.json:1:11: invalid JSON: expected ',' or '}' in object, found end of file",
    );
  });

  it('prescription refusals point at the field (or at its object when missing)', () => {
    const bad = RX.replace('"high": 0.6', '"high": 1.6');
    expect(replayError(bad, csv(['0,110,97,0,1']))).toBe(
      'rx.json:2:23: zone.high: must be a fraction in (0, 1] for method "hrr" (got 1.6)',
    );
    const missing = '{"age": 64,\n "zone": {"method": "hrr", "low": 0.4, "high": 0.6}}';
    expect(replayError(missing, csv(['0,110,97,0,1']))).toBe(
      'rx.json:1:1: hrRest: is required for zone method "hrr"',
    );
  });

  it('reports problems of both files together', () => {
    expect(replayError('{"age": "x"}', csv(['0,abc,97,0,1'])).split('\n')).toEqual([
      'rx.json:1:9: age: must be a number (years)',
      'trace.csv:2:3: hr: "abc" is not a number',
    ]);
  });
});

describe('replay CLI (spawned)', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'zw-replay-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'clinical/cli/replay-cli.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  it('replays files, and refuses a malformed one with no events on stdout', () => {
    const rx = join(dir, 'rx.json');
    const good = join(dir, 'good.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(rx, RX);
    writeFileSync(good, csv([...steady(0, 40, 130), ...steady(41, 60, 115)]));
    writeFileSync(bad, csv([...steady(0, 40, 130), '41000,1x5,96,82,1']));
    const ok = cli(['--prescription', rx, '--trace', good]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trimEnd().split('\n')).toEqual(
      replay(RX, csv([...steady(0, 40, 130), ...steady(41, 60, 115)])),
    );
    const ko = cli(['--prescription', rx, '--trace', bad]);
    expect(ko.status).toBe(1);
    expect(ko.stdout).toBe('');
    expect(ko.stderr).toBe(`${bad}:43:7: hr: "1x5" is not a number\n`);
  });

  it('--help, and usage errors exit 2', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--prescription FILE/);
    const usage = cli(['--trace', 'x.csv']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--prescription and --trace are both required/);
    const missing = cli(['--prescription', join(dir, 'nope.json'), '--trace', 'x.csv']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/nope\.json:1:1: cannot read file \(ENOENT\)/);
  });
});
