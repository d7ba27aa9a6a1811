/* Delay-line pieces shared by the time-based effects (reverb, delay,
 * chorus); internal.
 *
 * wp_dline: a power-of-two ring of floats, allocated once at create. The
 * convention is read-before-write: at each sample, taps are read first and
 * then the new sample is written, so tap k (k >= 1) is the sample written k
 * samples ago and a loop through one line has a delay of exactly k samples.
 *
 * wp_dline_hermite_at (and wp_hermite4_v4, four reads at once): fractional
 * read with 4-point, 3rd-order Hermite (Catmull-Rom) interpolation. Chosen
 * over linear interpolation, which low-passes by up to 6 dB at Nyquist at
 * half-sample positions and modulates the spectrum when the delay moves,
 * and over 4-point Lagrange, whose output derivative jumps at sample
 * crossings (audible as modulation noise in a swept delay); Hermite is C1
 * continuous.
 *
 * wp_xtap: a read position that never jumps: a change of delay crossfades
 * (smoothstep, WP_XTAP_FADE_MS) from the old read position to the new one,
 * so even a 2 s jump neither clicks nor sweeps the pitch.
 *
 * wp_glide: parameter smoothing by two one-pole wp_smoothers in series. Its
 * output starts moving with zero slope, so a gain change has no kink and a
 * moving read position changes speed continuously (a gentle pitch bend
 * rather than a sudden pitch step).
 *
 * wp_fade: an on/off gain that moves along a smoothstep over a fixed time and
 * lands exactly on 0 and 1 (bypass of the effects).
 *
 * wp_v4f: 4-wide float vectors (GCC/Clang vector extensions: SSE on x86,
 * simd128 in wasm, NEON on ARM, plain scalar code where there is no SIMD)
 * with the few helpers the effects share. Every operation is lane-wise IEEE
 * arithmetic, so a lane computes exactly what the scalar code would.
 *
 * wp_sin_cycles: sine of a phase given in cycles, by polynomial (max error
 * about 1e-7), for LFOs that must be cheap and identical on every platform.
 */
#ifndef WP_DELAYLINE_H
#define WP_DELAYLINE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dsp/dsp_util.h"
#include "wavepool/status.h"

/* buf holds capacity + WP_DLINE_GUARD floats: the first WP_DLINE_GUARD
 * samples are mirrored past the end, so the four neighbours of a Hermite
 * read are always contiguous (one index, no wrap per neighbour). */
#define WP_DLINE_GUARD 3

typedef struct wp_dline {
    float *buf;
    size_t mask; /* capacity - 1 */
    size_t pos;  /* where the next sample goes */
} wp_dline;

/* Allocates a zeroed line that can be read at delays up to max_delay
 * samples, including the Hermite neighbours. Not real-time safe. */
WP_NODISCARD wp_status wp_dline_init(wp_dline *d, size_t max_delay);
void wp_dline_free(wp_dline *d);
/* Zeroes the history (real-time safe, O(capacity)). */
void wp_dline_clear(wp_dline *d);

static inline void wp_dline_write(wp_dline *d, float x)
{
    d->buf[d->pos] = x;
    if (d->pos < WP_DLINE_GUARD)
        d->buf[d->pos + d->mask + 1] = x;
    d->pos = (d->pos + 1) & d->mask;
}

/* The sample written k >= 1 samples ago. */
static inline float wp_dline_tap(const wp_dline *d, size_t k)
{
    return d->buf[(d->pos - k) & d->mask];
}

/* Catmull-Rom through xm1, x0, x1, x2 at t in [0, 1) between x0 and x1
 * (Laurent de Soras' factorisation: 12 operations). */
static inline float wp_hermite4(float xm1, float x0, float x1, float x2, float t)
{
    float c = 0.5f * (x1 - xm1);
    float v = x0 - x1;
    float w = c + v;
    float a = w + v + 0.5f * (x2 - x0);
    float b_neg = w + a;
    return ((a * t - b_neg) * t + c) * t + x0;
}

/* The signal k + t samples ago, k >= 2 and 0 <= t < 1 (the newer
 * neighbour must already be written); t = 0 returns the stored sample
 * exactly. Callers split a delay in double precision first, so even 2 s at
 * 384 kHz keeps a fraction accurate to 1e-10 sample. */
static inline float wp_dline_hermite_at(const wp_dline *d, size_t k, float t)
{
    /* Oldest neighbour first: tap(k + 2), tap(k + 1), tap(k), tap(k - 1). */
    const float *p = d->buf + ((d->pos - k - 2) & d->mask);
    return wp_hermite4(p[3], p[2], p[1], p[0], t);
}

/* 3x^2 - 2x^3: 0 -> 0 and 1 -> 1 exactly, zero slope at both ends. */
static inline float wp_smoothstep(float x) { return x * x * (3.0f - 2.0f * x); }

#define WP_XTAP_FADE_MS 50.0

typedef struct wp_xtap {
    double cur;    /* delay (samples) being faded in, or the only one */
    double old;    /* delay being faded out */
    double target; /* latest request; taken up when no fade is running */
    float fade;    /* 0..1 progress of the running fade; 1 = none */
    float step;    /* fade increment per sample */
    /* cur and old split into whole samples and fraction. */
    size_t cur_k, old_k;
    float cur_t, old_t;
} wp_xtap;

static inline void wp_xtap_split(double delay, size_t *k, float *t)
{
    long whole = (long)delay; /* signed: one instruction, unlike size_t */
    *k = (size_t)whole;
    *t = (float)(delay - (double)whole);
}

/* Jumps to the target without a fade (for reset). */
static inline void wp_xtap_settle(wp_xtap *x)
{
    x->cur = x->old = x->target;
    x->fade = 1.0f;
    wp_xtap_split(x->cur, &x->cur_k, &x->cur_t);
    x->old_k = x->cur_k;
    x->old_t = x->cur_t;
}

static inline void wp_xtap_init(wp_xtap *x, double delay, double rate)
{
    x->target = delay;
    x->step = (float)(1000.0 / (WP_XTAP_FADE_MS * rate));
    wp_xtap_settle(x);
}

/* Advances one sample. Returns the weight of the old read position (0 when
 * no fade runs); the new one gets 1 minus that. A change requested during a
 * fade starts when that fade ends, so every fade is a full, smooth one. */
static inline float wp_xtap_next(wp_xtap *x)
{
    if (x->fade >= 1.0f) {
        if (x->target == x->cur)
            return 0.0f;
        x->old = x->cur;
        x->old_k = x->cur_k;
        x->old_t = x->cur_t;
        x->cur = x->target;
        wp_xtap_split(x->cur, &x->cur_k, &x->cur_t);
        x->fade = 0.0f;
    }
    x->fade += x->step;
    if (x->fade >= 1.0f) {
        x->fade = 1.0f;
        return 0.0f;
    }
    return 1.0f - wp_smoothstep(x->fade);
}

static inline float wp_xtap_at(const wp_dline *d, size_t k, float t)
{
    /* Whole-sample delays are common (375 ms at 48 kHz): the interpolator
     * would return the stored sample exactly anyway. */
    return t == 0.0f ? wp_dline_tap(d, k) : wp_dline_hermite_at(d, k, t);
}

/* Reads line d through the tap, given the old-position weight from
 * wp_xtap_next for this sample. */
static inline float wp_xtap_read(const wp_xtap *x, const wp_dline *d, float w_old)
{
    float y = wp_xtap_at(d, x->cur_k, x->cur_t);
    if (w_old != 0.0f)
        y += w_old * (wp_xtap_at(d, x->old_k, x->old_t) - y);
    return y;
}

/* The value is b.value; set a.target to move it. */
typedef struct wp_glide {
    wp_smoother a, b;
} wp_glide;

/* `ms` is the time constant of each stage (about 2.1 ms * ms to 63%). */
static inline void wp_glide_init(wp_glide *g, float value, double ms, double rate)
{
    wp_smoother_init(&g->a, value, ms, rate);
    wp_smoother_init(&g->b, value, ms, rate);
}

static inline void wp_glide_settle(wp_glide *g)
{
    g->a.value = g->b.value = g->b.target = g->a.target;
}

/* One sample; false once neither stage moves any more. */
static inline bool wp_glide_step(wp_glide *g)
{
    float a = g->a.value, b = g->b.value;
    g->b.target = wp_smoother_next(&g->a);
    return wp_smoother_next(&g->b) != b || g->a.value != a;
}

typedef struct wp_fade {
    float pos;    /* 0..1 along the smoothstep */
    float target; /* 0 or 1 */
    float step;
} wp_fade;

static inline void wp_fade_init(wp_fade *f, bool on, double ms, double rate)
{
    f->pos = f->target = on ? 1.0f : 0.0f;
    f->step = (float)(1000.0 / (ms * rate));
}

/* Next gain; turning around mid-fade continues from where it is. */
static inline float wp_fade_next(wp_fade *f)
{
    if (f->pos < f->target)
        f->pos = fminf(f->pos + f->step, f->target);
    else if (f->pos > f->target)
        f->pos = fmaxf(f->pos - f->step, f->target);
    return wp_smoothstep(f->pos);
}

typedef float wp_v4f __attribute__((vector_size(16)));
typedef int32_t wp_v4i __attribute__((vector_size(16)));

static inline wp_v4f wp_v4_splat(float x) { return (wp_v4f){x, x, x, x}; }

/* Unaligned load and store. */
static inline wp_v4f wp_v4_load(const float *p)
{
    wp_v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void wp_v4_store(float *p, wp_v4f v) { memcpy(p, &v, sizeof v); }

/* wp_flush_denormal, lane-wise. */
static inline wp_v4f wp_v4_flush(wp_v4f x)
{
    wp_v4i bits = (wp_v4i)x;
    wp_v4f mag = (wp_v4f)(bits & 0x7fffffff);
    return (wp_v4f)(bits & (mag >= wp_v4_splat(1e-30f)));
}

static inline float wp_v4_sum(wp_v4f x) { return (x[0] + x[1]) + (x[2] + x[3]); }

/* wp_hermite4 on four lanes at once: lane q interpolates the four samples
 * at p[q][0..3] (oldest first, i.e. x2, x1, x0, xm1) at t[q]. Same
 * operations in the same order as the scalar version. */
static inline wp_v4f wp_hermite4_v4(const float *const p[4], wp_v4f t)
{
    wp_v4f a = wp_v4_load(p[0]), b = wp_v4_load(p[1]), c = wp_v4_load(p[2]), d = wp_v4_load(p[3]);
    /* Transpose: row r of the result holds sample r of every lane. */
    wp_v4f ab0 = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab1 = __builtin_shufflevector(a, b, 2, 6, 3, 7);
    wp_v4f cd0 = __builtin_shufflevector(c, d, 0, 4, 1, 5), cd1 = __builtin_shufflevector(c, d, 2, 6, 3, 7);
    wp_v4f x2 = __builtin_shufflevector(ab0, cd0, 0, 1, 4, 5), x1 = __builtin_shufflevector(ab0, cd0, 2, 3, 6, 7);
    wp_v4f x0 = __builtin_shufflevector(ab1, cd1, 0, 1, 4, 5), xm1 = __builtin_shufflevector(ab1, cd1, 2, 3, 6, 7);
    wp_v4f half = wp_v4_splat(0.5f);
    wp_v4f cc = half * (x1 - xm1);
    wp_v4f v = x0 - x1;
    wp_v4f w = cc + v;
    wp_v4f aa = w + v + half * (x2 - x0);
    wp_v4f b_neg = w + aa;
    return ((aa * t - b_neg) * t + cc) * t + x0;
}

/* sin(2 pi p) for a phase p >= -0.5 (cycles). Range reduction by integer
 * truncation: floor() is a libm call on baseline x86-64. */
static inline float wp_sin_cycles(double p)
{
    float x = (float)(p - (double)(long)(p + 0.5)); /* [-0.5, 0.5] */
    /* sin(pi - a) = sin(a) folds onto [-0.25, 0.25] cycles. */
    if (x > 0.25f)
        x = 0.5f - x;
    else if (x < -0.25f)
        x = -0.5f - x;
    float t = x * 6.28318530717958647692f;
    float t2 = t * t;
    /* Taylor to t^11: error below 6e-8 on [-pi/2, pi/2]. */
    return t * (1.0f + t2 * (-1.0f / 6.0f + t2 * (1.0f / 120.0f + t2 * (-1.0f / 5040.0f
                + t2 * (1.0f / 362880.0f + t2 * (-1.0f / 39916800.0f))))));
}

#endif
