// wavepool page: starts the engine (threaded when the page may use
// threads, else the single-threaded engine in workers), plays the built-in
// demo, a file or the signal generator through the C engine's real-time
// chain, and draws what the engine reports. Thin glue: every sample is
// computed by the engine (web/bindings.c behind engine.js); this file only
// wires the page and draws.
//
// window.wavepool (for tests and the console):
//   status()            mode, workers, reason, ready, phase, error, notice, requestedWorkers,
//                       crossOriginIsolated, hardwareConcurrency, audio, sampleRate,
//                       latencyMs, targetLatencyMs, underruns, framesPlayed, position,
//                       duration, playing, ended, loop, source, dspLoad, memoryBytes, track
//   spectrum()          the test-signal spectrum (an FFT job) or null
//   snapshot()          the live analysis {db: number[], binHz, meters} or null
//   outputLevelDb()     RMS (dBFS) of the last 8192 frames at the output tap
//   resumeAudio(), play(), pause(), stop(), seek(s), setLoop(on, a, b),
//   setVolume(dB), setPan(-1..1), setParam(name, value), getParam(name),
//   setTargetLatencyMs(ms), loadFile(blob|ArrayBuffer, name),
//   loadPcm(channels, rate, name) (Float32Arrays at the output's rate; the
//     single-threaded engine moves their buffers to its workers),
//   loadDemo(), useTrack(), useGenerator({type, frequency, level, ...}),
//   setGeneratorFrequency(hz), setGeneratorLevel(dBFS),
//   call(method, ...args) any engine-core.js method; useTrackId(id)
//   runTask(kind, opts) / startTask(kind, opts) -> {promise, cancel}: kind 'spectrogram'
//     ({fftSize, hop, window, dbRange} -> {bins, rows, rowsPerChunk, chunks, release()}:
//     call release() when done, it frees the engine memory the chunks view),
//     'normalize' ({mode, target, ceiling}), 'analyze', 'overview' ({begin, end, columns});
//     opts.trackId picks a track other than the current one
// The methods return promises that reject with a readable message.
//
// Query parameters: ?engine=st forces the single-threaded engine; ?workers=N
// (1..16) sets the pool size instead of hardwareConcurrency - 1.

import { EngineError, startEngine } from './engine.js';
import { createContext, fmt, minus } from './ui/context.js';
import { readTags } from './ui/tags.js';
import { mount as mountShell } from './ui/shell.js';
import { mount as mountPlayer } from './ui/player.js';
import { mount as mountAnalyzer } from './ui/analyzer.js';
import { mount as mountEq } from './ui/eq.js';
import { mount as mountEffects } from './ui/effects.js';
import { mount as mountTools } from './ui/tools.js';

// The page's panels (ui/*.js), mounted in this order once the engine runs.
const PANELS = [
  { mount: mountShell },
  { mount: mountPlayer },
  { mount: mountAnalyzer },
  { mount: mountEq },
  { mount: mountEffects },
  { mount: mountTools },
];

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
const LIVE_MIN_DB = -120;  // bottom of the live spectrum's dB axis
const SEEK_STEP_S = 5;

const $ = (id) => document.getElementById(id);

// ---- State and the window.wavepool API --------------------------------

const state = {
  mode: null,            // 'multithreaded' | 'single-threaded' once loaded
  workers: 0,            // verified running workers
  requestedWorkers: 0,
  reason: '',            // why single-threaded ('' when threaded)
  ready: false,          // engine, pool, player and demo up
  phase: 'detecting',    // detecting | loading-engine | starting-workers | rendering-demo |
                         // computing-spectrum | ready | failed
  error: '',             // fatal
  notice: '',            // the last non-fatal problem (a file that did not open)
  spectrum: null,
  engine: null,
  track: null,           // {id, name, title, duration, channels, sampleRate, format}
  demoId: 0,
  ctx: null,             // what the panels share (ui/context.js)
  frameWorkMs: 0,        // main-thread time of the slowest recent display frame (decaying max)
};

function engineOrThrow() {
  if (!state.engine) throw new EngineError('the engine is not running yet');
  return state.engine;
}

const call = (method, ...args) => engineOrThrow().call(method, ...args);

function status() {
  const e = state.engine;
  const s = e?.playerStatus();
  const base = {
    mode: state.mode,
    workers: state.workers,
    reason: state.reason,
    ready: state.ready,
    phase: state.phase,
    error: state.error,
    notice: state.notice,
    requestedWorkers: state.requestedWorkers,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency ?? null,
    audio: e?.ctx.state ?? 'suspended',
    sampleRate: e?.ctx.sampleRate ?? null,
    track: state.track,
    frameWorkMs: state.frameWorkMs,
  };
  if (!s) return base;
  const outputLatency = (e.ctx.outputLatency || 0) + (e.ctx.baseLatency || 0);
  return {
    ...base,
    latencyMs: (s.ringFrames / e.ctx.sampleRate + outputLatency) * 1000,
    targetLatencyMs: (s.targetFrames / e.ctx.sampleRate) * 1000,
    underruns: s.underruns,
    framesPlayed: s.framesPlayed,
    position: s.position,
    duration: s.duration,
    playing: s.playing,
    ended: s.ended,
    source: s.source,
    loop: { enabled: s.loopEnabled, start: s.loopStart, end: s.loopEnd },
    dspLoad: s.dspLoad,
    memoryBytes: s.memoryBytes,
  };
}

function snapshot() {
  const s = state.engine?.snapshot();
  if (!s) return null;
  return { db: Array.from(s.db), binHz: state.engine.ctx.sampleRate / ((s.db.length - 1) * 2),
    meters: s.meters };
}

function outputLevelDb() {
  const tap = engineOrThrow().tap;
  const x = new Float32Array(tap.fftSize);
  tap.getFloatTimeDomainData(x);
  let sum = 0;
  for (const v of x) sum += v * v;
  return 10 * Math.log10(sum / x.length + 1e-30);
}

function startTask(kind, opts = {}, onProgress = null) {
  const controller = new AbortController();
  const t0 = performance.now();
  const trackId = opts.trackId ?? state.track?.id;
  const promise = engineOrThrow().runTask(kind, trackId, opts, onProgress, controller.signal)
    .then((result) => ({ ...result, elapsedMs: performance.now() - t0 }));
  return { promise, cancel: () => controller.abort() };
}

window.wavepool = Object.freeze({
  status,
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
      },
      ranOffMainThread: s.ranOffMainThread,
      elapsedMs: s.elapsedMs,
    };
  },
  snapshot,
  outputLevelDb,
  resumeAudio: () => engineOrThrow().ctx.resume(),
  play: () => call('play'),
  pause: () => call('pause'),
  stop: () => call('stop'),
  seek: (s) => call('seek', s),
  setLoop: (enabled, start = 0, end = 0) => call('setLoop', enabled, start, end),
  setVolume: (db) => call('setParam', 'volume', db),
  setPan: (pan) => call('setParam', 'stereo.pan', pan),
  setParam: (name, value) => call('setParam', name, value),
  getParam: (name) => call('getParam', name),
  setTargetLatencyMs: (ms) => call('setTargetFrames', Math.round((ms / 1000) * engineOrThrow().ctx.sampleRate)),
  loadFile: (file, name) => openAudio(file, name),
  loadPcm: (channels, sampleRate, name = 'pcm') => usePcm(channels, sampleRate, { name, title: name }),
  loadDemo: () => useTrackId(state.demoId),
  useTrack: () => call('setSource', 'track'),
  useGenerator: async (opts) => {
    await call('setGenerator', opts);
    await call('setSource', 'generator');
  },
  setGeneratorFrequency: (hz) => call('setGeneratorFrequency', hz),
  setGeneratorLevel: (db) => call('setGeneratorLevel', db),
  runTask: (kind, opts) => startTask(kind, opts).promise,
  startTask: (kind, opts) => startTask(kind, opts),
  // Any engine-core method by name (panels use it for what has no
  // shortcut above); in the fallback, names ending in 'Task' run in the
  // tasks worker.
  call: (method, ...args) => call(method, ...args),
  // Makes a track the current one (panels that create tracks: recording,
  // normalize) and tells the panels.
  useTrackId: (id) => useTrackId(id),
});

// ---- Tracks ------------------------------------------------------------

async function useTrackId(id, info = null) {
  await call('setTrack', id);
  await call('setSource', 'track');
  const t = info ?? await call('trackInfo', id);
  state.track = { id, name: t.name, title: t.title || t.name, duration: t.duration ?? t.frames / t.sampleRate,
    channels: t.channels, sampleRate: t.sampleRate, format: t.format ?? 'PCM',
    fileSampleRate: t.fileSampleRate ?? t.sampleRate };
  state.ctx?.bus.dispatchEvent(new CustomEvent('track', { detail: state.track }));
  return state.track;
}

async function usePcm(channels, sampleRate, info) {
  const e = engineOrThrow();
  if (sampleRate !== e.ctx.sampleRate) {
    throw new EngineError(`the audio is at ${sampleRate} Hz; the output runs at ${e.ctx.sampleRate} Hz ` +
      '(open it as a file to have the browser resample it)');
  }
  const shape = { frames: channels[0].length, channels: channels.length, sampleRate };
  // The single-threaded engine takes the buffers over (see loadPcm).
  const id = await call('createTrack', channels, sampleRate, info);
  return useTrackId(id, { ...info, ...shape });
}

// Decodes whatever the browser decodes (resampled to the output's rate),
// down-mixes more than two channels the way Web Audio does for speakers,
// and hands the result to the engine. On failure the current track stays
// and the page says why.
async function openAudio(file, name) {
  const e = engineOrThrow();
  const label = name ?? file.name ?? 'audio';
  try {
    const bytes = file instanceof ArrayBuffer ? file : await file.arrayBuffer();
    if (bytes.byteLength === 0) throw new EngineError('the file is empty');
    let audio;
    try {
      audio = await e.ctx.decodeAudioData(bytes);
    } catch (err) {
      throw new EngineError(`the browser could not decode it (${err?.message || err?.name || 'unknown format'})`);
    }
    if (audio.numberOfChannels > 2) audio = await downmixToStereo(audio);
    // The single-threaded engine moves buffers to its workers: an
    // AudioBuffer's own channel memory cannot go, so it gets copies.
    const channels = [];
    for (let c = 0; c < audio.numberOfChannels; c++) {
      const data = audio.getChannelData(c);
      channels.push(e.mode === 'single-threaded' ? data.slice() : data);
    }
    // Title and format from the file's tags when it has them.
    const tags = file instanceof Blob ? await readTags(file).catch(() => ({})) : {};
    const base = label.replace(/\.[^.]+$/, '');
    const title = tags.title ? (tags.artist ? `${tags.artist} — ${tags.title}` : tags.title) : base;
    const info = await usePcm(channels, audio.sampleRate, { name: label, title,
      format: tags.format ?? label.split('.').pop().toUpperCase(), fileSampleRate: tags.sampleRate });
    state.notice = '';
    $('notice').hidden = true;
    return info;
  } catch (err) {
    const message = `Could not open “${label}”: ${err?.message ?? err}`;
    state.notice = message;
    const el = $('notice');
    el.textContent = `${message}. The current track is unchanged.`;
    el.hidden = false;
    throw new EngineError(message);
  }
}

async function downmixToStereo(audio) {
  const offline = new OfflineAudioContext(2, audio.length, audio.sampleRate);
  const source = new AudioBufferSourceNode(offline, { buffer: audio });
  source.connect(offline.destination);
  source.start();
  return offline.startRendering();
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

// ---- Drawing -----------------------------------------------------------

const FREQ_LABELS = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];
const fmtHz = fmt.hz;
const fmtTick = fmt.tick;
const fmtDb = (v) => fmt.db(v, 2);
const windowLabel = (name) => $('window-select').querySelector(`option[value="${name}"]`)?.textContent ?? name;

function drawSpectrum(canvas, spectrum, minDb = PLOT_MIN_DB) {
  const cssWidth = canvas.clientWidth;
  const cssHeight = canvas.clientHeight;
  const dpr = window.devicePixelRatio || 1;
  // Resizing clears and reallocates the canvas: only when the size changed.
  if (canvas.width !== Math.round(cssWidth * dpr)) canvas.width = Math.round(cssWidth * dpr);
  if (canvas.height !== Math.round(cssHeight * dpr)) canvas.height = Math.round(cssHeight * dpr);
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
    const c = Math.min(PLOT_MAX_DB, Math.max(minDb, db));
    return pad.top + (h * (PLOT_MAX_DB - c)) / (PLOT_MAX_DB - minDb);
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
  for (let db = PLOT_MAX_DB; db >= minDb; db -= 20) {
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
  for (let db = PLOT_MAX_DB; db >= minDb; db -= 20)
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
  for (const peak of spectrum.peaks ?? []) {
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
    : 'Single-threaded (engine in two Web Workers)';
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
  if (state.mode === 'single-threaded') text = '0 (no pool: one worker plays, one runs tasks)';
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
  $('job-thread').textContent = !spectrum.ranOffMainThread ? 'the main thread'
    : state.mode === 'multithreaded' ? 'a pool worker thread (off the main thread)'
      : 'the tasks worker (off the main thread)';
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

async function runSpectrum(windowName) {
  showSignal(windowName);
  $('job-state').textContent = 'submitted';
  const t0 = performance.now();
  const result = await call('testSpectrum', makeTestSignal(), windowName, FLOOR_DB);
  const binHz = SIGNAL.sampleRate / SIGNAL.n;
  state.spectrum = {
    sampleRate: SIGNAL.sampleRate,
    n: SIGNAL.n,
    window: windowName,
    windowId: result.windowId,
    floorDb: FLOOR_DB,
    binHz,
    db: result.db,
    peaks: findPeaks(result.db, binHz),
    ranOffMainThread: result.ranOffMainThread,
    elapsedMs: performance.now() - t0,
  };
  showSpectrum(state.spectrum);
}

// ---- Panels ------------------------------------------------------------

// Reports a failed control action without stopping the page.
function report(promise) {
  return Promise.resolve(promise).catch((err) => {
    state.notice = err?.message ?? String(err);
    const el = $('notice');
    el.textContent = state.notice;
    el.hidden = false;
  });
}

// Browsers start audio only after a gesture: any click, tap or key resumes
// it. A mouse press activates the page at pointerdown, a touch or pen only
// at pointerup.
function resumeOnGesture() {
  const resume = () => state.engine && state.engine.ctx.state !== 'running' && state.engine.ctx.resume();
  for (const type of ['pointerdown', 'pointerup', 'keydown']) document.addEventListener(type, resume, { capture: true });
}

// The AudioContext starts suspended without a gesture (autoplay policy), and
// the browser may suspend or interrupt it later (output device gone, a call
// on iOS): say so while it is not running, since a click or key resumes it.
function watchAudioState(ctx) {
  const show = () => {
    const el = $('audio-notice');
    el.hidden = ctx.state === 'running';
    el.textContent = `Audio output is ${ctx.state}: the browser starts or resumes sound ` +
      'only after you click or press a key on the page.';
  };
  ctx.addEventListener('statechange', show);
  show();
}

// Once per display frame: read the engine's status and newest snapshot
// (copies, no waiting) and hand them to the panels.
function frameLoop(ctx) {
  const frame = (now) => {
    requestAnimationFrame(frame);
    const t0 = performance.now();
    const snap = state.engine.snapshot();
    const detail = {
      now,
      status: status(),
      snapshot: snap && { db: snap.db, binHz: state.engine.ctx.sampleRate / ((snap.db.length - 1) * 2),
        meters: snap.meters, fresh: snap.fresh },
    };
    ctx.bus.dispatchEvent(new CustomEvent('frame', { detail }));
    state.frameWorkMs = Math.max(state.frameWorkMs * 0.98, performance.now() - t0);
  };
  requestAnimationFrame(frame);
}

// ---- Start -------------------------------------------------------------

async function main() {
  resumeOnGesture();
  const engine = await startEngine((phase) => { state.phase = phase; });
  state.engine = engine;
  state.mode = engine.mode;
  state.reason = engine.reason;
  state.requestedWorkers = engine.requestedWorkers;
  state.workers = engine.workers;
  showEngine();
  watchAudioState(engine.ctx);
  if (engine.mode === 'multithreaded') {
    showWorkers('verified');
    console.log(`Worker pool initialized with ${state.workers} workers`);
  } else {
    showWorkers('verified');
  }

  state.phase = 'rendering-demo';
  state.demoId = await call('renderDemo', engine.ctx.sampleRate);
  state.ctx = createContext(window.wavepool, report);
  for (const panel of PANELS) await panel.mount(state.ctx);
  await useTrackId(state.demoId);
  frameLoop(state.ctx);

  state.phase = 'computing-spectrum';
  const select = $('window-select');
  await runSpectrum(select.value);
  state.phase = 'ready';
  state.ready = true;

  select.disabled = false;
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      await runSpectrum(select.value);
    } catch (e) {
      showError(e.message);
    } finally {
      select.disabled = false;
    }
  });
  const redraw = () => state.spectrum && drawSpectrum($('spectrum-canvas'), state.spectrum);
  new ResizeObserver(redraw).observe($('spectrum-canvas'));
  state.ctx.bus.addEventListener('theme', redraw);
}

main().catch((e) => {
  showError(e instanceof EngineError ? e.message : `unexpected failure: ${e?.message ?? e}`);
  if (!(e instanceof EngineError)) console.error(e);
});
