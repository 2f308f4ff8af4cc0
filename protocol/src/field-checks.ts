/**
 * Codes of the contract's own field checks (the refinements a schema type cannot say, e.g. "zone low must
 * be below zone high"). A refused request carries each as its issue's `code` with `params` (ingest's error
 * handler reads them from the zod issue), so a console words the reason in its own language and never shows
 * the English `message`, which stays for logs and API users. zod's own checks travel as their zod code
 * (`required` for a missing value, `too_small` / `too_big` with `min` / `max` and `origin`, …).
 */
export const FIELD_CHECK_CODES = [
  /** A PATCH that changes nothing. */
  'NO_CHANGE',
  /** Not an IANA time zone. */
  'TIME_ZONE_UNKNOWN',
  /** A class session without its class. */
  'CLASS_REQUIRED',
  /** A home session naming a class. */
  'CLASS_NOT_FOR_HOME',
  /** A measured or clinician-given maximum HR without its value (`source`). */
  'HRMAX_BPM_REQUIRED',
  /** A zone bound in bpm outside 30–250 (`value`). */
  'ZONE_BPM_RANGE',
  /** A zone bound as a fraction outside (0, 1] (`value`, `method`). */
  'ZONE_FRACTION_RANGE',
  /** Zone low not below zone high (`low`, `high`). */
  'ZONE_LOW_NOT_BELOW_HIGH',
] as const;
export type FieldCheckCode = (typeof FIELD_CHECK_CODES)[number];

/** The zod issue `params` that carry a field check's code and the values its wording needs. */
export function fieldCheck(
  code: FieldCheckCode,
  values?: Readonly<Record<string, string | number>>,
): { params: { refusal: FieldCheckCode; values?: Readonly<Record<string, string | number>> } } {
  return { params: { refusal: code, ...(values ? { values } : {}) } };
}
