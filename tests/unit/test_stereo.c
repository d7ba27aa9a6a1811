#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/stereo.h"

#define PI 3.14159265358979323846
#define RATE 48000.0

static wp_stereo *make(double rate, int channels)
{
    wp_stereo *st;
    assert_int_equal(wp_stereo_create(rate, channels, &st), WP_OK);
    return st;
}

static void fill_noise(test_rng *rng, float *x, size_t n, float amp)
{
    for (size_t i = 0; i < n; i++)
        x[i] = amp * test_rng_float(rng);
}

/* Runs `frames` frames through st in one block. */
static void run(wp_stereo *st, float *l, float *r, size_t frames)
{
    float *ch[2] = {l, r};
    wp_stereo_process(st, ch, frames);
}

static void width_100_is_bit_exact_identity(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    const size_t n = 4800;
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
    float *l0 = malloc(n * sizeof *l0), *r0 = malloc(n * sizeof *r0);
    wp_stereo *st = make(RATE, 2);
    /* Fresh object, then again after a detour to other settings and back
     * (the glides must land exactly on 1). */
    for (int pass = 0; pass < 2; pass++) {
        fill_noise(&rng, l, n, 1.5f);
        fill_noise(&rng, r, n, 1.5f);
        memcpy(l0, l, n * sizeof *l);
        memcpy(r0, r, n * sizeof *r);
        run(st, l, r, n);
        for (size_t i = 0; i < n; i++)
            if (l[i] != l0[i] || r[i] != r0[i])
                fail_msg("pass %d frame %zu: (%.9g, %.9g) became (%.9g, %.9g)", pass, i, l0[i], r0[i], l[i], r[i]);
        assert_int_equal(wp_stereo_set_width(st, 37.0), WP_OK);
        assert_int_equal(wp_stereo_set_pan(st, 0.6), WP_OK);
        assert_int_equal(wp_stereo_set_gain_db(st, -7.0), WP_OK);
        run(st, l, r, n);
        assert_int_equal(wp_stereo_set_width(st, 100.0), WP_OK);
        assert_int_equal(wp_stereo_set_pan(st, 0.0), WP_OK);
        assert_int_equal(wp_stereo_set_gain_db(st, 0.0), WP_OK);
        /* A second of gliding back (100 time constants). */
        for (int k = 0; k < 10; k++)
            run(st, l, r, n);
    }
    wp_stereo_destroy(st);
    free(l);
    free(r);
    free(l0);
    free(r0);
}

static void width_0_gives_mid_in_both_channels(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    const size_t n = 4800;
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r), *mid = malloc(n * sizeof *mid);
    wp_stereo *st = make(RATE, 2);
    assert_int_equal(wp_stereo_set_width(st, 0.0), WP_OK);
    wp_stereo_reset(st);
    fill_noise(&rng, l, n, 1.0f);
    fill_noise(&rng, r, n, 1.0f);
    for (size_t i = 0; i < n; i++)
        mid[i] = 0.5f * (l[i] + r[i]);
    run(st, l, r, n);
    for (size_t i = 0; i < n; i++)
        if (l[i] != r[i] || l[i] != mid[i])
            fail_msg("frame %zu: L %.9g R %.9g, mid %.9g", i, l[i], r[i], mid[i]);

    /* 200 %: side doubled, mid kept. */
    assert_int_equal(wp_stereo_set_width(st, 200.0), WP_OK);
    wp_stereo_reset(st);
    fill_noise(&rng, l, n, 1.0f);
    fill_noise(&rng, r, n, 1.0f);
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double m = 0.5 * ((double)l[i] + r[i]), s = 0.5 * ((double)l[i] - r[i]);
        float x = l[i], y = r[i];
        run(st, &x, &y, 1);
        worst = fmax(worst, fmax(fabs(x - (m + 2.0 * s)), fabs(y - (m - 2.0 * s))));
    }
    if (worst > 1e-6)
        fail_msg("width 200%%: max error %.3g vs M + 2S, M - 2S", worst);
    wp_stereo_destroy(st);
    free(l);
    free(r);
    free(mid);
}

/* Settled gains of a pan position, read with a unit input in both channels. */
static void pan_gains(wp_stereo *st, double pan, double *gl, double *gr)
{
    assert_int_equal(wp_stereo_set_pan(st, pan), WP_OK);
    wp_stereo_reset(st);
    float l = 1.0f, r = 1.0f;
    run(st, &l, &r, 1);
    *gl = l;
    *gr = r;
}

static void pan_laws_have_documented_values(void **state)
{
    (void)state;
    wp_stereo *st = make(RATE, 2);
    double gl, gr;
    const double c = sqrt(0.5);

    /* Constant power: (1, 0), (-3.01 dB, -3.01 dB), (0, 1), power 1 everywhere. */
    assert_int_equal(wp_stereo_set_pan_mode(st, WP_STEREO_PAN_CONSTANT_POWER), WP_OK);
    pan_gains(st, -1.0, &gl, &gr);
    if (gl != 1.0 || gr != 0.0)
        fail_msg("constant power, pan -1: gains %.9g %.9g, want 1 0", gl, gr);
    pan_gains(st, 1.0, &gl, &gr);
    if (gl != 0.0 || gr != 1.0)
        fail_msg("constant power, pan 1: gains %.9g %.9g, want 0 1", gl, gr);
    pan_gains(st, 0.0, &gl, &gr);
    if (fabs(gl - c) > 1e-7 || gl != gr)
        fail_msg("constant power, centre: gains %.9g %.9g, want %.9g (-3.01 dB)", gl, gr, c);
    if (fabs(20.0 * log10(gl) + 3.0103) > 1e-3)
        fail_msg("centre gain %.4f dB, want -3.0103", 20.0 * log10(gl));
    double worst = 0.0;
    for (int k = -20; k <= 20; k++) {
        double pan = k / 20.0;
        pan_gains(st, pan, &gl, &gr);
        worst = fmax(worst, fabs(gl * gl + gr * gr - 1.0));
        double want_l = cos((pan + 1.0) * PI / 4.0);
        if (fabs(gl - want_l) > 1e-7)
            fail_msg("pan %.2f: left gain %.9g, want cos law %.9g", pan, gl, want_l);
    }
    if (worst > 2e-7)
        fail_msg("constant power: gl^2 + gr^2 deviates from 1 by %.3g", worst);

    /* Balance: unity at the centre, near side kept, far side on the sine law. */
    assert_int_equal(wp_stereo_set_pan_mode(st, WP_STEREO_PAN_BALANCE), WP_OK);
    pan_gains(st, 0.0, &gl, &gr);
    if (gl != 1.0 || gr != 1.0)
        fail_msg("balance, centre: gains %.9g %.9g, want 1 1", gl, gr);
    pan_gains(st, -1.0, &gl, &gr);
    if (gl != 1.0 || gr != 0.0)
        fail_msg("balance, -1: gains %.9g %.9g, want 1 0", gl, gr);
    pan_gains(st, 0.5, &gl, &gr);
    if (gr != 1.0 || fabs(gl - sqrt(2.0) * sin(PI / 8.0)) > 1e-7)
        fail_msg("balance, 0.5: gains %.9g %.9g, want %.9g 1", gl, gr, sqrt(2.0) * sin(PI / 8.0));
    wp_stereo_destroy(st);
}

static void gain_is_accurate_and_mono_ignores_image_controls(void **state)
{
    (void)state;
    static const double gains[] = {-60.0, -20.0, -6.0, -0.5, 0.0, 3.0, 12.0, 24.0};
    wp_stereo *st = make(RATE, 2), *mono = make(RATE, 1);
    assert_int_equal(wp_stereo_set_width(mono, 0.0), WP_OK);
    assert_int_equal(wp_stereo_set_pan(mono, 1.0), WP_OK);
    assert_int_equal(wp_stereo_set_pan_mode(mono, WP_STEREO_PAN_CONSTANT_POWER), WP_OK);
    for (size_t k = 0; k < sizeof gains / sizeof gains[0]; k++) {
        assert_int_equal(wp_stereo_set_gain_db(st, gains[k]), WP_OK);
        assert_int_equal(wp_stereo_set_gain_db(mono, gains[k]), WP_OK);
        wp_stereo_reset(st);
        wp_stereo_reset(mono);
        float l = 0.25f, r = -0.5f, m = 0.75f;
        run(st, &l, &r, 1);
        float *ch[1] = {&m};
        wp_stereo_process(mono, ch, 1);
        double want = pow(10.0, gains[k] / 20.0);
        double err = fmax(fabs(l / 0.25 / want - 1.0), fmax(fabs(r / -0.5 / want - 1.0), fabs(m / 0.75 / want - 1.0)));
        if (err > 2e-7)
            fail_msg("gain %.1f dB: relative error %.3g", gains[k], err);
    }
    wp_stereo_destroy(st);
    wp_stereo_destroy(mono);
}

/* Largest |second difference| of x over [from, to): a click shows as a
 * spike far above a smooth signal's curvature. */

static void changes_glide_without_clicks(void **state)
{
    (void)state;
    const size_t n = 24000, at = 4800;
    const double amp = 0.5, w = 2.0 * PI * 100.0 / RATE;
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
    /* Each case jumps one control across its range at frame `at`. The bound
     * allows the steady sine's curvature plus a 10 ms glide's slope change
     * (range * coefficient * amplitude, x2); the same jump without smoothing
     * gives a second difference about as large as the jump times amp. */
    const double coeff = 1.0 - exp(-1000.0 / (WP_STEREO_SMOOTH_MS * RATE));
    for (int c = 0; c < 5; c++) {
        wp_stereo *st = make(RATE, 2);
        double range = 1.0;
        if (c == 0)
            assert_int_equal(wp_stereo_set_pan(st, -1.0), WP_OK);
        if (c == 1)
            assert_int_equal(wp_stereo_set_width(st, 0.0), WP_OK);
        if (c == 2)
            assert_int_equal(wp_stereo_set_gain_db(st, -60.0), WP_OK);
        if (c == 4)
            assert_int_equal(wp_stereo_set_pan_mode(st, WP_STEREO_PAN_CONSTANT_POWER), WP_OK);
        wp_stereo_reset(st);
        for (size_t i = 0; i < n; i++) {
            l[i] = (float)(amp * sin(w * (double)i));
            r[i] = (float)(amp * sin(w * (double)i + 1.0));
        }
        run(st, l, r, at);
        if (c == 0)
            assert_int_equal(wp_stereo_set_pan(st, 1.0), WP_OK);
        if (c == 1) {
            assert_int_equal(wp_stereo_set_width(st, 200.0), WP_OK);
            range = 2.0;
        }
        if (c == 2) {
            assert_int_equal(wp_stereo_set_gain_db(st, 24.0), WP_OK);
            range = pow(10.0, 24.0 / 20.0);
        }
        if (c == 3)
            assert_int_equal(wp_stereo_set_enabled(st, 0), WP_OK);
        if (c == 4)
            assert_int_equal(wp_stereo_set_pan_mode(st, WP_STEREO_PAN_BALANCE), WP_OK);
        run(st, l + at, r + at, n - at);
        double bound = 2.0 * (amp * w * w * range + range * coeff * amp * 2.0);
        double d = fmax(test_max_second_difference(l, at - 100, n), test_max_second_difference(r, at - 100, n));
        if (d > bound)
            fail_msg("case %d: second difference %.4g > %.4g (click)", c, d, bound);
        /* And the change did happen. */
        if (c == 0 && fabs(l[n - 1]) > 1e-6)
            fail_msg("pan to the right left %.3g in L", l[n - 1]);
        wp_stereo_destroy(st);
    }
    free(l);
    free(r);
}

static void glide_time_constant_holds_at_all_rates(void **state)
{
    (void)state;
    static const double rates[] = {8000.0, 44100.0, 192000.0, 384000.0};
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        wp_stereo *st = make(rates[k], 1);
        assert_int_equal(wp_stereo_set_gain_db(st, -60.0), WP_OK);
        wp_stereo_reset(st);
        assert_int_equal(wp_stereo_set_gain_db(st, 0.0), WP_OK);
        /* Linear gain goes 0.001 -> 1: time to 63 % of the way. */
        size_t i = 0;
        for (;; i++) {
            float x = 1.0f, *ch[1] = {&x};
            wp_stereo_process(st, ch, 1);
            if (x >= 0.001f + 0.999f * (float)(1.0 - exp(-1.0)))
                break;
        }
        double ms = 1000.0 * (double)(i + 1) / rates[k];
        if (fabs(ms - WP_STEREO_SMOOTH_MS) > 0.02 * WP_STEREO_SMOOTH_MS)
            fail_msg("rate %.0f: glide reached 63%% after %.3f ms, want %.1f", rates[k], ms, WP_STEREO_SMOOTH_MS);
        wp_stereo_destroy(st);
    }
}

/* The block-split test's processor: a stereo instance (width set at mark 0). */
TEST_SPLIT_FX(wp_stereo, make(RATE, 2))

static void split_changes(void *fx, size_t m)
{
    wp_stereo *st = fx;
    if (m == 0)
        assert_int_equal(wp_stereo_set_width(st, 150.0), WP_OK);
    if (m == 1) {
        assert_int_equal(wp_stereo_set_pan(st, -0.4), WP_OK);
        assert_int_equal(wp_stereo_set_gain_db(st, 5.0), WP_OK);
        assert_int_equal(wp_stereo_set_enabled(st, 0), WP_OK);
    }
}

static void block_split_is_bit_identical(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 2);
    const size_t n = 16384, half = 6000;
    /* Settings change at frame `half` (mid-glide afterwards). */
    const size_t marks[] = {0, half, n};
    float *in_l = test_zeros(n), *in_r = test_zeros(n);
    fill_noise(&rng, in_l, n, 1.0f);
    fill_noise(&rng, in_r, n, 1.0f);
    const test_split t = {split_make, split_process, split_changes, split_destroy,
                          marks, sizeof marks / sizeof marks[0], 300};
    test_assert_block_split_invariant(&t, in_l, in_r, &rng, NULL);
    free(in_l);
    free(in_r);
}

static void bad_arguments_are_rejected_and_keep_old_values(void **state)
{
    (void)state;
    wp_stereo *st = (wp_stereo *)&st;
    assert_int_equal(wp_stereo_create(7999.0, 2, &st), WP_ERR_OUT_OF_RANGE);
    assert_null(st);
    assert_int_equal(wp_stereo_create(384001.0, 2, &st), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_create(48000.0, 3, &st), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_create(48000.0, 0, &st), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_create(48000.0, 2, NULL), WP_ERR_INVALID_ARGUMENT);

    st = make(RATE, 2);
    assert_int_equal(wp_stereo_set_width(st, 50.0), WP_OK);
    assert_int_equal(wp_stereo_set_width(st, -0.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_set_width(st, 200.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_set_width(st, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_set_pan(st, 1.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_set_pan(st, -INFINITY), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_set_gain_db(st, 24.5), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_set_gain_db(st, -61.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_stereo_set_pan_mode(st, (wp_stereo_pan_mode)2), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_stereo_set_width(NULL, 50.0), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_stereo_set_enabled(NULL, 1), WP_ERR_INVALID_ARGUMENT);
    /* Still width 50 %, centre balance, 0 dB: L' = 0.75 L + 0.25 R. */
    wp_stereo_reset(st);
    float l = 1.0f, r = 0.0f;
    run(st, &l, &r, 1);
    if (l != 0.75f || r != 0.25f)
        fail_msg("after rejected setters: (%.9g, %.9g), want (0.75, 0.25)", l, r);
    wp_stereo_destroy(st);
    wp_stereo_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(width_100_is_bit_exact_identity),
        cmocka_unit_test(width_0_gives_mid_in_both_channels),
        cmocka_unit_test(pan_laws_have_documented_values),
        cmocka_unit_test(gain_is_accurate_and_mono_ignores_image_controls),
        cmocka_unit_test(changes_glide_without_clicks),
        cmocka_unit_test(glide_time_constant_holds_at_all_rates),
        cmocka_unit_test(block_split_is_bit_identical),
        cmocka_unit_test(bad_arguments_are_rejected_and_keep_old_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
