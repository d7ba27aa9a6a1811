/* The N-band equalizer: measured responses against the RBJ analytic ones,
 * block-size invariance, click-free parameter changes, ranges, denormals
 * and bypass. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/eq.h"

#define PI 3.14159265358979323846
#define BLOCK 4096
/* Responses below this are not compared with a sine measurement. Down to
 * here the measurement holds to ~2e-5 dB; below, only the notches' nulls
 * remain (analytic -200 to -300 dB), where the output is float rounding
 * noise (~-220 dB) and no measurement can resolve the response. */
#define MEASURE_FLOOR_DB -120.0

static const char *type_names[WP_FILTER_TYPE_COUNT] = {"peaking", "low shelf", "high shelf", "low pass",
                                                       "high pass", "band pass", "notch", "all pass"};

static wp_eq *make_eq(double rate, int channels, int bands)
{
    wp_eq *eq = NULL;
    assert_int_equal(wp_eq_create(rate, channels, bands, &eq), WP_OK);
    assert_non_null(eq);
    return eq;
}

static void set_band(wp_eq *eq, int index, wp_filter_type type, double f, double gain, double q, int enabled)
{
    const wp_eq_band b = {type, f, gain, q, enabled};
    const wp_status st = wp_eq_set_band(eq, index, &b);
    if (st != WP_OK)
        fail_msg("set_band(%d, %s, %g Hz, %g dB, Q %g): %s", index, type_names[type], f, gain, q, wp_strerror(st));
}

static wp_biquad_coeffs design(wp_filter_type type, double rate, double f, double gain, double q)
{
    wp_biquad_coeffs c;
    assert_int_equal(wp_biquad_design(type, rate, f, gain, q, &c), WP_OK);
    return c;
}

/* Frames after which the start transient of a filter with these poles has
 * decayed below 1e-10 of its initial size. */
static size_t settle_frames(const wp_biquad_coeffs *c)
{
    const double disc = c->a1 * c->a1 - 4.0 * c->a2;
    double r;
    if (disc < 0.0) {
        r = sqrt(c->a2);
    } else {
        const double root = sqrt(disc);
        r = fmax(fabs(-c->a1 + root), fabs(-c->a1 - root)) / 2.0;
    }
    return (size_t)(log(1e-10) / log(r)) + 256;
}

/* Least-squares amplitude of a sine of known frequency: fits
 * a sin(wn) + b cos(wn) over the accumulated frames. */
typedef struct sine_fit {
    double ss, cc, sc, ys, yc;
} sine_fit;

static void fit_add(sine_fit *f, double y, double s, double c)
{
    f->ss += s * s;
    f->cc += c * c;
    f->sc += s * c;
    f->ys += y * s;
    f->yc += y * c;
}

static double fit_amplitude(const sine_fit *f)
{
    const double det = f->ss * f->cc - f->sc * f->sc;
    const double a = (f->ys * f->cc - f->yc * f->sc) / det;
    const double b = (f->yc * f->ss - f->ys * f->sc) / det;
    return hypot(a, b);
}

/* Writes n frames of 0.5 sin(w (start + i)) from a phasor re-anchored at
 * `start`, accurate to ~1e-12. */
static void sine_block(double w, size_t start, size_t n, float *out, double *s, double *c)
{
    const double rc = cos(w), rs = sin(w);
    double pc = cos(w * (double)start), ps = sin(w * (double)start);
    for (size_t i = 0; i < n; i++) {
        if (out)
            out[i] = (float)(0.5 * ps);
        if (s) {
            s[i] = ps;
            c[i] = pc;
        }
        const double t = pc * rc - ps * rs;
        ps = ps * rc + pc * rs;
        pc = t;
    }
}

/* Runs a sine at freqs[i] through channel i of `eq` (count <= its channel
 * count, other channels silent), lets it settle for `settle` frames, then
 * fits input and output amplitudes over a window of at least 8192 frames
 * and four periods. Writes the gain in dB per probe. */
static void measure_gains_db(wp_eq *eq, double rate, int channels, const double *freqs, int count, size_t settle,
                             double *gain_db)
{
    float *buf[WP_DSP_MAX_CHANNELS], *dry[WP_DSP_MAX_CHANNELS];
    sine_fit fin[WP_DSP_MAX_CHANNELS], fout[WP_DSP_MAX_CHANNELS];
    double *s = malloc(BLOCK * sizeof *s), *co = malloc(BLOCK * sizeof *co);
    assert_non_null(s);
    assert_non_null(co);
    double lowest = rate;
    for (int i = 0; i < count; i++)
        lowest = fmin(lowest, freqs[i]);
    size_t window = (size_t)(4.0 * rate / lowest);
    if (window < 8192)
        window = 8192;
    const size_t total = settle + window;
    for (int c = 0; c < channels; c++) {
        buf[c] = calloc(BLOCK, sizeof(float));
        dry[c] = calloc(BLOCK, sizeof(float));
        assert_non_null(buf[c]);
        assert_non_null(dry[c]);
    }
    memset(fin, 0, sizeof fin);
    memset(fout, 0, sizeof fout);
    for (size_t start = 0; start < total; start += BLOCK) {
        const size_t n = total - start < BLOCK ? total - start : BLOCK;
        for (int c = 0; c < count; c++) {
            sine_block(2.0 * PI * freqs[c] / rate, start, n, buf[c], NULL, NULL);
            memcpy(dry[c], buf[c], n * sizeof(float));
        }
        wp_eq_process(eq, buf, n);
        if (start + n <= settle)
            continue;
        for (int c = 0; c < count; c++) {
            sine_block(2.0 * PI * freqs[c] / rate, start, n, NULL, s, co);
            for (size_t i = start < settle ? settle - start : 0; i < n; i++) {
                fit_add(&fin[c], dry[c][i], s[i], co[i]);
                fit_add(&fout[c], buf[c][i], s[i], co[i]);
            }
        }
    }
    for (int c = 0; c < count; c++)
        gain_db[c] = 20.0 * log10(fit_amplitude(&fout[c]) / fit_amplitude(&fin[c]));
    for (int c = 0; c < channels; c++) {
        free(buf[c]);
        free(dry[c]);
    }
    free(s);
    free(co);
}

/* Measures the response of `eq` at `count` probe frequencies, 8 at a time
 * (one per channel; eq must have 8 channels and be reset between passes). */
static void measure_response_db(wp_eq *eq, double rate, const double *freqs, int count, size_t settle,
                                double *gain_db)
{
    for (int i = 0; i < count; i += 8) {
        wp_eq_reset(eq);
        measure_gains_db(eq, rate, 8, freqs + i, count - i < 8 ? count - i : 8, settle, gain_db + i);
    }
}

/* Every filter type, at three rates and four designs each, measured with
 * sines at 16 frequencies from 20 Hz to 0.45 x rate plus f0: the
 * state-variable realisation must give the cookbook response. */
static void every_type_matches_rbj_response(void **state)
{
    (void)state;
    static const double rates[] = {44100.0, 48000.0, 96000.0};
    static const double designs[][3] = {/* f0, gain dB, Q */
                                        {40.0, 12.0, 0.7071},
                                        {1000.0, -18.0, 4.0},
                                        {6000.0, 24.0, 0.3},
                                        {15000.0, -6.0, 1.5}};
    enum { PROBES = 16 };
    double worst = 0.0, worst_center = 0.0;
    int compared = 0, skipped = 0;
    for (size_t r = 0; r < 3; r++) {
        const double rate = rates[r];
        wp_eq *eq = make_eq(rate, 8, 1);
        for (int type = 0; type < WP_FILTER_TYPE_COUNT; type++) {
            for (size_t d = 0; d < sizeof designs / sizeof designs[0]; d++) {
                const double f0 = designs[d][0], gain = designs[d][1], q = designs[d][2];
                set_band(eq, 0, (wp_filter_type)type, f0, gain, q, 1);
                const wp_biquad_coeffs c = design((wp_filter_type)type, rate, f0, gain, q);
                double freqs[PROBES], measured[PROBES];
                for (int i = 0; i < PROBES - 1; i++)
                    freqs[i] = 20.0 * pow(0.45 * rate / 20.0, (double)i / (PROBES - 2));
                freqs[PROBES - 1] = f0;
                measure_response_db(eq, rate, freqs, PROBES, settle_frames(&c), measured);
                for (int i = 0; i < PROBES; i++) {
                    const double want = wp_biquad_magnitude_db(&c, rate, freqs[i]);
                    if (want < MEASURE_FLOOR_DB) {
                        skipped++;
                        continue;
                    }
                    const double err = fabs(measured[i] - want);
                    worst = fmax(worst, err);
                    if (i == PROBES - 1)
                        worst_center = fmax(worst_center, err);
                    compared++;
                    if (err > 0.05)
                        fail_msg("%s f0 %g gain %g Q %g at %g Hz: measured %.4f dB, RBJ %.4f dB (rate %g)",
                                 type_names[type], f0, gain, q, freqs[i], measured[i], want, rate);
                }
            }
        }
        wp_eq_destroy(eq);
    }
    printf("# sine vs RBJ: %d points, worst %.2e dB (at f0 %.2e dB); %d points below %g dB skipped\n", compared,
           worst, worst_center, skipped, MEASURE_FLOOR_DB);
}

/* A peaking band measured at its centre gives the set gain. */
static void peaking_gain_at_centre_is_the_setting(void **state)
{
    (void)state;
    static const double rates[] = {44100.0, 48000.0, 96000.0};
    static const double f0s[] = {100.0, 1000.0, 12000.0};
    static const double qs[] = {0.3, 1.0, 6.0};
    static const double gains[] = {-24.0, -12.0, -3.0, 3.0, 12.0, 24.0};
    double worst = 0.0;
    for (size_t r = 0; r < 3; r++) {
        wp_eq *eq = make_eq(rates[r], 1, 1);
        for (size_t f = 0; f < 3; f++) {
            for (size_t qi = 0; qi < 3; qi++) {
                for (size_t g = 0; g < 6; g++) {
                    set_band(eq, 0, WP_FILTER_PEAKING, f0s[f], gains[g], qs[qi], 1);
                    wp_eq_reset(eq);
                    double analytic;
                    assert_int_equal(wp_eq_magnitude_db(eq, &f0s[f], 1, &analytic), WP_OK);
                    if (fabs(analytic - gains[g]) > 1e-6)
                        fail_msg("analytic gain at f0 %.9f dB, set %g dB", analytic, gains[g]);
                    const wp_biquad_coeffs c = design(WP_FILTER_PEAKING, rates[r], f0s[f], gains[g], qs[qi]);
                    double measured;
                    measure_gains_db(eq, rates[r], 1, &f0s[f], 1, settle_frames(&c), &measured);
                    worst = fmax(worst, fabs(measured - gains[g]));
                    if (fabs(measured - gains[g]) > 0.05)
                        fail_msg("peaking %g Hz Q %g at %g Hz: measured %.4f dB at f0, set %g dB", f0s[f], qs[qi],
                                 rates[r], measured, gains[g]);
                }
            }
        }
        wp_eq_destroy(eq);
    }
    printf("# peaking centre gain: worst error %.2e dB over 162 settings\n", worst);
}

/* An 8-band setting with most types, one band disabled. */
static void set_mixed_bands(wp_eq *eq)
{
    set_band(eq, 0, WP_FILTER_HIGH_PASS, 25.0, 0.0, 0.7071, 1);
    set_band(eq, 1, WP_FILTER_LOW_SHELF, 90.0, 6.0, 0.7071, 1);
    set_band(eq, 2, WP_FILTER_PEAKING, 310.0, -5.0, 1.4, 1);
    set_band(eq, 3, WP_FILTER_PEAKING, 600.0, 3.0, 0.7, 1);
    set_band(eq, 4, WP_FILTER_PEAKING, 1000.0, 12.0, 2.0, 0);
    set_band(eq, 5, WP_FILTER_PEAKING, 3000.0, 8.0, 2.0, 1);
    set_band(eq, 6, WP_FILTER_ALL_PASS, 6000.0, 0.0, 1.0, 1);
    set_band(eq, 7, WP_FILTER_HIGH_SHELF, 12000.0, -4.0, 0.7071, 1);
}

/* wp_eq_magnitude_db is the sum in dB of the enabled bands' analytic
 * responses, and a sine through all 8 bands measures it. */
static void combined_response_is_product_of_bands(void **state)
{
    (void)state;
    const double rate = 48000.0;
    wp_eq *eq = make_eq(rate, 8, 8);
    set_mixed_bands(eq);
    enum { N = 200, PROBES = 24 };
    double freqs[N], got[N];
    for (int i = 0; i < N; i++)
        freqs[i] = 10.0 * pow(2400.0, (double)i / (N - 1));
    assert_int_equal(wp_eq_magnitude_db(eq, freqs, N, got), WP_OK);
    size_t settle = 0;
    for (int i = 0; i < N; i++) {
        double want = 0.0;
        for (int b = 0; b < 8; b++) {
            wp_eq_band band;
            assert_int_equal(wp_eq_get_band(eq, b, &band), WP_OK);
            if (!band.enabled)
                continue;
            const wp_biquad_coeffs c = design(band.type, rate, band.freq_hz, band.gain_db, band.q);
            want += wp_biquad_magnitude_db(&c, rate, freqs[i]);
            if (i == 0 && settle_frames(&c) > settle)
                settle = settle_frames(&c);
        }
        if (fabs(got[i] - want) > 1e-9)
            fail_msg("at %g Hz: eq %.12f dB, sum of bands %.12f dB", freqs[i], got[i], want);
    }
    double probes[PROBES], measured[PROBES], analytic[PROBES], worst = 0.0;
    for (int i = 0; i < PROBES; i++)
        probes[i] = 30.0 * pow(21000.0 / 30.0, (double)i / (PROBES - 1));
    assert_int_equal(wp_eq_magnitude_db(eq, probes, PROBES, analytic), WP_OK);
    measure_response_db(eq, rate, probes, PROBES, settle, measured);
    for (int i = 0; i < PROBES; i++) {
        worst = fmax(worst, fabs(measured[i] - analytic[i]));
        if (fabs(measured[i] - analytic[i]) > 0.05)
            fail_msg("8-band eq at %g Hz: measured %.4f dB, analytic %.4f dB", probes[i], measured[i],
                     analytic[i]);
    }
    printf("# 8-band eq: sine vs analytic worst %.2e dB at %d frequencies\n", worst, PROBES);
    wp_eq_destroy(eq);
}

/* ---- block-size invariance ---- */

enum { BI_CH = 3, BI_SEG = 28672 /* 7 x 4096: a boundary for every block size */ };
#define BI_DENSE 24
#define BI_CHANGES (3 + BI_DENSE)

/* Frame at which change k is applied: 0, then one per 28672 frames, then a
 * dense run every 313 frames (shorter than a glide, so new targets arrive
 * mid-glide and crossfades are interrupted). */
static size_t bi_change_pos(int k)
{
    if (k < 3)
        return (size_t)k * BI_SEG;
    return 2 * BI_SEG + 313 * (size_t)(k - 2);
}

static void bi_apply_change(wp_eq *eq, int k)
{
    if (k == 0) {
        set_mixed_bands(eq);
        assert_int_equal(wp_eq_set_bypass(eq, 0), WP_OK);
    } else if (k == 1) {
        set_band(eq, 2, WP_FILTER_PEAKING, 2000.0, 12.0, 6.0, 1);
        set_band(eq, 4, WP_FILTER_PEAKING, 1000.0, 12.0, 2.0, 1);
        set_band(eq, 6, WP_FILTER_LOW_PASS, 8000.0, 0.0, 1.0, 1);
        assert_int_equal(wp_eq_set_bypass(eq, 1), WP_OK);
    } else if (k == 2) {
        assert_int_equal(wp_eq_set_bypass(eq, 0), WP_OK);
        set_band(eq, 1, WP_FILTER_PEAKING, 90.0, 6.0, 0.7071, 1);
        set_band(eq, 5, WP_FILTER_PEAKING, 3000.0, 8.0, 2.0, 0);
    } else {
        set_band(eq, 3, WP_FILTER_PEAKING, 100.0 * pow(1.3, k % 17), -24.0 + (double)((k * 37) % 49), 0.2 + k % 7, 1);
        if (k % 5 == 0)
            assert_int_equal(wp_eq_set_bypass(eq, k % 10 == 0), WP_OK);
        if (k % 7 == 0)
            set_band(eq, 0, (wp_filter_type)(k % WP_FILTER_TYPE_COUNT), 50.0 * (1 + k % 3), 6.0, 0.9, 1);
        if (k % 4 == 0)
            set_band(eq, 7, WP_FILTER_HIGH_SHELF, 12000.0, 0.0, 0.7071, k % 8 == 0);
    }
}

/* Processes the invariance signal with blocks of `block` frames (0: random
 * sizes), applying the changes between blocks at their frames. */
static void bi_input(uint64_t seed, float *out[BI_CH], size_t total)
{
    test_rng rng = test_rng_seeded(seed);
    for (int c = 0; c < BI_CH; c++) {
        for (size_t i = 0; i < total; i++)
            out[c][i] = 0.4f * test_rng_float(&rng) + 0.5f * (float)sin(0.01 * (double)(c + 1) * (double)i);
    }
}

static void bi_run(size_t block, uint64_t seed, float *out[BI_CH], size_t total)
{
    test_rng sizes = test_rng_seeded(seed ^ 0x5151);
    bi_input(seed, out, total);
    wp_eq *eq = make_eq(44100.0, BI_CH, 8);
    int next = 0;
    size_t pos = 0;
    while (pos < total) {
        while (next < BI_CHANGES && bi_change_pos(next) == pos)
            bi_apply_change(eq, next++);
        size_t n = block ? block : test_rng_range(&sizes, 1, 3000);
        if (n > total - pos)
            n = total - pos;
        if (next < BI_CHANGES && pos + n > bi_change_pos(next))
            n = bi_change_pos(next) - pos;
        float *ch[BI_CH];
        for (int c = 0; c < BI_CH; c++)
            ch[c] = out[c] + pos;
        wp_eq_process(eq, ch, n);
        pos += n;
    }
    wp_eq_destroy(eq);
}

static void output_is_identical_for_any_block_split(void **state)
{
    (void)state;
    const size_t total = 4 * BI_SEG;
    const uint64_t seed = test_seed();
    static const size_t blocks[] = {7, 128, 4096, 0};
    float *ref[BI_CH], *got[BI_CH];
    for (int c = 0; c < BI_CH; c++) {
        ref[c] = malloc(total * sizeof(float));
        got[c] = malloc(total * sizeof(float));
        assert_non_null(ref[c]);
        assert_non_null(got[c]);
    }
    bi_run(1, seed, ref, total);
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        bi_run(blocks[b], seed, got, total);
        for (int c = 0; c < BI_CH; c++) {
            if (memcmp(ref[c], got[c], total * sizeof(float)) != 0) {
                size_t i = 0;
                while (memcmp(&ref[c][i], &got[c][i], sizeof(float)) == 0)
                    i++;
                fail_msg("blocks of %zu (0 = random): channel %d differs first at frame %zu: %.9g vs %.9g",
                         blocks[b], c, i, (double)got[c][i], (double)ref[c][i]);
            }
        }
    }
    /* Not a pass-through: outside the bypassed stretch the output differs. */
    bi_input(seed, got, total);
    size_t changed = 0;
    for (size_t i = 0; i < total; i++)
        changed += got[0][i] != ref[0][i];
    if (changed < total / 2)
        fail_msg("only %zu of %zu frames were changed by the eq", changed, total);
    for (int c = 0; c < BI_CH; c++) {
        free(ref[c]);
        free(got[c]);
    }
}

/* ---- clicks ---- */

/* Largest |y[n] - 2 y[n-1] + y[n-2]| over y[from..n). */
static double max_second_difference(const float *y, size_t from, size_t n)
{
    double m = 0.0;
    for (size_t i = from < 2 ? 2 : from; i < n; i++)
        m = fmax(m, fabs((double)y[i] - 2.0 * (double)y[i - 1] + (double)y[i - 2]));
    return m;
}

/* The second difference a sine of frequency f and the peak amplitude found
 * in y allows: y[n] - 2y[n-1] + y[n-2] = -4 sin^2(w/2) y[n-1] for
 * y = a sin(wn + p), so |d2| <= 4 sin^2(w/2) a. A glide makes a and p vary
 * slowly, adding terms of relative size ~2a'/(a w) (a few percent for a
 * 20 ms glide of 24 dB at 1 kHz); a click or a zipper step adds its full
 * jump, which at these frequencies is many times larger. */
static double sine_d2_bound(double f, double rate, const float *y, size_t from, size_t n)
{
    const double s = sin(PI * f / rate);
    return 4.0 * s * s * test_max_abs(y, from, n);
}

/* Slack over the pure-sine bound. A sweep in 128-frame steps over 0.5 s
 * bends amplitude and phase by well under 10 % of the sine's own curvature.
 * Single jumps glide in ~20 ms; the worst, a +24 dB bell leaping six
 * octaves across the sine, adds the chirp of its moving resonance (~1.5). */
#define SWEEP_FACTOR 1.1
#define STEP_FACTOR 1.6

enum { SW_RATE = 48000, SW_BLOCK = 128 };

/* Frames of the sweep run at `rate`: 0.2 s settling, the 0.5 s sweep in
 * 128-frame steps, 0.1 s after. */
static size_t sweep_steps(double rate) { return (size_t)(0.5 * rate / SW_BLOCK); }
static size_t sweep_warm(double rate) { return (size_t)(0.2 * rate / SW_BLOCK) * SW_BLOCK; }
static size_t sweep_total(double rate) { return sweep_warm(rate) + (sweep_steps(rate) + 1) * SW_BLOCK + (size_t)(0.1 * rate); }

/* Peaking band swept -24 -> +24 dB and 100 Hz -> 8 kHz (Q 1; at low rates
 * to 0.45 x rate) in 0.5 s, one step per 128-frame block as a UI would, on
 * a sine at f. naive = 0 runs it through the eq; naive = 1 through a
 * transposed direct form II biquad whose coefficients switch to the new
 * design at each block. */
static void sweep_run(double rate, double f, int naive, float *y)
{
    const size_t total = sweep_total(rate), warm = sweep_warm(rate), steps = sweep_steps(rate);
    const double top = fmin(8000.0, 0.45 * rate);
    sine_block(2.0 * PI * f / rate, 0, total, y, NULL, NULL);
    wp_eq *eq = make_eq(rate, 1, 1);
    double s1 = 0.0, s2 = 0.0;
    wp_biquad_coeffs c = design(WP_FILTER_PEAKING, rate, 100.0, -24.0, 1.0);
    set_band(eq, 0, WP_FILTER_PEAKING, 100.0, -24.0, 1.0, 1);
    for (size_t pos = 0; pos < total; pos += SW_BLOCK) {
        if (pos >= warm && pos <= warm + steps * SW_BLOCK) {
            const double t = (double)((pos - warm) / SW_BLOCK) / (double)steps;
            const double gain = -24.0 + 48.0 * t, freq = 100.0 * pow(top / 100.0, t);
            set_band(eq, 0, WP_FILTER_PEAKING, freq, gain, 1.0, 1);
            c = design(WP_FILTER_PEAKING, rate, freq, gain, 1.0);
        }
        const size_t n = total - pos < SW_BLOCK ? total - pos : SW_BLOCK;
        if (naive) {
            for (size_t i = pos; i < pos + n; i++) {
                const double x = y[i], out = c.b0 * x + s1;
                s1 = c.b1 * x - c.a1 * out + s2;
                s2 = c.b2 * x - c.a2 * out;
                y[i] = (float)out;
            }
        } else {
            float *ch[1] = {y + pos};
            wp_eq_process(eq, ch, n);
        }
    }
    wp_eq_destroy(eq);
}

static void parameter_sweep_does_not_click(void **state)
{
    (void)state;
    static const double rates[] = {8000.0, 48000.0, 384000.0};
    static const double freqs[] = {200.0, 1000.0, 5000.0};
    for (size_t r = 0; r < 3; r++) {
        const double rate = rates[r];
        const size_t total = sweep_total(rate), from = sweep_warm(rate) / 2; /* the onset has settled */
        float *y = malloc(total * sizeof *y);
        assert_non_null(y);
        for (size_t i = 0; i < 3 && freqs[i] < 0.45 * rate; i++) {
            sweep_run(rate, freqs[i], 0, y);
            const double d2 = max_second_difference(y, from, total);
            const double bound = sine_d2_bound(freqs[i], rate, y, from, total);
            sweep_run(rate, freqs[i], 1, y);
            const double d2_naive = max_second_difference(y, from, total);
            const double bound_naive = sine_d2_bound(freqs[i], rate, y, from, total);
            printf("# sweep at %g Hz on %g Hz: max |d2| / sine bound: eq %.3f, unsmoothed switch %.2f\n", rate,
                   freqs[i], d2 / bound, d2_naive / bound_naive);
            if (d2 > SWEEP_FACTOR * bound)
                fail_msg("sweep at %g Hz on %g Hz: max |d2| %.6f > %.2f x sine bound %.6f", rate, freqs[i], d2,
                         SWEEP_FACTOR, bound);
            /* The criterion is sharp enough to see what smoothing prevents
             * (on 200 Hz; higher, the sine's own curvature hides the small
             * steps of a slow sweep). */
            if (i == 0 && d2_naive <= SWEEP_FACTOR * bound_naive)
                fail_msg("sweep at %g Hz on %g Hz: unsmoothed switch passed (|d2| %.6f, bound %.6f)", rate,
                         freqs[i], d2_naive, bound_naive);
        }
        free(y);
    }
}

/* Single setter calls that jump (a preset load, a click in the UI), each
 * left to glide for 0.1 s, on a sine. */
enum { ST_SEG = 4800 };

typedef struct step_setting {
    wp_filter_type type;
    double f, gain, q;
    int enabled; /* 0: band off; -1: eq bypassed */
} step_setting;

static const step_setting step_seq[] = {
    {WP_FILTER_PEAKING, 1000.0, 0.0, 1.0, 1},     /* start: a skipped 0 dB band */
    {WP_FILTER_PEAKING, 1000.0, 24.0, 1.0, 1},    /* gain */
    {WP_FILTER_PEAKING, 100.0, 24.0, 1.0, 1},     /* frequency down */
    {WP_FILTER_PEAKING, 8000.0, 24.0, 1.0, 1},    /* and up */
    {WP_FILTER_PEAKING, 8000.0, 24.0, 18.0, 1},   /* narrow */
    {WP_FILTER_PEAKING, 1000.0, 24.0, 18.0, 1},   /* onto the sine */
    {WP_FILTER_PEAKING, 1000.0, 24.0, 0.1, 1},    /* widest */
    {WP_FILTER_PEAKING, 1000.0, -24.0, 0.1, 1},   /* whole gain range */
    {WP_FILTER_HIGH_SHELF, 1000.0, 24.0, 0.7, 1}, /* type changes */
    {WP_FILTER_LOW_PASS, 1000.0, 24.0, 0.7, 1},
    {WP_FILTER_HIGH_PASS, 1000.0, 24.0, 0.7, 1},
    {WP_FILTER_NOTCH, 1000.0, 24.0, 3.0, 1},
    {WP_FILTER_BAND_PASS, 1000.0, 24.0, 3.0, 1},
    {WP_FILTER_ALL_PASS, 1000.0, 24.0, 3.0, 1},
    {WP_FILTER_LOW_SHELF, 3000.0, 24.0, 0.7, 1},
    {WP_FILTER_LOW_SHELF, 3000.0, 24.0, 0.7, 0}, /* disable */
    {WP_FILTER_LOW_SHELF, 3000.0, 24.0, 0.7, 1}, /* enable */
    {WP_FILTER_LOW_SHELF, 3000.0, 24.0, 0.7, -1}, /* bypass */
    {WP_FILTER_LOW_SHELF, 3000.0, 24.0, 0.7, 1},  /* and back */
};
#define STEP_COUNT (sizeof step_seq / sizeof step_seq[0])

/* Runs the sequence on a sine at f through the eq (naive = 0) or through a
 * transposed direct form II biquad that switches to each new design at
 * once (naive = 1; off and bypassed mean unity coefficients). */
static void step_run(double f, int naive, float *y)
{
    const size_t total = (STEP_COUNT + 1) * ST_SEG;
    sine_block(2.0 * PI * f / SW_RATE, 0, total, y, NULL, NULL);
    wp_eq *eq = make_eq(SW_RATE, 1, 1);
    double s1 = 0.0, s2 = 0.0;
    wp_biquad_coeffs c = {1, 0, 0, 0, 0};
    for (size_t k = 0; k < STEP_COUNT; k++) {
        const step_setting *st = &step_seq[k];
        set_band(eq, 0, st->type, st->f, st->gain, st->q, st->enabled != 0);
        assert_int_equal(wp_eq_set_bypass(eq, st->enabled < 0), WP_OK);
        const wp_biquad_coeffs unity = {1, 0, 0, 0, 0};
        c = st->enabled > 0 ? design(st->type, SW_RATE, st->f, st->gain, st->q) : unity;
        const size_t pos = k * ST_SEG, n = k + 1 < STEP_COUNT ? ST_SEG : 2 * ST_SEG;
        if (naive) {
            for (size_t i = pos; i < pos + n; i++) {
                const double x = y[i], out = c.b0 * x + s1;
                s1 = c.b1 * x - c.a1 * out + s2;
                s2 = c.b2 * x - c.a2 * out;
                y[i] = (float)out;
            }
        } else {
            float *ch[1] = {y + pos};
            wp_eq_process(eq, ch, n);
        }
    }
    wp_eq_destroy(eq);
}

/* The worst ratio of max |d2| to the sine bound over the changes' glides
 * (each from its change to the next, amplitude taken from a quarter
 * segment earlier on); *at gets the change. */
static double step_worst_ratio(double f, const float *y, size_t *at)
{
    double worst = 0.0;
    for (size_t k = 1; k < STEP_COUNT; k++) {
        const size_t a = k * ST_SEG, b = a + ST_SEG;
        const double r = max_second_difference(y, a, b) / sine_d2_bound(f, SW_RATE, y, a - ST_SEG / 4, b);
        if (r > worst) {
            worst = r;
            *at = k;
        }
    }
    return worst;
}

/* On 1 and 5 kHz. Lower, a 20 ms fade across 48 dB bends the envelope
 * (2 a' w + a'') by as much as the sine itself curves, which the pure-sine
 * bound does not allow for; that is a fast fade, not a click. */
static void step_changes_do_not_click(void **state)
{
    (void)state;
    static const double freqs[] = {1000.0, 5000.0};
    float *y = malloc((STEP_COUNT + 1) * ST_SEG * sizeof *y);
    assert_non_null(y);
    for (size_t f = 0; f < 2; f++) {
        size_t at = 0, at_naive = 0;
        step_run(freqs[f], 0, y);
        const double r = step_worst_ratio(freqs[f], y, &at);
        step_run(freqs[f], 1, y);
        const double r_naive = step_worst_ratio(freqs[f], y, &at_naive);
        printf("# step changes on %g Hz: worst max |d2| / sine bound: eq %.3f (change %zu), unsmoothed %.2f "
               "(change %zu)\n",
               freqs[f], r, at, r_naive, at_naive);
        if (r > STEP_FACTOR)
            fail_msg("%g Hz, change %zu: max |d2| is %.3f x the sine bound", freqs[f], at, r);
        if (r_naive <= STEP_FACTOR)
            fail_msg("%g Hz: unsmoothed changes passed (%.3f x the sine bound)", freqs[f], r_naive);
    }
    free(y);
}

/* ---- ranges, defaults, channels ---- */

static void out_of_range_values_are_rejected(void **state)
{
    (void)state;
    const double rate = 48000.0;
    wp_eq *eq = make_eq(rate, 2, 8);
    set_band(eq, 3, WP_FILTER_PEAKING, 700.0, 5.0, 2.0, 1);
    wp_eq_band before, after;
    assert_int_equal(wp_eq_get_band(eq, 3, &before), WP_OK);
    const double top = WP_EQ_MAX_FREQ_RATIO * rate;
    const double bad[][3] = {
        /* freq, gain, q */
        {700, 25, 2},      {700, -25, 2},      {700, 24.0001, 2}, {700, NAN, 2},       {700, INFINITY, 2},
        {700, 5, 0.05},    {700, 5, 0.0999},   {700, 5, 19},      {700, 5, 18.0001},   {700, 5, NAN},
        {700, 5, 0},       {700, 5, -1},       {0, 5, 2},         {9.99, 5, 2},        {-100, 5, 2},
        {top * 1.000001, 5, 2}, {24000, 5, 2}, {NAN, 5, 2},       {INFINITY, 5, 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const wp_eq_band b = {WP_FILTER_PEAKING, bad[i][0], bad[i][1], bad[i][2], 1};
        const wp_status st = wp_eq_set_band(eq, 3, &b);
        if (st != WP_ERR_OUT_OF_RANGE)
            fail_msg("freq %g gain %g q %g: %s, expected out of range", bad[i][0], bad[i][1], bad[i][2],
                     wp_strerror(st));
        assert_int_equal(wp_eq_get_band(eq, 3, &after), WP_OK);
        assert_memory_equal(&before, &after, sizeof before);
    }
    const wp_eq_band good = {WP_FILTER_PEAKING, 1000.0, 0.0, 1.0, 1};
    wp_eq_band bad_type = good;
    bad_type.type = WP_FILTER_TYPE_COUNT;
    assert_int_equal(wp_eq_set_band(eq, 3, &bad_type), WP_ERR_INVALID_ARGUMENT);
    bad_type.type = (wp_filter_type)-1;
    assert_int_equal(wp_eq_set_band(eq, 3, &bad_type), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_set_band(eq, -1, &good), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_set_band(eq, 8, &good), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_set_band(eq, 3, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_set_band(NULL, 3, &good), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_get_band(eq, 3, &after), WP_OK);
    assert_memory_equal(&before, &after, sizeof before);

    /* The limits themselves are accepted; enabled reads back as 0 or 1. */
    set_band(eq, 0, WP_FILTER_LOW_PASS, WP_EQ_MIN_FREQ_HZ, WP_EQ_MIN_GAIN_DB, WP_EQ_MIN_Q, 1);
    set_band(eq, 1, WP_FILTER_HIGH_SHELF, top, WP_EQ_MAX_GAIN_DB, WP_EQ_MAX_Q, 1);
    const wp_eq_band seven = {WP_FILTER_NOTCH, 500.0, 0.0, 1.0, 7};
    assert_int_equal(wp_eq_set_band(eq, 2, &seven), WP_OK);
    assert_int_equal(wp_eq_get_band(eq, 2, &after), WP_OK);
    assert_int_equal(after.enabled, 1);

    assert_int_equal(wp_eq_get_band(eq, 8, &after), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_get_band(eq, 0, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_get_band(NULL, 0, &after), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_set_bypass(NULL, 1), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_default_band(-1, &after), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_default_band(WP_EQ_MAX_BANDS, &after), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_default_band(0, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_band_count(eq), 8);
    assert_int_equal(wp_eq_band_count(NULL), 0);

    double out[3] = {7, 7, 7};
    const double ok_freqs[3] = {0.0, 1000.0, 30000.0}, bad_freqs[3] = {100.0, -1.0, 100.0};
    const double nan_freqs[3] = {100.0, NAN, 100.0}, inf_freqs[3] = {INFINITY, 1.0, 1.0};
    assert_int_equal(wp_eq_magnitude_db(eq, bad_freqs, 3, out), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_eq_magnitude_db(eq, nan_freqs, 3, out), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_eq_magnitude_db(eq, inf_freqs, 3, out), WP_ERR_OUT_OF_RANGE);
    assert_true(out[0] == 7 && out[1] == 7 && out[2] == 7);
    assert_int_equal(wp_eq_magnitude_db(NULL, ok_freqs, 3, out), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_magnitude_db(eq, NULL, 3, out), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_magnitude_db(eq, ok_freqs, 3, NULL), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_eq_magnitude_db(eq, ok_freqs, 3, out), WP_OK);
    wp_eq_destroy(eq);

    static const struct {
        double rate;
        int channels, bands;
    } bad_create[] = {{7999, 2, 8}, {384001, 2, 8}, {NAN, 2, 8}, {48000, 0, 8},
                      {48000, WP_DSP_MAX_CHANNELS + 1, 8}, {48000, 2, 0}, {48000, 2, WP_EQ_MAX_BANDS + 1}};
    for (size_t i = 0; i < sizeof bad_create / sizeof bad_create[0]; i++) {
        wp_eq *e = (wp_eq *)&before; /* must be overwritten with NULL */
        assert_int_equal(wp_eq_create(bad_create[i].rate, bad_create[i].channels, bad_create[i].bands, &e),
                         WP_ERR_OUT_OF_RANGE);
        assert_null(e);
    }
    assert_int_equal(wp_eq_create(48000, 2, 8, NULL), WP_ERR_INVALID_ARGUMENT);
    wp_eq_destroy(NULL);
    wp_eq_reset(NULL);
}

static void default_bands_are_the_documented_layout(void **state)
{
    (void)state;
    static const wp_eq_band want[WP_EQ_DEFAULT_BANDS] = {
        {WP_FILTER_LOW_SHELF, 60, 0, 0.70710678118654752, 1}, {WP_FILTER_PEAKING, 170, 0, 1, 1},
        {WP_FILTER_PEAKING, 310, 0, 1, 1},                    {WP_FILTER_PEAKING, 600, 0, 1, 1},
        {WP_FILTER_PEAKING, 1000, 0, 1, 1},                   {WP_FILTER_PEAKING, 3000, 0, 1, 1},
        {WP_FILTER_PEAKING, 6000, 0, 1, 1},                   {WP_FILTER_HIGH_SHELF, 12000, 0, 0.70710678118654752, 1},
    };
    wp_eq *eq = make_eq(48000.0, 2, WP_EQ_MAX_BANDS);
    for (int i = 0; i < WP_EQ_MAX_BANDS; i++) {
        wp_eq_band d, got;
        assert_int_equal(wp_eq_default_band(i, &d), WP_OK);
        const wp_eq_band w = i < WP_EQ_DEFAULT_BANDS ? want[i] : want[4];
        assert_int_equal(d.type, w.type);
        assert_true(d.freq_hz == w.freq_hz && d.gain_db == 0.0 && d.q == w.q && d.enabled == 1);
        assert_int_equal(wp_eq_get_band(eq, i, &got), WP_OK);
        assert_memory_equal(&got, &d, sizeof d);
    }
    wp_eq_destroy(eq);
    /* At 8 kHz the two top defaults sit at the limit, 0.49 x 8000 Hz. */
    eq = make_eq(8000.0, 1, 8);
    wp_eq_band got;
    assert_int_equal(wp_eq_get_band(eq, 6, &got), WP_OK);
    assert_true(got.freq_hz == 0.49 * 8000.0);
    assert_int_equal(wp_eq_get_band(eq, 7, &got), WP_OK);
    assert_true(got.freq_hz == 0.49 * 8000.0);
    assert_int_equal(wp_eq_get_band(eq, 5, &got), WP_OK);
    assert_true(got.freq_hz == 3000.0);
    wp_eq_destroy(eq);

    /* The default eq is flat, and passes audio through bit for bit. */
    eq = make_eq(44100.0, 2, 8);
    double freqs[50], db[50];
    for (int i = 0; i < 50; i++)
        freqs[i] = 10.0 * pow(2200.0, i / 49.0);
    assert_int_equal(wp_eq_magnitude_db(eq, freqs, 50, db), WP_OK);
    for (int i = 0; i < 50; i++)
        assert_true(fabs(db[i]) < 1e-12);
    test_rng rng = test_rng_seeded(test_seed());
    float a[1000], b[1000], a0[1000], b0[1000];
    for (int i = 0; i < 1000; i++) {
        a[i] = a0[i] = test_rng_float(&rng);
        b[i] = b0[i] = test_rng_float(&rng);
    }
    float *ch[2] = {a, b};
    wp_eq_process(eq, ch, 1000);
    assert_memory_equal(a, a0, sizeof a);
    assert_memory_equal(b, b0, sizeof b);
    wp_eq_destroy(eq);
}

/* Runs `eq` over n frames with a band change midway, so the gliding path
 * is covered too. */
static void run_with_change(wp_eq *eq, float **x, int channels, size_t n)
{
    set_mixed_bands(eq);
    wp_eq_process(eq, x, n / 2);
    set_band(eq, 5, WP_FILTER_PEAKING, 5000.0, -8.0, 3.0, 1);
    float *rest[WP_DSP_MAX_CHANNELS];
    for (int c = 0; c < channels; c++)
        rest[c] = x[c] + n / 2;
    wp_eq_process(eq, rest, n - n / 2);
}

/* Every channel gets the same filters, independently: channel c of an
 * n-channel eq equals a mono eq run on channel c's signal, bit for bit. */
static void channels_are_filtered_alike_and_independently(void **state)
{
    (void)state;
    enum { N = 3000 };
    test_rng rng = test_rng_seeded(test_seed() + 7);
    float *in[WP_DSP_MAX_CHANNELS], *x[WP_DSP_MAX_CHANNELS], *mono = malloc(N * sizeof *mono);
    assert_non_null(mono);
    for (int c = 0; c < WP_DSP_MAX_CHANNELS; c++) {
        in[c] = malloc(N * sizeof(float));
        x[c] = malloc(N * sizeof(float));
        assert_non_null(in[c]);
        assert_non_null(x[c]);
    }
    for (int channels = 1; channels <= WP_DSP_MAX_CHANNELS; channels++) {
        for (int c = 0; c < channels; c++) {
            for (size_t i = 0; i < N; i++)
                in[c][i] = test_rng_float(&rng) * (float)(c + 1) / WP_DSP_MAX_CHANNELS;
            memcpy(x[c], in[c], N * sizeof(float));
        }
        wp_eq *eq = make_eq(96000.0, channels, 8);
        run_with_change(eq, x, channels, N);
        wp_eq_destroy(eq);
        for (int c = 0; c < channels; c++) {
            memcpy(mono, in[c], N * sizeof(float));
            wp_eq *m = make_eq(96000.0, 1, 8);
            run_with_change(m, &mono, 1, N);
            wp_eq_destroy(m);
            if (memcmp(mono, x[c], N * sizeof(float)) != 0)
                fail_msg("%d channels: channel %d differs from a mono eq", channels, c);
            if (memcmp(in[c], x[c], N * sizeof(float)) == 0)
                fail_msg("%d channels: channel %d was not processed", channels, c);
        }
    }
    for (int c = 0; c < WP_DSP_MAX_CHANNELS; c++) {
        free(in[c]);
        free(x[c]);
    }
    free(mono);
}

/* ---- denormals, reset, bypass ---- */

static void set_loud_bands(wp_eq *eq)
{
    static const double gains[8] = {12, -12, 9, -6, 12, -9, 6, 12};
    for (int i = 0; i < 8; i++) {
        wp_eq_band b;
        assert_int_equal(wp_eq_default_band(i, &b), WP_OK);
        b.gain_db = gains[i];
        assert_int_equal(wp_eq_set_band(eq, i, &b), WP_OK);
    }
}

/* Processes a probe (impulse, then noise) and returns it in out. */
static void probe_response(wp_eq *eq, float out[2][2048])
{
    test_rng rng = test_rng_seeded(99);
    for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 2048; i++)
            out[c][i] = i == 0 ? 1.0f : i > 1024 ? test_rng_float(&rng) : 0.0f;
    }
    float *ch[2] = {out[0], out[1]};
    wp_eq_process(eq, ch, 2048);
}

/* After 1 s of loud noise and 10 s of silence the output is exactly zero,
 * no output sample was ever subnormal, and the eq answers a probe exactly
 * as a fresh one does: its state is exactly zero (a nonzero state would
 * add its own decay to the probe's response). */
static void silence_decays_to_exact_zero(void **state)
{
    (void)state;
    const size_t loud = 48000, quiet = 480000; /* both multiples of the 32-frame grid */
    wp_eq *eq = make_eq(48000.0, 2, 8), *fresh = make_eq(48000.0, 2, 8);
    set_loud_bands(eq);
    set_loud_bands(fresh);
    float *buf[2] = {malloc(BLOCK * sizeof(float)), malloc(BLOCK * sizeof(float))};
    assert_non_null(buf[0]);
    assert_non_null(buf[1]);
    test_rng rng = test_rng_seeded(test_seed());
    size_t subnormal = 0, nonzero_last_second = 0;
    for (size_t pos = 0; pos < loud + quiet; pos += BLOCK) {
        const size_t n = loud + quiet - pos < BLOCK ? loud + quiet - pos : BLOCK;
        for (int c = 0; c < 2; c++) {
            for (size_t i = 0; i < n; i++)
                buf[c][i] = pos + i < loud ? test_rng_float(&rng) : 0.0f;
        }
        wp_eq_process(eq, buf, n);
        for (int c = 0; c < 2; c++) {
            for (size_t i = 0; i < n; i++) {
                subnormal += fpclassify(buf[c][i]) == FP_SUBNORMAL;
                nonzero_last_second += pos + i >= loud + quiet - 48000 && buf[c][i] != 0.0f;
            }
        }
    }
    if (subnormal || nonzero_last_second)
        fail_msg("%zu subnormal outputs, %zu nonzero outputs in the last second", subnormal, nonzero_last_second);
    static float a[2][2048], b[2][2048];
    probe_response(eq, a);
    probe_response(fresh, b);
    assert_memory_equal(a, b, sizeof a);
    free(buf[0]);
    free(buf[1]);
    wp_eq_destroy(eq);
    wp_eq_destroy(fresh);
}

/* A band at 0 dB (or off) is skipped and its state dropped. That must
 * change nothing audible: a band switched back on after a loud passage and
 * then a second of silence gives silence, exactly as a band that had kept
 * running (and decayed to its flushed zero) would, not the leftover of the
 * loud signal it saw before it was switched off. */
static void returning_band_starts_from_rest(void **state)
{
    (void)state;
    enum { LOUD = 9600, QUIET = 48000 };
    wp_eq *eq = make_eq(48000.0, 1, 2);
    set_band(eq, 0, WP_FILTER_PEAKING, 200.0, 12.0, 4.0, 1);
    set_band(eq, 1, WP_FILTER_LOW_SHELF, 100.0, 12.0, 0.7071, 1);
    float *x = malloc(QUIET * sizeof *x);
    assert_non_null(x);
    float *ch[1] = {x};
    test_rng rng = test_rng_seeded(test_seed());
    for (int phase = 0; phase < 4; phase++) {
        if (phase == 1) { /* neutral while the loud signal goes on */
            set_band(eq, 0, WP_FILTER_PEAKING, 200.0, 0.0, 4.0, 1);
            set_band(eq, 1, WP_FILTER_LOW_SHELF, 100.0, 12.0, 0.7071, 0);
        } else if (phase == 3) { /* back on, after a second of silence */
            set_band(eq, 0, WP_FILTER_PEAKING, 200.0, 12.0, 4.0, 1);
            set_band(eq, 1, WP_FILTER_LOW_SHELF, 100.0, 12.0, 0.7071, 1);
        }
        for (size_t i = 0; i < QUIET; i++)
            x[i] = phase < 2 && i < LOUD ? test_rng_float(&rng) : 0.0f;
        wp_eq_process(eq, ch, phase < 2 ? LOUD : QUIET);
    }
    for (size_t i = 0; i < QUIET; i++) {
        if (x[i] != 0.0f)
            fail_msg("frame %zu after switching back on: %g from silence", i, (double)x[i]);
    }
    free(x);
    wp_eq_destroy(eq);
}

/* Reset drops the signal history and finishes glides at once. */
static void reset_clears_history_and_completes_glides(void **state)
{
    (void)state;
    wp_eq *eq = make_eq(48000.0, 2, 8), *fresh = make_eq(48000.0, 2, 8);
    set_loud_bands(eq);
    static float a[2][2048], b[2][2048];
    probe_response(eq, a);
    set_band(eq, 2, WP_FILTER_LOW_PASS, 3000.0, 0.0, 2.0, 1); /* starts gliding */
    set_band(eq, 4, WP_FILTER_PEAKING, 2000.0, -20.0, 4.0, 0);
    assert_int_equal(wp_eq_set_bypass(eq, 1), WP_OK);
    probe_response(eq, a);
    assert_int_equal(wp_eq_set_bypass(eq, 0), WP_OK);
    wp_eq_reset(eq);
    probe_response(eq, a);
    set_loud_bands(fresh);
    set_band(fresh, 2, WP_FILTER_LOW_PASS, 3000.0, 0.0, 2.0, 1);
    set_band(fresh, 4, WP_FILTER_PEAKING, 2000.0, -20.0, 4.0, 0);
    probe_response(fresh, b);
    assert_memory_equal(a, b, sizeof a);
    wp_eq_destroy(eq);
    wp_eq_destroy(fresh);
}

/* Bypass fades to the input over WP_EQ_SMOOTH_MS and is then the input bit
 * for bit; leaving it fades back to exactly what an eq that was never
 * bypassed gives, since the bands kept running. */
static void bypass_crossfades_to_exact_input_and_back(void **state)
{
    (void)state;
    enum { N = 28800, BLK = 160, ON = 9600, OFF = 19200, FADE = 960 /* 20 ms at 48 kHz */ };
    wp_eq *eq = make_eq(48000.0, 2, 8), *ref = make_eq(48000.0, 2, 8);
    set_mixed_bands(eq);
    set_mixed_bands(ref);
    float *in[2], *out[2], *wet[2];
    test_rng rng = test_rng_seeded(test_seed());
    for (int c = 0; c < 2; c++) {
        in[c] = malloc(N * sizeof(float));
        out[c] = malloc(N * sizeof(float));
        wet[c] = malloc(N * sizeof(float));
        assert_true(in[c] && out[c] && wet[c]);
        for (size_t i = 0; i < N; i++)
            in[c][i] = 0.3f * test_rng_float(&rng) + 0.5f * (float)sin(0.05 * (double)i);
        memcpy(out[c], in[c], N * sizeof(float));
        memcpy(wet[c], in[c], N * sizeof(float));
    }
    for (size_t pos = 0; pos < N; pos += BLK) {
        if (pos == ON || pos == OFF)
            assert_int_equal(wp_eq_set_bypass(eq, pos == ON), WP_OK);
        float *o[2] = {out[0] + pos, out[1] + pos}, *w[2] = {wet[0] + pos, wet[1] + pos};
        wp_eq_process(eq, o, BLK);
        wp_eq_process(ref, w, BLK);
    }
    for (int c = 0; c < 2; c++) {
        assert_memory_equal(out[c], wet[c], ON * sizeof(float));
        /* During the fade every sample lies between processed and dry. */
        size_t last_wet_side = ON;
        for (size_t i = ON; i < ON + FADE; i++) {
            const double lo = fmin(in[c][i], wet[c][i]), hi = fmax(in[c][i], wet[c][i]);
            if (out[c][i] < lo - 1e-6 || out[c][i] > hi + 1e-6)
                fail_msg("channel %d frame %zu: %g outside [%g, %g]", c, i, (double)out[c][i], lo, hi);
            if (out[c][i] != in[c][i])
                last_wet_side = i;
        }
        /* A fade, not a switch: the output reaches the input only at its end. */
        if (last_wet_side < ON + FADE - 20)
            fail_msg("channel %d: output equals the input from frame %zu, %zu frames into the fade", c,
                     last_wet_side + 1, last_wet_side + 1 - ON);
        assert_memory_equal(out[c] + ON + FADE, in[c] + ON + FADE, (OFF - ON - FADE) * sizeof(float));
        assert_memory_equal(out[c] + OFF + FADE, wet[c] + OFF + FADE, (N - OFF - FADE) * sizeof(float));
        free(in[c]);
        free(out[c]);
        free(wet[c]);
    }
    wp_eq_destroy(eq);
    wp_eq_destroy(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_type_matches_rbj_response),
        cmocka_unit_test(peaking_gain_at_centre_is_the_setting),
        cmocka_unit_test(combined_response_is_product_of_bands),
        cmocka_unit_test(output_is_identical_for_any_block_split),
        cmocka_unit_test(parameter_sweep_does_not_click),
        cmocka_unit_test(step_changes_do_not_click),
        cmocka_unit_test(out_of_range_values_are_rejected),
        cmocka_unit_test(default_bands_are_the_documented_layout),
        cmocka_unit_test(channels_are_filtered_alike_and_independently),
        cmocka_unit_test(silence_decays_to_exact_zero),
        cmocka_unit_test(returning_band_starts_from_rest),
        cmocka_unit_test(reset_clears_history_and_completes_glides),
        cmocka_unit_test(bypass_crossfades_to_exact_input_and_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
