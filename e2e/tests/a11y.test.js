// Accessibility (issue 13), in real headless Chromium: axe-core (npm, e2e/package.json) finds
// no serious or critical violation on the main page, with the inspector open, on a lesson step
// and in presenter mode; the Tab key reaches every control; the stage is operated by keyboard
// (arrows choose a producer, broker, partition or reader, named in a status line and outlined;
// Enter opens it in the inspector); and a polite live region says what the stage shows, in
// English and Traditional Chinese, updated at most once a second. Screenshots:
// artifacts/a11y-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { serveDist, launch, openPage, canvasHash, until, screenshot } from './helpers.js';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server;
let browser;
before(async () => {
  server = await serveDist();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

/** axe-core's serious and critical violations on the page as it is, one line each. */
async function serious(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe: no serious or critical violation on the page, inspector, lesson step and presenter mode', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  await page.click('[data-testid=step]');
  assert.deepEqual(await serious(page), [], 'main page');
  await screenshot(page, 'a11y-main');

  // The inspector, opened from the stage by keyboard.
  await page.focus('[data-testid=stage]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=inspector]');
  assert.deepEqual(await serious(page), [], 'inspector open');
  await screenshot(page, 'a11y-inspector');

  // Presenter mode (full screen may be refused headless; the layout changes all the same).
  await page.click('[data-testid=presenter]');
  await page.waitForSelector('main.presenter');
  assert.deepEqual(await serious(page), [], 'presenter mode');
  await screenshot(page, 'a11y-presenter');
  await page.close();

  const lesson = await openPage(browser, `${server.url}?lesson=decoupling&step=2`, errors);
  await lesson.waitForSelector('[data-testid=lesson]');
  assert.deepEqual(await serious(lesson), [], 'lesson step');
  await screenshot(lesson, 'a11y-lesson');
  await lesson.close();
  assert.deepEqual(errors, []);
});

test('Tab reaches every control, and the stage is operated by keyboard', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  // Every control a pointer can use, visible and enabled.
  const controls = await page.evaluate(() => {
    const all = document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])');
    let n = 0;
    for (const el of all) {
      const r = el.getBoundingClientRect();
      const hidden = el.closest('[hidden]') || getComputedStyle(el).visibility === 'hidden' || (r.width === 0 && r.height === 0);
      if (el.disabled || hidden) continue;
      el.setAttribute('data-a11y-id', String(n++));
    }
    return n;
  });
  assert.ok(controls > 20, `controls found: ${controls}`);
  const reached = new Set();
  for (let i = 0; i < controls * 2 + 10; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.getAttribute('data-a11y-id'));
    if (id !== null && id !== undefined) {
      if (reached.has(id) && reached.size === controls) break;
      reached.add(id);
    }
  }
  const missed = await page.evaluate((seen) => [...document.querySelectorAll('[data-a11y-id]')]
    .filter((e) => !seen.includes(e.getAttribute('data-a11y-id')))
    .map((e) => e.outerHTML.slice(0, 120)), [...reached]);
  assert.deepEqual(missed, [], 'every control is reached by Tab');

  // The stage: focused, the arrows choose things in reading order, named in a status line and
  // outlined on the canvas; Enter opens the chosen one in the inspector.
  await page.focus('[data-testid=stage]');
  const still = await canvasHash(page);
  await page.keyboard.press('ArrowRight');
  const first = await until(() => page.textContent('[data-testid=stage-cursor]'), (t) => t.length > 0, 5_000);
  const total = Number(first.match(/\(1 of (\d+)\)/)?.[1]);
  assert.ok(total > 5, `the first thing is named with its place: ${first}`);
  assert.match(first, /Enter opens it in the inspector/);
  await until(() => canvasHash(page), (h) => h !== still, 5_000);
  assert.notEqual(await canvasHash(page), still, 'the chosen thing is outlined');
  const time = await page.textContent('[data-testid=virtual-time]');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.textContent('[data-testid=virtual-time]'), time, 'the arrow is the stage\'s, not Step');
  assert.match(await page.textContent('[data-testid=stage-cursor]'), new RegExp(`\\(2 of ${total}\\)`));
  await page.keyboard.press('End');
  const last = await page.textContent('[data-testid=stage-cursor]');
  assert.match(last, new RegExp(`\\(${total} of ${total}\\)`));
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('[data-testid=stage-cursor]'), new RegExp(`\\(1 of ${total}\\)`), 'round to the first');
  // Walk to each kind of thing and open it: the inspector's heading is the name announced.
  const opened = new Set();
  for (let i = 0; i < total; i++) {
    const said = await page.textContent('[data-testid=stage-cursor]');
    const name = said.replace(/ \(\d+ of \d+\).*$/, '');
    const kind = name.split(' ')[0];
    if (!opened.has(kind)) {
      opened.add(kind);
      await page.keyboard.press('Enter');
      const heading = await until(() => page.$eval('[data-testid=inspector] h2, [data-testid=inspector] h3', (h) => h.textContent).catch(() => ''), (h) => h.includes(name), 5_000);
      assert.ok(heading.includes(name), `Enter on "${name}" opens it: ${heading}`);
      await page.focus('[data-testid=stage]');
    }
    await page.keyboard.press('ArrowRight');
  }
  assert.ok(opened.size >= 3, `producers, partitions and readers opened: ${[...opened]}`);
  await screenshot(page, 'a11y-stage-keyboard');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the live region says what the stage shows, in both languages, at most once a second', async () => {
  const errors = [];
  for (const [lang, words] of [['en', /^The stage shows brokers: \d+ \(\d+ down\); topics: \d+, with \d+ partitions; producers: \d+; readers: \d+, with \d+ members\.$/], ['zh-TW', /^模擬畫面上有 \d+ 台 Broker/]]) {
    const page = await openPage(browser, `${server.url}?preset=broker-failure-acks&lang=${lang}`, errors);
    const region = await page.$('[aria-live=polite][data-testid=stage-live]');
    assert.ok(region, 'a polite live region');
    const text = await until(() => region.textContent(), (t) => t.length > 0, 5_000);
    assert.match(text, words);
    // Its updates, timed while the run plays (broker-failure-acks crashes broker 0 at 5 s).
    await page.evaluate(() => {
      window.__updates = [];
      new MutationObserver(() => window.__updates.push(performance.now()))
        .observe(document.querySelector('[data-testid=stage-live]'), { childList: true, characterData: true, subtree: true });
    });
    await page.waitForTimeout(lang === 'en' ? 7000 : 1500);
    const times = await page.evaluate(() => window.__updates);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i] - times[i - 1] >= 990, `updates ${Math.round(times[i] - times[i - 1])} ms apart`);
    }
    if (lang === 'en') {
      assert.match(await region.textContent(), /\(1 down\)/, 'the crash at 5 s is said');
    }
    await page.close();
  }
  assert.deepEqual(errors, []);
});

test('in the heat view the keyboard reaches the broker and partition cells too', async () => {
  // production: 128 producers, 64 brokers and 16,384 partitions drawn as cells, 4 groups of
  // 256 members. Every broker and partition cell is in the stage's list, as a click reaches it.
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=production&play=0`, errors);
  await page.focus('[data-testid=stage]');
  await page.keyboard.press('ArrowRight');
  const first = await until(() => page.textContent('[data-testid=stage-cursor]'), (t) => t.length > 0, 10_000);
  const total = Number(first.match(/\(1 of (\d+)\)/)?.[1]);
  assert.equal(total, 128 + 64 + 16_384 + 4 + 4 * 256, `every cell is listed: ${first}`);
  // The first broker comes right after the producers; Enter opens it.
  for (let i = 0; i < 128; i++) await page.keyboard.press('ArrowRight');
  const broker = await page.textContent('[data-testid=stage-cursor]');
  assert.match(broker, /\(129 of /);
  const still = await canvasHash(page);
  await page.keyboard.press('Enter');
  const name = broker.replace(/ \(\d+ of \d+\).*$/, '');
  const heading = await until(() => page.$eval('[data-testid=inspector] h2, [data-testid=inspector] h3', (h) => h.textContent).catch(() => ''), (h) => h.includes(name), 10_000);
  assert.ok(heading.includes(name), `Enter on "${name}" opens it: ${heading}`);
  // And a partition cell: the 64 brokers later.
  await page.focus('[data-testid=stage]');
  for (let i = 0; i < 64; i++) await page.keyboard.press('ArrowRight');
  const partition = await page.textContent('[data-testid=stage-cursor]');
  assert.match(partition, /\(193 of /);
  await until(() => canvasHash(page), (h) => h !== still, 5_000);
  await screenshot(page, 'a11y-heat-keyboard');
  assert.deepEqual(errors, []);
  await page.close();
});
