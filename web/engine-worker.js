// The single-threaded engine, off the main thread: a dedicated worker
// running the single-threaded module. The page starts two of them when it
// is not cross-origin isolated: 'audio' runs the player (producer and
// analysis) and streams chunks to the AudioWorklet over a MessagePort;
// 'tasks' runs the offline tasks, so a long task never starves playback.
// Each holds its own copy of the tracks (ids chosen by the page).
//
// Messages from the page: {id, method, args} -> {id, result} | {id, error};
// the audio worker also posts {type: 'status', status, snapshot} about 30
// times a second.

import createWavepool from './engine/wavepool-st.mjs';
import { EngineCore } from './engine-core.js';

const CHUNK_FRAMES = 512;    // frames per message to the audio thread
const CHUNKS_IN_FLIGHT = 6;  // latency of the message path: 6 x 512 frames
const STATUS_INTERVAL_MS = 33;

let core = null;
let stream = null;           // MessagePort to the AudioWorklet
let played = 0;              // the audio thread's frame counter (mod 2^32)
let underruns = 0;
let scratchPtr = 0;

function sendChunk(chunk) {
  core.produce();
  const frames = core.ringRead(chunk, scratchPtr);
  // produce() keeps at least a chunk ready (target >= CHUNK_FRAMES); a
  // short read would only come from a bug: send what there is, zero-filled.
  chunk.fill(0, frames * 2);
  stream.postMessage(chunk, [chunk.buffer]);
}

function publishStatus() {
  core.analyze(played);
  const status = core.playerStatus(played);
  status.underruns = underruns;
  status.ringFrames += CHUNKS_IN_FLIGHT * CHUNK_FRAMES;
  status.memoryBytes = core.memoryBytes();
  const snapshot = core.snapshot();
  postMessage({ type: 'status', status, snapshot }, snapshot ? [snapshot.db.buffer] : []);
}

const methods = {
  async init({ role, sampleRate, targetFrames, port }) {
    const Module = await createWavepool({});
    core = new EngineCore(Module, () => new Promise((r) => setTimeout(r, 4)));
    core.startPool(0);
    if (role !== 'audio') return {};
    core.createPlayer(sampleRate, Math.max(targetFrames, CHUNK_FRAMES));
    scratchPtr = core.alloc(CHUNK_FRAMES * 2 * 4);
    stream = port;
    stream.onmessage = (e) => {
      played = e.data.played;
      underruns = e.data.underruns;
      sendChunk(e.data.chunk);
    };
    for (let i = 0; i < CHUNKS_IN_FLIGHT; i++) sendChunk(new Float32Array(CHUNK_FRAMES * 2));
    setInterval(publishStatus, STATUS_INTERVAL_MS);
    return { memoryBytes: core.memoryBytes() };
  },
};

// Every public EngineCore method is callable by name.
for (const name of Object.getOwnPropertyNames(EngineCore.prototype)) {
  if (name !== 'constructor' && !Object.prototype.hasOwnProperty.call(methods, name)) methods[name] = (...args) => core[name](...args);
}

// The buffers of typed arrays in a result (two levels deep): moved, not copied.
function transferables(result, found = new Set(), depth = 0) {
  if (ArrayBuffer.isView(result)) found.add(result.buffer);
  else if (result && typeof result === 'object' && depth < 2)
    for (const v of Object.values(result)) transferables(v, found, depth + 1);
  return [...found];
}

onmessage = async (e) => {
  const { id, method, args } = e.data;
  try {
    if (!Object.prototype.hasOwnProperty.call(methods, method)) throw new Error(`unknown method ${method}`);
    const result = await methods[method](...(args ?? []));
    postMessage({ id, result }, transferables(result));
  } catch (err) {
    postMessage({ id, error: err?.message ?? String(err) });
  }
};
