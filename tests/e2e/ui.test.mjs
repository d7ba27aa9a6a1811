// Browser test of the web interface (issue 6): drives the page by role and
// accessible name the way a person would (the NAMING CONTRACT of the UI:
// names in getByRole(..., {exact: true})), and checks what the engine then
// does through window.wavepool (web/app.js).
//
// Threaded mode (served with the cross-origin isolation headers): every
// feature. Fallback (serve.py --no-isolation, the single-threaded engine in
// two workers): open, play/pause and normalize. Each mode gets a fresh
// browser profile (fresh localStorage). Chromium fakes the microphone
// (--use-fake-device-for-media-stream: a beeping tone) and accepts the
// permission prompt (--use-fake-ui-for-media-stream).
//
//   node --test tests/e2e/
//
// The site must be built from the same sources (make site): the Equalizer
// and Effects panels need web/bindings_params.c, normalize and export
// web/bindings_tools.c; with an older engine build the page reports
// "this.M._wpb_... is not a function" (shown in the failures).
//
// Tests are sequential and share one page per mode: each leaves the chain
// as it found it (effects off again, EQ band reset) unless it says so.
// Measured numbers are printed as test diagnostics.
//
// Environment: WAVEPOOL_SITE, CHROMIUM (see harness.mjs);
// WAVEPOOL_SCREENSHOT_DIR receives ui-desktop.png (1280x900) and
// ui-narrow.png (360x800) (default build/test-artifacts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT, checkSite, decodeWav, encodeWav16, launchBrowserWith, openPage, startServer, stopServer,
  waitReady,
} from './harness.mjs';

const ARTIFACTS = path.resolve(process.env.WAVEPOOL_SCREENSHOT_DIR ?? path.join(ROOT, 'build', 'test-artifacts'));
const MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
const DESKTOP = { width: 1280, height: 900 };
const NARROW = { width: 360, height: 800 };
const UI_TIMEOUT_MS = 10000;   // one control or one displayed result
const TASK_TIMEOUT_MS = 30000; // a pool task (normalize, export) on 2 busy cores

// The test file: 3 s of a 1 kHz sine at -12 dBFS on both channels, 16-bit,
// at the output's rate (the browser would resample any other rate to it).
const TONE = Object.freeze({ seconds: 3, frequency: 1000, dbfs: -12, name: 'ui-test-tone.wav',
  title: 'ui-test-tone' });
// RMS of that sine in dBFS (a sine's RMS is its peak / sqrt 2).
const TONE_RMS_DBFS = TONE.dbfs - 10 * Math.log10(2);

// Effects by checkbox name and chain parameter prefix (src/dsp/chain.c).
const EFFECTS = [
  ['Enable reverb', 'reverb'],
  ['Enable delay', 'delay'],
  ['Enable chorus', 'chorus'],
  ['Enable distortion', 'dist'],
  ['Enable compressor', 'comp'],
];

// The NAMING CONTRACT of the UI, by ARIA role ('label': any control with
// that label; 'id': an element id).
const BANDS = [1, 2, 3, 4, 5, 6, 7, 8];
const CONTRACT = {
  heading: ['Player', 'Spectrum analyzer', 'Equalizer', 'Effects', 'Tools'],
  label: ['Open audio file', 'Reverb decay', 'Delay time', 'Stereo width'],
  id: ['time', 'track-title', 'track-facts', 'loudness-before', 'loudness-after', 'badge'],
  button: ['Play', 'Stop', 'Clear A-B loop', 'Zoom in', 'Zoom out', 'Clip', 'Save preset', 'Reset EQ',
    'Normalize', 'Cancel normalize', 'Play generator', 'Back to track', 'Record', 'Export WAV',
    'Cancel export', 'Settings'],
  checkbox: ['Loop', 'Peak hold', 'Bypass EQ', ...EFFECTS.map(([name]) => name), 'Enable limiter'],
  slider: ['Volume', 'Pan', 'Position', 'Smoothing', ...BANDS.map((b) => `EQ band ${b} gain`)],
  spinbutton: [...BANDS.flatMap((b) => [`EQ band ${b} frequency`, `EQ band ${b} Q`]), 'Custom target',
    'Frequency (Hz)', 'Level (dBFS)'],
  combobox: ['Analyzer view', 'Floor', ...BANDS.map((b) => `EQ band ${b} type`), 'EQ preset',
    'Normalize target', 'Generator type', 'Export format'],
  meter: ['Left peak', 'Right peak', 'Left RMS', 'Right RMS', 'Input level'],
  img: ['Spectrum analyzer', 'EQ response', 'Generator preview'],
  group: ['Reverb', 'Delay', 'Chorus', 'Distortion', 'Compressor', 'Limiter', 'Stereo'],
  progressbar: ['Normalize progress', 'Export progress'],
};
const CONTRACT_OPTIONS = {
  'Analyzer view': ['Bars', 'Line', 'Filled', 'Spectrogram'],
  'EQ preset': ['Flat', 'Bass boost', 'Treble boost', 'Vocal', 'Loudness'],
  'Normalize target': ['−14 LUFS', '−16 LUFS', '−23 LUFS', 'Custom LUFS', 'Peak'],
  'Export format': ['16-bit PCM', '24-bit PCM', '32-bit float'],
};

// ---- Helpers ------------------------------------------------------------

const status = (page) => page.evaluate(() => window.wavepool.status());
const getParam = (page, name) => page.evaluate((n) => window.wavepool.getParam(n), name);
const button = (page, name) => page.getByRole('button', { name, exact: true });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const f = (v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

// The first number in a displayed text; the UI writes minus as U+2212.
function parseNumber(text) {
  const m = String(text).replace(/\u2212/g, '-').match(/-?\d+(?:\.\d+)?/);
  return m ? Number(m[0]) : NaN;
}

// What the page's notice line says (failed actions report there).
const noticeText = (page) => page.evaluate(() => {
  const el = document.getElementById('notice');
  return el && !el.hidden ? el.textContent.trim() : '';
});

// Polls fn() until it returns a truthy value; returns it, or throws with
// what the last value was.
async function until(fn, { timeout = UI_TIMEOUT_MS, interval = 100, what = 'condition' } = {}) {
  const t0 = Date.now();
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() - t0 > timeout) throw new Error(`${what}: not met within ${timeout} ms (last ${JSON.stringify(last)})`);
    await sleep(interval);
  }
}

function toneWav(sampleRate) {
  const frames = TONE.seconds * sampleRate;
  const amp = 10 ** (TONE.dbfs / 20);
  const x = new Float32Array(frames);
  const w = (2 * Math.PI * TONE.frequency) / sampleRate;
  for (let i = 0; i < frames; i++) x[i] = amp * Math.sin(w * (i % sampleRate));
  return encodeWav16([x, x], sampleRate);
}

function rmsDbfs(samples, from, to) {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  return 10 * Math.log10(sum / (to - from) + 1e-30);
}

// Counts the pixels of an element's on-screen image that differ from its
// most common colour (its background), read in the page from a screenshot
// (so 2D and WebGL canvases alike). Returns {lit, total}.
async function litPixels(page, locator) {
  const png = await locator.screenshot();
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const counts = new Map();
    for (let i = 0; i < d.length; i += 4) {
      const key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let bg = 0;
    let best = -1;
    for (const [key, n] of counts) if (n > best) { best = n; bg = key; }
    const [r, gg, b] = [(bg >> 16) & 255, (bg >> 8) & 255, bg & 255];
    let lit = 0;
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - gg) + Math.abs(d[i + 2] - b) > 48) lit++;
    return { lit, total: d.length / 4 };
  }, png.toString('base64'));
}

// Opens `file` through the file input labelled "Open audio file" and waits
// until it is the current track.
async function openThroughInput(page, file, title) {
  await page.getByLabel('Open audio file', { exact: true }).setInputFiles(file);
  return until(async () => {
    const s = await status(page);
    return s.track?.title === title && s.track;
  }, { what: `track '${title}' current after setInputFiles` });
}

async function playAndCheck(page, t) {
  await button(page, 'Play').click();
  await button(page, 'Pause').waitFor({ timeout: UI_TIMEOUT_MS });
  const p0 = (await status(page)).position;
  const s = await until(async () => {
    const v = await status(page);
    return v.playing && v.position > p0 + 0.3 && v;
  }, { what: 'position advancing while playing' });
  t.diagnostic(`playing: position ${f(p0, 3)} -> ${f(s.position, 3)} s, latency ${f(s.latencyMs, 1)} ms`);
  return s;
}

async function pauseAndCheck(page, t) {
  await button(page, 'Pause').click();
  await button(page, 'Play').waitFor({ timeout: UI_TIMEOUT_MS });
  const s = await until(async () => {
    const v = await status(page);
    return !v.playing && v;
  }, { what: 'status().playing false after Pause' });
  // What was already on its way to the output still plays (up to the
  // latency); then the position stands still.
  await sleep(s.latencyMs + 200);
  const p1 = (await status(page)).position;
  await sleep(300);
  const p2 = (await status(page)).position;
  assert.ok(Math.abs(p2 - p1) < 0.01, `position moved while paused: ${p1} -> ${p2}`);
  t.diagnostic(`paused at ${f(p2, 3)} s (status said paused at ${f(s.position, 3)} s)`);
}

// Chooses the normalize target by its visible label, runs it from the
// Tools panel, and returns the displayed after-loudness in LUFS.
async function normalizeTo(page, label, t) {
  await page.getByRole('combobox', { name: 'Normalize target', exact: true }).selectOption({ label });
  const before = (await status(page)).track;
  await button(page, 'Normalize').click();
  const afterText = await until(async () => {
    const text = (await page.locator('#loudness-after').textContent()) ?? '';
    return /LUFS/.test(text) && Number.isFinite(parseNumber(text)) && text;
  }, { timeout: TASK_TIMEOUT_MS, what: '#loudness-after showing a LUFS value' }).catch(async (e) => {
    throw new Error(`${e.message}; page notice: "${await noticeText(page)}"`);
  });
  const beforeText = (await page.locator('#loudness-before').textContent()) ?? '';
  const now = (await status(page)).track;
  t.diagnostic(`normalize ${label}: before "${beforeText.trim()}", after "${afterText.trim()}"; ` +
    `track ${before?.id} -> ${now?.id}`);
  return { after: parseNumber(afterText), before: parseNumber(beforeText), beforeText, afterText };
}

// ---- Shared state --------------------------------------------------------

const servers = [];
const browsers = [];
let tmpDir;

before(async () => {
  checkSite();
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'wavepool-ui-'));
  await mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await Promise.allSettled(servers.map(stopServer));
  await Promise.allSettled(browsers.map((b) => b.close()));
  if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
});

async function setUp(serverArgs) {
  const { proc, ready } = startServer(serverArgs);
  servers.push(proc);
  const server = await ready;
  const browser = await launchBrowserWith({ viewport: DESKTOP, args: MEDIA_ARGS, permissions: ['microphone'] });
  browsers.push(browser);
  const r = await openPage(browser.context, server.url);
  r.page.setDefaultTimeout(UI_TIMEOUT_MS);
  const s = await status(r.page);
  const dir = path.join(tmpDir, serverArgs.length ? 'fallback' : 'threaded');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, TONE.name);
  await writeFile(file, toneWav(s.sampleRate));
  return { server, browser, file, ...r, status: s };
}

// ---- Threaded: everything --------------------------------------------------

describe('UI, cross-origin isolated (multithreaded engine)', () => {
  let r;
  let page;
  let silentSpectrum;  // lit pixels of the analyzer before anything played
  let liveLevelDb;     // the output tap's RMS while the tone played

  before(async () => {
    r = await setUp([]);
    page = r.page;
  });

  test('page loads in threaded mode without errors', () => {
    assert.equal(r.status.error, '');
    assert.equal(r.status.ready, true);
    assert.equal(r.status.mode, 'multithreaded');
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleMessages.filter((m) => m.type === 'error'), []);
  });

  test('the panels are there: headings by name', async () => {
    const analyzer = page.getByRole('img', { name: 'Spectrum analyzer', exact: true });
    if (await analyzer.count()) silentSpectrum = await litPixels(page, analyzer);
    for (const name of ['Player', 'Spectrum analyzer', 'Equalizer', 'Effects', 'Tools']) {
      assert.equal(await page.getByRole('heading', { name, exact: true }).count(), 1, `heading "${name}"`);
    }
  });

  test('every control of the naming contract is there, by role and name', async (t) => {
    const missing = [];
    let found = 0;
    for (const [role, names] of Object.entries(CONTRACT)) {
      for (const name of names) {
        const n = role === 'label' ? await page.getByLabel(name, { exact: true }).count()
          : role === 'id' ? await page.locator(`#${name}`).count()
            : await page.getByRole(role, { name, exact: true, includeHidden: true }).count();
        if (n === 0) missing.push(`${role} "${name}"`);
        else found++;
      }
    }
    for (const [select, options] of Object.entries(CONTRACT_OPTIONS)) {
      const box = page.getByRole('combobox', { name: select, exact: true, includeHidden: true });
      if (!(await box.count())) continue; // reported above
      const have = await box.first().evaluate((el) => [...el.options ?? []].map((o) => o.textContent.trim()));
      for (const o of options) if (!have.includes(o)) missing.push(`option "${o}" of "${select}" (has ${JSON.stringify(have)})`);
    }
    t.diagnostic(`${found} named controls found; missing ${missing.length}: ${missing.join('; ')}`);
    assert.equal(missing.length, 0, `missing: ${missing.join('; ')}`);
  });

  test('open a WAV through the file input: title and facts', async (t) => {
    const track = await openThroughInput(page, r.file, TONE.title);
    assert.ok(Math.abs(track.duration - TONE.seconds) < 0.01, `duration ${track.duration}`);
    const title = (await page.locator('#track-title').textContent()).trim();
    const facts = (await page.locator('#track-facts').textContent()).trim();
    t.diagnostic(`#track-title "${title}", #track-facts "${facts}"`);
    assert.equal(title, TONE.title);
    assert.match(facts, /WAV/i, 'format');
    assert.match(facts, /stereo|2\s*(ch|channels)/i, 'channels');
    const khz = r.status.sampleRate / 1000;
    assert.match(facts, new RegExp(`${String(khz).replace('.', '\\.')}(\\.0)?\\s*kHz|${r.status.sampleRate}\\s*Hz`), 'rate');
    assert.match(facts, /0:03(\.0)?|\b3(\.0+)?\s*s\b/, 'duration');
    assert.match((await page.locator('#time').textContent()).trim(), /^\d+:\d\d\.\d \/ 0:03\.0$/, '#time');
  });

  test('play (button becomes "Pause"), then pause', async (t) => {
    await playAndCheck(page, t);
    // The output tap's RMS over its last 8192 frames, a few times while
    // the tone plays steadily: the highest (an underrun on a busy machine
    // only takes level away).
    const levels = [];
    for (let i = 0; i < 5; i++) {
      levels.push(await page.evaluate(() => window.wavepool.outputLevelDb()));
      await sleep(100);
    }
    liveLevelDb = Math.max(...levels);
    t.diagnostic(`output tap while playing: ${levels.map((v) => f(v)).join(', ')} dBFS RMS ` +
      `(tone ${f(TONE_RMS_DBFS)})`);
    await pauseAndCheck(page, t);
  });

  test('seek by clicking the waveform at 50 %', async (t) => {
    // The waveform: a canvas inside the slider (maybe several stacked);
    // the click lands where a person would, on the middle of the slider.
    const slider = page.getByRole('slider', { name: 'Position', exact: true });
    assert.ok(await slider.locator('canvas').count() >= 1, 'no canvas inside the Position slider');
    const box = await slider.boundingBox();
    assert.ok(box && box.width > 100, `waveform box ${JSON.stringify(box)}`);
    await slider.click({ position: { x: box.width / 2, y: box.height / 2 } });
    const half = TONE.seconds / 2;
    const s = await until(async () => {
      const v = await status(page);
      return Math.abs(v.position - half) <= 0.02 * TONE.seconds && v;
    }, { what: `position within 2 % of ${half} s` });
    const now = Number(await slider.getAttribute('aria-valuenow'));
    t.diagnostic(`position ${f(s.position, 3)} s, aria-valuenow ${now}`);
    assert.ok(Math.abs(now - half) <= 0.02 * TONE.seconds, `aria-valuenow ${now}`);
  });

  test('spectrum analyzer canvas is not blank while playing', async (t) => {
    const canvas = page.getByRole('img', { name: 'Spectrum analyzer', exact: true });
    await button(page, 'Play').click();
    await button(page, 'Pause').waitFor();
    await sleep(700);
    const playing = await litPixels(page, canvas);
    await button(page, 'Pause').click();
    await button(page, 'Play').waitFor();
    t.diagnostic(`lit pixels: ${playing.lit} of ${playing.total} while playing, ` +
      `${silentSpectrum?.lit ?? '?'} before anything played`);
    // Not blank: a tone's spectrum is drawn, beyond whatever (grid, axes)
    // the canvas shows in silence.
    assert.ok(playing.lit >= 500, `only ${playing.lit} of ${playing.total} pixels drawn`);
    if (silentSpectrum) {
      assert.ok(playing.lit >= silentSpectrum.lit + 200,
        `hardly more drawn while playing (${playing.lit}) than in silence (${silentSpectrum.lit})`);
    }
  });

  // Needs the tools panel's export bindings (new C): run against a site
  // built with them.
  test('export 24-bit WAV, decode it: format, duration, level [tools: new bindings]', async (t) => {
    const track = (await status(page)).track;
    const volumeDb = await getParam(page, 'volume');
    await page.getByRole('combobox', { name: 'Export format', exact: true }).selectOption({ label: '24-bit PCM' });
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: TASK_TIMEOUT_MS }).catch(async (e) => {
        throw new Error(`no download: ${e.message.split('\n')[0]}; page notice: "${await noticeText(page)}"`);
      }),
      button(page, 'Export WAV').click(),
    ]);
    assert.equal(download.suggestedFilename(), `${track.title}.wav`);
    const file = path.join(tmpDir, 'export.wav');
    await download.saveAs(file);
    const wav = decodeWav(await readFile(file));
    const rate = r.status.sampleRate;
    const seconds = wav.frames / wav.sampleRate;
    const tail = seconds - track.duration;
    t.diagnostic(`export: format ${wav.format} (tag 0x${wav.formatTag.toString(16)}), ${wav.bits} bits, ` +
      `${wav.channels} ch, ${wav.sampleRate} Hz, ${wav.dataBytes} data bytes = ${wav.frames} frames ` +
      `= ${f(seconds, 4)} s (track ${f(track.duration, 4)} s, tail ${f(tail, 4)} s)`);
    assert.equal(wav.format, 'pcm');
    assert.equal(wav.bits, 24);
    assert.equal(wav.channels, 2);
    assert.equal(wav.sampleRate, rate);
    // Duration: the whole track plus the chain's tail (none beyond its
    // latency with every effect off, never more than a reverb's 20 s).
    assert.ok(tail >= -1 / rate && tail <= 20, `tail ${tail} s`);
    // Level: the middle of the track (clear of the edges and any latency)
    // is the tone through the chain as it stands: flat EQ, effects off, the
    // safety limiter far above -12 dBFS, and the volume.
    const from = Math.round(0.5 * rate);
    const to = Math.round((track.duration - 0.5) * rate);
    const levels = wav.samples.map((ch) => rmsDbfs(ch, from, to));
    const expected = TONE_RMS_DBFS + volumeDb;
    t.diagnostic(`export RMS ${levels.map((v) => f(v, 3)).join(' / ')} dBFS; expected ${f(expected, 3)} ` +
      `(tone ${f(TONE_RMS_DBFS, 3)} + volume ${f(volumeDb)} dB); live output ${f(liveLevelDb, 3)}`);
    for (const [c, v] of levels.entries()) {
      assert.ok(Math.abs(v - expected) <= 0.5, `channel ${c}: ${v} dBFS, expected ${expected}`);
      if (Number.isFinite(liveLevelDb))
        assert.ok(Math.abs(v - liveLevelDb) <= 0.5, `channel ${c}: ${v} dBFS, live output ${liveLevelDb}`);
    }
    // After the track (past 50 ms of latency) the chain rings out to silence.
    const end = Math.round((track.duration + 0.05) * rate);
    if (wav.frames - end > rate / 100) {
      const rest = Math.max(...wav.samples.map((ch) => rmsDbfs(ch, end, wav.frames)));
      t.diagnostic(`tail RMS ${f(rest)} dBFS`);
      assert.ok(rest < -60, `tail not silent: ${rest} dBFS`);
    }
  });

  test('EQ band 5 gain with the keyboard: displayed and engine values agree', async (t) => {
    const slider = page.getByRole('slider', { name: 'EQ band 5 gain', exact: true });
    const read = async () => {
      const h = await slider.elementHandle();
      return h.evaluate((el) => ({
        value: el.value ?? null,
        now: el.getAttribute('aria-valuenow'),
        text: el.getAttribute('aria-valuetext'),
        step: el.getAttribute('step'),
      }));
    };
    const volumeBefore = await getParam(page, 'volume');
    const v0 = await read();
    const g0 = parseNumber(v0.text ?? v0.value ?? v0.now);
    await slider.focus();
    const presses = 6;
    for (let i = 0; i < presses; i++) await page.keyboard.press('ArrowDown');
    const v1 = await read();
    const shown = Number(v1.now ?? v1.value);
    const g1 = parseNumber(v1.text);
    t.diagnostic(`before ${JSON.stringify(v0)}; after ${presses} x ArrowDown ${JSON.stringify(v1)}`);
    assert.match(v1.text ?? '', /^[−-]?\d+(\.\d+)? dB at \d+(\.\d+)? k?Hz$/, 'aria-valuetext "x dB at f Hz"');
    assert.ok(g1 < g0, `gain did not go down: ${g0} -> ${g1}`);
    assert.ok(Math.abs(g1 - shown) < 0.051, `aria-valuetext ${g1} vs value ${shown}`);
    if (v1.step && Number(v1.step) > 0) {
      const expected = g0 - presses * Number(v1.step);
      assert.ok(Math.abs(shown - expected) < 1e-6, `value ${shown}, expected ${expected} (step ${v1.step})`);
    }
    const engine = await until(async () => {
      const v = await getParam(page, 'eq.b5.gain');
      return Math.abs(v - shown) < 0.051 && { v };
    }, { what: `engine eq.b5.gain == ${shown}` });
    t.diagnostic(`engine eq.b5.gain ${engine.v} dB`);
    assert.equal(await getParam(page, 'volume'), volumeBefore, 'arrow keys on the EQ slider changed the volume');
    // Back to 0 dB (leaves the chain flat for what follows).
    for (let i = 0; i < presses; i++) await page.keyboard.press('ArrowUp');
    await until(async () => Math.abs(await getParam(page, 'eq.b5.gain') - g0) < 0.051 || null,
      { what: `eq.b5.gain back to ${g0}` });
  });

  test('enable each effect: the engine switches it on', async (t) => {
    const seen = [];
    for (const [name, fx] of EFFECTS) {
      const box = page.getByRole('checkbox', { name, exact: true });
      assert.equal(await box.isChecked(), false, `${name} starts unchecked`);
      assert.equal(await getParam(page, `${fx}.on`), 0, `${fx}.on starts 0`);
      await box.check();
      await until(async () => (await getParam(page, `${fx}.on`)) === 1 || null, { what: `${fx}.on == 1` });
      seen.push(`${fx}.on=1`);
    }
    t.diagnostic(seen.join(', '));
    for (const [name, fx] of EFFECTS) {
      await page.getByRole('checkbox', { name, exact: true }).uncheck();
      await until(async () => (await getParam(page, `${fx}.on`)) === 0 || null, { what: `${fx}.on back to 0` });
    }
  });

  // The normalized copy may need the tools panel's new bindings.
  test('normalize to −16 LUFS from the Tools panel: after within 0.1 LU [tools]', async (t) => {
    const n = await normalizeTo(page, '−16 LUFS', t);
    assert.ok(Math.abs(n.after - -16) <= 0.1, `after ${n.after} LUFS (shown "${n.afterText}")`);
    // The tone reads -12 LUFS (1 kHz, both channels, K-weighting ~0 dB there).
    assert.ok(Math.abs(n.before - -12) <= 0.3, `before ${n.before} LUFS (shown "${n.beforeText}")`);
    // What is now current measures what the panel says.
    const a = await page.evaluate(() => window.wavepool.runTask('analyze'));
    t.diagnostic(`analyze of the current track: ${f(a.integratedLufs, 3)} LUFS`);
    assert.ok(Math.abs(a.integratedLufs - n.after) <= 0.05, `current track ${a.integratedLufs} LUFS, shown ${n.after}`);
  });

  test('record from the fake microphone: the take becomes the current track', async (t) => {
    const before = (await status(page)).track;
    const meter = page.getByRole('meter', { name: 'Input level', exact: true });
    await button(page, 'Record').click();
    const stop = button(page, 'Stop recording');
    await stop.waitFor();
    const started = Date.now();
    // The meter's highest value while the fake device beeps, sampled in
    // the page for 2 s (one call: the recording lasts what it should).
    const { peak, min } = await meter.evaluate((el) => new Promise((resolve) => {
      const read = () => Number(el.getAttribute('aria-valuenow') ?? el.value);
      const min = Number(el.getAttribute('aria-valuemin') ?? el.min ?? 0);
      let peak = -Infinity;
      const timer = setInterval(() => { peak = Math.max(peak, read()); }, 50);
      setTimeout(() => { clearInterval(timer); resolve({ peak, min }); }, 2000);
    }));
    await stop.click();
    const wall = (Date.now() - started) / 1000;
    await button(page, 'Record').waitFor();
    const track = await until(async () => {
      const s = await status(page);
      return s.track && s.track.id !== before?.id && s.track;
    }, { timeout: TASK_TIMEOUT_MS, what: 'the take as the current track' });
    const facts = (await page.locator('#track-facts').textContent()).trim();
    t.diagnostic(`take: ${JSON.stringify(track)}; facts "${facts}"; ${f(wall, 3)} s from "Stop recording" ` +
      `shown to clicked; input meter peak ${peak} (min ${min})`);
    // About the time the button said "Stop recording" (the recorder may
    // start a little before the label changes and stop a little after the
    // click).
    assert.ok(track.duration >= wall - 0.25 && track.duration <= wall + 0.6,
      `take of ${track.duration} s, recording shown for ${wall} s`);
    assert.ok(track.duration >= 1.6 && track.duration <= 3.2, `take of ${track.duration} s after 2 s`);
    assert.ok(peak > min, `the input meter never moved (${peak}, min ${min})`);
    const shown = facts.match(/(\d+):(\d\d(?:\.\d+)?)/);
    assert.ok(shown, `no m:ss.s duration in #track-facts "${facts}"`);
    assert.ok(Math.abs(Number(shown[1]) * 60 + Number(shown[2]) - track.duration) <= 0.1,
      `#track-facts shows ${shown[0]} for a take of ${track.duration} s`);
  });

  test('desktop screenshot (1280x900)', async () => {
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-desktop.png'), fullPage: true });
  });

  test('theme Light in Settings is kept after a reload', async (t) => {
    await button(page, 'Settings').click();
    const dialog = page.getByRole('dialog', { name: 'Settings', exact: true });
    await dialog.waitFor();
    const theme = dialog.getByRole('combobox', { name: 'Theme', exact: true });
    const options = await theme.evaluate((el) => [...el.options].map((o) => o.textContent.trim()));
    assert.deepEqual(options, ['Dark', 'Light', 'High contrast']);
    for (const name of ['Safety limiter', 'Show performance'])
      assert.equal(await dialog.getByRole('checkbox', { name, exact: true }).count(), 1, `checkbox "${name}"`);
    await theme.selectOption({ label: 'Light' });
    await until(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'light' || null,
      { what: 'data-theme light' });
    await page.reload();
    await waitReady(page);
    const kept = await page.evaluate(() => document.documentElement.dataset.theme);
    t.diagnostic(`after reload: data-theme ${kept}`);
    assert.equal(kept, 'light');
  });

  test('360x800: no horizontal scroll; narrow screenshot', async (t) => {
    await page.setViewportSize(NARROW);
    await sleep(300);
    const w = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      // The widest elements, to say what overflows.
      wide: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` +
          `${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}` +
          ` right=${Math.round(el.getBoundingClientRect().right)}`),
    }));
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-narrow.png'), fullPage: true });
    t.diagnostic(`scrollWidth ${w.scroll}, clientWidth ${w.client}; ${w.wide.join('; ')}`);
    assert.ok(w.scroll <= NARROW.width, `scrollWidth ${w.scroll} > ${NARROW.width}: ${w.wide.join('; ')}`);
    await page.setViewportSize(DESKTOP);
  });
});

// ---- Fallback: the short subset ---------------------------------------------

describe('UI, no isolation (single-threaded fallback)', () => {
  let r;
  let page;

  before(async () => {
    r = await setUp(['--no-isolation']);
    page = r.page;
  });

  test('page loads in the fallback without errors', () => {
    assert.equal(r.status.error, '');
    assert.equal(r.status.ready, true);
    assert.equal(r.status.mode, 'single-threaded');
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleMessages.filter((m) => m.type === 'error'), []);
  });

  test('open a WAV through the file input', async (t) => {
    const track = await openThroughInput(page, r.file, TONE.title);
    assert.ok(Math.abs(track.duration - TONE.seconds) < 0.01, `duration ${track.duration}`);
    const title = (await page.locator('#track-title').textContent()).trim();
    t.diagnostic(`#track-title "${title}", #track-facts "${(await page.locator('#track-facts').textContent()).trim()}"`);
    assert.equal(title, TONE.title);
  });

  test('play, then pause', async (t) => {
    await playAndCheck(page, t);
    await pauseAndCheck(page, t);
  });

  test('normalize to −16 LUFS: after within 0.1 LU [tools]', async (t) => {
    const n = await normalizeTo(page, '−16 LUFS', t);
    assert.ok(Math.abs(n.after - -16) <= 0.1, `after ${n.after} LUFS (shown "${n.afterText}")`);
  });
});
