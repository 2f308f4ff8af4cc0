import { Duplex } from 'node:stream';
import { codes } from './errors.js';

export type FrameViolation = { kind: 'tooLarge'; remainingLength: number } | { kind: 'malformed' };

enum State {
  Header,
  Length,
  Body,
}

/**
 * Follows MQTT packet boundaries in a byte stream by reading only fixed headers (type byte plus the 1-4
 * byte remaining-length varint, [MQTT-2.2.3]) and skipping bodies, so an oversize packet is caught from its
 * first bytes. mqtt-packet (inside aedes) buffers a whole packet before aedes sees it, up to 256 MiB.
 */
export class MqttFrameMeter {
  #state = State.Header;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  /** @param maxRemainingLength largest remaining length (bytes after the fixed header) allowed. */
  constructor(readonly maxRemainingLength: number) {}

  /** Feeds the next chunk; returns the first violation found, or null. Stop feeding after a violation. */
  feed(chunk: Uint8Array): FrameViolation | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === State.Header) {
        i += 1;
        this.#state = State.Length;
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
      } else if (this.#state === State.Length) {
        const byte = chunk[i] as number;
        i += 1;
        this.#length += (byte & 0x7f) * this.#multiplier;
        this.#multiplier *= 128;
        this.#lengthBytes += 1;
        if (this.#length > this.maxRemainingLength)
          return { kind: 'tooLarge', remainingLength: this.#length };
        if (byte & 0x80) {
          if (this.#lengthBytes === 4) return { kind: 'malformed' };
        } else {
          this.#remaining = this.#length;
          this.#state = this.#remaining === 0 ? State.Header : State.Body;
        }
      } else {
        const take = Math.min(this.#remaining, chunk.length - i);
        i += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = State.Header;
      }
    }
    return null;
  }
}

/**
 * Wraps a client connection (TCP socket, TLS socket or WebSocket stream) so every inbound byte passes an
 * {@link MqttFrameMeter} before aedes parses it; an oversize or malformed packet destroys the connection
 * with a typed error. Writes and backpressure pass straight through.
 */
export class FrameGuardedConnection extends Duplex {
  readonly #inner: Duplex;
  readonly #meter: MqttFrameMeter;

  constructor(inner: Duplex, maxRemainingLength: number, onViolation: (v: FrameViolation) => void) {
    super({ allowHalfOpen: false });
    this.#inner = inner;
    this.#meter = new MqttFrameMeter(maxRemainingLength);
    inner.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      const violation = this.#meter.feed(chunk);
      if (violation) {
        onViolation(violation);
        this.destroy(
          violation.kind === 'tooLarge'
            ? new codes.ZW_ERR_FRAME_TOO_LARGE(violation.remainingLength, maxRemainingLength)
            : new codes.ZW_ERR_MALFORMED_FRAME(),
        );
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    inner.on('close', () => this.destroy());
    inner.on('drain', () => this.emit('innerDrain'));
  }

  override _read(): void {
    this.#inner.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#send(chunk, cb);
  }

  /**
   * mqtt-packet corks the stream and writes each packet in several small pieces; without `_writev` every
   * piece would become its own socket write (measured: a quarter of the raw aedes QoS 1 throughput).
   */
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.#send(Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  #send(chunk: Buffer, cb: (err?: Error | null) => void): void {
    if (this.#inner.write(chunk)) cb();
    else this.once('innerDrain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#inner.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#inner.destroy();
    this.removeAllListeners('innerDrain');
    cb(err);
  }
}
