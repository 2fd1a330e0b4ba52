// Browser benchmark: `node bench.js [seconds] [preset[@speed]...]` after `trunk build --release`.
// Opens `?bench=PRESET&seconds=N` (with `&speed=X` for `PRESET@X`; 1x otherwise) in headless
// Chromium for each preset, collects the page's
// frame-time report, and prints a table; also the gzipped wasm size. Then, for the same presets,
// the idle cost: the page played 3 s then paused, main-thread task time per wall second over
// 5 s (Chromium's Performance.getMetrics TaskDuration). Writes artifacts/bench.json.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serveDist, launch, DIST, ARTIFACTS } from './tests/helpers.js';

const args = process.argv.slice(2);
const seconds = Number(args[0] ?? 10);
const presets = args.length > 1 ? args.slice(1) : ['quickstart', 'log-collection', 'wide-topic', 'stress'];

const wasm = readdirSync(DIST).find((f) => f.endsWith('.wasm'));
const wasmBytes = readFileSync(join(DIST, wasm));
const gzipKb = gzipSync(wasmBytes, { level: 9 }).length / 1024;

const server = await serveDist();
const browser = await launch();
const results = [];
for (const arg of presets) {
  const [preset, speed] = arg.split('@');
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}?bench=${preset}&seconds=${seconds}${speed ? `&speed=${speed}` : ''}`);
  const el = await page.waitForSelector('[data-testid=bench-result]', { timeout: (seconds + 60) * 1000 });
  const report = JSON.parse(await el.textContent());
  report.first_frame_ms = Number(await page.getAttribute('canvas[data-testid=stage]', 'data-first-frame-ms'));
  if (speed) report.preset = arg;
  if (errors.length) report.errors = errors;
  results.push(report);
  await page.close();
}

/** Main-thread task ms per wall second of a paused page, after `preset` played 3 s. */
async function idleMsPerSec(preset) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${server.url}?preset=${preset}`);
  await page.waitForSelector('canvas[data-first-frame-ms]');
  await page.waitForTimeout(3000);
  await page.click('[data-testid=play]');
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const [t0, w0] = [await task(), Date.now()];
  await page.waitForTimeout(5000);
  const [t1, w1] = [await task(), Date.now()];
  await page.close();
  return ((t1 - t0) * 1000) / ((w1 - w0) / 1000);
}
const idle = [];
for (const preset of new Set(presets.map((a) => a.split('@')[0]))) {
  idle.push({ preset, paused_main_thread_ms_per_s: Number((await idleMsPerSec(preset)).toFixed(1)) });
}
await browser.close();
await server.close();

const cols = ['preset', 'fps', 'frames_missed', 'steady_fps', 'steady_frames_missed', 'frame_work_ms_p50', 'frame_work_ms_p95', 'frame_work_ms_max', 'engine_ms_p95', 'stage_ms_p95', 'charts_ms_p95', 'virtual_s', 'engine_virtual_s_per_s', 'first_frame_ms'];
console.log(cols.join('\t'));
for (const r of results) console.log(cols.map((c) => r[c]).join('\t'));
console.log('\npreset\tpaused_main_thread_ms_per_s');
for (const r of idle) console.log(`${r.preset}\t${r.paused_main_thread_ms_per_s}`);
console.log(`wasm ${wasm}: ${(wasmBytes.length / 1024).toFixed(0)} KiB, ${gzipKb.toFixed(0)} KiB gzipped`);
mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(join(ARTIFACTS, 'bench.json'), JSON.stringify({ seconds, wasm_gzip_kib: gzipKb, results, idle }, null, 2));
