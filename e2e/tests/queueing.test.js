// Queueing view (issue 11): each reader's row of figures has a queueing line (λ, μ, ρ, Little's
// law). In peak-shaving (3 members at 1 ms a record: μ = 3,000 records/s; 10,000 records/s
// from 5 s to 10 s, 1,000 records/s otherwise) ρ is at least 1 during the spike with the
// warning that the backlog grows, and after it a drain time is given, in English and zh-TW.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Steps the paused page on to `seconds` of virtual time (100 ms a step). */
async function stepTo(page, seconds) {
  const now = async () => parseFloat(await page.textContent('[data-testid=virtual-time]'));
  while ((await now()) < seconds - 0.05) await page.click('[data-testid=step]');
  await page.waitForTimeout(400); // the panels refresh five times a second
}

/** The queueing line's figures for the reader `fulfilment`. */
async function queueing(page) {
  return page.$eval('[data-testid=queueing][data-reader=fulfilment]', (row) => {
    const text = (id) => row.querySelector(`[data-testid=${id}]`)?.textContent ?? null;
    return {
      rho: parseFloat(text('q-rho')), mu: text('q-mu'), grows: text('q-grows'),
      drain: text('q-drain'), terms: row.querySelectorAll('dfn.term').length, all: row.textContent,
    };
  });
}

for (const [lang, grows, drains, mu] of [
  ['en', 'arrivals exceed capacity', 'drains in about', '3000 records/s (3 members working)'],
  ['zh-TW', '到達率超過服務能力', '秒後消化完', '3000 筆／秒（3 個成員在處理）'],
]) {
  test(`peak-shaving's queueing line: ρ ≥ 1 in the spike, a drain time after it (${lang})`, async () => {
    const errors = [];
    const page = await openPage(browser, `${server.url}?preset=peak-shaving&play=0&lang=${lang}`, errors);
    await stepTo(page, 8);
    const spike = await queueing(page);
    assert.equal(spike.mu, mu);
    assert.ok(spike.rho >= 1, `ρ ${spike.rho} during the spike`);
    assert.ok(spike.grows?.includes(grows), spike.all);
    assert.equal(spike.drain, null);
    assert.equal(spike.terms, 5, 'the heading, λ, μ, ρ and Little\'s law are glossary terms');
    await page.locator('[data-testid=counters]').scrollIntoViewIfNeeded();
    await screenshot(page, `queueing-spike-${lang}`);

    // 4 s after the spike the 2 s window holds only the base rate: ρ = 1,000 / 3,000.
    await stepTo(page, 14);
    const after = await queueing(page);
    assert.ok(Math.abs(after.rho - 0.33) <= 0.02, `ρ ${after.rho} after the spike`);
    assert.equal(after.grows, null);
    assert.ok(after.drain?.includes(drains), after.all);
    // The backlog (about 35,000 - 4 x 2,000) drains at μ - λ = 2,000 records/s: about 13 s.
    const s = parseFloat(after.drain.match(/[\d.]+/)[0]);
    assert.ok(s > 8 && s < 18, `drains in ${s} s`);
    await page.locator('[data-testid=counters]').scrollIntoViewIfNeeded();
    await screenshot(page, `queueing-drain-${lang}`);
    assert.deepEqual(errors, []);
  });
}
