/**
 * @file
 * wavepool: single-producer/single-consumer lock-free ring of float frames.
 *
 * One thread writes (the producer), one thread reads (the consumer). Both
 * sides are wait-free: no locks, no loops that wait on the other side, no
 * allocation. Writes never overwrite unread frames; they write what fits and
 * return that count. Reads return what is available.
 *
 * Memory layout (the contract JavaScript relies on to read the ring straight
 * out of shared wasm memory with Atomics; all fields little-endian uint32,
 * offsets in bytes from the ring's base address, which is 64-byte aligned):
 * @verbatim
   WP_RING_OFFSET_WRITE      0   write index, free-running frame counter (producer stores, release)
   WP_RING_OFFSET_OVERRUNS   4   count of writes that did not fit whole (producer)
   WP_RING_OFFSET_CAPACITY   8   capacity in frames, a power of two (constant)
   WP_RING_OFFSET_CHANNELS  12   interleaved channels per frame (constant)
   WP_RING_OFFSET_READ      64   read index, free-running frame counter (consumer stores, release)
   WP_RING_OFFSET_UNDERRUNS 68   count of reads that found fewer frames than asked (consumer)
   WP_RING_OFFSET_DATA     128   capacity * channels interleaved float32 samples
   @endverbatim
 *
 * Indices only grow and wrap at 2^32. Frames readable = `(write - read) mod 2^32`,
 * always <= capacity; frame i lives in slot `(i & (capacity - 1))`. A side
 * copies samples first and publishes its index afterwards with a release
 * store; the other side loads that index with acquire (Atomics.load in JS is
 * sequentially consistent, which is stronger). Producer and consumer indices
 * sit on separate 64-byte cache lines.
 *
 * Real-time safety: wp_ring_write(), wp_ring_read(), wp_ring_readable(),
 * wp_ring_writable() and the counters are real-time safe. Create, init and
 * destroy are not. wp_ring_reset() only while neither side runs.
 *
 * Threads: wp_ring_write() and wp_ring_writable() belong to the producer,
 * wp_ring_read() and wp_ring_readable() to the consumer; the capacity,
 * channel and counter getters may be called from any thread.
 */
#ifndef WAVEPOOL_RING_H
#define WAVEPOOL_RING_H

#include <stddef.h>
#include <stdint.h>
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Byte offset of the write index (uint32, producer stores with release). */
#define WP_RING_OFFSET_WRITE 0
/** Byte offset of the overrun counter (uint32, producer). */
#define WP_RING_OFFSET_OVERRUNS 4
/** Byte offset of the capacity in frames (uint32, a power of two, constant). */
#define WP_RING_OFFSET_CAPACITY 8
/** Byte offset of the channel count (uint32, constant). */
#define WP_RING_OFFSET_CHANNELS 12
/** Byte offset of the read index (uint32, consumer stores with release), on its own cache line. */
#define WP_RING_OFFSET_READ 64
/** Byte offset of the underrun counter (uint32, consumer). */
#define WP_RING_OFFSET_UNDERRUNS 68
/** Byte offset of the sample data: capacity * channels interleaved float32. */
#define WP_RING_OFFSET_DATA 128
/** Alignment in bytes of a ring's base address (one cache line). */
#define WP_RING_ALIGNMENT 64
/** Largest channel count of a ring. */
#define WP_RING_MAX_CHANNELS 64
/** Largest capacity of a ring in frames (2^24). */
#define WP_RING_MAX_FRAMES (1u << 24)

/**
 * A single-producer/single-consumer ring of interleaved float frames (opaque).
 *
 * Its memory is the layout above; a `wp_ring *` is the ring's base address.
 */
typedef struct wp_ring wp_ring;

/**
 * Bytes a ring needs for `capacity_frames` (rounded up to a power of two)
 * and `channels`.
 *
 * 0 when either is out of range (1..WP_RING_MAX_FRAMES,
 * 1..WP_RING_MAX_CHANNELS). Pure; any thread, real-time safe.
 *
 * @param[in] capacity_frames  frames, 1..WP_RING_MAX_FRAMES; rounded up to a
 *                             power of two.
 * @param[in] channels         interleaved channels, 1..WP_RING_MAX_CHANNELS.
 * @return `WP_RING_OFFSET_DATA + capacity * channels * 4` bytes with the
 *         rounded capacity, or 0.
 */
size_t wp_ring_bytes(uint32_t capacity_frames, uint32_t channels);

/**
 * Lays a ring out in caller memory.
 *
 * `bytes` >= wp_ring_bytes(...), `memory` aligned to WP_RING_ALIGNMENT. The
 * ring is `memory` itself; nothing to destroy (never pass it to
 * wp_ring_destroy()). The header and data are zeroed: the ring starts empty,
 * counters at 0. Not real-time safe (writes all of the memory); no side may
 * run yet.
 *
 * @param[in,out] memory           caller-owned memory, WP_RING_ALIGNMENT-aligned;
 *                                 must outlive every use of the ring.
 * @param[in]     bytes            size of @p memory in bytes, >=
 *                                 wp_ring_bytes(capacity_frames, channels).
 * @param[in]     capacity_frames  frames, 1..WP_RING_MAX_FRAMES; rounded up to
 *                                 a power of two.
 * @param[in]     channels         interleaved channels, 1..WP_RING_MAX_CHANNELS.
 * @param[out]    out_ring         receives the ring (equal to @p memory); set
 *                                 to NULL on failure when not NULL itself.
 * @retval WP_OK                    ring laid out.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out_ring or @p memory is NULL,
 *                                  @p capacity_frames or @p channels is out of
 *                                  range, @p bytes is too small, or @p memory
 *                                  is misaligned.
 */
WP_NODISCARD wp_status wp_ring_init(void *memory, size_t bytes, uint32_t capacity_frames,
                                    uint32_t channels, wp_ring **out_ring);
/**
 * Allocates and lays out a ring; free with wp_ring_destroy().
 *
 * The ring starts empty, counters at 0. Allocates: not real-time safe.
 *
 * @param[in]  capacity_frames  frames, 1..WP_RING_MAX_FRAMES; rounded up to a
 *                              power of two.
 * @param[in]  channels         interleaved channels, 1..WP_RING_MAX_CHANNELS.
 * @param[out] out_ring         receives the ring, owned by the caller, who
 *                              frees it with wp_ring_destroy(); set to NULL on
 *                              failure when not NULL itself.
 * @retval WP_OK                    ring created.
 * @retval WP_ERR_INVALID_ARGUMENT  @p out_ring is NULL, or @p capacity_frames
 *                                  or @p channels is out of range.
 * @retval WP_ERR_OUT_OF_MEMORY     the allocation failed.
 */
WP_NODISCARD wp_status wp_ring_create(uint32_t capacity_frames, uint32_t channels, wp_ring **out_ring);
/**
 * Frees a ring made by wp_ring_create().
 *
 * Not real-time safe; neither side may run. Never for a ring from
 * wp_ring_init() (its memory belongs to the caller).
 *
 * @param[in] ring  ring from wp_ring_create(), or NULL (then nothing happens).
 */
void wp_ring_destroy(wp_ring *ring);

/**
 * Capacity in frames (the requested capacity rounded up to a power of two).
 *
 * Any thread, real-time safe.
 *
 * @param[in] ring  a ring (not NULL).
 * @return the capacity in frames.
 */
uint32_t wp_ring_capacity(const wp_ring *ring);
/**
 * Interleaved channels per frame.
 *
 * Any thread, real-time safe.
 *
 * @param[in] ring  a ring (not NULL).
 * @return the channel count.
 */
uint32_t wp_ring_channels(const wp_ring *ring);

/**
 * Producer side: copies up to `frames` frames of interleaved samples in.
 *
 * Returns how many it wrote (fewer when the ring is nearly full, and then
 * the overrun counter goes up by one). Never overwrites unread frames.
 * Producer thread only; wait-free and real-time safe.
 *
 * @param[in,out] ring         a ring (not NULL).
 * @param[in]     interleaved  @p frames * channels samples, frame-interleaved.
 * @param[in]     frames       frames offered; 0 writes nothing and counts no
 *                             overrun.
 * @return frames written, 0..@p frames.
 */
size_t wp_ring_write(wp_ring *ring, const float *interleaved, size_t frames);
/**
 * Frames the producer can write now (a lower bound while the consumer runs).
 *
 * Producer thread; real-time safe.
 *
 * @param[in] ring  a ring (not NULL).
 * @return free frames, 0..capacity.
 */
size_t wp_ring_writable(const wp_ring *ring);

/**
 * Consumer side: copies up to `frames` frames out.
 *
 * Returns how many it read (fewer when the ring runs short, and then the
 * underrun counter goes up by one). Consumer thread only; wait-free and
 * real-time safe.
 *
 * @param[in,out] ring         a ring (not NULL).
 * @param[out]    interleaved  room for @p frames * channels samples; only the
 *                             frames read are written.
 * @param[in]     frames       frames wanted; 0 reads nothing and counts no
 *                             underrun.
 * @return frames read, 0..@p frames.
 */
size_t wp_ring_read(wp_ring *ring, float *interleaved, size_t frames);
/**
 * Frames the consumer can read now (a lower bound while the producer runs).
 *
 * Consumer thread; real-time safe.
 *
 * @param[in] ring  a ring (not NULL).
 * @return readable frames, 0..capacity.
 */
size_t wp_ring_readable(const wp_ring *ring);

/**
 * Count of writes that did not fit whole since init or reset.
 *
 * Wraps at 2^32. Any thread, real-time safe.
 *
 * @param[in] ring  a ring (not NULL).
 * @return the overrun count.
 */
uint32_t wp_ring_overruns(const wp_ring *ring);
/**
 * Count of reads that found fewer frames than asked since init or reset.
 *
 * Wraps at 2^32. Any thread, real-time safe.
 *
 * @param[in] ring  a ring (not NULL).
 * @return the underrun count.
 */
uint32_t wp_ring_underruns(const wp_ring *ring);

/**
 * Empties the ring and zeroes the counters. Only when neither side runs.
 *
 * Resets both indices and both counters; the sample data is left as it is.
 *
 * @param[in,out] ring  a ring (not NULL).
 */
void wp_ring_reset(wp_ring *ring);

#ifdef __cplusplus
}
#endif

#endif
