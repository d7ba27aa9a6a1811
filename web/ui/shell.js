// The page shell: the engine badge in the header (threaded pool or
// single-threaded, with the reason and where to read how to enable
// threads), the Settings dialog (theme, safety limiter, performance panel)
// and the performance panel (#panel-performance). Mounted first.
//
// Settings (ctx.settings): 'theme' ('dark' | 'light' | 'high-contrast'),
// 'limiter' (boolean, the chain's limiter.on), 'showPerformance' (boolean).
// A theme change sends ctx.bus 'theme' (detail: {theme}): panels whose
// canvases are not redrawn every frame redraw them then, since they read
// their colours from the CSS variables at draw time.

import { createSettings } from './context.js';

const THEMES = Object.freeze([
  Object.freeze({ value: 'dark', label: 'Dark' }),
  Object.freeze({ value: 'light', label: 'Light' }),
  Object.freeze({ value: 'high-contrast', label: 'High contrast' }),
]);
const DEFAULT_THEME = 'dark';
const FRAME_WINDOW_MS = 2000;   // frame-time statistics cover the last 2 s
const PERF_UPDATE_MS = 250;     // the performance texts change 4 times a second
const MIB = 1024 * 1024;

const themeOf = (value) => (THEMES.some((t) => t.value === value) ? value : DEFAULT_THEME);

function applyTheme(value) {
  const theme = themeOf(value);
  document.documentElement.dataset.theme = theme;
  // The UA's own widgets (scrollbars, the dialog backdrop before CSS) follow too.
  const meta = document.querySelector('meta[name="color-scheme"]');
  if (meta) meta.content = theme === 'light' ? 'light' : 'dark';
  return theme;
}

// On import, before the engine starts (the shell is mounted only once it
// runs): the saved theme shows from the first paint on.
applyTheme(createSettings().get('theme', DEFAULT_THEME));

// Small DOM builder: el('p', {className: 'x', text: 'y'}, child, ...).
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else if (key in node && !key.includes('-')) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

let uid = 0;
const nextId = (stem) => `shell-${stem}-${++uid}`;

// ---- Badge --------------------------------------------------------------

function buildBadge(status) {
  const threaded = status.mode === 'multithreaded';
  const badge = el('span', {
    id: 'badge',
    className: `badge ${threaded ? 'badge-ok' : 'badge-warn'}`,
    text: threaded ? `Worker Pool Active (${status.workers} workers)` : 'Single-threaded mode',
  });
  const wrap = el('div', { className: 'badge-wrap' }, badge);
  if (threaded) {
    badge.title = `${status.workers} WebAssembly worker threads run the engine's pool`;
    return wrap;
  }
  const link = el('a', { href: '#st-notice', text: 'How to enable threads' });
  link.addEventListener('click', (event) => {
    const notice = document.getElementById('st-notice');
    if (!notice || notice.hidden) return;
    event.preventDefault();
    notice.scrollIntoView({ block: 'start' });
    notice.focus({ preventScroll: true });
  });
  wrap.append(el('span', { className: 'badge-detail', id: 'badge-reason' },
    el('span', { className: 'badge-reason', text: `Reason: ${status.reason || 'unknown'}.` }), ' ', link));
  return wrap;
}

// ---- Settings dialog ------------------------------------------------------

function checkbox(labelText, checked) {
  const input = el('input', { type: 'checkbox', id: nextId('check'), checked });
  const label = el('label', { className: 'check', htmlFor: input.id }, input, ` ${labelText}`);
  return { input, label };
}

function buildSettings(ctx, perf) {
  const { settings, wp } = ctx;
  const titleId = nextId('title');
  const dialog = el('dialog', { className: 'settings-dialog', 'aria-labelledby': titleId });

  // Theme.
  const themeSelect = el('select', { id: nextId('theme') },
    ...THEMES.map((t) => el('option', { value: t.value, text: t.label })));
  themeSelect.value = themeOf(settings.get('theme', DEFAULT_THEME));
  themeSelect.addEventListener('change', () => {
    const theme = applyTheme(themeSelect.value);
    settings.set('theme', theme);
    ctx.bus.dispatchEvent(new CustomEvent('theme', { detail: { theme } }));
  });
  const themeRow = el('div', { className: 'settings-row' },
    el('label', { htmlFor: themeSelect.id, text: 'Theme' }), themeSelect);

  // Safety limiter: on unless the user turned it off; while off, a warning
  // stays in the dialog and beside the badge.
  const limiter = checkbox('Safety limiter', settings.get('limiter', true) !== false);
  const warningText = 'The safety limiter is off: the output may clip and exceed 0 dBFS, ' +
    'which can be loud and can damage speakers or hearing. Turn the volume down.';
  const warning = el('p', { className: 'settings-warning', id: nextId('warn'), role: 'alert', text: warningText });
  const headerWarning = el('button', {
    type: 'button', className: 'limiter-off', text: 'Limiter off',
    title: 'The safety limiter is off: output may clip. Open the settings to turn it on.',
  });
  limiter.input.setAttribute('aria-describedby', warning.id);
  const showLimiter = (on) => {
    limiter.input.checked = on;
    warning.hidden = on;
    headerWarning.hidden = on;
  };
  const setLimiter = (on) => {
    showLimiter(on);
    settings.set('limiter', on);
    return ctx.report(wp.setParam('limiter.on', on ? 1 : 0));
  };
  limiter.input.addEventListener('change', () => setLimiter(limiter.input.checked));
  const limiterRow = el('div', { className: 'settings-row settings-check' }, limiter.label,
    el('p', { className: 'settings-hint', text: 'Keeps the output below −1 dBTP (true peak).' }), warning);

  // Performance panel.
  const showPerf = checkbox('Show performance', settings.get('showPerformance', false) === true);
  showPerf.input.addEventListener('change', () => {
    settings.set('showPerformance', showPerf.input.checked);
    perf.show(showPerf.input.checked);
  });
  const perfRow = el('div', { className: 'settings-row settings-check' }, showPerf.label,
    el('p', { className: 'settings-hint', text: 'Frame rate, frame times, DSP load, underruns, latency and memory.' }));

  const close = el('button', { type: 'button', className: 'primary', text: 'Close' });
  close.addEventListener('click', () => dialog.close());
  dialog.append(
    el('h2', { id: titleId, text: 'Settings' }),
    themeRow, limiterRow, perfRow,
    el('div', { className: 'settings-actions' }, close),
  );
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener('click', (event) => {
    if (event.target !== dialog) return;
    const r = dialog.getBoundingClientRect();
    const inside = event.clientX >= r.left && event.clientX <= r.right &&
      event.clientY >= r.top && event.clientY <= r.bottom;
    if (!inside) dialog.close();
  });

  const open = el('button', { type: 'button', className: 'settings-button', text: 'Settings', 'aria-haspopup': 'dialog' });
  open.addEventListener('click', () => {
    // Another control (the effects panel's limiter) may have changed it.
    Promise.resolve(wp.getParam('limiter.on')).then((v) => showLimiter(v >= 0.5), () => {});
    dialog.showModal();
  });
  headerWarning.addEventListener('click', () => open.click());

  // The saved state, applied now: the engine starts with the limiter on.
  showLimiter(limiter.input.checked);
  if (!limiter.input.checked) ctx.report(wp.setParam('limiter.on', 0));
  perf.show(showPerf.input.checked);

  return { open, headerWarning, dialog };
}

// ---- Performance panel ------------------------------------------------------

function buildPerformance(ctx) {
  const section = document.getElementById('panel-performance');
  const rows = {};
  const fact = (key, label) => {
    const dd = el('dd', { id: `perf-${key}`, text: '—' });
    rows[key] = dd;
    return el('div', {}, el('dt', { text: label }), dd);
  };
  const titleId = 'performance-heading';
  section.removeAttribute('aria-label');
  section.setAttribute('aria-labelledby', titleId);
  section.append(
    el('h2', { id: titleId, text: 'Performance' }),
    el('dl', { className: 'facts perf-facts' },
      fact('fps', 'FPS'),
      fact('p99', 'Frame time p99 (last 2 s)'),
      fact('dsp', 'DSP load'),
      fact('underruns', 'Underruns'),
      fact('latency', 'Latency'),
      fact('memory', 'Memory (engine heap)'),
      fact('work', 'Main-thread frame work')),
  );

  // Frame timestamps of the last 2 s in a ring (no allocation per frame).
  const capacity = 1024;
  const stamps = new Float64Array(capacity);
  let head = 0;
  let count = 0;
  let lastUpdate = 0;
  let visible = false;
  const intervals = new Float64Array(capacity);
  const shown = {};

  const write = (key, text) => {
    if (shown[key] === text) return;
    shown[key] = text;
    rows[key].textContent = text;
  };

  const update = (now, status) => {
    // Drop stamps older than the window.
    while (count > 0 && now - stamps[(head - count + capacity) % capacity] > FRAME_WINDOW_MS) count--;
    if (count >= 2) {
      const first = stamps[(head - count + capacity) % capacity];
      const last = stamps[(head - 1 + capacity) % capacity];
      const n = count - 1;
      for (let i = 0; i < n; i++) {
        const a = (head - count + i + capacity) % capacity;
        intervals[i] = stamps[(a + 1) % capacity] - stamps[a];
      }
      const sorted = intervals.subarray(0, n).sort();
      const p99 = sorted[Math.min(n - 1, Math.ceil(0.99 * n) - 1)];
      write('fps', (n / ((last - first) / 1000)).toFixed(1));
      write('p99', `${p99.toFixed(1)} ms`);
    }
    write('dsp', Number.isFinite(status.dspLoad) ? `${(status.dspLoad * 100).toFixed(1)} %` : '—');
    write('underruns', Number.isFinite(status.underruns) ? String(status.underruns) : '—');
    write('latency', Number.isFinite(status.latencyMs) ? `${status.latencyMs.toFixed(1)} ms` : '—');
    write('memory', Number.isFinite(status.memoryBytes) ? `${(status.memoryBytes / MIB).toFixed(1)} MiB` : '—');
    write('work', Number.isFinite(status.frameWorkMs) ? `${status.frameWorkMs.toFixed(2)} ms` : '—');
  };

  ctx.bus.addEventListener('frame', ({ detail }) => {
    if (!visible) return;
    stamps[head] = detail.now;
    head = (head + 1) % capacity;
    count = Math.min(capacity, count + 1);
    if (detail.now - lastUpdate >= PERF_UPDATE_MS) {
      lastUpdate = detail.now;
      update(detail.now, detail.status);
    }
  });

  return {
    show(on) {
      visible = on;
      section.hidden = !on;
      // Fresh statistics each time the panel shows.
      count = 0;
      lastUpdate = 0;
    },
  };
}

// ---- Mount ------------------------------------------------------------------

export function mount(ctx) {
  applyTheme(ctx.settings.get('theme', DEFAULT_THEME));
  const perf = buildPerformance(ctx);
  const { open, headerWarning, dialog } = buildSettings(ctx, perf);
  document.getElementById('header-status').replaceChildren(buildBadge(ctx.wp.status()));
  document.getElementById('header-actions').replaceChildren(headerWarning, open);
  document.body.append(dialog);
}
