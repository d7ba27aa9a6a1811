/* Oversampled waveshaping distortion (see distortion.h). */
#include "wavepool/distortion.h"

#include <stdlib.h>
#include <string.h>

#include "dsp/dsp_util.h"
#include "dsp/oversample.h"

#define CURVES 3
/* Soft curve: p(x / SOFT_KNEE), p(u) = (15u - 10u^3 + 3u^5) / 8. */
#define SOFT_KNEE 1.875
#define ASYM_BIAS 0.5
/* Tilt shelf gain at tone = +-1, dB. */
#define TILT_DB 6.0

enum { DRIVE, TILT, MIX, LEVEL, ENABLE, W_SOFT, W_HARD, W_ASYM, SMOOTHERS };

typedef struct channel_state {
    float x0;   /* previous top-rate curve input (ADAA) */
    float dc;   /* low-passed wet signal (DC estimate) */
    float tilt; /* tilt filter state (transposed direct form II) */
} channel_state;

struct wp_distortion {
    int channels, latency, prime_frames;
    wp_oversampler os;
    wp_smoother sm[SMOOTHERS];
    float dc_coeff;
    double tilt_k; /* tan(pi f_pivot / rate) */
    float tilt_g, b0, b1, a1;
    float soft_bias; /* soft(ASYM_BIAS) */
    int active;      /* wet path running (0 only after a settled bypass) */
    int prime;       /* frames left before the enable crossfade may start */
    channel_state ch[2];
    float *dry[2]; /* latency delay lines */
    int dry_pos;
};

/* --- curves. Each is applied with first-order antiderivative anti-aliasing
 * (ADAA): the output for a step from x0 to x1 is the curve's mean over it,
 * (F(x1) - F(x0)) / (x1 - x0). Where both ends lie on the same polynomial
 * piece that quotient is expanded symbolically (a divided difference), so
 * there is no cancellation and no division; only steps across a knee take
 * the quotient, in double, and then |x1 - x0| is never tiny relative to
 * the knee crossing it spans. --- */

static double soft(double x)
{
    double u = x / SOFT_KNEE;
    if (u >= 1.0)
        return 1.0;
    if (u <= -1.0)
        return -1.0;
    double u2 = u * u;
    return u * (15.0 - u2 * (10.0 - 3.0 * u2)) * 0.125;
}

/* Antiderivative of soft: SOFT_KNEE * P(u), P(u) = (7.5u^2 - 2.5u^4 +
 * 0.5u^6) / 8 inside, P(1) + |u| - 1 = |u| - 0.3125 beyond. */
static double soft_integral(double x)
{
    double u = fabs(x) / SOFT_KNEE;
    if (u >= 1.0)
        return SOFT_KNEE * (u - 0.3125);
    double u2 = u * u;
    return SOFT_KNEE * u2 * (7.5 - u2 * (2.5 - 0.5 * u2)) * 0.125;
}

static double hard_integral(double x)
{
    double a = fabs(x);
    return a <= 1.0 ? 0.5 * x * x : a - 0.5;
}

static inline float hard_adaa(float x0, float x1)
{
    if (fabsf(x0) <= 1.0f && fabsf(x1) <= 1.0f)
        return 0.5f * (x0 + x1);
    if (x0 >= 1.0f && x1 >= 1.0f)
        return 1.0f;
    if (x0 <= -1.0f && x1 <= -1.0f)
        return -1.0f;
    return (float)((hard_integral(x1) - hard_integral(x0)) / ((double)x1 - x0));
}

static inline float soft_adaa(float x0, float x1)
{
    const float inv = (float)(1.0 / SOFT_KNEE);
    float u0 = x0 * inv, u1 = x1 * inv;
    if (fabsf(u0) < 1.0f && fabsf(u1) < 1.0f) {
        /* Divided difference of P: (u0 + u1) (7.5 - 2.5 (a + b) + 0.5 (a^2
         * + a b + b^2)) / 8 with a = u0^2, b = u1^2. */
        float a = u0 * u0, b = u1 * u1;
        return (u0 + u1) * (7.5f - 2.5f * (a + b) + 0.5f * (a * a + a * b + b * b)) * 0.125f;
    }
    if (u0 >= 1.0f && u1 >= 1.0f)
        return 1.0f;
    if (u0 <= -1.0f && u1 <= -1.0f)
        return -1.0f;
    return (float)((soft_integral(x1) - soft_integral(x0)) / ((double)x1 - x0));
}

/* soft(x + b) - soft(b): the antiderivative's linear term -soft(b) x has
 * the constant divided difference -soft(b). */
static inline float asym_adaa(const wp_distortion *d, float x0, float x1)
{
    return soft_adaa(x0 + (float)ASYM_BIAS, x1 + (float)ASYM_BIAS) - d->soft_bias;
}

static inline float curve_adaa(const wp_distortion *d, int k, float x0, float x1)
{
    return k == 0 ? soft_adaa(x0, x1) : k == 1 ? hard_adaa(x0, x1) : asym_adaa(d, x0, x1);
}

/* --- object --- */

static void clear_wet(wp_distortion *d, int c)
{
    memset(&d->ch[c], 0, sizeof d->ch[c]);
    wp_oversampler_reset_channel(&d->os, c);
}

wp_status wp_distortion_create(double sample_rate, int channels, wp_distortion **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    wp_status status = wp_check_rate_channels(sample_rate, channels);
    if (status != WP_OK)
        return status;
    if (channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_distortion *d = calloc(1, sizeof *d);
    if (!d)
        return WP_ERR_OUT_OF_MEMORY;
    if (wp_oversampler_init(&d->os, wp_oversampler_factor_for_rate(sample_rate), channels) != WP_OK) {
        free(d);
        return WP_ERR_OUT_OF_MEMORY;
    }
    d->channels = channels;
    d->latency = d->os.latency;
    /* The wet path's impulse response spans 2 * latency + 1 frames. */
    d->prime_frames = 2 * d->latency + 1;
    for (int c = 0; c < channels && d->latency > 0; c++) {
        d->dry[c] = calloc((size_t)d->latency, sizeof *d->dry[c]);
        if (!d->dry[c]) {
            wp_distortion_destroy(d);
            return WP_ERR_OUT_OF_MEMORY;
        }
    }
    d->dc_coeff = (float)(1.0 - exp(-WP_TWO_PI * WP_DISTORTION_DC_HZ / sample_rate));
    d->tilt_k = tan(WP_PI * WP_DISTORTION_TILT_HZ / sample_rate);
    d->tilt_g = 0.0f; /* forces the first coefficient update */
    d->soft_bias = (float)soft(ASYM_BIAS);
    const float init[SMOOTHERS] = {(float)wp_db_to_gain(12.0), 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.0f, 0.0f};
    for (int i = 0; i < SMOOTHERS; i++)
        wp_smoother_init(&d->sm[i], init[i], WP_DISTORTION_SMOOTH_MS, sample_rate);
    d->active = 1;
    *out = d;
    return WP_OK;
}

void wp_distortion_destroy(wp_distortion *d)
{
    if (!d)
        return;
    wp_oversampler_free(&d->os);
    free(d->dry[0]);
    free(d->dry[1]);
    free(d);
}

void wp_distortion_reset(wp_distortion *d)
{
    for (int c = 0; c < d->channels; c++) {
        clear_wet(d, c);
        if (d->dry[c])
            memset(d->dry[c], 0, (size_t)d->latency * sizeof *d->dry[c]);
    }
    d->dry_pos = 0;
    for (int i = 0; i < SMOOTHERS; i++)
        d->sm[i].value = d->sm[i].target;
    d->active = d->sm[ENABLE].target > 0.0f;
    d->prime = 0;
}

int wp_distortion_latency(const wp_distortion *d)
{
    return d->latency;
}

int wp_distortion_factor(const wp_distortion *d)
{
    return d->os.factor;
}

wp_status wp_distortion_set_drive_db(wp_distortion *d, double db)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(db, 0.0, 48.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    d->sm[DRIVE].target = (float)wp_db_to_gain(db);
    return WP_OK;
}

wp_status wp_distortion_set_curve(wp_distortion *d, wp_distortion_curve curve_id)
{
    if (!d || curve_id < WP_DISTORTION_SOFT || curve_id > WP_DISTORTION_ASYMMETRIC)
        return WP_ERR_INVALID_ARGUMENT;
    for (int k = 0; k < CURVES; k++)
        d->sm[W_SOFT + k].target = k == (int)curve_id ? 1.0f : 0.0f;
    return WP_OK;
}

wp_status wp_distortion_set_tone(wp_distortion *d, double tone)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(tone, -1.0, 1.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    d->sm[TILT].target = (float)wp_db_to_gain(TILT_DB * tone);
    return WP_OK;
}

wp_status wp_distortion_set_mix(wp_distortion *d, double wet)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(wet, 0.0, 1.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    d->sm[MIX].target = (float)wet;
    return WP_OK;
}

wp_status wp_distortion_set_output_db(wp_distortion *d, double db)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(db, -60.0, 12.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    d->sm[LEVEL].target = (float)wp_db_to_gain(db);
    return WP_OK;
}

wp_status wp_distortion_set_enabled(wp_distortion *d, int enabled)
{
    if (!d)
        return WP_ERR_INVALID_ARGUMENT;
    d->sm[ENABLE].target = enabled ? 1.0f : 0.0f;
    return WP_OK;
}

/* Tilt H(s) = (g s + w0) / (s + g w0), bilinear with prewarping: unity at
 * the pivot, 1/g at DC, g at Nyquist. Exact identity for g = 1 (b0 = 1,
 * b1 = a1). Recomputed only while the tone glides. */
static void update_tilt(wp_distortion *d, float g)
{
    double k = d->tilt_k, den = 1.0 + g * k;
    d->tilt_g = g;
    d->b0 = (float)((g + k) / den);
    d->b1 = (float)((k - g) / den);
    d->a1 = (float)((g * k - 1.0) / den);
}

/* Per-frame parameter values of one block. */
typedef struct block_params {
    float drive[WP_OS_BLOCK], mix[WP_OS_BLOCK], level[WP_OS_BLOCK], e[WP_OS_BLOCK];
    float b0[WP_OS_BLOCK], b1[WP_OS_BLOCK], a1[WP_OS_BLOCK];
    float w[WP_OS_BLOCK][CURVES];
    int single; /* curve index when it alone has weight (1) all block, else -1 */
} block_params;

static int settled(const wp_distortion *d)
{
    for (int k = 0; k < SMOOTHERS; k++)
        if (d->sm[k].value != d->sm[k].target)
            return 0;
    return d->prime == 0;
}

static void advance_params(wp_distortion *d, int n, block_params *p)
{
    /* Settled, every frame repeats the first (a settled smoother step
     * changes nothing), so the glide code runs once. */
    const int steps = settled(d) ? 1 : n;
    p->single = -2;
    for (int i = 0; i < steps; i++) {
        for (int k = 0; k < SMOOTHERS; k++)
            if (k != ENABLE || d->prime == 0)
                wp_smoother_next(&d->sm[k]);
        if (d->prime > 0)
            d->prime--;
        if (d->sm[TILT].value != d->tilt_g)
            update_tilt(d, d->sm[TILT].value);
        p->drive[i] = d->sm[DRIVE].value;
        p->mix[i] = d->sm[MIX].value;
        p->level[i] = d->sm[LEVEL].value;
        p->e[i] = d->sm[ENABLE].value;
        p->b0[i] = d->b0;
        p->b1[i] = d->b1;
        p->a1[i] = d->a1;
        int one = -1, active = 0;
        for (int k = 0; k < CURVES; k++) {
            p->w[i][k] = d->sm[W_SOFT + k].value;
            if (p->w[i][k] != 0.0f) {
                active++;
                one = k;
            }
        }
        if (active != 1 || p->w[i][one] != 1.0f)
            one = -1;
        p->single = p->single == -2 || p->single == one ? one : -1;
    }
    for (int i = steps; i < n; i++) {
        p->drive[i] = p->drive[0];
        p->mix[i] = p->mix[0];
        p->level[i] = p->level[0];
        p->e[i] = p->e[0];
        p->b0[i] = p->b0[0];
        p->b1[i] = p->b1[0];
        p->a1[i] = p->a1[0];
        for (int k = 0; k < CURVES; k++)
            p->w[i][k] = p->w[0][k];
    }
}

/* The curve over one channel's top-rate block, in place. The weighted sum
 * starts from the first active curve, so a full-weight curve gives the
 * same bits on the general path as on the single-curve one. */
static void shape_block(const wp_distortion *d, channel_state *cs, float *v, int count, const block_params *p)
{
    float x0 = cs->x0;
    if (p->single >= 0) {
        for (int j = 0; j < count; j++) {
            float x1 = v[j];
            v[j] = curve_adaa(d, p->single, x0, x1);
            x0 = x1;
        }
    } else {
        const int shift = d->os.stages;
        for (int j = 0; j < count; j++) {
            const float *w = p->w[j >> shift];
            float x1 = v[j], y = 0.0f;
            int first = 1;
            for (int k = 0; k < CURVES; k++) {
                if (w[k] == 0.0f)
                    continue;
                float term = w[k] * curve_adaa(d, k, x0, x1);
                y = first ? term : y + term;
                first = 0;
            }
            v[j] = y;
            x0 = x1;
        }
    }
    cs->x0 = x0;
}

/* A settled bypass: only the dry delay runs, swapping the block through the
 * ring in stretches that do not wrap. */
static void bypass_block(wp_distortion *d, float *const *channels, size_t offset, int n)
{
    int pos = d->dry_pos;
    for (int done = 0; done < n;) {
        int run = d->latency - pos < n - done ? d->latency - pos : n - done;
        for (int c = 0; c < d->channels; c++) {
            float *x = channels[c] + offset + done, *line = d->dry[c] + pos;
            for (int i = 0; i < run; i++) {
                float dry = line[i];
                line[i] = x[i];
                x[i] = dry;
            }
        }
        pos = pos + run == d->latency ? 0 : pos + run;
        done += run;
    }
    d->dry_pos = pos;
}

static void process_block(wp_distortion *d, float *const *channels, size_t offset, int n)
{
    if (!d->active && d->sm[ENABLE].target > 0.0f) {
        /* Leaving a complete bypass: restart the wet path from silence and
         * let it fill before fading it in. */
        for (int c = 0; c < d->channels; c++)
            clear_wet(d, c);
        d->active = 1;
        d->prime = d->prime_frames;
    }
    /* Inactive with nothing gliding, priming or pending, the parameters
     * would only be copied into a block nobody reads. */
    if (!d->active && settled(d) && d->sm[TILT].value == d->tilt_g) {
        if (d->dry[0])
            bypass_block(d, channels, offset, n);
        return;
    }
    block_params p;
    advance_params(d, n, &p);
    float top[WP_OS_MAX_FACTOR * WP_OS_BLOCK], wet[WP_OS_BLOCK];
    for (int c = 0; c < d->channels; c++) {
        float *x = channels[c] + offset;
        channel_state *cs = &d->ch[c];
        if (d->active) {
            for (int i = 0; i < n; i++)
                wet[i] = x[i] * p.drive[i];
            wp_oversampler_up(&d->os, c, wet, n, top);
            shape_block(d, cs, top, n * d->os.factor, &p);
            wp_oversampler_down(&d->os, c, top, n, wet);
        }
        float *line = d->dry[c];
        int pos = d->dry_pos;
        for (int i = 0; i < n; i++) {
            float dry = x[i];
            if (line) {
                dry = line[pos];
                line[pos] = x[i];
                pos = pos + 1 == d->latency ? 0 : pos + 1;
            }
            float y = dry;
            if (d->active) {
                /* DC removal: subtract a low-pass of the signal, weighted by
                 * the asymmetric curve's share; the low-pass always runs, so
                 * a curve change has no state to catch up. */
                float v = wet[i];
                cs->dc = wp_flush_denormal(cs->dc + (v - cs->dc) * d->dc_coeff);
                v -= p.w[i][2] * cs->dc;
                float t = p.b0[i] * v + cs->tilt;
                cs->tilt = wp_flush_denormal(p.b1[i] * v - p.a1[i] * t);
                float fx = p.level[i] * (p.mix[i] == 1.0f ? t : dry + p.mix[i] * (t - dry));
                y = p.e[i] == 1.0f ? fx : dry + p.e[i] * (fx - dry);
            }
            x[i] = y;
        }
        if (c == d->channels - 1)
            d->dry_pos = pos;
    }
    /* A settled bypass outputs the delayed dry signal whatever the wet path
     * does, so the wet path can stop. */
    if (d->active && p.e[n - 1] == 0.0f && d->sm[ENABLE].target == 0.0f)
        d->active = 0;
}

void wp_distortion_process(wp_distortion *d, float *const *channels, size_t frames)
{
    for (size_t i = 0; i < frames; i += WP_OS_BLOCK) {
        size_t n = frames - i < WP_OS_BLOCK ? frames - i : WP_OS_BLOCK;
        process_block(d, channels, i, (int)n);
    }
}
