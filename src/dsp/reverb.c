#include "wavepool/reverb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/delayline.h"
#include "dsp/dsp_util.h"

#define LINES 16
#define NV (LINES / 4) /* vectors of 4 lines */
#define DIFFUSERS 4
#define MAX_PREDELAY_MS 250.0
#define GLIDE_MS 5.0 /* per stage: about 10 ms to 63% */
#define FADE_MS 20.0
#define COEF_MS 10.0 /* per stage */
#define DC_HZ 5.0
#define LOOP_HP_HZ 1.0
#define FLUSH_EVERY 16 /* samples; a power of two */

/* Spread over a 1:4.4 range so the echo pattern never repeats early. Short
 * lines build the echo density fast; the total (0.71 s) is the modal
 * density, 0.71 modes per Hz. */
static const double line_ms[LINES] = {19.1, 21.7, 24.3, 27.1, 29.9, 33.1, 36.7, 40.1,
                                      44.3, 48.7, 53.3, 58.9, 64.1, 70.3, 76.7, 83.9};
/* Dattorro's input diffusers (142, 107, 379, 277 samples at 29761 Hz).
 * Left and right share the lengths (one load per stage); the network
 * decorrelates them. */
static const double diffuser_ms[DIFFUSERS] = {4.771, 3.595, 12.735, 9.307};
static const float diffuser_gain[DIFFUSERS] = {0.75f, 0.75f, 0.625f, 0.625f};
/* Input/output weights relative to the sign patterns; set so that white
 * noise in gives a wet RMS near the input's at decay 2 s. */
#define IN_GAIN 0.336f
#define OUT_GAIN 0.336f

/* The network runs on wp_v4f vectors (delayline.h). The 16 lines are four
 * vectors; the input stage keeps left and right in lanes 0 and 1. */
/* Unnormalised 16-point Walsh-Hadamard transform of v[0..3]: butterflies
 * between the vectors, then within each vector. */
static inline void hadamard16(wp_v4f *v)
{
    const wp_v4f pm = {1.0f, -1.0f, 1.0f, -1.0f}, ppmm = {1.0f, 1.0f, -1.0f, -1.0f};
    wp_v4f a0 = v[0] + v[1], a1 = v[0] - v[1], a2 = v[2] + v[3], a3 = v[2] - v[3];
    v[0] = a0 + a2, v[1] = a1 + a3, v[2] = a0 - a2, v[3] = a1 - a3;
    for (int j = 0; j < 4; j++) {
        wp_v4f a = v[j];
        a = __builtin_shufflevector(a, a, 0, 1, 0, 1) + ppmm * __builtin_shufflevector(a, a, 2, 3, 2, 3);
        v[j] = __builtin_shufflevector(a, a, 0, 0, 2, 2) + pm * __builtin_shufflevector(a, a, 1, 1, 3, 3);
    }
}

/* Delay lines stored interleaved (frame-major) with one shared write
 * position: a frame's writes are one contiguous store and there is no
 * per-line bookkeeping. Lane l of the frame written k samples ago is
 * buf[((pos - k) & mask) * lanes + l]. */
typedef struct bank {
    float *buf;
    size_t mask; /* frames - 1 */
    size_t pos;
    size_t lanes;
} bank;

#define PRE_LANES 2
#define DIFFUSER_LANES (2 * DIFFUSERS)
_Static_assert(LINES == 16 && DIFFUSERS == 4, "hadamard16 and the diffuser frame stores assume these");

static wp_status bank_init(bank *b, size_t lanes, size_t max_delay)
{
    size_t frames = 16;
    while (frames < max_delay + 1)
        frames *= 2;
    b->buf = calloc(frames * lanes, sizeof *b->buf);
    b->mask = frames - 1;
    b->pos = 0;
    b->lanes = lanes;
    return b->buf ? WP_OK : WP_ERR_OUT_OF_MEMORY;
}

static void bank_clear(bank *b)
{
    memset(b->buf, 0, (b->mask + 1) * b->lanes * sizeof *b->buf);
    b->pos = 0;
}

struct wp_reverb {
    double rate;
    int channels;
    bool enabled;
    bool active;    /* false once a bypass fade has finished */
    bool smoothing; /* mix or width still moving */
    unsigned tick;  /* samples since reset, for the periodic flush */
    double decay, damping, damping_hz;
    /* Input stage, left/right in lanes 0/1. The pre-delay (lanes 0 and 1
     * of its bank) is written before it is read, so a delay of 0 is exact. */
    bank pre;
    wp_xtap pre_tap; /* whole samples */
    wp_v4f dc_x, dc_y, dc_r;
    bank diffusers; /* lane 2k + c: diffuser k of channel c */
    size_t diffuser_len[DIFFUSERS];
    /* Network. */
    bank fdn;
    size_t len[LINES];
    wp_v4f z[NV];          /* shelf filter state */
    wp_v4f hp_x[NV], hp_y[NV]; /* loop high-pass state */
    wp_v4f hp_r;
    /* Shelf coefficients b0, b1, a1 per vector of 4 lines. A change moves
     * them along the straight line from `from` to `to` as `morph` goes
     * 0 -> 1; the DC and Nyquist gains along the way are weighted mediants
     * of gains below 1 (first-order sections peak at DC or Nyquist), so
     * every intermediate filter keeps the loop stable. */
    wp_v4f coef[3][NV], from[3][NV], to[3][NV];
    wp_glide morph;
    bool coef_moving;
    wp_v4f in_sign[2][NV], out_sign[2][NV]; /* [channel][vector] */
    wp_glide width_a, width_b; /* cos and sin of (1 - width) pi/4 */
    wp_glide mix;
    wp_fade enable;
};

static bool is_prime(size_t n)
{
    if (n < 2)
        return false;
    for (size_t d = 2; d * d <= n; d++)
        if (n % d == 0)
            return false;
    return true;
}

/* Entry (row, col) of the Sylvester Hadamard matrix: (-1)^popcount(row & col). */
static float hadamard_sign(unsigned row, unsigned col)
{
    unsigned v = row & col, parity = 0;
    for (; v; v &= v - 1)
        parity ^= 1u;
    return parity ? -1.0f : 1.0f;
}

static size_t samples_of(double ms, double rate) { return (size_t)lround(ms * rate / 1000.0); }

/* Shelf per line: gain g_lo at DC and g_lo * G at Nyquist, dB midpoint at
 * damping_hz (bilinear transform of (G s + sqrt(G) w)/(s + sqrt(G) w)).
 * The Hadamard normalisation 1/sqrt(8) is folded into the numerator. */
static void target_coefficients(wp_reverb *r)
{
    double t_hi = (1.0 - r->damping) * r->decay;
    double omega = tan(WP_PI * r->damping_hz / r->rate);
    for (int i = 0; i < LINES; i++) {
        double m = (double)r->len[i] / r->rate;
        double g_lo = pow(10.0, -3.0 * m / r->decay);
        double g = pow(10.0, -3.0 * m / t_hi) / g_lo;
        double sg = sqrt(g), den = 1.0 + sg * omega;
        double scale = g_lo / sqrt((double)LINES) / den;
        r->to[0][i / 4][i % 4] = (float)(scale * (g + sg * omega));
        r->to[1][i / 4][i % 4] = (float)(scale * (sg * omega - g));
        r->to[2][i / 4][i % 4] = (float)((sg * omega - 1.0) / den);
    }
    /* Start from wherever a running change has got to. */
    memcpy(r->from, r->coef, sizeof r->from);
    r->morph.a.value = r->morph.b.value = r->morph.b.target = 0.0f;
    r->morph.a.target = 1.0f;
    r->coef_moving = true;
}

static void settle_all(wp_reverb *r)
{
    memcpy(r->coef, r->to, sizeof r->coef);
    wp_glide_settle(&r->morph);
    r->coef_moving = false;
    wp_glide_settle(&r->width_a);
    wp_glide_settle(&r->width_b);
    wp_glide_settle(&r->mix);
    r->smoothing = false;
    wp_xtap_settle(&r->pre_tap);
}

static void clear_history(wp_reverb *r)
{
    r->tick = 0;
    bank_clear(&r->pre);
    bank_clear(&r->diffusers);
    bank_clear(&r->fdn);
    r->dc_x = r->dc_y = wp_v4_splat(0.0f);
    for (int j = 0; j < NV; j++)
        r->z[j] = r->hp_x[j] = r->hp_y[j] = wp_v4_splat(0.0f);
}

static void set_width_targets(wp_reverb *r, double width)
{
    double a = (1.0 - width) * WP_PI / 4.0;
    r->width_a.a.target = (float)cos(a);
    r->width_b.a.target = (float)sin(a);
    r->smoothing = true;
}

wp_status wp_reverb_create(double sample_rate, int channels, wp_reverb **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (wp_check_rate_channels(sample_rate, channels) != WP_OK || channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_reverb *r = calloc(1, sizeof *r);
    if (!r)
        return WP_ERR_OUT_OF_MEMORY;
    r->rate = sample_rate;
    r->channels = channels;
    bool ok = bank_init(&r->pre, PRE_LANES, samples_of(MAX_PREDELAY_MS, sample_rate) + 1) == WP_OK;
    size_t longest = 0;
    for (int k = 0; k < DIFFUSERS; k++) {
        size_t n = samples_of(diffuser_ms[k], sample_rate);
        r->diffuser_len[k] = n;
        longest = n > longest ? n : longest;
    }
    ok &= bank_init(&r->diffusers, DIFFUSER_LANES, longest) == WP_OK;
    /* Distinct primes: no two lines share a period or a common factor. */
    size_t prev = 0;
    for (int i = 0; i < LINES; i++) {
        size_t n = samples_of(line_ms[i], sample_rate);
        if (n <= prev)
            n = prev + 1;
        while (!is_prime(n))
            n++;
        r->len[i] = prev = n;
    }
    ok &= bank_init(&r->fdn, LINES, prev) == WP_OK;
    if (!ok) {
        wp_reverb_destroy(r);
        return WP_ERR_OUT_OF_MEMORY;
    }
    /* Orthogonal sign patterns: rows of the 8x8 Hadamard matrix times a
     * fixed sign vector (which keeps them orthogonal). */
    static const float sigma[LINES] = {1, -1, 1, 1, -1, 1, -1, -1, 1, 1, -1, 1, -1, -1, -1, 1};
    static const unsigned in_row[2] = {3, 5}, out_row[2] = {6, 9};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < LINES; i++) {
            r->in_sign[c][i / 4][i % 4] = IN_GAIN * sigma[i] * hadamard_sign(in_row[c], (unsigned)i);
            r->out_sign[c][i / 4][i % 4] = OUT_GAIN * sigma[i] * hadamard_sign(out_row[c], (unsigned)i);
        }
    r->dc_r = wp_v4_splat((float)exp(-WP_TWO_PI * DC_HZ / sample_rate));
    r->hp_r = wp_v4_splat((float)exp(-WP_TWO_PI * LOOP_HP_HZ / sample_rate));
    r->decay = 2.0;
    r->damping = 0.5;
    r->damping_hz = fmin(5000.0, 0.45 * sample_rate);
    wp_glide_init(&r->morph, 1.0f, COEF_MS, sample_rate);
    target_coefficients(r);
    wp_xtap_init(&r->pre_tap, (double)samples_of(10.0, sample_rate), sample_rate);
    wp_glide_init(&r->width_a, 1.0f, GLIDE_MS, sample_rate);
    wp_glide_init(&r->width_b, 0.0f, GLIDE_MS, sample_rate);
    wp_glide_init(&r->mix, 0.25f, GLIDE_MS, sample_rate);
    wp_fade_init(&r->enable, true, FADE_MS, sample_rate);
    settle_all(r);
    r->enabled = r->active = true;
    *out = r;
    return WP_OK;
}

void wp_reverb_destroy(wp_reverb *r)
{
    if (!r)
        return;
    free(r->pre.buf);
    free(r->diffusers.buf);
    free(r->fdn.buf);
    free(r);
}

void wp_reverb_reset(wp_reverb *r)
{
    clear_history(r);
    settle_all(r);
    r->enable.pos = r->enable.target;
    r->active = r->enabled;
}

wp_status wp_reverb_set_decay_s(wp_reverb *r, double seconds)
{
    if (!r)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(seconds, 0.1, 20.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    r->decay = seconds;
    target_coefficients(r);
    return WP_OK;
}

wp_status wp_reverb_set_damping(wp_reverb *r, double damping)
{
    if (!r)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(damping, 0.0, 0.95) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    r->damping = damping;
    target_coefficients(r);
    return WP_OK;
}

wp_status wp_reverb_set_damping_hz(wp_reverb *r, double hz)
{
    if (!r)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(hz, 200.0, fmin(20000.0, 0.45 * r->rate)) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    r->damping_hz = hz;
    target_coefficients(r);
    return WP_OK;
}

wp_status wp_reverb_set_predelay_ms(wp_reverb *r, double ms)
{
    if (!r)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(ms, 0.0, MAX_PREDELAY_MS) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    r->pre_tap.target = (double)samples_of(ms, r->rate);
    return WP_OK;
}

wp_status wp_reverb_set_width(wp_reverb *r, double width)
{
    if (!r)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(width, 0.0, 1.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    set_width_targets(r, width);
    return WP_OK;
}

wp_status wp_reverb_set_mix(wp_reverb *r, double mix)
{
    if (!r)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(mix, 0.0, 1.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    r->mix.a.target = (float)mix;
    r->smoothing = true;
    return WP_OK;
}

wp_status wp_reverb_set_enabled(wp_reverb *r, bool enabled)
{
    if (!r)
        return WP_ERR_INVALID_ARGUMENT;
    r->enabled = enabled;
    r->enable.target = enabled ? 1.0f : 0.0f;
    if (enabled && !r->active) {
        settle_all(r);
        r->active = true;
    }
    return WP_OK;
}

/* One sample along the coefficient morph. */
static void step_coefficients(wp_reverb *r)
{
    bool moving = wp_glide_step(&r->morph);
    float m = r->morph.b.value;
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < NV; j++)
            r->coef[k][j] = r->from[k][j] + m * (r->to[k][j] - r->from[k][j]);
    if (!moving) {
        memcpy(r->coef, r->to, sizeof r->coef);
        r->coef_moving = false;
    }
}

static void step_smoothers(wp_reverb *r)
{
    /* Every glide steps (no short-circuit). */
    bool moving = wp_glide_step(&r->mix);
    moving |= wp_glide_step(&r->width_a);
    moving |= wp_glide_step(&r->width_b);
    r->smoothing = moving;
}

static inline wp_v4f lanes01(const float *p) { return (wp_v4f){p[0], p[1], 0.0f, 0.0f}; }

void wp_reverb_process(wp_reverb *r, float *const *channels, size_t frames)
{
    if (!r->active)
        return;
    const bool stereo = r->channels == 2;
    float *const pre = r->pre.buf, *const dif = r->diffusers.buf, *const fdn = r->fdn.buf;
    const size_t pmask = r->pre.mask, dmask = r->diffusers.mask, fmask = r->fdn.mask;
    size_t ppos = r->pre.pos, dpos = r->diffusers.pos, fpos = r->fdn.pos;
    wp_v4f dc_x = r->dc_x, dc_y = r->dc_y, z[NV], hp_x[NV], hp_y[NV];
    memcpy(z, r->z, sizeof z);
    memcpy(hp_x, r->hp_x, sizeof hp_x);
    memcpy(hp_y, r->hp_y, sizeof hp_y);
    const wp_v4f hp_r = r->hp_r;
    const wp_v4f dc_r = r->dc_r;
    for (size_t n = 0; n < frames; n++) {
        if (r->coef_moving)
            step_coefficients(r);
        if (r->smoothing)
            step_smoothers(r);
        /* The enable gain fades the network's input too, so after a
         * re-enable the tail of a sound that plays on builds up smoothly. */
        float on = wp_fade_next(&r->enable);
        float mix = r->mix.b.value * on;
        float xl = channels[0][n], xr = stereo ? channels[1][n] : 0.0f;

        /* Pre-delay, crossfading when its length changes. */
        pre[ppos * PRE_LANES] = on * xl;
        pre[ppos * PRE_LANES + 1] = on * xr;
        float w_old = wp_xtap_next(&r->pre_tap);
        size_t cur = r->pre_tap.cur_k;
        wp_v4f h = lanes01(pre + ((ppos - cur) & pmask) * PRE_LANES);
        if (w_old != 0.0f) {
            size_t old = r->pre_tap.old_k;
            h += w_old * (lanes01(pre + ((ppos - old) & pmask) * PRE_LANES) - h);
        }
        ppos = (ppos + 1) & pmask;

        /* DC blocker, then the series all-passes v = h - g v[n-M],
         * y = g v + v[n-M]. */
        dc_y = h - dc_x + dc_r * dc_y;
        dc_x = h;
        h = dc_y;
        wp_v4f v[DIFFUSERS];
        for (int k = 0; k < DIFFUSERS; k++) {
            wp_v4f old = lanes01(dif + ((dpos - r->diffuser_len[k]) & dmask) * DIFFUSER_LANES + 2 * k);
            v[k] = wp_v4_flush(h - diffuser_gain[k] * old);
            h = diffuser_gain[k] * v[k] + old;
        }
        float *dframe = dif + dpos * DIFFUSER_LANES;
        wp_v4_store(dframe, __builtin_shufflevector(v[0], v[1], 0, 1, 4, 5));
        wp_v4_store(dframe + 4, __builtin_shufflevector(v[2], v[3], 0, 1, 4, 5));
        dpos = (dpos + 1) & dmask;

        /* The network: read, tap the outputs, damp, mix, feed back. */
        wp_v4f s[NV], f[NV], tl = wp_v4_splat(0.0f), tr = wp_v4_splat(0.0f);
        for (int j = 0; j < NV; j++) {
            const size_t *len = r->len + 4 * j;
            const float *lane = fdn + 4 * j;
            s[j] = (wp_v4f){lane[((fpos - len[0]) & fmask) * LINES], lane[((fpos - len[1]) & fmask) * LINES + 1],
                         lane[((fpos - len[2]) & fmask) * LINES + 2], lane[((fpos - len[3]) & fmask) * LINES + 3]};
            tl += r->out_sign[0][j] * s[j];
            tr += r->out_sign[1][j] * s[j];
            wp_v4f x = hp_y[j] = s[j] - hp_x[j] + hp_r * hp_y[j];
            hp_x[j] = s[j];
            f[j] = r->coef[0][j] * x + z[j];
            z[j] = r->coef[1][j] * x - r->coef[2][j] * f[j];
        }
        float yl = wp_v4_sum(tl), yr = wp_v4_sum(tr);
        hadamard16(f);
        float il = h[0], ir = h[1];
        float *frame = fdn + fpos * LINES;
        for (int j = 0; j < NV; j++)
            wp_v4_store(frame + 4 * j, wp_v4_flush(f[j] + r->in_sign[0][j] * il + r->in_sign[1][j] * ir));
        fpos = (fpos + 1) & fmask;
        /* Filter states are flushed every FLUSH_EVERY samples (counted from
         * reset: block splits do not matter). Between two flushes a state
         * cannot fall from 1e-30 into the denormal range (that would take
         * a decay of 80 dB in 16 samples), and whatever the lines store is
         * flushed on every write. */
        if ((r->tick++ & (FLUSH_EVERY - 1)) == 0) {
            dc_y = wp_v4_flush(dc_y);
            for (int j = 0; j < NV; j++) {
                z[j] = wp_v4_flush(z[j]);
                hp_y[j] = wp_v4_flush(hp_y[j]);
            }
        }

        if (stereo) {
            float a = r->width_a.b.value, b = r->width_b.b.value;
            float wl = a * yl + b * yr, wr = b * yl + a * yr;
            channels[0][n] = xl + mix * (wl - xl);
            channels[1][n] = xr + mix * (wr - xr);
        } else {
            channels[0][n] = xl + mix * (yl - xl);
        }
        if (!r->enabled && on == 0.0f) {
            /* Bypass complete: the rest of the block stays dry. */
            clear_history(r);
            r->active = false;
            return;
        }
    }
    r->pre.pos = ppos;
    r->diffusers.pos = dpos;
    r->fdn.pos = fpos;
    r->dc_x = dc_x;
    r->dc_y = dc_y;
    memcpy(r->z, z, sizeof z);
    memcpy(r->hp_x, hp_x, sizeof hp_x);
    memcpy(r->hp_y, hp_y, sizeof hp_y);
}
