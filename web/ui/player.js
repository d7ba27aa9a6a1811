// The Player panel: open a file (picker or drop anywhere on the page), the
// track's title and facts, transport (play/pause, stop, loop, A-B loop,
// volume, pan, time), the waveform overview computed by the pool (zoom,
// scroll, seek, A-B selection), output meters with peak hold and clip, and
// the keyboard shortcuts. Thin: the engine computes every sample value
// (overview columns, meters); this file draws and wires.


const VOLUME_MIN = -60;
const VOLUME_MAX = 6;
const SEEK_STEP_S = 5;
const ESC_DROP_DB = 20;
const METER_FLOOR_DB = -60;
const PEAK_HOLD_S = 1.5;
const PEAK_DECAY_DB_S = 20;   // fall of the peak bar and of the held peak after the hold
const ZOOM_STEP = 2;
const MIN_SPAN_S = 0.02;      // the narrowest view
const ARIA_INTERVAL_MS = 250; // meters' accessible values: a few times a second is plenty

const SHORTCUTS = [
  ['Space', 'Play or pause'],
  ['S', 'Stop'],
  ['L', 'Loop on or off'],
  ['← / →', 'Seek 5 s back / forward'],
  ['↑ / ↓', 'Volume +1 / −1 dB'],
  ['O', 'Open a file'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Volume −20 dB at once; closes dialogs'],
  ['Shift + drag', 'Select an A-B loop on the waveform'],
  ['Wheel', 'Zoom the waveform around the pointer'],
  ['Shift + wheel', 'Scroll the zoomed waveform'],
];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

const panText = (p) => (p === 0 ? 'Centre' : `${p < 0 ? 'L' : 'R'} ${Math.abs(p)}`);
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const toDb = (x) => (x > 0 ? 20 * Math.log10(x) : -Infinity);

// Keys typed into these go to the field, not to the shortcuts.
function isTextField(t) {
  if (t instanceof HTMLTextAreaElement || t?.isContentEditable) return true;
  if (!(t instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'file', 'color'].includes(t.type);
}

export function mount(ctx) {
  const { wp, fmt, settings } = ctx;
  const section = document.getElementById('panel-player');

  // ---- DOM ----------------------------------------------------------------
  const fileInput = el('input', { type: 'file', id: 'player-file', class: 'pl-file-input',
    accept: 'audio/*,.wav,.mp3,.flac,.ogg,.oga,.opus,.m4a,.aac,.webm' });
  const openLabel = el('label', { for: 'player-file', class: 'pl-button pl-open', text: 'Open audio file' });
  const helpButton = el('button', { type: 'button', class: 'pl-button pl-help', 'aria-haspopup': 'dialog',
    text: 'Shortcuts', 'aria-label': 'Show keyboard shortcuts' });
  const title = el('p', { id: 'track-title', class: 'pl-title' });
  const facts = el('p', { id: 'track-facts', class: 'pl-facts' });

  const playButton = el('button', { type: 'button', class: 'pl-button pl-primary', text: 'Play' });
  const stopButton = el('button', { type: 'button', class: 'pl-button', text: 'Stop' });
  const loopBox = el('input', { type: 'checkbox', id: 'player-loop' });
  const loopLabel = el('label', { class: 'pl-check' }, loopBox, 'Loop');
  const clearAb = el('button', { type: 'button', class: 'pl-button', text: 'Clear A-B loop' });
  clearAb.disabled = true;
  const time = el('span', { id: 'time', class: 'pl-time', 'aria-live': 'off', text: '0:00.0 / 0:00.0' });

  const volume = el('input', { type: 'range', id: 'player-volume', min: VOLUME_MIN, max: VOLUME_MAX, step: 0.5 });
  const volumeOut = el('output', { for: 'player-volume', class: 'pl-value' });
  const pan = el('input', { type: 'range', id: 'player-pan', min: -100, max: 100, step: 1 });
  const panOut = el('output', { for: 'player-pan', class: 'pl-value' });

  const base = el('canvas', { class: 'pl-wave-base' });
  const overlay = el('canvas', { class: 'pl-wave-overlay' });
  const wave = el('div', { class: 'pl-wave', role: 'slider', tabindex: '0', 'aria-label': 'Position',
    'aria-valuemin': '0', 'aria-valuemax': '0', 'aria-valuenow': '0' }, base, overlay);
  // The view's scrollbar (drawn here: the browser's own is hidden in some
  // setups and cannot take the theme's colours everywhere).
  const thumb = el('div', { class: 'pl-thumb' });
  const scroller = el('div', { class: 'pl-scroll', role: 'scrollbar', tabindex: '0', 'aria-label': 'Waveform view',
    'aria-orientation': 'horizontal', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, thumb);
  const zoomIn = el('button', { type: 'button', class: 'pl-button', text: 'Zoom in' });
  const zoomOut = el('button', { type: 'button', class: 'pl-button', text: 'Zoom out' });
  const viewText = el('span', { class: 'pl-view muted' });
  const abText = el('span', { class: 'pl-ab muted' });

  const meters = [];
  const meterRows = [];
  for (const [label, ch, kind] of [['Left peak', 0, 'peak'], ['Right peak', 1, 'peak'],
    ['Left RMS', 0, 'rms'], ['Right RMS', 1, 'rms']]) {
    const fill = el('div', { class: `pl-meter-fill pl-meter-${kind}` });
    const hold = el('div', { class: 'pl-meter-hold' });
    const bar = el('div', { class: 'pl-meter', role: 'meter', 'aria-label': label,
      'aria-valuemin': String(METER_FLOOR_DB), 'aria-valuemax': '0', 'aria-valuenow': String(METER_FLOOR_DB),
      'aria-valuetext': '−∞ dB' }, fill, hold);
    const text = el('span', { class: 'pl-meter-text', 'aria-hidden': 'true', text: '−∞' });
    meterRows.push(el('div', { class: 'pl-meter-row' }, el('span', { class: 'pl-meter-label', 'aria-hidden': 'true',
      text: label.replace('Left', 'L').replace('Right', 'R') }), bar, text));
    meters.push({ ch, kind, bar, fill, hold, text, db: -Infinity, held: -Infinity, heldAt: 0, shownW: -1,
      shownHold: -1, shownText: '' });
  }
  const clipButton = el('button', { type: 'button', class: 'pl-button pl-clip', 'aria-pressed': 'false',
    text: 'Clip', title: 'Lit when a sample reached full scale; click to reset' });

  const dialog = el('dialog', { class: 'pl-dialog', 'aria-labelledby': 'pl-shortcuts-heading' },
    el('h2', { id: 'pl-shortcuts-heading', text: 'Keyboard shortcuts' }),
    el('dl', { class: 'pl-keys' }, ...SHORTCUTS.flatMap(([k, d]) => [el('dt', {}, el('kbd', { text: k })),
      el('dd', { text: d })])),
    el('p', { class: 'muted', text: 'Keys typed into text and number fields are not shortcuts.' }));
  const closeDialog = el('button', { type: 'button', class: 'pl-button', text: 'Close' });
  dialog.append(el('form', { method: 'dialog' }, closeDialog));

  section.replaceChildren(
    el('div', { class: 'card-head' }, el('h2', { text: 'Player' }),
      el('div', { class: 'pl-head-buttons' }, openLabel, fileInput, helpButton)),
    el('div', { class: 'pl-track' }, title, facts),
    el('div', { class: 'pl-transport' }, playButton, stopButton, loopLabel, clearAb, time),
    el('div', { class: 'pl-mix' },
      el('div', { class: 'pl-slider' }, el('label', { for: 'player-volume', text: 'Volume' }), volume, volumeOut),
      el('div', { class: 'pl-slider' }, el('label', { for: 'player-pan', text: 'Pan' }), pan, panOut)),
    wave, scroller,
    el('div', { class: 'pl-zoom' }, zoomOut, zoomIn, viewText, abText),
    el('div', { class: 'pl-meters' }, el('div', { class: 'pl-meter-grid' }, ...meterRows), clipButton),
    dialog);

  // ---- State ----------------------------------------------------------------
  let track = null;
  let rate = 48000;
  let frames = 0;
  let view = { start: 0, span: 1 };   // seconds
  let overview = null;                // {start, span, columns, min, max, rms, channels}
  let wanted = null;                  // the view an overview was last asked for
  let inFlight = false;
  let baseDirty = true;
  let ab = null;                      // {a, b} seconds: the A-B loop, when set
  let selecting = null;               // {a, b} while shift-dragging
  let last = { position: 0, duration: 0, playing: false, ended: false };
  let seekUntil = 0;
  let shownOverlay = '';
  let shownTime = '';
  let shownValueNow = '';
  let clipped = false;
  let lastAria = 0;
  let lastNow = 0;
  let vol = clamp(Number(settings.get('volume', 0)) || 0, VOLUME_MIN, VOLUME_MAX);
  let panValue = clamp(Math.round(Number(settings.get('pan', 0)) * 100) || 0, -100, 100);

  const css = getComputedStyle(section);
  const color = (name) => css.getPropertyValue(name).trim();

  // ---- Volume and pan ---------------------------------------------------
  function showVolume() {
    volume.value = String(vol);
    const text = fmt.db(vol, 1);
    volumeOut.textContent = text;
    volume.setAttribute('aria-valuetext', text);
  }
  function setVolume(db) {
    vol = clamp(Math.round(db * 2) / 2, VOLUME_MIN, VOLUME_MAX);
    showVolume();
    settings.set('volume', vol);
    return ctx.report(wp.setVolume(vol));
  }
  function showPan() {
    pan.value = String(panValue);
    panOut.textContent = panText(panValue);
    pan.setAttribute('aria-valuetext', panText(panValue));
  }
  function setPan(p) {
    panValue = clamp(Math.round(p), -100, 100);
    showPan();
    settings.set('pan', panValue / 100);
    return ctx.report(wp.setPan(panValue / 100));
  }
  volume.addEventListener('input', () => setVolume(Number(volume.value)));
  pan.addEventListener('input', () => setPan(Number(pan.value)));
  pan.addEventListener('dblclick', () => setPan(0));
  showVolume();
  showPan();

  // ---- Opening files ------------------------------------------------------
  async function open(file) {
    if (!file) return;
    const shownBefore = title.textContent;
    title.textContent = `Opening ${file.name}…`;
    try {
      await wp.loadFile(file);
    } catch {
      // wp.loadFile already showed why; the current track stays.
      title.textContent = shownBefore;
    }
  }
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    open(file);
  });

  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  let dragDepth = 0;
  document.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    dragDepth++;
    document.documentElement.classList.add('pl-dropping');
  });
  document.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    if (--dragDepth <= 0) { dragDepth = 0; document.documentElement.classList.remove('pl-dropping'); }
  });
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    document.documentElement.classList.remove('pl-dropping');
    open(e.dataTransfer.files[0]);
  });

  // ---- Track --------------------------------------------------------------
  function showTrack(t) {
    // Title and format come from the file's tags (app.js openAudio).
    title.textContent = t.title || t.name;
    const chText = t.channels === 1 ? 'mono' : t.channels === 2 ? 'stereo' : `${t.channels} channels`;
    let rateText = fmt.hz(t.sampleRate);
    if (t.fileSampleRate && t.fileSampleRate !== t.sampleRate)
      rateText = `${fmt.hz(t.fileSampleRate)} (played at ${fmt.hz(t.sampleRate)})`;
    facts.textContent = [t.format, chText, rateText, fmt.time(t.duration)].join(' · ');
  }

  ctx.bus.addEventListener('track', (e) => {
    track = e.detail;
    rate = track.sampleRate;
    frames = Math.round(track.duration * rate);
    showTrack(track);
    view = { start: 0, span: track.duration };
    overview = null;
    ab = null;
    selecting = null;
    clearAb.disabled = true;
    abText.textContent = '';
    wave.setAttribute('aria-valuemax', track.duration.toFixed(1));
    // The engine clears the loop with a new track; keep the checkbox's word.
    if (loopBox.checked) ctx.report(wp.setLoop(true, 0, track.duration));
    viewChanged();
  });

  // ---- Transport ----------------------------------------------------------
  function playPause() {
    if (last.playing) return ctx.report(wp.pause());
    if (last.ended || (last.duration > 0 && last.position >= last.duration - 1e-3))
      return ctx.report(wp.seek(0).then(() => wp.play()));
    return ctx.report(wp.play());
  }
  const stop = () => ctx.report(wp.stop());
  function seekTo(s) {
    const t = clamp(s, 0, last.duration || track?.duration || 0);
    last.position = t;
    seekUntil = performance.now() + 150;
    // A seek out of a zoomed view brings the view along.
    if (!dragging && (t < view.start || t > view.start + view.span)) {
      view.start = t - view.span / 2;
      viewChanged();
    }
    return ctx.report(wp.seek(t));
  }
  function applyLoop() {
    const on = loopBox.checked;
    const region = ab ?? { a: 0, b: track?.duration ?? 0 };
    return ctx.report(wp.setLoop(on, region.a, region.b));
  }
  playButton.addEventListener('click', playPause);
  stopButton.addEventListener('click', stop);
  loopBox.addEventListener('change', applyLoop);
  clearAb.addEventListener('click', () => {
    ab = null;
    clearAb.disabled = true;
    abText.textContent = '';
    shownOverlay = '';
    applyLoop();
  });
  function setAb(a, b) {
    ab = { a: Math.min(a, b), b: Math.max(a, b) };
    clearAb.disabled = false;
    abText.textContent = `A-B loop ${fmt.time(ab.a)} – ${fmt.time(ab.b)}`;
    loopBox.checked = true;
    shownOverlay = '';
    applyLoop();
  }

  // ---- Waveform: view, overview, drawing ----------------------------------
  const dpr = () => window.devicePixelRatio || 1;

  function resizeCanvases() {
    const w = Math.max(1, Math.round(wave.clientWidth * dpr()));
    const h = Math.max(1, Math.round(wave.clientHeight * dpr()));
    for (const c of [base, overlay]) {
      if (c.width !== w) c.width = w;
      if (c.height !== h) c.height = h;
    }
  }

  function clampView() {
    const d = track?.duration ?? 0;
    const minSpan = Math.min(d, Math.max(MIN_SPAN_S, base.width / rate));
    view.span = clamp(view.span, minSpan, d);
    view.start = clamp(view.start, 0, Math.max(0, d - view.span));
  }

  function viewChanged() {
    clampView();
    baseDirty = true;
    shownOverlay = '';
    // The scrollbar: thumb width = the visible share of the track.
    const d = track?.duration ?? 0;
    const share = d > 0 ? view.span / d : 1;
    thumb.style.left = `${d > 0 ? (view.start / d) * 100 : 0}%`;
    thumb.style.width = `${share * 100}%`;
    const scrolled = d > view.span ? Math.round((view.start / (d - view.span)) * 100) : 0;
    scroller.setAttribute('aria-valuenow', String(scrolled));
    scroller.setAttribute('aria-valuetext', `${fmt.time(view.start)} to ${fmt.time(view.start + view.span)}`);
    const zoom = d > 0 ? d / view.span : 1;
    viewText.textContent = zoom > 1.01 ? `${fmt.time(view.start)} – ${fmt.time(view.start + view.span)} (×${zoom.toFixed(zoom < 10 ? 1 : 0)})` : '';
    zoomOut.disabled = zoom <= 1.0001;
    zoomIn.disabled = d === 0 || view.span <= Math.max(MIN_SPAN_S, base.width / rate) * 1.0001;
    requestOverview();
  }

  // Drag the thumb to scroll; press the track beside it to centre the view there.
  let thumbGrab = null;
  scroller.addEventListener('pointerdown', (e) => {
    if (!track || e.button !== 0) return;
    scroller.setPointerCapture(e.pointerId);
    const r = scroller.getBoundingClientRect();
    const t = ((e.clientX - r.left) / Math.max(1, r.width)) * track.duration;
    if (e.target !== thumb) {
      view.start = t - view.span / 2;
      viewChanged();
    }
    thumbGrab = { x: e.clientX, start: view.start, width: r.width };
  });
  scroller.addEventListener('pointermove', (e) => {
    if (!thumbGrab) return;
    view.start = thumbGrab.start + ((e.clientX - thumbGrab.x) / Math.max(1, thumbGrab.width)) * track.duration;
    viewChanged();
  });
  const dropThumb = () => { thumbGrab = null; };
  scroller.addEventListener('pointerup', dropThumb);
  scroller.addEventListener('pointercancel', dropThumb);
  scroller.addEventListener('keydown', (e) => {
    const step = { ArrowLeft: -0.1, ArrowRight: 0.1, PageUp: -1, PageDown: 1 }[e.key];
    if (step === undefined && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    e.stopPropagation();
    if (e.key === 'Home') view.start = 0;
    else if (e.key === 'End') view.start = track?.duration ?? 0;
    else view.start += step * view.span;
    viewChanged();
  });

  // One overview task at a time; the newest view wins.
  async function requestOverview() {
    if (!track || frames <= 0) return;
    const columns = Math.max(1, base.width);
    const begin = clamp(Math.floor(view.start * rate), 0, frames - 1);
    const end = clamp(Math.ceil((view.start + view.span) * rate), begin + 1, frames);
    wanted = { begin, end, columns, trackId: track.id };
    if (inFlight) return;
    inFlight = true;
    try {
      while (wanted) {
        const req = wanted;
        wanted = null;
        let r;
        try {
          r = await wp.runTask('overview', { begin: req.begin, end: req.end, columns: req.columns, trackId: req.trackId });
        } catch (err) {
          if (req.trackId === track?.id) ctx.report(Promise.reject(err));
          continue;
        }
        if (req.trackId !== track?.id) continue;
        overview = { start: req.begin / rate, span: (req.end - req.begin) / rate, columns: req.columns,
          min: r.min, max: r.max, rms: r.rms, channels: r.channels };
        baseDirty = true;
      }
    } finally {
      inFlight = false;
    }
  }

  function drawBase() {
    baseDirty = false;
    const g = base.getContext('2d');
    const W = base.width;
    const H = base.height;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = color('--plot-bg');
    g.fillRect(0, 0, W, H);
    const channels = overview?.channels ?? track?.channels ?? 1;
    const lane = H / channels;
    g.fillStyle = color('--grid-strong');
    for (let c = 0; c < channels; c++) g.fillRect(0, Math.round(c * lane + lane / 2), W, 1);
    if (!overview) return;
    const { columns, min, max, rms } = overview;
    // Columns of the result mapped into the current view (a zoom shows the
    // previous result stretched until the new one arrives).
    const x0 = ((overview.start - view.start) / view.span) * W;
    const cw = (overview.span / view.span) * W / columns;
    const peakColor = color('--wave-peak');
    const rmsColor = color('--wave-rms');
    for (let c = 0; c < channels; c++) {
      const mid = c * lane + lane / 2;
      const amp = lane / 2 - 1;
      const row = c * columns;
      const first = Math.max(0, Math.floor(-x0 / cw));
      const lastCol = Math.min(columns, Math.ceil((W - x0) / cw));
      g.fillStyle = peakColor;
      for (let j = first; j < lastCol; j++) {
        const x = Math.floor(x0 + j * cw);
        const w = Math.max(1, Math.floor(x0 + (j + 1) * cw) - x);
        const top = mid - clamp(max[row + j], -1, 1) * amp;
        const bottom = mid - clamp(min[row + j], -1, 1) * amp;
        g.fillRect(x, top, w, Math.max(1, bottom - top));
      }
      g.fillStyle = rmsColor;
      for (let j = first; j < lastCol; j++) {
        const x = Math.floor(x0 + j * cw);
        const w = Math.max(1, Math.floor(x0 + (j + 1) * cw) - x);
        const r = Math.min(1, rms[row + j]) * amp;
        g.fillRect(x, mid - r, w, Math.max(1, 2 * r));
      }
      if (c > 0) {
        g.fillStyle = color('--border');
        g.fillRect(0, Math.round(c * lane), W, 1);
      }
    }
    drawRuler(g, W, H);
  }

  // Time ticks along the top, at least ~90 CSS px apart.
  const TICK_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  function drawRuler(g, W, H) {
    const k = dpr();
    const minStep = (90 * k * view.span) / W;
    const step = TICK_STEPS.find((x) => x >= minStep) ?? TICK_STEPS[TICK_STEPS.length - 1];
    const digits = step < 0.1 ? 2 : step < 1 ? 1 : 0;
    const label = (t) => {
      const m = Math.floor(t / 60);
      const sec = (t - m * 60).toFixed(digits);
      return `${m}:${sec.padStart(digits ? 3 + digits : 2, '0')}`;
    };
    g.font = `${11 * k}px ${color('--mono')}`;
    g.textBaseline = 'top';
    g.textAlign = 'left';
    for (let i = Math.ceil(view.start / step); i * step <= view.start + view.span; i++) {
      const t = i * step;
      const x = Math.round(((t - view.start) / view.span) * W);
      g.fillStyle = color('--grid-strong');
      g.fillRect(x, 0, Math.max(1, Math.round(k)), 6 * k);
      g.fillStyle = color('--muted');
      if (x + 3 * k < W - 30 * k) g.fillText(label(t), x + 3 * k, 2 * k);
    }
  }

  const xOf = (t) => ((t - view.start) / view.span) * overlay.width;
  const timeAt = (clientX) => {
    const r = wave.getBoundingClientRect();
    return view.start + clamp((clientX - r.left) / Math.max(1, r.width), 0, 1) * view.span;
  };

  function drawOverlay(position) {
    const g = overlay.getContext('2d');
    const W = overlay.width;
    const H = overlay.height;
    g.clearRect(0, 0, W, H);
    const region = selecting ?? ab;
    if (region) {
      const a = xOf(Math.min(region.a, region.b));
      const b = xOf(Math.max(region.a, region.b));
      g.globalAlpha = 0.22;
      g.fillStyle = color('--accent');
      g.fillRect(a, 0, b - a, H);
      g.globalAlpha = 1;
      g.fillRect(Math.round(a), 0, Math.ceil(dpr()), H);
      g.fillRect(Math.round(b), 0, Math.ceil(dpr()), H);
    }
    const x = xOf(position);
    if (x >= -2 && x <= W + 2) {
      g.fillStyle = color('--fg');
      g.fillRect(Math.round(x - dpr()), 0, Math.max(2, Math.round(2 * dpr())), H);
    }
  }

  function zoomAround(t, factor) {
    if (!track) return;
    const frac = (t - view.start) / view.span;
    view.span *= factor;
    clampView();
    view.start = t - frac * view.span;
    viewChanged();
  }
  function zoomCentre() {
    const p = last.position;
    return p >= view.start && p <= view.start + view.span ? p : view.start + view.span / 2;
  }
  zoomIn.addEventListener('click', () => zoomAround(zoomCentre(), 1 / ZOOM_STEP));
  zoomOut.addEventListener('click', () => zoomAround(zoomCentre(), ZOOM_STEP));

  wave.addEventListener('wheel', (e) => {
    if (!track) return;
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const d = (e.shiftKey && e.deltaX === 0 ? e.deltaY : e.deltaX) * unit;
      view.start += (d / Math.max(1, wave.clientWidth)) * view.span;
      viewChanged();
    } else {
      zoomAround(timeAt(e.clientX), Math.exp(e.deltaY * unit * 0.002));
    }
  }, { passive: false });

  let dragging = false;
  wave.addEventListener('pointerdown', (e) => {
    if (!track || e.button !== 0) return;
    wave.focus();
    wave.setPointerCapture(e.pointerId);
    dragging = true;
    const t = timeAt(e.clientX);
    if (e.shiftKey) selecting = { a: t, b: t };
    else seekTo(t);
    shownOverlay = '';
  });
  wave.addEventListener('pointermove', (e) => {
    if (!dragging) return;
    const t = timeAt(e.clientX);
    if (selecting) selecting.b = t;
    else seekTo(t);
    shownOverlay = '';
  });
  const endDrag = () => {
    if (!dragging) return;
    dragging = false;
    if (selecting) {
      const { a, b } = selecting;
      selecting = null;
      // A shift-click without a drag selects nothing.
      if (Math.abs(b - a) * (wave.clientWidth / view.span) >= 3) setAb(a, b);
      shownOverlay = '';
    }
  };
  wave.addEventListener('pointerup', endDrag);
  wave.addEventListener('pointercancel', endDrag);

  wave.addEventListener('keydown', (e) => {
    const d = last.duration || track?.duration || 0;
    let t = null;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') t = last.position - SEEK_STEP_S;
    else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') t = last.position + SEEK_STEP_S;
    else if (e.key === 'PageDown') t = last.position - d / 10;
    else if (e.key === 'PageUp') t = last.position + d / 10;
    else if (e.key === 'Home') t = 0;
    else if (e.key === 'End') t = d;
    if (t === null) return;
    e.preventDefault();
    e.stopPropagation();
    seekTo(t);
  });

  // A theme change (the shell sets data-theme on <html>) redraws in its colours.
  new MutationObserver(() => { baseDirty = true; shownOverlay = ''; })
    .observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

  new ResizeObserver(() => {
    resizeCanvases();
    viewChanged();
  }).observe(wave);

  // ---- Meters ---------------------------------------------------------------
  function setClip(on) {
    clipped = on;
    clipButton.setAttribute('aria-pressed', String(on));
  }
  clipButton.addEventListener('click', () => setClip(false));

  function updateMeters(now, snapshot, dt) {
    const m = snapshot?.meters;
    if (m?.clipped && !clipped) setClip(true);
    const aria = now - lastAria >= ARIA_INTERVAL_MS;
    if (aria) lastAria = now;
    for (const mt of meters) {
      const fresh = m && snapshot.fresh !== false ? toDb(mt.kind === 'peak' ? m.peak[mt.ch] : m.rms[mt.ch]) : -Infinity;
      // Peak bars fall at a fixed rate; RMS follows the engine's window.
      const fallen = mt.db - PEAK_DECAY_DB_S * dt;
      mt.db = mt.kind === 'peak' ? Math.max(fresh, fallen) : (m ? toDb(m.rms[mt.ch]) : fallen);
      if (mt.db >= mt.held) { mt.held = mt.db; mt.heldAt = now; }
      else if (now - mt.heldAt > PEAK_HOLD_S * 1000) mt.held = Math.max(mt.db, mt.held - PEAK_DECAY_DB_S * dt);
      const frac = (db) => clamp((db - METER_FLOOR_DB) / -METER_FLOOR_DB, 0, 1);
      const w = Math.round(frac(mt.db) * 1000) / 1000;
      if (w !== mt.shownW) { mt.fill.style.transform = `scaleX(${w})`; mt.shownW = w; }
      const hw = Math.round(frac(mt.held) * 1000) / 10;
      if (hw !== mt.shownHold) { mt.hold.style.left = `${hw}%`; mt.hold.hidden = hw <= 0; mt.shownHold = hw; }
      if (aria) {
        const shown = Number.isFinite(mt.db) && mt.db > METER_FLOOR_DB ? mt.db : -Infinity;
        const text = fmt.db(shown, 1);
        if (text !== mt.shownText) {
          mt.shownText = text;
          mt.text.textContent = Number.isFinite(shown) ? text.replace(' dB', '') : '−∞';
          mt.bar.setAttribute('aria-valuenow', (Number.isFinite(shown) ? shown : METER_FLOOR_DB).toFixed(1));
          mt.bar.setAttribute('aria-valuetext', text);
        }
      }
    }
  }

  // ---- Per frame ------------------------------------------------------------
  ctx.bus.addEventListener('frame', (e) => {
    const { now, status, snapshot } = e.detail;
    const dt = lastNow ? Math.min(0.25, (now - lastNow) / 1000) : 0;
    lastNow = now;
    // While dragging, and briefly after a seek (until the engine reports
    // it), the playhead stays where the pointer put it.
    if (status.position !== undefined && !dragging && now > seekUntil) {
      last = { position: status.position, duration: status.duration, playing: status.playing,
        ended: status.ended };
    } else if (status.position !== undefined) {
      last.playing = status.playing;
      last.duration = status.duration;
    }
    const source = status.source;
    const onTrack = source === undefined || source === 'track';
    const pos = onTrack ? last.position : 0;

    const label = last.playing ? 'Pause' : 'Play';
    if (playButton.textContent !== label) playButton.textContent = label;

    const timeText = `${fmt.time(pos)} / ${fmt.time(track?.duration ?? last.duration ?? 0)}`;
    if (timeText !== shownTime) { time.textContent = timeText; shownTime = timeText; }
    const valueNow = pos.toFixed(1);
    if (valueNow !== shownValueNow) {
      shownValueNow = valueNow;
      wave.setAttribute('aria-valuenow', valueNow);
      wave.setAttribute('aria-valuetext', `${fmt.time(pos)} of ${fmt.time(track?.duration ?? 0)}`);
    }

    // Zoomed in and playing: the view pages along with the playhead.
    if (last.playing && !dragging && track && view.span < track.duration
      && (pos > view.start + view.span || pos < view.start)) {
      view.start = pos;
      viewChanged();
    }

    if (baseDirty) { drawBase(); shownOverlay = ''; }
    const key = `${Math.round(xOf(pos))}`;
    if (key !== shownOverlay) { drawOverlay(pos); shownOverlay = key; }
    updateMeters(now, snapshot, dt);
  });

  // ---- Keyboard -------------------------------------------------------------
  const openDialog = () => { if (!dialog.open) dialog.showModal(); };
  helpButton.addEventListener('click', openDialog);

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (e.key === 'Escape') {
      // The panic key: works everywhere, even in a field.
      setVolume(vol - ESC_DROP_DB);
      for (const d of document.querySelectorAll('dialog[open]')) d.close();
      e.preventDefault();
      return;
    }
    if (isTextField(t) || t instanceof HTMLSelectElement) return;
    // A dialog (this panel's or another's) has the keys while it is open.
    if (document.querySelector('dialog[open]')) return;
    // Controls keep their own keys: Space clicks a button or ticks a box,
    // arrows move a slider.
    const control = t instanceof HTMLButtonElement || t instanceof HTMLInputElement || t?.tagName === 'SUMMARY'
      || (t?.getAttribute?.('role') === 'slider' && t !== wave) || t === scroller;
    const slider = t instanceof HTMLInputElement && t.type === 'range';
    switch (e.key) {
      case ' ':
        if (control) return;
        playPause();
        break;
      case 's': case 'S':
        stop();
        break;
      case 'l': case 'L':
        loopBox.checked = !loopBox.checked;
        applyLoop();
        break;
      case 'ArrowLeft': case 'ArrowRight':
        if (slider) return;
        seekTo(last.position + (e.key === 'ArrowLeft' ? -SEEK_STEP_S : SEEK_STEP_S));
        break;
      case 'ArrowUp': case 'ArrowDown':
        if (slider) return;
        setVolume(vol + (e.key === 'ArrowUp' ? 1 : -1));
        break;
      case 'o': case 'O':
        fileInput.click();
        break;
      case '?':
        openDialog();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  // ---- Start: the persisted volume and pan ----------------------------------
  resizeCanvases();
  return Promise.all([setVolume(vol), setPan(panValue)]);
}
