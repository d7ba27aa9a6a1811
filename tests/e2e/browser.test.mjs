// Browser end-to-end test of the web page (web/index.html + web/app.js)
// against the staged site (build/site; `make site` builds it).
//
// Starts web/serve.py twice (port 0): with the cross-origin isolation
// headers, where the page must run the multithreaded engine with a verified
// worker pool, and with --no-isolation, where it must fall back to the
// single-threaded engine and say why. In both cases the spectrum the engine
// computed is checked against a naive DFT computed here in double precision.
//
//   node --test tests/e2e/
//
// Environment: WAVEPOOL_SITE overrides the site directory; CHROMIUM the
// browser binary; WAVEPOOL_SCREENSHOT_DIR, if set, receives a screenshot of
// each page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  POOL_MESSAGE, checkSite, get, launchBrowser, openPage, poolMessages, startServer, stopServer,
} from './harness.mjs';

// ---- Helpers -------------------------------------------------------------

// The test signal as the page describes it, quantised to float32 as the
// page hands it to the engine, then a naive DFT in double precision with
// the periodic Hann window w[t] = 0.5 - 0.5 cos(2 pi t / n), scaled so a
// full-scale sine reads 0 dB (2 / (n * coherent gain)), floored.
function referenceSpectrumDb(signal, floorDb) {
  const { sampleRate, n, tones } = signal;
  const xw = new Float64Array(n);
  let windowSum = 0;
  for (let t = 0; t < n; t++) {
    let v = 0;
    for (const tone of tones)
      v += 10 ** (tone.dbfs / 20) * Math.sin((2 * Math.PI * tone.frequency * t) / sampleRate);
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / n);
    windowSum += w;
    xw[t] = Math.fround(v) * w;
  }
  const scale = 2 / windowSum; // 2 / (n * coherent gain)
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n);
    sin[m] = Math.sin((2 * Math.PI * m) / n);
  }
  const db = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0, m = 0; t < n; t++, m = (m + k) % n) {
      re += xw[t] * cos[m];
      im -= xw[t] * sin[m];
    }
    db[k] = Math.max(floorDb, 20 * Math.log10(Math.hypot(re, im) * scale));
  }
  return db;
}

// Level a Hann-windowed sine of `dbfs` reads in the bin `delta` bins away
// from its frequency (scalloping loss: sinc(delta) / (1 - delta^2)).
function hannPeakDb(dbfs, delta) {
  if (delta === 0) return dbfs;
  const sinc = Math.sin(Math.PI * delta) / (Math.PI * delta);
  return dbfs + 20 * Math.log10(Math.abs(sinc / (1 - delta * delta)));
}

function checkSpectrum(spectrum) {
  assert.ok(spectrum, 'window.wavepool.spectrum() returned nothing');
  const { signal, n, sampleRate, floorDb, db } = spectrum;
  assert.equal(spectrum.window, 'hann');
  assert.equal(sampleRate, signal.sampleRate);
  assert.equal(n, signal.n);
  assert.ok(Number.isInteger(n) && n >= 256 && n % 2 === 0, `bad n ${n}`);
  assert.equal(db.length, n / 2 + 1, 'spectrum must have n/2+1 bins');
  assert.ok(signal.tones.length >= 2, 'test signal should have two tones');
  for (const [k, v] of db.entries())
    assert.ok(Number.isFinite(v) && v >= floorDb, `bin ${k}: ${v} is not a finite value >= floor`);
  assert.ok(db.some((v) => v === floorDb), 'no bin sits at the floor: floor not applied?');

  const ref = referenceSpectrumDb(signal, floorDb);
  // dB agreement wherever the reference is above -100 dBFS: within 0.01 dB,
  // or, for the quietest of those bins, within 2e-8 of full scale (float32
  // rounding of the engine's FFT is ~1e-8 of full scale, which near -100 dB
  // is worth 0.01 dB already) ...
  let compared = 0;
  let worstDb = 0;
  for (let k = 0; k < ref.length; k++) {
    if (ref[k] <= -100) continue;
    compared++;
    const diff = Math.abs(db[k] - ref[k]);
    const diffLin = Math.abs(10 ** (db[k] / 20) - 10 ** (ref[k] / 20));
    worstDb = Math.max(worstDb, diff);
    assert.ok(diff <= 0.01 || diffLin <= 2e-8,
      `bin ${k} (${(k * sampleRate / n).toFixed(1)} Hz): engine ${db[k]} dB, reference ${ref[k]} dB`);
  }
  assert.ok(compared >= 40, `only ${compared} bins above -100 dB: leakage skirts missing?`);
  // ... and in linear amplitude over every bin: no spurious content
  // anywhere (float32 FFT error is ~1e-8 of full scale; allow 2e-7).
  let worstLin = 0;
  for (let k = 0; k < ref.length; k++) {
    const diff = Math.abs(10 ** (db[k] / 20) - 10 ** (ref[k] / 20));
    worstLin = Math.max(worstLin, diff);
    assert.ok(diff <= 2e-7,
      `bin ${k}: engine ${db[k]} dB, reference ${ref[k]} dB (linear error ${diff})`);
  }

  // The tones: each peaks in the bin nearest its frequency, at its level
  // minus the Hann scalloping loss for its offset from that bin.
  const binHz = sampleRate / n;
  const globalMax = db.reduce((best, v, k) => (v > db[best] ? k : best), 0);
  const loudest = signal.tones.reduce((a, b) => (b.dbfs > a.dbfs ? b : a));
  assert.equal(globalMax, Math.round(loudest.frequency / binHz), 'loudest bin is not the loudest tone');
  for (const tone of signal.tones) {
    const exact = tone.frequency / binHz;
    const bin = Math.round(exact);
    for (let k = bin - 5; k <= bin + 5; k++) {
      if (k !== bin)
        assert.ok(db[k] < db[bin], `${tone.frequency} Hz: bin ${k} is not below peak bin ${bin}`);
    }
    const expected = hannPeakDb(tone.dbfs, exact - bin);
    assert.ok(Math.abs(db[bin] - expected) <= 0.02,
      `${tone.frequency} Hz tone at ${tone.dbfs} dBFS: peak ${db[bin]} dB, expected ${expected} dB`);
  }
  return { compared, worstDb, worstLin };
}

// Opens the page; resolves once window.wavepool reports ready or an error.
async function loadPage(context, url) {
  const { page, response, consoleMessages, pageErrors } = await openPage(context, url);
  // Read everything once, as plain data (never the Module).
  const data = await page.evaluate(() => ({
    status: window.wavepool.status(),
    spectrum: window.wavepool.spectrum(),
    crossOriginIsolated: globalThis.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer,
    hardwareConcurrency: navigator.hardwareConcurrency,
  }));
  if (process.env.WAVEPOOL_SCREENSHOT_DIR) {
    const name = `wavepool-${data.status.mode ?? 'failed'}.png`;
    await page.screenshot({ path: path.join(process.env.WAVEPOOL_SCREENSHOT_DIR, name), fullPage: true });
  }
  return { page, response, consoleMessages, pageErrors, ...data };
}

// ---- Shared browser -------------------------------------------------------

let context;
let browser;
const servers = [];
const spectra = {};

before(async () => {
  checkSite();
  browser = await launchBrowser();
  context = browser.context;
});

after(async () => {
  await Promise.allSettled(servers.map(stopServer));
  await browser?.close();
});

async function serve(extraArgs) {
  const { proc, ready } = startServer(extraArgs);
  servers.push(proc);
  return ready;
}

// ---- Threaded -------------------------------------------------------------

describe('cross-origin isolated: multithreaded engine', () => {
  let server;
  let r;

  before(async () => {
    server = await serve([]);
    r = await loadPage(context, server.url);
  });

  test('serve.py announces isolation and sends the headers and MIME types', async () => {
    assert.match(server.banner, /\(cross-origin isolated\)$/);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url);
    assert.equal(page.status, 200);
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(page.headers['cross-origin-resource-policy'], 'same-origin');
    assert.equal(page.headers['cache-control'], 'no-store');
    const types = {
      'engine/wavepool-mt.mjs': /^text\/javascript\b/,
      'engine/wavepool-mt.worker.js': /^text\/javascript\b/,
      'engine/wavepool-mt.wasm': /^application\/wasm$/,
      'app.js': /^text\/javascript\b/,
    };
    for (const [file, type] of Object.entries(types)) {
      const res = await get(server.url + file);
      assert.equal(res.status, 200, file);
      assert.match(res.headers['content-type'], type, file);
      assert.equal(res.headers['cross-origin-embedder-policy'], 'require-corp', file);
    }
    const missing = await get(server.url + 'no-such-file');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['cross-origin-opener-policy'], 'same-origin', 'headers on errors too');
  });

  test('page is isolated and loads without errors', () => {
    assert.equal(r.response.status(), 200);
    assert.equal(r.crossOriginIsolated, true);
    assert.equal(r.sharedArrayBuffer, 'function');
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleMessages.filter((m) => m.type === 'error'), []);
    assert.equal(r.status.error, '');
    assert.equal(r.status.ready, true);
  });

  test('multithreaded mode with a verified pool of hardwareConcurrency - 1 workers', () => {
    const expected = Math.min(16, Math.max(1, (r.hardwareConcurrency || 2) - 1));
    assert.equal(r.status.mode, 'multithreaded');
    assert.equal(r.status.reason, '');
    assert.ok(r.status.workers >= 1, `workers ${r.status.workers}`);
    assert.equal(r.status.workers, expected);
    assert.equal(r.status.requestedWorkers, expected);
  });

  test('console announces the pool once, with the verified worker count', () => {
    const msgs = poolMessages(r.consoleMessages);
    assert.equal(msgs.length, 1, `pool messages: ${JSON.stringify(r.consoleMessages)}`);
    assert.equal(msgs[0].type, 'log');
    assert.equal(Number(msgs[0].text.match(POOL_MESSAGE)[1]), r.status.workers);
  });

  test('page shows the mode and the verified workers, and no fallback notice', async () => {
    assert.match(await r.page.locator('#mode').innerText(), /multithreaded/i);
    assert.match(await r.page.locator('#workers').innerText(),
      new RegExp(`^${r.status.workers} running, verified`));
    assert.equal(await r.page.locator('#st-notice').isVisible(), false);
    assert.equal(await r.page.locator('#error').isVisible(), false);
    assert.match(await r.page.locator('#job-thread').innerText(), /off the main thread/);
  });

  test('the FFT job ran off the main thread', () => {
    assert.equal(r.spectrum.ranOffMainThread, true);
  });

  test('spectrum matches a naive double-precision DFT', (t) => {
    const { compared, worstDb, worstLin } = checkSpectrum(r.spectrum);
    t.diagnostic(`${compared} bins above -100 dB, worst ${worstDb.toExponential(2)} dB; ` +
      `worst linear error ${worstLin.toExponential(2)}`);
    spectra.threaded = r.spectrum.db;
  });

  test('the plot was drawn', async () => {
    const box = await r.page.locator('#spectrum-canvas').boundingBox();
    assert.ok(box && box.width > 200 && box.height > 150, `canvas box ${JSON.stringify(box)}`);
    const label = await r.page.locator('#spectrum-canvas').getAttribute('aria-label');
    assert.match(label, /peaks of/);
    // Count lit pixels of the curve colour: an undrawn canvas has none.
    const curvePixels = await r.page.evaluate(() => {
      const c = document.getElementById('spectrum-canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let count = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 200 && d[i] < 140) count++;
      return count;
    });
    assert.ok(curvePixels > 500, `only ${curvePixels} curve-coloured pixels`);
  });
});

// ---- Fallback -------------------------------------------------------------

describe('no isolation headers: single-threaded fallback', () => {
  let server;
  let r;

  before(async () => {
    server = await serve(['--no-isolation']);
    r = await loadPage(context, server.url);
  });

  test('serve.py --no-isolation omits the isolation headers', async () => {
    assert.match(server.banner, /\(no isolation headers\)$/);
    const page = await get(server.url);
    assert.equal(page.status, 200);
    assert.equal(page.headers['cross-origin-opener-policy'], undefined);
    assert.equal(page.headers['cross-origin-embedder-policy'], undefined);
    assert.equal(page.headers['cross-origin-resource-policy'], undefined);
    assert.equal(page.headers['cache-control'], 'no-store');
    const wasm = await get(server.url + 'engine/wavepool-st.wasm');
    assert.equal(wasm.headers['content-type'], 'application/wasm');
  });

  test('page is not isolated and loads without errors', () => {
    assert.equal(r.crossOriginIsolated, false);
    assert.equal(r.sharedArrayBuffer, 'undefined');
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleMessages.filter((m) => m.type === 'error'), []);
    assert.equal(r.status.error, '');
    assert.equal(r.status.ready, true);
  });

  test('single-threaded mode, no workers, reason given', () => {
    assert.equal(r.status.mode, 'single-threaded');
    assert.equal(r.status.workers, 0);
    assert.equal(r.status.requestedWorkers, 0);
    assert.match(r.status.reason, /cross-origin isolat/i);
  });

  test('no worker is claimed on the console', () => {
    for (const m of poolMessages(r.consoleMessages))
      assert.equal(Number(m.text.match(POOL_MESSAGE)[1]), 0, m.text);
  });

  test('notice says why and how to enable threads', async () => {
    const notice = r.page.locator('#st-notice');
    assert.equal(await notice.isVisible(), true);
    const text = await notice.innerText();
    assert.match(text, /single-threaded/i);
    assert.match(text, /cross-origin isolated/i);
    assert.match(text, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(text, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.match(await r.page.locator('#mode').innerText(), /single-threaded/i);
  });

  test('the FFT job ran off the main thread, in the tasks worker', () => {
    assert.equal(r.spectrum.ranOffMainThread, true);
  });

  test('spectrum matches a naive double-precision DFT', (t) => {
    const { compared, worstDb, worstLin } = checkSpectrum(r.spectrum);
    t.diagnostic(`${compared} bins above -100 dB, worst ${worstDb.toExponential(2)} dB; ` +
      `worst linear error ${worstLin.toExponential(2)}`);
    spectra.single = r.spectrum.db;
  });
});

describe('exactness across engines', () => {
  test('threaded and single-threaded spectra are bit-identical', () => {
    assert.ok(spectra.threaded && spectra.single, 'both spectra must have been checked first');
    assert.deepEqual(spectra.threaded, spectra.single);
  });
});
