/* Offline jobs: loudness analysis and normalize. Both measure the same way:
 * loudness pieces (whole sub-blocks, each but the first with 3 s of
 * warm-up, merged into the last piece's meter; see loudness.h) and, per
 * fixed chunk, sums and peaks added up afterwards in chunk order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/dsp_util.h"
#include "jobs_internal.h"
#include "wavepool/loudness.h"
#include "wavepool/truepeak.h"

/* A loudness piece is this many chunks (rounded to whole sub-blocks): long
 * enough that the 3 s warm-up costs little (14 % at the default chunk). */
#define PIECE_CHUNKS 16
#define WARMUP_BLOCKS 30

typedef struct measure {
    wp_job *job;
    const wp_track *t;
    int check_cancel;   /* 0 once normalize has committed its gain */
    size_t block;       /* B */
    size_t piece, pieces;
    wp_loudness **lm;
    float *short_term;  /* NULL: not wanted */
    size_t short_term_cap;
    size_t chunk, chunks;
    double *sum, *sum_sq; /* chunks x channels */
    float *peak;
    /* results */
    double channel_sum[WP_JOBS_MAX_CHANNELS], channel_sum_sq[WP_JOBS_MAX_CHANNELS];
    float channel_peak[WP_JOBS_MAX_CHANNELS];
    wp_loudness *merged; /* the last piece's meter, holding all */
} measure;

static int stop_requested(const measure *m) { return m->check_cancel && wp_job_cancelled(m->job); }

static wp_status run_piece(measure *m, size_t p)
{
    const wp_track *t = m->t;
    size_t start = p * m->piece, end = start + m->piece < t->frames ? start + m->piece : t->frames;
    size_t warm = p == 0 ? 0 : (start < WARMUP_BLOCKS * m->block ? start : WARMUP_BLOCKS * m->block);
    wp_loudness *lm = m->lm[p];
    wp_status st = WP_OK;
    if (!lm) { /* piece 0's meter exists already */
        if ((st = wp_loudness_create(t->sample_rate, t->channel_count, &lm)) != WP_OK)
            return st;
        m->lm[p] = lm;
        if ((st = wp_loudness_set_warmup(lm, warm)) != WP_OK)
            return st;
    }
    const float *blk[WP_JOBS_MAX_CHANNELS];
    /* One sub-block per call: every call in the piece's own part ends on a
     * sub-block boundary, where the short-term curve takes its values. */
    for (size_t at = start - warm; at < end; at += m->block) {
        if (stop_requested(m))
            return WP_ERR_CANCELLED;
        size_t n = end - at < m->block ? end - at : m->block;
        for (int c = 0; c < t->channel_count; c++)
            blk[c] = t->channels[c] + at;
        if ((st = wp_loudness_process(lm, blk, n)) != WP_OK)
            return st;
        size_t k = (at + n) / m->block;
        if (at >= start && m->short_term && n == m->block && k - 1 < m->short_term_cap)
            m->short_term[k - 1] = (float)wp_loudness_short_term(lm);
        if (at >= start)
            wp_job_advance(m->job, n);
    }
    return WP_OK;
}

static wp_status piece_fn(void *arg, size_t begin, size_t end)
{
    for (size_t p = begin; p < end; p++) {
        wp_status st = run_piece(arg, p);
        if (st != WP_OK)
            return st;
    }
    return WP_OK;
}

static wp_status stats_fn(void *arg, size_t begin, size_t end)
{
    measure *m = arg;
    if (stop_requested(m))
        return WP_ERR_CANCELLED;
    size_t k = begin / m->chunk;
    int nch = m->t->channel_count;
    for (int c = 0; c < nch; c++) {
        const float *x = m->t->channels[c];
        double s = 0, sq = 0;
        float pk = 0;
        for (size_t i = begin; i < end; i++) {
            if (!isfinite(x[i]))
                return WP_ERR_NOT_FINITE;
            s += x[i];
            sq += (double)x[i] * x[i];
            pk = fmaxf(pk, fabsf(x[i]));
        }
        m->sum[k * nch + c] = s;
        m->sum_sq[k * nch + c] = sq;
        m->peak[k * nch + c] = pk;
    }
    wp_job_advance(m->job, end - begin);
    return WP_OK;
}

static void measure_free(measure *m)
{
    if (m->lm)
        for (size_t p = 0; p < m->pieces; p++)
            wp_loudness_destroy(m->lm[p]);
    free(m->lm);
    free(m->sum);
    m->lm = NULL;
    m->sum = NULL;
    m->merged = NULL;
}

/* Measures the whole track; on WP_OK the caller reads the results and then
 * calls measure_free (also freed here on errors). */
static wp_status measure_run(measure *m, wp_job *job, const wp_track *t, float *short_term, size_t short_term_cap,
                             int check_cancel)
{
    memset(m, 0, sizeof *m);
    m->job = job;
    m->t = t;
    m->check_cancel = check_cancel;
    wp_loudness *first;
    wp_status st = wp_loudness_create(t->sample_rate, t->channel_count, &first);
    if (st != WP_OK)
        return st;
    m->block = wp_loudness_block_frames(first);
    m->chunk = wp_jobs_chunk_frames();
    size_t piece_blocks = (m->chunk * PIECE_CHUNKS + m->block - 1) / m->block;
    m->piece = piece_blocks * m->block;
    m->pieces = (t->frames + m->piece - 1) / m->piece;
    m->chunks = (t->frames + m->chunk - 1) / m->chunk;
    m->short_term = short_term;
    m->short_term_cap = short_term_cap;
    int nch = t->channel_count;
    m->lm = calloc(m->pieces, sizeof *m->lm);
    m->sum = malloc(m->chunks * (size_t)nch * (2 * sizeof(double) + sizeof(float)));
    if (!m->lm || !m->sum) {
        wp_loudness_destroy(first);
        measure_free(m);
        return WP_ERR_OUT_OF_MEMORY;
    }
    m->lm[0] = first;
    m->sum_sq = m->sum + m->chunks * (size_t)nch;
    m->peak = (float *)(m->sum_sq + m->chunks * (size_t)nch);
    /* Stats first: they find NaN/Inf quickly, before the costly pieces. */
    st = wp_pool_parallel_for(job->pool, t->frames, m->chunk, stats_fn, m);
    if (st == WP_OK)
        st = wp_pool_parallel_for(job->pool, m->pieces, 1, piece_fn, m);
    for (size_t p = 0; st == WP_OK && p + 1 < m->pieces; p++)
        st = wp_loudness_merge(m->lm[m->pieces - 1], m->lm[p]);
    if (st != WP_OK) {
        measure_free(m);
        return st;
    }
    m->merged = m->lm[m->pieces - 1];
    for (int c = 0; c < nch; c++) {
        m->channel_sum[c] = m->channel_sum_sq[c] = 0;
        m->channel_peak[c] = 0;
    }
    for (size_t k = 0; k < m->chunks; k++)
        for (int c = 0; c < nch; c++) {
            m->channel_sum[c] += m->sum[k * nch + c];
            m->channel_sum_sq[c] += m->sum_sq[k * nch + c];
            m->channel_peak[c] = fmaxf(m->channel_peak[c], m->peak[k * nch + c]);
        }
    return WP_OK;
}

static double amp_db(double amp) { return amp > 0 ? 20.0 * log10(amp) : -INFINITY; }

/* ---- analyze ---- */

typedef struct analyze_ctx {
    wp_track track;
    float *ch[WP_JOBS_MAX_CHANNELS];
    wp_analysis *out;
} analyze_ctx;

static wp_status analyze_body(wp_job *job)
{
    analyze_ctx *x = job->ctx;
    const wp_track *t = &x->track;
    wp_analysis *a = x->out;
    job->total = 2 * t->frames;
    measure m;
    wp_status st = measure_run(&m, job, t, a->short_term, a->short_term_capacity, 1);
    if (st != WP_OK)
        return st;
    a->integrated_lufs = wp_loudness_integrated(m.merged);
    a->loudness_range_lu = wp_loudness_range(m.merged);
    a->channels = t->channel_count;
    a->sample_rate = t->sample_rate;
    a->duration_s = (double)t->frames / t->sample_rate;
    a->true_peak_dbtp = a->sample_peak_dbfs = -INFINITY;
    for (int c = 0; c < t->channel_count; c++) {
        double ms = m.channel_sum_sq[c] / (double)t->frames;
        a->rms_dbfs[c] = ms > 0 ? 10.0 * log10(ms) : -INFINITY;
        a->dc[c] = m.channel_sum[c] / (double)t->frames;
        a->channel_sample_peak_dbfs[c] = amp_db(m.channel_peak[c]);
        a->channel_true_peak_dbtp[c] = amp_db(wp_loudness_true_peak(m.merged, c));
        a->sample_peak_dbfs = fmax(a->sample_peak_dbfs, a->channel_sample_peak_dbfs[c]);
        a->true_peak_dbtp = fmax(a->true_peak_dbtp, a->channel_true_peak_dbtp[c]);
    }
    size_t values = t->frames / m.block;
    a->short_term_count = a->short_term ? (values < a->short_term_capacity ? values : a->short_term_capacity) : 0;
    measure_free(&m);
    return WP_OK;
}

wp_status wp_job_analyze(wp_pool *pool, const wp_track *track, wp_analysis *out, wp_job **out_job)
{
    wp_status st = wp_jobs_check_track(track);
    if (st != WP_OK)
        return st;
    if (!pool || !out || !out_job || (!out->short_term && out->short_term_capacity))
        return WP_ERR_INVALID_ARGUMENT;
    analyze_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return WP_ERR_OUT_OF_MEMORY;
    x->track = *track;
    wp_jobs_keep_track(&x->track, x->ch);
    x->out = out;
    return wp_job_start(pool, analyze_body, x, free, out_job);
}

/* ---- normalize ---- */

typedef struct normalize_ctx {
    wp_track track;
    float *ch[WP_JOBS_MAX_CHANNELS];
    wp_normalize_config config;
    wp_normalize_report *report;
    float gain;
} normalize_ctx;

/* The value of `mode` and the true peak, as wp_normalize_measure gives. */
static wp_status measure_mode(wp_job *job, const wp_track *t, wp_normalize_mode mode, int check_cancel,
                              double *value, double *true_peak)
{
    measure m;
    wp_status st = measure_run(&m, job, t, NULL, 0, check_cancel);
    if (st != WP_OK)
        return st;
    double peak = 0, sum_sq = 0, tp = 0;
    for (int c = 0; c < t->channel_count; c++) {
        peak = fmax(peak, m.channel_peak[c]);
        sum_sq += m.channel_sum_sq[c];
        tp = fmax(tp, wp_loudness_true_peak(m.merged, c));
    }
    if (mode == WP_NORMALIZE_PEAK)
        *value = amp_db(peak);
    else if (mode == WP_NORMALIZE_RMS)
        *value = sum_sq > 0 ? 10.0 * log10(sum_sq / ((double)t->frames * t->channel_count)) : -INFINITY;
    else
        *value = wp_loudness_integrated(m.merged);
    *true_peak = amp_db(tp);
    measure_free(&m);
    return WP_OK;
}

typedef struct gain_run {
    wp_job *job;
    const normalize_ctx *x;
} gain_run;

static wp_status gain_fn(void *arg, size_t begin, size_t end)
{
    gain_run *r = arg;
    for (int c = 0; c < r->x->track.channel_count; c++)
        for (size_t i = begin; i < end; i++)
            r->x->track.channels[c][i] *= r->x->gain;
    wp_job_advance(r->job, end - begin);
    return WP_OK;
}

static wp_status normalize_body(wp_job *job)
{
    normalize_ctx *x = job->ctx;
    const wp_track *t = &x->track;
    wp_normalize_report rep;
    memset(&rep, 0, sizeof rep);
    job->total = 5 * t->frames;
    wp_status st = measure_mode(job, t, x->config.mode, 1, &rep.before, &rep.true_peak_before);
    if (st != WP_OK)
        return st;
    int limit = wp_normalize_plan(&x->config, &rep);
    if (rep.silent) {
        *x->report = rep;
        return WP_OK;
    }
    /* Last chance to cancel: from here the track changes, and a cancelled
     * job must leave it untouched. */
    if (wp_job_cancelled(job))
        return WP_ERR_CANCELLED;
    float *copy = NULL;
    if (limit) {
        int nch = t->channel_count;
        copy = malloc((size_t)nch * t->frames * sizeof *copy);
        if (!copy)
            return WP_ERR_OUT_OF_MEMORY;
        const float *original[WP_JOBS_MAX_CHANNELS];
        for (int c = 0; c < nch; c++) {
            memcpy(copy + (size_t)c * t->frames, t->channels[c], t->frames * sizeof(float));
            original[c] = copy + (size_t)c * t->frames;
        }
        st = wp_normalize_gain_and_limit(&x->config, original, t->channels, nch, t->frames, t->sample_rate, &rep);
        wp_job_advance(job, t->frames);
    } else {
        x->gain = (float)wp_db_to_gain(rep.gain_db); /* as wp_normalize applies it */
        gain_run r = {job, x};
        st = wp_pool_parallel_for(job->pool, t->frames, wp_jobs_chunk_frames(), gain_fn, &r);
    }
    if (st == WP_OK)
        st = measure_mode(job, t, x->config.mode, 0, &rep.after, &rep.true_peak_after);
    if (st != WP_OK && copy) /* lose nothing: put the input back */
        for (int c = 0; c < t->channel_count; c++)
            memcpy(t->channels[c], copy + (size_t)c * t->frames, t->frames * sizeof(float));
    free(copy);
    if (st == WP_OK)
        *x->report = rep;
    return st;
}

wp_status wp_job_normalize(wp_pool *pool, const wp_track *track, const wp_normalize_config *config,
                           wp_normalize_report *report, wp_job **out_job)
{
    wp_status st = wp_jobs_check_track(track);
    if (st != WP_OK)
        return st;
    if (!pool || !config || !report || !out_job)
        return WP_ERR_INVALID_ARGUMENT;
    if ((st = wp_normalize_check_config(config)) != WP_OK)
        return st;
    normalize_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return WP_ERR_OUT_OF_MEMORY;
    x->track = *track;
    wp_jobs_keep_track(&x->track, x->ch);
    x->config = *config;
    x->report = report;
    return wp_job_start(pool, normalize_body, x, free, out_job);
}
