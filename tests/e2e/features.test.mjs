// Browser test of the page on browsers that lack a feature the engine needs
// (see docs/guide/browser-support.md). Headless Chromium has them all, so
// each test takes one away before the page's scripts run
// (page.addInitScript) and checks the exact message the page shows:
//
//   no WebAssembly, no WebAssembly SIMD, not a secure context, no
//   AudioWorklet: the page stops with a clear error (engine.js
//   missingFeature());
//   no module workers on a page that is not isolated: the fallback cannot
//   start, and the error says why and why threads are unavailable too;
//   no SharedArrayBuffer on an isolated page: the existing fallback (the
//   single-threaded engine with its notice) still runs.
//
//   node --test tests/e2e/features.test.mjs
//
// Environment: WAVEPOOL_SITE, CHROMIUM (see harness.mjs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSite, launchBrowser, openPage, startServer, stopServer } from './harness.mjs';

// ---- Stubs (run in the page before its scripts; self-contained) ----------

// A browser without SIMD rejects every module that uses an instruction of
// the SIMD prefix (0xfd); other modules still validate.
function stubNoSimd() {
  const validate = WebAssembly.validate;
  WebAssembly.validate = (bytes) => !new Uint8Array(bytes).includes(0xfd) && validate(bytes);
}

function stubNoWebAssembly() {
  delete globalThis.WebAssembly;
}

function stubInsecureContext() {
  Object.defineProperty(globalThis, 'isSecureContext', { value: false });
}

function stubNoAudioWorklet() {
  delete globalThis.AudioWorkletNode;
}

// Like a browser before module workers: the `type` option is never read,
// so a module script would load as a classic worker.
function stubNoModuleWorkers() {
  const NativeWorker = Worker;
  globalThis.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, { name: options?.name });
    }
  };
}

function stubNoSharedArrayBuffer() {
  delete globalThis.SharedArrayBuffer;
}

// ---- Expected texts (web/engine.js, web/app.js) ----------------------------

const NO_WASM = 'this browser has no WebAssembly (or it is turned off)';
const INSECURE = 'the page is not a secure context: open it over https:// or from http://localhost ' +
  '(browsers offer AudioWorklet and SharedArrayBuffer only there)';
const NO_SIMD = 'this browser does not support WebAssembly SIMD, which the engine is built with ' +
  '(Chrome or Edge 91, Firefox 89, Safari 16.4 or later)';
const NO_WORKLET = 'this browser has no AudioWorklet, which the engine plays through';
const NO_MODULE_WORKERS = 'this browser cannot run the single-threaded engine: it lacks module ' +
  'workers (Firefox before 114, for one); threads are unavailable too: ' +
  'not cross-origin isolated (no COOP/COEP headers)';
const THREADS_HOWTO = 'This browser cannot run WebAssembly threads here. Use a current Chrome, ' +
  'Edge, Firefox or Safari, served with these headers:';

// ---- Shared browser and servers ---------------------------------------------

let browser;
let isolatedUrl;
let plainUrl;
const servers = [];

async function serve(extraArgs) {
  const { proc, ready } = startServer(extraArgs);
  servers.push(proc);
  return (await ready).url;
}

before(async () => {
  checkSite();
  browser = await launchBrowser();
  isolatedUrl = await serve([]);
  plainUrl = await serve(['--no-isolation']);
});

after(async () => {
  await Promise.allSettled(servers.map(stopServer));
  await browser?.close();
});

// Opens the page with `stub` run first; resolves what the page shows.
async function load(url, stub) {
  const r = await openPage(browser.context, url, { initScript: stub });
  try {
    const shown = await r.page.evaluate(() => ({
      status: window.wavepool.status(),
      error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
      stNotice: !document.getElementById('st-notice').hidden,
      stReason: document.getElementById('st-reason').textContent,
      stHowto: document.getElementById('st-howto').textContent,
      badge: document.getElementById('badge')?.textContent ?? null,
      mode: document.getElementById('mode').textContent,
    }));
    return { ...shown, pageErrors: r.pageErrors,
      consoleErrors: r.consoleMessages.filter((m) => m.type === 'error').map((m) => m.text) };
  } finally {
    await r.page.close();
  }
}

// The page stopped before any engine ran, with `message` and nothing else.
function assertStopped(shown, message) {
  assert.equal(shown.status.error, message);
  assert.equal(shown.status.phase, 'failed');
  assert.equal(shown.status.mode, null);
  assert.equal(shown.status.ready, false);
  assert.equal(shown.error, `Error: ${message}`);
  assert.equal(shown.stNotice, false);
  assert.equal(shown.badge, null);
  assert.equal(shown.mode, 'detecting…');
  assert.deepEqual(shown.pageErrors, []);
  assert.deepEqual(shown.consoleErrors, [`wavepool: ${message}`]);
}

describe('a missing feature the page cannot do without: a clear error', () => {
  test('no WebAssembly', async () => {
    assertStopped(await load(isolatedUrl, stubNoWebAssembly), NO_WASM);
  });

  test('no WebAssembly SIMD (both engine builds use it)', async () => {
    assertStopped(await load(isolatedUrl, stubNoSimd), NO_SIMD);
  });

  test('not a secure context (no AudioWorklet, no SharedArrayBuffer there)', async () => {
    assertStopped(await load(isolatedUrl, stubInsecureContext), INSECURE);
  });

  test('no AudioWorklet', async () => {
    assertStopped(await load(isolatedUrl, stubNoAudioWorklet), NO_WORKLET);
  });

  test('no module workers on a page that is not isolated: the fallback cannot start', async () => {
    assertStopped(await load(plainUrl, stubNoModuleWorkers), NO_MODULE_WORKERS);
  });
});

describe('a missing feature the page can do without: the fallback', () => {
  test('no SharedArrayBuffer on an isolated page: single-threaded, with the notice', async () => {
    const shown = await load(isolatedUrl, stubNoSharedArrayBuffer);
    assert.equal(shown.status.error, '');
    assert.equal(shown.status.ready, true);
    assert.equal(shown.status.mode, 'single-threaded');
    assert.equal(shown.status.crossOriginIsolated, true);
    assert.equal(shown.status.reason, 'SharedArrayBuffer unavailable');
    assert.equal(shown.error, null);
    assert.equal(shown.stNotice, true);
    assert.equal(shown.stReason, 'SharedArrayBuffer unavailable');
    assert.equal(shown.stHowto, THREADS_HOWTO);
    assert.equal(shown.badge, 'Single-threaded mode');
    assert.deepEqual(shown.pageErrors, []);
    assert.deepEqual(shown.consoleErrors, []);
  });

  test('module workers are detected where they exist: the plain fallback runs', async () => {
    const shown = await load(plainUrl, () => {});
    assert.equal(shown.status.error, '');
    assert.equal(shown.status.ready, true);
    assert.equal(shown.status.mode, 'single-threaded');
    assert.equal(shown.status.reason, 'not cross-origin isolated (no COOP/COEP headers)');
    assert.deepEqual(shown.pageErrors, []);
    assert.deepEqual(shown.consoleErrors, []);
  });
});
