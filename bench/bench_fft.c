/* FFT benchmark: time per real forward transform, sizes 256..16384.
 *
 * Native builds time wavepool against FFTW (fftwf r2c, out of place,
 * FFTW_MEASURE); the wasm build times wavepool alone. One line per size, for
 * scripts/bench.sh to join:
 *   size=1024 wavepool_ns=812.3 fftw_ns=640.1
 *
 * Every size is checked before it is timed (against FFTW where present and
 * against a double-precision DFT at a few bins everywhere); a mismatch exits
 * non-zero so a broken transform cannot report a fast time.
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timing.h"
#include "wavepool/fft.h"

#ifdef WP_BENCH_FFTW
#include <fftw3.h>
#endif

enum { MIN_SIZE = 256, MAX_SIZE = 16384, REPETITIONS = 11, CHECKED_BINS = 16 };

/* Max |difference| over the spectrum relative to the max |bin|. */
static const double MAX_RELATIVE_ERROR = 1e-4;

/* Outputs feed this after every batch, so no transform can be optimised away. */
static volatile float checksum_sink;

static void fail(const char *what, size_t n)
{
    fprintf(stderr, "bench_fft: %s (n=%zu)\n", what, n);
    exit(EXIT_FAILURE);
}

/* Deterministic pseudo-random numbers so every run transforms the same data. */
static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

static float random_sample(uint32_t *state)
{
    return (float)(next_random(state) >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

/* Runs `iterations` transforms back to back. */

typedef struct wavepool_case {
    wp_fft *plan;
    size_t n;
    float *in, *out, *work;
} wavepool_case;

static void run_wavepool(void *context, long iterations)
{
    wavepool_case *c = context;
    float sum = 0.0f;
    for (long i = 0; i < iterations; i++) {
        if (wp_fft_forward_real(c->plan, c->in, c->out, c->work) != WP_OK)
            fail("wp_fft_forward_real failed", c->n);
        sum += c->out[2];
    }
    checksum_sink += sum;
}

#ifdef WP_BENCH_FFTW
typedef struct fftw_case {
    fftwf_plan plan;
    float *in;
    fftwf_complex *out;
} fftw_case;

static void run_fftw(void *context, long iterations)
{
    fftw_case *c = context;
    float sum = 0.0f;
    for (long i = 0; i < iterations; i++) {
        fftwf_execute(c->plan);
        sum += c->out[1][0];
    }
    checksum_sink += sum;
}
#endif

/* Max |test - reference| over `bins` complex bins, relative to the max
 * |reference|. */
static double relative_error(const float *test, const float *reference, size_t bins)
{
    double max_diff = 0.0, max_magnitude = 0.0;
    for (size_t k = 0; k < bins; k++) {
        double diff = hypot((double)test[2 * k] - reference[2 * k], (double)test[2 * k + 1] - reference[2 * k + 1]);
        double magnitude = hypot(reference[2 * k], reference[2 * k + 1]);
        max_diff = fmax(max_diff, diff);
        max_magnitude = fmax(max_magnitude, magnitude);
    }
    return max_diff / max_magnitude;
}

/* Compares DC, Nyquist and random bins of `spectrum` with a direct DFT in
 * double precision: O(n) per bin, an independent check for every build. */
static void check_against_dft(const float *signal, const float *spectrum, size_t n)
{
    const double two_pi = 6.283185307179586;
    float tested[2 * CHECKED_BINS], reference[2 * CHECKED_BINS];
    uint32_t state = 12345u;
    for (size_t j = 0; j < CHECKED_BINS; j++) {
        size_t k = j == 0 ? 0 : j == 1 ? n / 2 : next_random(&state) % (n / 2 + 1);
        double re = 0.0, im = 0.0;
        for (size_t t = 0; t < n; t++) {
            /* Reduce k*t mod n exactly so the angle stays accurate. */
            double angle = two_pi * (double)(k * t % n) / (double)n;
            re += signal[t] * cos(angle);
            im -= signal[t] * sin(angle);
        }
        reference[2 * j] = (float)re;
        reference[2 * j + 1] = (float)im;
        tested[2 * j] = spectrum[2 * k];
        tested[2 * j + 1] = spectrum[2 * k + 1];
    }
    if (relative_error(tested, reference, CHECKED_BINS) >= MAX_RELATIVE_ERROR)
        fail("wavepool spectrum differs from the direct DFT", n);
}

static void bench_size(size_t n)
{
    wavepool_case wp = {.n = n};
    if (wp_fft_create(n, WP_FFT_REAL, &wp.plan) != WP_OK)
        fail("wp_fft_create failed", n);
    wp.in = wp_fft_alloc(n);
    wp.out = wp_fft_alloc(n + 2);
    wp.work = wp_fft_alloc(wp_fft_work_floats(wp.plan));
    if (!wp.in || !wp.out || !wp.work)
        fail("out of memory", n);
    uint32_t state = (uint32_t)n;
    for (size_t t = 0; t < n; t++)
        wp.in[t] = random_sample(&state);

    if (wp_fft_forward_real(wp.plan, wp.in, wp.out, wp.work) != WP_OK)
        fail("wp_fft_forward_real failed", n);
    check_against_dft(wp.in, wp.out, n);

    bench_contender contenders[2] = {{.name = "wavepool_ns", .run = run_wavepool, .context = &wp}};
    int contender_count = 1;

#ifdef WP_BENCH_FFTW
    fftw_case fw;
    fw.in = fftwf_alloc_real(n);
    fw.out = fftwf_alloc_complex(n / 2 + 1);
    if (!fw.in || !fw.out)
        fail("out of memory", n);
    /* FFTW_MEASURE overwrites the arrays while planning: fill them after. */
    fw.plan = fftwf_plan_dft_r2c_1d((int)n, fw.in, fw.out, FFTW_MEASURE);
    if (!fw.plan)
        fail("fftwf_plan_dft_r2c_1d failed", n);
    memcpy(fw.in, wp.in, n * sizeof(float));
    fftwf_execute(fw.plan);
    /* fftwf_complex is float[2]: n/2+1 bins are the same n+2 floats. */
    if (relative_error(wp.out, (const float *)fw.out, n / 2 + 1) >= MAX_RELATIVE_ERROR)
        fail("wavepool spectrum differs from FFTW", n);
    contenders[contender_count++] = (bench_contender){.name = "fftw_ns", .run = run_fftw, .context = &fw};
#endif

    bench_measure(contenders, contender_count, REPETITIONS);
    printf("size=%zu", n);
    for (int i = 0; i < contender_count; i++)
        printf(" %s=%.1f", contenders[i].name, contenders[i].best_unit_seconds * 1e9);
    printf("\n");
    fflush(stdout);

#ifdef WP_BENCH_FFTW
    fftwf_destroy_plan(fw.plan);
    fftwf_free(fw.in);
    fftwf_free(fw.out);
#endif
    wp_fft_free(wp.in);
    wp_fft_free(wp.out);
    wp_fft_free(wp.work);
    wp_fft_destroy(wp.plan);
}

int main(void)
{
    for (size_t n = MIN_SIZE; n <= MAX_SIZE; n *= 2)
        bench_size(n);
    return EXIT_SUCCESS;
}
