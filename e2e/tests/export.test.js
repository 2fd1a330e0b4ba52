// Export what you see: the metrics history as CSV must be the lines `brook run --format csv`
// prints for the same preset, seed and virtual time (the page and the CLI write them with the
// same engine code), and each chart's PNG button saves a PNG of the chart's canvas size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { serveDist, launch, openPage, screenshot } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = process.env.BROOK_CLI ?? join(root, 'target', 'release', 'brook');
const PRESET = 'peak-shaving';
const SEED = 3;
const STEPS = 32; // Step buttons pressed: 32 x 100 ms = 3.2 virtual seconds

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function bytes(download) {
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  return Buffer.concat(chunks);
}

test('the metrics CSV equals brook run --format csv, and each chart saves as a PNG of its size', async () => {
  assert.ok(existsSync(CLI), `the brook CLI is built at ${CLI}`);
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=${PRESET}&seed=${SEED}&play=0`, errors);
  for (let i = 0; i < STEPS; i++) await page.click('[data-testid=step]');
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid=virtual-time]').textContent === want,
    `${(STEPS / 10).toFixed(1)} s`,
  );

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  assert.equal(csvDownload.suggestedFilename(), `brook-${PRESET}-seed${SEED}-3.2s-metrics.csv`);
  const csv = (await bytes(csvDownload)).toString('utf8');
  const want = execFileSync(CLI, ['run', PRESET, '--seconds', String(STEPS / 10), '--seed', String(SEED), '--format', 'csv']).toString();
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines.length, 1 + STEPS, 'the header and a row per 100 virtual ms');
  assert.ok(lines[0].startsWith('t_ms,inflow_per_sec,'), lines[0]);
  assert.equal(csv, want, 'the same columns and values as the CLI');

  const boxes = await page.$$('.chart-box');
  assert.ok(boxes.length >= 4, `chart boxes: ${boxes.length}`);
  for (const box of boxes) {
    const code = await box.getAttribute('data-chart');
    const size = await box.$eval('canvas', (c) => [c.width, c.height]);
    const button = await box.$('[data-testid=chart-png]');
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    assert.equal(download.suggestedFilename(), `brook-${PRESET}-seed${SEED}-3.2s-${code}.png`);
    const png = await bytes(download);
    // PNG signature, then the IHDR chunk: width and height, big-endian.
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${code}: a PNG`);
    assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR', `${code}: IHDR first`);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], size, `${code}: the canvas size`);
    assert.ok(size[0] > 0 && size[1] > 0, `${code}: drawn`);
  }
  await screenshot(page, 'export');
  assert.deepEqual(errors, []);
  await page.close();
});
