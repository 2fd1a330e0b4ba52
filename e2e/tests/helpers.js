// Shared set-up: serve the Trunk-built dist/ on 127.0.0.1 and drive Debian's Chromium.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = process.env.BROOK_DIST ?? join(here, '..', '..', 'dist');
export const ARTIFACTS = join(here, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/** Serves `root` (DIST unless asked) on an ephemeral loopback port, with `headers` on every
 *  answer and `pages` (path: HTML) served as they are; resolves to { url, close }. `close`
 *  also drops open connections, as a server that went away does (a worker may keep one). */
export async function serveDist({ root = DIST, headers = {}, pages = {} } = {}) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (Object.hasOwn(pages, path)) {
      res.writeHead(200, { 'content-type': 'text/html', ...headers });
      res.end(pages[path]);
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(normalize(root))) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  const close = () => new Promise((ok) => { server.close(ok); server.closeAllConnections(); });
  return { url: `http://127.0.0.1:${port}/`, close };
}

/** Launches headless Chromium from the system, never a downloaded one. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** Opens a page that records console errors and uncaught exceptions into `errors`. The
 *  browser's language is English whatever the machine's, so the page opens in English. */
export async function openPage(browser, url, errors, viewport = { width: 1280, height: 720 }) {
  const page = await browser.newPage({ viewport, locale: 'en-US' });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('[data-testid=produced]', { timeout: 20_000 });
  return page;
}

/** The integer shown in a counter. */
export async function counter(page, id) {
  const text = await page.textContent(`[data-testid=${id}]`);
  return Number(text.replace(/[^0-9]/g, ''));
}

/** Polls `read` until `ok(value)` holds or `ms` pass; returns the last value. */
export async function until(read, ok, ms = 15_000) {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

/** Fraction of canvas pixels that differ from the stage background (#f8fafc). */
export async function inkFraction(page) {
  return page.evaluate(() => {
    const c = document.querySelector('canvas[data-testid=stage]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - 0xf8) + Math.abs(d[i + 1] - 0xfa) + Math.abs(d[i + 2] - 0xfc) > 24) ink++;
    }
    return ink / (d.length / 4);
  });
}

/** A cheap fingerprint of the canvas pixels, to see that the picture moves. */
export async function canvasHash(page) {
  return page.evaluate(() => {
    const c = document.querySelector('canvas[data-testid=stage]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 7) { h = Math.imul(h ^ d[i], 16777619); }
    return h >>> 0;
  });
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
