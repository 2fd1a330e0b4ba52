// Offline: after one load the service worker serves the build from its cache, so with the
// server gone a reload still plays (virtual time advances) and a lesson opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, launch, screenshot, serveDist, until } from './helpers.js';

// A copy of the build, served by helpers.js's server (its close drops open connections, as
// a server that went away does).
let site;
let browser;
before(async () => {
  site = await mkdtemp(join(tmpdir(), 'brook-offline-'));
  await cp(DIST, site, { recursive: true });
  browser = await launch();
});
after(async () => { await browser?.close(); await rm(site, { recursive: true, force: true }); });

const seconds = async (page) => Number.parseFloat(await page.textContent('[data-testid=virtual-time]'));

/** The worker's state once it is active and controls the page: its caches and what they hold. */
async function worker(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
    const names = (await caches.keys()).filter((n) => n.startsWith('brook-'));
    const urls = names.length ? (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname) : [];
    return { active: reg.active?.state, controlled: !!navigator.serviceWorker.controller, names, urls };
  });
}

test('after one load the page plays and opens a lesson with the server stopped', async () => {
  const errors = [];
  let server = await serveDist({ root: site });
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}?preset=quickstart`);
  await page.waitForSelector('[data-testid=produced]', { timeout: 20_000 });
  const state = await worker(page);
  assert.equal(state.active, 'activated', JSON.stringify(state));
  assert.ok(state.controlled, 'the worker controls the page');
  assert.equal(state.names.length, 1, state.names.join(','));
  for (const want of [/^\/$/, /^\/index\.html$/, /\.wasm$/, /\.js$/, /\.css$/, /^\/lessons\/peak-shaving\.json$/]) {
    assert.ok(state.urls.some((u) => want.test(u)), `cached: ${want} in ${state.urls.join(' ')}`);
  }

  // Each build's worker has its own cache, named after the build's hash (a new build's
  // worker deletes the older caches when it takes over).
  const text = await readFile(join(site, 'sw.js'), 'utf8');
  const build = /const BUILD = '([0-9a-f]+)'/.exec(text)?.[1];
  assert.ok(build && state.names[0] === `brook-${build}`, `the cache is named after the build: ${state.names}`);

  await server.close();
  server = undefined;
  const down = await fetch(page.url()).then(() => 'up', () => 'down');
  assert.equal(down, 'down', 'the server is stopped');

  await page.reload();
  await page.waitForSelector('[data-testid=produced]', { timeout: 20_000 });
  // A reload reopens the autosaved run paused where it was (README, "Share links and
  // autosave"): play it.
  if ((await page.getAttribute('[data-testid=play]', 'aria-pressed')) !== 'true') {
    await page.click('[data-testid=play]');
  }
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
