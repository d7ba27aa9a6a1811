/* Flat C API the browser glue calls (exported with a wpb_ prefix). No DSP
 * here: it only owns the one pool and player of the page and turns handles into
 * integers JavaScript can hold. Every function is non-blocking, because
 * the browser main thread must never wait on a thread. */
#include <emscripten/emscripten.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wavepool/chain.h"
#include "wavepool/demo.h"
#include "wavepool/fft.h"
#include "wavepool/generator.h"
#include "wavepool/jobs.h"
#include "wavepool/normalize.h"
#include "wavepool/player.h"
#include "wavepool/pool.h"
#include "wavepool/status.h"

#ifdef __EMSCRIPTEN_PTHREADS__
#include <emscripten/threading.h>
#endif

static wp_pool *page_pool;

/* For the other web/bindings_*.c files (their jobs run on this pool). */
EMSCRIPTEN_KEEPALIVE wp_pool *wpb_page_pool(void) { return page_pool; }

EMSCRIPTEN_KEEPALIVE int wpb_threaded(void)
{
#ifdef __EMSCRIPTEN_PTHREADS__
    return 1;
#else
    return 0;
#endif
}

/* Starts the page's pool; returns a wp_status. Workers come up
 * asynchronously in the browser: poll wpb_workers_running. */
EMSCRIPTEN_KEEPALIVE int wpb_pool_start(int workers)
{
    if (page_pool)
        return WP_ERR_INVALID_ARGUMENT;
    return wp_pool_create(workers, &page_pool);
}

EMSCRIPTEN_KEEPALIVE int wpb_workers_requested(void)
{
    return page_pool ? wp_pool_workers_requested(page_pool) : 0;
}

EMSCRIPTEN_KEEPALIVE int wpb_workers_running(void)
{
    return page_pool ? wp_pool_workers_running(page_pool) : 0;
}

EMSCRIPTEN_KEEPALIVE const char *wpb_strerror(int status)
{
    return wp_strerror((wp_status)status);
}

EMSCRIPTEN_KEEPALIVE int wpb_window_from_name(const char *name)
{
    wp_window w;
    return wp_window_from_name(name, &w) == WP_OK ? (int)w : -1;
}

/* One spectrum job: dB magnitude of a windowed real FFT of `n` samples.
 * JavaScript holds the job pointer as the handle. */
typedef struct spectrum_job {
    const float *samples;
    float *out_db; /* n/2+1 values */
    size_t n;
    wp_window window;
    float floor_db;
    int ran_off_main_thread;
    wp_task *task;
} spectrum_job;

static wp_status spectrum_task(wp_task *self, void *arg)
{
    spectrum_job *job = arg;
    wp_fft *plan = NULL;
    wp_status st = wp_fft_create(job->n, WP_FFT_REAL, &plan);
    if (st != WP_OK)
        return st;
    float *buf = wp_fft_alloc(job->n + 2);
    float *win = wp_fft_alloc(job->n);
    float *work = wp_fft_alloc(wp_fft_work_floats(plan));
    if (!buf || !win || !work) {
        st = WP_ERR_OUT_OF_MEMORY;
        goto done;
    }
    st = wp_window_fill(job->window, win, job->n);
    if (st != WP_OK)
        goto done;
    for (size_t i = 0; i < job->n; i++)
        buf[i] = job->samples[i] * win[i];
    wp_task_set_progress(self, 0.5f);
    st = wp_fft_forward_real(plan, buf, buf, work);
    if (st != WP_OK)
        goto done;
    size_t bins = job->n / 2 + 1;
    wp_spectrum_magnitude(buf, bins, buf);
    float scale = (float)(2.0 / ((double)job->n * wp_window_coherent_gain(job->window)));
    wp_amplitude_to_db(buf, bins, scale, job->floor_db, job->out_db);
#ifdef __EMSCRIPTEN_PTHREADS__
    job->ran_off_main_thread = !emscripten_is_main_browser_thread();
#endif
done:
    wp_fft_free(work);
    wp_fft_free(win);
    wp_fft_free(buf);
    wp_fft_destroy(plan);
    return st;
}

/* Submits a spectrum job on the page pool. `samples` and `out_db` live in
 * wasm memory and must stay alive until the job is final. Returns the job
 * handle, or NULL with *out_status set. */
EMSCRIPTEN_KEEPALIVE spectrum_job *wpb_spectrum_submit(const float *samples, int n, int window,
                                                       float floor_db, float *out_db, int *out_status)
{
    spectrum_job *job = NULL;
    wp_status st = WP_ERR_INVALID_ARGUMENT;
    if (!page_pool || !samples || !out_db || n <= 0 || window < 0 || window >= WP_WINDOW_COUNT)
        goto fail;
    job = calloc(1, sizeof *job);
    if (!job) {
        st = WP_ERR_OUT_OF_MEMORY;
        goto fail;
    }
    *job = (spectrum_job){samples, out_db, (size_t)n, (wp_window)window, floor_db, 0, NULL};
    st = wp_pool_submit(page_pool, spectrum_task, job, &job->task);
    if (st != WP_OK)
        goto fail;
    *out_status = WP_OK;
    return job;
fail:
    free(job);
    *out_status = st;
    return NULL;
}

EMSCRIPTEN_KEEPALIVE int wpb_job_poll(const spectrum_job *job) { return wp_task_poll(job->task); }
EMSCRIPTEN_KEEPALIVE float wpb_job_progress(const spectrum_job *job) { return wp_task_progress(job->task); }
EMSCRIPTEN_KEEPALIVE void wpb_job_cancel(spectrum_job *job) { wp_task_cancel(job->task); }
EMSCRIPTEN_KEEPALIVE int wpb_job_ran_off_main_thread(const spectrum_job *job) { return job->ran_off_main_thread; }

/* Frees a final job and returns WP_OK; a job still running is asked to
 * cancel and kept (WP_PENDING): release it again once poll says it is final. */
EMSCRIPTEN_KEEPALIVE int wpb_job_release(spectrum_job *job)
{
    if (wp_task_poll(job->task) == WP_PENDING) {
        wp_task_cancel(job->task);
        return WP_PENDING;
    }
    wp_task_release(job->task);
    free(job);
    return WP_OK;
}

/* ---- Tracks ------------------------------------------------------------
 * Planar float channels in wasm memory, filled by JavaScript (decoded
 * audio is copied in once). One allocation per channel: a one-hour stereo
 * track needs two blocks of 691 MB rather than one of 1.38 GB, which a
 * grown heap finds more easily. */
typedef struct wpb_track {
    wp_track track;
    float *channels[WP_JOBS_MAX_CHANNELS];
} wpb_track;

EMSCRIPTEN_KEEPALIVE void wpb_track_free(wpb_track *t)
{
    if (!t)
        return;
    for (int c = 0; c < WP_JOBS_MAX_CHANNELS; c++)
        free(t->channels[c]);
    free(t);
}

/* NULL with *out_status set when out of range or out of memory. */
EMSCRIPTEN_KEEPALIVE wpb_track *wpb_track_create(int channels, double frames, double sample_rate,
                                                 int *out_status)
{
    *out_status = WP_ERR_OUT_OF_RANGE;
    if (channels < 1 || channels > WP_JOBS_MAX_CHANNELS || !(frames >= 1) ||
        frames * channels * sizeof(float) > (double)SIZE_MAX / 2)
        return NULL;
    *out_status = WP_ERR_OUT_OF_MEMORY;
    wpb_track *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    for (int c = 0; c < channels; c++) {
        t->channels[c] = malloc((size_t)frames * sizeof(float));
        if (!t->channels[c]) {
            wpb_track_free(t);
            return NULL;
        }
    }
    t->track = (wp_track){t->channels, channels, (size_t)frames, sample_rate};
    *out_status = WP_OK;
    return t;
}

EMSCRIPTEN_KEEPALIVE float *wpb_track_channel(wpb_track *t, int channel) { return t->channels[channel]; }

/* ---- The built-in demo piece: rendered on the pool in chunks ---------- */

typedef struct demo_job {
    double rate;
    wpb_track *out;
    wp_task *task;
} demo_job;

enum { DEMO_CHUNK_FRAMES = 32768 };

static wp_status demo_chunk(void *arg, size_t begin, size_t end)
{
    demo_job *job = arg;
    float *const *ch = job->out->channels;
    return wp_demo_render(job->rate, ch[0] + begin, ch[1] + begin, begin, end - begin);
}

static wp_status demo_task(wp_task *self, void *arg)
{
    (void)self;
    demo_job *job = arg;
    return wp_pool_parallel_for(page_pool, job->out->track.frames, DEMO_CHUNK_FRAMES, demo_chunk, job);
}

/* Renders the demo into `out` (a stereo track of wpb_demo_frames frames). */
EMSCRIPTEN_KEEPALIVE demo_job *wpb_demo_submit(wpb_track *out, int *out_status)
{
    demo_job *job = NULL;
    wp_status st = WP_ERR_INVALID_ARGUMENT;
    if (!page_pool || !out || out->track.channel_count != 2 ||
        out->track.frames != wp_demo_frames(out->track.sample_rate))
        goto fail;
    st = WP_ERR_OUT_OF_MEMORY;
    job = calloc(1, sizeof *job);
    if (!job)
        goto fail;
    *job = (demo_job){out->track.sample_rate, out, NULL};
    st = wp_pool_submit(page_pool, demo_task, job, &job->task);
    if (st != WP_OK)
        goto fail;
    *out_status = WP_OK;
    return job;
fail:
    free(job);
    *out_status = st;
    return NULL;
}

/* Renders frames [begin, begin + frames) of the demo into `out` at once,
 * on this thread (hosts without pool workers render it in slices). */
EMSCRIPTEN_KEEPALIVE int wpb_demo_render_range(wpb_track *out, double begin, double frames)
{
    if (!out || out->track.channel_count != 2 || begin < 0 || frames < 0 ||
        begin + frames > (double)out->track.frames)
        return WP_ERR_OUT_OF_RANGE;
    float *const *ch = out->channels;
    return wp_demo_render(out->track.sample_rate, ch[0] + (size_t)begin, ch[1] + (size_t)begin, (size_t)begin,
                          (size_t)frames);
}

EMSCRIPTEN_KEEPALIVE double wpb_demo_frames(double sample_rate) { return (double)wp_demo_frames(sample_rate); }
EMSCRIPTEN_KEEPALIVE const char *wpb_demo_title(void) { return wp_demo_title(); }
EMSCRIPTEN_KEEPALIVE int wpb_demo_poll(const demo_job *job) { return wp_task_poll(job->task); }

/* Frees a final demo job (the track stays); WP_PENDING while it runs. */
EMSCRIPTEN_KEEPALIVE int wpb_demo_release(demo_job *job)
{
    if (wp_task_poll(job->task) == WP_PENDING)
        return WP_PENDING;
    wp_task_release(job->task);
    free(job);
    return WP_OK;
}

/* ---- Offline tasks on a track (jobs.h) ---------------------------------
 * A task owns its result memory; JavaScript reads it once the task is
 * final (wpb_task_values / wpb_task_data) and then releases the task. The
 * track must stay alive until then. */
enum { TASK_SPECTROGRAM = 0, TASK_NORMALIZE, TASK_ANALYZE, TASK_OVERVIEW };
enum { TASK_VALUES = 24 };

typedef struct track_task {
    int kind;
    wp_job *job;
    float *data;                /* spectrogram rows, or overview min|max|rms rows */
    size_t data_floats;
    wp_normalize_report report;
    wp_analysis analysis;
} track_task;

static track_task *task_new(int kind, size_t data_floats)
{
    track_task *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->kind = kind;
    t->data_floats = data_floats;
    if (data_floats && !(t->data = malloc(data_floats * sizeof(float)))) {
        free(t);
        return NULL;
    }
    return t;
}

static void task_free(track_task *t)
{
    free(t->data);
    free(t);
}

static track_task *task_started(track_task *t, wp_status st, int *out_status)
{
    *out_status = st;
    if (st == WP_OK)
        return t;
    task_free(t);
    return NULL;
}

EMSCRIPTEN_KEEPALIVE double wpb_spectrogram_frames(double frames, int fft_size, int hop)
{
    return (double)wp_spectrogram_frames((size_t)frames, (size_t)fft_size, (size_t)hop);
}

EMSCRIPTEN_KEEPALIVE track_task *wpb_spectrogram_submit(wpb_track *track, int fft_size, int hop, int window,
                                                       double db_range, int *out_status)
{
    if (!page_pool || !track || fft_size <= 0 || hop <= 0 || window < 0 || window >= WP_WINDOW_COUNT)
        return task_started(NULL, WP_ERR_INVALID_ARGUMENT, out_status);
    size_t rows = wp_spectrogram_frames(track->track.frames, (size_t)fft_size, (size_t)hop);
    size_t floats = rows * ((size_t)fft_size / 2 + 1);
    track_task *t = task_new(TASK_SPECTROGRAM, floats);
    if (!t)
        return task_started(NULL, WP_ERR_OUT_OF_MEMORY, out_status);
    wp_spectrogram_params p = {(size_t)fft_size, (size_t)hop, (wp_window)window, db_range};
    return task_started(t, wp_job_spectrogram(page_pool, &track->track, &p, t->data, floats, &t->job),
                        out_status);
}

/* mode: wp_normalize_mode; ceiling_dbtp NaN for none. Normalizes in place. */
EMSCRIPTEN_KEEPALIVE track_task *wpb_normalize_submit(wpb_track *track, int mode, double target,
                                                     double ceiling_dbtp, int *out_status)
{
    if (!page_pool || !track)
        return task_started(NULL, WP_ERR_INVALID_ARGUMENT, out_status);
    track_task *t = task_new(TASK_NORMALIZE, 0);
    if (!t)
        return task_started(NULL, WP_ERR_OUT_OF_MEMORY, out_status);
    wp_normalize_config cfg;
    wp_normalize_default_config(&cfg);
    cfg.mode = (wp_normalize_mode)mode;
    cfg.target = target;
    cfg.ceiling_dbtp = ceiling_dbtp;
    return task_started(t, wp_job_normalize(page_pool, &track->track, &cfg, &t->report, &t->job), out_status);
}

EMSCRIPTEN_KEEPALIVE track_task *wpb_analyze_submit(wpb_track *track, int *out_status)
{
    if (!page_pool || !track)
        return task_started(NULL, WP_ERR_INVALID_ARGUMENT, out_status);
    track_task *t = task_new(TASK_ANALYZE, 0);
    if (!t)
        return task_started(NULL, WP_ERR_OUT_OF_MEMORY, out_status);
    return task_started(t, wp_job_analyze(page_pool, &track->track, &t->analysis, &t->job), out_status);
}

/* Overview of [begin, end): data holds channels rows of min, then of max,
 * then of rms, `columns` floats each. */
EMSCRIPTEN_KEEPALIVE track_task *wpb_overview_submit(wpb_track *track, double begin, double end, int columns,
                                                    int *out_status)
{
    if (!page_pool || !track || columns <= 0)
        return task_started(NULL, WP_ERR_INVALID_ARGUMENT, out_status);
    size_t row = (size_t)columns * (size_t)track->track.channel_count;
    track_task *t = task_new(TASK_OVERVIEW, 3 * row);
    if (!t)
        return task_started(NULL, WP_ERR_OUT_OF_MEMORY, out_status);
    wp_overview_params p = {(size_t)begin, (size_t)end, (size_t)columns};
    return task_started(t, wp_job_overview(page_pool, &track->track, &p, t->data, t->data + row,
                                           t->data + 2 * row, &t->job),
                        out_status);
}

EMSCRIPTEN_KEEPALIVE int wpb_task_poll(const track_task *t) { return wp_job_poll(t->job); }
EMSCRIPTEN_KEEPALIVE float wpb_task_progress(const track_task *t) { return wp_job_progress(t->job); }
EMSCRIPTEN_KEEPALIVE void wpb_task_cancel(track_task *t) { wp_job_cancel(t->job); }
EMSCRIPTEN_KEEPALIVE float *wpb_task_data(const track_task *t) { return t->data; }
EMSCRIPTEN_KEEPALIVE double wpb_task_data_floats(const track_task *t) { return (double)t->data_floats; }

/* Hands a final task's result memory to the caller (who frees it with
 * free): the threaded page reads a large result in place instead of
 * copying it. */
EMSCRIPTEN_KEEPALIVE float *wpb_task_take_data(track_task *t)
{
    if (wp_job_poll(t->job) == WP_PENDING)
        return NULL;
    float *data = t->data;
    t->data = NULL;
    return data;
}

/* The numeric results of a finished normalize or analyze task, in the
 * order engine-core.js names them. */
EMSCRIPTEN_KEEPALIVE void wpb_task_values(const track_task *t, double *out)
{
    memset(out, 0, TASK_VALUES * sizeof *out);
    if (t->kind == TASK_NORMALIZE) {
        const wp_normalize_report *r = &t->report;
        double v[] = {r->before, r->after, r->true_peak_before, r->true_peak_after, r->gain_db,
                      r->limited, r->capped, r->silent};
        memcpy(out, v, sizeof v);
    } else if (t->kind == TASK_ANALYZE) {
        const wp_analysis *a = &t->analysis;
        double v[] = {a->integrated_lufs, a->loudness_range_lu, a->true_peak_dbtp, a->sample_peak_dbfs,
                      a->channels, a->sample_rate, a->duration_s};
        memcpy(out, v, sizeof v);
        for (int c = 0; c < a->channels && c < 2; c++) {
            out[7 + c] = a->rms_dbfs[c];
            out[9 + c] = a->channel_true_peak_dbtp[c];
        }
    }
}

/* Frees a final task; a running one is asked to cancel and kept
 * (WP_PENDING): release it again once poll says it is final. */
EMSCRIPTEN_KEEPALIVE int wpb_task_release(track_task *t)
{
    if (wp_job_poll(t->job) == WP_PENDING) {
        wp_job_cancel(t->job);
        return WP_PENDING;
    }
    wp_job_release(t->job);
    task_free(t);
    return WP_OK;
}

/* ---- The player (player.h) ---------------------------------------------
 * One per page. The threaded build runs its producer and analysis on two
 * threads of the prewarmed pool; the single-threaded engine worker calls
 * wpb_player_produce / wpb_player_analyze itself. */
static wp_player *page_player;

EMSCRIPTEN_KEEPALIVE wp_player *wpb_player_create(double sample_rate, double target_frames, int *out_status)
{
    wp_player_config cfg;
    wp_status st = page_player ? WP_ERR_INVALID_ARGUMENT : wp_player_default_config(sample_rate, &cfg);
    if (st == WP_OK && target_frames > 0) {
        cfg.target_frames = (size_t)target_frames;
        if (cfg.max_target_frames < cfg.target_frames)
            cfg.max_target_frames = cfg.target_frames;
    }
    if (st == WP_OK)
        st = wp_player_create(&cfg, &page_player);
    *out_status = st;
    return st == WP_OK ? page_player : NULL;
}

EMSCRIPTEN_KEEPALIVE int wpb_player_start_threads(wp_player *p, double analysis_interval_ms)
{
    return wp_player_start_threads(p, analysis_interval_ms);
}
EMSCRIPTEN_KEEPALIVE int wpb_player_threads_running(const wp_player *p) { return wp_player_threads_running(p); }
EMSCRIPTEN_KEEPALIVE wp_ring *wpb_player_ring(wp_player *p) { return wp_player_ring(p); }
EMSCRIPTEN_KEEPALIVE int wpb_player_spectrum_size(const wp_player *p)
{
    return (int)wp_player_get_config(p)->spectrum_size;
}
EMSCRIPTEN_KEEPALIVE double wpb_player_produce(wp_player *p) { return (double)wp_player_produce(p); }
EMSCRIPTEN_KEEPALIVE int wpb_player_analyze(wp_player *p, uint32_t played_index)
{
    return wp_player_analyze(p, played_index);
}
EMSCRIPTEN_KEEPALIVE int wpb_player_set_track(wp_player *p, const wpb_track *t)
{
    return wp_player_set_track(p, t ? &t->track : NULL);
}
EMSCRIPTEN_KEEPALIVE int wpb_player_uses_track(const wp_player *p, const wpb_track *t)
{
    return wp_player_uses_track(p, &t->track);
}
EMSCRIPTEN_KEEPALIVE void wpb_player_play(wp_player *p) { wp_player_play(p); }
EMSCRIPTEN_KEEPALIVE void wpb_player_pause(wp_player *p) { wp_player_pause(p); }
EMSCRIPTEN_KEEPALIVE void wpb_player_stop(wp_player *p) { wp_player_stop(p); }
EMSCRIPTEN_KEEPALIVE int wpb_player_seek(wp_player *p, double seconds) { return wp_player_seek(p, seconds); }
EMSCRIPTEN_KEEPALIVE int wpb_player_set_loop(wp_player *p, int enabled, double start_s, double end_s)
{
    return wp_player_set_loop(p, enabled, start_s, end_s);
}
EMSCRIPTEN_KEEPALIVE int wpb_player_set_target_frames(wp_player *p, double frames)
{
    return frames >= 0 ? wp_player_set_target_frames(p, (size_t)frames) : WP_ERR_OUT_OF_RANGE;
}
EMSCRIPTEN_KEEPALIVE int wpb_player_set_source(wp_player *p, int source)
{
    return wp_player_set_source(p, (wp_player_source)source);
}

/* A chain parameter by name ("eq.b4.gain", "volume"). */
EMSCRIPTEN_KEEPALIVE int wpb_player_set_param(wp_player *p, const char *name, double value)
{
    wp_chain_param param;
    wp_status st = wp_chain_param_from_name(name, &param);
    return st == WP_OK ? wp_chain_set(wp_player_chain(p), param, value) : st;
}

EMSCRIPTEN_KEEPALIVE double wpb_player_get_param(wp_player *p, const char *name)
{
    wp_chain_param param;
    return wp_chain_param_from_name(name, &param) == WP_OK ? wp_chain_get(wp_player_chain(p), param) : NAN;
}

/* Generator: a new one replaces the current (set_generator hand-over);
 * JavaScript frees the old one once wpb_player_uses_generator says 0. */
EMSCRIPTEN_KEEPALIVE int wpb_player_set_generator(wp_player *p, wp_gen *gen) { return wp_player_set_generator(p, gen); }
EMSCRIPTEN_KEEPALIVE int wpb_player_uses_generator(const wp_player *p, const wp_gen *gen)
{
    return wp_player_uses_generator(p, gen);
}
EMSCRIPTEN_KEEPALIVE void wpb_gen_destroy(wp_gen *gen) { wp_gen_destroy(gen); }
EMSCRIPTEN_KEEPALIVE int wpb_player_set_generator_frequency(wp_player *p, double hz)
{
    return wp_player_set_generator_frequency(p, hz);
}
EMSCRIPTEN_KEEPALIVE int wpb_player_set_generator_level(wp_player *p, double dbfs)
{
    return wp_player_set_generator_level(p, dbfs);
}

/* Status as doubles, in the order engine-core.js names them; `at_index`
 * < 0 reads at the ring's read index, else at that played index. */
enum { STATUS_VALUES = 20 };
EMSCRIPTEN_KEEPALIVE void wpb_player_status(const wp_player *p, double at_index, double *out)
{
    wp_player_status s;
    if (at_index < 0)
        wp_player_get_status(p, &s);
    else
        wp_player_get_status_at(p, (uint32_t)at_index, &s);
    double v[STATUS_VALUES] = {s.playing, s.ended, s.source, s.position_s, s.duration_s, s.loop_enabled,
                               s.loop_start_s, s.loop_end_s, (double)s.frames_played, s.underruns,
                               s.ring_frames, s.target_frames, s.dsp_load, (double)s.blocks_produced};
    memcpy(out, v, sizeof v);
}

/* Copies the newest analysis snapshot: spectrum dB into out_db (bins
 * values) and peak L/R, rms L/R, clipped into meters[5]. Returns
 * wp_player_read_snapshot's value. */
EMSCRIPTEN_KEEPALIVE int wpb_player_snapshot(wp_player *p, float *out_db, int bins, float *meters)
{
    wp_player_meters m;
    int fresh = wp_player_read_snapshot(p, out_db, (size_t)bins, &m);
    if (fresh >= 0) {
        float v[5] = {m.peak[0], m.peak[1], m.rms[0], m.rms[1], (float)m.clipped};
        memcpy(meters, v, sizeof v);
    }
    return fresh;
}

/* The single-threaded engine worker forwards the ring to the audio thread
 * by messages: it reads frames out like a consumer would. */
EMSCRIPTEN_KEEPALIVE double wpb_ring_read(wp_ring *ring, float *out, double frames)
{
    return (double)wp_ring_read(ring, out, (size_t)frames);
}
EMSCRIPTEN_KEEPALIVE double wpb_ring_readable(const wp_ring *ring) { return (double)wp_ring_readable(ring); }

EMSCRIPTEN_KEEPALIVE double wpb_memory_bytes(void) { return (double)__builtin_wasm_memory_size(0) * 65536.0; }
