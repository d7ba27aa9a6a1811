// What every panel of the page gets (ui/*.js export `mount(ctx)`):
//   ctx.wp        window.wavepool (the engine API, see app.js)
//   ctx.settings  persisted settings: get(key, fallback), set(key, value)
//                 (one JSON object in localStorage 'wavepool.settings')
//   ctx.bus       events: 'track' (detail: the current track's info) when
//                 the current track changes; 'frame' (detail: {status,
//                 snapshot, now}) once per display frame, where snapshot is
//                 the engine's newest analysis ({db, binHz, meters, fresh})
//                 or null; read it there, never from the engine directly
//                 (the engine has one snapshot reader: app.js)
//   ctx.report(promise)  shows a failed action's message without stopping the page
//   ctx.fmt       formatters shared by the panels
// Panels build their own DOM inside their <section> of index.html.

const STORAGE_KEY = 'wavepool.settings';

function loadSettings() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

export function createSettings() {
  const values = loadSettings();
  return {
    get: (key, fallback) => (key in values ? values[key] : fallback),
    set(key, value) {
      values[key] = value;
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(values));
      } catch {
        // Storage full or denied: the setting lasts for this visit only.
      }
    },
  };
}

export const minus = (v, digits) => `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)}`;

export const fmt = Object.freeze({
  hz: (f) => (f >= 1000 ? `${+(f / 1000).toFixed(f % 1000 ? 2 : 0)} kHz` : `${Math.round(f)} Hz`),
  tick: (f) => (f >= 1000 ? `${f / 1000}k` : `${f}`),
  db: (v, digits = 1) => (Number.isFinite(v) ? `${minus(v, digits)} dB` : '−∞ dB'),
  time(s) {
    const t = Math.max(0, s);
    const m = Math.floor(t / 60);
    return `${m}:${(t - m * 60).toFixed(1).padStart(4, '0')}`;
  },
  // Linear amplitude as dBFS text.
  level: (x) => (x > 0 ? minus(20 * Math.log10(x), 1) : '−∞'),
});

export function createContext(wp, report) {
  return { wp, settings: createSettings(), bus: new EventTarget(), report, fmt };
}
