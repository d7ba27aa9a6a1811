/* Small inline helpers shared by the DSP modules (internal). */
#ifndef WP_DSP_UTIL_H
#define WP_DSP_UTIL_H

#include <math.h>
#include <stddef.h>

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

/* The same for double-precision recursive state. */
static inline double wp_flush_denormal_double(double x)
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
    s->value += (s->target - s->value) * s->coeff;
    /* Land exactly, so a settled smoother is bit-stable. */
    if (fabsf(s->target - s->value) < 1e-9f)
        s->value = s->target;
    return s->value;
}

#endif
