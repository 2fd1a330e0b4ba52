// The timeline (issue 11): in broker-failure-acks, play past the broker crash, scrub back to
// before it, replay to the same time: the figures and the engine's trace hash equal the first
// pass. Then act after going back: the scrubber says the later actions were dropped, and they
// are gone from its marks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SLIDER = '[data-testid=timeline-slider]';

/** The scrubber's figures. */
function timeline(page) {
  return page.$eval('[data-testid=timeline]', (el) => ({
    now: Number(el.dataset.nowMs),
    furthest: Number(el.dataset.furthestMs),
    // The engine's trace hash, as the counters panel writes it.
    hash: document.querySelector('[data-testid=counters]').dataset.traceHash,
    seeking: el.dataset.seeking === 'true',
    checkpoints: Number(el.dataset.checkpoints),
    userMarks: [...el.querySelectorAll('.mark[data-user=true]')].map((m) => Number(m.dataset.tMs)),
    marks: [...el.querySelectorAll('.mark')].map((m) => m.dataset.kind + m.dataset.tMs + m.dataset.user),
    crashes: [...el.querySelectorAll('.mark[data-kind=crash]')].map((m) => Number(m.dataset.tMs)),
  }));
}

/** Waits until the run is at `ms` with no seek under way, and the panels showed it. */
async function settledAt(page, ms) {
  await page.waitForFunction((t) => {
    const el = document.querySelector('[data-testid=timeline]');
    return el.dataset.seeking === 'false' && Number(el.dataset.nowMs) === t;
  }, ms, { timeout: 20_000 });
  await page.waitForTimeout(400); // the panels refresh five times a second
}

async function steps(page, n) {
  for (let i = 0; i < n; i++) await page.click('[data-testid=step]');
}

/** Goes to a whole second with the keyboard: Home, then Right arrow presses of 1 s. */
async function keysTo(page, seconds) {
  await page.focus(SLIDER);
  await page.keyboard.press('Home');
  for (let i = 0; i < seconds; i++) await page.keyboard.press('ArrowRight');
  await settledAt(page, seconds * 1000);
}

test('broker-failure-acks: back before the crash and replayed, the figures and the trace hash equal the first pass; acting there forks', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=broker-failure-acks&play=0`, errors);
  // Actions at known times: a spike at 2 s and another at 8 s (after the crash at 5 s).
  await steps(page, 20);
  await page.click('[data-testid=spike]');
  await steps(page, 60);
  await page.click('[data-testid=spike]');
  // Play past the crash, fast, then pause.
  for (let i = 0; i < 3; i++) await page.keyboard.press('+');
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline]').dataset.nowMs) > 14_000, null, { timeout: 30_000 });
  await page.click('[data-testid=play]');
  await page.waitForTimeout(400);
  const first = await timeline(page);
  await settledAt(page, first.now);
  const firstCounters = await page.textContent('[data-testid=counters]');
  const end = await timeline(page);
  assert.equal(end.furthest, end.now, 'the scrubber spans the run so far');
  assert.ok(end.crashes.includes(5_000), `the crash is marked: ${JSON.stringify(end)}`);
  assert.deepEqual(end.userMarks, [2_001, 8_001], 'the two spikes, where they applied');
  assert.ok(end.checkpoints >= 2, `checkpoints every 5 virtual s: ${end.checkpoints}`);
  // Processed twice / lost / failed: acks=1 records are lost at the crash.
  const faults = (await page.textContent('[data-testid=faults]')).split('/').map((x) => Number(x.replace(/[^0-9]/g, '')));
  assert.ok(faults[1] > 0, `acks=1 lost records at the crash: ${faults}`);

  // Click on the scrubber before the crash (about 4 s in).
  const box = await page.locator(SLIDER).boundingBox();
  await page.mouse.click(box.x + box.width * (4_000 / end.furthest), box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('[data-testid=timeline]').dataset.seeking === 'false'
    && Number(document.querySelector('[data-testid=timeline]').dataset.nowMs) < 5_000, null, { timeout: 20_000 });
  await page.waitForTimeout(400);
  const back = await timeline(page);
  assert.ok(back.now > 3_000 && back.now < 5_000, `before the crash: ${back.now}`);
  assert.notEqual(back.hash, end.hash);
  assert.equal(back.furthest, end.furthest, 'going back keeps the end');
  assert.match(await page.getAttribute(SLIDER, 'aria-valuetext'), /^\d+\.\d s of \d+\.\d s$/);
  await screenshot(page, 'timeline-back-before-crash');

  // Replay to the same time (End on the scrubber): the same run.
  await page.focus(SLIDER);
  await page.keyboard.press('End');
  await settledAt(page, end.now);
  const again = await timeline(page);
  assert.equal(again.hash, end.hash, 'the trace hash equals the first pass');
  assert.equal(await page.textContent('[data-testid=counters]'), firstCounters, 'the figures equal the first pass');
  assert.deepEqual(again.userMarks, end.userMarks, `no action dropped by going back and forth: ${JSON.stringify([end, again])}`);

  // Back to 6 s with the keyboard, then act: the spike at 8 s is dropped.
  await keysTo(page, 6);
  assert.equal(await page.getAttribute(SLIDER, 'aria-valuenow'), '6000');
  await page.click('[data-testid=spike]');
  const notice = await page.waitForSelector('[data-testid=timeline-forked]');
  const text = await notice.textContent();
  assert.match(text, /acted at 6\.0 s/, text);
  assert.match(text, new RegExp(`up to ${(end.now / 1000).toFixed(1).replace('.', '\\.')} s`), text);
  assert.match(text, /with 1 later action/, text);
  await steps(page, 1);
  await settledAt(page, 6_100);
  const fork = await timeline(page);
  assert.deepEqual(fork.userMarks, [2_001, 6_001], 'the later spike is gone, the new one is there');
  assert.equal(fork.furthest, 6_100, 'the run now ends where it forked');
  const shot = await screenshot(page, 'timeline-forked');
  console.log(`screenshot: ${shot}`);
  const scrubber = await page.locator('[data-testid=timeline]').screenshot({ path: shot.replace('.png', '-scrubber.png') });
  assert.ok(scrubber.length > 0);
  assert.deepEqual(errors, []);
  await page.close();
});
