/* wavepool: single-producer/single-consumer lock-free ring of float frames.
 *
 * One thread writes (the producer), one thread reads (the consumer). Both
 * sides are wait-free: no locks, no loops that wait on the other side, no
 * allocation. Writes never overwrite unread frames; they write what fits and
 * return that count. Reads return what is available.
 *
 * Memory layout (the contract JavaScript relies on to read the ring straight
 * out of shared wasm memory with Atomics; all fields little-endian uint32,
 * offsets in bytes from the ring's base address, which is 64-byte aligned):
 *
 *   WP_RING_OFFSET_WRITE      0   write index, free-running frame counter (producer stores, release)
 *   WP_RING_OFFSET_OVERRUNS   4   count of writes that did not fit whole (producer)
 *   WP_RING_OFFSET_CAPACITY   8   capacity in frames, a power of two (constant)
 *   WP_RING_OFFSET_CHANNELS  12   interleaved channels per frame (constant)
 *   WP_RING_OFFSET_READ      64   read index, free-running frame counter (consumer stores, release)
 *   WP_RING_OFFSET_UNDERRUNS 68   count of reads that found fewer frames than asked (consumer)
 *   WP_RING_OFFSET_DATA     128   capacity * channels interleaved float32 samples
 *
 * Indices only grow and wrap at 2^32. Frames readable = (write - read) mod 2^32,
 * always <= capacity; frame i lives in slot (i & (capacity - 1)). A side
 * copies samples first and publishes its index afterwards with a release
 * store; the other side loads that index with acquire (Atomics.load in JS is
 * sequentially consistent, which is stronger). Producer and consumer indices
 * sit on separate 64-byte cache lines.
 *
 * Real-time safety: wp_ring_write, wp_ring_read, wp_ring_readable,
 * wp_ring_writable and the counters are real-time safe. Create, init and
 * destroy are not. wp_ring_reset only while neither side runs.
 */
#ifndef WAVEPOOL_RING_H
#define WAVEPOOL_RING_H

#include <stddef.h>
#include <stdint.h>
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WP_RING_OFFSET_WRITE 0
#define WP_RING_OFFSET_OVERRUNS 4
#define WP_RING_OFFSET_CAPACITY 8
#define WP_RING_OFFSET_CHANNELS 12
#define WP_RING_OFFSET_READ 64
#define WP_RING_OFFSET_UNDERRUNS 68
#define WP_RING_OFFSET_DATA 128
#define WP_RING_ALIGNMENT 64
#define WP_RING_MAX_CHANNELS 64
#define WP_RING_MAX_FRAMES (1u << 24)

typedef struct wp_ring wp_ring;

/* Bytes a ring needs for `capacity_frames` (rounded up to a power of two)
 * and `channels`; 0 when either is out of range
 * (1..WP_RING_MAX_FRAMES, 1..WP_RING_MAX_CHANNELS). */
size_t wp_ring_bytes(uint32_t capacity_frames, uint32_t channels);

/* Lays a ring out in caller memory (`bytes` >= wp_ring_bytes(...), aligned
 * to WP_RING_ALIGNMENT). The ring is `memory` itself; nothing to destroy. */
WP_NODISCARD wp_status wp_ring_init(void *memory, size_t bytes, uint32_t capacity_frames,
                                    uint32_t channels, wp_ring **out_ring);
/* Allocates and lays out a ring; free with wp_ring_destroy. */
WP_NODISCARD wp_status wp_ring_create(uint32_t capacity_frames, uint32_t channels, wp_ring **out_ring);
void wp_ring_destroy(wp_ring *ring);

uint32_t wp_ring_capacity(const wp_ring *ring);
uint32_t wp_ring_channels(const wp_ring *ring);

/* Producer side: copies up to `frames` frames of interleaved samples in,
 * returns how many it wrote (fewer when the ring is nearly full, and then
 * the overrun counter goes up by one). */
size_t wp_ring_write(wp_ring *ring, const float *interleaved, size_t frames);
/* Frames the producer can write now (a lower bound while the consumer runs). */
size_t wp_ring_writable(const wp_ring *ring);

/* Consumer side: copies up to `frames` frames out, returns how many it read
 * (fewer when the ring runs short, and then the underrun counter goes up by one). */
size_t wp_ring_read(wp_ring *ring, float *interleaved, size_t frames);
/* Frames the consumer can read now (a lower bound while the producer runs). */
size_t wp_ring_readable(const wp_ring *ring);

uint32_t wp_ring_overruns(const wp_ring *ring);
uint32_t wp_ring_underruns(const wp_ring *ring);

/* Empties the ring and zeroes the counters. Only when neither side runs. */
void wp_ring_reset(wp_ring *ring);

#ifdef __cplusplus
}
#endif

#endif
