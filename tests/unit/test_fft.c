#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/fft.h"

#define PI 3.14159265358979323846

/* Naive DFT in double. in: n complex (re, im); out: n complex. Twiddles
 * from a table indexed by (k*t mod n), so the reference itself is exact to
 * double rounding and affordable up to n = 16384. */
static void naive_dft(const double *in, double *out, size_t n)
{
    double *cos_t = malloc(n * sizeof *cos_t);
    double *sin_t = malloc(n * sizeof *sin_t);
    assert_non_null(cos_t);
    assert_non_null(sin_t);
    for (size_t i = 0; i < n; i++) {
        cos_t[i] = cos(2.0 * PI * (double)i / (double)n);
        sin_t[i] = sin(2.0 * PI * (double)i / (double)n);
    }
    for (size_t k = 0; k < n; k++) {
        double re = 0, im = 0;
        size_t idx = 0;
        for (size_t t = 0; t < n; t++) {
            double xr = in[2 * t], xi = in[2 * t + 1];
            /* e^{-i theta} = cos - i sin */
            re += xr * cos_t[idx] + xi * sin_t[idx];
            im += xi * cos_t[idx] - xr * sin_t[idx];
            idx += k;
            if (idx >= n)
                idx -= n;
        }
        out[2 * k] = re;
        out[2 * k + 1] = im;
    }
    free(cos_t);
    free(sin_t);
}

/* sqrt(sum |a - ref|^2 / sum |ref|^2) over `count` floats. */
static double relative_rms_error(const float *a, const double *ref, size_t count)
{
    double err = 0, norm = 0;
    for (size_t i = 0; i < count; i++) {
        double d = (double)a[i] - ref[i];
        err += d * d;
        norm += ref[i] * ref[i];
    }
    return sqrt(err / norm);
}

/* Relative RMS error of one forward transform of random data against the
 * naive DFT: n real samples (n+2 floats out) or n complex values. */
static double forward_error(wp_fft_kind kind, size_t n, test_rng *rng)
{
    wp_fft *plan;
    assert_int_equal(wp_fft_create(n, kind, &plan), WP_OK);
    size_t in_floats = kind == WP_FFT_REAL ? n : 2 * n;
    size_t out_floats = kind == WP_FFT_REAL ? n + 2 : 2 * n;
    float *x = wp_fft_alloc(2 * n), *y = wp_fft_alloc(2 * n + 2), *work = wp_fft_alloc(wp_fft_work_floats(plan));
    double *xc = calloc(2 * n, sizeof *xc), *ref = malloc(2 * n * sizeof *ref);
    for (size_t i = 0; i < in_floats; i++) {
        x[i] = test_rng_float(rng);
        /* a real signal is the complex one with zero imaginary parts */
        xc[kind == WP_FFT_REAL ? 2 * i : i] = x[i];
    }
    naive_dft(xc, ref, n);
    if (kind == WP_FFT_REAL) {
        assert_int_equal(wp_fft_forward_real(plan, x, y, work), WP_OK);
        assert_true(y[1] == 0.0f && y[n + 1] == 0.0f);
    } else {
        assert_int_equal(wp_fft_forward_complex(plan, x, y, work), WP_OK);
    }
    double err = relative_rms_error(y, ref, out_floats);
    free(xc);
    free(ref);
    wp_fft_free(x);
    wp_fft_free(y);
    wp_fft_free(work);
    wp_fft_destroy(plan);
    return err;
}

static void real_forward_matches_naive_dft(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    static const size_t extra_sizes[] = {96, 480, 960, 1920};
    for (size_t n = 32; n <= 16384; n *= 2) {
        double err = forward_error(WP_FFT_REAL, n, &rng);
        if (err >= 1e-6)
            fail_msg("real n=%zu: relative RMS error %.3g >= 1e-6", n, err);
    }
    for (size_t i = 0; i < sizeof extra_sizes / sizeof extra_sizes[0]; i++) {
        double err = forward_error(WP_FFT_REAL, extra_sizes[i], &rng);
        if (err >= 1e-6)
            fail_msg("real n=%zu: relative RMS error %.3g >= 1e-6", extra_sizes[i], err);
    }
}

static void complex_forward_matches_naive_dft(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    for (size_t n = 32; n <= 16384; n *= 2) {
        double err = forward_error(WP_FFT_COMPLEX, n, &rng);
        if (err >= 1e-6)
            fail_msg("complex n=%zu: relative RMS error %.3g >= 1e-6", n, err);
    }
}

static void inverse_of_forward_is_identity(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 2);
    for (size_t n = 32; n <= 65536; n *= 2) {
        for (int kind = WP_FFT_REAL; kind <= WP_FFT_COMPLEX; kind++) {
            wp_fft *plan;
            assert_int_equal(wp_fft_create(n, (wp_fft_kind)kind, &plan), WP_OK);
            size_t floats = kind == WP_FFT_REAL ? n + 2 : 2 * n;
            size_t samples = kind == WP_FFT_REAL ? n : 2 * n;
            float *x = wp_fft_alloc(floats), *y = wp_fft_alloc(floats), *work = wp_fft_alloc(wp_fft_work_floats(plan));
            for (size_t i = 0; i < samples; i++)
                x[i] = test_rng_float(&rng);
            if (kind == WP_FFT_REAL) {
                assert_int_equal(wp_fft_forward_real(plan, x, y, work), WP_OK);
                assert_int_equal(wp_fft_inverse_real(plan, y, y, work), WP_OK); /* in place */
            } else {
                assert_int_equal(wp_fft_forward_complex(plan, x, y, work), WP_OK);
                assert_int_equal(wp_fft_inverse_complex(plan, y, y, work), WP_OK);
            }
            double max_err = 0;
            for (size_t i = 0; i < samples; i++)
                max_err = fmax(max_err, fabs((double)y[i] - x[i]));
            if (max_err > 2e-6)
                fail_msg("round trip kind=%d n=%zu: max error %.3g", kind, n, max_err);
            wp_fft_free(x);
            wp_fft_free(y);
            wp_fft_free(work);
            wp_fft_destroy(plan);
        }
    }
}

static void parseval_holds(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 3);
    for (size_t n = 32; n <= 65536; n *= 4) {
        wp_fft *plan;
        assert_int_equal(wp_fft_create(n, WP_FFT_REAL, &plan), WP_OK);
        float *x = wp_fft_alloc(n), *y = wp_fft_alloc(n + 2), *work = wp_fft_alloc(n);
        double time_energy = 0;
        for (size_t t = 0; t < n; t++) {
            x[t] = test_rng_float(&rng);
            time_energy += (double)x[t] * x[t];
        }
        assert_int_equal(wp_fft_forward_real(plan, x, y, work), WP_OK);
        /* Bins 1..n/2-1 stand for their mirror images too. */
        double freq_energy = 0;
        for (size_t k = 0; k <= n / 2; k++) {
            double p = (double)y[2 * k] * y[2 * k] + (double)y[2 * k + 1] * y[2 * k + 1];
            freq_energy += (k == 0 || k == n / 2) ? p : 2 * p;
        }
        freq_energy /= (double)n;
        assert_true(fabs(freq_energy - time_energy) / time_energy < 1e-5);
        wp_fft_free(x);
        wp_fft_free(y);
        wp_fft_free(work);
        wp_fft_destroy(plan);
    }
}

static void windowed_sine_peaks_at_its_bin_with_coherent_gain(void **state)
{
    (void)state;
    const size_t n = 4096, bin = 372;
    const double amplitude = 0.5;
    wp_fft *plan;
    assert_int_equal(wp_fft_create(n, WP_FFT_REAL, &plan), WP_OK);
    float *win = wp_fft_alloc(n), *x = wp_fft_alloc(n + 2), *work = wp_fft_alloc(n);
    float *mag = malloc((n / 2 + 1) * sizeof *mag);
    for (int w = 0; w < WP_WINDOW_COUNT; w++) {
        assert_int_equal(wp_window_fill((wp_window)w, win, n), WP_OK);
        double mean = 0;
        for (size_t t = 0; t < n; t++)
            mean += win[t];
        mean /= (double)n;
        double gain = wp_window_coherent_gain((wp_window)w);
        if (fabs(mean - gain) > 1e-6)
            fail_msg("%s: window mean %.8f != documented coherent gain %.8f", wp_window_name((wp_window)w), mean, gain);

        for (size_t t = 0; t < n; t++)
            x[t] = (float)(amplitude * sin(2.0 * PI * (double)bin * (double)t / (double)n + 0.3)) * win[t];
        assert_int_equal(wp_fft_forward_real(plan, x, x, work), WP_OK);
        wp_spectrum_magnitude(x, n / 2 + 1, mag);
        size_t peak = 0;
        for (size_t k = 1; k <= n / 2; k++)
            if (mag[k] > mag[peak])
                peak = k;
        assert_int_equal(peak, bin);
        double expected = amplitude * (double)n / 2.0 * gain;
        if (fabs(mag[bin] - expected) / expected > 1e-4)
            fail_msg("%s: |X[k]| %.6f, expected %.6f", wp_window_name((wp_window)w), mag[bin], expected);

        /* The dB helper with the documented scale reads the sine's level. */
        float db;
        wp_amplitude_to_db(&mag[bin], 1, (float)(2.0 / ((double)n * gain)), -200.0f, &db);
        assert_true(fabs(db - 20.0 * log10(amplitude)) < 0.001);
    }
    free(mag);
    wp_fft_free(win);
    wp_fft_free(x);
    wp_fft_free(work);
    wp_fft_destroy(plan);
}

static void unsupported_sizes_and_bad_arguments_are_rejected(void **state)
{
    (void)state;
    static const size_t bad_real[] = {0, 1, 16, 33, 100, 224, 48, 131072};
    wp_fft *plan = (wp_fft *)&plan;
    for (size_t i = 0; i < sizeof bad_real / sizeof bad_real[0]; i++) {
        assert_int_equal(wp_fft_create(bad_real[i], WP_FFT_REAL, &plan), WP_ERR_UNSUPPORTED_SIZE);
        assert_null(plan);
    }
    assert_int_equal(wp_fft_create(16, WP_FFT_COMPLEX, &plan), WP_ERR_UNSUPPORTED_SIZE);
    assert_int_equal(wp_fft_create(48, WP_FFT_COMPLEX, &plan), WP_OK); /* 16 * 3 */
    wp_fft_destroy(plan);
    assert_int_equal(wp_fft_create(64, (wp_fft_kind)7, &plan), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_fft_create(64, WP_FFT_REAL, NULL), WP_ERR_INVALID_ARGUMENT);

    assert_int_equal(wp_fft_create(64, WP_FFT_REAL, &plan), WP_OK);
    float *buf = wp_fft_alloc(80), *work = wp_fft_alloc(64);
    assert_int_equal(wp_fft_forward_real(plan, buf + 1, buf, work), WP_ERR_INVALID_ARGUMENT); /* misaligned */
    assert_int_equal(wp_fft_forward_real(plan, buf, buf, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_fft_forward_complex(plan, buf, buf, work), WP_ERR_INVALID_ARGUMENT); /* wrong kind */
    assert_null(wp_fft_alloc(0));
    wp_fft_free(buf);
    wp_fft_free(work);
    wp_fft_destroy(plan);
    wp_fft_destroy(NULL);
}

static void window_names_round_trip(void **state)
{
    (void)state;
    for (int w = 0; w < WP_WINDOW_COUNT; w++) {
        wp_window back;
        assert_int_equal(wp_window_from_name(wp_window_name((wp_window)w), &back), WP_OK);
        assert_int_equal(back, w);
    }
    wp_window back;
    assert_int_equal(wp_window_from_name("kaiser", &back), WP_ERR_INVALID_ARGUMENT);
    float w[4];
    assert_int_equal(wp_window_fill(WP_WINDOW_COUNT, w, 4), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_window_fill(WP_WINDOW_HANN, w, 0), WP_ERR_INVALID_ARGUMENT);
}

static void db_helpers_floor_and_scale(void **state)
{
    (void)state;
    const float amp[4] = {1.0f, 0.1f, 0.0f, 1e-9f};
    float db[4];
    wp_amplitude_to_db(amp, 4, 1.0f, -120.0f, db);
    assert_true(fabsf(db[0]) < 1e-6f);
    assert_true(fabsf(db[1] + 20.0f) < 1e-4f);
    assert_true(db[2] == -120.0f);
    assert_true(db[3] == -120.0f);
    const float pw[2] = {0.01f, 4.0f};
    wp_power_to_db(pw, 2, 1.0f, -300.0f, db);
    assert_true(fabsf(db[0] + 20.0f) < 1e-4f);
    assert_true(fabsf(db[1] - 6.0206f) < 1e-3f);
    const float spec[4] = {3.0f, 4.0f, 0.0f, -2.0f};
    float out[2];
    wp_spectrum_magnitude(spec, 2, out);
    assert_true(out[0] == 5.0f && out[1] == 2.0f);
    wp_spectrum_power(spec, 2, out);
    assert_true(out[0] == 25.0f && out[1] == 4.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_forward_matches_naive_dft),
        cmocka_unit_test(complex_forward_matches_naive_dft),
        cmocka_unit_test(inverse_of_forward_is_identity),
        cmocka_unit_test(parseval_holds),
        cmocka_unit_test(windowed_sine_peaks_at_its_bin_with_coherent_gain),
        cmocka_unit_test(unsupported_sizes_and_bad_arguments_are_rejected),
        cmocka_unit_test(window_names_round_trip),
        cmocka_unit_test(db_helpers_floor_and_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
