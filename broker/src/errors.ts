import createError from '@fastify/error';

/**
 * Every error the broker package raises, in one registry (fastify `lib/errors.js` style). Each code is
 * documented in `broker/README.md`; `errors.test.ts` fails when one is missing there.
 *
 * Messages never contain payloads (health data) or secrets.
 */
export const codes = {
  /** A configuration value (env var or `createBroker` option) is invalid; the message names it. */
  ZW_ERR_BROKER_CONFIG: createError<'ZW_ERR_BROKER_CONFIG', [detail: string]>(
    'ZW_ERR_BROKER_CONFIG',
    'Invalid broker configuration: %s',
  ),
  /** The credentials (provisioning) file is unreadable or invalid; the message names the entry. */
  ZW_ERR_CREDENTIALS_FILE: createError<'ZW_ERR_CREDENTIALS_FILE', [source: string, detail: string]>(
    'ZW_ERR_CREDENTIALS_FILE',
    'Invalid credentials file %s: %s',
  ),
  /** A stored secret hash is not a well-formed `scrypt$N$r$p$salt$hash` string. */
  ZW_ERR_SECRET_HASH: createError<'ZW_ERR_SECRET_HASH', [detail: string]>(
    'ZW_ERR_SECRET_HASH',
    'Malformed secret hash: %s',
  ),
  /** A secret given to `hashSecret` is empty or too long. */
  ZW_ERR_SECRET_INPUT: createError<'ZW_ERR_SECRET_INPUT', [detail: string]>(
    'ZW_ERR_SECRET_INPUT',
    'Unusable secret: %s',
  ),
  /** CONNECT refused: unknown user, wrong secret, client id not matching the username, or a will it may not set. */
  ZW_ERR_AUTH_REFUSED: createError<'ZW_ERR_AUTH_REFUSED', [reason: string]>(
    'ZW_ERR_AUTH_REFUSED',
    'Connection refused: %s',
  ),
  /** PUBLISH refused by the topic ACL; the connection is closed ([MQTT-3.3.5-2]). */
  ZW_ERR_PUBLISH_REFUSED: createError<'ZW_ERR_PUBLISH_REFUSED', [reason: string, topic: string]>(
    'ZW_ERR_PUBLISH_REFUSED',
    'Publish refused (%s) on topic %s',
  ),
  /** PUBLISH payload larger than `maxPayloadBytes`; the connection is closed. */
  ZW_ERR_PAYLOAD_TOO_LARGE: createError<'ZW_ERR_PAYLOAD_TOO_LARGE', [bytes: number, limit: number]>(
    'ZW_ERR_PAYLOAD_TOO_LARGE',
    'Payload of %d bytes exceeds the limit of %d bytes',
  ),
  /** An MQTT packet announced a length above the transport limit; cut before it is buffered. */
  ZW_ERR_FRAME_TOO_LARGE: createError<'ZW_ERR_FRAME_TOO_LARGE', [bytes: number, limit: number]>(
    'ZW_ERR_FRAME_TOO_LARGE',
    'MQTT packet of %d bytes exceeds the transport limit of %d bytes',
  ),
  /** The MQTT fixed header's remaining length is not a valid 1-4 byte varint ([MQTT-2.2.3]). */
  ZW_ERR_MALFORMED_FRAME: createError<'ZW_ERR_MALFORMED_FRAME', []>(
    'ZW_ERR_MALFORMED_FRAME',
    'Malformed MQTT fixed header (remaining length longer than 4 bytes)',
  ),
  /** Cluster mode could not reach Redis at start-up (the message names host and port, never a password). */
  ZW_ERR_REDIS_UNAVAILABLE: createError<'ZW_ERR_REDIS_UNAVAILABLE', [where: string, detail: string]>(
    'ZW_ERR_REDIS_UNAVAILABLE',
    'Redis at %s (redisUrl / REDIS_URL) unavailable at start-up: %s',
  ),
  /** `listen()` called twice, or called after `close()`. */
  ZW_ERR_BROKER_STATE: createError<'ZW_ERR_BROKER_STATE', [detail: string]>(
    'ZW_ERR_BROKER_STATE',
    'Broker is %s',
  ),
} as const;

export type BrokerErrorCode = keyof typeof codes;
