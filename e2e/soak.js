// Soak: `node soak.js [minutes] [preset...]` after `trunk build --release` (outside CI; the
// figures go to BENCHMARKS.md, "Soak"). Plays each preset (stress and wide-topic by default) at
// 10x in its own headless Chromium page, all at once, and samples every minute: the wasm
// instance's linear memory (it only grows, so it is the high-water mark), the JS heap used
// after a garbage collection, and the run's virtual time. Memory levels off when its growth
// over the second half of the soak is within LEVEL_OFF_FRACTION of the value at half time;
// the script exits 1 when either figure of any preset does not. Writes artifacts/soak.json.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serveDist, launch, ARTIFACTS } from './tests/helpers.js';

const args = process.argv.slice(2);
const minutes = Number(args[0] ?? 30);
const presets = args.length > 1 ? args.slice(1) : ['stress', 'wide-topic'];
const SPEED = '10×';
const SAMPLE_MS = 60_000;
/** Growth over the second half allowed, as a fraction of the value at half time. */
const LEVEL_OFF_FRACTION = 0.05;
if (!(minutes >= 2 && minutes <= 240)) {
  console.error(`soak: minutes must be 2 to 240, not ${args[0]}`);
  process.exit(2);
}

const server = await serveDist();
const browser = await launch();

/** Opens `preset`, sets 10x and plays; returns a sampler of its memory and time. */
async function start(preset) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  // The start-up script announces the wasm instance; keep its exports to read its memory.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.soakWasm = e.detail.wasm; });
  });
  await page.goto(`${server.url}?preset=${preset}&play=0`);
  await page.waitForSelector('canvas[data-first-frame-ms]');
  // The speed slider is log10 of the factor: 1 is 10x.
  await page.$eval('[data-testid=speed]', (el) => {
    el.value = '1';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction((want) => document.querySelector('[data-testid=speed-value]').textContent === want, SPEED);
  const speed = await page.textContent('[data-testid=speed-value]');
  if (speed !== SPEED) throw new Error(`${preset}: speed ${speed}, not ${SPEED}`);
  await page.click('[data-testid=play]');
  const cdp = await page.context().newCDPSession(page);
  const started = Date.now();
  return {
    preset,
    errors,
    async sample() {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      const wasmBytes = await page.evaluate(() => window.soakWasm.memory.buffer.byteLength);
      const nowMs = Number(await page.getAttribute('[data-testid=timeline]', 'data-now-ms'));
      return {
        minute: Math.round((Date.now() - started) / 60_000),
        wasm_mib: wasmBytes / 2 ** 20,
        js_heap_mib: heap.usedSize / 2 ** 20,
        virtual_s: nowMs / 1000,
      };
    },
  };
}

const runs = [];
for (const p of presets) runs.push(await start(p));
const samples = Object.fromEntries(presets.map((p) => [p, []]));
for (let m = 1; m <= minutes; m++) {
  await new Promise((r) => setTimeout(r, SAMPLE_MS));
  for (const r of runs) {
    const s = await r.sample();
    samples[r.preset].push(s);
    console.log(`${r.preset}\tminute ${m}\twasm ${s.wasm_mib.toFixed(1)} MiB\tJS heap ${s.js_heap_mib.toFixed(1)} MiB\tvirtual ${s.virtual_s.toFixed(0)} s`);
  }
}
await browser.close();
await server.close();

/** Whether `key` grew over the second half by at most LEVEL_OFF_FRACTION of its half-time value. */
function levelsOff(list, key) {
  const mid = list[Math.floor(list.length / 2) - 1][key];
  const end = list[list.length - 1][key];
  return { mid, end, ok: end - mid <= LEVEL_OFF_FRACTION * mid };
}
const verdict = presets.map((p) => {
  const list = samples[p];
  return { preset: p, wasm: levelsOff(list, 'wasm_mib'), js_heap: levelsOff(list, 'js_heap_mib'), errors: runs.find((r) => r.preset === p).errors };
});
mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(join(ARTIFACTS, 'soak.json'), JSON.stringify({ minutes, speed: SPEED, samples, verdict }, null, 2));
console.log('\npreset\twasm MiB at half time / end\tJS heap MiB at half time / end\tlevels off');
let failed = false;
for (const v of verdict) {
  const ok = v.wasm.ok && v.js_heap.ok && v.errors.length === 0;
  failed ||= !ok;
  console.log(`${v.preset}\t${v.wasm.mid.toFixed(1)} / ${v.wasm.end.toFixed(1)}\t${v.js_heap.mid.toFixed(1)} / ${v.js_heap.end.toFixed(1)}\t${ok ? 'yes' : 'NO'}${v.errors.length ? ` (errors: ${v.errors.slice(0, 3).join('; ')})` : ''}`);
}
process.exit(failed ? 1 : 0);
