#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/distortion.h"
#include "wavepool/fft.h"

#define PI 3.14159265358979323846
#define RATE 48000.0

static wp_distortion *make(double rate, int channels, wp_distortion_curve curve, double drive_db)
{
    wp_distortion *d;
    assert_int_equal(wp_distortion_create(rate, channels, &d), WP_OK);
    assert_int_equal(wp_distortion_set_curve(d, curve), WP_OK);
    assert_int_equal(wp_distortion_set_drive_db(d, drive_db), WP_OK);
    wp_distortion_reset(d);
    return d;
}

static void run_mono(wp_distortion *d, float *x, size_t n)
{
    float *ch[1] = {x};
    wp_distortion_process(d, ch, n);
}

/* The documented curves. */
static double soft_curve(double x)
{
    double u = x / 1.875;
    if (u >= 1.0)
        return 1.0;
    if (u <= -1.0)
        return -1.0;
    return (15.0 * u - 10.0 * u * u * u + 3.0 * pow(u, 5.0)) / 8.0;
}

static double hard_curve(double x)
{
    return fmax(-1.0, fmin(1.0, x));
}

static const char *curve_name(int c)
{
    return c == WP_DISTORTION_SOFT ? "soft" : c == WP_DISTORTION_HARD ? "hard" : "asymmetric";
}

/* A 5 kHz sine at 48 kHz (-6 dBFS) driven by 36 and 48 dB into each curve.
 * Window: 4-term Blackman-Harris over 19200 samples, so 5 kHz is bin 2000
 * exactly and every harmonic is a bin multiple of 2000. Aliases (images of
 * harmonics above 24 kHz folded back) fall elsewhere; every bin more than 8
 * bins (2.5 Hz each, twice the window's main lobe) from a harmonic must be
 * below -50 dBc, relative to the fundamental. */
static void aliases_stay_below_50_dbc(void **state)
{
    (void)state;
    const size_t n = 19200, settle = 4800, bin = 2000;
    wp_fft *plan;
    assert_int_equal(wp_fft_create(n, WP_FFT_REAL, &plan), WP_OK);
    float *win = wp_fft_alloc(n), *spec = wp_fft_alloc(n + 2), *work = wp_fft_alloc(n);
    float *x = malloc((n + settle) * sizeof *x);
    assert_int_equal(wp_window_fill(WP_WINDOW_BLACKMAN_HARRIS, win, n), WP_OK);
    static const double drives[] = {36.0, 48.0};
    for (int c = 0; c < 3; c++) {
        for (size_t k = 0; k < 2; k++) {
            wp_distortion *d = make(RATE, 1, (wp_distortion_curve)c, drives[k]);
            for (size_t i = 0; i < n + settle; i++)
                x[i] = (float)(0.5 * sin(2.0 * PI * 5000.0 * (double)i / RATE));
            run_mono(d, x, n + settle);
            for (size_t i = 0; i < n; i++)
                spec[i] = x[settle + i] * win[i];
            assert_int_equal(wp_fft_forward_real(plan, spec, spec, work), WP_OK);
            double fund = hypot(spec[2 * bin], spec[2 * bin + 1]), worst = -400.0;
            size_t worst_bin = 0;
            for (size_t b = 0; b <= n / 2; b++) {
                size_t r = b % bin;
                if (r <= 8 || bin - r <= 8)
                    continue;
                double level = 20.0 * log10(hypot(spec[2 * b], spec[2 * b + 1]) / fund + 1e-30);
                if (level > worst) {
                    worst = level;
                    worst_bin = b;
                }
            }
            printf("# %-10s drive %2.0f dB: worst non-harmonic line %.1f dBc at %.1f Hz\n", curve_name(c),
                   drives[k], worst, (double)worst_bin * RATE / (double)n);
            if (worst > -50.0)
                fail_msg("%s, drive %.0f dB: alias %.1f dBc at %.1f Hz (limit -50)", curve_name(c), drives[k], worst,
                         (double)worst_bin * RATE / (double)n);
            wp_distortion_destroy(d);
        }
    }
    free(x);
    wp_fft_free(win);
    wp_fft_free(spec);
    wp_fft_free(work);
    wp_fft_destroy(plan);
}

/* Slow ramps from -1 to 1 and back (2 s each way) with 6 dB of drive: the
 * output, latency removed, must follow the documented curve at the driven
 * input. Ramps this slow pass the filters exactly (unity DC gain, linear
 * phase), so the error left is the band-limiting of the knees. The
 * asymmetric curve is checked the same way on a 100 Hz sine below, where
 * its DC removal can be modelled. */
static void static_transfer_follows_the_curves(void **state)
{
    (void)state;
    const size_t half = 96000, n = 2 * half;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(i < half ? -1.0 + 2.0 * (double)i / half : 1.0 - 2.0 * (double)(i - half) / half);
    const double drive = pow(10.0, 6.0 / 20.0);
    for (int c = 0; c < 2; c++) {
        wp_distortion *d = make(RATE, 1, (wp_distortion_curve)c, 6.0);
        size_t lat = (size_t)wp_distortion_latency(d);
        memcpy(y, x, n * sizeof *x);
        run_mono(d, y, n);
        double worst = 0.0, worst_at = 0.0;
        /* From 1000 frames on: the abrupt start at -1 is a step, whose
         * band-limited version rings. */
        for (size_t i = 1000; i + lat < n; i++) {
            double in = drive * x[i];
            double want = c == WP_DISTORTION_SOFT ? soft_curve(in) : hard_curve(in);
            double err = fabs(y[i + lat] - want);
            if (err > worst) {
                worst = err;
                worst_at = in;
            }
        }
        printf("# %s: static transfer max error %.2g (at driven input %.3f)\n", curve_name(c), worst, worst_at);
        if (worst > 1e-4)
            fail_msg("%s: output deviates from the curve by %.3g at driven input %.4f", curve_name(c), worst, worst_at);
        wp_distortion_destroy(d);
    }
    free(x);
    free(y);
}

/* Asymmetric curve on a 100 Hz sine (x up to +-2): the output, latency
 * removed, follows the documented curve followed by the documented DC
 * removal (y - lowpass(y), one pole at 10 Hz) and ADAA's half-sample delay,
 * modelled here in double.
 * Once that has settled the mean is zero; even harmonics appear and the
 * positive and negative excursions differ. The soft curve, for contrast,
 * has no even harmonics. */
static void asymmetric_curve_is_dc_free(void **state)
{
    (void)state;
    const size_t settle = 48000, n = 48000;
    float *x = malloc((settle + n) * sizeof *x);
    const double amp = 0.5, b = 0.5, g = pow(10.0, 12.0 / 20.0);
    const double a = 1.0 - exp(-2.0 * PI * WP_DISTORTION_DC_HZ / RATE);
    for (int c = 0; c < 3; c += 2) {
        wp_distortion *d = make(RATE, 1, (wp_distortion_curve)c, 12.0);
        size_t lat = (size_t)wp_distortion_latency(d);
        for (size_t i = 0; i < settle + n; i++)
            x[i] = (float)(amp * sin(2.0 * PI * 100.0 * (double)i / RATE));
        run_mono(d, x, settle + n);
        double mean = 0.0, hi = -10.0, lo = 10.0, h1re = 0.0, h1im = 0.0, h2re = 0.0, h2im = 0.0;
        double model_err = 0.0, dc = 0.0;
        /* ADAA's half top-rate sample of delay, see distortion.h. */
        const double shift = 0.5 / wp_distortion_factor(d);
        for (size_t i = 0; i < settle + n; i++) {
            double y = soft_curve(g * amp * sin(2.0 * PI * 100.0 * ((double)i - shift) / RATE) + b) - soft_curve(b);
            dc += (y - dc) * a;
            if (i + lat >= settle + n)
                break;
            if (c == WP_DISTORTION_ASYMMETRIC && i > 1000)
                model_err = fmax(model_err, fabs(x[i + lat] - (y - dc)));
        }
        for (size_t i = settle; i < settle + n; i++) {
            double v = x[i], ph = 2.0 * PI * 100.0 * (double)i / RATE;
            mean += v;
            hi = fmax(hi, v);
            lo = fmin(lo, v);
            h1re += v * cos(ph);
            h1im += v * sin(ph);
            h2re += v * cos(2.0 * ph);
            h2im += v * sin(2.0 * ph);
        }
        mean /= (double)n;
        double second = 20.0 * log10(hypot(h2re, h2im) / hypot(h1re, h1im));
        printf("# %s: mean %.2g, peaks %+.4f / %+.4f, 2nd harmonic %.1f dBc, model error %.2g\n", curve_name(c), mean,
               hi, lo, second, model_err);
        if (c == WP_DISTORTION_ASYMMETRIC) {
            if (model_err > 1e-4)
                fail_msg("asymmetric: output deviates from curve + DC removal by %.3g", model_err);
            if (fabs(mean) > 1e-4)
                fail_msg("asymmetric output has DC %.3g", mean);
            if (second < -30.0)
                fail_msg("asymmetric: second harmonic only %.1f dBc", second);
            if (fabs(hi + lo) < 0.1)
                fail_msg("asymmetric: peaks %.4f and %.4f are symmetric", hi, lo);
        } else if (second > -100.0) {
            fail_msg("soft curve: second harmonic %.1f dBc, want none", second);
        }
        wp_distortion_destroy(d);
    }
    free(x);
}

/* Phase delay of y against x at frequency f (in frames), by projection on
 * the complex exponential over whole periods. */
static double phase_delay(const float *x, const float *y, size_t from, size_t n, double f, double rate)
{
    double xr = 0, xi = 0, yr = 0, yi = 0;
    for (size_t i = from; i < from + n; i++) {
        double ph = 2.0 * PI * f * (double)i / rate;
        xr += x[i] * cos(ph);
        xi -= x[i] * sin(ph);
        yr += y[i] * cos(ph);
        yi -= y[i] * sin(ph);
    }
    double dphi = atan2(xi, xr) - atan2(yi, yr);
    while (dphi < -PI)
        dphi += 2.0 * PI;
    while (dphi > PI)
        dphi -= 2.0 * PI;
    return dphi / (2.0 * PI * f) * rate;
}

/* Amplitude of the component at f over n frames from `from` (whole periods). */
static double amplitude(const float *y, size_t from, size_t n, double f, double rate)
{
    double re = 0.0, im = 0.0;
    for (size_t i = from; i < from + n; i++) {
        double ph = 2.0 * PI * f * (double)i / rate;
        re += y[i] * cos(ph);
        im += y[i] * sin(ph);
    }
    return 2.0 * hypot(re, im) / (double)n;
}

/* Linear region (drive 0 dB, -40 dBFS): the wet path is the input delayed by
 * the reported latency plus ADAA's documented half top-rate sample. Checked
 * at every oversampling factor; and a 50 % mix of wet and dry shows no comb
 * (the dry path is delayed by the same latency). */
static void latency_is_reported_and_mix_lines_up(void **state)
{
    (void)state;
    static const double rates[] = {8000.0, 44100.0, 48000.0, 96000.0, 192000.0, 384000.0};
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        /* A period of 480 frames: longer than any latency, so the phase is
         * not ambiguous. */
        double rate = rates[k], f = rate / 480.0;
        wp_distortion *d = make(rate, 1, WP_DISTORTION_SOFT, 0.0);
        size_t n = 9600, from = 4800, len = 4800;
        float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] = (float)(0.01 * sin(2.0 * PI * f * (double)i / rate));
        run_mono(d, y, n);
        double delay = phase_delay(x, y, from, len, f, rate);
        double want = wp_distortion_latency(d) + 0.5 / wp_distortion_factor(d);
        printf("# %6.0f Hz: factor %d, latency %d, measured delay %.4f frames (want %.4f)\n", rate,
               wp_distortion_factor(d), wp_distortion_latency(d), delay, want);
        if (fabs(delay - want) > 0.01)
            fail_msg("rate %.0f: delay %.4f frames, latency %d + ADAA %.4f", rate, delay, wp_distortion_latency(d),
                     0.5 / wp_distortion_factor(d));
        wp_distortion_destroy(d);
        free(x);
        free(y);
    }

    /* 48 kHz, mix 0.5, at 1, 10 and 18 kHz: the level stays within 0.1 dB. */
    static const double freqs[] = {1000.0, 10000.0, 18000.0};
    for (size_t k = 0; k < 3; k++) {
        wp_distortion *d = make(RATE, 1, WP_DISTORTION_SOFT, 0.0);
        assert_int_equal(wp_distortion_set_mix(d, 0.5), WP_OK);
        wp_distortion_reset(d);
        const size_t n = 9600;
        float x[9600];
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(0.01 * sin(2.0 * PI * freqs[k] * (double)i / RATE));
        run_mono(d, x, n);
        double db = 20.0 * log10(amplitude(x, 4800, 4800, freqs[k], RATE) / 0.01);
        if (fabs(db) > 0.1)
            fail_msg("mix 0.5 at %.0f Hz: level %.3f dB (comb?)", freqs[k], db);
        wp_distortion_destroy(d);
    }
}

/* Tone tilt in the linear region: -6/0/+6 dB shelves around 1 kHz, checked
 * against the documented H(s) = (g s + w0) / (s + g w0) at 50 Hz, 1 kHz
 * and 12 kHz (bilinear frequency warping included). */
static void tone_tilts_around_the_pivot(void **state)
{
    (void)state;
    static const double freqs[] = {50.0, 1000.0, 12000.0};
    static const double tones[] = {-1.0, 0.5, 1.0};
    const double k0 = tan(PI * WP_DISTORTION_TILT_HZ / RATE);
    for (size_t t = 0; t < 3; t++) {
        for (size_t k = 0; k < 3; k++) {
            wp_distortion *d = make(RATE, 1, WP_DISTORTION_HARD, 0.0);
            assert_int_equal(wp_distortion_set_tone(d, tones[t]), WP_OK);
            wp_distortion_reset(d);
            const size_t n = 19200;
            float *x = malloc(n * sizeof *x);
            for (size_t i = 0; i < n; i++)
                x[i] = (float)(0.01 * sin(2.0 * PI * freqs[k] * (double)i / RATE));
            run_mono(d, x, n);
            double peak = amplitude(x, 9600, 9600, freqs[k], RATE);
            double g = pow(10.0, 6.0 * tones[t] / 20.0), w = tan(PI * freqs[k] / RATE) / k0;
            double want = 20.0 * log10(hypot(1.0, g * w) / hypot(g, w));
            double got = 20.0 * log10(peak / 0.01);
            if (fabs(got - want) > 0.1)
                fail_msg("tone %.1f at %.0f Hz: %.3f dB, want %.3f", tones[t], freqs[k], got, want);
            wp_distortion_destroy(d);
            free(x);
        }
    }
}

/* Disabled, or fully dry: the input delayed by the latency, bit-exact. */
static void bypass_and_dry_mix_are_exact_delays(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    const size_t n = 4096;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = 2.0f * test_rng_float(&rng);
    for (int variant = 0; variant < 2; variant++) {
        wp_distortion *d = make(RATE, 1, WP_DISTORTION_HARD, 30.0);
        if (variant == 0)
            assert_int_equal(wp_distortion_set_enabled(d, 0), WP_OK);
        else
            assert_int_equal(wp_distortion_set_mix(d, 0.0), WP_OK);
        wp_distortion_reset(d);
        size_t lat = (size_t)wp_distortion_latency(d);
        memcpy(y, x, n * sizeof *x);
        run_mono(d, y, n);
        for (size_t i = 0; i < n; i++) {
            float want = i < lat ? 0.0f : x[i - lat];
            if (y[i] != want)
                fail_msg("%s: frame %zu is %.9g, want %.9g", variant ? "mix 0" : "disabled", i, y[i], want);
        }
        wp_distortion_destroy(d);
    }
    free(x);
    free(y);
}

/* Each parameter jumps at a crest of a 100 Hz sine (0.05, nearly linear at
 * the drives used). Gliding, the output's second difference stays within
 * the sine's own curvature plus twice the glide's largest per-sample step
 * (output change * smoothing coefficient); a jump would be the whole
 * change at once. */
static void parameter_changes_glide(void **state)
{
    (void)state;
    const size_t n = 38400, at = 19200 + 120;
    const double amp = 0.05, w = 2.0 * PI * 100.0 / RATE;
    const double coeff = 1.0 - exp(-1000.0 / (WP_DISTORTION_SMOOTH_MS * RATE));
    static const char *what[] = {"drive 0 -> 12 dB", "curve soft -> hard", "tone -1 -> 1", "mix 0 -> 1",
                                 "output -60 -> +12 dB", "disable"};
    float *x = malloc(n * sizeof *x);
    for (int k = 0; k < 6; k++) {
        wp_distortion *d = make(RATE, 1, WP_DISTORTION_SOFT, k == 0 ? 0.0 : 24.0);
        if (k == 2)
            assert_int_equal(wp_distortion_set_tone(d, -1.0), WP_OK);
        if (k == 3)
            assert_int_equal(wp_distortion_set_mix(d, 0.0), WP_OK);
        if (k == 4)
            assert_int_equal(wp_distortion_set_output_db(d, -60.0), WP_OK);
        wp_distortion_reset(d);
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(amp * sin(w * (double)i));
        run_mono(d, x, at);
        switch (k) {
        case 0: assert_int_equal(wp_distortion_set_drive_db(d, 12.0), WP_OK); break;
        case 1: assert_int_equal(wp_distortion_set_curve(d, WP_DISTORTION_HARD), WP_OK); break;
        case 2: assert_int_equal(wp_distortion_set_tone(d, 1.0), WP_OK); break;
        case 3: assert_int_equal(wp_distortion_set_mix(d, 1.0), WP_OK); break;
        case 4: assert_int_equal(wp_distortion_set_output_db(d, 12.0), WP_OK); break;
        default: assert_int_equal(wp_distortion_set_enabled(d, 0), WP_OK); break;
        }
        run_mono(d, x + at, n - at);
        double before = test_max_abs(x, at - 960, at), after = test_max_abs(x, n - 960, n);
        double bound = 2.0 * (fmax(before, after) * w * w + 2.0 * coeff * fabs(after - before));
        double dd = test_max_second_difference(x, at - 4800, n);
        printf("# %-22s peak %.4f -> %.4f, second difference %.3g (bound %.3g)\n", what[k], before, after, dd, bound);
        if (fabs(after - before) < 0.005)
            fail_msg("%s: output did not change (%.4f -> %.4f)", what[k], before, after);
        if (dd > bound)
            fail_msg("%s: second difference %.4g > %.4g (click)", what[k], dd, bound);
        wp_distortion_destroy(d);
    }
    free(x);
}

/* Disable, wait for a settled bypass (wet path stops), enable again: the
 * first 2 * latency + 1 frames stay exactly the delayed dry signal while the
 * wet path refills, then the crossfade runs, and once it has settled the
 * output is bit-identical to an instance that was never disabled. */
static void reenable_after_bypass_refills_then_fades(void **state)
{
    (void)state;
    const size_t n = 48000, off = 4800, on = 24000;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *ref = malloc(n * sizeof *ref);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(0.3 * sin(2.0 * PI * 200.0 * (double)i / RATE) + 0.1 * sin(2.0 * PI * 3100.0 * (double)i / RATE));
    wp_distortion *d = make(RATE, 1, WP_DISTORTION_HARD, 6.0), *r = make(RATE, 1, WP_DISTORTION_HARD, 6.0);
    size_t lat = (size_t)wp_distortion_latency(d), prime = 2 * lat + 1;
    memcpy(y, x, n * sizeof *x);
    memcpy(ref, x, n * sizeof *x);
    run_mono(r, ref, n);
    run_mono(d, y, off);
    assert_int_equal(wp_distortion_set_enabled(d, 0), WP_OK);
    run_mono(d, y + off, on - off);
    assert_int_equal(wp_distortion_set_enabled(d, 1), WP_OK);
    run_mono(d, y + on, n - on);
    for (size_t i = on - 100; i < on + prime; i++)
        if (y[i] != x[i - lat])
            fail_msg("frame %zu (%zd after re-enable) is not the delayed dry signal", i, (ptrdiff_t)(i - on));
    if (y[on + prime + 1] == x[on + prime + 1 - lat])
        fail_msg("the crossfade did not start after the refill");
    size_t settled = on + prime + (size_t)(0.3 * RATE);
    for (size_t i = settled; i < n; i++)
        if (y[i] != ref[i])
            fail_msg("frame %zu: %.9g after re-enable, %.9g never disabled", i, y[i], ref[i]);
    double dd = test_max_second_difference(y, off - 1000, n), steady = test_max_second_difference(ref, off - 1000, n);
    printf("# toggle: second difference %.4g, never toggled %.4g\n", dd, steady);
    if (dd > 1.5 * steady)
        fail_msg("toggling enable: second difference %.4g vs %.4g steady (click)", dd, steady);
    wp_distortion_destroy(d);
    wp_distortion_destroy(r);
    free(x);
    free(y);
    free(ref);
}

/* The block-split test's processor: soft curve, drive 18 dB, stereo. */
TEST_SPLIT_FX(wp_distortion, make(RATE, 2, WP_DISTORTION_SOFT, 18.0))

/* Marks 1, 2, 3: new settings, disable, enable. */
static void split_changes(void *fx, size_t m)
{
    wp_distortion *d = fx;
    if (m == 1) {
        assert_int_equal(wp_distortion_set_curve(d, WP_DISTORTION_ASYMMETRIC), WP_OK);
        assert_int_equal(wp_distortion_set_tone(d, 0.4), WP_OK);
        assert_int_equal(wp_distortion_set_mix(d, 0.8), WP_OK);
        assert_int_equal(wp_distortion_set_drive_db(d, 30.0), WP_OK);
    }
    if (m == 2)
        assert_int_equal(wp_distortion_set_enabled(d, 0), WP_OK);
    if (m == 3)
        assert_int_equal(wp_distortion_set_enabled(d, 1), WP_OK);
}

static void block_split_is_bit_identical(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    const size_t n = 24000, change = 7000, off = 12000, on = 15000;
    const size_t marks[] = {0, change, off, on, n};
    float *in_l = test_zeros(n), *in_r = test_zeros(n);
    for (size_t i = 0; i < n; i++) {
        in_l[i] = 0.7f * test_rng_float(&rng);
        in_r[i] = (float)(0.5 * sin(2.0 * PI * 440.0 * (double)i / RATE));
    }
    const test_split t = {split_make, split_process, split_changes, split_destroy,
                          marks, sizeof marks / sizeof marks[0], 300};
    test_assert_block_split_invariant(&t, in_l, in_r, &rng, NULL);
    free(in_l);
    free(in_r);
}

static void bad_arguments_are_rejected(void **state)
{
    (void)state;
    wp_distortion *d = (wp_distortion *)&d;
    assert_int_equal(wp_distortion_create(7999.0, 1, &d), WP_ERR_OUT_OF_RANGE);
    assert_null(d);
    assert_int_equal(wp_distortion_create(400000.0, 1, &d), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_create(48000.0, 3, &d), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_create(48000.0, 1, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_distortion_create(48000.0, 2, &d), WP_OK);
    assert_int_equal(wp_distortion_set_drive_db(d, -0.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_drive_db(d, 48.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_drive_db(d, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_tone(d, 1.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_mix(d, -0.01), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_output_db(d, 12.5), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_output_db(d, -61.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_curve(d, (wp_distortion_curve)3), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_distortion_set_curve(d, (wp_distortion_curve)-1), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_distortion_set_drive_db(NULL, 1.0), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_distortion_set_enabled(NULL, 1), WP_ERR_INVALID_ARGUMENT);
    wp_distortion_destroy(d);
    /* Defaults kept after rejected setters: soft curve, 12 dB drive. */
    d = make(RATE, 1, WP_DISTORTION_SOFT, 12.0);
    wp_distortion *fresh;
    assert_int_equal(wp_distortion_create(RATE, 1, &fresh), WP_OK);
    assert_int_equal(wp_distortion_set_drive_db(fresh, 60.0), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_distortion_set_tone(fresh, -2.0), WP_ERR_OUT_OF_RANGE);
    float a[512], b[512];
    for (int i = 0; i < 512; i++)
        a[i] = b[i] = (float)(0.3 * sin(0.05 * i));
    run_mono(d, a, 512);
    run_mono(fresh, b, 512);
    if (memcmp(a, b, sizeof a))
        fail_msg("defaults changed by rejected setters");
    wp_distortion_destroy(d);
    wp_distortion_destroy(fresh);
    wp_distortion_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aliases_stay_below_50_dbc),
        cmocka_unit_test(static_transfer_follows_the_curves),
        cmocka_unit_test(asymmetric_curve_is_dc_free),
        cmocka_unit_test(latency_is_reported_and_mix_lines_up),
        cmocka_unit_test(tone_tilts_around_the_pivot),
        cmocka_unit_test(bypass_and_dry_mix_are_exact_delays),
        cmocka_unit_test(parameter_changes_glide),
        cmocka_unit_test(reenable_after_bypass_refills_then_fades),
        cmocka_unit_test(block_split_is_bit_identical),
        cmocka_unit_test(bad_arguments_are_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
