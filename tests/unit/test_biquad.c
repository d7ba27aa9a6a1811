/* RBJ biquad design and its analytic magnitude response. */
#include "test_util.h"

#include <math.h>

#include "wavepool/eq.h"

#define PI 3.14159265358979323846

static const double rates[] = {8000.0, 44100.0, 48000.0, 96000.0, 384000.0};
#define RATE_COUNT (sizeof rates / sizeof rates[0])

/* Uniform in [lo, hi] on a log scale. */
static double log_uniform(test_rng *rng, double lo, double hi)
{
    double u = 0.5 * ((double)test_rng_float(rng) + 1.0);
    return lo * pow(hi / lo, u);
}

/* The cookbook's analog prototype H(s) = (n2 s^2 + n1 s + n0) /
 * (d2 s^2 + d1 s + d0) for s normalised to w0, bilinear transformed with
 * s = K (1 - 1/z) / (1 + 1/z), K = 1 / tan(w0 / 2). An independent route
 * to the same coefficients (the design uses the cookbook's sin/cos form). */
typedef struct prototype {
    double n[3], d[3]; /* index = power of s */
} prototype;

static prototype analog_prototype(wp_filter_type type, double gain_db, double q)
{
    const double a = pow(10.0, gain_db / 40.0), sa = sqrt(a);
    prototype p = {{0, 0, 0}, {1.0, 1.0 / q, 1.0}};
    double *n = p.n, *d = p.d;
    switch (type) {
    case WP_FILTER_PEAKING:
        n[0] = 1.0, n[1] = a / q, n[2] = 1.0;
        d[1] = 1.0 / (a * q);
        break;
    case WP_FILTER_LOW_SHELF:
        n[0] = a * a, n[1] = a * sa / q, n[2] = a;
        d[0] = 1.0, d[1] = sa / q, d[2] = a;
        break;
    case WP_FILTER_HIGH_SHELF:
        n[0] = a, n[1] = a * sa / q, n[2] = a * a;
        d[0] = a, d[1] = sa / q, d[2] = 1.0;
        break;
    case WP_FILTER_LOW_PASS: n[0] = 1.0; break;
    case WP_FILTER_HIGH_PASS: n[2] = 1.0; break;
    case WP_FILTER_BAND_PASS: n[1] = 1.0 / q; break;
    case WP_FILTER_NOTCH: n[0] = 1.0, n[2] = 1.0; break;
    default: n[0] = 1.0, n[1] = -1.0 / q, n[2] = 1.0; break;
    }
    return p;
}

/* The prototype bilinear transformed with s = K (1 - 1/z) / (1 + 1/z),
 * K = 1 / tan(w0 / 2): an independent route to the cookbook coefficients
 * (the design uses the cookbook's sin/cos form). */
static wp_biquad_coeffs bilinear_reference(wp_filter_type type, double rate, double f0, double gain_db, double q)
{
    const prototype p = analog_prototype(type, gain_db, q);
    const double *n = p.n, *d = p.d;
    const double k = 1.0 / tan(PI * f0 / rate), k2 = k * k;
    const double b0 = n[2] * k2 + n[1] * k + n[0], b1 = 2.0 * (n[0] - n[2] * k2), b2 = n[2] * k2 - n[1] * k + n[0];
    const double a0 = d[2] * k2 + d[1] * k + d[0], a1 = 2.0 * (d[0] - d[2] * k2), a2 = d[2] * k2 - d[1] * k + d[0];
    wp_biquad_coeffs c = {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
    return c;
}

/* Random designs across the whole accepted range match the bilinear
 * transform of the cookbook's analog prototypes. */
static void design_matches_bilinear_transform_of_prototype(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed());
    double worst = 0.0;
    for (int type = 0; type < WP_FILTER_TYPE_COUNT; type++) {
        for (size_t r = 0; r < RATE_COUNT; r++) {
            for (int i = 0; i < 200; i++) {
                const double rate = rates[r];
                const double f0 = log_uniform(&rng, 10.0, 0.49 * rate);
                const double q = log_uniform(&rng, 0.1, 18.0);
                const double gain = 24.0 * (double)test_rng_float(&rng);
                wp_biquad_coeffs c, ref = bilinear_reference((wp_filter_type)type, rate, f0, gain, q);
                assert_int_equal(wp_biquad_design((wp_filter_type)type, rate, f0, gain, q, &c), WP_OK);
                const double got[5] = {c.b0, c.b1, c.b2, c.a1, c.a2};
                const double want[5] = {ref.b0, ref.b1, ref.b2, ref.a1, ref.a2};
                for (int j = 0; j < 5; j++) {
                    /* Relative to the coefficient scale (a1 ~ -2). */
                    const double err = fabs(got[j] - want[j]) / fmax(1.0, fabs(want[j]));
                    worst = fmax(worst, err);
                    if (err > 1e-9)
                        fail_msg("type %d rate %g f0 %g q %g gain %g: coefficient %d = %.17g, reference %.17g",
                                 type, rate, f0, q, gain, j, got[j], want[j]);
                }
            }
        }
    }
    printf("# design vs bilinear prototype: worst relative coefficient difference %.3g\n", worst);
}

/* The digital response at f is the prototype's at the warped frequency
 * W = tan(pi f / rate) / tan(pi f0 / rate): |N(jW)|^2 / |D(jW)|^2, a sum of
 * squares with no cancellation but the inherent one at a notch. */
static double warped_prototype_db(wp_filter_type type, double rate, double f0, double gain_db, double q, double f)
{
    const prototype p = analog_prototype(type, gain_db, q);
    const double w = tan(PI * f / rate) / tan(PI * f0 / rate), w2 = w * w;
    const double nr = p.n[0] - p.n[2] * w2, ni = p.n[1] * w;
    const double dr = p.d[0] - p.d[2] * w2, di = p.d[1] * w;
    return 10.0 * log10((nr * nr + ni * ni) / (dr * dr + di * di));
}

/* The analytic magnitude agrees with the warped analog prototype from DC to
 * Nyquist, deep stop bands included (down to -150 dB; the notch's own zero
 * aside). The tolerance covers coefficient rounding: relative 1e-16 errors
 * in coefficients that nearly cancel, worst for narrow low bands. */
static void magnitude_matches_warped_prototype(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 1);
    double worst = 0.0;
    int compared = 0;
    for (int type = 0; type < WP_FILTER_TYPE_COUNT; type++) {
        for (size_t r = 0; r < RATE_COUNT; r++) {
            for (int i = 0; i < 100; i++) {
                const double rate = rates[r];
                const double f0 = log_uniform(&rng, 10.0, 0.49 * rate);
                const double gain = 24.0 * (double)test_rng_float(&rng);
                const double q = log_uniform(&rng, 0.1, 18.0);
                wp_biquad_coeffs c;
                assert_int_equal(wp_biquad_design((wp_filter_type)type, rate, f0, gain, q, &c), WP_OK);
                for (int j = 0; j < 20; j++) {
                    const double f = log_uniform(&rng, 1.0, 0.4999 * rate);
                    const double want = warped_prototype_db((wp_filter_type)type, rate, f0, gain, q, f);
                    if (want < -150.0)
                        continue;
                    const double got = wp_biquad_magnitude_db(&c, rate, f);
                    const double err = fabs(got - want);
                    worst = fmax(worst, err);
                    compared++;
                    if (err > 1e-6)
                        fail_msg("type %d rate %g f0 %g gain %g q %g, f %g: %.12f dB, prototype %.12f dB", type,
                                 rate, f0, gain, q, f, got, want);
                }
            }
        }
    }
    printf("# magnitude vs warped prototype: %d points, worst %.3g dB\n", compared, worst);
    assert_true(compared > 10000);
}

static double mag(wp_filter_type type, double rate, double f0, double gain, double q, double f)
{
    wp_biquad_coeffs c;
    assert_int_equal(wp_biquad_design(type, rate, f0, gain, q, &c), WP_OK);
    return wp_biquad_magnitude_db(&c, rate, f);
}

static void expect_db(const char *what, double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: %.9f dB, expected %.9f dB", what, got, want);
}

/* Values the cookbook's definitions fix exactly. */
static void cookbook_landmarks(void **state)
{
    (void)state;
    /* Exact in theory; coefficient rounding costs ~1e-8 dB for a Q 18 band
     * at 20 Hz and 384 kHz. */
    const double tol = 1e-6;
    double notch_worst = -INFINITY;
    for (size_t r = 0; r < RATE_COUNT; r++) {
        const double rate = rates[r], nyq = 0.5 * rate;
        const double f0s[] = {20.0, 1000.0, 0.3 * rate};
        const double qs[] = {0.1, 0.7071067811865476, 3.0, 18.0};
        const double gains[] = {-24.0, -6.0, 0.0, 3.0, 24.0};
        for (size_t i = 0; i < 3; i++) {
            for (size_t j = 0; j < 4; j++) {
                const double f0 = f0s[i], q = qs[j];
                for (size_t g = 0; g < 5; g++) {
                    const double gain = gains[g];
                    expect_db("peaking at f0", mag(WP_FILTER_PEAKING, rate, f0, gain, q, f0), gain, tol);
                    expect_db("low shelf at DC", mag(WP_FILTER_LOW_SHELF, rate, f0, gain, q, 0.0), gain, tol);
                    expect_db("low shelf at Nyquist", mag(WP_FILTER_LOW_SHELF, rate, f0, gain, q, nyq), 0.0, tol);
                    expect_db("low shelf midpoint", mag(WP_FILTER_LOW_SHELF, rate, f0, gain, q, f0), gain / 2, tol);
                    expect_db("high shelf at DC", mag(WP_FILTER_HIGH_SHELF, rate, f0, gain, q, 0.0), 0.0, tol);
                    expect_db("high shelf at Nyquist", mag(WP_FILTER_HIGH_SHELF, rate, f0, gain, q, nyq), gain, tol);
                    expect_db("high shelf midpoint", mag(WP_FILTER_HIGH_SHELF, rate, f0, gain, q, f0), gain / 2, tol);
                }
                const double q_db = 20.0 * log10(q);
                expect_db("low pass at DC", mag(WP_FILTER_LOW_PASS, rate, f0, 0, q, 0.0), 0.0, tol);
                expect_db("low pass at f0", mag(WP_FILTER_LOW_PASS, rate, f0, 0, q, f0), q_db, tol);
                expect_db("high pass at Nyquist", mag(WP_FILTER_HIGH_PASS, rate, f0, 0, q, nyq), 0.0, tol);
                expect_db("high pass at f0", mag(WP_FILTER_HIGH_PASS, rate, f0, 0, q, f0), q_db, tol);
                expect_db("band pass at f0", mag(WP_FILTER_BAND_PASS, rate, f0, 0, q, f0), 0.0, tol);
                expect_db("notch at DC", mag(WP_FILTER_NOTCH, rate, f0, 0, q, 0.0), 0.0, tol);
                /* A zero on the unit circle, up to the rounding of
                 * coefficients that cancel there (relative 1e-16 / phi). */
                if (mag(WP_FILTER_NOTCH, rate, f0, 0, q, f0) > -80.0)
                    fail_msg("notch at f0 reads %g dB", mag(WP_FILTER_NOTCH, rate, f0, 0, q, f0));
                notch_worst = fmax(notch_worst, mag(WP_FILTER_NOTCH, rate, f0, 0, q, f0));
                for (double f = 0.0; f <= nyq; f += nyq / 37.0)
                    expect_db("all pass", mag(WP_FILTER_ALL_PASS, rate, f0, 0, q, f), 0.0, tol);
            }
        }
    }
    printf("# shallowest notch at f0: %.1f dB\n", notch_worst);
}

static void design_rejects_bad_arguments(void **state)
{
    (void)state;
    wp_biquad_coeffs c = {1, 2, 3, 4, 5};
    const wp_biquad_coeffs orig = c;
    assert_int_equal(wp_biquad_design(WP_FILTER_PEAKING, 48000, 1000, 0, 1, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_biquad_design(WP_FILTER_TYPE_COUNT, 48000, 1000, 0, 1, &c), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_biquad_design((wp_filter_type)-1, 48000, 1000, 0, 1, &c), WP_ERR_INVALID_ARGUMENT);
    const double bad[][4] = {
        /* rate, f0, gain, q */
        {7999, 1000, 0, 1},     {384001, 1000, 0, 1}, {NAN, 1000, 0, 1},    {48000, 0, 0, 1},
        {48000, -5, 0, 1},      {48000, 24000, 0, 1}, {48000, NAN, 0, 1},   {48000, 1000, 121, 1},
        {48000, 1000, -121, 1}, {48000, 1000, NAN, 1}, {48000, 1000, 0, 0}, {48000, 1000, 0, -1},
        {48000, 1000, 0, NAN},  {48000, 1000, 0, INFINITY},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const wp_status st = wp_biquad_design(WP_FILTER_PEAKING, bad[i][0], bad[i][1], bad[i][2], bad[i][3], &c);
        if (st != WP_ERR_OUT_OF_RANGE)
            fail_msg("case %zu: status %d, expected WP_ERR_OUT_OF_RANGE", i, (int)st);
    }
    assert_memory_equal(&c, &orig, sizeof c);
    assert_true(isnan(wp_biquad_magnitude_db(NULL, 48000, 1000)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(design_matches_bilinear_transform_of_prototype),
        cmocka_unit_test(magnitude_matches_warped_prototype),
        cmocka_unit_test(cookbook_landmarks),
        cmocka_unit_test(design_rejects_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
