// One block per row of the rule table (CLINICAL-RULES.md section 3 / 3a). Prescription: zone 100–120 bpm,
// ceiling 140 bpm, SpO2 floor 90 % unless stated; samples at 1 Hz unless stated.
import { describe, expect, it } from 'vitest';
import { every, run, rx } from './test-helpers.js';
import type { Sample } from './types.js';

describe('HR_ABOVE_ZONE (hr > zone high 30 s advisory; > high + 10 15 s warning)', () => {
  it('raises at the sample where the hold is reached, not one sample earlier', () => {
    expect(run(every(0, 29, { hr: 121 })).alerts).toEqual([]);
    expect(run(every(0, 30, { hr: 121 })).alerts).toEqual(['30s HR_ABOVE_ZONE advisory raised']);
  });

  it('uses a strict threshold: hr equal to zone high is not above', () => {
    expect(run(every(0, 60, { hr: 120 })).alerts).toEqual([]);
  });

  it('raises straight at warning when the stronger condition is held first (no advisory first)', () => {
    expect(run(every(0, 40, { hr: 131 })).alerts).toEqual(['15s HR_ABOVE_ZONE warning raised']);
    // high + 10 exactly is not "> high + 10": advisory only.
    expect(run(every(0, 40, { hr: 130 })).alerts).toEqual(['30s HR_ABOVE_ZONE advisory raised']);
  });

  it('upgrades in place; the upgrade hold counts from the start of the stronger run, even before the raise', () => {
    const samples = [...every(0, 19, { hr: 125 }), ...every(20, 50, { hr: 135 })];
    // advisory run from 0 → raised at 30; warning run from 20 → held 15 s at 35.
    expect(run(samples).alerts).toEqual([
      '30s HR_ABOVE_ZONE advisory raised',
      '35s HR_ABOVE_ZONE warning upgraded',
    ]);
  });

  it('clears only when hr ≤ high − 5 was held 10 s, carrying the current severity', () => {
    const samples = [...every(0, 20, { hr: 135 }), ...every(21, 40, { hr: 115 })];
    // warning at 15; clear run from 21 → held at 31.
    expect(run(samples).alerts).toEqual([
      '15s HR_ABOVE_ZONE warning raised',
      '31s HR_ABOVE_ZONE warning cleared',
    ]);
    const short = [...every(0, 20, { hr: 135 }), ...every(21, 30, { hr: 115 })];
    expect(run(short).alerts).toEqual(['15s HR_ABOVE_ZONE warning raised']);
  });

  it('does not clear in the hysteresis band (high − 5 < hr ≤ high) and a band sample restarts the clear run', () => {
    const band = [...every(0, 30, { hr: 125 }), ...every(31, 90, { hr: 118 })];
    expect(run(band).alerts).toEqual(['30s HR_ABOVE_ZONE advisory raised']);
    const broken = [...every(0, 30, { hr: 125 }), ...every(31, 38, { hr: 110 }), { t: 39_000, hr: 117 }];
    broken.push(...every(40, 60, { hr: 110 }));
    expect(run(broken).alerts).toEqual([
      '30s HR_ABOVE_ZONE advisory raised',
      '50s HR_ABOVE_ZONE advisory cleared',
    ]);
  });

  it('a gap of more than 5 s between usable HR samples breaks the run; exactly 5 s does not', () => {
    const gap6 = [...every(0, 20, { hr: 125 }), ...every(26, 60, { hr: 125 })];
    expect(run(gap6).alerts).toEqual(['56s HR_ABOVE_ZONE advisory raised']);
    const gap5 = [...every(0, 20, { hr: 125 }), ...every(25, 60, { hr: 125 })];
    expect(run(gap5).alerts).toEqual(['30s HR_ABOVE_ZONE advisory raised']);
  });

  it('unusable rows in between neither continue nor break a run (only the usable-sample gap counts)', () => {
    const samples: Sample[] = [];
    for (let s = 0; s <= 40; s++) samples.push({ t: s * 1000, hr: s % 2 === 0 ? 125 : 250 });
    expect(run(samples).alerts).toEqual(['30s HR_ABOVE_ZONE advisory raised']);
    // contact=0 rows for 6 s make a 7 s gap between usable samples: the run restarts at 27.
    const lost = [...every(0, 20, { hr: 125 }), ...every(21, 26, { hr: 125, contact: false })];
    lost.push(...every(27, 60, { hr: 125 }));
    expect(run(lost).alerts).toEqual(['57s HR_ABOVE_ZONE advisory raised']);
  });

  it('re-arm: after an advisory clears it cannot raise again for 60 s; the hold may run during the lock-out', () => {
    const samples = [
      ...every(0, 30, { hr: 125 }), // raised 30
      ...every(31, 41, { hr: 110 }), // clear run 31 → cleared 41
      ...every(42, 120, { hr: 125 }), // hold reached 72, lock-out until 101
    ];
    expect(run(samples).alerts).toEqual([
      '30s HR_ABOVE_ZONE advisory raised',
      '41s HR_ABOVE_ZONE advisory cleared',
      '101s HR_ABOVE_ZONE advisory raised',
    ]);
  });

  it('re-arm does not block a stronger severity than the one that cleared', () => {
    const samples = [
      ...every(0, 30, { hr: 125 }),
      ...every(31, 41, { hr: 110 }),
      ...every(42, 80, { hr: 135 }),
    ];
    expect(run(samples).alerts).toEqual([
      '30s HR_ABOVE_ZONE advisory raised',
      '41s HR_ABOVE_ZONE advisory cleared',
      '57s HR_ABOVE_ZONE warning raised',
    ]);
  });

  it('a warning that cleared locks warning and advisory for 30 s', () => {
    const samples = [
      ...every(0, 15, { hr: 135 }),
      ...every(16, 26, { hr: 110 }),
      ...every(27, 80, { hr: 135 }),
    ];
    // warning 15; cleared 26 (lock until 56); warning hold reached 42 → raised 56.
    expect(run(samples).alerts).toEqual([
      '15s HR_ABOVE_ZONE warning raised',
      '26s HR_ABOVE_ZONE warning cleared',
      '56s HR_ABOVE_ZONE warning raised',
    ]);
  });
});

describe('HR_OVER_CEILING (hr ≥ ceiling 10 s warning; ≥ ceiling + 10 10 s critical)', () => {
  it('raises warning at hr = ceiling after exactly 10 s; 139 never', () => {
    expect(run(every(0, 9, { hr: 140 })).alerts).toEqual([]);
    expect(run(every(0, 10, { hr: 140 })).alerts).toEqual(['10s HR_OVER_CEILING warning raised']);
    expect(run(every(0, 10, { hr: 139 })).alerts).toEqual([]);
  });

  it('raises straight at critical, independent of HR_ABOVE_ZONE (both may be open)', () => {
    expect(run(every(0, 20, { hr: 150 })).alerts).toEqual([
      '10s HR_OVER_CEILING critical raised',
      '15s HR_ABOVE_ZONE warning raised',
    ]);
  });

  it('upgrades warning → critical and clears (critical too, in replay) after hr ≤ ceiling − 5 for 10 s', () => {
    const samples = [
      ...every(0, 9, { hr: 145 }),
      ...every(10, 25, { hr: 152 }),
      ...every(26, 40, { hr: 135 }),
    ];
    expect(run(samples).alerts).toEqual([
      '10s HR_OVER_CEILING warning raised',
      '15s HR_ABOVE_ZONE warning raised',
      '20s HR_OVER_CEILING critical upgraded',
      '36s HR_OVER_CEILING critical cleared',
    ]);
  });

  it('a cleared critical locks nothing: it raises again as soon as the hold is reached', () => {
    const samples = [
      ...every(0, 10, { hr: 150 }),
      ...every(11, 21, { hr: 130 }),
      ...every(22, 40, { hr: 150 }),
    ];
    expect(run(samples).alerts).toEqual([
      '10s HR_OVER_CEILING critical raised',
      '21s HR_OVER_CEILING critical cleared',
      // 130 keeps the HR_ABOVE_ZONE advisory run (> 120) going from 0; its warning run restarts at 22.
      '30s HR_ABOVE_ZONE advisory raised',
      '32s HR_OVER_CEILING critical raised',
      '37s HR_ABOVE_ZONE warning upgraded',
    ]);
  });
});

describe('HR_LOW (hr < 40 10 s critical; clears hr ≥ 45 held 10 s)', () => {
  it('raises at 10 s, clears after 10 s at ≥ 45, and not on 44', () => {
    const samples = [...every(0, 10, { hr: 38 }), ...every(11, 30, { hr: 44 }), ...every(31, 41, { hr: 45 })];
    expect(run(samples).alerts).toEqual(['10s HR_LOW critical raised', '41s HR_LOW critical cleared']);
  });

  it('hr below the usable range (< 30) is unusable, not low', () => {
    expect(run(every(0, 30, { hr: 29, spo2: 97 })).alerts).toEqual([]);
  });

  it('is never capped by hrMode advisory and still runs with hrMode off', () => {
    for (const hrMode of ['advisory', 'off'] as const)
      expect(run(every(0, 10, { hr: 35 }), { rx: rx({ hrMode }) }).alerts).toEqual([
        '10s HR_LOW critical raised',
      ]);
  });
});

describe('SPO2_LOW (spo2 < floor 15 s warning; < floor − 3 10 s or ≤ 80 5 s critical)', () => {
  it('raises warning at 15 s and clears after spo2 ≥ floor + 2 held 30 s', () => {
    expect(run(every(0, 14, { spo2: 89 })).alerts).toEqual([]);
    const samples = [...every(0, 15, { spo2: 89 }), ...every(16, 46, { spo2: 92 })];
    expect(run(samples).alerts).toEqual(['15s SPO2_LOW warning raised', '46s SPO2_LOW warning cleared']);
    const notYet = [
      ...every(0, 15, { spo2: 89 }),
      ...every(16, 45, { spo2: 92 }),
      ...every(46, 60, { spo2: 91 }),
    ];
    expect(run(notYet).alerts).toEqual(['15s SPO2_LOW warning raised']);
  });

  it('floor − 3 held 10 s raises critical directly; ≤ 80 held 5 s too (two independent runs)', () => {
    expect(run(every(0, 20, { spo2: 86 })).alerts).toEqual(['10s SPO2_LOW critical raised']);
    expect(run(every(0, 20, { spo2: 87 })).alerts).toEqual(['15s SPO2_LOW warning raised']);
    expect(run(every(0, 20, { spo2: 80 })).alerts).toEqual(['5s SPO2_LOW critical raised']);
    expect(run(every(0, 20, { spo2: 81 })).alerts).toEqual(['10s SPO2_LOW critical raised']);
  });

  it('upgrades warning → critical with the critical run counted from its own start', () => {
    const samples = [...every(0, 11, { spo2: 89 }), ...every(12, 30, { spo2: 86 })];
    expect(run(samples).alerts).toEqual(['15s SPO2_LOW warning raised', '22s SPO2_LOW critical upgraded']);
  });

  it('follows the prescription floor (COPD 88)', () => {
    expect(run(every(0, 20, { spo2: 88 }), { rx: rx({ spo2Floor: 88 }) }).alerts).toEqual([]);
    expect(run(every(0, 20, { spo2: 84 }), { rx: rx({ spo2Floor: 88 }) }).alerts).toEqual([
      '10s SPO2_LOW critical raised',
    ]);
  });

  it('SpO2 below 50 is unusable and ignored', () => {
    expect(run(every(0, 30, { spo2: 45, hr: 110 })).alerts).toEqual([]);
  });
});

describe('SPO2_DROP (spo2 ≤ baseline − 4 and < 92 for 15 s; baseline = median of first 60 s)', () => {
  it('raises from the session baseline, evaluated only from t ≥ 60 s', () => {
    const samples = [...every(0, 59, { spo2: 97 }), ...every(60, 100, { spo2: 91 })];
    expect(run(samples).alerts).toEqual(['75s SPO2_DROP advisory raised']);
  });

  it('does not start its run before 60 s even when the drop began earlier', () => {
    const samples = [...every(0, 29, { spo2: 97 }), ...every(30, 100, { spo2: 91 })];
    // baseline = median of 30×97 and 30×91 = 94: 91 ≤ 90? no → nothing.
    expect(run(samples).alerts).toEqual([]);
    const early = [...every(0, 39, { spo2: 98 }), ...every(40, 100, { spo2: 91 })];
    // baseline 98: condition true from 40, but the run starts at 60 → raised 75.
    expect(run(early).alerts).toEqual(['75s SPO2_DROP advisory raised']);
  });

  it('needs both conditions: a drop to 92 is not < 92', () => {
    expect(run([...every(0, 59, { spo2: 99 }), ...every(60, 100, { spo2: 92 })]).alerts).toEqual([]);
  });

  it('uses the mean of the two middle values for an even count', () => {
    // 95, 96 → baseline 95.5: 91.5 ≤ 91.5 → raised. 95, 97 → 96: 91.5 ≤ 92 → raised.
    // 95, 95.5, 96 → 95.5: 91.6 > 91.5 → nothing.
    const even = [{ t: 0, spo2: 95 }, { t: 1000, spo2: 96 }, ...every(60, 80, { spo2: 91.5 })];
    expect(run(even).alerts).toContain('75s SPO2_DROP advisory raised');
    const evenNo = [{ t: 0, spo2: 95 }, { t: 1000, spo2: 97 }, ...every(60, 80, { spo2: 91.5 })];
    expect(run(evenNo).alerts).toContain('75s SPO2_DROP advisory raised');
    const odd = [
      { t: 0, spo2: 95 },
      { t: 1000, spo2: 95.5 },
      { t: 2000, spo2: 96 },
      ...every(60, 80, { spo2: 91.6 }),
    ];
    expect(run(odd).alerts.filter((a) => a.includes('SPO2_DROP'))).toEqual([]);
  });

  it('is never evaluated without a usable SpO2 sample in the first 60 s', () => {
    expect(run(every(60, 120, { spo2: 86 })).alerts.filter((a) => a.includes('SPO2_DROP'))).toEqual([]);
  });

  it('clears when spo2 ≥ baseline − 2 held 30 s', () => {
    const samples = [
      ...every(0, 59, { spo2: 97 }),
      ...every(60, 75, { spo2: 91 }),
      ...every(76, 106, { spo2: 95 }),
    ];
    expect(run(samples).alerts).toEqual(['75s SPO2_DROP advisory raised', '106s SPO2_DROP advisory cleared']);
  });
});

describe('SIGNAL_LOST (no usable HR nor SpO2: 15 s advisory, 30 s warning; raised by tick)', () => {
  it('counts from the session start when nothing arrived yet, upgrades at 30 s, clears on the first usable sample', () => {
    const samples = [{ t: 40_500, hr: 110 }];
    expect(run(samples).alerts).toEqual([
      '15s SIGNAL_LOST advisory raised',
      '30s SIGNAL_LOST warning upgraded',
      '40.5s SIGNAL_LOST warning cleared',
    ]);
  });

  it('counts from the last usable sample and fires only at whole-second ticks', () => {
    const samples = [
      { t: 10_500, hr: 110 },
      { t: 27_000, hr: 110 },
    ];
    // 15 s after 10.5 s is 25.5 s; the first tick at or after is 26 s.
    expect(run(samples).alerts).toEqual([
      '26s SIGNAL_LOST advisory raised',
      '27s SIGNAL_LOST advisory cleared',
    ]);
  });

  it('a row and a tick at the same time: the row is evaluated first', () => {
    expect(
      run([
        { t: 0, hr: 110 },
        { t: 15_000, hr: 110 },
      ]).alerts,
    ).toEqual([]);
    expect(
      run([
        { t: 0, hr: 110 },
        { t: 15_000, hr: 250 },
      ]).alerts,
    ).toEqual(['15s SIGNAL_LOST advisory raised']);
  });

  it('usable SpO2 alone keeps the signal alive (contact = 0 makes HR unusable, not SpO2)', () => {
    expect(run(every(0, 40, { hr: 110, spo2: 96, contact: false })).alerts).toEqual([
      '10s NO_CONTACT advisory raised',
    ]);
  });

  it('no events are invented after the last row', () => {
    expect(
      run([
        { t: 0, hr: 110 },
        { t: 14_999, steps: 3 },
      ]).alerts,
    ).toEqual([]);
  });

  it('re-arm applies: an advisory that cleared cannot raise again for 60 s', () => {
    const samples = [
      { t: 0, hr: 110 },
      { t: 16_000, hr: 110 },
      { t: 60_000, hr: 110 },
    ];
    // lost at 15 (tick), cleared at 16; lost again from 16 → ≥ 15 s at 31 but locked until 76;
    // ≥ 30 s (warning) at 46 → warning is stronger than the lock → raised warning at 46.
    expect(run(samples).alerts).toEqual([
      '15s SIGNAL_LOST advisory raised',
      '16s SIGNAL_LOST advisory cleared',
      '46s SIGNAL_LOST warning raised',
      '60s SIGNAL_LOST warning cleared',
    ]);
  });
});

describe('NO_CONTACT (contact reported false 10 s: advisory; clears on contact true)', () => {
  it('raises after 10 s and clears on the first contact-true sample; empty contact cells are skipped', () => {
    const samples = [
      ...every(0, 5, { spo2: 97, contact: false }),
      ...every(6, 8, { spo2: 97 }),
      ...every(9, 12, { spo2: 97, contact: false }),
      { t: 13_000, spo2: 97, contact: true },
    ];
    expect(run(samples).alerts).toEqual([
      '10s NO_CONTACT advisory raised',
      '13s NO_CONTACT advisory cleared',
    ]);
  });

  it('a gap of more than 5 s between contact-reporting samples breaks the run', () => {
    const samples = [...every(0, 5, { spo2: 97, contact: false }), ...every(6, 20, { spo2: 97 })];
    samples.push(...every(12, 30, { spo2: 97, contact: false }).map((s) => ({ ...s, t: s.t + 500 })));
    // contact samples: 0..5 then 12.5.. (gap 7.5 s) → new run from 12.5 → held at 22.5.
    expect(run(samples.sort((a, b) => a.t - b.t)).alerts).toEqual(['22.5s NO_CONTACT advisory raised']);
  });
});

describe('hrMode', () => {
  it('advisory caps HR_ABOVE_ZONE and HR_OVER_CEILING at advisory; each level raises at its own hold', () => {
    const r = run(every(0, 40, { hr: 155 }), { rx: rx({ hrMode: 'advisory' }) });
    // over ceiling: warning and critical levels both held at 10 → advisory; above zone: warning level at 15.
    expect(r.alerts).toEqual(['10s HR_OVER_CEILING advisory raised', '15s HR_ABOVE_ZONE advisory raised']);
  });

  it('advisory: an upgrade that does not change the capped severity emits nothing', () => {
    const samples = [...every(0, 30, { hr: 125 }), ...every(31, 60, { hr: 135 })];
    expect(run(samples, { rx: rx({ hrMode: 'advisory' }) }).alerts).toEqual([
      '30s HR_ABOVE_ZONE advisory raised',
    ]);
  });

  it('off disables HR_ABOVE_ZONE and HR_OVER_CEILING only', () => {
    expect(run(every(0, 60, { hr: 160 }), { rx: rx({ hrMode: 'off' }) }).alerts).toEqual([]);
  });
});

describe('artefacts (jump > 25 bpm from the previous usable sample < 2 s earlier, unless RR agrees)', () => {
  it('an artefact neither counts towards timers nor breaks them, and is not the next reference', () => {
    const samples: Sample[] = [];
    for (let s = 0; s <= 30; s++) samples.push({ t: s * 1000, hr: 125 });
    samples.push({ t: 29_500, hr: 180 }); // artefact (jump 55 within 0.5 s)
    const r = run(samples.sort((a, b) => a.t - b.t));
    expect(r.alerts).toEqual(['30s HR_ABOVE_ZONE advisory raised']);
    expect(r.monitor.lastHrReading()).toMatchObject({ value: 125, usable: true });
  });

  it('jump of exactly 25, or from a sample exactly 2 s earlier, is usable', () => {
    const a = run([
      { t: 0, hr: 100 },
      { t: 1000, hr: 125 },
    ]);
    expect(a.monitor.view(1000).hr?.value).toBe(125);
    const b = run([
      { t: 0, hr: 100 },
      { t: 1000, hr: 160 },
      { t: 2000, hr: 160 },
    ]);
    // 160 at 1 s is an artefact; at 2 s the reference (100 at 0 s) is 2 s old → usable.
    expect(b.monitor.view(2000).hr?.t).toBe(2000);
    expect(b.monitor.metrics(2000).hrMean).toBe(130); // (100 + 160) / 2: two usable samples
  });

  it('RR intervals that agree with the jump make it usable', () => {
    const r = run([
      { t: 0, hr: 100 },
      { t: 1000, hr: 140, rrMs: [430, 428] },
    ]);
    expect(r.monitor.view(1000).hr?.value).toBe(140);
    const disagree = run([
      { t: 0, hr: 100 },
      { t: 1000, hr: 140, rrMs: [600, 600] },
    ]);
    expect(disagree.monitor.view(1000).hr?.value).toBe(100);
  });
});

describe('unconfirmed: a critical condition on doubtful data is raised as an unconfirmed warning', () => {
  it('HR critical at an artefact neighbour → warning unconfirmed, then confirmed as critical', () => {
    const samples: Sample[] = [
      ...every(0, 9, { hr: 150 }),
      { t: 9500, hr: 200 },
      ...every(10, 12, { hr: 150 }),
    ];
    expect(run(samples).alerts).toEqual([
      '10s HR_OVER_CEILING warning raised unconfirmed',
      '11s HR_OVER_CEILING critical upgraded',
    ]);
  });

  it('SpO2 critical at a contact-false sample → unconfirmed warning; a further doubtful sample adds nothing', () => {
    const samples = [
      ...every(0, 6, { spo2: 78, contact: false }),
      ...every(7, 8, { spo2: 78, contact: true }),
    ];
    expect(run(samples).alerts).toEqual([
      '5s SPO2_LOW warning raised unconfirmed',
      '7s SPO2_LOW critical upgraded',
    ]);
  });

  it('a sample is an artefact neighbour only within the artefact window after the artefact', () => {
    const samples: Sample[] = [
      ...every(0, 4, { spo2: 95, hr: 100 }),
      ...every(5, 8, { spo2: 78, hr: 100 }),
      { t: 8500, hr: 160, spo2: 78 }, // HR artefact (60 from 100 at 8 s)
      ...every(9, 12, { spo2: 78 }), // no HR reading since the artefact
    ];
    // SpO2 ≤ 80 from 5 s → held 5 s at 10 s, 1.5 s after the artefact → doubtful; 11 s is 2.5 s after.
    expect(run(samples).alerts).toEqual([
      '10s SPO2_LOW warning raised unconfirmed',
      '11s SPO2_LOW critical upgraded',
    ]);
    const late: Sample[] = [
      ...every(0, 3, { spo2: 95, hr: 100 }),
      { t: 3500, hr: 160, spo2: 95 },
      ...every(4, 4, { spo2: 78 }),
      ...every(5, 9, { spo2: 78 }), // critical (≤ 80) held 5 s at 9 s: 9 − 3.5 ≥ 2 s → not a neighbour
      { t: 9500, hr: 100, spo2: 78 },
    ];
    expect(run(late).alerts).toEqual(['9s SPO2_LOW critical raised']);
    const near: Sample[] = [
      ...every(0, 3, { spo2: 95, hr: 100 }),
      ...every(4, 8, { spo2: 78, hr: 100 }),
      { t: 8500, hr: 160, spo2: 78 }, // artefact
      { t: 9000, spo2: 78 }, // critical held 5 s, 0.5 s after the artefact → unconfirmed
      { t: 9500, hr: 100, spo2: 78 }, // next HR reading after the artefact, 1 s later → still doubtful
      { t: 10_000, hr: 100, spo2: 78 }, // previous HR reading usable → confirmed
    ];
    expect(run(near).alerts).toEqual([
      '9s SPO2_LOW warning raised unconfirmed',
      '10s SPO2_LOW critical upgraded',
    ]);
  });

  it('a doubtful critical on an alert open at warning: upgraded warning unconfirmed, once per run (ruling 1)', () => {
    // Floor 90: 88 is below the floor (warning, 15 s); 84 is below floor − 3 (critical, 10 s).
    const samples: Sample[] = [
      ...every(0, 16, { spo2: 88, contact: true }),
      ...every(17, 27, { spo2: 84, contact: false }),
      ...every(28, 37, { spo2: 84, contact: true }),
    ];
    expect(run(samples).alerts).toEqual([
      '15s SPO2_LOW warning raised',
      '27s SPO2_LOW warning upgraded unconfirmed',
      '27s NO_CONTACT advisory raised',
      '28s SPO2_LOW critical upgraded',
      '28s NO_CONTACT advisory cleared',
    ]);
  });

  it('the run of critical-strength conditions ends at a usable sample where none holds, or at a gap', () => {
    const doubtful = { spo2: 84, contact: false } as const;
    const samples: Sample[] = [
      ...every(0, 16, { spo2: 88, contact: true }),
      ...every(17, 30, doubtful), // critical held at 27: reported once, not again at 28–30
      ...every(31, 31, { spo2: 88, contact: false }), // usable, no critical condition: the run ends
      ...every(32, 42, doubtful), // a new run, held at 42: reported again
      ...every(49, 60, doubtful), // after a 7 s gap: a new run, held at 59
    ];
    expect(run(samples).alerts.filter((a) => a.includes('SPO2_LOW'))).toEqual([
      '15s SPO2_LOW warning raised',
      '27s SPO2_LOW warning upgraded unconfirmed',
      '42s SPO2_LOW warning upgraded unconfirmed',
      '59s SPO2_LOW warning upgraded unconfirmed',
    ]);
  });

  it('an unconfirmed raise counts as the run’s report; a later run on the same alert is reported', () => {
    const samples: Sample[] = [
      ...every(0, 12, { spo2: 84, contact: false }), // critical held 10 s at 10 → raised unconfirmed
      ...every(13, 13, { spo2: 88, contact: false }), // run ends (88 is not critical strength)
      ...every(14, 24, { spo2: 84, contact: false }), // held again at 24
    ];
    expect(run(samples).alerts.filter((a) => a.includes('SPO2_LOW'))).toEqual([
      '10s SPO2_LOW warning raised unconfirmed',
      '24s SPO2_LOW warning upgraded unconfirmed',
    ]);
  });

  it('HR_LOW on an artefact neighbour is unconfirmed too', () => {
    const samples: Sample[] = [...every(0, 9, { hr: 35 }), { t: 9500, hr: 90 }, ...every(10, 11, { hr: 35 })];
    expect(run(samples).alerts).toEqual([
      '10s HR_LOW warning raised unconfirmed',
      '11s HR_LOW critical upgraded',
    ]);
  });

  it('capped rules are never critical, hence never unconfirmed', () => {
    const samples: Sample[] = [
      ...every(0, 9, { hr: 150 }),
      { t: 9500, hr: 200 },
      ...every(10, 12, { hr: 150 }),
    ];
    expect(run(samples, { rx: rx({ hrMode: 'advisory' }) }).alerts).toEqual([
      '10s HR_OVER_CEILING advisory raised',
    ]);
  });
});

describe('settings are honoured (no literals in the engine)', () => {
  it('uses overridden holds and thresholds', () => {
    const r = run(every(0, 20, { hr: 125 }), { settings: { hrAboveZone: { advisoryHoldMs: 5000 } } });
    expect(r.alerts).toEqual(['5s HR_ABOVE_ZONE advisory raised']);
    const gap = run([...every(0, 20, { hr: 125 }), ...every(28, 60, { hr: 125 })], {
      settings: { signal: { maxGapMs: 10_000 } },
    });
    expect(gap.alerts).toEqual(['30s HR_ABOVE_ZONE advisory raised']);
  });
});
