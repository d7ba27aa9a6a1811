/* Shared by the unit tests: cmocka includes, a seeded generator and the
 * worker counts this build can run. */
#ifndef WP_TEST_UTIL_H
#define WP_TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* xorshift64*: fast, good enough for test data, identical on every platform. */
typedef struct test_rng {
    uint64_t state;
} test_rng;

static inline test_rng test_rng_seeded(uint64_t seed)
{
    test_rng r = {seed ? seed : 0x9E3779B97F4A7C15ull};
    return r;
}

static inline uint64_t test_rng_next(test_rng *r)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [-1, 1). */
static inline float test_rng_float(test_rng *r)
{
    return (float)((double)(test_rng_next(r) >> 11) * (2.0 / 9007199254740992.0) - 1.0);
}

/* Uniform integer in [lo, hi]. */
static inline size_t test_rng_range(test_rng *r, size_t lo, size_t hi)
{
    return lo + (size_t)(test_rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* The seed every test uses: WP_TEST_SEED from the environment, or a fixed
 * default. Printed so a failing run can be replayed. */
static inline uint64_t test_seed(void)
{
    static uint64_t seed;
    if (!seed) {
        const char *env = getenv("WP_TEST_SEED");
        seed = env ? strtoull(env, NULL, 0) : 20261124ull;
        if (!seed)
            seed = 1;
        printf("# WP_TEST_SEED=%llu\n", (unsigned long long)seed);
    }
    return seed;
}

/* n zeroed floats; the test fails if the allocation does. */
static inline float *test_zeros(size_t n)
{
    float *x = calloc(n, sizeof *x);
    assert_non_null(x);
    return x;
}

static inline float *test_copy(const float *x, size_t n)
{
    float *y = test_zeros(n);
    memcpy(y, x, n * sizeof *x);
    return y;
}

/* n samples uniform in [-amp, amp). */
static inline float *test_noise(test_rng *rng, size_t n, float amp)
{
    float *x = test_zeros(n);
    for (size_t i = 0; i < n; i++)
        x[i] = amp * test_rng_float(rng);
    return x;
}

/* Largest |x| over [from, to). */
static inline double test_max_abs(const float *x, size_t from, size_t to)
{
    double m = 0.0;
    for (size_t i = from; i < to; i++)
        m = fmax(m, fabs((double)x[i]));
    return m;
}

/* Largest |second difference| over [from, to): a click shows as a spike. */
static inline double test_max_second_difference(const float *x, size_t from, size_t to)
{
    double m = 0.0;
    for (size_t i = from + 2; i < to; i++)
        m = fmax(m, fabs((double)x[i] - 2.0 * x[i - 1] + x[i - 2]));
    return m;
}

/* A block-split run: a stereo processor (the callbacks wrap one module),
 * the marks where its parameters change, and the random block sizes. */
typedef struct test_split {
    void *(*make)(void);                                  /* a fresh instance */
    void (*process)(void *fx, float *l, float *r, size_t n);
    void (*at_mark)(void *fx, size_t m);                  /* changes before segment m */
    void (*destroy)(void *fx);
    const size_t *marks;                                  /* 0 = marks[0] < ... < marks[n_marks - 1] = n */
    size_t n_marks;
    size_t max_random;                                    /* random blocks are 1..max_random frames */
} test_split;

/* Defines split_make, split_process and split_destroy for a test_split
 * over module `mod` (wp_reverb, wp_delay, ...): make_expr creates a fresh
 * instance; process hands both channels to mod##_process in place. */
#define TEST_SPLIT_FX(mod, make_expr)                                       \
    static void *split_make(void)                                           \
    {                                                                       \
        return make_expr;                                                   \
    }                                                                       \
    static void split_process(void *fx, float *l, float *r, size_t n)       \
    {                                                                       \
        float *ch[2] = {l, r};                                              \
        mod##_process(fx, ch, n);                                           \
    }                                                                       \
    static void split_destroy(void *fx)                                     \
    {                                                                       \
        mod##_destroy(fx);                                                  \
    }

/* Runs a fresh instance over copies of l and r (n = the last mark). Before
 * segment m (marks[m] to marks[m + 1]), at_mark(fx, m) applies that
 * segment's parameter changes. Each segment is processed in blocks of
 * `block` frames (0: random sizes from rng), cut short at its end. Returns
 * the output in out[0], out[1] (caller frees). */
static inline void test_run_split(const test_split *t, const float *l, const float *r, size_t block,
                                  test_rng *rng, float *out[2])
{
    const size_t n = t->marks[t->n_marks - 1];
    float *yl = test_copy(l, n), *yr = test_copy(r, n);
    void *fx = t->make();
    for (size_t m = 0; m + 1 < t->n_marks; m++) {
        t->at_mark(fx, m);
        for (size_t pos = t->marks[m]; pos < t->marks[m + 1];) {
            size_t len = block ? block : test_rng_range(rng, 1, t->max_random);
            len = len < t->marks[m + 1] - pos ? len : t->marks[m + 1] - pos;
            t->process(fx, yl + pos, yr + pos, len);
            pos += len;
        }
    }
    t->destroy(fx);
    out[0] = yl, out[1] = yr;
}

/* The output for blocks of 1, 7, 128, 4096 and random sizes must be
 * bit-identical (same bits, and equal as floats, so NaN fails too) to the
 * output for one block of n frames. ref_out, if not NULL, gets that
 * one-block output (caller frees). */
static inline void test_assert_block_split_invariant(const test_split *t, const float *l, const float *r,
                                                     test_rng *rng, float *ref_out[2])
{
    const size_t n = t->marks[t->n_marks - 1];
    const size_t blocks[] = {n, 1, 7, 128, 4096, 0};
    float *ref[2], *y[2];
    test_run_split(t, l, r, blocks[0], rng, ref);
    for (size_t b = 1; b < sizeof blocks / sizeof blocks[0]; b++) {
        test_run_split(t, l, r, blocks[b], rng, y);
        for (size_t i = 0; i < n; i++)
            if (memcmp(&y[0][i], &ref[0][i], sizeof **y) || memcmp(&y[1][i], &ref[1][i], sizeof **y) ||
                y[0][i] != ref[0][i] || y[1][i] != ref[1][i])
                fail_msg("block size %zu: frame %zu differs from one block (%.9g %.9g vs %.9g %.9g)",
                         blocks[b], i, y[0][i], y[1][i], ref[0][i], ref[1][i]);
        free(y[0]), free(y[1]);
    }
    if (ref_out)
        ref_out[0] = ref[0], ref_out[1] = ref[1];
    else
        free(ref[0]), free(ref[1]);
}

#ifdef WP_HAVE_THREADS
static const int test_worker_counts[] = {0, 1, 2, 4, 8};
#else
static const int test_worker_counts[] = {0};
#endif
#define TEST_WORKER_COUNTS (sizeof test_worker_counts / sizeof test_worker_counts[0])

#endif
