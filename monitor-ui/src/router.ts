import type { Role } from './api/types.js';

export type AdminSection = 'participants' | 'devices' | 'gateways' | 'users' | 'audit';

export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'wall-lobby' }
  | { name: 'wall'; sessionId: string }
  | { name: 'coach' }
  | { name: 'coach-live'; sessionId: string }
  | { name: 'report'; sessionId: string }
  | { name: 'admin'; section: AdminSection; id?: string }
  /** The exercise-health record (issue 15): the list of participants, or one participant's record. */
  | { name: 'records' }
  | { name: 'record'; participantId: string }
  | { name: 'not-found' };

const SECTIONS: readonly AdminSection[] = ['participants', 'devices', 'gateways', 'users', 'audit'];

/**
 * Routes live in the hash (`#/wall/s-1`) so the console works from any static server without rewrite
 * rules, and a reload keeps the view.
 */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  const [a, b, c] = parts;
  if (a === undefined) return { name: 'home' };
  if (a === 'login' && !b) return { name: 'login' };
  if (a === 'wall') return b ? { name: 'wall', sessionId: b } : { name: 'wall-lobby' };
  if (a === 'coach') {
    if (!b) return { name: 'coach' };
    if (b === 'live' && c) return { name: 'coach-live', sessionId: c };
  }
  if (a === 'report' && b) return { name: 'report', sessionId: b };
  if (a === 'records' && !b) return { name: 'records' };
  if (a === 'record' && b && !c) return { name: 'record', participantId: b };
  if (a === 'admin') {
    if (!b) return { name: 'admin', section: 'participants' };
    if ((SECTIONS as readonly string[]).includes(b))
      return c
        ? { name: 'admin', section: b as AdminSection, id: c }
        : { name: 'admin', section: b as AdminSection };
  }
  return { name: 'not-found' };
}

export function href(r: Route): string {
  const e = encodeURIComponent;
  switch (r.name) {
    case 'login':
      return '#/login';
    case 'home':
      return '#/';
    case 'wall-lobby':
      return '#/wall';
    case 'wall':
      return `#/wall/${e(r.sessionId)}`;
    case 'coach':
      return '#/coach';
    case 'coach-live':
      return `#/coach/live/${e(r.sessionId)}`;
    case 'report':
      return `#/report/${e(r.sessionId)}`;
    case 'admin':
      return r.id ? `#/admin/${r.section}/${e(r.id)}` : `#/admin/${r.section}`;
    case 'records':
      return '#/records';
    case 'record':
      return `#/record/${e(r.participantId)}`;
    case 'not-found':
      return '#/';
  }
}

/**
 * Which roles may open which area — the same as the API's role checks, so the console only hides what the
 * server would refuse anyway (the server enforces; an admin holds every role).
 */
export const AREA_ROLES = {
  wall: ['instructor', 'clinician'],
  coach: ['coach', 'clinician'],
  report: ['coach', 'clinician', 'instructor'],
  /** The exercise-health record: clinicians, and coaches for their own participants (the API filters). */
  record: ['clinician', 'coach'],
  participants: ['clinician'],
  devices: ['ops', 'instructor'],
  gateways: ['ops'],
  users: [],
  /** Who read or changed whose record (issue 16): admins only. */
  audit: [],
} as const satisfies Record<string, readonly Role[]>;

export type Area = keyof typeof AREA_ROLES;

export function canUse(area: Area, roles: readonly Role[]): boolean {
  return roles.includes('admin') || roles.some((r) => (AREA_ROLES[area] as readonly Role[]).includes(r));
}

/** Roles the API lets acknowledge alerts. */
export function canAcknowledge(roles: readonly Role[]): boolean {
  return roles.some((r) => r === 'admin' || r === 'instructor' || r === 'coach');
}

export function areaOf(r: Route): Area | null {
  switch (r.name) {
    case 'wall-lobby':
    case 'wall':
      return 'wall';
    case 'coach':
    case 'coach-live':
      return 'coach';
    case 'report':
      return 'report';
    case 'records':
    case 'record':
      return 'record';
    case 'admin':
      return r.section;
    default:
      return null;
  }
}

/** Where a user lands after login: the first area of their most specific role. */
export function homeFor(roles: readonly Role[]): Route {
  if (roles.includes('instructor')) return { name: 'wall-lobby' };
  if (roles.includes('coach')) return { name: 'coach' };
  if (roles.includes('clinician')) return { name: 'admin', section: 'participants' };
  if (roles.includes('admin')) return { name: 'admin', section: 'users' };
  if (roles.includes('ops')) return { name: 'admin', section: 'gateways' };
  return { name: 'login' };
}
