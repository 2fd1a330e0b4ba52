// The app as a user meets it: served from dist/ on 127.0.0.1, in real headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, counter, until, inkFraction, canvasHash, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('paused page stays still; Play makes traffic flow and the counters advance', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?play=0`, errors);
  assert.equal(await page.textContent('[data-testid=play]'), 'Play');
  await page.waitForTimeout(400);
  assert.equal(await counter(page, 'produced'), 0, 'nothing is produced while paused');

  await page.click('[data-testid=play]');
  const produced = await until(() => counter(page, 'produced'), (n) => n > 500);
  assert.ok(produced > 500, `produced counter advanced (${produced})`);
  const consumed = await until(() => counter(page, 'consumed'), (n) => n > 100);
  assert.ok(consumed > 100, `consumed counter advanced (${consumed})`);

  const ink = await inkFraction(page);
  assert.ok(ink > 0.03, `canvas is drawn (${(ink * 100).toFixed(1)}% of pixels inked)`);
  const a = await canvasHash(page);
  await page.waitForTimeout(300);
  const b = await canvasHash(page);
  assert.notEqual(a, b, 'the picture moves from frame to frame');

  await screenshot(page, 'quickstart');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});

test('the same seed gives the same figures after the same virtual time', async () => {
  const figures = [];
  for (let run = 0; run < 2; run++) {
    const errors = [];
    const page = await openPage(browser, `${server.url}?play=0&seed=7`, errors);
    for (let i = 0; i < 20; i++) await page.click('[data-testid=step]'); // 20 x 100 ms
    await page.waitForTimeout(300);
    assert.equal(await page.textContent('[data-testid=virtual-time]'), '2.0 s');
    figures.push([await counter(page, 'produced'), await counter(page, 'consumed'), await counter(page, 'lag')]);
    assert.deepEqual(errors, []);
    await page.close();
  }
  assert.ok(figures[0][0] > 0);
  assert.deepEqual(figures[0], figures[1]);
});

test('bad input gets a message naming the field', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?seed=banana&play=0`, errors);
  const banner = await page.textContent('[data-testid=url-errors]');
  assert.match(banner, /seed: "banana" is not a whole number/);
  await page.fill('[data-testid=seed]', '12x');
  const inline = await page.textContent('[data-testid=seed-error]');
  assert.match(inline, /^seed: "12x"/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('every preset opens, runs and draws without errors', async () => {
  const names = await (async () => {
    const errors = [];
    const page = await openPage(browser, `${server.url}?play=0`, errors);
    const list = await page.$$eval('[data-testid=preset] option', (os) => os.map((o) => o.value));
    await page.close();
    return list;
  })();
  assert.ok(names.length >= 7, `presets listed: ${names}`);
  for (const name of names) {
    const errors = [];
    const page = await openPage(browser, `${server.url}?preset=${name}`, errors);
    await until(() => counter(page, 'consumed'), (n) => n > 0);
    assert.ok((await counter(page, 'produced')) > 0, `${name}: produced`);
    assert.ok((await inkFraction(page)) > 0.03, `${name}: canvas drawn`);
    assert.notEqual(await page.textContent('[data-testid=description]'), '', `${name}: described`);
    await screenshot(page, `preset-${name}`);
    assert.deepEqual(errors, [], `${name}: no console errors`);
    await page.close();
  }
});
