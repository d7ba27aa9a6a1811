#include "wavepool/delay.h"

#include <math.h>
#include <stdlib.h>

#include "dsp/delayline.h"
#include "dsp/dsp_util.h"

#define GLIDE_MS 5.0 /* per stage: about 10 ms to 63% */
#define FADE_MS 20.0

enum { FEEDBACK, MIX, PING, LP_B, LP_A, PARAMS };

struct wp_delay {
    double rate;
    int channels;
    bool enabled;
    bool active; /* false once a bypass fade has finished */
    bool moving; /* some parameter still gliding */
    wp_dline line[2];
    wp_xtap tap;
    /* High-cut: b0 = b1 = LP_B, a1 = LP_A. */
    wp_glide param[PARAMS];
    wp_fade enable;
    float lp_z[2];
};

static double max_high_cut(double rate) { return fmin(WP_DELAY_MAX_HIGH_CUT_HZ, WP_DELAY_MAX_HIGH_CUT_RATIO * rate); }

/* First-order bilinear low-pass. b0 = b1 = b and 1 + a1 = 2b, so the DC gain
 * is exactly 1; b and a1 glide through the same linear smoothing, so every
 * intermediate filter also has b0 = b1 and 1 + a1 = 2 b0: unity DC gain,
 * a zero at Nyquist and a stable pole. */
static void high_cut_coeffs(double hz, double rate, float *b, float *a)
{
    double k = tan(WP_PI * hz / rate);
    *b = (float)(k / (1.0 + k));
    *a = (float)((k - 1.0) / (k + 1.0));
}

static void settle_all(wp_delay *d)
{
    for (int k = 0; k < PARAMS; k++)
        wp_glide_settle(&d->param[k]);
    d->moving = false;
    wp_xtap_settle(&d->tap);
}

static void clear_history(wp_delay *d)
{
    for (int c = 0; c < d->channels; c++) {
        wp_dline_clear(&d->line[c]);
        d->lp_z[c] = 0.0f;
    }
}

wp_status wp_delay_create(double sample_rate, int channels, wp_delay **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (wp_check_rate_channels(sample_rate, channels) != WP_OK || channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_delay *d = calloc(1, sizeof *d);
    if (!d)
        return WP_ERR_OUT_OF_MEMORY;
    d->rate = sample_rate;
    d->channels = channels;
    size_t max_delay = (size_t)ceil(WP_DELAY_MAX_MS * sample_rate / 1000.0);
    for (int c = 0; c < channels; c++) {
        if (wp_dline_init(&d->line[c], max_delay) != WP_OK) {
            wp_delay_destroy(d);
            return WP_ERR_OUT_OF_MEMORY;
        }
    }
    wp_xtap_init(&d->tap, 375.0 * sample_rate / 1000.0, sample_rate);
    float b, a;
    high_cut_coeffs(fmin(8000.0, max_high_cut(sample_rate)), sample_rate, &b, &a);
    const float initial[PARAMS] = {[FEEDBACK] = 0.4f, [MIX] = 0.35f, [PING] = 0.0f, [LP_B] = b, [LP_A] = a};
    for (int k = 0; k < PARAMS; k++)
        wp_glide_init(&d->param[k], initial[k], GLIDE_MS, sample_rate);
    wp_fade_init(&d->enable, true, FADE_MS, sample_rate);
    d->enabled = d->active = true;
    *out = d;
    return WP_OK;
}

void wp_delay_destroy(wp_delay *d)
{
    if (!d)
        return;
    for (int c = 0; c < 2; c++)
        wp_dline_free(&d->line[c]);
    free(d);
}

void wp_delay_reset(wp_delay *d)
{
    clear_history(d);
    settle_all(d);
    d->enable.pos = d->enable.target;
    d->active = d->enabled;
}

wp_status wp_delay_set_time_ms(wp_delay *d, double ms)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(ms, 1.0, WP_DELAY_MAX_MS) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    d->tap.target = ms * d->rate / 1000.0;
    return WP_OK;
}

static wp_status set_param(wp_delay *d, int k, double v, double lo, double hi)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(v, lo, hi) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    d->param[k].a.target = (float)v;
    d->moving = true;
    return WP_OK;
}

wp_status wp_delay_set_feedback(wp_delay *d, double feedback)
{
    return set_param(d, FEEDBACK, feedback, 0.0, 0.95);
}

wp_status wp_delay_set_ping_pong(wp_delay *d, double amount)
{
    return set_param(d, PING, amount, 0.0, 1.0);
}

wp_status wp_delay_set_mix(wp_delay *d, double mix) { return set_param(d, MIX, mix, 0.0, 1.0); }

wp_status wp_delay_set_high_cut_hz(wp_delay *d, double hz)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(hz, 20.0, max_high_cut(d->rate)) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    high_cut_coeffs(hz, d->rate, &d->param[LP_B].a.target, &d->param[LP_A].a.target);
    d->moving = true;
    return WP_OK;
}

wp_status wp_delay_set_enabled(wp_delay *d, bool enabled)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    d->enabled = enabled;
    d->enable.target = enabled ? 1.0f : 0.0f;
    if (enabled && !d->active) {
        /* History was cleared at bypass; start from the current settings. */
        settle_all(d);
        d->active = true;
    }
    return WP_OK;
}

static void step_params(wp_delay *d)
{
    bool moving = false;
    for (int k = 0; k < PARAMS; k++)
        moving |= wp_glide_step(&d->param[k]);
    d->moving = moving;
}

void wp_delay_process(wp_delay *d, float *const *channels, size_t frames)
{
    if (!d->active)
        return;
    float *l = channels[0];
    float *r = d->channels == 2 ? channels[1] : NULL;
    const wp_glide *p = d->param;
    for (size_t i = 0; i < frames; i++) {
        if (d->moving)
            step_params(d);
        float fb = p[FEEDBACK].b.value, b = p[LP_B].b.value, a = p[LP_A].b.value;
        /* The enable gain fades the line's input as well as the output, so
         * echoes of a sound that plays on across a re-enable start
         * smoothly from the cleared line. */
        float on = wp_fade_next(&d->enable);
        float mix = p[MIX].b.value * on;
        float w_old = wp_xtap_next(&d->tap);
        float xl = l[i];
        float dl = wp_xtap_read(&d->tap, &d->line[0], w_old);
        if (r) {
            float pp = p[PING].b.value;
            float xr = r[i];
            float dr = wp_xtap_read(&d->tap, &d->line[1], w_old);
            float sl = dl + pp * (dr - dl), sr = dr + pp * (dl - dr);
            float fl = b * sl + d->lp_z[0], fr = b * sr + d->lp_z[1];
            d->lp_z[0] = wp_flush_denormal(b * sl - a * fl);
            d->lp_z[1] = wp_flush_denormal(b * sr - a * fr);
            float il = on * (xl + 0.5f * pp * (xr - xl)), ir = on * ((1.0f - pp) * xr);
            wp_dline_write(&d->line[0], wp_flush_denormal(il + fb * fl));
            wp_dline_write(&d->line[1], wp_flush_denormal(ir + fb * fr));
            r[i] = xr + mix * (dr - xr);
        } else {
            float fl = b * dl + d->lp_z[0];
            d->lp_z[0] = wp_flush_denormal(b * dl - a * fl);
            wp_dline_write(&d->line[0], wp_flush_denormal(on * xl + fb * fl));
        }
        l[i] = xl + mix * (dl - xl);
        if (!d->enabled && on == 0.0f) {
            /* Bypass complete: the rest of the block stays dry. */
            clear_history(d);
            d->active = false;
            return;
        }
    }
}
