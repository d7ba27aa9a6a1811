#include "wavepool/chain.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp_util.h"
#include "wavepool/chorus.h"
#include "wavepool/compressor.h"
#include "wavepool/delay.h"
#include "wavepool/distortion.h"
#include "wavepool/eq.h"
#include "wavepool/limiter.h"
#include "wavepool/reverb.h"
#include "wavepool/stereo.h"

/* Interleaved blocks are processed through planar scratch of this size. */
#define CHAIN_SCRATCH_FRAMES 256
#define VOLUME_SMOOTH_MS 10.0

/* Ranges and defaults repeat the modules' documented ones; the chain test
 * checks each against the module's own setter, so they cannot drift. */
static const wp_chain_param_info fixed_params[] = {
    [WP_CHAIN_EQ_ON] = {"eq.on", "", 0, 1, 1, WP_CHAIN_SWITCH, NULL},
    [WP_CHAIN_COMP_ON] = {"comp.on", "", 0, 1, 0, WP_CHAIN_SWITCH, NULL},
    [WP_CHAIN_COMP_THRESHOLD] = {"comp.threshold", "dB", -60, 0, -18, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_COMP_RATIO] = {"comp.ratio", ":1", 1, 100, 4, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_COMP_KNEE] = {"comp.knee", "dB", 0, 24, 6, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_COMP_ATTACK] = {"comp.attack", "ms", 0.1, 200, 10, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_COMP_RELEASE] = {"comp.release", "ms", 5, 5000, 100, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_COMP_MAKEUP] = {"comp.makeup", "dB", 0, 24, 0, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_COMP_RMS] = {"comp.detection", "", 0, 1, 0, WP_CHAIN_INTEGER, "peak|rms"},
    [WP_CHAIN_COMP_MIX] = {"comp.mix", "", 0, 1, 1, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DIST_ON] = {"dist.on", "", 0, 1, 0, WP_CHAIN_SWITCH, NULL},
    [WP_CHAIN_DIST_DRIVE] = {"dist.drive", "dB", 0, 48, 12, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DIST_TONE] = {"dist.tone", "", -1, 1, 0, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DIST_CURVE] = {"dist.curve", "", 0, 2, 0, WP_CHAIN_INTEGER, "soft|hard|asymmetric"},
    [WP_CHAIN_DIST_OUTPUT] = {"dist.output", "dB", -60, 12, 0, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DIST_MIX] = {"dist.mix", "", 0, 1, 1, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_CHORUS_ON] = {"chorus.on", "", 0, 1, 0, WP_CHAIN_SWITCH, NULL},
    [WP_CHAIN_CHORUS_RATE] = {"chorus.rate", "Hz", 0.05, 10, 0.8, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_CHORUS_DEPTH] = {"chorus.depth", "ms", 0, 20, 3, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_CHORUS_DELAY] = {"chorus.delay", "ms", 1, 40, 10, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_CHORUS_VOICES] = {"chorus.voices", "", 1, WP_CHORUS_MAX_VOICES, 2, WP_CHAIN_INTEGER, NULL},
    [WP_CHAIN_CHORUS_SPREAD] = {"chorus.spread", "", 0, 1, 1, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_CHORUS_MIX] = {"chorus.mix", "", 0, 1, 0.5, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DELAY_ON] = {"delay.on", "", 0, 1, 0, WP_CHAIN_SWITCH, NULL},
    [WP_CHAIN_DELAY_TIME] = {"delay.time", "ms", 1, WP_DELAY_MAX_MS, 375, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DELAY_FEEDBACK] = {"delay.feedback", "", 0, 0.95, 0.4, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DELAY_HIGH_CUT] = {"delay.highcut", "Hz", 200, 20000, 6000, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DELAY_PING_PONG] = {"delay.pingpong", "", 0, 1, 0, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_DELAY_MIX] = {"delay.mix", "", 0, 1, 0.35, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_REVERB_ON] = {"reverb.on", "", 0, 1, 0, WP_CHAIN_SWITCH, NULL},
    [WP_CHAIN_REVERB_DECAY] = {"reverb.decay", "s", 0.1, 20, 2, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_REVERB_DAMPING] = {"reverb.damping", "", 0, 0.95, 0.5, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_REVERB_PREDELAY] = {"reverb.predelay", "ms", 0, 250, 10, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_REVERB_WIDTH] = {"reverb.width", "", 0, 1, 1, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_REVERB_MIX] = {"reverb.mix", "", 0, 1, 0.25, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_WIDTH] = {"stereo.width", "%", 0, 200, 100, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_PAN] = {"stereo.pan", "", -1, 1, 0, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_VOLUME] = {"volume", "dB", -80, 12, 0, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_LIMITER_ON] = {"limiter.on", "", 0, 1, 1, WP_CHAIN_SWITCH, NULL},
    [WP_CHAIN_LIMITER_CEILING] = {"limiter.ceiling", "dBTP", -24, 0, -1, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_LIMITER_RELEASE] = {"limiter.release", "ms", 1, 1000, 100, WP_CHAIN_CONTINUOUS, NULL},
};

/* EQ band fields; frequency's upper bound depends on the rate (checked in
 * wp_chain_set) and defaults come from wp_eq_default_band. */
static const wp_chain_param_info eq_field_info[WP_CHAIN_EQ_FIELDS] = {
    [WP_CHAIN_EQ_TYPE] = {"type", "", 0, WP_FILTER_TYPE_COUNT - 1, 0, WP_CHAIN_INTEGER,
                          "peaking|lowshelf|highshelf|lowpass|highpass|bandpass|notch|allpass"},
    [WP_CHAIN_EQ_FREQ] = {"freq", "Hz", WP_EQ_MIN_FREQ_HZ, WP_EQ_MAX_FREQ_RATIO * WP_DSP_MAX_RATE, 1000,
                          WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_EQ_GAIN] = {"gain", "dB", WP_EQ_MIN_GAIN_DB, WP_EQ_MAX_GAIN_DB, 0, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_EQ_Q] = {"q", "", WP_EQ_MIN_Q, WP_EQ_MAX_Q, 1, WP_CHAIN_CONTINUOUS, NULL},
    [WP_CHAIN_EQ_ENABLED] = {"on", "", 0, 1, 1, WP_CHAIN_SWITCH, NULL},
};

/* Filled once: names "eq.b1.gain" .. and defaults of the band fields. */
static wp_chain_param_info eq_params[WP_CHAIN_EQ_BANDS * WP_CHAIN_EQ_FIELDS];
static char eq_names[WP_CHAIN_EQ_BANDS * WP_CHAIN_EQ_FIELDS][16];
static atomic_int eq_params_ready;

static void fill_eq_params(void)
{
    if (atomic_load_explicit(&eq_params_ready, memory_order_acquire))
        return;
    /* Idempotent: racing first callers write the same bytes. */
    for (int b = 0; b < WP_CHAIN_EQ_BANDS; b++) {
        wp_eq_band band;
        if (wp_eq_default_band(b, &band) != WP_OK)
            return;
        const double defaults[WP_CHAIN_EQ_FIELDS] = {band.type, band.freq_hz, band.gain_db, band.q, band.enabled};
        for (int f = 0; f < WP_CHAIN_EQ_FIELDS; f++) {
            int i = b * WP_CHAIN_EQ_FIELDS + f;
            snprintf(eq_names[i], sizeof eq_names[i], "eq.b%d.%s", b + 1, eq_field_info[f].name);
            eq_params[i] = eq_field_info[f];
            eq_params[i].name = eq_names[i];
            eq_params[i].def = defaults[f];
        }
    }
    atomic_store_explicit(&eq_params_ready, 1, memory_order_release);
}

static int is_eq_band_param(int p)
{
    return p >= WP_CHAIN_EQ_BAND_FIRST && p <= WP_CHAIN_EQ_BAND_LAST;
}

const wp_chain_param_info *wp_chain_param_get_info(wp_chain_param param)
{
    if ((unsigned)param >= WP_CHAIN_PARAM_COUNT)
        return NULL;
    if (is_eq_band_param(param)) {
        fill_eq_params();
        return &eq_params[param - WP_CHAIN_EQ_BAND_FIRST];
    }
    return &fixed_params[param];
}

wp_status wp_chain_param_from_name(const char *name, wp_chain_param *out)
{
    if (!name || !out)
        return WP_ERR_INVALID_ARGUMENT;
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++) {
        if (strcmp(wp_chain_param_get_info((wp_chain_param)p)->name, name) == 0) {
            *out = (wp_chain_param)p;
            return WP_OK;
        }
    }
    return WP_ERR_INVALID_ARGUMENT;
}

/* Parameters are marked dirty in a bitset of this many words. */
#define DIRTY_WORDS ((WP_CHAIN_PARAM_COUNT + 31) / 32)

struct wp_chain {
    double rate;
    int channels;
    wp_eq *eq;
    wp_compressor *compressor;
    wp_distortion *distortion;
    wp_chorus *chorus;
    wp_delay *delay;
    wp_reverb *reverb;
    wp_stereo *stereo;
    wp_limiter *limiter;
    wp_smoother volume;

    _Atomic double values[WP_CHAIN_PARAM_COUNT];
    atomic_uint dirty[DIRTY_WORDS];
    atomic_uint order;          /* 3 bits per slot, slot 0 lowest */
    wp_chain_fx applied_order[WP_CHAIN_FX_COUNT];

    _Atomic float meter_peak[2], meter_rms[2];
    atomic_int clipped;
    _Atomic uint64_t frames;
    atomic_uint apply_errors;

    float scratch[2][CHAIN_SCRATCH_FRAMES];
};

static uint32_t pack_order(const wp_chain_fx order[WP_CHAIN_FX_COUNT])
{
    uint32_t packed = 0;
    for (int i = 0; i < WP_CHAIN_FX_COUNT; i++)
        packed |= (uint32_t)order[i] << (3 * i);
    return packed;
}

static void unpack_order(uint32_t packed, wp_chain_fx order[WP_CHAIN_FX_COUNT])
{
    for (int i = 0; i < WP_CHAIN_FX_COUNT; i++)
        order[i] = (wp_chain_fx)((packed >> (3 * i)) & 7u);
}

static const wp_chain_fx default_order[WP_CHAIN_FX_COUNT] = {
    WP_CHAIN_FX_COMPRESSOR, WP_CHAIN_FX_DISTORTION, WP_CHAIN_FX_CHORUS, WP_CHAIN_FX_DELAY, WP_CHAIN_FX_REVERB};

/* Hands one parameter to its module. Values were validated by
 * wp_chain_set, so the module accepts them. */
static wp_status apply_param(wp_chain *c, wp_chain_param p, double v)
{
    if (is_eq_band_param(p)) {
        int band = (p - WP_CHAIN_EQ_BAND_FIRST) / WP_CHAIN_EQ_FIELDS;
        int base = WP_CHAIN_EQ_BAND_FIRST + band * WP_CHAIN_EQ_FIELDS;
        wp_eq_band b = {
            .type = (wp_filter_type)atomic_load(&c->values[base + WP_CHAIN_EQ_TYPE]),
            .freq_hz = atomic_load(&c->values[base + WP_CHAIN_EQ_FREQ]),
            .gain_db = atomic_load(&c->values[base + WP_CHAIN_EQ_GAIN]),
            .q = atomic_load(&c->values[base + WP_CHAIN_EQ_Q]),
            .enabled = atomic_load(&c->values[base + WP_CHAIN_EQ_ENABLED]) != 0,
        };
        return wp_eq_set_band(c->eq, band, &b);
    }
    int on = v != 0;
    switch (p) {
    case WP_CHAIN_EQ_ON: return wp_eq_set_bypass(c->eq, !on);
    case WP_CHAIN_COMP_ON: return wp_compressor_set_enabled(c->compressor, on);
    case WP_CHAIN_COMP_THRESHOLD: return wp_compressor_set_threshold_db(c->compressor, v);
    case WP_CHAIN_COMP_RATIO: return wp_compressor_set_ratio(c->compressor, v);
    case WP_CHAIN_COMP_KNEE: return wp_compressor_set_knee_db(c->compressor, v);
    case WP_CHAIN_COMP_ATTACK: return wp_compressor_set_attack_ms(c->compressor, v);
    case WP_CHAIN_COMP_RELEASE: return wp_compressor_set_release_ms(c->compressor, v);
    case WP_CHAIN_COMP_MAKEUP: return wp_compressor_set_makeup_db(c->compressor, v);
    case WP_CHAIN_COMP_RMS:
        return wp_compressor_set_detection(c->compressor, on ? WP_COMPRESSOR_RMS : WP_COMPRESSOR_PEAK);
    case WP_CHAIN_COMP_MIX: return wp_compressor_set_mix(c->compressor, v);
    case WP_CHAIN_DIST_ON: return wp_distortion_set_enabled(c->distortion, on);
    case WP_CHAIN_DIST_DRIVE: return wp_distortion_set_drive_db(c->distortion, v);
    case WP_CHAIN_DIST_TONE: return wp_distortion_set_tone(c->distortion, v);
    case WP_CHAIN_DIST_CURVE: return wp_distortion_set_curve(c->distortion, (wp_distortion_curve)v);
    case WP_CHAIN_DIST_OUTPUT: return wp_distortion_set_output_db(c->distortion, v);
    case WP_CHAIN_DIST_MIX: return wp_distortion_set_mix(c->distortion, v);
    case WP_CHAIN_CHORUS_ON: return wp_chorus_set_enabled(c->chorus, on);
    case WP_CHAIN_CHORUS_RATE: return wp_chorus_set_rate_hz(c->chorus, v);
    case WP_CHAIN_CHORUS_DEPTH: return wp_chorus_set_depth_ms(c->chorus, v);
    case WP_CHAIN_CHORUS_DELAY: return wp_chorus_set_delay_ms(c->chorus, v);
    case WP_CHAIN_CHORUS_VOICES: return wp_chorus_set_voices(c->chorus, (int)v);
    case WP_CHAIN_CHORUS_SPREAD: return wp_chorus_set_spread(c->chorus, v);
    case WP_CHAIN_CHORUS_MIX: return wp_chorus_set_mix(c->chorus, v);
    case WP_CHAIN_DELAY_ON: return wp_delay_set_enabled(c->delay, on);
    case WP_CHAIN_DELAY_TIME: return wp_delay_set_time_ms(c->delay, v);
    case WP_CHAIN_DELAY_FEEDBACK: return wp_delay_set_feedback(c->delay, v);
    case WP_CHAIN_DELAY_HIGH_CUT: return wp_delay_set_high_cut_hz(c->delay, v);
    case WP_CHAIN_DELAY_PING_PONG: return wp_delay_set_ping_pong(c->delay, v);
    case WP_CHAIN_DELAY_MIX: return wp_delay_set_mix(c->delay, v);
    case WP_CHAIN_REVERB_ON: return wp_reverb_set_enabled(c->reverb, on);
    case WP_CHAIN_REVERB_DECAY: return wp_reverb_set_decay_s(c->reverb, v);
    case WP_CHAIN_REVERB_DAMPING: return wp_reverb_set_damping(c->reverb, v);
    case WP_CHAIN_REVERB_PREDELAY: return wp_reverb_set_predelay_ms(c->reverb, v);
    case WP_CHAIN_REVERB_WIDTH: return wp_reverb_set_width(c->reverb, v);
    case WP_CHAIN_REVERB_MIX: return wp_reverb_set_mix(c->reverb, v);
    case WP_CHAIN_WIDTH: return wp_stereo_set_width(c->stereo, v);
    case WP_CHAIN_PAN: return wp_stereo_set_pan(c->stereo, v);
    case WP_CHAIN_VOLUME:
        c->volume.target = (float)wp_db_to_gain(v);
        return WP_OK;
    case WP_CHAIN_LIMITER_ON: return wp_limiter_set_enabled(c->limiter, on);
    case WP_CHAIN_LIMITER_CEILING: return wp_limiter_set_ceiling_db(c->limiter, v);
    case WP_CHAIN_LIMITER_RELEASE: return wp_limiter_set_release_ms(c->limiter, v);
    default: return WP_ERR_INVALID_ARGUMENT;
    }
}

static void mark_dirty(wp_chain *c, wp_chain_param p)
{
    atomic_fetch_or_explicit(&c->dirty[p / 32], 1u << (p % 32), memory_order_release);
}

/* Processing thread: applies every parameter marked since the last block. */
static void apply_pending(wp_chain *c)
{
    for (int w = 0; w < DIRTY_WORDS; w++) {
        unsigned bits = atomic_exchange_explicit(&c->dirty[w], 0u, memory_order_acquire);
        while (bits) {
            int bit = __builtin_ctz(bits);
            bits &= bits - 1;
            wp_chain_param p = (wp_chain_param)(w * 32 + bit);
            if (apply_param(c, p, atomic_load_explicit(&c->values[p], memory_order_relaxed)) != WP_OK)
                atomic_fetch_add_explicit(&c->apply_errors, 1, memory_order_relaxed);
        }
    }
    unpack_order(atomic_load_explicit(&c->order, memory_order_acquire), c->applied_order);
}

/* The table's maximum, except EQ frequencies, which stop at a fraction of
 * the chain's own rate. */
static double param_max(wp_chain_param p, const wp_chain_param_info *info, double rate)
{
    if (is_eq_band_param(p) && (p - WP_CHAIN_EQ_BAND_FIRST) % WP_CHAIN_EQ_FIELDS == WP_CHAIN_EQ_FREQ)
        return WP_EQ_MAX_FREQ_RATIO * rate;
    if (p == WP_CHAIN_DELAY_HIGH_CUT)
        return fmin(info->max, WP_DELAY_MAX_HIGH_CUT_RATIO * rate);
    return info->max;
}

wp_status wp_chain_set(wp_chain *c, wp_chain_param p, double v)
{
    const wp_chain_param_info *info = wp_chain_param_get_info(p);
    if (!c || !info)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(v, info->min, param_max(p, info, c->rate)) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    if (info->kind != WP_CHAIN_CONTINUOUS && v != floor(v))
        return WP_ERR_OUT_OF_RANGE;
    atomic_store_explicit(&c->values[p], v, memory_order_relaxed);
    mark_dirty(c, p);
    return WP_OK;
}

double wp_chain_get(const wp_chain *c, wp_chain_param p)
{
    if (!c || (unsigned)p >= WP_CHAIN_PARAM_COUNT)
        return NAN;
    return atomic_load_explicit(&((wp_chain *)c)->values[p], memory_order_relaxed);
}

wp_status wp_chain_set_order(wp_chain *c, const wp_chain_fx order[WP_CHAIN_FX_COUNT])
{
    if (!c || !order)
        return WP_ERR_INVALID_ARGUMENT;
    unsigned seen = 0;
    for (int i = 0; i < WP_CHAIN_FX_COUNT; i++) {
        if ((unsigned)order[i] >= WP_CHAIN_FX_COUNT || (seen & (1u << order[i])))
            return WP_ERR_INVALID_ARGUMENT;
        seen |= 1u << order[i];
    }
    atomic_store_explicit(&c->order, pack_order(order), memory_order_release);
    return WP_OK;
}

void wp_chain_get_order(const wp_chain *c, wp_chain_fx order[WP_CHAIN_FX_COUNT])
{
    unpack_order(atomic_load_explicit(&((wp_chain *)c)->order, memory_order_acquire), order);
}

void wp_chain_destroy(wp_chain *c)
{
    if (!c)
        return;
    wp_eq_destroy(c->eq);
    wp_compressor_destroy(c->compressor);
    wp_distortion_destroy(c->distortion);
    wp_chorus_destroy(c->chorus);
    wp_delay_destroy(c->delay);
    wp_reverb_destroy(c->reverb);
    wp_stereo_destroy(c->stereo);
    wp_limiter_destroy(c->limiter);
    free(c);
}

wp_status wp_chain_create(double rate, int channels, wp_chain **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (wp_check_range(rate, WP_DSP_MIN_RATE, WP_DSP_MAX_RATE) != WP_OK || channels < 1 || channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_chain *c = calloc(1, sizeof *c);
    if (!c)
        return WP_ERR_OUT_OF_MEMORY;
    c->rate = rate;
    c->channels = channels;
    wp_status st = wp_eq_create(rate, channels, WP_CHAIN_EQ_BANDS, &c->eq);
    if (st == WP_OK)
        st = wp_compressor_create(rate, channels, &c->compressor);
    if (st == WP_OK)
        st = wp_distortion_create(rate, channels, &c->distortion);
    if (st == WP_OK)
        st = wp_chorus_create(rate, channels, &c->chorus);
    if (st == WP_OK)
        st = wp_delay_create(rate, channels, &c->delay);
    if (st == WP_OK)
        st = wp_reverb_create(rate, channels, &c->reverb);
    if (st == WP_OK)
        st = wp_stereo_create(rate, channels, &c->stereo);
    if (st == WP_OK)
        st = wp_limiter_create(rate, channels, &c->limiter);
    if (st != WP_OK) {
        wp_chain_destroy(c);
        return st;
    }
    wp_smoother_init(&c->volume, 1.0f, VOLUME_SMOOTH_MS, rate);
    atomic_init(&c->order, pack_order(default_order));
    /* Every parameter at its default; modules whose own default differs
     * (effects start enabled, the chain starts them off) take it now. */
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++) {
        const wp_chain_param_info *info = wp_chain_param_get_info((wp_chain_param)p);
        double def = fmin(info->def, param_max((wp_chain_param)p, info, rate));
        atomic_init(&c->values[p], def);
        mark_dirty(c, (wp_chain_param)p);
    }
    apply_pending(c);
    wp_chain_reset(c);
    *out = c;
    return WP_OK;
}

void wp_chain_reset(wp_chain *c)
{
    wp_eq_reset(c->eq);
    wp_compressor_reset(c->compressor);
    wp_distortion_reset(c->distortion);
    wp_chorus_reset(c->chorus);
    wp_delay_reset(c->delay);
    wp_reverb_reset(c->reverb);
    wp_stereo_reset(c->stereo);
    wp_limiter_reset(c->limiter);
    c->volume.value = c->volume.target;
}

size_t wp_chain_latency(const wp_chain *c)
{
    return (size_t)wp_distortion_latency(c->distortion) + (size_t)wp_limiter_latency(c->limiter);
}

wp_status wp_chain_eq_response_db(const wp_chain *c, const double *freqs_hz, size_t count, double *out_db)
{
    if (!c)
        return WP_ERR_INVALID_ARGUMENT;
    return wp_eq_magnitude_db(c->eq, freqs_hz, count, out_db);
}

static void run_effect(wp_chain *c, wp_chain_fx fx, float *const *ch, size_t n)
{
    switch (fx) {
    case WP_CHAIN_FX_COMPRESSOR: wp_compressor_process(c->compressor, ch, n); break;
    case WP_CHAIN_FX_DISTORTION: wp_distortion_process(c->distortion, ch, n); break;
    case WP_CHAIN_FX_CHORUS: wp_chorus_process(c->chorus, ch, n); break;
    case WP_CHAIN_FX_DELAY: wp_delay_process(c->delay, ch, n); break;
    case WP_CHAIN_FX_REVERB: wp_reverb_process(c->reverb, ch, n); break;
    }
}

/* One block through the whole chain, in place, with meters. */
static void process_block(wp_chain *c, float *const *ch, size_t n, float peak[2], double sum_sq[2], int *clipped)
{
    wp_eq_process(c->eq, ch, n);
    for (int i = 0; i < WP_CHAIN_FX_COUNT; i++)
        run_effect(c, c->applied_order[i], ch, n);
    wp_stereo_process(c->stereo, ch, n);
    /* Volume and clip detection in one pass. A settled smoother repeats
     * its target, so the gain is a constant, and none at exactly 1. */
    int clip = 0;
    if (c->volume.value == c->volume.target) {
        const float g = c->volume.target;
        for (int k = 0; k < c->channels; k++) {
            float *x = ch[k];
            if (g == 1.0f) {
                for (size_t i = 0; i < n; i++)
                    clip |= fabsf(x[i]) > 1.0f;
            } else {
                for (size_t i = 0; i < n; i++) {
                    x[i] *= g;
                    clip |= fabsf(x[i]) > 1.0f;
                }
            }
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            float g = wp_smoother_next(&c->volume);
            for (int k = 0; k < c->channels; k++) {
                ch[k][i] *= g;
                clip |= fabsf(ch[k][i]) > 1.0f;
            }
        }
    }
    *clipped |= clip;
    wp_limiter_process(c->limiter, ch, n);
    for (int k = 0; k < c->channels; k++) {
        for (size_t i = 0; i < n; i++) {
            float a = fabsf(ch[k][i]);
            peak[k] = a > peak[k] ? a : peak[k];
            sum_sq[k] += (double)ch[k][i] * ch[k][i];
        }
    }
}

static void publish_meters(wp_chain *c, const float peak[2], const double sum_sq[2], int clipped, size_t frames)
{
    for (int k = 0; k < c->channels; k++) {
        atomic_store_explicit(&c->meter_peak[k], peak[k], memory_order_relaxed);
        atomic_store_explicit(&c->meter_rms[k], frames ? (float)sqrt(sum_sq[k] / (double)frames) : 0.0f,
                              memory_order_relaxed);
    }
    if (clipped)
        atomic_store_explicit(&c->clipped, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->frames, frames, memory_order_release);
}

void wp_chain_process_planar(wp_chain *c, float *const *channels, size_t frames)
{
    apply_pending(c);
    float peak[2] = {0, 0};
    double sum_sq[2] = {0, 0};
    int clipped = 0;
    process_block(c, channels, frames, peak, sum_sq, &clipped);
    publish_meters(c, peak, sum_sq, clipped, frames);
}

void wp_chain_process_interleaved(wp_chain *c, float *io, size_t frames)
{
    apply_pending(c);
    float peak[2] = {0, 0};
    double sum_sq[2] = {0, 0};
    int clipped = 0;
    float *const planar[2] = {c->scratch[0], c->scratch[1]};
    size_t nch = (size_t)c->channels;
    for (size_t done = 0; done < frames;) {
        size_t n = frames - done < CHAIN_SCRATCH_FRAMES ? frames - done : CHAIN_SCRATCH_FRAMES;
        float *block = io + done * nch;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < nch; k++)
                planar[k][i] = block[i * nch + k];
        process_block(c, planar, n, peak, sum_sq, &clipped);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < nch; k++)
                block[i * nch + k] = planar[k][i];
        done += n;
    }
    publish_meters(c, peak, sum_sq, clipped, frames);
}

void wp_chain_meters_read(wp_chain *c, wp_chain_meters *out)
{
    memset(out, 0, sizeof *out);
    for (int k = 0; k < c->channels; k++) {
        out->peak[k] = atomic_load_explicit(&c->meter_peak[k], memory_order_relaxed);
        out->rms[k] = atomic_load_explicit(&c->meter_rms[k], memory_order_relaxed);
    }
    out->clipped = atomic_exchange_explicit(&c->clipped, 0, memory_order_relaxed);
    out->frames = atomic_load_explicit(&c->frames, memory_order_acquire);
}

unsigned wp_chain_apply_errors(const wp_chain *c)
{
    return atomic_load_explicit(&((wp_chain *)c)->apply_errors, memory_order_relaxed);
}
