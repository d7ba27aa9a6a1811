// wavepool page: loads the engine (threaded if the page may use threads),
// starts and verifies the worker pool, computes the spectrum of a test
// signal with the C engine and draws it. Thin glue only: the FFT, window and
// dB conversion are the engine's job (web/bindings.c).
//
// For tests and later work, window.wavepool exposes:
//   status()   {mode, workers, reason, ready, phase, error, requestedWorkers,
//               crossOriginIsolated, hardwareConcurrency}
//   spectrum() the last finished spectrum {sampleRate, n, window, windowId,
//               floorDb, binHz, db: number[n/2+1], signal, ranOffMainThread,
//               elapsedMs}, or null
//
// Query parameter ?engine=st forces the single-threaded engine.

const MAX_WORKERS = 16; // WP_POOL_MAX_WORKERS
const ENGINE_LOAD_TIMEOUT_MS = 15000;
const WORKER_START_TIMEOUT_MS = 10000;
const WP_OK = 0;
const WP_PENDING = 1;

// The test signal: two phase-0 sines, 48 kHz, one 4096-sample frame.
// The tones are deliberately not bin-centred (bins are 11.72 Hz apart, so
// 1 kHz lies at bin 85.33 and 5 kHz at bin 426.67): the plot then shows
// the window's leakage skirts, and a peak bin reads the tone's level minus
// the window's scalloping loss at a third of a bin (Hann: 0.63 dB).
const SIGNAL = Object.freeze({
  sampleRate: 48000,
  n: 4096,
  tones: Object.freeze([
    Object.freeze({ frequency: 1000, dbfs: -6 }),
    Object.freeze({ frequency: 5000, dbfs: -20 }),
  ]),
});
const FLOOR_DB = -160;     // passed to the engine
const PLOT_MIN_DB = -140;  // bottom of the plot's dB axis
const PLOT_MAX_DB = 0;
const PLOT_MIN_HZ = 20;

const $ = (id) => document.getElementById(id);

// ---- State and the window.wavepool API --------------------------------

const state = {
  mode: null,            // 'multithreaded' | 'single-threaded' once loaded
  workers: 0,            // verified running workers
  requestedWorkers: 0,
  reason: '',            // why single-threaded ('' when threaded)
  ready: false,          // pool verified and first spectrum drawn
  phase: 'detecting',    // detecting | loading-engine | starting-workers |
                         // computing-spectrum | ready | failed
  error: '',
  spectrum: null,
};

window.wavepool = Object.freeze({
  status() {
    return {
      mode: state.mode,
      workers: state.workers,
      reason: state.reason,
      ready: state.ready,
      phase: state.phase,
      error: state.error,
      requestedWorkers: state.requestedWorkers,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      hardwareConcurrency: navigator.hardwareConcurrency ?? null,
    };
  },
  spectrum() {
    const s = state.spectrum;
    if (!s) return null;
    return {
      sampleRate: s.sampleRate,
      n: s.n,
      window: s.window,
      windowId: s.windowId,
      floorDb: s.floorDb,
      binHz: s.sampleRate / s.n,
      db: Array.from(s.db),
      signal: {
        sampleRate: SIGNAL.sampleRate,
        n: SIGNAL.n,
        tones: SIGNAL.tones.map((t) => ({ ...t })),
        phase: 'sine, phase 0: x[t] = sum of 10^(dbfs/20) * sin(2*pi*frequency*t/sampleRate)',
      },
      ranOffMainThread: s.ranOffMainThread,
      elapsedMs: s.elapsedMs,
    };
  },
});

// ---- Feature detection -------------------------------------------------

function wasmThreadsSupported() {
  try {
    // A module whose only section declares a shared memory (1..1 pages):
    // valid only where the threads proposal is implemented.
    const shared = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x05, 0x04, 0x01, 0x03, 0x01, 0x01]);
    if (!WebAssembly.validate(shared)) return false;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return memory.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

// Returns '' when threads can be used, else the reason they cannot.
function threadBlocker() {
  if (new URLSearchParams(location.search).get('engine') === 'st')
    return 'single-threaded engine requested (?engine=st)';
  if (globalThis.crossOriginIsolated !== true)
    return 'not cross-origin isolated (no COOP/COEP headers)';
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer unavailable';
  if (!wasmThreadsSupported()) return 'WebAssembly threads unsupported';
  return '';
}

function poolSize() {
  const cores = Number(navigator.hardwareConcurrency) || 2;
  return Math.min(MAX_WORKERS, Math.max(1, cores - 1));
}

// ---- Engine helpers ----------------------------------------------------

class EngineError extends Error {}

// Views on wasm memory. Memory can grow (also from a worker), which detaches
// old views: always take a fresh one after anything that may allocate.
function heapF32(Module) {
  const mem = Module.wasmMemory;
  if (mem && Module.HEAPF32.buffer !== mem.buffer) return new Float32Array(mem.buffer);
  return Module.HEAPF32;
}
function heapI32(Module) {
  const mem = Module.wasmMemory;
  if (mem && Module.HEAP32.buffer !== mem.buffer) return new Int32Array(mem.buffer);
  return Module.HEAP32;
}

function strerror(Module, status) {
  return Module.UTF8ToString(Module._wpb_strerror(status));
}

function mallocOrThrow(Module, bytes) {
  const ptr = Module._malloc(bytes);
  if (!ptr) throw new EngineError(`out of wasm memory (allocating ${bytes} bytes)`);
  return ptr;
}

function windowFromName(Module, name) {
  const size = Module.lengthBytesUTF8(name) + 1;
  const ptr = mallocOrThrow(Module, size);
  try {
    Module.stringToUTF8(name, ptr, size);
    const id = Module._wpb_window_from_name(ptr);
    if (id < 0) throw new EngineError(`the engine does not know the window '${name}'`);
    return id;
  } finally {
    Module._free(ptr);
  }
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

async function loadEngine(blocker) {
  let reason = blocker;
  if (!blocker) {
    const workers = poolSize();
    try {
      const { default: createWavepool } = await import('./engine/wavepool-mt.mjs');
      // The factory never settles if a thread's worker fails to load
      // (Emscripten only logs it): give up on a worker error or a timeout.
      let giveUp;
      const failed = new Promise((resolve, reject) => { giveUp = reject; });
      const timer = setTimeout(() => giveUp(new Error(
        `not started within ${ENGINE_LOAD_TIMEOUT_MS / 1000} s`)), ENGINE_LOAD_TIMEOUT_MS);
      try {
        const Module = await Promise.race([failed, createWavepool({
          // Every thread is created before the module starts (see pool.h):
          // W pool workers plus one spare.
          wavepoolThreads: workers + 1,
          printErr: (text) => {
            console.warn(text);
            if (/^worker sent an error/.test(text)) giveUp(new Error('a worker failed to load'));
          },
        })]);
        return { Module, mode: 'multithreaded', workers, reason: '' };
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      console.error('wavepool: multithreaded engine failed, falling back:', e);
      reason = `multithreaded engine failed to load (${e?.message ?? e})`;
    }
  }
  const { default: createWavepool } = await import('./engine/wavepool-st.mjs');
  const Module = await createWavepool({});
  return { Module, mode: 'single-threaded', workers: 0, reason };
}

// Polls (once per frame, never blocking) until `expected` workers run.
async function waitForWorkers(Module, expected) {
  const start = performance.now();
  for (;;) {
    const running = Module._wpb_workers_running();
    state.workers = running;
    if (running >= expected) return running;
    if (performance.now() - start > WORKER_START_TIMEOUT_MS) {
      throw new EngineError(`only ${running} of ${expected} workers started within ` +
        `${WORKER_START_TIMEOUT_MS / 1000} s`);
    }
    await nextFrame();
  }
}

function makeTestSignal() {
  const { sampleRate, n, tones } = SIGNAL;
  const x = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let v = 0;
    for (const tone of tones)
      v += 10 ** (tone.dbfs / 20) * Math.sin((2 * Math.PI * tone.frequency * t) / sampleRate);
    x[t] = v;
  }
  return x;
}

// Submits one spectrum job to the engine's pool and polls it each animation
// frame. Resolves with the dB values (a copy) once the job is final.
async function computeSpectrum(Module, samples, windowId, onProgress) {
  const n = samples.length;
  const bins = n / 2 + 1;
  const ptrs = [];
  const alloc = (bytes) => {
    const p = mallocOrThrow(Module, bytes);
    ptrs.push(p);
    return p;
  };
  let job = 0;
  try {
    const inPtr = alloc(n * 4);
    const outPtr = alloc(bins * 4);
    const statusPtr = alloc(4);
    heapF32(Module).set(samples, inPtr >> 2);
    const t0 = performance.now();
    job = Module._wpb_spectrum_submit(inPtr, n, windowId, FLOOR_DB, outPtr, statusPtr);
    if (!job) {
      const st = heapI32(Module)[statusPtr >> 2];
      throw new EngineError(`spectrum job was refused: ${strerror(Module, st)}`);
    }
    let st;
    while ((st = Module._wpb_job_poll(job)) === WP_PENDING) {
      onProgress(Module._wpb_job_progress(job));
      await nextFrame();
    }
    const elapsedMs = performance.now() - t0;
    if (st !== WP_OK) throw new EngineError(`spectrum job failed: ${strerror(Module, st)}`);
    const db = heapF32(Module).slice(outPtr >> 2, (outPtr >> 2) + bins);
    const ranOffMainThread = Module._wpb_job_ran_off_main_thread(job) === 1;
    return { db, ranOffMainThread, elapsedMs };
  } finally {
    // Normally the job is final here (or was never submitted): release
    // frees it and nothing writes to our buffers any more. If polling threw,
    // release cancels the job instead, and the buffers it may still write
    // must be leaked.
    if (job && Module._wpb_job_release(job) !== WP_OK)
      console.error('wavepool: job release refused; leaking its buffers');
    else for (const p of ptrs) Module._free(p);
  }
}

// ---- Drawing -----------------------------------------------------------

const FREQ_LABELS = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];
const fmtHz = (f) => (f >= 1000 ? `${+(f / 1000).toFixed(f % 1000 ? 2 : 0)} kHz` : `${Math.round(f)} Hz`);
const fmtTick = (f) => (f >= 1000 ? `${f / 1000}k` : `${f}`);
const minus = (v, digits) => `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)}`;
const fmtDb = (v) => `${minus(v, 2)} dB`;
const windowLabel = (name) => $('window-select').querySelector(`option[value="${name}"]`)?.textContent ?? name;

function drawSpectrum(canvas, spectrum) {
  const cssWidth = canvas.clientWidth;
  const cssHeight = canvas.clientHeight;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const css = getComputedStyle(canvas);
  const color = (name) => css.getPropertyValue(name).trim();

  const pad = { left: 64, right: 18, top: 14, bottom: 46 };
  const w = cssWidth - pad.left - pad.right;
  const h = cssHeight - pad.top - pad.bottom;
  const fMax = spectrum.sampleRate / 2;
  const logSpan = Math.log(fMax / PLOT_MIN_HZ);
  const xOf = (f) => pad.left + (w * Math.log(f / PLOT_MIN_HZ)) / logSpan;
  const yOf = (db) => {
    const c = Math.min(PLOT_MAX_DB, Math.max(PLOT_MIN_DB, db));
    return pad.top + (h * (PLOT_MAX_DB - c)) / (PLOT_MAX_DB - PLOT_MIN_DB);
  };

  ctx.clearRect(0, 0, cssWidth, cssHeight);
  ctx.fillStyle = color('--plot-bg');
  ctx.fillRect(pad.left, pad.top, w, h);

  // Grid: decades 1-2-5 labelled, the other multiples faint.
  ctx.lineWidth = 1;
  for (let decade = 10; decade <= fMax; decade *= 10) {
    for (let m = 1; m <= 9; m++) {
      const f = decade * m;
      if (f < PLOT_MIN_HZ || f > fMax) continue;
      const x = Math.round(xOf(f)) + 0.5;
      ctx.strokeStyle = FREQ_LABELS.includes(f) ? color('--grid-strong') : color('--grid');
      ctx.beginPath();
      ctx.moveTo(x, pad.top);
      ctx.lineTo(x, pad.top + h);
      ctx.stroke();
    }
  }
  for (let db = PLOT_MAX_DB; db >= PLOT_MIN_DB; db -= 20) {
    const y = Math.round(yOf(db)) + 0.5;
    ctx.strokeStyle = color('--grid-strong');
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(pad.left + w, y);
    ctx.stroke();
  }

  // Axis labels.
  ctx.fillStyle = color('--muted');
  ctx.font = `12px ${color('--mono')}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const f of FREQ_LABELS) if (f <= fMax) ctx.fillText(fmtTick(f), xOf(f), pad.top + h + 6);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let db = PLOT_MAX_DB; db >= PLOT_MIN_DB; db -= 20)
    ctx.fillText(db === 0 ? '0' : `−${-db}`, pad.left - 8, yOf(db));
  ctx.font = `13px ${color('--sans')}`;
  ctx.fillStyle = color('--fg');
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('Frequency (Hz, log scale)', pad.left + w / 2, cssHeight - 4);
  ctx.save();
  ctx.translate(16, pad.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText('Level (dBFS)', 0, 0);
  ctx.restore();

  // The curve: bins below PLOT_MIN_HZ are left out (log axis); where many
  // bins share a pixel column, draw that column's min..max span.
  const { db, binHz } = spectrum;
  const points = [];
  let column = null;
  for (let k = 1; k < db.length; k++) {
    const f = k * binHz;
    if (f < PLOT_MIN_HZ && (k + 1) * binHz < PLOT_MIN_HZ) continue;
    const x = xOf(f);
    const col = Math.floor(x);
    const y = yOf(db[k]);
    if (column && column.col === col) {
      column.min = Math.min(column.min, y);
      column.max = Math.max(column.max, y);
      column.last = y;
    } else {
      if (column) points.push(column);
      column = { col, x, first: y, min: y, max: y, last: y };
    }
  }
  if (column) points.push(column);

  ctx.save();
  ctx.beginPath();
  ctx.rect(pad.left, pad.top, w, h);
  ctx.clip();
  const path = new Path2D();
  points.forEach((p, i) => {
    if (i === 0) path.moveTo(p.x, p.first);
    else path.lineTo(p.x, p.first);
    if (p.min !== p.max) {
      path.lineTo(p.x, p.min);
      path.lineTo(p.x, p.max);
      path.lineTo(p.x, p.last);
    }
  });
  const fill = new Path2D(path);
  fill.lineTo(points[points.length - 1].x, pad.top + h);
  fill.lineTo(points[0].x, pad.top + h);
  fill.closePath();
  const gradient = ctx.createLinearGradient(0, pad.top, 0, pad.top + h);
  gradient.addColorStop(0, color('--curve-fill-top'));
  gradient.addColorStop(1, color('--curve-fill-bottom'));
  ctx.fillStyle = gradient;
  ctx.fill(fill);
  ctx.strokeStyle = color('--curve');
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.stroke(path);
  ctx.restore();

  // Mark the measured peaks, labelled beside the (narrow) peak.
  ctx.font = `12px ${color('--mono')}`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = color('--accent');
  for (const peak of spectrum.peaks) {
    const x = xOf(peak.bin * binHz);
    const y = yOf(peak.db);
    ctx.beginPath();
    ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
    ctx.fill();
    const right = x > pad.left + w - 90;
    ctx.textAlign = right ? 'right' : 'left';
    ctx.fillText(fmtDb(peak.db), x + (right ? -8 : 8), Math.max(pad.top + 8, y));
  }

  ctx.strokeStyle = color('--grid-strong');
  ctx.strokeRect(pad.left + 0.5, pad.top + 0.5, w - 1, h - 1);
}

// The highest bin within +-2 bins of each tone: reading the engine's
// output, not analysing it.
function findPeaks(db, binHz) {
  return SIGNAL.tones.map((tone) => {
    const centre = Math.round(tone.frequency / binHz);
    let bin = centre;
    for (let k = Math.max(1, centre - 2); k <= Math.min(db.length - 1, centre + 2); k++)
      if (db[k] > db[bin]) bin = k;
    return { tone, bin, db: db[bin] };
  });
}

// ---- Page --------------------------------------------------------------

function showError(message) {
  state.error = message;
  state.phase = 'failed';
  const el = $('error');
  el.textContent = `Error: ${message}`;
  el.hidden = false;
  if (!state.spectrum) {
    $('job-state').textContent = 'not run';
    $('job-thread').textContent = $('job-time').textContent = '—';
    $('plot-caption').textContent = 'No spectrum: the engine failed (see the error above).';
    $('spectrum-canvas').setAttribute('aria-label', 'Spectrum plot (empty: the engine failed)');
  }
  console.error(`wavepool: ${message}`);
}

function showEngine() {
  $('mode').textContent = state.mode === 'multithreaded'
    ? 'Multithreaded (WebAssembly threads)'
    : 'Single-threaded (inline on the main thread)';
  $('isolated').textContent = globalThis.crossOriginIsolated === true ? 'yes' : 'no';
  $('cores').textContent = String(navigator.hardwareConcurrency ?? 'unknown');
  if (state.mode === 'single-threaded') {
    $('st-notice').hidden = false;
    $('st-reason').textContent = state.reason;
    if (/SharedArrayBuffer|WebAssembly threads/.test(state.reason)) {
      $('st-howto').textContent = 'This browser cannot run WebAssembly threads here. Use a ' +
        'current Chrome, Edge, Firefox or Safari, served with these headers:';
    } else if (state.reason.startsWith('multithreaded engine failed')) {
      $('st-howto').textContent = 'The page is cross-origin isolated, but the threaded engine ' +
        '(engine/wavepool-mt.*) did not start: see the browser console, and rebuild the site ' +
        '(make site).';
      $('st-headers').hidden = true;
    } else if (state.reason.includes('?engine=st')) {
      $('st-howto').textContent = 'Remove ?engine=st from the address to use threads.';
      $('st-headers').hidden = true;
    }
  }
}

// stage: 'starting' | 'verified' | 'failed'
function showWorkers(stage) {
  const { workers, requestedWorkers } = state;
  let text;
  if (state.mode === 'single-threaded') text = '0 (no pool: jobs run inline)';
  else if (stage === 'verified') text = `${workers} running, verified (${requestedWorkers} requested)`;
  else if (stage === 'failed') text = `failed: ${workers} of ${requestedWorkers} started`;
  else text = `starting… ${workers} of ${requestedWorkers} running`;
  $('workers').textContent = text;
}

function showSignal(windowName) {
  const { sampleRate, n, tones } = SIGNAL;
  const binHz = sampleRate / n;
  const toneText = tones.map((t) => `${fmtHz(t.frequency)} at ${minus(t.dbfs, 0)} dBFS`).join(' + ');
  $('signal-description').textContent =
    `${toneText} sine tones, ${sampleRate / 1000} kHz, ${n} samples, ${windowLabel(windowName)} window; ` +
    `bins are ${binHz.toFixed(2)} Hz apart.`;
}

function showSpectrum(spectrum) {
  const canvas = $('spectrum-canvas');
  drawSpectrum(canvas, spectrum);
  const peakText = spectrum.peaks
    .map((p) => `${fmtDb(p.db)} at ${(p.bin * spectrum.binHz).toFixed(1)} Hz`).join(' and ');
  canvas.setAttribute('aria-label',
    `Spectrum plot, ${windowLabel(spectrum.window)} window, log frequency axis 20 Hz to ` +
    `${spectrum.sampleRate / 2000} kHz, level axis ${PLOT_MIN_DB} to 0 dBFS: peaks of ${peakText}.`);
  $('plot-caption').textContent =
    `Magnitude spectrum computed by the engine (${spectrum.n}-point real FFT, ` +
    `${windowLabel(spectrum.window)} window); 0 dB = full-scale sine; values floored at ` +
    `${minus(FLOOR_DB, 0)} dB, plot shown down to ${minus(PLOT_MIN_DB, 0)} dB.`;
  $('job-state').textContent = 'done';
  $('job-thread').textContent = spectrum.ranOffMainThread
    ? 'a pool worker thread (off the main thread)'
    : 'the main thread (single-threaded engine, inline)';
  $('job-time').textContent = `${spectrum.elapsedMs.toFixed(1)} ms from submit to result`;

  const body = $('peaks-body');
  body.replaceChildren(...spectrum.peaks.map((p) => {
    const tr = document.createElement('tr');
    const cells = [fmtHz(p.tone.frequency), `${minus(p.tone.dbfs, 0)} dBFS`,
      `${p.bin} (${(p.bin * spectrum.binHz).toFixed(1)} Hz)`, fmtDb(p.db)];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
  $('peaks-note').textContent =
    'The tones fall between bins, so a peak bin reads below the tone level by the ' +
    'window’s scalloping loss (Hann: 0.63 dB at a third of a bin; flat-top: almost none).';
}

async function runSpectrum(Module, windowName) {
  const windowId = windowFromName(Module, windowName);
  showSignal(windowName);
  $('job-state').textContent = 'submitted';
  const result = await computeSpectrum(Module, makeTestSignal(), windowId, (progress) => {
    $('job-state').textContent = `running (${Math.round(progress * 100)} %)`;
  });
  const binHz = SIGNAL.sampleRate / SIGNAL.n;
  state.spectrum = {
    sampleRate: SIGNAL.sampleRate,
    n: SIGNAL.n,
    window: windowName,
    windowId,
    floorDb: FLOOR_DB,
    binHz,
    db: result.db,
    peaks: findPeaks(result.db, binHz),
    ranOffMainThread: result.ranOffMainThread,
    elapsedMs: result.elapsedMs,
  };
  showSpectrum(state.spectrum);
}

async function main() {
  const blocker = threadBlocker();
  state.phase = 'loading-engine';
  const engine = await loadEngine(blocker);
  const { Module } = engine;
  state.mode = engine.mode;
  state.reason = engine.reason;
  state.requestedWorkers = engine.workers;
  showEngine();
  showWorkers('starting');

  state.phase = 'starting-workers';
  const st = Module._wpb_pool_start(engine.workers);
  if (st !== WP_OK) {
    showWorkers('failed');
    throw new EngineError(`the worker pool did not start: ${strerror(Module, st)}`);
  }
  try {
    await waitForWorkers(Module, engine.workers);
  } catch (e) {
    showWorkers('failed');
    throw e;
  }
  showWorkers('verified');
  console.log(`Worker pool initialized with ${state.workers} workers`);

  state.phase = 'computing-spectrum';
  const select = $('window-select');
  await runSpectrum(Module, select.value);
  state.phase = 'ready';
  state.ready = true;

  select.disabled = false;
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      await runSpectrum(Module, select.value);
    } catch (e) {
      showError(e.message);
    } finally {
      select.disabled = false;
    }
  });
  new ResizeObserver(() => state.spectrum && drawSpectrum($('spectrum-canvas'), state.spectrum))
    .observe($('spectrum-canvas'));
}

main().catch((e) => {
  showError(e instanceof EngineError ? e.message : `unexpected failure: ${e?.message ?? e}`);
  if (!(e instanceof EngineError)) console.error(e);
});
