// The "Without a queue" panel: the run's traffic as direct calls, in step with the run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, counter, until, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the peak-shaving spike fails direct calls while the queued run counts the same orders', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=peak-shaving&play=0`, errors);
  assert.equal(await page.locator('[data-testid=without-queue]').count(), 0, 'hidden at first');
  await page.click('[data-testid=show-without-queue]');
  await page.waitForSelector('[data-testid=without-queue]');
  await page.click('[data-testid=play]');
  for (let i = 0; i < 3; i++) await page.keyboard.press('+'); // 8x: the spike starts at 5 s
  const failed = await until(() => counter(page, 'wq-failed'), (n) => n > 1000, 30_000);
  assert.ok(failed > 1000, `direct calls failed in the spike (${failed})`);
  // The same orders both ways, read from one render.
  const [sent, produced] = await page.evaluate(() => ['wq-sent', 'produced'].map((id) =>
    Number(document.querySelector(`[data-testid=${id}]`).textContent.replace(/[^0-9]/g, ''))));
  // "Produced, acknowledged" counts what the producers were told was written; the orders
  // still in a producer's buffer or on the wire (linger.ms, the network) trail it a little.
  assert.ok(produced <= sent && sent - produced <= sent / 100,
    `the panel sends the orders the queued run produced (${sent} sent, ${produced} acknowledged)`);
  assert.equal(await page.locator('[data-testid=faults]').count(), 0, 'the queued run has no fault');
  await page.keyboard.press('Space');
  await page.waitForTimeout(300);
  await screenshot(page, 'without-queue');
  await page.click('[data-testid=hide-without-queue]');
  await page.waitForSelector('[data-testid=show-without-queue]');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});

test('the panel in Traditional Chinese', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=peak-shaving&play=0&lang=zh-TW`, errors);
  await page.click('[data-testid=show-without-queue]');
  await page.waitForSelector('[data-testid=without-queue]');
  const text = await page.textContent('[data-testid=without-queue]');
  assert.ok(text.includes('沒有佇列時'), text);
  await screenshot(page, 'without-queue-zh-TW');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});
