// The parameter bindings of the Equalizer and Effects panels
// (web/bindings_params.c) in both wasm variants: the parameter table, and
// the EQ response of the player chain's current settings against
// wp_eq_magnitude_db of a wp_eq configured alike.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;
const BANDS = 8;
const FIELDS = ['type', 'freq', 'gain', 'q', 'on'];
const TYPES = ['peaking', 'lowshelf', 'highshelf', 'lowpass', 'highpass', 'bandpass', 'notch', 'allpass'];

const variants = [
  { name: 'mt', path: `${root}build/wasm-mt/node/wavepool-mt.cjs`, threads: 4 },
  { name: 'st', path: `${root}build/wasm-st/node/wavepool-st.cjs`, threads: 1 },
];

const modules = [];
after(() => modules.forEach((M) => M.PThread?.terminateAllThreads()));

// Seeded (mulberry32), the seed printed so a failure can be replayed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function load(v) {
  assert.ok(existsSync(v.path), `${v.path} missing: build with make wasm-${v.name}`);
  const M = await require(v.path)({ wavepoolThreads: v.threads });
  modules.push(M);
  return M;
}

function createPlayer(M, rate) {
  const st = M._malloc(4);
  const player = M._wpb_player_create(rate, 0, st);
  assert.notEqual(player, 0, `player: status ${M.HEAP32[st >> 2]}`);
  M._free(st);
  return player;
}

function setParam(M, player, name, value) {
  const size = M.lengthBytesUTF8(name) + 1;
  const p = M._malloc(size);
  M.stringToUTF8(name, p, size);
  const st = M._wpb_player_set_param(player, p, value);
  M._free(p);
  assert.equal(st, 0, `${name} = ${value}: status ${st}`);
}

const logFreqs = (n, lo, hi) => Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));

for (const v of variants) {
  test(`wasm-${v.name}: the parameter table lists every chain parameter with its range`, async () => {
    const M = await load(v);
    const table = JSON.parse(M.UTF8ToString(M._wpb_params_json()));
    assert.equal(M._wpb_params_json(), M._wpb_params_json(), 'built once');
    const byName = new Map(table.map((p) => [p.name, p]));
    assert.equal(byName.size, table.length, 'names are unique');
    table.forEach((p, i) => assert.equal(p.index, i));
    // 1 eq.on + 8 bands x 5 + comp 9 + dist 6 + chorus 7 + delay 6 + reverb 6 + width, pan, volume + limiter 3
    assert.equal(table.length, 1 + BANDS * FIELDS.length + 9 + 6 + 7 + 6 + 6 + 3 + 3);
    const expect = {
      'eq.on': ['', 0, 1, 1, 'switch'],
      'eq.b1.type': ['', 0, 7, 1, 'integer'],
      'eq.b5.freq': ['Hz', 10, 0.49 * 384000, 1000, 'continuous'],
      'eq.b5.gain': ['dB', -24, 24, 0, 'continuous'],
      'eq.b8.q': ['', 0.1, 18, Math.SQRT1_2, 'continuous'],
      'eq.b3.on': ['', 0, 1, 1, 'switch'],
      'reverb.decay': ['s', 0.1, 20, 2, 'continuous'],
      'delay.time': ['ms', 1, byName.get('delay.time').max, 375, 'continuous'],
      'comp.detection': ['', 0, 1, 0, 'integer'],
      'dist.curve': ['', 0, 2, 0, 'integer'],
      'stereo.width': ['%', 0, 200, 100, 'continuous'],
      'limiter.ceiling': ['dBTP', -24, 0, -1, 'continuous'],
      volume: ['dB', -80, 12, 0, 'continuous'],
    };
    for (const [name, [unit, min, max, def, kind]] of Object.entries(expect)) {
      const p = byName.get(name);
      assert.ok(p, `${name} missing`);
      assert.deepEqual([p.unit, p.min, p.max, kind], [unit, min, max, p.kind], name);
      assert.ok(Math.abs(p.def - def) < 1e-12, `${name} default ${p.def}, expected ${def}`);
    }
    assert.ok(byName.get('delay.time').max >= 1000, `delay.time max ${byName.get('delay.time').max}`);
    assert.deepEqual(byName.get('eq.b2.type').choices, TYPES);
    assert.deepEqual(byName.get('comp.detection').choices, ['peak', 'rms']);
    assert.deepEqual(byName.get('dist.curve').choices, ['soft', 'hard', 'asymmetric']);
    assert.equal(byName.get('reverb.mix').choices, null);
    for (const prefix of ['reverb', 'delay', 'chorus', 'dist', 'comp', 'limiter'])
      assert.equal(byName.get(`${prefix}.on`)?.kind, 'switch', `${prefix}.on`);
    for (let b = 1; b <= BANDS; b++) for (const f of FIELDS) assert.ok(byName.has(`eq.b${b}.${f}`));
  });

  test(`wasm-${v.name}: the EQ response of the player chain matches wp_eq_magnitude_db within 1e-6 dB`, async () => {
    const seed = (Date.now() ^ 0x5eed) >>> 0;
    console.log(`params.test seed ${seed}`);
    const random = rng(seed);
    const n = 200;
    let worst = 0;
    // One page player per module: a module per rate.
    for (const rate of [48000, 44100]) {
      const M = await load(v);
      const freqsOut = M._malloc(n * 8), out = M._malloc(n * 8), ref = M._malloc(n * 8);
      const bandsPtr = M._malloc(BANDS * FIELDS.length * 8);
      const player = createPlayer(M, rate);
      const freqs = logFreqs(n, 20, 0.49 * rate);
      M.HEAPF64.set(freqs, freqsOut >> 3);
      for (let trial = 0; trial < 6; trial++) {
        const bands = [];
        for (let b = 0; b < BANDS; b++) {
          const band = [
            Math.floor(random() * TYPES.length),
            20 * (0.45 * rate / 20) ** random(),
            -24 + 48 * random(),
            0.1 * 180 ** random(),
            random() < 0.8 ? 1 : 0,
          ];
          band.forEach((value, f) => setParam(M, player, `eq.b${b + 1}.${FIELDS[f]}`, value));
          bands.push(...band);
        }
        M.HEAPF64.set(bands, bandsPtr >> 3);
        assert.equal(M._wpb_params_eq_response_db(player, freqsOut, n, out), 0);
        assert.equal(M._wpb_params_eq_reference_db(rate, bandsPtr, freqsOut, n, ref), 0);
        const got = M.HEAPF64.subarray(out >> 3, (out >> 3) + n);
        const want = M.HEAPF64.subarray(ref >> 3, (ref >> 3) + n);
        for (let i = 0; i < n; i++) {
          const err = Math.abs(got[i] - want[i]);
          worst = Math.max(worst, err);
          assert.ok(err <= 1e-6, `rate ${rate} trial ${trial} at ${freqs[i].toFixed(2)} Hz: ` +
            `${got[i]} dB vs wp_eq ${want[i]} dB (seed ${seed})`);
        }
        // A non-trivial curve: the comparison is not of two flat lines.
        assert.ok(Math.max(...got) - Math.min(...got) > 1, `trial ${trial}: flat response`);
      }
      // Bypass: flat 0 dB whatever the bands.
      setParam(M, player, 'eq.on', 0);
      assert.equal(M._wpb_params_eq_response_db(player, freqsOut, n, out), 0);
      assert.ok(M.HEAPF64.subarray(out >> 3, (out >> 3) + n).every((x) => x === 0), 'bypassed EQ is flat');
      setParam(M, player, 'eq.on', 1);
      // Band 5 alone at -12 dB: -12 dB at its 1 kHz centre.
      for (let b = 1; b <= BANDS; b++) {
        const def = [[1, 60, 0.7071067811865476], [0, 170, 1], [0, 310, 1], [0, 600, 1], [0, 1000, 1],
          [0, 3000, 1], [0, 6000, 1], [2, 12000, 0.7071067811865476]][b - 1];
        setParam(M, player, `eq.b${b}.type`, def[0]);
        setParam(M, player, `eq.b${b}.freq`, def[1]);
        setParam(M, player, `eq.b${b}.q`, def[2]);
        setParam(M, player, `eq.b${b}.gain`, b === 5 ? -12 : 0);
        setParam(M, player, `eq.b${b}.on`, 1);
      }
      M.HEAPF64.set([1000], freqsOut >> 3);
      assert.equal(M._wpb_params_eq_response_db(player, freqsOut, 1, out), 0);
      assert.ok(Math.abs(M.HEAPF64[out >> 3] + 12) < 1e-9, `band 5 -12 dB reads ${M.HEAPF64[out >> 3]} dB at 1 kHz`);
      // Frequencies outside (0, rate/2) are refused.
      M.HEAPF64.set([rate / 2], freqsOut >> 3);
      assert.notEqual(M._wpb_params_eq_response_db(player, freqsOut, 1, out), 0);
    }
    console.log(`params.test worst response difference ${worst.toExponential(2)} dB`);
  });
}
