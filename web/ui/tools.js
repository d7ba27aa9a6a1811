// Tools panel: normalize (a copy of the current track, on the pool, which
// then plays), the signal generator (every engine type, a preview rendered
// by the engine), recording from the microphone (recorder-processor.js) and
// WAV export (the track rendered through the chain and encoded by the
// engine). Thin: the engine computes every sample; this file wires the
// controls, moves buffers and draws.

import { minus } from './context.js';

const NORMALIZE_TARGETS = [
  { value: '-14', text: '−14 LUFS' },
  { value: '-16', text: '−16 LUFS' },
  { value: '-23', text: '−23 LUFS' },
  { value: 'custom', text: 'Custom LUFS' },
  { value: 'peak', text: 'Peak' },
];
const LOUDNESS_RANGE = [-70, 0];  // normalize.h: loudness targets, LUFS
const PEAK_RANGE = [-80, 0];      // normalize.h: peak targets, dBFS
const EXPORT_FORMATS = ['16-bit PCM', '24-bit PCM', '32-bit float']; // wp_wav_format order
const TAIL_SECONDS = 2;           // reverb/delay tail rendered after the end
const GEN_LABELS = {
  sine: 'Sine', square: 'Square', saw: 'Sawtooth', triangle: 'Triangle', white: 'White noise',
  pink: 'Pink noise', sweep: 'Linear sweep', logsweep: 'Log sweep', impulse: 'Impulse', multitone: 'Multitone',
};
// Which inputs each generator type uses (generator.h "Parameters").
const PERIODIC = ['sine', 'square', 'saw', 'triangle'];
const SWEEPS = ['sweep', 'logsweep'];
const GEN_FIELDS = {
  frequency: (t) => PERIODIC.includes(t) || SWEEPS.includes(t),
  frequencyEnd: (t) => SWEEPS.includes(t),
  sweepSeconds: (t) => SWEEPS.includes(t),
  duty: (t) => t === 'square',
  seed: (t) => t === 'white' || t === 'pink',
  interval: (t) => t === 'impulse',
  tones: (t) => t === 'multitone',
};
const PREVIEW_MAX_FRAMES = 1 << 20;

const el = (tag, props = {}, children = []) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('aria') || k === 'role' || k === 'for') e.setAttribute(k === 'for' ? 'for' : k.replace(/^aria/, 'aria-').toLowerCase(), v);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
};

// A labelled control in a row: <div class="tools-field"><label>text</label>control [unit]</div>.
let fieldId = 0;
function field(text, control, unit = '') {
  control.id ||= `tools-field-${++fieldId}`;
  const row = el('div', { class: 'tools-field' }, [el('label', { for: control.id, text }), control]);
  if (unit) row.append(el('span', { class: 'tools-unit', text: unit }));
  return row;
}

const number = (props) => el('input', { type: 'number', inputMode: 'decimal', ...props });
const fmtLevel = (v, unit) => (Number.isFinite(v) ? `${minus(v, 1)} ${unit}` : `−∞ ${unit}`);
const threaded = (wp) => wp.status().mode === 'multithreaded';
const cancelledError = () => Object.assign(new Error('cancelled'), { cancelled: true });

export function mount(ctx) {
  const { wp, settings, bus, report } = ctx;
  const section = document.getElementById('panel-tools');
  const saved = settings.get('tools', {});
  const save = (patch) => settings.set('tools', Object.assign(saved, patch));
  let track = wp.status().track;
  bus.addEventListener('track', (e) => { track = e.detail; });

  section.replaceChildren(el('h2', { text: 'Tools' }));
  const grid = el('div', { class: 'tools-grid' });
  section.append(grid);

  // A task's shared shape: progress bar, cancel button, status line. In the
  // threaded page the task reports progress and stops on cancel; in the
  // fallback it runs whole in the tasks worker, so the bar is indeterminate
  // and cancel discards the result.
  function taskUi(name) {
    const progress = el('progress', { max: 1, value: 0, ariaLabel: `${name} progress` });
    const cancel = el('button', { type: 'button', text: `Cancel ${name.toLowerCase()}`, disabled: true });
    const status = el('p', { class: 'tools-status', role: 'status' });
    let controller = null;
    cancel.addEventListener('click', () => controller?.abort());
    return {
      progress, cancel, status,
      // Runs fn(args suffix, signal) with the hooks the engine accepts here.
      async run(start, fn) {
        controller = new AbortController();
        const { signal } = controller;
        cancel.disabled = false;
        start.disabled = true;
        status.textContent = '';
        const hooks = threaded(wp) ? [{ onProgress: (p) => { progress.value = p; }, signal }] : [];
        if (hooks.length) progress.value = 0;
        else progress.removeAttribute('value');
        try {
          const result = await fn(hooks, signal);
          progress.value = 1;
          return result;
        } catch (e) {
          progress.value = 0;
          if (signal.aborted) {
            status.textContent = `${name} cancelled.`;
            throw cancelledError();
          }
          status.textContent = `${name} failed: ${e?.message ?? e}`;
          throw e;
        } finally {
          cancel.disabled = true;
          start.disabled = false;
          controller = null;
        }
      },
    };
  }
  // Cancelling is not a failure worth a page notice.
  const quietly = (promise) => report(promise.catch((e) => { if (!e?.cancelled) throw e; }));

  // ---- Normalize ----
  {
    const target = el('select');
    for (const t of NORMALIZE_TARGETS) target.append(el('option', { value: t.value, text: t.text }));
    target.value = saved.normalizeTarget ?? '-14';
    const custom = number({ step: 0.1, value: saved.normalizeCustom ?? -18 });
    const unit = el('span', { class: 'tools-unit' });
    const start = el('button', { type: 'button', text: 'Normalize', class: 'tools-primary' });
    const task = taskUi('Normalize');
    const before = el('span', { id: 'loudness-before', text: '—' });
    const after = el('span', { id: 'loudness-after', text: '—' });
    const sync = () => {
      const peak = target.value === 'peak';
      custom.disabled = target.value !== 'custom' && !peak;
      custom.min = peak ? PEAK_RANGE[0] : LOUDNESS_RANGE[0];
      custom.max = 0;
      unit.textContent = peak ? 'dBFS' : 'LUFS';
    };
    target.addEventListener('change', () => {
      if (target.value === 'peak' && Number(custom.value) < PEAK_RANGE[0]) custom.value = -1;
      save({ normalizeTarget: target.value });
      sync();
    });
    custom.addEventListener('change', () => save({ normalizeCustom: Number(custom.value) }));
    sync();
    const customRow = field('Custom target', custom);
    customRow.append(unit);

    start.addEventListener('click', () => quietly(task.run(start, async (hooks, signal) => {
      if (!track) throw new Error('no track to normalize');
      const peak = target.value === 'peak';
      const value = target.value === 'custom' || peak ? Number(custom.value) : Number(target.value);
      const [lo, hi] = peak ? PEAK_RANGE : LOUDNESS_RANGE;
      if (!(value >= lo && value <= hi)) throw new Error(`the target must be ${lo}..${hi} ${peak ? 'dBFS' : 'LUFS'}`);
      const unitText = peak ? 'dBFS' : 'LUFS';
      const shown = [before.textContent, after.textContent];
      before.textContent = after.textContent = '…';
      // A cancelled or failed run puts the last result back.
      signal.addEventListener('abort', () => { [before.textContent, after.textContent] = shown; });
      const source = track;
      const opts = { mode: peak ? 'peak' : 'loudness', target: value };
      let r;
      try {
        r = await wp.call('normalizeCopyTask', source.id, opts, ...(hooks.length ? [0, ...hooks] : []));
      } catch (e) {
        [before.textContent, after.textContent] = shown;
        throw e;
      }
      // The fallback cannot stop a task mid-way: a cancelled one is dropped here.
      if (signal.aborted) {
        await wp.call('releaseTrack', r.trackId);
        throw cancelledError();
      }
      before.textContent = fmtLevel(r.before, unitText);
      after.textContent = fmtLevel(r.after, unitText);
      // The normalized copy plays at once, from where the original was.
      const { position } = wp.status();
      await wp.useTrackId(r.trackId);
      await wp.seek(Math.min(position ?? 0, (track?.duration ?? 0)));
      await wp.play();
      const notes = [];
      if (r.report.limited) notes.push('peaks limited at −1 dBTP');
      if (r.report.capped) notes.push('gain capped');
      if (r.report.silent) notes.push('silent: left unchanged');
      task.status.textContent = `Gain ${minus(r.report.gainDb, 2)} dB${notes.length ? ` (${notes.join(', ')})` : ''}; ` +
        `now playing “${track.title}”.`;
    })));

    grid.append(el('fieldset', { class: 'tools-group' }, [
      el('legend', { text: 'Normalize' }),
      field('Normalize target', target),
      customRow,
      el('div', { class: 'tools-row' }, [start, task.cancel]),
      task.progress,
      el('dl', { class: 'tools-facts' }, [
        el('div', {}, [el('dt', { text: 'Before' }), el('dd', {}, [before])]),
        el('div', {}, [el('dt', { text: 'After' }), el('dd', {}, [after])]),
      ]),
      task.status,
    ]));
  }

  // ---- Signal generator ----
  {
    const g = { type: 'sine', frequency: 1000, frequencyEnd: 20000, level: -20, sweepSeconds: 10, duty: 50, seed: 1,
      interval: 0, tones: '125, 250, 500, 1000, 2000', ...saved.generator };
    const type = el('select');
    const inputs = {
      frequency: number({ min: 0.01, step: 'any', value: g.frequency }),
      level: number({ min: -120, max: 6, step: 0.5, value: g.level }),
      frequencyEnd: number({ min: 0.01, step: 'any', value: g.frequencyEnd }),
      sweepSeconds: number({ min: 0.1, max: 86400, step: 'any', value: g.sweepSeconds }),
      duty: number({ min: 5, max: 95, step: 1, value: g.duty }),
      seed: number({ min: 0, step: 1, value: g.seed }),
      interval: number({ min: 0, max: 3600, step: 'any', value: g.interval }),
      tones: el('input', { type: 'text', value: g.tones, spellcheck: false }),
    };
    const rows = {
      frequency: field('Frequency (Hz)', inputs.frequency),
      level: field('Level (dBFS)', inputs.level),
      frequencyEnd: field('Sweep end (Hz)', inputs.frequencyEnd),
      sweepSeconds: field('Sweep duration (s)', inputs.sweepSeconds),
      duty: field('Duty cycle (%)', inputs.duty),
      seed: field('Noise seed', inputs.seed),
      interval: field('Impulse interval (s)', inputs.interval),
      tones: field('Tones (Hz)', inputs.tones),
    };
    const canvas = el('canvas', { class: 'tools-preview', role: 'img', ariaLabel: 'Generator preview' });
    const caption = el('p', { class: 'tools-caption' });
    const play = el('button', { type: 'button', text: 'Play generator', class: 'tools-primary' });
    const back = el('button', { type: 'button', text: 'Back to track' });
    let playing = false;
    let sampleRate = wp.status().sampleRate ?? 48000;
    let preview = null;

    const config = () => {
      const t = type.value;
      const c = { type: t, level: Number(inputs.level.value) };
      if (GEN_FIELDS.frequency(t)) c.frequency = Number(inputs.frequency.value);
      if (GEN_FIELDS.frequencyEnd(t)) c.frequencyEnd = Number(inputs.frequencyEnd.value);
      if (GEN_FIELDS.sweepSeconds(t)) c.sweepSeconds = Number(inputs.sweepSeconds.value);
      if (GEN_FIELDS.duty(t)) c.duty = Number(inputs.duty.value) / 100;
      if (GEN_FIELDS.seed(t)) c.seed = Math.max(0, Math.round(Number(inputs.seed.value)));
      if (GEN_FIELDS.interval(t)) c.interval = Number(inputs.interval.value);
      if (GEN_FIELDS.tones(t)) {
        c.tones = inputs.tones.value.split(/[\s,;]+/).filter(Boolean).map(Number);
        if (c.tones.some((f) => !Number.isFinite(f))) throw new Error('tones: a list of frequencies in Hz, e.g. 250, 1000');
      }
      return c;
    };

    // How much of the signal the preview shows: three periods, the whole
    // sweep, two impulse intervals, 20 ms of noise.
    const previewSeconds = (c) => {
      if (PERIODIC.includes(c.type)) return 3 / c.frequency;
      if (SWEEPS.includes(c.type)) return c.sweepSeconds;
      if (c.type === 'impulse') return c.interval > 0 ? 2.5 * c.interval : 0.01;
      if (c.type === 'multitone') return 2 / Math.min(...c.tones);
      return 0.02;
    };

    function drawPreview() {
      const dpr = window.devicePixelRatio || 1;
      const w = canvas.clientWidth;
      const h = canvas.clientHeight;
      if (!w || !h) return;
      if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
      if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
      const g2 = canvas.getContext('2d');
      g2.setTransform(dpr, 0, 0, dpr, 0, 0);
      const css = getComputedStyle(canvas);
      const color = (n) => css.getPropertyValue(n).trim();
      g2.fillStyle = color('--plot-bg');
      g2.fillRect(0, 0, w, h);
      const mid = h / 2;
      // Scaled to the signal's own peak (the level is in the caption).
      const scale = preview?.peak > 0 ? 1 / preview.peak : 1;
      const yOf = (v) => mid - v * scale * (h / 2 - 4);
      g2.strokeStyle = color('--grid-strong');
      g2.lineWidth = 1;
      g2.beginPath();
      for (const v of [-1 / scale, 0, 1 / scale]) {
        g2.moveTo(0, Math.round(yOf(v)) + 0.5);
        g2.lineTo(w, Math.round(yOf(v)) + 0.5);
      }
      g2.stroke();
      if (!preview?.samples.length) return;
      const x = preview.samples;
      g2.strokeStyle = color('--curve');
      g2.fillStyle = color('--curve');
      g2.beginPath();
      if (x.length <= w * 2) {
        for (let i = 0; i < x.length; i++) {
          const px = (i / Math.max(1, x.length - 1)) * w;
          if (i === 0) g2.moveTo(px, yOf(x[i]));
          else g2.lineTo(px, yOf(x[i]));
        }
        g2.lineWidth = 1.5;
        g2.stroke();
      } else {
        // More samples than pixels: each column's min..max span.
        for (let col = 0; col < w; col++) {
          const a = Math.floor((col * x.length) / w);
          const b = Math.max(a + 1, Math.floor(((col + 1) * x.length) / w));
          let lo = x[a];
          let hi = x[a];
          for (let i = a + 1; i < b; i++) {
            if (x[i] < lo) lo = x[i];
            else if (x[i] > hi) hi = x[i];
          }
          g2.fillRect(col, yOf(hi), 1, Math.max(1, yOf(lo) - yOf(hi)));
        }
      }
    }

    let previewTimer = 0;
    let previewSerial = 0;
    const refreshPreview = () => {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(() => report((async () => {
        const serial = ++previewSerial;
        const c = config();
        const seconds = previewSeconds(c);
        const frames = Math.max(16, Math.min(PREVIEW_MAX_FRAMES, Math.round(seconds * sampleRate)));
        const samples = await wp.call('generatorPreview', c, sampleRate, frames);
        if (serial !== previewSerial) return;
        let peak = 0;
        for (const v of samples) peak = Math.max(peak, Math.abs(v));
        preview = { samples, peak };
        const ms = (frames / sampleRate) * 1000;
        const span = ms >= 1000 ? `${+(ms / 1000).toPrecision(3)} s` : `${+ms.toPrecision(3)} ms`;
        caption.textContent = `${GEN_LABELS[c.type] ?? c.type}: the first ${span}` +
          `${frames === PREVIEW_MAX_FRAMES ? ' (cut)' : ''}; peak ${fmtLevel(peak > 0 ? 20 * Math.log10(peak) : -Infinity, 'dBFS')} (the outer lines).`;
        drawPreview();
      })()), 80);
    };

    const sync = () => {
      for (const [k, row] of Object.entries(rows)) if (k !== 'level') row.hidden = !GEN_FIELDS[k](type.value);
    };
    const persist = () => {
      const v = { type: type.value };
      for (const [k, input] of Object.entries(inputs)) v[k] = k === 'tones' ? input.value : Number(input.value);
      save({ generator: v });
    };
    const apply = async (key) => {
      if (!playing) return;
      // Frequency and level glide on the playing generator; anything else
      // makes a new one.
      if (key === 'level') return wp.setGeneratorLevel(Number(inputs.level.value));
      if (key === 'frequency' && PERIODIC.includes(type.value))
        return wp.setGeneratorFrequency(Number(inputs.frequency.value));
      return wp.call('setGeneratorConfig', config());
    };
    type.addEventListener('change', () => {
      sync();
      persist();
      refreshPreview();
      report(apply('type'));
    });
    for (const [k, input] of Object.entries(inputs)) {
      input.addEventListener('change', () => {
        persist();
        refreshPreview();
        report(apply(k));
      });
    }
    play.addEventListener('click', () => report((async () => {
      await wp.call('setGeneratorConfig', config());
      await wp.call('setSource', 'generator');
      await wp.play();
      playing = true;
    })()));
    back.addEventListener('click', () => report((async () => {
      await wp.useTrack();
      playing = false;
    })()));
    bus.addEventListener('frame', (e) => { playing = e.detail.status.source === 'generator'; });

    report((async () => {
      const types = await wp.call('generatorTypes');
      for (const t of types) type.append(el('option', { value: t, text: GEN_LABELS[t] ?? t }));
      type.value = types.includes(g.type) ? g.type : types[0];
      sampleRate = wp.status().sampleRate ?? sampleRate;
      sync();
      refreshPreview();
    })());
    new ResizeObserver(drawPreview).observe(canvas);

    grid.append(el('fieldset', { class: 'tools-group' }, [
      el('legend', { text: 'Signal generator' }),
      field('Generator type', type),
      ...Object.values(rows),
      el('figure', { class: 'tools-figure' }, [canvas, el('figcaption', {}, [caption])]),
      el('div', { class: 'tools-row' }, [play, back]),
    ]));
  }

  // ---- Recording ----
  {
    const button = el('button', { type: 'button', text: 'Record', class: 'tools-primary' });
    const meter = el('div', { class: 'tools-meter', role: 'meter', ariaLabel: 'Input level', ariaValuemin: -60,
      ariaValuemax: 0, ariaValuenow: -60, ariaValuetext: '−∞ dBFS' });
    const bar = el('div', { class: 'tools-meter-bar' });
    meter.append(bar);
    const readout = el('span', { class: 'tools-readout', text: '−∞ dBFS' });
    const status = el('p', { class: 'tools-status', role: 'status' });
    let rec = null; // {audio, stream, node, chunks, frames, done, started}
    // The meter shows the chunks' peaks with a fall-back of METER_FALL_DB_S.
    const METER_FALL_DB_S = 20;
    let pendingPeak = 0;
    let peakDb = -Infinity;
    let lastFrame = 0;
    let shownDb = NaN;
    let shownSeconds = -1;

    const showLevel = (db) => {
      const v = Math.max(-60, Math.min(0, Number.isFinite(db) ? db : -60));
      const text = Number.isFinite(db) ? `${minus(db, 1)} dBFS` : '−∞ dBFS';
      meter.setAttribute('aria-valuenow', v.toFixed(1));
      meter.setAttribute('aria-valuetext', text);
      bar.style.transform = `scaleX(${(v + 60) / 60})`;
      readout.textContent = text;
    };

    const permissionMessage = (e) => {
      if (e?.name === 'NotAllowedError' || e?.name === 'SecurityError')
        return 'Recording needs the microphone: permission was denied. Allow the microphone for this page ' +
          "(the icon in the address bar or the browser's site settings) and press Record again.";
      if (e?.name === 'NotFoundError') return 'Recording needs a microphone: none was found.';
      if (e?.name === 'NotReadableError') return 'The microphone is in use by another program or could not be opened.';
      if (!navigator.mediaDevices?.getUserMedia) return 'This browser (or an insecure http page) offers no microphone access.';
      return `Could not start recording: ${e?.message ?? e}`;
    };

    async function start() {
      const rate = wp.status().sampleRate;
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
      } catch (e) {
        status.textContent = permissionMessage(e);
        throw new Error(permissionMessage(e));
      }
      // Its own context at the engine's rate, so the take needs no resampling.
      const audio = new AudioContext({ sampleRate: rate });
      try {
        await audio.audioWorklet.addModule(new URL('../recorder-processor.js', import.meta.url));
        const source = audio.createMediaStreamSource(stream);
        const node = new AudioWorkletNode(audio, 'wavepool-recorder', { numberOfInputs: 1, numberOfOutputs: 0 });
        rec = { audio, stream, node, chunks: [], frames: 0, started: new Date(), rate };
        node.port.onmessage = (e) => {
          const m = e.data;
          if (m.done) return rec?.done?.();
          rec.chunks.push(m.channels);
          rec.frames += m.channels[0].length;
          pendingPeak = Math.max(pendingPeak, m.peak);
        };
        source.connect(node);
        await audio.resume();
      } catch (e) {
        stream.getTracks().forEach((t) => t.stop());
        audio.close();
        rec = null;
        throw e;
      }
      button.textContent = 'Stop recording';
      button.setAttribute('aria-pressed', 'true');
      status.textContent = 'Recording…';
    }

    async function stop() {
      const r = rec;
      button.disabled = true;
      try {
        await new Promise((resolve) => {
          r.done = resolve;
          r.node.port.postMessage('stop');
        });
      } finally {
        r.stream.getTracks().forEach((t) => t.stop());
        r.audio.close();
        rec = null;
        button.textContent = 'Record';
        button.removeAttribute('aria-pressed');
        button.disabled = false;
        peakDb = -Infinity;
        pendingPeak = 0;
      }
      if (r.frames === 0) throw new Error('nothing was recorded (the microphone sent no audio)');
      // One buffer per channel: the chunks laid end to end (a copy, no DSP).
      const channels = r.chunks[0].map(() => new Float32Array(r.frames));
      let at = 0;
      for (const chunk of r.chunks) {
        chunk.forEach((c, i) => channels[i].set(c, at));
        at += chunk[0].length;
      }
      const hms = r.started.toTimeString().slice(0, 8);
      await wp.loadPcm(channels, r.rate, `Recording ${hms}`);
      status.textContent = `Recorded ${ctx.fmt.time(r.frames / r.rate)} (${channels.length === 1 ? 'mono' : 'stereo'}); ` +
        'it is the current track now.';
    }

    button.addEventListener('click', () => report(rec ? stop() : start()));
    bus.addEventListener('frame', (e) => {
      const { now } = e.detail;
      const dt = Math.min(0.25, (now - lastFrame) / 1000);
      lastFrame = now;
      if (!rec && shownDb === -Infinity) return;
      const fresh = pendingPeak > 0 ? 20 * Math.log10(pendingPeak) : -Infinity;
      pendingPeak = 0;
      const fallen = peakDb - METER_FALL_DB_S * dt;
      peakDb = Math.max(fresh, fallen < -60 ? -Infinity : fallen);
      const db = rec ? Math.round(peakDb * 10) / 10 : -Infinity;
      if (db !== shownDb) {
        shownDb = db;
        showLevel(db);
      }
      if (rec) {
        const s = Math.floor(rec.frames / rec.rate);
        if (s !== shownSeconds) {
          shownSeconds = s;
          status.textContent = `Recording… ${ctx.fmt.time(s).slice(0, -2)}`;
        }
      } else shownSeconds = -1;
    });
    showLevel(-Infinity);
    shownDb = -Infinity;

    grid.append(el('fieldset', { class: 'tools-group' }, [
      el('legend', { text: 'Recording' }),
      el('div', { class: 'tools-row' }, [button]),
      el('div', { class: 'tools-field tools-meter-row' }, [el('span', { class: 'tools-label', text: 'Input level' }),
        meter, readout]),
      status,
    ]));
  }

  // ---- Export ----
  {
    const format = el('select');
    EXPORT_FORMATS.forEach((text, i) => format.append(el('option', { value: String(i), text })));
    format.value = String(saved.exportFormat ?? 0);
    format.addEventListener('change', () => save({ exportFormat: Number(format.value) }));
    const start = el('button', { type: 'button', text: 'Export WAV', class: 'tools-primary' });
    const task = taskUi('Export');

    start.addEventListener('click', () => quietly(task.run(start, async (hooks, signal) => {
      if (!track) throw new Error('no track to export');
      const t = track;
      const settingsNow = await wp.call('chainSettings');
      const tails = await Promise.all(['reverb.on', 'delay.on'].map((p) => wp.getParam(p)));
      const opts = { format: Number(format.value), tailSeconds: tails.some((v) => v > 0.5) ? TAIL_SECONDS : 0,
        seed: (Date.now() % 2 ** 32) + 1 };
      const bytes = await wp.call('exportWavTask', t.id, settingsNow, opts, ...hooks);
      if (signal.aborted) throw cancelledError(); // the fallback's task ran to its end: dropped
      const name = `${(t.title || t.name || 'wavepool').replace(/[\\/:*?"<>|]/g, '_')}.wav`;
      const url = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
      const a = el('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      task.status.textContent = `Saved “${name}” (${(bytes.byteLength / 1024 ** 2).toFixed(1)} MiB, ` +
        `${EXPORT_FORMATS[opts.format]}${opts.tailSeconds ? `, ${opts.tailSeconds} s effect tail` : ''}).`;
    })));

    grid.append(el('fieldset', { class: 'tools-group' }, [
      el('legend', { text: 'Export' }),
      field('Export format', format),
      el('div', { class: 'tools-row' }, [start, task.cancel]),
      task.progress,
      task.status,
    ]));
  }
}
