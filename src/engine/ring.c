#include "wavepool/ring.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The layout documented in ring.h; the static asserts keep the two in step. */
struct wp_ring {
    _Atomic uint32_t write_index;
    _Atomic uint32_t overruns;
    uint32_t capacity;
    uint32_t channels;
    uint8_t producer_line_pad[WP_RING_OFFSET_READ - 16];
    _Atomic uint32_t read_index;
    _Atomic uint32_t underruns;
    uint8_t consumer_line_pad[WP_RING_OFFSET_DATA - WP_RING_OFFSET_READ - 8];
    float data[];
};

_Static_assert(offsetof(struct wp_ring, write_index) == WP_RING_OFFSET_WRITE, "ring layout");
_Static_assert(offsetof(struct wp_ring, overruns) == WP_RING_OFFSET_OVERRUNS, "ring layout");
_Static_assert(offsetof(struct wp_ring, capacity) == WP_RING_OFFSET_CAPACITY, "ring layout");
_Static_assert(offsetof(struct wp_ring, channels) == WP_RING_OFFSET_CHANNELS, "ring layout");
_Static_assert(offsetof(struct wp_ring, read_index) == WP_RING_OFFSET_READ, "ring layout");
_Static_assert(offsetof(struct wp_ring, underruns) == WP_RING_OFFSET_UNDERRUNS, "ring layout");
_Static_assert(offsetof(struct wp_ring, data) == WP_RING_OFFSET_DATA, "ring layout");
_Static_assert(sizeof(_Atomic uint32_t) == 4, "JS reads the indices as Uint32");

static uint32_t round_up_pow2(uint32_t v)
{
    uint32_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

size_t wp_ring_bytes(uint32_t capacity_frames, uint32_t channels)
{
    if (capacity_frames == 0 || capacity_frames > WP_RING_MAX_FRAMES || channels == 0 ||
        channels > WP_RING_MAX_CHANNELS)
        return 0;
    return WP_RING_OFFSET_DATA + (size_t)round_up_pow2(capacity_frames) * channels * sizeof(float);
}

wp_status wp_ring_init(void *memory, size_t bytes, uint32_t capacity_frames, uint32_t channels,
                       wp_ring **out_ring)
{
    if (!out_ring)
        return WP_ERR_INVALID_ARGUMENT;
    *out_ring = NULL;
    size_t need = wp_ring_bytes(capacity_frames, channels);
    if (!memory || need == 0 || bytes < need || ((uintptr_t)memory % WP_RING_ALIGNMENT) != 0)
        return WP_ERR_INVALID_ARGUMENT;
    wp_ring *ring = memory;
    memset(ring, 0, need);
    ring->capacity = round_up_pow2(capacity_frames);
    ring->channels = channels;
    atomic_init(&ring->write_index, 0);
    atomic_init(&ring->read_index, 0);
    atomic_init(&ring->overruns, 0);
    atomic_init(&ring->underruns, 0);
    *out_ring = ring;
    return WP_OK;
}

wp_status wp_ring_create(uint32_t capacity_frames, uint32_t channels, wp_ring **out_ring)
{
    if (!out_ring)
        return WP_ERR_INVALID_ARGUMENT;
    *out_ring = NULL;
    size_t need = wp_ring_bytes(capacity_frames, channels);
    if (need == 0)
        return WP_ERR_INVALID_ARGUMENT;
    /* aligned_alloc wants a size that is a multiple of the alignment. */
    size_t rounded = (need + WP_RING_ALIGNMENT - 1) / WP_RING_ALIGNMENT * WP_RING_ALIGNMENT;
    void *memory = aligned_alloc(WP_RING_ALIGNMENT, rounded);
    if (!memory)
        return WP_ERR_OUT_OF_MEMORY;
    wp_status st = wp_ring_init(memory, rounded, capacity_frames, channels, out_ring);
    if (st != WP_OK)
        free(memory);
    return st;
}

void wp_ring_destroy(wp_ring *ring) { free(ring); }

uint32_t wp_ring_capacity(const wp_ring *ring) { return ring->capacity; }
uint32_t wp_ring_channels(const wp_ring *ring) { return ring->channels; }

/* Copies `frames` frames between the ring slots starting at `index` and a
 * linear buffer, in at most two runs (the second after the wrap). */
static void copy_in(wp_ring *ring, uint32_t index, const float *src, size_t frames)
{
    size_t slot = index & (ring->capacity - 1);
    size_t first = ring->capacity - slot < frames ? ring->capacity - slot : frames;
    size_t ch = ring->channels;
    memcpy(ring->data + slot * ch, src, first * ch * sizeof(float));
    memcpy(ring->data, src + first * ch, (frames - first) * ch * sizeof(float));
}

static void copy_out(const wp_ring *ring, uint32_t index, float *dst, size_t frames)
{
    size_t slot = index & (ring->capacity - 1);
    size_t first = ring->capacity - slot < frames ? ring->capacity - slot : frames;
    size_t ch = ring->channels;
    memcpy(dst, ring->data + slot * ch, first * ch * sizeof(float));
    memcpy(dst + first * ch, ring->data, (frames - first) * ch * sizeof(float));
}

size_t wp_ring_writable(const wp_ring *ring)
{
    uint32_t w = atomic_load_explicit(&ring->write_index, memory_order_relaxed);
    uint32_t r = atomic_load_explicit(&ring->read_index, memory_order_acquire);
    return ring->capacity - (uint32_t)(w - r);
}

size_t wp_ring_readable(const wp_ring *ring)
{
    uint32_t w = atomic_load_explicit(&ring->write_index, memory_order_acquire);
    uint32_t r = atomic_load_explicit(&ring->read_index, memory_order_relaxed);
    return (uint32_t)(w - r);
}

size_t wp_ring_write(wp_ring *ring, const float *interleaved, size_t frames)
{
    size_t space = wp_ring_writable(ring);
    size_t n = frames < space ? frames : space;
    if (n < frames)
        atomic_fetch_add_explicit(&ring->overruns, 1, memory_order_relaxed);
    if (n == 0)
        return 0;
    uint32_t w = atomic_load_explicit(&ring->write_index, memory_order_relaxed);
    copy_in(ring, w, interleaved, n);
    atomic_store_explicit(&ring->write_index, w + (uint32_t)n, memory_order_release);
    return n;
}

size_t wp_ring_read(wp_ring *ring, float *interleaved, size_t frames)
{
    size_t avail = wp_ring_readable(ring);
    size_t n = frames < avail ? frames : avail;
    if (n < frames)
        atomic_fetch_add_explicit(&ring->underruns, 1, memory_order_relaxed);
    if (n == 0)
        return 0;
    uint32_t r = atomic_load_explicit(&ring->read_index, memory_order_relaxed);
    copy_out(ring, r, interleaved, n);
    atomic_store_explicit(&ring->read_index, r + (uint32_t)n, memory_order_release);
    return n;
}

uint32_t wp_ring_overruns(const wp_ring *ring) { return atomic_load_explicit(&ring->overruns, memory_order_relaxed); }
uint32_t wp_ring_underruns(const wp_ring *ring) { return atomic_load_explicit(&ring->underruns, memory_order_relaxed); }

void wp_ring_reset(wp_ring *ring)
{
    atomic_store(&ring->write_index, 0);
    atomic_store(&ring->read_index, 0);
    atomic_store(&ring->overruns, 0);
    atomic_store(&ring->underruns, 0);
}
