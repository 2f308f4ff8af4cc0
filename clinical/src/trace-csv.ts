import type { Sample } from './types.js';

/** A problem at a place in the trace file (1-based line and column). */
export interface TraceDiagnostic {
  line: number;
  column: number;
  reason: string;
}

/** Thrown by {@link parseTraceCsv} with every problem found (the file is read to the end). */
export class TraceFormatError extends Error {
  readonly diagnostics: TraceDiagnostic[];
  constructor(diagnostics: TraceDiagnostic[]) {
    super(diagnostics.map((d) => `${d.line}:${d.column}: ${d.reason}`).join('\n'));
    this.name = 'TraceFormatError';
    this.diagnostics = diagnostics;
  }
}

/** Columns of the replay trace (section 7); `cadence` and `rr_ms` are optional extensions. */
export const REQUIRED_TRACE_COLUMNS = ['t_ms', 'hr', 'spo2', 'steps', 'contact'] as const;
export const OPTIONAL_TRACE_COLUMNS = ['cadence', 'rr_ms'] as const;
type Column = (typeof REQUIRED_TRACE_COLUMNS)[number] | (typeof OPTIONAL_TRACE_COLUMNS)[number];

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^\+?\d+$/;
const MAX_DIAGNOSTICS = 20;

/**
 * Largest `t_ms` of a trace row: 24 h of session time (section 7). A larger value (an epoch timestamp, say)
 * is malformed, so a replay never runs more than 86 401 ticks.
 */
export const MAX_TRACE_T_MS = 86_400_000;

interface Cell {
  text: string;
  column: number;
}

/** Splits one CSV line; cells may be double-quoted ("" inside quotes is a quote). */
function splitLine(line: string): Cell[] | { error: string; column: number } {
  const cells: Cell[] = [];
  let i = 0;
  for (;;) {
    const column = i + 1;
    if (line[i] === '"') {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= line.length) return { error: 'unterminated quoted cell', column };
        if (line[j] === '"') {
          if (line[j + 1] === '"') {
            text += '"';
            j += 2;
            continue;
          }
          j++;
          break;
        }
        text += line[j];
        j++;
      }
      if (j < line.length && line[j] !== ',') return { error: 'text after a closing quote', column: j + 1 };
      cells.push({ text, column });
      if (j >= line.length) return cells;
      i = j + 1;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      cells.push({ text: line.slice(i, end).trim(), column });
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

/**
 * Parses a replay trace: header `t_ms,hr,spo2,steps,contact` (any order; extra unknown columns are
 * ignored), one sample per row, `t_ms` a non-negative integer, an empty cell = not measured, `contact`
 * `1`/`0`/empty (`true`/`false` accepted too). Blank lines are skipped. `t_ms` strictly increases from row to
 * row and is at most {@link MAX_TRACE_T_MS}; rows are returned in file order, never sorted. Throws
 * {@link TraceFormatError}.
 */
export function parseTraceCsv(source: string): Sample[] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = text.split('\n');
  const diags: TraceDiagnostic[] = [];
  const bomShift = text === source ? 0 : 1;
  const err = (line: number, column: number, reason: string) => {
    if (diags.length < MAX_DIAGNOSTICS)
      diags.push({ line, column: column + (line === 1 ? bomShift : 0), reason });
  };

  const headerLine = (lines[0] ?? '').replace(/\r$/, '');
  const header = splitLine(headerLine);
  if (!Array.isArray(header))
    throw new TraceFormatError([{ line: 1, column: header.column, reason: header.error }]);
  if (headerLine.trim() === '')
    throw new TraceFormatError([
      { line: 1, column: 1, reason: `missing header (${REQUIRED_TRACE_COLUMNS.join(',')})` },
    ]);
  const index = new Map<Column, number>();
  const known = new Set<string>([...REQUIRED_TRACE_COLUMNS, ...OPTIONAL_TRACE_COLUMNS]);
  header.forEach((c, k) => {
    const name = c.text.trim();
    if (!known.has(name)) return;
    if (index.has(name as Column)) err(1, c.column, `duplicate column "${name}"`);
    else index.set(name as Column, k);
  });
  const missing = REQUIRED_TRACE_COLUMNS.filter((name) => !index.has(name));
  if (missing.length > 0) {
    const names = missing.map((m) => `"${m}"`).join(', ');
    const expected = REQUIRED_TRACE_COLUMNS.join(',');
    err(
      1,
      headerLine.length + 1,
      `header lacks column${missing.length > 1 ? 's' : ''} ${names} (expected ${expected})`,
    );
  }
  if (diags.length > 0) throw new TraceFormatError(diags);

  const samples: Sample[] = [];
  /** The last row with an integer `t_ms`, for the strictly-increasing check. */
  let previous: { t: number; line: number } | null = null;
  for (let n = 1; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = (lines[n] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    const cells = splitLine(line);
    if (!Array.isArray(cells)) {
      err(lineNo, cells.column, cells.error);
      continue;
    }
    if (cells.length !== header.length) {
      const at = cells.length > header.length ? (cells[header.length] as Cell).column : line.length + 1;
      err(lineNo, at, `expected ${header.length} cells like the header, found ${cells.length}`);
      continue;
    }
    const cell = (name: Column): Cell | undefined => {
      const k = index.get(name);
      return k === undefined ? undefined : cells[k];
    };
    const num = (name: Column, nonNegative: boolean): number | null => {
      const c = cell(name);
      if (!c || c.text === '') return null;
      if (!NUMBER.test(c.text)) {
        err(lineNo, c.column, `${name}: "${c.text}" is not a number`);
        return null;
      }
      const v = Number(c.text);
      if (!Number.isFinite(v) || (nonNegative && v < 0)) {
        err(lineNo, c.column, `${name}: ${c.text} is out of range`);
        return null;
      }
      return v;
    };
    const tCell = cell('t_ms') as Cell;
    let t = Number.NaN;
    if (tCell.text === '') err(lineNo, tCell.column, 't_ms: missing (every row needs a time)');
    else if (!INTEGER.test(tCell.text))
      err(lineNo, tCell.column, `t_ms: "${tCell.text}" is not a non-negative integer`);
    else {
      t = Number(tCell.text);
      if (t > MAX_TRACE_T_MS)
        err(
          lineNo,
          tCell.column,
          `t_ms: ${tCell.text} is above ${MAX_TRACE_T_MS} (24 h); t_ms counts milliseconds from the session start, not an epoch time`,
        );
      else if (previous !== null && t <= previous.t)
        err(
          lineNo,
          tCell.column,
          `t_ms: ${tCell.text} is not greater than ${previous.t} on line ${previous.line}; rows must be in strictly increasing time order (they are never sorted)`,
        );
      previous = { t, line: lineNo };
    }
    const hr = num('hr', false);
    const spo2 = num('spo2', false);
    const steps = num('steps', true);
    const cadence = num('cadence', true);
    const cc = cell('contact') as Cell;
    let contact: boolean | null = null;
    const ct = cc.text.toLowerCase();
    if (ct === '1' || ct === 'true') contact = true;
    else if (ct === '0' || ct === 'false') contact = false;
    else if (ct !== '') err(lineNo, cc.column, `contact: "${cc.text}" must be 1, 0 or empty`);
    let rrMs: number[] | null = null;
    const rc = cell('rr_ms');
    if (rc && rc.text !== '') {
      const parts = rc.text.split(/[\s;]+/).filter((p) => p !== '');
      if (parts.every((p) => NUMBER.test(p) && Number(p) > 0)) rrMs = parts.map(Number);
      else err(lineNo, rc.column, `rr_ms: "${rc.text}" must be positive numbers separated by spaces or ";"`);
    }
    const sample: Sample = { t, hr, spo2, steps, contact };
    if (cadence !== null) sample.cadence = cadence;
    if (rrMs !== null) sample.rrMs = rrMs;
    samples.push(sample);
  }
  if (diags.length > 0) throw new TraceFormatError(diags);
  if (samples.length === 0)
    throw new TraceFormatError([{ line: lines.length, column: 1, reason: 'trace has no rows' }]);
  return samples;
}
