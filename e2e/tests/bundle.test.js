// The page's WebAssembly stays within its goal: at most 400 KiB gzipped (gzip -9, the size
// `bench.js` prints), measured on the `trunk build --release` output in dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DIST } from './helpers.js';

const GOAL_KIB = 400;

test(`the wasm bundle is at most ${GOAL_KIB} KiB gzipped`, () => {
  const wasm = readdirSync(DIST).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one .wasm in ${DIST}: ${wasm.join(', ')}`);
  const bytes = readFileSync(join(DIST, wasm[0]));
  const gzipKib = gzipSync(bytes, { level: 9 }).length / 1024;
  assert.ok(
    gzipKib <= GOAL_KIB,
    `${wasm[0]}: ${gzipKib.toFixed(1)} KiB gzipped, over the ${GOAL_KIB} KiB goal (built with trunk build --release? BENCHMARKS.md, "Bundle")`,
  );
});
