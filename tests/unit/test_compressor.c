#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/compressor.h"

#define PI 3.14159265358979323846
#define RATE 48000.0

/* The documented static curve (Giannoulis et al. eq. 4): gain in dB. */
static double curve_gain_db(double x, double t, double r, double w)
{
    double d = x - t;
    if (2.0 * d < -w)
        return 0.0;
    if (2.0 * fabs(d) <= w)
        return (1.0 / r - 1.0) * (d + w / 2.0) * (d + w / 2.0) / (2.0 * w);
    return (1.0 / r - 1.0) * d;
}

static double db(double x)
{
    return 20.0 * log10(x);
}

typedef struct settings {
    double threshold, ratio, knee, attack, release;
} settings;

static wp_compressor *make(double rate, int channels, const settings *s)
{
    wp_compressor *c;
    assert_int_equal(wp_compressor_create(rate, channels, &c), WP_OK);
    assert_int_equal(wp_compressor_set_threshold_db(c, s->threshold), WP_OK);
    assert_int_equal(wp_compressor_set_ratio(c, s->ratio), WP_OK);
    assert_int_equal(wp_compressor_set_knee_db(c, s->knee), WP_OK);
    assert_int_equal(wp_compressor_set_attack_ms(c, s->attack), WP_OK);
    assert_int_equal(wp_compressor_set_release_ms(c, s->release), WP_OK);
    wp_compressor_reset(c);
    return c;
}

static void run_mono(wp_compressor *c, float *x, size_t n)
{
    float *ch[1] = {x};
    wp_compressor_process(c, ch, n);
}

/* Steady 1 kHz sines from -60 to 0 dBFS in 2 dB steps, 0.5 s each on a
 * fresh compressor; over the last 0.1 s the output level in the detector's
 * own sense (peak for PEAK, RMS for RMS) minus the input level must match
 * the formula at the input level within 0.5 dB (RMS: 0.05 dB), knee
 * included. */
static void static_curve_matches_formula(void **state)
{
    (void)state;
    static const settings curves[] = {
        {-30.0, 4.0, 12.0, 1.0, 1000.0},
        {-10.0, 100.0, 0.0, 1.0, 1000.0},
        {-40.0, 2.0, 24.0, 1.0, 1000.0},
        {-20.0, 8.0, 6.0, 10.0, 2000.0},
    };
    const size_t n = 24000, tail = 4800;
    float *x = malloc(n * sizeof *x);
    for (int mode = 0; mode < 2; mode++) {
        for (size_t k = 0; k < sizeof curves / sizeof curves[0]; k++) {
            const settings *s = &curves[k];
            double worst = 0.0, worst_at = 0.0;
            for (int level = -60; level <= 0; level += 2) {
                wp_compressor *c = make(RATE, 1, s);
                assert_int_equal(wp_compressor_set_detection(c, mode ? WP_COMPRESSOR_RMS : WP_COMPRESSOR_PEAK), WP_OK);
                wp_compressor_reset(c);
                double amp = pow(10.0, level / 20.0);
                for (size_t i = 0; i < n; i++)
                    x[i] = (float)(amp * sin(2.0 * PI * 1000.0 * (double)i / RATE));
                double in_peak = 0.0, in_ms = 0.0, out_peak = 0.0, out_ms = 0.0;
                for (size_t i = n - tail; i < n; i++) {
                    in_peak = fmax(in_peak, fabs(x[i]));
                    in_ms += (double)x[i] * x[i];
                }
                run_mono(c, x, n);
                for (size_t i = n - tail; i < n; i++) {
                    out_peak = fmax(out_peak, fabs(x[i]));
                    out_ms += (double)x[i] * x[i];
                }
                double in_db = mode ? 10.0 * log10(in_ms / tail) : db(in_peak);
                double out_db = mode ? 10.0 * log10(out_ms / tail) : db(out_peak);
                double err = (out_db - in_db) - curve_gain_db(in_db, s->threshold, s->ratio, s->knee);
                if (fabs(err) > fabs(worst)) {
                    worst = err;
                    worst_at = in_db;
                }
                wp_compressor_destroy(c);
            }
            printf("# %s T %.0f R %.0f W %.0f: worst curve error %+.4f dB at %.1f dB\n", mode ? "rms " : "peak",
                   s->threshold, s->ratio, s->knee, worst, worst_at);
            /* 0.5 dB as specified; RMS detection of a steady tone has no
             * ripple, so it is held to 0.05 dB. */
            if (fabs(worst) > (mode ? 0.05 : 0.5))
                fail_msg("%s curve T %.0f R %.0f W %.0f: error %.3f dB at input %.1f dB", mode ? "RMS" : "peak",
                         s->threshold, s->ratio, s->knee, worst, worst_at);
        }
    }
    free(x);
}

/* Time (in seconds, interpolated between frames, counted from the first
 * frame of the new level) for the gain in dB to cover 63.2 % of the way from
 * `from_db` to `to_db`. */
static double time_to_63(const float *in, const float *out, size_t start, size_t n, double from_db, double to_db,
                         double rate)
{
    double goal = from_db + (1.0 - exp(-1.0)) * (to_db - from_db);
    double prev = from_db;
    for (size_t i = start; i < n; i++) {
        double g = db(fabs(out[i] / in[i]));
        if ((to_db < from_db && g <= goal) || (to_db > from_db && g >= goal)) {
            double frac = (goal - prev) / (g - prev);
            return ((double)(i - start) + frac) / rate;
        }
        prev = g;
    }
    return INFINITY;
}

/* DC steps from -50 dBFS (below threshold) to -10 dBFS (15 dB of gain
 * reduction with T -30, R 4, hard knee) and back: the gain in dB must move
 * 63 % of the way within the attack and release times +-20 %. */
static void attack_and_release_match_settings(void **state)
{
    (void)state;
    static const struct {
        double rate, attack, release;
    } cases[] = {
        {48000.0, 1.0, 50.0},   {48000.0, 10.0, 200.0},  {48000.0, 100.0, 2000.0},
        {8000.0, 20.0, 5.0},    {384000.0, 0.1, 5.0},    {44100.0, 200.0, 5000.0},
        {384000.0, 100.0, 2000.0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double rate = cases[k].rate;
        settings s = {-30.0, 4.0, 0.0, cases[k].attack, cases[k].release};
        wp_compressor *c = make(rate, 1, &s);
        size_t pre = (size_t)(0.05 * rate), hold = (size_t)(12.0 * s.attack * 1e-3 * rate) + 10,
               post = (size_t)(2.0 * s.release * 1e-3 * rate) + 10, n = pre + hold + post;
        float *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out);
        const float lo = (float)pow(10.0, -50.0 / 20.0), hi = (float)pow(10.0, -10.0 / 20.0);
        for (size_t i = 0; i < n; i++)
            in[i] = (i >= pre && i < pre + hold) ? hi : lo;
        memcpy(out, in, n * sizeof *in);
        run_mono(c, out, n);
        double full = curve_gain_db(-10.0, s.threshold, s.ratio, s.knee);
        double ta = time_to_63(in, out, pre, pre + hold, 0.0, full, rate) * 1000.0;
        double tr = time_to_63(in, out, pre + hold, n, full, 0.0, rate) * 1000.0;
        double settled = db(out[pre + hold - 1] / in[pre + hold - 1]);
        printf("# rate %.0f: attack %.1f ms measured %.3f, release %.0f ms measured %.3f\n", rate, s.attack, ta,
               s.release, tr);
        if (fabs(settled - full) > 0.01)
            fail_msg("rate %.0f: gain settled at %.3f dB, want %.3f", rate, settled, full);
        if (fabs(ta / s.attack - 1.0) > 0.2)
            fail_msg("rate %.0f: attack %.3f ms measured, set %.1f ms", rate, ta, s.attack);
        if (fabs(tr / s.release - 1.0) > 0.2)
            fail_msg("rate %.0f: release %.3f ms measured, set %.1f ms", rate, tr, s.release);
        free(in);
        free(out);
        wp_compressor_destroy(c);
    }
}

/* Output level of a settled DC input of `level_db` through c, in dB. */
static double settled_gain_db(wp_compressor *c, double level_db)
{
    wp_compressor_reset(c);
    float x[4800];
    const float v = (float)pow(10.0, level_db / 20.0);
    for (int pass = 0; pass < 10; pass++) {
        for (size_t i = 0; i < 4800; i++)
            x[i] = v;
        run_mono(c, x, 4800);
    }
    return db(x[4799] / v);
}

static void makeup_adds_exactly(void **state)
{
    (void)state;
    settings s = {-20.0, 4.0, 6.0, 1.0, 50.0};
    wp_compressor *c = make(RATE, 1, &s);
    double base = settled_gain_db(c, -6.0);
    if (fabs(base - curve_gain_db(-6.0, -20.0, 4.0, 6.0)) > 0.01)
        fail_msg("gain %.4f dB at -6 dB, want %.4f", base, curve_gain_db(-6.0, -20.0, 4.0, 6.0));
    static const double makeups[] = {0.5, 6.5, 12.0, 24.0};
    for (size_t k = 0; k < sizeof makeups / sizeof makeups[0]; k++) {
        assert_int_equal(wp_compressor_set_makeup_db(c, makeups[k]), WP_OK);
        double g = settled_gain_db(c, -6.0);
        if (fabs(g - base - makeups[k]) > 1e-3)
            fail_msg("makeup %.1f dB added %.5f dB", makeups[k], g - base);
    }
    /* Auto makeup: 0 dBFS comes out at 0 dBFS (plus the manual makeup). */
    assert_int_equal(wp_compressor_set_makeup_db(c, 0.0), WP_OK);
    assert_int_equal(wp_compressor_set_auto_makeup(c, 1), WP_OK);
    double g0 = settled_gain_db(c, 0.0);
    assert_int_equal(wp_compressor_set_makeup_db(c, 3.0), WP_OK);
    double g3 = settled_gain_db(c, 0.0);
    printf("# auto makeup: 0 dBFS -> %+.5f dB, with 3 dB manual %+.5f dB\n", g0, g3);
    if (fabs(g0) > 1e-3 || fabs(g3 - 3.0) > 1e-3)
        fail_msg("auto makeup: 0 dBFS gives %.5f dB (want 0), %.5f dB with +3 (want 3)", g0, g3);
    /* Off by default, and turning it off removes it. */
    assert_int_equal(wp_compressor_set_auto_makeup(c, 0), WP_OK);
    assert_int_equal(wp_compressor_set_makeup_db(c, 0.0), WP_OK);
    double off = settled_gain_db(c, 0.0);
    if (fabs(off - curve_gain_db(0.0, -20.0, 4.0, 6.0)) > 0.01)
        fail_msg("auto makeup off: %.4f dB at 0 dBFS", off);
    wp_compressor_destroy(c);
}

static void mix_enable_and_link(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    settings s = {-30.0, 4.0, 0.0, 1.0, 50.0};
    wp_compressor *c = make(RATE, 1, &s);
    /* -10 dBFS DC: gain -15 dB; half wet gives x (0.5 + 0.5 g). */
    assert_int_equal(wp_compressor_set_mix(c, 0.5), WP_OK);
    double g = pow(10.0, -15.0 / 20.0);
    double measured = pow(10.0, settled_gain_db(c, -10.0) / 20.0);
    if (fabs(measured - (0.5 + 0.5 * g)) > 1e-5)
        fail_msg("mix 0.5: gain %.6f, want %.6f", measured, 0.5 + 0.5 * g);
    wp_compressor_destroy(c);

    /* Dry (mix 0) and disabled are bit-exact pass-through. */
    for (int variant = 0; variant < 2; variant++) {
        c = make(RATE, 2, &s);
        if (variant == 0)
            assert_int_equal(wp_compressor_set_mix(c, 0.0), WP_OK);
        else
            assert_int_equal(wp_compressor_set_enabled(c, 0), WP_OK);
        wp_compressor_reset(c);
        float l[2048], r[2048], l0[2048], r0[2048];
        for (int i = 0; i < 2048; i++) {
            l0[i] = l[i] = test_rng_float(&rng);
            r0[i] = r[i] = test_rng_float(&rng);
        }
        float *ch[2] = {l, r};
        wp_compressor_process(c, ch, 2048);
        if (memcmp(l, l0, sizeof l) || memcmp(r, r0, sizeof r))
            fail_msg("%s is not a bit-exact pass-through", variant ? "disabled" : "mix 0");
        wp_compressor_destroy(c);
    }

    /* Linked: a loud left and a quiet right get the same gain every frame. */
    c = make(RATE, 2, &s);
    const size_t n = 9600;
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r), *l0 = malloc(n * sizeof *l0),
          *r0 = malloc(n * sizeof *r0);
    for (size_t i = 0; i < n; i++) {
        l0[i] = l[i] = (float)(0.9 * sin(2.0 * PI * 440.0 * (double)i / RATE));
        r0[i] = r[i] = (float)(0.01 * sin(2.0 * PI * 3000.0 * (double)i / RATE + 0.3));
    }
    float *ch[2] = {l, r};
    wp_compressor_process(c, ch, n);
    double worst = 0.0, min_gain = 1.0;
    for (size_t i = 0; i < n; i++) {
        if (fabsf(l0[i]) < 1e-3f || fabsf(r0[i]) < 1e-4f)
            continue;
        double gl = l[i] / l0[i], gr = r[i] / r0[i];
        worst = fmax(worst, fabs(gl / gr - 1.0));
        min_gain = fmin(min_gain, gl);
    }
    if (worst > 1e-6 || min_gain > 0.5)
        fail_msg("linked gains differ by %.3g (min gain %.3f)", worst, min_gain);
    wp_compressor_destroy(c);
    free(l);
    free(r);
    free(l0);
    free(r0);
}

/* A 100 Hz sine at -6 dBFS, attack 0.1 ms, release 1 s. A level parameter
 * that jumped without smoothing would move the gain by a good part of its
 * whole change within a sample or two (the attack is that fast): a click.
 * Gliding, the gain moves at most (change * smoothing coefficient) per
 * sample, so the output's second difference stays below the sine's own
 * curvature plus 2 * amp * that step (x2 margin). */
static void parameter_changes_do_not_click(void **state)
{
    (void)state;
    /* The change lands on a crest, where a jump would show most. */
    const size_t n = 48000, at = 24000 + 120;
    const double amp = 0.5, w = 2.0 * PI * 100.0 / RATE;
    const double coeff = 1.0 - exp(-1000.0 / (WP_COMPRESSOR_SMOOTH_MS * RATE));
    float *x = malloc(n * sizeof *x);
    static const char *what[] = {"threshold 0 -> -40", "detection peak -> rms", "ratio 1 -> 100",
                                 "knee 24 -> 0",       "makeup 0 -> 24",        "disable"};
    for (int k = 0; k < 6; k++) {
        settings s = {k == 0 ? 0.0 : k == 3 ? -10.0 : -30.0, k == 2 ? 1.0 : 4.0, k == 3 ? 24.0 : 0.0, 0.1, 1000.0};
        wp_compressor *c = make(RATE, 1, &s);
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(amp * sin(w * (double)i));
        run_mono(c, x, at);
        switch (k) {
        case 0: assert_int_equal(wp_compressor_set_threshold_db(c, -40.0), WP_OK); break;
        case 1: assert_int_equal(wp_compressor_set_detection(c, WP_COMPRESSOR_RMS), WP_OK); break;
        case 2: assert_int_equal(wp_compressor_set_ratio(c, 100.0), WP_OK); break;
        case 3: assert_int_equal(wp_compressor_set_knee_db(c, 0.0), WP_OK); break;
        case 4: assert_int_equal(wp_compressor_set_makeup_db(c, 24.0), WP_OK); break;
        default: assert_int_equal(wp_compressor_set_enabled(c, 0), WP_OK); break;
        }
        run_mono(c, x + at, n - at);
        /* Gains before and after from the peaks of the last cycles. */
        double before = test_max_abs(x, at - 960, at) / amp, after = test_max_abs(x, n - 960, n) / amp;
        double bound = 2.0 * (amp * w * w * fmax(before, after) + 2.0 * amp * coeff * fabs(after - before));
        double d = test_max_second_difference(x, at - 4800, n);
        printf("# %-22s gain %.3f -> %.3f, second difference %.3g (bound %.3g)\n", what[k], before, after, d, bound);
        if (fabs(after - before) < 0.01)
            fail_msg("%s: the gain did not change (%.4f -> %.4f)", what[k], before, after);
        if (d > bound)
            fail_msg("%s: second difference %.4g > %.4g (click)", what[k], d, bound);
        wp_compressor_destroy(c);
    }
    free(x);
}

/* The block-split test's processor: -24 dB, 6:1, knee 6 dB, 2/80 ms, stereo. */
static const settings split_settings = {-24.0, 6.0, 6.0, 2.0, 80.0};
TEST_SPLIT_FX(wp_compressor, make(RATE, 2, &split_settings))

static void split_changes(void *fx, size_t m)
{
    wp_compressor *c = fx;
    if (m == 1) {
        assert_int_equal(wp_compressor_set_detection(c, WP_COMPRESSOR_RMS), WP_OK);
        assert_int_equal(wp_compressor_set_threshold_db(c, -30.0), WP_OK);
        assert_int_equal(wp_compressor_set_mix(c, 0.7), WP_OK);
        assert_int_equal(wp_compressor_set_auto_makeup(c, 1), WP_OK);
    }
}

static void block_split_is_bit_identical(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    const size_t n = 48000, change = 20000;
    const size_t marks[] = {0, change, n};
    float *in_l = test_zeros(n), *in_r = test_zeros(n);
    /* Noise bursts at changing levels so the detector works throughout. */
    for (size_t i = 0; i < n; i++) {
        float env = (float)(0.05 + 0.95 * (((i / 3000) % 3) == 1));
        in_l[i] = env * test_rng_float(&rng);
        in_r[i] = env * test_rng_float(&rng);
    }
    const test_split t = {split_make, split_process, split_changes, split_destroy,
                          marks, sizeof marks / sizeof marks[0], 500};
    test_assert_block_split_invariant(&t, in_l, in_r, &rng, NULL);
    free(in_l);
    free(in_r);
}

static void bad_arguments_are_rejected(void **state)
{
    (void)state;
    wp_compressor *c = (wp_compressor *)&c;
    assert_int_equal(wp_compressor_create(7999.0, 1, &c), WP_ERR_OUT_OF_RANGE);
    assert_null(c);
    assert_int_equal(wp_compressor_create(48000.0, 3, &c), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_create(NAN, 1, &c), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_create(48000.0, 1, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_compressor_create(48000.0, 2, &c), WP_OK);
    assert_int_equal(wp_compressor_set_threshold_db(c, 0.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_threshold_db(c, -60.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_ratio(c, 0.99), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_ratio(c, 100.5), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_ratio(c, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_knee_db(c, 24.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_knee_db(c, -1.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_attack_ms(c, 0.09), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_attack_ms(c, 201.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_release_ms(c, 4.9), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_release_ms(c, 5001.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_makeup_db(c, -0.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_makeup_db(c, 24.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_mix(c, 1.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_detection(c, (wp_compressor_detection)5), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_compressor_set_threshold_db(NULL, -10.0), WP_ERR_INVALID_ARGUMENT);
    /* Defaults survived: T -18, R 4, knee 6 -> -10 dBFS gets -6 dB. */
    wp_compressor_destroy(c);
    assert_int_equal(wp_compressor_create(48000.0, 1, &c), WP_OK);
    assert_int_equal(wp_compressor_set_threshold_db(c, 5.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_compressor_set_ratio(c, 0.5), WP_ERR_OUT_OF_RANGE);
    double g = settled_gain_db(c, -10.0);
    if (fabs(g - curve_gain_db(-10.0, -18.0, 4.0, 6.0)) > 0.01)
        fail_msg("defaults after rejected setters: %.3f dB at -10 dBFS, want %.3f", g,
                 curve_gain_db(-10.0, -18.0, 4.0, 6.0));
    if (fabs(wp_compressor_gain_reduction_db(c) - 6.0) > 0.01)
        fail_msg("gain reduction meter reads %.3f dB, want 6", wp_compressor_gain_reduction_db(c));
    wp_compressor_destroy(c);
    wp_compressor_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(static_curve_matches_formula),
        cmocka_unit_test(attack_and_release_match_settings),
        cmocka_unit_test(makeup_adds_exactly),
        cmocka_unit_test(mix_enable_and_link),
        cmocka_unit_test(parameter_changes_do_not_click),
        cmocka_unit_test(block_split_is_bit_identical),
        cmocka_unit_test(bad_arguments_are_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
