/**
 * Fuzzed telemetry payloads for the security suite (fast-check, seeded): batches that are valid for the wire
 * schema, the same batches with one field broken, batches naming another gateway, and junk (binary bytes,
 * cut-off JSON, deep nesting, NaN-ish number tokens). Each case says what ingest must do with it, decided by
 * construction — not by asking the schema — so the schema itself is under test as well.
 */
import fc from 'fast-check';

/** What ingest must do with a payload. */
export type Verdict = 'accepted' | 'invalid' | 'mismatched';

export interface FuzzCase {
  payload: string | Uint8Array;
  verdict: Verdict;
  /** How it was made (for a failure message). */
  how: string;
}

export interface FuzzOptions {
  /** The gateway publishing (its own telemetry topic). */
  gatewayId: string;
  /** Devices that no session binds: the only ones accepted batches carry. */
  freeDevices: readonly string[];
  /** Devices bound to participants: carried only by batches that must be refused. */
  boundDevices: readonly string[];
}

/** Latest measurement time generated (2026-01-01): fixed, so a seed gives the same payloads on any day. */
const T_MAX = Date.UTC(2026, 0, 1);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const t = fc.integer({ min: 0, max: T_MAX });
const pct = fc.double({ min: 0, max: 100, noNaN: true });

function sampleArb(devices: readonly string[]): fc.Arbitrary<Obj> {
  const device = fc.constantFrom(...devices);
  const hr = fc.record({
    kind: fc.constant('hr'),
    device,
    t,
    bpm: fc.integer({ min: 0, max: 300 }),
    rrMs: opt(fc.array(fc.double({ min: 0, max: 65_535, noNaN: true }), { maxLength: 6 })),
    contact: opt(fc.boolean()),
    energyKj: opt(fc.integer({ min: 0, max: 65_535 })),
  });
  const spo2 = fc.record({
    kind: fc.constant('spo2'),
    device,
    t,
    spo2: pct,
    pulseRate: opt(fc.double({ min: 0, max: 300, noNaN: true })),
    quality: opt(pct),
    contact: opt(fc.boolean()),
  });
  const steps = fc.record({
    kind: fc.constant('steps'),
    device,
    t,
    steps: fc.integer({ min: 0, max: 4_294_967_295 }),
    cadence: opt(fc.double({ min: 0, max: 400, noNaN: true })),
  });
  const battery = fc.record({ kind: fc.constant('battery'), device, t, percent: pct });
  // JSON.stringify drops the undefined optionals; -0 becomes 0.
  return fc.oneof(hr, spo2, steps, battery).map((s) => JSON.parse(JSON.stringify(s)) as Obj);
}

function batchArb(gatewayId: string, devices: readonly string[], minSamples = 0): fc.Arbitrary<Obj> {
  return fc
    .record({
      v: fc.constant(1),
      gatewayId: fc.constant(gatewayId),
      seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      sentAt: t,
      replayed: opt(fc.boolean()),
      samples: fc.array(sampleArb(devices), { minLength: minSamples, maxLength: 6 }),
    })
    .map((b) => JSON.parse(JSON.stringify(b)) as Obj);
}

/** Values no field of the wire schema accepts where a number is due. */
const notANumber: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  'NaN',
  'Infinity',
  '-Infinity',
  '72',
  '',
  null,
  true,
  [72],
  { value: 72 },
  1e308,
  -1,
  -1e-9,
  Number.MAX_SAFE_INTEGER + 2,
);
const notAnInteger = fc.oneof(notANumber, fc.constantFrom<Json>(0.5, 72.25, 2 ** 60));

/** A broken copy of a sample: one field out of range, of the wrong type, missing, or one too many. */
function breakSample(s: Obj): fc.Arbitrary<[Obj, string]> {
  const kind = s.kind as string;
  const numeric: Record<string, [string, fc.Arbitrary<Json>][]> = {
    hr: [
      ['bpm', fc.oneof(notAnInteger, fc.integer({ min: 301, max: 1e6 }), fc.constantFrom<Json>(300.5))],
      ['rrMs', fc.constantFrom<Json>('800', [65_536], [-1], ['800'], new Array(257).fill(800) as Json)],
      ['energyKj', fc.oneof(notAnInteger, fc.constantFrom<Json>(65_536))],
      ['contact', fc.constantFrom<Json>('true', 1, 0, 'false')],
    ],
    spo2: [
      ['spo2', fc.oneof(notANumber, fc.double({ min: 100.0001, max: 1e6, noNaN: true }))],
      ['pulseRate', fc.oneof(notANumber, fc.constantFrom<Json>(300.5))],
      ['quality', fc.oneof(notANumber, fc.constantFrom<Json>(101))],
    ],
    steps: [
      ['steps', fc.oneof(notAnInteger, fc.constantFrom<Json>(4_294_967_296))],
      ['cadence', fc.oneof(notANumber, fc.constantFrom<Json>(400.5))],
    ],
    battery: [['percent', fc.oneof(notANumber, fc.constantFrom<Json>(100.5))]],
  };
  const field = fc.constantFrom(...(numeric[kind] ?? []), ...(numeric.hr ?? []));
  return fc.oneof(
    // A value the field refuses (a field of another kind is an unknown key: refused too).
    field.chain(([name, bad]) => bad.map((v): [Obj, string] => [{ ...s, [name]: v }, `sample.${name}`])),
    fc
      .constantFrom<Json>(
        '',
        'C8:4F:12:00:01:A1\n',
        'Ada Lovelace',
        '../../etc/passwd',
        '\u202eevil',
        'é'.repeat(10),
        'a'.repeat(65),
        42,
        null,
      )
      .map((v): [Obj, string] => [{ ...s, device: v }, 'sample.device']),
    notAnInteger.map((v): [Obj, string] => [{ ...s, t: v }, 'sample.t']),
    fc
      .constantFrom<Json>('HR', 'ecg', '', null, 1, 'hr ')
      .map((v): [Obj, string] => [{ ...s, kind: v }, 'sample.kind']),
    fc
      .constantFrom('device', 't', 'kind')
      .map((k): [Obj, string] => [
        Object.fromEntries(Object.entries(s).filter(([x]) => x !== k)),
        `sample-${k}`,
      ]),
    fc
      .constantFrom('name', 'alias', '__proto__', 'constructor', 'bpm2', 'participantId')
      .map((k): [Obj, string] => [{ ...JSON.parse(JSON.stringify(s)), [k]: 'Ada' } as Obj, `sample+${k}`]),
  );
}

/** A broken copy of a batch (that carries bound devices): one root field or one sample broken. */
function breakBatch(b: Obj): fc.Arbitrary<[Obj, string]> {
  const samples = b.samples as Obj[];
  const root: fc.Arbitrary<[Obj, string]> = fc.oneof(
    fc.constantFrom<Json>(0, 2, '1', null, 1.5, true).map((v): [Obj, string] => [{ ...b, v }, 'v']),
    fc
      .constantFrom<Json>('DEMO-GW-1', '', 'a'.repeat(65), 'demo gw 1', 'demo-gw-1/x', 42, null)
      .map((v): [Obj, string] => [{ ...b, gatewayId: v }, 'gatewayId']),
    notAnInteger.map((v): [Obj, string] => [{ ...b, seq: v }, 'seq']),
    notAnInteger.map((v): [Obj, string] => [{ ...b, sentAt: v }, 'sentAt']),
    fc.constantFrom<Json>('1', 0, 'yes', null).map((v): [Obj, string] => [{ ...b, replayed: v }, 'replayed']),
    fc
      .constantFrom<Json>('[]', {}, null, samples[0] ?? {}, [samples] as Json)
      .map((v): [Obj, string] => [{ ...b, samples: v }, 'samples']),
    fc
      .constantFrom('v', 'gatewayId', 'seq', 'sentAt', 'samples')
      .map((k): [Obj, string] => [Object.fromEntries(Object.entries(b).filter(([x]) => x !== k)), `-${k}`]),
    fc
      .constantFrom('siteId', 'participant', '__proto__', 'constructor', 'V', 'seq ')
      .map((k): [Obj, string] => [{ ...JSON.parse(JSON.stringify(b)), [k]: 1 } as Obj, `+${k}`]),
  );
  const oneSample = fc
    .integer({ min: 0, max: samples.length - 1 })
    .chain((i) =>
      breakSample(samples[i] as Obj).map(([s, how]): [Obj, string] => [
        { ...b, samples: samples.map((x, j) => (j === i ? s : x)) },
        how,
      ]),
    );
  return fc.oneof(root, oneSample);
}

/** Payloads that are not a batch at all. */
function junk(valid: fc.Arbitrary<Obj>): fc.Arbitrary<FuzzCase> {
  const invalid =
    (how: string) =>
    (payload: string | Uint8Array): FuzzCase => ({ payload, verdict: 'invalid', how });
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map(invalid('binary')),
    fc.string({ unit: 'binary', maxLength: 200 }).map(invalid('unicode text')),
    valid.chain((b) => {
      const text = JSON.stringify(b);
      return fc.integer({ min: 0, max: text.length - 1 }).map((n) => invalid('truncated')(text.slice(0, n)));
    }),
    fc
      .tuple(
        // Mostly shallow; now and then deep enough for a recursive parser to run out of stack (≤ 150 KB).
        fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 300 }), weight: 9 },
          fc.integer({ min: 5_000, max: 10_000 }),
        ),
        fc.constantFrom('[]', '{"a":}', '{"samples":]'),
      )
      .map(([depth, kind]) => {
        const [open, close] =
          kind === '[]' ? ['[', ']'] : kind === '{"a":}' ? ['{"a":', '}'] : ['{"samples":[', ']}'];
        return invalid(`nested ${depth}`)(`${open.repeat(depth)}1${close.repeat(depth)}`);
      }),
    fc
      .tuple(
        valid,
        fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '0x48', '+72', '072', '7_2', '.5'),
      )
      .map(([b, token]) =>
        // The batch as text with its seq written as that token: not JSON, or a non-finite number.
        invalid(`seq token ${token}`)(JSON.stringify(b).replace(/"seq":\d+/, `"seq":${token}`)),
      ),
    fc
      .constantFrom('', 'null', '[]', '{}', '1', '"batch"', 'true', '[{"v":1}]')
      .map(invalid('json non-batch')),
  );
}

/** The arbitrary of one fuzz case; sample it with a seed (`fc.sample(arb, { seed, numRuns })`). */
export function fuzzCaseArb(o: FuzzOptions): fc.Arbitrary<FuzzCase> {
  const accepted = batchArb(o.gatewayId, o.freeDevices).map(
    (b): FuzzCase => ({ payload: JSON.stringify(b), verdict: 'accepted', how: 'valid' }),
  );
  const everyDevice = [...o.boundDevices, ...o.freeDevices];
  const broken = batchArb(o.gatewayId, everyDevice, 1)
    .chain(breakBatch)
    .map(([b, how]): FuzzCase => ({ payload: JSON.stringify(b), verdict: 'invalid', how }));
  const otherGateway = fc.oneof(
    fc.constantFrom('demo-gw-2', 'phone-hw-0142', 'gw-a'),
    fc.stringMatching(/^[a-z0-9-]{1,64}$/).filter((id) => id !== o.gatewayId),
  );
  const mismatched = fc.tuple(batchArb(o.gatewayId, everyDevice, 1), otherGateway).map(
    ([b, id]): FuzzCase => ({
      payload: JSON.stringify({ ...b, gatewayId: id }),
      verdict: 'mismatched',
      how: 'gatewayId',
    }),
  );
  return fc.oneof(
    { arbitrary: accepted, weight: 30 },
    { arbitrary: broken, weight: 40 },
    { arbitrary: mismatched, weight: 5 },
    { arbitrary: junk(batchArb(o.gatewayId, everyDevice)), weight: 25 },
  );
}

/**
 * `count` cases from `seed`; accepted batches get strictly rising seqs from `firstSeq` (a gateway's seq
 * identifies its batch: a repeated one is a duplicate by design, not garbage).
 */
export function fuzzCases(o: FuzzOptions, seed: number, count: number, firstSeq: number): FuzzCase[] {
  let seq = firstSeq;
  return fc.sample(fuzzCaseArb(o), { seed, numRuns: count }).map((c) => {
    if (c.verdict !== 'accepted') return c;
    const b = JSON.parse(c.payload as string) as Obj;
    b.seq = seq++;
    return { ...c, payload: JSON.stringify(b) };
  });
}
