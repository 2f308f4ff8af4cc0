/** 1-based line and column of a place in a text file. */
export interface SourcePos {
  line: number;
  column: number;
}

/** A JSON syntax error with its place in the source. */
export class JsonSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(reason: string, pos: SourcePos) {
    super(reason);
    this.name = 'JsonSyntaxError';
    this.line = pos.line;
    this.column = pos.column;
  }
}

/** JSON nested deeper than {@link MAX_JSON_DEPTH}: well-formed perhaps, but refused as malformed input. */
export class JsonTooDeepError extends JsonSyntaxError {
  constructor(reason: string, pos: SourcePos) {
    super(reason, pos);
    this.name = 'JsonTooDeepError';
  }
}

/** Parsed JSON plus where each value starts, keyed by {@link pathKey}. */
export interface LocatedJson {
  value: unknown;
  positions: Map<string, SourcePos>;
}

/** Map key of a JSON path such as `['zone', 'high']`. */
export function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

/** Where the value at `path` starts, or its nearest existing ancestor (for a missing field: its object). */
export function positionOf(located: LocatedJson, path: readonly (string | number)[]): SourcePos {
  for (let n = path.length; n >= 0; n--) {
    const p = located.positions.get(pathKey(path.slice(0, n)));
    if (p) return p;
  }
  return { line: 1, column: 1 };
}

/**
 * Deepest nesting of arrays and objects accepted (CLINICAL-RULES.md section 7): the top-level object is
 * level 1. Deeper input is malformed — refused at the bracket that goes one level too deep, before the
 * parser's own recursion (and the path it keeps per value) could grow with it.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Strict JSON (RFC 8259) parser that records the line and column of every value, so that validation
 * errors can point at the offending field. Same result as `JSON.parse` for valid input nested at most
 * {@link MAX_JSON_DEPTH} levels deep; deeper input throws {@link JsonTooDeepError}.
 */
export function parseJsonWithPositions(source: string): LocatedJson {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const offset = text === source ? 0 : 1;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const posAt = (i: number): SourcePos => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((lineStarts[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: i - (lineStarts[lo] as number) + 1 + (lo === 0 ? offset : 0) };
  };
  const positions = new Map<string, SourcePos>();
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new JsonSyntaxError(reason, posAt(at));
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };
  // JSON.stringify escapes C0 controls; DEL and C1 controls (a binary file, say) are escaped here too.
  const describe = (at: number) =>
    at >= text.length
      ? 'end of file'
      : JSON.stringify(text[at]).replace(
          /[\u007f-\u009f]/g,
          (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string (escape it)');
      if (c === 92) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        } else {
          fail('invalid escape in string');
        }
        chunk = i;
        continue;
      }
      i++;
    }
  };

  const numberRe = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const parseValue = (path: (string | number)[]): unknown => {
    ws();
    positions.set(pathKey(path), posAt(i));
    const c = text[i];
    if ((c === '{' || c === '[') && path.length >= MAX_JSON_DEPTH)
      throw new JsonTooDeepError(
        `JSON nested more than ${MAX_JSON_DEPTH} levels deep (arrays and objects)`,
        posAt(i),
      );
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`);
        const key = parseString();
        ws();
        if (text[i] !== ':') fail(`expected ':' after property name, found ${describe(i)}`);
        i++;
        const v = parseValue([...path, key]);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected ',' or '}' in object, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue([...path, arr.length]));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected ',' or ']' in array, found ${describe(i)}`);
      }
    }
    if (c === '"') return parseString();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    numberRe.lastIndex = i;
    const m = numberRe.exec(text);
    if (m && m[0].length > 0 && m[0] !== '-') {
      i += m[0].length;
      return Number(m[0]);
    }
    return fail(`expected a JSON value, found ${describe(i)}`);
  };

  const value = parseValue([]);
  ws();
  if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
  return { value, positions };
}
