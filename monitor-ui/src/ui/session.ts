import { signal } from '@preact/signals';
import { onUnauthorized } from '../api/client.js';
import type { Me } from '../api/types.js';
import { homeFor, href, parseRoute, type Route } from '../router.js';

/** `undefined` while asking the server who is logged in; `null` when nobody is. */
export const me = signal<Me | null | undefined>(undefined);
export const route = signal<Route>(parseRoute(location.hash));
/**
 * Why the login page is shown, as the server's `ZW_ERR_*` code (translated through `describeError`), when
 * a login ended while the console was in use; null on a plain visit.
 */
export const loginNotice = signal<string | null>(null);
/** Where to go after login when a deep link was opened logged out. */
let afterLogin: string | null = null;

window.addEventListener('hashchange', () => {
  route.value = parseRoute(location.hash);
});

export function navigate(r: Route): void {
  const h = href(r);
  if (location.hash !== h) location.hash = h;
  route.value = r;
}

export function rememberDeepLink(): void {
  const r = route.value.name;
  if (r !== 'login' && r !== 'home') afterLogin = location.hash;
}

export function loggedIn(user: Me): void {
  loginNotice.value = null;
  me.value = user;
  const wanted = afterLogin;
  afterLogin = null;
  if (wanted) {
    location.hash = wanted;
    route.value = parseRoute(wanted);
  } else navigate(homeFor(user.roles));
}

/**
 * The server says this console's login has ended (a REST 401 or a refused live handshake): back to the
 * login page, saying why, and to the same page after signing in again. Nothing happens before anyone was
 * logged in (the first "who am I" answers 401 to a plain visit).
 */
export function loginEnded(code = 'ZW_ERR_UNAUTHENTICATED'): void {
  if (!me.value) return;
  rememberDeepLink();
  loginNotice.value = code;
  me.value = null;
}

onUnauthorized(() => loginEnded('ZW_ERR_UNAUTHENTICATED'));
