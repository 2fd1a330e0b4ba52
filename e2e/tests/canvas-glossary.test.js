// The glossary on the stage (issue 10, item 6): a term the canvas writes shows the same
// definition as the page's HTML terms (the catalogue's text, in English and in zh-TW) beside
// the pointer, inside the window, with a help cursor; leaving the term hides it. Keyboard
// users reach the same terms by Tab in the list of terms on the stage; the focused one is
// outlined on the stage (#0ea5e9, a colour nothing else there uses), which is also how this
// test finds where the canvas wrote a term.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { serveDist, launch, openPage, until, ARTIFACTS } from './helpers.js';

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

/** The window as it is (a full-page capture lays the page out again, which can move the
 *  stage from under the pointer and hide its tooltip). */
async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The list's terms once the stage has drawn: their definitions, in list order. */
async function listed(page) {
  const read = () => page.$$eval('[data-testid=stage-terms] dfn', (ds) => ds.map((d) => d.getAttribute('aria-description')));
  return until(read, (defs) => defs.length > 3);
}

/** The rectangles outlined on the stage (the focused term's), scanning columns from the left
 *  (or from the right, `fromRight`): their boxes in canvas CSS px, in that order. */
function outlined(page, fromRight = false) {
  return page.evaluate((fromRight) => {
    const c = document.querySelector('canvas[data-testid=stage]');
    const [W, H] = [c.width, c.height];
    const dpr = W / c.clientWidth;
    const d = c.getContext('2d').getImageData(0, 0, W, H).data;
    const is = (x, y) => {
      const i = (y * W + x) * 4;
      return Math.abs(d[i] - 0x0e) + Math.abs(d[i + 1] - 0xa5) + Math.abs(d[i + 2] - 0xe9) < 40;
    };
    const found = [];
    const seen = (x, y) => found.some((b) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1);
    const xs = [...Array(W).keys()];
    for (const x of fromRight ? xs.reverse() : xs) {
      for (let y = 0; y < H; y++) {
        if (!is(x, y) || seen(x, y)) continue;
        // A corner of the stroke: follow its edges.
        const step = fromRight ? -1 : 1;
        let w = 0;
        while (x + step * w >= 0 && x + step * w < W && is(x + step * w, y)) w++;
        let h = 0;
        while (y + h < H && is(x, y + h)) h++;
        const left = fromRight ? x - w + 1 : x;
        found.push({ x0: left, x1: left + w - 1, y0: y, y1: y + h - 1 });
      }
    }
    return found.map((b) => ({
      x: b.x0 / dpr, y: b.y0 / dpr, w: (b.x1 - b.x0 + 1) / dpr, h: (b.y1 - b.y0 + 1) / dpr,
    }));
  }, fromRight);
}

/** Focuses the list's term defined by `def` and returns its outlines, first (or rightmost)
 *  first. */
async function focusTerm(page, def, fromRight = false) {
  const dfn = page.locator('[data-testid=stage-terms] dfn').filter({ has: page.locator('.tip', { hasText: def }) }).first();
  await dfn.focus();
  const boxes = (rs) => rs.filter((r) => r.w > 2 && r.h > 2);
  return boxes(await until(() => outlined(page, fromRight), (rs) => boxes(rs).length > 0, 5_000));
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

/** Asserts that the term defined by `key` in the catalogue, found by its outline on the
 *  stage, shows that definition in `lang` on hover. */
async function checkTerm(page, defs, key, lang, fromRight = false) {
  const def = CAT[key][lang];
  assert.ok(defs.includes(def), `${key}: listed with the catalogue's ${lang} definition: ${JSON.stringify(defs)}`);
  const rs = await focusTerm(page, def, fromRight);
  assert.ok(rs.length > 0, `${key}: outlined on the stage`);
  await page.locator('body').click({ position: { x: 1, y: 1 } }); // focus leaves: no outline
  // Where a mark drawn later covers this one (a group's committed offset on the high
  // watermark line), the tooltip is that mark's, as the eye sees it: the next place is tried.
  const glosses = Object.entries(CAT).filter(([k]) => k.startsWith('Gloss')).map(([, v]) => v[lang]);
  let tip;
  for (const r of rs) {
    tip = await hover(page, r);
    if (tip.text === def) break;
    assert.ok(glosses.includes(tip.text), `${key}: another term's definition where it is covered: ${tip.text}`);
  }
  assert.equal(tip.text, def, `${key}: the tooltip shows the catalogue's ${lang} definition`);
  assert.equal(tip.cursor, 'help', `${key}: a help cursor over the term`);
  const view = page.viewportSize();
  assert.ok(tip.box.x >= 0 && tip.box.y >= 0 && tip.box.x + tip.box.width <= view.width
    && tip.box.y + tip.box.height <= view.height, `${key}: the tooltip is inside the window: ${JSON.stringify(tip.box)}`);
  // Beside the pointer, not over it.
  const inside = tip.at.x >= tip.box.x && tip.at.x <= tip.box.x + tip.box.width
    && tip.at.y >= tip.box.y && tip.at.y <= tip.box.y + tip.box.height;
  assert.ok(!inside, `${key}: the tooltip does not cover the pointer`);
  return tip;
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
    await page.waitForTimeout(2500); // the dots land: a still stage
    const defs = await listed(page);
    for (const key of ['GlossProducer', 'GlossBroker', 'GlossReplicas', 'GlossLogEnd', 'GlossHighWatermark', 'GlossLag']) {
      await checkTerm(page, defs, key, lang);
    }
    // A partition's name, then leaving the stage hides the tooltip.
    await checkTerm(page, defs, 'GlossPartition', lang);
    await screenshot(page, `canvas-glossary-hover-${lang}`);
    await leave(page);
    const cursor = await page.$eval('[data-testid=stage]', (c) => getComputedStyle(c).cursor);
    assert.notEqual(cursor, 'help', 'no help cursor off the terms');
    // The rightmost lag (a member's, at the stage's right edge): the tooltip stays inside.
    await checkTerm(page, defs, 'GlossLag', lang, true);
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
  const defs = await listed(page);
  for (const def of defs) assert.ok(Object.values(CAT).some((m) => m.en === def), `a catalogue definition: ${def}`);
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
  assert.equal(next, defs[1]);
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.waitForTimeout(200);
  assert.ok(await outlinePixels(page) <= before + 5, 'no outline once focus leaves the list');
  assert.deepEqual(errors, []);
  await page.close();
});
