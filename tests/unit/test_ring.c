#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/ring.h"

#ifdef WP_HAVE_THREADS
#include <pthread.h>
#include <sched.h>
#endif

#define GUARD_FLOATS 64
#define TOTAL_FRAMES 10000000u
#define CHANNELS 2u
#define MAX_CHUNK 700u

/* A canary that no copy of test data can produce: a NaN with a payload. */
static float guard_value(void)
{
    uint32_t bits = 0x7FC0BEEFu;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static void fill_guard(float *p, size_t n)
{
    float g = guard_value();
    for (size_t i = 0; i < n; i++)
        p[i] = g;
}

static int guard_intact(const float *p, size_t n)
{
    float g = guard_value();
    for (size_t i = 0; i < n; i++)
        if (memcmp(&p[i], &g, sizeof g) != 0)
            return 0;
    return 1;
}

/* The ring lives between two guard zones inside one 64-byte aligned block. */
typedef struct guarded_ring {
    unsigned char *block;
    float *front, *back;
    wp_ring *ring;
} guarded_ring;

static guarded_ring guarded_ring_create(uint32_t capacity, uint32_t channels)
{
    guarded_ring g;
    size_t bytes = wp_ring_bytes(capacity, channels);
    assert_true(bytes > 0);
    size_t guard_bytes = GUARD_FLOATS * sizeof(float); /* 256: keeps 64-byte alignment */
    size_t total = (guard_bytes * 2 + bytes + 63) / 64 * 64;
    g.block = aligned_alloc(64, total);
    assert_non_null(g.block);
    g.front = (float *)g.block;
    g.back = (float *)(g.block + guard_bytes + bytes);
    fill_guard(g.front, GUARD_FLOATS);
    fill_guard(g.back, GUARD_FLOATS);
    assert_int_equal(wp_ring_init(g.block + guard_bytes, bytes, capacity, channels, &g.ring), WP_OK);
    return g;
}

static void guarded_ring_check_and_free(guarded_ring *g)
{
    assert_true(guard_intact(g->front, GUARD_FLOATS));
    assert_true(guard_intact(g->back, GUARD_FLOATS));
    free(g->block);
}

/* Sample value of frame i, channel c: the generator's output for a given
 * seed, so the consumer can regenerate what it must see. */
typedef struct stream {
    test_rng values;   /* sample sequence */
    test_rng chunks;   /* chunk sizes */
    guarded_ring *ring;
    size_t moved;
    size_t stalls;
    int failed_at_frame; /* -1 when every sample matched */
    int bad_counts;      /* the ring returned a count it must not; cmocka
                            asserts may only run on the test's own thread */
} stream;

static void produce_some(stream *p, float *buf)
{
    size_t want = test_rng_range(&p->chunks, 1, MAX_CHUNK);
    if (want > TOTAL_FRAMES - p->moved)
        want = TOTAL_FRAMES - p->moved;
    /* Only generate what fits, so the sequence never skips values. */
    size_t space = wp_ring_writable(p->ring->ring);
    size_t n = want < space ? want : space;
    for (size_t i = 0; i < n * CHANNELS; i++)
        buf[i] = test_rng_float(&p->values);
    if (wp_ring_write(p->ring->ring, buf, n) != n)
        p->bad_counts++;
    p->moved += n;
    if (n == 0)
        p->stalls++;
}

static void consume_some(stream *c, float *buf)
{
    size_t want = test_rng_range(&c->chunks, 1, MAX_CHUNK);
    /* buf has guard zones on both sides of MAX_CHUNK frames */
    size_t got = wp_ring_read(c->ring->ring, buf, want);
    if (got > want)
        c->bad_counts++;
    for (size_t i = 0; i < got * CHANNELS; i++) {
        float expected = test_rng_float(&c->values);
        if (memcmp(&buf[i], &expected, sizeof expected) != 0 && c->failed_at_frame < 0)
            c->failed_at_frame = (int)(c->moved + i / CHANNELS);
    }
    c->moved += got;
    if (got == 0)
        c->stalls++;
}

static float *guarded_chunk_buffer(void)
{
    float *b = malloc((MAX_CHUNK * CHANNELS + 2 * GUARD_FLOATS) * sizeof *b);
    if (!b)
        abort();
    fill_guard(b, GUARD_FLOATS);
    fill_guard(b + GUARD_FLOATS + MAX_CHUNK * CHANNELS, GUARD_FLOATS);
    return b;
}

/* Returns 1 when both guard zones of a chunk buffer are intact; frees it. */
static int chunk_buffer_intact(float *b)
{
    int ok = guard_intact(b, GUARD_FLOATS) && guard_intact(b + GUARD_FLOATS + MAX_CHUNK * CHANNELS, GUARD_FLOATS);
    free(b);
    return ok;
}

#ifdef WP_HAVE_THREADS
static void *producer_thread(void *arg)
{
    stream *p = arg;
    float *buf = guarded_chunk_buffer();
    while (p->moved < TOTAL_FRAMES) {
        size_t before = p->moved;
        produce_some(p, buf + GUARD_FLOATS);
        if (p->moved == before)
            sched_yield();
    }
    if (!chunk_buffer_intact(buf))
        p->bad_counts++;
    return NULL;
}

static void *consumer_thread(void *arg)
{
    stream *c = arg;
    float *buf = guarded_chunk_buffer();
    while (c->moved < TOTAL_FRAMES) {
        size_t before = c->moved;
        consume_some(c, buf + GUARD_FLOATS);
        if (c->moved == before)
            sched_yield();
    }
    if (!chunk_buffer_intact(buf))
        c->bad_counts++;
    return NULL;
}
#endif

/* 10 million frames of a seeded sequence through a 1024-frame ring with
 * random chunk sizes on both sides: nothing lost, reordered or corrupted. */
static void ten_million_frames_arrive_intact(void **state)
{
    (void)state;
    uint64_t seed = test_seed();
    guarded_ring g = guarded_ring_create(1000, CHANNELS);
    assert_int_equal(wp_ring_capacity(g.ring), 1024);
    stream prod = {test_rng_seeded(seed), test_rng_seeded(seed * 3 + 1), &g, 0, 0, -1, 0};
    stream cons = {test_rng_seeded(seed), test_rng_seeded(seed * 5 + 2), &g, 0, 0, -1, 0};
#ifdef WP_HAVE_THREADS
    pthread_t pt, ct;
    assert_int_equal(pthread_create(&ct, NULL, consumer_thread, &cons), 0);
    assert_int_equal(pthread_create(&pt, NULL, producer_thread, &prod), 0);
    pthread_join(pt, NULL);
    pthread_join(ct, NULL);
#else
    /* No threads in this build: interleave the two sides at random. */
    float *pbuf = guarded_chunk_buffer(), *cbuf = guarded_chunk_buffer();
    test_rng turn = test_rng_seeded(seed * 7 + 3);
    while (cons.moved < TOTAL_FRAMES) {
        if (prod.moved < TOTAL_FRAMES && (test_rng_next(&turn) & 1))
            produce_some(&prod, pbuf + GUARD_FLOATS);
        else
            consume_some(&cons, cbuf + GUARD_FLOATS);
    }
    assert_true(chunk_buffer_intact(pbuf));
    assert_true(chunk_buffer_intact(cbuf));
#endif
    assert_int_equal(prod.bad_counts, 0);
    assert_int_equal(cons.bad_counts, 0);
    if (cons.failed_at_frame >= 0)
        fail_msg("first wrong sample at frame %d", cons.failed_at_frame);
    assert_int_equal(prod.moved, TOTAL_FRAMES);
    assert_int_equal(cons.moved, TOTAL_FRAMES);
    assert_int_equal(wp_ring_readable(g.ring), 0);
    printf("# producer stalls %zu, consumer stalls %zu, overruns %u, underruns %u\n", prod.stalls,
           cons.stalls, wp_ring_overruns(g.ring), wp_ring_underruns(g.ring));
    guarded_ring_check_and_free(&g);
}

static uint32_t header_u32(const wp_ring *ring, size_t offset)
{
    uint32_t v;
    memcpy(&v, (const unsigned char *)ring + offset, sizeof v);
    return v;
}

static void set_header_u32(wp_ring *ring, size_t offset, uint32_t v)
{
    memcpy((unsigned char *)ring + offset, &v, sizeof v);
}

static void empty_and_full_edges(void **state)
{
    (void)state;
    guarded_ring g = guarded_ring_create(8, 2);
    wp_ring *r = g.ring;
    float in[2 * 9], out[2 * 9];
    for (int i = 0; i < 18; i++)
        in[i] = (float)i;

    assert_int_equal(wp_ring_readable(r), 0);
    assert_int_equal(wp_ring_writable(r), 8);
    assert_int_equal(wp_ring_read(r, out, 1), 0); /* empty */
    assert_int_equal(wp_ring_underruns(r), 1);
    assert_int_equal(wp_ring_read(r, out, 0), 0); /* asking for nothing is no underrun */
    assert_int_equal(wp_ring_underruns(r), 1);

    assert_int_equal(wp_ring_write(r, in, 8), 8); /* exactly full */
    assert_int_equal(wp_ring_overruns(r), 0);
    assert_int_equal(wp_ring_writable(r), 0);
    assert_int_equal(wp_ring_readable(r), 8);
    assert_int_equal(wp_ring_write(r, in, 1), 0); /* full: nothing overwritten */
    assert_int_equal(wp_ring_overruns(r), 1);

    assert_int_equal(wp_ring_read(r, out, 9), 8); /* short read counts an underrun */
    assert_int_equal(wp_ring_underruns(r), 2);
    assert_memory_equal(out, in, 16 * sizeof(float));

    assert_int_equal(wp_ring_write(r, in, 9), 8); /* partial write */
    assert_int_equal(wp_ring_overruns(r), 2);
    wp_ring_reset(r);
    assert_int_equal(wp_ring_readable(r), 0);
    assert_int_equal(wp_ring_overruns(r), 0);
    assert_int_equal(wp_ring_underruns(r), 0);
    guarded_ring_check_and_free(&g);
}

/* The documented layout is what JavaScript reads: check every field through
 * raw offsets, and that indices wrap at 2^32 without losing frames. */
static void layout_and_index_wrap(void **state)
{
    (void)state;
    guarded_ring g = guarded_ring_create(5, 3);
    wp_ring *r = g.ring;
    assert_int_equal(header_u32(r, WP_RING_OFFSET_CAPACITY), 8);
    assert_int_equal(header_u32(r, WP_RING_OFFSET_CHANNELS), 3);
    assert_int_equal(wp_ring_channels(r), 3);

    /* Start both indices just below the wrap, as if 2^32 - 3 frames had passed. */
    set_header_u32(r, WP_RING_OFFSET_WRITE, 0xFFFFFFFDu);
    set_header_u32(r, WP_RING_OFFSET_READ, 0xFFFFFFFDu);
    float in[3 * 7], out[3 * 7];
    for (int i = 0; i < 21; i++)
        in[i] = (float)i + 0.25f;
    assert_int_equal(wp_ring_write(r, in, 7), 7);
    assert_int_equal(header_u32(r, WP_RING_OFFSET_WRITE), 4u); /* wrapped */
    assert_int_equal(wp_ring_readable(r), 7);

    /* Frame i sits in slot (index & (capacity-1)) right after the header. */
    const float *data = (const float *)((const unsigned char *)r + WP_RING_OFFSET_DATA);
    uint32_t slot_of_first = 0xFFFFFFFDu & 7u;
    assert_true(data[slot_of_first * 3] == in[0]);

    assert_int_equal(wp_ring_read(r, out, 7), 7);
    assert_memory_equal(out, in, sizeof in);
    assert_int_equal(header_u32(r, WP_RING_OFFSET_READ), 4u);
    set_header_u32(r, WP_RING_OFFSET_UNDERRUNS, 41);
    assert_int_equal(wp_ring_underruns(r), 41);
    guarded_ring_check_and_free(&g);
}

static void bad_arguments_are_rejected(void **state)
{
    (void)state;
    wp_ring *r = (wp_ring *)&r;
    assert_int_equal(wp_ring_bytes(0, 2), 0);
    assert_int_equal(wp_ring_bytes(16, 0), 0);
    assert_int_equal(wp_ring_bytes(16, WP_RING_MAX_CHANNELS + 1), 0);
    assert_int_equal(wp_ring_bytes(WP_RING_MAX_FRAMES + 1, 2), 0);
    assert_int_equal(wp_ring_create(0, 2, &r), WP_ERR_INVALID_ARGUMENT);
    assert_null(r);
    unsigned char *block = aligned_alloc(64, 1024);
    assert_int_equal(wp_ring_init(block + 4, 1000, 4, 2, &r), WP_ERR_INVALID_ARGUMENT); /* misaligned */
    assert_int_equal(wp_ring_init(block, 64, 4, 2, &r), WP_ERR_INVALID_ARGUMENT);       /* too small */
    assert_int_equal(wp_ring_init(block, 1024, 4, 2, &r), WP_OK);
    free(block);
    assert_int_equal(wp_ring_create(100, 2, &r), WP_OK);
    assert_int_equal(wp_ring_capacity(r), 128);
    wp_ring_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ten_million_frames_arrive_intact),
        cmocka_unit_test(empty_and_full_edges),
        cmocka_unit_test(layout_and_index_wrap),
        cmocka_unit_test(bad_arguments_are_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
