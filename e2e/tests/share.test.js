// Share links, the autosave and the embedded page (issue 11), in real headless Chromium.
// A link copied after random actions reopens the same run: the same figures and the same stage
// pixels; a damaged link and an oversized one say what is wrong and the default preset opens; a
// reload restores the autosaved run (and an unreadable save is discarded with a notice); the
// page embedded in a sandboxed frame (`sandbox="allow-scripts"`: no storage, no clipboard)
// plays. Screenshots: artifacts/share-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, until, canvasHash, screenshot, serveDist } from './helpers.js';

const HOST = '<!doctype html><title>A course page</title><h1>A course page</h1>'
  + '<iframe id="brook" sandbox="allow-scripts" src="/?embed=1&preset=peak-shaving" '
  + 'style="width:520px;height:340px;border:1px solid #888"></iframe>';

// dist/ with `Access-Control-Allow-Origin: *`, as a static host such as GitHub Pages sends it:
// a sandboxed frame's origin is opaque, so its script module, wasm and lesson fetches are
// cross-origin. Plus a host page that embeds Brook and a blank page of the same origin.
let server;
let base;
let browser;
before(async () => {
  server = await serveDist({
    headers: { 'access-control-allow-origin': '*' },
    pages: { '/host.html': HOST, '/blank.html': '<!doctype html><title>blank</title>' },
  });
  base = server.url;
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

const VIEWPORT = { width: 1280, height: 720 };

async function newContext() {
  return browser.newContext({ viewport: VIEWPORT, locale: 'en-US', permissions: ['clipboard-read', 'clipboard-write'] });
}

async function open(context, url, errors) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('[data-testid=produced]', { timeout: 20_000 });
  return page;
}

/** What other tests read: the counters' text and data attributes, per-reader rows, the
 *  description, the preset and seed shown, the language. */
async function figures(page) {
  return page.evaluate(() => {
    const text = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent);
    const counters = document.querySelector('[data-testid=counters]');
    return {
      time: document.querySelector('[data-testid=virtual-time]').textContent,
      hash: counters.getAttribute('data-trace-hash'),
      counters: counters.textContent,
      rows: text('[data-testid=group-row]'),
      description: document.querySelector('[data-testid=description]').textContent,
      preset: document.querySelector('[data-testid=preset]').value,
      seed: document.querySelector('[data-testid=seed]').value,
      lang: document.documentElement.lang,
      gauges: document.querySelector('canvas[data-testid=stage]').getAttribute('data-broker-gauges'),
    };
  });
}

/** A digest of the stage canvas's pixels as `toDataURL` encodes them. */
async function stageDigest(page) {
  return page.evaluate(async () => {
    const url = document.querySelector('canvas[data-testid=stage]').toDataURL('image/png');
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(url));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
}

/** Waits for a page opened from a link or a save to reach `time` and settle (the replay
 *  done, the panels refreshed, the dots gone). */
async function settled(page, time) {
  const shown = await until(() => page.textContent('[data-testid=virtual-time]'), (t) => t === time, 30_000);
  assert.equal(shown, time, 'replayed to the moment of the link');
  await page.waitForTimeout(2_000);
}

const ACTIONS = ['add-member', 'spike', 'add-partition', 'add-reader', 'add-producer', 'crash-member', 'restart-member'];

test('a link copied after random actions reopens the same run: figures and stage pixels equal', async () => {
  const errors = [];
  const context = await newContext();
  const page = await open(context, `${base}?preset=quickstart&seed=11&play=0&lang=zh-TW`, errors);
  await page.click('[data-testid=play]');
  const seed = Date.now() % 1_000;
  let r = seed;
  const rand = () => { r = (r * 1103515245 + 12345) % 2147483648; return r; };
  const done = [];
  for (let i = 0; i < 5; i++) {
    await page.waitForTimeout(300 + (rand() % 400));
    const id = ACTIONS[rand() % ACTIONS.length];
    if (await page.isEnabled(`[data-testid=${id}]`).catch(() => false)) {
      await page.click(`[data-testid=${id}]`);
      done.push(id);
    }
  }
  await page.waitForTimeout(500);
  await page.click('[data-testid=play]'); // pause
  await page.waitForTimeout(2_000); // dots landed, marks faded, panels refreshed
  const before = await figures(page);
  const pixels = await stageDigest(page);
  const cheap = await canvasHash(page);
  assert.ok(done.length > 0, 'at least one action was taken');

  await page.click('[data-testid=copy-link]');
  const link = await until(() => page.inputValue('[data-testid=share-link]'), (v) => v.includes('#v1='), 10_000);
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#v1=[A-Za-z0-9_-]+$/, 'a versioned base64url fragment');
  assert.ok(link.length <= 8_000, `${link.length} chars`);
  const status = await page.textContent('[data-testid=share-status]');
  assert.match(status, /已複製連結/, `copied, said in the page's language (${status})`);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'on the clipboard');

  const opened = await open(await newContext(), link, errors);
  await settled(opened, before.time);
  const after = await figures(opened);
  assert.deepEqual(after, before, `the same figures (actions ${done.join(', ')}, seed ${seed})`);
  assert.equal(await stageDigest(opened), pixels, 'the same stage pixels (toDataURL digest)');
  assert.equal(await canvasHash(opened), cheap);
  assert.equal(await opened.getAttribute('[data-testid=play]', 'aria-pressed'), 'false', 'paused');
  const address = new URL(opened.url());
  assert.equal(address.hash, '', 'the link is read once: a reload finds the autosave');
  assert.equal(address.searchParams.get('preset'), 'quickstart', 'the address follows the preset');
  await screenshot(opened, 'share-opened');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.context().close();
  await opened.context().close();
});

test('a link keeps the lesson and its step', async () => {
  const errors = [];
  const context = await newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${base}?lesson=peak-shaving&step=2`);
  await page.waitForSelector('[data-testid=lesson][data-step="2"]', { timeout: 20_000 });
  await until(() => page.$('[data-testid=lesson-replaying]'), (e) => e === null, 30_000);
  await page.click('[data-testid=play]');
  await page.waitForTimeout(800);
  // Pause, unless the step's condition paused it already.
  if (await page.getAttribute('[data-testid=play]', 'aria-pressed') === 'true') await page.click('[data-testid=play]');
  await page.waitForTimeout(2_000);
  const before = await figures(page);
  const text = await page.textContent('[data-testid=lesson-text]');
  await page.click('[data-testid=copy-link]');
  const link = await until(() => page.inputValue('[data-testid=share-link]'), (v) => v.includes('#v1='), 10_000);
  const opened = await open(await newContext(), link, errors);
  await opened.waitForSelector('[data-testid=lesson][data-step="2"]', { timeout: 20_000 });
  await settled(opened, before.time);
  assert.equal(await opened.textContent('[data-testid=lesson-text]'), text, 'the same step');
  assert.deepEqual(await figures(opened), before);
  assert.equal(new URL(opened.url()).searchParams.get('lesson'), 'peak-shaving');
  assert.deepEqual(errors, []);
  await context.close();
  await opened.context().close();
});

test('a damaged link names what is wrong and the default preset opens', async () => {
  const context = await newContext();
  const cases = [
    ['#v1=AB$D', /This link could not be opened: the data is not base64url: "\$" at position 3/],
    ['#v1=AAAAAAAA', /not compressed as Brook writes it/],
    ['#v7=AAAA', /the format "v7" is unknown \(this page reads v1\)/],
  ];
  for (const [fragment, message] of cases) {
    const errors = [];
    const page = await open(context, `${base}${fragment}`, errors);
    const banner = await until(() => page.textContent('[data-testid=share-error]').catch(() => ''), (t) => t.length > 0, 10_000);
    assert.match(banner, message, fragment);
    assert.equal(await page.inputValue('[data-testid=preset]'), 'quickstart', 'the default preset');
    if (fragment.includes('AB$D')) await screenshot(page, 'share-banner');
    assert.deepEqual(errors, [], `no panic for ${fragment}`);
    await page.close();
  }
  await context.close();
});

test('a run too long for a link says so and offers the export file', async () => {
  const errors = [];
  const context = await newContext();
  const page = await open(context, `${base}?play=0`, errors);
  // The run's export with a description of random text: it does not compress under the limit.
  const download = page.waitForEvent('download');
  await page.click('[data-testid=export]');
  const exported = JSON.parse(await readFile(await (await download).path(), 'utf8'));
  let noise = '';
  for (let i = 0; i < 9_500; i++) noise += String.fromCharCode(33 + Math.floor(Math.random() * 90));
  exported.description = noise.replace(/["\\]/g, 'x');
  const text = JSON.stringify(exported);
  await page.setInputFiles('[data-testid=import]', { name: 'noisy.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await until(() => page.textContent('[data-testid=description]'), (t) => t.startsWith(exported.description.slice(0, 20)), 5_000);
  await page.click('[data-testid=copy-link]');
  const status = await until(() => page.textContent('[data-testid=share-status]'), (t) => t.length > 0, 10_000);
  assert.match(status, /this run's link would be \d+ characters, over the 8000/, status);
  assert.ok(await page.isVisible('[data-testid=share-export]'), 'the export file is offered');
  assert.ok(!(await page.isVisible('[data-testid=share-link]')), 'no link to copy');
  const again = page.waitForEvent('download');
  await page.click('[data-testid=share-export]');
  assert.match((await again).suggestedFilename(), /^brook-.*\.json$/);
  await screenshot(page, 'share-too-long');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a reload restores the autosaved run; an unreadable save is discarded with a notice', async () => {
  const errors = [];
  const context = await newContext();
  const page = await open(context, `${base}?preset=peak-shaving&play=0`, errors);
  for (let i = 0; i < 12; i++) await page.click('[data-testid=step]');
  await page.click('[data-testid=add-member]');
  for (let i = 0; i < 8; i++) await page.click('[data-testid=step]');
  await page.waitForTimeout(2_000);
  const before = await figures(page);
  assert.equal(before.time, '2.0 s');
  await page.reload();
  await page.waitForSelector('[data-testid=produced]');
  await settled(page, before.time);
  assert.deepEqual(await figures(page), before, 'the same run after the reload');
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'false');
  const saved = await page.evaluate(() => localStorage.getItem('brook.autosave.v1'));
  assert.match(saved, /^at_ms=2000\nlang=en\npreset=peak-shaving\naddress=\?preset=peak-shaving&play=0&seed=1\n\n\{/);

  // Another address is a new start: its query wins over the save.
  const other = await open(context, `${base}?preset=stress&play=0`, errors);
  assert.equal(await other.inputValue('[data-testid=preset]'), 'stress');
  assert.equal(await other.textContent('[data-testid=virtual-time]'), '0.0 s');
  await other.close();

  // An unreadable save (written from a blank page of the same origin, with no Brook page open
  // to overwrite it).
  await page.close();
  const blank = await context.newPage();
  await blank.goto(`${base}blank.html`);
  await blank.evaluate(() => localStorage.setItem('brook.autosave.v1', 'at_ms=12\nlang=en\n\n{ "topics": '));
  const fresh = await open(context, `${base}?preset=peak-shaving&play=0&seed=1`, errors);
  const notice = await until(() => fresh.textContent('[data-testid=share-error]').catch(() => ''), (t) => t.length > 0, 10_000);
  assert.match(notice, /The run saved in this browser could not be read and was discarded: scenario: /);
  assert.equal(await fresh.inputValue('[data-testid=preset]'), 'peak-shaving', 'the address opens');
  assert.equal(await blank.evaluate(() => localStorage.getItem('brook.autosave.v1')), null, 'removed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('embedded in a sandboxed frame, the page shows the stage and plays', async () => {
  const errors = [];
  const context = await newContext();
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${base}host.html`);
  const frame = page.frameLocator('#brook');
  await frame.locator('[data-testid=play]').waitFor({ timeout: 20_000 });
  const time = () => frame.locator('[data-testid=virtual-time]').textContent();
  const t0 = parseFloat(await time());
  const t1 = parseFloat(await until(time, (t) => parseFloat(t) > t0 + 1, 10_000));
  assert.ok(t1 > t0 + 1, `virtual time advances in the frame (${t0} -> ${t1})`);
  // Only the stage, play and step are shown; the stage fits the frame.
  assert.ok(await frame.locator('[data-testid=play]').isVisible());
  assert.ok(await frame.locator('[data-testid=step]').isVisible());
  for (const hidden of ['preset', 'seed', 'speed', 'counters', 'charts', 'copy-link', 'lesson-menu', 'add-member']) {
    assert.ok(!(await frame.locator(`[data-testid=${hidden}]`).first().isVisible()), `${hidden} is hidden`);
  }
  const box = await frame.locator('canvas[data-testid=stage]').boundingBox();
  const frameBox = await page.locator('#brook').boundingBox();
  assert.ok(box.width > 400 && box.width <= frameBox.width, `stage ${box.width} wide in a ${frameBox.width} frame`);
  assert.ok(box.height > 200 && box.y + box.height <= frameBox.y + frameBox.height, 'stage inside the frame');
  // Pause, then Step moves it by 100 ms: read in whole ms from the timeline (hidden when
  // embedded, still in the page). The seconds shown are rounded to a tenth, so a pause at
  // 1.45 s and a step to 1.55 s read "1.4 s -> 1.6 s". The figures are written at the next
  // panel refresh: read once they no longer move.
  await frame.locator('[data-testid=play]').click();
  const nowMs = async () => Number(await frame.locator('[data-testid=timeline]').getAttribute('data-now-ms'));
  let paused = await nowMs();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(300);
    const again = await nowMs();
    if (again === paused) break;
    paused = again;
  }
  await frame.locator('[data-testid=step]').click();
  const stepped = await until(nowMs, (t) => t !== paused, 5_000);
  assert.equal(stepped - paused, 100, `${paused} ms -> ${stepped} ms`);
  await page.waitForTimeout(300);
  await screenshot(page, 'share-embed');
  assert.deepEqual(errors, [], 'storage and the clipboard refused without an error');
  await context.close();
});
