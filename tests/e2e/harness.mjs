// Shared helpers of the browser tests (tests/e2e/*.test.mjs) and the
// browser benchmark (bench/browser_bench.mjs): the staged site, web/serve.py
// on a free port, headless Chromium, and a page opened with its console
// captured.
//
// Environment: WAVEPOOL_SITE overrides the site directory (build/site);
// CHROMIUM the browser binary (/usr/bin/chromium).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SITE = path.resolve(process.env.WAVEPOOL_SITE ?? path.join(ROOT, 'build', 'site'));
export const SERVE = path.join(ROOT, 'web', 'serve.py');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
export const PAGE_TIMEOUT_MS = 20000;
export const POOL_MESSAGE = /^Worker pool initialized with (\d+) workers$/;

// playwright-core needs node's fetch API (Headers); the flag some wasm
// tests need (--no-experimental-fetch) removes it.
export async function loadChromium() {
  if (typeof Headers === 'undefined') {
    throw new Error('the browser test needs node\'s fetch API: run it without ' +
      '--no-experimental-fetch (check NODE_OPTIONS)');
  }
  return (await import('playwright-core')).chromium;
}

// Throws unless the staged site (both engine modules and the page) and the
// browser exist.
export function checkSite() {
  for (const file of ['wavepool-mt.mjs', 'wavepool-mt.wasm', 'wavepool-mt.worker.js',
    'wavepool-st.mjs', 'wavepool-st.wasm']) {
    const p = path.join(SITE, 'engine', file);
    if (!existsSync(p)) {
      throw new Error(`${p} is missing: build the site first ` +
        '(export NODE_PATH=/usr/share/nodejs; make wasm-mt wasm-st site)');
    }
  }
  if (!existsSync(path.join(SITE, 'index.html')))
    throw new Error(`${SITE}/index.html is missing: run make site`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium)`);
}

// Headless Chromium with a fresh profile; resolves {context, close()}.
export function launchBrowser(viewport = { width: 1100, height: 1200 }) {
  return launchBrowserWith({ viewport });
}

// Starts web/serve.py on a free port, serving `root` (the staged site by
// default); `ready` resolves {proc, url, port, banner, stderr()} once it
// printed its URL.
export function startServer(extraArgs, { root = SITE } = {}) {
  const proc = spawn('python3', [SERVE, '--root', root, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `serve.py printed no URL within 10 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 10000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/^wavepool: serving .* at (http:\/\/\S+) \((.*)\)$/m);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], port: Number(new URL(m[1]).port), banner: m[0],
          stderr: () => stderr });
      }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve.py exited early (${code ?? signal})\nstderr: ${stderr}`));
    });
  });
  return { proc, ready };
}

export async function stopServer(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

// GET with node:http (global fetch may be disabled by NODE_OPTIONS in this
// project, see TOOLCHAIN.md); resolves {status, headers}.
export function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    }).on('error', reject);
  });
}

// Opens `url` in a new page with its console and uncaught errors captured;
// resolves once window.wavepool reports ready or an error (else throws
// with what the page said). Returns {page, response, consoleMessages,
// pageErrors}; both arrays keep filling while the page lives.
export async function openPage(context, url, { initScript } = {}) {
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  if (initScript) await page.addInitScript(initScript);
  // An uncaught error that leaves no window.wavepool 2 s later (a script
  // that did not parse, say) ends the wait early.
  let onError;
  const broken = new Promise((resolve, reject) => {
    onError = () => setTimeout(() => {
      page.evaluate(() => typeof window.wavepool).then((type) => {
        if (type === 'undefined') reject(new Error('window.wavepool is undefined after an uncaught error'));
      }, () => {});
    }, 2000);
    page.on('pageerror', onError);
  });
  broken.catch(() => {});
  const response = await page.goto(url);
  try {
    await Promise.race([broken, page.waitForFunction(() => {
      const s = window.wavepool?.status();
      return s && (s.ready || s.error);
    }, null, { timeout: PAGE_TIMEOUT_MS })]);
  } catch (e) {
    const s = await page.evaluate(() => window.wavepool?.status() ?? null).catch(() => null);
    throw new Error(`page not ready (${e.message.split('\n')[0]}); ` +
      `status ${JSON.stringify(s)}; console ${JSON.stringify(consoleMessages)}; ` +
      `errors ${JSON.stringify(pageErrors)}`);
  } finally {
    page.off('pageerror', onError);
  }
  return { page, response, consoleMessages, pageErrors };
}

export function poolMessages(consoleMessages) {
  return consoleMessages.filter((m) => POOL_MESSAGE.test(m.text));
}

// ---- Page functions (run with page.evaluate; self-contained) ---------------

// Generates a stereo track in the page at the output's rate, a 1 kHz sine
// at -12 dBFS plus white noise at -40 dBFS RMS on each channel, and hands
// it to the engine with window.wavepool.loadPcm (which makes it the current
// track). Resolves {id, duration, frames, rate}.
export async function pageLoadTestTrack(seconds) {
  const wp = window.wavepool;
  const rate = wp.status().sampleRate;
  const frames = seconds * rate;
  const channels = [new Float32Array(frames), new Float32Array(frames)];
  const amp = 10 ** (-12 / 20);
  const noise = 10 ** (-40 / 20) * Math.sqrt(3); // uniform +-a has RMS a / sqrt(3)
  let seed = 0x2545f491;
  const rnd = () => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 31 - 1;
  };
  const w = (2 * Math.PI * 1000) / rate;
  for (let i = 0; i < frames; i++) {
    const s = amp * Math.sin(w * (i % rate)); // 1 kHz: whole periods per second
    channels[0][i] = s + noise * rnd();
    channels[1][i] = s + noise * rnd();
  }
  const info = await wp.loadPcm(channels, rate, `test-${seconds}s`);
  return { id: info.id, duration: info.duration, frames, rate };
}

// Runs window.wavepool's spectrogram task on track `trackId` and records,
// from its start to its result: the main thread's long tasks (> 50 ms,
// PerformanceObserver), the intervals between animation frames, and the
// underruns (the largest count seen, status() every 50 ms, less the count
// at the start). The same is recorded
// over `baselineMs` before the task (what the page does without it: on a
// busy machine the main thread's tasks stretch too). Returns plain
// numbers, never the result data; the peak bin of the middle row is a
// spot check that the task computed something.
export async function pageMeasureSpectrogram({ trackId, fftSize, hop, baselineMs = 1000 }) {
  const wp = window.wavepool;
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ type: 'longtask', buffered: true });
  await wait(500); // past the long tasks of whatever came before
  const before = wp.status();
  // Frame times are rAF's own timestamps (the frame's start, on the
  // display's grid): an interval above 16.7 ms is a frame the page missed.
  // The callbacks' start times also show how late each callback ran
  // within its frame (reported, not asserted).
  const frames = [];
  const callbacks = [];
  let running = true;
  const onFrame = (ts) => {
    frames.push(ts);
    callbacks.push(performance.now());
    if (running) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  let maxUnderruns = before.underruns;
  const watch = setInterval(() => { maxUnderruns = Math.max(maxUnderruns, wp.status().underruns); }, 50);
  const b0 = performance.now();
  await wait(baselineMs);
  const t0 = performance.now();
  const underrunsAtStart = wp.status().underruns;
  let result;
  let during;
  try {
    const task = wp.startTask('spectrogram', { fftSize, hop, trackId });
    await wait(50);
    during = wp.status();
    result = await task.promise;
  } finally {
    running = false;
    clearInterval(watch);
  }
  const t1 = performance.now();
  await wait(200); // long-task entries arrive after the task that caused them
  observer.disconnect();
  const after = wp.status();
  // The middle row, from the chunk that holds it.
  const mid = Math.floor(result.rows / 2);
  const chunk = result.chunks[Math.floor(mid / result.rowsPerChunk)];
  const row = (mid % result.rowsPerChunk) * result.bins;
  let peak = 1;
  for (let k = 1; k < result.bins; k++) if (chunk[row + k] > chunk[row + peak]) peak = k;
  const peakDb = chunk[row + peak];
  result.release();
  const intervals = [];
  const baseline = [];
  const callbackIntervals = [];
  for (let i = 1; i < frames.length; i++) {
    (frames[i] <= t0 ? baseline : intervals).push(frames[i] - frames[i - 1]);
    if (frames[i] > t0) callbackIntervals.push(callbacks[i] - callbacks[i - 1]);
  }
  const overlapping = (from, to) => longTasks.filter((e) => e.start < to && e.start + e.duration > from);
  return {
    t0, t1, elapsedMs: result.elapsedMs, rows: result.rows, bins: result.bins,
    peakBin: peak, peakDb,
    longTasks: overlapping(t0, t1),
    allLongTasks: longTasks.length,
    intervals, callbackIntervals, before, during, after,
    underruns: maxUnderruns - underrunsAtStart, underrunsBefore: before.underruns, underrunsAfter: maxUnderruns,
    baseline: { ms: t0 - b0, intervals: baseline, longTasks: overlapping(b0, t0),
      underruns: underrunsAtStart - before.underruns },
  };
}

// ---- Numbers -------------------------------------------------------------

// Nearest-rank percentile of an ascending array.
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function intervalStats(intervals) {
  const sorted = [...intervals].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

// ---- UI tests (tests/e2e/ui.test.mjs) ------------------------------------

// launchBrowser with extra Chromium arguments (the UI test's fake media
// devices), permissions granted up front and downloads accepted; a fresh
// profile each call (so fresh localStorage). Resolves {context, close()}.
export async function launchBrowserWith({ viewport = { width: 1280, height: 900 }, args = [],
  permissions = [] } = {}) {
  const chromium = await loadChromium();
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'wavepool-e2e-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, ...args],
      headless: true,
      viewport,
      permissions,
      acceptDownloads: true,
    });
  } catch (e) {
    await rm(profileDir, { recursive: true, force: true });
    throw e;
  }
  const close = async () => {
    await context.close().catch(() => {});
    await rm(profileDir, { recursive: true, force: true });
  };
  return { context, close };
}

// Resolves once the (re)loaded page's window.wavepool reports ready or an
// error; throws with the status otherwise.
export async function waitReady(page, timeout = PAGE_TIMEOUT_MS) {
  try {
    await page.waitForFunction(() => {
      const s = window.wavepool?.status();
      return s && (s.ready || s.error);
    }, null, { timeout });
  } catch (e) {
    const s = await page.evaluate(() => window.wavepool?.status() ?? null).catch(() => null);
    throw new Error(`page not ready (${e.message.split('\n')[0]}); status ${JSON.stringify(s)}`);
  }
}

// A 16-bit PCM WAV file (RIFF, WAVE_FORMAT_PCM) of planar float channels.
export function encodeWav16(channels, sampleRate) {
  const frames = channels[0].length;
  const n = channels.length;
  const buf = Buffer.alloc(44 + frames * n * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + frames * n * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(n, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * n * 2, 28);
  buf.writeUInt16LE(n * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(frames * n * 2, 40);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < n; c++) {
      const v = Math.max(-32768, Math.min(32767, Math.round(channels[c][i] * 32768)));
      buf.writeInt16LE(v, at);
      at += 2;
    }
  }
  return buf;
}

// Parses a WAV file (RIFF chunks; PCM 8/16/24/32-bit, IEEE float 32/64,
// WAVE_FORMAT_EXTENSIBLE of either): {format: 'pcm'|'float', formatTag,
// bits, channels, sampleRate, dataBytes, frames, samples: Float64Array[]
// (planar, full scale 1)}. Throws on anything malformed.
export function decodeWav(buf) {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a RIFF/WAVE file');
  const riffSize = buf.readUInt32LE(4);
  if (riffSize + 8 !== buf.length) throw new Error(`RIFF size ${riffSize} + 8 != file size ${buf.length}`);
  let fmt = null;
  let data = null;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (at + 8 + size > buf.length) throw new Error(`chunk '${id}' runs past the end`);
    if (id === 'fmt ') {
      let tag = buf.readUInt16LE(at + 8);
      if (tag === 0xfffe) tag = buf.readUInt16LE(at + 8 + 24); // the sub-format GUID's first two bytes
      fmt = { formatTag: buf.readUInt16LE(at + 8), tag, channels: buf.readUInt16LE(at + 10),
        sampleRate: buf.readUInt32LE(at + 12), blockAlign: buf.readUInt16LE(at + 20),
        bits: buf.readUInt16LE(at + 22) };
    } else if (id === 'data') {
      data = { offset: at + 8, size };
    }
    at += 8 + size + (size & 1);
  }
  if (!fmt) throw new Error('no fmt chunk');
  if (!data) throw new Error('no data chunk');
  const { tag, bits, channels, blockAlign } = fmt;
  if (tag !== 1 && tag !== 3) throw new Error(`format tag ${tag} is neither PCM nor IEEE float`);
  if (blockAlign !== channels * (bits / 8)) throw new Error(`block align ${blockAlign} for ${channels} x ${bits} bits`);
  if (data.size % blockAlign) throw new Error(`data length ${data.size} is not whole frames of ${blockAlign} bytes`);
  const frames = data.size / blockAlign;
  const samples = Array.from({ length: channels }, () => new Float64Array(frames));
  const bytes = bits / 8;
  const read = tag === 3
    ? (bits === 32 ? (o) => buf.readFloatLE(o) : (o) => buf.readDoubleLE(o))
    : bits === 8 ? (o) => (buf[o] - 128) / 128
      : (o) => buf.readIntLE(o, bytes) / 2 ** (bits - 1);
  for (let i = 0, o = data.offset; i < frames; i++)
    for (let c = 0; c < channels; c++, o += bytes) samples[c][i] = read(o);
  return { format: tag === 3 ? 'float' : 'pcm', formatTag: fmt.formatTag, bits, channels,
    sampleRate: fmt.sampleRate, dataBytes: data.size, frames, samples };
}
