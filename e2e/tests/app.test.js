// The app as a user meets it: served from dist/ on 127.0.0.1, in real headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, counter, until, inkFraction, canvasHash, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('paused page stays still; Play makes traffic flow and the counters advance', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?play=0`, errors);
  assert.equal(await page.textContent('[data-testid=play]'), 'Play');
  await page.waitForTimeout(400);
  assert.equal(await counter(page, 'produced'), 0, 'nothing is produced while paused');

  await page.click('[data-testid=play]');
  const produced = await until(() => counter(page, 'produced'), (n) => n > 500);
  assert.ok(produced > 500, `produced counter advanced (${produced})`);
  const consumed = await until(() => counter(page, 'consumed'), (n) => n > 100);
  assert.ok(consumed > 100, `consumed counter advanced (${consumed})`);

  const ink = await inkFraction(page);
  assert.ok(ink > 0.03, `canvas is drawn (${(ink * 100).toFixed(1)}% of pixels inked)`);
  const a = await canvasHash(page);
  await page.waitForTimeout(300);
  const b = await canvasHash(page);
  assert.notEqual(a, b, 'the picture moves from frame to frame');

  await screenshot(page, 'quickstart');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});

test('after choosing a preset, the address names it, Space plays at once and r keeps the speed', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?play=0`, errors);
  await page.focus('[data-testid=preset]'); // as after a click on the menu
  await page.selectOption('[data-testid=preset]', 'peak-shaving');
  await page.keyboard.press('Space');
  // Yew renders in a task of its own, later than the key when a restart's work runs long.
  const pressed = () => page.getAttribute('[data-testid=play]', 'aria-pressed');
  assert.equal(await until(pressed, (v) => v === 'true', 5_000), 'true', 'Space played');
  const query = new URL(await until(() => page.url(), (u) => u.includes('preset='), 5_000)).searchParams;
  assert.equal(query.get('preset'), 'peak-shaving', 'the address follows the preset');
  assert.equal(query.get('play'), '0', 'other parameters are kept');
  const speed = () => page.evaluate(() => document.querySelector('[data-testid=speed]').value);
  const before = await speed();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  const faster = await until(speed, (v) => Number(v) > Number(before), 5_000);
  await page.keyboard.press('r');
  await page.waitForTimeout(500); // the restart's render has landed
  assert.equal(await speed(), faster, 'r restarts the run but keeps the speed');
  assert.deepEqual(errors, [], 'no console error or uncaught exception');
  await page.close();
});

test('the same seed gives the same figures after the same virtual time', async () => {
  const figures = [];
  for (let run = 0; run < 2; run++) {
    const errors = [];
    const page = await openPage(browser, `${server.url}?play=0&seed=7`, errors);
    for (let i = 0; i < 20; i++) await page.click('[data-testid=step]'); // 20 x 100 ms
    await page.waitForTimeout(300);
    assert.equal(await page.textContent('[data-testid=virtual-time]'), '2.0 s');
    figures.push([await counter(page, 'produced'), await counter(page, 'consumed'), await counter(page, 'lag')]);
    assert.deepEqual(errors, []);
    await page.close();
  }
  assert.ok(figures[0][0] > 0);
  assert.deepEqual(figures[0], figures[1]);
});

test('bad input gets a message naming the field', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?seed=banana&play=0&speed=500`, errors);
  const banner = await page.textContent('[data-testid=url-errors]');
  assert.match(banner, /seed: "banana" is not a whole number/);
  assert.match(banner, /speed: "500" must be a number from 0\.1 to 100/);
  assert.equal(await page.textContent('[data-testid=speed-value]'), '1×', 'the default speed kept');
  const fast = await openPage(browser, `${server.url}?play=0&speed=10`, errors);
  assert.equal(await fast.textContent('[data-testid=speed-value]'), '10×', 'the speed the URL asked');
  assert.equal(await fast.$('[data-testid=url-errors]'), null);
  await fast.close();
  await page.fill('[data-testid=seed]', '12x');
  const inline = await page.textContent('[data-testid=seed-error]');
  assert.match(inline, /^seed: "12x"/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('every preset opens, runs and draws without errors', async () => {
  const names = await (async () => {
    const errors = [];
    const page = await openPage(browser, `${server.url}?play=0`, errors);
    const list = await page.$$eval('[data-testid=preset] option', (os) => os.map((o) => o.value));
    await page.close();
    return list;
  })();
  assert.ok(names.length >= 7, `presets listed: ${names}`);
  for (const name of names) {
    const errors = [];
    const page = await openPage(browser, `${server.url}?preset=${name}`, errors);
    await until(() => counter(page, 'consumed'), (n) => n > 0);
    assert.ok((await counter(page, 'produced')) > 0, `${name}: produced`);
    assert.ok((await inkFraction(page)) > 0.03, `${name}: canvas drawn`);
    assert.notEqual(await page.textContent('[data-testid=description]'), '', `${name}: described`);
    await screenshot(page, `preset-${name}`);
    assert.deepEqual(errors, [], `${name}: no console errors`);
    await page.close();
  }
});

test('a bad imported scenario shows an error naming the field and keeps the running one', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=peak-shaving&play=0`, errors);
  const before = await page.textContent('[data-testid=description]');
  const bad = JSON.stringify({ version: 1, name: 'broken', topics: [{ name: 't', partitions: 20000 }], producers: [] });
  await page.setInputFiles('[data-testid=import]', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  const msg = await (await page.waitForSelector('[data-testid=import-error]')).textContent();
  assert.match(msg, /^broken\.json: topics\[0\]\.partitions: 20000 exceeds the limit 16384/);
  assert.equal(await page.textContent('[data-testid=description]'), before, 'the previous scenario is kept');
  await page.click('[data-testid=step]');
  await until(() => counter(page, 'produced'), (n) => n > 0);
  assert.ok((await counter(page, 'produced')) > 0, 'and it still runs');
  assert.deepEqual(errors, []);
  await page.close();
});

test('export then import gives the same run', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=hot-key-skew&seed=5&play=0`, errors);
  // Change the run as it goes: a spike, then one more consumer, between steps of 100 ms.
  await steps(page, 5);
  await page.click('[data-testid=spike]');
  await steps(page, 5);
  await page.click('[data-testid=add-member]');
  await steps(page, 5);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
  assert.equal(download.suggestedFilename(), 'brook-hot-key-skew-seed5.json');
  const exported = JSON.parse(await streamText(await download.createReadStream()));
  assert.equal(exported.seed, 5);
  await steps(page, 15);
  const original = await figuresAt(page, '3.0 s');
  assert.ok(original.produced > 0 && original.consumed > 0, JSON.stringify(original));

  // The file, imported into a page running something else, replays the run: the same figures
  // and the same trace hash at the same virtual time.
  const copy = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  exported.description = 'imported copy';
  await copy.setInputFiles('[data-testid=import]', { name: 'copy.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await copy.waitForFunction(() => document.querySelector('[data-testid=description]').textContent === 'imported copy');
  assert.equal(await copy.inputValue('[data-testid=seed]'), '5');
  assert.equal(await copy.$('[data-testid=import-error]'), null);
  await steps(copy, 30);
  const replayed = await figuresAt(copy, '3.0 s');
  assert.deepEqual(replayed, original, 'the imported file replays the exported run');
  assert.deepEqual(errors, []);
  await copy.close();
  await page.close();
});

/** Clicks Step `n` times (100 virtual ms each). */
async function steps(page, n) {
  for (let i = 0; i < n; i++) await page.click('[data-testid=step]');
}

/** Waits until the page shows virtual time `time`, then reads its figures and trace hash. */
async function figuresAt(page, time) {
  await page.waitForFunction((t) => document.querySelector('[data-testid=virtual-time]').textContent === t, time);
  return page.evaluate(() => {
    const n = (id) => Number(document.querySelector(`[data-testid=${id}]`).textContent.replace(/[^0-9]/g, ''));
    const hash = document.querySelector('[data-testid=counters]').dataset.traceHash;
    return { produced: n('produced'), consumed: n('consumed'), lag: n('lag'), hash };
  });
}

test('actions change the running system: add a consumer, crash a broker', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=broker-failure-acks&play=0`, errors);
  await page.click('[data-testid=add-member]');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => document.querySelector('[data-testid=group-row] td:nth-child(3)').textContent.startsWith('4'));
  await page.selectOption('[data-testid=action-broker]', { index: 1 });
  await page.click('[data-testid=crash-broker]');
  for (let i = 0; i < 5; i++) await page.click('[data-testid=step]');
  await page.click('[data-testid=crash-broker]'); // already down: the engine refuses, the page says so
  await page.click('[data-testid=step]');
  const notice = await (await page.waitForSelector('[data-testid=notice]')).textContent();
  assert.match(notice, /broker 1 is already down/);
  await screenshot(page, 'actions-broker-down');
  assert.deepEqual(errors, []);
  await page.close();
});

async function streamText(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Clicks down the producers' column until the inspector opens on one; returns its title. */
async function openFirstProducer(page) {
  for (let y = 40; y < 440; y += 15) {
    await page.click('[data-testid=stage]', { position: { x: 60, y } });
    const el = await page.$('[data-testid=inspector] h2');
    const t = el ? await el.textContent() : '';
    if (t.startsWith('Producer')) return t;
  }
  return null;
}

test('clicking a producer opens the inspector; an invalid value is refused with the limit', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  assert.equal(await openFirstProducer(page), 'Producer checkout');
  await page.fill('[data-testid=field-rate]', '5e9');
  await page.click('[data-testid=apply]');
  const err = await page.textContent('[data-testid=inspector-error]');
  assert.equal(err, 'command.rate_per_sec: 5e9 exceeds the limit 1e8');
  await page.fill('[data-testid=field-rate]', 'fast');
  await page.click('[data-testid=apply]');
  assert.match(await page.textContent('[data-testid=inspector-error]'), /^rate_per_sec: "fast" is not a valid number/);
  await page.fill('[data-testid=field-rate]', '50');
  await page.fill('[data-testid=field-linger]', '40');
  await page.click('[data-testid=apply]');
  await page.waitForSelector('.inspector .applied');
  assert.equal(await page.inputValue('[data-testid=field-rate]'), '50', 'what was typed stays');
  for (let i = 0; i < 10; i++) await page.click('[data-testid=step]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=inspector] dd')].some((d) => d.textContent === '50'));
  await screenshot(page, 'inspector');
  assert.deepEqual(errors, []);
  await page.close();
});

test('switching the delivery model: add a push reader, remove the pull group', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  await page.selectOption('[data-testid=reader-kind]', { index: 3 }); // push (not Kafka): RabbitMQ, no prefetch
  await page.click('[data-testid=add-reader]');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=group-row]')].some((r) => r.textContent.includes('push subscription')));
  await page.selectOption('[data-testid=reader]', 'billing');
  await page.click('[data-testid=remove-reader]');
  for (let i = 0; i < 10; i++) await page.click('[data-testid=step]');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=group-row]')];
    return rows.length === 1 && rows[0].textContent.startsWith('push-1');
  });
  assert.ok((await counter(page, 'consumed')) > 0, 'the push reader received records');
  await screenshot(page, 'switched-to-push');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the inspector turns on a prefetch window for a push subscriber', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=slow-subscriber-push-vs-pull&play=0`, errors);
  for (let i = 0; i < 5; i++) await page.click('[data-testid=step]');
  const size = () => page.$eval('[data-testid=stage]', (c) => ({ w: c.clientWidth, h: c.clientHeight }));
  let found = false;
  for (let y = 30; y < (await size()).h && !found; y += 8) {
    // The stage narrows while the inspector is open: aim at its current right column.
    await page.click('[data-testid=stage]', { position: { x: (await size()).w - 60, y } });
    const el = await page.$('[data-testid=inspector] h2');
    found = el !== null && (await el.textContent()).startsWith('phone-no-prefetch');
  }
  assert.ok(found, 'the subscription can be clicked');
  await page.fill('[data-testid=field-prefetch]', '200');
  await page.click('[data-testid=apply]');
  await page.waitForSelector('.inspector .applied');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=inspector] dd')].some((d) => d.textContent.includes('prefetch 200')));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the inspector replaces a rate profile and keys; a producer closes; brokers join and leave', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  assert.equal(await openFirstProducer(page), 'Producer checkout');
  const figure = (label) => page.evaluate((l) => {
    const dts = [...document.querySelectorAll('[data-testid=inspector] dt')];
    // A glossary term's label is its first text; its definition follows in a tooltip.
    const dt = dts.find((d) => (d.querySelector('dfn')?.firstChild?.textContent ?? d.textContent) === l);
    return dt ? dt.nextElementSibling.textContent : null;
  }, label);
  assert.equal(await figure('rate profile'), 'constant 400/s');
  // A step: the fields change with the kind and start from the rate now.
  await page.selectOption('[data-testid=field-profile]', 'step');
  await page.waitForSelector('[data-testid=field-peak]');
  assert.equal(await page.inputValue('[data-testid=field-base]'), '400');
  await page.fill('[data-testid=field-start]', 'soon');
  await page.click('[data-testid=apply]');
  assert.equal(await page.textContent('[data-testid=inspector-error]'), 'profile.start_ms: "soon" is not a valid number');
  await page.fill('[data-testid=field-peak]', '3e8');
  await page.fill('[data-testid=field-start]', '0');
  await page.click('[data-testid=apply]');
  assert.equal(await page.textContent('[data-testid=inspector-error]'), 'command.profile.spike_per_sec: 3e8 exceeds the limit 1e8');
  await page.fill('[data-testid=field-peak]', '900');
  await page.fill('[data-testid=field-duration]', '60000');
  await page.selectOption('[data-testid=field-keys]', 'zipf');
  await page.waitForSelector('[data-testid=field-key-exponent]');
  await page.fill('[data-testid=field-key-count]', '10');
  await page.click('[data-testid=apply]');
  await page.waitForSelector('.inspector .applied');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=inspector] dd')].some((d) => d.textContent.startsWith('400/s, 900/s from 0.0 s')));
  assert.match(await figure('keys'), /^10 keys, Zipf/);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=inspector] dd')].some((d) => d.textContent === '900'));
  await screenshot(page, 'inspector-profile');

  // Close the producer: it sends what it holds, then its sent count stands still.
  await page.click('[data-testid=remove-producer]');
  for (let i = 0; i < 5; i++) await page.click('[data-testid=step]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=inspector] dd')].some((d) => d.textContent === 'closed'));
  await page.waitForTimeout(300);
  const sent = await figure('sent');
  assert.equal(await figure('acknowledged'), sent, 'what it held was sent and acknowledged');
  for (let i = 0; i < 5; i++) await page.click('[data-testid=step]');
  await page.waitForTimeout(300);
  assert.equal(await figure('sent'), sent, 'a closed producer creates nothing');

  // One broker here: a new one joins empty and may leave; the first may not.
  await page.click('[data-testid=add-broker]');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => document.querySelector('[data-testid=remove-broker]').textContent === 'Remove broker 1');
  await page.click('[data-testid=remove-broker]');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => document.querySelector('[data-testid=remove-broker]').textContent === 'Remove broker 0');
  await page.click('[data-testid=remove-broker]');
  await page.click('[data-testid=step]');
  assert.match(await (await page.waitForSelector('[data-testid=notice]')).textContent(), /the only broker cannot leave/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a new broker is used by partitions added later, and replication is drawn', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=broker-failure-acks&play=0`, errors);
  await page.click('[data-testid=add-broker]');
  await page.click('[data-testid=add-partition]');
  for (let i = 0; i < 20; i++) await page.click('[data-testid=step]');
  await page.waitForFunction(() => document.querySelector('[data-testid=remove-broker]').textContent === 'Remove broker 3');
  await page.click('[data-testid=play]');
  await page.waitForTimeout(1500); // the preset crashes broker 0 at 5 s: stay before it
  await screenshot(page, 'replication-new-broker');
  assert.deepEqual(errors, []);
  await page.close();
});

/** Clicks along the broker row until the inspector shows `title`; returns a figure of it. */
async function brokerFigure(page, title, label) {
  for (let x = 200; x < 1200; x += 12) {
    await page.click('[data-testid=stage]', { position: { x, y: 16 } });
    const el = await page.$('[data-testid=inspector] h2');
    if (el && (await el.textContent()) === title) {
      return page.evaluate((l) => {
        const dt = [...document.querySelectorAll('[data-testid=inspector] dt')].find((d) => d.textContent === l);
        return dt.nextElementSibling.textContent;
      }, label);
    }
  }
  return null;
}

test('balancing fills a new broker; removing it moves its replicas back first', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=quickstart&play=0`, errors);
  await page.click('[data-testid=add-broker]');
  await page.click('[data-testid=balance-replicas]');
  for (let i = 0; i < 10; i++) await page.click('[data-testid=step]');
  await page.waitForTimeout(300);
  assert.equal(await brokerFigure(page, 'Broker 1', 'replicas hosted'), '2', 'half of the four partitions moved');
  // The broker's inspector offers the removal itself.
  await page.click('[data-testid=inspector] .inspector-actions button:has-text("Remove broker 1")');
  for (let i = 0; i < 10; i++) await page.click('[data-testid=step]');
  await page.waitForFunction(() => document.querySelector('[data-testid=remove-broker]').textContent === 'Remove broker 0');
  const faults = await page.$('[data-testid=faults]');
  if (faults) assert.match(await faults.textContent(), /^0 \/ 0 \//, 'no duplicate and nothing lost on the way');
  assert.deepEqual(errors, []);
  await page.close();
});

test('log cells can be coloured by key, and back by producer', async () => {
  const errors = [];
  const page = await openPage(browser, `${server.url}?preset=hot-key-skew&play=0`, errors);
  for (let i = 0; i < 20; i++) await page.click('[data-testid=step]');
  await page.waitForTimeout(1200); // every dot has landed: the paused picture is still
  const byProducer = await canvasHash(page);
  await page.selectOption('[data-testid=colour-by]', 'key');
  await page.waitForTimeout(200);
  const byKey = await canvasHash(page);
  assert.notEqual(byKey, byProducer, 'the cells change colour');
  await screenshot(page, 'colour-by-key');
  await page.selectOption('[data-testid=colour-by]', 'producer');
  await page.waitForTimeout(200);
  assert.equal(await canvasHash(page), byProducer, 'the same picture as before');
  assert.deepEqual(errors, []);
  await page.close();
});
