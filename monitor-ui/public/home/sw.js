// Service worker of the home page (issue 17): the page shell is cached so the installed app opens without a
// network; readings taken offline wait in IndexedDB (the page's outbox), never here. API and broker traffic
// is never cached (health data).
const CACHE = 'zw-home-v1';
const SHELL = ['/home/', '/home/manifest.webmanifest', '/home/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/mqtt')) return;
  if (!url.pathname.startsWith('/home/') && !url.pathname.startsWith('/assets/')) return;
  // Network first (a new build wins), the cache when offline.
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(event.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(event.request).then((hit) => hit ?? caches.match('/home/'))),
  );
});
