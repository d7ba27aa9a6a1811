/* Stereo utility: width, pan/balance and gain as one smoothed 2x2 matrix
 * (see stereo.h). */
#include "wavepool/stereo.h"

#include <stdlib.h>

#include "dsp/dsp_util.h"

enum { WIDTH, PAN_L, PAN_R, GAIN, ENABLE, SMOOTHERS };

struct wp_stereo {
    int channels;
    double pan;
    wp_stereo_pan_mode pan_mode;
    /* Smoothed factors of the matrix: width (as a fraction), the pan gains,
     * the output gain (linear) and the enable crossfade (0 = bypass). */
    wp_smoother sm[SMOOTHERS];
};

wp_status wp_stereo_create(double sample_rate, int channels, wp_stereo **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    wp_status status = wp_check_rate_channels(sample_rate, channels);
    if (status != WP_OK)
        return status;
    if (channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_stereo *st = calloc(1, sizeof *st);
    if (!st)
        return WP_ERR_OUT_OF_MEMORY;
    st->channels = channels;
    st->pan_mode = WP_STEREO_PAN_BALANCE;
    for (int i = 0; i < SMOOTHERS; i++)
        wp_smoother_init(&st->sm[i], 1.0f, WP_STEREO_SMOOTH_MS, sample_rate);
    *out = st;
    return WP_OK;
}

void wp_stereo_destroy(wp_stereo *st)
{
    free(st);
}

void wp_stereo_reset(wp_stereo *st)
{
    for (int i = 0; i < SMOOTHERS; i++)
        st->sm[i].value = st->sm[i].target;
}

static int settled(const wp_stereo *st)
{
    for (int i = 0; i < SMOOTHERS; i++)
        if (st->sm[i].value != st->sm[i].target)
            return 0;
    return 1;
}

/* The pan gains of `mode` at `pan`; sin() of both quarter angles so that
 * the ends come out as exact 0 and 1. */
static void pan_gains(wp_stereo_pan_mode mode, double pan, float *gl, float *gr)
{
    double l = sin(0.25 * WP_PI * (1.0 - pan)), r = sin(0.25 * WP_PI * (1.0 + pan));
    if (mode == WP_STEREO_PAN_BALANCE) {
        l = fmin(1.0, sqrt(2.0) * l);
        r = fmin(1.0, sqrt(2.0) * r);
    }
    *gl = (float)l;
    *gr = (float)r;
}

static void update_pan(wp_stereo *st)
{
    pan_gains(st->pan_mode, st->pan, &st->sm[PAN_L].target, &st->sm[PAN_R].target);
}

wp_status wp_stereo_set_width(wp_stereo *st, double percent)
{
    if (!st)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(percent, 0.0, 200.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    st->sm[WIDTH].target = (float)(percent / 100.0);
    return WP_OK;
}

wp_status wp_stereo_set_pan(wp_stereo *st, double pan)
{
    if (!st)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(pan, -1.0, 1.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    st->pan = pan;
    update_pan(st);
    return WP_OK;
}

wp_status wp_stereo_set_pan_mode(wp_stereo *st, wp_stereo_pan_mode mode)
{
    if (!st || (mode != WP_STEREO_PAN_BALANCE && mode != WP_STEREO_PAN_CONSTANT_POWER))
        return WP_ERR_INVALID_ARGUMENT;
    st->pan_mode = mode;
    update_pan(st);
    return WP_OK;
}

wp_status wp_stereo_set_gain_db(wp_stereo *st, double db)
{
    if (!st)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(db, -60.0, 24.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    st->sm[GAIN].target = (float)wp_db_to_gain(db);
    return WP_OK;
}

wp_status wp_stereo_set_enabled(wp_stereo *st, int enabled)
{
    if (!st)
        return WP_ERR_INVALID_ARGUMENT;
    st->sm[ENABLE].target = enabled ? 1.0f : 0.0f;
    return WP_OK;
}

/* The folded matrix from the current smoother values. One function for the
 * settled and the gliding path keeps both bit-identical. */
typedef struct matrix {
    float ll, lr, rl, rr, e;
} matrix;

static matrix current_matrix(const wp_stereo *st)
{
    float w = st->sm[WIDTH].value, g = st->sm[GAIN].value;
    float a = 0.5f * (1.0f + w), b = 0.5f * (1.0f - w);
    float gl = g * st->sm[PAN_L].value, gr = g * st->sm[PAN_R].value;
    matrix m = {gl * a, gl * b, gr * b, gr * a, st->sm[ENABLE].value};
    return m;
}

static void advance(wp_stereo *st)
{
    for (int i = 0; i < SMOOTHERS; i++)
        wp_smoother_next(&st->sm[i]);
}

/* Crossfade with the untouched input; exact at both ends. */
static inline float blend(float wet, float dry, float e)
{
    return e == 1.0f ? wet : wet * e + dry * (1.0f - e);
}

static void process_stereo(wp_stereo *st, float *l, float *r, size_t frames)
{
    int gliding = !settled(st);
    matrix m = current_matrix(st);
    if (!gliding && m.e == 0.0f)
        return;
    for (size_t i = 0; i < frames; i++) {
        if (gliding) {
            advance(st);
            m = current_matrix(st);
        }
        float x = l[i], y = r[i];
        l[i] = blend(m.ll * x + m.lr * y, x, m.e);
        r[i] = blend(m.rl * x + m.rr * y, y, m.e);
    }
}

static void process_mono(wp_stereo *st, float *x, size_t frames)
{
    int gliding = !settled(st);
    float g = st->sm[GAIN].value, e = st->sm[ENABLE].value;
    if (!gliding && e == 0.0f)
        return;
    for (size_t i = 0; i < frames; i++) {
        if (gliding) {
            advance(st);
            g = st->sm[GAIN].value;
            e = st->sm[ENABLE].value;
        }
        x[i] = blend(g * x[i], x[i], e);
    }
}

void wp_stereo_process(wp_stereo *st, float *const *channels, size_t frames)
{
    if (st->channels == 2)
        process_stereo(st, channels[0], channels[1], frames);
    else
        process_mono(st, channels[0], frames);
}
