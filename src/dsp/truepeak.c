/* True-peak detection: polyphase FIR oversampling (see truepeak.h). */
#include "wavepool/truepeak.h"

#include <stdlib.h>
#include <string.h>

#include "dsp/dsp_util.h"

/* Taps per phase; latency is half of it. 32 keeps every phase flat within
 * 0.04 dB up to 0.45 fs (measured by the design, see truepeak.h). */
#define TP_TAPS 32
#define TP_LATENCY (TP_TAPS / 2)
#define TP_MAX_FACTOR 4
#define TP_KAISER_BETA 5.0
/* Frames per decision whether a stretch can raise the maximum at all. */
#define TP_CHUNK 32

struct wp_truepeak {
    int channels;
    int factor;
    int pos;                          /* ring position shared by all channels */
    float bound;                      /* |interpolated| <= bound * max |window| */
    /* coef[p - 1][k]: tap k (oldest sample first) of phase p = 1..factor-1;
     * phase 0 is the delayed sample itself and needs no filter. */
    float coef[TP_MAX_FACTOR - 1][TP_TAPS];
    /* Per channel, 2 * TP_TAPS floats: every sample is written twice, so the
     * last TP_TAPS samples are always contiguous at hist + pos + 1. */
    float hist[WP_DSP_MAX_CHANNELS][2 * TP_TAPS];
    float max[WP_DSP_MAX_CHANNELS];
};

/* Modified Bessel function of the first kind, order 0 (Kaiser window). */
static double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 40; k++) {
        double q = x / (2.0 * k);
        term *= q * q;
        sum += term;
    }
    return sum;
}

static void design(wp_truepeak *tp)
{
    memset(tp->coef, 0, sizeof tp->coef);
    tp->bound = 1.0f;
    for (int p = 1; p < tp->factor; p++) {
        double h[TP_TAPS], sum = 0.0;
        for (int k = 0; k < TP_TAPS; k++) {
            /* Distance in input samples from tap k to the output point at
             * (n - latency) + p / factor. */
            double t = (double)(TP_LATENCY - 1 - k) + (double)p / tp->factor;
            double x = t / (TP_TAPS / 2.0);
            double window = bessel_i0(TP_KAISER_BETA * sqrt(1.0 - x * x)) / bessel_i0(TP_KAISER_BETA);
            h[k] = sin(WP_PI * t) / (WP_PI * t) * window;
            sum += h[k];
        }
        double abs_sum = 0.0;
        for (int k = 0; k < TP_TAPS; k++) {
            tp->coef[p - 1][k] = (float)(h[k] / sum);
            abs_sum += fabs(tp->coef[p - 1][k]);
        }
        /* Margin for the float rounding of the dot products. */
        tp->bound = fmaxf(tp->bound, (float)(abs_sum * 1.0001));
    }
}

wp_status wp_truepeak_create(double sample_rate, int channels, wp_truepeak **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    wp_status st = wp_check_rate_channels(sample_rate, channels);
    if (st != WP_OK)
        return st;
    wp_truepeak *tp = calloc(1, sizeof *tp);
    if (!tp)
        return WP_ERR_OUT_OF_MEMORY;
    tp->channels = channels;
    tp->factor = sample_rate < 96000.0 ? 4 : sample_rate < 192000.0 ? 2 : 1;
    design(tp);
    *out = tp;
    return WP_OK;
}

void wp_truepeak_destroy(wp_truepeak *tp)
{
    free(tp);
}

void wp_truepeak_reset(wp_truepeak *tp)
{
    tp->pos = 0;
    memset(tp->hist, 0, sizeof tp->hist);
    memset(tp->max, 0, sizeof tp->max);
}

void wp_truepeak_clear_max(wp_truepeak *tp)
{
    memset(tp->max, 0, sizeof tp->max);
}

int wp_truepeak_factor(const wp_truepeak *tp)
{
    return tp->factor;
}

int wp_truepeak_latency(const wp_truepeak *tp)
{
    return tp->factor > 1 ? TP_LATENCY : 0;
}

static inline float max2(float a, float b)
{
    return a > b ? a : b;
}

static float abs_max(const float *x, size_t n, float m)
{
    for (size_t i = 0; i < n; i++)
        m = max2(m, fabsf(x[i]));
    return m;
}

/* Dot products of the window with the phase filters, 4 taps at a time so
 * the window is loaded once for all phases. GCC and Clang vector extensions
 * give SSE on x86 and simd128 in wasm; the lanes are summed in a fixed
 * order, so every frame is computed the same way whatever the block split. */
#if defined(__GNUC__) || defined(__clang__)
typedef float v4f __attribute__((vector_size(16)));

static inline v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline float hsum(v4f v)
{
    return (v[0] + v[2]) + (v[1] + v[3]);
}

/* Largest |y| over phases 0..3 for the window w (oldest first). */
static inline float peak4(const float (*coef)[TP_TAPS], const float *w)
{
    v4f a1 = {0, 0, 0, 0}, a2 = a1, a3 = a1;
    for (int k = 0; k < TP_TAPS; k += 4) {
        v4f x = load4(w + k);
        a1 += x * load4(coef[0] + k);
        a2 += x * load4(coef[1] + k);
        a3 += x * load4(coef[2] + k);
    }
    float y0 = fabsf(w[TP_LATENCY - 1]);
    return max2(max2(y0, fabsf(hsum(a1))), max2(fabsf(hsum(a2)), fabsf(hsum(a3))));
}

static inline float peak2(const float (*coef)[TP_TAPS], const float *w)
{
    v4f a1 = {0, 0, 0, 0};
    for (int k = 0; k < TP_TAPS; k += 4)
        a1 += load4(w + k) * load4(coef[0] + k);
    return max2(fabsf(w[TP_LATENCY - 1]), fabsf(hsum(a1)));
}
#else
/* Same arithmetic in scalar form: lane j sums taps k = j mod 4. */
static inline float dot(const float *c, const float *w)
{
    float lane[4] = {0, 0, 0, 0};
    for (int k = 0; k < TP_TAPS; k += 4)
        for (int j = 0; j < 4; j++)
            lane[j] += w[k + j] * c[k + j];
    return (lane[0] + lane[2]) + (lane[1] + lane[3]);
}

static inline float peak4(const float (*coef)[TP_TAPS], const float *w)
{
    float y0 = fabsf(w[TP_LATENCY - 1]);
    return max2(max2(y0, fabsf(dot(coef[0], w))), max2(fabsf(dot(coef[1], w)), fabsf(dot(coef[2], w))));
}

static inline float peak2(const float (*coef)[TP_TAPS], const float *w)
{
    return max2(fabsf(w[TP_LATENCY - 1]), fabsf(dot(coef[0], w)));
}
#endif

static float window_peak(const wp_truepeak *tp, const float *w)
{
    return tp->factor == 4 ? peak4((const float(*)[TP_TAPS])tp->coef, w)
                           : peak2((const float(*)[TP_TAPS])tp->coef, w);
}

void wp_truepeak_process(wp_truepeak *tp, const float *const *channels, size_t frames, float *frame_peaks)
{
    if (tp->factor == 1) {
        for (int c = 0; c < tp->channels; c++) {
            const float *x = channels[c];
            float m = tp->max[c];
            for (size_t i = 0; i < frames; i++) {
                float a = fabsf(x[i]);
                m = max2(m, a);
                if (frame_peaks)
                    frame_peaks[i] = c == 0 ? a : max2(frame_peaks[i], a);
            }
            tp->max[c] = m;
        }
        return;
    }
    int start = tp->pos, pos = start;
    for (int c = 0; c < tp->channels; c++) {
        const float *x = channels[c];
        float *h = tp->hist[c];
        float m = tp->max[c];
        pos = start;
        for (size_t i = 0; i < frames;) {
            size_t n = frames - i < TP_CHUNK ? frames - i : TP_CHUNK;
            /* Only maxima wanted: a chunk whose windows hold nothing above
             * m / bound cannot raise the maximum, so it is only stored. */
            int store_only = 0;
            if (!frame_peaks) {
                float level = abs_max(x + i, n, abs_max(h + pos + 1, TP_TAPS - 1, 0.0f));
                store_only = level * tp->bound <= m;
            }
            for (size_t end = i + n; i < end; i++) {
                h[pos] = h[pos + TP_TAPS] = x[i];
                if (!store_only) {
                    float peak = window_peak(tp, h + pos + 1);
                    /* The sample itself too, so the maximum covers every
                     * frame fed (interpolated points lag by the latency). */
                    m = max2(m, max2(peak, fabsf(x[i])));
                    if (frame_peaks)
                        frame_peaks[i] = c == 0 ? peak : max2(frame_peaks[i], peak);
                }
                pos = pos + 1 == TP_TAPS ? 0 : pos + 1;
            }
        }
        tp->max[c] = m;
    }
    tp->pos = pos;
}

int wp_truepeak_process_above(wp_truepeak *tp, const float *const *channels, size_t frames, float threshold,
                              float *frame_peaks)
{
    /* Frame i's window: the last TP_TAPS - 1 samples before the block (none
     * at 1x) and the block itself. */
    const int history = tp->factor > 1 ? TP_TAPS - 1 : 0;
    float level = 0.0f;
    int wanted = 0;
    /* In TP_CHUNK steps, stopping at the first that crosses (hot signals
     * then pay for a few samples only). NaN counts as crossing. */
    for (int c = 0; c < tp->channels && !wanted; c++) {
        level = abs_max(tp->hist[c] + tp->pos + 1, (size_t)history, level);
        wanted = !(level * tp->bound <= threshold);
        for (size_t i = 0; i < frames && !wanted; i += TP_CHUNK) {
            level = abs_max(channels[c] + i, frames - i < TP_CHUNK ? frames - i : TP_CHUNK, level);
            wanted = !(level * tp->bound <= threshold);
        }
    }
    wp_truepeak_process(tp, channels, frames, wanted ? frame_peaks : NULL);
    return wanted;
}

float wp_truepeak_max(const wp_truepeak *tp, int channel)
{
    return channel >= 0 && channel < tp->channels ? tp->max[channel] : 0.0f;
}

float wp_truepeak_max_final(const wp_truepeak *tp, int channel)
{
    if (channel < 0 || channel >= tp->channels)
        return 0.0f;
    float m = tp->max[channel];
    if (tp->factor == 1)
        return m;
    /* Window of the last TP_TAPS samples followed by TP_LATENCY zeros. */
    float w[TP_TAPS + TP_LATENCY] = {0};
    memcpy(w, tp->hist[channel] + tp->pos, TP_TAPS * sizeof *w);
    for (int i = 1; i <= TP_LATENCY; i++)
        m = max2(m, window_peak(tp, w + i));
    return m;
}

double wp_truepeak_to_db(float peak, double floor_db)
{
    return wp_gain_to_db(peak, floor_db);
}
