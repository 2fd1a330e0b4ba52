// Makes the README screenshot: `node screenshot.js [preset] [seconds]` after `trunk build`.
import { serveDist, launch, openPage } from './tests/helpers.js';

const [preset = 'log-collection', seconds = '6'] = process.argv.slice(2);
const server = await serveDist();
const browser = await launch();
const errors = [];
const page = await openPage(browser, `${server.url}?preset=${preset}`, errors, { width: 1280, height: 800 });
await page.waitForTimeout(Number(seconds) * 1000);
await page.screenshot({ path: '../docs/screenshot.png' });
await browser.close();
await server.close();
if (errors.length) { console.error(errors.join('\n')); process.exit(1); }
console.log('wrote docs/screenshot.png');
