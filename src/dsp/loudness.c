/* Loudness metering per ITU-R BS.1770-4 / EBU R 128 (see loudness.h). */
#include "wavepool/loudness.h"

#include <stdlib.h>
#include <string.h>

#include "dsp/dsp_util.h"
#include "wavepool/truepeak.h"

#define M_BLOCKS 4      /* 400 ms */
#define S_BLOCKS 30     /* 3 s */
#define RING_BLOCKS 31  /* the S window plus the sub-block being filled */

/* Histograms: 0.01 LU bins from -70 LUFS up. */
#define HIST_FLOOR_LUFS (-70.0)
#define HIST_BINS_PER_LU 100
#define HIST_BINS 12000

/* BS.1770-4: L = -0.691 + 10 log10(sum G_i z_i). */
#define LOUDNESS_OFFSET (-0.691)

typedef struct hist_bin {
    uint64_t count;
    double sum;    /* exact sum of the energies in this bin */
    double lo, hi; /* smallest and largest energy in this bin */
} hist_bin;

typedef struct histogram {
    uint64_t count;
    double sum;
    hist_bin bin[HIST_BINS];
} histogram;

/* Direct form I biquads in cascade: the high shelf, then the RLB high-pass
 * (numerator 1, -2, 1). */
typedef struct kweight {
    double b0, b1, b2, a1, a2; /* shelf */
    double c1, c2;             /* high-pass denominator */
} kweight;

typedef struct kstate {
    double x1, x2; /* shelf input history */
    double y1, y2; /* shelf output = high-pass input history */
    double z1, z2; /* high-pass output history */
} kstate;

struct wp_loudness {
    double rate;
    int channels;
    size_t block;            /* B: frames per 100 ms sub-block */
    kweight k;
    double weight[WP_DSP_MAX_CHANNELS];     /* in effect */
    double new_weight[WP_DSP_MAX_CHANNELS]; /* applied at the next boundary */
    uint64_t warmup;

    /* Signal state (cleared by reset). */
    kstate st[WP_DSP_MAX_CHANNELS];
    double cur[WP_DSP_MAX_CHANNELS]; /* unweighted energy of the current sub-block */
    size_t pos;                      /* frames in the current sub-block */
    int slot;                        /* ring slot of the current sub-block */
    uint64_t blocks;                 /* completed sub-blocks */
    uint64_t frames;
    double block_energy[RING_BLOCKS]; /* weighted energy of each completed sub-block */
    float *ring;                      /* RING_BLOCKS * block weighted frame energies */
    float sample_peak[WP_DSP_MAX_CHANNELS];
    float merged_true_peak[WP_DSP_MAX_CHANNELS];
    wp_truepeak *tp;
    histogram *gating;    /* 400 ms block energies above -70 LUFS */
    histogram *short_term; /* 3 s energies every 100 ms above -70 LUFS */
};

static double energy_to_lufs(double z)
{
    return z > 0.0 ? LOUDNESS_OFFSET + 10.0 * log10(z) : -INFINITY;
}

static double lufs_to_energy(double lufs)
{
    return pow(10.0, (lufs - LOUDNESS_OFFSET) / 10.0);
}

/* Bin of an energy; below the range gives -1, above it the top bin. */
static int bin_of(double z)
{
    double x = floor((energy_to_lufs(z) - HIST_FLOOR_LUFS) * HIST_BINS_PER_LU);
    if (x < 0.0)
        return -1;
    return x >= HIST_BINS - 1 ? HIST_BINS - 1 : (int)x;
}

static void hist_add(histogram *h, double z)
{
    hist_bin *b = &h->bin[bin_of(z)];
    if (b->count == 0 || z < b->lo)
        b->lo = z;
    if (b->count == 0 || z > b->hi)
        b->hi = z;
    b->count++;
    b->sum += z;
    h->count++;
    h->sum += z;
}

/* Members of the bin holding `thr` whose energy exceeds it: the extremes are
 * classified exactly, the others (within one bin width of the threshold)
 * in proportion to the loudness span above it. Sets *count and *sum. */
static void threshold_bin_part(const hist_bin *b, double thr, double *count, double *sum)
{
    if (b->count == 0 || b->hi <= thr) {
        *count = *sum = 0.0;
    } else if (b->lo > thr) {
        *count = (double)b->count;
        *sum = b->sum;
    } else {
        double f = log(b->hi / thr) / log(b->hi / b->lo);
        double middle = (double)(b->count - 2);
        *count = 1.0 + f * middle;
        *sum = b->hi + f * (b->sum - b->lo - b->hi);
    }
}

static double role_weight(wp_loudness_channel role)
{
    switch (role) {
    case WP_LOUDNESS_LEFT:
    case WP_LOUDNESS_RIGHT:
    case WP_LOUDNESS_CENTER:
    case WP_LOUDNESS_OTHER:
        return 1.0;
    case WP_LOUDNESS_LEFT_SURROUND:
    case WP_LOUDNESS_RIGHT_SURROUND:
        return 1.41;
    case WP_LOUDNESS_DUAL_MONO:
        return 2.0;
    default:
        return 0.0;
    }
}

/* Called only between sub-blocks, so no sub-block is weighted two ways. */
static void apply_weights(wp_loudness *lm)
{
    for (int c = 0; c < lm->channels; c++) {
        /* A channel coming back into use starts from rest, not from the
         * state it had when it was dropped. */
        if (lm->weight[c] == 0.0 && lm->new_weight[c] != 0.0)
            memset(&lm->st[c], 0, sizeof lm->st[c]);
        lm->weight[c] = lm->new_weight[c];
    }
}

/* K-weighting for any rate: bilinear transform of the analog prototypes,
 * pre-warped at each corner (the constants reproduce BS.1770-4's 48 kHz
 * tables; they are libebur128's). */
static void design_kweight(kweight *k, double rate)
{
    const double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
    double kk = tan(WP_PI * f0 / rate);
    double vh = pow(10.0, gain_db / 20.0);
    double vb = pow(vh, 0.4996667741545416);
    double a0 = 1.0 + kk / q + kk * kk;
    k->b0 = (vh + vb * kk / q + kk * kk) / a0;
    k->b1 = 2.0 * (kk * kk - vh) / a0;
    k->b2 = (vh - vb * kk / q + kk * kk) / a0;
    k->a1 = 2.0 * (kk * kk - 1.0) / a0;
    k->a2 = (1.0 - kk / q + kk * kk) / a0;

    const double f1 = 38.13547087602444, q1 = 0.5003270373238773;
    kk = tan(WP_PI * f1 / rate);
    a0 = 1.0 + kk / q1 + kk * kk;
    k->c1 = 2.0 * (kk * kk - 1.0) / a0;
    k->c2 = (1.0 - kk / q1 + kk * kk) / a0;
}

wp_status wp_loudness_create(double sample_rate, int channels, wp_loudness **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    wp_status st = wp_check_rate_channels(sample_rate, channels);
    if (st != WP_OK)
        return st;
    wp_loudness *lm = calloc(1, sizeof *lm);
    if (!lm)
        return WP_ERR_OUT_OF_MEMORY;
    lm->rate = sample_rate;
    lm->channels = channels;
    lm->block = (size_t)floor(sample_rate / 10.0 + 0.5);
    design_kweight(&lm->k, sample_rate);
    static const wp_loudness_channel order[6] = {
        WP_LOUDNESS_LEFT, WP_LOUDNESS_RIGHT,         WP_LOUDNESS_CENTER,
        WP_LOUDNESS_LFE,  WP_LOUDNESS_LEFT_SURROUND, WP_LOUDNESS_RIGHT_SURROUND,
    };
    for (int c = 0; c < channels; c++)
        lm->weight[c] = lm->new_weight[c] = role_weight(c < 6 ? order[c] : WP_LOUDNESS_OTHER);
    lm->ring = calloc(RING_BLOCKS * lm->block, sizeof *lm->ring);
    lm->gating = calloc(1, sizeof *lm->gating);
    lm->short_term = calloc(1, sizeof *lm->short_term);
    st = wp_truepeak_create(sample_rate, channels, &lm->tp);
    if (!lm->ring || !lm->gating || !lm->short_term || st != WP_OK) {
        wp_loudness_destroy(lm);
        return WP_ERR_OUT_OF_MEMORY;
    }
    *out = lm;
    return WP_OK;
}

void wp_loudness_destroy(wp_loudness *lm)
{
    if (!lm)
        return;
    wp_truepeak_destroy(lm->tp);
    free(lm->ring);
    free(lm->gating);
    free(lm->short_term);
    free(lm);
}

void wp_loudness_reset(wp_loudness *lm)
{
    memcpy(lm->weight, lm->new_weight, sizeof lm->weight);
    memset(lm->st, 0, sizeof lm->st);
    memset(lm->cur, 0, sizeof lm->cur);
    lm->pos = 0;
    lm->slot = 0;
    lm->blocks = 0;
    lm->frames = 0;
    memset(lm->block_energy, 0, sizeof lm->block_energy);
    memset(lm->ring, 0, RING_BLOCKS * lm->block * sizeof *lm->ring);
    memset(lm->sample_peak, 0, sizeof lm->sample_peak);
    memset(lm->merged_true_peak, 0, sizeof lm->merged_true_peak);
    wp_truepeak_reset(lm->tp);
    memset(lm->gating, 0, sizeof *lm->gating);
    memset(lm->short_term, 0, sizeof *lm->short_term);
}

wp_status wp_loudness_set_channel(wp_loudness *lm, int channel, wp_loudness_channel role)
{
    if ((unsigned)role > WP_LOUDNESS_DUAL_MONO)
        return WP_ERR_INVALID_ARGUMENT;
    return wp_loudness_set_channel_weight(lm, channel, role_weight(role));
}

wp_status wp_loudness_set_channel_weight(wp_loudness *lm, int channel, double weight)
{
    if (channel < 0 || channel >= lm->channels || wp_check_range(weight, 0.0, WP_LOUDNESS_MAX_WEIGHT) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    lm->new_weight[channel] = weight;
    if (lm->pos == 0)
        apply_weights(lm);
    return WP_OK;
}

double wp_loudness_channel_weight(const wp_loudness *lm, int channel)
{
    return channel >= 0 && channel < lm->channels ? lm->new_weight[channel] : 0.0;
}

/* True when any sample is NaN or Inf (exponent bits all set). Integer OR
 * reduction, so it vectorises. */
static int has_non_finite(const float *x, size_t n)
{
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        bad |= (uint32_t)((bits & 0x7f800000u) == 0x7f800000u);
    }
    return bad != 0;
}

/* K-weights n samples of one channel, adds their energy to *energy (in
 * sample order, whatever the block split) and their weighted energies to
 * the frame energies `out` (or stores them when `first`). */
static void kweight_run(const kweight *k, kstate *s, const float *x, size_t n, double w, float *out, int first,
                        double *energy)
{
    double x1 = s->x1, x2 = s->x2, y1 = s->y1, y2 = s->y2, z1 = s->z1, z2 = s->z2;
    double sum = *energy;
    for (size_t i = 0; i < n; i++) {
        double in = x[i];
        /* The previous output enters last: the recursion's critical path
         * is one multiply and one add. */
        double y = ((k->b0 * in + k->b1 * x1) + (k->b2 * x2 - k->a2 * y2)) - k->a1 * y1;
        y = wp_flush_denormal_d(y);
        double z = ((y - 2.0 * y1 + y2) - k->c2 * z2) - k->c1 * z1;
        z = wp_flush_denormal_d(z);
        x2 = x1;
        x1 = in;
        y2 = y1;
        y1 = y;
        z2 = z1;
        z1 = z;
        double e = z * z;
        sum += e;
        float we = (float)(w * e);
        out[i] = first ? we : out[i] + we;
    }
    s->x1 = x1;
    s->x2 = x2;
    s->y1 = y1;
    s->y2 = y2;
    s->z1 = z1;
    s->z2 = z2;
    *energy = sum;
}

static float peak_run(const float *x, size_t n, float m)
{
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        m = a > m ? a : m;
    }
    return m;
}

/* Sum of the weighted energies of the last `count` completed sub-blocks. */
static double last_blocks(const wp_loudness *lm, int count)
{
    double sum = 0.0;
    int slot = lm->slot;
    for (int i = 0; i < count; i++) {
        slot = slot == 0 ? RING_BLOCKS - 1 : slot - 1;
        sum += lm->block_energy[slot];
    }
    return sum;
}

static void complete_block(wp_loudness *lm)
{
    double e = 0.0;
    for (int c = 0; c < lm->channels; c++) {
        e += lm->weight[c] * lm->cur[c];
        lm->cur[c] = 0.0;
    }
    lm->block_energy[lm->slot] = e;
    lm->slot = lm->slot + 1 == RING_BLOCKS ? 0 : lm->slot + 1;
    lm->blocks++;

    if (lm->frames > lm->warmup) {
        const double absolute = lufs_to_energy(HIST_FLOOR_LUFS);
        if (lm->blocks >= M_BLOCKS) {
            double z = last_blocks(lm, M_BLOCKS) / (double)(M_BLOCKS * lm->block);
            if (z > absolute)
                hist_add(lm->gating, z);
        }
        if (lm->blocks >= S_BLOCKS) {
            double z = last_blocks(lm, S_BLOCKS) / (double)(S_BLOCKS * lm->block);
            if (z > absolute)
                hist_add(lm->short_term, z);
        }
    } else if (lm->frames == lm->warmup) {
        /* Peaks count from here on; the true-peak points still pending
         * (the last warm-up frames) belong to this piece too, the piece
         * before cannot see them. */
        memset(lm->sample_peak, 0, sizeof lm->sample_peak);
        wp_truepeak_clear_max(lm->tp);
    }

    apply_weights(lm);
}

wp_status wp_loudness_process(wp_loudness *lm, const float *const *channels, size_t frames)
{
    if (!lm || !channels)
        return WP_ERR_INVALID_ARGUMENT;
    if (frames == 0)
        return WP_OK;
    for (int c = 0; c < lm->channels; c++) {
        if (!channels[c])
            return WP_ERR_INVALID_ARGUMENT;
        if (has_non_finite(channels[c], frames))
            return WP_ERR_NOT_FINITE;
    }
    size_t done = 0;
    while (done < frames) {
        size_t n = lm->block - lm->pos;
        if (n > frames - done)
            n = frames - done;
        float *out = lm->ring + (size_t)lm->slot * lm->block + lm->pos;
        int first = 1;
        const float *part[WP_DSP_MAX_CHANNELS];
        for (int c = 0; c < lm->channels; c++) {
            part[c] = channels[c] + done;
            lm->sample_peak[c] = peak_run(part[c], n, lm->sample_peak[c]);
            if (lm->weight[c] == 0.0)
                continue;
            kweight_run(&lm->k, &lm->st[c], part[c], n, lm->weight[c], out, first, &lm->cur[c]);
            first = 0;
        }
        if (first)
            memset(out, 0, n * sizeof *out);
        wp_truepeak_process(lm->tp, part, n, NULL);
        lm->pos += n;
        lm->frames += n;
        done += n;
        if (lm->pos == lm->block) {
            lm->pos = 0;
            complete_block(lm);
        }
    }
    return WP_OK;
}

/* Mean-square weighted energy of the `count` sub-blocks ending at the last
 * frame fed: the partial current sub-block, the complete ones before it,
 * and the tail of the oldest one from the frame energies. */
static double window_energy(const wp_loudness *lm, int count)
{
    if (lm->pos == 0)
        return last_blocks(lm, count) / (double)((size_t)count * lm->block);
    double sum = 0.0;
    for (int c = 0; c < lm->channels; c++)
        sum += lm->weight[c] * lm->cur[c];
    sum += last_blocks(lm, count - 1);
    int oldest = (lm->slot - count + RING_BLOCKS) % RING_BLOCKS;
    const float *tail = lm->ring + (size_t)oldest * lm->block;
    double part = 0.0;
    for (size_t i = lm->pos; i < lm->block; i++)
        part += tail[i];
    return (sum + part) / (double)((size_t)count * lm->block);
}

double wp_loudness_momentary(const wp_loudness *lm)
{
    return energy_to_lufs(window_energy(lm, M_BLOCKS));
}

double wp_loudness_short_term(const wp_loudness *lm)
{
    return energy_to_lufs(window_energy(lm, S_BLOCKS));
}

double wp_loudness_integrated(const wp_loudness *lm)
{
    const histogram *h = lm->gating;
    if (h->count == 0)
        return -INFINITY;
    /* Relative gate: 10 LU below the loudness of the blocks above -70. */
    double thr = h->sum / (double)h->count * 0.1;
    int tb = bin_of(thr);
    double count = 0.0, sum = 0.0;
    if (tb >= 0)
        threshold_bin_part(&h->bin[tb], thr, &count, &sum);
    for (int b = tb + 1; b < HIST_BINS; b++) {
        count += (double)h->bin[b].count;
        sum += h->bin[b].sum;
    }
    return count > 0.0 ? energy_to_lufs(sum / count) : -INFINITY;
}

/* Energy of rank `rank` (0 = quietest) among `m` members of bin b taken from
 * its top, spread log-evenly from `from` to the bin's largest. */
static double bin_member(const hist_bin *b, double from, uint64_t m, uint64_t rank)
{
    if (m <= 1)
        return b->hi;
    return from * pow(b->hi / from, (double)rank / (double)(m - 1));
}

/* Short-term energy at gated rank `rank`, walking up from the threshold
 * bin tb whose top `tm` members pass the gate. */
static double rank_energy(const histogram *h, int tb, uint64_t tm, double thr, uint64_t rank)
{
    for (int b = tb < 0 ? 0 : tb; b < HIST_BINS; b++) {
        const hist_bin *bin = &h->bin[b];
        uint64_t m = b == tb ? tm : bin->count;
        if (rank < m) {
            double from = (b == tb && m < bin->count) ? thr : bin->lo;
            return bin_member(bin, from, m, rank);
        }
        rank -= m;
    }
    return 0.0;
}

double wp_loudness_range(const wp_loudness *lm)
{
    const histogram *h = lm->short_term;
    if (h->count == 0)
        return 0.0;
    /* Relative gate: 20 LU below the mean of the values above -70. */
    double thr = h->sum / (double)h->count * 0.01;
    int tb = bin_of(thr);
    uint64_t tm = 0, gated = 0;
    if (tb >= 0) {
        double part_count, part_sum;
        threshold_bin_part(&h->bin[tb], thr, &part_count, &part_sum);
        tm = (uint64_t)floor(part_count + 0.5);
    }
    gated = tm;
    for (int b = tb + 1; b < HIST_BINS; b++)
        gated += h->bin[b].count;
    if (gated < 2)
        return 0.0;
    /* Percentile ranks as libebur128 and Tech 3342's example code. */
    uint64_t lo_rank = (uint64_t)((double)(gated - 1) * 0.10 + 0.5);
    uint64_t hi_rank = (uint64_t)((double)(gated - 1) * 0.95 + 0.5);
    double lo = rank_energy(h, tb, tm, thr, lo_rank);
    double hi = rank_energy(h, tb, tm, thr, hi_rank);
    return 10.0 * log10(hi / lo);
}

float wp_loudness_sample_peak(const wp_loudness *lm, int channel)
{
    return channel >= 0 && channel < lm->channels ? lm->sample_peak[channel] : 0.0f;
}

float wp_loudness_true_peak(const wp_loudness *lm, int channel)
{
    if (channel < 0 || channel >= lm->channels)
        return 0.0f;
    float own = wp_truepeak_max_final(lm->tp, channel);
    return own > lm->merged_true_peak[channel] ? own : lm->merged_true_peak[channel];
}

uint64_t wp_loudness_frames(const wp_loudness *lm)
{
    return lm->frames;
}

wp_status wp_loudness_set_warmup(wp_loudness *lm, uint64_t frames)
{
    if (lm->frames != 0 || frames % lm->block != 0)
        return WP_ERR_OUT_OF_RANGE;
    lm->warmup = frames;
    return WP_OK;
}

size_t wp_loudness_block_frames(const wp_loudness *lm)
{
    return lm->block;
}

static void hist_merge(histogram *dst, const histogram *src)
{
    for (int b = 0; b < HIST_BINS; b++) {
        const hist_bin *s = &src->bin[b];
        hist_bin *d = &dst->bin[b];
        if (s->count == 0)
            continue;
        if (d->count == 0 || s->lo < d->lo)
            d->lo = s->lo;
        if (d->count == 0 || s->hi > d->hi)
            d->hi = s->hi;
        d->count += s->count;
        d->sum += s->sum;
    }
    dst->count += src->count;
    dst->sum += src->sum;
}

wp_status wp_loudness_merge(wp_loudness *dst, const wp_loudness *src)
{
    if (!dst || !src || dst == src || dst->rate != src->rate || dst->channels != src->channels)
        return WP_ERR_INVALID_ARGUMENT;
    hist_merge(dst->gating, src->gating);
    hist_merge(dst->short_term, src->short_term);
    for (int c = 0; c < dst->channels; c++) {
        if (src->sample_peak[c] > dst->sample_peak[c])
            dst->sample_peak[c] = src->sample_peak[c];
        /* src's pending true-peak tail belongs to the piece after it. */
        float tp = wp_truepeak_max(src->tp, c);
        if (src->merged_true_peak[c] > tp)
            tp = src->merged_true_peak[c];
        if (tp > dst->merged_true_peak[c])
            dst->merged_true_peak[c] = tp;
    }
    return WP_OK;
}
