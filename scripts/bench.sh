#!/usr/bin/env bash
# `make bench`: three tables, all from this run.
#  1. real forward FFT times, wavepool against FFTW natively and wavepool
#     wasm (node) against native;
#  2. EQ, each effect, loudness analysis (against libebur128 natively) and
#     the full chain per stereo frame at 48 kHz, as ns/frame and real-time
#     factor (seconds of audio per second of one core), native and wasm.
#  3. the offline jobs' scaling over 1, 2 and 4 workers (bench_jobs, native).
# Needs build/native and build/wasm-st built (make native wasm-st).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

native_bench=build/native/bench/bench_fft
wasm_bench=build/wasm-st/bench/bench_fft.js
native_dsp=build/native/bench/bench_dsp
wasm_dsp=build/wasm-st/bench/bench_dsp.js
for program in "$native_bench" "$wasm_bench" "$native_dsp" "$wasm_dsp"; do
    if [ ! -f "$program" ]; then
        echo "bench: $program is missing: run make native wasm-st" >&2
        exit 1
    fi
done

cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "FFT benchmark, ns per real forward transform (CPU time, best batch) | CPU: ${cpu:-unknown}, $(nproc) cores | $(date '+%Y-%m-%d %H:%M %Z')"

# One after the other: run together they would share the cores and skew both.
native_out=$("$native_bench")
wasm_out=$(node --no-experimental-fetch "$wasm_bench")

# Joins the key=value lines of both runs by size.
awk '
    {
        split("", field)
        for (i = 1; i <= NF; i++) {
            split($i, kv, "=")
            field[kv[1]] = kv[2]
        }
        size = field["size"]
        if (FNR == NR) {
            order[++count] = size
            native[size] = field["wavepool_ns"]
            fftw[size] = field["fftw_ns"]
        } else {
            wasm[size] = field["wavepool_ns"]
        }
    }
    END {
        format = "%6s %12s %12s %14s %12s %12s\n"
        printf format, "size", "wavepool ns", "fftw ns", "wavepool/fftw", "wasm ns", "wasm/native"
        for (i = 1; i <= count; i++) {
            size = order[i]
            if (!(size in wasm) || fftw[size] == "") {
                print "bench: no complete result for size " size > "/dev/stderr"
                exit 1
            }
            printf "%6d %12.1f %12.1f %14.2f %12.1f %12.2f\n", size, native[size], fftw[size],
                native[size] / fftw[size], wasm[size], wasm[size] / native[size]
        }
    }
' <(printf '%s\n' "$native_out") <(printf '%s\n' "$wasm_out")

echo
echo "DSP benchmark, stereo 48 kHz in 512-frame blocks, one core, CPU time (best batch); x RT = seconds of audio per second of CPU"

native_out=$("$native_dsp")
wasm_out=$(node --no-experimental-fetch "$wasm_dsp")

# Joins the case=... lines of both runs by case; the check= line (native
# only) is the loudness agreement with libebur128.
awk '
    {
        split("", field)
        for (i = 1; i <= NF; i++) {
            split($i, kv, "=")
            field[kv[1]] = kv[2]
        }
        if ("check" in field) {
            if (FNR == NR)
                agreement = sprintf("loudness check (10 s of the signal): I %s vs %s LUFS, LRA %s vs %s LU, true peak %s vs %s dBTP (worst channel %s dB apart) (wavepool vs libebur128)",
                    field["wavepool_i"], field["ebur128_i"], field["wavepool_lra"], field["ebur128_lra"],
                    field["wavepool_tp"], field["ebur128_tp"], field["tp_worst_channel_diff"])
            next
        }
        name = field["case"]
        if (FNR == NR) {
            order[++count] = name
            native[name] = field["ns_per_frame"]
        } else {
            wasm[name] = field["ns_per_frame"]
        }
    }
    function rt(ns) { return 1e9 / (ns * 48000) }
    END {
        format = "%-12s %12s %10s %12s %10s %12s\n"
        printf format, "case", "native ns", "native xRT", "wasm ns", "wasm xRT", "wasm/native"
        for (i = 1; i <= count; i++) {
            name = order[i]
            if (name in wasm) {
                printf "%-12s %12.2f %10.0f %12.2f %10.0f %12.2f\n", name, native[name], rt(native[name]),
                    wasm[name], rt(wasm[name]), wasm[name] / native[name]
            } else if (name == "libebur128") {
                printf "%-12s %12.2f %10.0f %12s %10s %12s\n", name, native[name], rt(native[name]), "-", "-", "-"
            } else {
                print "bench: no wasm result for " name > "/dev/stderr"
                exit 1
            }
        }
        if (!("chain" in native) || !("loudness" in native) || !("libebur128" in native)) {
            print "bench: incomplete native DSP results" > "/dev/stderr"
            exit 1
        }
        printf "full chain (EQ, compressor, chorus, delay, reverb, stereo, limiter): %.0fx real time native (aim >= 200x), %.0fx in wasm\n",
            rt(native["chain"]), rt(wasm["chain"])
        printf "loudness (I + LRA + true peak): wavepool/libebur128 time ratio %.2f natively (below 1: wavepool faster)\n",
            native["loudness"] / native["libebur128"]
        print agreement
    }
' <(printf '%s\n' "$native_out") <(printf '%s\n' "$wasm_out")

# Job scaling (native only: the wasm-st build has no threads). A 10-minute
# track by default; WP_BENCH_MINUTES shortens it.
jobs_bench=build/native/bench/bench_jobs
if [ ! -f "$jobs_bench" ]; then
    echo "bench: $jobs_bench is missing: run make native" >&2
    exit 1
fi
echo
echo "Job scaling, wall time per job | $(nproc) cores"
"$jobs_bench"

# The CLI against sox on the same 10-minute stereo file (pink noise, 24-bit
# WAV), best of 3 wall times, one after the other. sox has no EBU R128
# meter, so `analyze` (loudness, LRA, true peak, RMS, DC) is set against
# `sox -n stats` (peak, RMS, DC: less work), and `normalize --peak` against
# `sox --norm` (the same work). In-process, loudness against libebur128 is
# in the DSP table above.
cli=build/native/cli/wavepool
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cli" generate -q -o "$tmp/in.wav" --type pink --dbfs -20 --duration "$(( ${WP_BENCH_MINUTES:-10} * 60 ))" --channels 2

best_of_3() {
    local best=""
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
        end=$(date +%s.%N)
        best=$(awk -v a="$start" -v b="$end" -v best="$best" 'BEGIN { t = b - a; print (best == "" || t < best) ? t : best }')
    done
    echo "$best"
}

wp_analyze=$(best_of_3 "$cli" analyze -q "$tmp/in.wav")
sox_stats=$(best_of_3 sox "$tmp/in.wav" -n stats)
wp_norm=$(best_of_3 "$cli" normalize -q --force "$tmp/in.wav" -o "$tmp/wp.wav" --peak -3)
sox_norm=$(best_of_3 sox --norm=-3 "$tmp/in.wav" "$tmp/sox.wav")
echo
echo "CLI vs sox, ${WP_BENCH_MINUTES:-10} min stereo 48 kHz 24-bit WAV, wall time (best of 3), $(nproc) cores"
printf '%-40s %8.2f s\n' "wavepool analyze (R128 + peaks + RMS/DC)" "$wp_analyze" \
    "sox -n stats (peaks + RMS/DC)" "$sox_stats" \
    "wavepool normalize --peak -3" "$wp_norm" "sox --norm=-3" "$sox_norm"
awk -v a="$wp_analyze" -v b="$sox_stats" -v c="$wp_norm" -v d="$sox_norm" \
    'BEGIN { printf "ratios: analyze/stats %.2f, normalize/sox %.2f (below 1: wavepool faster)\n", a / b, c / d }'

# The browser: a long task on the pool against the same work on the main
# thread, in headless Chromium (bench/browser_bench.mjs; needs the staged
# site, make site). Without the --no-experimental-fetch flag: playwright
# needs node's fetch.
echo
if [ -f build/site/engine/wavepool-mt.mjs ] && [ -f build/site/engine/wavepool-st.mjs ]; then
    node bench/browser_bench.mjs
else
    echo "bench: build/site is missing (make site): browser benchmark skipped" >&2
fi
