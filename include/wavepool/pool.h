/**
 * @file
 * wavepool: worker pool with parallel_for and asynchronous tasks.
 *
 * A pool owns n worker threads, all started by wp_pool_create(). n = 0 runs
 * everything inline on the calling thread (the single-threaded build always
 * does this). In the browser every worker is a Web Worker; Emscripten can
 * only start threads synchronously from its prewarmed pool, so the page sizes
 * PTHREAD_POOL_SIZE before the module starts.
 *
 * Verified workers: each worker counts itself in when its thread is running
 * our code, and out when it exits. wp_pool_workers_running() tells how many
 * did, which is what a UI should report, not the number asked for.
 *
 * Determinism: wp_pool_parallel_for() cuts [0, count) into the same chunks
 * `[k*grain, min((k+1)*grain, count))` whatever the number of workers, so a
 * computation whose chunks write disjoint outputs gives bit-identical
 * results for 0, 1 or N workers.
 *
 * Blocking: wp_pool_parallel_for() and wp_task_wait() block the caller (which
 * helps run queued work meanwhile: wp_pool_parallel_for() runs chunks of its
 * own call, wp_task_wait() runs queued tasks and chunks). Never call them on
 * the browser main thread: Emscripten turns that wait into a busy loop that
 * freezes the page. wp_pool_destroy() also waits (for running task bodies
 * and the worker threads). wp_pool_submit(), wp_task_poll(),
 * wp_task_progress() and wp_task_cancel() never block for longer than a
 * short internal lock and are safe there (except that with 0 workers
 * wp_pool_submit() runs the task itself before it returns).
 *
 * Thread safety: all functions may be called from any thread, concurrently,
 * except wp_pool_destroy(), which must not race other calls on the same pool.
 * Nothing here is real-time safe (submit allocates, the queue takes a lock).
 * wp_task_poll(), wp_task_progress(), wp_task_cancel_requested() and
 * wp_task_set_progress() are single atomic operations (no lock, no
 * allocation).
 */
#ifndef WAVEPOOL_POOL_H
#define WAVEPOOL_POOL_H

#include <stddef.h>
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest number of worker threads a pool can have. */
#define WP_POOL_MAX_WORKERS 16
/** wp_pool_create() argument for wp_pool_default_workers() threads. */
#define WP_POOL_DEFAULT_WORKERS (-1)

/** A worker pool (opaque); made by wp_pool_create(), freed by wp_pool_destroy(). */
typedef struct wp_pool wp_pool;
/**
 * An asynchronous task (opaque handle), made by wp_pool_submit().
 *
 * The handle is the caller's until wp_task_release(); it stays valid after
 * the task finished and after its pool was destroyed.
 */
typedef struct wp_task wp_task;

/**
 * Default worker count: hardware concurrency - 1.
 *
 * Hardware concurrency - 1, clamped to 1..WP_POOL_MAX_WORKERS; 0 in the
 * single-threaded build. Any thread.
 *
 * @return the worker count WP_POOL_DEFAULT_WORKERS stands for.
 */
int wp_pool_default_workers(void);

/**
 * Starts `workers` threads (WP_POOL_DEFAULT_WORKERS for the default, 0 for
 * inline).
 *
 * More than WP_POOL_MAX_WORKERS is WP_ERR_INVALID_ARGUMENT; asking for
 * threads in the single-threaded build too. If a thread fails to start, the
 * ones started are stopped and WP_ERR_THREAD is returned. In a native
 * program (and off the browser main thread) it waits until every worker
 * runs; on the browser main thread it returns at once and the workers come
 * up a little later (see wp_pool_workers_running()). Allocates: not
 * real-time safe.
 *
 * @param[in]  workers   0..WP_POOL_MAX_WORKERS, or WP_POOL_DEFAULT_WORKERS;
 *                       must resolve to 0 in the single-threaded build.
 * @param[out] out_pool  receives the pool, owned by the caller, who frees it
 *                       with wp_pool_destroy(); set to NULL on failure when
 *                       not NULL itself.
 * @retval WP_OK                    pool created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out_pool is NULL, @p workers is out of
 *                                  range, or threads were asked for in the
 *                                  single-threaded build.
 * @retval WP_ERR_OUT_OF_MEMORY     an allocation failed.
 * @retval WP_ERR_THREAD            a worker thread could not be started.
 */
WP_NODISCARD wp_status wp_pool_create(int workers, wp_pool **out_pool);

/**
 * Stops the pool.
 *
 * Tasks not yet started finish with WP_ERR_SHUTDOWN; running tasks are asked
 * to cancel and are waited for. Task handles stay valid until released.
 * Blocks until the running bodies returned and the threads exited (see
 * Blocking in the file description); must not race other calls on the same
 * pool.
 *
 * @param[in] pool  pool from wp_pool_create(), or NULL (then nothing happens).
 */
void wp_pool_destroy(wp_pool *pool);

/**
 * Workers asked for at create (WP_POOL_DEFAULT_WORKERS resolved to its count).
 *
 * Any thread.
 *
 * @param[in] pool  a pool (not NULL).
 * @return the number of worker threads the pool was created with.
 */
int wp_pool_workers_requested(const wp_pool *pool);
/**
 * Workers whose threads have started and are serving the queue now.
 *
 * After wp_pool_create() returns in a native program this equals the
 * request; in the browser workers may come up a little later, so poll it.
 * Any thread (an atomic load).
 *
 * @param[in] pool  a pool (not NULL).
 * @return 0..wp_pool_workers_requested().
 */
int wp_pool_workers_running(const wp_pool *pool);

/**
 * A range body for wp_pool_parallel_for(): processes [@p begin, @p end).
 *
 * Called concurrently from several threads with disjoint ranges.
 *
 * @param[in] arg    the `arg` given to wp_pool_parallel_for().
 * @param[in] begin  first index of the chunk.
 * @param[in] end    one past the last index of the chunk.
 * @return WP_OK, or an error that stops chunks not yet started.
 */
typedef wp_status (*wp_range_fn)(void *arg, size_t begin, size_t end);
/**
 * Calls fn(arg, begin, end) for every chunk of [0, count) and returns once
 * all chunks ran.
 *
 * The chunks (see Determinism) run on the workers and the caller. A chunk
 * that returns an error stops chunks not yet started; the lowest-index
 * failing chunk's status is returned (lowest among the chunks that ran).
 * count = 0 returns WP_OK at once. With 0 workers, or a single chunk, the
 * caller runs everything. Blocks (see Blocking): not on the browser main
 * thread, not real-time safe. May be called from a task body (the jobs
 * in jobs.h do).
 *
 * @param[in] pool   a pool.
 * @param[in] count  number of indices; 0 is allowed.
 * @param[in] grain  indices per chunk, >= 1.
 * @param[in] fn     the range body.
 * @param[in] arg    passed to @p fn unchanged (borrowed: must stay valid
 *                   until the call returns).
 * @retval WP_OK                    every chunk returned WP_OK (or @p count is 0).
 * @retval WP_ERR_INVALID_ARGUMENT  @p pool or @p fn is NULL, or @p grain is 0
 *                                  (checked before @p count).
 * @return otherwise the status of the lowest-index chunk that ran and failed
 *         (whatever @p fn returned other than WP_OK).
 */
WP_NODISCARD wp_status wp_pool_parallel_for(wp_pool *pool, size_t count, size_t grain,
                                            wp_range_fn fn, void *arg);

/**
 * A task body.
 *
 * It reports progress and checks for cancellation through the task it is
 * given; the status it returns becomes the task's status. A body that sees
 * wp_task_cancel_requested() should return WP_ERR_CANCELLED. A body may not
 * return WP_PENDING: the task then finishes with WP_ERR_TASK_FAILED.
 *
 * @param[in,out] self  the task being run (for wp_task_set_progress() and
 *                      wp_task_cancel_requested()).
 * @param[in]     arg   the `arg` given to wp_pool_submit().
 * @return the task's final status.
 */
typedef wp_status (*wp_task_fn)(wp_task *self, void *arg);

/**
 * Queues fn(task, arg).
 *
 * With 0 workers it runs before submit returns. The handle is the caller's
 * to release with wp_task_release(). Allocates: not real-time safe.
 *
 * @param[in]  pool      a pool.
 * @param[in]  fn        the task body.
 * @param[in]  arg       passed to @p fn unchanged (borrowed: must stay valid
 *                       until the task is final).
 * @param[out] out_task  receives the handle, owned by the caller, who drops
 *                       it with wp_task_release(); set to NULL on failure
 *                       when not NULL itself.
 * @retval WP_OK                    queued (or, with 0 workers, already run).
 * @retval WP_ERR_INVALID_ARGUMENT  @p out_task, @p pool or @p fn is NULL.
 * @retval WP_ERR_OUT_OF_MEMORY     the task could not be allocated.
 * @retval WP_ERR_SHUTDOWN          the pool is being destroyed (a task body
 *                                  that submits while wp_pool_destroy() waits
 *                                  for it).
 */
WP_NODISCARD wp_status wp_pool_submit(wp_pool *pool, wp_task_fn fn, void *arg, wp_task **out_task);

/**
 * WP_PENDING while queued or running, else the final status. Non-blocking.
 *
 * Any thread.
 *
 * @param[in] task  a task handle not yet released.
 * @retval WP_PENDING               queued or running.
 * @retval WP_ERR_INVALID_ARGUMENT  @p task is NULL.
 * @retval WP_ERR_CANCELLED         cancelled before it ran (or its body
 *                                  returned this).
 * @retval WP_ERR_SHUTDOWN          the pool was destroyed before it ran.
 * @retval WP_ERR_TASK_FAILED       its body returned WP_PENDING.
 * @return otherwise the status its body returned (WP_OK on success).
 */
wp_status wp_task_poll(const wp_task *task);
/**
 * Blocks until the task is final and returns its status (see Blocking).
 *
 * While it waits, the caller runs queued tasks and chunks of the task's
 * pool. Not on the browser main thread; not real-time safe.
 *
 * @param[in,out] task  a task handle not yet released.
 * @retval WP_ERR_INVALID_ARGUMENT  @p task is NULL.
 * @return otherwise the final status, as wp_task_poll() lists it (never
 *         WP_PENDING).
 */
wp_status wp_task_wait(wp_task *task);
/**
 * 0..1 as last reported by the body; 1 once the task finished with WP_OK.
 *
 * Any thread, non-blocking.
 *
 * @param[in] task  a task handle not yet released, or NULL (gives 0).
 * @return progress, 0..1.
 */
float wp_task_progress(const wp_task *task);
/**
 * Asks the task to stop.
 *
 * A queued task is dropped with WP_ERR_CANCELLED, a running one stops when
 * its body next checks. Non-blocking; any thread. Does nothing for a task
 * that is already final.
 *
 * @param[in,out] task  a task handle not yet released, or NULL (then nothing
 *                      happens).
 */
void wp_task_cancel(wp_task *task);
/**
 * Drops the caller's handle.
 *
 * A task still running keeps going (cancel it first to stop it); its memory
 * goes when both it and the handle are done. The handle must not be used
 * afterwards.
 *
 * @param[in] task  a task handle, or NULL (then nothing happens).
 */
void wp_task_release(wp_task *task);

/**
 * For task bodies: whether wp_task_cancel() was called on this task.
 *
 * @param[in] task  the body's `self` (not NULL).
 * @return nonzero once cancellation was requested, else 0.
 */
int wp_task_cancel_requested(const wp_task *task);
/**
 * For task bodies: reports progress, read by wp_task_progress().
 *
 * @param[in,out] task      the body's `self` (not NULL).
 * @param[in]     progress  fraction done, 0..1; values above 1 are stored as
 *                          1, below 0 or NaN as 0.
 */
void wp_task_set_progress(wp_task *task, float progress);

#ifdef __cplusplus
}
#endif

#endif
