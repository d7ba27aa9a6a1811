#include "wavepool/fft.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pffft.h"

struct wp_fft {
    PFFFT_Setup *setup;
    size_t n;
    wp_fft_kind kind;
};

/* pffft factors n into 2, 3 and 5 and needs whole SIMD blocks. */
static int size_supported(size_t n, wp_fft_kind kind)
{
    size_t block = kind == WP_FFT_REAL ? 32 : 16;
    if (n < WP_FFT_MIN_SIZE || n > WP_FFT_MAX_SIZE || n % block != 0)
        return 0;
    while (n % 2 == 0)
        n /= 2;
    while (n % 3 == 0)
        n /= 3;
    while (n % 5 == 0)
        n /= 5;
    return n == 1;
}

wp_status wp_fft_create(size_t n, wp_fft_kind kind, wp_fft **out_plan)
{
    if (!out_plan || (kind != WP_FFT_REAL && kind != WP_FFT_COMPLEX))
        return WP_ERR_INVALID_ARGUMENT;
    *out_plan = NULL;
    if (!size_supported(n, kind))
        return WP_ERR_UNSUPPORTED_SIZE;
    wp_fft *plan = calloc(1, sizeof *plan);
    if (!plan)
        return WP_ERR_OUT_OF_MEMORY;
    plan->setup = pffft_new_setup((int)n, kind == WP_FFT_REAL ? PFFFT_REAL : PFFFT_COMPLEX);
    if (!plan->setup) {
        free(plan);
        return WP_ERR_OUT_OF_MEMORY;
    }
    plan->n = n;
    plan->kind = kind;
    *out_plan = plan;
    return WP_OK;
}

void wp_fft_destroy(wp_fft *plan)
{
    if (!plan)
        return;
    pffft_destroy_setup(plan->setup);
    free(plan);
}

size_t wp_fft_size(const wp_fft *plan) { return plan->n; }
wp_fft_kind wp_fft_kind_of(const wp_fft *plan) { return plan->kind; }
size_t wp_fft_work_floats(const wp_fft *plan) { return plan->kind == WP_FFT_REAL ? plan->n : 2 * plan->n; }

float *wp_fft_alloc(size_t count)
{
    if (count == 0 || count > SIZE_MAX / sizeof(float))
        return NULL;
    return pffft_aligned_malloc(count * sizeof(float));
}

void wp_fft_free(float *p) { pffft_aligned_free(p); }

static int aligned(const void *p) { return ((uintptr_t)p % WP_FFT_ALIGNMENT) == 0; }

static wp_status check(const wp_fft *plan, wp_fft_kind kind, const float *in, const float *out, const float *work)
{
    if (!plan || !in || !out || !work || plan->kind != kind)
        return WP_ERR_INVALID_ARGUMENT;
    if (!aligned(in) || !aligned(out) || !aligned(work))
        return WP_ERR_INVALID_ARGUMENT;
    return WP_OK;
}

wp_status wp_fft_forward_real(const wp_fft *plan, const float *in, float *out, float *work)
{
    wp_status st = check(plan, WP_FFT_REAL, in, out, work);
    if (st != WP_OK)
        return st;
    size_t n = plan->n;
    pffft_transform_ordered(plan->setup, in, out, work, PFFFT_FORWARD);
    /* pffft packs the real Nyquist value into out[1]; unpack to bin n/2. */
    out[n] = out[1];
    out[n + 1] = 0.0f;
    out[1] = 0.0f;
    return WP_OK;
}

wp_status wp_fft_inverse_real(const wp_fft *plan, const float *in, float *out, float *work)
{
    wp_status st = check(plan, WP_FFT_REAL, in, out, work);
    if (st != WP_OK)
        return st;
    size_t n = plan->n;
    float nyquist = in[n];
    if (out != in)
        memcpy(out + 2, in + 2, (n - 2) * sizeof(float));
    out[0] = in[0];
    out[1] = nyquist;
    pffft_transform_ordered(plan->setup, out, out, work, PFFFT_BACKWARD);
    float scale = 1.0f / (float)n;
    for (size_t i = 0; i < n; i++)
        out[i] *= scale;
    return WP_OK;
}

static wp_status complex_transform(const wp_fft *plan, const float *in, float *out, float *work,
                                   pffft_direction_t dir)
{
    wp_status st = check(plan, WP_FFT_COMPLEX, in, out, work);
    if (st != WP_OK)
        return st;
    pffft_transform_ordered(plan->setup, in, out, work, dir);
    if (dir == PFFFT_BACKWARD) {
        float scale = 1.0f / (float)plan->n;
        for (size_t i = 0; i < 2 * plan->n; i++)
            out[i] *= scale;
    }
    return WP_OK;
}

wp_status wp_fft_forward_complex(const wp_fft *plan, const float *in, float *out, float *work)
{
    return complex_transform(plan, in, out, work, PFFFT_FORWARD);
}

wp_status wp_fft_inverse_complex(const wp_fft *plan, const float *in, float *out, float *work)
{
    return complex_transform(plan, in, out, work, PFFFT_BACKWARD);
}

void wp_spectrum_magnitude(const float *spectrum, size_t bins, float *out)
{
    for (size_t k = 0; k < bins; k++) {
        float re = spectrum[2 * k], im = spectrum[2 * k + 1];
        out[k] = sqrtf(re * re + im * im);
    }
}

void wp_spectrum_power(const float *spectrum, size_t bins, float *out)
{
    for (size_t k = 0; k < bins; k++) {
        float re = spectrum[2 * k], im = spectrum[2 * k + 1];
        out[k] = re * re + im * im;
    }
}

/* Smallest value the dB helpers take the log of: keeps log10 finite. */
#define WP_DB_TINY 1e-30f

void wp_amplitude_to_db(const float *in, size_t count, float scale, float floor_db, float *out)
{
    for (size_t i = 0; i < count; i++) {
        float db = 20.0f * log10f(fmaxf(in[i] * scale, WP_DB_TINY));
        out[i] = fmaxf(db, floor_db);
    }
}

void wp_power_to_db(const float *in, size_t count, float scale, float floor_db, float *out)
{
    for (size_t i = 0; i < count; i++) {
        float db = 10.0f * log10f(fmaxf(in[i] * scale, WP_DB_TINY));
        out[i] = fmaxf(db, floor_db);
    }
}
