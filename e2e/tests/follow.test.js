// Follow one record (issue 10, item 3): the panel names one member per consumer group (each
// group gets every record: publish/subscribe) and one lock holder at a time in a share group.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, until, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// The panel writes one line per reader and one per event.
const textLines = async (page, id) => {
  const el = await page.$(`[data-testid=${id}]`);
  return el ? (await el.innerText()).split('\n').filter((l) => l.trim() !== '') : [];
};
const readers = (page) => textLines(page, 'follow-who');
const lines = (page) => textLines(page, 'follow-journey');

/** Follows the next record and waits until every reader has processed it. */
async function followUntilProcessed(page, count) {
  await page.click('[data-testid=follow-next]');
  await page.waitForSelector('[data-testid=follow-journey]');
  return until(() => readers(page), (r) => r.length === count && r.every((t) => !t.endsWith('not processed yet')), 20_000);
}

test('p2p-vs-pubsub: one member of each consumer group processes the followed record', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=p2p-vs-pubsub&play=1`, errors);
  await page.waitForTimeout(800);
  const who = await followUntilProcessed(page, 3);
  for (const [i, g] of ['workers', 'audit', 'analytics'].entries()) {
    assert.match(who[i], new RegExp(`^${g} \\(consumer group: one member per group\\): processed by #\\d+$`), who[i]);
  }
  const journey = await lines(page);
  assert.match(journey[0], /produced by api/);
  assert.match(journey[1], /written to tasks-\d+ at offset \d+ by the leader on broker \d+/);
  for (const g of ['workers', 'audit', 'analytics']) {
    const processed = journey.filter((l) => l.includes(`${g} #`) && l.endsWith('processed it'));
    assert.equal(processed.length, 1, `${g}: ${journey.join(' | ')}`);
  }
  await page.click('[data-testid=play]'); // pause for the picture
  await screenshot(page, 'follow-p2p-vs-pubsub');
  await page.locator('[data-testid=stage]').screenshot({ path: 'artifacts/follow-p2p-stage.png' });
  await page.click('[data-testid=follow-stop]');
  await until(() => page.$('[data-testid=follow-journey]'), (e) => e === null, 3_000);
  assert.equal(await page.$('[data-testid=follow-journey]'), null, 'stopped');
  assert.deepEqual(errors, []);
  await page.close();
});

test('share-group-queue: one member of the share group at a time, accepted once', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=share-group-queue&play=1`, errors);
  await page.waitForTimeout(800);
  const who = await followUntilProcessed(page, 2);
  assert.match(who[0], /^classic \(consumer group: one member per group\): processed by #\d+$/, who[0]);
  assert.match(who[1], /^workers \(share group: one member at a time\): processed /, who[1]);
  const journey = await lines(page);
  const accepted = journey.filter((l) => /^.*workers #\d+ processed it; the broker accepted its acknowledgement$/.test(l));
  assert.equal(accepted.length, 1, journey.join(' | '));
  // Every acquisition after the first follows a lock expiry or a release: one holder at a time.
  const acquired = journey.filter((l) => l.includes('acquired it under a lock'));
  const freed = journey.filter((l) => l.includes('expired') || l.includes('released it'));
  assert.ok(acquired.length >= 1 && acquired.length <= freed.length + 1, journey.join(' | '));
  await page.click('[data-testid=play]');
  await screenshot(page, 'follow-share-group-queue');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the journey is told in Traditional Chinese too', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=p2p-vs-pubsub&play=1&lang=zh-TW`, errors);
  await page.waitForTimeout(500);
  await page.click('[data-testid=follow-next]');
  const who = await until(() => readers(page), (r) => r.length === 3 && r.every((t) => !t.endsWith('尚未處理')), 20_000);
  assert.match(who[0], /^workers（消費者群組：每個群組一個成員）：由 #\d+ 處理$/, who[0]);
  await screenshot(page, 'follow-zh-TW');
  assert.deepEqual(errors, []);
  await page.close();
});
