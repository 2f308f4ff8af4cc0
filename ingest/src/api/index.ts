/**
 * The REST API of ingest (`/api`): see README.md for the route table and roles. Register after `authPlugin`:
 * ```ts
 * await app.register(authPlugin, { auth });
 * await app.register(apiRoutes, { prefix: '/api', registry, live });
 * ```
 */
export { type AckOutcome, type AckRefused, acknowledgeAs } from './acknowledge.js';
export { BOM, type CsvCell, csvCell, toCsv } from './csv.js';
export { type ApiErrorCode, apiCodes, validationError } from './errors.js';
export type { LiveControl } from './live-control.js';
export { type ApiRoutesOptions, apiRoutes } from './plugin.js';
