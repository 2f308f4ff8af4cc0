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
