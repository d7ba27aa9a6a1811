/* clock_gettime and CLOCK_THREAD_CPUTIME_ID under -std=c11 */
#define _POSIX_C_SOURCE 200809L

#include "bench_timing.h"

#include <math.h>
#include <time.h>

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#endif

static const double BATCH_SECONDS = 0.06;
static const double CALIBRATION_SECONDS = 0.005;

/* CPU time, not wall time: on a shared machine a wall clock also counts the
 * time other processes hold the core (seen doubling every figure). In node,
 * the process's user + system time (µs resolution, fine for 60 ms batches;
 * node's helper threads are idle once calibration let the code tier up). */
#ifdef __EMSCRIPTEN__
EM_JS(double, bench_cpu_seconds_js, (void), {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) * 1e-6;
});
double bench_cpu_seconds(void) { return bench_cpu_seconds_js(); }
#else
double bench_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
#endif

static double time_batch(const bench_contender *c, long units)
{
    double start = bench_cpu_seconds();
    c->run(c->context, units);
    return bench_cpu_seconds() - start;
}

static long calibrate(const bench_contender *c)
{
    long units = 1;
    double elapsed;
    while ((elapsed = time_batch(c, units)) < CALIBRATION_SECONDS)
        units *= 2;
    long scaled = (long)((double)units * BATCH_SECONDS / elapsed);
    return scaled > 1 ? scaled : 1;
}

void bench_measure(bench_contender *contenders, int count, int repetitions)
{
    for (int i = 0; i < count; i++) {
        contenders[i].units = calibrate(&contenders[i]);
        contenders[i].best_unit_seconds = INFINITY;
    }
    for (int rep = 0; rep < repetitions; rep++) {
        for (int i = 0; i < count; i++) {
            bench_contender *c = &contenders[i];
            double seconds = time_batch(c, c->units) / (double)c->units;
            c->best_unit_seconds = fmin(c->best_unit_seconds, seconds);
        }
    }
}
