// Every guided lesson, in English and Traditional Chinese, at 1280x720: opened from the
// address, walked through step by step with the Next button (and once with the keys), a
// screenshot per step (artifacts/lesson-NAME-LANG-N.png). At each step the stage canvas and the
// chart the step highlights are inside the viewport, no text of the lesson panel overflows its
// box, and the stage reports no clipped label (when the stage reports it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, until, ARTIFACTS, DIST } from './helpers.js';

const VIEWPORT = { width: 1280, height: 720 };
const LANGS = ['en', 'zh-TW'];

let server;
let browser;
let lessons;
before(async () => {
  server = await serveDist();
  browser = await launch();
  await mkdir(ARTIFACTS, { recursive: true });
  const names = (await readdir(join(DIST, 'lessons'))).filter((f) => f.endsWith('.json')).sort();
  lessons = await Promise.all(names.map(async (f) => JSON.parse(await readFile(join(DIST, 'lessons', f), 'utf8'))));
});
after(async () => { await browser?.close(); await server?.close(); });

async function open(context, query, errors) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('[data-testid=lesson]', { timeout: 20_000 });
  return page;
}

/** Waits until the panel shows step `n` (1-based) and its replay is done. */
async function atStep(page, n) {
  const step = () => page.getAttribute('[data-testid=lesson]', 'data-step');
  assert.equal(await until(step, (s) => s === String(n), 10_000), String(n), `step ${n} shown`);
  const replaying = () => page.$('[data-testid=lesson-replaying]');
  assert.equal(await until(replaying, (e) => e === null, 20_000), null, `step ${n}: the replay ends`);
}

/** What is wrong with the page at this step: boxes out of the viewport, text overflowing. */
function problems(page, chart) {
  return page.evaluate(({ chart, vw, vh }) => {
    const out = [];
    const inside = (el, what) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) out.push(`${what} is not shown`);
      else if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
        out.push(`${what} is outside the viewport: ${JSON.stringify([r.left, r.top, r.right, r.bottom].map(Math.round))}`);
      }
    };
    const stage = document.querySelector('canvas[data-testid=stage]');
    inside(stage, 'the stage');
    const clipped = stage.getAttribute('data-clipped-labels');
    if (clipped !== null && clipped !== '0') out.push(`the stage clipped ${clipped} labels`);
    if (chart) {
      // The focus chart's box (the page layout's `data-chart`); before that layout, the
      // charts canvas holds every chart below the fold and is not checked.
      const box = document.querySelector(`[data-chart="${chart}"]`);
      if (box) inside(box, `chart ${chart}`);
    }
    const panel = document.querySelector('[data-testid=lesson]');
    inside(panel, 'the lesson panel');
    for (const el of [panel, ...panel.querySelectorAll('*')]) {
      if (el.clientWidth === 0 && el.clientHeight === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
        out.push(`text overflows ${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}): ${el.textContent.slice(0, 60)}`);
      }
    }
    return out;
  }, { chart, vw: VIEWPORT.width, vh: VIEWPORT.height });
}

for (const lang of LANGS) {
  test(`every lesson, every step, in ${lang}`, async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
    for (const lesson of lessons) {
      const errors = [];
      const page = await open(context, `?lesson=${lesson.name}&lang=${lang}`, errors);
      const title = await page.textContent('[data-testid=lesson-title]');
      assert.equal(title, lesson.title[lang], `${lesson.name}: the title in ${lang}`);
      for (let i = 0; i < lesson.steps.length; i++) {
        const n = i + 1;
        await atStep(page, n);
        const step = lesson.steps[i];
        assert.equal(await page.textContent('[data-testid=lesson-text]'), step.text[lang], `${lesson.name} ${n}: the text`);
        if (step.question) {
          await page.click('[data-testid=lesson-reveal]');
          await page.waitForSelector('[data-testid=lesson-answer]');
        }
        const chart = step.highlight?.startsWith('chart.') ? step.highlight.slice(6) : null;
        await page.screenshot({ path: join(ARTIFACTS, `lesson-${lesson.name}-${lang}-${n}.png`) });
        assert.deepEqual(await problems(page, chart), [], `${lesson.name} ${lang} step ${n}`);
        const query = new URL(page.url()).searchParams;
        assert.equal(query.get('step'), String(n), `${lesson.name} ${n}: the address follows`);
        await page.click('[data-testid=lesson-next]');
      }
      await page.waitForSelector('[data-testid=lesson-sandbox]');
      assert.deepEqual(errors, [], `${lesson.name} ${lang}: no console error or uncaught exception`);
      await page.close();
    }
    await context.close();
  });
}

test('keys move through a lesson, . steps the run, Escape closes; the sandbox runs on', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  const page = await open(context, '?lesson=peak-shaving&step=2', errors);
  await atStep(page, 2);
  await page.keyboard.press('ArrowRight');
  await atStep(page, 3);
  await page.keyboard.press('PageDown');
  await atStep(page, 4);
  await page.keyboard.press('PageUp');
  await atStep(page, 3);
  await page.keyboard.press('ArrowLeft');
  await atStep(page, 2);
  assert.match(await page.getAttribute('[data-testid=step]', 'title'), /\. while a lesson is open/);
  // To the end: the sandbox message, and virtual time goes on.
  for (let i = 2; i <= 5; i++) await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=lesson-sandbox]');
  const t = async () => Number((await page.textContent('[data-testid=virtual-time]') ?? '').replace(/[^0-9.]/g, ''));
  const t0 = await t();
  assert.ok(await until(t, (v) => v > t0 + 0.5, 5_000) > t0 + 0.5, 'the run keeps going after the last step');
  await page.keyboard.press('Escape');
  await until(() => page.$('[data-testid=lesson]'), (e) => e === null, 5_000);
  assert.equal(await page.$('[data-testid=lesson]'), null, 'Escape closed the lesson');
  const query = new URL(await until(() => page.url(), (u) => !u.includes('lesson='), 5_000)).searchParams;
  assert.equal(query.get('lesson'), null, 'the address leaves the lesson');
  // Without a lesson the right arrow steps the run again (it is paused first).
  await page.keyboard.press(' ');
  assert.equal(await page.$('[data-testid=lesson]'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the menu opens a lesson; a bad step names the parameter and its limit', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}?play=0`);
  await page.waitForSelector('[data-testid=lesson-menu]');
  await page.selectOption('[data-testid=lesson-menu]', 'durability');
  await atStep(page, 1);
  assert.equal(new URL(page.url()).searchParams.get('lesson'), 'durability');
  await page.goto(`${server.url}?lesson=decoupling&step=9`);
  await page.waitForSelector('[data-testid=lesson-error]');
  assert.match(await page.textContent('[data-testid=lesson-error]'), /step: "9" must be a whole number from 1 to 5/);
  await atStep(page, 1);
  await page.goto(`${server.url}?lesson=nope`);
  await page.waitForSelector('[data-testid=url-errors]');
  assert.match(await page.textContent('[data-testid=url-errors]'), /lesson: "nope" is not one of decoupling/);
  assert.deepEqual(errors, []);
  await context.close();
});
