/* Small inline helpers shared by the DSP modules (internal). */
#ifndef WP_DSP_UTIL_H
#define WP_DSP_UTIL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wavepool/dsp.h"
#include "wavepool/status.h"

#define WP_PI 3.14159265358979323846
#define WP_TWO_PI 6.28318530717958647692

/* Flushes values too small to matter to zero, so recursive filters never
 * run on denormals (slow on x86, and wasm offers no flush-to-zero mode). */
static inline float wp_flush_denormal(float x)
{
    return fabsf(x) < 1e-30f ? 0.0f : x;
}

/* The same for double state. */
static inline double wp_flush_denormal_d(double x)
{
    return fabs(x) < 1e-30 ? 0.0 : x;
}

static inline double wp_db_to_gain(double db) { return pow(10.0, db / 20.0); }

/* Gain to dB with a floor, so silence gives a finite number. */
static inline double wp_gain_to_db(double gain, double floor_db)
{
    return gain > 0.0 ? fmax(20.0 * log10(gain), floor_db) : floor_db;
}

/* WP_OK when lo <= v <= hi (and v is a number), else WP_ERR_OUT_OF_RANGE. */
static inline wp_status wp_check_range(double v, double lo, double hi)
{
    return (v >= lo && v <= hi) ? WP_OK : WP_ERR_OUT_OF_RANGE;
}

static inline wp_status wp_check_rate_channels(double rate, int channels)
{
    if (wp_check_range(rate, WP_DSP_MIN_RATE, WP_DSP_MAX_RATE) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    if (channels < 1 || channels > WP_DSP_MAX_CHANNELS)
        return WP_ERR_OUT_OF_RANGE;
    return WP_OK;
}

/* One-pole smoother: y += (target - y) * coeff per sample. coeff for a time
 * constant of `ms` milliseconds (63% of a step after that time). */
typedef struct wp_smoother {
    float value, target, coeff;
} wp_smoother;

static inline float wp_smoother_coeff(double ms, double rate)
{
    return ms <= 0.0 ? 1.0f : (float)(1.0 - exp(-1000.0 / (ms * rate)));
}

static inline void wp_smoother_init(wp_smoother *s, float value, double ms, double rate)
{
    s->value = s->target = value;
    s->coeff = wp_smoother_coeff(ms, rate);
}

static inline float wp_smoother_next(wp_smoother *s)
{
    float next = s->value + (s->target - s->value) * s->coeff;
    /* Land exactly, so a settled smoother is bit-stable and equals its
     * target: also once a step no longer moves the value, which near 1.0
     * happens ~1e-5 short of the target (float resolution), not within 1e-9. */
    if (next == s->value || fabsf(s->target - next) < 1e-9f)
        next = s->target;
    s->value = next;
    return next;
}

/* log2(x) for a positive normal float without libm: one division and a
 * short polynomial, the same bits on every platform, absolute error below
 * 4e-6 (the float rounding of results up to +-128). For gain computers that
 * need a level in the log domain once per sample (20*log10(x) = 6.0206 *
 * log2(x)). */
static inline float wp_fast_log2(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)((bits >> 23) & 0xffu) - 127;
    bits = (bits & 0x007fffffu) | 0x3f800000u;
    float m;
    memcpy(&m, &bits, sizeof m);
    /* Mantissa in [sqrt(1/2), sqrt(2)), so s stays within +-0.172. */
    if (m > 1.41421356f) {
        m *= 0.5f;
        e += 1;
    }
    /* log2(m) = 2/ln2 * atanh(s), s = (m-1)/(m+1): odd series to s^9. */
    float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
    float p = 2.88539008f + s2 * (0.961796694f + s2 * (0.577078016f + s2 * (0.412198583f + s2 * 0.320598898f)));
    return (float)e + s * p;
}

/* 2^x without libm for x in [-126, 127] (clamped there), relative error
 * below 3e-7; exactly 1 for x == 0, so a unity gain stays bit-exact. */
static inline float wp_fast_exp2(float x)
{
    x = x < -126.0f ? -126.0f : x > 127.0f ? 127.0f : x;
    float n = floorf(x + 0.5f), f = x - n;
    /* Taylor series of 2^f = e^(f ln2) on |f| <= 1/2, to f^7. */
    float p = 1.0f + f * (0.693147181f + f * (0.240226507f + f * (0.0555041087f + f * (0.00961812911f
                   + f * (0.00133335581f + f * (0.000154035304f + f * 0.0000152527338f))))));
    uint32_t bits = (uint32_t)((int)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* Modified Bessel function of the first kind, order 0, for Kaiser windows
 * (power series; converges for the window arguments used, x < 40). */
static inline double wp_bessel_i0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 60; k++) {
        double q = x / (2.0 * k);
        term *= q * q;
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return sum;
}

#endif
