#!/usr/bin/env bash
# `make bench`: one table of real forward FFT times, wavepool against FFTW
# natively and wavepool wasm (node) against native, all from this run; then
# the offline jobs' scaling over 1, 2 and 4 workers (bench_jobs, native).
# Needs build/native and build/wasm-st built (make native wasm-st).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

native_bench=build/native/bench/bench_fft
wasm_bench=build/wasm-st/bench/bench_fft.js
for program in "$native_bench" "$wasm_bench"; do
    if [ ! -f "$program" ]; then
        echo "bench: $program is missing: run make native wasm-st" >&2
        exit 1
    fi
done

cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "FFT benchmark, ns per real forward transform (best batch) | CPU: ${cpu:-unknown}, $(nproc) cores | $(date '+%Y-%m-%d %H:%M %Z')"

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
