#include "wavepool/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef __EMSCRIPTEN__
#include <unistd.h>
#endif

#include "engine/thread_util.h"

struct wp_task {
    _Atomic int state;     /* WP_PENDING, then the final wp_status */
    _Atomic int cancel;
    _Atomic float progress;
    _Atomic int refs;      /* the caller's handle + the pool's until final */
    wp_task_fn fn;
    void *arg;
    wp_pool *pool;         /* valid while the task is pending */
    wp_task *next;         /* queue link, under the pool lock */
};

/* One parallel_for call. It lives on the caller's stack, so the caller
 * waits until no worker holds it (users == 0) before returning. */
typedef struct batch {
    wp_range_fn fn;
    void *arg;
    size_t count, grain, chunks;
    _Atomic size_t next_chunk;
    _Atomic size_t done_chunks;
    _Atomic int failed;
    size_t users;          /* under the pool lock */
    size_t error_chunk;    /* under the pool lock */
    wp_status error;       /* under the pool lock */
    struct batch *next;    /* list of batches with unclaimed chunks */
} batch;

struct wp_pool {
    pthread_mutex_t lock;
    pthread_cond_t work_cv;  /* workers: a task or batch arrived, or shutdown */
    pthread_cond_t done_cv;  /* waiters: a task became final, or a batch finished */
    wp_task *head, *tail;
    batch *batches;
    wp_task *current[WP_POOL_MAX_WORKERS]; /* running task per worker */
    int shutdown;
    int requested;
    int started;
    _Atomic int running;
    pthread_t threads[WP_POOL_MAX_WORKERS];
};

typedef struct worker_start {
    wp_pool *pool;
    int index;
} worker_start;

int wp_pool_default_workers(void)
{
#ifndef WP_HAVE_THREADS
    return 0;
#else
#ifdef __EMSCRIPTEN__
    long cores = emscripten_num_logical_cores();
#else
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    long n = cores - 1;
    if (n < 1)
        n = 1;
    if (n > WP_POOL_MAX_WORKERS)
        n = WP_POOL_MAX_WORKERS;
    return (int)n;
#endif
}

static void task_unref(wp_task *task)
{
    if (atomic_fetch_sub_explicit(&task->refs, 1, memory_order_acq_rel) == 1)
        free(task);
}

/* Under the pool lock: publish the final status and wake waiters. */
static void finalize_locked(wp_pool *pool, wp_task *task, wp_status status)
{
    if (status == WP_PENDING)
        status = WP_ERR_TASK_FAILED; /* a body may not return "pending" */
    if (status == WP_OK)
        atomic_store(&task->progress, 1.0f);
    atomic_store_explicit(&task->state, status, memory_order_release);
    pthread_cond_broadcast(&pool->done_cv);
}

static wp_task *pop_task_locked(wp_pool *pool)
{
    wp_task *task = pool->head;
    if (task) {
        pool->head = task->next;
        if (!pool->head)
            pool->tail = NULL;
        task->next = NULL;
    }
    return task;
}

/* Runs a popped task with the lock released; returns with it held again. */
static void run_task_unlocked(wp_pool *pool, wp_task *task)
{
    pthread_mutex_unlock(&pool->lock);
    wp_status st = atomic_load(&task->cancel) ? WP_ERR_CANCELLED : task->fn(task, task->arg);
    pthread_mutex_lock(&pool->lock);
    finalize_locked(pool, task, st);
    task_unref(task);
}

/* Claims and runs chunks of `b` until none is left. Lock not held. */
static void run_chunks(wp_pool *pool, batch *b)
{
    for (;;) {
        size_t c = atomic_fetch_add(&b->next_chunk, 1);
        if (c >= b->chunks)
            return;
        if (!atomic_load(&b->failed)) {
            size_t begin = c * b->grain;
            size_t end = begin + b->grain < b->count ? begin + b->grain : b->count;
            wp_status st = b->fn(b->arg, begin, end);
            if (st != WP_OK) {
                pthread_mutex_lock(&pool->lock);
                if (!atomic_load(&b->failed) || c < b->error_chunk) {
                    b->error_chunk = c;
                    b->error = st;
                }
                atomic_store(&b->failed, 1);
                pthread_mutex_unlock(&pool->lock);
            }
        }
        if (atomic_fetch_add(&b->done_chunks, 1) + 1 == b->chunks) {
            pthread_mutex_lock(&pool->lock);
            pthread_cond_broadcast(&pool->done_cv);
            pthread_mutex_unlock(&pool->lock);
        }
    }
}

/* Under the lock: drops batches whose chunks are all claimed from the list
 * and returns the first that still has some, or NULL. */
static batch *open_batch_locked(wp_pool *pool)
{
    while (pool->batches && atomic_load(&pool->batches->next_chunk) >= pool->batches->chunks)
        pool->batches = pool->batches->next;
    return pool->batches;
}

/* Under the lock: helps with one unit of queued work, if any. Returns 0 when
 * there was nothing to do. `worker` is the worker index, or -1. */
static int help_one_locked(wp_pool *pool, int worker)
{
    batch *b = open_batch_locked(pool);
    if (b) {
        b->users++;
        pthread_mutex_unlock(&pool->lock);
        run_chunks(pool, b);
        pthread_mutex_lock(&pool->lock);
        if (--b->users == 0)
            pthread_cond_broadcast(&pool->done_cv);
        return 1;
    }
    wp_task *task = pop_task_locked(pool);
    if (task) {
        if (worker >= 0)
            pool->current[worker] = task;
        run_task_unlocked(pool, task);
        if (worker >= 0)
            pool->current[worker] = NULL;
        return 1;
    }
    return 0;
}

static void *worker_main(void *arg)
{
    worker_start *start = arg;
    wp_pool *pool = start->pool;
    int index = start->index;
    free(start);
    atomic_fetch_add(&pool->running, 1);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        if (help_one_locked(pool, index))
            continue;
        if (pool->shutdown)
            break;
        pthread_cond_wait(&pool->work_cv, &pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    atomic_fetch_sub(&pool->running, 1);
    return NULL;
}

static void stop_workers(wp_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->shutdown = 1;
    wp_task *task;
    while ((task = pop_task_locked(pool)) != NULL) {
        finalize_locked(pool, task, WP_ERR_SHUTDOWN);
        task_unref(task);
    }
    for (int i = 0; i < pool->started; i++)
        if (pool->current[i])
            atomic_store(&pool->current[i]->cancel, 1);
    pthread_cond_broadcast(&pool->work_cv);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->started; i++)
        pthread_join(pool->threads[i], NULL);
    pool->started = 0;
}

wp_status wp_pool_create(int workers, wp_pool **out_pool)
{
    if (!out_pool)
        return WP_ERR_INVALID_ARGUMENT;
    *out_pool = NULL;
    if (workers == WP_POOL_DEFAULT_WORKERS)
        workers = wp_pool_default_workers();
    if (workers < 0 || workers > WP_POOL_MAX_WORKERS)
        return WP_ERR_INVALID_ARGUMENT;
#ifndef WP_HAVE_THREADS
    if (workers > 0)
        return WP_ERR_INVALID_ARGUMENT;
#endif
    wp_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return WP_ERR_OUT_OF_MEMORY;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work_cv, NULL);
    pthread_cond_init(&pool->done_cv, NULL);
    pool->requested = workers;
    atomic_init(&pool->running, 0);
    for (int i = 0; i < workers; i++) {
        worker_start *start = malloc(sizeof *start);
        if (start)
            *start = (worker_start){pool, i};
        if (!start || pthread_create(&pool->threads[i], NULL, worker_main, start) != 0) {
            wp_status st = start ? WP_ERR_THREAD : WP_ERR_OUT_OF_MEMORY;
            free(start);
            wp_pool_destroy(pool);
            return st;
        }
        pool->started++;
    }
    /* Native callers get a pool whose workers all run. The browser main
     * thread must not wait: it polls wp_pool_workers_running instead. */
    if (!wp_on_browser_main_thread()) {
        while (atomic_load(&pool->running) < pool->started)
            sched_yield();
    }
    *out_pool = pool;
    return WP_OK;
}

void wp_pool_destroy(wp_pool *pool)
{
    if (!pool)
        return;
    stop_workers(pool);
    pthread_cond_destroy(&pool->done_cv);
    pthread_cond_destroy(&pool->work_cv);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

int wp_pool_workers_requested(const wp_pool *pool) { return pool->requested; }
int wp_pool_workers_running(const wp_pool *pool) { return atomic_load(&((wp_pool *)pool)->running); }

wp_status wp_pool_parallel_for(wp_pool *pool, size_t count, size_t grain, wp_range_fn fn, void *arg)
{
    if (!pool || !fn || grain == 0)
        return WP_ERR_INVALID_ARGUMENT;
    if (count == 0)
        return WP_OK;
    batch b = {.fn = fn, .arg = arg, .count = count, .grain = grain,
               .chunks = count / grain + (count % grain != 0), .error = WP_OK};
    atomic_init(&b.next_chunk, 0);
    atomic_init(&b.done_chunks, 0);
    atomic_init(&b.failed, 0);

    pthread_mutex_lock(&pool->lock);
    if (pool->started > 0 && b.chunks > 1) {
        b.next = pool->batches;
        pool->batches = &b;
        pthread_cond_broadcast(&pool->work_cv);
    }
    b.users = 1;
    pthread_mutex_unlock(&pool->lock);

    run_chunks(pool, &b);

    pthread_mutex_lock(&pool->lock);
    b.users--;
    /* Unlink before returning: the batch dies with this stack frame. */
    for (batch **p = &pool->batches; *p; p = &(*p)->next) {
        if (*p == &b) {
            *p = b.next;
            break;
        }
    }
    while (b.users > 0 || atomic_load(&b.done_chunks) < b.chunks)
        pthread_cond_wait(&pool->done_cv, &pool->lock);
    wp_status st = b.error;
    pthread_mutex_unlock(&pool->lock);
    return st;
}

wp_status wp_pool_submit(wp_pool *pool, wp_task_fn fn, void *arg, wp_task **out_task)
{
    if (!out_task)
        return WP_ERR_INVALID_ARGUMENT;
    *out_task = NULL;
    if (!pool || !fn)
        return WP_ERR_INVALID_ARGUMENT;
    wp_task *task = calloc(1, sizeof *task);
    if (!task)
        return WP_ERR_OUT_OF_MEMORY;
    atomic_init(&task->state, WP_PENDING);
    atomic_init(&task->cancel, 0);
    atomic_init(&task->progress, 0.0f);
    atomic_init(&task->refs, 2);
    task->fn = fn;
    task->arg = arg;
    task->pool = pool;

    pthread_mutex_lock(&pool->lock);
    if (pool->shutdown) {
        pthread_mutex_unlock(&pool->lock);
        free(task);
        return WP_ERR_SHUTDOWN;
    }
    if (pool->started == 0) {
        run_task_unlocked(pool, task);
    } else {
        if (pool->tail)
            pool->tail->next = task;
        else
            pool->head = task;
        pool->tail = task;
        pthread_cond_signal(&pool->work_cv);
    }
    pthread_mutex_unlock(&pool->lock);
    *out_task = task;
    return WP_OK;
}

wp_status wp_task_poll(const wp_task *task)
{
    if (!task)
        return WP_ERR_INVALID_ARGUMENT;
    return (wp_status)atomic_load_explicit(&((wp_task *)task)->state, memory_order_acquire);
}

wp_status wp_task_wait(wp_task *task)
{
    if (!task)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_task_poll(task) != WP_PENDING)
        return wp_task_poll(task);
    wp_pool *pool = task->pool;
    pthread_mutex_lock(&pool->lock);
    /* Help while waiting, so a task waiting on a task cannot starve the pool. */
    while (atomic_load(&task->state) == WP_PENDING) {
        if (!help_one_locked(pool, -1))
            pthread_cond_wait(&pool->done_cv, &pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return wp_task_poll(task);
}

float wp_task_progress(const wp_task *task)
{
    return task ? atomic_load(&((wp_task *)task)->progress) : 0.0f;
}

void wp_task_cancel(wp_task *task)
{
    if (!task || wp_task_poll(task) != WP_PENDING)
        return;
    atomic_store(&task->cancel, 1);
    /* Drop it from the queue now if no worker has taken it. */
    wp_pool *pool = task->pool;
    pthread_mutex_lock(&pool->lock);
    for (wp_task **p = &pool->head, *prev = NULL; *p; prev = *p, p = &(*p)->next) {
        if (*p == task) {
            *p = task->next;
            if (pool->tail == task)
                pool->tail = prev;
            task->next = NULL;
            finalize_locked(pool, task, WP_ERR_CANCELLED);
            task_unref(task);
            break;
        }
    }
    pthread_mutex_unlock(&pool->lock);
}

void wp_task_release(wp_task *task)
{
    if (task)
        task_unref(task);
}

int wp_task_cancel_requested(const wp_task *task)
{
    return atomic_load_explicit(&((wp_task *)task)->cancel, memory_order_relaxed);
}

void wp_task_set_progress(wp_task *task, float progress)
{
    if (!(progress >= 0.0f))
        progress = 0.0f;
    if (progress > 1.0f)
        progress = 1.0f;
    atomic_store_explicit(&task->progress, progress, memory_order_relaxed);
}
