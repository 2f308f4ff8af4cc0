import { signal } from '@preact/signals';
import { onUnauthorized } from '../api/client.js';
import type { Me } from '../api/types.js';
import { homeFor, href, parseRoute, type Route } from '../router.js';

/** `undefined` while asking the server who is logged in; `null` when nobody is. */
export const me = signal<Me | null | undefined>(undefined);
export const route = signal<Route>(parseRoute(location.hash));
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
  me.value = user;
  const wanted = afterLogin;
  afterLogin = null;
  if (wanted) {
    location.hash = wanted;
    route.value = parseRoute(wanted);
  } else navigate(homeFor(user.roles));
}

onUnauthorized(() => {
  if (me.value) {
    rememberDeepLink();
    me.value = null;
  }
});
