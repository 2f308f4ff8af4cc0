import { describe, expect, it } from 'vitest';
import {
  HR_MAX_FORMULAS,
  PrescriptionError,
  type PrescriptionInput,
  parsePrescription,
  parsePrescriptionVersion,
  prescriptionInForce,
  resolvePrescription,
  roundHalfUp,
} from './prescription.js';

const PORTABLE = {
  age: 64,
  sex: 'male',
  hrRest: 70,
  hrMax: { source: 'tanaka' },
  zone: { method: 'hrr', low: 0.4, high: 0.6 },
  ceilingBpm: 140,
  hrMode: 'enforce',
  spo2Floor: 88,
};

function refusal(rx: unknown): { field: string; message: string }[] {
  const r = parsePrescription(rx);
  if (r.ok) throw new Error('expected a refusal');
  return r.issues.map(({ field, message }) => ({ field, message }));
}

function fields(rx: unknown): string[] {
  return refusal(rx).map((i) => i.field);
}

describe('hrMax sources (section 1), fractional', () => {
  it.each([
    ['tanaka', 163.2],
    ['gulati', 149.68],
    ['brawner', 119.2],
    ['hunt', 170.04],
    ['fox', 156],
  ] as const)('%s at age 64 → %d', (source, expected) => {
    expect(HR_MAX_FORMULAS[source](64)).toBeCloseTo(expected, 9);
    const r = resolvePrescription({
      age: 64,
      hrRest: 60,
      hrMax: { source },
      zone: { method: 'bpm', low: 80, high: 100 },
    });
    expect(r.hrMax).toBeCloseTo(expected, 9);
    expect(r.hrMaxSource).toBe(source);
  });

  it('measured and override use the given bpm; tanaka is the default', () => {
    const base = { age: 50, hrRest: 60, zone: { method: 'bpm', low: 80, high: 100 } };
    expect(resolvePrescription({ ...base, hrMax: { source: 'measured', bpm: 151 } }).hrMax).toBe(151);
    expect(resolvePrescription({ ...base, hrMax: { source: 'override', bpm: 175 } }).hrMax).toBe(175);
    expect(resolvePrescription(base).hrMax).toBe(173);
  });

  it('warns about Fox (legacy), Brawner (SEE ±18) and overrides', () => {
    const base = { age: 64, hrRest: 60, zone: { method: 'bpm', low: 80, high: 100 } };
    expect(resolvePrescription({ ...base, hrMax: { source: 'fox' } }).warnings.join()).toMatch(/legacy/);
    expect(resolvePrescription({ ...base, hrMax: { source: 'brawner' } }).warnings.join()).toMatch(/±18/);
    expect(resolvePrescription({ ...base, hrMax: { source: 'override', bpm: 150 } }).warnings.join()).toMatch(
      /overridden/,
    );
    expect(resolvePrescription({ ...base, hrMax: { source: 'tanaka' } }).warnings).toEqual([]);
  });
});

describe('zone methods and rounding (section 1, 3a)', () => {
  it('accepts the portable form of section 7 as is', () => {
    const r = resolvePrescription(PORTABLE);
    // hrMax 163.2; 70 + 0.4·93.2 = 107.28 → 107; 70 + 0.6·93.2 = 125.92 → 126.
    expect(r).toMatchObject({
      zoneLowBpm: 107,
      zoneHighBpm: 126,
      ceilingBpm: 140,
      ceilingSource: 'given',
      hrMode: 'enforce',
      spo2Floor: 88,
    });
    expect(r.hrMax).toBeCloseTo(163.2, 9);
  });

  it('hrr (Karvonen): rest + f·(max − rest)', () => {
    const r = resolvePrescription({
      hrRest: 60,
      hrMax: { source: 'override', bpm: 161 },
      zone: { method: 'hrr', low: 0.4, high: 0.5 },
    });
    // 60 + 0.4·101 = 100.4 → 100; 60 + 0.5·101 = 110.5 → 111 (halves up).
    expect([r.zoneLowBpm, r.zoneHighBpm]).toEqual([100, 111]);
  });

  it('hrmax: f·max, halves up even when binary arithmetic lands just below .5', () => {
    // 0.7 · 165 = 115.49999999999999 in floating point; mathematically 115.5 → 116.
    const r = resolvePrescription({
      hrMax: { source: 'measured', bpm: 165 },
      zone: { method: 'hrmax', low: 0.5, high: 0.7 },
    });
    expect([r.zoneLowBpm, r.zoneHighBpm]).toEqual([83, 116]);
  });

  it('bpm: absolute bounds, rounded to whole bpm', () => {
    const r = resolvePrescription({ age: 40, zone: { method: 'bpm', low: 100.5, high: 120.4 } });
    expect([r.zoneLowBpm, r.zoneHighBpm]).toEqual([101, 120]);
  });

  it('roundHalfUp', () => {
    expect([
      roundHalfUp(1.5),
      roundHalfUp(2.5),
      roundHalfUp(2.4999),
      roundHalfUp(115.49999999999999),
    ]).toEqual([2, 3, 2, 116]);
  });

  it('population presets fill the zone and (COPD) the SpO2 floor', () => {
    const base = { age: 60, hrRest: 70 }; // tanaka 166, reserve 96
    const cr = resolvePrescription({ ...base, preset: 'cardiac-rehab' });
    expect([cr.zoneLowBpm, cr.zoneHighBpm, cr.spo2Floor]).toEqual([108, 147, 90]); // 108.4, 146.8
    const hf = resolvePrescription({ ...base, preset: 'heart-failure' });
    expect([hf.zoneLowBpm, hf.zoneHighBpm]).toEqual([108, 137]); // 137.2
    const copd = resolvePrescription({ ...base, preset: 'copd' });
    expect([copd.zoneLowBpm, copd.zoneHighBpm, copd.spo2Floor]).toEqual([128, 147, 88]); // 127.6
    for (const preset of ['diabetes', 'hypertension', 'obesity', 'older-adults'] as const) {
      const r = resolvePrescription({ ...base, preset });
      expect([r.zoneLowBpm, r.zoneHighBpm]).toEqual([108, 127]); // 126.64
    }
    // An explicit zone or floor wins over the preset.
    expect(resolvePrescription({ ...base, preset: 'copd', spo2Floor: 90 }).spo2Floor).toBe(90);
  });
});

describe('ceiling (section 1, 3a)', () => {
  it('default = min(rounded zone high + 15, floor(0.95·hrMax))', () => {
    const { ceilingBpm, ceilingSource } = resolvePrescription({ ...PORTABLE, ceilingBpm: undefined });
    expect([ceilingBpm, ceilingSource]).toEqual([141, 'default']); // 126 + 15 = 141 < floor(155.04)
    const capped = resolvePrescription({
      hrMax: { source: 'measured', bpm: 150 },
      zone: { method: 'hrmax', low: 0.7, high: 0.9 },
    });
    expect(capped.ceilingBpm).toBe(142); // 135 + 15 = 150 > floor(142.5) = 142
    const exact = resolvePrescription({
      hrMax: { source: 'measured', bpm: 160 },
      zone: { method: 'hrmax', low: 0.5, high: 0.9 },
    });
    expect(exact.ceilingBpm).toBe(152); // 0.95·160 = 152 exactly
  });

  it('treats a top-level null as "not given"', () => {
    const r = resolvePrescription({ ...PORTABLE, ceilingBpm: null, hrMode: null, spo2Floor: null });
    expect([r.ceilingBpm, r.hrMode, r.spo2Floor]).toEqual([141, 'enforce', 90]);
  });

  it('a clinician ceiling is used as given', () => {
    expect(resolvePrescription({ ...PORTABLE, ceilingBpm: 137.5 }).ceilingBpm).toBe(137.5);
  });

  it('with a known ischaemic threshold the ceiling is threshold − 10', () => {
    const r = resolvePrescription({ ...PORTABLE, ceilingBpm: undefined, ischaemicThresholdBpm: 145 });
    expect([r.ceilingBpm, r.ceilingSource]).toEqual([135, 'ischaemic']);
    expect(fields({ ...PORTABLE, ceilingBpm: 140, ischaemicThresholdBpm: 145 })).toEqual(['ceilingBpm']);
  });
});

describe('refusals name the field (section 1)', () => {
  it('low ≥ high', () => {
    expect(fields({ ...PORTABLE, zone: { method: 'hrr', low: 0.6, high: 0.6 } })).toEqual(['zone.low']);
    expect(fields({ ...PORTABLE, zone: { method: 'bpm', low: 130, high: 110 } })).toEqual(['zone.low']);
  });

  it('low ≥ high on the rounded bpm bounds names `zone` (section 3a, issue 12 ruling 3)', () => {
    const reserve100 = { hrRest: 70, hrMax: { source: 'measured', bpm: 170 } } as const;
    // 70 + 0.5·100 = 120 and 70 + 0.504·100 = 120.4 → 120: no width.
    const zero = { ...reserve100, zone: { method: 'hrr', low: 0.5, high: 0.504 } } as const;
    expect(fields(zero)).toEqual(['zone']);
    expect(refusal(zero)[0]?.message).toBe(
      'low and high both round to 120 bpm: the zone has no width (bounds are whole bpm)',
    );
    expect(() => resolvePrescription(zero)).toThrow(/zone: low and high both round to 120 bpm/);
    // 120.5 rounds up to 121: one bpm wide, accepted.
    const one = resolvePrescription({ ...reserve100, zone: { method: 'hrr', low: 0.5, high: 0.505 } });
    expect([one.zoneLowBpm, one.zoneHighBpm]).toEqual([120, 121]);
    expect(fields({ ...reserve100, zone: { method: 'bpm', low: 100, high: 100.4 } })).toEqual(['zone']);
    expect(fields({ ...reserve100, zone: { method: 'hrmax', low: 0.7, high: 0.702 } })).toEqual(['zone']); // 119, 119.34
  });

  it('zone fractions outside (0, 1]', () => {
    expect(fields({ ...PORTABLE, zone: { method: 'hrr', low: 0.4, high: 1.2 } })).toEqual(['zone.high']);
    expect(fields({ ...PORTABLE, zone: { method: 'hrmax', low: 0, high: 0.7 } })).toEqual(['zone.low']);
    expect(fields({ ...PORTABLE, zone: { method: 'hrr', low: -0.1, high: 0.5 } })).toEqual(['zone.low']);
    expect(refusal({ ...PORTABLE, zone: { method: 'hrr', low: 0.4, high: 60 } })[0]?.message).toMatch(
      /\(0, 1\]/,
    );
    expect(
      resolvePrescription({ ...PORTABLE, zone: { method: 'hrr', low: 0.4, high: 1 }, ceilingBpm: 170 })
        .zoneHighBpm,
    ).toBe(163);
  });

  it('ceiling below zone high (given, or a default squeezed by 0.95·hrMax)', () => {
    expect(fields({ ...PORTABLE, ceilingBpm: 120 })).toEqual(['ceilingBpm']);
    expect(refusal({ ...PORTABLE, ceilingBpm: 120 })[0]?.message).toMatch(/below zone high \(126 bpm\)/);
    expect(resolvePrescription({ ...PORTABLE, ceilingBpm: 126 }).ceilingBpm).toBe(126);
    expect(
      fields({ hrMax: { source: 'measured', bpm: 150 }, zone: { method: 'hrmax', low: 0.5, high: 1 } }),
    ).toEqual(['zone.high']);
  });

  it('a ceiling above hrMax: refused naming ceilingBpm in the strict (API, versioned) form, kept in the portable one', () => {
    // Issue 14: brawner at 63 gives hrMax 119.9; a ceiling of 150 was saved with only a warning.
    const rx = {
      ...PORTABLE,
      age: 63,
      hrRest: 60,
      hrMax: { source: 'brawner' },
      zone: { method: 'bpm', low: 90, high: 110 },
      ceilingBpm: 150,
    };
    let err: unknown;
    try {
      resolvePrescription(rx, undefined, { strict: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PrescriptionError);
    expect((err as PrescriptionError).issues).toEqual([
      {
        path: ['ceilingBpm'],
        field: 'ceilingBpm',
        code: 'CEILING_ABOVE_HRMAX',
        params: { ceiling: 150, hrMax: 119.9 },
        message: 'must not be above hrMax (150 > 119.9 bpm)',
      },
    ]);
    const v = parsePrescriptionVersion({
      ...rx,
      participantId: 'p-1',
      version: 1,
      effectiveFrom: '2025-01-01',
      author: 'dr-a',
    });
    expect(v.ok ? [] : v.issues.map((i) => [i.field, i.code])).toEqual([
      ['ceilingBpm', 'CEILING_ABOVE_HRMAX'],
    ]);
    // Section 3a: the portable form uses a given ceiling as given (a warning only), so replay is unchanged.
    expect(resolvePrescription(rx).ceilingBpm).toBe(150);
    expect(resolvePrescription({ ...rx, ceilingBpm: 119 }, undefined, { strict: true }).ceilingBpm).toBe(119);
  });

  it('a zone top above the ceiling is refused in every form, with its code', () => {
    const rx = { ...PORTABLE, ceilingBpm: 120 };
    const portable = parsePrescription(rx);
    expect(portable.ok ? [] : portable.issues.map((i) => [i.field, i.code])).toEqual([
      ['ceilingBpm', 'ZONE_ABOVE_CEILING'],
    ]);
    expect(() => resolvePrescription(rx, undefined, { strict: true })).toThrow(/below zone high/);
  });

  it('SpO2 floor outside 70–100', () => {
    expect(fields({ ...PORTABLE, spo2Floor: 65 })).toEqual(['spo2Floor']);
    expect(fields({ ...PORTABLE, spo2Floor: 101 })).toEqual(['spo2Floor']);
    expect(resolvePrescription({ ...PORTABLE, spo2Floor: 70 }).spo2Floor).toBe(70);
  });

  it('hrRest ≥ hrMax', () => {
    expect(fields({ ...PORTABLE, hrRest: 120, hrMax: { source: 'brawner' } })).toEqual(['hrRest']);
    expect(
      refusal({ ...PORTABLE, hrRest: 140, hrMax: { source: 'measured', bpm: 135 } })[0]?.message,
    ).toMatch(/below hrMax/);
  });

  it('missing or malformed inputs', () => {
    expect(fields({ ...PORTABLE, hrMax: { source: 'karvonen' } })).toEqual(['hrMax.source']);
    expect(fields({ ...PORTABLE, hrMax: { source: 'measured' } })).toEqual(['hrMax.bpm']);
    expect(fields({ ...PORTABLE, age: undefined })).toEqual(['age']);
    expect(fields({ ...PORTABLE, hrRest: undefined })).toEqual(['hrRest']);
    expect(fields({ ...PORTABLE, zone: undefined })).toEqual(['zone']);
    expect(fields({ ...PORTABLE, hrMode: 'strict' })).toEqual(['hrMode']);
    expect(fields({ ...PORTABLE, age: '64' })).toEqual(['age']);
    expect(fields({ ...PORTABLE, zone: { method: 'percent', low: 0.4, high: 0.6 } })).toEqual([
      'zone.method',
    ]);
    expect(fields('not an object')).toEqual(['']);
  });

  it('resolvePrescription throws a PrescriptionError listing fields', () => {
    expect(() => resolvePrescription({ ...PORTABLE, spo2Floor: 65 })).toThrow(PrescriptionError);
    expect(() => resolvePrescription({ ...PORTABLE, spo2Floor: 65 })).toThrow(/spo2Floor: must be 70–100/);
  });
});

describe('hrMode and SpO2 floor below 85', () => {
  it('hrMode defaults to enforce; advisory and off are shown as warnings', () => {
    const { hrMode: _omit, ...noMode } = PORTABLE;
    expect(resolvePrescription(noMode).hrMode).toBe('enforce');
    expect(resolvePrescription({ ...PORTABLE, hrMode: 'advisory' }).warnings.join()).toMatch(
      /capped at advisory/,
    );
    expect(resolvePrescription({ ...PORTABLE, hrMode: 'off' }).warnings.join()).toMatch(/off/);
  });

  it('spo2Floor defaults to 90', () => {
    const { spo2Floor: _omit, ...noFloor } = PORTABLE;
    expect(resolvePrescription(noFloor).spo2Floor).toBe(90);
  });

  it('below 85 needs a second clinician: warned in the portable form, refused in a registry record', () => {
    expect(resolvePrescription({ ...PORTABLE, spo2Floor: 84 }).warnings.join()).toMatch(/second clinician/);
    const record = {
      ...PORTABLE,
      spo2Floor: 84,
      participantId: 'p-1',
      version: 1,
      effectiveFrom: '2025-01-01',
      author: 'dr-a',
    };
    const r = parsePrescriptionVersion(record);
    expect(r.ok ? [] : r.issues.map((i) => i.field)).toEqual(['spo2Floor']);
    expect(parsePrescriptionVersion({ ...record, spo2FloorSecondClinician: 'dr-b' }).ok).toBe(true);
  });
});

describe('versions and effective dates', () => {
  const v = (version: number, effectiveFrom: string, effectiveTo?: string) => ({
    ...PORTABLE,
    participantId: 'p-1',
    version,
    effectiveFrom,
    author: 'dr-a',
    ...(effectiveTo ? { effectiveTo } : {}),
  });

  it('validates version, author and the effective period', () => {
    expect(parsePrescriptionVersion(v(1, '2025-01-01')).ok).toBe(true);
    const bad = parsePrescriptionVersion({ ...v(0, '2025-02-01', '2025-01-01'), author: '' });
    expect(bad.ok ? [] : bad.issues.map((i) => i.field).sort()).toEqual(['author', 'effectiveTo', 'version']);
    const period = parsePrescriptionVersion(v(1, '2025-02-01', '2025-01-01'));
    expect(period.ok ? [] : period.issues.map((i) => i.field)).toEqual(['effectiveTo']);
    const date = parsePrescriptionVersion(v(1, '01/02/2025'));
    expect(date.ok ? [] : date.issues.map((i) => i.field)).toEqual(['effectiveFrom']);
  });

  it('picks the version in force (from inclusive, to exclusive, highest version wins)', () => {
    const versions = [
      v(1, '2025-01-01', '2025-03-01'),
      v(2, '2025-03-01'),
      v(3, '2025-06-01T09:00:00+02:00'),
    ];
    const at = (iso: string) => prescriptionInForce(versions, Date.parse(iso))?.version ?? null;
    expect(at('2024-12-31T23:59:59Z')).toBeNull();
    expect(at('2025-01-01T00:00:00Z')).toBe(1);
    expect(at('2025-03-01T00:00:00Z')).toBe(2);
    expect(at('2025-06-01T06:59:59Z')).toBe(2);
    expect(at('2025-06-01T07:00:00Z')).toBe(3);
  });
});

describe('FITT and per-prescription settings', () => {
  it('keeps FITT targets and validates a settings override', () => {
    const rx: PrescriptionInput = {
      ...(PORTABLE as PrescriptionInput),
      fitt: { sessionsPerWeek: 3, minutesInZone: 30 },
    };
    expect(resolvePrescription(rx).fitt).toEqual({ sessionsPerWeek: 3, minutesInZone: 30 });
    expect(fields({ ...PORTABLE, fitt: { sessionsPerWeek: 0, minutesInZone: 30 } })).toEqual([
      'fitt.sessionsPerWeek',
    ]);
    expect(fields({ ...PORTABLE, settings: { hrLow: { holdMs: -1 } } })).toEqual(['settings.hrLow.holdMs']);
    expect(fields({ ...PORTABLE, settings: { hrLow: { nope: 1 } } })).toEqual(['settings.hrLow']);
  });
});

describe('coded refusals and warnings (issue 14: consoles word them in their language)', () => {
  function coded(rx: unknown, strict = true) {
    try {
      resolvePrescription(rx, undefined, { strict });
    } catch (e) {
      if (e instanceof PrescriptionError)
        return e.issues.map(({ field, code, params }) => ({ field, code, params }));
      throw e;
    }
    throw new Error('expected a refusal');
  }

  it('a missing age names the formula; the English message stays for logs and the replay CLI', () => {
    const { age: _age, ...noAge } = PORTABLE;
    expect(coded(noAge)).toEqual([{ field: 'age', code: 'AGE_REQUIRED', params: { formula: 'tanaka' } }]);
    const r = parsePrescription(noAge);
    expect(r.ok ? [] : r.issues).toEqual([
      {
        path: ['age'],
        field: 'age',
        message: 'is required to estimate hrMax with "tanaka"',
        code: 'AGE_REQUIRED',
        params: { formula: 'tanaka' },
      },
    ]);
  });

  it('every refusal of compute carries a code with its numbers', () => {
    expect(coded({ ...PORTABLE, zone: undefined })).toEqual([
      { field: 'zone', code: 'ZONE_REQUIRED', params: {} },
    ]);
    expect(coded({ ...PORTABLE, hrRest: undefined })).toEqual([
      { field: 'hrRest', code: 'HRREST_REQUIRED', params: {} },
    ]);
    expect(coded({ ...PORTABLE, hrRest: 130, hrMax: { source: 'measured', bpm: 120 } })).toEqual([
      { field: 'hrRest', code: 'HRREST_NOT_BELOW_HRMAX', params: { hrRest: 130, hrMax: 120 } },
    ]);
    expect(coded({ ...PORTABLE, zone: { method: 'hrmax', low: 0.6, high: 0.603 } })).toEqual([
      { field: 'zone', code: 'ZONE_NO_WIDTH', params: { low: 98, high: 98 } },
    ]);
    expect(coded({ ...PORTABLE, ischaemicThresholdBpm: 140 })).toEqual([
      {
        field: 'ceilingBpm',
        code: 'CEILING_ABOVE_ISCHAEMIC',
        params: { ceiling: 140, max: 130, margin: 10 },
      },
    ]);
    expect(coded({ ...PORTABLE, ceilingBpm: 170 })).toEqual([
      { field: 'ceilingBpm', code: 'CEILING_ABOVE_HRMAX', params: { ceiling: 170, hrMax: 163.2 } },
    ]);
  });

  it('warnings come with codes in the same order as the English text', () => {
    const r = resolvePrescription({ ...PORTABLE, betaBlocker: true, hrMax: { source: 'fox' } });
    expect(r.warningCodes).toEqual([
      { code: 'HRMAX_FOX', params: {} },
      { code: 'BETA_BLOCKER_CONSIDER_ADVISORY', params: {} },
    ]);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[1]).toBe('β-blockers without a measured hrMax: consider hrMode "advisory"');
    const low = resolvePrescription({ ...PORTABLE, spo2Floor: 84, hrMode: 'advisory' });
    expect(low.warningCodes).toEqual([
      { code: 'SPO2_FLOOR_SECOND_CLINICIAN', params: { value: 84, threshold: 85 } },
      { code: 'HRMODE_ADVISORY', params: {} },
    ]);
    expect(resolvePrescription(PORTABLE).warningCodes).toEqual([]);
  });
});
