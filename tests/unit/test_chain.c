#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/chain.h"
#include "wavepool/delay.h"
#include "wavepool/dsp.h"
#include "wavepool/eq.h"

#ifdef WP_HAVE_THREADS
#include <pthread.h>
#include <stdatomic.h>
#endif

#define RATE 48000.0
#define PI 3.14159265358979323846

static wp_chain *make_chain(int channels)
{
    wp_chain *c;
    assert_int_equal(wp_chain_create(RATE, channels, &c), WP_OK);
    return c;
}

static void set_ok(wp_chain *c, const char *name, double v)
{
    wp_chain_param p;
    assert_int_equal(wp_chain_param_from_name(name, &p), WP_OK);
    if (wp_chain_set(c, p, v) != WP_OK)
        fail_msg("%s = %g refused", name, v);
}

/* Every effect on, settings that make each one audible. */
static void enable_everything(wp_chain *c)
{
    set_ok(c, "eq.b2.gain", 6);
    set_ok(c, "eq.b7.gain", -4);
    set_ok(c, "comp.on", 1);
    set_ok(c, "comp.threshold", -24);
    set_ok(c, "dist.on", 1);
    set_ok(c, "dist.drive", 6);
    set_ok(c, "chorus.on", 1);
    set_ok(c, "delay.on", 1);
    set_ok(c, "delay.time", 123.4);
    set_ok(c, "reverb.on", 1);
    set_ok(c, "stereo.width", 140);
    set_ok(c, "stereo.pan", -0.2);
    set_ok(c, "volume", -3);
}

/* Music-like test input: two tones and seeded noise with an envelope. */
static void fill_input(float *l, float *r, size_t n, uint64_t seed)
{
    test_rng rng = test_rng_seeded(seed);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / RATE;
        double env = 0.5 + 0.5 * sin(2 * PI * 1.7 * t);
        l[i] = (float)(0.4 * sin(2 * PI * 220 * t) + 0.2 * env * test_rng_float(&rng));
        r[i] = (float)(0.4 * sin(2 * PI * 330 * t + 0.5) + 0.2 * env * test_rng_float(&rng));
    }
}

static void param_table_is_consistent(void **state)
{
    (void)state;
    wp_chain *c = make_chain(2);
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++) {
        const wp_chain_param_info *info = wp_chain_param_get_info((wp_chain_param)p);
        assert_non_null(info);
        assert_non_null(info->name);
        wp_chain_param back;
        assert_int_equal(wp_chain_param_from_name(info->name, &back), WP_OK);
        assert_int_equal(back, p);
        assert_true(info->min <= info->def && info->def <= info->max);
        assert_true(wp_chain_get(c, (wp_chain_param)p) == info->def ||
                    strstr(info->name, ".freq") != NULL); /* EQ frequencies fit the rate */
    }
    assert_null(wp_chain_param_get_info(WP_CHAIN_PARAM_COUNT));
    wp_chain_param p;
    assert_int_equal(wp_chain_param_from_name("reverb.size", &p), WP_ERR_INVALID_ARGUMENT);
    wp_chain_destroy(c);
}

/* The chain's ranges must be exactly what the modules accept: set every
 * parameter to both ends (and every enum value), apply, and count refusals;
 * just outside the ends the chain itself refuses. At the lowest, a common
 * and the highest rate, since some bounds depend on the rate. */
static void check_ranges_at(double rate)
{
    wp_chain *c;
    assert_int_equal(wp_chain_create(rate, 2, &c), WP_OK);
    if (wp_chain_apply_errors(c) != 0)
        fail_msg("a module refused a default value at %g Hz", rate);
    float l[64] = {0}, r[64] = {0};
    float *ch[2] = {l, r};
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++) {
        const wp_chain_param_info *info = wp_chain_param_get_info((wp_chain_param)p);
        double max = info->max;
        if (strstr(info->name, ".freq"))
            max = WP_EQ_MAX_FREQ_RATIO * rate;
        if (strcmp(info->name, "delay.highcut") == 0)
            max = fmin(info->max, WP_DELAY_MAX_HIGH_CUT_RATIO * rate);
        assert_int_equal(wp_chain_set(c, (wp_chain_param)p, info->min), WP_OK);
        wp_chain_process_planar(c, ch, 64);
        assert_int_equal(wp_chain_set(c, (wp_chain_param)p, max), WP_OK);
        wp_chain_process_planar(c, ch, 64);
        if (wp_chain_apply_errors(c) != 0)
            fail_msg("a module refused %s at an end of [%g, %g] at %g Hz", info->name, info->min, max, rate);
        double step = info->kind == WP_CHAIN_CONTINUOUS ? fmax(fabs(max) * 1e-6, 1e-9) : 1;
        assert_int_equal(wp_chain_set(c, (wp_chain_param)p, info->min - step), WP_ERR_OUT_OF_RANGE);
        assert_int_equal(wp_chain_set(c, (wp_chain_param)p, max + step), WP_ERR_OUT_OF_RANGE);
        assert_int_equal(wp_chain_set(c, (wp_chain_param)p, NAN), WP_ERR_OUT_OF_RANGE);
        if (info->kind != WP_CHAIN_CONTINUOUS && info->max > info->min)
            assert_int_equal(wp_chain_set(c, (wp_chain_param)p, info->min + 0.5), WP_ERR_OUT_OF_RANGE);
        assert_int_equal(wp_chain_set(c, (wp_chain_param)p, info->def > max ? max : info->def), WP_OK);
    }
    wp_chain_process_planar(c, ch, 64);
    assert_int_equal(wp_chain_apply_errors(c), 0);
    wp_chain_destroy(c);
}

static void ranges_match_the_modules(void **state)
{
    (void)state;
    check_ranges_at(WP_DSP_MIN_RATE);
    check_ranges_at(RATE);
    check_ranges_at(WP_DSP_MAX_RATE);
}

/* Same samples for any host block size, planar or interleaved. */
static void any_block_size_gives_the_same_samples(void **state)
{
    (void)state;
    enum { N = 48000 };
    static const size_t blocks[] = {N, 1, 7, 128, 4096};
    float *ref_l = malloc(N * sizeof(float)), *ref_r = malloc(N * sizeof(float));
    float *l = malloc(N * sizeof(float)), *r = malloc(N * sizeof(float));
    float *inter = malloc(2 * N * sizeof(float));
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        for (int interleaved = 0; interleaved <= 1; interleaved++) {
            wp_chain *c = make_chain(2);
            enable_everything(c);
            fill_input(l, r, N, test_seed());
            if (interleaved) {
                for (size_t i = 0; i < N; i++) {
                    inter[2 * i] = l[i];
                    inter[2 * i + 1] = r[i];
                }
            }
            for (size_t done = 0; done < N; done += blocks[b]) {
                size_t n = N - done < blocks[b] ? N - done : blocks[b];
                if (interleaved) {
                    wp_chain_process_interleaved(c, inter + 2 * done, n);
                } else {
                    float *ch[2] = {l + done, r + done};
                    wp_chain_process_planar(c, ch, n);
                }
            }
            if (interleaved) {
                for (size_t i = 0; i < N; i++) {
                    l[i] = inter[2 * i];
                    r[i] = inter[2 * i + 1];
                }
            }
            if (b == 0 && !interleaved) {
                memcpy(ref_l, l, N * sizeof(float));
                memcpy(ref_r, r, N * sizeof(float));
            } else if (memcmp(ref_l, l, N * sizeof(float)) || memcmp(ref_r, r, N * sizeof(float))) {
                fail_msg("block size %zu (%s) differs", blocks[b], interleaved ? "interleaved" : "planar");
            }
            wp_chain_destroy(c);
        }
    }
    free(ref_l);
    free(ref_r);
    free(l);
    free(r);
    free(inter);
}

/* With every effect off and the EQ flat, the chain is a pure delay. */
static void neutral_chain_is_a_delay(void **state)
{
    (void)state;
    enum { N = 24000 };
    wp_chain *c = make_chain(2);
    size_t latency = wp_chain_latency(c);
    assert_true(latency < 1024);
    float *l = malloc(N * sizeof(float)), *r = malloc(N * sizeof(float));
    float *in_l = malloc(N * sizeof(float)), *in_r = malloc(N * sizeof(float));
    fill_input(in_l, in_r, N, test_seed() + 1);
    for (size_t i = 0; i < N; i++) { /* stay under the -1 dBTP safety limiter */
        in_l[i] *= 0.5f;
        in_r[i] *= 0.5f;
    }
    memcpy(l, in_l, N * sizeof(float));
    memcpy(r, in_r, N * sizeof(float));
    float *ch[2] = {l, r};
    wp_chain_process_planar(c, ch, N);
    double worst = 0;
    for (size_t i = latency; i < N; i++) {
        worst = fmax(worst, fabs((double)l[i] - in_l[i - latency]));
        worst = fmax(worst, fabs((double)r[i] - in_r[i - latency]));
    }
    if (worst > 1e-5)
        fail_msg("neutral chain differs from a %zu-frame delay by %g", latency, worst);
    free(l);
    free(r);
    free(in_l);
    free(in_r);
    wp_chain_destroy(c);
}

static void meters_and_safety_limiter(void **state)
{
    (void)state;
    enum { N = 48000 };
    wp_chain *c = make_chain(2);
    float *l = malloc(N * sizeof(float)), *r = malloc(N * sizeof(float));
    float *ch[2] = {l, r};
    /* 1 kHz at 0.5 left, 0.25 right: meters read the block's peak and RMS */
    for (size_t i = 0; i < N; i++) {
        l[i] = (float)(0.5 * sin(2 * PI * 1000 * (double)i / RATE));
        r[i] = 0.5f * l[i];
    }
    wp_chain_process_planar(c, ch, N);
    wp_chain_meters m;
    wp_chain_meters_read(c, &m);
    assert_true(fabsf(m.peak[0] - 0.5f) < 1e-3f && fabsf(m.peak[1] - 0.25f) < 1e-3f);
    assert_true(fabsf(m.rms[0] - 0.35355f) < 2e-3f && fabsf(m.rms[1] - 0.17678f) < 1e-3f);
    assert_int_equal(m.clipped, 0);
    assert_int_equal(m.frames, N);

    /* +6 dBFS: clip flagged, and the safety limiter holds -1 dBTP */
    for (size_t i = 0; i < N; i++) {
        l[i] = (float)(2.0 * sin(2 * PI * 997 * (double)i / RATE));
        r[i] = l[i];
    }
    wp_chain_process_planar(c, ch, N);
    wp_chain_meters_read(c, &m);
    assert_int_equal(m.clipped, 1);
    assert_true(m.peak[0] <= 0.8913f);
    wp_chain_meters_read(c, &m);
    assert_int_equal(m.clipped, 0); /* reading cleared it */

    /* Turned off, the limiter lets the +6 dB through */
    set_ok(c, "limiter.on", 0);
    wp_chain_process_planar(c, ch, N);
    for (size_t i = 0; i < N; i++)
        l[i] = r[i] = (float)(2.0 * sin(2 * PI * 997 * (double)i / RATE));
    wp_chain_process_planar(c, ch, N);
    wp_chain_meters_read(c, &m);
    assert_true(m.peak[0] > 1.9f);
    free(l);
    free(r);
    wp_chain_destroy(c);
}

static void effect_order_is_configurable(void **state)
{
    (void)state;
    enum { N = 9600 };
    static const wp_chain_fx reversed[WP_CHAIN_FX_COUNT] = {WP_CHAIN_FX_REVERB, WP_CHAIN_FX_DELAY,
        WP_CHAIN_FX_CHORUS, WP_CHAIN_FX_DISTORTION, WP_CHAIN_FX_COMPRESSOR};
    float *out[2][2];
    for (int v = 0; v < 2; v++) {
        wp_chain *c = make_chain(2);
        enable_everything(c);
        if (v == 1) {
            assert_int_equal(wp_chain_set_order(c, reversed), WP_OK);
            wp_chain_fx back[WP_CHAIN_FX_COUNT];
            wp_chain_get_order(c, back);
            assert_memory_equal(back, reversed, sizeof back);
        }
        out[v][0] = malloc(N * sizeof(float));
        out[v][1] = malloc(N * sizeof(float));
        fill_input(out[v][0], out[v][1], N, test_seed() + 2);
        wp_chain_process_planar(c, out[v], N);
        wp_chain_destroy(c);
    }
    assert_true(memcmp(out[0][0], out[1][0], N * sizeof(float)) != 0);
    for (int v = 0; v < 2; v++) {
        free(out[v][0]);
        free(out[v][1]);
    }
    wp_chain *c = make_chain(2);
    const wp_chain_fx twice[WP_CHAIN_FX_COUNT] = {WP_CHAIN_FX_REVERB, WP_CHAIN_FX_REVERB, WP_CHAIN_FX_CHORUS,
                                                  WP_CHAIN_FX_DISTORTION, WP_CHAIN_FX_COMPRESSOR};
    assert_int_equal(wp_chain_set_order(c, twice), WP_ERR_INVALID_ARGUMENT);
    wp_chain_destroy(c);
}

static void bad_arguments(void **state)
{
    (void)state;
    wp_chain *c = (wp_chain *)&c;
    assert_int_equal(wp_chain_create(RATE, 3, &c), WP_ERR_OUT_OF_RANGE);
    assert_null(c);
    assert_int_equal(wp_chain_create(4000, 2, &c), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chain_create(RATE, 2, NULL), WP_ERR_INVALID_ARGUMENT);
    c = make_chain(1);
    assert_int_equal(wp_chain_set(c, WP_CHAIN_PARAM_COUNT, 0), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_chain_set(c, WP_CHAIN_VOLUME, 13), WP_ERR_OUT_OF_RANGE);
    assert_true(wp_chain_get(c, WP_CHAIN_VOLUME) == 0.0); /* kept */
    float mono[256];
    for (int i = 0; i < 256; i++)
        mono[i] = 0.1f;
    wp_chain_process_interleaved(c, mono, 256); /* mono works too */
    wp_chain_destroy(c);
    wp_chain_destroy(NULL);
}

#ifdef WP_HAVE_THREADS
typedef struct setter_args {
    wp_chain *chain;
    atomic_int stop;
    int refused;
} setter_args;

static void *ui_thread(void *arg)
{
    setter_args *a = arg;
    test_rng rng = test_rng_seeded(test_seed() + 3);
    while (!atomic_load(&a->stop)) {
        double g = 24.0 * test_rng_float(&rng);
        a->refused += wp_chain_set(a->chain, WP_CHAIN_EQ_BAND_FIRST + WP_CHAIN_EQ_GAIN, g) != WP_OK;
        a->refused += wp_chain_set(a->chain, WP_CHAIN_VOLUME, -20.0 + 10.0 * test_rng_float(&rng)) != WP_OK;
        a->refused += wp_chain_set(a->chain, WP_CHAIN_REVERB_MIX, 0.5 + 0.5 * test_rng_float(&rng)) != WP_OK;
    }
    return NULL;
}
#endif

/* Another thread sets parameters while this one processes (run under TSan
 * too): nothing is refused, the output stays finite. */
static void parameters_from_another_thread(void **state)
{
    (void)state;
#ifndef WP_HAVE_THREADS
    skip();
#else
    wp_chain *c = make_chain(2);
    enable_everything(c);
    setter_args a = {.chain = c};
    atomic_init(&a.stop, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, ui_thread, &a), 0);
    float l[128], r[128];
    float *ch[2] = {l, r};
    int finite = 1;
    for (int block = 0; block < 2000; block++) {
        fill_input(l, r, 128, (uint64_t)block + 1);
        wp_chain_process_planar(c, ch, 128);
        for (int i = 0; i < 128; i++)
            finite &= isfinite(l[i]) && isfinite(r[i]);
    }
    atomic_store(&a.stop, 1);
    pthread_join(t, NULL);
    assert_true(finite);
    assert_int_equal(a.refused, 0);
    assert_int_equal(wp_chain_apply_errors(c), 0);
    wp_chain_destroy(c);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(param_table_is_consistent),
        cmocka_unit_test(ranges_match_the_modules),
        cmocka_unit_test(any_block_size_gives_the_same_samples),
        cmocka_unit_test(neutral_chain_is_a_delay),
        cmocka_unit_test(meters_and_safety_limiter),
        cmocka_unit_test(effect_order_is_configurable),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(parameters_from_another_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
