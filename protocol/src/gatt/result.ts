/** Characteristics this package encodes and decodes. */
export type Characteristic = '0x2A37' | '0x2A5F' | '0x2A53' | '0x2A19' | 'zw-steps';

export type GattErrorCode = 'TRUNCATED' | 'TRAILING_BYTES' | 'INVALID_VALUE';

/** A decoder's typed failure: which characteristic, where in the buffer, and why. */
export interface GattError {
  code: GattErrorCode;
  characteristic: Characteristic;
  /** Byte offset at which decoding failed. */
  offset: number;
  message: string;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: GattError };

export const ok = <T>(value: T): DecodeResult<T> => ({ ok: true, value });

/**
 * A little-endian cursor over a buffer that records the first failure instead of throwing, so decoders
 * never throw on bad bytes.
 */
export class Reader {
  offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    readonly characteristic: Characteristic,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Reads `size` bytes (1–4) as an unsigned little-endian integer, or returns a TRUNCATED error. */
  uint(size: 1 | 2 | 3 | 4, field: string): number | GattError {
    if (this.remaining < size) {
      return this.fail(
        'TRUNCATED',
        `${field} needs ${size} byte(s) at offset ${this.offset}, ${this.remaining} left`,
      );
    }
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (this.bytes[this.offset + i] as number);
    this.offset += size;
    return v;
  }

  fail(code: GattErrorCode, message: string): GattError {
    return { code, characteristic: this.characteristic, offset: this.offset, message };
  }

  /** A decoded value must use every byte: extra bytes mean the flags and the payload disagree. */
  end<T>(value: T): DecodeResult<T> {
    if (this.remaining > 0) {
      return {
        ok: false,
        error: this.fail('TRAILING_BYTES', `${this.remaining} unexpected byte(s) after the last field`),
      };
    }
    return ok(value);
  }
}

export const isError = (v: unknown): v is GattError =>
  typeof v === 'object' && v !== null && 'code' in v && 'characteristic' in v;

export const err = <T>(e: GattError): DecodeResult<T> => ({ ok: false, error: e });

/** Little-endian byte writer for the encoders. */
export class Writer {
  private readonly out: number[] = [];
  uint(size: 1 | 2 | 3 | 4, value: number, field: string): this {
    const max = 2 ** (8 * size) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`${field} ${value} does not fit an unsigned ${8 * size}-bit field (0..${max})`);
    }
    let v = value;
    for (let i = 0; i < size; i++) {
      this.out.push(v % 256);
      v = Math.floor(v / 256);
    }
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
