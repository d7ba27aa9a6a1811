/* Test-signal generator: see include/wavepool/generator.h for the signal
 * definitions, ranges and guarantees. */
#if defined(__clang__)
/* The noise path must give the same bits on every platform: keep a*b+c
 * unfused (GCC does not contract in ISO C mode anyway). */
#pragma STDC FP_CONTRACT OFF
#endif

#include "wavepool/generator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp_util.h"
#include "wavepool/fft.h"

/* Wavetables: one per harmonic count up to EXACT_BANDS, then
 * BANDS_PER_OCTAVE per octave of harmonic count. */
#define EXACT_BANDS 64u
#define BANDS_PER_OCTAVE 8.0
/* Harmonic counts are complete down to this fundamental. */
#define FULL_BAND_LOW_HZ 20.0
/* A band fades in over this fraction of its gap to the band below, in
 * units of x = rate / (2 f), the number of harmonics that fit. */
#define FADE_FRACTION 0.25
/* Worst interpolation image allowed, relative to the fundamental (-90 dB). */
#define IMAGE_LIMIT 3.1622776601683795e-5
/* 4-point Lagrange interpolation of a sinusoid of nu cycles per table
 * sample leaves images below 10 nu^4 for nu <= 1/4 (9.8 nu^4 at 1/4, 7.6
 * nu^4 as nu -> 0; integrated from the kernel's spectrum). */
#define LAGRANGE_IMAGE_COEFF 10.0
/* ... so no harmonic may exceed 1/4 cycle per table sample. */
#define MAX_TABLE_FRACTION 0.25

/* Pink: ladder of first-order sections in u = sin^2(w/2), poles PINK_RATIO
 * apart in u (1.5 octaves), zeros half way (in log u) between them. */
#define PINK_LOW_HZ 2.0
#define PINK_RATIO 8.0
#define PINK_LADDER_TOP 256.0
#define PINK_MAX_SECTIONS 24
#define PINK_FIR_HALF 16
#define PINK_FIR_TAPS (2 * PINK_FIR_HALF + 1)
#define PINK_FIR_POINTS 2048
#define PINK_WARMUP_S 0.64

/* Multitone: largest harmonic of the common fundamental for which the peak
 * of the sum is searched, snapping tolerance, grid points per cycle of the
 * highest tone in that search. */
#define MULTITONE_MAX_HARMONIC 65536.0
#define MULTITONE_SNAP 1e-9
#define MULTITONE_GRID 8

typedef struct wt_band {
    const float *table; /* size + 3 floats: x[size-1], x[0..size-1], x[0], x[1] */
    uint32_t size;
    uint32_t harmonics;
    double fade; /* x-width over which this band fades in over the one below */
} wt_band;

struct wp_gen {
    wp_gen_type type;
    double rate;
    double level_dbfs;
    double unit;       /* scales the type's unit waveform to 0 dBFS level */
    wp_smoother gain;  /* linear level */

    /* periodic: phase in cycles [0, 1) */
    double phase, phase0;
    double duty, pulse_dc;
    double freq, freq_target, glide_span; /* glide_span = ln(from / target) */
    wp_smoother glide;                    /* fraction of the span left, 1 -> 0 */
    double band_freq, inc;                /* band choice made for band_freq */
    const wt_band *band_lo, *band_hi;
    float band_mix; /* weight of band_hi; 0 = band_lo alone */
    wt_band *bands;
    size_t band_count;
    float *tables;

    /* sweeps and impulse */
    uint64_t n, finite_frames, interval;
    double f0, f1, sweep_s, log_rate;

    /* noise */
    uint64_t rng[4], rng_start[4];
    double fir[PINK_FIR_HALF + 1];
    double fir_hist[2 * PINK_FIR_TAPS], fir_hist_start[2 * PINK_FIR_TAPS];
    size_t fir_pos, fir_pos_start;
    double zero[PINK_MAX_SECTIONS], pole[PINK_MAX_SECTIONS];
    double ladder[PINK_MAX_SECTIONS + 1], ladder_start[PINK_MAX_SECTIONS + 1];
    size_t sections;

    /* multitone: rotating phasors */
    size_t tones;
    double z_re[WP_GEN_MAX_TONES], z_im[WP_GEN_MAX_TONES];
    double z0_re[WP_GEN_MAX_TONES], z0_im[WP_GEN_MAX_TONES];
    double w_re[WP_GEN_MAX_TONES], w_im[WP_GEN_MAX_TONES];
};

static const char *const type_names[WP_GEN_TYPE_COUNT] = {
    [WP_GEN_SINE] = "sine",         [WP_GEN_SQUARE] = "square", [WP_GEN_SAW] = "saw",
    [WP_GEN_TRIANGLE] = "triangle", [WP_GEN_WHITE] = "white",   [WP_GEN_PINK] = "pink",
    [WP_GEN_SWEEP] = "sweep",       [WP_GEN_LOGSWEEP] = "logsweep", [WP_GEN_IMPULSE] = "impulse",
    [WP_GEN_MULTITONE] = "multitone",
};

static int is_periodic(wp_gen_type t)
{
    return t == WP_GEN_SINE || t == WP_GEN_SQUARE || t == WP_GEN_SAW || t == WP_GEN_TRIANGLE;
}

/* ---- validation ---- */

static wp_status check_freq(double hz, double rate, int nyquist_allowed)
{
    if (!(hz >= WP_GEN_MIN_FREQ))
        return WP_ERR_OUT_OF_RANGE;
    if (nyquist_allowed ? !(hz <= 0.5 * rate) : !(hz < 0.5 * rate))
        return WP_ERR_OUT_OF_RANGE;
    return WP_OK;
}

static wp_status check_phase(double rad) { return wp_check_range(rad, -WP_TWO_PI, WP_TWO_PI); }

static void sort_tones(double *f, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        double v = f[i];
        size_t j = i;
        for (; j > 0 && f[j - 1] > v; j--)
            f[j] = f[j - 1];
        f[j] = v;
    }
}

static wp_status check_config(const wp_gen_config *c, double rate)
{
    if ((unsigned)c->type >= WP_GEN_TYPE_COUNT)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_rate_channels(rate, 1) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    if (wp_check_range(c->level_dbfs, WP_GEN_MIN_LEVEL_DBFS, WP_GEN_MAX_LEVEL_DBFS) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    wp_status s = WP_OK;
    switch (c->type) {
    case WP_GEN_SINE:
        s = check_freq(c->freq_hz, rate, 1);
        return s != WP_OK ? s : check_phase(c->phase_rad);
    case WP_GEN_SQUARE:
        if (wp_check_range(c->duty, WP_GEN_MIN_DUTY, WP_GEN_MAX_DUTY) != WP_OK)
            return WP_ERR_OUT_OF_RANGE;
        /* fall through */
    case WP_GEN_SAW:
    case WP_GEN_TRIANGLE:
        s = check_freq(c->freq_hz, rate, 0);
        return s != WP_OK ? s : check_phase(c->phase_rad);
    case WP_GEN_SWEEP:
    case WP_GEN_LOGSWEEP:
        if (check_freq(c->freq_hz, rate, 1) != WP_OK || check_freq(c->freq_end_hz, rate, 1) != WP_OK ||
            check_phase(c->phase_rad) != WP_OK)
            return WP_ERR_OUT_OF_RANGE;
        return (c->sweep_duration_s > 0.0 && c->sweep_duration_s <= WP_GEN_MAX_SWEEP_S) ? WP_OK
                                                                                       : WP_ERR_OUT_OF_RANGE;
    case WP_GEN_IMPULSE:
        if (c->impulse_interval_s == 0.0)
            return WP_OK;
        if (!(c->impulse_interval_s > 0.0 && c->impulse_interval_s <= WP_GEN_MAX_INTERVAL_S))
            return WP_ERR_OUT_OF_RANGE;
        return round(c->impulse_interval_s * rate) >= 1.0 ? WP_OK : WP_ERR_OUT_OF_RANGE;
    case WP_GEN_MULTITONE: {
        if (c->tone_count < 1 || c->tone_count > WP_GEN_MAX_TONES)
            return WP_ERR_OUT_OF_RANGE;
        double f[WP_GEN_MAX_TONES];
        for (size_t i = 0; i < c->tone_count; i++) {
            if (check_freq(c->tones_hz[i], rate, 1) != WP_OK)
                return WP_ERR_OUT_OF_RANGE;
            f[i] = c->tones_hz[i];
        }
        sort_tones(f, c->tone_count);
        for (size_t i = 1; i < c->tone_count; i++)
            if (f[i] - f[i - 1] <= MULTITONE_SNAP * f[i])
                return WP_ERR_INVALID_ARGUMENT;
        return WP_OK;
    }
    case WP_GEN_WHITE:
    case WP_GEN_PINK:
    case WP_GEN_TYPE_COUNT:
        break;
    }
    return WP_OK;
}

/* ---- band-limited wavetables ---- */

/* Mean response of 4-point Lagrange interpolation to a sinusoid of nu cycles
 * per table sample (the Fourier transform of its kernel, in closed form). */
static double lagrange_response(double nu)
{
    if (nu <= 0.0)
        return 1.0;
    double w = WP_TWO_PI * nu, s = sin(0.5 * w);
    double s4 = s * s * s * s;
    return 16.0 * s4 / (w * w * w * w) * (1.0 + w * w / 6.0);
}

/* Sine-series coefficient of harmonic k for the stored shapes:
 * saw r(phi) = 2 frac(phi) - 1 = -(2/pi) sum sin(2 pi k phi) / k, and
 * triangle = (8/pi^2) sum over odd k of (-1)^((k-1)/2) sin(2 pi k phi) / k^2. */
static double shape_coeff(wp_gen_type type, uint32_t k)
{
    if (type != WP_GEN_TRIANGLE)
        return -2.0 / (WP_PI * k);
    if (k % 2 == 0)
        return 0.0;
    double c = 8.0 / (WP_PI * WP_PI * (double)k * (double)k);
    return (k / 2) % 2 ? -c : c;
}

/* Smallest size >= min the FFT accepts: a multiple of 32 of the form
 * 2^a 3^b 5^c. */
static size_t fft_size_at_least(size_t min)
{
    for (size_t n = (min + 31) / 32 * 32;; n += 32) {
        size_t m = n;
        while (m % 2 == 0)
            m /= 2;
        while (m % 3 == 0)
            m /= 3;
        while (m % 5 == 0)
            m /= 5;
        if (m == 1)
            return n;
    }
}

/* Table length for `harmonics` harmonics: long enough that the worst
 * interpolation image stays under IMAGE_LIMIT relative to the fundamental.
 * Saw harmonics fall as 1/k, so the worst is max_k (1/k) C (k/L)^4 =
 * C n^3 / L^4; the square is a difference of two saws whose fundamental is
 * sin(pi duty) of theirs; triangle harmonics fall as 1/k^2: C n^2 / L^4. */
static size_t table_size(wp_gen_type type, uint32_t harmonics, double duty)
{
    double n = harmonics, need;
    if (type == WP_GEN_TRIANGLE)
        need = LAGRANGE_IMAGE_COEFF * n * n / IMAGE_LIMIT;
    else
        need = LAGRANGE_IMAGE_COEFF * n * n * n / (IMAGE_LIMIT * (type == WP_GEN_SQUARE ? sin(WP_PI * duty) : 1.0));
    double len = fmax(ceil(pow(need, 0.25)), n / MAX_TABLE_FRACTION);
    return fft_size_at_least((size_t)len);
}

/* Harmonic counts of the bands; returns how many (counts may be NULL). */
static size_t band_harmonics(double rate, uint32_t *counts)
{
    uint32_t cap = (uint32_t)ceil(rate / (2.0 * FULL_BAND_LOW_HZ)) - 1;
    size_t n = 0;
    uint32_t last = 0;
    for (uint32_t k = 1; k <= EXACT_BANDS; k++, n++) {
        if (counts)
            counts[n] = k;
        last = k;
    }
    for (int j = 1;; j++) {
        uint32_t k = (uint32_t)floor(EXACT_BANDS * pow(2.0, j / BANDS_PER_OCTAVE));
        if (k >= cap)
            break;
        if (k > last) {
            if (counts)
                counts[n] = k;
            n++;
            last = k;
        }
    }
    if (counts)
        counts[n] = cap;
    return n + 1;
}

static wp_status build_tables(wp_gen *g, double duty)
{
    size_t count = band_harmonics(g->rate, NULL);
    uint32_t *harm = malloc(count * sizeof *harm);
    g->bands = calloc(count, sizeof *g->bands);
    if (!harm || !g->bands) {
        free(harm);
        return WP_ERR_OUT_OF_MEMORY;
    }
    band_harmonics(g->rate, harm);
    g->band_count = count;

    size_t total = 0, largest = 0;
    size_t *sizes = malloc(count * sizeof *sizes);
    if (!sizes) {
        free(harm);
        return WP_ERR_OUT_OF_MEMORY;
    }
    for (size_t b = 0; b < count; b++) {
        sizes[b] = table_size(g->type, harm[b], duty);
        total += sizes[b] + 3;
        if (sizes[b] > largest)
            largest = sizes[b];
    }
    g->tables = malloc(total * sizeof *g->tables);
    float *spec = wp_fft_alloc(largest + 2), *wave = wp_fft_alloc(largest), *work = wp_fft_alloc(largest);
    wp_status status = (g->tables && spec && wave && work) ? WP_OK : WP_ERR_OUT_OF_MEMORY;

    float *dst = g->tables;
    for (size_t b = 0; b < count && status == WP_OK; b++) {
        size_t len = sizes[b];
        wp_fft *plan = NULL;
        status = wp_fft_create(len, WP_FFT_REAL, &plan);
        if (status != WP_OK)
            break;
        /* Inverse FFT of bins X[k] = -i c_k len/2 gives sum c_k sin(2 pi k t/len);
         * each c_k is divided by the interpolator's response so the
         * harmonics come out at their exact amplitude. */
        memset(spec, 0, (len + 2) * sizeof *spec);
        for (uint32_t k = 1; k <= harm[b]; k++) {
            double c = shape_coeff(g->type, k) / lagrange_response((double)k / (double)len);
            spec[2 * k + 1] = (float)(-c * 0.5 * (double)len);
        }
        status = wp_fft_inverse_real(plan, spec, wave, work);
        wp_fft_destroy(plan);
        dst[0] = wave[len - 1];
        memcpy(dst + 1, wave, len * sizeof *dst);
        dst[len + 1] = wave[0];
        dst[len + 2] = wave[1];
        g->bands[b].table = dst;
        g->bands[b].size = (uint32_t)len;
        g->bands[b].harmonics = harm[b];
        g->bands[b].fade = b ? FADE_FRACTION * (double)(harm[b] - harm[b - 1]) : 0.0;
        dst += len + 3;
    }
    wp_fft_free(spec);
    wp_fft_free(wave);
    wp_fft_free(work);
    free(sizes);
    free(harm);
    return status;
}

/* 4-point Lagrange interpolation of a band's table at phase ph (cycles). */
static float table_read(const wt_band *b, double ph)
{
    double pos = ph * b->size;
    size_t i = (size_t)pos;
    float x = (float)(pos - (double)i);
    if (i >= b->size) { /* ph just below 1 rounded up to the table end */
        i = 0;
        x = 0.0f;
    }
    const float *t = b->table + i; /* t[0] is sample i - 1 */
    float xp1 = x + 1.0f, xm1 = x - 1.0f, xm2 = x - 2.0f;
    return -x * xm1 * xm2 * (1.0f / 6.0f) * t[0] + xp1 * xm1 * xm2 * 0.5f * t[1] -
           xp1 * x * xm2 * 0.5f * t[2] + xp1 * x * xm1 * (1.0f / 6.0f) * t[3];
}

static float shape_value(const wp_gen *g, const wt_band *b, double ph)
{
    if (g->type == WP_GEN_SAW) {
        /* The stored saw jumps at phase 0; ours at phase 1/2. */
        double p = ph + 0.5;
        return table_read(b, p >= 1.0 ? p - 1.0 : p);
    }
    if (g->type == WP_GEN_SQUARE) {
        /* +1 on [0, duty): r(ph - duty) - r(ph) + 2 duty - 1. */
        double p = ph - g->duty;
        return table_read(b, p < 0.0 ? p + 1.0 : p) - table_read(b, ph) + (float)g->pulse_dc;
    }
    return table_read(b, ph);
}

/* Picks the bands for frequency f: x = rate/(2f) harmonics fit below
 * Nyquist; the band with the most harmonics <= x is faded in linearly over
 * the band below as x grows through [harmonics, harmonics + fade], so the
 * output changes continuously with f and never aliases. */
static void select_bands(wp_gen *g, double f)
{
    double x = 0.5 * g->rate / f;
    size_t lo = 0, hi = g->band_count - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (g->bands[mid].harmonics <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    const wt_band *b = &g->bands[lo];
    double w = lo ? (x - b->harmonics) / b->fade : 1.0;
    if (w >= 1.0) {
        g->band_lo = b;
        g->band_mix = 0.0f;
    } else {
        g->band_lo = b - 1;
        g->band_hi = b;
        g->band_mix = (float)w;
    }
    g->band_freq = f;
    g->inc = f / g->rate;
}

static double next_frequency(wp_gen *g)
{
    if (g->glide.value != 0.0f) {
        float left = wp_smoother_next(&g->glide);
        g->freq = left == 0.0f ? g->freq_target : g->freq_target * exp((double)left * g->glide_span);
    }
    return g->freq;
}

static void render_periodic(wp_gen *g, float *out, size_t frames)
{
    for (size_t i = 0; i < frames; i++) {
        double f = next_frequency(g);
        if (f != g->band_freq) {
            if (g->type == WP_GEN_SINE) {
                g->band_freq = f;
                g->inc = f / g->rate;
            } else {
                select_bands(g, f);
            }
        }
        double v;
        if (g->type == WP_GEN_SINE) {
            v = sin(WP_TWO_PI * g->phase);
        } else {
            float a = shape_value(g, g->band_lo, g->phase);
            if (g->band_mix != 0.0f)
                a += g->band_mix * (shape_value(g, g->band_hi, g->phase) - a);
            v = a;
        }
        out[i] = (float)((double)wp_smoother_next(&g->gain) * v);
        g->phase += g->inc;
        if (g->phase >= 1.0)
            g->phase -= 1.0;
    }
}

/* ---- sweeps, impulse, multitone ---- */

static void render_sweep(wp_gen *g, float *out, size_t frames)
{
    for (size_t i = 0; i < frames; i++, g->n++) {
        float gain = wp_smoother_next(&g->gain);
        if (g->n >= g->finite_frames) {
            out[i] = 0.0f;
            continue;
        }
        double t = (double)g->n / g->rate, cycles;
        if (g->type == WP_GEN_SWEEP)
            cycles = t * (g->f0 + 0.5 * (g->f1 - g->f0) * t / g->sweep_s);
        else if (g->log_rate != 0.0)
            cycles = g->f0 * expm1(g->log_rate * t) / g->log_rate;
        else
            cycles = g->f0 * t;
        cycles += g->phase0;
        out[i] = (float)((double)gain * sin(WP_TWO_PI * (cycles - floor(cycles))));
    }
}

static void render_impulse(wp_gen *g, float *out, size_t frames)
{
    for (size_t i = 0; i < frames; i++, g->n++) {
        float gain = wp_smoother_next(&g->gain);
        int on = g->interval ? g->n % g->interval == 0 : g->n == 0;
        out[i] = on ? gain : 0.0f;
    }
}

static void render_multitone(wp_gen *g, float *out, size_t frames)
{
    for (size_t i = 0; i < frames; i++) {
        double sum = 0.0;
        for (size_t k = 0; k < g->tones; k++) {
            double re = g->z_re[k], im = g->z_im[k];
            sum += im;
            /* |w| is 1 within 2^-52: over a day at 384 kHz the phasor's
             * magnitude drifts by less than 1e-5 (0.0001 dB). */
            g->z_re[k] = re * g->w_re[k] - im * g->w_im[k];
            g->z_im[k] = re * g->w_im[k] + im * g->w_re[k];
        }
        out[i] = (float)((double)wp_smoother_next(&g->gain) * g->unit * sum);
    }
}

/* Value of s(theta) = sum sin(2 pi n_i theta + phi_i) and its first two
 * derivatives. */
static double trig_sum(const double *n, const double *phi, size_t count, double theta, double *d1, double *d2)
{
    double s = 0.0, s1 = 0.0, s2 = 0.0;
    for (size_t i = 0; i < count; i++) {
        double w = WP_TWO_PI * n[i], a = w * theta + phi[i];
        double sn = sin(a);
        s += sn;
        s1 += w * cos(a);
        s2 -= w * w * sn;
    }
    *d1 = s1;
    *d2 = s2;
    return s;
}

/* Largest |s| near theta0, by Newton's method on s' = 0 kept within h. */
static double refine_peak(const double *n, const double *phi, size_t count, double theta0, double h)
{
    double t = theta0, best = 0.0;
    for (int it = 0; it < 20; it++) {
        double s1, s2, s = trig_sum(n, phi, count, t, &s1, &s2);
        best = fmax(best, fabs(s));
        if (s * s2 >= 0.0) /* not a maximum of |s| */
            break;
        double next = fmin(fmax(t - s1 / s2, theta0 - h), theta0 + h);
        if (fabs(next - t) < 1e-15)
            break;
        t = next;
    }
    return best;
}

/* Grid values of s over one period via rotating phasors; pass 2 refines
 * every grid maximum that could hide the true peak. */
static double multitone_peak(const double *n, const double *phi, size_t count)
{
    double nmax = n[count - 1], s2max = 0.0;
    size_t grid = (size_t)nmax * MULTITONE_GRID;
    if (grid < 64)
        grid = 64;
    double h = 1.0 / (double)grid;
    for (size_t i = 0; i < count; i++)
        s2max += (WP_TWO_PI * n[i]) * (WP_TWO_PI * n[i]);
    /* A maximum lies within h/2 of a grid point, where s is at most
     * s2max (h/2)^2 / 2 lower. */
    double margin = s2max * h * h / 8.0;
    double best = 0.0, grid_max = 0.0;
    for (int pass = 0; pass < 2; pass++) {
        double re[WP_GEN_MAX_TONES], im[WP_GEN_MAX_TONES], wr[WP_GEN_MAX_TONES], wi[WP_GEN_MAX_TONES];
        for (size_t i = 0; i < count; i++) {
            re[i] = cos(phi[i]);
            im[i] = sin(phi[i]);
            wr[i] = cos(WP_TWO_PI * n[i] * h);
            wi[i] = sin(WP_TWO_PI * n[i] * h);
        }
        double d1, d2;
        double prev = fabs(trig_sum(n, phi, count, -h, &d1, &d2)), cur = 0.0;
        for (size_t j = 0; j <= grid; j++) {
            double s = 0.0;
            for (size_t i = 0; i < count; i++) {
                s += im[i];
                double nr = re[i] * wr[i] - im[i] * wi[i];
                im[i] = re[i] * wi[i] + im[i] * wr[i];
                re[i] = nr;
            }
            s = fabs(s);
            if (pass == 0) {
                grid_max = fmax(grid_max, s);
            } else if (j > 0 && cur >= prev && cur >= s && cur >= grid_max - margin) {
                best = fmax(best, refine_peak(n, phi, count, (double)(j - 1) * h, h));
            }
            if (j > 0)
                prev = cur;
            cur = s;
        }
    }
    return fmax(best, grid_max);
}

static void setup_multitone(wp_gen *g, const wp_gen_config *c)
{
    size_t k = c->tone_count;
    double f[WP_GEN_MAX_TONES], phi[WP_GEN_MAX_TONES], n[WP_GEN_MAX_TONES];
    memcpy(f, c->tones_hz, k * sizeof *f);
    sort_tones(f, k);
    for (size_t i = 0; i < k; i++)
        phi[i] = -WP_PI * (double)(i + 1) * (double)i / (double)k;

    /* Largest common fundamental f0 = f_min/m with every tone a multiple. */
    double f0 = 0.0;
    size_t m_max = (size_t)(MULTITONE_MAX_HARMONIC * f[0] / f[k - 1]);
    for (size_t m = 1; m <= m_max && f0 == 0.0; m++) {
        double cand = f[0] / (double)m;
        size_t i = 0;
        for (; i < k; i++) {
            double r = f[i] / cand;
            n[i] = round(r);
            if (fabs(r - n[i]) > MULTITONE_SNAP * r)
                break;
        }
        if (i == k)
            f0 = cand;
    }
    if (f0 > 0.0) {
        for (size_t i = 0; i < k; i++)
            f[i] = n[i] * f0;
        g->unit = k == 1 ? 1.0 : 1.0 / multitone_peak(n, phi, k);
    } else {
        g->unit = 1.0 / (double)k;
    }
    g->tones = k;
    for (size_t i = 0; i < k; i++) {
        g->z0_re[i] = cos(phi[i]);
        g->z0_im[i] = sin(phi[i]);
        g->w_re[i] = cos(WP_TWO_PI * f[i] / g->rate);
        g->w_im[i] = sin(WP_TWO_PI * f[i] / g->rate);
    }
}

/* ---- noise ---- */

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static void rng_seed(uint64_t *s, uint64_t seed)
{
    for (int i = 0; i < 4; i++) { /* splitmix64 */
        uint64_t z = (seed += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        s[i] = z ^ (z >> 31);
    }
}

/* Uniform in (-1, 1), symmetric: (2k + 1 - 2^24) / 2^24, exact in float. */
static double rng_uniform(uint64_t *s)
{
    return ((double)(int64_t)((rng_next(s) >> 40) * 2 + 1) - 16777216.0) * (1.0 / 16777216.0);
}

/* sin and cos of |x| <= 1e-3 by their Taylor series (error < 1e-22): the
 * pink design uses only basic arithmetic and sqrt, which are exact to the
 * same bits everywhere, unlike libm's trigonometry. */
static double small_sin(double x)
{
    double x2 = x * x;
    return x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0 * (1.0 - x2 / 42.0)));
}

static double small_cos(double x)
{
    double x2 = x * x;
    return 1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0));
}

/* Zero (or pole) of 1 - r z^-1 whose |.|^2 is 4 r (u + c), u = sin^2(w/2):
 * the root in (0, 1) of r^2 - 2 (1 + 2c) r + 1. */
static double ladder_root(double c) { return 1.0 / (1.0 + 2.0 * c + 2.0 * sqrt(c * (1.0 + c))); }

/* The first-order sections give |H|^2 ~ u^-1/2 = 1/sin(w/2); pink wants
 * 1/w. The FIR corrects by sqrt(sin(w/2) / (w/2)): its cosine series,
 * integrated with the midpoint rule, angles from exact rotations. */
static void design_pink_fir(double *h)
{
    const double q = PINK_FIR_POINTS;
    double acc[PINK_FIR_HALF + 1] = {0};
    double step_c = small_cos(WP_PI / (2.0 * q)), step_s = small_sin(WP_PI / (2.0 * q));
    double hc = small_cos(WP_PI / (4.0 * q)), hs = small_sin(WP_PI / (4.0 * q)); /* e^(i w/2) */
    for (int j = 0; j < PINK_FIR_POINTS; j++) {
        double w = WP_PI * (j + 0.5) / q;
        double f = sqrt(hs / (0.5 * w));
        double c = 1.0 - 2.0 * hs * hs, t0 = 1.0, t1 = c; /* Chebyshev: cos(m w) */
        acc[0] += f;
        for (int m = 1; m <= PINK_FIR_HALF; m++) {
            acc[m] += f * t1;
            double t2 = 2.0 * c * t1 - t0;
            t0 = t1;
            t1 = t2;
        }
        double nc = hc * step_c - hs * step_s;
        hs = hc * step_s + hs * step_c;
        hc = nc;
    }
    h[0] = acc[0] / q;
    for (int m = 1; m <= PINK_FIR_HALF; m++)
        h[m] = acc[m] / q; /* = half the cosine coefficient: taps at +-m */
}

static double pink_filter(wp_gen *g, double x)
{
    size_t p = g->fir_pos;
    g->fir_hist[p] = g->fir_hist[p + PINK_FIR_TAPS] = x;
    g->fir_pos = p + 1 == PINK_FIR_TAPS ? 0 : p + 1;
    /* hist[p + 1 .. p + TAPS] holds the last TAPS inputs, oldest first. */
    const double *win = g->fir_hist + p + 1;
    double y = g->fir[0] * win[PINK_FIR_HALF];
    for (int m = 1; m <= PINK_FIR_HALF; m++)
        y += g->fir[m] * (win[PINK_FIR_HALF - m] + win[PINK_FIR_HALF + m]);
    /* ladder[i] is the previous input of section i (and output of i - 1).
     * The input never stops, so the states never decay into denormals. */
    for (size_t i = 0; i < g->sections; i++) {
        double out = y - g->zero[i] * g->ladder[i] + g->pole[i] * g->ladder[i + 1];
        g->ladder[i] = y;
        y = out;
    }
    g->ladder[g->sections] = y;
    return y;
}

static void setup_pink(wp_gen *g)
{
    design_pink_fir(g->fir);
    double s = small_sin(WP_PI * PINK_LOW_HZ / g->rate), root = sqrt(PINK_RATIO);
    double d = s * s;
    g->sections = 0;
    while (g->sections < PINK_MAX_SECTIONS) {
        g->pole[g->sections] = ladder_root(d);
        g->zero[g->sections] = ladder_root(d * root);
        g->sections++;
        if (d > PINK_LADDER_TOP)
            break;
        d *= PINK_RATIO;
    }
    /* Output power per unit input power: energy of the impulse response,
     * summed until the slowest pole has decayed below 1e-13 of it. */
    double energy = 0.0, x = 1.0;
    for (size_t blk = 0;; blk++) {
        double part = 0.0;
        for (int i = 0; i < 4096; i++, x = 0.0) {
            double y = pink_filter(g, x);
            part += y * y;
        }
        energy += part;
        if (part < 1e-13 * energy)
            break;
    }
    memset(g->fir_hist, 0, sizeof g->fir_hist);
    memset(g->ladder, 0, sizeof g->ladder);
    g->fir_pos = 0;
    /* Uniform input has variance 1/3. */
    g->unit = 1.0 / sqrt(energy / 3.0);
    /* Run in, so the low sections start in their stationary state. */
    size_t warm = (size_t)(PINK_WARMUP_S * g->rate);
    for (size_t i = 0; i < warm; i++)
        pink_filter(g, rng_uniform(g->rng));
    memcpy(g->rng_start, g->rng, sizeof g->rng);
    memcpy(g->fir_hist_start, g->fir_hist, sizeof g->fir_hist);
    memcpy(g->ladder_start, g->ladder, sizeof g->ladder);
    g->fir_pos_start = g->fir_pos;
}

static void render_noise(wp_gen *g, float *out, size_t frames)
{
    for (size_t i = 0; i < frames; i++) {
        double x = rng_uniform(g->rng);
        if (g->type == WP_GEN_PINK)
            x = pink_filter(g, x);
        out[i] = (float)((double)wp_smoother_next(&g->gain) * (g->unit * x));
    }
}

/* ---- public API ---- */

wp_status wp_gen_default_config(wp_gen_type type, wp_gen_config *cfg)
{
    if (!cfg || (unsigned)type >= WP_GEN_TYPE_COUNT)
        return WP_ERR_INVALID_ARGUMENT;
    static const double tones[] = {125.0, 250.0, 500.0, 1000.0, 2000.0};
    memset(cfg, 0, sizeof *cfg);
    cfg->type = type;
    int sweep = type == WP_GEN_SWEEP || type == WP_GEN_LOGSWEEP;
    cfg->freq_hz = sweep ? 20.0 : 1000.0;
    cfg->freq_end_hz = 20000.0;
    cfg->level_dbfs = -20.0;
    cfg->duty = 0.5;
    cfg->sweep_duration_s = 10.0;
    cfg->seed = 1;
    cfg->tone_count = sizeof tones / sizeof tones[0];
    memcpy(cfg->tones_hz, tones, sizeof tones);
    return WP_OK;
}

static void settle(wp_gen *g)
{
    wp_smoother_init(&g->gain, (float)wp_db_to_gain(g->level_dbfs), WP_GEN_LEVEL_GLIDE_MS, g->rate);
    g->freq = g->freq_target;
    g->glide_span = 0.0;
    wp_smoother_init(&g->glide, 0.0f, WP_GEN_FREQ_GLIDE_MS, g->rate);
    g->band_freq = 0.0;
}

wp_status wp_gen_create(const wp_gen_config *cfg, double sample_rate, wp_gen **out)
{
    if (out)
        *out = NULL;
    if (!cfg || !out)
        return WP_ERR_INVALID_ARGUMENT;
    wp_status status = check_config(cfg, sample_rate);
    if (status != WP_OK)
        return status;
    wp_gen *g = calloc(1, sizeof *g);
    if (!g)
        return WP_ERR_OUT_OF_MEMORY;
    g->type = cfg->type;
    g->rate = sample_rate;
    g->level_dbfs = cfg->level_dbfs;
    g->unit = 1.0;
    double ph = cfg->phase_rad / WP_TWO_PI;
    g->phase0 = ph - floor(ph);
    g->freq_target = cfg->freq_hz;

    switch (g->type) {
    case WP_GEN_SQUARE:
        g->duty = cfg->duty;
        g->pulse_dc = 2.0 * cfg->duty - 1.0;
        /* fall through */
    case WP_GEN_SAW:
    case WP_GEN_TRIANGLE:
        status = build_tables(g, cfg->duty);
        break;
    case WP_GEN_SWEEP:
    case WP_GEN_LOGSWEEP:
        g->f0 = cfg->freq_hz;
        g->f1 = cfg->freq_end_hz;
        g->sweep_s = cfg->sweep_duration_s;
        g->log_rate = log(g->f1 / g->f0) / g->sweep_s;
        g->finite_frames = (uint64_t)ceil(g->sweep_s * sample_rate);
        break;
    case WP_GEN_IMPULSE:
        g->interval = (uint64_t)round(cfg->impulse_interval_s * sample_rate);
        g->finite_frames = g->interval ? 0 : 1;
        break;
    case WP_GEN_WHITE:
        rng_seed(g->rng, cfg->seed);
        memcpy(g->rng_start, g->rng, sizeof g->rng);
        g->unit = sqrt(3.0);
        break;
    case WP_GEN_PINK:
        rng_seed(g->rng, cfg->seed);
        setup_pink(g);
        break;
    case WP_GEN_MULTITONE:
        setup_multitone(g, cfg);
        break;
    case WP_GEN_SINE:
    case WP_GEN_TYPE_COUNT:
        break;
    }
    if (status != WP_OK) {
        wp_gen_destroy(g);
        return status;
    }
    wp_gen_reset(g);
    *out = g;
    return WP_OK;
}

wp_status wp_gen_render(wp_gen *gen, float *out, size_t frames)
{
    if (!gen || (!out && frames))
        return WP_ERR_INVALID_ARGUMENT;
    switch (gen->type) {
    case WP_GEN_SINE:
    case WP_GEN_SQUARE:
    case WP_GEN_SAW:
    case WP_GEN_TRIANGLE:
        render_periodic(gen, out, frames);
        break;
    case WP_GEN_WHITE:
    case WP_GEN_PINK:
        render_noise(gen, out, frames);
        break;
    case WP_GEN_SWEEP:
    case WP_GEN_LOGSWEEP:
        render_sweep(gen, out, frames);
        break;
    case WP_GEN_IMPULSE:
        render_impulse(gen, out, frames);
        break;
    case WP_GEN_MULTITONE:
        render_multitone(gen, out, frames);
        break;
    case WP_GEN_TYPE_COUNT:
        return WP_ERR_INVALID_ARGUMENT;
    }
    return WP_OK;
}

void wp_gen_reset(wp_gen *gen)
{
    if (!gen)
        return;
    settle(gen);
    gen->phase = gen->phase0;
    gen->n = 0;
    memcpy(gen->rng, gen->rng_start, sizeof gen->rng);
    memcpy(gen->fir_hist, gen->fir_hist_start, sizeof gen->fir_hist);
    memcpy(gen->ladder, gen->ladder_start, sizeof gen->ladder);
    gen->fir_pos = gen->fir_pos_start;
    memcpy(gen->z_re, gen->z0_re, sizeof gen->z_re);
    memcpy(gen->z_im, gen->z0_im, sizeof gen->z_im);
}

void wp_gen_destroy(wp_gen *gen)
{
    if (!gen)
        return;
    free(gen->bands);
    free(gen->tables);
    free(gen);
}

wp_status wp_gen_set_frequency(wp_gen *gen, double hz)
{
    if (!gen || !is_periodic(gen->type))
        return WP_ERR_INVALID_ARGUMENT;
    if (check_freq(hz, gen->rate, gen->type == WP_GEN_SINE) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    gen->glide_span = log(gen->freq / hz);
    gen->freq_target = hz;
    gen->glide.value = 1.0f;
    gen->glide.target = 0.0f;
    return WP_OK;
}

wp_status wp_gen_set_level(wp_gen *gen, double dbfs)
{
    if (!gen)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(dbfs, WP_GEN_MIN_LEVEL_DBFS, WP_GEN_MAX_LEVEL_DBFS) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    gen->level_dbfs = dbfs;
    gen->gain.target = (float)wp_db_to_gain(dbfs);
    return WP_OK;
}

uint64_t wp_gen_finite_frames(const wp_gen *gen) { return gen ? gen->finite_frames : 0; }

double wp_gen_tone_level_dbfs(const wp_gen *gen)
{
    if (!gen || gen->type != WP_GEN_MULTITONE)
        return NAN;
    return gen->level_dbfs + 20.0 * log10(gen->unit);
}

const char *wp_gen_type_name(wp_gen_type type)
{
    return (unsigned)type < WP_GEN_TYPE_COUNT ? type_names[type] : "unknown";
}

wp_status wp_gen_type_from_name(const char *name, wp_gen_type *out_type)
{
    if (!name || !out_type)
        return WP_ERR_INVALID_ARGUMENT;
    static const struct {
        const char *alias;
        wp_gen_type type;
    } aliases[] = {{"sawtooth", WP_GEN_SAW}, {"linsweep", WP_GEN_SWEEP}};
    for (int i = 0; i < WP_GEN_TYPE_COUNT; i++) {
        if (strcmp(name, type_names[i]) == 0) {
            *out_type = (wp_gen_type)i;
            return WP_OK;
        }
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(name, aliases[i].alias) == 0) {
            *out_type = aliases[i].type;
            return WP_OK;
        }
    }
    return WP_ERR_INVALID_ARGUMENT;
}
