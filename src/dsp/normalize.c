#include "wavepool/normalize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp_util.h"
#include "wavepool/limiter.h"
#include "wavepool/loudness.h"
#include "wavepool/truepeak.h"

/* Frames per call into the streaming analyzers and the limiter. */
#define NORMALIZE_BLOCK 4096
#define LOUDNESS_PASSES 3
/* A loudness result within this of the target needs no further pass. */
#define LOUDNESS_TOLERANCE_LU 0.02

void wp_normalize_default_config(wp_normalize_config *config)
{
    *config = (wp_normalize_config){WP_NORMALIZE_LOUDNESS, -14.0, -1.0, WP_NORMALIZE_LIMIT, 40.0};
}

static int all_finite(const float *const *ch, int channels, size_t frames)
{
    for (int c = 0; c < channels; c++)
        for (size_t i = 0; i < frames; i++)
            if (!isfinite(ch[c][i]))
                return 0;
    return 1;
}

static double true_peak_db(const float *const *ch, int channels, size_t frames, double rate, wp_status *st)
{
    wp_truepeak *tp;
    *st = wp_truepeak_create(rate, channels, &tp);
    if (*st != WP_OK)
        return 0;
    const float *block[WP_DSP_MAX_CHANNELS];
    for (size_t done = 0; done < frames; done += NORMALIZE_BLOCK) {
        size_t n = frames - done < NORMALIZE_BLOCK ? frames - done : NORMALIZE_BLOCK;
        for (int c = 0; c < channels; c++)
            block[c] = ch[c] + done;
        wp_truepeak_process(tp, block, n, NULL);
    }
    /* Flush the interpolator's latency so the last frames count too. */
    static const float zeros[64];
    for (int c = 0; c < channels; c++)
        block[c] = zeros;
    for (int left = wp_truepeak_latency(tp); left > 0; left -= 64)
        wp_truepeak_process(tp, block, left < 64 ? (size_t)left : 64, NULL);
    double peak = 0;
    for (int c = 0; c < channels; c++)
        peak = fmax(peak, wp_truepeak_max(tp, c));
    wp_truepeak_destroy(tp);
    return peak > 0 ? 20.0 * log10(peak) : -INFINITY;
}

static wp_status integrated_loudness(const float *const *ch, int channels, size_t frames, double rate, double *out)
{
    wp_loudness *lm;
    wp_status st = wp_loudness_create(rate, channels, &lm);
    if (st != WP_OK)
        return st;
    const float *block[WP_DSP_MAX_CHANNELS];
    for (size_t done = 0; done < frames && st == WP_OK; done += NORMALIZE_BLOCK) {
        size_t n = frames - done < NORMALIZE_BLOCK ? frames - done : NORMALIZE_BLOCK;
        for (int c = 0; c < channels; c++)
            block[c] = ch[c] + done;
        st = wp_loudness_process(lm, block, n);
    }
    *out = wp_loudness_integrated(lm);
    wp_loudness_destroy(lm);
    return st;
}

wp_status wp_normalize_measure(wp_normalize_mode mode, const float *const *ch, int channels, size_t frames,
                               double rate, double *out_value, double *out_true_peak_db)
{
    if (!ch || !out_value || !out_true_peak_db || frames == 0)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_rate_channels(rate, channels) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    if (!all_finite(ch, channels, frames))
        return WP_ERR_NOT_FINITE;
    wp_status st = WP_OK;
    switch (mode) {
    case WP_NORMALIZE_PEAK: {
        float peak = 0;
        for (int c = 0; c < channels; c++)
            for (size_t i = 0; i < frames; i++)
                peak = fmaxf(peak, fabsf(ch[c][i]));
        *out_value = peak > 0 ? 20.0 * log10(peak) : -INFINITY;
        break;
    }
    case WP_NORMALIZE_RMS: {
        double sum = 0;
        for (int c = 0; c < channels; c++)
            for (size_t i = 0; i < frames; i++)
                sum += (double)ch[c][i] * ch[c][i];
        *out_value = sum > 0 ? 10.0 * log10(sum / ((double)frames * channels)) : -INFINITY;
        break;
    }
    case WP_NORMALIZE_LOUDNESS:
        st = integrated_loudness(ch, channels, frames, rate, out_value);
        break;
    default:
        return WP_ERR_INVALID_ARGUMENT;
    }
    if (st == WP_OK)
        *out_true_peak_db = true_peak_db(ch, channels, frames, rate, &st);
    return st;
}

wp_status wp_normalize_check_config(const wp_normalize_config *cfg)
{
    if (!cfg)
        return WP_ERR_INVALID_ARGUMENT;
    if ((unsigned)cfg->mode > WP_NORMALIZE_LOUDNESS ||
        (cfg->policy != WP_NORMALIZE_LIMIT && cfg->policy != WP_NORMALIZE_CAP))
        return WP_ERR_INVALID_ARGUMENT;
    double lo = cfg->mode == WP_NORMALIZE_LOUDNESS ? -70.0 : -80.0;
    if (wp_check_range(cfg->target, lo, 0.0) != WP_OK || wp_check_range(cfg->max_gain_db, 0.0, 60.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    if (!isnan(cfg->ceiling_dbtp) && wp_check_range(cfg->ceiling_dbtp, -24.0, 0.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    return WP_OK;
}

static void apply_gain(float *const *ch, int channels, size_t frames, double gain_db)
{
    float g = (float)wp_db_to_gain(gain_db);
    for (int c = 0; c < channels; c++)
        for (size_t i = 0; i < frames; i++)
            ch[c][i] *= g;
}

/* Runs `src` (gained copy of the input) through a fresh limiter into `dst`,
 * shifted back by the limiter's latency so frames line up. */
static wp_status limit_into(const float *const *src, float *const *dst, int channels, size_t frames, double rate,
                            double ceiling_db)
{
    wp_limiter *lim;
    wp_status st = wp_limiter_create(rate, channels, &lim);
    if (st == WP_OK)
        st = wp_limiter_set_ceiling_db(lim, ceiling_db);
    if (st != WP_OK) {
        wp_limiter_destroy(lim);
        return st;
    }
    wp_limiter_reset(lim); /* the ceiling applies from the first frame */
    size_t latency = (size_t)wp_limiter_latency(lim);
    float *block[WP_DSP_MAX_CHANNELS];
    float *scratch = malloc((size_t)channels * NORMALIZE_BLOCK * sizeof *scratch);
    if (!scratch) {
        wp_limiter_destroy(lim);
        return WP_ERR_OUT_OF_MEMORY;
    }
    for (int c = 0; c < channels; c++)
        block[c] = scratch + (size_t)c * NORMALIZE_BLOCK;
    /* Feed frames + latency (zeros after the end); keep output frames
     * latency.. as output 0.. */
    size_t total = frames + latency;
    for (size_t done = 0; done < total; done += NORMALIZE_BLOCK) {
        size_t n = total - done < NORMALIZE_BLOCK ? total - done : NORMALIZE_BLOCK;
        for (int c = 0; c < channels; c++)
            for (size_t i = 0; i < n; i++)
                block[c][i] = done + i < frames ? src[c][done + i] : 0.0f;
        wp_limiter_process(lim, block, n);
        for (int c = 0; c < channels; c++)
            for (size_t i = 0; i < n; i++)
                if (done + i >= latency)
                    dst[c][done + i - latency] = block[c][i];
    }
    free(scratch);
    wp_limiter_destroy(lim);
    return WP_OK;
}

/* Gain then limiter, correcting the gain for what the limiter took away
 * from a loudness target. `original` keeps the input untouched. */
wp_status wp_normalize_gain_and_limit(const wp_normalize_config *cfg, const float *const *original, float *const *ch,
                                      int channels, size_t frames, double rate, wp_normalize_report *rep)
{
    double gain = rep->gain_db;
    for (int pass = 0; pass < LOUDNESS_PASSES; pass++) {
        for (int c = 0; c < channels; c++)
            memcpy(ch[c], original[c], frames * sizeof(float));
        apply_gain(ch, channels, frames, gain);
        rep->gain_db = gain;
        wp_status st = limit_into((const float *const *)ch, ch, channels, frames, rate, cfg->ceiling_dbtp);
        rep->limited = 1;
        if (st != WP_OK || cfg->mode != WP_NORMALIZE_LOUDNESS)
            return st;
        double now;
        st = integrated_loudness((const float *const *)ch, channels, frames, rate, &now);
        if (st != WP_OK)
            return st;
        double shortfall = cfg->target - now;
        if (fabs(shortfall) <= LOUDNESS_TOLERANCE_LU || gain + shortfall > cfg->max_gain_db)
            break;
        gain += shortfall;
    }
    return WP_OK;
}

int wp_normalize_plan(const wp_normalize_config *cfg, wp_normalize_report *rep)
{
    if (!isfinite(rep->before)) {
        rep->silent = 1;
        rep->gain_db = 0;
        rep->after = rep->before;
        rep->true_peak_after = rep->true_peak_before;
        return 0;
    }
    double gain = cfg->target - rep->before;
    if (gain > cfg->max_gain_db) {
        gain = cfg->max_gain_db;
        rep->capped = 1;
    }
    int over_ceiling = !isnan(cfg->ceiling_dbtp) && rep->true_peak_before + gain > cfg->ceiling_dbtp;
    if (over_ceiling && cfg->policy == WP_NORMALIZE_CAP) {
        gain = cfg->ceiling_dbtp - rep->true_peak_before;
        rep->capped = 1;
        over_ceiling = 0;
    }
    rep->gain_db = gain;
    return over_ceiling;
}

wp_status wp_normalize(const wp_normalize_config *cfg, float *const *ch, int channels, size_t frames, double rate,
                       wp_normalize_report *rep)
{
    if (!cfg || !rep)
        return WP_ERR_INVALID_ARGUMENT;
    wp_status st = wp_normalize_check_config(cfg);
    if (st != WP_OK)
        return st;
    memset(rep, 0, sizeof *rep);
    st = wp_normalize_measure(cfg->mode, (const float *const *)ch, channels, frames, rate, &rep->before,
                              &rep->true_peak_before);
    if (st != WP_OK)
        return st;
    if (wp_normalize_plan(cfg, rep)) {
        float *copy = malloc((size_t)channels * frames * sizeof *copy);
        if (!copy)
            return WP_ERR_OUT_OF_MEMORY;
        float *original[WP_DSP_MAX_CHANNELS] = {NULL};
        for (int c = 0; c < channels; c++) {
            original[c] = copy + (size_t)c * frames;
            memcpy(original[c], ch[c], frames * sizeof(float));
        }
        st = wp_normalize_gain_and_limit(cfg, (const float *const *)original, ch, channels, frames, rate, rep);
        if (st != WP_OK) { /* lose nothing: put the input back */
            for (int c = 0; c < channels; c++)
                memcpy(ch[c], original[c], frames * sizeof(float));
        }
        free(copy);
        if (st != WP_OK)
            return st;
    } else if (rep->silent) {
        return WP_OK;
    } else {
        apply_gain(ch, channels, frames, rep->gain_db);
    }
    return wp_normalize_measure(cfg->mode, (const float *const *)ch, channels, frames, rate, &rep->after,
                                &rep->true_peak_after);
}
