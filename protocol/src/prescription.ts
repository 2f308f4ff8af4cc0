import { z } from 'zod';
import { fieldCheck } from './field-checks.js';
import { ruleSettingsOverrideSchema } from './rule-settings.js';
import { hrMaxSourceSchema, hrModeSchema, presetNameSchema, zoneMethodSchema } from './vocabulary.js';

/**
 * The prescription document (CLINICAL-RULES.md sections 1 and 7): the portable form and the registry's
 * versioned form, field by field. How a prescription resolves to bpm (and the cross-field checks that
 * need it) is `@zonewatch/clinical`'s.
 */

const finite = (what: string) =>
  z.number({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a number (${what})`) });

const hrMaxSchema = z
  .object({
    source: hrMaxSourceSchema,
    /** Measured or clinician-given maximum (bpm); required for `measured` and `override`. */
    bpm: finite('bpm').min(60, 'must be at least 60 bpm').max(250, 'must be at most 250 bpm').optional(),
    /** Date of the stress test (ISO), informational. */
    measuredOn: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.source === 'measured' || v.source === 'override') && v.bpm === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['bpm'],
        message: `is required when source is "${v.source}"`,
        ...fieldCheck('HRMAX_BPM_REQUIRED', { source: v.source }),
      });
  });

const zoneSchema = z
  .object({
    method: zoneMethodSchema,
    /** Lower bound: a fraction in (0, 1] for `hrr`/`hrmax`, bpm for `bpm`. */
    low: finite('zone fraction or bpm'),
    /** Upper bound, same unit as `low`. */
    high: finite('zone fraction or bpm'),
  })
  .superRefine((v, ctx) => {
    for (const k of ['low', 'high'] as const) {
      const x = v[k];
      if (v.method === 'bpm') {
        if (x < 30 || x > 250)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `must be 30–250 bpm (got ${x})`,
            ...fieldCheck('ZONE_BPM_RANGE', { value: x }),
          });
      } else if (!(x > 0 && x <= 1)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `must be a fraction in (0, 1] for method "${v.method}" (got ${x})`,
          ...fieldCheck('ZONE_FRACTION_RANGE', { value: x, method: v.method }),
        });
      }
    }
    if (v.low >= v.high)
      ctx.addIssue({
        code: 'custom',
        path: ['low'],
        message: `must be below zone.high (${v.low} ≥ ${v.high})`,
        ...fieldCheck('ZONE_LOW_NOT_BELOW_HIGH', { low: v.low, high: v.high }),
      });
  });

export const fittSchema = z.object({
  /** Prescribed sessions per week. */
  sessionsPerWeek: z.number().int().min(1).max(14),
  /** Prescribed minutes in zone per session. */
  minutesInZone: z.number().positive().max(600),
  /** Planned warm-up (min); default {@link FITT_PHASE_DEFAULTS}. */
  warmUpMinutes: z.number().min(0).max(120).optional(),
  /** Planned conditioning (min); default: minutesInZone. */
  conditioningMinutes: z.number().min(0).max(600).optional(),
  /** Planned cool-down (min); default {@link FITT_PHASE_DEFAULTS}. */
  coolDownMinutes: z.number().min(0).max(120).optional(),
  /** Planned recovery after exercise ends (min; HR recovery is read at 1 min); default {@link FITT_PHASE_DEFAULTS}. */
  recoveryMinutes: z.number().min(0).max(60).optional(),
  /** Walking pace for home sessions (m/min), e.g. derived from a 6-minute walk test (issue 15). */
  walkingPaceMPerMin: z.number().min(10).max(200).optional(),
});

/** Planned phase lengths (min) when a prescription's FITT gives none [default]. */
export const FITT_PHASE_DEFAULTS = Object.freeze({
  warmUpMinutes: 10,
  conditioningMinutes: 30,
  coolDownMinutes: 10,
  recoveryMinutes: 2,
});
export type Fitt = z.infer<typeof fittSchema>;

/**
 * Clinical content of a prescription. Accepts the portable form of CLINICAL-RULES.md section 7 as is
 * (unknown keys are ignored). Each field is checked here; the cross-field rules (hrRest < hrMax, ceiling ≥
 * zone high, required fields per method/source) need the resolution logic and are added by
 * `@zonewatch/clinical`'s `prescriptionSchema`, which the API validates requests with.
 */
export const prescriptionBaseSchema = z.object({
  /** Population preset; supplies `zone` (and the COPD SpO2 floor) when those are not given. */
  preset: presetNameSchema.optional(),
  /** Age (years); required when hrMax comes from a formula. */
  age: finite('years').min(1, 'must be at least 1 year').max(120, 'must be at most 120 years').optional(),
  /** Free text (e.g. `male`, `female`); only used to warn about a formula derived in the other sex. */
  sex: z.string().optional(),
  /** Measured resting HR (bpm); required for method `hrr`. */
  hrRest: finite('bpm').min(25, 'must be at least 25 bpm').max(150, 'must be at most 150 bpm').optional(),
  /** Max HR source; default `{ source: 'tanaka' }`. */
  hrMax: hrMaxSchema.optional(),
  /** Prescribed intensity zone; may come from `preset`. */
  zone: zoneSchema.optional(),
  /** Safety ceiling (bpm), used as given; default derived (section 1, 3a). */
  ceilingBpm: finite('bpm').min(40, 'must be at least 40 bpm').max(250, 'must be at most 250 bpm').optional(),
  /** Known ischaemic-threshold HR (bpm): ceiling ≤ threshold − 10 [guideline]. */
  ischaemicThresholdBpm: finite('bpm')
    .min(40, 'must be at least 40 bpm')
    .max(250, 'must be at most 250 bpm')
    .optional(),
  hrMode: hrModeSchema.optional(),
  /** SpO2 floor (%), 70–100; default 90 (88 for the COPD preset). */
  spo2Floor: finite('%').optional(),
  /** Name of the second clinician who approved a floor below 85 %. */
  spo2FloorSecondClinician: z.string().min(1).optional(),
  /** Participant takes β-blockers (used for warnings only). */
  betaBlocker: z.boolean().optional(),
  fitt: fittSchema.optional(),
  /** Per-prescription rule-settings override (merged over the site's settings). */
  settings: ruleSettingsOverrideSchema.optional(),
});
export type PrescriptionInput = z.input<typeof prescriptionBaseSchema>;
export type Prescription = z.output<typeof prescriptionBaseSchema>;

/** An ISO date (`2026-03-01`, midnight UTC) or date-time with offset. */
export const isoInstantSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO date (YYYY-MM-DD) or date-time with offset',
});

/** The versioned registry form: the portable fields plus participant, version, effective period and author. */
export const prescriptionVersionFieldsSchema = prescriptionBaseSchema.extend({
  participantId: z.string().min(1),
  /** Monotonic per participant, starting at 1. */
  version: z.number().int().min(1),
  /** Effective from this instant (inclusive). */
  effectiveFrom: isoInstantSchema,
  /** Effective until this instant (exclusive); open-ended when absent. */
  effectiveTo: isoInstantSchema.optional(),
  /** Prescribing clinician. */
  author: z.string().min(1),
});
