// Every guided lesson, in English and Traditional Chinese, at 1280x720: opened from the
// address, walked through step by step with the Next button (and once with the keys), a
// screenshot per step (artifacts/lesson-NAME-LANG-N.png). At each step the stage canvas, the
// chart the step highlights and the panel it asks for (the run without a queue, a followed
// record) are inside the viewport, no text of the lesson panel overflows its box, and the stage
// reports no clipped label (when the stage reports it). At peak shaving's comparison the panel's
// figures show what crates/brook-engine/tests/direct_call.rs shows for the same seed: direct
// calls failed or timed out, the queue lost none.
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
function problems(page, chart, step) {
  return page.evaluate(({ chart, step, vw, vh }) => {
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
    // The panel a step asks for is beside the stage; a step that asks for none has none shown
    // (the lesson opened it, the lesson closes it).
    for (const [asked, id] of [[step.without_queue, 'without-queue'], [step.follow, 'follow-journey']]) {
      const el = document.querySelector(`.side [data-testid=${id}]`);
      if (asked) {
        if (el) inside(el, `the ${id} panel`); else out.push(`the ${id} panel is not beside the stage`);
      } else if (el) out.push(`the ${id} panel is shown, not asked for`);
    }
    if (!step.without_queue && document.querySelector('[data-testid=without-queue]')) {
      out.push('the without-queue panel stayed open after its step');
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
  }, { chart, step: { without_queue: !!step.without_queue, follow: !!step.follow }, vw: VIEWPORT.width, vh: VIEWPORT.height });
}

/** Peak shaving's comparison: the spike failed or timed out direct calls while the queue lost
 *  none and holds a backlog (crates/brook-engine/tests/direct_call.rs,
 *  peak_shaving_spike_fails_direct_calls_while_the_queue_loses_none, seed 1). */
async function peakShavingCompared(page, what) {
  const figure = async (id) => Number((await page.textContent(`.side [data-testid=${id}]`)).replace(/[^0-9]/g, ''));
  const failed = (await figure('wq-failed')) + (await figure('wq-timed-out'));
  assert.ok(failed > 0, `${what}: direct calls failed or timed out (${failed})`);
  assert.ok((await figure('wq-sent')) > failed, `${what}: orders were sent`);
  const queue = await page.$('.side [data-testid=wq-queue]');
  assert.equal(await queue.getAttribute('data-lost'), '0', `${what}: the queue lost none`);
  assert.ok(Number(await queue.getAttribute('data-backlog')) > 1000, `${what}: the queue holds the spike as a backlog`);
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
        if (step.follow) {
          // The record is followed once the step's moment is reached; its journey then shows
          // who processed it.
          const who = () => page.textContent('.side [data-testid=follow-who]').catch(() => '');
          assert.ok((await until(who, (t) => t && !/not processed yet|尚未處理/.test(t), 10_000)), `${lesson.name} ${n}: the followed record is processed`);
        }
        if (step.without_queue && lesson.name === 'peak-shaving') await peakShavingCompared(page, `${lesson.name} ${lang} ${n}`);
        await page.screenshot({ path: join(ARTIFACTS, `lesson-${lesson.name}-${lang}-${n}.png`) });
        assert.deepEqual(await problems(page, chart, step), [], `${lesson.name} ${lang} step ${n}`);
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
  for (let i = 2; i <= 6; i++) await page.keyboard.press('ArrowRight');
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
  assert.match(await page.textContent('[data-testid=lesson-error]'), /step: "9" must be a whole number from 1 to 6/);
  await atStep(page, 1);
  await page.goto(`${server.url}?lesson=nope`);
  await page.waitForSelector('[data-testid=url-errors]');
  assert.match(await page.textContent('[data-testid=url-errors]'), /lesson: "nope" is not one of decoupling/);
  assert.deepEqual(errors, []);
  await context.close();
});
