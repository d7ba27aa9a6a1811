/* Flat C API of the Tools panel (web/ui/tools.js through engine-core.js):
 * a copy of a track (normalize works on the copy), the player's chain
 * settings as plain numbers, a render of a track through such settings on
 * the pool and its WAV encoding, and generators from a full configuration
 * (playing and a preview). No DSP here: the engine's modules do the work. */
#include <emscripten/emscripten.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wavepool/chain.h"
#include "wavepool/generator.h"
#include "wavepool/jobs.h"
#include "wavepool/player.h"
#include "wavepool/pool.h"
#include "wavepool/status.h"
#include "wavepool/wav.h"

/* From web/bindings.c. A wpb_track starts with its wp_track, so a track
 * handle is also a `const wp_track *`. */
typedef struct wpb_track wpb_track;
wpb_track *wpb_track_create(int channels, double frames, double sample_rate, int *out_status);
float *wpb_track_channel(wpb_track *t, int channel);
wp_pool *wpb_page_pool(void);

/* ---- Track copy -------------------------------------------------------- */

EMSCRIPTEN_KEEPALIVE wpb_track *wpb_track_copy(const wp_track *src, int *out_status)
{
    wpb_track *t = wpb_track_create(src->channel_count, (double)src->frames, src->sample_rate, out_status);
    if (!t)
        return NULL;
    for (int c = 0; c < src->channel_count; c++)
        memcpy(wpb_track_channel(t, c), src->channels[c], src->frames * sizeof(float));
    return t;
}

/* ---- Chain settings ----------------------------------------------------
 * values: WP_CHAIN_PARAM_COUNT doubles, order: WP_CHAIN_FX_COUNT ints.
 * The fallback reads them in its audio worker (where the player is) and
 * hands them to its tasks worker for the render. */
EMSCRIPTEN_KEEPALIVE int wpb_chain_param_count(void) { return WP_CHAIN_PARAM_COUNT; }
EMSCRIPTEN_KEEPALIVE int wpb_chain_fx_count(void) { return WP_CHAIN_FX_COUNT; }

EMSCRIPTEN_KEEPALIVE void wpb_chain_settings(wp_player *p, double *values, int *order)
{
    wp_chain *chain = wp_player_chain(p);
    wp_chain_fx fx[WP_CHAIN_FX_COUNT];
    for (int i = 0; i < WP_CHAIN_PARAM_COUNT; i++)
        values[i] = wp_chain_get(chain, (wp_chain_param)i);
    wp_chain_get_order(chain, fx);
    for (int i = 0; i < WP_CHAIN_FX_COUNT; i++)
        order[i] = (int)fx[i];
}

/* ---- Render on the pool, then WAV ------------------------------------- */

typedef struct render_task {
    wp_job *job;
    wp_chain *settings;
    float *out[2];
    int channels;
    size_t frames;      /* track frames + tail */
    double sample_rate;
    uint8_t *wav;
    size_t wav_bytes;
} render_task;

static void render_free(render_task *t)
{
    wp_chain_destroy(t->settings);
    for (int c = 0; c < 2; c++)
        free(t->out[c]);
    free(t->wav);
    free(t);
}

static render_task *render_fail(render_task *t, wp_status st, int *out_status)
{
    *out_status = st;
    if (t)
        render_free(t);
    return NULL;
}

EMSCRIPTEN_KEEPALIVE render_task *wpb_render_submit(const wp_track *track, const double *values, const int *order,
                                                  double tail_frames, int *out_status)
{
    if (!wpb_page_pool() || !track || !(tail_frames >= 0))
        return render_fail(NULL, WP_ERR_INVALID_ARGUMENT, out_status);
    if (track->channel_count < 1 || track->channel_count > 2)
        return render_fail(NULL, WP_ERR_OUT_OF_RANGE, out_status);
    render_task *t = calloc(1, sizeof *t);
    if (!t)
        return render_fail(NULL, WP_ERR_OUT_OF_MEMORY, out_status);
    t->channels = track->channel_count;
    t->frames = track->frames + (size_t)tail_frames;
    t->sample_rate = track->sample_rate;
    wp_status st = wp_chain_create(track->sample_rate, 2, &t->settings);
    for (int i = 0; st == WP_OK && i < WP_CHAIN_PARAM_COUNT; i++)
        st = wp_chain_set(t->settings, (wp_chain_param)i, values[i]);
    if (st == WP_OK) {
        wp_chain_fx fx[WP_CHAIN_FX_COUNT];
        for (int i = 0; i < WP_CHAIN_FX_COUNT; i++)
            fx[i] = (wp_chain_fx)order[i];
        st = wp_chain_set_order(t->settings, fx);
    }
    for (int c = 0; st == WP_OK && c < t->channels; c++)
        if (!(t->out[c] = malloc(t->frames * sizeof(float))))
            st = WP_ERR_OUT_OF_MEMORY;
    if (st == WP_OK)
        st = wp_job_render(wpb_page_pool(), track, t->settings, (size_t)tail_frames, t->out, &t->job);
    if (st != WP_OK)
        return render_fail(t, st, out_status);
    *out_status = WP_OK;
    return t;
}

EMSCRIPTEN_KEEPALIVE int wpb_render_poll(const render_task *t) { return wp_job_poll(t->job); }
EMSCRIPTEN_KEEPALIVE float wpb_render_progress(const render_task *t) { return wp_job_progress(t->job); }
EMSCRIPTEN_KEEPALIVE void wpb_render_cancel(render_task *t) { wp_job_cancel(t->job); }

/* Encodes a finished render (format: wp_wav_format; PCM with TPDF dither
 * from `seed`); then wpb_render_wav / wpb_render_wav_bytes give the file. */
EMSCRIPTEN_KEEPALIVE int wpb_render_encode(render_task *t, int format, double seed)
{
    if (wp_job_poll(t->job) != WP_OK)
        return WP_ERR_INVALID_ARGUMENT;
    wp_wav_config cfg = {(wp_wav_format)format, t->channels, t->sample_rate, 1, (uint64_t)seed};
    size_t bytes = 0;
    wp_status st = wp_wav_size(&cfg, t->frames, &bytes);
    if (st != WP_OK)
        return st;
    free(t->wav);
    t->wav_bytes = 0;
    if (!(t->wav = malloc(bytes)))
        return WP_ERR_OUT_OF_MEMORY;
    st = wp_wav_encode(&cfg, (const float *const *)t->out, t->frames, t->wav, bytes, &t->wav_bytes);
    /* The rendered audio is no longer needed: give its memory back now. */
    for (int c = 0; c < 2; c++) {
        free(t->out[c]);
        t->out[c] = NULL;
    }
    return st;
}

EMSCRIPTEN_KEEPALIVE uint8_t *wpb_render_wav(const render_task *t) { return t->wav; }
EMSCRIPTEN_KEEPALIVE double wpb_render_wav_bytes(const render_task *t) { return (double)t->wav_bytes; }

/* Frees a final render; a running one is asked to cancel (WP_PENDING):
 * release it again once poll says it is final. */
EMSCRIPTEN_KEEPALIVE int wpb_render_release(render_task *t)
{
    if (wp_job_poll(t->job) == WP_PENDING) {
        wp_job_cancel(t->job);
        return WP_PENDING;
    }
    wp_job_release(t->job);
    render_free(t);
    return WP_OK;
}

/* ---- Generators from a full configuration ----------------------------- */

EMSCRIPTEN_KEEPALIVE int wpb_gen_type_count(void) { return WP_GEN_TYPE_COUNT; }
EMSCRIPTEN_KEEPALIVE const char *wpb_gen_type_name(int type) { return wp_gen_type_name((wp_gen_type)type); }

/* Fields <= 0 (frequencies, sweep duration, duty) keep the type's default;
 * interval_s < 0 too. tones: tone_count doubles (0 keeps the default set). */
static wp_status gen_config(const char *type_name, double freq, double freq_end, double level_dbfs, double sweep_s,
                            double duty, double seed, double interval_s, const double *tones, int tone_count,
                            wp_gen_config *cfg)
{
    wp_gen_type type;
    wp_status st = wp_gen_type_from_name(type_name, &type);
    if (st == WP_OK)
        st = wp_gen_default_config(type, cfg);
    if (st != WP_OK)
        return st;
    if (tone_count < 0 || tone_count > WP_GEN_MAX_TONES)
        return WP_ERR_OUT_OF_RANGE;
    if (freq > 0)
        cfg->freq_hz = freq;
    if (freq_end > 0)
        cfg->freq_end_hz = freq_end;
    if (sweep_s > 0)
        cfg->sweep_duration_s = sweep_s;
    if (duty > 0)
        cfg->duty = duty;
    if (interval_s >= 0)
        cfg->impulse_interval_s = interval_s;
    if (!(seed >= 0 && seed <= 9007199254740992.0))
        return WP_ERR_OUT_OF_RANGE;
    cfg->seed = (uint64_t)seed;
    cfg->level_dbfs = level_dbfs;
    if (tone_count > 0) {
        memcpy(cfg->tones_hz, tones, (size_t)tone_count * sizeof *tones);
        cfg->tone_count = (size_t)tone_count;
    }
    return WP_OK;
}

EMSCRIPTEN_KEEPALIVE wp_gen *wpb_gen_create_config(wp_player *p, const char *type_name, double freq,
                                                   double freq_end, double level_dbfs, double sweep_s, double duty,
                                                   double seed, double interval_s, const double *tones,
                                                   int tone_count, int *out_status)
{
    wp_gen_config cfg;
    wp_gen *gen = NULL;
    wp_status st = gen_config(type_name, freq, freq_end, level_dbfs, sweep_s, duty, seed, interval_s, tones,
                              tone_count, &cfg);
    if (st == WP_OK)
        st = wp_gen_create(&cfg, wp_player_get_config(p)->sample_rate, &gen);
    *out_status = st;
    return gen;
}

/* The first `frames` samples of a configuration at `sample_rate`, into out
 * (the preview plot). */
EMSCRIPTEN_KEEPALIVE int wpb_gen_preview(const char *type_name, double freq, double freq_end, double level_dbfs,
                                         double sweep_s, double duty, double seed, double interval_s,
                                         const double *tones, int tone_count, double sample_rate, float *out,
                                         double frames)
{
    wp_gen_config cfg;
    wp_gen *gen = NULL;
    wp_status st = gen_config(type_name, freq, freq_end, level_dbfs, sweep_s, duty, seed, interval_s, tones,
                              tone_count, &cfg);
    if (st == WP_OK)
        st = wp_gen_create(&cfg, sample_rate, &gen);
    if (st == WP_OK)
        st = wp_gen_render(gen, out, (size_t)frames);
    wp_gen_destroy(gen);
    return st;
}
