/* Timing shared by the benchmarks: calibrated batches, best of N,
 * repetitions interleaved across contenders so a noisy moment on the
 * machine hits every contender alike. */
#ifndef WP_BENCH_TIMING_H
#define WP_BENCH_TIMING_H

/* Runs `units` units of work (transforms, blocks...). */
typedef void (*bench_batch_fn)(void *context, long units);

typedef struct bench_contender {
    const char *name;
    bench_batch_fn run;
    void *context;
    long units;               /* per batch, set by bench_measure */
    double best_unit_seconds; /* CPU seconds per unit, best batch */
} bench_contender;

/* CPU time of this thread (natively) or process (node), in seconds. */
double bench_cpu_seconds(void);

/* Calibrates each contender to ~60 ms batches (which also warms caches and
 * lets wasm tier up), then keeps the best of `repetitions` batches. */
void bench_measure(bench_contender *contenders, int count, int repetitions);

#endif
