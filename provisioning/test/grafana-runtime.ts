import type { InfluxResult } from '../src/influx/http.js';

/**
 * What Grafana does to a panel's queries before and after they reach InfluxDB, reduced to what the
 * zonewatch dashboards use: template-variable interpolation, and server-side expressions (reduce,
 * math, threshold) over the results.
 */

/** Values of the variables one dashboard render substitutes. */
export interface QueryVars {
  /** What `$timeFilter` becomes, e.g. `time > now() - 1h`. */
  timeFilter: string;
  /** `$__interval`, e.g. `10s`. */
  interval: string;
  /** `$__interval_ms`, the same interval in ms. */
  intervalMs: number;
  /** Selected values of each template variable (All = every value). */
  vars: Record<string, string[]>;
}

/** Grafana's InfluxDB regex escaping of one variable value. */
function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

/**
 * Interpolates a query as Grafana's InfluxDB datasource does: `$__interval_ms` before `$__interval`,
 * `$timeFilter`, and each variable as a regex alternation `(a|b)` (one value: the escaped value).
 */
export function interpolate(query: string, v: QueryVars): string {
  let out = query
    .replaceAll('$__interval_ms', String(v.intervalMs))
    .replaceAll('$__interval', v.interval)
    .replaceAll('$timeFilter', v.timeFilter);
  // Longest names first, so `$session` is never read as `$s` + `ession`.
  for (const name of Object.keys(v.vars).sort((a, b) => b.length - a.length)) {
    const values = v.vars[name]!;
    const formatted =
      values.length === 1 ? escapeRegex(values[0]!) : `(${values.map(escapeRegex).join('|')})`;
    out = out.replace(new RegExp(`\\$${name}\\b`, 'g'), formatted);
  }
  return out;
}

/** A labelled series as the InfluxDB backend hands it to expressions (one frame per value column). */
export interface Series {
  labels: Record<string, string>;
  values: (number | null)[];
}

/** A labelled number, what reduce and math produce. */
export interface LabelledNumber {
  labels: Record<string, string>;
  value: number;
}

/** The series of an InfluxQL result: tags become labels, each value column its own series. */
export function toSeries(result: InfluxResult): Series[] {
  const out: Series[] = [];
  for (const s of result.series ?? []) {
    for (let col = 1; col < s.columns.length; col++) {
      out.push({
        labels: { ...(s.tags ?? {}) },
        values: (s.values ?? []).map((row) => (typeof row[col] === 'number' ? (row[col] as number) : null)),
      });
    }
  }
  return out;
}

export function reduceSeries(series: Series[], reducer: string, mode: string): LabelledNumber[] {
  return series.map(({ labels, values }) => {
    const nums = values.filter((x): x is number => x !== null && Number.isFinite(x));
    const all = mode === 'dropNN' ? nums : values.map((x) => (x === null ? Number.NaN : x));
    let value: number;
    switch (reducer) {
      case 'last':
        value = all.length ? all[all.length - 1]! : Number.NaN;
        break;
      case 'sum':
        value = all.reduce((a, b) => a + b, 0);
        break;
      case 'mean':
        value = all.length ? all.reduce((a, b) => a + b, 0) / all.length : Number.NaN;
        break;
      case 'min':
        value = all.length ? Math.min(...all) : Number.NaN;
        break;
      case 'max':
        value = all.length ? Math.max(...all) : Number.NaN;
        break;
      case 'count':
        value = all.length;
        break;
      default:
        throw new Error(`unknown reducer ${reducer}`);
    }
    return { labels, value };
  });
}

type Operand = LabelledNumber[] | number;

const contains = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.entries(b).every(([k, v]) => a[k] === v);
const sameLabels = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).length === Object.keys(b).length && contains(a, b);

/**
 * Combines two operands like Grafana's math expression (`union` in pkg/expr/mathexp): a scalar applies
 * to every item; two items pair when their labels are equal, one has no labels, or one's labels contain
 * the other's (the result keeps the larger set); other pairs are dropped. Only when nothing paired and
 * each side holds exactly one item are those two combined, without labels.
 */
function combine(a: Operand, b: Operand, op: (x: number, y: number) => number): Operand {
  if (typeof a === 'number' && typeof b === 'number') return op(a, b);
  if (typeof a === 'number')
    return (b as LabelledNumber[]).map((n) => ({ labels: n.labels, value: op(a, n.value) }));
  if (typeof b === 'number') return a.map((n) => ({ labels: n.labels, value: op(n.value, b) }));
  const out: LabelledNumber[] = [];
  for (const x of a) {
    for (const y of b) {
      const nx = Object.keys(x.labels).length;
      const ny = Object.keys(y.labels).length;
      let labels: Record<string, string>;
      if (sameLabels(x.labels, y.labels) || nx === 0 || ny === 0) labels = nx === 0 ? y.labels : x.labels;
      else if (nx === ny) continue;
      else if (contains(x.labels, y.labels)) labels = x.labels;
      else if (contains(y.labels, x.labels)) labels = y.labels;
      else continue;
      out.push({ labels, value: op(x.value, y.value) });
    }
  }
  if (out.length === 0 && a.length === 1 && b.length === 1) {
    out.push({ labels: {}, value: op(a[0]!.value, b[0]!.value) });
  }
  return out;
}

const BINARY: Record<string, [number, (x: number, y: number) => number]> = {
  '||': [1, (x, y) => (x !== 0 || y !== 0 ? 1 : 0)],
  '&&': [2, (x, y) => (x !== 0 && y !== 0 ? 1 : 0)],
  '==': [3, (x, y) => (x === y ? 1 : 0)],
  '!=': [3, (x, y) => (x !== y ? 1 : 0)],
  '<': [4, (x, y) => (x < y ? 1 : 0)],
  '>': [4, (x, y) => (x > y ? 1 : 0)],
  '<=': [4, (x, y) => (x <= y ? 1 : 0)],
  '>=': [4, (x, y) => (x >= y ? 1 : 0)],
  '+': [5, (x, y) => x + y],
  '-': [5, (x, y) => x - y],
  '*': [6, (x, y) => x * y],
  '/': [6, (x, y) => x / y],
};

/** Evaluates a math expression (`100 * $D / $C`, `$C == 0 && $D > 0`) over reduced operands. */
export function evaluateMath(expression: string, refs: Record<string, LabelledNumber[]>): LabelledNumber[] {
  const tokens = expression.match(/\$[A-Z]|\d+(?:\.\d+)?|&&|\|\||==|!=|<=|>=|[-+*/<>()]|\S/g) ?? [];
  let i = 0;
  const primary = (): Operand => {
    const tok = tokens[i++];
    if (tok === undefined) throw new Error(`math ${expression}: unexpected end`);
    if (tok === '(') {
      const v = binary(0);
      if (tokens[i++] !== ')') throw new Error(`math ${expression}: missing )`);
      return v;
    }
    if (tok.startsWith('$')) {
      const v = refs[tok.slice(1)];
      if (!v) throw new Error(`math ${expression}: unknown ${tok}`);
      return v;
    }
    if (/^\d/.test(tok)) return Number(tok);
    throw new Error(`math ${expression}: unexpected ${tok}`);
  };
  const binary = (minPrec: number): Operand => {
    let left = primary();
    for (;;) {
      const op = tokens[i];
      const entry = op === undefined ? undefined : BINARY[op];
      if (!entry || entry[0] < minPrec) return left;
      i++;
      const right = binary(entry[0] + 1);
      left = combine(left, right, entry[1]);
    }
  };
  const result = binary(0);
  if (i !== tokens.length) throw new Error(`math ${expression}: trailing ${tokens[i]}`);
  return typeof result === 'number' ? [{ labels: {}, value: result }] : result;
}

/** Threshold expression: 1 where the condition holds, else 0. */
export function evaluateThreshold(input: LabelledNumber[], type: string, params: number[]): LabelledNumber[] {
  const [a = 0, b = 0] = params;
  const test: Record<string, (x: number) => boolean> = {
    gt: (x) => x > a,
    lt: (x) => x < a,
    within_range: (x) => x > a && x < b,
    outside_range: (x) => x < a || x > b,
  };
  const fn = test[type];
  if (!fn) throw new Error(`unknown threshold ${type}`);
  return input.map((n) => ({ labels: n.labels, value: fn(n.value) ? 1 : 0 }));
}
