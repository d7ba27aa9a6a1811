/* wavepool: FFT plans, window functions and spectrum helpers.
 *
 * Backend: pffft (SIMD on SSE/NEON/wasm simd128, scalar elsewhere).
 *
 * Sizes: a plan accepts n in [WP_FFT_MIN_SIZE, WP_FFT_MAX_SIZE] where n is a
 * product of 2, 3 and 5 only and is a multiple of 32 (real) or 16 (complex).
 * Every power of two from 32 to 65536 qualifies; so do e.g. 480, 960, 1920.
 * Other sizes give WP_ERR_UNSUPPORTED_SIZE.
 *
 * Layouts (all float32):
 *  - real signal: n samples.
 *  - real spectrum: n/2+1 complex bins interleaved (re, im), i.e. n+2 floats;
 *    bin k is frequency k*rate/n. The imaginary parts of bin 0 (DC) and bin
 *    n/2 (Nyquist) are always 0.
 *  - complex signal and spectrum: n complex values interleaved (re, im), 2n floats.
 *
 * Scaling: forward transforms are unscaled, X[k] = sum x[t] e^{-2 pi i k t/n}.
 * Inverse transforms divide by n, so inverse(forward(x)) == x up to rounding.
 *
 * Alignment and aliasing: `in`, `out` and `work` must be 16-byte aligned
 * (wp_fft_alloc gives such memory). `out` may equal `in` (in place); `work`
 * must not overlap either. `work` holds wp_fft_work_floats(plan) floats.
 *
 * Thread safety: a plan is read-only after creation and may be used by any
 * number of threads at once, each with its own `work`. Transforms allocate
 * nothing and take no locks, so they are real-time safe; plan creation and
 * destruction allocate and are not.
 */
#ifndef WAVEPOOL_FFT_H
#define WAVEPOOL_FFT_H

#include <stddef.h>
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WP_FFT_MIN_SIZE 32
#define WP_FFT_MAX_SIZE 65536
#define WP_FFT_ALIGNMENT 16

typedef enum wp_fft_kind { WP_FFT_REAL = 0, WP_FFT_COMPLEX = 1 } wp_fft_kind;

typedef struct wp_fft wp_fft;

/* Creates a plan for transforms of size n. Not real-time safe. */
WP_NODISCARD wp_status wp_fft_create(size_t n, wp_fft_kind kind, wp_fft **out_plan);
void wp_fft_destroy(wp_fft *plan);

size_t wp_fft_size(const wp_fft *plan);
wp_fft_kind wp_fft_kind_of(const wp_fft *plan);
/* Floats of work memory one transform needs (n for real, 2n for complex). */
size_t wp_fft_work_floats(const wp_fft *plan);

/* 16-byte aligned float buffer (uninitialised); free with wp_fft_free. NULL
 * when out of memory or count is 0. */
float *wp_fft_alloc(size_t count);
void wp_fft_free(float *p);

/* Real plans: in = n samples, out = n+2 floats (n/2+1 bins). */
WP_NODISCARD wp_status wp_fft_forward_real(const wp_fft *plan, const float *in, float *out, float *work);
/* Real plans: in = n+2 floats (bins), out = n samples (scaled by 1/n). `in`
 * is read only; out may equal in. */
WP_NODISCARD wp_status wp_fft_inverse_real(const wp_fft *plan, const float *in, float *out, float *work);
/* Complex plans: in and out are 2n floats. */
WP_NODISCARD wp_status wp_fft_forward_complex(const wp_fft *plan, const float *in, float *out, float *work);
WP_NODISCARD wp_status wp_fft_inverse_complex(const wp_fft *plan, const float *in, float *out, float *work);

/* Window functions, periodic (DFT-even) form: w[t] for t = 0..n-1 of a
 * window of period n, which is what spectral analysis with hop n/k wants.
 * Coherent gain = mean of w = a0 of the cosine sum, exactly:
 *   HANN            0.5
 *   HAMMING         0.54
 *   BLACKMAN        0.42           (a0 .42, a1 .5, a2 .08)
 *   BLACKMAN_HARRIS 0.35875        (4-term, -92 dB sidelobes)
 *   FLAT_TOP        0.21557895     (5-term; amplitude error < 0.01 dB)
 *   RECTANGULAR     1.0
 * A sine of amplitude A that falls on bin k reads |X[k]| = A * n/2 * gain. */
typedef enum wp_window {
    WP_WINDOW_RECTANGULAR = 0,
    WP_WINDOW_HANN,
    WP_WINDOW_HAMMING,
    WP_WINDOW_BLACKMAN,
    WP_WINDOW_BLACKMAN_HARRIS,
    WP_WINDOW_FLAT_TOP,
    WP_WINDOW_COUNT
} wp_window;

WP_NODISCARD wp_status wp_window_fill(wp_window type, float *w, size_t n);
/* The coherent gain listed above; 0 for an unknown type. */
double wp_window_coherent_gain(wp_window type);
/* Lower-case name ("hann", "flat-top", ...) and its inverse. */
const char *wp_window_name(wp_window type);
WP_NODISCARD wp_status wp_window_from_name(const char *name, wp_window *out_type);

/* Spectrum helpers over `bins` complex values interleaved (re, im).
 * magnitude: |X|; power: |X|^2. They may write in place over the first
 * `bins` floats of `spectrum`. Real-time safe. */
void wp_spectrum_magnitude(const float *spectrum, size_t bins, float *out);
void wp_spectrum_power(const float *spectrum, size_t bins, float *out);
/* Amplitude to dB: 20*log10(max(x*scale, tiny)), floored at floor_db, in
 * place allowed. With scale = 2/(n*coherent_gain) a full-scale sine reads 0 dB. */
void wp_amplitude_to_db(const float *in, size_t count, float scale, float floor_db, float *out);
/* Power to dB: 10*log10(max(x*scale, tiny)), floored at floor_db. */
void wp_power_to_db(const float *in, size_t count, float scale, float floor_db, float *out);

#ifdef __cplusplus
}
#endif

#endif
