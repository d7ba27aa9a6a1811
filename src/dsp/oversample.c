/* Polyphase FIR oversampling in 2x stages (see oversample.h). */
#include "dsp/oversample.h"

#include <stdlib.h>
#include <string.h>

#include "dsp/dsp_util.h"

/* Stopband attenuation of every stage (Kaiser design): images and aliases
 * end up at least this far below the signal that produced them. */
#define OS_STOPBAND_DB 80.0
/* First stage band edges, as fractions of the base rate. */
#define OS_PASS_EDGE 0.41667
#define OS_STOP_EDGE 0.5

int wp_oversampler_factor_for_rate(double rate)
{
    int factor = 1;
    while (factor < WP_OS_MAX_FACTOR && rate * factor < 352800.0)
        factor *= 2;
    return factor;
}

/* Kaiser's estimates of the taps for OS_STOPBAND_DB over a transition of
 * `width` (cycles per sample), and of the window's beta. */
static int kaiser_taps(double width)
{
    return (int)ceil((OS_STOPBAND_DB - 7.95) / (2.285 * WP_TWO_PI * width)) + 1;
}

#define KAISER_BETA (0.1102 * (OS_STOPBAND_DB - 8.7))

/* Windowed-sinc low-pass of odd length n, cut-off fc (cycles per sample).
 * A half-band (fc 1/4) gets its zero taps set exactly. Each polyphase
 * branch (even and odd taps) is scaled to sum 1/2: unity DC gain for the
 * decimator and, doubled, for each interpolator phase. */
static void design(double *h, int n, double fc, int halfband)
{
    const double c = 0.5 * (n - 1), norm = wp_bessel_i0(KAISER_BETA);
    for (int k = 0; k < n; k++) {
        double t = k - c, r = t / c;
        double sinc = t == 0.0 ? 2.0 * fc : sin(WP_TWO_PI * fc * t) / (WP_PI * t);
        h[k] = sinc * wp_bessel_i0(KAISER_BETA * sqrt(1.0 - r * r)) / norm;
        if (halfband && t != 0.0 && fmod(fabs(t), 2.0) == 0.0)
            h[k] = 0.0;
    }
    for (int p = 0; p < 2; p++) {
        double sum = 0.0;
        for (int k = p; k < n; k += 2)
            sum += h[k];
        for (int k = p; k < n; k += 2)
            h[k] *= 0.5 / sum;
    }
}

/* Taps of stage s (0 = base <-> 2x). */
static int stage_taps(int s)
{
    if (s == 0) {
        /* At the 2x rate the band edges halve. */
        int n = kaiser_taps(0.5 * (OS_STOP_EDGE - OS_PASS_EDGE));
        return n | 1;
    }
    /* Half-band at 2^(s+1) times the base rate keeping 0..0.5 fs: passband
     * edge 0.5 / 2^(s+1), stopband edge at its mirror. */
    double pass = 0.5 / (double)(2 << s);
    int n = kaiser_taps(0.5 - 2.0 * pass);
    while (n % 4 != 3)
        n++;
    return n;
}

wp_status wp_oversampler_init(wp_oversampler *os, int factor, int channels)
{
    memset(os, 0, sizeof *os);
    os->factor = factor;
    while ((1 << os->stages) < factor)
        os->stages++;
    int taps[WP_OS_MAX_STAGES];
    size_t total = (size_t)factor * WP_OS_BLOCK;
    for (int s = 0; s < os->stages; s++) {
        wp_os_stage *st = &os->stage[s];
        taps[s] = stage_taps(s);
        st->halfband = s > 0;
        st->centre = (taps[s] - 1) / 4;
        st->taps[0] = (taps[s] + 1) / 2;
        st->taps[1] = st->halfband ? 1 : (taps[s] - 1) / 2;
        /* Windows end at the newest sample; the odd decimator phase lags
         * one sample (it pairs with the even sample after it). */
        os->hist_in[s] = os->hist_even[s] = st->taps[0] - 1;
        os->hist_odd[s] = st->halfband ? st->centre + 1 : st->taps[1];
        size_t block = (size_t)WP_OS_BLOCK << s;
        total += 2 * (size_t)(st->taps[0] + (st->halfband ? 0 : st->taps[1])) +
                 (size_t)channels * (os->hist_in[s] + os->hist_even[s] + os->hist_odd[s] + 3 * block);
    }
    os->memory = calloc(total, sizeof *os->memory);
    double *h = malloc((size_t)(os->stages ? taps[0] : 1) * sizeof *h); /* the first stage is the longest */
    if (!os->memory || !h) {
        free(h);
        wp_oversampler_free(os);
        return WP_ERR_OUT_OF_MEMORY;
    }
    float *m = os->memory;
    os->scratch = m;
    m += (size_t)factor * WP_OS_BLOCK;
    for (int s = 0; s < os->stages; s++) {
        wp_os_stage *st = &os->stage[s];
        design(h, taps[s], 0.25 * (s == 0 ? OS_PASS_EDGE + OS_STOP_EDGE : 1.0), st->halfband);
        for (int p = 0; p < (st->halfband ? 1 : 2); p++) {
            st->up[p] = m;
            st->down[p] = m + st->taps[p];
            m += 2 * st->taps[p];
            for (int j = 0; j < st->taps[p]; j++) {
                double v = h[2 * (st->taps[p] - 1 - j) + p];
                st->up[p][j] = (float)(2.0 * v);
                st->down[p][j] = (float)v;
            }
        }
        int block = WP_OS_BLOCK << s;
        for (int c = 0; c < channels; c++) {
            wp_os_state *state = &os->state[c][s];
            state->in = m;
            m += os->hist_in[s] + block;
            state->even = m;
            m += os->hist_even[s] + block;
            state->odd = m;
            m += os->hist_odd[s] + block;
        }
    }
    free(h);
    /* Round trip of stage s: n - 1 samples at its high rate, which is
     * 2^(stages - 1 - s) top-rate samples each. */
    int delay = 0;
    for (int s = 0; s < os->stages; s++)
        delay += (taps[s] - 1) << (os->stages - 1 - s);
    os->pad = (factor - delay % factor) % factor;
    os->latency = (delay + os->pad) / factor;
    return WP_OK;
}

void wp_oversampler_free(wp_oversampler *os)
{
    free(os->memory);
    os->memory = NULL;
}

void wp_oversampler_reset_channel(wp_oversampler *os, int channel)
{
    for (int s = 0; s < os->stages; s++) {
        wp_os_state *state = &os->state[channel][s];
        memset(state->in, 0, (size_t)os->hist_in[s] * sizeof *state->in);
        memset(state->even, 0, (size_t)os->hist_even[s] * sizeof *state->even);
        memset(state->odd, 0, (size_t)os->hist_odd[s] * sizeof *state->odd);
    }
    memset(os->pad_line[channel], 0, sizeof os->pad_line[channel]);
    os->pad_pos[channel] = 0;
}

/* Four floats in one SIMD register (SSE, NEON, wasm simd128), via the
 * GCC/Clang vector extension; plain C semantics lane by lane. */
typedef float v4 __attribute__((vector_size(16)));

static inline v4 load4(const float *p)
{
    v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* y[t * stride] = sum over i < taps of c[i] x[t + i], for t < n. Sixteen
 * outputs at a time in four registers (one broadcast tap times four
 * consecutive windows per register), so the adds do not wait on each other.
 * Every output is a plain left-to-right sum over i, in the vector lanes as
 * in the scalar tail, so how the outputs are grouped (and with it the block
 * size) never changes a bit. */
static void fir(const float *c, int taps, const float *x, int n, float *y, int stride)
{
    int t = 0;
    for (; t + 16 <= n; t += 16) {
        v4 a0 = {0.0f, 0.0f, 0.0f, 0.0f}, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < taps; i++) {
            const float ci = c[i];
            const v4 cv = {ci, ci, ci, ci};
            const float *xi = x + t + i;
            a0 += cv * load4(xi);
            a1 += cv * load4(xi + 4);
            a2 += cv * load4(xi + 8);
            a3 += cv * load4(xi + 12);
        }
        for (int j = 0; j < 4; j++) {
            y[(t + j) * stride] = a0[j];
            y[(t + 4 + j) * stride] = a1[j];
            y[(t + 8 + j) * stride] = a2[j];
            y[(t + 12 + j) * stride] = a3[j];
        }
    }
    for (; t + 4 <= n; t += 4) {
        v4 a0 = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int i = 0; i < taps; i++) {
            const float ci = c[i];
            const v4 cv = {ci, ci, ci, ci};
            a0 += cv * load4(x + t + i);
        }
        for (int j = 0; j < 4; j++)
            y[(t + j) * stride] = a0[j];
    }
    for (; t < n; t++) {
        float acc = 0.0f;
        for (int i = 0; i < taps; i++)
            acc += c[i] * x[t + i];
        y[t * stride] = acc;
    }
}

static void stage_up(const wp_oversampler *os, int s, wp_os_state *state, const float *x, int n, float *y)
{
    const wp_os_stage *st = &os->stage[s];
    const int hist = os->hist_in[s];
    float *buf = state->in;
    memcpy(buf + hist, x, (size_t)n * sizeof *x);
    fir(st->up[0], st->taps[0], buf, n, y, 2);
    if (st->halfband) {
        for (int t = 0; t < n; t++)
            y[2 * t + 1] = buf[hist + t - st->centre]; /* 2 * 1/2 */
    } else {
        fir(st->up[1], st->taps[1], buf + 1, n, y + 1, 2);
    }
    memmove(buf, buf + n, (size_t)hist * sizeof *buf);
}

/* z[t] = sum h[2i] v[2t - 2i] + sum h[2i+1] v[2t - 2i - 1]. v and z may be
 * the same array (v is split into the phase buffers first). */
static void stage_down(const wp_oversampler *os, int s, wp_os_state *state, float *v, int n, float *z)
{
    const wp_os_stage *st = &os->stage[s];
    const int he = os->hist_even[s], ho = os->hist_odd[s];
    for (int t = 0; t < n; t++) {
        state->even[he + t] = v[2 * t];
        state->odd[ho + t] = v[2 * t + 1];
    }
    fir(st->down[0], st->taps[0], state->even, n, z, 1);
    if (st->halfband) {
        for (int t = 0; t < n; t++)
            z[t] += 0.5f * state->odd[t];
    } else {
        float *odd_sum = os->scratch;
        fir(st->down[1], st->taps[1], state->odd, n, odd_sum, 1);
        for (int t = 0; t < n; t++)
            z[t] += odd_sum[t];
    }
    memmove(state->even, state->even + n, (size_t)he * sizeof *state->even);
    memmove(state->odd, state->odd + n, (size_t)ho * sizeof *state->odd);
}

void wp_oversampler_up(wp_oversampler *os, int channel, const float *x, int n, float *out)
{
    if (os->stages == 0) {
        memcpy(out, x, (size_t)n * sizeof *x);
        return;
    }
    /* Alternate between out and scratch so that the last stage writes out. */
    const float *in = x;
    for (int s = 0; s < os->stages; s++) {
        float *y = (os->stages - 1 - s) % 2 == 0 ? out : os->scratch;
        stage_up(os, s, &os->state[channel][s], in, n << s, y);
        in = y;
    }
}

void wp_oversampler_down(wp_oversampler *os, int channel, float *in, int n, float *out)
{
    const int count = n * os->factor;
    if (os->pad) {
        float *line = os->pad_line[channel];
        int pos = os->pad_pos[channel];
        for (int i = 0; i < count; i++) {
            float v = line[pos];
            line[pos] = in[i];
            in[i] = v;
            pos = pos + 1 == os->pad ? 0 : pos + 1;
        }
        os->pad_pos[channel] = pos;
    }
    for (int s = os->stages - 1; s >= 0; s--)
        stage_down(os, s, &os->state[channel][s], in, n << s, in);
    memcpy(out, in, (size_t)n * sizeof *out);
}
