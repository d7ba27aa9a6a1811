// Takes the README's screenshot (docs/screenshot.png): the threaded page in
// headless Chromium, 1280x1500, the demo playing for 4 s so the spectrum,
// meters and waveform show it.   node scripts/screenshot.mjs   (after make)
import path from 'node:path';
import {
  ROOT, checkSite, launchBrowserWith, openPage, startServer, stopServer,
} from '../tests/e2e/harness.mjs';

const OUT = path.join(ROOT, 'docs', 'screenshot.png');

checkSite();
const server = startServer([]);
const { url } = await server.ready;
const browser = await launchBrowserWith({ viewport: { width: 1280, height: 1500 } });
try {
  const { page } = await openPage(browser.context, url);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForTimeout(4000);
  await page.screenshot({ path: OUT });
  console.log(`screenshot: ${path.relative(ROOT, OUT)}`);
} finally {
  await browser.close();
  await stopServer(server.proc);
}
