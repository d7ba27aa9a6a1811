#include "wavepool/chorus.h"

#include <math.h>
#include <stdlib.h>

#include "dsp/delayline.h"
#include "dsp/dsp_util.h"

#define FAST_MS 5.0  /* per glide stage: about 10 ms to 63% */
#define FADE_MS 20.0
#define SLOW_MS 50.0 /* per glide stage, for what moves read positions */
#define MAX_DELAY_MS 40.0
#define LFO_SYNC 32 /* rotation steps between exact LFO values */
#define MAX_DEPTH_MS 20.0

struct wp_chorus {
    double rate;
    int channels;
    bool enabled;
    bool active; /* false once a bypass fade has finished */
    int voices;
    int live;    /* voices 0..live-1 are audible or fading out */
    bool moving; /* some smoother below has not landed yet */
    double phase; /* LFO phase, cycles in [0, 1) */
    float lfo_c, lfo_s; /* cos and sin of 2 pi phase (between syncs) */
    int sync;           /* samples since the last exact LFO value, mod LFO_SYNC */
    double spread;
    wp_dline line[2];
    wp_glide inc;            /* LFO phase increment per sample */
    wp_glide depth, base; /* samples */
    wp_glide stereo;      /* right-channel phase offset, cycles */
    wp_glide mix;
    wp_fade enable;
    wp_glide gain[WP_CHORUS_MAX_VOICES];
    wp_glide offset[WP_CHORUS_MAX_VOICES]; /* cycles */
    /* cos and sin of 2 pi (offset + channel * stereo), per channel and
     * voice: each voice's LFO is the common one rotated by these. */
    float rot_c[2][WP_CHORUS_MAX_VOICES], rot_s[2][WP_CHORUS_MAX_VOICES];
};

static void update_rotations(wp_chorus *c)
{
    for (int ch = 0; ch < c->channels; ch++)
        for (int v = 0; v < c->live; v++) {
            double o = c->offset[v].b.value + (ch ? c->stereo.b.value : 0.0f);
            c->rot_c[ch][v] = wp_sin_cycles(o + 0.25);
            c->rot_s[ch][v] = wp_sin_cycles(o);
        }
}

/* Targets for the current voice count and spread. */
static void target_voices(wp_chorus *c)
{
    int n = c->voices;
    for (int v = 0; v < WP_CHORUS_MAX_VOICES; v++) {
        wp_glide *g = &c->gain[v];
        g->a.target = v < n ? 1.0f / (float)n : 0.0f;
        if (v < n) {
            c->offset[v].a.target = (float)v / (float)n;
            /* A silent voice can take its new phase at once. */
            if (g->a.value == 0.0f && g->b.value == 0.0f)
                wp_glide_settle(&c->offset[v]);
        }
    }
    c->stereo.a.target = (float)(c->spread / (2.0 * n));
    if (n > c->live)
        c->live = n;
    c->moving = true;
}

static void settle_all(wp_chorus *c)
{
    wp_glide_settle(&c->inc);
    wp_glide_settle(&c->depth);
    wp_glide_settle(&c->base);
    wp_glide_settle(&c->stereo);
    wp_glide_settle(&c->mix);
    for (int v = 0; v < WP_CHORUS_MAX_VOICES; v++) {
        wp_glide_settle(&c->gain[v]);
        wp_glide_settle(&c->offset[v]);
    }
    c->live = c->voices;
    c->moving = false;
    update_rotations(c);
}

/* One sample of every smoother; notices when all have landed and drops
 * voices that have faded out. */
static void step_smoothers(wp_chorus *c)
{
    /* Every glide steps (no short-circuit). */
    bool moved = wp_glide_step(&c->inc);
    moved |= wp_glide_step(&c->depth);
    moved |= wp_glide_step(&c->base);
    moved |= wp_glide_step(&c->mix);
    bool turned = wp_glide_step(&c->stereo);
    for (int v = 0; v < c->live; v++) {
        moved |= wp_glide_step(&c->gain[v]);
        turned |= wp_glide_step(&c->offset[v]);
    }
    while (c->live > c->voices && c->gain[c->live - 1].b.value == 0.0f &&
           c->gain[c->live - 1].a.value == 0.0f)
        c->live--;
    if (turned)
        update_rotations(c);
    c->moving = moved || turned;
}

static void clear_history(wp_chorus *c)
{
    for (int ch = 0; ch < c->channels; ch++)
        wp_dline_clear(&c->line[ch]);
    c->phase = 0.0;
    c->sync = 0;
}

wp_status wp_chorus_create(double sample_rate, int channels, wp_chorus **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (wp_check_rate_channels(sample_rate, channels) != WP_OK || channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_chorus *c = calloc(1, sizeof *c);
    if (!c)
        return WP_ERR_OUT_OF_MEMORY;
    c->rate = sample_rate;
    c->channels = channels;
    size_t max_delay = (size_t)ceil((MAX_DELAY_MS + MAX_DEPTH_MS) * sample_rate / 1000.0) + 1;
    for (int ch = 0; ch < channels; ch++) {
        if (wp_dline_init(&c->line[ch], max_delay) != WP_OK) {
            wp_chorus_destroy(c);
            return WP_ERR_OUT_OF_MEMORY;
        }
    }
    wp_glide_init(&c->inc, (float)(0.8 / sample_rate), FAST_MS, sample_rate);
    wp_glide_init(&c->depth, (float)(3.0 * sample_rate / 1000.0), SLOW_MS, sample_rate);
    wp_glide_init(&c->base, (float)(10.0 * sample_rate / 1000.0), SLOW_MS, sample_rate);
    wp_glide_init(&c->stereo, 0.0f, SLOW_MS, sample_rate);
    wp_glide_init(&c->mix, 0.5f, FAST_MS, sample_rate);
    wp_fade_init(&c->enable, true, FADE_MS, sample_rate);
    for (int v = 0; v < WP_CHORUS_MAX_VOICES; v++) {
        wp_glide_init(&c->gain[v], 0.0f, SLOW_MS, sample_rate);
        wp_glide_init(&c->offset[v], 0.0f, SLOW_MS, sample_rate);
    }
    c->voices = 2;
    c->spread = 1.0;
    target_voices(c);
    settle_all(c);
    c->enabled = c->active = true;
    *out = c;
    return WP_OK;
}

void wp_chorus_destroy(wp_chorus *c)
{
    if (!c)
        return;
    for (int ch = 0; ch < 2; ch++)
        wp_dline_free(&c->line[ch]);
    free(c);
}

void wp_chorus_reset(wp_chorus *c)
{
    clear_history(c);
    settle_all(c);
    c->enable.pos = c->enable.target;
    c->active = c->enabled;
}

static wp_status set_smoothed(wp_chorus *c, wp_glide *g, double v, double lo, double hi,
                              double scale)
{
    if (wp_check_range(v, lo, hi) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    g->a.target = (float)(v * scale);
    c->moving = true;
    return WP_OK;
}

wp_status wp_chorus_set_rate_hz(wp_chorus *c, double hz)
{
    return c ? set_smoothed(c, &c->inc, hz, 0.05, 10.0, 1.0 / c->rate) : WP_ERR_INVALID_ARGUMENT;
}

wp_status wp_chorus_set_depth_ms(wp_chorus *c, double ms)
{
    return c ? set_smoothed(c, &c->depth, ms, 0.0, MAX_DEPTH_MS, c->rate / 1000.0)
             : WP_ERR_INVALID_ARGUMENT;
}

wp_status wp_chorus_set_delay_ms(wp_chorus *c, double ms)
{
    return c ? set_smoothed(c, &c->base, ms, 1.0, MAX_DELAY_MS, c->rate / 1000.0)
             : WP_ERR_INVALID_ARGUMENT;
}

wp_status wp_chorus_set_mix(wp_chorus *c, double mix)
{
    return c ? set_smoothed(c, &c->mix, mix, 0.0, 1.0, 1.0) : WP_ERR_INVALID_ARGUMENT;
}

wp_status wp_chorus_set_voices(wp_chorus *c, int voices)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (voices < 1 || voices > WP_CHORUS_MAX_VOICES)
        return WP_ERR_OUT_OF_RANGE;
    c->voices = voices;
    target_voices(c);
    return WP_OK;
}

wp_status wp_chorus_set_spread(wp_chorus *c, double spread)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(spread, 0.0, 1.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    c->spread = spread;
    c->stereo.a.target = (float)(spread / (2.0 * c->voices));
    c->moving = true;
    return WP_OK;
}

wp_status wp_chorus_set_enabled(wp_chorus *c, bool enabled)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    c->enabled = enabled;
    c->enable.target = enabled ? 1.0f : 0.0f;
    if (enabled && !c->active) {
        settle_all(c);
        c->active = true;
    }
    return WP_OK;
}

/* What the per-sample loop reads, copied out of the smoothers (so stores
 * to the audio and the lines cannot force reloads). The voices of all
 * channels are packed into lanes of 4-wide vectors, channel-major; each
 * lane has its own rotation, line and gain, the gain split into one vector
 * for the left sum and one for the right (zero in the other channel's lanes
 * and in padding lanes, which read line 0 harmlessly). */
#define MAX_LANES (2 * WP_CHORUS_MAX_VOICES)

typedef struct frame_params {
    int vectors;
    float half, mid, mix, cw, sw;
    wp_v4f rc[MAX_LANES / 4], rs[MAX_LANES / 4];
    wp_v4f gain[2][MAX_LANES / 4];
    const float *line[MAX_LANES];
} frame_params;

static void load_params(const wp_chorus *c, frame_params *p)
{
    p->half = 0.5f * c->depth.b.value;
    p->mid = c->base.b.value + p->half;
    p->mix = c->mix.b.value;
    /* One LFO step: rotation by 2 pi inc. */
    p->cw = wp_sin_cycles((double)c->inc.b.value + 0.25);
    p->sw = wp_sin_cycles((double)c->inc.b.value);
    int lanes = c->channels * c->live;
    p->vectors = (lanes + 3) / 4;
    for (int n = 0; n < 4 * p->vectors; n++) {
        int ch = n / c->live, v = n % c->live;
        bool real = n < lanes;
        p->rc[n / 4][n % 4] = real ? c->rot_c[ch][v] : 1.0f;
        p->rs[n / 4][n % 4] = real ? c->rot_s[ch][v] : 0.0f;
        for (int k = 0; k < 2; k++)
            p->gain[k][n / 4][n % 4] = real && ch == k ? c->gain[v].b.value : 0.0f;
        p->line[n] = c->line[real ? ch : 0].buf;
    }
}

void wp_chorus_process(wp_chorus *c, float *const *channels, size_t frames)
{
    if (!c->active)
        return;
    frame_params p;
    load_params(c, &p);
    float lc = c->lfo_c, ls = c->lfo_s;
    /* The lines are written together: one position and size for both. */
    const size_t mask = c->line[0].mask;
    for (size_t i = 0; i < frames; i++) {
        if (c->moving) {
            step_smoothers(c);
            load_params(c, &p);
        }
        /* The common LFO, cos and sin of 2 pi phase: computed exactly every
         * LFO_SYNC samples (counted from reset, so block splits do not
         * matter) and by rotation in between. */
        if (c->sync == 0) {
            lc = wp_sin_cycles(c->phase + 0.25);
            ls = wp_sin_cycles(c->phase);
        }
        c->sync = (c->sync + 1) % LFO_SYNC;
        c->phase += c->inc.b.value;
        if (c->phase >= 1.0)
            c->phase -= 1.0;

        const size_t pos = c->line[0].pos;
        wp_v4f acc[2] = {wp_v4_splat(0.0f), wp_v4_splat(0.0f)};
        for (int j = 0; j < p.vectors; j++) {
            /* Each lane's delay: cos(2 pi (phase + offset)) sweeps it. */
            wp_v4f lfo = wp_v4_splat(lc) * p.rc[j] - wp_v4_splat(ls) * p.rs[j];
            wp_v4f delay = wp_v4_splat(p.mid) - wp_v4_splat(p.half) * lfo;
            wp_v4i whole = __builtin_convertvector(delay, wp_v4i);
            wp_v4f t = delay - __builtin_convertvector(whole, wp_v4f);
            const float *at[4];
            for (int q = 0; q < 4; q++)
                at[q] = p.line[4 * j + q] + ((pos - (size_t)whole[q] - 2) & mask);
            wp_v4f y = wp_hermite4_v4(at, t);
            acc[0] += p.gain[0][j] * y;
            acc[1] += p.gain[1][j] * y;
        }
        /* The enable gain fades the lines' input too, so after a re-enable
         * the voices of a sound that plays on start smoothly. */
        float on = wp_fade_next(&c->enable);
        float mix = p.mix * on;
        for (int ch = 0; ch < c->channels; ch++) {
            float x = channels[ch][i], wet = wp_v4_sum(acc[ch]);
            wp_dline_write(&c->line[ch], on * x);
            channels[ch][i] = x + mix * (wet - x);
        }
        float next_c = lc * p.cw - ls * p.sw;
        ls = ls * p.cw + lc * p.sw;
        lc = next_c;
        if (!c->enabled && on == 0.0f) {
            /* Bypass complete: the rest of the block stays dry. */
            clear_history(c);
            c->active = false;
            return;
        }
    }
    c->lfo_c = lc;
    c->lfo_s = ls;
}
