// Issue 10's walkthrough, as a user meets it at 1280x720: the inspector keeps its thing (not
// its slot) across a restart, one Spike, notices that go, and a changed run that says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, until, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const title = async (page) => {
  const el = await page.$('[data-testid=inspector] h2');
  return el ? el.textContent() : null;
};

/** Clicks down the producers' column until the inspector opens on one; returns its title. */
async function openFirstProducer(page) {
  for (let y = 40; y < 440; y += 15) {
    await page.click('[data-testid=stage]', { position: { x: 60, y } });
    const t = await title(page);
    if (t?.startsWith('Producer')) return t;
  }
  return null;
}

test('the inspector keeps its producer across a reset and closes when another preset lacks it', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  assert.equal(await openFirstProducer(page), 'Producer checkout');
  await page.click('[data-testid=reset]');
  await page.waitForTimeout(500); // the restart's render has landed
  assert.equal(await title(page), 'Producer checkout', 'a reset keeps the same producer');
  // log-collection's first producer is "web": the inspector must not show it as if it were
  // the one clicked (issue 10: "checkout becomes web").
  await page.selectOption('[data-testid=preset]', 'log-collection');
  const after = await until(() => title(page), (t) => t === null, 5_000);
  assert.equal(after, null, `the inspector closed (it showed ${after})`);
  await screenshot(page, 'walkthrough-inspector-closed');
  // Choosing the quickstart again does not reopen it on a producer of that name.
  await page.selectOption('[data-testid=preset]', 'quickstart');
  await page.waitForTimeout(500);
  assert.equal(await title(page), null, 'closed stays closed');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});

test('the actions bar and the inspector spike a producer alike, with the rate on the button', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  await page.selectOption('[data-testid=action-producer]', 'checkout');
  const bar = await page.textContent('[data-testid=spike]');
  assert.match(bar, /^Spike: \S+\/s for 5 s$/);
  assert.equal(await openFirstProducer(page), 'Producer checkout');
  const inspector = await page.textContent('[data-testid=inspector-action-0]');
  assert.equal(inspector, bar, 'one action, one label');
  await page.click('[data-testid=spike]');
  for (let i = 0; i < 5; i++) await page.click('[data-testid=step]');
  const rate = () => page.evaluate(() => {
    const dts = [...document.querySelectorAll('[data-testid=inspector] dt')];
    const dt = dts.find((d) => d.textContent === 'rate now, records/s');
    return dt ? dt.nextElementSibling.textContent : null;
  });
  const shown = await until(rate, (r) => r !== null && Number(r) >= 4000, 5_000);
  assert.equal(shown, '4000', 'ten times the 400 records/s it had');
  await screenshot(page, 'walkthrough-spike');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});

test('notices go: a refused command after 10 s, a refused file at a reset, the URL warning at a new preset', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=nope&play=0`, errors);
  assert.ok(await page.$('[data-testid=url-errors]'), 'the ignored parameter is said');
  await page.selectOption('[data-testid=preset]', 'quickstart');
  await until(async () => page.$('[data-testid=url-errors]'), (e) => e === null, 5_000);
  assert.equal(await page.$('[data-testid=url-errors]'), null, 'gone once the user chose a preset');

  await page.click('[data-testid=remove-broker]');
  await page.click('[data-testid=step]');
  const notice = await (await page.waitForSelector('[data-testid=notice]')).textContent();
  assert.match(notice, /the only broker cannot leave/);
  await screenshot(page, 'walkthrough-notice');
  const gone = await until(async () => page.$('[data-testid=notice]'), (e) => e === null, 14_000);
  assert.equal(gone, null, 'the refusal went after its time');

  await page.setInputFiles('[data-testid=import]', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{') });
  await page.waitForSelector('[data-testid=import-error]');
  await page.click('[data-testid=reset]');
  await until(async () => page.$('[data-testid=import-error]'), (e) => e === null, 5_000);
  assert.equal(await page.$('[data-testid=import-error]'), null, 'a reset clears the refused file');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});

test('the description says the run was changed once a consumer is added', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=peak-shaving&play=0`, errors);
  const description = () => page.textContent('[data-testid=description]');
  const before = await description();
  assert.ok(!before.startsWith('Changed'), before);
  await page.click('[data-testid=add-member]');
  await page.click('[data-testid=step]');
  const after = await until(description, (d) => d !== before, 5_000);
  assert.equal(after, `Changed since the start: consumer added. As it started: ${before}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'walkthrough-changed');
  await page.click('[data-testid=reset]');
  assert.equal(await until(description, (d) => d === before, 5_000), before, 'a reset starts it as described');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});
