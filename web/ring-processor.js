// The audio thread's end of the engine: an AudioWorkletProcessor that plays
// the player's stereo stream one 128-frame quantum at a time.
//
// Two transports, chosen by processorOptions.mode:
//  'shared'   (threaded engine) reads the wp_ring straight out of the shared
//             wasm memory with Atomics, using the byte layout of ring.h.
//  'messages' (single-threaded engine) receives chunks from the engine
//             worker over a MessagePort and sends each back once played,
//             with the count of frames played so far.
// process() allocates nothing, takes no lock and never waits: when the
// stream runs short it outputs silence for the rest and counts an underrun.

const RING_OFFSET_WRITE = 0;
const RING_OFFSET_CAPACITY = 8;
const RING_OFFSET_CHANNELS = 12;
const RING_OFFSET_READ = 64;
const RING_OFFSET_UNDERRUNS = 68;
const RING_OFFSET_DATA = 128;
const MAX_QUEUED_CHUNKS = 16;

class RingProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = options.processorOptions;
    this.mode = opts.mode;
    if (this.mode === 'shared') {
      const base = opts.ringAddress;
      const buffer = opts.memory.buffer;
      // The ring never moves and shared memory never detaches on growth,
      // so these views stay valid for the life of the page.
      this.index = new Uint32Array(buffer, base, RING_OFFSET_DATA / 4);
      this.capacity = this.index[RING_OFFSET_CAPACITY / 4];
      this.channels = this.index[RING_OFFSET_CHANNELS / 4];
      this.data = new Float32Array(buffer, base + RING_OFFSET_DATA, this.capacity * this.channels);
    } else {
      this.channels = 2;
      this.queue = new Array(MAX_QUEUED_CHUNKS).fill(null);
      this.head = 0;          // queue slot playing now
      this.count = 0;         // chunks queued
      this.offset = 0;        // frames of the head chunk already played
      this.played = 0;        // frames played since the stream started (mod 2^32)
      this.underruns = 0;
      this.started = false;
      this.stream = null;
      this.port.onmessage = (e) => {
        if (e.data.stream) {
          this.stream = e.data.stream;
          this.stream.onmessage = (m) => this.enqueue(m.data);
        }
      };
    }
  }

  enqueue(chunk) {
    if (this.count === MAX_QUEUED_CHUNKS) {
      this.stream.postMessage({ chunk, played: this.played, underruns: this.underruns }, [chunk.buffer]);
      return;
    }
    this.queue[(this.head + this.count) % MAX_QUEUED_CHUNKS] = chunk;
    this.count++;
    this.started = true;
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const left = out[0];
    const right = out[1] ?? out[0];
    if (this.mode === 'shared') this.readShared(left, right);
    else this.readMessages(left, right);
    return true;
  }

  readShared(left, right) {
    const idx = this.index;
    const quantum = left.length;
    const write = Atomics.load(idx, RING_OFFSET_WRITE / 4);
    const read = Atomics.load(idx, RING_OFFSET_READ / 4);
    const available = (write - read) >>> 0;
    const n = Math.min(available, quantum);
    const mask = this.capacity - 1;
    const data = this.data;
    for (let i = 0; i < n; i++) {
      const slot = ((read + i) & mask) * 2;
      left[i] = data[slot];
      right[i] = data[slot + 1];
    }
    left.fill(0, n);
    right.fill(0, n);
    if (n > 0) Atomics.store(idx, RING_OFFSET_READ / 4, (read + n) >>> 0);
    // Before the producer's first write the stream has not started yet.
    if (n < quantum && write !== 0) Atomics.add(idx, RING_OFFSET_UNDERRUNS / 4, 1);
  }

  readMessages(left, right) {
    const quantum = left.length;
    let done = 0;
    while (done < quantum && this.count > 0) {
      const chunk = this.queue[this.head];
      const frames = chunk.length / 2;
      const n = Math.min(quantum - done, frames - this.offset);
      for (let i = 0; i < n; i++) {
        const s = (this.offset + i) * 2;
        left[done + i] = chunk[s];
        right[done + i] = chunk[s + 1];
      }
      done += n;
      this.offset += n;
      this.played = (this.played + n) >>> 0;
      if (this.offset === frames) {
        this.queue[this.head] = null;
        this.head = (this.head + 1) % MAX_QUEUED_CHUNKS;
        this.count--;
        this.offset = 0;
        this.stream.postMessage({ chunk, played: this.played, underruns: this.underruns }, [chunk.buffer]);
      }
    }
    left.fill(0, done);
    right.fill(0, done);
    if (done < quantum && this.started) this.underruns++;
  }
}

registerProcessor('wavepool-ring', RingProcessor);
