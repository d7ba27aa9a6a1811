/* wavepool: worker pool with parallel_for and asynchronous tasks.
 *
 * A pool owns n worker threads, all started by wp_pool_create. n = 0 runs
 * everything inline on the calling thread (the single-threaded build always
 * does this). In the browser every worker is a Web Worker; Emscripten can
 * only start threads synchronously from its prewarmed pool, so the page sizes
 * PTHREAD_POOL_SIZE before the module starts.
 *
 * Verified workers: each worker counts itself in when its thread is running
 * our code, and out when it exits. wp_pool_workers_running tells how many
 * did, which is what a UI should report, not the number asked for.
 *
 * Determinism: wp_pool_parallel_for cuts [0, count) into the same chunks
 * [k*grain, min((k+1)*grain, count)) whatever the number of workers, so a
 * computation whose chunks write disjoint outputs gives bit-identical
 * results for 0, 1 or N workers.
 *
 * Blocking: wp_pool_parallel_for and wp_task_wait block the caller (which
 * helps run queued work meanwhile). Never call them on the browser main
 * thread: Emscripten turns that wait into a busy loop that freezes the page.
 * wp_pool_submit, wp_task_poll, wp_task_progress and wp_task_cancel never
 * block for longer than a short internal lock and are safe there.
 *
 * Thread safety: all functions may be called from any thread, concurrently,
 * except wp_pool_destroy, which must not race other calls on the same pool.
 * Nothing here is real-time safe (submit allocates, the queue takes a lock).
 */
#ifndef WAVEPOOL_POOL_H
#define WAVEPOOL_POOL_H

#include <stddef.h>
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WP_POOL_MAX_WORKERS 16
#define WP_POOL_DEFAULT_WORKERS (-1)

typedef struct wp_pool wp_pool;
typedef struct wp_task wp_task;

/* hardware concurrency - 1, clamped to 1..WP_POOL_MAX_WORKERS; 0 in the
 * single-threaded build. */
int wp_pool_default_workers(void);

/* Starts `workers` threads (WP_POOL_DEFAULT_WORKERS for the default, 0 for
 * inline). More than WP_POOL_MAX_WORKERS is WP_ERR_INVALID_ARGUMENT; asking
 * for threads in the single-threaded build too. If a thread fails to start,
 * the ones started are stopped and WP_ERR_THREAD is returned. */
WP_NODISCARD wp_status wp_pool_create(int workers, wp_pool **out_pool);

/* Stops the pool. Tasks not yet started finish with WP_ERR_SHUTDOWN; running
 * tasks are asked to cancel and are waited for. Task handles stay valid
 * until released. */
void wp_pool_destroy(wp_pool *pool);

int wp_pool_workers_requested(const wp_pool *pool);
/* Workers whose threads have started and are serving the queue now. After
 * wp_pool_create returns in a native program this equals the request; in
 * the browser workers may come up a little later, so poll it. */
int wp_pool_workers_running(const wp_pool *pool);

/* Calls fn(arg, begin, end) for every chunk of [0, count) (see Determinism),
 * on the workers and the caller, and returns once all chunks ran. A chunk
 * that returns an error stops chunks not yet started; the lowest-index
 * failing chunk's status is returned. count = 0 returns WP_OK at once. */
typedef wp_status (*wp_range_fn)(void *arg, size_t begin, size_t end);
WP_NODISCARD wp_status wp_pool_parallel_for(wp_pool *pool, size_t count, size_t grain,
                                            wp_range_fn fn, void *arg);

/* A task body. It reports progress and checks for cancellation through the
 * task it is given; the status it returns becomes the task's status. A body
 * that sees wp_task_cancel_requested should return WP_ERR_CANCELLED. */
typedef wp_status (*wp_task_fn)(wp_task *self, void *arg);

/* Queues fn(task, arg). With 0 workers it runs before submit returns. The
 * handle is the caller's to release with wp_task_release. */
WP_NODISCARD wp_status wp_pool_submit(wp_pool *pool, wp_task_fn fn, void *arg, wp_task **out_task);

/* WP_PENDING while queued or running, else the final status. Non-blocking. */
wp_status wp_task_poll(const wp_task *task);
/* Blocks until the task is final and returns its status (see Blocking). */
wp_status wp_task_wait(wp_task *task);
/* 0..1 as last reported by the body; 1 once the task finished with WP_OK. */
float wp_task_progress(const wp_task *task);
/* Asks the task to stop; a queued task is dropped with WP_ERR_CANCELLED,
 * a running one stops when its body next checks. Non-blocking. */
void wp_task_cancel(wp_task *task);
/* Drops the caller's handle. A task still running keeps going (cancel it
 * first to stop it); its memory goes when both it and the handle are done. */
void wp_task_release(wp_task *task);

/* For task bodies. */
int wp_task_cancel_requested(const wp_task *task);
void wp_task_set_progress(wp_task *task, float progress);

#ifdef __cplusplus
}
#endif

#endif
