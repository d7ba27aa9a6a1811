/* wavepool's loudness meter against libebur128 (native only) on varied
 * seeded signals: noise bursts with silent gaps and music-like mixtures of
 * tones and noise under envelopes, at 44.1, 48 and 96 kHz, with 1, 2 and 6
 * channels. Integrated loudness must agree within 0.02 LU, true peak within
 * 0.1 dB, sample peak exactly.
 *
 * LRA is informative: libebur128 takes a short-term value every second
 * (its counter restarts at 2 s of 3 s), wavepool every 100 ms as the brief
 * and Tech 3342 ask, so the two differ slightly on short material. The test
 * therefore also reads wavepool's short-term loudness once a second, gates
 * those values as libebur128 does and checks that this reproduces
 * libebur128's LRA within 0.01 LU (same short-term values, same gates and
 * percentiles), and only prints the 100 ms-hop difference: on these 24 s
 * signals libebur128 has just 22 values, so single gaps move its
 * percentiles by a lot (up to 1.4 LU here). test_loudness checks wavepool's
 * own LRA against exact gating of its 100 ms values. */
#include "test_util.h"

#include <ebur128.h>
#include <math.h>
#include <string.h>

#include "wavepool/loudness.h"
#include "wavepool/truepeak.h"

#define PI 3.14159265358979323846

/* Two-pole low-pass noise source: programme-like spectra that fall off
 * towards fs/2. (On full-band white noise the two interpolators differ by
 * up to ~1 dB: true peaks of noise depend on the filters' behaviour between
 * 0.45 fs and fs/2, where neither reconstructs anything meaningful.) */
typedef struct noise {
    test_rng rng;
    double a, b, y1, y2;
} noise;

static noise noise_make(uint64_t seed, double cutoff, double rate)
{
    noise n = {test_rng_seeded(seed), exp(-2 * PI * cutoff / rate), 0, 0, 0};
    n.b = 1 - n.a;
    return n;
}

static double noise_next(noise *n)
{
    n->y1 = n->a * n->y1 + n->b * test_rng_float(&n->rng);
    n->y2 = n->a * n->y2 + n->b * n->y1;
    return n->y2 * 3.0;
}

/* Noise bursts of random length (0.2..2 s) and level (-45..-8 dBFS), separated
 * by gaps of digital silence (0.1..1.5 s), independent per channel. */
static void make_bursts(float **x, int channels, size_t n, double rate, uint64_t seed)
{
    for (int c = 0; c < channels; c++) {
        test_rng rng = test_rng_seeded(seed * 31 + (uint64_t)c);
        noise src = noise_make(seed + 100 + (uint64_t)c, 1500.0 + 500.0 * c, rate);
        size_t i = 0;
        while (i < n) {
            size_t burst = (size_t)(rate * (0.2 + 1.8 * (test_rng_float(&rng) + 1) / 2));
            size_t gap = (size_t)(rate * (0.1 + 1.4 * (test_rng_float(&rng) + 1) / 2));
            double gain = pow(10.0, (-45.0 + 37.0 * (test_rng_float(&rng) + 1) / 2) / 20.0);
            for (size_t k = 0; k < burst && i < n; k++, i++)
                x[c][i] = (float)(gain * noise_next(&src));
            for (size_t k = 0; k < gap && i < n; k++, i++)
                x[c][i] = 0.0f;
        }
    }
}

/* "Notes": 3 harmonics of a random fundamental (80..900 Hz) with attack and
 * decay, plus noise hits with exponential decay, under a slow level
 * envelope; channel 3 of 6 (LFE) gets a 50 Hz rumble. */
static void make_music(float **x, int channels, size_t n, double rate, uint64_t seed)
{
    for (int c = 0; c < channels; c++) {
        test_rng rng = test_rng_seeded(seed * 77 + (uint64_t)c);
        noise hit_src = noise_make(seed + 300 + (uint64_t)c, 3000.0, rate);
        /* (re, im) rotates by the fundamental each sample; the harmonics
         * follow from sin 2p = 2 sin p cos p, sin 3p = sin p (3 - 4 sin^2 p). */
        double re = 1, im = 0, step_re = 1, step_im = 0, note_age = 0, note_len = 0.5, hit = 0;
        double note_gain = 0.2, decay = 1.0, slow = 1.0;
        const double decay_step = exp(-2.5 / rate), hit_step = exp(-30.0 / rate);
        for (size_t i = 0; i < n; i++) {
            double t = (double)i / rate;
            if (i % 64 == 0)
                slow = pow(10.0, (-8.0 + 8.0 * sin(2 * PI * 0.05 * t + c)) / 20.0);
            if (note_age >= note_len) {
                double f0 = 80.0 + 820.0 * (test_rng_float(&rng) + 1) / 2;
                step_re = cos(2 * PI * f0 / rate);
                step_im = sin(2 * PI * f0 / rate);
                re = 1;
                im = 0;
                note_len = 0.15 + 1.2 * (test_rng_float(&rng) + 1) / 2;
                note_gain = pow(10.0, (-30.0 + 24.0 * (test_rng_float(&rng) + 1) / 2) / 20.0);
                note_age = 0;
                decay = 1.0;
                if (test_rng_float(&rng) > 0.2)
                    hit = 1.0;
            }
            double env = fmin(note_age / 0.01, 1.0) * decay;
            decay *= decay_step;
            double v = im + im * re + im * (3 - 4 * im * im) / 3;
            double r = re * step_re - im * step_im;
            im = re * step_im + im * step_re;
            re = r;
            v *= note_gain * env;
            v += 0.3 * hit * noise_next(&hit_src);
            hit *= hit_step;
            if (channels == 6 && c == 3)
                v = 0.3 * sin(2 * PI * 50.0 * t);
            x[c][i] = (float)(v * slow);
            note_age += 1.0 / rate;
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* libebur128's LRA recipe applied to short-term energies. */
static double lra_like_libebur128(double *e, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i] >= pow(10.0, (-70.0 + 0.691) / 10.0))
            e[k++] = e[i];
    if (k == 0)
        return 0.0;
    qsort(e, k, sizeof *e, cmp_double);
    double mean = 0;
    for (size_t i = 0; i < k; i++)
        mean += e[i];
    mean /= (double)k;
    size_t start = 0;
    while (start < k && e[start] < mean * 0.01)
        start++;
    size_t g = k - start;
    if (g == 0)
        return 0.0;
    double hi = e[start + (size_t)((double)(g - 1) * 0.95 + 0.5)];
    double lo = e[start + (size_t)((double)(g - 1) * 0.1 + 0.5)];
    return 10.0 * log10(hi / lo);
}

typedef struct compare {
    double worst_i, worst_tp, worst_lra_1s, worst_lra;
} compare;

static void run_case(double rate, int channels, int music, uint64_t seed, compare *cmp)
{
    const size_t n = (size_t)(rate * 24.0), block = (size_t)(rate / 10 + 0.5);
    float *x[6], *inter = malloc(n * (size_t)channels * sizeof *inter);
    for (int c = 0; c < channels; c++)
        x[c] = malloc(n * sizeof *x[c]);
    if (music)
        make_music(x, channels, n, rate, seed);
    else
        make_bursts(x, channels, n, rate, seed);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < channels; c++)
            inter[i * (size_t)channels + (size_t)c] = x[c][i];

    ebur128_state *ref = ebur128_init((unsigned)channels, (unsigned long)rate,
                                      EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK |
                                          EBUR128_MODE_SAMPLE_PEAK);
    assert_non_null(ref);
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(rate, channels, &lm), WP_OK);

    /* Fed one 100 ms sub-block at a time so the short-term value can be read
     * at every whole second, where libebur128 takes its LRA values. */
    double *st = malloc((n / block + 1) * sizeof *st);
    size_t nst = 0;
    for (size_t k = 0; k * block < n; k++) {
        size_t len = n - k * block < block ? n - k * block : block;
        const float *part[6];
        for (int c = 0; c < channels; c++)
            part[c] = x[c] + k * block;
        assert_int_equal(wp_loudness_process(lm, part, len), WP_OK);
        assert_int_equal(ebur128_add_frames_float(ref, inter + k * block * (size_t)channels, len), EBUR128_SUCCESS);
        if (len == block && k + 1 >= 30 && (k + 1 - 30) % 10 == 0) {
            double s = wp_loudness_short_term(lm);
            st[nst++] = s == -INFINITY ? 0.0 : pow(10.0, (s + 0.691) / 10.0);
        }
    }

    double ref_i, ref_lra;
    assert_int_equal(ebur128_loudness_global(ref, &ref_i), EBUR128_SUCCESS);
    assert_int_equal(ebur128_loudness_range(ref, &ref_lra), EBUR128_SUCCESS);
    double got_i = wp_loudness_integrated(lm), got_lra = wp_loudness_range(lm);
    double lra_1s = lra_like_libebur128(st, nst);
    double di = got_i - ref_i;
    printf("# %s %3.0f kHz %d ch: I %.4f (ref %.4f, %+.5f LU)  LRA %.3f (ref %.3f; 1 s hop %.3f)", music ? "music " : "bursts",
           rate / 1000, channels, got_i, ref_i, di, got_lra, ref_lra, lra_1s);
    if (fabs(di) > 0.02)
        fail_msg("integrated %.5f LUFS, libebur128 %.5f", got_i, ref_i);
    if (fabs(lra_1s - ref_lra) > 0.01)
        fail_msg("LRA from 1 s short-term values %.4f LU, libebur128 %.4f", lra_1s, ref_lra);
    cmp->worst_i = fmax(cmp->worst_i, fabs(di));
    cmp->worst_lra_1s = fmax(cmp->worst_lra_1s, fabs(lra_1s - ref_lra));
    cmp->worst_lra = fmax(cmp->worst_lra, fabs(got_lra - ref_lra));

    double worst_tp = 0;
    for (int c = 0; c < channels; c++) {
        double ref_tp, ref_sp;
        assert_int_equal(ebur128_true_peak(ref, (unsigned)c, &ref_tp), EBUR128_SUCCESS);
        assert_int_equal(ebur128_sample_peak(ref, (unsigned)c, &ref_sp), EBUR128_SUCCESS);
        if ((double)wp_loudness_sample_peak(lm, c) != ref_sp)
            fail_msg("channel %d: sample peak %.9f, libebur128 %.9f", c, wp_loudness_sample_peak(lm, c), ref_sp);
        if (ref_tp == 0.0)
            continue;
        double d = 20 * log10(wp_loudness_true_peak(lm, c) / ref_tp);
        worst_tp = fmax(worst_tp, fabs(d));
        if (fabs(d) > 0.1)
            fail_msg("channel %d: true peak %.6f, libebur128 %.6f (%+.3f dB)", c, wp_loudness_true_peak(lm, c), ref_tp,
                     d);
    }
    printf("  TP within %.3f dB\n", worst_tp);
    cmp->worst_tp = fmax(cmp->worst_tp, worst_tp);

    ebur128_destroy(&ref);
    wp_loudness_destroy(lm);
    for (int c = 0; c < channels; c++)
        free(x[c]);
    free(inter);
    free(st);
}

static void agrees_with_libebur128(void **state)
{
    (void)state;
    static const double rates[] = {44100, 48000, 96000};
    static const int channel_counts[] = {1, 2, 6};
    compare cmp = {0, 0, 0, 0};
    uint64_t seed = test_seed();
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            for (int music = 0; music < 2; music++)
                run_case(rates[r], channel_counts[c], music, seed + (uint64_t)(r * 10 + c * 2 + music), &cmp);
    printf("# worst: I %.5f LU, true peak %.4f dB, LRA (1 s hop) %.5f LU, LRA (100 ms hop, informative) %.3f LU\n",
           cmp.worst_i, cmp.worst_tp, cmp.worst_lra_1s, cmp.worst_lra);
}

/* Informative: a full-scale sine at 0.45 fs, the top of the interpolator's
 * passband: wavepool's reads within 0.05 dB of 0 dBTP (see truepeak.h);
 * libebur128's reading is printed for comparison. */
static void true_peak_near_nyquist_is_reported(void **state)
{
    (void)state;
    const double rate = 48000, f = 0.45 * rate;
    const size_t n = 48000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double fade = fmin(1.0, fmin((double)i, (double)(n - 1 - i)) / 2400.0);
        x[i] = (float)(fade * sin(2 * PI * f * (double)i / rate + 0.3));
    }
    ebur128_state *ref = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_TRUE_PEAK);
    assert_int_equal(ebur128_add_frames_float(ref, x, n), EBUR128_SUCCESS);
    double ref_tp;
    assert_int_equal(ebur128_true_peak(ref, 0, &ref_tp), EBUR128_SUCCESS);
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(rate, 1, &lm), WP_OK);
    const float *ch[1] = {x};
    assert_int_equal(wp_loudness_process(lm, ch, n), WP_OK);
    double ours = 20 * log10(wp_loudness_true_peak(lm, 0));
    printf("# 21.6 kHz sine at 48 kHz, 0 dBTP: wavepool %.3f dBTP, libebur128 %.3f dBTP\n", ours, 20 * log10(ref_tp));
    if (fabs(ours) > 0.05)
        fail_msg("wavepool reads %.3f dBTP for a 0 dBTP sine at 0.45 fs", ours);
    ebur128_destroy(&ref);
    wp_loudness_destroy(lm);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_libebur128),
        cmocka_unit_test(true_peak_near_nyquist_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
