/**
 * IEEE 11073-20601 16-bit SFLOAT, as used by the Pulse Oximeter Service (0x2A5F): a 4-bit signed
 * exponent (high nibble) and a 12-bit signed mantissa; value = mantissa × 10^exponent. Five raw values
 * are reserved specials (exponent 0).
 */
export type SfloatSpecial = 'NaN' | 'NRes' | '+INF' | '-INF' | 'reserved';

export type Sfloat = { kind: 'value'; value: number } | { kind: SfloatSpecial };

const SPECIALS: Record<number, SfloatSpecial> = {
  2047: 'NaN',
  2048: 'NRes',
  2046: '+INF',
  2050: '-INF',
  2049: 'reserved',
};
const SPECIAL_RAW: Record<SfloatSpecial, number> = {
  NaN: 0x07ff,
  NRes: 0x0800,
  '+INF': 0x07fe,
  '-INF': 0x0802,
  reserved: 0x0801,
};

/** Largest magnitude of a mantissa that is not a special value. */
const MANTISSA_MAX = 2045;

/** Decodes a raw 16-bit SFLOAT. Values are rounded to the precision the exponent carries. */
export function decodeSfloat(raw: number): Sfloat {
  const special = SPECIALS[raw & 0xffff];
  if (special) return { kind: special };
  let mantissa = raw & 0x0fff;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  let exponent = (raw >> 12) & 0x0f;
  if (exponent >= 0x08) exponent -= 0x10;
  const value = exponent < 0 ? mantissa / 10 ** -exponent : mantissa * 10 ** exponent;
  return { kind: 'value', value: exponent < 0 ? Number(value.toFixed(-exponent)) : value };
}

/**
 * Encodes a number (or special) as SFLOAT with the most precision that fits (exponent down to -8), then
 * drops trailing zeros of the mantissa so 98 encodes as 98e0, not 980e-1. Throws RangeError for a value
 * no SFLOAT can hold.
 */
export function encodeSfloat(input: number | SfloatSpecial): number {
  if (typeof input === 'string') return SPECIAL_RAW[input];
  if (Number.isNaN(input)) return SPECIAL_RAW.NaN;
  if (input === Number.POSITIVE_INFINITY) return SPECIAL_RAW['+INF'];
  if (input === Number.NEGATIVE_INFINITY) return SPECIAL_RAW['-INF'];
  for (let exponent = -8; exponent <= 7; exponent++) {
    let mantissa = Math.round(exponent < 0 ? input * 10 ** -exponent : input / 10 ** exponent);
    if (Math.abs(mantissa) > MANTISSA_MAX) continue;
    let e = exponent;
    while (mantissa !== 0 && mantissa % 10 === 0 && e < 7) {
      mantissa /= 10;
      e++;
    }
    if (mantissa === 0) e = 0;
    return (((e & 0x0f) << 12) | (mantissa & 0x0fff)) >>> 0;
  }
  throw new RangeError(`${input} is outside the SFLOAT range (±2045e7)`);
}
