import { PassThrough } from 'node:stream';
import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { FrameGuardedConnection, type FrameViolation, MqttFrameMeter } from './frame-guard.js';

const publish = (payloadBytes: number, topic = 'zw/v1/s/g/telemetry') =>
  generate({
    cmd: 'publish',
    topic,
    payload: Buffer.alloc(payloadBytes),
    qos: 1,
    messageId: 7,
    retain: false,
    dup: false,
  });

describe('MqttFrameMeter', () => {
  it('follows packet boundaries across arbitrary chunking', () => {
    const stream = Buffer.concat([publish(10), publish(300), generate({ cmd: 'pingreq' }), publish(20_000)]);
    for (const size of [1, 2, 3, 7, 128, 4096, stream.length]) {
      const meter = new MqttFrameMeter(21_000);
      for (let i = 0; i < stream.length; i += size)
        expect(meter.feed(stream.subarray(i, i + size))).toBeNull();
    }
  });

  it('flags a packet over the limit from its header alone', () => {
    const meter = new MqttFrameMeter(1000);
    expect(meter.feed(publish(200))).toBeNull();
    const big = publish(5000);
    expect(meter.feed(big.subarray(0, 4))).toEqual({ kind: 'tooLarge', remainingLength: big.length - 3 });
  });

  it('flags a remaining length longer than four bytes as malformed', () => {
    const meter = new MqttFrameMeter(Number.MAX_SAFE_INTEGER);
    expect(meter.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toEqual({ kind: 'malformed' });
  });
});

describe('FrameGuardedConnection', () => {
  it('passes traffic both ways and destroys the connection on an oversize packet', async () => {
    const inner = new PassThrough();
    const violations: FrameViolation[] = [];
    const guarded = new FrameGuardedConnection(inner, 1000, (v) => violations.push(v));
    const received: Buffer[] = [];
    guarded.on('data', (c: Buffer) => received.push(c));
    const errored = new Promise<Error>((resolve) => guarded.once('error', resolve));

    inner.write(publish(100));
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(received)).toEqual(publish(100));

    inner.write(publish(5000));
    const err = await errored;
    expect(err).toMatchObject({ code: 'ZW_ERR_FRAME_TOO_LARGE' });
    expect(violations).toEqual([{ kind: 'tooLarge', remainingLength: expect.any(Number) }]);
    expect(inner.destroyed).toBe(true);
  });
});

describe('FrameGuardedConnection writes', () => {
  // Regression: without _writev every corked piece of an MQTT packet became its own socket write, and
  // QoS 1 throughput fell to a quarter of raw aedes.
  it('regression throughput: coalesces corked writes into one write to the socket', async () => {
    const inner = new PassThrough();
    const writes: Buffer[] = [];
    const write = inner.write.bind(inner);
    inner.write = ((chunk: Buffer, ...rest: never[]) => {
      writes.push(Buffer.from(chunk));
      return write(chunk, ...rest);
    }) as typeof inner.write;
    const guarded = new FrameGuardedConnection(inner, 1000, () => {});
    guarded.cork();
    guarded.write(Buffer.from([0x40]));
    guarded.write(Buffer.from([0x02]));
    guarded.write(Buffer.from([0x00, 0x07]));
    process.nextTick(() => guarded.uncork());
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([Buffer.from([0x40, 0x02, 0x00, 0x07])]);
    guarded.destroy();
  });
});
