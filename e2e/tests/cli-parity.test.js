// The page and `brook run` drive the same deterministic engine: after the same virtual time,
// with the same preset and seed, the figures shown must equal the CLI's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { serveDist, launch, openPage, counter, screenshot } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = process.env.BROOK_CLI ?? join(root, 'target', 'release', 'brook');
const STEPS = 25; // Step buttons pressed: 25 x 100 ms = 2.5 virtual seconds
const SEED = 11;

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

function cli(preset) {
  assert.ok(existsSync(CLI), `the brook CLI is built at ${CLI}`);
  const out = execFileSync(CLI, ['run', preset, '--seconds', String(STEPS / 10), '--seed', String(SEED)]);
  return JSON.parse(out.toString());
}

test('every preset shows the figures brook run prints', async () => {
  const presets = execFileSync(CLI, ['presets']).toString().trim().split('\n').map((l) => l.split('\t')[0]);
  assert.ok(presets.length >= 9, presets.join(','));
  for (const preset of presets) {
    const errors = [];
    const page = await openPage(browser, `${server.url}?preset=${preset}&seed=${SEED}&play=0`, errors);
    for (let i = 0; i < STEPS; i++) await page.click('[data-testid=step]');
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=virtual-time]').textContent === want,
      `${(STEPS / 10).toFixed(1)} s`,
    );
    await page.waitForTimeout(250); // the panels refresh five times a second
    const want = cli(preset);
    assert.equal(await counter(page, 'produced'), want.acked_records, `${preset}: produced, acknowledged`);
    // One row per reader, its own figures (never a sum over readers).
    const rows = await page.$$eval('[data-testid=group-row]', (trs) => trs.map((tr) => {
      const n = (id) => Number(tr.querySelector(`[data-testid=${id}]`).textContent.replace(/[^0-9]/g, ''));
      return [tr.dataset.reader, n('consumed'), n('lag')];
    }));
    assert.equal(rows.length, Object.keys(want.consumed_records).length, `${preset}: a row per reader`);
    for (const [name, consumed, lag] of rows) {
      assert.equal(consumed, want.consumed_records[name], `${preset}: ${name} consumed`);
      assert.equal(lag, want.lag_records[name], `${preset}: ${name} lag`);
    }
    await screenshot(page, `parity-${preset}`);
    assert.deepEqual(errors, [], `${preset}: no console errors`);
    await page.close();
  }
});
