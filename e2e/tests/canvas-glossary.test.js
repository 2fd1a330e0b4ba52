// The glossary on the stage (issue 10, item 6): a term the canvas writes shows the same
// definition as the page's HTML terms (the catalogue's text, in English and in zh-TW) beside
// the pointer, inside the window, with a help cursor; leaving the term hides it. Keyboard
// users reach the same terms by Tab in the list of terms on the stage; the focused one is
// outlined on the stage. The canvas writes where the first label of each term is
// (`data-terms`, JSON) for this test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist, launch, openPage, until, screenshot } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The catalogue's English and zh-TW text of each key (`Key = "en", "zh";`). */
function catalogue() {
  const src = readFileSync(join(here, '..', '..', 'src', 'model', 'i18n', 'catalogue.rs'), 'utf8');
  const out = {};
  const str = '"((?:[^"\\\\]|\\\\.)*)"';
  // Rust's escapes: \u{00d7} is the character, \" and \\ as in JSON.
  const text = (s) => JSON.parse(`"${s.replace(/\\u\{([0-9a-f]+)\}/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))}"`);
  for (const m of src.matchAll(new RegExp(`(\\w+) = ${str},\\s*${str};`, 'g'))) {
    out[m[1]] = { en: text(m[2]), 'zh-TW': text(m[3]) };
  }
  return out;
}
const CAT = catalogue();

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The stage's term regions once it has drawn some: [{ def, x, y, w, h }], canvas px. */
async function regions(page) {
  const json = await until(
    () => page.getAttribute('[data-testid=stage]', 'data-terms'),
    (v) => v && JSON.parse(v).length > 3,
  );
  return JSON.parse(json);
}

/** Moves the pointer to the centre of `r` (canvas px) and returns the tooltip shown. */
async function hover(page, r) {
  const box = await page.locator('[data-testid=stage]').boundingBox();
  const [x, y] = [box.x + r.x + r.w / 2, box.y + r.y + r.h / 2];
  await page.mouse.move(x, y);
  const tip = page.locator('[data-testid=stage-tip]');
  await tip.waitFor({ state: 'visible', timeout: 5_000 });
  return {
    text: await tip.textContent(),
    box: await tip.boundingBox(),
    cursor: await page.$eval('[data-testid=stage]', (c) => getComputedStyle(c).cursor),
    at: { x, y },
  };
}

/** Asserts the tooltip for the region of `key`'s definition shows that definition. */
async function checkTerm(page, list, key, lang) {
  const def = CAT[key][lang];
  const r = list.find((t) => t.def === def);
  assert.ok(r, `${key}: a region on the stage with the catalogue's ${lang} definition: ${JSON.stringify(list.map((t) => t.def))}`);
  const tip = await hover(page, r);
  assert.equal(tip.text, def, `${key}: the tooltip shows the catalogue's ${lang} definition`);
  assert.equal(tip.cursor, 'help', `${key}: a help cursor over the term`);
  const view = page.viewportSize();
  assert.ok(tip.box.x >= 0 && tip.box.y >= 0 && tip.box.x + tip.box.width <= view.width
    && tip.box.y + tip.box.height <= view.height, `${key}: the tooltip is inside the window: ${JSON.stringify(tip.box)}`);
  // Beside the pointer, not over it.
  const inside = tip.at.x >= tip.box.x && tip.at.x <= tip.box.x + tip.box.width
    && tip.at.y >= tip.box.y && tip.at.y <= tip.box.y + tip.box.height;
  assert.ok(!inside, `${key}: the tooltip does not cover the pointer`);
  return r;
}

/** Moves the pointer off the stage and checks the tooltip is hidden. */
async function leave(page) {
  await page.mouse.move(2, 2);
  await page.locator('[data-testid=stage-tip]').waitFor({ state: 'hidden', timeout: 5_000 });
}

// broker-failure-acks: three brokers, replicated partitions (chips, high watermark), a group.
const URL = (lang) => `${server.url}?preset=broker-failure-acks&play=0${lang === 'zh-TW' ? '&lang=zh-TW' : ''}`;

for (const lang of ['en', 'zh-TW']) {
  test(`the stage's terms show the catalogue's definition on hover (${lang})`, async () => {
    const errors = [];
    const page = await openPage(browser, URL(lang), errors);
    for (let i = 0; i < 15; i++) await page.click('[data-testid=step]');
    await page.waitForTimeout(300);
    const list = await regions(page);
    for (const t of list) assert.ok(t.w > 0 && t.h > 0, `a region has a size: ${JSON.stringify(t)}`);
    for (const key of ['GlossProducer', 'GlossBroker', 'GlossReplicas', 'GlossLogEnd', 'GlossHighWatermark', 'GlossLag']) {
      await checkTerm(page, list, key, lang);
    }
    // The partition's name, then leaving the stage hides the tooltip.
    await checkTerm(page, list, 'GlossPartition', lang);
    await screenshot(page, `canvas-glossary-hover-${lang}`);
    await leave(page);
    const cursor = await page.$eval('[data-testid=stage]', (c) => getComputedStyle(c).cursor);
    assert.notEqual(cursor, 'help', 'no help cursor off the terms');
    // The rightmost term: its tooltip goes left of the pointer rather than off the window.
    const right = list.reduce((a, b) => (a.x + a.w > b.x + b.w ? a : b));
    const tip = await hover(page, right);
    assert.equal(tip.text, right.def);
    assert.ok(tip.box.x + tip.box.width <= page.viewportSize().width, JSON.stringify(tip.box));
    await screenshot(page, `canvas-glossary-right-edge-${lang}`);
    await leave(page);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

/** Pixels of the focus outline's colour (#0ea5e9) on the stage. */
function outlinePixels(page) {
  return page.evaluate(() => {
    const c = document.querySelector('canvas[data-testid=stage]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - 0x0e) + Math.abs(d[i + 1] - 0xa5) + Math.abs(d[i + 2] - 0xe9) < 30) n++;
    }
    return n;
  });
}

test('keyboard: Tab reaches the list of terms on the stage; focus shows the definition and outlines the term', async () => {
  const errors = [];
  const page = await openPage(browser, URL('en'), errors);
  for (let i = 0; i < 15; i++) await page.click('[data-testid=step]');
  // Let the dots land: a still stage lists the terms it shows.
  await page.waitForTimeout(2500);
  const list = await regions(page);
  await until(() => page.$$eval('[data-testid=stage-terms] dfn', (d) => d.length), (n) => n > 3);
  const names = await page.$$eval('[data-testid=stage-terms] dfn', (ds) => ds.map((d) => d.getAttribute('aria-description')));
  assert.deepEqual(names, list.map((t) => t.def), 'the list has the terms the stage shows, in the same order');
  const before = await outlinePixels(page);
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  let focused = null;
  for (let i = 0; i < 80 && !focused; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a.closest('[data-testid=stage-terms]') && a.matches('dfn.term')
        ? { def: a.getAttribute('aria-description'), tip: getComputedStyle(a.querySelector('.tip')).display, text: a.querySelector('.tip').textContent }
        : null;
    });
  }
  assert.ok(focused, 'a term of the list takes keyboard focus');
  assert.equal(focused.def, CAT.GlossProducer.en, 'the first term is the producers\'');
  assert.equal(focused.tip, 'block', 'its definition shows on focus');
  assert.equal(focused.text, CAT.GlossProducer.en);
  await page.waitForTimeout(200);
  const after = await outlinePixels(page);
  assert.ok(after > before + 20, `the focused term is outlined on the stage: ${before} -> ${after} outline pixels`);
  await screenshot(page, 'canvas-glossary-keyboard');
  // Tab on: the next term, the outline moves with it; leaving the list removes it.
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement.getAttribute('aria-description'));
  assert.equal(next, list[1].def);
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.waitForTimeout(200);
  assert.ok(await outlinePixels(page) <= before + 5, 'no outline once focus leaves the list');
  assert.deepEqual(errors, []);
  await page.close();
});
