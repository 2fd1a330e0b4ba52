// Brook's service worker: after one load the page works with no network (a classroom with
// poor Wi-Fi). Network first, so a served page is always the newest build; when the network
// fails, the files of the build this worker was made for, cached when it was installed.
//
// scripts/sw-manifest.py (a Trunk post-build hook) writes the build's file list and a hash of
// the build over the two placeholders below, so each build is a new worker (the browser
// compares the script byte for byte on each load) with its own cache; activation deletes the
// caches of older builds, and the next load is served the new version.
const BUILD = '__BROOK_BUILD__';
const FILES = __BROOK_FILES__;
const CACHE = `brook-${BUILD}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((n) => n.startsWith('brook-') && n !== CACHE)
        .map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(fetch(request).catch(async () => {
    const cache = await caches.open(CACHE);
    // A page opened with parameters (?preset=...&lang=...) is the one index.html.
    const hit = request.mode === 'navigate'
      ? await cache.match('./')
      : await cache.match(request, { ignoreSearch: true });
    return hit ?? Response.error();
  }));
});
