import type { Db } from './db.js';
import { codes } from './errors.js';
import type { ScryptParams } from './passwords.js';

/** What every repository module gets: the (possibly transaction-bound) handle and shared options. */
export interface RepoContext {
  db: Db;
  /** Default time of writes (ms since epoch). */
  clock: () => number;
  passwordParams: ScryptParams;
}

/** A timestamptz column as the drivers return it (Date), or null. */
export type Ts = Date | null;

/** Milliseconds of a non-null timestamptz column. */
export function ms(v: Date | string | number): number {
  return v instanceof Date ? v.getTime() : new Date(v).getTime();
}

/** Milliseconds of a nullable timestamptz column. */
export function msOrNull(v: Date | string | number | null | undefined): number | null {
  return v === null || v === undefined ? null : ms(v);
}

/** A Date parameter from ms; refuses non-finite numbers naming the field. */
export function at(field: string, value: number): Date {
  if (!Number.isFinite(value))
    throw new codes.ZW_ERR_INVALID_INPUT(`${field} must be a time in ms since epoch`);
  return new Date(value);
}

/** Nullable variant of {@link at}. */
export function atOrNull(field: string, value: number | null | undefined): Date | null {
  return value === null || value === undefined ? null : at(field, value);
}

/** Serialises a JSON object parameter (use with `$n::jsonb`); refuses arrays and scalars naming the field. */
export function jsonObject(field: string, value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new codes.ZW_ERR_INVALID_INPUT(`${field} must be a JSON object`);
  }
  return JSON.stringify(value);
}

/** Throws ZW_ERR_NOT_FOUND naming the entity when `row` is undefined. */
export function found<T>(row: T | undefined, entity: string, id: string): T {
  if (row === undefined) throw new codes.ZW_ERR_NOT_FOUND(`${entity} ${id}`);
  return row;
}

/**
 * Builds `SET a = $2, b = $3` from the defined keys of `patch` (undefined = keep), with `$1` reserved for
 * the id. Column names come from `columns`, never from input.
 */
export function setClause(
  patch: Record<string, unknown>,
  columns: Record<string, string>,
): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [key, column] of Object.entries(columns)) {
    if (patch[key] === undefined) continue;
    params.push(patch[key]);
    parts.push(`${column} = $${params.length + 1}`);
  }
  return { sql: parts.join(', '), params };
}
