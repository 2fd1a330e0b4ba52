// The page's security (issue 13), in real headless Chromium: it runs under a
// Content-Security-Policy that allows only its own files (scripts/csp.py) with no violation
// while it plays; names from an imported scenario are shown as text, never as markup; a file
// over the import limit is refused unread, naming the limit; and the page's inputs fuzzed
// (every URL parameter, the share link's fields, 1,000 mutated scenario files) give a banner
// or a refusal, never a panic, and the run the page had stays. Random inputs are seeded
// (BROOK_FUZZ_SEED, else a fresh seed); a failure prints the seed and the input. Screenshot:
// artifacts/security-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, openPage, counter, until, screenshot, DIST } from './helpers.js';

let server;
let browser;
before(async () => {
  server = await serveDist();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

const SEED = Number(process.env.BROOK_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz seed: ${SEED} (BROOK_FUZZ_SEED=${SEED} repeats this run)`);

/** A small seeded generator (mulberry32): the same seed gives the same inputs. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  return { next, int, pick };
}

const NASTY = [
  '', ' ', '%', '%ZZ', '%00', '%C3%28', '%F0%9F%92%A9', '\u0000', '-1', '0', '1e309', 'NaN',
  '18446744073709551616', '99999999999999999999999', '0x10', '+1', '1.5', 'true', 'null',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'zh-TW', 'en', '中文',
  '\u202e', '..%2F..%2F', 'a'.repeat(5000),
];

/** A random string: nasty values, random printable text, or raw percent-encoded bytes. */
function randomValue(r) {
  switch (r.int(4)) {
    case 0: return r.pick(NASTY);
    case 1: return Array.from({ length: r.int(40) }, () => String.fromCharCode(32 + r.int(95))).join('');
    case 2: return Array.from({ length: 1 + r.int(30) }, () => `%${r.int(256).toString(16).padStart(2, '0')}`).join('');
    default: return String(r.pick([-1, 0, 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1e308]) * (r.int(2) ? 1 : -1));
  }
}

/** Watches a page for what must never happen: a Rust panic, a CSP violation, an uncaught
 *  error. `errors` gets console errors and page errors; `panics` only panics. */
function watch(page) {
  const seen = { errors: [], panics: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text());
    if (/panicked/.test(m.text())) seen.panics.push(m.text());
  });
  page.on('pageerror', (e) => { seen.errors.push(`pageerror: ${e.message}`); });
  return seen;
}

/** Runs until the virtual clock moves (pressing Play if the page opened paused). */
async function plays(page) {
  // Its virtual clock moves (one decimal, "12.3 s": the digits compare as tenths). Not the
  // produced count: a scenario taken from a mutated file may have no producer at all
  // (fuzz seed 411069491's last file taken had `producers: []`) and still play.
  const before = await counter(page, 'virtual-time');
  if ((await page.getAttribute('[data-testid=play]', 'aria-pressed')) !== 'true') {
    await page.click('[data-testid=play]');
  }
  const after = await until(() => counter(page, 'virtual-time'), (n) => n > before, 10_000);
  return after > before;
}

test('the page runs under its Content-Security-Policy with no violation, embedded too', async () => {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(meta, 'the built index.html carries the policy');
  const policy = meta[1];
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/, 'no inline script, no eval');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script left');
  for (const url of [`${server.url}?preset=quickstart`, `${server.url}?embed=1&preset=peak-shaving`]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    // Violations are events on the document: recorded from before the page's first script.
    await context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(url);
    await page.waitForSelector('[data-testid=produced]', { state: 'attached', timeout: 20_000 });
    assert.ok(await plays(page), `${url}: it plays`);
    // What the page does beyond playing: the pointer over the stage (a term's tooltip, placed
    // beside it), a lesson's fetch, its text and highlight, the timeline.
    if (!url.includes('embed')) {
      await page.evaluate(() => {
        const tip = document.querySelector('[data-testid=stage-tip]');
        new MutationObserver(() => { if (!tip.hidden) window.__tipShown = true; }).observe(tip, { attributes: true });
      });
      const box = await page.locator('[data-testid=stage]').boundingBox();
      for (let y = 20; y < box.height; y += 30) {
        for (let x = 20; x < box.width; x += 60) await page.mouse.move(box.x + x, box.y + y);
      }
      assert.ok(await page.evaluate(() => window.__tipShown), 'a term\'s tooltip showed');
      await page.selectOption('[data-testid=lesson-menu]', 'decoupling').catch(() => {});
      await page.waitForSelector('[data-testid=lesson]', { timeout: 10_000 }).catch(() => {});
      await page.waitForTimeout(1500);
      await screenshot(page, 'security-csp');
    } else {
      await page.waitForTimeout(1000);
    }
    const violations = await page.evaluate(() => window.__violations);
    assert.deepEqual(violations, [], `${url}: no CSP violation`);
    assert.deepEqual(seen.errors.filter((e) => !/favicon/.test(e)), [], `${url}: no console error`);
    assert.equal(await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content'), policy);
    await context.close();
  }
});

/** The running preset's scenario, as the page exports it. */
async function exported(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

test('names from a scenario are text, never markup; an oversized file is refused unread', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  const s = await exported(page);
  const payloads = ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=2</script>', '<b id=injected>b</b>'];
  // Names are at most 64 bytes (scenario validation): each carries one payload.
  s.name = payloads[0];
  s.description = `${payloads[1]} ${payloads[2]}`;
  s.topics[0].name = payloads[2];
  s.producers[0].name = payloads[0];
  const readers = s.groups ?? [];
  if (readers[0]) readers[0].name = payloads[1];
  for (const p of s.producers) p.topic = s.topics[0].name;
  for (const g of readers) g.topics = (g.topics ?? []).map(() => s.topics[0].name);
  await page.setInputFiles('[data-testid=import]', { name: '<img src=x onerror=alert(1)>.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(s)) });
  await page.waitForFunction(() => document.querySelector('[data-testid=description]').textContent.includes('<script>'), null, { timeout: 10_000 })
    .catch(async () => assert.fail(`not imported: ${await page.textContent('[data-testid=import-error]').catch(() => '')}`));
  await page.click('[data-testid=play]');
  await until(() => counter(page, 'produced'), (n) => n > 0);
  // Open the inspector on the producer (first on the stage) by keyboard: its name is shown.
  await page.focus('[data-testid=stage]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=inspector]', { timeout: 5_000 });
  const state = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    injected: document.querySelectorAll('#injected, img[src=x], main script').length,
    description: document.querySelector('[data-testid=description]').textContent,
    inspector: document.querySelector('[data-testid=inspector]').textContent,
  }));
  assert.equal(state.pwned, null, 'no script ran');
  assert.equal(state.injected, 0, 'no element from a name');
  assert.ok(state.description.includes('<script>window.__pwned=2</script>'), state.description);
  assert.ok(state.inspector.includes('<img src=x onerror="window.__pwned=1">'), state.inspector);
  await screenshot(page, 'security-names-as-text');

  // A file over the limit (1 MiB) is refused by its size, before it is read: the message names
  // the limit, and the run goes on.
  const big = Buffer.alloc((1 << 20) + 1, 0x20);
  await page.setInputFiles('[data-testid=import]', { name: 'big.json', mimeType: 'application/json', buffer: big });
  const msg = await (await page.waitForSelector('[data-testid=import-error]')).textContent();
  assert.match(msg, /big\.json: 1048577 bytes exceeds the limit of 1048576 bytes; the current scenario is kept/);
  assert.ok(await page.$eval('[data-testid=description]', (e) => e.textContent.includes('<script>')), 'the run stays');
  assert.deepEqual(errors, []);
  await page.close();
});

test('fuzzed URL parameters and share links give a banner, never a panic', async () => {
  const r = rng(SEED);
  const PARAMS = ['preset', 'bench', 'seconds', 'seed', 'play', 'lang', 'lesson', 'embed', 'step'];
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  const seen = watch(page);
  const check = async (what) => {
    await page.waitForSelector('[data-testid=produced]', { state: 'attached', timeout: 20_000 });
    assert.deepEqual(seen.panics, [], `seed ${SEED}: ${what}`);
    assert.ok(await page.$('[data-testid=stage]'), `seed ${SEED}: ${what}: the stage renders`);
  };
  // Every parameter at once with random values (each is read on its own), then unknown keys
  // and bad encodings of the query itself.
  for (let i = 0; i < 6; i++) {
    const query = PARAMS.filter((k) => k !== 'bench' && k !== 'embed').map((k) => `${k}=${randomValue(r)}`).join('&');
    const url = `${server.url}?${query}`;
    await page.goto(url);
    await check(url.slice(0, 300));
    const banner = await page.$('[data-testid=url-errors]');
    assert.ok(banner, `seed ${SEED}: ${url.slice(0, 300)}: a banner`);
    assert.ok(await plays(page), `seed ${SEED}: ${url.slice(0, 300)}: it plays`);
  }
  for (const query of ['%', '=&=&&', `x=${'%FF'.repeat(2000)}`, `${'a'.repeat(8000)}=1`, 'seed=1&seed=%', `bench=${randomValue(r)}`, `embed=${randomValue(r)}`]) {
    await page.goto(`${server.url}?${query}`);
    await check(query.slice(0, 200));
  }
  // Share links: the fragment's version, base64url and deflate broken, then well-formed links
  // whose payload (header lines and scenario) is fuzzed.
  const b64 = (buf) => buf.toString('base64url');
  const header = (fields) => Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('\n');
  const good = { at_ms: 1000, lang: 'en', preset: 'quickstart' };
  const fragments = [
    'v1=', 'v2=abc', 'v99999999999999999999=x', 'v1=***', `v1=${'A'.repeat(9000)}`, 'v1=%E4%B8%AD',
    `v1=${b64(Buffer.from(Array.from({ length: 300 }, () => r.int(256))))}`,
    // A deflate bomb: 40 MB of zeros in a few KB; refused as too big once inflated.
    `v1=${b64(deflateRawSync(Buffer.alloc(40 << 20), { level: 9 }))}`,
  ];
  for (let i = 0; i < 8; i++) {
    const fields = { ...good };
    const key = r.pick(['at_ms', 'lang', 'preset', 'lesson', 'step', 'address', 'junk']);
    fields[key] = randomValue(r);
    const json = r.int(2) ? '{}' : JSON.stringify({ name: randomValue(r), seed: randomValue(r) });
    fragments.push(`v1=${b64(deflateRawSync(Buffer.from(`${header(fields)}\n\n${json}`)))}`);
  }
  for (const [i, f] of fragments.entries()) {
    // A new query each time, so the page loads again rather than only changing its fragment.
    await page.goto(`${server.url}?seed=${i + 1}#${f}`);
    await check(`#${f.slice(0, 200)}`);
    const banner = await page.waitForSelector('[data-testid=share-error]', { timeout: 10_000 }).catch(() => null);
    assert.ok(banner, `seed ${SEED}: #${f.slice(0, 200)}: a banner`);
  }
  assert.ok(await plays(page), 'the last page plays');
  assert.deepEqual(seen.panics, []);
  await context.close();
});

/** One mutation of a scenario (a JSON value), in place; returns what it did. */
function mutate(r, s) {
  const paths = [];
  const walk = (v, path) => {
    if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) { paths.push([...path, k]); walk(v[k], [...path, k]); }
    }
  };
  walk(s, []);
  const path = r.pick(paths);
  const parent = path.slice(0, -1).reduce((o, k) => o[k], s);
  const key = path[path.length - 1];
  const extreme = [-1, 0, 1, -0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 2 ** 64, 1e308, -1e308, 1e-300];
  switch (r.int(4)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key, 1); else delete parent[key];
      return `drop ${path.join('.')}`;
    case 1: {
      const v = r.pick([null, true, 'x', randomValue(r), [], {}, [1, 2], { kind: randomValue(r) }, 7]);
      parent[key] = v;
      return `retype ${path.join('.')} = ${JSON.stringify(v).slice(0, 60)}`;
    }
    case 2: {
      const v = r.pick(extreme);
      parent[key] = v;
      return `extreme ${path.join('.')} = ${v}`;
    }
    default: {
      const v = Array.isArray(parent[key]) ? Array.from({ length: 200 }, () => parent[key][0] ?? 1) : 'x'.repeat(100 + r.int(5000));
      parent[key] = v;
      return `huge ${path.join('.')}`;
    }
  }
}

const FILES = Number(process.env.BROOK_FUZZ_FILES ?? 1000);

test('1,000 mutated scenario files: each refused one keeps the running scenario', async () => {
  const r = rng(SEED ^ 0x5eed);
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=peak-shaving&play=1`, errors);
  const panics = [];
  page.on('console', (m) => { if (/panicked/.test(m.text())) panics.push(m.text()); });
  await until(() => counter(page, 'produced'), (n) => n > 0);
  await page.click('[data-testid=play]'); // paused: a refused import must leave time and hash as they are
  const base = await exported(page);
  const files = [];
  for (let i = 0; i < FILES; i++) {
    const name = `m${i}.json`;
    if (i % 50 === 7) {
      // Random bytes, some of them not UTF-8.
      files.push({ name, text: null, bytes: Array.from({ length: 1 + r.int(2000) }, () => r.int(256)), did: 'random bytes' });
      continue;
    }
    const s = structuredClone(base);
    const did = [];
    // Each file's scenario is named after it (unless a mutation is on the name): a file taken
    // shows its name as the one running.
    s.name = `m${i}`;
    for (let k = 1 + r.int(3); k > 0; k--) did.push(mutate(r, s));
    let text = JSON.stringify(s);
    if (r.int(20) === 0) { text = text.slice(0, r.int(text.length)); did.push('truncated'); }
    files.push({ name, text, did: did.join('; ') });
  }
  // Imported in the page, one after the other: each waits until the page has answered (its
  // refusal naming the file, or the file's scenario running).
  const results = await page.evaluate(async (files) => {
    const sleep = () => new Promise((ok) => setTimeout(ok, 2));
    const look = () => ({
      error: document.querySelector('[data-testid=import-error]')?.textContent ?? null,
      running: document.querySelector('[data-testid=preset] option:checked')?.textContent ?? '',
      time: document.querySelector('[data-testid=virtual-time]').textContent,
      hash: document.querySelector('[data-testid=counters]').getAttribute('data-trace-hash'),
      description: document.querySelector('[data-testid=description]').textContent,
    });
    const out = [];
    for (const f of files) {
      const t0 = performance.now();
      const before = look();
      const data = f.text ?? new Uint8Array(f.bytes);
      const dt = new DataTransfer();
      dt.items.add(new File([data], f.name, { type: 'application/json' }));
      const input = document.querySelector('[data-testid=import]');
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      let now = look();
      for (let k = 0; k < 1000; k++) {
        await sleep();
        now = look();
        if (now.error?.startsWith(`${f.name}`)) break; // refused
        if (now.error === null && (now.running !== before.running || before.error !== null)) break; // taken
      }
      out.push({ name: f.name, before, after: now, ms: performance.now() - t0 });
    }
    return out;
  }, files);
  const ms = (list) => Math.round(list.reduce((a, x) => a + x.ms, 0) / Math.max(1, list.length));
  const taken = results.filter((x) => x.after.error === null);
  console.log(`imports: ${results.length}, taken ${taken.length} (mean ${ms(taken)} ms), refused (mean ${ms(results.filter((x) => x.after.error !== null))} ms)`);
  let refused = 0;
  for (const [i, { before, after }] of results.entries()) {
    const what = `seed ${SEED}, file ${i} (${files[i].did})`;
    if (after.error?.startsWith(files[i].name)) {
      refused++;
      const kept = ['running', 'time', 'hash', 'description'];
      for (const k of kept) assert.equal(after[k], before[k], `${what}: refused, yet ${k} changed`);
    } else {
      assert.equal(after.error, null, `${what}: neither refused nor taken: ${JSON.stringify(after)}`);
    }
  }
  assert.ok(refused > FILES / 2, `most mutated files are refused (${refused})`);
  assert.deepEqual(panics, [], `seed ${SEED}: no panic`);
  assert.ok(await plays(page), 'the page still plays');
  assert.deepEqual(errors.filter((e) => !/panicked/.test(e)), []);
  await page.close();
});
