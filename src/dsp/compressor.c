/* Feed-forward, stereo-linked compressor (see compressor.h). */
#include "wavepool/compressor.h"

#include <stdlib.h>

#include "dsp/dsp_util.h"

/* 20 log10(x) = DB_PER_LOG2 * log2(x); 10^(dB/20) = 2^(dB * LOG2_PER_DB). */
#define DB_PER_LOG2 6.02059991f
#define LOG2_PER_DB 0.166096405f
/* Below this gain reduction (dB) the gain is unity to float precision, so
 * the release lands on exactly 0 dB instead of decaying forever. */
#define REDUCTION_FLOOR_DB 1e-6f

enum { THRESHOLD, SLOPE, KNEE, MAKEUP, MIX, ENABLE, RMS_WEIGHT, SMOOTHERS };

struct wp_compressor {
    double rate;
    int channels;
    double threshold_db, ratio, knee_db, makeup_db;
    int auto_makeup;
    /* One-pole alpha per branch, and the smoothed gain reduction (dB >= 0),
     * in double: alpha is within 1e-6 of 1 at long times and high rates. */
    double attack_coeff, release_coeff, reduction;
    /* threshold (dB), slope 1/R - 1, knee (dB), makeup (linear), mix, enable,
     * RMS weight (0 = peak detection, 1 = RMS) */
    wp_smoother sm[SMOOTHERS];
    /* RMS: ring of per-frame mean squares over the window. `sum` is the
     * running total; `fresh` re-adds the window from scratch each lap and
     * replaces `sum` when the ring wraps, so rounding never accumulates. */
    float *power;
    int window, pos;
    double sum, fresh;
};

static double alpha(double ms, double rate)
{
    return exp(-1000.0 / (ms * rate));
}

/* Giannoulis et al. eq. 4 as gain (y - x, dB): 0 below the knee, the
 * quadratic inside it, the ratio above. `slope` is 1/R - 1. */
static inline float gain_computer(float x, float threshold, float slope, float knee)
{
    float d = x - threshold;
    if (2.0f * d <= -knee)
        return 0.0f;
    if (2.0f * d < knee) {
        float u = d + 0.5f * knee;
        return slope * u * u / (2.0f * knee);
    }
    return slope * d;
}

static void update_makeup(wp_compressor *c)
{
    double db = c->makeup_db;
    if (c->auto_makeup)
        db -= gain_computer(0.0f, (float)c->threshold_db, (float)(1.0 / c->ratio - 1.0), (float)c->knee_db);
    c->sm[MAKEUP].target = (float)wp_db_to_gain(db);
}

wp_status wp_compressor_create(double sample_rate, int channels, wp_compressor **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    wp_status status = wp_check_rate_channels(sample_rate, channels);
    if (status != WP_OK)
        return status;
    if (channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_compressor *c = calloc(1, sizeof *c);
    if (!c)
        return WP_ERR_OUT_OF_MEMORY;
    c->window = (int)lround(WP_COMPRESSOR_RMS_WINDOW_MS * 1e-3 * sample_rate);
    c->power = calloc((size_t)c->window, sizeof *c->power);
    if (!c->power) {
        free(c);
        return WP_ERR_OUT_OF_MEMORY;
    }
    c->rate = sample_rate;
    c->channels = channels;
    c->threshold_db = -18.0;
    c->ratio = 4.0;
    c->knee_db = 6.0;
    c->makeup_db = 0.0;
    c->attack_coeff = alpha(10.0, sample_rate);
    c->release_coeff = alpha(100.0, sample_rate);
    const float init[SMOOTHERS] = {(float)c->threshold_db, (float)(1.0 / c->ratio - 1.0), (float)c->knee_db,
                                   1.0f, 1.0f, 1.0f, 0.0f};
    for (int i = 0; i < SMOOTHERS; i++)
        wp_smoother_init(&c->sm[i], init[i], WP_COMPRESSOR_SMOOTH_MS, sample_rate);
    *out = c;
    return WP_OK;
}

void wp_compressor_destroy(wp_compressor *c)
{
    if (!c)
        return;
    free(c->power);
    free(c);
}

void wp_compressor_reset(wp_compressor *c)
{
    c->reduction = 0.0;
    for (int i = 0; i < c->window; i++)
        c->power[i] = 0.0f;
    c->pos = 0;
    c->sum = c->fresh = 0.0;
    for (int i = 0; i < SMOOTHERS; i++)
        c->sm[i].value = c->sm[i].target;
}

wp_status wp_compressor_set_threshold_db(wp_compressor *c, double db)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(db, -60.0, 0.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->threshold_db = db;
    c->sm[THRESHOLD].target = (float)db;
    update_makeup(c);
    return WP_OK;
}

wp_status wp_compressor_set_ratio(wp_compressor *c, double ratio)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(ratio, 1.0, 100.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->ratio = ratio;
    c->sm[SLOPE].target = (float)(1.0 / ratio - 1.0);
    update_makeup(c);
    return WP_OK;
}

wp_status wp_compressor_set_knee_db(wp_compressor *c, double db)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(db, 0.0, 24.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->knee_db = db;
    c->sm[KNEE].target = (float)db;
    update_makeup(c);
    return WP_OK;
}

wp_status wp_compressor_set_attack_ms(wp_compressor *c, double ms)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(ms, 0.1, 200.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->attack_coeff = alpha(ms, c->rate);
    return WP_OK;
}

wp_status wp_compressor_set_release_ms(wp_compressor *c, double ms)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(ms, 5.0, 5000.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->release_coeff = alpha(ms, c->rate);
    return WP_OK;
}

wp_status wp_compressor_set_makeup_db(wp_compressor *c, double db)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(db, 0.0, 24.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->makeup_db = db;
    update_makeup(c);
    return WP_OK;
}

wp_status wp_compressor_set_auto_makeup(wp_compressor *c, int on)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    c->auto_makeup = on != 0;
    update_makeup(c);
    return WP_OK;
}

wp_status wp_compressor_set_detection(wp_compressor *c, wp_compressor_detection mode)
{
    if (!c || (mode != WP_COMPRESSOR_PEAK && mode != WP_COMPRESSOR_RMS))
        return WP_ERR_INVALID_ARGUMENT;
    c->sm[RMS_WEIGHT].target = mode == WP_COMPRESSOR_RMS ? 1.0f : 0.0f;
    return WP_OK;
}

wp_status wp_compressor_set_mix(wp_compressor *c, double wet)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(wet, 0.0, 1.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->sm[MIX].target = (float)wet;
    return WP_OK;
}

wp_status wp_compressor_set_enabled(wp_compressor *c, int enabled)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    c->sm[ENABLE].target = enabled ? 1.0f : 0.0f;
    return WP_OK;
}

double wp_compressor_gain_reduction_db(const wp_compressor *c)
{
    return c->reduction;
}

static int settled(const wp_compressor *c)
{
    for (int i = 0; i < SMOOTHERS; i++)
        if (c->sm[i].value != c->sm[i].target)
            return 0;
    return 1;
}

/* Feeds one frame's mean square into the RMS window (in either mode, so a
 * switch to RMS finds it full). */
static inline void rms_push(wp_compressor *c, float power)
{
    c->sum += (double)power - c->power[c->pos];
    c->power[c->pos] = power;
    c->fresh += power;
    if (++c->pos == c->window) {
        c->pos = 0;
        c->sum = c->fresh;
        c->fresh = 0.0;
    }
}

/* The RMS window's mean square, formed only when used. */
static inline float rms_mean(const wp_compressor *c)
{
    return c->sum > 0.0 ? (float)(c->sum / c->window) : 0.0f;
}

/* Level in dB of a linear amplitude (or, with half the factor, of a mean
 * square); -200 dB for silence, far below any threshold and knee. */
static inline float to_db(float x, float db_per_log2)
{
    return x > 1e-20f ? db_per_log2 * wp_fast_log2(x) : -200.0f;
}

/* fmaxf without the libm call (it is not inlined without fast-math): the
 * non-NaN operand if one is NaN. */
static inline float max_num(float a, float b)
{
    return b != b ? a : a > b ? a : b;
}

void wp_compressor_process(wp_compressor *c, float *const *channels, size_t frames)
{
    float *l = channels[0], *r = channels[c->channels == 2 ? 1 : 0];
    const int stereo = c->channels == 2;
    const int gliding = !settled(c);
    const double attack = c->attack_coeff, release = c->release_coeff;
    for (size_t i = 0; i < frames; i++) {
        if (gliding)
            for (int k = 0; k < SMOOTHERS; k++)
                wp_smoother_next(&c->sm[k]);
        float xl = l[i], xr = r[i];
        float peak = stereo ? max_num(fabsf(xl), fabsf(xr)) : fabsf(xl);
        rms_push(c, stereo ? 0.5f * (xl * xl + xr * xr) : xl * xl);

        /* Level in dB; both detectors only while the mode glides. */
        float w = c->sm[RMS_WEIGHT].value, level;
        if (w == 0.0f)
            level = to_db(peak, DB_PER_LOG2);
        else if (w == 1.0f)
            level = to_db(rms_mean(c), 0.5f * DB_PER_LOG2);
        else
            level = (1.0f - w) * to_db(peak, DB_PER_LOG2) + w * to_db(rms_mean(c), 0.5f * DB_PER_LOG2);

        double target = -gain_computer(level, c->sm[THRESHOLD].value, c->sm[SLOPE].value, c->sm[KNEE].value);
        double y = c->reduction;
        double a = target > y ? attack : release;
        y = a * y + (1.0 - a) * target;
        if (y < REDUCTION_FLOOR_DB)
            y = 0.0;
        c->reduction = y;

        float gain = (y > 0.0 ? wp_fast_exp2((float)-y * LOG2_PER_DB) : 1.0f) * c->sm[MAKEUP].value;
        /* Dry/wet mix and enable fold into one gain: x (1 - k) + x g k. */
        float k = c->sm[MIX].value * c->sm[ENABLE].value;
        if (k != 1.0f)
            gain = 1.0f + k * (gain - 1.0f);
        l[i] = xl * gain;
        if (stereo)
            r[i] = xr * gain;
    }
}
