// Equalizer panel: the chain's 8 EQ bands (gain as vertical sliders,
// frequency, Q and type per band), the combined response curve computed by
// the engine (wpb_params_eq_response_db) for the current settings, presets
// (built-in and the user's, in settings 'eq.presets'), reset and bypass
// (param eq.on). Every value is persisted in settings 'params' ({name:
// value}, shared with the Effects panel) and re-applied at mount.

const BANDS = 8;
const FIELDS = ['type', 'freq', 'gain', 'q'];
const GAIN_RANGE_DB = 24;       // the sliders' range, ± (the engine's band gain range)
const PLOT_DB = 24;             // the plot's dB axis, ±
const PLOT_MIN_HZ = 20;
const PLOT_MAX_HZ = 20000;
const CURVE_POINTS = 256;
const DB_TICKS = [-24, -18, -12, -6, 0, 6, 12, 18, 24];
const HZ_TICKS = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];

const TYPE_LABELS = {
  peaking: 'Peaking', lowshelf: 'Low shelf', highshelf: 'High shelf', lowpass: 'Low pass',
  highpass: 'High pass', bandpass: 'Band pass', notch: 'Notch', allpass: 'All pass',
};

// Built-in presets: band gains (dB) on the default band layout (low shelf
// 60 Hz; bells 170, 310, 600, 1k, 3k, 6k; high shelf 12 kHz).
const PRESETS = {
  Flat: [0, 0, 0, 0, 0, 0, 0, 0],
  'Bass boost': [6, 4, 2, 0, 0, 0, 0, 0],
  'Treble boost': [0, 0, 0, 0, 0, 2, 4, 6],
  Vocal: [-3, -2, 0, 2, 3, 3, 1, -1],
  Loudness: [6, 3, 0, -1, 0, 1, 3, 5],
};

const name = (b, field) => `eq.b${b + 1}.${field}`;

// ---- persisted parameter values (shared with ui/effects.js) ----

export function savedParams(ctx) {
  return ctx.settings.get('params', {});
}

export function saveParams(ctx, values) {
  ctx.settings.set('params', { ...savedParams(ctx), ...values });
}

// Sets parameters on the engine and persists them; a refused value is
// reported (the engine keeps the old one).
export async function applyParams(ctx, values) {
  const failed = await ctx.wp.call('setParams', values);
  const kept = { ...values };
  for (const f of failed) delete kept[f.name];
  saveParams(ctx, kept);
  if (failed.length) throw new Error(failed.map((f) => f.message).join('; '));
}

// Values as the inputs show them: whole numbers without decimals.
export const trimNumber = (v, digits) => String(+v.toFixed(digits));

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('aria-') || k === 'role' || k === 'for') e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children);
  return e;
}

export async function mount(ctx) {
  const { wp, fmt } = ctx;
  const section = document.getElementById('panel-eq');
  const table = await wp.call('paramTable');
  const info = new Map(table.map((p) => [p.name, p]));
  const rate = wp.status().sampleRate;
  const maxFreq = Math.floor(0.49 * rate);
  const typeChoices = info.get(name(0, 'type')).choices;

  // Current values: engine, overridden by the persisted ones (re-applied).
  const eqNames = table.map((p) => p.name).filter((n) => n.startsWith('eq.'));
  const saved = savedParams(ctx);
  const restore = Object.fromEntries(eqNames.filter((n) => n in saved).map((n) => [n, saved[n]]));
  if (Object.keys(restore).length) await ctx.report(applyParams(ctx, restore));
  const values = await wp.call('getParams', eqNames);

  // ---- DOM ----
  const presetSelect = el('select', { id: 'eq-preset' });
  const saveButton = el('button', { type: 'button', textContent: 'Save preset' });
  const resetButton = el('button', { type: 'button', textContent: 'Reset EQ' });
  const bypass = el('input', { type: 'checkbox', id: 'eq-bypass' });
  const nameInput = el('input', { type: 'text', id: 'eq-preset-name', required: true, maxLength: 40,
    autocomplete: 'off' });
  const saveForm = el('form', { className: 'eq-save', hidden: true },
    el('label', { for: 'eq-preset-name', textContent: 'Preset name' }), nameInput,
    el('button', { type: 'submit', textContent: 'Save' }));
  const canvas = el('canvas', { className: 'eq-plot', role: 'img', 'aria-label': 'EQ response' });
  const bandsBox = el('div', { className: 'eq-bands' });

  section.replaceChildren(
    el('div', { className: 'card-head' },
      el('h2', { textContent: 'Equalizer' }),
      el('div', { className: 'controls eq-controls' },
        el('label', { for: 'eq-preset', textContent: 'EQ preset' }), presetSelect,
        saveButton, resetButton,
        el('label', { className: 'check' }, bypass, ' Bypass EQ'))),
    saveForm,
    el('div', { className: 'eq-plot-wrap' }, canvas),
    bandsBox);

  const bands = [];
  for (let b = 0; b < BANDS; b++) {
    const id = `eq-b${b + 1}`;
    const gain = el('input', { type: 'range', id: `${id}-gain`, min: -GAIN_RANGE_DB, max: GAIN_RANGE_DB, step: 0.1,
      className: 'eq-gain', 'aria-label': `EQ band ${b + 1} gain`, 'aria-orientation': 'vertical' });
    const gainText = el('output', { className: 'eq-gain-value', htmlFor: gain.id });
    const freqLabel = el('span', { className: 'eq-freq-label', 'aria-hidden': 'true' });
    const freq = el('input', { type: 'number', min: 10, max: maxFreq, step: 1, className: 'eq-num',
      'aria-label': `EQ band ${b + 1} frequency` });
    const q = el('input', { type: 'number', min: info.get(name(b, 'q')).min, max: info.get(name(b, 'q')).max,
      step: 0.01, className: 'eq-num', 'aria-label': `EQ band ${b + 1} Q` });
    const type = el('select', { className: 'eq-type', 'aria-label': `EQ band ${b + 1} type` },
      ...typeChoices.map((c, i) => el('option', { value: String(i), textContent: TYPE_LABELS[c] ?? c })));
    bandsBox.append(el('div', { className: 'eq-band' },
      gainText, el('div', { className: 'eq-gain-wrap' }, gain), freqLabel,
      el('label', { className: 'eq-field' }, el('span', { textContent: 'Hz', 'aria-hidden': 'true' }), freq),
      el('label', { className: 'eq-field' }, el('span', { textContent: 'Q', 'aria-hidden': 'true' }), q),
      type));
    bands.push({ gain, gainText, freqLabel, freq, q, type });
  }

  // ---- showing the values ----
  function showBand(b) {
    const u = bands[b];
    const g = values[name(b, 'gain')];
    const f = values[name(b, 'freq')];
    u.gain.value = String(g);
    u.gain.setAttribute('aria-valuetext', `${trimNumber(g, 1)} dB at ${trimNumber(f, 0)} Hz`);
    u.gainText.value = fmt.db(g);
    u.freqLabel.textContent = fmt.hz(f);
    u.freq.value = trimNumber(f, 0);
    u.q.value = trimNumber(values[name(b, 'q')], 2);
    u.type.value = String(values[name(b, 'type')]);
  }

  function showAll() {
    for (let b = 0; b < BANDS; b++) showBand(b);
    bypass.checked = values['eq.on'] === 0;
  }

  function userPresets() { return ctx.settings.get('eq.presets', {}); }

  function fillPresets() {
    const user = Object.keys(userPresets()).filter((n) => !(n in PRESETS));
    presetSelect.replaceChildren(...Object.keys(PRESETS).map((n) => el('option', { value: n, textContent: n })),
      ...user.map((n) => el('option', { value: n, textContent: n })));
    // No option selected after edits (or a preset that is gone).
    presetSelect.value = ctx.settings.get('eq.preset', '');
  }

  // The band settings a preset stands for: {name: value}.
  function presetValues(presetName) {
    const user = userPresets()[presetName];
    if (user) return { ...user };
    const out = {};
    for (let b = 0; b < BANDS; b++) {
      for (const f of [...FIELDS, 'on']) out[name(b, f)] = info.get(name(b, f)).def;
      out[name(b, 'gain')] = PRESETS[presetName][b];
    }
    return out;
  }

  function choosePreset(presetName) {
    ctx.settings.set('eq.preset', presetName);
    presetSelect.value = presetName;
  }

  // ---- changes ----
  function set(changes, presetName = '') {
    Object.assign(values, changes);
    showAll();
    if (!presetName) {
      ctx.settings.set('eq.preset', '');
      presetSelect.selectedIndex = -1;
    }
    const applied = applyParams(ctx, changes);
    // After the values went to the engine (calls run in order).
    requestCurve();
    return ctx.report(applied.catch(async (e) => {
      // Show what the engine kept.
      Object.assign(values, await wp.call('getParams', Object.keys(changes)));
      showAll();
      requestCurve();
      throw e;
    }));
  }

  bands.forEach((u, b) => {
    u.gain.addEventListener('input', () => set({ [name(b, 'gain')]: Number(u.gain.value) }));
    u.type.addEventListener('change', () => set({ [name(b, 'type')]: Number(u.type.value) }));
    const number = (input, field, min, max) => input.addEventListener('change', () => {
      const v = Number(input.value);
      if (input.value === '' || !(v >= min && v <= max)) {
        showBand(b);
        ctx.report(Promise.reject(new Error(`band ${b + 1} ${field === 'freq' ? 'frequency' : 'Q'}: ` +
          `enter a value from ${min} to ${max}`)));
        return;
      }
      set({ [name(b, field)]: v });
    });
    number(u.freq, 'freq', 10, maxFreq);
    number(u.q, 'q', Number(u.q.min), Number(u.q.max));
  });

  // Bypass keeps the preset shown.
  bypass.addEventListener('change', () => set({ 'eq.on': bypass.checked ? 0 : 1 }, ctx.settings.get('eq.preset', '')));

  presetSelect.addEventListener('change', () => {
    if (presetSelect.selectedIndex < 0) return;
    choosePreset(presetSelect.value);
    set(presetValues(presetSelect.value), presetSelect.value);
  });

  resetButton.addEventListener('click', () => {
    const defaults = Object.fromEntries(eqNames.map((n) => [n, info.get(n).def]));
    choosePreset('Flat');
    set(defaults, 'Flat');
  });

  saveButton.addEventListener('click', () => {
    saveForm.hidden = !saveForm.hidden;
    saveButton.setAttribute('aria-expanded', String(!saveForm.hidden));
    if (!saveForm.hidden) nameInput.focus();
  });
  saveButton.setAttribute('aria-expanded', 'false');
  saveForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const presetName = nameInput.value.trim();
    if (!presetName) return;
    if (presetName in PRESETS) {
      ctx.report(Promise.reject(new Error(`"${presetName}" is a built-in preset: choose another name`)));
      return;
    }
    const bandValues = {};
    for (let b = 0; b < BANDS; b++) for (const f of [...FIELDS, 'on']) bandValues[name(b, f)] = values[name(b, f)];
    ctx.settings.set('eq.presets', { ...userPresets(), [presetName]: bandValues });
    fillPresets();
    choosePreset(presetName);
    nameInput.value = '';
    saveForm.hidden = true;
    saveButton.setAttribute('aria-expanded', 'false');
    saveButton.focus();
  });
  nameInput.addEventListener('keydown', (ev) => {
    // Esc also reaches the page (it lowers the volume at once).
    if (ev.key !== 'Escape') return;
    saveForm.hidden = true;
    saveButton.setAttribute('aria-expanded', 'false');
    saveButton.focus();
  });

  // ---- the response curve (from the engine) ----
  const hiHz = Math.min(PLOT_MAX_HZ, maxFreq);
  const plotFreqs = Array.from({ length: CURVE_POINTS },
    (_, i) => PLOT_MIN_HZ * (hiHz / PLOT_MIN_HZ) ** (i / (CURVE_POINTS - 1)));
  let response = null;     // Float64Array: the curve, then one value per band
  let bandFreqs = [];
  let inFlight = false;
  let again = false;

  async function requestCurve() {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      do {
        again = false;
        bandFreqs = bands.map((_, b) => Math.min(maxFreq, values[name(b, 'freq')]));
        response = await wp.call('eqResponseDb', [...plotFreqs, ...bandFreqs]);
        scheduleDraw();
      } while (again);
    } catch (e) {
      ctx.report(Promise.reject(e));
    } finally {
      inFlight = false;
    }
  }

  let drawPending = false;
  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      draw();
    });
  }

  let width = 0;
  let height = 0;
  function resize() {
    const dpr = window.devicePixelRatio || 1;
    width = canvas.clientWidth;
    height = canvas.clientHeight;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.getContext('2d').setTransform(dpr, 0, 0, dpr, 0, 0);
    draw();
  }

  function draw() {
    if (!width || !height) return;
    const g = canvas.getContext('2d');
    const css = getComputedStyle(canvas);
    const color = (v) => css.getPropertyValue(v).trim();
    const left = 34;
    const bottom = 18;
    const w = width - left - 6;
    const h = height - bottom - 6;
    const x = (f) => left + (w * Math.log(f / PLOT_MIN_HZ)) / Math.log(hiHz / PLOT_MIN_HZ);
    const y = (db) => 6 + (h * (PLOT_DB - Math.max(-PLOT_DB, Math.min(PLOT_DB, db)))) / (2 * PLOT_DB);
    g.fillStyle = color('--plot-bg');
    g.fillRect(0, 0, width, height);
    g.font = `11px ${color('--sans') || 'sans-serif'}`;
    g.lineWidth = 1;
    g.fillStyle = color('--muted');
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const db of DB_TICKS) {
      g.strokeStyle = color(db === 0 ? '--grid-strong' : '--grid');
      g.beginPath();
      g.moveTo(left, Math.round(y(db)) + 0.5);
      g.lineTo(left + w, Math.round(y(db)) + 0.5);
      g.stroke();
      if (db % 12 === 0 || h > 120) g.fillText(db > 0 ? `+${db}` : fmt.db(db, 0).replace(' dB', ''), left - 4, y(db));
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const f of HZ_TICKS) {
      if (f > hiHz) continue;
      g.strokeStyle = color('--grid');
      g.beginPath();
      g.moveTo(Math.round(x(f)) + 0.5, 6);
      g.lineTo(Math.round(x(f)) + 0.5, 6 + h);
      g.stroke();
      if (w < 400 && ![100, 1000, 10000].includes(f)) continue;
      // The last label ends at the right edge.
      g.textAlign = x(f) + 12 > width ? 'right' : 'center';
      g.fillText(fmt.tick(f), Math.min(x(f), width - 2), height - bottom + 4);
    }
    if (!response) return;
    const off = values['eq.on'] === 0;
    g.strokeStyle = color(off ? '--muted' : '--curve');
    g.lineWidth = 2;
    g.beginPath();
    for (let i = 0; i < CURVE_POINTS; i++) {
      const px = x(plotFreqs[i]);
      const py = y(response[i]);
      if (i === 0) g.moveTo(px, py);
      else g.lineTo(px, py);
    }
    g.stroke();
    g.fillStyle = color('--accent');
    g.textBaseline = 'bottom';
    bandFreqs.forEach((f, b) => {
      if (f < PLOT_MIN_HZ || f > hiHz) return;
      const px = x(f);
      const py = y(response[CURVE_POINTS + b]);
      g.beginPath();
      g.arc(px, py, 3.5, 0, 2 * Math.PI);
      g.fill();
      g.fillText(String(b + 1), px, py - 5);
    });
  }

  new ResizeObserver(resize).observe(canvas);
  // Themes redefine the colours.
  new MutationObserver(scheduleDraw).observe(document.documentElement,
    { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });

  fillPresets();
  showAll();
  requestCurve();
}
