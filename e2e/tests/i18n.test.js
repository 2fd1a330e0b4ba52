// The page in Traditional Chinese (Taiwan): every string it shows, in the DOM and drawn on the
// canvases, is translated; the language comes from ?lang=, the switch (remembered), or the
// browser; <html lang> follows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, until, screenshot } from './helpers.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// English words the Chinese page keeps on purpose: product and Kafka names, configuration
// values and the Kafka terms zh-TW.md keeps in English, the language switch's own label.
const KEPT = new Set([
  'Brook', 'Kafka', 'Broker', 'ISR', 'acks', 'all', 'send', 'assignor', 'controller', 'leader',
  'epoch', 'session', 'timeout', 'range', 'roundrobin', 'sticky', 'cooperative', 'Zipf',
  'Poisson', 'ms', 'min', 'insync', 'replicas', 'true', 'false', 'null', 'English', 'Language',
  // The push systems shown for comparison, and configuration names and values.
  'RabbitMQ', 'Redis', 'Pub', 'Sub', 'MQTT', 'QoS', 'latest', 'earliest',
  'client-output-buffer-limit',
  // Kafka's RequestMetrics names, as a broker reports them (the broker inspector).
  'RequestQueueTimeMs', 'LocalTimeMs', 'RemoteTimeMs', 'ResponseQueueTimeMs', 'ResponseSendTimeMs',
  'TotalTimeMs',
  // File formats the download buttons name.
  'PNG', 'CSV',
  // Key names on the keyboard (the timeline's and the stage's keys) and the command the page's
  // plan mirrors.
  'Page', 'Up', 'Down', 'Home', 'End', 'Enter', 'brook', 'plan',
]);

/** Opens `url` in a fresh context that records every string drawn on a canvas. */
async function openRecording(url, errors, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ...contextOptions });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    const drawn = new Set();
    window.__drawn = drawn;
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
      if (drawn.size < 20_000) drawn.add(String(text));
      return fillText.call(this, text, ...rest);
    };
  });
  await page.goto(url);
  await page.waitForSelector('[data-testid=produced]', { timeout: 20_000 });
  return { page, context };
}

/** Every string the page shows now: text, titles, labels, the document title; with `drawn`,
 *  every string drawn on a canvas so far too. */
function shownStrings(page, drawn = false) {
  return page.evaluate((withDrawn) => {
    const out = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const t = walker.currentNode.textContent.trim();
      if (t) out.push(t);
    }
    for (const el of document.querySelectorAll('[title],[aria-label],[aria-valuetext],[placeholder],[alt]')) {
      for (const a of ['title', 'aria-label', 'aria-valuetext', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    return withDrawn ? out.concat([...window.__drawn]) : out;
  }, drawn);
}

// The URL's parameter names, which stay as they are typed (like the scenario's field names).
const PARAMETERS = new Set(['preset', 'seed', 'play', 'bench', 'seconds', 'lang']);

/** The English words in `s` that are neither kept on purpose nor a name from the scenario;
 *  what the user typed, quoted 「so」, is theirs. */
function untranslated(s, names) {
  // A word cut short on the canvas ("Rabbi…") is checked where it is drawn whole.
  const shown = s.replace(/「[^」]*」/g, '').replace(/[A-Za-z][A-Za-z0-9_.\-[\]]*…/g, '');
  return (shown.match(/[A-Za-z][A-Za-z0-9_.\-[\]]*/g) ?? [])
    .filter((w) => /[._[]/.test(w) === false) // field paths stay as in the scenario format
    .filter((w) => !KEPT.has(w))
    .flatMap((w) => w.split('-'))
    .filter((w) => (w.match(/[A-Za-z]/g) ?? []).length >= 2)
    .filter((w) => !KEPT.has(w) && !PARAMETERS.has(w) && !names.has(w));
}

/** The names in the running scenario (topics, producers, readers), from its export. */
async function scenarioNames(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const s = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const names = new Set();
  for (const list of [s.topics, s.producers, s.groups, s.share_groups, s.subscriptions]) {
    for (const item of list ?? []) for (const part of item.name.split('-')) names.add(part);
  }
  return names;
}

async function steps(page, n) {
  for (let i = 0; i < n; i++) await page.click('[data-testid=step]');
}

/** Clicks a grid over the stage, opening the inspector on whatever is there, and collects
 *  what each shows. */
async function walkStage(page, seen) {
  for (const fx of [0.04, 0.45, 0.56, 0.93]) {
    for (let y = 16; ; y += 24) {
      const { w, h } = await page.$eval('[data-testid=stage]', (c) => ({ w: c.clientWidth, h: c.clientHeight }));
      if (y >= h - 4) break;
      await page.click('[data-testid=stage]', { position: { x: Math.round(w * fx), y } });
      if (await page.$('[data-testid=inspector]')) seen.push(...(await shownStrings(page)));
    }
  }
}

/** Clicks down the producers' column until the inspector opens on one; returns its title. */
async function openFirstProducer(page) {
  for (let y = 40; y < 440; y += 15) {
    await page.click('[data-testid=stage]', { position: { x: 60, y } });
    const h = await page.$('[data-testid=inspector] h2');
    const title = h ? await h.textContent() : '';
    if (title.startsWith('生產者')) return title;
  }
  return null;
}

test('the page in zh-TW shows no untranslated string', async () => {
  const errors = [];
  const seen = [];
  const names = new Set();
  const failures = [];
  const presets = ['quickstart', 'broker-failure-acks', 'share-group-queue', 'slow-subscriber-push-vs-pull', 'wide-topic'];
  for (const preset of presets) {
    const { page, context } = await openRecording(`${server.url}?lang=zh-TW&preset=${preset}&play=0`, errors);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hant-TW');
    assert.equal(await page.textContent('[data-testid=play]'), '播放');
    for (const n of await scenarioNames(page)) names.add(n);
    await steps(page, preset === 'broker-failure-acks' ? 60 : 40);
    await page.waitForTimeout(300);
    seen.push(...(await shownStrings(page)));
    // Every inspector (a thousand partitions draw the same way as a few: not walked).
    if (preset !== 'wide-topic') await walkStage(page, seen);

    if (preset === 'quickstart') {
      // Every kind of rate profile and keys, and refusals: the form's and the engine's.
      assert.equal(await openFirstProducer(page), '生產者 checkout');
      for (const kind of ['poisson', 'step', 'bursts', 'sine', 'ramp', 'piecewise', 'constant']) {
        await page.selectOption('[data-testid=field-profile]', kind);
        seen.push(...(await shownStrings(page)));
      }
      for (const keys of ['uniform', 'zipf', 'none']) {
        await page.selectOption('[data-testid=field-keys]', keys);
        seen.push(...(await shownStrings(page)));
      }
      await page.fill('[data-testid=field-rate]', 'fast');
      await page.click('[data-testid=apply]');
      assert.equal(await page.textContent('[data-testid=inspector-error]'), 'rate_per_sec：「fast」不是有效的數字');
      seen.push(...(await shownStrings(page)));
      await page.fill('[data-testid=field-rate]', '5e9');
      await page.click('[data-testid=apply]');
      assert.equal(await page.textContent('[data-testid=inspector-error]'), 'command.rate_per_sec：5e9 超過上限 1e8');
      seen.push(...(await shownStrings(page)));
      await page.fill('[data-testid=seed]', '12x');
      const bad = JSON.stringify({ version: 1, name: 'broken', topics: [{ name: 't', partitions: 20000 }], producers: [] });
      await page.setInputFiles('[data-testid=import]', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
      const msg = await (await page.waitForSelector('[data-testid=import-error]')).textContent();
      assert.equal(msg, 'broken.json：topics[0].partitions：20000 超過上限 16384；目前的情境保持不變');
      names.add('broken');
      seen.push(...(await shownStrings(page)));
    }
    if (preset === 'broker-failure-acks') {
      // Crash a broker that is down already: the engine's notice, translated.
      await page.selectOption('[data-testid=action-broker]', { index: 0 });
      await page.click('[data-testid=crash-broker]');
      await steps(page, 1);
      const notice = await (await page.waitForSelector('[data-testid=notice]')).textContent();
      assert.equal(notice, 'Broker 0 已經當機');
      seen.push(...(await shownStrings(page)));
    }
    // Hover the charts: the readouts are drawn.
    const box = await page.$eval('[data-testid=charts]', (c) => { const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
    for (const fx of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      await page.mouse.move(box.x + box.w * fx, box.y + box.h * 0.4);
      await page.waitForTimeout(150);
    }
    seen.push(...(await shownStrings(page, true)));

    if (preset === 'broker-failure-acks') {
      await openFirstProducer(page);
      await page.waitForTimeout(300);
      await screenshot(page, 'zh-TW');
    }
    if (preset === 'wide-topic') await screenshot(page, 'zh-TW-wide-topic');
    await context.close();
  }
  // The walk opened every kind of inspector.
  for (const title of [/^生產者 checkout$/, /^分區 orders-\d+$/, /^Broker \d（代理節點）$/, /^billing 的成員 #0$/, /^phone-no-prefetch$/]) {
    assert.ok(seen.some((s) => title.test(s)), `an inspector titled ${title}`);
  }
  for (const s of new Set(seen)) {
    const words = untranslated(s, names);
    if (words.length > 0) failures.push(`${JSON.stringify(s)}: ${words.join(', ')}`);
  }
  assert.deepEqual(failures, [], `untranslated strings in zh-TW:\n${failures.join('\n')}`);
  assert.ok(seen.length > 500, `walked ${seen.length} strings`);
  assert.deepEqual(errors, []);
});

test('the language comes from ?lang=, the remembered switch, then the browser; <html lang> follows', async () => {
  const errors = [];
  const lang = (page) => page.evaluate(() => document.documentElement.lang);
  // A Taiwanese browser: Chinese without asking.
  const { page, context } = await openRecording(`${server.url}?play=0`, errors, { locale: 'zh-TW' });
  assert.equal(await lang(page), 'zh-Hant-TW');
  assert.equal(await page.textContent('[data-testid=play]'), '播放');
  assert.match(await page.title(), /即時模擬/);
  // Switched on the page: English at once, and remembered over the browser's language.
  await page.selectOption('[data-testid=language]', 'en');
  await until(() => lang(page), (l) => l === 'en');
  assert.equal(await page.textContent('[data-testid=play]'), 'Play');
  await page.reload();
  await page.waitForSelector('[data-testid=produced]');
  assert.equal(await lang(page), 'en', 'remembered');
  // The URL wins over the remembered choice; switching rewrites it so a reload keeps it.
  await page.goto(`${server.url}?play=0&lang=zh-TW`);
  await page.waitForSelector('[data-testid=produced]');
  assert.equal(await lang(page), 'zh-Hant-TW');
  await page.selectOption('[data-testid=language]', 'en');
  await until(() => page.evaluate(() => location.search), (q) => q.includes('lang=en'));
  assert.equal(await page.evaluate(() => location.search), '?play=0&lang=en');
  // A bad ?lang= gets a notice naming the parameter and the allowed values, in English.
  await page.goto(`${server.url}?play=0&lang=fr`);
  await page.waitForSelector('[data-testid=produced]');
  assert.equal(await lang(page), 'en');
  assert.match(await page.textContent('[data-testid=url-errors]'), /lang: "fr" is not one of en, zh-TW/);
  await context.close();
  assert.deepEqual(errors, []);
});
