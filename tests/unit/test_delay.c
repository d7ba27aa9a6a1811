#include "test_util.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "wavepool/delay.h"

#define PI 3.14159265358979323846

static wp_delay *make(double rate, int channels)
{
    wp_delay *d = NULL;
    assert_int_equal(wp_delay_create(rate, channels, &d), WP_OK);
    assert_non_null(d);
    return d;
}

/* A sine that fades in over 10 ms, so its own onset is not a click. */
static float *sine(size_t n, double freq, double rate, float amp)
{
    float *x = test_zeros(n);
    size_t ramp = (size_t)(0.01 * rate);
    for (size_t i = 0; i < n; i++) {
        double g = i < ramp ? 0.5 - 0.5 * cos(PI * (double)i / (double)ramp) : 1.0;
        x[i] = (float)(amp * g * sin(2.0 * PI * freq * (double)i / rate));
    }
    return x;
}

static void process(wp_delay *d, float *l, float *r, size_t n)
{
    float *ch[2] = {l, r};
    wp_delay_process(d, ch, n);
}

/* |DTFT| of x[0..n) at freq (Hz). */
static double dtft_mag(const float *x, size_t n, double freq, double rate)
{
    double re = 0, im = 0, w = 2.0 * PI * freq / rate;
    for (size_t i = 0; i < n; i++) {
        re += x[i] * cos(w * (double)i);
        im -= x[i] * sin(w * (double)i);
    }
    return hypot(re, im);
}

/* Largest |second difference| over x[from..to). */
static double max_d2(const float *x, size_t from, size_t to)
{
    double m = 0;
    for (size_t i = from + 2; i < to; i++)
        m = fmax(m, fabs((double)x[i] - 2.0 * x[i - 1] + x[i - 2]));
    return m;
}

static double rms(const float *x, size_t from, size_t to)
{
    double e = 0;
    for (size_t i = from; i < to; i++)
        e += (double)x[i] * x[i];
    return sqrt(e / (double)(to - from));
}

static void arguments_and_ranges_are_checked(void **state)
{
    (void)state;
    wp_delay *d = NULL;
    assert_int_equal(wp_delay_create(48000, 2, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_delay_create(7999, 1, &d), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_create(384001, 1, &d), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_create(NAN, 1, &d), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_create(48000, 0, &d), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_create(48000, 3, &d), WP_ERR_OUT_OF_RANGE);
    assert_null(d);

    d = make(48000, 2);
    assert_int_equal(wp_delay_set_time_ms(d, 1.0), WP_OK);
    assert_int_equal(wp_delay_set_time_ms(d, 2000.0), WP_OK);
    assert_int_equal(wp_delay_set_time_ms(d, 0.999), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_time_ms(d, 2000.001), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_time_ms(d, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_feedback(d, 0.95), WP_OK);
    assert_int_equal(wp_delay_set_feedback(d, 0.9501), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_feedback(d, -0.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_feedback(d, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_high_cut_hz(d, 20.0), WP_OK);
    assert_int_equal(wp_delay_set_high_cut_hz(d, 20000.0), WP_OK);
    assert_int_equal(wp_delay_set_high_cut_hz(d, 19.9), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_high_cut_hz(d, 20000.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_high_cut_hz(d, INFINITY), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_ping_pong(d, 1.0), WP_OK);
    assert_int_equal(wp_delay_set_ping_pong(d, 1.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_mix(d, 0.0), WP_OK);
    assert_int_equal(wp_delay_set_mix(d, -0.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_mix(d, NAN), WP_ERR_OUT_OF_RANGE);
    wp_delay_destroy(d);

    /* The high-cut must stay below 0.45 * rate. */
    d = make(8000, 1);
    assert_int_equal(wp_delay_set_high_cut_hz(d, 3600.0), WP_OK);
    assert_int_equal(wp_delay_set_high_cut_hz(d, 3601.0), WP_ERR_OUT_OF_RANGE);
    wp_delay_destroy(d);

    assert_int_equal(wp_delay_set_time_ms(NULL, 10.0), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_delay_set_enabled(NULL, true), WP_ERR_INVALID_ARGUMENT);
    wp_delay_destroy(NULL);
}

/* A rejected value must leave the old one in place: the output equals that
 * of an instance that never saw the bad calls. */
static void rejected_values_keep_the_old_setting(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    const size_t n = 48000;
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    float *l2 = test_zeros(n), *r2 = test_zeros(n);
    memcpy(l2, l, n * sizeof *l);
    memcpy(r2, r, n * sizeof *r);
    wp_delay *a = make(48000, 2), *b = make(48000, 2);
    wp_delay *both[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(wp_delay_set_time_ms(both[i], 123.4), WP_OK);
        assert_int_equal(wp_delay_set_feedback(both[i], 0.7), WP_OK);
        assert_int_equal(wp_delay_set_high_cut_hz(both[i], 3000), WP_OK);
        assert_int_equal(wp_delay_set_ping_pong(both[i], 0.3), WP_OK);
        assert_int_equal(wp_delay_set_mix(both[i], 0.6), WP_OK);
    }
    assert_int_equal(wp_delay_set_time_ms(b, 5000), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_feedback(b, 1.5), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_high_cut_hz(b, 1e6), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_ping_pong(b, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_delay_set_mix(b, 2), WP_ERR_OUT_OF_RANGE);
    process(a, l, r, n);
    process(b, l2, r2, n);
    assert_memory_equal(l, l2, n * sizeof *l);
    assert_memory_equal(r, r2, n * sizeof *r);
    wp_delay_destroy(a);
    wp_delay_destroy(b);
    free(l), free(r), free(l2), free(r2);
}

/* Impulse in, echoes out: echo k starts exactly at sample k*D; its first
 * sample is (feedback * b0)^(k-1) (b0 = the high-cut's first impulse
 * response sample), its sum is feedback^(k-1) (unity DC gain), and at the
 * high-cut frequency each pass loses 20 log10(feedback) - 3.01 dB. */
static void impulse_echoes_on_exact_samples_shaped_by_the_high_cut(void **state)
{
    (void)state;
    const double rate = 48000, fb = 0.6, fc = 3000;
    const size_t delay = 480, echoes = 6, n = delay * (echoes + 1);
    wp_delay *d = make(rate, 1);
    assert_int_equal(wp_delay_set_time_ms(d, 10.0), WP_OK);
    assert_int_equal(wp_delay_set_feedback(d, fb), WP_OK);
    assert_int_equal(wp_delay_set_high_cut_hz(d, fc), WP_OK);
    assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
    wp_delay_reset(d);
    float *x = test_zeros(n);
    x[0] = 1.0f;
    process(d, x, NULL, n);

    double k_bl = tan(PI * fc / rate), b0 = k_bl / (1.0 + k_bl);
    for (size_t i = 0; i < delay; i++)
        if (x[i] != 0.0f)
            fail_msg("output before the first echo: x[%zu] = %g", i, (double)x[i]);
    assert_true(x[delay] == 1.0f);
    double worst_sum = 0, worst_first = 0, worst_db = 0, worst_low_db = 0;
    for (size_t k = 1; k <= echoes; k++) {
        const float *e = x + k * delay;
        if (fabsf(e[-1]) > 1e-20f)
            fail_msg("echo %zu starts early: sample before it is %g", k, (double)e[-1]);
        double sum = 0;
        for (size_t i = 0; i < delay; i++)
            sum += e[i];
        double want_sum = pow(fb, (double)(k - 1)), want_first = pow(fb * b0, (double)(k - 1));
        worst_sum = fmax(worst_sum, fabs(sum / want_sum - 1.0));
        worst_first = fmax(worst_first, fabs(e[0] / want_first - 1.0));
        if (k > 1) {
            double db = 20.0 * log10(dtft_mag(e, delay, fc, rate) / dtft_mag(e - delay, delay, fc, rate));
            worst_db = fmax(worst_db, fabs(db - (20.0 * log10(fb) - 10.0 * log10(2.0))));
            double low = 20.0 * log10(dtft_mag(e, delay, 50.0, rate) / dtft_mag(e - delay, delay, 50.0, rate));
            double lp50 = 1.0 / sqrt(1.0 + pow(tan(PI * 50.0 / rate) / k_bl, 2.0));
            worst_low_db = fmax(worst_low_db, fabs(low - 20.0 * log10(fb * lp50)));
        }
    }
    printf("# echo sums: worst relative error %.2e; first samples %.2e; "
           "per-pass loss at %g Hz: worst error %.2e dB, at 50 Hz %.2e dB\n",
           worst_sum, worst_first, fc, worst_db, worst_low_db);
    if (worst_sum > 1e-4 || worst_first > 1e-4)
        fail_msg("echo amplitudes off: sums %.3g, first samples %.3g", worst_sum, worst_first);
    if (worst_db > 0.02 || worst_low_db > 0.02)
        fail_msg("high-cut shaping off by %.4f dB at fc, %.4f dB at 50 Hz", worst_db, worst_low_db);
    wp_delay_destroy(d);
    free(x);
}

/* Ping-pong 1: an impulse on the left comes back left, right, left, ...,
 * with nothing in the other channel; ping-pong 0 keeps it on the left. */
static void ping_pong_alternates_channels(void **state)
{
    (void)state;
    const size_t delay = 441, n = delay * 7;
    for (int pp = 0; pp <= 1; pp++) {
        wp_delay *d = make(44100, 2);
        assert_int_equal(wp_delay_set_time_ms(d, 10.0), WP_OK);
        assert_int_equal(wp_delay_set_feedback(d, 0.7), WP_OK);
        assert_int_equal(wp_delay_set_high_cut_hz(d, 8000), WP_OK);
        assert_int_equal(wp_delay_set_ping_pong(d, pp), WP_OK);
        assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
        wp_delay_reset(d);
        float *l = test_zeros(n), *r = test_zeros(n);
        l[0] = 1.0f;
        process(d, l, r, n);
        for (size_t k = 1; k <= 6; k++) {
            double el = rms(l, k * delay, (k + 1) * delay), er = rms(r, k * delay, (k + 1) * delay);
            bool left = !pp || (k % 2 == 1);
            double on = left ? el : er, off = left ? er : el;
            /* Ping-pong feeds the mono sum (L + R)/2: half the impulse. */
            double first = (left ? l : r)[k * delay], want = (pp ? 0.5 : 1.0) * (k == 1 ? 1.0 : 0.0);
            if (k == 1 && first != want)
                fail_msg("ping_pong %d: first echo %g, want %g", pp, first, want);
            if (!(on > 1e-3) || off != 0.0)
                fail_msg("ping_pong %d echo %zu: rms %g in its channel, %g in the other", pp, k, on, off);
        }
        wp_delay_destroy(d);
        free(l), free(r);
    }
}

/* A sine delayed by a fractional number of samples has exactly the phase
 * of the ideal delay: least-squares fit of the output's phase and
 * amplitude against sin(w (n - D)). */
static void fractional_delays_interpolate(void **state)
{
    (void)state;
    const double rate = 48000;
    const double fracs[] = {0.25, 0.5, 0.7};
    /* Bounds a little above the 4-point cubic's own error at these
     * frequencies (at 4 kHz any 4-point cubic is 0.015 dB low at a half
     * sample); rounding to the nearest sample would be off by up to
     * pi * f / rate rad: 0.03 rad at 440 Hz. */
    const double freqs[] = {440.0, 1000.0, 4000.0};
    const double max_phase[] = {1e-5, 1e-4, 3e-3}, max_db[] = {1e-4, 2e-4, 0.02};
    const size_t n = 8192, from = 2048;
    for (size_t fi = 0; fi < 3; fi++) {
        double worst_phase = 0, worst_db = 0;
        for (size_t k = 0; k < 3; k++) {
            double samples = 480.0 + fracs[k];
            wp_delay *d = make(rate, 1);
            assert_int_equal(wp_delay_set_time_ms(d, samples * 1000.0 / rate), WP_OK);
            assert_int_equal(wp_delay_set_feedback(d, 0.0), WP_OK);
            assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
            wp_delay_reset(d);
            float *x = test_zeros(n);
            double w = 2.0 * PI * freqs[fi] / rate;
            for (size_t i = 0; i < n; i++)
                x[i] = (float)(0.5 * sin(w * (double)i));
            process(d, x, NULL, n);
            /* y ~ a sin(w(n - D)) + b cos(w(n - D)): ideal is a = 0.5, b = 0. */
            double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
            for (size_t i = from; i < n; i++) {
                double s = sin(w * ((double)i - samples)), c = cos(w * ((double)i - samples));
                ss += s * s, cc += c * c, sc += s * c, ys += x[i] * s, yc += x[i] * c;
            }
            double det = ss * cc - sc * sc;
            double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
            worst_phase = fmax(worst_phase, fabs(atan2(b, a)));
            worst_db = fmax(worst_db, fabs(20.0 * log10(hypot(a, b) / 0.5)));
            wp_delay_destroy(d);
            free(x);
        }
        printf("# fractional delay, %g Hz at 48 kHz: worst phase error %.2e rad, gain error %.2e dB\n",
               freqs[fi], worst_phase, worst_db);
        if (worst_phase > max_phase[fi] || worst_db > max_db[fi])
            fail_msg("%g Hz: phase error %.3g rad, gain error %.3g dB", freqs[fi], worst_phase, worst_db);
    }
}

/* Changing any parameter while a sine plays must not click: the second
 * difference of the output stays within 1.5x that of a sine of the
 * output's peak level (a click or step is orders of magnitude above it). */
static void parameter_changes_do_not_click(void **state)
{
    (void)state;
    const double rate = 48000, freq = 440;
    const size_t n = (size_t)(6 * rate), settle = (size_t)(2 * rate);
    for (int ch = 1; ch <= 2; ch++) {
        /* One frequency in both channels: ping-pong mixes them. */
        float *l = sine(n, freq, rate, 0.5f), *r = sine(n, freq, rate, 0.3f);
        wp_delay *d = make(rate, ch);
        assert_int_equal(wp_delay_set_time_ms(d, 300), WP_OK);
        assert_int_equal(wp_delay_set_feedback(d, 0.5), WP_OK);
        assert_int_equal(wp_delay_set_mix(d, 0.5), WP_OK);
        wp_delay_reset(d);
        const size_t step = (size_t)(0.25 * rate);
        size_t pos = 0;
        for (int k = 0; pos < n; k++) {
            size_t len = pos == 0 ? settle : step;
            len = len < n - pos ? len : n - pos;
            process(d, l + pos, ch == 2 ? r + pos : NULL, len);
            pos += len;
            switch (k) {
            case 0: assert_int_equal(wp_delay_set_time_ms(d, 123.4567), WP_OK); break;
            case 1: assert_int_equal(wp_delay_set_time_ms(d, 1700), WP_OK); break;
            case 2: assert_int_equal(wp_delay_set_time_ms(d, 1.5), WP_OK);
                    assert_int_equal(wp_delay_set_feedback(d, 0.95), WP_OK); break;
            case 3: assert_int_equal(wp_delay_set_high_cut_hz(d, 200), WP_OK);
                    assert_int_equal(wp_delay_set_ping_pong(d, 1.0), WP_OK); break;
            case 4: assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
                    assert_int_equal(wp_delay_set_feedback(d, 0.0), WP_OK); break;
            case 5: assert_int_equal(wp_delay_set_enabled(d, false), WP_OK); break;
            case 6: assert_int_equal(wp_delay_set_enabled(d, true), WP_OK);
                    assert_int_equal(wp_delay_set_time_ms(d, 700), WP_OK); break;
            default: break;
            }
        }
        for (int c = 0; c < ch; c++) {
            const float *y = c ? r : l;
            double w = 2.0 * PI * freq / rate;
            double limit = 1.5 * 4.0 * pow(sin(w / 2.0), 2.0) * test_max_abs(y, settle / 2, n);
            double got = max_d2(y, settle / 2, n);
            printf("# %d ch, channel %d: max second difference %.3g = %.2f x that of a sine at the "
                   "output peak; limit 1.5\n", ch, c, got, 1.5 * got / limit);
            if (got > limit)
                fail_msg("click: second difference %.4g > %.4g", got, limit);
        }
        wp_delay_destroy(d);
        free(l), free(r);
    }
}

/* Feedback at its maximum with the high-cut wide open, with and without
 * ping-pong: 10 s of noise stays bounded and does not grow, and the echoes
 * die away afterwards. */
static void stable_at_maximum_feedback(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    const double rate = 48000;
    const size_t sec = (size_t)rate, n = 20 * sec;
    for (int pp = 0; pp <= 1; pp++) {
        wp_delay *d = make(rate, 2);
        assert_int_equal(wp_delay_set_time_ms(d, 50), WP_OK);
        assert_int_equal(wp_delay_set_feedback(d, 0.95), WP_OK);
        assert_int_equal(wp_delay_set_high_cut_hz(d, 20000), WP_OK);
        assert_int_equal(wp_delay_set_ping_pong(d, pp), WP_OK);
        assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
        wp_delay_reset(d);
        float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
        memset(l + n / 2, 0, n / 2 * sizeof *l);
        memset(r + n / 2, 0, n / 2 * sizeof *r);
        process(d, l, r, n);
        double in_rms = 0.5 / sqrt(3.0);
        double a = rms(l, 8 * sec, 9 * sec), b = rms(l, 9 * sec, 10 * sec);
        double tail = rms(l, 19 * sec, 20 * sec);
        printf("# ping_pong %d: rms 8-9 s %.3f, 9-10 s %.3f (input %.3f), 9 s after the input %.2e\n",
               pp, a, b, in_rms, tail);
        if (!(b < 10.0 * in_rms) || fabs(20.0 * log10(b / a)) > 1.0)
            fail_msg("ping_pong %d: unstable or growing: %g then %g", pp, a, b);
        if (!(tail < 1e-3 * b))
            fail_msg("ping_pong %d: echoes do not die away: %g", pp, tail);
        wp_delay_destroy(d);
        free(l), free(r);
    }
}

/* mix 0 gives the input bit for bit; a finished bypass does too, and
 * re-enabling brings the echoes back. */
static void mix_zero_and_bypass_are_exactly_dry(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 2);
    const size_t n = 48000;
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    float *l0 = test_zeros(n), *r0 = test_zeros(n);
    memcpy(l0, l, n * sizeof *l);
    memcpy(r0, r, n * sizeof *r);
    wp_delay *d = make(48000, 2);
    assert_int_equal(wp_delay_set_mix(d, 0.0), WP_OK);
    assert_int_equal(wp_delay_set_feedback(d, 0.9), WP_OK);
    wp_delay_reset(d);
    process(d, l, r, n);
    assert_memory_equal(l, l0, n * sizeof *l);
    assert_memory_equal(r, r0, n * sizeof *r);

    assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
    assert_int_equal(wp_delay_set_enabled(d, false), WP_OK);
    process(d, l, r, n / 2); /* fades out */
    memcpy(l, l0, n * sizeof *l);
    memcpy(r, r0, n * sizeof *r);
    process(d, l, r, n);
    assert_memory_equal(l, l0, n * sizeof *l);
    assert_memory_equal(r, r0, n * sizeof *r);

    assert_int_equal(wp_delay_set_enabled(d, true), WP_OK);
    memset(l, 0, n * sizeof *l);
    memset(r, 0, n * sizeof *r);
    const size_t click = 24000, at = click + (size_t)(0.375 * 48000);
    l[click] = 1.0f;
    process(d, l, r, n);
    /* The cleared history means the only echo is of the new impulse (sent
     * once the fade-in is complete). */
    if (l[at] != 1.0f || test_max_abs(l, 0, click) > 0.0 || test_max_abs(l, click + 1, at) > 0.0)
        fail_msg("after re-enabling: echo %g at %zu, max before %g", l[at], at, test_max_abs(l, click + 1, at));
    wp_delay_destroy(d);
    free(l), free(r), free(l0), free(r0);
}

/* The block-split test's processor: a 44.1 kHz stereo delay. */
TEST_SPLIT_FX(wp_delay, make(44100, 2))

/* The parameter changes at the block-split test's marks. */
static void split_changes(void *fx, size_t m)
{
    wp_delay *d = fx;
    switch (m) {
    case 1: assert_int_equal(wp_delay_set_time_ms(d, 77.7), WP_OK);
            assert_int_equal(wp_delay_set_feedback(d, 0.8), WP_OK);
            assert_int_equal(wp_delay_set_ping_pong(d, 0.6), WP_OK); break;
    case 2: assert_int_equal(wp_delay_set_high_cut_hz(d, 1234), WP_OK);
            assert_int_equal(wp_delay_set_time_ms(d, 31.25), WP_OK);
            assert_int_equal(wp_delay_set_enabled(d, false), WP_OK); break;
    case 3: assert_int_equal(wp_delay_set_enabled(d, true), WP_OK);
            assert_int_equal(wp_delay_set_mix(d, 0.9), WP_OK); break;
    case 4: assert_int_equal(wp_delay_set_time_ms(d, 500), WP_OK); break;
    default: break;
    }
}

/* The same input and parameter changes give bit-identical output for any
 * split into blocks (including bypass, which stops mid-block). */
static void output_is_independent_of_block_size(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 3);
    const size_t n = 60000;
    const size_t marks[] = {0, 9000, 21000, 33000, 47000, n};
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    const test_split t = {split_make, split_process, split_changes, split_destroy,
                          marks, sizeof marks / sizeof marks[0], 3000};
    test_assert_block_split_invariant(&t, l, r, &rng, NULL);
    free(l), free(r);
}

/* Echoes die away to exact zero instead of lingering as denormals (slow
 * on x86 and in wasm): no output sample is ever denormal. */
static void silence_decays_to_exact_zero(void **state)
{
    (void)state;
    const double rate = 48000;
    const size_t n = (size_t)(3 * rate);
    wp_delay *d = make(rate, 2);
    assert_int_equal(wp_delay_set_time_ms(d, 10.0), WP_OK);
    assert_int_equal(wp_delay_set_feedback(d, 0.5), WP_OK);
    assert_int_equal(wp_delay_set_ping_pong(d, 0.5), WP_OK);
    assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
    wp_delay_reset(d);
    float *l = test_zeros(n), *r = test_zeros(n);
    l[0] = 1.0f;
    process(d, l, r, n);
    size_t last = 0;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 2; c++) {
            float y = c ? r[i] : l[i];
            if (y != 0.0f && fabsf(y) < FLT_MIN)
                fail_msg("denormal output %g at %zu", y, i);
            if (y != 0.0f)
                last = i;
        }
    printf("# feedback 0.5 every 10 ms: last non-zero output at %.3f s\n", (double)last / rate);
    if (last > (size_t)(2.5 * rate))
        fail_msg("echoes still non-zero at %.3f s", (double)last / rate);
    wp_delay_destroy(d);
    free(l), free(r);
}

/* The extremes of rate and time: 1 ms at 8 kHz is 8 samples; 2000 ms at
 * 384 kHz is 768000 samples (the whole allocated line). */
static void extreme_rates_and_times(void **state)
{
    (void)state;
    const struct { double rate, ms; size_t at; } cases[] = {{8000, 1, 8}, {384000, 2000, 768000}};
    for (size_t c = 0; c < 2; c++) {
        wp_delay *d = make(cases[c].rate, 1);
        assert_int_equal(wp_delay_set_time_ms(d, cases[c].ms), WP_OK);
        assert_int_equal(wp_delay_set_mix(d, 1.0), WP_OK);
        assert_int_equal(wp_delay_set_feedback(d, 0.0), WP_OK);
        wp_delay_reset(d);
        size_t n = 3 * cases[c].at;
        float *x = test_zeros(n);
        x[0] = 1.0f;
        process(d, x, NULL, n);
        if (x[cases[c].at] != 1.0f || test_max_abs(x, 0, cases[c].at) != 0.0 ||
            test_max_abs(x, cases[c].at + 1, n) != 0.0)
            fail_msg("rate %g, %g ms: echo %g at %zu, max elsewhere %g, %g", cases[c].rate, cases[c].ms,
                     x[cases[c].at], cases[c].at, test_max_abs(x, 0, cases[c].at),
                     test_max_abs(x, cases[c].at + 1, n));
        wp_delay_destroy(d);
        free(x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arguments_and_ranges_are_checked),
        cmocka_unit_test(rejected_values_keep_the_old_setting),
        cmocka_unit_test(impulse_echoes_on_exact_samples_shaped_by_the_high_cut),
        cmocka_unit_test(ping_pong_alternates_channels),
        cmocka_unit_test(fractional_delays_interpolate),
        cmocka_unit_test(parameter_changes_do_not_click),
        cmocka_unit_test(stable_at_maximum_feedback),
        cmocka_unit_test(mix_zero_and_bypass_are_exactly_dry),
        cmocka_unit_test(output_is_independent_of_block_size),
        cmocka_unit_test(extreme_rates_and_times),
        cmocka_unit_test(silence_decays_to_exact_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
