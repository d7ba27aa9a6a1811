#include "wavepool/chorus.h"

#include <math.h>
#include <stdlib.h>

#include "dsp/delayline.h"
#include "dsp/dsp_util.h"

#define FAST_MS 5.0  /* per glide stage: about 10 ms to 63% */
#define FADE_MS 20.0
#define SLOW_MS 50.0 /* per glide stage, for what moves read positions */
#define MAX_DELAY_MS 40.0
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
    bool moved = wp_glide_step(&c->inc) | wp_glide_step(&c->depth) | wp_glide_step(&c->base) |
                 wp_glide_step(&c->mix);
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

void wp_chorus_process(wp_chorus *c, float *const *channels, size_t frames)
{
    if (!c->active)
        return;
    for (size_t i = 0; i < frames; i++) {
        if (c->moving)
            step_smoothers(c);
        /* The common LFO, cos and sin of 2 pi phase. */
        float lc = wp_sin_cycles(c->phase + 0.25), ls = wp_sin_cycles(c->phase);
        c->phase += c->inc.b.value;
        if (c->phase >= 1.0)
            c->phase -= 1.0;
        float half = 0.5f * c->depth.b.value, mid = c->base.b.value + half;
        /* The enable gain fades the lines' input too, so after a re-enable
         * the voices of a sound that plays on start smoothly. */
        float on = wp_fade_next(&c->enable);
        float mix = c->mix.b.value * on;
        for (int ch = 0; ch < c->channels; ch++) {
            const float *rc = c->rot_c[ch], *rs = c->rot_s[ch];
            wp_dline *line = &c->line[ch];
            float wet = 0.0f;
            for (int v = 0; v < c->live; v++) {
                /* cos(2 pi (phase + offset)) */
                float lfo = lc * rc[v] - ls * rs[v];
                wet += c->gain[v].b.value * wp_dline_hermite(line, mid - half * lfo);
            }
            float x = channels[ch][i];
            wp_dline_write(line, on * x);
            channels[ch][i] = x + mix * (wet - x);
        }
        if (!c->enabled && on == 0.0f) {
            /* Bypass complete: the rest of the block stays dry. */
            clear_history(c);
            c->active = false;
            return;
        }
    }
}
