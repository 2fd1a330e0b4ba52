// Makes the README screenshot after `trunk build`:
// `node screenshot.js [preset] [seconds] [output.png]` (default: log-collection, 6, ../docs/screenshot.png).
import { serveDist, launch, openPage } from './tests/helpers.js';

const [preset = 'log-collection', seconds = '6', out = '../docs/screenshot.png'] = process.argv.slice(2);
const server = await serveDist();
const browser = await launch();
const errors = [];
const page = await openPage(browser, `${server.url}?preset=${preset}`, errors, { width: 1280, height: 800 });
await page.waitForTimeout(Number(seconds) * 1000);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
await server.close();
if (errors.length) { console.error(errors.join('\n')); process.exit(1); }
console.log(`wrote ${out}`);
