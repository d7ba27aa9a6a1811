/* Shared by the unit tests: cmocka includes, a seeded generator and the
 * worker counts this build can run. */
#ifndef WP_TEST_UTIL_H
#define WP_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

#ifdef WP_HAVE_THREADS
static const int test_worker_counts[] = {0, 1, 2, 4, 8};
#else
static const int test_worker_counts[] = {0};
#endif
#define TEST_WORKER_COUNTS (sizeof test_worker_counts / sizeof test_worker_counts[0])

#endif
