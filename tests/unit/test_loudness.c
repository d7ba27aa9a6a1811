/* Loudness meter tests: EBU Tech 3341 (v3, 2016) and Tech 3342 minimum
 * requirements with the test signals synthesised here, plus the properties
 * loudness.h promises. Case definitions (levels, durations, frequencies,
 * phases) are those of Tech 3341 Table 1 / Tech 3342 Table 1 and the EBU
 * loudness test set v05 (as also synthesised by the test suites of other
 * open implementations, e.g. lupy's); expected values and tolerances are
 * the documents': M, S, I +-0.1 LU, true peak +0.2/-0.4 dB, LRA +-1 LU. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/loudness.h"
#include "wavepool/truepeak.h"

#define PI 3.14159265358979323846
#define MAXCH WP_DSP_MAX_CHANNELS
#define CHUNK 4096
#define SILENT (-1000.0)

/* A stereo (or multichannel) 1 kHz tone generator with continuous phase
 * across segments: one second of the tone is a whole number of periods at
 * integer rates, so a table of `rate` samples loops exactly. */
typedef struct tone {
    wp_loudness *lm;
    int rate, channels;
    float *table;
    size_t phase;
    float *buf[MAXCH];
} tone;

static void tone_init(tone *t, int rate, int channels)
{
    memset(t, 0, sizeof *t);
    t->rate = rate;
    t->channels = channels;
    assert_int_equal(wp_loudness_create(rate, channels, &t->lm), WP_OK);
    t->table = malloc((size_t)rate * sizeof *t->table);
    for (int i = 0; i < rate; i++)
        t->table[i] = (float)sin(2 * PI * 1000.0 * i / rate);
    for (int c = 0; c < channels; c++)
        t->buf[c] = malloc(CHUNK * sizeof *t->buf[c]);
}

static void tone_free(tone *t)
{
    wp_loudness_destroy(t->lm);
    free(t->table);
    for (int c = 0; c < t->channels; c++)
        free(t->buf[c]);
}

/* Feeds `seconds` of the tone at per-channel peak levels (dBFS; SILENT for
 * none). */
static void tone_feed(tone *t, double seconds, const double *db)
{
    size_t left = (size_t)llround(seconds * t->rate);
    while (left > 0) {
        size_t n = left < CHUNK ? left : CHUNK;
        for (int c = 0; c < t->channels; c++) {
            float g = db[c] <= SILENT ? 0.0f : (float)pow(10.0, db[c] / 20.0);
            size_t p = t->phase;
            for (size_t i = 0; i < n; i++) {
                t->buf[c][i] = g * t->table[p];
                p = p + 1 == (size_t)t->rate ? 0 : p + 1;
            }
        }
        t->phase = (t->phase + n) % (size_t)t->rate;
        assert_int_equal(wp_loudness_process(t->lm, (const float *const *)t->buf, n), WP_OK);
        left -= n;
    }
}

/* Same level on every channel. */
static void tone_feed_all(tone *t, double seconds, double db)
{
    double levels[MAXCH];
    for (int c = 0; c < MAXCH; c++)
        levels[c] = db;
    tone_feed(t, seconds, levels);
}

static void expect_lu(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: %.4f, want %.1f +-%.2f", what, got, want, tol);
}

/* Tech 3341 cases 1 and 2: stereo 1 kHz at -23 / -33 dBFS, 20 s: M, S and I
 * read -23 / -33 LUFS. Both at 44.1 and 48 kHz. */
static void tech3341_cases_1_2(void **state)
{
    (void)state;
    static const int rates[] = {44100, 48000};
    for (int r = 0; r < 2; r++) {
        for (int k = 0; k < 2; k++) {
            double level = k == 0 ? -23.0 : -33.0;
            tone t;
            tone_init(&t, rates[r], 2);
            tone_feed_all(&t, 20.0, level);
            expect_lu(wp_loudness_momentary(t.lm), level, 0.1, "3341 case 1/2 M");
            expect_lu(wp_loudness_short_term(t.lm), level, 0.1, "3341 case 1/2 S");
            expect_lu(wp_loudness_integrated(t.lm), level, 0.1, "3341 case 1/2 I");
            printf("# 3341-%d at %d Hz: M %.3f S %.3f I %.3f LUFS\n", k + 1, rates[r], wp_loudness_momentary(t.lm),
                   wp_loudness_short_term(t.lm), wp_loudness_integrated(t.lm));
            tone_free(&t);
        }
    }
}

/* Tech 3341 cases 3-5: gating. 3: -36/-23/-36 dBFS for 10/60/10 s; 4: -72/-36/
 * -23/-36/-72 for 10/10/60/10/10 s; 5: -26/-20/-26 for 20/20.1/20 s. Each
 * I = -23.0 +-0.1 LUFS. */
static void tech3341_cases_3_4_5(void **state)
{
    (void)state;
    static const struct {
        int segments;
        double seconds[5], db[5];
    } cases[] = {
        {3, {10, 60, 10}, {-36, -23, -36}},
        {5, {10, 10, 60, 10, 10}, {-72, -36, -23, -36, -72}},
        {3, {20, 20.1, 20}, {-26, -20, -26}},
    };
    for (int k = 0; k < 3; k++) {
        tone t;
        tone_init(&t, 48000, 2);
        for (int s = 0; s < cases[k].segments; s++)
            tone_feed_all(&t, cases[k].seconds[s], cases[k].db[s]);
        double i = wp_loudness_integrated(t.lm);
        printf("# 3341-%d: I %.3f LUFS\n", k + 3, i);
        expect_lu(i, -23.0, 0.1, "3341 cases 3-5 I");
        tone_free(&t);
    }
}

/* Tech 3341 case 6: 5.0 channels L, R, C, Ls, Rs at -28, -28, -24, -30, -30
 * dBFS, 20 s: I = -23.0. As a 5-channel file (map set to L R C Ls Rs) and
 * as the 6-channel WAVE-EXTENSIBLE variant with an LFE channel in the
 * default map, here carrying a loud tone that must be ignored. */
static void tech3341_case_6(void **state)
{
    (void)state;
    tone t;
    tone_init(&t, 48000, 5);
    assert_int_equal(wp_loudness_set_channel(t.lm, 3, WP_LOUDNESS_LEFT_SURROUND), WP_OK);
    assert_int_equal(wp_loudness_set_channel(t.lm, 4, WP_LOUDNESS_RIGHT_SURROUND), WP_OK);
    const double five[5] = {-28, -28, -24, -30, -30};
    tone_feed(&t, 20.0, five);
    double i5 = wp_loudness_integrated(t.lm);
    tone_free(&t);

    tone_init(&t, 48000, 6);
    const double six[6] = {-28, -28, -24, -3, -30, -30};
    tone_feed(&t, 20.0, six);
    double i6 = wp_loudness_integrated(t.lm);
    tone_free(&t);
    printf("# 3341-6: I %.3f LUFS (5 channels), %.3f LUFS (5.1, loud LFE)\n", i5, i6);
    expect_lu(i5, -23.0, 0.1, "3341 case 6, 5.0");
    expect_lu(i6, -23.0, 0.1, "3341 case 6, 5.1");
}

/* Tech 3341 case 9: stereo 1 kHz alternating 1.34 s at -20 dBFS and 1.66 s
 * at -30 dBFS, five times: S = -23.0 +-0.1 constant after 3 s. Checked every
 * 10 ms once 3 s have passed. */
static void tech3341_case_9(void **state)
{
    (void)state;
    tone t;
    tone_init(&t, 48000, 2);
    double worst = 0;
    int steps = 0;
    for (int rep = 0; rep < 5; rep++) {
        for (int part = 0; part < 2; part++) {
            double seconds = part == 0 ? 1.34 : 1.66, db = part == 0 ? -20.0 : -30.0;
            for (int ms = 0; ms < (int)llround(seconds * 1000); ms += 10) {
                tone_feed_all(&t, 0.01, db);
                if (wp_loudness_frames(t.lm) >= 3 * 48000) {
                    worst = fmax(worst, fabs(wp_loudness_short_term(t.lm) + 23.0));
                    steps++;
                }
            }
        }
    }
    printf("# 3341-9: S within %.4f LU of -23 over %d readings\n", worst, steps);
    if (worst > 0.1)
        fail_msg("3341 case 9: S off by %.4f LU", worst);
    tone_free(&t);
}

/* Tech 3341 case 12: 0.18 s at -20 dBFS, 0.22 s at -30 dBFS, repeated: M =
 * -23.0 +-0.1 constant after 1 s. Checked every 10 ms. */
static void tech3341_case_12(void **state)
{
    (void)state;
    tone t;
    tone_init(&t, 48000, 2);
    double worst = 0;
    for (int rep = 0; rep < 25; rep++) {
        for (int part = 0; part < 2; part++) {
            int ms = part == 0 ? 180 : 220;
            for (int k = 0; k < ms; k += 10) {
                tone_feed_all(&t, 0.01, part == 0 ? -20.0 : -30.0);
                if (wp_loudness_frames(t.lm) >= 48000)
                    worst = fmax(worst, fabs(wp_loudness_momentary(t.lm) + 23.0));
            }
        }
    }
    printf("# 3341-12: M within %.4f LU of -23\n", worst);
    if (worst > 0.1)
        fail_msg("3341 case 12: M off by %.4f LU", worst);
    tone_free(&t);
}

/* Tech 3341 cases 10/11 (S, 3 s bursts) and 13/14 (M, 0.4 s bursts): 20
 * segments, each a burst of stereo 1 kHz preceded by silence of varying
 * length, so the burst falls anywhere relative to any 100 ms grid. Cases 10
 * and 13: every burst at -23 dBFS, max reading -23.0 +-0.1 per segment.
 * Cases 11 and 14: bursts at -38, -37, ..., -19 dBFS, max readings those
 * values +-0.1. The maximum is the reading at the burst's end (an exact
 * sliding window); readings every 10 ms must never exceed it. The offsets
 * are k * 37 ms (the EBU files' exact offsets are not needed: a compliant
 * meter must read any alignment). */
static void tech3341_cases_10_11_13_14(void **state)
{
    (void)state;
    for (int kind = 0; kind < 4; kind++) {
        int short_term = kind < 2, rising = kind % 2;
        double burst = short_term ? 3.0 : 0.4;
        tone t;
        tone_init(&t, 48000, 2);
        double worst = 0;
        for (int k = 0; k < 20; k++) {
            double level = rising ? -38.0 + k : -23.0;
            tone_feed_all(&t, 0.037 * k + (short_term ? 3.0 : 0.5), SILENT);
            double peak_reading = -INFINITY;
            for (int ms = 0; ms < (int)llround(burst * 1000); ms += 10) {
                tone_feed_all(&t, 0.01, level);
                double v = short_term ? wp_loudness_short_term(t.lm) : wp_loudness_momentary(t.lm);
                peak_reading = fmax(peak_reading, v);
            }
            worst = fmax(worst, fabs(peak_reading - level));
            if (fabs(peak_reading - level) > 0.1)
                fail_msg("3341 case %d, segment %d: max %s %.4f, want %.1f +-0.1", short_term ? 10 + rising : 13 + rising,
                         k + 1, short_term ? "S" : "M", peak_reading, level);
            for (int ms = 0; ms < 300; ms += 10) {
                tone_feed_all(&t, 0.01, SILENT);
                double v = short_term ? wp_loudness_short_term(t.lm) : wp_loudness_momentary(t.lm);
                if (v > peak_reading + 1e-9)
                    fail_msg("3341 case %d: reading %.4f after the burst exceeds its maximum %.4f",
                             short_term ? 10 + rising : 13 + rising, v, peak_reading);
            }
        }
        printf("# 3341-%d: max %s within %.4f LU\n", short_term ? 10 + rising : 13 + rising, short_term ? "S" : "M",
               worst);
        tone_free(&t);
    }
}

/* Tech 3341 cases 15-19: true peak of stereo 48 kHz sines whose samples miss
 * the crest. 15: fs/4, 0.5 FS, 0 deg; 16: fs/4, 0.5, 45 deg; 17: fs/6, 0.5,
 * 60 deg; 18: fs/8, 0.5, 67.5 deg: -6.0 dBTP; 19: fs/4, 1.41 FS, 45 deg:
 * +3.0 dBTP; all +0.2/-0.4 dB. 1 s each with 100 ms raised-cosine fades,
 * so the onset is not a step (a step's reconstruction overshoots, which is
 * not what these cases test). Cases 20-23 are recordings (a signal
 * resampled with four sub-sample offsets), not synthesisable from the
 * document; native_test_loudness_ref compares true peaks with libebur128 on
 * varied material instead. */
static void tech3341_cases_15_to_19(void **state)
{
    (void)state;
    static const struct {
        double div, amplitude, phase_deg, want_db;
    } cases[] = {
        {4, 0.5, 0, -6.0}, {4, 0.5, 45, -6.0}, {6, 0.5, 60, -6.0}, {8, 0.5, 67.5, -6.0}, {4, 1.41, 45, 3.0},
    };
    const size_t n = 48000, fade = 4800;
    float *x = malloc(n * sizeof *x);
    for (int k = 0; k < 5; k++) {
        for (size_t i = 0; i < n; i++) {
            double g = 1.0;
            if (i < fade)
                g = 0.5 - 0.5 * cos(PI * (double)i / fade);
            else if (i >= n - fade)
                g = 0.5 - 0.5 * cos(PI * (double)(n - 1 - i) / fade);
            x[i] = (float)(g * cases[k].amplitude *
                           sin(2 * PI * (double)i / cases[k].div + cases[k].phase_deg * PI / 180.0));
        }
        wp_loudness *lm;
        assert_int_equal(wp_loudness_create(48000, 2, &lm), WP_OK);
        const float *ch[2] = {x, x};
        assert_int_equal(wp_loudness_process(lm, ch, n), WP_OK);
        for (int c = 0; c < 2; c++) {
            double db = wp_truepeak_to_db(wp_loudness_true_peak(lm, c), -200.0);
            double sp = wp_truepeak_to_db(wp_loudness_sample_peak(lm, c), -200.0);
            if (c == 0)
                printf("# 3341-%d: true peak %.3f dBTP (sample peak %.3f dBFS)\n", 15 + k, db, sp);
            if (db > cases[k].want_db + 0.2 || db < cases[k].want_db - 0.4)
                fail_msg("3341 case %d: true peak %.3f dBTP, want %.1f +0.2/-0.4", 15 + k, db, cases[k].want_db);
        }
        wp_loudness_destroy(lm);
    }
    free(x);
}

/* Tech 3342 cases 1-4: stereo 1 kHz, 20 s per step. 1: -20, -30 dBFS: LRA
 * 10; 2: -20, -15: 5; 3: -40, -20: 20; 4: -50, -35, -20, -35, -50: 15. All
 * +-1 LU. */
static void tech3342_cases_1_to_4(void **state)
{
    (void)state;
    static const struct {
        int steps;
        double db[5], want;
    } cases[] = {
        {2, {-20, -30}, 10}, {2, {-20, -15}, 5}, {2, {-40, -20}, 20}, {5, {-50, -35, -20, -35, -50}, 15},
    };
    for (int k = 0; k < 4; k++) {
        tone t;
        tone_init(&t, 48000, 2);
        for (int s = 0; s < cases[k].steps; s++)
            tone_feed_all(&t, 20.0, cases[k].db[s]);
        double lra = wp_loudness_range(t.lm);
        printf("# 3342-%d: LRA %.3f LU\n", k + 1, lra);
        expect_lu(lra, cases[k].want, 1.0, "3342 LRA");
        tone_free(&t);
    }
}

/* The K-weighting at 48 kHz must be BS.1770-4's: a sine's loudness equals
 * the one computed from the recommendation's coefficient tables (Annex 1,
 * tables 1 and 2). */
static double table_gain_db(double f, double rate)
{
    static const double b[3] = {1.53512485958697, -2.69169618940638, 1.19839281085285};
    static const double a[3] = {1.0, -1.69065929318241, 0.73248077421585};
    static const double rb[3] = {1.0, -2.0, 1.0};
    static const double ra[3] = {1.0, -1.99004745483398, 0.99007225036621};
    double w = 2 * PI * f / rate, g = 1.0;
    const double *num[2] = {b, rb}, *den[2] = {a, ra};
    for (int s = 0; s < 2; s++) {
        double nr = 0, ni = 0, dr = 0, di = 0;
        for (int k = 0; k < 3; k++) {
            nr += num[s][k] * cos(w * k);
            ni -= num[s][k] * sin(w * k);
            dr += den[s][k] * cos(w * k);
            di -= den[s][k] * sin(w * k);
        }
        g *= (nr * nr + ni * ni) / (dr * dr + di * di);
    }
    return 10.0 * log10(g);
}

static void k_weighting_matches_bs1770_tables(void **state)
{
    (void)state;
    static const double freqs[] = {25, 40, 63, 100, 250, 500, 1000, 1500, 2000, 4000, 8000, 12000, 16000, 20000};
    const size_t n = 10 * 48000;
    float *x = malloc(n * sizeof *x);
    double worst = 0;
    for (size_t k = 0; k < sizeof freqs / sizeof freqs[0]; k++) {
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(0.25 * sin(2 * PI * freqs[k] * (double)i / 48000.0));
        wp_loudness *lm;
        assert_int_equal(wp_loudness_create(48000, 1, &lm), WP_OK);
        const float *ch[1] = {x};
        assert_int_equal(wp_loudness_process(lm, ch, n), WP_OK);
        /* Mean square of the sine is 0.25^2 / 2. */
        double want = -0.691 + 10 * log10(0.25 * 0.25 / 2) + table_gain_db(freqs[k], 48000);
        double got = wp_loudness_integrated(lm);
        worst = fmax(worst, fabs(got - want));
        if (fabs(got - want) > 0.005)
            fail_msg("%.0f Hz: %.4f LUFS, BS.1770-4 tables give %.4f", freqs[k], got, want);
        wp_loudness_destroy(lm);
    }
    printf("# K-weighting vs BS.1770-4 tables at 48 kHz: worst %.5f LU\n", worst);
    free(x);
}

/* A 1 kHz tone reads the same at any rate (within 0.05 LU of 48 kHz). */
static void every_rate_reads_a_1khz_tone_alike(void **state)
{
    (void)state;
    static const int rates[] = {8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000, 384000};
    double ref = 0, lo = 1e9, hi = -1e9;
    double values[sizeof rates / sizeof rates[0]];
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        tone t;
        tone_init(&t, rates[r], 1);
        tone_feed_all(&t, 2.0, -20.0);
        values[r] = wp_loudness_integrated(t.lm);
        if (rates[r] == 48000)
            ref = values[r];
        tone_free(&t);
    }
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        double d = values[r] - ref;
        lo = fmin(lo, d);
        hi = fmax(hi, d);
        if (fabs(d) > 0.05)
            fail_msg("%d Hz: %.4f LUFS, %.4f LU from 48 kHz", rates[r], values[r], d);
    }
    printf("# 1 kHz tone, 8..384 kHz: %+.4f..%+.4f LU from 48 kHz (%.4f LUFS)\n", lo, hi, ref);
}

static void silence_reads_minus_infinity(void **state)
{
    (void)state;
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(48000, 2, &lm), WP_OK);
    /* Nothing fed yet. */
    assert_true(wp_loudness_momentary(lm) == -INFINITY && wp_loudness_short_term(lm) == -INFINITY);
    assert_true(wp_loudness_integrated(lm) == -INFINITY && wp_loudness_range(lm) == 0.0);
    float zero[1000] = {0};
    const float *ch[2] = {zero, zero};
    for (int i = 0; i < 500; i++)
        assert_int_equal(wp_loudness_process(lm, ch, 1000), WP_OK);
    double v[4] = {wp_loudness_momentary(lm), wp_loudness_short_term(lm), wp_loudness_integrated(lm),
                   wp_loudness_range(lm)};
    if (v[0] != -INFINITY || v[1] != -INFINITY || v[2] != -INFINITY || v[3] != 0.0)
        fail_msg("silence: M %g S %g I %g LRA %g, want -inf -inf -inf 0", v[0], v[1], v[2], v[3]);
    assert_true(wp_loudness_sample_peak(lm, 0) == 0.0f && wp_loudness_true_peak(lm, 1) == 0.0f);
    /* A tone, then silence: M and S fall back to -inf exactly once their
     * windows hold only digital silence and the filters have rung out. M
     * after 1 s proves the denormal flush: without it the K-filter state
     * would still be decaying (around 1e-60 after 0.6 s) and M would read a
     * finite -1000 LUFS or so. I keeps the tone. */
    float tonebuf[4800];
    for (int i = 0; i < 4800; i++)
        tonebuf[i] = (float)(0.1 * sin(2 * PI * 1000.0 * i / 48000.0));
    const float *t[2] = {tonebuf, tonebuf};
    for (int i = 0; i < 20; i++)
        assert_int_equal(wp_loudness_process(lm, t, 4800), WP_OK);
    for (int i = 0; i < 48; i++)
        assert_int_equal(wp_loudness_process(lm, ch, 1000), WP_OK);
    if (wp_loudness_momentary(lm) != -INFINITY)
        fail_msg("M 1 s into silence: %g, want -inf", wp_loudness_momentary(lm));
    for (int i = 0; i < 192; i++)
        assert_int_equal(wp_loudness_process(lm, ch, 1000), WP_OK);
    assert_true(wp_loudness_momentary(lm) == -INFINITY && wp_loudness_short_term(lm) == -INFINITY);
    assert_true(isfinite(wp_loudness_integrated(lm)) && isfinite(wp_loudness_range(lm)));
    /* Quieter than -70 LUFS: M and S are finite, I gates everything. */
    wp_loudness_reset(lm);
    for (int i = 0; i < 4800; i++)
        tonebuf[i] *= 1e-4f;
    for (int i = 0; i < 20; i++)
        assert_int_equal(wp_loudness_process(lm, t, 4800), WP_OK);
    double m = wp_loudness_momentary(lm);
    if (!(m < -70 && m > -100) || wp_loudness_integrated(lm) != -INFINITY || wp_loudness_range(lm) != 0.0)
        fail_msg("-100 dB tone: M %g (want about -83), I %g (want -inf), LRA %g", m, wp_loudness_integrated(lm),
                 wp_loudness_range(lm));
    wp_loudness_destroy(lm);
}

/* NaN or Inf anywhere in a block: WP_ERR_NOT_FINITE and nothing changes. */
static void non_finite_blocks_are_rejected(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 7);
    const size_t n = 48000;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        a[i] = 0.3f * test_rng_float(&rng);
        b[i] = 0.3f * test_rng_float(&rng);
    }
    wp_loudness *ref, *lm;
    assert_int_equal(wp_loudness_create(48000, 2, &ref), WP_OK);
    assert_int_equal(wp_loudness_create(48000, 2, &lm), WP_OK);
    const float *ch[2] = {a, b};
    assert_int_equal(wp_loudness_process(ref, ch, n), WP_OK);
    assert_int_equal(wp_loudness_process(ref, ch, n), WP_OK);
    assert_int_equal(wp_loudness_process(lm, ch, n), WP_OK);
    static const float bad[] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < 3; k++) {
        float saved = b[777 + k];
        b[777 + k] = bad[k];
        if (wp_loudness_process(lm, ch, n) != WP_ERR_NOT_FINITE)
            fail_msg("a block holding %g was not rejected", (double)bad[k]);
        b[777 + k] = saved;
    }
    assert_int_equal(wp_loudness_frames(lm), n);
    assert_int_equal(wp_loudness_process(lm, ch, n), WP_OK);
    /* Same history as ref: identical results. */
    assert_true(wp_loudness_integrated(lm) == wp_loudness_integrated(ref));
    assert_true(wp_loudness_momentary(lm) == wp_loudness_momentary(ref));
    assert_true(wp_loudness_true_peak(lm, 1) == wp_loudness_true_peak(ref, 1));
    assert_int_equal(wp_loudness_process(lm, NULL, n), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_loudness_process(lm, ch, 0), WP_OK);
    wp_loudness_destroy(ref);
    wp_loudness_destroy(lm);
    free(a);
    free(b);
}

/* Programme-like test signal: noise and tones under slow envelopes with
 * silent gaps, different per channel. */
static float **make_programme(size_t n, int channels, double rate, uint64_t seed)
{
    test_rng rng = test_rng_seeded(seed);
    float **x = malloc((size_t)channels * sizeof *x);
    for (int c = 0; c < channels; c++) {
        x[c] = malloc(n * sizeof *x[c]);
        double f = 110.0 * (c + 1) + 37.0, lp = 0;
        for (size_t i = 0; i < n; i++) {
            double t = (double)i / rate;
            double env = 0.5 + 0.45 * sin(2 * PI * (0.13 + 0.05 * c) * t);
            double gate = fmod(t + 0.3 * c, 4.0) < 3.2 ? 1.0 : 0.0;
            lp += 0.2 * (test_rng_float(&rng) - lp);
            double level = pow(10.0, (-30.0 + 20.0 * env) / 20.0);
            x[c][i] = (float)(gate * level * (0.6 * sin(2 * PI * f * t) + 0.8 * lp));
        }
    }
    return x;
}

static void free_programme(float **x, int channels)
{
    for (int c = 0; c < channels; c++)
        free(x[c]);
    free(x);
}

typedef struct readings {
    double m, s, i, lra;
    float sp[MAXCH], tp[MAXCH];
} readings;

static readings read_all(const wp_loudness *lm, int channels)
{
    readings r = {wp_loudness_momentary(lm), wp_loudness_short_term(lm), wp_loudness_integrated(lm),
                  wp_loudness_range(lm), {0}, {0}};
    for (int c = 0; c < channels; c++) {
        r.sp[c] = wp_loudness_sample_peak(lm, c);
        r.tp[c] = wp_loudness_true_peak(lm, c);
    }
    return r;
}

static void results_are_identical_for_any_block_split(void **state)
{
    (void)state;
    test_rng rng = test_rng_seeded(test_seed() + 3);
    const double rate = 44100;
    const size_t n = (size_t)(rate * 12.3);
    const int channels = 3;
    float **x = make_programme(n, channels, rate, test_seed());
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(rate, channels, &lm), WP_OK);
    assert_int_equal(wp_loudness_process(lm, (const float *const *)x, n), WP_OK);
    readings ref = read_all(lm, channels);
    static const size_t blocks[] = {1, 7, 128, 4096, 0 /* random */};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        wp_loudness_reset(lm);
        for (size_t i = 0; i < n;) {
            size_t len = blocks[b] ? blocks[b] : test_rng_range(&rng, 0, 9000);
            if (len > n - i)
                len = n - i;
            const float *part[3] = {x[0] + i, x[1] + i, x[2] + i};
            assert_int_equal(wp_loudness_process(lm, part, len), WP_OK);
            i += len;
        }
        readings got = read_all(lm, channels);
        if (memcmp(&ref, &got, sizeof ref) != 0)
            fail_msg("blocks of %zu: M %.17g/%.17g S %.17g/%.17g I %.17g/%.17g LRA %.17g/%.17g", blocks[b], got.m,
                     ref.m, got.s, ref.s, got.i, ref.i, got.lra, ref.lra);
    }
    printf("# block split: I %.4f LUFS, LRA %.3f LU, identical for blocks of 1, 7, 128, 4096 and random\n", ref.i,
           ref.lra);
    wp_loudness_destroy(lm);
    free_programme(x, channels);
}

/* The histograms against an exact computation: M read at every 100 ms
 * boundary is the gating block loudness and S the short-term value, so the
 * test can gate them exactly (sorting, no bins) and compare. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void histogram_gating_matches_exact_gating(void **state)
{
    (void)state;
    const double rate = 48000;
    const size_t block = 4800, blocks = 1200; /* 120 s */
    const int channels = 2;
    float **x = make_programme(block * blocks, channels, rate, test_seed() + 11);
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(rate, channels, &lm), WP_OK);
    double *m = malloc(blocks * sizeof *m), *s = malloc(blocks * sizeof *s);
    size_t nm = 0, ns = 0;
    const double abs_gate = -70.0;
    for (size_t k = 0; k < blocks; k++) {
        const float *part[2] = {x[0] + k * block, x[1] + k * block};
        assert_int_equal(wp_loudness_process(lm, part, block), WP_OK);
        double mv = wp_loudness_momentary(lm), sv = wp_loudness_short_term(lm);
        if (k >= 3 && mv > abs_gate)
            m[nm++] = pow(10, (mv + 0.691) / 10);
        if (k >= 29 && sv > abs_gate)
            s[ns++] = pow(10, (sv + 0.691) / 10);
    }
    double sum = 0;
    for (size_t i = 0; i < nm; i++)
        sum += m[i];
    double thr = sum / nm * 0.1, gsum = 0;
    size_t gn = 0;
    for (size_t i = 0; i < nm; i++)
        if (m[i] > thr) {
            gsum += m[i];
            gn++;
        }
    double exact_i = -0.691 + 10 * log10(gsum / gn);
    sum = 0;
    for (size_t i = 0; i < ns; i++)
        sum += s[i];
    thr = sum / ns * 0.01;
    size_t gs = 0;
    for (size_t i = 0; i < ns; i++)
        if (s[i] > thr)
            s[gs++] = s[i];
    qsort(s, gs, sizeof *s, cmp_double);
    double exact_lra =
        10 * log10(s[(size_t)((gs - 1) * 0.95 + 0.5)] / s[(size_t)((gs - 1) * 0.1 + 0.5)]);
    double got_i = wp_loudness_integrated(lm), got_lra = wp_loudness_range(lm);
    printf("# gating: I %.6f vs exact %.6f LUFS (%zu of %zu blocks gated), LRA %.5f vs exact %.5f LU\n", got_i,
           exact_i, gn, nm, got_lra, exact_lra);
    if (fabs(got_i - exact_i) > 1e-6)
        fail_msg("integrated %.8f, exact gating gives %.8f", got_i, exact_i);
    if (fabs(got_lra - exact_lra) > 0.01)
        fail_msg("LRA %.5f, exact percentiles give %.5f", got_lra, exact_lra);
    free(m);
    free(s);
    wp_loudness_destroy(lm);
    free_programme(x, channels);
}

/* Exact gating of M values read at every sub-block boundary (gating block
 * energies), as in histogram_gating_matches_exact_gating. */
static double exact_integrated(const double *m, size_t n)
{
    double sum = 0, gsum = 0;
    size_t gn = 0;
    for (size_t i = 0; i < n; i++)
        sum += m[i];
    double thr = sum / (double)n * 0.1;
    for (size_t i = 0; i < n; i++)
        if (m[i] > thr) {
            gsum += m[i];
            gn++;
        }
    return -0.691 + 10 * log10(gsum / (double)gn);
}

/* Many blocks within a few bins of the relative threshold: 30 s of a tone
 * at -20 dBFS, then 30 s whose level glides by +-0.05 dB around the level
 * of the threshold (1/19 of the loud energy when both halves are equally
 * long). The bin holding the threshold then has blocks on both sides of
 * it, counted in proportion; taking them all or none would be off by
 * about 0.1 LU. */
static void threshold_bin_is_apportioned(void **state)
{
    (void)state;
    const double rate = 48000;
    const size_t block = 4800, blocks = 600;
    float *x = malloc(block * sizeof *x);
    double *m = malloc(blocks * sizeof *m);
    size_t nm = 0;
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(rate, 1, &lm), WP_OK);
    const double quiet = -20.0 + 10 * log10(1.0 / 19.0);
    for (size_t k = 0; k < blocks; k++) {
        for (size_t i = 0; i < block; i++) {
            size_t t = k * block + i;
            double db = k < blocks / 2 ? -20.0 : quiet - 0.05 + 0.1 * (double)(t - blocks / 2 * block) / (blocks / 2 * block);
            x[i] = (float)(pow(10.0, db / 20.0) * sin(2 * PI * 1000.0 * (double)(t % 48000) / rate));
        }
        const float *ch[1] = {x};
        assert_int_equal(wp_loudness_process(lm, ch, block), WP_OK);
        double v = wp_loudness_momentary(lm);
        if (k >= 3 && v > -70)
            m[nm++] = pow(10, (v + 0.691) / 10);
    }
    double exact = exact_integrated(m, nm), got = wp_loudness_integrated(lm);
    printf("# threshold bin: I %.5f vs exact %.5f LUFS\n", got, exact);
    if (fabs(got - exact) > 0.005)
        fail_msg("integrated %.5f, exact gating gives %.5f", got, exact);
    wp_loudness_destroy(lm);
    free(x);
    free(m);
}

/* M and S between sub-block boundaries must be exact 400 ms / 3 s windows:
 * the same signal after d extra frames of leading silence (zeros keep the
 * filters at rest, so every frame's energy is the same) puts a boundary
 * where the first meter is mid-block. Its M and S there come from whole
 * sub-blocks only, and must match to float rounding of the frame energies. */
static void sliding_windows_are_exact(void **state)
{
    (void)state;
    const double rate = 44100;
    const int channels = 2;
    const size_t block = 4410, n = (size_t)(rate * 5);
    float **x = make_programme(n, channels, rate, test_seed() + 21);
    float *lead = calloc(block, sizeof *lead);
    double worst = 0;
    static const size_t reads[] = {4 * 4410 + 1, 7 * 4410 + 1234, 34 * 4410 + 4000, 40 * 4410 + 4409};
    for (size_t r = 0; r < sizeof reads / sizeof reads[0]; r++) {
        size_t p = reads[r], d = block - p % block;
        wp_loudness *a, *b;
        assert_int_equal(wp_loudness_create(rate, channels, &a), WP_OK);
        assert_int_equal(wp_loudness_create(rate, channels, &b), WP_OK);
        const float *zeros[2] = {lead, lead};
        assert_int_equal(wp_loudness_process(b, zeros, d), WP_OK);
        assert_int_equal(wp_loudness_process(a, (const float *const *)x, p), WP_OK);
        assert_int_equal(wp_loudness_process(b, (const float *const *)x, p), WP_OK);
        assert_int_equal(wp_loudness_frames(b) % block, 0);
        double dm = wp_loudness_momentary(a) - wp_loudness_momentary(b);
        double ds = wp_loudness_short_term(a) - wp_loudness_short_term(b);
        worst = fmax(worst, fmax(fabs(dm), fabs(ds)));
        if (fabs(dm) > 1e-5 || fabs(ds) > 1e-5)
            fail_msg("at frame %zu: M differs by %.3g LU, S by %.3g LU from the whole-block windows", p, dm, ds);
        wp_loudness_destroy(a);
        wp_loudness_destroy(b);
    }
    printf("# sliding windows: within %.2e LU of whole-block windows\n", worst);
    free(lead);
    free_programme(x, channels);
}

/* Split into pieces at sub-block multiples, each piece with 3 s of warm-up
 * before it, measured separately and merged: equals the serial pass. */
static void merged_pieces_equal_the_serial_pass(void **state)
{
    (void)state;
    const double rate = 48000;
    const int channels = 2;
    const size_t n = (size_t)(rate * 40.05);
    float **x = make_programme(n, channels, rate, test_seed() + 5);
    wp_loudness *serial;
    assert_int_equal(wp_loudness_create(rate, channels, &serial), WP_OK);
    const size_t block = wp_loudness_block_frames(serial), warm = 30 * block;
    assert_int_equal(block, 4800);
    const size_t cuts[] = {0, 37 * block, 150 * block, 260 * block, n};
    /* The first piece 12 dB louder: the second piece warms up on it, and
     * must not report its peaks. */
    for (int c = 0; c < channels; c++)
        for (size_t i = 0; i < cuts[1]; i++)
            x[c][i] *= 4.0f;
    assert_int_equal(wp_loudness_process(serial, (const float *const *)x, n), WP_OK);
    wp_loudness *pieces[4];
    for (int p = 0; p < 4; p++) {
        assert_int_equal(wp_loudness_create(rate, channels, &pieces[p]), WP_OK);
        size_t start = cuts[p] >= warm ? cuts[p] - warm : 0;
        assert_int_equal(wp_loudness_set_warmup(pieces[p], cuts[p] - start), WP_OK);
        const float *part[2] = {x[0] + start, x[1] + start};
        assert_int_equal(wp_loudness_process(pieces[p], part, cuts[p + 1] - start), WP_OK);
        /* Peaks of the piece itself only. */
        for (int c = 0; c < channels; c++) {
            float own = 0;
            for (size_t i = cuts[p]; i < cuts[p + 1]; i++)
                own = fmaxf(own, fabsf(x[c][i]));
            float sp = wp_loudness_sample_peak(pieces[p], c), tp = wp_loudness_true_peak(pieces[p], c);
            if (sp != own || tp < own || tp > 1.25f * own)
                fail_msg("piece %d channel %d: sample peak %.6f, true peak %.6f; its own sample peak is %.6f", p, c, sp,
                         tp, own);
        }
    }
    /* Into the last piece, whose true-peak tail is the end of the file. */
    for (int p = 0; p < 3; p++)
        assert_int_equal(wp_loudness_merge(pieces[3], pieces[p]), WP_OK);
    double di = wp_loudness_integrated(pieces[3]) - wp_loudness_integrated(serial);
    double dl = wp_loudness_range(pieces[3]) - wp_loudness_range(serial);
    printf("# merged pieces: I differs by %.2e LU, LRA by %.2e LU\n", di, dl);
    if (fabs(di) > 1e-6 || fabs(dl) > 1e-6)
        fail_msg("merged I and LRA differ from the serial pass by %.3g and %.3g LU", di, dl);
    for (int c = 0; c < channels; c++) {
        if (wp_loudness_sample_peak(pieces[3], c) != wp_loudness_sample_peak(serial, c))
            fail_msg("channel %d: merged sample peak %.7f, serial %.7f", c, wp_loudness_sample_peak(pieces[3], c),
                     wp_loudness_sample_peak(serial, c));
        double d = wp_loudness_true_peak(pieces[3], c) / wp_loudness_true_peak(serial, c);
        if (fabs(d - 1) > 1e-5)
            fail_msg("channel %d: merged true peak off by a factor %.7f", c, d);
    }
    assert_int_equal(wp_loudness_set_warmup(pieces[0], 0), WP_ERR_OUT_OF_RANGE); /* audio fed */
    wp_loudness *other;
    assert_int_equal(wp_loudness_create(44100, channels, &other), WP_OK);
    assert_int_equal(wp_loudness_merge(pieces[3], other), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_loudness_set_warmup(other, 100), WP_ERR_OUT_OF_RANGE); /* not a block multiple */
    wp_loudness_destroy(other);
    for (int p = 0; p < 4; p++)
        wp_loudness_destroy(pieces[p]);
    wp_loudness_destroy(serial);
    free_programme(x, channels);
}

static void channel_map_and_weights(void **state)
{
    (void)state;
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(48000, 8, &lm), WP_OK);
    static const double defaults[8] = {1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.0, 1.0};
    for (int c = 0; c < 8; c++)
        assert_true(wp_loudness_channel_weight(lm, c) == defaults[c]);
    assert_int_equal(wp_loudness_set_channel(lm, 8, WP_LOUDNESS_LEFT), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_set_channel(lm, -1, WP_LOUDNESS_LEFT), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_set_channel(lm, 0, (wp_loudness_channel)99), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_loudness_set_channel_weight(lm, 0, -0.1), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_set_channel_weight(lm, 0, NAN), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_set_channel_weight(lm, 0, WP_LOUDNESS_MAX_WEIGHT + 1), WP_ERR_OUT_OF_RANGE);
    assert_true(wp_loudness_channel_weight(lm, 0) == 1.0);
    wp_loudness_destroy(lm);

    /* Dual mono reads like the same signal on two channels. */
    tone mono, stereo;
    tone_init(&mono, 48000, 1);
    tone_init(&stereo, 48000, 2);
    assert_int_equal(wp_loudness_set_channel(mono.lm, 0, WP_LOUDNESS_DUAL_MONO), WP_OK);
    tone_feed_all(&mono, 5.0, -20.0);
    tone_feed_all(&stereo, 5.0, -20.0);
    if (fabs(wp_loudness_integrated(mono.lm) - wp_loudness_integrated(stereo.lm)) > 1e-9)
        fail_msg("dual mono %.6f, stereo %.6f", wp_loudness_integrated(mono.lm), wp_loudness_integrated(stereo.lm));
    /* A weight change inside a sub-block waits for its end: set at 5.05 s,
     * the sub-block 5.0-5.1 s keeps both channels, the next three have one:
     * M at 5.4 s holds 5 of 8 channel-blocks. */
    double before = wp_loudness_momentary(stereo.lm);
    tone_feed_all(&stereo, 0.05, -20.0);
    assert_int_equal(wp_loudness_set_channel_weight(stereo.lm, 1, 0.0), WP_OK);
    tone_feed_all(&stereo, 0.35, -20.0);
    expect_lu(wp_loudness_momentary(stereo.lm), before + 10 * log10(5.0 / 8.0), 0.01, "M across a weight change");
    tone_feed_all(&stereo, 0.5, -20.0);
    expect_lu(wp_loudness_momentary(stereo.lm), before - 3.0103, 0.01, "M with one channel dropped");
    /* Between sub-blocks (5.9 s) a change is immediate: back to both. */
    assert_int_equal(wp_loudness_set_channel_weight(stereo.lm, 1, 1.0), WP_OK);
    tone_feed_all(&stereo, 0.4, -20.0);
    expect_lu(wp_loudness_momentary(stereo.lm), before, 0.01, "M after restoring the channel at a boundary");
    tone_free(&mono);
    tone_free(&stereo);
}

static void create_rejects_bad_arguments(void **state)
{
    (void)state;
    wp_loudness *lm = (wp_loudness *)&lm;
    assert_int_equal(wp_loudness_create(7999.0, 2, &lm), WP_ERR_OUT_OF_RANGE);
    assert_null(lm);
    assert_int_equal(wp_loudness_create(384001.0, 2, &lm), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_create(NAN, 2, &lm), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_create(48000.0, 0, &lm), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_create(48000.0, MAXCH + 1, &lm), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_loudness_create(48000.0, 2, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_loudness_create(11025.0, 1, &lm), WP_OK);
    assert_int_equal(wp_loudness_block_frames(lm), 1103);
    wp_loudness_destroy(lm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tech3341_cases_1_2),
        cmocka_unit_test(tech3341_cases_3_4_5),
        cmocka_unit_test(tech3341_case_6),
        cmocka_unit_test(tech3341_case_9),
        cmocka_unit_test(tech3341_case_12),
        cmocka_unit_test(tech3341_cases_10_11_13_14),
        cmocka_unit_test(tech3341_cases_15_to_19),
        cmocka_unit_test(tech3342_cases_1_to_4),
        cmocka_unit_test(k_weighting_matches_bs1770_tables),
        cmocka_unit_test(every_rate_reads_a_1khz_tone_alike),
        cmocka_unit_test(silence_reads_minus_infinity),
        cmocka_unit_test(non_finite_blocks_are_rejected),
        cmocka_unit_test(results_are_identical_for_any_block_split),
        cmocka_unit_test(histogram_gating_matches_exact_gating),
        cmocka_unit_test(threshold_bin_is_apportioned),
        cmocka_unit_test(sliding_windows_are_exact),
        cmocka_unit_test(merged_pieces_equal_the_serial_pass),
        cmocka_unit_test(channel_map_and_weights),
        cmocka_unit_test(create_rejects_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
