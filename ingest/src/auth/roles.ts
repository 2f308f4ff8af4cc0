import type { Role } from '../registry/index.js';

/** The logged-in user a request carries (`request.user`). */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  /** Sites the user works at; an admin sees every site regardless. */
  siteIds: string[];
}

/** True when the user holds one of `roles`; `admin` holds every role. */
export function hasRole(user: AuthUser, ...roles: Role[]): boolean {
  return user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));
}

/** True for an admin. */
export function isAdmin(user: AuthUser): boolean {
  return user.roles.includes('admin');
}

/** Whether the user may see and change things of `siteId` (members of the site; admins everywhere). */
export function canSeeSite(user: AuthUser, siteId: string): boolean {
  return isAdmin(user) || user.siteIds.includes(siteId);
}

/** The sites a list is limited to: `undefined` = every site (admins), else the user's memberships. */
export function siteScope(user: AuthUser): readonly string[] | undefined {
  return isAdmin(user) ? undefined : user.siteIds;
}

/**
 * Why `user` lacks every one of `roles` (admins hold them all), or undefined when they hold one. The text of
 * every 403 for a missing role, over REST and Socket.IO alike.
 */
export function roleRefusal(user: AuthUser, roles: readonly Role[]): string | undefined {
  if (hasRole(user, ...roles)) return undefined;
  return `this needs the role ${roles.join(' or ')}${roles.includes('admin') ? '' : ' (or admin)'}; you have ${user.roles.join(', ') || 'none'}`;
}

/** Who may see a session, and why not: `not-found` (another site: looks unknown) or `forbidden` (the reason). */
export type SessionAccess =
  | { ok: true }
  | { ok: false; refusal: 'not-found' }
  | { ok: false; refusal: 'forbidden'; reason: string };

/**
 * The one session-visibility policy, for REST and the live channel alike: a user sees the sessions of the
 * sites they belong to (admins: every site) — instructors and clinicians every session, coaches home sessions
 * only; ops staff see the fleet, never participants.
 */
export function sessionAccess(
  user: AuthUser,
  session: { siteId: string; kind: 'class' | 'home' },
): SessionAccess {
  if (!canSeeSite(user, session.siteId)) return { ok: false, refusal: 'not-found' };
  if (hasRole(user, 'instructor', 'clinician')) return { ok: true };
  if (user.roles.includes('coach')) {
    return session.kind === 'home'
      ? { ok: true }
      : {
          ok: false,
          refusal: 'forbidden',
          reason: 'coaches see home sessions only; this is a class session',
        };
  }
  return { ok: false, refusal: 'forbidden', reason: 'your roles do not include watching sessions' };
}

/** True for a user who sees home sessions only (a coach without a broader role). */
export function coachOnly(user: AuthUser): boolean {
  return user.roles.includes('coach') && !hasRole(user, 'instructor', 'clinician');
}

/**
 * Who may acknowledge an alert (admins too), over REST and Socket.IO alike, as `POST /api/alerts/:id/ack`
 * documents it: instructors, and coaches for the sessions they may see (home sessions). Clinicians review
 * alerts and reports but do not acknowledge at the floor.
 */
export const ACK_ROLES: readonly Role[] = ['instructor', 'coach'];
