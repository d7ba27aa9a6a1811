/* N-band parametric equalizer (see wavepool/eq.h).
 *
 * Topology: each band is Andrew Simper's (Cytomic) trapezoidal state-variable
 * filter, "SvfLinearTrapOptimised2", in double precision. It realises the
 * RBJ cookbook responses exactly (the same bilinear transform prewarped at
 * the band frequency; the shelves and the bell use the A-scaled g and k
 * that give the cookbook's analog prototypes). Why not a direct form: the
 * SVF's two states are trapezoidal integrator states whose meaning does not
 * depend on the coefficients, and the filter is stable for every positive
 * g and k, so coefficients may change every sample without transients;
 * a direct form's states are sums weighted by the old coefficients and jump
 * in meaning when those change. Double precision keeps low bands at high
 * rates (10 Hz at 384 kHz, g ~ 8e-5) accurate and their noise far below
 * float resolution.
 *
 * The per-sample update is written in state-space form (coefficients folded
 * at design time, identical states): a band's input-to-output path is then a
 * single multiply-add. With bands in series that path, not the arithmetic,
 * bounds speed; the folded form is ~2x faster than the textbook order.
 * Two channels share one 2-lane vector (GCC/Clang vector extensions: SSE2
 * natively, simd128 in wasm); an odd last channel runs beside a silent lane.
 *
 * Smoothing runs on a grid of EQ_GRID frames counted from create/reset, so
 * the output does not depend on how the caller splits its blocks. At each
 * grid point the parameters (ln f, dB, ln Q) take one step of their
 * critically damped glide and the band is redesigned; within the segment
 * the design (g, k and the output mix) is interpolated linearly per sample
 * and the kernel coefficients are derived from it per sample, so the
 * coefficients never step. Type and enable changes interpolate between the
 * old and new design the same way. When nothing moves the kernel runs with
 * fixed coefficients.
 *
 * A band whose settled response is exactly 1 (disabled, or a bell or shelf
 * at 0 dB: m0 = 1, m1 = m2 = 0) adds nothing but its input, so it is
 * skipped and its state zeroed; when it moves again it starts from rest with
 * its mix rising from identity, so the output stays continuous.
 */
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp_util.h"
#include "wavepool/eq.h"

#define EQ_GRID 32
#define EQ_PAIRS ((WP_DSP_MAX_CHANNELS + 1) / 2)

typedef double eq_v2 __attribute__((vector_size(16)));

/* A band as the SVF sees it: g = tan(pi f / rate) (scaled for shelves),
 * damping k, and the output mix of input (m0), band pass (m1), low pass
 * (m2) outputs. Interpolating between two designs keeps g, k > 0: stable. */
typedef struct eq_design {
    double g, k, m0, m1, m2;
} eq_design;

/* Per-sample update with states s1 (band), s2 (low), input v:
 *   y   = c0 v + c1 s1 + c2 s2
 *   s1' = d1 s1 + d0 (v - s2)
 *   s2' = s2 + d0 s1 + e0 (v - s2)                                         */
typedef struct eq_kcoef {
    double c0, c1, c2, d0, d1, e0;
} eq_kcoef;

enum { P_FREQ, P_GAIN, P_Q, P_COUNT }; /* glide domains: ln Hz, dB, ln Q */

typedef struct eq_band {
    eq_v2 s1[EQ_PAIRS], s2[EQ_PAIRS];
    wp_eq_band target;            /* as last set */
    wp_biquad_coeffs target_rbj;  /* its cookbook coefficients, for the response */
    double goal[P_COUNT];         /* target in glide domains */
    double v[P_COUNT];            /* first stage of the glide */
    double p[P_COUNT];            /* second stage: where the band is */
    wp_filter_type type;          /* type and enable the band is heading to */
    int enabled;
    eq_design fade_from;          /* design a type/enable crossfade leaves */
    int fade_left;                /* grid steps left in that crossfade */
    eq_design seg_start, seg_end; /* design at both ends of this grid segment */
    eq_kcoef k;                   /* kernel coefficients of seg_end */
    int moving;                   /* seg_start != seg_end */
    int active;                   /* not a settled identity */
} eq_band;

struct wp_eq {
    eq_band band[WP_EQ_MAX_BANDS];
    /* Per-sample kernel coefficients of moving bands for this segment. */
    eq_kcoef seg_k[WP_EQ_MAX_BANDS][EQ_GRID];
    eq_band *act[WP_EQ_MAX_BANDS]; /* active bands in series order */
    const eq_kcoef *act_k[WP_EQ_MAX_BANDS];
    size_t act_stride[WP_EQ_MAX_BANDS]; /* 1 if moving (seg_k), else 0 (k) */
    int n_act, any_moving;
    double rate;
    int channels, n_bands;
    double glide_coeff;  /* one-pole coefficient per grid step */
    int fade_steps;      /* grid steps of a type/enable crossfade */
    long bypass_len;     /* frames of the bypass crossfade */
    long wet_pos;        /* 0 (dry) .. bypass_len (processed) */
    int bypass;
    int running;         /* a frame was processed since create/reset */
    size_t grid_left;    /* frames to the next grid point */
};

static const wp_eq_band default_bands[WP_EQ_DEFAULT_BANDS] = {
    {WP_FILTER_LOW_SHELF, 60.0, 0.0, 0.70710678118654752, 1},
    {WP_FILTER_PEAKING, 170.0, 0.0, 1.0, 1},
    {WP_FILTER_PEAKING, 310.0, 0.0, 1.0, 1},
    {WP_FILTER_PEAKING, 600.0, 0.0, 1.0, 1},
    {WP_FILTER_PEAKING, 1000.0, 0.0, 1.0, 1},
    {WP_FILTER_PEAKING, 3000.0, 0.0, 1.0, 1},
    {WP_FILTER_PEAKING, 6000.0, 0.0, 1.0, 1},
    {WP_FILTER_HIGH_SHELF, 12000.0, 0.0, 0.70710678118654752, 1},
};

/* Bands past the listed ones are neutral peaking bands at 1 kHz, Q 1. */
static wp_eq_band default_band(int index)
{
    return default_bands[index < WP_EQ_DEFAULT_BANDS ? index : 4];
}

/* Simper's mixes. With s normalised by g, the SVF gives
 *   H(s) = (m0 (s^2 + k s + 1) + m1 s + m2) / (s^2 + k s + 1),
 * and the A-scaled g and k below make that the cookbook's prototype of each
 * type: bell k = 1 / (Q A) gives (s^2 + s A/Q + 1) / (s^2 + s/(A Q) + 1);
 * the shelves move g by 1/sqrt(A) (low) or sqrt(A) (high). */
static eq_design svf_design(wp_filter_type type, int enabled, const double *p, double rate)
{
    const double g = tan(WP_PI * exp(p[P_FREQ]) / rate);
    const double k = exp(-p[P_Q]);
    const double a = wp_db_to_gain(0.5 * p[P_GAIN]); /* A = 10^(dB/40) */
    eq_design d = {g, k, 1.0, 0.0, 0.0};
    if (!enabled)
        return d;
    switch (type) {
    case WP_FILTER_PEAKING:
        d.k = k / a;
        d.m1 = d.k * (a * a - 1.0);
        break;
    case WP_FILTER_LOW_SHELF:
        d.g = g / sqrt(a);
        d.m1 = k * (a - 1.0);
        d.m2 = a * a - 1.0;
        break;
    case WP_FILTER_HIGH_SHELF:
        d.g = g * sqrt(a);
        d.m0 = a * a;
        d.m1 = k * (1.0 - a) * a;
        d.m2 = 1.0 - a * a;
        break;
    case WP_FILTER_LOW_PASS:
        d.m0 = 0.0;
        d.m2 = 1.0;
        break;
    case WP_FILTER_HIGH_PASS:
        d.m1 = -k;
        d.m2 = -1.0;
        break;
    case WP_FILTER_BAND_PASS:
        d.m0 = 0.0;
        d.m1 = k;
        break;
    case WP_FILTER_NOTCH:
        d.m1 = -k;
        break;
    default: /* WP_FILTER_ALL_PASS */
        d.m1 = -2.0 * k;
        break;
    }
    return d;
}

static eq_kcoef kernel_coeffs(const eq_design *d)
{
    const double a1 = 1.0 / (1.0 + d->g * (d->g + d->k));
    const double a2 = d->g * a1;
    const double a3 = d->g * a2;
    eq_kcoef c;
    c.c0 = d->m0 + d->m1 * a2 + d->m2 * a3;
    c.c1 = d->m1 * a1 + d->m2 * a2;
    c.c2 = d->m2 * (1.0 - a3) - d->m1 * a2;
    c.d0 = 2.0 * a2;
    c.d1 = 2.0 * a1 - 1.0;
    c.e0 = 2.0 * a3;
    return c;
}

/* (1 - t) x + t y field by field; exactly y at t = 1. */
static eq_design design_lerp(const eq_design *x, const eq_design *y, double t)
{
    const double u = 1.0 - t;
    eq_design d = {u * x->g + t * y->g, u * x->k + t * y->k, u * x->m0 + t * y->m0,
                   u * x->m1 + t * y->m1, u * x->m2 + t * y->m2};
    return d;
}

static int design_is_identity(const eq_design *d)
{
    return d->m0 == 1.0 && d->m1 == 0.0 && d->m2 == 0.0;
}

/* Glide ends once both stages are this close to the goal (ln Hz, dB,
 * ln Q): response changes of ~1e-7, below float resolution. */
static const double glide_eps[P_COUNT] = {1e-7, 1e-6, 1e-7};

/* Smooth 0..1 ramp with zero slope at both ends (no corner in the fade). */
static double smoothstep(double t) { return t * t * (3.0 - 2.0 * t); }

/* Puts the band at its target at once. */
static void band_snap(eq_band *b, double rate)
{
    memcpy(b->v, b->goal, sizeof b->v);
    memcpy(b->p, b->goal, sizeof b->p);
    b->type = b->target.type;
    b->enabled = b->target.enabled;
    b->fade_left = 0;
    b->seg_end = svf_design(b->type, b->enabled, b->p, rate);
    b->seg_start = b->seg_end;
    b->k = kernel_coeffs(&b->seg_end);
    b->moving = 0;
}

/* One grid step of the band's glide and crossfade; sets seg_start/seg_end.
 * The glide is two one-pole stages in series (critically damped): its
 * speed changes without corners, also when a new goal arrives mid-glide,
 * so the loudness and phase of what passes the band bend smoothly. */
static void band_advance(eq_band *b, const wp_eq *eq)
{
    if (b->type != b->target.type || b->enabled != b->target.enabled) {
        b->fade_from = b->seg_end;
        b->type = b->target.type;
        b->enabled = b->target.enabled;
        b->fade_left = eq->fade_steps;
    }
    b->seg_start = b->seg_end;
    const int gliding = memcmp(b->p, b->goal, sizeof b->p) != 0 || memcmp(b->v, b->goal, sizeof b->v) != 0;
    b->moving = gliding || b->fade_left > 0;
    if (!b->moving)
        return;
    if (gliding) {
        int done = 1;
        for (int i = 0; i < P_COUNT; i++) {
            b->v[i] += (b->goal[i] - b->v[i]) * eq->glide_coeff;
            b->p[i] += (b->v[i] - b->p[i]) * eq->glide_coeff;
            done &= fabs(b->goal[i] - b->v[i]) <= glide_eps[i] && fabs(b->goal[i] - b->p[i]) <= glide_eps[i];
        }
        if (done) {
            memcpy(b->v, b->goal, sizeof b->v);
            memcpy(b->p, b->goal, sizeof b->p);
        }
    }
    const eq_design to = svf_design(b->type, b->enabled, b->p, eq->rate);
    if (b->fade_left > 0 && --b->fade_left > 0) {
        const double t = smoothstep(1.0 - (double)b->fade_left / eq->fade_steps);
        b->seg_end = design_lerp(&b->fade_from, &to, t);
    } else {
        b->seg_end = to;
    }
    b->k = kernel_coeffs(&b->seg_end);
}

static void grid_step(wp_eq *eq)
{
    const int pairs = (eq->channels + 1) / 2;
    eq->n_act = 0;
    eq->any_moving = 0;
    if (!eq->running)
        eq->wet_pos = eq->bypass ? 0 : eq->bypass_len;
    for (int i = 0; i < eq->n_bands; i++) {
        eq_band *b = &eq->band[i];
        if (eq->running)
            band_advance(b, eq);
        else
            band_snap(b, eq->rate);
        if (!b->moving && design_is_identity(&b->seg_end)) {
            if (b->active) {
                memset(b->s1, 0, sizeof b->s1);
                memset(b->s2, 0, sizeof b->s2);
            }
            b->active = 0;
            continue;
        }
        b->active = 1;
        /* States cannot fall from 1e-30 into double denormals (< 2e-308)
         * within one grid segment, so flushing here is enough. */
        for (int p = 0; p < pairs; p++) {
            for (int lane = 0; lane < 2; lane++) {
                b->s1[p][lane] = wp_flush_denormal_d(b->s1[p][lane]);
                b->s2[p][lane] = wp_flush_denormal_d(b->s2[p][lane]);
            }
        }
        const int a = eq->n_act++;
        eq->act[a] = b;
        if (b->moving) {
            for (int j = 0; j < EQ_GRID; j++) {
                const eq_design d = design_lerp(&b->seg_start, &b->seg_end, (double)(j + 1) / EQ_GRID);
                eq->seg_k[i][j] = kernel_coeffs(&d);
            }
            eq->act_k[a] = eq->seg_k[i];
            eq->act_stride[a] = 1;
            eq->any_moving = 1;
        } else {
            eq->act_k[a] = &b->k;
            eq->act_stride[a] = 0;
        }
    }
    eq->running = 1;
}

/* Runs the active bands over n frames of one channel pair in buf; frame i
 * is frame `seg_pos + i` of the grid segment. `moving` is a constant at
 * each call, so the static case compiles to fixed coefficients. */
static inline void run_bands(wp_eq *eq, eq_v2 *buf, size_t n, int pair, size_t seg_pos, int moving)
{
    const int n_act = eq->n_act;
    for (size_t i = 0; i < n; i++) {
        eq_v2 v = buf[i];
        for (int a = 0; a < n_act; a++) {
            const eq_kcoef *c = moving ? eq->act_k[a] + (seg_pos + i) * eq->act_stride[a] : eq->act_k[a];
            eq_band *b = eq->act[a];
            const eq_v2 s1 = b->s1[pair], s2 = b->s2[pair];
            const eq_v2 y = c->c0 * v + (c->c1 * s1 + c->c2 * s2);
            const eq_v2 v3 = v - s2;
            b->s1[pair] = c->d1 * s1 + c->d0 * v3;
            b->s2[pair] = s2 + (c->d0 * s1 + c->e0 * v3);
            v = y;
        }
        buf[i] = v;
    }
}

/* Advances the bypass crossfade over n frames; fills wet[i] (0 = dry,
 * 1 = processed) and returns 1 when it ramps, else 0 with wet[0] the
 * constant value. */
static int bypass_ramp(wp_eq *eq, size_t n, double *wet)
{
    const long end = eq->bypass ? 0 : eq->bypass_len;
    if (eq->wet_pos == end) {
        wet[0] = eq->bypass ? 0.0 : 1.0;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (eq->wet_pos < end)
            eq->wet_pos++;
        else if (eq->wet_pos > end)
            eq->wet_pos--;
        wet[i] = smoothstep((double)eq->wet_pos / (double)eq->bypass_len);
    }
    return 1;
}

void wp_eq_process(wp_eq *eq, float *const *channels, size_t frames)
{
    if (!eq || !channels)
        return;
    eq_v2 buf[EQ_GRID];
    double wet[EQ_GRID];
    size_t done = 0;
    while (done < frames) {
        if (eq->grid_left == 0) {
            grid_step(eq);
            eq->grid_left = EQ_GRID;
        }
        const size_t n = frames - done < eq->grid_left ? frames - done : eq->grid_left;
        const size_t seg_pos = EQ_GRID - eq->grid_left;
        const int ramp = bypass_ramp(eq, n, wet);
        /* With no active band the processed signal is the input itself.
         * Bypassed, the bands still run so that leaving bypass is seamless. */
        if (eq->n_act > 0) {
            for (int pair = 0; 2 * pair < eq->channels; pair++) {
                float *x0 = channels[2 * pair] + done;
                float *x1 = 2 * pair + 1 < eq->channels ? channels[2 * pair + 1] + done : NULL;
                for (size_t i = 0; i < n; i++) {
                    buf[i][0] = x0[i];
                    buf[i][1] = x1 ? x1[i] : 0.0;
                }
                if (eq->any_moving)
                    run_bands(eq, buf, n, pair, seg_pos, 1);
                else
                    run_bands(eq, buf, n, pair, seg_pos, 0);
                if (ramp) {
                    for (size_t i = 0; i < n; i++) {
                        x0[i] = (float)(x0[i] + wet[i] * (buf[i][0] - x0[i]));
                        if (x1)
                            x1[i] = (float)(x1[i] + wet[i] * (buf[i][1] - x1[i]));
                    }
                } else if (wet[0] > 0.0) {
                    for (size_t i = 0; i < n; i++) {
                        x0[i] = (float)buf[i][0];
                        if (x1)
                            x1[i] = (float)buf[i][1];
                    }
                }
            }
        }
        done += n;
        eq->grid_left -= n;
    }
}

void wp_eq_reset(wp_eq *eq)
{
    if (!eq)
        return;
    for (int i = 0; i < WP_EQ_MAX_BANDS; i++) {
        memset(eq->band[i].s1, 0, sizeof eq->band[i].s1);
        memset(eq->band[i].s2, 0, sizeof eq->band[i].s2);
        eq->band[i].active = 0;
    }
    eq->n_act = 0;
    eq->running = 0;
    eq->grid_left = 0;
}

wp_status wp_eq_default_band(int index, wp_eq_band *out)
{
    if (!out || index < 0 || index >= WP_EQ_MAX_BANDS)
        return WP_ERR_INVALID_ARGUMENT;
    *out = default_band(index);
    return WP_OK;
}

/* Validates `band` for this equalizer and makes it the target of band
 * `index`; nothing changes on failure. */
static wp_status band_set(wp_eq *eq, int index, const wp_eq_band *band)
{
    if ((unsigned)band->type >= WP_FILTER_TYPE_COUNT)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(band->freq_hz, WP_EQ_MIN_FREQ_HZ, WP_EQ_MAX_FREQ_RATIO * eq->rate) != WP_OK ||
        wp_check_range(band->gain_db, WP_EQ_MIN_GAIN_DB, WP_EQ_MAX_GAIN_DB) != WP_OK ||
        wp_check_range(band->q, WP_EQ_MIN_Q, WP_EQ_MAX_Q) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    wp_biquad_coeffs rbj;
    const wp_status st = wp_biquad_design(band->type, eq->rate, band->freq_hz, band->gain_db, band->q, &rbj);
    if (st != WP_OK)
        return st;
    eq_band *b = &eq->band[index];
    b->target = *band;
    b->target.enabled = band->enabled != 0;
    b->target_rbj = rbj;
    b->goal[P_FREQ] = log(band->freq_hz);
    b->goal[P_GAIN] = band->gain_db;
    b->goal[P_Q] = log(band->q);
    return WP_OK;
}

wp_status wp_eq_set_band(wp_eq *eq, int index, const wp_eq_band *band)
{
    if (!eq || !band || index < 0 || index >= eq->n_bands)
        return WP_ERR_INVALID_ARGUMENT;
    return band_set(eq, index, band);
}

wp_status wp_eq_get_band(const wp_eq *eq, int index, wp_eq_band *out)
{
    if (!eq || !out || index < 0 || index >= eq->n_bands)
        return WP_ERR_INVALID_ARGUMENT;
    *out = eq->band[index].target;
    return WP_OK;
}

int wp_eq_band_count(const wp_eq *eq) { return eq ? eq->n_bands : 0; }

wp_status wp_eq_set_bypass(wp_eq *eq, int bypass)
{
    if (!eq)
        return WP_ERR_INVALID_ARGUMENT;
    eq->bypass = bypass != 0;
    return WP_OK;
}

wp_status wp_eq_magnitude_db(const wp_eq *eq, const double *freqs_hz, size_t count, double *out_db)
{
    if (!eq || !freqs_hz || !out_db)
        return WP_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        if (!(freqs_hz[i] >= 0.0 && isfinite(freqs_hz[i])))
            return WP_ERR_OUT_OF_RANGE;
    }
    for (size_t i = 0; i < count; i++) {
        double db = 0.0;
        for (int j = 0; j < eq->n_bands; j++) {
            if (eq->band[j].target.enabled)
                db += wp_biquad_magnitude_db(&eq->band[j].target_rbj, eq->rate, freqs_hz[i]);
        }
        out_db[i] = db;
    }
    return WP_OK;
}

wp_status wp_eq_create(double sample_rate, int channels, int bands, wp_eq **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (wp_check_rate_channels(sample_rate, channels) != WP_OK || bands < 1 || bands > WP_EQ_MAX_BANDS)
        return WP_ERR_OUT_OF_RANGE;
    /* The kernel's vectors need their alignment, which malloc need not give. */
    wp_eq *eq = aligned_alloc(_Alignof(wp_eq), sizeof(wp_eq));
    if (!eq)
        return WP_ERR_OUT_OF_MEMORY;
    memset(eq, 0, sizeof *eq);
    eq->rate = sample_rate;
    eq->channels = channels;
    eq->n_bands = bands;
    /* Time constant SMOOTH_MS / 5: (1 + 5) e^-5, 4 % of a step, is left
     * after SMOOTH_MS. */
    eq->glide_coeff = 1.0 - exp(-EQ_GRID / (WP_EQ_SMOOTH_MS * 1e-3 / 5.0 * sample_rate));
    const long fade = lround(WP_EQ_SMOOTH_MS * 1e-3 * sample_rate / EQ_GRID);
    eq->fade_steps = fade > 1 ? (int)fade : 1;
    eq->bypass_len = lround(WP_EQ_SMOOTH_MS * 1e-3 * sample_rate);
    for (int i = 0; i < bands; i++) {
        wp_eq_band d = default_band(i);
        d.freq_hz = fmin(d.freq_hz, WP_EQ_MAX_FREQ_RATIO * sample_rate);
        const wp_status st = band_set(eq, i, &d);
        if (st != WP_OK) {
            free(eq);
            return st;
        }
    }
    wp_eq_reset(eq);
    *out = eq;
    return WP_OK;
}

void wp_eq_destroy(wp_eq *eq) { free(eq); }
