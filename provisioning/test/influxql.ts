import { type MeasurementSchema, measurementSchema } from './telemetry-schema.js';

/**
 * A small InfluxQL reader for the statements dashboards and alert rules use: `SELECT` (with subqueries)
 * and `SHOW TAG VALUES`. It is not a full parser; it finds which measurements, fields and tags a
 * statement names and checks them against the telemetry schema, and it refuses what it does not
 * understand, so a dashboard cannot slip an unchecked query past it.
 */

type TokenType = 'ident' | 'keyword' | 'str' | 'regex' | 'num' | 'dur' | 'op' | 'punct';
interface Token {
  t: TokenType;
  v: string;
}

const KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'AS',
  'AND',
  'OR',
  'FILL',
  'ORDER',
  'LIMIT',
  'SLIMIT',
  'OFFSET',
  'SOFFSET',
  'INTO',
  'SHOW',
  'TAG',
  'VALUES',
  'WITH',
  'KEY',
  'TRUE',
  'FALSE',
  'NULL',
  'NONE',
  'PREVIOUS',
  'LINEAR',
  'DESC',
  'ASC',
  'TZ',
  'MEASUREMENTS',
  'FIELD',
  'KEYS',
]);

/** InfluxQL functions the dashboards may use; anything else (`avg`, `rate`) is a mistake. */
const FUNCTIONS = new Set([
  'count',
  'distinct',
  'integral',
  'mean',
  'median',
  'mode',
  'spread',
  'stddev',
  'sum',
  'bottom',
  'first',
  'last',
  'max',
  'min',
  'percentile',
  'sample',
  'top',
  'abs',
  'ceil',
  'floor',
  'round',
  'cumulative_sum',
  'derivative',
  'difference',
  'elapsed',
  'moving_average',
  'non_negative_derivative',
  'non_negative_difference',
  'time',
  'now',
  'fill',
]);

/** Functions that only make sense over numbers; over a boolean or string field they are a mistake. */
const NUMERIC_FUNCTIONS = new Set([
  'integral',
  'mean',
  'median',
  'spread',
  'stddev',
  'sum',
  'percentile',
  'derivative',
  'difference',
  'non_negative_derivative',
  'non_negative_difference',
  'cumulative_sum',
  'moving_average',
  'max',
  'min',
  'top',
  'bottom',
]);

const COMPARISONS = new Set(['=', '!=', '<>', '<', '>', '<=', '>=', '=~', '!~']);

export class InfluxQLError extends Error {
  override readonly name = 'InfluxQLError';
}

export function tokenize(query: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const prevOp = (): string | undefined => (out.length ? out[out.length - 1]?.v : undefined);
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '$')
      throw new InfluxQLError(`unsubstituted variable at ${JSON.stringify(query.slice(i, i + 20))}`);
    if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      while (j < query.length && query[j] !== c) {
        if (query[j] === '\\' && j + 1 < query.length) j++;
        v += query[j];
        j++;
      }
      if (j >= query.length) throw new InfluxQLError(`unterminated ${c === '"' ? 'identifier' : 'string'}`);
      out.push({ t: c === '"' ? 'ident' : 'str', v });
      i = j + 1;
      continue;
    }
    if (c === '/' && (prevOp() === '=~' || prevOp() === '!~')) {
      let j = i + 1;
      while (j < query.length && query[j] !== '/') {
        if (query[j] === '\\') j++;
        j++;
      }
      if (j >= query.length) throw new InfluxQLError('unterminated regex');
      out.push({ t: 'regex', v: query.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const num = /^\d+(?:\.\d+)?(ns|us|µs|ms|s|m|h|d|w|u)?(?![A-Za-z0-9_])/.exec(query.slice(i));
    if (num) {
      out.push({ t: num[1] ? 'dur' : 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i));
    if (word) {
      const upper = word[0].toUpperCase();
      out.push(KEYWORDS.has(upper) ? { t: 'keyword', v: upper } : { t: 'ident', v: word[0] });
      i += word[0].length;
      continue;
    }
    const op = /^(=~|!~|<>|!=|>=|<=|::|[=<>+\-*/%])/.exec(query.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    if ('(),.;'.includes(c)) {
      if (c === ';') throw new InfluxQLError('one statement per query');
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    throw new InfluxQLError(`unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

/** Splits tokens at top-level commas. */
function splitTop(tokens: Token[], sep = ','): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const tok of tokens) {
    if (tok.t === 'punct' && tok.v === '(') depth++;
    if (tok.t === 'punct' && tok.v === ')') depth--;
    if (depth === 0 && tok.t === 'punct' && tok.v === sep) parts.push([]);
    else parts[parts.length - 1]!.push(tok);
  }
  return parts;
}

/** A column reference and how it is used. */
interface Ref {
  name: string;
  /** Enclosing function (`mean` for `mean("bpm")`). */
  fn?: string;
}

/** A WHERE comparison `ident OP literal`. */
interface Comparison {
  name: string;
  op: string;
  value: Token;
}

/** What one `SELECT` (at any depth) reads. */
export interface SelectInfo {
  /** Measurements named in FROM (empty for a SELECT over subqueries). */
  measurements: string[];
  subqueries: SelectInfo[];
  /** Columns the SELECT list names (function arguments and plain columns). */
  selectRefs: Ref[];
  /** Output column names (alias, else the field, else the function name). */
  outputs: string[];
  /** True when the SELECT list calls a function (aggregate, selector or transformation). */
  aggregates: boolean;
  whereRefs: string[];
  comparisons: Comparison[];
  /** Whether WHERE bounds `time`. */
  hasTimeBound: boolean;
  /** GROUP BY tags (`*` for all), and the `time(...)` interval if any. */
  groupTags: string[];
  groupTime?: string;
}

function refsOf(tokens: Token[]): Ref[] {
  const refs: Ref[] = [];
  const fnStack: (string | undefined)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const next = tokens[i + 1];
    if (tok.t === 'ident' && next?.t === 'punct' && next.v === '(') {
      const fn = tok.v.toLowerCase();
      if (!FUNCTIONS.has(fn)) throw new InfluxQLError(`unknown InfluxQL function ${tok.v}()`);
      fnStack.push(fn);
      i++;
      continue;
    }
    if (tok.t === 'punct' && tok.v === '(') fnStack.push(fnStack[fnStack.length - 1]);
    else if (tok.t === 'punct' && tok.v === ')') fnStack.pop();
    else if (tok.t === 'ident') {
      const prev = tokens[i - 1];
      if (prev?.t === 'keyword' && prev.v === 'AS') continue;
      const fn = fnStack[fnStack.length - 1];
      refs.push(fn ? { name: tok.v, fn } : { name: tok.v });
    }
  }
  return refs;
}

/** Parses one SELECT statement (tokens without surrounding parentheses). */
function parseSelect(tokens: Token[]): SelectInfo {
  if (tokens[0]?.t !== 'keyword' || tokens[0].v !== 'SELECT') throw new InfluxQLError('expected SELECT');
  // Top-level clause boundaries.
  const clauses: Record<string, Token[]> = { SELECT: [] };
  let current = 'SELECT';
  let depth = 0;
  for (let i = 1; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t === 'punct' && tok.v === '(') depth++;
    if (tok.t === 'punct' && tok.v === ')') depth--;
    if (depth === 0 && tok.t === 'keyword') {
      const pair = `${tok.v} ${tokens[i + 1]?.v ?? ''}`;
      if (pair === 'GROUP BY' || pair === 'ORDER BY') {
        current = pair;
        clauses[current] = [];
        i++;
        continue;
      }
      if (['FROM', 'WHERE', 'FILL', 'LIMIT', 'SLIMIT', 'OFFSET', 'SOFFSET', 'INTO', 'TZ'].includes(tok.v)) {
        if (tok.v === 'INTO') throw new InfluxQLError('dashboards must not write (SELECT … INTO)');
        current = tok.v;
        clauses[current] = [];
        if (tok.v === 'FILL') clauses[current]!.push(tok);
        continue;
      }
    }
    clauses[current]!.push(tok);
  }
  if (!clauses.FROM) throw new InfluxQLError('SELECT without FROM');

  const info: SelectInfo = {
    measurements: [],
    subqueries: [],
    selectRefs: [],
    outputs: [],
    aggregates: false,
    whereRefs: [],
    comparisons: [],
    hasTimeBound: false,
    groupTags: [],
  };

  for (const item of splitTop(clauses.SELECT!)) {
    if (item.length === 0) throw new InfluxQLError('empty item in SELECT list');
    const hasFn = item.some((tok, i) => tok.t === 'ident' && item[i + 1]?.v === '(');
    if (hasFn) info.aggregates = true;
    let alias: string | undefined;
    let body = item;
    if (item.length >= 2 && item[item.length - 2]?.t === 'keyword' && item[item.length - 2]?.v === 'AS') {
      alias = item[item.length - 1]!.v;
      body = item.slice(0, -2);
    }
    const refs = refsOf(body);
    info.selectRefs.push(...refs);
    const fnName = body[0]?.t === 'ident' && body[1]?.v === '(' ? body[0].v.toLowerCase() : undefined;
    info.outputs.push(alias ?? fnName ?? refs[0]?.name ?? '');
  }

  for (const src of splitTop(clauses.FROM!)) {
    if (src[0]?.t === 'punct' && src[0].v === '(') {
      if (src[src.length - 1]?.v !== ')') throw new InfluxQLError('unbalanced subquery');
      info.subqueries.push(parseSelect(src.slice(1, -1)));
    } else {
      const names = src.filter((t) => t.t === 'ident');
      if (names.length === 0 || names.length > 3 || src.some((t) => t.t !== 'ident' && t.v !== '.')) {
        throw new InfluxQLError(`cannot read FROM ${src.map((t) => t.v).join('')}`);
      }
      info.measurements.push(names[names.length - 1]!.v);
    }
  }
  if (info.measurements.length && info.subqueries.length) {
    throw new InfluxQLError('FROM mixes measurements and subqueries');
  }

  const where = clauses.WHERE ?? [];
  for (let i = 0; i < where.length; i++) {
    const tok = where[i]!;
    if (tok.t !== 'ident') continue;
    if (where[i + 1]?.v === '(') {
      const fn = tok.v.toLowerCase();
      if (fn !== 'now') throw new InfluxQLError(`function ${tok.v}() in WHERE`);
      continue;
    }
    if (tok.v === 'time') {
      if (COMPARISONS.has(where[i + 1]?.v ?? '')) info.hasTimeBound = true;
      continue;
    }
    info.whereRefs.push(tok.v);
    const op = where[i + 1];
    const value = where[i + 2];
    if (op?.t === 'op' && COMPARISONS.has(op.v) && value)
      info.comparisons.push({ name: tok.v, op: op.v, value });
  }

  for (const dim of splitTop(clauses['GROUP BY'] ?? [])) {
    if (dim.length === 0) continue;
    if (dim[0]?.t === 'ident' && dim[0].v === 'time' && dim[1]?.v === '(') {
      info.groupTime = dim
        .slice(2, -1)
        .map((t) => t.v)
        .join('');
      continue;
    }
    if (dim.length === 1 && dim[0]?.t === 'ident') info.groupTags.push(dim[0].v);
    else if (dim.length === 1 && dim[0]?.v === '*') info.groupTags.push('*');
    else throw new InfluxQLError(`cannot read GROUP BY ${dim.map((t) => t.v).join('')}`);
  }
  return info;
}

/** A parsed statement: a SELECT, or a SHOW TAG VALUES (variable queries). */
export type Statement =
  | { kind: 'select'; select: SelectInfo }
  | { kind: 'showTagValues'; measurement?: string; key: string; whereRefs: string[] };

export function parseStatement(query: string): Statement {
  const tokens = tokenize(query);
  if (tokens[0]?.v === 'SELECT') return { kind: 'select', select: parseSelect(tokens) };
  if (tokens[0]?.v === 'SHOW' && tokens[1]?.v === 'TAG' && tokens[2]?.v === 'VALUES') {
    let i = 3;
    let measurement: string | undefined;
    if (tokens[i]?.v === 'FROM') {
      measurement = tokens[i + 1]?.v;
      i += 2;
    }
    if (tokens[i]?.v !== 'WITH' || tokens[i + 1]?.v !== 'KEY' || tokens[i + 2]?.v !== '=') {
      throw new InfluxQLError('expected WITH KEY = "tag"');
    }
    const key = tokens[i + 3];
    if (key?.t !== 'ident') throw new InfluxQLError('expected a tag key');
    i += 4;
    const whereRefs: string[] = [];
    if (tokens[i]?.v === 'WHERE') {
      for (const tok of tokens.slice(i + 1)) if (tok.t === 'ident') whereRefs.push(tok.v);
    } else if (i < tokens.length) {
      throw new InfluxQLError(`unexpected ${tokens[i]!.v} after WITH KEY`);
    }
    return { kind: 'showTagValues', ...(measurement ? { measurement } : {}), key: key.v, whereRefs };
  }
  throw new InfluxQLError('only SELECT and SHOW TAG VALUES are expected');
}

/** Measurement → field and tag names a statement reads from the schema. */
export type Usage = Map<string, { fields: Set<string>; tags: Set<string> }>;

interface Scope {
  /** Names usable as values (fields of the measurement, or outputs of subqueries). */
  fields: Map<string, string | undefined>;
  /** Tags available for GROUP BY and WHERE. */
  tags: Set<string>;
}

function use(usage: Usage, m: string): { fields: Set<string>; tags: Set<string> } {
  let u = usage.get(m);
  if (!u) {
    u = { fields: new Set(), tags: new Set() };
    usage.set(m, u);
  }
  return u;
}

function checkComparison(c: Comparison, scope: Scope, problems: string[]): void {
  const isTag = scope.tags.has(c.name) && !scope.fields.has(c.name);
  const valueType = c.value.t;
  if (isTag) {
    if (valueType !== 'str' && valueType !== 'regex') {
      problems.push(`tag ${c.name} compared with ${c.value.v}: tags are strings, quote the value`);
    }
    return;
  }
  const type = scope.fields.get(c.name);
  if (type === 'boolean' && !(c.value.t === 'keyword' && (c.value.v === 'TRUE' || c.value.v === 'FALSE'))) {
    problems.push(`boolean field ${c.name} compared with ${c.value.v}`);
  }
  if ((type === 'integer' || type === 'float') && valueType !== 'num') {
    problems.push(`numeric field ${c.name} compared with ${c.value.v}`);
  }
  if (type === 'string' && valueType !== 'str' && valueType !== 'regex') {
    problems.push(`string field ${c.name} compared with ${c.value.v}`);
  }
}

/**
 * Checks one SELECT against the schema; returns the scope it produces for an enclosing query.
 * `problems` collects every mistake found.
 */
function checkSelect(s: SelectInfo, usage: Usage, problems: string[]): Scope {
  let scope: Scope;
  if (s.measurements.length) {
    const schemas: [string, MeasurementSchema][] = [];
    for (const m of s.measurements) {
      const schema = measurementSchema(m);
      if (!schema) problems.push(`measurement ${m} is not written by ingest`);
      else schemas.push([m, schema]);
    }
    if (!s.hasTimeBound)
      problems.push(`SELECT from ${s.measurements.join(', ')} does not bound time ($timeFilter)`);
    scope = { fields: new Map(), tags: new Set() };
    for (const [, schema] of schemas) {
      for (const [f, t] of Object.entries(schema.fields)) scope.fields.set(f, t);
      for (const t of schema.tags) scope.tags.add(t);
    }
    const note = (name: string): void => {
      for (const [m, schema] of schemas) {
        if (Object.hasOwn(schema.fields, name)) use(usage, m).fields.add(name);
        else if (schema.tags.includes(name)) use(usage, m).tags.add(name);
      }
    };
    for (const r of s.selectRefs) {
      if (!scope.fields.has(r.name) && !scope.tags.has(r.name)) {
        problems.push(`${s.measurements.join(', ')} has no field or tag ${r.name}`);
        continue;
      }
      const type = scope.fields.get(r.name);
      if (r.fn && NUMERIC_FUNCTIONS.has(r.fn) && type !== 'integer' && type !== 'float') {
        problems.push(`${r.fn}() over ${type ?? 'tag'} ${r.name}`);
      }
      note(r.name);
    }
    for (const name of s.whereRefs) {
      if (!scope.fields.has(name) && !scope.tags.has(name)) {
        problems.push(`${s.measurements.join(', ')} has no field or tag ${name} (WHERE)`);
      } else note(name);
    }
  } else {
    const inner = s.subqueries.map((sub) => checkSelect(sub, usage, problems));
    // InfluxDB 1.x merges several subqueries by column name and silently returns null for a column
    // that is not in the first one: every subquery must produce the same columns.
    const first = s.subqueries[0]!.outputs.join(',');
    for (const sub of s.subqueries.slice(1)) {
      if (sub.outputs.join(',') !== first) {
        problems.push(
          `subqueries in one FROM produce different columns (${first} vs ${sub.outputs.join(',')})`,
        );
      }
    }
    scope = { fields: new Map(), tags: new Set() };
    for (const sc of inner) {
      for (const [f, t] of sc.fields) scope.fields.set(f, t);
      for (const t of sc.tags) scope.tags.add(t);
    }
    for (const r of s.selectRefs) {
      if (!scope.fields.has(r.name) && !scope.tags.has(r.name)) {
        problems.push(`subquery has no column ${r.name}`);
      }
    }
    for (const name of s.whereRefs) {
      if (!scope.fields.has(name) && !scope.tags.has(name))
        problems.push(`subquery has no column ${name} (WHERE)`);
    }
  }
  for (const c of s.comparisons) checkComparison(c, scope, problems);
  for (const tag of s.groupTags) {
    if (tag !== '*' && !scope.tags.has(tag)) problems.push(`GROUP BY ${tag}: not a tag here`);
  }
  // What the enclosing query sees: output columns as fields (tags selected by name become fields),
  // and the tags this query keeps (all of them for a raw select, else those it groups by).
  const outFields = new Map<string, string | undefined>();
  s.outputs.forEach((o, i) => {
    const ref = s.selectRefs[i];
    outFields.set(o, ref && !ref.fn ? scope.fields.get(ref.name) : 'float');
  });
  const keptTags = !s.aggregates || s.groupTags.includes('*') ? scope.tags : new Set(s.groupTags);
  return { fields: outFields, tags: new Set([...keptTags].filter((t) => !outFields.has(t))) };
}

/** Result of {@link checkQuery}: what the statement reads, and every mistake found. */
export interface QueryCheck {
  statement: Statement | undefined;
  usage: Usage;
  problems: string[];
}

/** Parses a (variable-substituted) statement and checks every name it uses against the schema. */
export function checkQuery(query: string): QueryCheck {
  const usage: Usage = new Map();
  const problems: string[] = [];
  let statement: Statement | undefined;
  try {
    statement = parseStatement(query);
  } catch (err) {
    return { statement: undefined, usage, problems: [(err as Error).message] };
  }
  if (statement.kind === 'select') {
    checkSelect(statement.select, usage, problems);
  } else {
    const schemas = statement.measurement
      ? [[statement.measurement, measurementSchema(statement.measurement)] as const]
      : [];
    for (const [m, schema] of schemas) {
      if (!schema) problems.push(`measurement ${m} is not written by ingest`);
      else if (!schema.tags.includes(statement.key)) problems.push(`${m} has no tag ${statement.key}`);
      else use(usage, m).tags.add(statement.key);
      for (const r of statement.whereRefs) {
        if (schema && !schema.tags.includes(r)) problems.push(`${m} has no tag ${r} (WHERE)`);
      }
    }
    if (!statement.measurement)
      problems.push('SHOW TAG VALUES without FROM scans every measurement; name one');
  }
  return { statement, usage, problems };
}

/** Every SELECT in a statement, outermost first. */
export function allSelects(s: SelectInfo): SelectInfo[] {
  return [s, ...s.subqueries.flatMap(allSelects)];
}
