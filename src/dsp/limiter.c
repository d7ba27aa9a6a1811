/* Look-ahead true-peak limiter (see limiter.h). */
#include "wavepool/limiter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp_util.h"
#include "wavepool/truepeak.h"

#define MAX_LOOKAHEAD_MS 10.0
/* Frames handed to the detector at a time (its peaks go to a buffer). */
#define CHUNK 256

/* Moving average over `length` frames: a running sum, re-added from scratch
 * each lap (`fresh`) so rounding never accumulates. */
typedef struct moving_average {
    double *ring;
    int length, pos;
    double sum, fresh;
} moving_average;

static void average_clear(moving_average *m, int length)
{
    m->length = length;
    memset(m->ring, 0, (size_t)length * sizeof *m->ring);
    m->pos = 0;
    m->sum = m->fresh = 0.0;
}

static inline double average_push(moving_average *m, double v)
{
    double old = m->ring[m->pos];
    m->ring[m->pos] = v;
    m->sum += v - old;
    m->fresh += v;
    if (++m->pos == m->length) {
        m->pos = 0;
        m->sum = m->fresh;
        m->fresh = 0.0;
    }
    return m->sum / m->length;
}

struct wp_limiter {
    double rate;
    int channels;
    wp_truepeak *tp;
    int detector_latency, hold; /* frames */
    int lookahead, pending;     /* attack ramp in frames; set, not yet applied */
    int latency;
    int started; /* processed since create or reset */
    double release_coeff; /* double: within 1e-6 of 1 at long times and high rates */
    wp_smoother ceiling; /* log2 of the internal ceiling (linear) */
    wp_smoother enable;
    /* Audio delay lines, `capacity` frames each. */
    float *delay[2];
    int capacity, pos;
    /* Sliding minimum of the required gain: a monotonic deque of
     * (frame, value), values increasing from head to tail. */
    float *dq_val;
    int64_t *dq_frame;
    int dq_cap, dq_head, dq_size;
    int64_t frame; /* detector frame index of the next peak */
    double released;
    /* The attack ramp: two moving averages in cascade. */
    moving_average box[2];
    float average; /* last gain in log2 units, for the meter */
    float peaks[CHUNK];
};

static int ms_to_frames(double ms, double rate)
{
    int n = (int)lround(ms * 1e-3 * rate);
    return n < 1 ? 1 : n;
}

static float target_ceiling(double dbtp)
{
    return (float)((dbtp - WP_LIMITER_MARGIN_DB) / (20.0 * log10(2.0)));
}

wp_status wp_limiter_create(double sample_rate, int channels, wp_limiter **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    wp_status status = wp_check_rate_channels(sample_rate, channels);
    if (status != WP_OK)
        return status;
    if (channels > 2)
        return WP_ERR_OUT_OF_RANGE;
    wp_limiter *lim = calloc(1, sizeof *lim);
    if (!lim)
        return WP_ERR_OUT_OF_MEMORY;
    lim->rate = sample_rate;
    lim->channels = channels;
    status = wp_truepeak_create(sample_rate, channels, &lim->tp);
    if (status != WP_OK) {
        free(lim);
        return status;
    }
    lim->detector_latency = wp_truepeak_latency(lim->tp);
    /* The detector's interpolation window reaches this many frames to
     * either side of a point (none at 1x). */
    lim->hold = lim->detector_latency;
    int max_lookahead = ms_to_frames(MAX_LOOKAHEAD_MS, sample_rate);
    lim->capacity = max_lookahead + 2 * lim->hold + lim->detector_latency;
    lim->dq_cap = max_lookahead + 2 * lim->hold + 1;
    for (int c = 0; c < channels; c++)
        lim->delay[c] = calloc((size_t)lim->capacity, sizeof *lim->delay[c]);
    lim->dq_val = calloc((size_t)lim->dq_cap, sizeof *lim->dq_val);
    lim->dq_frame = calloc((size_t)lim->dq_cap, sizeof *lim->dq_frame);
    for (int b = 0; b < 2; b++)
        lim->box[b].ring = calloc((size_t)max_lookahead, sizeof *lim->box[b].ring);
    if (!lim->delay[0] || (channels == 2 && !lim->delay[1]) || !lim->dq_val || !lim->dq_frame || !lim->box[0].ring ||
        !lim->box[1].ring) {
        wp_limiter_destroy(lim);
        return WP_ERR_OUT_OF_MEMORY;
    }
    lim->pending = ms_to_frames(2.0, sample_rate);
    lim->release_coeff = exp(-1000.0 / (100.0 * sample_rate));
    wp_smoother_init(&lim->ceiling, target_ceiling(-1.0), WP_LIMITER_SMOOTH_MS, sample_rate);
    wp_smoother_init(&lim->enable, 1.0f, WP_LIMITER_SMOOTH_MS, sample_rate);
    wp_limiter_reset(lim);
    *out = lim;
    return WP_OK;
}

void wp_limiter_destroy(wp_limiter *lim)
{
    if (!lim)
        return;
    wp_truepeak_destroy(lim->tp);
    free(lim->delay[0]);
    free(lim->delay[1]);
    free(lim->dq_val);
    free(lim->dq_frame);
    free(lim->box[0].ring);
    free(lim->box[1].ring);
    free(lim);
}

void wp_limiter_reset(wp_limiter *lim)
{
    wp_truepeak_reset(lim->tp);
    /* At least four holds (64 frames below 192 kHz): a gain ramp must not
     * change much across one detector window (32 frames), see limiter.h. */
    lim->lookahead = lim->pending > 4 * lim->hold ? lim->pending : 4 * lim->hold;
    lim->latency = lim->detector_latency + lim->lookahead - 1 + lim->hold;
    for (int c = 0; c < lim->channels; c++)
        memset(lim->delay[c], 0, (size_t)lim->capacity * sizeof *lim->delay[c]);
    lim->pos = 0;
    lim->dq_head = lim->dq_size = 0;
    /* The detector's first peaks describe frames before the input starts. */
    lim->frame = -(int64_t)lim->detector_latency;
    lim->released = 0.0;
    /* Lengths a + b - 1 = lookahead: a drop of the held value is reached
     * after exactly `lookahead` frames, along an S-shaped ramp. */
    int first = (lim->lookahead + 1) / 2;
    average_clear(&lim->box[0], first);
    average_clear(&lim->box[1], lim->lookahead + 1 - first);
    lim->average = 0.0f;
    lim->ceiling.value = lim->ceiling.target;
    lim->enable.value = lim->enable.target;
    lim->started = 0;
}

int wp_limiter_latency(const wp_limiter *lim)
{
    return lim->latency;
}

wp_status wp_limiter_set_ceiling_db(wp_limiter *lim, double dbtp)
{
    if (!lim)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(dbtp, -24.0, 0.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    lim->ceiling.target = target_ceiling(dbtp);
    return WP_OK;
}

wp_status wp_limiter_set_release_ms(wp_limiter *lim, double ms)
{
    if (!lim)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(ms, 1.0, 1000.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    lim->release_coeff = exp(-1000.0 / (ms * lim->rate));
    return WP_OK;
}

wp_status wp_limiter_set_lookahead_ms(wp_limiter *lim, double ms)
{
    if (!lim)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(ms, 1.0, MAX_LOOKAHEAD_MS) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    lim->pending = ms_to_frames(ms, lim->rate);
    if (!lim->started)
        wp_limiter_reset(lim);
    return WP_OK;
}

wp_status wp_limiter_set_enabled(wp_limiter *lim, int enabled)
{
    if (!lim)
        return WP_ERR_INVALID_ARGUMENT;
    lim->enable.target = enabled ? 1.0f : 0.0f;
    return WP_OK;
}

double wp_limiter_gain_reduction_db(const wp_limiter *lim)
{
    return -20.0 * log10(2.0) * lim->average;
}

/* One detector peak in, the gain (log2 units) for frame
 * frame - lookahead + 1 - hold out. */
static inline float next_gain_log2(wp_limiter *lim, float peak, float ceiling)
{
    float q = peak > 0.0f ? ceiling - wp_fast_log2(peak) : 0.0f;
    if (q > 0.0f)
        q = 0.0f;

    /* Sliding minimum over the last lookahead + 2 * hold frames. */
    const int cap = lim->dq_cap;
    const int64_t j = lim->frame++;
    while (lim->dq_size > 0) {
        int back = lim->dq_head + lim->dq_size - 1;
        if (back >= cap)
            back -= cap;
        if (lim->dq_val[back] < q)
            break;
        lim->dq_size--;
    }
    int slot = lim->dq_head + lim->dq_size;
    if (slot >= cap)
        slot -= cap;
    lim->dq_val[slot] = q;
    lim->dq_frame[slot] = j;
    lim->dq_size++;
    const int64_t oldest = j - (lim->lookahead + 2 * lim->hold) + 1;
    while (lim->dq_frame[lim->dq_head] < oldest) {
        lim->dq_head = lim->dq_head + 1 == cap ? 0 : lim->dq_head + 1;
        lim->dq_size--;
    }
    float held = lim->dq_val[lim->dq_head];

    /* Release: exponential return to 0 dB, never above the held value.
     * Below -1e-9 log2 units (6e-9 dB) it lands on exactly 0. */
    double r = lim->released * lim->release_coeff;
    if (held < r)
        r = held;
    if (r > -1e-9)
        r = 0.0;
    lim->released = r;

    /* Attack: two moving averages over the look-ahead. */
    return (float)average_push(&lim->box[1], average_push(&lim->box[0], r));
}

/* Largest linear peak whose wp_fast_log2 cannot exceed `ceiling` (log2):
 * 1e-3 log2 units below it, far beyond the approximation's 4e-6 error. */
static float quiet_threshold(float ceiling)
{
    return (float)exp2((double)ceiling - 1e-3);
}

static int average_at_rest(const moving_average *m)
{
    if (m->sum != 0.0 || m->fresh != 0.0)
        return 0;
    for (int k = 0; k < m->length; k++)
        if (m->ring[k] != 0.0)
            return 0;
    return 1;
}

/* Gain path at rest: settled smoothers, nothing held or releasing, both
 * averages all zeros. A frame with a zero level term then leaves every
 * value as it is and gives a gain of exactly 1. */
static int gain_at_rest(const wp_limiter *lim)
{
    return lim->ceiling.value == lim->ceiling.target && lim->enable.value == lim->enable.target &&
           lim->dq_size == 1 && lim->dq_val[lim->dq_head] == 0.0f && lim->released == 0.0 &&
           average_at_rest(&lim->box[0]) && average_at_rest(&lim->box[1]);
}

/* `n` frames through the gain path at rest: what next_gain_log2 would do
 * with a zero level term, in O(1). */
static void skip_at_rest(wp_limiter *lim, size_t n)
{
    lim->frame += (int64_t)n;
    lim->dq_frame[lim->dq_head] = lim->frame - 1;
    for (int b = 0; b < 2; b++)
        lim->box[b].pos = (int)(((size_t)lim->box[b].pos + n) % (size_t)lim->box[b].length);
    lim->average = 0.0f;
}

/* Frames through the delay lines at unity gain (x * 1.0f == x). */
static void delay_unity(wp_limiter *lim, float *const *channels, size_t offset, size_t n)
{
    const int cap = lim->capacity;
    while (n > 0) {
        int read = lim->pos - lim->latency;
        if (read < 0)
            read += cap;
        /* A stretch in which neither ring index wraps. */
        int run = cap - (lim->pos > read ? lim->pos : read);
        if ((size_t)run > n)
            run = (int)n;
        for (int c = 0; c < lim->channels; c++) {
            float *x = channels[c] + offset, *d = lim->delay[c];
            for (int i = 0; i < run; i++) {
                d[lim->pos + i] = x[i];
                x[i] = d[read + i];
            }
        }
        lim->pos += run;
        if (lim->pos == cap)
            lim->pos = 0;
        offset += (size_t)run;
        n -= (size_t)run;
    }
}

void wp_limiter_process(wp_limiter *lim, float *const *channels, size_t frames)
{
    lim->started = 1;
    const int channels_n = lim->channels, cap = lim->capacity;
    for (size_t offset = 0; offset < frames; offset += CHUNK) {
        const size_t n = frames - offset < CHUNK ? frames - offset : CHUNK;
        const float *in[2] = {channels[0] + offset, channels[channels_n - 1] + offset};
        /* The smoothed ceiling moves monotonically from value to target, so
         * the lower one bounds it over the chunk. Peaks below the threshold
         * give a zero level term, the same as a zero peak. */
        float low = lim->ceiling.value < lim->ceiling.target ? lim->ceiling.value : lim->ceiling.target;
        if (!wp_truepeak_process_above(lim->tp, in, n, quiet_threshold(low), lim->peaks)) {
            if (gain_at_rest(lim)) {
                skip_at_rest(lim, n);
                delay_unity(lim, channels, offset, n);
                continue;
            }
            memset(lim->peaks, 0, n * sizeof *lim->peaks);
        }
        for (size_t i = 0; i < n; i++) {
            float ceiling = wp_smoother_next(&lim->ceiling);
            float e = wp_smoother_next(&lim->enable);
            float a = next_gain_log2(lim, lim->peaks[i], ceiling);
            lim->average = a;
            float g = a < 0.0f ? wp_fast_exp2(a) : 1.0f;
            if (e != 1.0f)
                g = 1.0f + e * (g - 1.0f);
            int read = lim->pos - lim->latency;
            if (read < 0)
                read += cap;
            for (int c = 0; c < channels_n; c++) {
                float *x = channels[c] + offset + i;
                lim->delay[c][lim->pos] = *x;
                *x = lim->delay[c][read] * g;
            }
            lim->pos = lim->pos + 1 == cap ? 0 : lim->pos + 1;
        }
    }
}
