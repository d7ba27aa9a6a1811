/* DSP benchmark: time per stereo frame at 48 kHz of the 8-band EQ, each
 * effect on its own, loudness analysis and the full default chain, all in
 * blocks of BLOCK_FRAMES frames on one thread.
 *
 * The input is realistic programme material rather than silence (which
 * would let dynamics and denormal paths idle): pink noise (independent per
 * channel) plus a multitone, together about -12 dBFS RMS, precomputed once
 * and streamed in a loop. Effects process in place, so every block is first
 * copied from the source into a work buffer (~0.1 ns/frame, included in every
 * effect's time alike). Every module is enabled with its default settings;
 * the EQ bands all get non-zero gains so none is skipped as an identity, and
 * the limiter is fed the signal 12 dB hotter so it limits against its
 * default -1 dBTP ceiling. The chain runs EQ + compressor + chorus + delay +
 * reverb + stereo + volume + limiter (distortion off), i.e. its defaults with
 * the effects switched on through wp_chain_set.
 *
 * Native builds also time libebur128 (EBUR128_MODE_I | EBUR128_MODE_LRA |
 * EBUR128_MODE_TRUE_PEAK) on the same signal and block size, interleaved as
 * it requires; both meters' integrated loudness, loudness range and true
 * peak are compared before the timings are printed, so a broken meter
 * cannot report a fast time. One line per case, for scripts/bench.sh:
 *   case=eq ns_per_frame=12.3
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timing.h"
#include "wavepool/chain.h"
#include "wavepool/chorus.h"
#include "wavepool/compressor.h"
#include "wavepool/delay.h"
#include "wavepool/distortion.h"
#include "wavepool/eq.h"
#include "wavepool/generator.h"
#include "wavepool/limiter.h"
#include "wavepool/loudness.h"
#include "wavepool/reverb.h"
#include "wavepool/stereo.h"

#ifdef WP_BENCH_EBUR128
#include <ebur128.h>
#endif

enum { CHANNELS = 2, BLOCK_FRAMES = 512, REPETITIONS = 7 };

static const double SAMPLE_RATE = 48000.0;
/* Source length: 10 s of audio (a whole number of blocks), long enough that
 * the loop point is not a short periodic pattern for reverb and dynamics. */
#define SOURCE_BLOCKS 938
#define SOURCE_FRAMES ((size_t)SOURCE_BLOCKS * BLOCK_FRAMES)
/* Extra level for the limiter's input: peaks well above its -1 dBTP
 * ceiling. */
static const double LIMITER_DRIVE_DB = 12.0;

/* Outputs feed this after every batch, so no processing can be optimised
 * away. */
static volatile float checksum_sink;

static void fail(const char *what)
{
    fprintf(stderr, "bench_dsp: %s\n", what);
    exit(EXIT_FAILURE);
}

static void check(wp_status status, const char *what)
{
    if (status != WP_OK) {
        fprintf(stderr, "bench_dsp: %s: %s\n", what, wp_strerror(status));
        exit(EXIT_FAILURE);
    }
}


/* The source signal, planar and (for libebur128) interleaved. */
typedef struct source {
    float *planar[CHANNELS];
    float *hot[CHANNELS]; /* LIMITER_DRIVE_DB louder */
    float *interleaved;
} source;

static float *alloc_floats(size_t count)
{
    float *p = malloc(count * sizeof(float));
    if (!p)
        fail("out of memory");
    return p;
}

static void render(wp_gen_config *cfg, float *out)
{
    wp_gen *gen;
    check(wp_gen_create(cfg, SAMPLE_RATE, &gen), "wp_gen_create");
    check(wp_gen_render(gen, out, SOURCE_FRAMES), "wp_gen_render");
    wp_gen_destroy(gen);
}

/* Pink noise at -15 dBFS RMS, a different seed per channel, plus tones
 * (110 Hz..5 kHz, -15 dBFS peak together) common to both channels. */
static void make_source(source *s)
{
    float *tones = alloc_floats(SOURCE_FRAMES);
    wp_gen_config cfg;
    check(wp_gen_default_config(WP_GEN_MULTITONE, &cfg), "wp_gen_default_config");
    static const double tones_hz[] = {110.0, 220.0, 440.0, 1000.0, 2500.0, 5000.0};
    cfg.tone_count = sizeof tones_hz / sizeof tones_hz[0];
    memcpy(cfg.tones_hz, tones_hz, sizeof tones_hz);
    cfg.level_dbfs = -15.0;
    render(&cfg, tones);

    float drive = powf(10.0f, (float)LIMITER_DRIVE_DB / 20.0f);
    s->interleaved = alloc_floats(SOURCE_FRAMES * CHANNELS);
    for (int c = 0; c < CHANNELS; c++) {
        s->planar[c] = alloc_floats(SOURCE_FRAMES);
        s->hot[c] = alloc_floats(SOURCE_FRAMES);
        check(wp_gen_default_config(WP_GEN_PINK, &cfg), "wp_gen_default_config");
        cfg.level_dbfs = -15.0;
        cfg.seed = 1000u + (uint64_t)c;
        render(&cfg, s->planar[c]);
        for (size_t i = 0; i < SOURCE_FRAMES; i++) {
            float x = s->planar[c][i] + tones[i];
            s->planar[c][i] = x;
            s->hot[c][i] = x * drive;
            s->interleaved[i * CHANNELS + (size_t)c] = x;
        }
    }
    free(tones);
}

/* Runs `blocks` blocks of BLOCK_FRAMES frames back to back. */

typedef void (*process_fn)(void *module, float *const *channels, size_t frames);

/* One in-place module fed copies of the source. */
typedef struct effect_case {
    void *module;
    process_fn process;
    float *const *input; /* source channels */
    float *work[CHANNELS];
    size_t position;     /* next source frame */
} effect_case;

static void run_effect(void *context, long blocks)
{
    effect_case *e = context;
    float sum = 0.0f;
    for (long b = 0; b < blocks; b++) {
        for (int c = 0; c < CHANNELS; c++)
            memcpy(e->work[c], e->input[c] + e->position, BLOCK_FRAMES * sizeof(float));
        e->process(e->module, e->work, BLOCK_FRAMES);
        sum += e->work[0][BLOCK_FRAMES - 1] + e->work[1][0];
        e->position = (e->position + BLOCK_FRAMES) % SOURCE_FRAMES;
    }
    checksum_sink += sum;
}

/* Adapters from the modules' typed process functions. */
static void process_eq(void *m, float *const *ch, size_t n) { wp_eq_process(m, ch, n); }
static void process_reverb(void *m, float *const *ch, size_t n) { wp_reverb_process(m, ch, n); }
static void process_delay(void *m, float *const *ch, size_t n) { wp_delay_process(m, ch, n); }
static void process_chorus(void *m, float *const *ch, size_t n) { wp_chorus_process(m, ch, n); }
static void process_distortion(void *m, float *const *ch, size_t n) { wp_distortion_process(m, ch, n); }
static void process_compressor(void *m, float *const *ch, size_t n) { wp_compressor_process(m, ch, n); }
static void process_limiter(void *m, float *const *ch, size_t n) { wp_limiter_process(m, ch, n); }
static void process_stereo(void *m, float *const *ch, size_t n) { wp_stereo_process(m, ch, n); }
static void process_chain(void *m, float *const *ch, size_t n) { wp_chain_process_planar(m, ch, n); }

typedef struct loudness_case {
    wp_loudness *meter;
    const source *src;
    size_t position;
} loudness_case;

static void run_loudness(void *context, long blocks)
{
    loudness_case *l = context;
    for (long b = 0; b < blocks; b++) {
        const float *channels[CHANNELS];
        for (int c = 0; c < CHANNELS; c++)
            channels[c] = l->src->planar[c] + l->position;
        check(wp_loudness_process(l->meter, channels, BLOCK_FRAMES), "wp_loudness_process");
        l->position = (l->position + BLOCK_FRAMES) % SOURCE_FRAMES;
    }
    checksum_sink += (float)wp_loudness_momentary(l->meter);
}

#ifdef WP_BENCH_EBUR128
typedef struct ebur128_case {
    ebur128_state *state;
    const source *src;
    size_t position;
} ebur128_case;

static void run_ebur128(void *context, long blocks)
{
    ebur128_case *l = context;
    for (long b = 0; b < blocks; b++) {
        if (ebur128_add_frames_float(l->state, l->src->interleaved + l->position * CHANNELS, BLOCK_FRAMES) !=
            EBUR128_SUCCESS)
            fail("ebur128_add_frames_float failed");
        l->position = (l->position + BLOCK_FRAMES) % SOURCE_FRAMES;
    }
    double momentary;
    if (ebur128_loudness_momentary(l->state, &momentary) != EBUR128_SUCCESS)
        fail("ebur128_loudness_momentary failed");
    checksum_sink += (float)momentary;
}
#endif

static effect_case make_effect(void *module, process_fn process, float *const *input)
{
    effect_case e = {.module = module, .process = process, .input = input};
    for (int c = 0; c < CHANNELS; c++)
        e.work[c] = alloc_floats(BLOCK_FRAMES);
    return e;
}

/* Non-zero gains on every band (a settled 0 dB band is skipped). */
static const double EQ_GAINS_DB[WP_EQ_DEFAULT_BANDS] = {3.0, -2.0, 1.5, -3.0, 2.0, -1.5, 2.5, 1.0};

static wp_eq *make_eq(void)
{
    wp_eq *eq;
    check(wp_eq_create(SAMPLE_RATE, CHANNELS, WP_EQ_DEFAULT_BANDS, &eq), "wp_eq_create");
    for (int b = 0; b < WP_EQ_DEFAULT_BANDS; b++) {
        wp_eq_band band;
        check(wp_eq_get_band(eq, b, &band), "wp_eq_get_band");
        band.gain_db = EQ_GAINS_DB[b];
        check(wp_eq_set_band(eq, b, &band), "wp_eq_set_band");
    }
    return eq;
}

static void chain_set(wp_chain *chain, const char *name, double value)
{
    wp_chain_param param;
    check(wp_chain_param_from_name(name, &param), name);
    check(wp_chain_set(chain, param, value), name);
}

static wp_chain *make_chain(void)
{
    wp_chain *chain;
    check(wp_chain_create(SAMPLE_RATE, CHANNELS, &chain), "wp_chain_create");
    chain_set(chain, "comp.on", 1.0);
    chain_set(chain, "reverb.on", 1.0);
    chain_set(chain, "delay.on", 1.0);
    chain_set(chain, "chorus.on", 1.0);
    for (int b = 0; b < WP_CHAIN_EQ_BANDS; b++) {
        char name[32];
        snprintf(name, sizeof name, "eq.b%d.gain", b + 1);
        chain_set(chain, name, EQ_GAINS_DB[b]);
    }
    return chain;
}

/* The chain's state after the batches: the settings took effect and the
 * limiter and compressor had work to do. */
static void check_chain(wp_chain *chain)
{
    if (wp_chain_apply_errors(chain) != 0)
        fail("the chain refused a parameter");
    if (wp_chain_get(chain, WP_CHAIN_DIST_ON) != 0.0 || wp_chain_get(chain, WP_CHAIN_LIMITER_ON) != 1.0)
        fail("chain defaults changed: distortion should be off, the limiter on");
}

#ifdef WP_BENCH_EBUR128
/* Agreement required between wavepool and libebur128. */
static const double MAX_LOUDNESS_DIFF_LU = 0.05;
static const double MAX_RANGE_DIFF_LU = 0.1;
/* Both meters interpolate 4x, with different filters; on pink noise, which
 * has energy up to Nyquist, their estimates differ by ~0.25 dB (Tech 3341
 * allows each meter +0.2/-0.4 dB). */
static const double MAX_TRUE_PEAK_DIFF_DB = 0.5;

static ebur128_state *make_ebur128(void)
{
    ebur128_state *st = ebur128_init(CHANNELS, (unsigned long)SAMPLE_RATE,
                                     EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK);
    if (!st)
        fail("ebur128_init failed");
    return st;
}

/* Fresh meters of both kinds hear the whole source once, in the benchmark's
 * blocks, and must agree on integrated loudness, loudness range and true
 * peak. */
static void compare_meters(const source *src)
{
    wp_loudness *lm;
    check(wp_loudness_create(SAMPLE_RATE, CHANNELS, &lm), "wp_loudness_create");
    loudness_case mine = {.meter = lm, .src = src};
    ebur128_case theirs = {.state = make_ebur128(), .src = src};
    run_loudness(&mine, SOURCE_BLOCKS);
    run_ebur128(&theirs, SOURCE_BLOCKS);

    double ref_i, ref_lra;
    if (ebur128_loudness_global(theirs.state, &ref_i) != EBUR128_SUCCESS ||
        ebur128_loudness_range(theirs.state, &ref_lra) != EBUR128_SUCCESS)
        fail("libebur128 query failed");
    double wp_i = wp_loudness_integrated(lm), wp_lra = wp_loudness_range(lm);
    double worst_tp_db = 0.0, wp_tp = 0.0, ref_tp_max = 0.0;
    for (int c = 0; c < CHANNELS; c++) {
        double ref_tp;
        if (ebur128_true_peak(theirs.state, (unsigned)c, &ref_tp) != EBUR128_SUCCESS)
            fail("libebur128 query failed");
        double diff_db = fabs(20.0 * log10((double)wp_loudness_true_peak(lm, c) / ref_tp));
        wp_tp = fmax(wp_tp, (double)wp_loudness_true_peak(lm, c));
        ref_tp_max = fmax(ref_tp_max, ref_tp);
        worst_tp_db = diff_db > worst_tp_db || isnan(diff_db) ? diff_db : worst_tp_db;
    }
    if (!(fabs(wp_i - ref_i) <= MAX_LOUDNESS_DIFF_LU && fabs(wp_lra - ref_lra) <= MAX_RANGE_DIFF_LU &&
          worst_tp_db <= MAX_TRUE_PEAK_DIFF_DB)) {
        fprintf(stderr,
                "bench_dsp: wavepool I %.3f LUFS LRA %.3f LU, libebur128 I %.3f LUFS LRA %.3f LU, "
                "true peaks differ by up to %.3f dB\n",
                wp_i, wp_lra, ref_i, ref_lra, worst_tp_db);
        fail("loudness results differ from libebur128");
    }
    /* The agreement, for the table's footnote. */
    printf("check=loudness wavepool_i=%.3f ebur128_i=%.3f wavepool_lra=%.3f ebur128_lra=%.3f "
           "wavepool_tp=%.3f ebur128_tp=%.3f tp_worst_channel_diff=%.3f\n",
           wp_i, ref_i, wp_lra, ref_lra, 20.0 * log10(wp_tp), 20.0 * log10(ref_tp_max), worst_tp_db);
    ebur128_destroy(&theirs.state);
    wp_loudness_destroy(lm);
}
#endif

int main(void)
{
    source src;
    make_source(&src);

    wp_eq *eq = make_eq();
    wp_reverb *reverb;
    wp_delay *delay;
    wp_chorus *chorus;
    wp_distortion *distortion;
    wp_compressor *compressor;
    wp_limiter *limiter;
    wp_stereo *stereo;
    wp_loudness *meter;
    check(wp_reverb_create(SAMPLE_RATE, CHANNELS, &reverb), "wp_reverb_create");
    check(wp_delay_create(SAMPLE_RATE, CHANNELS, &delay), "wp_delay_create");
    check(wp_chorus_create(SAMPLE_RATE, CHANNELS, &chorus), "wp_chorus_create");
    check(wp_distortion_create(SAMPLE_RATE, CHANNELS, &distortion), "wp_distortion_create");
    check(wp_compressor_create(SAMPLE_RATE, CHANNELS, &compressor), "wp_compressor_create");
    check(wp_limiter_create(SAMPLE_RATE, CHANNELS, &limiter), "wp_limiter_create");
    check(wp_stereo_create(SAMPLE_RATE, CHANNELS, &stereo), "wp_stereo_create");
    check(wp_loudness_create(SAMPLE_RATE, CHANNELS, &meter), "wp_loudness_create");
    wp_chain *chain = make_chain();

    effect_case effects[] = {
        make_effect(eq, process_eq, src.planar),
        make_effect(reverb, process_reverb, src.planar),
        make_effect(delay, process_delay, src.planar),
        make_effect(chorus, process_chorus, src.planar),
        make_effect(distortion, process_distortion, src.planar),
        make_effect(compressor, process_compressor, src.planar),
        make_effect(limiter, process_limiter, src.hot),
        make_effect(stereo, process_stereo, src.planar),
        make_effect(chain, process_chain, src.planar),
    };
    static const char *const effect_names[] = {"eq",         "reverb",  "delay",  "chorus", "distortion",
                                               "compressor", "limiter", "stereo", "chain"};
    enum { EFFECT_COUNT = sizeof effects / sizeof effects[0] };

    loudness_case loudness = {.meter = meter, .src = &src};
    bench_contender contenders[EFFECT_COUNT + 2];
    size_t count = 0;
    for (size_t i = 0; i < EFFECT_COUNT; i++)
        contenders[count++] = (bench_contender){.name = effect_names[i], .run = run_effect, .context = &effects[i]};
    contenders[count++] = (bench_contender){.name = "loudness", .run = run_loudness, .context = &loudness};
#ifdef WP_BENCH_EBUR128
    compare_meters(&src);
    ebur128_case ebur = {.state = make_ebur128(), .src = &src};
    contenders[count++] = (bench_contender){.name = "libebur128", .run = run_ebur128, .context = &ebur};
#endif

    bench_measure(contenders, count, REPETITIONS);

    check_chain(chain);
    if (wp_compressor_gain_reduction_db(compressor) == 0.0 || wp_limiter_gain_reduction_db(limiter) == 0.0)
        fail("the compressor or the limiter is idle: the benchmark signal is too quiet");
    for (size_t i = 0; i < count; i++)
        printf("case=%s ns_per_frame=%.2f\n", contenders[i].name, contenders[i].best_unit_seconds * 1e9 / BLOCK_FRAMES);
    fflush(stdout);
    return EXIT_SUCCESS;
}
