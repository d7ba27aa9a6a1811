// Browser benchmark: what a long task costs the page, in headless Chromium
// against the staged site (build/site), with the demo playing.
//
// The task: a spectrogram (fftSize 2048, hop 256, Hann) of a 10-minute
// stereo track generated in the page.
//  (a)  on the pool of the threaded page (window.wavepool.runTask), with
//       1 worker (?workers=1), and (a1) with 2 (?workers=2);
//  (a2) in the tasks worker of the fallback page (not isolated);
//  (b)  the same C work inline on the main thread: the single-threaded
//       module imported into the (threaded) page itself, a pool of 0
//       workers, _wpb_spectrogram_submit runs the job before it returns.
//       A deliberate bad example, to show what the pool saves.
// (0)  the same pages with no task, as a baseline.
// For each: task time (to the result as runTask returns it: views of the
// engine's memory threaded, moved from the worker in the fallback), animation-frame intervals p50/p99/max and the
// main thread's long tasks (> 50 ms) from start to result, and underruns.
// Then the pool's speed-up over one thread, and the time to interactive
// (navigation start -> status().ready) of both pages, median of 3 loads.
//
//   node bench/browser_bench.mjs      (make site first; scripts/bench.sh runs it)
//
// WP_BENCH_MINUTES shortens the track (default 10).
import os from 'node:os';
import {
  checkSite, intervalStats, launchBrowser, openPage, pageLoadTestTrack, pageMeasureSpectrogram,
  startServer, stopServer,
} from '../tests/e2e/harness.mjs';

const SECONDS = Math.round(Number(process.env.WP_BENCH_MINUTES ?? 10) * 60);
const FFT_SIZE = 2048;
const HOP = 256;
const TTI_LOADS = 3;
const BASELINE_MS = 3000;

// Records when window.wavepool first reports ready, in ms since
// navigation start (performance.now()'s origin), polled every 5 ms.
const READY_PROBE = () => {
  const id = setInterval(() => {
    if (window.wavepool?.status().ready) {
      window.__wavepoolReadyAt = performance.now();
      clearInterval(id);
    }
  }, 5);
};

// (b): the single-threaded module in the page, the job inline.
async function pageInlineSpectrogram({ seconds, fftSize, hop }) {
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const { default: createWavepool } = await import('./engine/wavepool-st.mjs');
  const M = await createWavepool({});
  const rate = window.wavepool.status().sampleRate;
  const frames = seconds * rate;
  const statusPtr = M._malloc(8);
  const check = (st, what) => {
    if (st < 0) throw new Error(`${what}: ${M.UTF8ToString(M._wpb_strerror(st))}`);
  };
  check(M._wpb_pool_start(0), 'pool of 0');
  const track = M._wpb_track_create(2, frames, rate, statusPtr);
  if (!track) check(M.HEAP32[statusPtr >> 2], 'track');
  // The same signal as pageLoadTestTrack, written straight into wasm memory.
  const amp = 10 ** (-12 / 20);
  const noise = 10 ** (-40 / 20) * Math.sqrt(3);
  let seed = 0x2545f491;
  const rnd = () => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 31 - 1;
  };
  const left = new Float32Array(M.HEAPF32.buffer, M._wpb_track_channel(track, 0), frames);
  const right = new Float32Array(M.HEAPF32.buffer, M._wpb_track_channel(track, 1), frames);
  const w = (2 * Math.PI * 1000) / rate;
  for (let i = 0; i < frames; i++) {
    const s = amp * Math.sin(w * (i % rate));
    left[i] = s + noise * rnd();
    right[i] = s + noise * rnd();
  }
  const name = M._malloc(8);
  M.stringToUTF8('hann', name, 8);
  const win = M._wpb_window_from_name(name);

  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ type: 'longtask', buffered: true });
  await wait(500);
  const before = window.wavepool.status();
  const times = [];
  let running = true;
  const onFrame = () => {
    times.push(performance.now());
    if (running) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  await wait(100); // a few frames before the job, as in (a)
  const t0 = performance.now();
  const task = M._wpb_spectrogram_submit(track, fftSize, hop, win, 120, statusPtr);
  const computed = performance.now();
  if (!task) check(M.HEAP32[statusPtr >> 2], 'spectrogram');
  const final = M._wpb_task_poll(task);
  // The copy of the result out of wasm memory, as runTask makes it.
  const floats = M._wpb_task_data_floats(task);
  const data = M.HEAPF32.slice(M._wpb_task_data(task) >> 2, (M._wpb_task_data(task) >> 2) + floats);
  const t1 = performance.now();
  const rows = data.length / (fftSize / 2 + 1);
  await wait(100); // the frame after the job
  running = false;
  await wait(200);
  observer.disconnect();
  const after = window.wavepool.status();
  const intervals = [];
  for (let i = 1; i < times.length; i++) {
    if (times[i] > t0) intervals.push(times[i] - times[i - 1]);
  }
  M._wpb_task_release(task);
  M._wpb_track_free(track);
  return {
    elapsedMs: t1 - t0, computeMs: computed - t0, final, rows, intervals,
    longTasks: longTasks.filter((e) => e.start < t1 + 100 && e.start + e.duration > t0),
    underruns: after.underruns - before.underruns,
  };
}

function cpuModel() {
  const cpus = os.cpus();
  return `${cpus[0]?.model?.trim() || 'unknown CPU'}, ${cpus.length} cores`;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  checkSite();
  const browser = await launchBrowser();
  const servers = {};
  try {
    for (const [mode, args] of [['threaded', []], ['fallback', ['--no-isolation']]]) {
      const { proc, ready } = startServer(args);
      servers[mode] = { proc, url: (await ready).url };
    }

    // Time to interactive: fresh loads, nothing else running.
    const tti = {};
    for (const mode of ['threaded', 'fallback']) {
      const times = [];
      for (let i = 0; i < TTI_LOADS; i++) {
        const { page } = await openPage(browser.context, servers[mode].url, { initScript: READY_PROBE });
        await page.waitForFunction(() => window.__wavepoolReadyAt !== undefined);
        times.push(await page.evaluate(() => window.__wavepoolReadyAt));
        await page.close();
      }
      tti[mode] = times;
    }

    const rows = [];
    let info = {};
    // The threaded page twice, with pools of 1 and 2 workers (?workers=N),
    // then the fallback page.
    for (const [mode, query] of [['threaded', '?workers=1'], ['threaded', '?workers=2'], ['fallback', '']]) {
      const pool2 = query === '?workers=2';
      const { page } = await openPage(browser.context, servers[mode].url + query);
      const s = await page.evaluate(() => window.wavepool.status());
      if (mode === 'threaded' && !pool2) {
        info = { workers: s.workers, cores: s.hardwareConcurrency, rate: s.sampleRate,
          ua: await page.evaluate(() => navigator.userAgent) };
      }
      const track = await page.evaluate(pageLoadTestTrack, SECONDS);
      await page.evaluate(async () => {
        const wp = window.wavepool;
        await wp.resumeAudio();
        await wp.loadDemo();
        await wp.setLoop(true, 0, 0);
        await wp.play();
      });
      const r = await page.evaluate(pageMeasureSpectrogram,
        { trackId: track.id, fftSize: FFT_SIZE, hop: HOP, baselineMs: BASELINE_MS });
      if (!pool2) rows.push({
        key: mode === 'threaded' ? '0' : '0f',
        name: `(0) no task, ${mode === 'threaded' ? 'threaded' : 'fallback'} page (${BASELINE_MS / 1000} s)`,
        ms: NaN, rows: 0, frames: intervalStats(r.baseline.intervals), longTasks: r.baseline.longTasks.length,
        longestTask: Math.max(0, ...r.baseline.longTasks.map((e) => e.duration)), underruns: r.baseline.underruns,
      });
      rows.push({
        key: mode === 'fallback' ? 'a2' : pool2 ? 'a1' : 'a',
        name: mode === 'fallback' ? '(a2) tasks worker, fallback page'
          : `(a${pool2 ? '1' : ''}) pool, threaded page, ${s.workers} worker(s)`,
        ms: r.elapsedMs, rows: r.rows, frames: intervalStats(r.intervals), longTasks: r.longTasks.length,
        longestTask: Math.max(0, ...r.longTasks.map((e) => e.duration)),
        underruns: r.underruns,
      });
      if (mode === 'threaded' && !pool2) {
        // (b) in a fresh threaded page, the demo playing as in (a).
        await page.close();
        const { page: page2 } = await openPage(browser.context, servers.threaded.url);
        await page2.evaluate(async () => {
          const wp = window.wavepool;
          await wp.resumeAudio();
          await wp.setLoop(true, 0, 0);
          await wp.play();
        });
        const b = await page2.evaluate(pageInlineSpectrogram, { seconds: SECONDS, fftSize: FFT_SIZE, hop: HOP });
        if (b.final !== 0 || b.rows !== r.rows)
          throw new Error(`inline spectrogram: status ${b.final}, ${b.rows} rows (pool: ${r.rows})`);
        rows.push({
          key: 'b', computeMs: b.computeMs,
          name: '(b) inline on the main thread (wasm-st)', ms: b.elapsedMs, rows: b.rows,
          frames: intervalStats(b.intervals), longTasks: b.longTasks.length,
          longestTask: Math.max(0, ...b.longTasks.map((e) => e.duration)), underruns: b.underruns,
        });
        await page2.close();
      } else {
        await page.close();
      }
    }

    rows.sort((x, y) => x.key.localeCompare(y.key));
    const chromium = info.ua.match(/Chrome\/([\d.]+)/)?.[1] ?? 'unknown';
    console.log(`Browser benchmark, headless Chromium ${chromium} | CPU: ${cpuModel()} | ` +
      `${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC | load average at the end ` +
      `${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
    console.log(`spectrogram of a ${SECONDS / 60}-minute stereo ${info.rate / 1000} kHz track ` +
      `(fftSize ${FFT_SIZE}, hop ${HOP}, ${rows.find((r) => r.key === 'a').rows} rows), the demo playing; frame intervals and ` +
      'long tasks (> 50 ms) of the main thread from start to result');
    const format = (cells) => cells[0].padEnd(42) + cells.slice(1).map((c, i) => c.padStart([9, 7, 8, 8, 9, 7, 11, 10][i])).join('');
    console.log(format(['case', 'task ms', 'frames', 'p50 ms', 'p99 ms', 'max ms', 'long', 'longest ms', 'underruns']));
    for (const r of rows) {
      console.log(format([r.name, Number.isNaN(r.ms) ? '-' : r.ms.toFixed(0), String(r.frames.count), r.frames.p50.toFixed(1),
        r.frames.p99.toFixed(1), r.frames.max.toFixed(1), String(r.longTasks), r.longestTask.toFixed(0),
        String(r.underruns)]));
    }
    const pool = rows.find((r) => r.key === 'a').ms;
    const pool2 = rows.find((r) => r.key === 'a1').ms;
    const b = rows.find((r) => r.key === 'b');
    console.log(`task time with 1 vs 2 pool workers: ${pool.toFixed(0)} ms vs ${pool2.toFixed(0)} ms, ` +
      `${(pool / pool2).toFixed(2)}x (hardwareConcurrency ${info.cores}: with 2 workers the pool shares ` +
      'the cores with the page, the audio threads and the browser)');
    console.log(`task time, pool (1 worker) against one ` +
      `thread inline: ${(b.ms / pool).toFixed(2)}x the speed (pool ${pool.toFixed(0)} ms, polled once a frame; ` +
      `inline ${b.ms.toFixed(0)} ms, of which ${b.computeMs.toFixed(0)} ms computing and ` +
      `${(b.ms - b.computeMs).toFixed(0)} ms copying the result)`);
    const fmtTti = (xs) => `${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
    console.log(`time to interactive, navigation start -> status().ready, median of ${TTI_LOADS}: ` +
      `threaded ${fmtTti(tti.threaded)}, fallback ${fmtTti(tti.fallback)}`);
  } finally {
    await Promise.allSettled(Object.values(servers).map((s) => stopServer(s.proc)));
    await browser.close();
  }
}

try {
  await main();
} catch (e) {
  console.error(`browser_bench: ${e?.stack ?? e}`);
  process.exit(1);
}
