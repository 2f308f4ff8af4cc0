/**
 * Terminology of the FHIR facade. LOINC where a code exists for what zonewatch measures; a zonewatch code
 * system (served under the facade's base URL) says which statistic of a session a value is.
 */

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const SNOMED = 'http://snomed.info/sct';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** `PSEUDED` (pseudonymised) in meta.security of a Patient without identity. */
export const V3_OBSERVATION_VALUE = 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue';
/** Our own participant ids (pseudonymous: random, meaningless outside the centre). */
export const PARTICIPANT_ID_SYSTEM = 'urn:zonewatch:participant';

/** A LOINC code with its display name and the UCUM unit of its value. */
export interface LoincCode {
  code: string;
  display: string;
  unit: string;
  /** UCUM code of the unit. */
  ucum: string;
}

export const CODES = {
  heartRate: { code: '8867-4', display: 'Heart rate', unit: 'beats/minute', ucum: '/min' },
  spo2: {
    code: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
    ucum: '%',
  },
  steps: {
    code: '55423-8',
    display: 'Number of steps in unspecified time Pedometer',
    unit: 'steps',
    ucum: '{steps}',
  },
  bpPanel: {
    code: '85354-9',
    display: 'Blood pressure panel with all children optional',
    unit: '',
    ucum: '',
  },
  systolic: { code: '8480-6', display: 'Systolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  diastolic: { code: '8462-4', display: 'Diastolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  weight: { code: '29463-7', display: 'Body weight', unit: 'kg', ucum: 'kg' },
  height: { code: '8302-2', display: 'Body height', unit: 'cm', ucum: 'cm' },
  bmi: { code: '39156-5', display: 'Body mass index (BMI) [Ratio]', unit: 'kg/m2', ucum: 'kg/m2' },
  // "Walking distance 6 minutes": the distance walked in a six-minute walk test (ATS 2002), which is the
  // figure the record's 6MWT holds (`sixMinuteWalk.distanceM`); the test's other figures have no code here.
  sixMinuteWalk: { code: '64098-7', display: 'Walking distance 6 minutes', unit: 'm', ucum: 'm' },
} as const satisfies Record<string, LoincCode>;

/** What a session-summary Observation states (our code system `{base}/CodeSystem/session-metric`). */
export const SESSION_METRICS = {
  'hr-mean': { display: 'Mean heart rate during the exercise session', loinc: CODES.heartRate },
  'hr-peak': { display: 'Peak heart rate during the exercise session', loinc: CODES.heartRate },
  'spo2-mean': { display: 'Mean SpO2 during the exercise session', loinc: CODES.spo2 },
  'spo2-min': { display: 'Lowest SpO2 during the exercise session', loinc: CODES.spo2 },
  steps: { display: 'Steps during the exercise session', loinc: CODES.steps },
  // No LOINC code exists for time in a prescribed heart-rate zone: our code only.
  'minutes-in-zone': {
    display: 'Minutes in the prescribed heart-rate zone during the exercise session',
    loinc: null,
  },
} as const;
export type SessionMetric = keyof typeof SESSION_METRICS;

/** "Exercise therapy (regime/therapy)": the activity of a prescription's CarePlan. */
export const EXERCISE_THERAPY = { system: SNOMED, code: '229065009', display: 'Exercise therapy' };
