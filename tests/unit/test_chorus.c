#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/chorus.h"

#define PI 3.14159265358979323846

static wp_chorus *make(double rate, int channels)
{
    wp_chorus *c = NULL;
    assert_int_equal(wp_chorus_create(rate, channels, &c), WP_OK);
    assert_non_null(c);
    return c;
}

static void process(wp_chorus *c, float *l, float *r, size_t n)
{
    float *ch[2] = {l, r};
    wp_chorus_process(c, ch, n);
}

static void set_all(wp_chorus *c, double rate, double depth, double delay, int voices, double spread,
                    double mix)
{
    assert_int_equal(wp_chorus_set_rate_hz(c, rate), WP_OK);
    assert_int_equal(wp_chorus_set_depth_ms(c, depth), WP_OK);
    assert_int_equal(wp_chorus_set_delay_ms(c, delay), WP_OK);
    assert_int_equal(wp_chorus_set_voices(c, voices), WP_OK);
    assert_int_equal(wp_chorus_set_spread(c, spread), WP_OK);
    assert_int_equal(wp_chorus_set_mix(c, mix), WP_OK);
    wp_chorus_reset(c);
}

static void arguments_and_ranges_are_checked(void **state)
{
    (void)state;
    wp_chorus *c = NULL;
    assert_int_equal(wp_chorus_create(48000, 2, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_chorus_create(7999, 1, &c), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_create(384001, 1, &c), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_create(48000, 0, &c), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_create(48000, 3, &c), WP_ERR_OUT_OF_RANGE);
    assert_null(c);
    c = make(48000, 2);
    assert_int_equal(wp_chorus_set_rate_hz(c, 0.05), WP_OK);
    assert_int_equal(wp_chorus_set_rate_hz(c, 10.0), WP_OK);
    assert_int_equal(wp_chorus_set_rate_hz(c, 0.049), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_rate_hz(c, 10.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_rate_hz(c, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_depth_ms(c, 0.0), WP_OK);
    assert_int_equal(wp_chorus_set_depth_ms(c, 20.0), WP_OK);
    assert_int_equal(wp_chorus_set_depth_ms(c, -0.001), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_depth_ms(c, 20.001), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_delay_ms(c, 1.0), WP_OK);
    assert_int_equal(wp_chorus_set_delay_ms(c, 40.0), WP_OK);
    assert_int_equal(wp_chorus_set_delay_ms(c, 0.99), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_delay_ms(c, 40.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_delay_ms(c, INFINITY), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_voices(c, 1), WP_OK);
    assert_int_equal(wp_chorus_set_voices(c, WP_CHORUS_MAX_VOICES), WP_OK);
    assert_int_equal(wp_chorus_set_voices(c, 0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_voices(c, WP_CHORUS_MAX_VOICES + 1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_spread(c, 1.0), WP_OK);
    assert_int_equal(wp_chorus_set_spread(c, 1.001), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_spread(c, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_mix(c, 1.0), WP_OK);
    assert_int_equal(wp_chorus_set_mix(c, -0.1), WP_ERR_OUT_OF_RANGE);
    wp_chorus_destroy(c);
    assert_int_equal(wp_chorus_set_mix(NULL, 0.5), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_chorus_set_voices(NULL, 2), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_chorus_set_enabled(NULL, false), WP_ERR_INVALID_ARGUMENT);
    wp_chorus_destroy(NULL);
}

static void rejected_values_keep_the_old_setting(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    const size_t n = 30000;
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    float *l2 = test_copy(l, n), *r2 = test_copy(r, n);
    wp_chorus *a = make(48000, 2), *b = make(48000, 2);
    set_all(a, 1.7, 5.0, 8.0, 3, 0.4, 0.7);
    set_all(b, 1.7, 5.0, 8.0, 3, 0.4, 0.7);
    assert_int_equal(wp_chorus_set_rate_hz(b, 20), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_depth_ms(b, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_delay_ms(b, 0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_voices(b, 9), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_spread(b, -1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_chorus_set_mix(b, 1.5), WP_ERR_OUT_OF_RANGE);
    process(a, l, r, n);
    process(b, l2, r2, n);
    assert_memory_equal(l, l2, n * sizeof *l);
    assert_memory_equal(r, r2, n * sizeof *r);
    wp_chorus_destroy(a);
    wp_chorus_destroy(b);
    free(l), free(r), free(l2), free(r2);
}

/* depth 0: every voice is the input delayed by exactly delay_ms, so the
 * output is (1 - mix) x[n] + mix x[n - D] for any voice count. */
static void depth_zero_is_dry_plus_the_exact_delay(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    const size_t n = 6000, d = 480; /* 10 ms at 48 kHz */
    const double mix = 0.3;
    double worst = 0;
    for (int voices = 1; voices <= WP_CHORUS_MAX_VOICES; voices++) {
        for (int ch = 1; ch <= 2; ch++) {
            float *l = test_noise(&rng, n, 0.9f), *r = test_noise(&rng, n, 0.9f);
            float *l0 = test_copy(l, n), *r0 = test_copy(r, n);
            wp_chorus *c = make(48000, ch);
            set_all(c, 3.0, 0.0, 10.0, voices, 1.0, mix);
            process(c, l, ch == 2 ? r : NULL, n);
            for (int k = 0; k < ch; k++) {
                const float *y = k ? r : l, *x = k ? r0 : l0;
                for (size_t i = 0; i < n; i++) {
                    double delayed = i >= d ? x[i - d] : 0.0;
                    worst = fmax(worst, fabs(y[i] - ((1.0 - mix) * x[i] + mix * delayed)));
                }
            }
            wp_chorus_destroy(c);
            free(l), free(r), free(l0), free(r0);
        }
    }
    printf("# depth 0, voices 1..%d: worst deviation from dry + delayed %.2e\n", WP_CHORUS_MAX_VOICES,
           worst);
    if (worst > 3e-7)
        fail_msg("depth 0 output deviates by %g", worst);
}

/* The whole documented voice formula: for a sum of low sines (where the
 * ideal fractional delay is known analytically) the output must equal
 * (1/N) sum_v x(n - D_v,c(n)) with
 * D = delay + depth (1 - cos 2 pi (rate n / fs + v/N + c spread/(2N))) / 2. */
static void output_follows_the_documented_voice_formula(void **state)
{
    (void)state;
    const double fs = 48000, rate = 1.3, depth = 4.0, delay = 7.0, spread = 0.6;
    const double f[3] = {220.0, 331.0, 467.0}, a[3] = {0.4, 0.3, 0.2}, ph[3] = {0.1, 1.7, 2.9};
    const size_t n = 96000, from = 4800;
    double worst = 0;
    for (int voices = 1; voices <= 5; voices += 2) {
        float *l = test_zeros(n), *r = test_zeros(n);
        for (size_t i = 0; i < n; i++) {
            double x = 0;
            for (int k = 0; k < 3; k++)
                x += a[k] * sin(2.0 * PI * f[k] * (double)i / fs + ph[k]);
            l[i] = r[i] = (float)x;
        }
        wp_chorus *c = make(fs, 2);
        set_all(c, rate, depth, delay, voices, spread, 1.0);
        process(c, l, r, n);
        for (int ch = 0; ch < 2; ch++) {
            const float *y = ch ? r : l;
            for (size_t i = from; i < n; i++) {
                double want = 0;
                for (int v = 0; v < voices; v++) {
                    double p = rate * (double)i / fs + (double)v / voices + ch * spread / (2.0 * voices);
                    double dly = (delay + depth * (1.0 - cos(2.0 * PI * p)) / 2.0) * fs / 1000.0;
                    for (int k = 0; k < 3; k++)
                        want += a[k] * sin(2.0 * PI * f[k] * ((double)i - dly) / fs + ph[k]) / voices;
                }
                worst = fmax(worst, fabs(y[i] - want));
            }
        }
        wp_chorus_destroy(c);
        free(l), free(r);
    }
    printf("# voices 1, 3, 5 at spread 0.6: worst deviation from the formula %.2e (signal peak 0.9)\n",
           worst);
    if (worst > 2e-4)
        fail_msg("output deviates from the documented formula by %g", worst);
}

/* Measures the delay trajectory without knowing the formula: cross-
 * correlation of short windows of the output with the input (low-passed
 * noise, so the peak is smooth enough for parabolic refinement). One
 * voice: the delay sweeps delay_ms..delay_ms + depth_ms at rate_hz, and with
 * spread 1 the right channel sweeps in antiphase. */
static void measured_delay_sweep_matches_rate_depth_and_spread(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 2);
    const double fs = 48000, rate = 1.0, depth = 6.0, delay = 5.0;
    const size_t n = (size_t)(3.2 * fs), win = 512, hop = 240;
    float *x = test_zeros(n);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        s1 += 0.3 * (test_rng_float(&rng) - s1);
        s2 += 0.3 * (s1 - s2);
        x[i] = (float)s2;
    }
    for (int spread10 = 0; spread10 <= 10; spread10 += 5) {
        float *l = test_copy(x, n), *r = test_copy(x, n);
        wp_chorus *c = make(fs, 2);
        set_all(c, rate, depth, delay, 1, spread10 / 10.0, 1.0);
        process(c, l, r, n);
        /* Exactly three LFO periods, so the phase fit below sees whole cycles. */
        size_t count = (size_t)(3.0 / rate * fs) / hop;
        assert_true(1200 + count * hop + win <= n);
        double *traj[2];
        for (int ch = 0; ch < 2; ch++) {
            const float *y = ch ? r : l;
            traj[ch] = malloc(count * sizeof *traj[ch]);
            assert_non_null(traj[ch]);
            for (size_t w = 0; w < count; w++) {
                size_t t0 = 1200 + w * hop;
                /* Lags 4..12 ms: coarse every 4 samples, then every sample. */
                double best = -1e300;
                long best_lag = 0;
                for (long lag = 192; lag <= 576; lag += 4) {
                    double acc = 0;
                    for (size_t i = 0; i < win; i++)
                        acc += (double)y[t0 + i] * x[t0 + i - (size_t)lag];
                    if (acc > best)
                        best = acc, best_lag = lag;
                }
                double cc[11];
                for (long k = -5; k <= 5; k++) {
                    double acc = 0;
                    for (size_t i = 0; i < win; i++)
                        acc += (double)y[t0 + i] * x[t0 + i - (size_t)(best_lag + k)];
                    cc[k + 5] = acc;
                }
                int m = 1;
                for (int k = 1; k < 10; k++)
                    if (cc[k] > cc[m])
                        m = k;
                double frac = 0.5 * (cc[m - 1] - cc[m + 1]) / (cc[m - 1] - 2.0 * cc[m] + cc[m + 1]);
                /* The window centre's delay, in ms. */
                traj[ch][w] = (double)(best_lag + m - 5 + frac) * 1000.0 / fs;
            }
        }
        double lo = 1e9, hi = -1e9, mean[2] = {0, 0};
        for (size_t w = 0; w < count; w++) {
            lo = fmin(lo, traj[0][w]);
            hi = fmax(hi, traj[0][w]);
            mean[0] += traj[0][w] / (double)count;
            mean[1] += traj[1][w] / (double)count;
        }
        /* Rate from the upward zero crossings of the left trajectory. */
        double first = -1, last = -1;
        int crossings = 0;
        for (size_t w = 1; w < count; w++) {
            double a = traj[0][w - 1] - mean[0], b = traj[0][w] - mean[0];
            if (a < 0 && b >= 0) {
                double t = ((double)(w - 1) + a / (a - b)) * (double)hop / fs;
                if (first < 0)
                    first = t;
                else
                    crossings++;
                last = t;
            }
        }
        double measured_rate = crossings / (last - first);
        /* Phase lag of the right sweep behind the left, in cycles. */
        double cl = 0, sl = 0, cr = 0, sr = 0;
        for (size_t w = 0; w < count; w++) {
            double t = 2.0 * PI * measured_rate * (double)w * (double)hop / fs;
            cl += (traj[0][w] - mean[0]) * cos(t), sl += (traj[0][w] - mean[0]) * sin(t);
            cr += (traj[1][w] - mean[1]) * cos(t), sr += (traj[1][w] - mean[1]) * sin(t);
        }
        double lag = (atan2(sl, cl) - atan2(sr, cr)) / (2.0 * PI);
        lag -= floor(lag + 0.5);
        double want_lag = spread10 / 10.0 / 2.0;
        printf("# spread %.1f: sweep %.3f..%.3f ms (want %.1f..%.1f), rate %.4f Hz (want %.1f), "
               "right lags left by %.4f cycles (want %.2f)\n",
               spread10 / 10.0, lo, hi, delay, delay + depth, measured_rate, rate, fabs(lag), want_lag);
        if (fabs(lo - delay) > 0.05 || fabs(hi - (delay + depth)) > 0.05)
            fail_msg("sweep %g..%g ms, want %g..%g", lo, hi, delay, delay + depth);
        if (fabs(measured_rate - rate) > 0.01 * rate)
            fail_msg("rate %g Hz, want %g", measured_rate, rate);
        if (fabs(fabs(lag) - want_lag) > 0.01)
            fail_msg("stereo lag %g cycles, want %g", fabs(lag), want_lag);
        if (spread10 == 0)
            assert_memory_equal(l, r, n * sizeof *l);
        wp_chorus_destroy(c);
        free(traj[0]), free(traj[1]), free(l), free(r);
    }
    free(x);
}

/* Every parameter changed while a sine plays: the second difference stays
 * within twice that of a sine at the output's peak (the LFO bends the pitch
 * by a few per cent; a click or step would be far above). */
static void parameter_changes_do_not_click(void **state)
{
    (void)state;
    const double fs = 48000, freq = 300;
    const size_t n = (size_t)(5 * fs), settle = (size_t)fs, step = (size_t)(0.2 * fs);
    const size_t ramp = (size_t)(0.01 * fs);
    for (int ch = 1; ch <= 2; ch++) {
        float *l = test_zeros(n), *r = test_zeros(n);
        for (size_t i = 0; i < n; i++) {
            double g = i < ramp ? 0.5 - 0.5 * cos(PI * (double)i / (double)ramp) : 1.0;
            l[i] = (float)(0.5 * g * sin(2.0 * PI * freq * (double)i / fs));
            r[i] = (float)(0.4 * g * sin(2.0 * PI * freq * (double)i / fs + 1.0));
        }
        wp_chorus *c = make(fs, ch);
        set_all(c, 0.8, 3.0, 10.0, 3, 1.0, 0.5);
        size_t pos = 0;
        for (int k = 0; pos < n; k++) {
            size_t len = pos == 0 ? settle : step;
            len = len < n - pos ? len : n - pos;
            process(c, l + pos, ch == 2 ? r + pos : NULL, len);
            pos += len;
            switch (k) {
            case 0: assert_int_equal(wp_chorus_set_rate_hz(c, 4.0), WP_OK); break;
            case 1: assert_int_equal(wp_chorus_set_depth_ms(c, 6.0), WP_OK); break;
            case 2: assert_int_equal(wp_chorus_set_delay_ms(c, 2.0), WP_OK); break;
            case 3: assert_int_equal(wp_chorus_set_voices(c, 8), WP_OK); break;
            case 4: assert_int_equal(wp_chorus_set_voices(c, 1), WP_OK); break;
            case 5: assert_int_equal(wp_chorus_set_spread(c, 0.0), WP_OK);
                    assert_int_equal(wp_chorus_set_voices(c, 4), WP_OK); break;
            case 6: assert_int_equal(wp_chorus_set_delay_ms(c, 25.0), WP_OK);
                    assert_int_equal(wp_chorus_set_mix(c, 1.0), WP_OK); break;
            case 7: assert_int_equal(wp_chorus_set_enabled(c, false), WP_OK); break;
            case 8: assert_int_equal(wp_chorus_set_enabled(c, true), WP_OK); break;
            case 9: assert_int_equal(wp_chorus_set_depth_ms(c, 0.0), WP_OK);
                    assert_int_equal(wp_chorus_set_rate_hz(c, 0.1), WP_OK); break;
            default: break;
            }
        }
        for (int k = 0; k < ch; k++) {
            const float *y = k ? r : l;
            double w = 2.0 * PI * freq / fs;
            double limit = 2.0 * 4.0 * pow(sin(w / 2.0), 2.0) * test_max_abs(y, settle / 2, n);
            double got = 0;
            size_t at = 0;
            for (size_t i = settle / 2; i < n; i++) {
                double d2 = fabs((double)y[i] - 2.0 * y[i - 1] + y[i - 2]);
                if (d2 > got)
                    got = d2, at = i;
            }
            printf("# %d ch, channel %d: max second difference %.3g (at %.3f s) = %.2f x that of a "
                   "sine at the output peak; limit 2\n", ch, k, got, (double)at / fs, 2.0 * got / limit);
            if (got > limit)
                fail_msg("click: second difference %.4g > %.4g at sample %zu", got, limit, at);
        }
        wp_chorus_destroy(c);
        free(l), free(r);
    }
}

static void mix_zero_and_bypass_are_exactly_dry(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 3);
    const size_t n = 24000;
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    float *l0 = test_copy(l, n), *r0 = test_copy(r, n);
    wp_chorus *c = make(48000, 2);
    set_all(c, 2.0, 8.0, 5.0, 4, 1.0, 0.0);
    process(c, l, r, n);
    assert_memory_equal(l, l0, n * sizeof *l);
    assert_memory_equal(r, r0, n * sizeof *r);
    assert_int_equal(wp_chorus_set_mix(c, 1.0), WP_OK);
    assert_int_equal(wp_chorus_set_enabled(c, false), WP_OK);
    process(c, l, r, n / 2);
    memcpy(l, l0, n * sizeof *l);
    memcpy(r, r0, n * sizeof *r);
    process(c, l, r, n);
    assert_memory_equal(l, l0, n * sizeof *l);
    assert_memory_equal(r, r0, n * sizeof *r);
    /* Back on: the output crossfades from dry to wet, and since the lines
     * were cleared no old signal comes back: within the shortest delay
     * (5 ms) the output is the dry signal fading out. */
    assert_int_equal(wp_chorus_set_enabled(c, true), WP_OK);
    process(c, l, r, n);
    double prev = 1.0, wet = 0;
    for (size_t i = 0; i < 240; i++) {
        if (fabsf(l0[i]) < 0.01f)
            continue;
        double g = l[i] / l0[i];
        if (g > prev || g < 0.0)
            fail_msg("after re-enabling, sample %zu: output/input %g after %g", i, g, prev);
        prev = g;
    }
    for (size_t i = 2000; i < n; i++)
        wet = fmax(wet, fabs(l[i] - l0[i]));
    if (!(prev < 1.0) || !(wet > 0.1))
        fail_msg("after re-enabling: no fade (%g) or no wet signal (%g)", prev, wet);
    wp_chorus_destroy(c);
    free(l), free(r), free(l0), free(r0);
}

/* The block-split test's processor: a 44.1 kHz stereo chorus. */
TEST_SPLIT_FX(wp_chorus, make(44100, 2))

/* The parameter changes at the block-split test's marks. */
static void split_changes(void *fx, size_t m)
{
    wp_chorus *c = fx;
    switch (m) {
    case 1: assert_int_equal(wp_chorus_set_voices(c, 5), WP_OK);
            assert_int_equal(wp_chorus_set_rate_hz(c, 6.5), WP_OK); break;
    case 2: assert_int_equal(wp_chorus_set_depth_ms(c, 12), WP_OK);
            assert_int_equal(wp_chorus_set_spread(c, 0.3), WP_OK);
            assert_int_equal(wp_chorus_set_enabled(c, false), WP_OK); break;
    case 3: assert_int_equal(wp_chorus_set_enabled(c, true), WP_OK);
            assert_int_equal(wp_chorus_set_voices(c, 2), WP_OK);
            assert_int_equal(wp_chorus_set_delay_ms(c, 33), WP_OK); break;
    case 4: assert_int_equal(wp_chorus_set_mix(c, 0.8), WP_OK); break;
    default: break;
    }
}

static void output_is_independent_of_block_size(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 4);
    const size_t n = 50000;
    const size_t marks[] = {0, 7000, 15000, 26000, 38000, n};
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    const test_split t = {split_make, split_process, split_changes, split_destroy,
                          marks, sizeof marks / sizeof marks[0], 3000};
    test_assert_block_split_invariant(&t, l, r, &rng, NULL);
    free(l), free(r);
}

/* The extremes: 8 and 384 kHz with the longest delay, deepest and fastest
 * sweep and all voices: output finite and no louder than the input (the
 * wet signal is an average of interpolated copies of a sine). */
static void extreme_settings_stay_bounded(void **state)
{
    (void)state;
    const double rates[] = {8000, 384000};
    for (int k = 0; k < 2; k++) {
        const double fs = rates[k];
        const size_t n = (size_t)(0.5 * fs);
        float *l = test_zeros(n), *r = test_zeros(n);
        for (size_t i = 0; i < n; i++)
            l[i] = r[i] = (float)(0.5 * sin(2.0 * PI * 500.0 * (double)i / fs));
        wp_chorus *c = make(fs, 2);
        set_all(c, 10.0, 20.0, 40.0, WP_CHORUS_MAX_VOICES, 1.0, 1.0);
        process(c, l, r, n);
        double peak = fmax(test_max_abs(l, 0, n), test_max_abs(r, 0, n));
        printf("# %g Hz: peak %.4f for a 0.5 sine\n", fs, peak);
        if (!(peak <= 0.5 * 1.01) || !(test_max_abs(l, n / 2, n) > 0.05))
            fail_msg("%g Hz: peak %g", fs, peak);
        wp_chorus_destroy(c);
        free(l), free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arguments_and_ranges_are_checked),
        cmocka_unit_test(rejected_values_keep_the_old_setting),
        cmocka_unit_test(depth_zero_is_dry_plus_the_exact_delay),
        cmocka_unit_test(output_follows_the_documented_voice_formula),
        cmocka_unit_test(measured_delay_sweep_matches_rate_depth_and_spread),
        cmocka_unit_test(parameter_changes_do_not_click),
        cmocka_unit_test(mix_zero_and_bypass_are_exactly_dry),
        cmocka_unit_test(output_is_independent_of_block_size),
        cmocka_unit_test(extreme_settings_stay_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
