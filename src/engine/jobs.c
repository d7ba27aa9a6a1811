/* Offline jobs: the handle and its lifetime, spectrum, spectrogram,
 * overview and render (analysis and normalize are in jobs_analysis.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/dsp_util.h"
#include "jobs_internal.h"

#ifdef WP_HAVE_THREADS
#include <sched.h>
#define wp_job_yield() sched_yield()
#else
#define wp_job_yield() ((void)0) /* inline pool: a task is never in flight */
#endif

/* Frames per parallel chunk. Set before submitting (see jobs.h); atomic only
 * so that a careless concurrent set is not a data race. */
static _Atomic size_t g_chunk_frames = WP_JOBS_DEFAULT_CHUNK_FRAMES;

wp_status wp_jobs_set_chunk_frames(size_t frames)
{
    if (frames < 1024 || frames > ((size_t)1 << 24))
        return WP_ERR_OUT_OF_RANGE;
    atomic_store(&g_chunk_frames, frames);
    return WP_OK;
}

size_t wp_jobs_chunk_frames(void) { return atomic_load(&g_chunk_frames); }

wp_status wp_jobs_check_track(const wp_track *t)
{
    if (!t || !t->channels || t->frames == 0)
        return WP_ERR_INVALID_ARGUMENT;
    _Static_assert(WP_JOBS_MAX_CHANNELS == WP_DSP_MAX_CHANNELS, "jobs feed whole tracks to the meters");
    if (wp_check_rate_channels(t->sample_rate, t->channel_count) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    for (int c = 0; c < t->channel_count; c++)
        if (!t->channels[c])
            return WP_ERR_INVALID_ARGUMENT;
    return WP_OK;
}

void wp_jobs_keep_track(wp_track *track, float **store)
{
    for (int c = 0; c < track->channel_count; c++)
        store[c] = track->channels[c];
    track->channels = store;
}

static void job_unref(wp_job *job)
{
    if (atomic_fetch_sub(&job->refs, 1) == 1) {
        job->free_ctx(job->ctx);
        free(job);
    }
}

int wp_job_cancelled(const wp_job *job)
{
    return wp_task_cancel_requested(job->self);
}

void wp_job_advance(wp_job *job, size_t units)
{
    size_t done = atomic_fetch_add_explicit(&job->done, units, memory_order_relaxed) + units;
    wp_task_set_progress(job->self, job->total ? (float)((double)done / (double)job->total) : 0.0f);
}

static wp_status job_main(wp_task *self, void *arg)
{
    wp_job *job = arg;
    job->self = self;
    atomic_store(&job->started, 1);
    wp_status st = wp_job_cancelled(job) ? WP_ERR_CANCELLED : job->body(job);
    job_unref(job); /* last touch of the job by the body */
    return st;
}

wp_status wp_job_start(wp_pool *pool, job_body body, void *ctx, void (*free_ctx)(void *), wp_job **out_job)
{
    wp_job *job = calloc(1, sizeof *job);
    if (!job) {
        free_ctx(ctx);
        return WP_ERR_OUT_OF_MEMORY;
    }
    job->pool = pool;
    job->body = body;
    job->ctx = ctx;
    job->free_ctx = free_ctx;
    atomic_init(&job->started, 0);
    atomic_init(&job->refs, 2);
    atomic_init(&job->done, 0);
    wp_task *task;
    wp_status st = wp_pool_submit(pool, job_main, job, &task);
    if (st != WP_OK) {
        free_ctx(ctx);
        free(job);
        return st;
    }
    job->task = task;
    *out_job = job;
    return WP_OK;
}

wp_status wp_job_poll(const wp_job *job) { return job ? wp_task_poll(job->task) : WP_ERR_INVALID_ARGUMENT; }
wp_status wp_job_wait(wp_job *job) { return job ? wp_task_wait(job->task) : WP_ERR_INVALID_ARGUMENT; }
float wp_job_progress(const wp_job *job) { return job ? wp_task_progress(job->task) : 0.0f; }

void wp_job_cancel(wp_job *job)
{
    if (job)
        wp_task_cancel(job->task);
}

/* The body frees the job when it ends after the release; but a task can
 * finish without its body ever running (cancelled while queued, pool
 * destroyed first), and then the release must free it. A task taken off the
 * queue either starts its body or is finalized within a few instructions,
 * so the short spin below never waits for real work. */
void wp_job_release(wp_job *job)
{
    if (!job)
        return;
    wp_task_cancel(job->task);
    while (wp_task_poll(job->task) == WP_PENDING && !atomic_load(&job->started))
        wp_job_yield();
    if (!atomic_load(&job->started))
        atomic_fetch_sub(&job->refs, 1); /* the body's reference: it never ran */
    wp_task_release(job->task);
    job_unref(job);
}

/* ---- spectrum and spectrogram ---- */

typedef struct fft_ctx {
    wp_track track;
    float *ch[WP_JOBS_MAX_CHANNELS];
    size_t n, hop, start, frames_out;
    wp_window window;
    float floor_db;
    int channel; /* -1 = all */
    float *out;
} fft_ctx;

static void free_plain(void *ctx) { free(ctx); }

static int window_ok(wp_window w) { return (unsigned)w < (unsigned)WP_WINDOW_COUNT; }

/* Size accepted by the FFT: checked by making (and dropping) a plan so the
 * rule lives in one place. */
static wp_status check_fft_size(size_t n)
{
    wp_fft *plan;
    wp_status st = wp_fft_create(n, WP_FFT_REAL, &plan);
    if (st == WP_OK)
        wp_fft_destroy(plan);
    return st;
}

typedef struct fft_scratch {
    wp_fft *plan; /* shared, read-only */
    float *window, *buf, *spec, *work, *acc;
} fft_scratch;

static void scratch_free(fft_scratch *s)
{
    wp_fft_free(s->buf);
    wp_fft_free(s->spec);
    wp_fft_free(s->work);
    wp_fft_free(s->acc);
}

static wp_status scratch_alloc(fft_scratch *s, size_t n)
{
    s->buf = wp_fft_alloc(n);
    s->spec = wp_fft_alloc(n + 2);
    s->work = wp_fft_alloc(n * 2);
    s->acc = wp_fft_alloc(n / 2 + 1);
    if (!s->buf || !s->spec || !s->work || !s->acc) {
        scratch_free(s);
        return WP_ERR_OUT_OF_MEMORY;
    }
    return WP_OK;
}

/* dB spectrum of n samples from `start` into out (n/2+1 values): power of
 * each channel (non-finite samples read as 0), averaged over channels. */
static wp_status frame_db(const fft_ctx *x, fft_scratch *s, size_t start, float *out)
{
    size_t n = x->n, bins = n / 2 + 1, frames = x->track.frames;
    int c0 = x->channel < 0 ? 0 : x->channel;
    int c1 = x->channel < 0 ? x->track.channel_count : x->channel + 1;
    for (int c = c0; c < c1; c++) {
        const float *src = x->ch[c];
        for (size_t i = 0; i < n; i++) {
            float v = start + i < frames ? src[start + i] : 0.0f;
            s->buf[i] = isfinite(v) ? v * s->window[i] : 0.0f;
        }
        wp_status st = wp_fft_forward_real(s->plan, s->buf, s->spec, s->work);
        if (st != WP_OK)
            return st;
        wp_spectrum_power(s->spec, bins, s->spec);
        for (size_t k = 0; k < bins; k++)
            s->acc[k] = c == c0 ? s->spec[k] : s->acc[k] + s->spec[k];
    }
    double amp = 2.0 / ((double)n * wp_window_coherent_gain(x->window));
    wp_power_to_db(s->acc, bins, (float)(amp * amp / (c1 - c0)), x->floor_db, out);
    return WP_OK;
}

static wp_status make_plan(const fft_ctx *x, fft_scratch *s)
{
    memset(s, 0, sizeof *s);
    wp_status st = wp_fft_create(x->n, WP_FFT_REAL, &s->plan);
    if (st != WP_OK)
        return st;
    s->window = wp_fft_alloc(x->n);
    if (!s->window) {
        wp_fft_destroy(s->plan);
        return WP_ERR_OUT_OF_MEMORY;
    }
    st = wp_window_fill(x->window, s->window, x->n);
    if (st != WP_OK) {
        wp_fft_free(s->window);
        wp_fft_destroy(s->plan);
    }
    return st;
}

static void drop_plan(fft_scratch *s)
{
    wp_fft_free(s->window);
    wp_fft_destroy(s->plan);
}

static wp_status spectrum_body(wp_job *job)
{
    fft_ctx *x = job->ctx;
    fft_scratch s;
    wp_status st = make_plan(x, &s);
    if (st != WP_OK)
        return st;
    st = scratch_alloc(&s, x->n);
    if (st == WP_OK) {
        st = frame_db(x, &s, x->start, x->out);
        scratch_free(&s);
    }
    drop_plan(&s);
    return st;
}

wp_status wp_job_spectrum(wp_pool *pool, const wp_track *track, const wp_spectrum_params *p, float *out_db,
                          wp_job **out_job)
{
    wp_status st = wp_jobs_check_track(track);
    if (st != WP_OK)
        return st;
    if (!pool || !p || !out_db || !out_job || !window_ok(p->window))
        return WP_ERR_INVALID_ARGUMENT;
    if (p->start_frame >= track->frames || wp_check_range(p->floor_db, -300.0, 0.0) != WP_OK || p->channel < -1 ||
        p->channel >= track->channel_count)
        return WP_ERR_OUT_OF_RANGE;
    if ((st = check_fft_size(p->fft_size)) != WP_OK)
        return st;
    fft_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return WP_ERR_OUT_OF_MEMORY;
    *x = (fft_ctx){*track, {0}, p->fft_size, 0, p->start_frame, 1, p->window, (float)p->floor_db,
                   p->channel, out_db};
    wp_jobs_keep_track(&x->track, x->ch);
    return wp_job_start(pool, spectrum_body, x, free_plain, out_job);
}

size_t wp_spectrogram_frames(size_t track_frames, size_t fft_size, size_t hop)
{
    (void)fft_size;
    return hop ? (track_frames + hop - 1) / hop : 0;
}

typedef struct spectrogram_run {
    wp_job *job;
    const fft_ctx *x;
    fft_scratch shared; /* plan and window */
} spectrogram_run;

/* A chunk of frames with its own work buffers. */
static wp_status spectrogram_chunk(void *arg, size_t begin, size_t end)
{
    spectrogram_run *r = arg;
    if (wp_job_cancelled(r->job))
        return WP_ERR_CANCELLED;
    fft_scratch s = r->shared;
    wp_status st = scratch_alloc(&s, r->x->n);
    if (st != WP_OK)
        return st;
    size_t bins = r->x->n / 2 + 1;
    for (size_t k = begin; k < end && st == WP_OK; k++)
        st = frame_db(r->x, &s, k * r->x->hop, r->x->out + k * bins);
    scratch_free(&s);
    if (st == WP_OK)
        wp_job_advance(r->job, end - begin);
    return st;
}

static wp_status spectrogram_body(wp_job *job)
{
    fft_ctx *x = job->ctx;
    spectrogram_run r = {job, x, {0}};
    wp_status st = make_plan(x, &r.shared);
    if (st != WP_OK)
        return st;
    job->total = x->frames_out;
    size_t grain = wp_jobs_chunk_frames() / x->hop;
    st = wp_pool_parallel_for(job->pool, x->frames_out, grain ? grain : 1, spectrogram_chunk, &r);
    drop_plan(&r.shared);
    return st;
}

wp_status wp_job_spectrogram(wp_pool *pool, const wp_track *track, const wp_spectrogram_params *p, float *out,
                             size_t out_floats, wp_job **out_job)
{
    wp_status st = wp_jobs_check_track(track);
    if (st != WP_OK)
        return st;
    if (!pool || !p || !out || !out_job || !window_ok(p->window))
        return WP_ERR_INVALID_ARGUMENT;
    if (p->hop < 1 || p->hop > p->fft_size || wp_check_range(p->db_range, 20.0, 300.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    if ((st = check_fft_size(p->fft_size)) != WP_OK)
        return st;
    size_t frames = wp_spectrogram_frames(track->frames, p->fft_size, p->hop);
    if (out_floats / (p->fft_size / 2 + 1) < frames)
        return WP_ERR_INVALID_ARGUMENT; /* output too small */
    fft_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return WP_ERR_OUT_OF_MEMORY;
    *x = (fft_ctx){*track, {0}, p->fft_size, p->hop, 0, frames, p->window, (float)-p->db_range, -1, out};
    wp_jobs_keep_track(&x->track, x->ch);
    return wp_job_start(pool, spectrogram_body, x, free_plain, out_job);
}

/* ---- overview ---- */

typedef struct overview_ctx {
    wp_track track;
    float *ch[WP_JOBS_MAX_CHANNELS];
    size_t begin, len, columns;
    float *min, *max, *rms;
} overview_ctx;

typedef struct overview_run {
    wp_job *job;
    const overview_ctx *x;
} overview_run;

static size_t column_start(const overview_ctx *x, size_t j)
{
    /* 64-bit: j * len overflows a 32-bit size_t (wasm) for long tracks. */
    return x->begin + (size_t)((uint64_t)j * x->len / x->columns);
}

static wp_status overview_chunk(void *arg, size_t begin, size_t end)
{
    overview_run *r = arg;
    const overview_ctx *x = r->x;
    if (wp_job_cancelled(r->job))
        return WP_ERR_CANCELLED;
    for (int c = 0; c < x->track.channel_count; c++) {
        const float *src = x->track.channels[c];
        for (size_t j = begin; j < end; j++) {
            size_t a = column_start(x, j), b = column_start(x, j + 1);
            float lo = 0, hi = 0;
            double sq = 0;
            for (size_t i = a; i < b; i++) {
                float v = isfinite(src[i]) ? src[i] : 0.0f;
                if (i == a || v < lo)
                    lo = v;
                if (i == a || v > hi)
                    hi = v;
                sq += (double)v * v;
            }
            size_t at = (size_t)c * x->columns + j;
            x->min[at] = lo;
            x->max[at] = hi;
            if (x->rms)
                x->rms[at] = b > a ? (float)sqrt(sq / (double)(b - a)) : 0.0f;
        }
    }
    wp_job_advance(r->job, end - begin);
    return WP_OK;
}

static wp_status overview_body(wp_job *job)
{
    overview_ctx *x = job->ctx;
    overview_run r = {job, x};
    job->total = x->columns;
    size_t per_column = x->len / x->columns;
    size_t grain = per_column ? wp_jobs_chunk_frames() / per_column : wp_jobs_chunk_frames();
    return wp_pool_parallel_for(job->pool, x->columns, grain ? grain : 1, overview_chunk, &r);
}

wp_status wp_job_overview(wp_pool *pool, const wp_track *track, const wp_overview_params *p, float *out_min,
                          float *out_max, float *out_rms, wp_job **out_job)
{
    wp_status st = wp_jobs_check_track(track);
    if (st != WP_OK)
        return st;
    if (!pool || !p || !out_min || !out_max || !out_job)
        return WP_ERR_INVALID_ARGUMENT;
    if (p->begin >= p->end || p->end > track->frames || p->columns < 1 || p->columns > ((size_t)1 << 24))
        return WP_ERR_OUT_OF_RANGE;
    overview_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return WP_ERR_OUT_OF_MEMORY;
    *x = (overview_ctx){*track, {0}, p->begin, p->end - p->begin, p->columns, out_min, out_max, out_rms};
    wp_jobs_keep_track(&x->track, x->ch);
    return wp_job_start(pool, overview_body, x, free_plain, out_job);
}

/* ---- render ---- */

#define RENDER_BLOCK 4096

typedef struct render_ctx {
    wp_track track;
    float *ch[2], *out[2];
    size_t tail;
    double values[WP_CHAIN_PARAM_COUNT];
    wp_chain_fx order[WP_CHAIN_FX_COUNT];
} render_ctx;

static wp_status render_run(wp_job *job, const render_ctx *x, wp_chain *chain, float *scratch)
{
    int nch = x->track.channel_count;
    size_t frames = x->track.frames, latency = wp_chain_latency(chain);
    size_t total = frames + latency + x->tail;
    float *block[2] = {scratch, scratch + RENDER_BLOCK};
    job->total = total;
    /* Reading block [d, d+n) before writing [d-latency, d+n-latency) keeps
     * an in-place render (out == track) correct. */
    for (size_t done = 0; done < total; done += RENDER_BLOCK) {
        if (wp_job_cancelled(job))
            return WP_ERR_CANCELLED;
        size_t n = total - done < RENDER_BLOCK ? total - done : RENDER_BLOCK;
        for (int c = 0; c < nch; c++)
            for (size_t i = 0; i < n; i++) {
                float v = done + i < frames ? x->track.channels[c][done + i] : 0.0f;
                if (!isfinite(v))
                    return WP_ERR_NOT_FINITE;
                block[c][i] = v;
            }
        wp_chain_process_planar(chain, block, n);
        for (int c = 0; c < nch; c++)
            for (size_t i = 0; i < n; i++)
                if (done + i >= latency)
                    x->out[c][done + i - latency] = block[c][i];
        wp_job_advance(job, n);
    }
    return WP_OK;
}

static wp_status render_body(wp_job *job)
{
    render_ctx *x = job->ctx;
    wp_chain *chain;
    wp_status st = wp_chain_create(x->track.sample_rate, x->track.channel_count, &chain);
    if (st != WP_OK)
        return st;
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT && st == WP_OK; p++)
        st = wp_chain_set(chain, (wp_chain_param)p, x->values[p]);
    if (st == WP_OK)
        st = wp_chain_set_order(chain, x->order);
    float *scratch = st == WP_OK ? malloc(2 * RENDER_BLOCK * sizeof *scratch) : NULL;
    if (st == WP_OK && !scratch)
        st = WP_ERR_OUT_OF_MEMORY;
    if (st == WP_OK) {
        /* Apply the settings, then start from a reset state so nothing
         * glides from the defaults. */
        wp_chain_process_planar(chain, (float *const[2]){scratch, scratch + RENDER_BLOCK}, 0);
        wp_chain_reset(chain);
        st = render_run(job, x, chain, scratch);
    }
    free(scratch);
    wp_chain_destroy(chain);
    return st;
}

wp_status wp_job_render(wp_pool *pool, const wp_track *track, const wp_chain *settings, size_t tail_frames,
                        float *const *out, wp_job **out_job)
{
    wp_status st = wp_jobs_check_track(track);
    if (st != WP_OK)
        return st;
    if (!pool || !settings || !out || !out_job)
        return WP_ERR_INVALID_ARGUMENT;
    if (track->channel_count > 2)
        return WP_ERR_OUT_OF_RANGE;
    for (int c = 0; c < track->channel_count; c++)
        if (!out[c] || (tail_frames > 0 && out[c] == track->channels[c]))
            return WP_ERR_INVALID_ARGUMENT;
    render_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return WP_ERR_OUT_OF_MEMORY;
    x->track = *track;
    wp_jobs_keep_track(&x->track, x->ch);
    x->tail = tail_frames;
    for (int c = 0; c < track->channel_count; c++)
        x->out[c] = out[c];
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++)
        x->values[p] = wp_chain_get(settings, (wp_chain_param)p);
    wp_chain_get_order(settings, x->order);
    return wp_job_start(pool, render_body, x, free_plain, out_job);
}
