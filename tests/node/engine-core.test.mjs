// web/engine-core.js (the JavaScript every page mode runs the engine
// through) over the node builds of both wasm variants: tracks, the player
// stream, tasks, and the same results from the threaded and the
// single-threaded module.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { EngineCore, EngineError } from '../../web/engine-core.js';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;
const RATE = 48000;
const WORKERS = 2;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const modules = [];
after(() => modules.forEach((M) => M.PThread?.terminateAllThreads()));

async function load(variant) {
  const threaded = variant === 'mt';
  // Pool workers + the player's two threads + a spare (as the page does).
  const M = await require(`${root}build/wasm-${variant}/node/wavepool-${variant}.cjs`)(
    { wavepoolThreads: WORKERS + 3 });
  modules.push(M);
  const core = new EngineCore(M, () => sleep(2));
  core.startPool(threaded ? WORKERS : 0);
  const end = Date.now() + 5000;
  while (core.workersRunning() < (threaded ? WORKERS : 0)) {
    if (Date.now() > end) throw new Error('pool did not start');
    await sleep(5);
  }
  return core;
}

const [mt, st] = await Promise.all([load('mt'), load('st')]);

function sine(frames, hz, amp) {
  const x = new Float32Array(frames);
  for (let i = 0; i < frames; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / RATE);
  return x;
}

test('the demo renders bit-identically on 2 workers and inline', async () => {
  const [a, b] = await Promise.all([mt.renderDemo(RATE), st.renderDemo(RATE)]);
  const ca = await mt.trackChannels(a);
  const cb = await st.trackChannels(b);
  assert.equal(ca.length, 2);
  assert.ok(ca[0].length > RATE * 10, `demo of ${ca[0].length} frames`);
  for (let c = 0; c < 2; c++) assert.deepEqual(Buffer.from(ca[c].buffer), Buffer.from(cb[c].buffer));
  const info = mt.trackInfo(a);
  assert.match(info.title, /\S/);
  mt.releaseTrack(a);
  st.releaseTrack(b);
});

test('spectrogram and analysis agree between the threaded and single-threaded engine', async () => {
  const ch = [sine(RATE * 3, 1000, 0.5), sine(RATE * 3, 250, 0.25)];
  const a = await mt.createTrack(ch, RATE);
  const b = await st.createTrack(ch, RATE);
  const opts = { fftSize: 1024, hop: 256 };
  const [sa, sb] = await Promise.all([mt.runTask('spectrogram', a, opts), st.runTask('spectrogram', b, opts)]);
  assert.equal(sa.bins, 513);
  assert.equal(sa.rows, Math.ceil((RATE * 3) / 256));
  assert.equal(sa.chunks.length, sb.chunks.length);
  assert.equal(sa.chunks.reduce((n, c) => n + c.length, 0), sa.rows * sa.bins);
  const bytes = (c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  sa.chunks.forEach((c, i) => assert.ok(bytes(c).equals(bytes(sb.chunks[i])), `chunk ${i} differs`));
  // Threaded: views of the engine's memory, freed by release().
  assert.ok(sa.chunks[0].buffer instanceof SharedArrayBuffer);
  sa.release();
  const [ra, rb] = await Promise.all([mt.runTask('analyze', a), st.runTask('analyze', b)]);
  assert.ok(Math.abs(ra.integratedLufs - rb.integratedLufs) < 1e-6);
  assert.ok(Math.abs(ra.samplePeakDbfs - 20 * Math.log10(0.5)) < 0.01, `peak ${ra.samplePeakDbfs}`);
  assert.equal(ra.channels, 2);
  mt.releaseTrack(a);
  st.releaseTrack(b);
});

test('normalize reaches its loudness target and reports before/after', async () => {
  const id = await st.createTrack([sine(RATE * 4, 440, 0.05)], RATE);
  const r = await st.runTask('normalize', id, { mode: 'loudness', target: -16, ceiling: -1 });
  assert.ok(Math.abs(r.after - -16) < 0.1, `after ${r.after} LUFS`);
  assert.ok(r.before < -25, `before ${r.before} LUFS`);
  const check = await st.runTask('analyze', id);
  assert.ok(Math.abs(check.integratedLufs - -16) < 0.1, `measured ${check.integratedLufs}`);
  st.releaseTrack(id);
});

test('bad input is refused with a readable error and nothing is lost', async () => {
  await assert.rejects(st.createTrack([], RATE), EngineError);
  await assert.rejects(st.createTrack([new Float32Array(0)], RATE), /no samples/);
  await assert.rejects(st.createTrack(new Array(9).fill(new Float32Array(4)), RATE), /1 to 8/);
  // Only the length is looked at before refusing: no need for 4 GiB here.
  await assert.rejects(st.createTrack([{ length: 2 ** 30 }], RATE), /at most 3 GiB/);
  const nan = new Float32Array(RATE);
  nan[100] = NaN;
  const id = await st.createTrack([nan], RATE);
  await assert.rejects(st.runTask('analyze', id), /not finite|NaN|Inf/i);
  await assert.rejects(st.runTask('bogus', id), /unknown task/);
  st.releaseTrack(id);
});

// The single-threaded host's way to play: produce, then read the ring.
test('player stream (single-threaded host): the track comes out of the ring', async () => {
  st.createPlayer(RATE, 1024);
  const frames = RATE;
  // Every frame has its own value, so the stream tells which frame it plays.
  const ramp = new Float32Array(frames);
  for (let i = 0; i < frames; i++) ramp[i] = i / (2 * frames);
  const id = await st.createTrack([ramp], RATE);
  st.setParam('limiter.on', 0);
  st.setTrack(id);
  st.releaseTrack(id); // the player keeps it while it plays
  st.play();
  const scratch = st.alloc(512 * 2 * 4);
  const out = new Float32Array(512 * 2);
  const left = [];
  const right = [];
  for (let i = 0; i < 40; i++) {
    st.produce();
    const n = st.ringRead(out, scratch);
    for (let k = 0; k < n; k++) {
      left.push(out[2 * k]);
      right.push(out[2 * k + 1]);
    }
  }
  // After the 5 ms fade-in the stream is the track on both channels,
  // delayed by the chain's latency (a neutral chain is a pure delay).
  const latency = 2000 - Math.round(left[2000] * 2 * frames);
  assert.ok(latency >= 0 && latency < 512, `latency ${latency}`);
  let worst = 0;
  for (let k = 1000; k < 15000; k++)
    worst = Math.max(worst, Math.abs(left[k] - ramp[k - latency]), Math.abs(right[k] - ramp[k - latency]));
  assert.ok(worst < 1e-5, `stream differs from the track by ${worst}`);
  const s = st.playerStatus(left.length);
  assert.equal(s.playing, true);
  assert.ok(s.position > 0.25 && s.position < 0.5, `position ${s.position}`);
  assert.throws(() => st.seek(-1), /range/i);
  assert.throws(() => st.setParam('volume', 99), /range/i);
  assert.throws(() => st.setParam('no.such', 1), EngineError);
});

test('player threads (threaded host): producer keeps the ring filled, analysis publishes snapshots', async () => {
  mt.createPlayer(RATE, 480);
  mt.startPlayerThreads(5);
  const end = Date.now() + 5000;
  while (!mt.playerThreadsRunning()) {
    if (Date.now() > end) throw new Error('player threads did not start');
    await sleep(5);
  }
  const id = await mt.createTrack([sine(RATE * 2, 1500, 0.5)], RATE);
  mt.setTrack(id);
  mt.releaseTrack(id);
  mt.play();
  const scratch = mt.alloc(128 * 2 * 4);
  const out = new Float32Array(256);
  // Half a second of the 2 s track, as fast as the producer refills.
  let read = 0;
  for (let i = 0; i < 2000 && read < RATE / 2; i++) {
    await sleep(1);
    while (mt.ringReadable() >= 128 && read < RATE / 2) read += mt.ringRead(out, scratch);
  }
  assert.ok(read >= RATE / 2 && read < RATE / 2 + 128, `read ${read}`);
  const s = mt.playerStatus();
  // Behind the frames read by the silence written before the track was
  // set (at most the 480-frame target and a block) and the chain's latency
  // (196 frames: limiter look-ahead and the distortion's filters).
  const behind = read - s.position * RATE;
  assert.ok(behind >= 196 && behind <= 196 + 480 + 128, `position ${s.position} after ${read} frames`);
  assert.equal(s.framesPlayed, read);
  // Snapshots from before the sine reached the consumer hold silence:
  // wait for one of the frames just read.
  let snap = null;
  for (let i = 0; i < 200 && !(snap && Math.max(...snap.db) > -40); i++) {
    await sleep(5);
    snap = mt.snapshot() ?? snap;
  }
  assert.ok(snap, "a snapshot arrived");
  // The window's RMS; the peak covers only frames played since the
  // previous snapshot (none, once reading stopped).
  for (const rms of snap.meters.rms) assert.ok(Math.abs(rms - 0.5 / Math.SQRT2) < 1e-3, `rms ${rms}`);
  const binHz = RATE / ((snap.db.length - 1) * 2);
  const peak = snap.db.indexOf(Math.max(...snap.db));
  assert.ok(Math.abs(peak * binHz - 1500) <= binHz, `peak at ${peak * binHz} Hz`);
});
