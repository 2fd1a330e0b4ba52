// Offline: after one load the service worker serves the build from its cache, so with the
// server gone a reload still plays (virtual time advances) and a lesson opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, screenshot, until } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const seconds = async (page) => Number.parseFloat(await page.textContent('[data-testid=virtual-time]'));

test('after one load the page plays and opens a lesson with the server stopped', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}?preset=quickstart`);
  await page.waitForSelector('[data-testid=produced]', { timeout: 20_000 });
  // The worker installed (every file cached), active, and controlling this page.
  const state = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith('brook-')));
    const urls = (await cache.keys()).map((r) => new URL(r.url).pathname);
    return { active: reg.active?.state, scope: reg.scope, controlled: !!navigator.serviceWorker.controller, names, urls };
  });
  assert.equal(state.active, 'activated', JSON.stringify(state));
  assert.ok(state.controlled, 'the worker controls the page');
  assert.equal(state.names.filter((n) => n.startsWith('brook-')).length, 1, state.names.join(','));
  for (const want of [/^\/$/, /^\/index\.html$/, /\.wasm$/, /\.js$/, /\.css$/, /^\/lessons\/peak-shaving\.json$/]) {
    assert.ok(state.urls.some((u) => want.test(u)), `cached: ${want} in ${state.urls.join(' ')}`);
  }

  await server.close();
  server = undefined;
  const down = await fetch(page.url()).then(() => 'up', () => 'down');
  assert.equal(down, 'down', 'the server is stopped');

  await page.reload();
  await page.waitForSelector('[data-testid=produced]', { timeout: 20_000 });
  const start = await seconds(page);
  const later = await until(() => seconds(page), (t) => t > start + 1);
  assert.ok(later > start + 1, `virtual time advances offline: ${start} -> ${later}`);

  await page.selectOption('[data-testid=lesson-menu]', 'peak-shaving');
  await page.waitForSelector('[data-testid=lesson-text]', { timeout: 20_000 });
  assert.ok((await page.textContent('[data-testid=lesson-text]')).length > 20, 'the lesson\'s first step');
  await screenshot(page, 'offline');
  assert.deepEqual(errors, []);
  await context.close();
});
