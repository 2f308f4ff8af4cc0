import { prescriptionSchema } from '@zonewatch/clinical';
import { describe, expect, it } from 'vitest';
import {
  applyPreset,
  codedRefusals,
  EMPTY_FORM,
  formToPrescription,
  fromClinical,
  prescriptionToForm,
} from './prescriptionForm.js';

describe('prescription form', () => {
  it('builds a body the engine accepts, zone percents as fractions', () => {
    const body = formToPrescription({
      ...EMPTY_FORM,
      age: '64',
      sex: 'male',
      hrRest: '70',
      zoneLow: '40',
      zoneHigh: '59',
    });
    expect(body).toMatchObject({
      age: 64,
      hrRest: 70,
      hrMax: { source: 'tanaka' },
      zone: { method: 'hrr', low: 0.4, high: 0.59 },
      hrMode: 'enforce',
      spo2Floor: 90,
      fitt: { sessionsPerWeek: 3, minutesInZone: 30 },
    });
    expect(prescriptionSchema.safeParse(body).success).toBe(true);
  });

  it('a measured maximum carries its bpm; absolute zones stay in bpm', () => {
    const body = formToPrescription({
      ...EMPTY_FORM,
      hrRest: '60',
      hrMaxSource: 'measured',
      hrMaxBpm: '151',
      zoneMethod: 'bpm',
      zoneLow: '95',
      zoneHigh: '115',
    });
    expect(body.hrMax).toEqual({ source: 'measured', bpm: 151 });
    expect(body.zone).toEqual({ method: 'bpm', low: 95, high: 115 });
    expect(prescriptionSchema.safeParse(body).success).toBe(true);
  });

  it('a preset fills the zone and the COPD floor; the form round-trips a body', () => {
    const f = applyPreset(EMPTY_FORM, 'copd');
    expect(f).toMatchObject({ zoneMethod: 'hrr', zoneLow: '60', zoneHigh: '80', spo2Floor: '88' });
    const body = formToPrescription({ ...f, age: '70', hrRest: '75' });
    expect(formToPrescription(prescriptionToForm(body))).toEqual(body);
  });

  it('a half-typed number is sent so the server names the field, not silently dropped', () => {
    const body = formToPrescription({ ...EMPTY_FORM, hrRest: '7x' });
    expect(Number.isNaN(body.hrRest)).toBe(true);
  });
});

describe('the form starts from the clinical details (issue 14)', () => {
  it('β-blockers without a measured maximum: Brawner and advisory suggested, age and sex filled in', () => {
    const r = fromClinical(EMPTY_FORM, { ageYears: 63, sex: 'male', betaBlocker: true });
    expect([r.form.age, r.form.sex, r.form.hrMaxSource, r.form.hrMode, r.form.betaBlocker]).toEqual([
      '63',
      'male',
      'brawner',
      'advisory',
      true,
    ]);
    expect(r.applied).toEqual(['age', 'sex', 'brawner', 'advisory']);
  });

  it('a measured maximum stays, and so does its mode', () => {
    const measured = { ...EMPTY_FORM, hrMaxSource: 'measured' as const, hrMaxBpm: '140' };
    const r = fromClinical(measured, { ageYears: 63, sex: null, betaBlocker: true });
    expect([r.form.hrMaxSource, r.form.hrMode]).toEqual(['measured', 'enforce']);
  });

  it('women on the adult default are offered Gulati, not switched to it', () => {
    const r = fromClinical(EMPTY_FORM, { ageYears: 58, sex: 'female', betaBlocker: false });
    expect(r.form.hrMaxSource).toBe('tanaka');
    expect(r.offers).toEqual(['gulati']);
    expect(fromClinical(EMPTY_FORM, { ageYears: null, sex: null, betaBlocker: false })).toEqual({
      form: EMPTY_FORM,
      applied: [],
      offers: [],
    });
  });

  it('coded refusals name the form field; uncoded ones are left to the generic error text', () => {
    expect(
      codedRefusals([
        { path: 'body.prescription.ceilingBpm', code: 'CEILING_ABOVE_HRMAX' },
        { path: 'body.body.zone.high', code: 'ZONE_ABOVE_CEILING' },
        { path: 'body.prescription.age', code: 'custom' },
        { path: 'body.prescription.hrRest' },
      ]),
    ).toEqual([
      { field: 'ceilingBpm', code: 'CEILING_ABOVE_HRMAX', params: {} },
      { field: 'zone.high', code: 'ZONE_ABOVE_CEILING', params: {} },
    ]);
    expect(
      codedRefusals([{ path: 'body.prescription.age', code: 'AGE_REQUIRED', params: { formula: 'tanaka' } }]),
    ).toEqual([{ field: 'age', code: 'AGE_REQUIRED', params: { formula: 'tanaka' } }]);
  });
});
