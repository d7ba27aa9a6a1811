// Effects panel, generated from the engine's parameter table: one group per
// effect (the parameter name's prefix), with its enable switch (<prefix>.on)
// and a control per parameter: a range for continuous values, a select for
// integers and enums (the table's choices). Changes go to the engine with
// setParam (each module smooths them) and are persisted in settings
// 'params', re-applied at mount.
import { applyParams, el, savedParams, trimNumber } from './eq.js';

// Display order, group titles, the effect's name inside control names.
const GROUPS = [
  { prefix: 'reverb', title: 'Reverb' },
  { prefix: 'delay', title: 'Delay' },
  { prefix: 'chorus', title: 'Chorus' },
  { prefix: 'dist', title: 'Distortion' },
  { prefix: 'comp', title: 'Compressor' },
  { prefix: 'limiter', title: 'Limiter' },
  { prefix: 'stereo', title: 'Stereo' },
];
// The Player panel owns these (its "Pan" slider).
const ELSEWHERE = new Set(['stereo.pan']);
// The shell's "Safety limiter" setting owns limiter.on across visits: it is
// shown and switched here, not persisted, and re-read while shown.
const NOT_PERSISTED = new Set(['limiter.on']);
const REREAD_MS = 1000;

const LABELS = { highcut: 'high cut', pingpong: 'ping-pong', predelay: 'pre-delay' };
const CHOICE_LABELS = { rms: 'RMS' };

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// Slider step: about a thousandth of the range, a power of ten.
function stepOf(p) {
  if (p.kind !== 'continuous') return 1;
  return 10 ** Math.floor(Math.log10((p.max - p.min) / 1000));
}

// The visible value with its unit. Unitless 0..1 amounts read as percent.
function valueText(p, v) {
  if (p.unit === '' && p.min === 0 && p.max <= 1) return `${trimNumber(v * 100, 0)} %`;
  if (p.unit === '') return trimNumber(v, 2);
  if (p.unit === ':1') return `${trimNumber(v, 1)}:1`;
  const digits = Math.max(0, -Math.log10(stepOf(p)));
  if (p.unit === 'Hz' && v >= 1000) return `${trimNumber(v / 1000, 2)} kHz`;
  return `${trimNumber(v, Math.min(digits, 2)).replace('-', '−')} ${p.unit}`;
}

export async function mount(ctx) {
  const { wp } = ctx;
  const section = document.getElementById('panel-effects');
  const table = await wp.call('paramTable');
  const groups = GROUPS.map((g) => ({
    ...g,
    on: table.find((p) => p.name === `${g.prefix}.on`),
    params: table.filter((p) => p.name.startsWith(`${g.prefix}.`) && p.name !== `${g.prefix}.on` &&
      !ELSEWHERE.has(p.name)),
  })).filter((g) => g.on || g.params.length);
  const names = groups.flatMap((g) => [...(g.on ? [g.on] : []), ...g.params]).map((p) => p.name);

  const saved = savedParams(ctx);
  const restore = Object.fromEntries(names.filter((n) => n in saved && !NOT_PERSISTED.has(n))
    .map((n) => [n, saved[n]]));
  if (Object.keys(restore).length) await ctx.report(applyParams(ctx, restore));
  const values = await wp.call('getParams', names);

  const controls = new Map(); // name -> {show(v)}
  const grid = el('div', { className: 'fx-grid' });
  section.replaceChildren(el('h2', { textContent: 'Effects' }), grid);

  function send(p, v) {
    values[p.name] = v;
    if (NOT_PERSISTED.has(p.name)) {
      ctx.report(wp.setParam(p.name, v).catch(async (e) => {
        controls.get(p.name).show((values[p.name] = await wp.getParam(p.name)));
        throw e;
      }));
      return;
    }
    ctx.report(applyParams(ctx, { [p.name]: v }).catch(async (e) => {
      controls.get(p.name).show((values[p.name] = await wp.getParam(p.name)));
      throw e;
    }));
  }

  for (const g of groups) {
    const fieldset = el('fieldset', { className: 'fx-group' }, el('legend', { textContent: g.title }));
    if (g.on) {
      const box = el('input', { type: 'checkbox', id: `fx-${g.prefix}-on` });
      const warn = g.prefix === 'limiter'
        ? el('p', { className: 'fx-warn', role: 'status', textContent: '' }) : null;
      const show = (v) => {
        box.checked = v === 1;
        fieldset.classList.toggle('fx-off', v !== 1);
        if (warn) warn.textContent = v === 1 ? '' : 'Limiter off: peaks above 0 dBFS will clip.';
      };
      box.addEventListener('change', () => {
        send(g.on, box.checked ? 1 : 0);
        show(box.checked ? 1 : 0);
      });
      fieldset.append(el('label', { className: 'check fx-enable' }, box, ` Enable ${g.title.toLowerCase()}`));
      if (warn) fieldset.append(warn);
      controls.set(g.on.name, { show });
    }
    for (const p of g.params) {
      const suffix = p.name.slice(g.prefix.length + 1);
      const label = `${g.title} ${LABELS[suffix] ?? suffix}`;
      const id = `fx-${p.name.replace('.', '-')}`;
      const row = el('div', { className: 'fx-row' });
      if (p.kind === 'continuous') {
        const input = el('input', { type: 'range', id, min: p.min, max: p.max, step: stepOf(p) });
        const out = el('output', { htmlFor: id, className: 'fx-value' });
        const show = (v) => {
          input.value = String(v);
          out.value = valueText(p, v);
          input.setAttribute('aria-valuetext', out.value);
        };
        input.addEventListener('input', () => {
          const v = Number(input.value);
          show(v);
          send(p, v);
        });
        row.append(el('label', { for: id, textContent: label }), out, input);
        controls.set(p.name, { show });
      } else {
        const choices = p.choices ?? Array.from({ length: p.max - p.min + 1 }, (_, i) => String(p.min + i));
        const select = el('select', { id },
          ...choices.map((c, i) => el('option', { value: String(p.min + i),
            textContent: CHOICE_LABELS[c] ?? capital(c) })));
        const show = (v) => { select.value = String(v); };
        select.addEventListener('change', () => send(p, Number(select.value)));
        row.classList.add('fx-row-select');
        row.append(el('label', { for: id, textContent: label }), select);
        controls.set(p.name, { show });
      }
      fieldset.append(row);
    }
    grid.append(fieldset);
  }
  for (const [n, c] of controls) c.show(values[n]);

  // Another panel (the shell's settings) may switch what is not persisted here.
  const reread = [...NOT_PERSISTED].filter((n) => controls.has(n));
  setInterval(async () => {
    if (document.hidden || !reread.length) return;
    try {
      const now = await wp.call('getParams', reread);
      for (const n of reread) {
        if (now[n] !== values[n]) controls.get(n).show((values[n] = now[n]));
      }
    } catch {
      // The engine stopped: the page shows why.
    }
  }, REREAD_MS);
}
