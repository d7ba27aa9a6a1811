// Starts the engine for the page and gives it one API whatever the mode.
//
// Threaded (cross-origin isolated): the threaded module runs on the main
// thread's side only for non-blocking calls; its pool, the player's
// producer and its analysis run on prewarmed threads; the AudioWorklet
// reads the player's ring straight out of the shared wasm memory.
// Single-threaded (not isolated): two workers run the single-threaded
// module (engine-worker.js): one plays, one runs tasks; the AudioWorklet
// gets the stream by messages. The main thread never runs DSP.
//
// Before either, missingFeature() stops the page with a plain message when
// the browser lacks what both need (docs/guide/browser-support.md).
//
// The AudioContext lives here, on the main thread. Browsers start it
// suspended without a user gesture: resumeAudio() is called on the first
// click or key press.

import { EngineCore, EngineError, MAX_WORKERS, WP_OK } from './engine-core.js';

const ENGINE_LOAD_TIMEOUT_MS = 15000;
const THREAD_START_TIMEOUT_MS = 10000;
const ANALYSIS_INTERVAL_MS = 16; // about the display rate
// Ring fill the threaded producer keeps ahead of the audio thread (see
// LatencyControl). On a 2-core machine with the pool busy and the full
// page drawing, 10 ms lost quanta with a build running beside it and 15 ms
// lost one in a clean CI run (tests/e2e); 20 ms is the lowest that held.
// See docs/DESIGN.md.
export const DEFAULT_TARGET_MS = 20;
// While the output starts, its first pulls come in a burst: start with a
// deep ring and settle once the output ran this long without an underrun.
const STARTUP_TARGET_MS = 60;
const SETTLE_MS = 1000;
const MAX_AUTO_TARGET_MS = 60;
const LATENCY_CHECK_MS = 250;
const ST_TARGET_FRAMES = 1024;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

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

// A module whose one function splats an i32 into a v128 (i8x16.splat):
// valid only where fixed-width SIMD is implemented. Both engine builds
// are compiled with it (-msimd128); without it they fail to compile.
function wasmSimdSupported() {
  try {
    return WebAssembly.validate(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
      0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b]));
  } catch {
    return false;
  }
}

// A browser that reads the `type` option of new Worker() supports module
// workers (the single-threaded engine's workers are modules); one that
// does not loads the script as a classic worker, where `import` fails.
// The options are read before the URL: 'blob://' names nothing, so
// Chromium throws at once; elsewhere the worker is ended before it loads.
function moduleWorkersSupported() {
  let read = false;
  try {
    new Worker('blob://', { get type() { read = true; return 'module'; } }).terminate();
  } catch {
    // Expected: only whether `type` was read matters.
  }
  return read;
}

// '' when the page can run at all, else what it lacks. Both engines need
// WebAssembly with SIMD and an AudioWorklet (a secure context's feature).
export function missingFeature() {
  if (typeof WebAssembly !== 'object') return 'this browser has no WebAssembly (or it is turned off)';
  if (globalThis.isSecureContext !== true) {
    return 'the page is not a secure context: open it over https:// or from http://localhost ' +
      '(browsers offer AudioWorklet and SharedArrayBuffer only there)';
  }
  if (!wasmSimdSupported()) {
    return 'this browser does not support WebAssembly SIMD, which the engine is built with ' +
      '(Chrome or Edge 91, Firefox 89, Safari 16.4 or later)';
  }
  if (typeof AudioWorkletNode !== 'function')
    return 'this browser has no AudioWorklet, which the engine plays through';
  return '';
}

// '' when threads can be used, else the reason they cannot.
export function threadBlocker() {
  if (new URLSearchParams(location.search).get('engine') === 'st')
    return 'single-threaded engine requested (?engine=st)';
  if (globalThis.crossOriginIsolated !== true)
    return 'not cross-origin isolated (no COOP/COEP headers)';
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer unavailable';
  if (!wasmThreadsSupported()) return 'WebAssembly threads unsupported';
  return '';
}

// hardwareConcurrency - 1 (1..16), or ?workers=N (1..16) to leave more
// cores free or to compare pool sizes.
export function poolSize() {
  const asked = Number(new URLSearchParams(location.search).get('workers'));
  if (Number.isInteger(asked) && asked >= 1 && asked <= MAX_WORKERS) return asked;
  const cores = Number(navigator.hardwareConcurrency) || 2;
  return Math.min(MAX_WORKERS, Math.max(1, cores - 1));
}

async function waitFor(what, test) {
  const start = performance.now();
  while (!test()) {
    if (performance.now() - start > THREAD_START_TIMEOUT_MS)
      throw new EngineError(`${what} did not start within ${THREAD_START_TIMEOUT_MS / 1000} s`);
    await nextFrame();
  }
}

// ---- Audio output ------------------------------------------------------

async function createOutput(ctx, processorOptions) {
  await ctx.audioWorklet.addModule(new URL('./ring-processor.js', import.meta.url));
  const node = new AudioWorkletNode(ctx, 'wavepool-ring', {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    processorOptions,
  });
  // An output tap: what actually leaves the engine, for meters and tests.
  const tap = new AnalyserNode(ctx, { fftSize: 8192, smoothingTimeConstant: 0 });
  node.connect(tap);
  tap.connect(ctx.destination);
  return { ctx, node, tap };
}

// ---- Threaded backend: the module on this thread, work on its threads ---

async function loadThreaded(workers, onPhase) {
  const { default: createWavepool } = await import('./engine/wavepool-mt.mjs');
  // The factory never settles if a thread's worker fails to load
  // (Emscripten only logs it): give up on a worker error or a timeout.
  let giveUp;
  const failed = new Promise((resolve, reject) => { giveUp = reject; });
  const timer = setTimeout(() => giveUp(new Error(
    `not started within ${ENGINE_LOAD_TIMEOUT_MS / 1000} s`)), ENGINE_LOAD_TIMEOUT_MS);
  try {
    onPhase('loading-engine');
    return await Promise.race([failed, createWavepool({
      // Every thread exists before the module starts (Emscripten cannot
      // start one later without the main thread's help): the pool's
      // workers, the player's producer and analysis, and one spare.
      wavepoolThreads: workers + 3,
      printErr: (text) => {
        console.warn(text);
        if (/^worker sent an error/.test(text)) giveUp(new Error('a worker failed to load'));
      },
    })]);
  } finally {
    clearTimeout(timer);
  }
}

class ThreadedEngine {
  static async start(onPhase) {
    const requested = poolSize();
    const Module = await loadThreaded(requested, onPhase);
    const core = new EngineCore(Module, nextFrame);
    onPhase('starting-workers');
    core.startPool(requested);
    await waitFor('the worker pool', () => core.workersRunning() >= requested);
    const workers = core.workersRunning();
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    const ring = core.createPlayer(ctx.sampleRate, Math.round(ctx.sampleRate * STARTUP_TARGET_MS / 1000));
    core.startPlayerThreads(ANALYSIS_INTERVAL_MS);
    await waitFor('the player threads', () => core.playerThreadsRunning());
    const output = await createOutput(ctx, { mode: 'shared', memory: Module.wasmMemory, ringAddress: ring });
    const engine = new ThreadedEngine(core, output, requested, workers);
    engine.latency = new LatencyControl(engine);
    return engine;
  }

  constructor(core, output, requested, workers) {
    Object.assign(this, output);
    this.core = core;
    this.mode = 'multithreaded';
    this.reason = '';
    this.requestedWorkers = requested;
    this.workers = workers;
  }

  // Calls are synchronous and non-blocking here; async for one API. A
  // latency set by hand ends the automatic control.
  async call(method, ...args) {
    if (method === 'setTargetFrames') this.latency.stop();
    return this.core[method](...args);
  }
  async runTask(kind, trackId, opts, onProgress, signal) {
    return this.core.runTask(kind, trackId, opts, onProgress, signal);
  }
  playerStatus() {
    const s = this.core.playerStatus();
    s.memoryBytes = this.core.memoryBytes();
    return s;
  }
  snapshot() { return this.core.snapshot(); }
}

// The lowest ring fill that holds: the default once the output has run
// SETTLE_MS without an underrun; after an underrun, one step deeper (x1.5,
// up to MAX_AUTO_TARGET_MS). Only reads counters and sets an atomic target.
class LatencyControl {
  constructor(engine) {
    const rate = engine.ctx.sampleRate;
    this.engine = engine;
    this.target = Math.round((rate * DEFAULT_TARGET_MS) / 1000);
    this.max = Math.round((rate * MAX_AUTO_TARGET_MS) / 1000);
    this.settled = false;
    this.runningSince = null;
    this.underruns = 0;
    this.timer = setInterval(() => this.check(), LATENCY_CHECK_MS);
  }

  stop() { clearInterval(this.timer); }

  check() {
    const { ctx, core } = this.engine;
    const underruns = core.playerStatus().underruns;
    const fresh = underruns - this.underruns;
    this.underruns = underruns;
    if (ctx.state !== 'running') {
      this.runningSince = null;
      return;
    }
    const now = performance.now();
    this.runningSince ??= now;
    if (!this.settled) {
      if (fresh > 0) this.runningSince = now;
      else if (now - this.runningSince >= SETTLE_MS) {
        this.settled = true;
        core.setTargetFrames(this.target);
      }
    } else if (fresh > 0 && this.target < this.max) {
      this.target = Math.min(this.max, Math.round(this.target * 1.5));
      core.setTargetFrames(this.target);
    }
  }
}

// ---- Single-threaded backend: two workers, messages --------------------

class WorkerClient {
  constructor(name) {
    this.worker = new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module', name });
    this.pending = new Map();
    this.nextId = 1;
    this.onStatus = null;
    this.worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'status') return this.onStatus?.(m);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(new EngineError(m.error));
      else p.resolve(m.result);
    };
    this.worker.onerror = (e) => {
      const err = new EngineError(`the ${name} worker failed: ${e.message ?? 'error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  call(method, args = [], transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args }, transfer);
    });
  }
}

// Calls that may run long go to the tasks worker: runTask, testSpectrum
// and any method whose name ends in 'Task'.
const isTaskMethod = (method) => method === 'testSpectrum' || method.endsWith('Task');
const TRACK_METHODS = new Set(['releaseTrack']);
const TRACK_MAKING_TASKS = new Set(['normalizeCopyTask']);

class WorkerEngine {
  static async start(reason, onPhase) {
    if (!moduleWorkersSupported()) {
      throw new EngineError('this browser cannot run the single-threaded engine: it lacks module ' +
        `workers (Firefox before 114, for one); threads are unavailable too: ${reason}`);
    }
    onPhase('loading-engine');
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    const sampleRate = ctx.sampleRate;
    const stream = new MessageChannel();
    const output = await createOutput(ctx, { mode: 'messages' });
    output.node.port.postMessage({ stream: stream.port1 }, [stream.port1]);
    const audio = new WorkerClient('wavepool audio');
    const tasks = new WorkerClient('wavepool tasks');
    await Promise.all([
      audio.call('init', [{ role: 'audio', sampleRate, targetFrames: ST_TARGET_FRAMES, port: stream.port2 }],
        [stream.port2]),
      tasks.call('init', [{ role: 'tasks' }]),
    ]);
    return new WorkerEngine(output, audio, tasks, reason);
  }

  constructor(output, audio, tasks, reason) {
    Object.assign(this, output);
    this.audio = audio;
    this.tasks = tasks;
    this.mode = 'single-threaded';
    this.reason = reason;
    this.requestedWorkers = 0;
    this.workers = 0;
    this.nextTrackId = 1;
    this.latest = null;
    audio.onStatus = (m) => { this.latest = m; };
  }

  // Track ids are chosen here so both workers name a track alike. A new
  // track goes to the tasks worker first (moved, not copied); the audio
  // worker gets that worker's copy, so the page never copies audio.
  async call(method, ...args) {
    if (method === 'createTrack' || method === 'renderDemo') {
      const id = this.nextTrackId++;
      if (method === 'createTrack') {
        const [channels, rate, info = {}] = args;
        await this.tasks.call('createTrack', [channels, rate, info, id], channels.map((c) => c.buffer));
      } else {
        await this.tasks.call('renderDemo', [args[0], id]);
      }
      await this.mirrorToAudio(id);
      return id;
    }
    // Tasks that make a new track (the tools panel's normalized copy): the
    // id is chosen here and passed after the caller's arguments, then the
    // track is mirrored into the audio worker like createTrack's.
    if (TRACK_MAKING_TASKS.has(method)) {
      const id = this.nextTrackId++;
      const result = await this.tasks.call(method, [...args, id]);
      await this.mirrorToAudio(id);
      return result;
    }
    if (TRACK_METHODS.has(method))
      return (await Promise.all([this.audio.call(method, args), this.tasks.call(method, args)]))[0];
    return (isTaskMethod(method) ? this.tasks : this.audio).call(method, args);
  }

  // The audio worker gets the tasks worker's copy of track `id` (moved).
  async mirrorToAudio(id) {
    const info = await this.tasks.call('trackInfo', [id]);
    const copies = await this.tasks.call('trackChannels', [id]);
    await this.audio.call('createTrack', [copies, info.sampleRate, info, id], copies.map((c) => c.buffer));
  }

  // Tasks run to completion in the tasks worker (the single-threaded
  // module runs them inline), so progress jumps from 0 to 1.
  async runTask(kind, trackId, opts, onProgress) {
    onProgress?.(0);
    const result = await this.tasks.call('runTask', [kind, trackId, opts]);
    onProgress?.(1);
    if (kind === 'spectrogram') result.release = () => {}; // moved here: the page's own memory
    return result;
  }

  playerStatus() { return this.latest?.status ?? null; }
  snapshot() {
    const s = this.latest?.snapshot ?? null;
    if (s && this.latest.consumed) s.fresh = false;
    if (this.latest) this.latest.consumed = true;
    return s;
  }
}

// ---- Start -------------------------------------------------------------

export async function startEngine(onPhase = () => {}) {
  const missing = missingFeature();
  if (missing) throw new EngineError(missing);
  let reason = threadBlocker();
  if (!reason) {
    try {
      return await ThreadedEngine.start(onPhase);
    } catch (e) {
      console.error('wavepool: multithreaded engine failed, falling back:', e);
      reason = `multithreaded engine failed to start (${e?.message ?? e})`;
    }
  }
  return WorkerEngine.start(reason, onPhase);
}

export { EngineError, WP_OK };
