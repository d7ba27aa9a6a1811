#include "test_util.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "wavepool/pool.h"

#ifdef WP_HAVE_THREADS
#include <sched.h>
#define yield_cpu() sched_yield()
#else
#define yield_cpu() ((void)0)
#endif

/* A chunk-order-sensitive computation: each output is a float recurrence
 * over the chunk's own inputs, so any change in chunking changes bits. */
typedef struct chunked_job {
    const float *in;
    float *out;
    _Atomic int *visits;
} chunked_job;

static wp_status chunked_recurrence(void *arg, size_t begin, size_t end)
{
    chunked_job *job = arg;
    float acc = 0.0f;
    for (size_t i = begin; i < end; i++) {
        acc = acc * 0.999f + job->in[i] * sinf((float)i * 0.001f);
        job->out[i] = acc;
        atomic_fetch_add(&job->visits[i], 1);
    }
    return WP_OK;
}

static void parallel_for_is_identical_for_any_worker_count(void **state)
{
    (void)state;
    enum { COUNT = 200003, GRAIN = 1000 };
    test_rng rng = test_rng_seeded(test_seed());
    float *in = malloc(COUNT * sizeof *in);
    float *reference = malloc(COUNT * sizeof *reference);
    float *out = malloc(COUNT * sizeof *out);
    _Atomic int *visits = malloc(COUNT * sizeof *visits);
    for (size_t i = 0; i < COUNT; i++)
        in[i] = test_rng_float(&rng);

    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool;
        assert_int_equal(wp_pool_create(test_worker_counts[w], &pool), WP_OK);
        assert_int_equal(wp_pool_workers_running(pool), test_worker_counts[w]);
        for (size_t i = 0; i < COUNT; i++)
            atomic_init(&visits[i], 0);
        memset(out, 0xFF, COUNT * sizeof *out);
        chunked_job job = {in, out, visits};
        assert_int_equal(wp_pool_parallel_for(pool, COUNT, GRAIN, chunked_recurrence, &job), WP_OK);
        for (size_t i = 0; i < COUNT; i++)
            assert_int_equal(atomic_load(&visits[i]), 1);
        if (w == 0)
            memcpy(reference, out, COUNT * sizeof *out);
        else if (memcmp(reference, out, COUNT * sizeof *out) != 0)
            fail_msg("%d workers differ from the inline result", test_worker_counts[w]);
        wp_pool_destroy(pool);
    }
    free(in);
    free(reference);
    free(out);
    free(visits);
}

static wp_status fail_on_some_chunks(void *arg, size_t begin, size_t end)
{
    (void)arg;
    (void)end;
    if (begin == 30)
        return WP_ERR_NOT_FINITE;
    if (begin == 70)
        return WP_ERR_OUT_OF_MEMORY;
    return WP_OK;
}

static void parallel_for_reports_chunk_errors(void **state)
{
    (void)state;
    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool;
        assert_int_equal(wp_pool_create(test_worker_counts[w], &pool), WP_OK);
        wp_status st = wp_pool_parallel_for(pool, 100, 10, fail_on_some_chunks, NULL);
        /* Chunk 3 fails first in order; chunk 7 may or may not have run. */
        assert_true(st == WP_ERR_NOT_FINITE || st == WP_ERR_OUT_OF_MEMORY);
        if (test_worker_counts[w] == 0)
            assert_int_equal(st, WP_ERR_NOT_FINITE);
        assert_int_equal(wp_pool_parallel_for(pool, 0, 10, fail_on_some_chunks, NULL), WP_OK);
        assert_int_equal(wp_pool_parallel_for(pool, 10, 0, fail_on_some_chunks, NULL), WP_ERR_INVALID_ARGUMENT);
        wp_pool_destroy(pool);
    }
}

static wp_status count_task(wp_task *self, void *arg)
{
    (void)self;
    atomic_fetch_add((_Atomic int *)arg, 1);
    return WP_OK;
}

static void hundred_thousand_tiny_tasks_complete(void **state)
{
    (void)state;
    enum { TASKS = 100000 };
    wp_task **tasks = malloc(TASKS * sizeof *tasks);
    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool;
        _Atomic int counter;
        atomic_init(&counter, 0);
        assert_int_equal(wp_pool_create(test_worker_counts[w], &pool), WP_OK);
        for (int i = 0; i < TASKS; i++)
            assert_int_equal(wp_pool_submit(pool, count_task, &counter, &tasks[i]), WP_OK);
        for (int i = 0; i < TASKS; i++) {
            assert_int_equal(wp_task_wait(tasks[i]), WP_OK);
            assert_true(wp_task_progress(tasks[i]) == 1.0f);
            wp_task_release(tasks[i]);
        }
        assert_int_equal(atomic_load(&counter), TASKS);
        wp_pool_destroy(pool);
    }
    free(tasks);
}

/* A long task that works in 1000 steps, reporting progress. Half-way it
 * either cancels itself (inline pools run it inside submit) or holds until
 * the test cancels it, so the test cannot miss the moment. */
typedef struct long_job {
    _Atomic int steps_done;
    int self_cancel;
} long_job;

static wp_status long_task(wp_task *self, void *arg)
{
    long_job *job = arg;
    volatile double sink = 0;
    for (int step = 0; step < 1000; step++) {
        if (step == 500) {
            if (job->self_cancel)
                wp_task_cancel(self);
            while (!wp_task_cancel_requested(self))
                yield_cpu();
        }
        if (wp_task_cancel_requested(self))
            return WP_ERR_CANCELLED;
        for (int k = 0; k < 2000; k++)
            sink = sink + sqrt((double)k);
        atomic_fetch_add(&job->steps_done, 1);
        wp_task_set_progress(self, (float)(step + 1) / 1000.0f);
    }
    return WP_OK;
}

static void cancel_mid_way_stops_the_task(void **state)
{
    (void)state;
    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool;
        assert_int_equal(wp_pool_create(test_worker_counts[w], &pool), WP_OK);
        long_job job = {.self_cancel = test_worker_counts[w] == 0};
        atomic_init(&job.steps_done, 0);
        wp_task *task;
        assert_int_equal(wp_pool_submit(pool, long_task, &job, &task), WP_OK);
        if (test_worker_counts[w] > 0) {
            while (wp_task_progress(task) < 0.5f)
                yield_cpu();
            assert_int_equal(wp_task_poll(task), WP_PENDING);
            wp_task_cancel(task);
        }
        assert_int_equal(wp_task_wait(task), WP_ERR_CANCELLED);
        assert_int_equal(wp_task_poll(task), WP_ERR_CANCELLED);
        assert_int_equal(atomic_load(&job.steps_done), 500);
        assert_true(wp_task_progress(task) == 0.5f);
        wp_task_release(task);
        wp_pool_destroy(pool);
    }
}

static wp_status failing_task(wp_task *self, void *arg)
{
    (void)self;
    (void)arg;
    return WP_ERR_NOT_FINITE;
}

static wp_status pending_returning_task(wp_task *self, void *arg)
{
    (void)self;
    (void)arg;
    return WP_PENDING;
}

static void task_errors_reach_the_caller(void **state)
{
    (void)state;
    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool;
        assert_int_equal(wp_pool_create(test_worker_counts[w], &pool), WP_OK);
        wp_task *task;
        assert_int_equal(wp_pool_submit(pool, failing_task, NULL, &task), WP_OK);
        assert_int_equal(wp_task_wait(task), WP_ERR_NOT_FINITE);
        assert_true(wp_task_progress(task) < 1.0f);
        wp_task_release(task);
        /* "pending" is not a final status a body may return */
        assert_int_equal(wp_pool_submit(pool, pending_returning_task, NULL, &task), WP_OK);
        assert_int_equal(wp_task_wait(task), WP_ERR_TASK_FAILED);
        wp_task_release(task);
        assert_int_equal(wp_pool_submit(pool, NULL, NULL, &task), WP_ERR_INVALID_ARGUMENT);
        assert_null(task);
        wp_pool_destroy(pool);
    }
}

/* Runs until cancelled; tells the test when it has started. */
static wp_status blocker_task(wp_task *self, void *arg)
{
    atomic_store((_Atomic int *)arg, 1);
    while (!wp_task_cancel_requested(self))
        yield_cpu();
    return WP_ERR_CANCELLED;
}

static void queued_task_cancels_without_running(void **state)
{
    (void)state;
#ifndef WP_HAVE_THREADS
    skip();
#endif
    wp_pool *pool;
    assert_int_equal(wp_pool_create(1, &pool), WP_OK);
    _Atomic int started, ran;
    atomic_init(&started, 0);
    atomic_init(&ran, 0);
    wp_task *blocker, *queued;
    assert_int_equal(wp_pool_submit(pool, blocker_task, &started, &blocker), WP_OK);
    while (!atomic_load(&started))
        yield_cpu();
    assert_int_equal(wp_pool_submit(pool, count_task, &ran, &queued), WP_OK);
    assert_int_equal(wp_task_poll(queued), WP_PENDING);
    wp_task_cancel(queued);
    assert_int_equal(wp_task_poll(queued), WP_ERR_CANCELLED); /* at once, not when reached */
    wp_task_cancel(blocker);
    assert_int_equal(wp_task_wait(blocker), WP_ERR_CANCELLED);
    assert_int_equal(atomic_load(&ran), 0);
    wp_task_release(queued);
    wp_task_release(blocker);
    wp_pool_destroy(pool);
}

static void shutdown_with_pending_work(void **state)
{
    (void)state;
#ifndef WP_HAVE_THREADS
    skip();
#endif
    enum { QUEUED = 100 };
    wp_pool *pool;
    assert_int_equal(wp_pool_create(2, &pool), WP_OK);
    _Atomic int started[2], ran;
    atomic_init(&started[0], 0);
    atomic_init(&started[1], 0);
    atomic_init(&ran, 0);
    wp_task *blockers[2], *queued[QUEUED];
    for (int i = 0; i < 2; i++)
        assert_int_equal(wp_pool_submit(pool, blocker_task, &started[i], &blockers[i]), WP_OK);
    while (!atomic_load(&started[0]) || !atomic_load(&started[1]))
        yield_cpu();
    for (int i = 0; i < QUEUED; i++)
        assert_int_equal(wp_pool_submit(pool, count_task, &ran, &queued[i]), WP_OK);
    /* Release some handles before the pool goes: the pool must free those. */
    for (int i = 0; i < QUEUED / 2; i++)
        wp_task_release(queued[i]);
    wp_pool_destroy(pool); /* must neither hang nor leak */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(wp_task_poll(blockers[i]), WP_ERR_CANCELLED);
        wp_task_release(blockers[i]);
    }
    for (int i = QUEUED / 2; i < QUEUED; i++) {
        assert_int_equal(wp_task_wait(queued[i]), WP_ERR_SHUTDOWN);
        wp_task_release(queued[i]);
    }
    assert_int_equal(atomic_load(&ran), 0);
}

/* A task that runs a parallel_for on the pool it runs on. */
typedef struct nested_job {
    wp_pool *pool;
    float *out;
    _Atomic int *visits;
    const float *in;
} nested_job;

static wp_status nested_task(wp_task *self, void *arg)
{
    (void)self;
    nested_job *job = arg;
    chunked_job inner = {job->in, job->out, job->visits};
    return wp_pool_parallel_for(job->pool, 5000, 64, chunked_recurrence, &inner);
}

static void tasks_may_use_parallel_for(void **state)
{
    (void)state;
    enum { TASKS = 16 };
    static float in[5000], out[TASKS][5000];
    static _Atomic int visits[TASKS][5000];
    test_rng rng = test_rng_seeded(test_seed() + 9);
    for (int i = 0; i < 5000; i++)
        in[i] = test_rng_float(&rng);
    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool;
        assert_int_equal(wp_pool_create(test_worker_counts[w], &pool), WP_OK);
        nested_job jobs[TASKS];
        wp_task *tasks[TASKS];
        for (int t = 0; t < TASKS; t++) {
            for (int i = 0; i < 5000; i++)
                atomic_init(&visits[t][i], 0);
            jobs[t] = (nested_job){pool, out[t], visits[t], in};
            assert_int_equal(wp_pool_submit(pool, nested_task, &jobs[t], &tasks[t]), WP_OK);
        }
        for (int t = 0; t < TASKS; t++) {
            assert_int_equal(wp_task_wait(tasks[t]), WP_OK);
            wp_task_release(tasks[t]);
            for (int i = 0; i < 5000; i++)
                assert_int_equal(atomic_load(&visits[t][i]), 1);
            assert_memory_equal(out[t], out[0], sizeof out[0]);
        }
        wp_pool_destroy(pool);
    }
}

static void worker_counts_are_validated_and_verified(void **state)
{
    (void)state;
    wp_pool *pool = (wp_pool *)&pool;
    assert_int_equal(wp_pool_create(WP_POOL_MAX_WORKERS + 1, &pool), WP_ERR_INVALID_ARGUMENT);
    assert_null(pool);
    assert_int_equal(wp_pool_create(-5, &pool), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_pool_create(0, NULL), WP_ERR_INVALID_ARGUMENT);
    int def = wp_pool_default_workers();
#ifdef WP_HAVE_THREADS
    assert_true(def >= 1 && def <= WP_POOL_MAX_WORKERS);
#else
    assert_int_equal(def, 0);
    assert_int_equal(wp_pool_create(1, &pool), WP_ERR_INVALID_ARGUMENT);
#endif
    assert_int_equal(wp_pool_create(WP_POOL_DEFAULT_WORKERS, &pool), WP_OK);
    assert_int_equal(wp_pool_workers_requested(pool), def);
    assert_int_equal(wp_pool_workers_running(pool), def);
    wp_pool_destroy(pool);
    wp_pool_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parallel_for_is_identical_for_any_worker_count),
        cmocka_unit_test(parallel_for_reports_chunk_errors),
        cmocka_unit_test(hundred_thousand_tiny_tasks_complete),
        cmocka_unit_test(cancel_mid_way_stops_the_task),
        cmocka_unit_test(task_errors_reach_the_caller),
        cmocka_unit_test(queued_task_cancels_without_running),
        cmocka_unit_test(shutdown_with_pending_work),
        cmocka_unit_test(tasks_may_use_parallel_for),
        cmocka_unit_test(worker_counts_are_validated_and_verified),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
