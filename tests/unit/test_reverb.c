#include "test_util.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "wavepool/reverb.h"

#define PI 3.14159265358979323846

static wp_reverb *make(double rate, int channels)
{
    wp_reverb *r = NULL;
    assert_int_equal(wp_reverb_create(rate, channels, &r), WP_OK);
    assert_non_null(r);
    return r;
}

static void process(wp_reverb *r, float *l, float *rr, size_t n)
{
    float *ch[2] = {l, rr};
    wp_reverb_process(r, ch, n);
}

static double rms(const float *x, size_t from, size_t to)
{
    double e = 0;
    for (size_t i = from; i < to; i++)
        e += (double)x[i] * x[i];
    return sqrt(e / (double)(to - from));
}

/* Settings for an impulse-response measurement: wet only, no pre-delay. */
static void wet_only(wp_reverb *r, double decay, double damping)
{
    assert_int_equal(wp_reverb_set_decay_s(r, decay), WP_OK);
    assert_int_equal(wp_reverb_set_damping(r, damping), WP_OK);
    assert_int_equal(wp_reverb_set_predelay_ms(r, 0.0), WP_OK);
    assert_int_equal(wp_reverb_set_mix(r, 1.0), WP_OK);
    wp_reverb_reset(r);
}

/* Reverberation time by Schroeder backward integration of h^2: a line
 * fitted (least squares) to the energy decay curve between -5 dB and
 * `end_db`, extrapolated to -60 dB (T30 for end_db = -35, T20 for -25). */
static double schroeder_rt(const double *h, size_t n, double rate, double end_db)
{
    double *edc = malloc(n * sizeof *edc);
    assert_non_null(edc);
    double acc = 0;
    for (size_t i = n; i-- > 0;) {
        acc += h[i] * h[i];
        edc[i] = acc;
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;
    bool started = false;
    for (size_t i = 0; i < n; i++) {
        double db = 10.0 * log10(edc[i] / edc[0]);
        if (db <= end_db)
            break;
        if (db <= -5.0)
            started = true;
        if (started) {
            double x = (double)i / rate;
            sx += x, sy += db, sxx += x * x, sxy += x * db, k += 1;
        }
    }
    free(edc);
    double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
    return -60.0 / slope;
}

/* Octave band: two RBJ band-pass biquads (0 dB peak, Q = sqrt(2)) in series. */
static void octave_band(const float *x, double *y, size_t n, double fc, double rate)
{
    double w = 2.0 * PI * fc / rate, alpha = sin(w) / (2.0 * sqrt(2.0));
    double a0 = 1.0 + alpha;
    double b0 = alpha / a0, b2 = -alpha / a0, a1 = -2.0 * cos(w) / a0, a2 = (1.0 - alpha) / a0;
    for (size_t i = 0; i < n; i++)
        y[i] = x[i];
    for (int stage = 0; stage < 2; stage++) {
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (size_t i = 0; i < n; i++) {
            double in = y[i], out = b0 * in + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1, x1 = in, y2 = y1, y1 = out;
            y[i] = out;
        }
    }
}

static float *impulse_response(double rate, double decay, double damping, size_t n)
{
    wp_reverb *r = make(rate, 1);
    wet_only(r, decay, damping);
    float *h = test_zeros(n);
    h[0] = 1.0f;
    process(r, h, NULL, n);
    wp_reverb_destroy(r);
    return h;
}

static void arguments_and_ranges_are_checked(void **state)
{
    (void)state;
    wp_reverb *r = NULL;
    assert_int_equal(wp_reverb_create(48000, 2, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_reverb_create(7999, 1, &r), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_create(384001, 1, &r), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_create(48000, 0, &r), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_create(48000, 3, &r), WP_ERR_OUT_OF_RANGE);
    assert_null(r);
    r = make(48000, 2);
    assert_int_equal(wp_reverb_set_decay_s(r, 0.1), WP_OK);
    assert_int_equal(wp_reverb_set_decay_s(r, 20.0), WP_OK);
    assert_int_equal(wp_reverb_set_decay_s(r, 0.099), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_decay_s(r, 20.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_decay_s(r, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_damping(r, 0.0), WP_OK);
    assert_int_equal(wp_reverb_set_damping(r, 0.95), WP_OK);
    assert_int_equal(wp_reverb_set_damping(r, 0.951), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_damping(r, -0.001), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_damping_hz(r, 200.0), WP_OK);
    assert_int_equal(wp_reverb_set_damping_hz(r, 20000.0), WP_OK);
    assert_int_equal(wp_reverb_set_damping_hz(r, 199.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_damping_hz(r, 20001.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_predelay_ms(r, 0.0), WP_OK);
    assert_int_equal(wp_reverb_set_predelay_ms(r, 250.0), WP_OK);
    assert_int_equal(wp_reverb_set_predelay_ms(r, 250.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_predelay_ms(r, -1.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_width(r, 0.0), WP_OK);
    assert_int_equal(wp_reverb_set_width(r, 1.0001), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_mix(r, 1.0), WP_OK);
    assert_int_equal(wp_reverb_set_mix(r, NAN), WP_ERR_OUT_OF_RANGE);
    wp_reverb_destroy(r);
    r = make(8000, 1);
    assert_int_equal(wp_reverb_set_damping_hz(r, 3600.0), WP_OK);
    assert_int_equal(wp_reverb_set_damping_hz(r, 3601.0), WP_ERR_OUT_OF_RANGE);
    wp_reverb_destroy(r);
    assert_int_equal(wp_reverb_set_decay_s(NULL, 1.0), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_reverb_set_enabled(NULL, true), WP_ERR_INVALID_ARGUMENT);
    wp_reverb_destroy(NULL);
}

static void rejected_values_keep_the_old_setting(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    const size_t n = 40000;
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    float *l2 = test_copy(l, n), *r2 = test_copy(r, n);
    wp_reverb *a = make(48000, 2), *b = make(48000, 2);
    wp_reverb *both[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(wp_reverb_set_decay_s(both[i], 3.3), WP_OK);
        assert_int_equal(wp_reverb_set_damping(both[i], 0.3), WP_OK);
        assert_int_equal(wp_reverb_set_damping_hz(both[i], 3000), WP_OK);
        assert_int_equal(wp_reverb_set_predelay_ms(both[i], 33), WP_OK);
        assert_int_equal(wp_reverb_set_width(both[i], 0.7), WP_OK);
        assert_int_equal(wp_reverb_set_mix(both[i], 0.4), WP_OK);
    }
    assert_int_equal(wp_reverb_set_decay_s(b, 0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_damping(b, 1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_damping_hz(b, 30000), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_predelay_ms(b, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_width(b, -0.5), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_reverb_set_mix(b, 2), WP_ERR_OUT_OF_RANGE);
    process(a, l, r, n);
    process(b, l2, r2, n);
    assert_memory_equal(l, l2, n * sizeof *l);
    assert_memory_equal(r, r2, n * sizeof *r);
    wp_reverb_destroy(a);
    wp_reverb_destroy(b);
    free(l), free(r), free(l2), free(r2);
}

/* Broadband impulse response with damping off: T30 (fit from -5 to -35 dB
 * of the Schroeder curve) against the decay setting, at several rates. */
static void measured_rt60_matches_the_decay_setting(void **state)
{
    (void)state;
    const double rates[] = {44100, 48000, 96000}, decays[] = {0.5, 1.5, 4.0};
    double worst = 0;
    for (size_t ri = 0; ri < 3; ri++) {
        for (size_t di = 0; di < 3; di++) {
            double rate = rates[ri], decay = decays[di];
            size_t n = (size_t)((1.6 * decay + 0.1) * rate);
            float *h = impulse_response(rate, decay, 0.0, n);
            double *hd = malloc(n * sizeof *hd);
            assert_non_null(hd);
            for (size_t i = 0; i < n; i++)
                hd[i] = h[i];
            double t30 = schroeder_rt(hd, n, rate, -35.0);
            double err = t30 / decay - 1.0;
            printf("# %6.0f Hz, decay %.1f s: T30 %.4f s (%+.2f%%)\n", rate, decay, t30, 100.0 * err);
            worst = fmax(worst, fabs(err));
            if (!(fabs(err) < 0.05))
                fail_msg("%g Hz, decay %g s: measured T30 %g s", rate, decay, t30);
            free(h), free(hd);
        }
    }
    /* The extreme rates, T20. */
    const double extremes[] = {8000, 384000};
    for (size_t k = 0; k < 2; k++) {
        size_t n = (size_t)(2.5 * extremes[k]);
        float *h = impulse_response(extremes[k], 1.5, 0.0, n);
        double *hd = malloc(n * sizeof *hd);
        assert_non_null(hd);
        for (size_t i = 0; i < n; i++)
            hd[i] = h[i];
        double t20 = schroeder_rt(hd, n, extremes[k], -25.0);
        printf("# %6.0f Hz, decay 1.5 s: T20 %.4f s\n", extremes[k], t20);
        if (!(fabs(t20 / 1.5 - 1.0) < 0.05))
            fail_msg("%g Hz: T20 %g s for 1.5 s", extremes[k], t20);
        free(h), free(hd);
    }
    printf("# worst T30 error %.2f%% (brief: 20%%)\n", 100.0 * worst);
}

/* Damping: in octave bands, the low band decays with decay_s, the band at
 * damping_hz with the documented midpoint rate 1/T = (1/decay + 1/T_hi)/2,
 * T_hi = (1 - damping) decay, and higher bands faster still. T20 of the
 * band-filtered response. */
static void damping_sets_the_high_frequency_decay(void **state)
{
    (void)state;
    const double rate = 48000, decay = 2.0, damping = 0.5, fc = 2000;
    const size_t n = (size_t)(3.5 * rate);
    wp_reverb *r = make(rate, 1);
    assert_int_equal(wp_reverb_set_damping_hz(r, fc), WP_OK);
    wet_only(r, decay, damping);
    float *h = test_zeros(n);
    h[0] = 1.0f;
    process(r, h, NULL, n);
    double *band = malloc(n * sizeof *band);
    assert_non_null(band);
    const double centres[] = {250, fc, 12000};
    double t[3];
    for (int b = 0; b < 3; b++) {
        octave_band(h, band, n, centres[b], rate);
        t[b] = schroeder_rt(band, n, rate, -25.0);
    }
    double t_hi = (1.0 - damping) * decay, t_mid = 2.0 / (1.0 / decay + 1.0 / t_hi);
    printf("# decay %.1f s, damping %.1f at %.0f Hz: T20 %.3f s at 250 Hz (want %.3f), "
           "%.3f s at %.0f Hz (want %.3f), %.3f s at 12 kHz (between %.3f and %.3f)\n",
           decay, damping, fc, t[0], decay, t[1], fc, t_mid, t[2], t_hi, t_mid);
    if (fabs(t[0] / decay - 1.0) > 0.1)
        fail_msg("250 Hz band: %g s, want %g", t[0], decay);
    if (fabs(t[1] / t_mid - 1.0) > 0.1)
        fail_msg("%g Hz band: %g s, want %g", fc, t[1], t_mid);
    if (!(t[2] < t[1] && t[2] > 0.9 * t_hi))
        fail_msg("12 kHz band: %g s, want between %g and %g", t[2], t_hi, t[1]);
    wp_reverb_destroy(r);
    free(h), free(band);
}

/* The tail is dense, without isolated echoes. Per 20 ms window (Hann) of
 * the impulse response from 100 ms (the mixing time, about two passes
 * through the network) to 1 s: the normalised echo density of Abel and
 * Huang (the fraction of samples beyond one local standard deviation,
 * divided by the Gaussian 0.3173; 1 = Gaussian noise, a sparse train of
 * echoes gives far less) and the kurtosis (3 for Gaussian noise, large
 * when a few echoes carry the energy). Both are insensitive to the slow
 * decay within a window. Also reported: when the density first reaches 0.9. */
static void tail_is_dense(void **state)
{
    (void)state;
    const double rate = 48000;
    const size_t n = (size_t)(1.0 * rate), win = (size_t)(0.02 * rate);
    float *h = impulse_response(rate, 2.0, 0.0, n);
    double ned_sum = 0, ned_min = 1e9, kurt_max = 0;
    int count = 0;
    double dense_at = -1;
    for (size_t t0 = (size_t)(0.01 * rate); t0 + win <= n; t0 += win / 2) {
        double wsum = 0, e2 = 0, e4 = 0;
        for (size_t i = 0; i < win; i++) {
            double w = 0.5 - 0.5 * cos(2.0 * PI * ((double)i + 0.5) / (double)win);
            double v = h[t0 + i];
            wsum += w, e2 += w * v * v, e4 += w * v * v * v * v;
        }
        double sigma = sqrt(e2 / wsum), beyond = 0;
        for (size_t i = 0; i < win; i++) {
            double w = 0.5 - 0.5 * cos(2.0 * PI * ((double)i + 0.5) / (double)win);
            beyond += w * (fabs(h[t0 + i]) > sigma ? 1.0 : 0.0);
        }
        double ned = beyond / wsum / erfc(1.0 / sqrt(2.0));
        double kurt = (e4 / wsum) / pow(e2 / wsum, 2.0);
        if (dense_at < 0 && ned >= 0.9)
            dense_at = (double)t0 / rate;
        if (t0 < (size_t)(0.1 * rate))
            continue;
        ned_sum += ned, ned_min = fmin(ned_min, ned), kurt_max = fmax(kurt_max, kurt);
        count++;
    }
    printf("# tail 100 ms..1 s: echo density mean %.3f, min %.3f (Gaussian 1); kurtosis max %.2f "
           "(Gaussian 3); density first >= 0.9 in the window at %.0f ms\n", ned_sum / count, ned_min,
           kurt_max, 1000.0 * dense_at);
    if (!(ned_sum / count > 0.95 && ned_min > 0.85 && kurt_max < 4.0))
        fail_msg("sparse tail: density mean %g, min %g, kurtosis max %g", ned_sum / count, ned_min,
                 kurt_max);
    free(h);
}

/* Width 1: the left and right tails of an impulse are decorrelated; width
 * 0: identical; in between the documented constant-power blend gives a
 * correlation of sin((1 - width) pi/2). */
static void width_sets_the_stereo_decorrelation(void **state)
{
    (void)state;
    const double rate = 48000;
    const size_t n = (size_t)(1.5 * rate), from = (size_t)(0.05 * rate);
    const double widths[] = {1.0, 0.5, 0.0};
    for (int k = 0; k < 3; k++) {
        wp_reverb *r = make(rate, 2);
        assert_int_equal(wp_reverb_set_width(r, widths[k]), WP_OK);
        wet_only(r, 2.0, 0.3);
        float *l = test_zeros(n), *rr = test_zeros(n);
        l[0] = 1.0f;
        rr[0] = 1.0f;
        process(r, l, rr, n);
        double lr = 0, ll = 0, rrs = 0;
        for (size_t i = from; i < n; i++)
            lr += (double)l[i] * rr[i], ll += (double)l[i] * l[i], rrs += (double)rr[i] * rr[i];
        double rho = lr / sqrt(ll * rrs), want = sin((1.0 - widths[k]) * PI / 2.0);
        printf("# width %.1f: tail correlation L/R %.4f (documented %.4f), level L/R %.2f dB\n",
               widths[k], rho, want, 10.0 * log10(ll / rrs));
        if (fabs(rho - want) > 0.1 || fabs(10.0 * log10(ll / rrs)) > 1.0)
            fail_msg("width %g: correlation %g, want %g", widths[k], rho, want);
        if (widths[k] == 0.0)
            for (size_t i = 0; i < n; i++)
                if (fabsf(l[i] - rr[i]) > 1e-7f * (fabsf(l[i]) + 1e-30f) + 1e-12f)
                    fail_msg("width 0: L and R differ at %zu: %g vs %g", i, l[i], rr[i]);
        wp_reverb_destroy(r);
        free(l), free(rr);
    }
}

/* A DC offset on the input never reaches the output (5 Hz blocker ahead
 * of a network whose DC gain would be large at long decays), and noise
 * does not build up an offset either. */
static void no_dc_build_up(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    const double rate = 48000;
    const size_t n = (size_t)(6 * rate), tail = (size_t)(2 * rate);
    wp_reverb *r = make(rate, 2);
    wet_only(r, 20.0, 0.0);
    float *l = test_noise(&rng, n, 0.2f), *rr = test_noise(&rng, n, 0.2f);
    for (size_t i = 0; i < n; i++)
        l[i] += 0.5f, rr[i] -= 0.3f;
    process(r, l, rr, n);
    double ml = 0, mr = 0;
    for (size_t i = n - tail; i < n; i++)
        ml += l[i], mr += rr[i];
    ml /= (double)tail, mr /= (double)tail;
    double level = rms(l, n - tail, n);
    printf("# decay 20 s, input DC +0.5/-0.3 plus noise: output mean %.2e / %.2e over the last 2 s "
           "(output rms %.3f)\n", ml, mr, level);
    if (!(fabs(ml) < 2e-3 && fabs(mr) < 2e-3))
        fail_msg("DC reaches the output: %g, %g", ml, mr);
    wp_reverb_destroy(r);
    free(l), free(rr);
}

/* 60 s of noise at the longest decay without damping: the output level
 * settles and stays (no growth), finite and bounded. */
static void energy_is_stable_over_a_minute_of_noise(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 2);
    const double rate = 48000;
    const size_t seg = (size_t)(5 * rate), segs = 12, n = seg * segs;
    wp_reverb *r = make(rate, 2);
    wet_only(r, 20.0, 0.0);
    float *l = test_noise(&rng, n, 0.5f), *rr = test_noise(&rng, n, 0.5f);
    process(r, l, rr, n);
    double lo = 1e9, hi = 0;
    for (size_t s = 6; s < segs; s++) {
        double e = rms(l, s * seg, (s + 1) * seg);
        lo = fmin(lo, e), hi = fmax(hi, e);
    }
    double in = 0.5 / sqrt(3.0);
    printf("# decay 20 s, 60 s of noise: wet rms 30..60 s between %.3f and %.3f (%.2f dB spread; "
           "input %.3f), peak %.2f\n", lo, hi, 20.0 * log10(hi / lo), in, test_max_abs(l, 0, n));
    if (!(hi < 10.0 * in) || !(20.0 * log10(hi / lo) < 1.0))
        fail_msg("energy not stable: rms %g..%g", lo, hi);
    wp_reverb_destroy(r);
    free(l), free(rr);
}

static void mix_zero_and_bypass_are_exactly_dry(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 3);
    const size_t n = 30000;
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    float *l0 = test_copy(l, n), *r0 = test_copy(r, n);
    wp_reverb *rv = make(48000, 2);
    assert_int_equal(wp_reverb_set_mix(rv, 0.0), WP_OK);
    wp_reverb_reset(rv);
    process(rv, l, r, n);
    assert_memory_equal(l, l0, n * sizeof *l);
    assert_memory_equal(r, r0, n * sizeof *r);
    assert_int_equal(wp_reverb_set_mix(rv, 1.0), WP_OK);
    assert_int_equal(wp_reverb_set_enabled(rv, false), WP_OK);
    process(rv, l, r, n / 2);
    memcpy(l, l0, n * sizeof *l);
    memcpy(r, r0, n * sizeof *r);
    process(rv, l, r, n);
    assert_memory_equal(l, l0, n * sizeof *l);
    assert_memory_equal(r, r0, n * sizeof *r);
    /* Back on: silence in, silence out (the old tail was cleared). */
    assert_int_equal(wp_reverb_set_enabled(rv, true), WP_OK);
    memset(l, 0, n * sizeof *l);
    memset(r, 0, n * sizeof *r);
    process(rv, l, r, n);
    if (test_max_abs(l, 0, n) != 0.0 || test_max_abs(r, 0, n) != 0.0)
        fail_msg("stale tail after re-enabling: %g", fmax(test_max_abs(l, 0, n), test_max_abs(r, 0, n)));
    wp_reverb_destroy(rv);
    free(l), free(r), free(l0), free(r0);
}

/* Every parameter changed while a sine plays: the second difference stays
 * within twice that of a sine at the output's peak. */
static void parameter_changes_do_not_click(void **state)
{
    (void)state;
    const double fs = 48000, freq = 200;
    const size_t settle = (size_t)(3 * fs), step = (size_t)(0.3 * fs), n = settle + 12 * step;
    const size_t ramp = (size_t)(0.01 * fs);
    for (int ch = 1; ch <= 2; ch++) {
        float *l = test_zeros(n), *r = test_zeros(n);
        for (size_t i = 0; i < n; i++) {
            double g = i < ramp ? 0.5 - 0.5 * cos(PI * (double)i / (double)ramp) : 1.0;
            l[i] = (float)(0.5 * g * sin(2.0 * PI * freq * (double)i / fs));
            r[i] = (float)(0.4 * g * sin(2.0 * PI * freq * (double)i / fs + 2.0));
        }
        wp_reverb *rv = make(fs, ch);
        assert_int_equal(wp_reverb_set_decay_s(rv, 1.0), WP_OK);
        assert_int_equal(wp_reverb_set_mix(rv, 0.5), WP_OK);
        wp_reverb_reset(rv);
        size_t pos = 0;
        for (int k = 0; pos < n; k++) {
            size_t len = pos == 0 ? settle : step;
            len = len < n - pos ? len : n - pos;
            process(rv, l + pos, ch == 2 ? r + pos : NULL, len);
            pos += len;
            switch (k) {
            case 0: assert_int_equal(wp_reverb_set_decay_s(rv, 0.2), WP_OK); break;
            case 1: assert_int_equal(wp_reverb_set_decay_s(rv, 6.0), WP_OK); break;
            case 2: assert_int_equal(wp_reverb_set_damping(rv, 0.9), WP_OK); break;
            case 3: assert_int_equal(wp_reverb_set_damping_hz(rv, 400), WP_OK); break;
            case 4: assert_int_equal(wp_reverb_set_predelay_ms(rv, 200), WP_OK); break;
            case 5: assert_int_equal(wp_reverb_set_predelay_ms(rv, 0), WP_OK);
                    assert_int_equal(wp_reverb_set_width(rv, 0.0), WP_OK); break;
            case 6: assert_int_equal(wp_reverb_set_mix(rv, 1.0), WP_OK); break;
            case 7: assert_int_equal(wp_reverb_set_enabled(rv, false), WP_OK); break;
            case 8: assert_int_equal(wp_reverb_set_enabled(rv, true), WP_OK); break;
            case 9: assert_int_equal(wp_reverb_set_damping(rv, 0.0), WP_OK);
                    assert_int_equal(wp_reverb_set_width(rv, 1.0), WP_OK); break;
            default: break;
            }
        }
        for (int k = 0; k < ch; k++) {
            const float *y = k ? r : l;
            double w = 2.0 * PI * freq / fs;
            double sine_d2 = 4.0 * pow(sin(w / 2.0), 2.0) * test_max_abs(y, settle / 2, n);
            double got = 0;
            size_t at = 0;
            for (size_t i = settle / 2; i < n; i++) {
                double d2 = fabs((double)y[i] - 2.0 * y[i - 1] + y[i - 2]);
                if (d2 > got)
                    got = d2, at = i;
            }
            printf("# %d ch, channel %d: max second difference %.3g (at %.3f s) = %.2f x that of a "
                   "sine at the output peak; limit 2\n", ch, k, got, (double)at / fs, got / sine_d2);
            if (got > 2.0 * sine_d2)
                fail_msg("click: second difference %.4g > %.4g at sample %zu", got, 2.0 * sine_d2, at);
        }
        wp_reverb_destroy(rv);
        free(l), free(r);
    }
}

/* The block-split test's processor: a 44.1 kHz stereo reverb. */
TEST_SPLIT_FX(wp_reverb, make(44100, 2))

/* The parameter changes at the block-split test's marks. */
static void split_changes(void *fx, size_t m)
{
    wp_reverb *rv = fx;
    switch (m) {
    case 1: assert_int_equal(wp_reverb_set_decay_s(rv, 7.5), WP_OK);
            assert_int_equal(wp_reverb_set_predelay_ms(rv, 55), WP_OK); break;
    case 2: assert_int_equal(wp_reverb_set_damping(rv, 0.8), WP_OK);
            assert_int_equal(wp_reverb_set_width(rv, 0.2), WP_OK);
            assert_int_equal(wp_reverb_set_enabled(rv, false), WP_OK); break;
    case 3: assert_int_equal(wp_reverb_set_enabled(rv, true), WP_OK);
            assert_int_equal(wp_reverb_set_damping_hz(rv, 900), WP_OK);
            assert_int_equal(wp_reverb_set_mix(rv, 0.9), WP_OK); break;
    case 4: assert_int_equal(wp_reverb_set_predelay_ms(rv, 3), WP_OK); break;
    case 5: assert_int_equal(wp_reverb_set_decay_s(rv, 0.1), WP_OK); break;
    default: break;
    }
}

/* Ends with 12 s of silence at a 0.1 s decay, so the tail falls through
 * the flush threshold (see silence_decays_to_exact_zero): the flushes must
 * not depend on the block split either. */
static void output_is_independent_of_block_size(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 4);
    const size_t n = 50000 + 12 * 44100;
    const size_t marks[] = {0, 8000, 17000, 29000, 41000, 50000, n};
    float *l = test_noise(&rng, n, 0.5f), *r = test_noise(&rng, n, 0.5f);
    memset(l + 50000, 0, (n - 50000) * sizeof *l);
    memset(r + 50000, 0, (n - 50000) * sizeof *r);
    const test_split t = {split_make, split_process, split_changes, split_destroy,
                          marks, sizeof marks / sizeof marks[0], 3000};
    test_assert_block_split_invariant(&t, l, r, &rng, NULL);
    free(l), free(r);
}

/* A decaying tail goes to exact zero instead of lingering as denormals
 * (which are slow on x86 and in wasm): after an impulse at decay 0.1 s no
 * output sample is ever denormal, and the output becomes exactly 0. Below
 * -140 dB the decay slows to the loop high-pass's own 58 dB/s (its pole at
 * 1 Hz), so exact zero (the 1e-30 flush threshold, -600 dB) takes a few
 * seconds. */
static void silence_decays_to_exact_zero(void **state)
{
    (void)state;
    const double rate = 48000;
    const size_t n = (size_t)(12 * rate);
    for (int ch = 1; ch <= 2; ch++) {
        wp_reverb *r = make(rate, ch);
        assert_int_equal(wp_reverb_set_decay_s(r, 0.1), WP_OK);
        assert_int_equal(wp_reverb_set_damping(r, 0.0), WP_OK);
        assert_int_equal(wp_reverb_set_mix(r, 1.0), WP_OK);
        wp_reverb_reset(r);
        float *l = test_zeros(n), *rr = test_zeros(n);
        l[0] = rr[0] = 1.0f;
        process(r, l, ch == 2 ? rr : NULL, n);
        size_t last = 0;
        for (int c = 0; c < ch; c++)
            for (size_t i = 0; i < n; i++) {
                float y = c ? rr[i] : l[i];
                if (y != 0.0f && fabsf(y) < FLT_MIN)
                    fail_msg("%d ch: denormal output %g at %zu", ch, y, i);
                if (y != 0.0f)
                    last = i > last ? i : last;
            }
        printf("# %d ch, decay 0.1 s: last non-zero output at %.3f s\n", ch, (double)last / rate);
        if (last > (size_t)(11 * rate))
            fail_msg("%d ch: tail still non-zero at %.3f s", ch, (double)last / rate);
        wp_reverb_destroy(r);
        free(l), free(rr);
    }
}

/* Pre-delay: the wet signal starts later by exactly the pre-delay. */
static void predelay_shifts_the_response(void **state)
{
    (void)state;
    const double rate = 48000;
    const size_t n = 24000, shift = 4800; /* 100 ms */
    float *a = impulse_response(rate, 1.0, 0.2, n);
    wp_reverb *r = make(rate, 1);
    wet_only(r, 1.0, 0.2);
    assert_int_equal(wp_reverb_set_predelay_ms(r, 100.0), WP_OK);
    wp_reverb_reset(r);
    float *b = test_zeros(n);
    b[0] = 1.0f;
    process(r, b, NULL, n);
    if (test_max_abs(b, 0, shift) != 0.0)
        fail_msg("output before the pre-delay: %g", test_max_abs(b, 0, shift));
    for (size_t i = shift; i < n; i++)
        if (b[i] != a[i - shift])
            fail_msg("pre-delayed response differs at %zu: %g vs %g", i, b[i], a[i - shift]);
    wp_reverb_destroy(r);
    free(a), free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arguments_and_ranges_are_checked),
        cmocka_unit_test(rejected_values_keep_the_old_setting),
        cmocka_unit_test(measured_rt60_matches_the_decay_setting),
        cmocka_unit_test(damping_sets_the_high_frequency_decay),
        cmocka_unit_test(tail_is_dense),
        cmocka_unit_test(width_sets_the_stereo_decorrelation),
        cmocka_unit_test(no_dc_build_up),
        cmocka_unit_test(energy_is_stable_over_a_minute_of_noise),
        cmocka_unit_test(mix_zero_and_bypass_are_exactly_dry),
        cmocka_unit_test(parameter_changes_do_not_click),
        cmocka_unit_test(output_is_independent_of_block_size),
        cmocka_unit_test(predelay_shifts_the_response),
        cmocka_unit_test(silence_decays_to_exact_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
