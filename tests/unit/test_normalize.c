#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/normalize.h"

#define RATE 48000.0
#define FRAMES 240000 /* 5 s */
#define PI 3.14159265358979323846

typedef struct stereo_buffer {
    float *l, *r;
    float *ch[2];
} stereo_buffer;

/* Tones plus seeded noise with a slow envelope: music-like crest factor. */
static stereo_buffer make_signal(double scale, uint64_t seed)
{
    stereo_buffer b = {malloc(FRAMES * sizeof(float)), malloc(FRAMES * sizeof(float)), {NULL, NULL}};
    test_rng rng = test_rng_seeded(seed);
    for (size_t i = 0; i < FRAMES; i++) {
        double t = (double)i / RATE;
        double env = 0.6 + 0.4 * sin(2 * PI * 0.7 * t);
        b.l[i] = (float)(scale * env * (0.3 * sin(2 * PI * 440 * t) + 0.2 * test_rng_float(&rng)));
        b.r[i] = (float)(scale * env * (0.3 * sin(2 * PI * 660 * t) + 0.2 * test_rng_float(&rng)));
    }
    b.ch[0] = b.l;
    b.ch[1] = b.r;
    return b;
}

static void free_signal(stereo_buffer *b)
{
    free(b->l);
    free(b->r);
}

static wp_normalize_config config(wp_normalize_mode mode, double target, double ceiling, wp_normalize_policy policy)
{
    wp_normalize_config c;
    wp_normalize_default_config(&c);
    c.mode = mode;
    c.target = target;
    c.ceiling_dbtp = ceiling;
    c.policy = policy;
    return c;
}

static void peak_and_rms_reach_their_targets(void **state)
{
    (void)state;
    stereo_buffer b = make_signal(0.5, test_seed());
    wp_normalize_report rep;
    wp_normalize_config c = config(WP_NORMALIZE_PEAK, -3.0, NAN, WP_NORMALIZE_LIMIT);
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
    if (fabs(rep.after - -3.0) > 1e-4)
        fail_msg("peak after %.6f dBFS", rep.after);
    assert_true(fabs(rep.gain_db - (-3.0 - rep.before)) < 1e-9);
    assert_false(rep.limited || rep.capped || rep.silent);

    c = config(WP_NORMALIZE_RMS, -20.0, NAN, WP_NORMALIZE_LIMIT);
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
    if (fabs(rep.after - -20.0) > 1e-3)
        fail_msg("RMS after %.6f dBFS", rep.after);
    free_signal(&b);
}

static void loudness_target_is_met(void **state)
{
    (void)state;
    static const double targets[] = {-23.0, -16.0, -14.0};
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        stereo_buffer b = make_signal(0.3, test_seed() + t);
        wp_normalize_report rep;
        wp_normalize_config c = config(WP_NORMALIZE_LOUDNESS, targets[t], -1.0, WP_NORMALIZE_LIMIT);
        assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
        if (fabs(rep.after - targets[t]) > 0.1)
            fail_msg("target %.1f: after %.3f LUFS (limited %d)", targets[t], rep.after, rep.limited);
        assert_true(rep.true_peak_after <= -1.0 + 1e-3);
        free_signal(&b);
    }
}

/* A target that would push the true peak over the ceiling: LIMIT keeps the
 * loudness and holds the ceiling; CAP holds the ceiling by lowering the gain. */
static void ceiling_policies(void **state)
{
    (void)state;
    stereo_buffer b = make_signal(0.3, test_seed() + 7);
    wp_normalize_report rep;
    wp_normalize_config c = config(WP_NORMALIZE_LOUDNESS, -9.0, -1.0, WP_NORMALIZE_LIMIT);
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
    assert_true(rep.limited);
    assert_false(rep.capped);
    if (rep.true_peak_after > -1.0 + 1e-3)
        fail_msg("LIMIT: true peak after %.4f dBTP", rep.true_peak_after);
    if (fabs(rep.after - -9.0) > 0.1)
        fail_msg("LIMIT: loudness after %.3f LUFS", rep.after);
    free_signal(&b);

    b = make_signal(0.3, test_seed() + 7);
    c.policy = WP_NORMALIZE_CAP;
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
    assert_true(rep.capped);
    assert_false(rep.limited);
    if (fabs(rep.true_peak_after - -1.0) > 0.01)
        fail_msg("CAP: true peak after %.4f dBTP", rep.true_peak_after);
    assert_true(rep.after < -9.0);
    free_signal(&b);
}

static void silence_gets_no_gain(void **state)
{
    (void)state;
    stereo_buffer b = make_signal(0.0, 1);
    wp_normalize_report rep;
    for (int mode = WP_NORMALIZE_PEAK; mode <= WP_NORMALIZE_LOUDNESS; mode++) {
        wp_normalize_config c = config((wp_normalize_mode)mode, -14.0, -1.0, WP_NORMALIZE_LIMIT);
        assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
        assert_true(rep.silent);
        assert_true(rep.gain_db == 0.0);
        assert_true(isinf(rep.before) && rep.before < 0);
    }
    for (size_t i = 0; i < FRAMES; i++)
        assert_true(b.l[i] == 0.0f && b.r[i] == 0.0f);
    free_signal(&b);

    /* Near-silence: peak mode would need +150 dB; the gain stops at the limit. */
    b = make_signal(1e-8, 2);
    wp_normalize_config c = config(WP_NORMALIZE_PEAK, -1.0, NAN, WP_NORMALIZE_LIMIT);
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
    assert_true(rep.capped);
    assert_true(rep.gain_db == c.max_gain_db);
    /* and loudness mode finds nothing above the -70 LUFS gate */
    c = config(WP_NORMALIZE_LOUDNESS, -14.0, -1.0, WP_NORMALIZE_LIMIT);
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_OK);
    assert_true(rep.silent);
    free_signal(&b);
}

static void bad_input_changes_nothing(void **state)
{
    (void)state;
    stereo_buffer b = make_signal(0.3, 3);
    float *copy = malloc(FRAMES * sizeof(float));
    b.r[1234] = NAN;
    memcpy(copy, b.l, FRAMES * sizeof(float));
    wp_normalize_report rep;
    wp_normalize_config c = config(WP_NORMALIZE_LOUDNESS, -14.0, -1.0, WP_NORMALIZE_LIMIT);
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_ERR_NOT_FINITE);
    assert_memory_equal(copy, b.l, FRAMES * sizeof(float));
    b.r[1234] = 0.0f;

    c.target = 3.0;
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_ERR_OUT_OF_RANGE);
    c.target = -14.0;
    c.ceiling_dbtp = 1.0;
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_ERR_OUT_OF_RANGE);
    c.ceiling_dbtp = -1.0;
    c.max_gain_db = 100.0;
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, RATE, &rep), WP_ERR_OUT_OF_RANGE);
    c.max_gain_db = 40.0;
    assert_int_equal(wp_normalize(&c, b.ch, 2, 0, RATE, &rep), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_normalize(&c, b.ch, 2, FRAMES, 1000.0, &rep), WP_ERR_OUT_OF_RANGE);
    assert_memory_equal(copy, b.l, FRAMES * sizeof(float));
    free(copy);
    free_signal(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(peak_and_rms_reach_their_targets),
        cmocka_unit_test(loudness_target_is_met),
        cmocka_unit_test(ceiling_policies),
        cmocka_unit_test(silence_gets_no_gain),
        cmocka_unit_test(bad_input_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
