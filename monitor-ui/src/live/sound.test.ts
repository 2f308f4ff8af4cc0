import { describe, expect, it } from 'vitest';
import {
  EMPTY_SOUND_MEMORY,
  nextSound,
  SOUND_PATTERNS,
  type SoundMemory,
  type SoundSource,
} from './sound.js';

const src = (id: string, severity: SoundSource['severity'], soundSeq = 1, needsAck = true): SoundSource => ({
  id,
  severity,
  needsAck,
  soundSeq,
});

/** Runs the scheduler every 250 ms from `from` to `to` and lists what played when. */
function run(
  sources: (t: number) => SoundSource[],
  from: number,
  to: number,
  enabled = true,
  mem = EMPTY_SOUND_MEMORY,
) {
  const played: [number, string][] = [];
  let memory: SoundMemory = mem;
  for (let t = from; t <= to; t += 250) {
    const d = nextSound(sources(t), t, memory, enabled);
    memory = d.memory;
    if (d.play) played.push([t, d.play]);
  }
  return { played, memory };
}

describe('alarm patterns (IEC 60601-1-8 after CLINICAL-RULES section 5)', () => {
  it('critical is a 10-pulse burst, warning 3 pulses, advisory a single pulse', () => {
    expect(SOUND_PATTERNS.critical.pulses).toHaveLength(10);
    expect(SOUND_PATTERNS.warning.pulses).toHaveLength(3);
    expect(SOUND_PATTERNS.advisory.pulses).toHaveLength(1);
    for (const p of Object.values(SOUND_PATTERNS)) {
      const last = p.pulses[p.pulses.length - 1]!;
      expect(last.atMs + last.durMs).toBeLessThanOrEqual(p.durationMs);
    }
  });
});

describe('sound scheduling', () => {
  it('advisory and warning sound once per annunciation', () => {
    const { played } = run(() => [src('a', 'advisory'), src('w', 'warning')], 0, 30_000);
    // The warning plays first (more urgent) and stands in for the advisory raised at the same moment.
    expect(played).toEqual([[0, 'warning']]);
    const later = run((t) => [src('w', 'warning', t >= 10_000 ? 2 : 1)], 0, 20_000);
    expect(later.played).toEqual([
      [0, 'warning'],
      [10_000, 'warning'],
    ]);
  });

  it('critical repeats until acknowledged, then stops', () => {
    const { played } = run((t) => [src('c', 'critical', 1, t < 20_000)], 0, 40_000);
    expect(played).toEqual([
      [0, 'critical'],
      [8_000, 'critical'],
      [16_000, 'critical'],
    ]);
  });

  it('a weaker annunciation waits for the playing pattern to finish, then plays', () => {
    const { played } = run(
      (t) => [src('c', 'critical', 1, t < 1_000), ...(t >= 500 ? [src('a', 'advisory')] : [])],
      0,
      10_000,
    );
    expect(played).toEqual([
      [0, 'critical'],
      [3_250, 'advisory'],
    ]);
  });

  it('with sound off nothing plays and nothing piles up; turning it on resumes a waiting critical at once', () => {
    const off = run(() => [src('c', 'critical'), src('w', 'warning')], 0, 5_000, false);
    expect(off.played).toEqual([]);
    const on = run(() => [src('c', 'critical'), src('w', 'warning')], 5_250, 6_000, true, off.memory);
    expect(on.played).toEqual([[5_250, 'critical']]);
  });

  it('forgets alerts that are gone', () => {
    const d = nextSound([], 0, { played: { gone: 3 }, lastCriticalAt: null, busyUntil: 0 }, true);
    expect(d.memory.played).toEqual({});
  });
});
