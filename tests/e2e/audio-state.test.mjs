// Browser test of the audio-state notice. The browser may suspend the page's
// AudioContext (autoplay policy before a gesture; later a lost output
// device or, on iOS, an interruption); the page must say so while it is not
// running, and a click anywhere must resume it and clear the notice.
// Headless Chromium never applies the autoplay policy, so the test
// suspends the context itself, as the browser would: an init script keeps
// a handle to the page's AudioContext.
//
//   node --test tests/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkSite, launchBrowserWith, openPage, startServer, stopServer,
} from './harness.mjs';

const KEEP_CONTEXT = () => {
  const Original = window.AudioContext;
  window.AudioContext = class extends Original {
    constructor(...args) {
      super(...args);
      window.testAudioContext = this;
    }
  };
};

let server;
let browser;
let page;

before(async () => {
  checkSite();
  server = startServer([]);
  const { url } = await server.ready;
  browser = await launchBrowserWith();
  ({ page } = await openPage(browser.context, url, { initScript: KEEP_CONTEXT }));
});

after(async () => {
  await browser?.close();
  await stopServer(server?.proc);
});

const audioState = () => page.evaluate(() => window.wavepool.status().audio);

test('a suspended context: the notice says so, a click resumes audio and clears it', async () => {
  const notice = page.locator('#audio-notice');
  const play = page.getByRole('button', { name: 'Play', exact: true });
  await play.click();
  await page.waitForFunction(() => window.wavepool.status().audio === 'running', null, { timeout: 5000 });
  assert.equal(await notice.isVisible(), false);

  await page.evaluate(() => window.testAudioContext.suspend());
  await notice.waitFor({ state: 'visible', timeout: 2000 });
  assert.equal(await audioState(), 'suspended');
  assert.equal(await notice.textContent(), 'Audio output is suspended: the browser starts or ' +
    'resumes sound only after you click or press a key on the page.');
  const frozen = await page.evaluate(() => window.wavepool.status().framesPlayed);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.wavepool.status().framesPlayed), frozen);

  await page.locator('h1').click();
  await page.waitForFunction(() => window.wavepool.status().audio === 'running', null, { timeout: 5000 });
  await notice.waitFor({ state: 'hidden', timeout: 2000 });
  await page.waitForTimeout(500);
  const played = await page.evaluate(() => window.wavepool.status().framesPlayed) - frozen;
  assert.ok(played > 0.3 * 44100, `audio runs again after the click: ${played} frames in 0.5 s`);
});
