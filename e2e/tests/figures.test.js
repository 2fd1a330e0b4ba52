// Figures a learner can trust (issue 10, item 6), at 1280x720: every figure belongs to one
// reader (never a sum over readers), the lag is shown as its two parts, and every term that
// labels a figure shows its definition on hover and on keyboard focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, counter, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function steps(page, n) {
  for (let i = 0; i < n; i++) await page.click('[data-testid=step]');
}

async function at(page, time) {
  await page.waitForFunction((t) => document.querySelector('[data-testid=virtual-time]').textContent === t, time);
  await page.waitForTimeout(250); // the panels refresh five times a second
}

/** Each reader's row: name and figures. */
function rows(page) {
  return page.$$eval('[data-testid=group-row]', (trs) => trs.map((tr) => {
    const n = (id) => Number(tr.querySelector(`[data-testid=${id}]`).textContent.replace(/[^0-9]/g, ''));
    return {
      name: tr.dataset.reader,
      consumed: n('consumed'),
      unread: n('unread'),
      uncommitted: n('uncommitted'),
      lag: n('lag'),
      latency: tr.querySelector('[data-testid=latency]').textContent,
      latencyTitle: tr.querySelector('[data-testid=latency]').title,
    };
  }));
}

test('p2p-vs-pubsub: each reader shows its own figures, none above what was produced', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=p2p-vs-pubsub&play=0`, errors);
  await steps(page, 60);
  await at(page, '6.0 s');
  const produced = await counter(page, 'produced');
  const label = await page.textContent('.counters .figure:nth-child(2) .label');
  assert.match(label, /acknowledged/, 'the produced figure says what it counts');
  const readers = await rows(page);
  assert.ok(readers.length >= 2, JSON.stringify(readers));
  for (const r of readers) {
    assert.ok(r.consumed > 0 && r.consumed <= produced, `${r.name}: processed ${r.consumed} of ${produced} produced`);
    assert.equal(r.unread + r.uncommitted, r.lag, `${r.name}: the two parts add up to the lag`);
    assert.match(r.latency, /^\d+ \/ \d+ ms$/, `${r.name}: latency of the last seconds`);
    assert.match(r.latencyTitle, /^Whole run: p50 \d+ ms, p99 \d+ ms$/, `${r.name}: whole run in the tooltip`);
  }
  // Every per-reader figure sits in a reader's row: no figure is a sum over readers.
  const loose = await page.$$eval('[data-testid=consumed], [data-testid=lag]', (els) => els.filter((e) => !e.closest('[data-testid=group-row]')).length);
  assert.equal(loose, 0);
  const emptyPolls = await page.$$eval('[data-testid=empty-polls]', (els) => els.map((e) => e.textContent));
  assert.equal(emptyPolls.length, readers.length, 'an empty-polls figure per reader (pull readers)');
  await screenshot(page, 'figures-p2p-vs-pubsub');
  assert.deepEqual(errors, []);
  await page.close();
});

test('peak-shaving with auto-commit: not yet read and read but not committed add up to the lag', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=peak-shaving&play=0`, errors);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const scenario = JSON.parse(Buffer.concat(chunks).toString());
  scenario.groups[0].commit = 'auto'; // enable.auto.commit, every 5 s (Kafka's default)
  scenario.description = 'peak-shaving, auto-commit';
  await page.setInputFiles('[data-testid=import]', { name: 'auto.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
  await page.waitForFunction(() => document.querySelector('[data-testid=description]').textContent === 'peak-shaving, auto-commit');
  // 8 s: in the spike, 3 s after the last auto-commit.
  await steps(page, 80);
  await at(page, '8.0 s');
  const [r] = await rows(page);
  assert.ok(r.uncommitted > 0, `records read since the commit at 5 s are not committed: ${JSON.stringify(r)}`);
  assert.ok(r.unread > 0, `the spike's backlog is not yet read: ${JSON.stringify(r)}`);
  assert.equal(r.unread + r.uncommitted, r.lag);
  const headers = await page.$$eval('.counters th', (ths) => ths.map((th) => th.textContent));
  assert.ok(headers.some((h) => h.startsWith('Not yet read')), headers.join('|'));
  assert.ok(headers.some((h) => h.startsWith('Read, not committed')), headers.join('|'));
  // Just after the commit at 10 s, what was read is committed: only records still being
  // processed remain read but not committed.
  await steps(page, 21);
  await at(page, '10.1 s');
  const [after] = await rows(page);
  assert.ok(after.uncommitted < r.uncommitted, `${after.uncommitted} after the commit < ${r.uncommitted} before`);
  assert.equal(after.unread + after.uncommitted, after.lag);
  await page.locator('.counters').scrollIntoViewIfNeeded();
  await screenshot(page, 'figures-peak-shaving-auto-commit');
  // The charts up close: the spike's markers, the backlog's right axis.
  await page.locator('[data-testid=charts]').screenshot({ path: await screenshot(page, 'figures-charts') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('hovering or focusing a term shows its definition', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  const lag = page.locator('.counters th dfn.term', { hasText: /^Lag/ });
  const tip = lag.locator('.tip');
  assert.equal(await tip.isVisible(), false, 'hidden until asked for');
  await lag.scrollIntoViewIfNeeded();
  await lag.hover();
  assert.ok(await tip.isVisible(), 'shown on hover');
  assert.match(await tip.textContent(), /High watermark minus committed offset/);
  await screenshot(page, 'figures-term-hover');
  await page.mouse.move(0, 0);
  assert.equal(await tip.isVisible(), false);
  // Keyboard: Tab reaches the terms; the focused one shows its definition.
  const unread = page.locator('.counters th dfn.term', { hasText: /^Not yet read/ });
  await unread.focus();
  assert.ok(await unread.locator('.tip').isVisible(), 'shown on focus');
  assert.equal(await unread.getAttribute('tabindex'), '0');
  assert.match(await unread.getAttribute('aria-description'), /fetch position/);
  // Every term of the counters has a definition.
  const terms = await page.$$eval('.counters dfn.term', (ds) => ds.map((d) => [d.firstChild.textContent, d.getAttribute('aria-description')]));
  assert.ok(terms.length >= 9, JSON.stringify(terms));
  for (const [t, def] of terms) assert.ok(def && def.length > 20, `${t}: ${def}`);
  // And in Chinese.
  await page.goto(`${server.url}?preset=quickstart&play=0&lang=zh-TW`);
  await page.waitForSelector('[data-testid=produced]');
  const zh = await page.$$eval('.counters th dfn.term', (ds) => ds.map((d) => d.getAttribute('aria-description')));
  assert.ok(zh.some((d) => d.includes('高水位')), zh.join('|'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('quickstart: the panel says why processed plus lag falls short of what was produced', async () => {
  // Kafka's auto.offset.reset=latest (the default): a group with no committed offset starts at
  // the log end, so the records produced before its first fetch are never read, in neither its
  // processed count nor its lag (the UX review found 595 of 6,071 unexplained). The panel says
  // so before the first fetch (lag 0 beside records produced) and names the count after.
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  await steps(page, 3);
  await at(page, '0.3 s');
  assert.ok(await counter(page, 'produced') > 0, 'records were produced');
  const [waiting] = await page.$$eval('[data-testid=reset-note]', (ps) => ps.map((p) => p.textContent));
  assert.match(waiting, /^No fetch yet: billing\. They will start at the latest offset/);
  await steps(page, 57);
  await at(page, '6.0 s');
  const notes = await page.$$eval('[data-testid=reset-note]', (ps) => ps.map((p) => p.textContent));
  assert.equal(notes.length, 1, notes.join('|'));
  const skipped = Number(notes[0].match(/billing skipped (\d+)/)[1]);
  const produced = await counter(page, 'produced');
  const [r] = await rows(page);
  // Processed + lag + skipped is the high watermark, at most "read, not committed" more
  // (processed records whose offset is not committed are in the lag too); the producers'
  // acknowledged count is at most the high watermark plus what was acknowledged on append.
  const sum = r.consumed + r.lag + skipped;
  assert.ok(Math.abs(sum - produced) <= r.uncommitted + 50, `${r.consumed} + ${r.lag} + ${skipped} against ${produced} produced`);
  assert.ok(Math.abs(r.consumed + r.lag - produced) > 50, 'without the skipped records the figures do not add up');
  await screenshot(page, 'figures-quickstart-reset-note');
  await page.selectOption('[data-testid=language]', 'zh-TW');
  await page.waitForTimeout(300);
  const zh = await page.$$eval('[data-testid=reset-note]', (ps) => ps.map((p) => p.textContent));
  assert.match(zh[0], /billing 跳過 \d+ 筆/);
  assert.deepEqual(errors, []);
  await page.close();
});
