// The node builds of both wasm variants, driven through the same flat API
// the browser glue uses (web/bindings.c).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;
const PENDING = 1;

const variants = [
  { name: 'mt', path: `${root}build/wasm-mt/node/wavepool-mt.cjs`, workers: 3 },
  { name: 'st', path: `${root}build/wasm-st/node/wavepool-st.cjs`, workers: 0 },
];

// Pool threads are Web Workers that keep node alive; end them when done.
const modules = [];
after(() => modules.forEach((M) => M.PThread?.terminateAllThreads()));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(predicate, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

for (const v of variants) {
  test(`wasm-${v.name}: pool starts and an FFT job computes a correct spectrum`, async () => {
    assert.ok(existsSync(v.path), `${v.path} missing: build with make wasm-${v.name}`);
    const M = await require(v.path)({ wavepoolThreads: v.workers + 1 });
    modules.push(M);
    assert.equal(M._wpb_threaded(), v.workers > 0 ? 1 : 0);
    assert.equal(M._wpb_pool_start(v.workers), 0);
    await waitFor(() => M._wpb_workers_running() === v.workers, 'workers');
    assert.equal(M._wpb_workers_requested(), v.workers);

    const n = 2048, rate = 48000, bin = 100, amp = 0.25;
    const x = M._malloc(n * 4), out = M._malloc((n / 2 + 1) * 4), st = M._malloc(4);
    const samples = new Float32Array(M.HEAPF32.buffer, x, n);
    for (let t = 0; t < n; t++) samples[t] = amp * Math.cos((2 * Math.PI * bin * t) / n);
    const job = M._wpb_spectrum_submit(x, n, 1 /* hann */, -140, out, st);
    assert.notEqual(job, 0);
    await waitFor(() => M._wpb_job_poll(job) !== PENDING, 'job');
    assert.equal(M._wpb_job_poll(job), 0);
    assert.equal(M._wpb_job_progress(job), 1);
    assert.equal(M._wpb_job_ran_off_main_thread(job), v.workers > 0 ? 1 : 0);
    const db = new Float32Array(M.HEAPF32.buffer, out, n / 2 + 1);
    const peak = db.indexOf(Math.max(...db));
    assert.equal(peak, bin, `peak at bin ${peak} (${(peak * rate) / n} Hz)`);
    assert.ok(Math.abs(db[bin] - 20 * Math.log10(amp)) < 0.01, `level ${db[bin]} dB`);
    // Hann leaks into the two neighbours only (-6 dB), nothing beyond.
    assert.ok(Math.abs(db[bin + 1] - (20 * Math.log10(amp) - 6.0206)) < 0.01);
    assert.ok(db[bin + 5] < -120, `far bin ${db[bin + 5]} dB`);
    assert.equal(M._wpb_job_release(job), 0);

    // A size the FFT cannot do fails the job with a clear status.
    const bad = M._wpb_spectrum_submit(x, 100, 1, -140, out, st);
    await waitFor(() => M._wpb_job_poll(bad) !== PENDING, 'bad job');
    const status = M._wpb_job_poll(bad);
    assert.equal(M.UTF8ToString(M._wpb_strerror(status)), 'unsupported size');
    assert.equal(M._wpb_job_release(bad), 0);
    // Invalid arguments are refused at submit, with the status written back.
    assert.equal(M._wpb_spectrum_submit(x, n, 99, -140, out, st), 0);
    assert.equal(M.HEAP32[st >> 2], -1);
    M._free(x); M._free(out); M._free(st);
  });
}
