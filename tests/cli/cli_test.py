#!/usr/bin/env python3
"""End-to-end tests of the wavepool command: every subcommand on files made by
`wavepool generate` (and sox), error cases with their exit codes, numeric
checks through `wavepool analyze`. Usage: cli_test.py PATH/TO/wavepool"""
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

EXE = os.path.abspath(sys.argv[1])
failures = []


def run(*args, expect=0):
    p = subprocess.run([EXE, *args], capture_output=True, text=True)
    if p.returncode != expect:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, expected {expect}; stderr: {p.stderr.strip()}")
    if expect not in (0,):
        lines = p.stderr.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("wavepool: error: "):
            failures.append(f"{' '.join(args)}: expected one 'wavepool: error:' line, got {p.stderr!r}")
    return p


def check(cond, msg):
    if not cond:
        failures.append(msg)
    print(("ok   " if cond else "FAIL ") + msg)


def analyze(path, *extra):
    p = run("analyze", path, "--json", *extra)
    return json.loads(p.stdout) if p.returncode == 0 else None


def png_check(path):
    """Signature, chunk CRCs, IHDR size, and that IDAT inflates to the
    expected number of filtered scanline bytes."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None, "bad signature"
    pos, idat, size = 8, b"", None
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) != crc:
            return None, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8]) + (body[8], body[9])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
        if kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    w, h, depth, colour = size
    if depth != 8 or colour != 2 or len(raw) != h * (w * 3 + 1):
        return None, f"IDAT holds {len(raw)} bytes for {w}x{h}"
    return (w, h), "ok"


def png_pixels(path):
    """RGB rows of a PNG written with filter type 0 (what wavepool writes)."""
    data = open(path, "rb").read()
    pos, idat = 8, b""
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if kind == b"IHDR":
            w, h = struct.unpack(">II", data[pos + 8:pos + 16])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * 3 + 1
    rows = [raw[y * stride + 1:(y + 1) * stride] for y in range(h)]
    assert all(raw[y * stride] == 0 for y in range(h))
    return w, h, rows


def brightest_row(path):
    w, h, rows = png_pixels(path)
    x = w // 2
    # Plot pixels only: labels, axes and background are grey (r == g == b).
    plot = [y for y in range(h) if len(set(rows[y][3 * x:3 * x + 3])) > 1]
    return max(plot, key=lambda y: sum(rows[y][3 * x:3 * x + 3]))


def write_float_wav(path, samples, rate=48000):
    """Mono 32-bit float WAV written by hand (may hold NaN)."""
    body = b"".join(struct.pack("<f", s) for s in samples)
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(body)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(body)) + body)


def main():
    tmp = tempfile.mkdtemp(prefix="wavepool_cli_")
    os.chdir(tmp)
    try:
        # --help / --version everywhere.
        for cmd in ([], ["info"], ["analyze"], ["process"], ["normalize"], ["generate"], ["spectrogram"]):
            h = run(*cmd, "--help")
            check(h.returncode == 0 and "Exit codes" in h.stdout, f"{cmd or 'wavepool'} --help exits 0 with exit codes")
            v = run(*cmd, "--version")
            check(v.stdout.startswith("wavepool "), f"{cmd or 'wavepool'} --version")

        # generate + info + sample peak.
        run("generate", "-o", "sine.wav", "--type", "sine", "--freq", "997", "--dbfs", "-6",
            "--duration", "4", "--channels", "2", "-q")
        info = run("info", "sine.wav").stdout
        check("channels:    2" in info and "48000 Hz" in info and "frames:      192000" in info
              and "PCM_24" in info, "info reports channels, rate, frames, subtype")
        a = analyze("sine.wav")
        check(a and abs(a["sample_peak_dbfs"] + 6.0) < 0.01,
              f"generate sine -6 dBFS: sample peak {a and a['sample_peak_dbfs']:.4f}")
        check(a and a["channels"] == 2 and a["sample_rate"] == 48000 and abs(a["duration_s"] - 4.0) < 1e-9
              and len(a["rms_dbfs"]) == 2 and abs(a["rms_dbfs"][0] + 9.03) < 0.02,
              f"analyze keys: rms {a and a['rms_dbfs']}")

        # Worker count does not change the results.
        run("generate", "-o", "pink.wav", "--type", "pink", "--dbfs", "-20", "--duration", "8", "--seed", "7",
            "--channels", "2", "-q")
        outs = [run("analyze", "pink.wav", "--json", "-j", j).stdout for j in ("0", "1", "4")]
        check(outs[0] == outs[1] == outs[2] and outs[0], "analyze -j 0 / -j 1 / -j 4 print identical results")
        t1 = run("analyze", "pink.wav", "-j", "1").stdout
        t4 = run("analyze", "pink.wav", "-j", "4").stdout
        check(t1 == t4, "analyze text output identical for -j 1 and -j 4")

        # Silence: JSON null for -inf.
        run("generate", "-o", "quiet.wav", "--type", "impulse", "--dbfs", "-120", "--duration", "1", "-q")
        q = analyze("quiet.wav")
        check(q and q["integrated_lufs"] is None, f"below the gate: integrated_lufs null ({q and q['integrated_lufs']})")

        # normalize.
        p = run("normalize", "pink.wav", "-o", "n16.wav", "--lufs", "-16")
        n = analyze("n16.wav")
        check(n and abs(n["integrated_lufs"] + 16.0) <= 0.1,
              f"normalize --lufs -16 measures {n and n['integrated_lufs']:.3f} LUFS")
        check("before:" in p.stdout and "gain:" in p.stdout and "limited:" in p.stdout, "normalize prints report")
        run("normalize", "sine.wav", "-o", "p3.wav", "--peak", "-3", "-q")
        n = analyze("p3.wav")
        check(n and abs(n["sample_peak_dbfs"] + 3.0) < 0.01, f"normalize --peak -3: {n and n['sample_peak_dbfs']:.4f}")
        run("normalize", "sine.wav", "-o", "r.wav", "--rms", "-20", "-q")
        n = analyze("r.wav")
        check(n and abs(n["rms_dbfs"][0] + 20.0) < 0.01, f"normalize --rms -20: {n and n['rms_dbfs'][0]:.4f}")
        p = run("normalize", "pink.wav", "-o", "cap.wav", "--lufs", "-6", "--true-peak", "-1", "--cap")
        n = analyze("cap.wav")
        check("capped:            yes" in p.stdout and n and n["true_peak_dbtp"] <= -0.95,
              f"normalize --cap keeps true peak under -1 dBTP ({n and n['true_peak_dbtp']:.3f})")
        run("normalize", "pink.wav", "-o", "x.wav", "--lufs", "-90", expect=2)
        run("normalize", "pink.wav", "-o", "x.wav", expect=2)
        run("normalize", "pink.wav", "-o", "x.wav", "--lufs", "-16", "--peak", "-1", expect=2)

        # process: +6 dB gain raises the peak by 6 dB (limiter at -1 dBTP idle at -14).
        run("generate", "-o", "s20.wav", "--type", "sine", "--freq", "440", "--dbfs", "-20", "--duration", "2",
            "--bits", "32f", "-q")
        run("process", "s20.wav", "-o", "g6.wav", "--gain", "6", "-q")
        g = analyze("g6.wav")
        check(g and abs(g["sample_peak_dbfs"] - (-14.0)) < 0.05, f"process --gain 6: peak {g and g['sample_peak_dbfs']:.4f}")
        check("FLOAT" in run("info", "g6.wav").stdout, "process keeps the input's 32-bit float format")
        run("process", "s20.wav", "-o", "rv.wav", "--reverb", "decay=2.5,mix=0.3", "-q")
        info = run("info", "rv.wav").stdout
        frames = int(info.split("frames:")[1].split()[0])
        check(frames == 96000 + round(2.51 * 48000), f"reverb tail appended by default: {frames} frames")
        run("process", "s20.wav", "-o", "dl.wav", "--delay", "--tail", "0.5", "-q")
        check("frames:      120000" in run("info", "dl.wav").stdout, "--delay alone with --tail 0.5")
        run("process", "s20.wav", "-o", "eq.wav", "--eq", "440:6", "-q")
        e = analyze("eq.wav")
        check(e and abs(e["sample_peak_dbfs"] + 14.0) < 0.1, f"--eq 440:6 on a 440 Hz sine: {e and e['sample_peak_dbfs']:.3f}")
        run("process", "s20.wav", "-o", "eq2.wav", "--eq", "100:0,4000:-12:type=lowpass:q=0.707", "-q")
        e = analyze("eq2.wav")
        check(e and abs(e["sample_peak_dbfs"] + 20.0) < 0.1,
              f"--eq band 2 lowpass at 4 kHz leaves 440 Hz alone: {e and e['sample_peak_dbfs']:.3f}")
        run("process", "s20.wav", "-o", "eq3.wav", "--eq", "0:0,100:-6:type=highpass", expect=2)
        run("process", "s20.wav", "-o", "eq3.wav", "--eq", "440:6:type=wobbly", expect=2)
        # Mono and stereo only for process; analyze takes 6 channels.
        subprocess.run(["sox", "-n", "-r", "48000", "-c", "6", "-b", "16", "six.wav", "synth", "1", "sine", "1000",
                        "vol", "0.5"], check=True)
        s6 = analyze("six.wav")
        check(s6 and s6["channels"] == 6 and len(s6["rms_dbfs"]) == 6, "analyze a 6-channel file")
        run("process", "six.wav", "-o", "six2.wav", expect=4)
        p = run("process", "s20.wav", "-o", "x.wav", "--reverb", "decay=50", expect=2)
        check("reverb.decay=50" in p.stderr and "0.1..20" in p.stderr, f"range error names key, value, range: {p.stderr.strip()}")
        p = run("process", "s20.wav", "-o", "x.wav", "--chorus", "bogus=1", expect=2)
        check("chorus.bogus" in p.stderr, "unknown effect key named")
        run("process", "s20.wav", "-o", "x.wav", "--distortion", "curve=hard", "--compressor", "detection=rms", "-q")
        run("process", "s20.wav", "-o", "x2.wav", "--eq", "abc:1", expect=2)
        run("process", "s20.wav", "-o", "x2.wav", "--gain", "20", expect=2)
        run("process", "s20.wav", "-o", "x2.wav", "--pan", "nan", expect=2)

        # Formats: sox-made FLAC keeps FLAC 16-bit; --format / --bits convert.
        subprocess.run(["sox", "-n", "-r", "44100", "-b", "16", "-c", "2", "sox.flac", "synth", "1", "sine", "300"],
                       check=True)
        run("process", "sox.flac", "-o", "out.flac", "--gain", "-3", "-q")
        info = run("info", "out.flac").stdout
        check("FLAC" in info and "PCM_16" in info and "44100" in info, "FLAC in, FLAC 16-bit out")
        run("process", "sox.flac", "-o", "out.wav", "--format", "wav", "--bits", "32f", "-q")
        info = run("info", "out.wav").stdout
        check("WAV" in info and "FLOAT" in info, "--format wav --bits 32f")
        run("process", "sox.flac", "-o", "bad.flac", "--bits", "32f", expect=2)
        run("generate", "-o", "t.ogg", "--type", "triangle", "--duration", "1", "-q")
        check("OGG" in run("info", "t.ogg").stdout, "generate .ogg writes Ogg Vorbis")
        run("generate", "-o", "mt.wav", "--type", "multitone", "--freq", "100,1000,5000", "--dbfs", "-3", "-q")
        m = analyze("mt.wav")
        check(m and -3.2 < m["sample_peak_dbfs"] <= -2.99, f"multitone peak {m and m['sample_peak_dbfs']:.3f} <= -3 dBFS")

        # spectrogram.
        run("generate", "-o", "sw.wav", "--type", "sweep", "--log", "--freq", "20", "--to", "20000",
            "--duration", "3", "-q")
        run("spectrogram", "sw.wav", "-o", "sw.png", "--width", "640", "--height", "360", "-q")
        size, why = png_check("sw.png")
        check(size == (640, 360), f"spectrogram PNG 640x360 with valid signature and CRCs: {size} {why}")
        ft = subprocess.run(["file", "sw.png"], capture_output=True, text=True).stdout
        check("PNG image data, 640 x 360" in ft, f"file(1) says {ft.strip()}")
        # Log frequency axis: an octave spans the same height at 100 Hz and 1 kHz.
        rows = {}
        for f in (100, 200, 1000, 2000):
            run("generate", "-o", f"t{f}.wav", "--type", "sine", "--freq", str(f), "--dbfs", "-6", "--duration", "1", "-q")
            run("spectrogram", f"t{f}.wav", "-o", f"t{f}.png", "--size", "8192", "--width", "400", "--height", "400", "-q")
            rows[f] = brightest_row(f"t{f}.png")
        lo, hi = rows[100] - rows[200], rows[1000] - rows[2000]
        check(lo > 15 and abs(lo - hi) <= 2, f"spectrogram log axis: octave = {lo} px at 100 Hz, {hi} px at 1 kHz")
        check(rows[200] - rows[1000] > 2 * lo, f"1 kHz drawn above 200 Hz: rows {rows}")
        run("spectrogram", "sw.wav", "-o", "x.png", "--window", "nope", expect=2)
        run("spectrogram", "sw.wav", "-o", "x.png", "--size", "1000", expect=2)
        run("spectrogram", "sw.wav", "-o", "x.png", "--db-range", "5", expect=2)

        # Errors.
        run("info", "missing.wav", expect=3)
        run("analyze", "missing.wav", expect=3)
        data = open("sine.wav", "rb").read()
        open("short.wav", "wb").write(data[:30])
        run("info", "short.wav", expect=3)
        open("cut.wav", "wb").write(data[:len(data) // 2])
        run("analyze", "cut.wav", expect=3)
        garbled = bytearray(data)
        garbled[22:24] = b"\x00\x00"  # zero channels in the fmt chunk
        open("garbled.wav", "wb").write(bytes(garbled))
        run("analyze", "garbled.wav", expect=3)
        open("text.wav", "w").write("this is not audio\n" * 20)
        run("analyze", "text.wav", expect=4)
        write_float_wav("nan.wav", [0.1] * 1000 + [float("nan")] + [0.1] * 1000)
        p = run("analyze", "nan.wav", expect=7)
        check("NaN" in p.stderr, "NaN input named")
        run("process", "nan.wav", "-o", "x3.wav", expect=7)
        write_float_wav("inf.wav", [0.1] * 100 + [float("inf")])
        run("normalize", "inf.wav", "-o", "x3.wav", "--peak", "-1", expect=7)
        # A sparse 8-bit WAV claiming 2^32 - 16 frames: refused before any allocation.
        fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
        with open("huge.wav", "wb") as f:
            n = 0xFFFFFFF0
            f.write(b"RIFF" + struct.pack("<I", (4 + 24 + 8 + n) & 0xFFFFFFFF) + b"WAVE")
            f.write(b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", n))
            f.truncate(44 + n)
        p = run("analyze", "huge.wav", expect=8)
        check("2^31" in p.stderr, f"huge file refused: {p.stderr.strip()}")
        os.remove("huge.wav")
        check("null" in run("analyze", "--help").stdout, "analyze --help documents null for -inf")
        run("generate", "-o", "x.wav", "--type", "sine", "--dbfs", "abc", expect=2)
        run("generate", "-o", "y.wav", "--type", "sine", "--dbfs", "10", expect=2)
        run("generate", "-o", "x.wav", "--type", "wobble", expect=2)
        run("analyze", "sine.wav", "-j", "99", expect=2)
        run("analyze", "sine.wav", "--bogus", expect=2)
        run("frobnicate", expect=2)
        run("generate", "-o", "sine.wav", "--type", "sine", expect=5)
        run("process", "sine.wav", "-o", "sine.wav", "--force", expect=5)
        run("generate", "-o", "sine.wav", "--type", "sine", "--dbfs", "-12", "--force", "-q")
        a = analyze("sine.wav")
        check(a and abs(a["sample_peak_dbfs"] + 12.0) < 0.01, "--force overwrites")
        run("generate", "-o", "nodir/x.wav", "--type", "sine", expect=5)
        leftovers = [f for f in os.listdir(".") if ".tmp." in f]
        check(not leftovers, f"no temporary files left behind: {leftovers}")
    finally:
        shutil.rmtree(tmp)
    if failures:
        print("\n".join(["FAILURES:"] + failures))
        return 1
    print("all CLI tests passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
