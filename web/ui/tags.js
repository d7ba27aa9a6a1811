// Reads what an audio file says about itself, without decoding it: title
// and artist tags (ID3v2 TIT2/TPE1 in MP3, RIFF LIST/INFO INAM/IART in WAV,
// Vorbis comments TITLE/ARTIST in FLAC and Ogg, ©nam/©ART in MP4) and the
// container's format, sample rate and channels where the header has them.
// readTags(blob) resolves {format?, sampleRate?, channels?, title?, artist?};
// a file it does not understand gives {}. Only headers are read (slices of
// the blob), never the audio data.

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const utf16le = new TextDecoder('utf-16le');
const utf16be = new TextDecoder('utf-16be');

const clean = (s) => s.replace(/\0+$/, '').split('\0')[0].trim();

function reader(blob) {
  return async (offset, length) => {
    if (offset >= blob.size) return new DataView(new ArrayBuffer(0));
    const buf = await blob.slice(offset, Math.min(blob.size, offset + length)).arrayBuffer();
    return new DataView(buf);
  };
}

const ascii = (v, at, n) => (at + n <= v.byteLength
  ? String.fromCharCode(...new Uint8Array(v.buffer, v.byteOffset + at, n)) : '');
const bytes = (v, at, n) => new Uint8Array(v.buffer, v.byteOffset + at, Math.max(0, Math.min(n, v.byteLength - at)));

export async function readTags(blob) {
  const read = reader(blob);
  const head = await read(0, 64);
  try {
    if (ascii(head, 0, 3) === 'ID3') return await readId3(read, blob);
    if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE') return await readWav(read, blob.size);
    if (ascii(head, 0, 4) === 'fLaC') return await readFlac(read, 4);
    if (ascii(head, 0, 4) === 'OggS') return await readOgg(read);
    if (ascii(head, 4, 4) === 'ftyp') return await readMp4(read, blob.size);
    if (head.byteLength >= 4 && isMpegSync(head, 0)) return mpegFacts(head, 0);
  } catch {
    // A damaged header: the file name will do as the title.
  }
  return {};
}

// ---- MP3 (ID3v2 + the first MPEG frame header) ---------------------------

const syncsafe = (v, at) => ((v.getUint8(at) & 0x7f) << 21) | ((v.getUint8(at + 1) & 0x7f) << 14)
  | ((v.getUint8(at + 2) & 0x7f) << 7) | (v.getUint8(at + 3) & 0x7f);

function id3Text(b) {
  if (b.length === 0) return '';
  const enc = b[0];
  const body = b.subarray(1);
  if (enc === 0) return clean(latin1.decode(body));
  if (enc === 3) return clean(utf8.decode(body));
  if (enc === 2) return clean(utf16be.decode(body));
  // 1: UTF-16 with a byte order mark.
  if (body[0] === 0xfe && body[1] === 0xff) return clean(utf16be.decode(body.subarray(2)));
  if (body[0] === 0xff && body[1] === 0xfe) return clean(utf16le.decode(body.subarray(2)));
  return clean(utf16le.decode(body));
}

// Undoes ID3 unsynchronisation (0xFF 0x00 -> 0xFF).
function unsync(b) {
  const out = new Uint8Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    out[n++] = b[i];
    if (b[i] === 0xff && b[i + 1] === 0x00) i++;
  }
  return out.subarray(0, n);
}

async function readId3(read, blob) {
  const h = await read(0, 10);
  const major = h.getUint8(3);
  const flags = h.getUint8(5);
  const size = syncsafe(h, 6);
  let tag = new Uint8Array((await read(10, size)).buffer);
  if (flags & 0x80 && major < 4) tag = unsync(tag);
  const v = new DataView(tag.buffer, tag.byteOffset, tag.byteLength);
  let at = 0;
  if (flags & 0x40) at = major === 3 ? 4 + v.getUint32(0) : syncsafe(v, 0);
  const out = {};
  const idLen = major === 2 ? 3 : 4;
  const headLen = major === 2 ? 6 : 10;
  while (at + headLen <= v.byteLength) {
    const id = ascii(v, at, idLen);
    if (!/^[A-Z0-9]+$/.test(id)) break; // padding
    let len;
    if (major === 2) len = (v.getUint8(at + 3) << 16) | (v.getUint8(at + 4) << 8) | v.getUint8(at + 5);
    else if (major === 4) len = syncsafe(v, at + 4);
    else len = v.getUint32(at + 4);
    let body = bytes(v, at + headLen, len);
    if (major === 4) {
      const fflags = v.getUint16(at + 8);
      if (fflags & 0x0002) body = unsync(body);
      if (fflags & 0x0001) body = body.subarray(4); // data length indicator
    }
    if (id === 'TIT2' || id === 'TT2') out.title = id3Text(body);
    else if (id === 'TPE1' || id === 'TP1') out.artist = id3Text(body);
    at += headLen + len;
  }
  // The audio after the tag (and its footer, if any).
  const audioAt = 10 + size + (major === 4 && flags & 0x10 ? 10 : 0);
  const next = await read(audioAt, 64);
  if (ascii(next, 0, 4) === 'fLaC') return { ...(await readFlac(read, audioAt + 4)), ...pick(out) };
  if (next.byteLength >= 4 && isMpegSync(next, 0)) return { ...mpegFacts(next, 0), ...pick(out) };
  return { format: blob.type === 'audio/aac' ? 'AAC' : 'MPEG audio', ...pick(out) };
}

const pick = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v));

const isMpegSync = (v, at) => v.getUint8(at) === 0xff && (v.getUint8(at + 1) & 0xe0) === 0xe0
  && ((v.getUint8(at + 1) >> 1) & 3) !== 0 && ((v.getUint8(at + 2) >> 2) & 3) !== 3;

const MPEG_RATES = [44100, 48000, 32000];

function mpegFacts(v, at) {
  const b1 = v.getUint8(at + 1);
  const version = (b1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = 4 - ((b1 >> 1) & 3);
  const base = MPEG_RATES[(v.getUint8(at + 2) >> 2) & 3];
  const sampleRate = version === 3 ? base : version === 2 ? base / 2 : base / 4;
  const channels = (v.getUint8(at + 3) >> 6) === 3 ? 1 : 2;
  return { format: layer === 3 ? 'MP3' : `MPEG layer ${layer}`, sampleRate, channels };
}

// ---- WAV ------------------------------------------------------------------

const WAV_CODECS = { 1: 'PCM', 3: 'float', 6: 'A-law', 7: 'µ-law' };

async function readWav(read, size) {
  const out = {};
  let at = 12;
  while (at + 8 <= size) {
    const h = await read(at, 8);
    if (h.byteLength < 8) break;
    const id = ascii(h, 0, 4);
    const len = h.getUint32(4, true);
    if (id === 'fmt ') {
      const f = await read(at + 8, Math.min(len, 40));
      let codec = f.getUint16(0, true);
      out.channels = f.getUint16(2, true);
      out.sampleRate = f.getUint32(4, true);
      const bits = f.getUint16(14, true);
      if (codec === 0xfffe && f.byteLength >= 26) codec = f.getUint16(24, true);
      out.format = `WAV (${bits}-bit ${WAV_CODECS[codec] ?? `codec ${codec}`})`;
    } else if (id === 'LIST' && len >= 4 && len < (1 << 20)) {
      const l = await read(at + 8, len);
      if (ascii(l, 0, 4) === 'INFO') {
        for (let p = 4; p + 8 <= l.byteLength;) {
          const sub = ascii(l, p, 4);
          const n = l.getUint32(p + 4, true);
          const text = clean(utf8.decode(bytes(l, p + 8, n)));
          if (sub === 'INAM' && text) out.title = text;
          if (sub === 'IART' && text) out.artist = text;
          p += 8 + n + (n & 1);
        }
      }
    }
    at += 8 + len + (len & 1);
  }
  return out;
}

// ---- FLAC and Ogg (Vorbis comments) ---------------------------------------

function vorbisComments(v, at) {
  const out = {};
  const vendor = v.getUint32(at, true);
  at += 4 + vendor;
  const count = v.getUint32(at, true);
  at += 4;
  for (let i = 0; i < count && at + 4 <= v.byteLength; i++) {
    const n = v.getUint32(at, true);
    const text = utf8.decode(bytes(v, at + 4, n));
    at += 4 + n;
    const eq = text.indexOf('=');
    const key = text.slice(0, eq).toUpperCase();
    const value = text.slice(eq + 1).trim();
    if (key === 'TITLE' && !out.title) out.title = value;
    if (key === 'ARTIST' && !out.artist) out.artist = value;
  }
  return pick(out);
}

async function readFlac(read, at) {
  const out = { format: 'FLAC' };
  for (;;) {
    const h = await read(at, 4);
    if (h.byteLength < 4) break;
    const type = h.getUint8(0) & 0x7f;
    const len = (h.getUint8(1) << 16) | (h.getUint8(2) << 8) | h.getUint8(3);
    if (type === 0) {
      const s = await read(at + 4, 18);
      out.sampleRate = (s.getUint16(10) << 4) | (s.getUint8(12) >> 4);
      out.channels = ((s.getUint8(12) >> 1) & 7) + 1;
      const bits = (((s.getUint8(12) & 1) << 4) | (s.getUint8(13) >> 4)) + 1;
      out.format = `FLAC (${bits}-bit)`;
    } else if (type === 4) {
      Object.assign(out, vorbisComments(await read(at + 4, len), 0));
    }
    if (h.getUint8(0) & 0x80) break; // last metadata block
    at += 4 + len;
  }
  return out;
}

// The first `count` packets of the first logical stream (headers only).
async function oggPackets(read, count) {
  const packets = [];
  let parts = [];
  let at = 0;
  while (packets.length < count) {
    const h = await read(at, 27 + 255);
    if (h.byteLength < 27 || ascii(h, 0, 4) !== 'OggS') break;
    const segments = h.getUint8(26);
    const lacing = bytes(h, 27, segments);
    let body = 0;
    for (const l of lacing) body += l;
    const page = new Uint8Array((await read(at + 27 + segments, body)).buffer);
    let p = 0;
    for (const l of lacing) {
      parts.push(page.subarray(p, p + l));
      p += l;
      if (l < 255) {
        const total = parts.reduce((n, x) => n + x.length, 0);
        const packet = new Uint8Array(total);
        let q = 0;
        for (const x of parts) { packet.set(x, q); q += x.length; }
        packets.push(new DataView(packet.buffer));
        parts = [];
        if (packets.length === count) break;
      }
    }
    at += 27 + segments + body;
    if (at > (4 << 20)) break; // headers this long are not headers
  }
  return packets;
}

async function readOgg(read) {
  const [id, comments] = await oggPackets(read, 2);
  if (!id) return {};
  if (ascii(id, 1, 6) === 'vorbis') {
    const out = { format: 'Ogg Vorbis', channels: id.getUint8(11), sampleRate: id.getUint32(12, true) };
    if (comments && ascii(comments, 1, 6) === 'vorbis') Object.assign(out, vorbisComments(comments, 7));
    return out;
  }
  if (ascii(id, 0, 8) === 'OpusHead') {
    // Opus always decodes at 48 kHz; the header's rate is the original's.
    const out = { format: 'Ogg Opus', channels: id.getUint8(9), sampleRate: 48000 };
    if (comments && ascii(comments, 0, 8) === 'OpusTags') Object.assign(out, vorbisComments(comments, 8));
    return out;
  }
  return { format: 'Ogg' };
}

// ---- MP4 / M4A -------------------------------------------------------------

// Box headers in [at, end): {type, start, end} of each child.
function boxes(v, at, end) {
  const out = [];
  while (at + 8 <= end) {
    let size = v.getUint32(at);
    const type = latin1.decode(bytes(v, at + 4, 4));
    if (size === 0) size = end - at;
    if (size < 8) break;
    out.push({ type, start: at + 8, end: Math.min(end, at + size) });
    at += size;
  }
  return out;
}

async function readMp4(read, size) {
  const out = { format: 'MP4 audio' };
  let at = 0;
  while (at + 8 <= size) {
    const h = await read(at, 16);
    let len = h.getUint32(0);
    const type = ascii(h, 4, 4);
    let headLen = 8;
    if (len === 1) { len = Number(h.getBigUint64(8)); headLen = 16; }
    if (len === 0) len = size - at;
    if (len < 8) break;
    if (type === 'moov') {
      if (len > (64 << 20)) break;
      const v = await read(at + headLen, len - headLen);
      const find = (list, t) => list.find((b) => b.type === t);
      const udta = find(boxes(v, 0, v.byteLength), 'udta');
      const meta = udta && find(boxes(v, udta.start, udta.end), 'meta');
      // meta is a full box: 4 bytes of version and flags before its children.
      const ilst = meta && find(boxes(v, meta.start + 4, meta.end), 'ilst');
      for (const item of ilst ? boxes(v, ilst.start, ilst.end) : []) {
        const data = find(boxes(v, item.start, item.end), 'data');
        if (!data) continue;
        const text = clean(utf8.decode(bytes(v, data.start + 8, data.end - data.start - 8)));
        if (item.type === '\u00a9nam') out.title = text;
        if (item.type === '\u00a9ART') out.artist = text;
      }
      break;
    }
    at += len;
  }
  return pick(out);
}
