/** A gateway error: `code` is stable, the message fills the template's `%s` in order. */
export interface GatewayError extends Error {
  readonly code: string;
}

/**
 * An error class with a stable code and a `%s` message template, the shape `@fastify/error` makes, without
 * its `node:http`/`node:util` imports: the browser gateway (`@zonewatch/gateway/browser`) throws these too.
 */
function createError<C extends string, A extends unknown[]>(code: C, template: string) {
  return class extends Error implements GatewayError {
    readonly code: C = code;
    constructor(...args: A) {
      let i = 0;
      super(template.replace(/%s/g, () => String(args[i++])));
      this.name = 'GatewayError';
    }
  };
}

/**
 * Every error the gateway throws, in one registry (fastify `lib/errors.js` style). Codes are stable: logs,
 * dashboards and runbooks key on them. Messages never carry secrets or health data. No Node-only APIs.
 */
export const GatewayConfigError = createError<'ZW_ERR_GATEWAY_CONFIG', [string, string]>(
  'ZW_ERR_GATEWAY_CONFIG',
  'invalid gateway configuration: %s %s',
);

export const GatewayStateError = createError<'ZW_ERR_GATEWAY_STATE', [string]>(
  'ZW_ERR_GATEWAY_STATE',
  'gateway cannot do that now: %s',
);

export const OutboxClosedError = createError<'ZW_ERR_OUTBOX_CLOSED', [string]>(
  'ZW_ERR_OUTBOX_CLOSED',
  'outbox is not open: %s',
);

export const OutboxIoError = createError<'ZW_ERR_OUTBOX_IO', [string]>(
  'ZW_ERR_OUTBOX_IO',
  'outbox storage failed: %s',
);

export const OutboxSeqError = createError<'ZW_ERR_OUTBOX_SEQ', [number, number]>(
  'ZW_ERR_OUTBOX_SEQ',
  'outbox append out of order: seq %s is not above the last appended seq %s',
);

/** Every code above with what it means and what an operator does about it. */
export const GATEWAY_ERROR_CODES = {
  ZW_ERR_GATEWAY_CONFIG:
    'An environment variable is missing or invalid; the message names it. Fix the variable and restart.',
  ZW_ERR_GATEWAY_STATE: 'start() or stop() was called in the wrong state (a caller bug).',
  ZW_ERR_OUTBOX_CLOSED: 'The outbox was used before open() or after close() (a caller bug).',
  ZW_ERR_OUTBOX_IO:
    'The data directory could not be read or written (disk full, permissions). Batches are not durable ' +
    'until it is fixed.',
  ZW_ERR_OUTBOX_SEQ: 'A batch was appended with a seq not above the previous one (a caller bug).',
} as const satisfies Record<string, string>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;

/** Reasons a wearable notification is rejected; counted in {@link GatewayStats.decodeErrors}. */
export const DECODE_ERROR_REASONS = {
  TRUNCATED: 'The value is shorter than its flags announce.',
  TRAILING_BYTES: 'The value is longer than its flags announce.',
  INVALID_VALUE: 'A field holds a value its specification forbids (e.g. battery level above 100).',
  OUT_OF_RANGE: 'The decoded value is outside what the wire schema accepts (e.g. 400 bpm).',
  UNKNOWN_CHARACTERISTIC: 'The device link delivered a characteristic the gateway does not decode.',
  INVALID_DEVICE_ID: 'The device id is not 1-64 characters of letters, digits, ":", ".", "_" or "-".',
  DECODER_EXCEPTION: 'A decoder threw instead of returning a typed error (a bug; the payload is dropped).',
} as const satisfies Record<string, string>;

export type DecodeErrorReason = keyof typeof DECODE_ERROR_REASONS;
