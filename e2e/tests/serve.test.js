// The README's first command, `scripts/serve.sh`, serves a page that starts and plays. The rest
// of the suite loads the release build through helpers.js's own server, so it never ran Trunk's
// development server: a second inline script that `trunk serve` adds (its auto-reload) made
// scripts/csp.py fail every served build, unseen, until a clean clone tried it by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshot, until } from './helpers.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// A development build of the page: about a minute on 2 cores once the test command's other
// builds have compiled the dependencies; far longer from nothing.
const BUILD_MS_MAX = 15 * 60_000;

/** A loopback port nobody listens on now. */
async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

let server; // scripts/serve.sh, in its own process group
let output = '';
let dist;
let browser;
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  if (dist) await rm(dist, { recursive: true, force: true });
});

test("scripts/serve.sh serves the page under its policy, and it plays", { timeout: BUILD_MS_MAX + 60_000 }, async () => {
  const port = await freePort();
  dist = await mkdtemp(join(tmpdir(), 'brook-serve-'));
  // The README's command as it is, with a port of the test's and a dist of its own (Trunk passes
  // both on to `trunk serve`).
  server = spawn(join(repo, 'scripts', 'serve.sh'), ['--port', String(port), '--dist', dist], {
    cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [server.stdout, server.stderr]) s.on('data', (d) => { output = (output + d).slice(-20_000); });
  const url = `http://127.0.0.1:${port}/`;
  // Trunk keeps serving after a failed build (404s, the error in its log), so a failure is
  // read from the log as well as from the answers.
  const index = await until(async () => {
    if (server.exitCode !== null) return { exited: server.exitCode };
    if (/ERROR|error from build pipeline/.test(output)) return { failed: 'the build' };
    try {
      const r = await fetch(url);
      return r.ok ? { html: await r.text() } : null;
    } catch {
      return null; // not listening yet: still building
    }
  }, (v) => v !== null, BUILD_MS_MAX);
  assert.ok(index?.html, `scripts/serve.sh served nothing (${JSON.stringify(index)}):\n${output}`);
  // scripts/csp.py ran on the served build: the policy is in, and no inline script is left.
  assert.match(index.html, /<meta http-equiv="Content-Security-Policy" content="default-src 'self'/);
  assert.doesNotMatch(index.html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script the policy would refuse');

  const errors = [];
  const page = await openPage(browser, url, errors);
  const produced = await until(async () => Number((await page.textContent('[data-testid=produced]')).replace(/[^0-9]/g, '')), (n) => n > 0);
  assert.ok(produced > 0, 'the served page plays: records are produced');
  await screenshot(page, 'serve-readme-command');
  assert.deepEqual(errors, [], 'no console errors (a refused script or style would show here)');
});
