// Spectrum analyzer panel: draws the engine's live analysis (the 'frame'
// event's snapshot: 4096-point Hann FFT in dB, a full-scale sine reading
// 0 dB) as bars, a line, a filled curve or a scrolling spectrogram, on a
// logarithmic frequency axis from 20 Hz to the output's real Nyquist
// frequency. The smoothing and peak hold here are display smoothing of the
// engine's dB values; every spectrum value comes from the engine.
//
// Work per fresh snapshot is bounded: the bin -> pixel (or band) mapping is
// precomputed per canvas size, the axes are drawn once into a background
// canvas, and the spectrogram scrolls by drawing its canvas onto itself.

const VIEWS = Object.freeze([
  ['bars', 'Bars'], ['line', 'Line'], ['filled', 'Filled'], ['spectrogram', 'Spectrogram'],
]);
const FLOORS = Object.freeze([-120, -90, -60]);
const MIN_HZ = 20;
const BANDS_PER_OCTAVE = 6;  // bars: 1/6-octave bands
const HOLD_MS = 1000;        // peak markers hold this long, then fall
const FALL_DB_PER_S = 30;
const FREQ_TICKS = Object.freeze([20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]);
const LOW_DB = -200;         // stands for -inf (silence) in the smoothing state
// Plot margins in CSS pixels: dB (or frequency) labels left, frequency
// labels (or the colour scale) below.
const MARGIN = Object.freeze({ left: 42, right: 10, top: 8, bottom: 22 });

// Viridis (perceptually uniform, readable in every theme and in grey),
// from a degree-6 polynomial fit, tabulated once.
const VIRIDIS_COEFFS = Object.freeze([
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
]);
const LUT_SIZE = 256;
const LUT = (() => {
  const lut = new Uint32Array(LUT_SIZE);  // RGBA bytes as one little-endian word
  const bytes = new Uint8Array(lut.buffer);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = VIRIDIS_COEFFS.length - 1; k >= 0; k--) v = v * t + VIRIDIS_COEFFS[k][c];
      bytes[i * 4 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
    bytes[i * 4 + 3] = 255;
  }
  return lut;
})();
const lutCss = (i) => {
  const v = LUT[i];
  return `rgb(${v & 255}, ${(v >> 8) & 255}, ${(v >> 16) & 255})`;
};

// A pixel (or band) -> bins map: the value of entry i is the maximum of
// bins lo[i]..hi[i] when its span holds bin centres, else (narrower than a
// bin, at low frequencies) the dB value interpolated at its centre:
// hi[i] = -1, lo[i] the bin below, frac[i] the position between.
function binMap(n) {
  return { n, lo: new Int32Array(n), hi: new Int32Array(n), frac: new Float32Array(n) };
}

function setMapEntry(map, i, fLow, fHigh, fCentre, binHz, lastBin) {
  const lo = Math.max(0, Math.ceil(fLow / binHz));
  const hi = Math.min(lastBin, Math.floor(fHigh / binHz - 1e-9));
  if (hi >= lo) {
    map.lo[i] = lo;
    map.hi[i] = hi;
  } else {
    const k = Math.min(lastBin - 1, fCentre / binHz);
    map.lo[i] = Math.floor(k);
    map.hi[i] = -1;
    map.frac[i] = k - Math.floor(k);
  }
}

function applyMap(map, db, out) {
  const { n, lo, hi, frac } = map;
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    let l = lo[i];
    if (h < 0) {
      out[i] = db[l] + (db[l + 1] - db[l]) * frac[i];
    } else {
      let m = db[l];
      while (++l <= h) if (db[l] > m) m = db[l];
      out[i] = m;
    }
  }
}

function cssVars(el) {
  const cs = getComputedStyle(el);
  const v = (name) => cs.getPropertyValue(name).trim();
  return {
    plotBg: v('--plot-bg'), grid: v('--grid'), gridStrong: v('--grid-strong'), muted: v('--muted'),
    curve: v('--curve'), fillTop: v('--curve-fill-top'),
    fillBottom: v('--curve-fill-bottom'), accent: v('--accent'), font: cs.fontFamily,
  };
}

function option(value, text) {
  const o = document.createElement('option');
  o.value = String(value);
  o.textContent = text;
  return o;
}

function buildDom(section, ctx) {
  section.replaceChildren();
  const head = document.createElement('div');
  head.className = 'card-head analyzer-head';
  const h = document.createElement('h2');
  h.id = 'analyzer-heading';
  h.textContent = 'Spectrum analyzer';
  section.removeAttribute('aria-label');
  section.setAttribute('aria-labelledby', h.id);

  const controls = document.createElement('div');
  controls.className = 'analyzer-controls';

  const viewLabel = document.createElement('label');
  viewLabel.className = 'analyzer-control';
  viewLabel.append('View ');
  const view = document.createElement('select');
  view.setAttribute('aria-label', 'Analyzer view');
  for (const [value, text] of VIEWS) view.append(option(value, text));
  viewLabel.append(view);

  const smoothLabel = document.createElement('label');
  smoothLabel.className = 'analyzer-control';
  smoothLabel.append('Smoothing ');
  const smoothing = document.createElement('input');
  smoothing.type = 'range';
  smoothing.min = '0';
  smoothing.max = '0.95';
  smoothing.step = '0.05';
  smoothing.setAttribute('aria-label', 'Smoothing');
  const smoothValue = document.createElement('output');
  smoothValue.className = 'analyzer-value';
  smoothLabel.append(smoothing, smoothValue);

  const peakLabel = document.createElement('label');
  peakLabel.className = 'analyzer-control';
  const peakHold = document.createElement('input');
  peakHold.type = 'checkbox';
  peakLabel.append(peakHold, ' Peak hold');

  const floorLabel = document.createElement('label');
  floorLabel.className = 'analyzer-control';
  floorLabel.append('Floor ');
  const floor = document.createElement('select');
  floor.setAttribute('aria-label', 'Floor');
  for (const f of FLOORS) floor.append(option(f, ctx.fmt.db(f, 0)));
  floorLabel.append(floor);

  controls.append(viewLabel, smoothLabel, peakLabel, floorLabel);
  head.append(h, controls);

  const figure = document.createElement('figure');
  figure.className = 'analyzer-plot';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'Spectrum analyzer');
  const caption = document.createElement('figcaption');
  caption.id = 'analyzer-caption';
  canvas.setAttribute('aria-describedby', caption.id);
  figure.append(canvas, caption);
  section.append(head, figure);
  return { view, smoothing, smoothValue, peakHold, floor, canvas, caption };
}

export function mount(ctx) {
  const section = document.getElementById('panel-analyzer');
  const ui = buildDom(section, ctx);
  const { canvas } = ui;
  const g = canvas.getContext('2d', { alpha: false });

  const settings = {
    view: ctx.settings.get('analyzer.view', 'bars'),
    smoothing: Number(ctx.settings.get('analyzer.smoothing', 0.6)),
    peakHold: ctx.settings.get('analyzer.peakHold', true) === true,
    floor: Number(ctx.settings.get('analyzer.floor', -90)),
  };
  if (!VIEWS.some(([v]) => v === settings.view)) settings.view = 'bars';
  if (!(settings.smoothing >= 0 && settings.smoothing <= 0.95)) settings.smoothing = 0.6;
  if (!FLOORS.includes(settings.floor)) settings.floor = -90;

  // Geometry (device pixels), maps and state; rebuilt when they change.
  let W = 0, H = 0, dpr = 1;
  let px0 = 0, py0 = 0, pw = 0, ph = 0;
  let nyq = 0, binHz = 0, bins = 0, sampleRate = 0;
  let colors = cssVars(canvas);
  let bg = null;            // axes and grid for the current view kind
  let bgKind = '';          // 'spectrum' | 'spectrogram'
  let fillGradient = null;
  let colMap = null, colVals = null, colStep = 1;  // line/filled: one entry per CSS pixel
  let bandMap = null, bandVals = null, bandX = null;  // bars: x0, x1 per band
  let rowMap = null, rowVals = null;                // spectrogram: one entry per device row
  let smooth = null;        // smoothed dB per bin
  let peakHeld = null, peakAt = null;  // per drawn entry (bands or columns)
  // Spectrogram history: a ring of columns (the write position `specHead`
  // is the oldest column), unrolled when drawn. Shifting the whole image
  // per column (drawImage of a canvas onto itself) costs 8 ms a frame and
  // stalls up to 70 ms without a GPU at 1836 x 600; the ring costs 0.1 ms.
  let spec = null, specG = null, specCol = null, colW = 1, specHead = 0;
  let geometryOk = false, dirty = true, last = null, lastNow = 0;

  const kind = () => (settings.view === 'spectrogram' ? 'spectrogram' : 'spectrum');
  const fToPos = (f, len) => (len * Math.log(f / MIN_HZ)) / Math.log(nyq / MIN_HZ);
  const dbToY = (db) => py0 + (ph * Math.min(1, Math.max(0, db / settings.floor)));

  function resetPeaks() {
    const n = settings.view === 'bars' ? bandMap?.n : colMap?.n;
    peakHeld = n ? new Float32Array(n).fill(LOW_DB) : null;
    peakAt = n ? new Float64Array(n) : null;
  }

  // Maps and buffers for the current size, sample rate and bin count.
  function buildGeometry() {
    geometryOk = false;
    if (!(W > 0 && H > 0 && nyq > MIN_HZ && bins > 1)) return;
    px0 = Math.round(MARGIN.left * dpr);
    py0 = Math.round(MARGIN.top * dpr);
    pw = Math.max(1, W - px0 - Math.round(MARGIN.right * dpr));
    ph = Math.max(1, H - py0 - Math.round(MARGIN.bottom * dpr));
    const lastBin = bins - 1;
    const ratio = Math.log(nyq / MIN_HZ);
    const fAt = (pos, len) => MIN_HZ * Math.exp((ratio * pos) / len);

    colStep = Math.max(1, dpr);
    const nCols = Math.ceil(pw / colStep) + 1;
    colMap = binMap(nCols);
    for (let i = 0; i < nCols; i++) {
      const x = Math.min(pw, i * colStep);
      setMapEntry(colMap, i, fAt(x - colStep / 2, pw), fAt(x + colStep / 2, pw), fAt(x, pw), binHz, lastBin);
    }
    colVals = new Float32Array(nCols);

    const edges = [];
    for (let j = 0; MIN_HZ * 2 ** (j / BANDS_PER_OCTAVE) < nyq; j++) edges.push(MIN_HZ * 2 ** (j / BANDS_PER_OCTAVE));
    edges.push(nyq);
    const nBands = edges.length - 1;
    bandMap = binMap(nBands);
    bandX = new Float32Array(nBands * 2);
    const gap = Math.max(1, Math.round(dpr));
    for (let j = 0; j < nBands; j++) {
      setMapEntry(bandMap, j, edges[j], edges[j + 1], Math.sqrt(edges[j] * edges[j + 1]), binHz, lastBin);
      const x0 = px0 + fToPos(edges[j], pw);
      const x1 = px0 + fToPos(edges[j + 1], pw);
      bandX[2 * j] = Math.round(x0);
      bandX[2 * j + 1] = Math.max(Math.round(x0) + 1, Math.round(x1) - gap);
    }
    bandVals = new Float32Array(nBands);

    // Spectrogram rows, top row = Nyquist.
    rowMap = binMap(ph);
    for (let r = 0; r < ph; r++) {
      const y = ph - 1 - r;
      setMapEntry(rowMap, r, fAt(y - 0.5, ph), fAt(y + 0.5, ph), fAt(y, ph), binHz, lastBin);
    }
    rowVals = new Float32Array(ph);
    colW = Math.max(1, Math.round(dpr));
    specCol = new ImageData(colW, ph);
    const old = spec, oldHead = specHead;
    spec = document.createElement('canvas');
    spec.width = Math.ceil(pw / colW) * colW;
    spec.height = ph;
    specG = spec.getContext('2d', { alpha: false });
    clearSpectrogram();
    // Keep the history across a resize, newest column at the right edge.
    if (old) drawRing(specG, old, oldHead, spec.width, 0, ph);

    if (!smooth || smooth.length !== bins) smooth = null;
    resetPeaks();
    geometryOk = true;
    bg = null;
  }

  function text(c, s, x, y, align, baseline) {
    c.textAlign = align;
    c.textBaseline = baseline;
    c.fillText(s, x, y);
  }

  // Frequency ticks that fit without overlapping, along a length `len`.
  function freqTicks(len, minGap) {
    const out = [];
    let prev = -Infinity;
    for (const f of FREQ_TICKS) {
      if (f >= nyq) break;
      const p = fToPos(f, len);
      if (p - prev < minGap) continue;
      out.push([f, p]);
      prev = p;
    }
    return out;
  }

  function buildBackground() {
    bg = document.createElement('canvas');
    bg.width = W;
    bg.height = H;
    bgKind = kind();
    const c = bg.getContext('2d', { alpha: false });
    const fontPx = Math.round(11 * dpr);
    c.fillStyle = colors.plotBg;
    c.fillRect(0, 0, W, H);
    c.font = `${fontPx}px ${colors.font}`;
    c.lineWidth = Math.max(1, Math.floor(dpr));
    const half = (c.lineWidth % 2) / 2;
    const range = -settings.floor;

    if (bgKind === 'spectrum') {
      // dB grid: 10 dB steps when they are at least 22 CSS px apart.
      const step = (ph / (range / 10)) >= 22 * dpr ? 10 : 20;
      for (let d = 0; d <= range; d += step) {
        const y = Math.round(dbToY(-d)) + half;
        c.strokeStyle = d % (2 * step) === 0 ? colors.gridStrong : colors.grid;
        c.beginPath();
        c.moveTo(px0, y);
        c.lineTo(px0 + pw, y);
        c.stroke();
        c.fillStyle = colors.muted;
        text(c, ctx.fmt.db(-d, 0).replace(' dB', ''), px0 - 6 * dpr, y, 'right', 'middle');
      }
      const ticks = freqTicks(pw, 34 * dpr);
      for (const [f, p] of ticks) {
        const x = Math.round(px0 + p) + half;
        c.strokeStyle = /^[12]/.test(String(f)) ? colors.gridStrong : colors.grid;
        c.beginPath();
        c.moveTo(x, py0);
        c.lineTo(x, py0 + ph);
        c.stroke();
        c.fillStyle = colors.muted;
        text(c, ctx.fmt.tick(f), x, py0 + ph + 4 * dpr, 'center', 'top');
      }
      c.fillStyle = colors.muted;
      text(c, 'dB', 4 * dpr, py0 + ph + 4 * dpr, 'left', 'top');
      fillGradient = g.createLinearGradient(0, py0, 0, py0 + ph);
      fillGradient.addColorStop(0, colors.fillTop);
      fillGradient.addColorStop(1, colors.fillBottom);
    } else {
      // Frequency on the left (log), time runs right to left; the colour
      // scale with its dB range below.
      for (const [f, p] of freqTicks(ph, 16 * dpr)) {
        const y = Math.round(py0 + ph - 1 - p) + half;
        c.strokeStyle = colors.gridStrong;
        c.beginPath();
        c.moveTo(px0 - 4 * dpr, y);
        c.lineTo(px0, y);
        c.stroke();
        c.fillStyle = colors.muted;
        text(c, ctx.fmt.tick(f), px0 - 6 * dpr, y, 'right', 'middle');
      }
      c.fillStyle = colors.muted;
      text(c, 'Hz', 4 * dpr, py0 + ph + 4 * dpr, 'left', 'top');
      // The colour scale, right-aligned: floor, gradient, 0 dB.
      const zeroW = Math.ceil(c.measureText(ctx.fmt.db(0, 0)).width);
      const scaleW = Math.min(Math.round(160 * dpr), Math.round(pw * 0.35));
      const sx = px0 + pw - zeroW - Math.round(6 * dpr) - scaleW;
      const sy = py0 + ph + Math.round(7 * dpr);
      const sh = Math.round(8 * dpr);
      for (let i = 0; i < scaleW; i++) {
        c.fillStyle = lutCss(Math.round((i / (scaleW - 1)) * (LUT_SIZE - 1)));
        c.fillRect(sx + i, sy, 1, sh);
      }
      c.fillStyle = colors.muted;
      text(c, ctx.fmt.db(settings.floor, 0), sx - 6 * dpr, sy + sh / 2, 'right', 'middle');
      text(c, ctx.fmt.db(0, 0), px0 + pw, sy + sh / 2, 'right', 'middle');
      text(c, 'time →', px0, sy + sh / 2, 'left', 'middle');
    }
  }

  // Per fresh snapshot: smoothing state (every view draws the smoothed
  // values; smoothing 0 is the raw spectrum), then the view's values.
  function update(db, now) {
    if (!smooth) {
      smooth = new Float32Array(bins);
      for (let k = 0; k < bins; k++) smooth[k] = db[k] > LOW_DB ? db[k] : LOW_DB;
    } else {
      const a = settings.smoothing;
      const b = 1 - a;
      for (let k = 0; k < bins; k++) {
        const x = db[k] > LOW_DB ? db[k] : LOW_DB;
        smooth[k] = a * smooth[k] + b * x;
      }
    }
    if (settings.view === 'spectrogram') {
      scrollSpectrogram(smooth);
      return;
    }
    const bars = settings.view === 'bars';
    const vals = bars ? bandVals : colVals;
    applyMap(bars ? bandMap : colMap, smooth, vals);
    if (settings.peakHold && peakHeld && peakHeld.length === vals.length) {
      for (let i = 0; i < vals.length; i++) {
        if (vals[i] >= peakValue(i, now)) {
          peakHeld[i] = vals[i];
          peakAt[i] = now;
        }
      }
    }
  }

  function peakValue(i, now) {
    const held = peakHeld[i];
    const t = now - peakAt[i] - HOLD_MS;
    return t > 0 ? held - (t * FALL_DB_PER_S) / 1000 : held;
  }

  function clearSpectrogram() {
    specG.fillStyle = colors.plotBg;  // no data yet
    specG.fillRect(0, 0, spec.width, spec.height);
    specHead = 0;
  }

  // Draws ring `src` (oldest column at `head`) unrolled onto `dst` so that
  // its newest column ends at x = `right`, `height` pixels tall from `top`.
  function drawRing(dst, src, head, right, top, height) {
    const w = src.width, h = src.height;
    const left = right - w;
    dst.drawImage(src, head, 0, w - head, h, left, top, w - head, height);
    if (head > 0) dst.drawImage(src, 0, 0, head, h, left + w - head, top, head, height);
  }

  function scrollSpectrogram(db) {
    applyMap(rowMap, db, rowVals);
    const px = new Uint32Array(specCol.data.buffer);
    const scale = (LUT_SIZE - 1) / -settings.floor;
    for (let r = 0; r < ph; r++) {
      let i = Math.round((rowVals[r] - settings.floor) * scale);
      i = i < 0 ? 0 : i > LUT_SIZE - 1 ? LUT_SIZE - 1 : i;
      const v = LUT[i];
      const o = r * colW;
      for (let k = 0; k < colW; k++) px[o + k] = v;
    }
    specG.putImageData(specCol, specHead, 0);
    specHead = (specHead + colW) % spec.width;
  }

  // Everything drawn per frame lies in the plot rectangle: only there is
  // the background restored, unless the axes changed (`full`).
  function draw(now, full) {
    if (!bg || bgKind !== kind()) {
      buildBackground();
      full = true;
    }
    if (full) g.drawImage(bg, 0, 0);
    else g.drawImage(bg, px0, py0, pw, ph, px0, py0, pw, ph);
    g.save();
    g.beginPath();
    g.rect(px0, py0, pw, ph);
    g.clip();
    if (settings.view === 'spectrogram') {
      drawRing(g, spec, specHead, px0 + pw, py0, ph);
      g.restore();
      return;
    }
    if (!smooth) {
      g.restore();
      return;
    }
    const bottom = py0 + ph;
    const hold = settings.peakHold && peakHeld;
    if (settings.view === 'bars') {
      g.fillStyle = colors.curve;
      for (let j = 0; j < bandMap.n; j++) {
        const y = Math.round(dbToY(bandVals[j]));
        if (y < bottom) g.fillRect(bandX[2 * j], y, bandX[2 * j + 1] - bandX[2 * j], bottom - y);
      }
      if (hold) {
        g.fillStyle = colors.accent;
        const mh = Math.max(2, Math.round(2 * dpr));
        for (let j = 0; j < bandMap.n; j++) {
          const y = Math.round(dbToY(peakValue(j, now)));
          if (y < bottom) g.fillRect(bandX[2 * j], y - mh, bandX[2 * j + 1] - bandX[2 * j], mh);
        }
      }
    } else {
      const n = colMap.n;
      const trace = (value) => {
        const path = new Path2D();
        for (let i = 0; i < n; i++) {
          const x = px0 + Math.min(pw, i * colStep);
          const y = dbToY(value(i));
          if (i === 0) path.moveTo(x, y);
          else path.lineTo(x, y);
        }
        return path;
      };
      g.lineJoin = 'round';
      // The held peaks first: where they equal the spectrum, the curve shows.
      if (hold) {
        g.strokeStyle = colors.accent;
        g.lineWidth = Math.max(1, dpr);
        g.stroke(trace((i) => peakValue(i, now)));
      }
      const curve = trace((i) => colVals[i]);
      if (settings.view === 'filled') {
        const area = new Path2D(curve);
        area.lineTo(px0 + pw, bottom);
        area.lineTo(px0, bottom);
        area.closePath();
        g.fillStyle = fillGradient;
        g.fill(area);
      }
      g.strokeStyle = colors.curve;
      g.lineWidth = Math.max(1, 1.5 * dpr);
      g.stroke(curve);
    }
    g.restore();
  }

  function describe() {
    if (!sampleRate) return;
    const hz = ctx.fmt.hz;
    ui.caption.textContent = `${hz(MIN_HZ)} to ${hz(nyq)} (output at ${hz(sampleRate)}), ` +
      `${(bins - 1) * 2}-point FFT, ${binHz.toFixed(1)} Hz per bin, floor ${ctx.fmt.db(settings.floor, 0)}.`;
  }

  // ---- controls ----
  ui.view.value = settings.view;
  ui.smoothing.value = String(settings.smoothing);
  ui.smoothValue.value = settings.smoothing.toFixed(2);
  ui.peakHold.checked = settings.peakHold;
  ui.floor.value = String(settings.floor);

  ui.view.addEventListener('change', () => {
    settings.view = ui.view.value;
    ctx.settings.set('analyzer.view', settings.view);
    resetPeaks();
    // The spectrogram's history starts now (no gap from an earlier visit).
    if (specG) clearSpectrogram();
    if (last) update(last, lastNow);
    dirty = true;
  });
  ui.smoothing.addEventListener('input', () => {
    settings.smoothing = Number(ui.smoothing.value);
    ui.smoothValue.value = settings.smoothing.toFixed(2);
    ctx.settings.set('analyzer.smoothing', settings.smoothing);
  });
  ui.peakHold.addEventListener('change', () => {
    settings.peakHold = ui.peakHold.checked;
    ctx.settings.set('analyzer.peakHold', settings.peakHold);
    resetPeaks();
    dirty = true;
  });
  ui.floor.addEventListener('change', () => {
    settings.floor = Number(ui.floor.value);
    ctx.settings.set('analyzer.floor', settings.floor);
    bg = null;
    describe();
    dirty = true;
  });

  // ---- size and theme ----
  const ro = new ResizeObserver((entries) => {
    const e = entries[entries.length - 1];
    const box = e.devicePixelContentBoxSize?.[0];
    dpr = window.devicePixelRatio || 1;
    // The exact device-pixel box when the browser reports one that agrees
    // with the ratio (emulated ratios may report CSS pixels there).
    let w = Math.round(e.contentRect.width * dpr);
    let h = Math.round(e.contentRect.height * dpr);
    if (box && Math.abs(box.inlineSize - w) <= 1 && Math.abs(box.blockSize - h) <= 1) {
      w = box.inlineSize;
      h = box.blockSize;
    }
    if (w === W && h === H) return;
    W = canvas.width = w;
    H = canvas.height = h;
    buildGeometry();
    if (last && geometryOk && settings.view !== 'spectrogram') update(last, lastNow);
    dirty = true;
  });
  try {
    ro.observe(canvas, { box: 'device-pixel-content-box' });
  } catch {
    ro.observe(canvas);
  }
  new MutationObserver(() => {
    colors = cssVars(canvas);
    bg = null;
    dirty = true;
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });

  // ---- per display frame ----
  ctx.bus.addEventListener('frame', (ev) => {
    const { snapshot, status, now } = ev.detail;
    const rate = status?.sampleRate;
    if (snapshot && rate && (rate !== sampleRate || snapshot.db.length !== bins)) {
      sampleRate = rate;
      nyq = rate / 2;
      bins = snapshot.db.length;
      binHz = snapshot.binHz;
      smooth = null;
      buildGeometry();
      describe();
    }
    if (!geometryOk) return;
    if (snapshot?.fresh) {
      last = snapshot.db;
      lastNow = now;
      update(snapshot.db, now);
      draw(now, dirty);
      dirty = false;
    } else if (dirty) {
      draw(lastNow, true);
      dirty = false;
    }
  });
}
