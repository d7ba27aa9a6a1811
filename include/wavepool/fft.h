/**
 * @file
 * wavepool: FFT plans, window functions and spectrum helpers.
 *
 * Backend: pffft (SIMD on SSE/NEON/wasm simd128, scalar elsewhere).
 *
 * Sizes: a plan accepts n in [WP_FFT_MIN_SIZE, WP_FFT_MAX_SIZE] where n is a
 * product of 2, 3 and 5 only and is a multiple of 32 (real) or 16 (complex).
 * Every power of two from 32 to 65536 qualifies; so do e.g. 480, 960, 1920.
 * Other sizes give WP_ERR_UNSUPPORTED_SIZE.
 *
 * Layouts (all float32):
 *
 *  - real signal: n samples.
 *  - real spectrum: n/2+1 complex bins interleaved (re, im), i.e. n+2 floats;
 *    bin k is frequency `k*rate/n`. The imaginary parts of bin 0 (DC) and bin
 *    n/2 (Nyquist) are always 0.
 *  - complex signal and spectrum: n complex values interleaved (re, im), 2n floats.
 *
 * Scaling: forward transforms are unscaled, `X[k] = sum x[t] e^{-2 pi i k t/n}`.
 * Inverse transforms divide by n, so inverse(forward(x)) == x up to rounding.
 *
 * Alignment and aliasing: `in`, `out` and `work` must be 16-byte aligned
 * (wp_fft_alloc() gives such memory). `out` may equal `in` (in place); `work`
 * must not overlap either. `work` holds wp_fft_work_floats(plan) floats.
 *
 * Thread safety: a plan is read-only after creation and may be used by any
 * number of threads at once, each with its own `work`. Transforms allocate
 * nothing and take no locks, so they are real-time safe; plan creation and
 * destruction allocate and are not. The window and spectrum helpers are
 * pure functions of their arguments: any thread, no allocation, no lock.
 */
#ifndef WAVEPOOL_FFT_H
#define WAVEPOOL_FFT_H

#include <stddef.h>
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Smallest transform size a plan accepts (real and complex). */
#define WP_FFT_MIN_SIZE 32
/** Largest transform size a plan accepts (real and complex). */
#define WP_FFT_MAX_SIZE 65536
/** Alignment in bytes that `in`, `out` and `work` of a transform must have. */
#define WP_FFT_ALIGNMENT 16

/** Kind of transform a plan computes; fixed at wp_fft_create(). */
typedef enum wp_fft_kind { WP_FFT_REAL = 0, WP_FFT_COMPLEX = 1 } wp_fft_kind;
/** @var WP_FFT_REAL
 * Real signal of n samples to and from n/2+1 complex bins. */
/** @var WP_FFT_COMPLEX
 * n complex values to and from n complex bins. */

/**
 * An FFT plan (opaque): twiddles and factorisation for one size and kind.
 *
 * Read-only after creation; shareable between threads. Made by
 * wp_fft_create(), freed by wp_fft_destroy().
 */
typedef struct wp_fft wp_fft;

/**
 * Creates a plan for transforms of size n. Not real-time safe.
 *
 * Allocates; call from a non-real-time thread.
 *
 * @param[in]  n         transform size in points (samples for a real plan,
 *                       complex values for a complex one), in
 *                       WP_FFT_MIN_SIZE..WP_FFT_MAX_SIZE, a product of 2, 3 and 5 only, a
 *                       multiple of 32 (real) or 16 (complex).
 * @param[in]  kind      WP_FFT_REAL or WP_FFT_COMPLEX.
 * @param[out] out_plan  receives the plan, owned by the caller, who frees it
 *                       with wp_fft_destroy(). Set to NULL on every failure
 *                       after the argument check.
 * @retval WP_OK                    plan created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out_plan is NULL or @p kind is not a
 *                                  wp_fft_kind (`*out_plan` is then untouched).
 * @retval WP_ERR_UNSUPPORTED_SIZE  @p n is outside the size rules above.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 */
WP_NODISCARD wp_status wp_fft_create(size_t n, wp_fft_kind kind, wp_fft **out_plan);
/**
 * Frees a plan.
 *
 * Not real-time safe. No thread may still be using the plan.
 *
 * @param[in] plan  plan from wp_fft_create(), or NULL (then nothing happens).
 */
void wp_fft_destroy(wp_fft *plan);

/**
 * The plan's transform size n (points).
 *
 * Any thread, real-time safe.
 *
 * @param[in] plan  a plan (not NULL).
 * @return n, as passed to wp_fft_create().
 */
size_t wp_fft_size(const wp_fft *plan);
/**
 * The plan's kind.
 *
 * Any thread, real-time safe.
 *
 * @param[in] plan  a plan (not NULL).
 * @return WP_FFT_REAL or WP_FFT_COMPLEX, as passed to wp_fft_create().
 */
wp_fft_kind wp_fft_kind_of(const wp_fft *plan);
/**
 * Floats of work memory one transform needs (n for real, 2n for complex).
 *
 * Any thread, real-time safe.
 *
 * @param[in] plan  a plan (not NULL).
 * @return the number of floats the `work` buffer of a transform must hold.
 */
size_t wp_fft_work_floats(const wp_fft *plan);

/**
 * 16-byte aligned float buffer (uninitialised); free with wp_fft_free().
 *
 * NULL when out of memory or count is 0 (or when count floats would not fit
 * in a size_t). Allocates: not real-time safe; any thread.
 *
 * @param[in] count  number of floats, >= 1.
 * @return the buffer, owned by the caller (free it with wp_fft_free(), not
 *         free()), or NULL.
 */
float *wp_fft_alloc(size_t count);
/**
 * Frees a buffer from wp_fft_alloc().
 *
 * Not real-time safe.
 *
 * @param[in] p  buffer from wp_fft_alloc(), or NULL (then nothing happens).
 */
void wp_fft_free(float *p);

/**
 * Real plans: in = n samples, out = n+2 floats (n/2+1 bins).
 *
 * Forward, unscaled. `out` may equal `in` (which must then hold n+2
 * floats); `work` must not overlap either. Any thread, real-time safe.
 *
 * @param[in]  plan  a WP_FFT_REAL plan.
 * @param[in]  in    n samples, 16-byte aligned.
 * @param[out] out   n+2 floats, 16-byte aligned: bins 0..n/2 as (re, im);
 *                   the imaginary parts of bins 0 and n/2 are written as 0.
 * @param[out] work  scratch of wp_fft_work_floats() (n) floats, 16-byte
 *                   aligned; contents on entry and exit are irrelevant.
 * @retval WP_OK                    transform done.
 * @retval WP_ERR_INVALID_ARGUMENT  a NULL pointer, a complex plan, or a
 *                                  buffer not aligned to WP_FFT_ALIGNMENT
 *                                  (nothing written).
 */
WP_NODISCARD wp_status wp_fft_forward_real(const wp_fft *plan, const float *in, float *out, float *work);
/**
 * Real plans: in = n+2 floats (bins), out = n samples (scaled by 1/n).
 *
 * `in` is read only; out may equal in. The imaginary parts of bins 0 and
 * n/2 (`in[1]` and `in[n+1]`) are not read: they are taken as 0. Any
 * thread, real-time safe.
 *
 * @param[in]  plan  a WP_FFT_REAL plan.
 * @param[in]  in    n+2 floats (n/2+1 bins as (re, im)), 16-byte aligned.
 *                   Not modified unless @p out equals @p in.
 * @param[out] out   n samples, 16-byte aligned.
 * @param[out] work  scratch of wp_fft_work_floats() (n) floats, 16-byte
 *                   aligned, not overlapping @p in or @p out.
 * @retval WP_OK                    transform done.
 * @retval WP_ERR_INVALID_ARGUMENT  a NULL pointer, a complex plan, or a
 *                                  buffer not aligned to WP_FFT_ALIGNMENT
 *                                  (nothing written).
 */
WP_NODISCARD wp_status wp_fft_inverse_real(const wp_fft *plan, const float *in, float *out, float *work);
/**
 * Complex plans: in and out are 2n floats.
 *
 * Forward, unscaled. `out` may equal `in`. Any thread, real-time safe.
 *
 * @param[in]  plan  a WP_FFT_COMPLEX plan.
 * @param[in]  in    n complex values interleaved (re, im), 2n floats, 16-byte aligned.
 * @param[out] out   n complex bins interleaved (re, im), 2n floats, 16-byte aligned.
 * @param[out] work  scratch of wp_fft_work_floats() (2n) floats, 16-byte
 *                   aligned, not overlapping @p in or @p out.
 * @retval WP_OK                    transform done.
 * @retval WP_ERR_INVALID_ARGUMENT  a NULL pointer, a real plan, or a buffer
 *                                  not aligned to WP_FFT_ALIGNMENT (nothing
 *                                  written).
 */
WP_NODISCARD wp_status wp_fft_forward_complex(const wp_fft *plan, const float *in, float *out, float *work);
/**
 * Complex plans: inverse transform, scaled by 1/n; in and out are 2n floats.
 *
 * `out` may equal `in`. Any thread, real-time safe.
 *
 * @param[in]  plan  a WP_FFT_COMPLEX plan.
 * @param[in]  in    n complex bins interleaved (re, im), 2n floats, 16-byte aligned.
 * @param[out] out   n complex values interleaved (re, im), 2n floats, 16-byte aligned.
 * @param[out] work  scratch of wp_fft_work_floats() (2n) floats, 16-byte
 *                   aligned, not overlapping @p in or @p out.
 * @retval WP_OK                    transform done.
 * @retval WP_ERR_INVALID_ARGUMENT  a NULL pointer, a real plan, or a buffer
 *                                  not aligned to WP_FFT_ALIGNMENT (nothing
 *                                  written).
 */
WP_NODISCARD wp_status wp_fft_inverse_complex(const wp_fft *plan, const float *in, float *out, float *work);

/**
 * Window functions, periodic (DFT-even) form.
 *
 * w[t] for t = 0..n-1 of a window of period n, which is what spectral
 * analysis with hop n/k wants.
 * Coherent gain = mean of w = a0 of the cosine sum, exactly:
 * @verbatim
   HANN            0.5
   HAMMING         0.54
   BLACKMAN        0.42           (a0 .42, a1 .5, a2 .08)
   BLACKMAN_HARRIS 0.35875        (4-term, -92 dB sidelobes)
   FLAT_TOP        0.21557895     (5-term; amplitude error < 0.01 dB)
   RECTANGULAR     1.0
   @endverbatim
 * A sine of amplitude A that falls on bin k reads `|X[k]| = A * n/2 * gain`.
 */
typedef enum wp_window {
    WP_WINDOW_RECTANGULAR = 0,  /**< all ones; name "rectangular" */
    WP_WINDOW_HANN,             /**< Hann; name "hann" */
    WP_WINDOW_HAMMING,          /**< Hamming; name "hamming" */
    WP_WINDOW_BLACKMAN,         /**< Blackman; name "blackman" */
    WP_WINDOW_BLACKMAN_HARRIS,  /**< 4-term Blackman-Harris; name "blackman-harris" */
    WP_WINDOW_FLAT_TOP,         /**< 5-term flat top; name "flat-top" */
    WP_WINDOW_COUNT             /**< number of window types (not a window) */
} wp_window;

/**
 * Fills @p w with the periodic window @p type of period @p n.
 *
 * Pure; any thread; no allocation or lock (n cosine sums).
 *
 * @param[in]  type  a window, WP_WINDOW_RECTANGULAR..WP_WINDOW_FLAT_TOP.
 * @param[out] w     n floats, `w[t]` for t = 0..n-1.
 * @param[in]  n     window length and period in samples, >= 1.
 * @retval WP_OK                    window written.
 * @retval WP_ERR_INVALID_ARGUMENT  @p w is NULL, @p n is 0 or @p type is
 *                                  not a window (WP_WINDOW_COUNT included);
 *                                  nothing written.
 */
WP_NODISCARD wp_status wp_window_fill(wp_window type, float *w, size_t n);
/**
 * The coherent gain listed above; 0 for an unknown type.
 *
 * Pure; any thread, real-time safe.
 *
 * @param[in] type  a window.
 * @return the mean of the window over one period (a0), or 0.
 */
double wp_window_coherent_gain(wp_window type);
/**
 * Lower-case name ("hann", "flat-top", ...) of a window.
 *
 * wp_window_from_name() is its inverse. Pure; any thread, real-time safe.
 *
 * @param[in] type  a window.
 * @return a static string ("rectangular", "hann", "hamming", "blackman",
 *         "blackman-harris", "flat-top"), "unknown" for an unknown type;
 *         never NULL, not to be freed.
 */
const char *wp_window_name(wp_window type);
/**
 * The window whose wp_window_name() is @p name (the inverse of it).
 *
 * The match is exact and case-sensitive. Pure; any thread, real-time safe.
 *
 * @param[in]  name      a NUL-terminated lower-case name such as "hann".
 * @param[out] out_type  receives the window; written only on success.
 * @retval WP_OK                    found.
 * @retval WP_ERR_INVALID_ARGUMENT  a NULL pointer, or no window has that name.
 */
WP_NODISCARD wp_status wp_window_from_name(const char *name, wp_window *out_type);

/**
 * Spectrum helper: magnitude |X| of @p bins complex values.
 *
 * Spectrum helpers work over `bins` complex values interleaved (re, im).
 * magnitude: |X|; power: |X|^2. They may write in place over the first
 * `bins` floats of `spectrum`. Real-time safe.
 *
 * @param[in]  spectrum  2 * @p bins floats, interleaved (re, im).
 * @param[in]  bins      number of complex values.
 * @param[out] out       @p bins floats; may be @p spectrum itself.
 */
void wp_spectrum_magnitude(const float *spectrum, size_t bins, float *out);
/**
 * Spectrum helper: power |X|^2 of @p bins complex values.
 *
 * May write in place over the first `bins` floats of `spectrum`. Real-time
 * safe.
 *
 * @param[in]  spectrum  2 * @p bins floats, interleaved (re, im).
 * @param[in]  bins      number of complex values.
 * @param[out] out       @p bins floats; may be @p spectrum itself.
 */
void wp_spectrum_power(const float *spectrum, size_t bins, float *out);
/**
 * Amplitude to dB: `20*log10(max(x*scale, tiny))`, floored at floor_db.
 *
 * In place allowed. With `scale = 2/(n*coherent_gain)` a full-scale sine
 * reads 0 dB. tiny is 1e-30 (so the result is never below -600 dB even
 * with a very low floor). Real-time safe.
 *
 * @param[in]  in        @p count amplitudes (linear, >= 0).
 * @param[in]  count     number of values.
 * @param[in]  scale     linear factor applied before the log.
 * @param[in]  floor_db  lowest result, dB.
 * @param[out] out       @p count values in dB; may be @p in.
 */
void wp_amplitude_to_db(const float *in, size_t count, float scale, float floor_db, float *out);
/**
 * Power to dB: `10*log10(max(x*scale, tiny))`, floored at floor_db.
 *
 * In place allowed. tiny is 1e-30 (-300 dB). Real-time safe.
 *
 * @param[in]  in        @p count powers (linear, >= 0).
 * @param[in]  count     number of values.
 * @param[in]  scale     linear factor applied before the log.
 * @param[in]  floor_db  lowest result, dB.
 * @param[out] out       @p count values in dB; may be @p in.
 */
void wp_power_to_db(const float *in, size_t count, float scale, float floor_db, float *out);

#ifdef __cplusplus
}
#endif

#endif
