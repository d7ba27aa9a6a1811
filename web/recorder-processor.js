// Recording: an AudioWorkletProcessor that collects the microphone's
// frames into chunks of CHUNK_FRAMES per channel and posts each chunk to the
// page (buffers moved, not copied) with its input peak, for the "Input
// level" meter. 'stop' from the page posts the last partial chunk and
// {done: true}.

const CHUNK_FRAMES = 4096;
const MAX_CHANNELS = 2;

class RecorderProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.chunk = null;
    this.fill = 0;
    this.peak = 0;
    this.stopped = false;
    this.port.onmessage = (e) => {
      if (e.data === 'stop' && !this.stopped) {
        this.flush();
        this.stopped = true;
        this.port.postMessage({ done: true });
      }
    };
  }

  flush() {
    if (!this.chunk || this.fill === 0) return;
    const channels = this.chunk.map((c) => c.slice(0, this.fill));
    this.port.postMessage({ channels, peak: this.peak }, channels.map((c) => c.buffer));
    this.chunk = null;
    this.fill = 0;
    this.peak = 0;
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    // No input connected yet (or the track ended): nothing to record.
    if (!input || input.length === 0) return true;
    const n = Math.min(input.length, MAX_CHANNELS);
    if (!this.chunk) this.chunk = Array.from({ length: n }, () => new Float32Array(CHUNK_FRAMES));
    const frames = input[0].length;
    let at = 0;
    while (at < frames) {
      const take = Math.min(frames - at, CHUNK_FRAMES - this.fill);
      for (let c = 0; c < this.chunk.length; c++) {
        const src = input[Math.min(c, input.length - 1)];
        const dst = this.chunk[c];
        for (let i = 0; i < take; i++) {
          const v = src[at + i];
          dst[this.fill + i] = v;
          const a = v < 0 ? -v : v;
          if (a > this.peak) this.peak = a;
        }
      }
      this.fill += take;
      at += take;
      if (this.fill === CHUNK_FRAMES) {
        const channels = this.chunk;
        this.port.postMessage({ channels, peak: this.peak }, channels.map((c) => c.buffer));
        this.chunk = Array.from({ length: channels.length }, () => new Float32Array(CHUNK_FRAMES));
        this.fill = 0;
        this.peak = 0;
      }
    }
    return true;
  }
}

registerProcessor('wavepool-recorder', RecorderProcessor);
