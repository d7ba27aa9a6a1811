/* Flat C API the browser glue calls (exported with a wpb_ prefix). No DSP
 * here: it only owns the one pool of the page and turns handles into
 * integers JavaScript can hold. Every function is non-blocking, because
 * the browser main thread must never wait on a thread. */
#include <emscripten/emscripten.h>
#include <stdlib.h>
#include <string.h>

#include "wavepool/fft.h"
#include "wavepool/pool.h"
#include "wavepool/status.h"

#ifdef __EMSCRIPTEN_PTHREADS__
#include <emscripten/threading.h>
#endif

static wp_pool *page_pool;

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
