// Thin JavaScript over one instance of the engine module (web/bindings.c):
// tracks, the player, offline tasks. The page uses it directly on the main
// thread with the threaded module; the single-threaded engine worker
// (engine-worker.js) uses it with the single-threaded module. Every call
// returns at once: tasks are polled, never waited for.

export const WP_OK = 0;
export const WP_PENDING = 1;
export const MAX_WORKERS = 16; // WP_POOL_MAX_WORKERS
export const MAX_TRACK_CHANNELS = 8; // WP_JOBS_MAX_CHANNELS
// wasm32 addresses 4 GiB; the engine's own memory, the page's copy of the
// decoded audio and growth headroom leave about 3 GiB for tracks.
export const MAX_TRACK_BYTES = 3 * 1024 ** 3;

const STATUS_FIELDS = ['playing', 'ended', 'source', 'position', 'duration', 'loopEnabled', 'loopStart',
  'loopEnd', 'framesPlayed', 'underruns', 'ringFrames', 'targetFrames', 'dspLoad', 'blocksProduced'];
const STATUS_VALUES = 20;
const TASK_VALUES = 24;
const NORMALIZE_FIELDS = ['before', 'after', 'truePeakBefore', 'truePeakAfter', 'gainDb', 'limited',
  'capped', 'silent'];
const ANALYZE_FIELDS = ['integratedLufs', 'loudnessRangeLu', 'truePeakDbtp', 'samplePeakDbfs', 'channels',
  'sampleRate', 'duration', 'rmsLeftDbfs', 'rmsRightDbfs', 'truePeakLeftDbtp', 'truePeakRightDbtp'];
export const NORMALIZE_MODES = Object.freeze({ peak: 0, rms: 1, loudness: 2 });
export const SOURCES = Object.freeze(['track', 'generator']);

// Copies between JavaScript and wasm memory go in slices of 1 MiB, with a
// poll delay whenever a run of them took longer than the budget.
const COPY_SLICE = 1 << 18;
const COPY_BUDGET_MS = 4;
// A spectrogram result comes in chunks of whole rows of about 8 MiB.
const SPECTROGRAM_CHUNK_FLOATS = 1 << 21;
const DEMO_SLICE_FRAMES = 16384;

export class EngineError extends Error {}

export class EngineCore {
  constructor(Module, pollDelay) {
    this.M = Module;
    this.pollDelay = pollDelay; // resolves when it is time to poll again
    this.player = 0;
    this.ring = 0;
    this.bins = 0;
    this.tracks = new Map(); // id -> {ptr, frames, channels, sampleRate, refs}
    this.nextTrackId = 1;
    this.retired = [];       // tracks and generators waiting for the producer to let go
    this.gen = 0;
    // Scratch in wasm memory for results read every frame.
    this.statusPtr = this.alloc(STATUS_VALUES * 8);
    this.valuesPtr = this.alloc(TASK_VALUES * 8);
    this.intPtr = this.alloc(8);
    this.metersPtr = this.alloc(8 * 4);
  }

  // ---- memory ----

  // Views are taken fresh: memory may have grown (also from a worker).
  f32() { return new Float32Array(this.M.wasmMemory?.buffer ?? this.M.HEAPF32.buffer); }
  f64() { return new Float64Array(this.M.wasmMemory?.buffer ?? this.M.HEAPF64.buffer); }
  i32() { return new Int32Array(this.M.wasmMemory?.buffer ?? this.M.HEAP32.buffer); }
  memoryBytes() { return this.M._wpb_memory_bytes(); }

  alloc(bytes) {
    const ptr = this.M._malloc(bytes);
    if (!ptr) throw new EngineError(`out of wasm memory (allocating ${bytes} bytes)`);
    return ptr;
  }

  strerror(status) { return this.M.UTF8ToString(this.M._wpb_strerror(status)); }

  check(status, what) {
    if (status < 0) throw new EngineError(`${what}: ${this.strerror(status)}`);
    return status;
  }

  withString(text, fn) {
    const size = this.M.lengthBytesUTF8(text) + 1;
    const ptr = this.alloc(size);
    try {
      this.M.stringToUTF8(text, ptr, size);
      return fn(ptr);
    } finally {
      this.M._free(ptr);
    }
  }

  outStatus() { return this.i32()[this.intPtr >> 2]; }

  // ---- pool ----

  startPool(workers) { return this.check(this.M._wpb_pool_start(workers), 'starting the worker pool'); }
  workersRunning() { return this.M._wpb_workers_running(); }

  async poll(handle, pollFn, progressFn, onProgress, signal, cancelFn) {
    let st;
    let cancelled = false;
    while ((st = pollFn(handle)) === WP_PENDING) {
      if (signal?.aborted && !cancelled) {
        cancelFn?.(handle);
        cancelled = true;
      }
      if (onProgress && progressFn) onProgress(progressFn(handle));
      await this.pollDelay();
    }
    return st;
  }

  // ---- tracks ----

  // channels: Float32Array per channel (1..8), all the same length.
  // `id` 0 picks the next free id (a host mirroring tracks passes its own).
  // The copy into wasm memory goes in slices with a poll delay between, so
  // a long track never holds up this thread's other work (drawing, or the
  // audio worker's stream).
  async createTrack(channels, sampleRate, info = {}, id = 0) {
    const frames = channels[0]?.length ?? 0;
    if (channels.length < 1 || channels.length > MAX_TRACK_CHANNELS)
      throw new EngineError(`${channels.length} channels: the engine takes 1 to ${MAX_TRACK_CHANNELS}`);
    if (frames < 1) throw new EngineError('the audio holds no samples');
    const bytes = frames * channels.length * 4;
    if (bytes > MAX_TRACK_BYTES) {
      throw new EngineError(`the track needs ${(bytes / 1024 ** 3).toFixed(2)} GiB as 32-bit float; ` +
        `the engine holds at most ${MAX_TRACK_BYTES / 1024 ** 3} GiB (wasm32 memory is 4 GiB)`);
    }
    const ptr = this.M._wpb_track_create(channels.length, frames, sampleRate, this.intPtr);
    if (!ptr) this.check(this.outStatus(), `allocating a track of ${(bytes / 1024 ** 2).toFixed(0)} MiB`);
    let since = performance.now();
    for (let c = 0; c < channels.length; c++) {
      const base = this.M._wpb_track_channel(ptr, c) >> 2;
      for (let i = 0; i < frames; i += COPY_SLICE) {
        this.f32().set(channels[c].subarray(i, i + COPY_SLICE), base + i);
        if (performance.now() - since > COPY_BUDGET_MS) {
          await this.pollDelay();
          since = performance.now();
        }
      }
    }
    return this.addTrack(ptr, frames, channels.length, sampleRate, info, id);
  }

  // Copies `count` floats out of wasm memory, in slices like createTrack.
  async copyOut(ptr, count) {
    const out = new Float32Array(count);
    let since = performance.now();
    for (let i = 0; i < count; i += COPY_SLICE) {
      out.set(this.f32().subarray((ptr >> 2) + i, (ptr >> 2) + Math.min(count, i + COPY_SLICE)), i);
      if (performance.now() - since > COPY_BUDGET_MS) {
        await this.pollDelay();
        since = performance.now();
      }
    }
    return out;
  }

  addTrack(ptr, frames, channels, sampleRate, info, id = 0) {
    if (!id) id = this.nextTrackId++;
    else this.nextTrackId = Math.max(this.nextTrackId, id + 1);
    this.tracks.set(id, { ptr, frames, channels, sampleRate, refs: 1, ...info });
    return id;
  }

  track(id) {
    const t = this.tracks.get(id);
    if (!t) throw new EngineError(`no track ${id}`);
    return t;
  }

  trackInfo(id) {
    const { frames, channels, sampleRate, name, title, format } = this.track(id);
    return { id, frames, channels, sampleRate, duration: frames / sampleRate, name, title, format };
  }

  // A copy of a track's channels (for the other engine instance, or export).
  async trackChannels(id) {
    const t = this.track(id);
    const out = [];
    for (let c = 0; c < t.channels; c++) out.push(await this.copyOut(this.M._wpb_track_channel(t.ptr, c), t.frames));
    return out;
  }

  releaseTrack(id) {
    const t = this.tracks.get(id);
    if (!t || --t.refs > 0) return;
    this.tracks.delete(id);
    this.retired.push({ kind: 'track', ptr: t.ptr });
    this.collect();
  }

  // Frees what the producer no longer reads.
  collect() {
    this.retired = this.retired.filter((r) => {
      const used = this.player && (r.kind === 'track'
        ? this.M._wpb_player_uses_track(this.player, r.ptr)
        : this.M._wpb_player_uses_generator(this.player, r.ptr));
      if (used) return true;
      if (r.kind === 'track') this.M._wpb_track_free(r.ptr);
      else this.M._wpb_gen_destroy(r.ptr);
      return false;
    });
  }

  // The demo piece: rendered on the pool in chunks, or (no pool workers)
  // here in slices with a poll delay between. Resolves with a track id.
  async renderDemo(sampleRate, id = 0) {
    const M = this.M;
    const frames = M._wpb_demo_frames(sampleRate);
    const ptr = M._wpb_track_create(2, frames, sampleRate, this.intPtr);
    if (!ptr) this.check(this.outStatus(), 'allocating the demo track');
    try {
      if (this.workersRunning() > 0) {
        const job = M._wpb_demo_submit(ptr, this.intPtr);
        if (!job) this.check(this.outStatus(), 'rendering the demo');
        const st = await this.poll(job, (j) => M._wpb_demo_poll(j));
        M._wpb_demo_release(job);
        this.check(st, 'rendering the demo');
      } else {
        for (let begin = 0; begin < frames; begin += DEMO_SLICE_FRAMES) {
          this.check(M._wpb_demo_render_range(ptr, begin, Math.min(DEMO_SLICE_FRAMES, frames - begin)),
            'rendering the demo');
          await this.pollDelay();
        }
      }
    } catch (e) {
      M._wpb_track_free(ptr);
      throw e;
    }
    const title = M.UTF8ToString(M._wpb_demo_title());
    return this.addTrack(ptr, frames, 2, sampleRate, { name: 'demo', title }, id);
  }

  // ---- player ----

  createPlayer(sampleRate, targetFrames) {
    this.player = this.M._wpb_player_create(sampleRate, targetFrames, this.intPtr);
    if (!this.player) this.check(this.outStatus(), 'creating the player');
    this.ring = this.M._wpb_player_ring(this.player);
    this.bins = this.M._wpb_player_spectrum_size(this.player) / 2 + 1;
    this.spectrumPtr = this.alloc(this.bins * 4);
    this.playerTrack = 0;
    return this.ring;
  }

  startPlayerThreads(intervalMs) {
    this.check(this.M._wpb_player_start_threads(this.player, intervalMs), 'starting the player threads');
  }
  playerThreadsRunning() { return this.M._wpb_player_threads_running(this.player) === 1; }

  setTrack(id) {
    const t = id ? this.track(id) : null;
    this.check(this.M._wpb_player_set_track(this.player, t ? t.ptr : 0), 'playing the track');
    if (t) t.refs++;
    if (this.playerTrack) this.releaseTrack(this.playerTrack);
    this.playerTrack = id || 0;
  }

  play() { this.M._wpb_player_play(this.player); }
  pause() { this.M._wpb_player_pause(this.player); }
  stop() { this.M._wpb_player_stop(this.player); }
  seek(seconds) { this.check(this.M._wpb_player_seek(this.player, seconds), `seeking to ${seconds} s`); }
  setLoop(enabled, start = 0, end = 0) {
    this.check(this.M._wpb_player_set_loop(this.player, enabled ? 1 : 0, start, end), 'setting the loop');
  }
  setTargetFrames(frames) {
    this.check(this.M._wpb_player_set_target_frames(this.player, frames), 'setting the latency');
  }
  setSource(name) {
    const source = SOURCES.indexOf(name);
    this.check(this.M._wpb_player_set_source(this.player, source), `choosing the source '${name}'`);
  }
  setParam(name, value) {
    this.withString(name, (p) => this.check(this.M._wpb_player_set_param(this.player, p, value),
      `setting ${name} to ${value}`));
  }
  getParam(name) { return this.withString(name, (p) => this.M._wpb_player_get_param(this.player, p)); }

  // A generator replaces the current one; the old one is freed once the
  // producer has let go of it.
  setGenerator({ type = 'sine', frequency = 1000, ...rest } = {}) {
    this.setGeneratorConfig({ type, frequency, ...rest });
  }
  setGeneratorFrequency(hz) {
    this.check(this.M._wpb_player_set_generator_frequency(this.player, hz), `generator frequency ${hz} Hz`);
  }
  setGeneratorLevel(dbfs) {
    this.check(this.M._wpb_player_set_generator_level(this.player, dbfs), `generator level ${dbfs} dBFS`);
  }

  // Single-threaded hosts drive the producer and the analysis themselves.
  produce() { return this.M._wpb_player_produce(this.player); }
  analyze(playedIndex) { return this.M._wpb_player_analyze(this.player, playedIndex >>> 0); }
  ringReadable() { return this.M._wpb_ring_readable(this.ring); }
  // Moves up to out.length / 2 frames from the ring into `out` (interleaved).
  ringRead(out, scratchPtr) {
    const frames = this.M._wpb_ring_read(this.ring, scratchPtr, out.length / 2);
    out.set(this.f32().subarray(scratchPtr >> 2, (scratchPtr >> 2) + frames * 2));
    return frames;
  }

  // playedIndex: the audio thread's frame counter, when it is not the ring's reader.
  playerStatus(playedIndex = -1) {
    this.collect();
    this.M._wpb_player_status(this.player, playedIndex, this.statusPtr);
    const v = this.f64().subarray(this.statusPtr >> 3, (this.statusPtr >> 3) + STATUS_VALUES);
    const s = {};
    STATUS_FIELDS.forEach((k, i) => { s[k] = v[i]; });
    s.playing = s.playing === 1;
    s.ended = s.ended === 1;
    s.loopEnabled = s.loopEnabled === 1;
    s.source = SOURCES[s.source];
    return s;
  }

  // The newest analysis snapshot, or null before the first: copies.
  snapshot() {
    const fresh = this.M._wpb_player_snapshot(this.player, this.spectrumPtr, this.bins, this.metersPtr);
    if (fresh < 0) return null;
    const f = this.f32();
    const m = f.subarray(this.metersPtr >> 2, (this.metersPtr >> 2) + 5);
    return {
      fresh: fresh === 1,
      db: f.slice(this.spectrumPtr >> 2, (this.spectrumPtr >> 2) + this.bins),
      meters: { peak: [m[0], m[1]], rms: [m[2], m[3]], clipped: m[4] !== 0 },
    };
  }

  // ---- the test-signal spectrum (one FFT job of samples given by the page) ----

  async testSpectrum(samples, windowName, floorDb) {
    const M = this.M;
    const n = samples.length;
    const bins = n / 2 + 1;
    const windowId = this.withString(windowName, (p) => M._wpb_window_from_name(p));
    if (windowId < 0) throw new EngineError(`the engine does not know the window '${windowName}'`);
    const inPtr = this.alloc(n * 4);
    const outPtr = this.alloc(bins * 4);
    let job = 0;
    try {
      this.f32().set(samples, inPtr >> 2);
      job = M._wpb_spectrum_submit(inPtr, n, windowId, floorDb, outPtr, this.intPtr);
      if (!job) this.check(this.outStatus(), 'spectrum job was refused');
      const st = await this.poll(job, (j) => M._wpb_job_poll(j));
      this.check(st, 'spectrum job failed');
      const db = this.f32().slice(outPtr >> 2, (outPtr >> 2) + bins);
      // The single-threaded module runs it inline: off the main thread only
      // when this instance lives in a worker.
      const ranOffMainThread = M._wpb_job_ran_off_main_thread(job) === 1 || typeof window === 'undefined';
      return { db, windowId, ranOffMainThread };
    } finally {
      // A job still running when polling threw is cancelled by release and
      // may still write our buffers: leak them rather than free them early.
      if (!job || M._wpb_job_release(job) === WP_OK) {
        M._free(inPtr);
        M._free(outPtr);
      }
    }
  }

  // ---- parameters (ui/eq.js, ui/effects.js) ----

  // The chain's parameter table: [{index, name, unit, min, max, def, kind
  // ('continuous' | 'integer' | 'switch'), choices (string[] or null)}].
  paramTable() {
    if (!this.params) {
      const ptr = this.M._wpb_params_json();
      if (!ptr) throw new EngineError('reading the parameter table: out of wasm memory');
      this.params = JSON.parse(this.M.UTF8ToString(ptr));
    }
    return this.params;
  }

  // Sets many parameters ({name: value}); a refused value does not stop
  // the others. Returns the refusals as [{name, message}].
  setParams(values) {
    const failed = [];
    for (const [name, value] of Object.entries(values)) {
      try {
        this.setParam(name, value);
      } catch (e) {
        failed.push({ name, message: e.message });
      }
    }
    return failed;
  }

  // The current values of `names`, as {name: value}.
  getParams(names) {
    return Object.fromEntries(names.map((name) => [name, this.getParam(name)]));
  }

  // The EQ's combined response (dB) at `freqs` (Hz, below half the rate)
  // for the player chain's current settings (0 dB while eq.on is 0).
  eqResponseDb(freqs) {
    const n = freqs.length;
    if (this.eqScratchCount !== n) {
      if (this.eqScratch) this.M._free(this.eqScratch);
      this.eqScratch = this.alloc(n * 16);
      this.eqScratchCount = n;
    }
    const inPtr = this.eqScratch;
    const outPtr = inPtr + n * 8;
    this.f64().set(freqs, inPtr >> 3);
    this.check(this.M._wpb_params_eq_response_db(this.player, inPtr, n, outPtr), 'computing the EQ response');
    return this.f64().slice(outPtr >> 3, (outPtr >> 3) + n);
  }

  // ---- tools (ui/tools.js) ----

  // A new track holding a copy of `trackId`'s samples (no DSP: a copy).
  copyTrack(trackId, info = {}, id = 0) {
    const t = this.track(trackId);
    const ptr = this.M._wpb_track_copy(t.ptr, this.intPtr);
    if (!ptr) this.check(this.outStatus(), 'copying the track');
    const { name, title, format } = t;
    return this.addTrack(ptr, t.frames, t.channels, t.sampleRate, { name, title, format, ...info }, id);
  }

  // Normalizes a copy of the track on the pool and measures the result:
  // resolves {trackId, report, before, after} (the analysis of the copy
  // before and after, LUFS or dBFS by mode). `id` names the new track (the
  // fallback's page picks it, see WorkerEngine); hooks {onProgress, signal}
  // where functions can be passed (threaded page). On failure the copy is
  // released.
  async normalizeCopyTask(trackId, opts, id = 0, hooks = {}) {
    const { onProgress = null, signal = null } = hooks;
    const peak = opts.mode === 'peak';
    const src = this.track(trackId);
    const title = `${(src.title ?? src.name ?? 'track').replace(/ \(normalized\)$/, '')} (normalized)`;
    const newId = this.copyTrack(trackId, { title }, id);
    try {
      const stage = (from, to) => (onProgress ? (p) => onProgress(from + (to - from) * p) : null);
      const measure = (a) => (peak ? a.samplePeakDbfs : a.integratedLufs);
      const before = measure(await this.runTask('analyze', newId, {}, stage(0, 0.2), signal));
      const report = await this.runTask('normalize', newId, { mode: opts.mode, target: opts.target,
        ceiling: peak ? NaN : -1 }, stage(0.2, 0.85), signal);
      const after = measure(await this.runTask('analyze', newId, {}, stage(0.85, 1), signal));
      return { trackId: newId, report, before, after };
    } catch (e) {
      this.releaseTrack(newId);
      throw e;
    }
  }

  // The player's chain settings as plain numbers (read where the player is).
  chainSettings() {
    const n = this.M._wpb_chain_param_count();
    const k = this.M._wpb_chain_fx_count();
    const vPtr = this.alloc(n * 8);
    const oPtr = this.alloc(k * 4);
    try {
      this.M._wpb_chain_settings(this.player, vPtr, oPtr);
      return { values: Array.from(this.f64().subarray(vPtr >> 3, (vPtr >> 3) + n)),
        order: Array.from(this.i32().subarray(oPtr >> 2, (oPtr >> 2) + k)) };
    } finally {
      this.M._free(vPtr);
      this.M._free(oPtr);
    }
  }

  // Renders the track through a chain with `settings` (chainSettings()) on
  // the pool, tail seconds after its end, and encodes a WAV (format:
  // 0 16-bit PCM, 1 24-bit PCM, 2 32-bit float; PCM dithered). Resolves
  // with the file's bytes (a Uint8Array).
  async exportWavTask(trackId, settings, { format = 0, tailSeconds = 2, seed = 1 } = {}, hooks = {}) {
    const { onProgress = null, signal = null } = hooks;
    const M = this.M;
    const t = this.track(trackId);
    t.refs++;
    const vPtr = this.alloc(settings.values.length * 8);
    const oPtr = this.alloc(settings.order.length * 4);
    let task = 0;
    try {
      this.f64().set(settings.values, vPtr >> 3);
      this.i32().set(settings.order, oPtr >> 2);
      task = M._wpb_render_submit(t.ptr, vPtr, oPtr, Math.round(tailSeconds * t.sampleRate), this.intPtr);
      if (!task) this.check(this.outStatus(), 'export was refused');
      const st = await this.poll(task, (h) => M._wpb_render_poll(h), (h) => M._wpb_render_progress(h),
        onProgress, signal, (h) => M._wpb_render_cancel(h));
      this.check(st, 'export');
      this.check(M._wpb_render_encode(task, format, seed), 'encoding the WAV');
      const bytes = M._wpb_render_wav_bytes(task);
      const out = new Uint8Array(bytes);
      const base = M._wpb_render_wav(task);
      const heap = () => new Uint8Array(this.f32().buffer);
      for (let i = 0; i < bytes; i += 4 * COPY_SLICE) {
        out.set(heap().subarray(base + i, base + Math.min(bytes, i + 4 * COPY_SLICE)), i);
        await this.pollDelay();
      }
      return out;
    } finally {
      M._free(vPtr);
      M._free(oPtr);
      if (task && M._wpb_render_release(task) === WP_PENDING) {
        await this.poll(task, (h) => M._wpb_render_poll(h));
        M._wpb_render_release(task);
      }
      this.releaseTrack(trackId);
    }
  }

  generatorTypes() {
    const types = [];
    for (let i = 0; i < this.M._wpb_gen_type_count(); i++) types.push(this.M.UTF8ToString(this.M._wpb_gen_type_name(i)));
    return types;
  }

  // Calls fn(typePtr, ...numbers, tonesPtr, toneCount) with a generator
  // configuration {type, frequency, frequencyEnd, level, sweepSeconds, duty,
  // seed, interval, tones}; 0 / missing fields keep the engine's defaults.
  withGeneratorConfig(c, fn) {
    const tones = c.tones ?? [];
    const tPtr = this.alloc(Math.max(1, tones.length) * 8);
    try {
      this.f64().set(tones, tPtr >> 3);
      return this.withString(c.type ?? 'sine', (p) => fn(p, c.frequency ?? 0, c.frequencyEnd ?? 0, c.level ?? -20,
        c.sweepSeconds ?? 0, c.duty ?? 0, c.seed ?? 1, c.interval ?? -1, tPtr, tones.length));
    } finally {
      this.M._free(tPtr);
    }
  }

  // Every field of the configuration (setGenerator is this with a 1 kHz
  // sine by default).
  setGeneratorConfig(config) {
    const gen = this.withGeneratorConfig(config, (...a) => this.M._wpb_gen_create_config(this.player, ...a,
      this.intPtr));
    if (!gen) this.check(this.outStatus(), `creating a ${config.type} generator`);
    const st = this.M._wpb_player_set_generator(this.player, gen);
    if (st < 0) {
      this.M._wpb_gen_destroy(gen);
      this.check(st, 'playing the generator');
    }
    if (this.gen) this.retired.push({ kind: 'gen', ptr: this.gen });
    this.gen = gen;
  }

  // The first `frames` samples of a configuration at `sampleRate` (the
  // preview plot).
  generatorPreview(config, sampleRate, frames) {
    const out = this.alloc(frames * 4);
    try {
      this.check(this.withGeneratorConfig(config, (...a) => this.M._wpb_gen_preview(...a, sampleRate, out, frames)),
        `previewing the ${config.type} generator`);
      return this.f32().slice(out >> 2, (out >> 2) + frames);
    } finally {
      this.M._free(out);
    }
  }

  // ---- offline tasks ----

  // kind: 'spectrogram' | 'normalize' | 'analyze' | 'overview'. Resolves
  // with the result; rejects with EngineError (cancelled tasks too).
  async runTask(kind, trackId, opts = {}, onProgress = null, signal = null) {
    const t = this.track(trackId);
    t.refs++;
    const M = this.M;
    let task = 0;
    try {
      if (kind === 'spectrogram') {
        const { fftSize = 2048, hop = 512, window = 'hann', dbRange = 120 } = opts;
        const win = this.withString(window, (p) => M._wpb_window_from_name(p));
        if (win < 0) throw new EngineError(`unknown window '${window}'`);
        task = M._wpb_spectrogram_submit(t.ptr, fftSize, hop, win, dbRange, this.intPtr);
      } else if (kind === 'normalize') {
        const { mode = 'loudness', target = -14, ceiling = -1 } = opts;
        if (!(mode in NORMALIZE_MODES)) throw new EngineError(`unknown normalize mode '${mode}'`);
        task = M._wpb_normalize_submit(t.ptr, NORMALIZE_MODES[mode], target, ceiling ?? NaN, this.intPtr);
      } else if (kind === 'analyze') {
        task = M._wpb_analyze_submit(t.ptr, this.intPtr);
      } else if (kind === 'overview') {
        const { begin = 0, end = t.frames, columns = 1024 } = opts;
        task = M._wpb_overview_submit(t.ptr, begin, end, columns, this.intPtr);
      } else {
        throw new EngineError(`unknown task '${kind}'`);
      }
      if (!task) this.check(this.outStatus(), `${kind} was refused`);
      const st = await this.poll(task, (h) => M._wpb_task_poll(h), (h) => M._wpb_task_progress(h),
        onProgress, signal, (h) => M._wpb_task_cancel(h));
      this.check(st, kind);
      return await this.taskResult(kind, task, t, opts);
    } finally {
      // A task still running after an exception is cancelled by release and
      // keeps its memory until it stops: release again when it is final.
      if (task && M._wpb_task_release(task) === WP_PENDING) {
        await this.poll(task, (h) => M._wpb_task_poll(h));
        M._wpb_task_release(task);
      }
      this.releaseTrack(trackId);
    }
  }

  async taskResult(kind, task, t, opts) {
    const M = this.M;
    if (kind === 'spectrogram') {
      // A long track's spectrogram is hundreds of MB: handed over in
      // chunks of whole rows. With shared memory (threaded page) the chunks
      // are views of the engine's memory, no copy, valid until release();
      // otherwise copies (in a worker, then moved to the page).
      const bins = (opts.fftSize ?? 2048) / 2 + 1;
      const floats = M._wpb_task_data_floats(task);
      const rowsPerChunk = Math.max(1, Math.floor(SPECTROGRAM_CHUNK_FLOATS / bins));
      const shared = typeof SharedArrayBuffer === 'function' && M.wasmMemory?.buffer instanceof SharedArrayBuffer;
      const ptr = shared ? M._wpb_task_take_data(task) : M._wpb_task_data(task);
      const chunks = [];
      for (let at = 0; at < floats; at += rowsPerChunk * bins) {
        const n = Math.min(rowsPerChunk * bins, floats - at);
        chunks.push(shared ? new Float32Array(M.wasmMemory.buffer, ptr + at * 4, n) : await this.copyOut(ptr + at * 4, n));
      }
      const result = { bins, rows: floats / bins, rowsPerChunk, chunks };
      if (shared) result.release = () => M._free(ptr);
      return result;
    }
    if (kind === 'overview') {
      const data = await this.copyOut(M._wpb_task_data(task), M._wpb_task_data_floats(task));
      const row = data.length / 3;
      return { min: data.subarray(0, row), max: data.subarray(row, 2 * row), rms: data.subarray(2 * row),
        channels: t.channels };
    }
    M._wpb_task_values(task, this.valuesPtr);
    const v = this.f64().subarray(this.valuesPtr >> 3, (this.valuesPtr >> 3) + TASK_VALUES);
    const out = {};
    (kind === 'normalize' ? NORMALIZE_FIELDS : ANALYZE_FIELDS).forEach((k, i) => { out[k] = v[i]; });
    return out;
  }
}
