/** @file
 * @brief wavepool: the real-time player.
 *
 * A player turns a source (a decoded track or a signal generator) into a
 * stream of stereo frames in a wp_ring, through a wp_chain, and keeps the
 * ring filled to a target latency. The ring's consumer is the audio output
 * (in the browser: an AudioWorkletProcessor reading shared wasm memory).
 *
 * ~~~
 *   control thread          producer                 consumer (audio thread)
 *   play/seek/params  --->  source -> fade -> chain  -> ring -> output
 *   (atomics only)          (wp_player_produce)         (wp_ring_read / JS Atomics)
 *                           analysis: spectrum + meters of what the consumer
 *                           has just played (wp_player_analyze)
 * ~~~
 *
 * Threads. Three roles, each used by one thread at a time:
 *
 *   - control: create/destroy, set_track, set_generator, set_source,
 *     set_target_frames, and the transport calls; never blocks (atomics
 *     only), so the browser main thread may be the control thread
 *     (destroy excepted when threads were started: it joins them).
 *   - producer: wp_player_produce(). Real-time safe: no allocation, lock,
 *     I/O or logging.
 *   - analysis: wp_player_analyze(). Allocates nothing, takes no lock.
 *
 * wp_player_start_threads() runs the producer and the analysis on two
 * threads of their own (threaded builds); a single-threaded host calls
 * produce and analyze itself instead. wp_player_chain()'s wp_chain_set(),
 * wp_player_get_status() and wp_player_read_snapshot() may be called from any
 * thread at any time (lock-free); wp_player_read_snapshot() from one reader
 * thread at a time (the control thread, typically). The accessors
 * wp_player_ring(), wp_player_chain(), wp_player_get_config() and
 * wp_player_threads_running() may be called from any thread. Only create
 * and start_threads allocate (destroy frees). Functions returning a wp_status
 * accept a NULL player (WP_ERR_INVALID_ARGUMENT), as do destroy (no-op) and
 * wp_player_read_snapshot() (-1); the others need a valid player.
 *
 * Stream. Always 2 interleaved channels at the player's rate; mono sources
 * play on both channels. Every frame of the stream is written in order, so
 * the ring index of a frame (the free-running 32-bit frame counter of
 * ring.h) names it for position and analysis look-ups.
 *
 * Transport. Commands are atomics the producer reads at the start of each
 * block, so they take effect within one block and are heard after the
 * ring's latency. Play, pause, seek and source changes fade the source
 * over WP_PLAYER_FADE_MS (the chain keeps running, so reverb and delay
 * tails continue); a seek lands exactly on its frame. Loop wraps are
 * sample-accurate splices. While paused or stopped the producer keeps
 * writing (the chain's output of silence), so the consumer never runs dry
 * for lack of music; an empty ring is always a real underrun.
 * At the end of a track without loop the player pauses there (ended = 1);
 * play then starts again from frame 0.
 *
 * Position. Reported from the frames the consumer has read (the ring's
 * read index), not from what was produced: the producer records, for every
 * stretch of frames it writes, which source frame it started at (shifted
 * by the chain's latency), and wp_player_get_status() looks the read index
 * up there.
 */
#ifndef WAVEPOOL_PLAYER_H
#define WAVEPOOL_PLAYER_H

#include <stddef.h>
#include <stdint.h>

#include "wavepool/chain.h"
#include "wavepool/generator.h"
#include "wavepool/jobs.h"
#include "wavepool/ring.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Channels of the stream (always stereo, interleaved). */
#define WP_PLAYER_CHANNELS 2
/** Fade length of play, pause, seek and source changes, ms. */
#define WP_PLAYER_FADE_MS 5.0
/** Smallest producer block, frames. */
#define WP_PLAYER_MIN_BLOCK 32
/** Largest producer block, frames. */
#define WP_PLAYER_MAX_BLOCK 4096
/** Smallest analysis FFT size. */
#define WP_PLAYER_MIN_SPECTRUM 256
/** Largest analysis FFT size. */
#define WP_PLAYER_MAX_SPECTRUM 16384
/** Spectrum snapshot floor (dB re a full-scale sine). */
#define WP_PLAYER_SPECTRUM_FLOOR_DB (-160.0)

/** Opaque player; made by wp_player_create(), freed by wp_player_destroy(). */
typedef struct wp_player wp_player;

/** Player settings; wp_player_default_config() fills one. Defaults in
 * brackets. */
typedef struct wp_player_config {
    double sample_rate;        /**< 8000..384000 Hz: the output's rate; tracks must match */
    size_t block_frames;       /**< producer block, WP_PLAYER_MIN_BLOCK..MAX_BLOCK [128] */
    size_t target_frames;      /**< ring fill the producer keeps, block..max_target [rate * 0.015, a block multiple] */
    size_t max_target_frames;  /**< largest target set_target_frames will accept, >= target [rate * 0.5] */
    size_t spectrum_size;      /**< analysis FFT size, power of two, MIN..MAX_SPECTRUM [4096] */
} wp_player_config;

/** Fills @p out with the defaults for @p sample_rate.
 *
 * Any thread, real-time safe.
 *
 * @param[in]  sample_rate Hz, 8000..384000.
 * @param[out] out         the configuration to fill.
 * @retval WP_OK                   filled.
 * @retval WP_ERR_INVALID_ARGUMENT @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p sample_rate outside 8000..384000 (NaN
 *                                 included); @p out untouched.
 */
WP_NODISCARD wp_status wp_player_default_config(double sample_rate, wp_player_config *out);

/** Allocates the player, its chain (stereo) and its ring.
 *
 * The ring's capacity is a power of two >= max_target_frames (in whole
 * blocks) + 2 * block_frames + spectrum_size (the producer tops up to the
 * target plus a block, and may be writing one more), so the frames the
 * analysis reads (just behind the read index) are never those the producer
 * is writing. The player starts paused, with no source (it writes silence)
 * and source kind WP_PLAYER_SOURCE_TRACK. Not real-time safe; control thread.
 *
 * @param[in]  config the settings (copied).
 * @param[out] out    receives the player, NULL on failure; the caller frees
 *                    it with wp_player_destroy().
 * @retval WP_OK                   created.
 * @retval WP_ERR_INVALID_ARGUMENT @p config or @p out is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     a value out of range (also a capacity
 *                                 beyond WP_RING_MAX_FRAMES).
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 */
WP_NODISCARD wp_status wp_player_create(const wp_player_config *config, wp_player **out);
/** Stops the threads if started and frees the player.
 *
 * Joins the threads: never on the browser main thread when they were
 * started. Borrowed tracks and generators are not freed. Not real-time
 * safe. NULL is a no-op.
 *
 * @param[in] player the player (owned; invalid afterwards, with its ring and
 *                   chain), or NULL.
 */
void wp_player_destroy(wp_player *player);

/** The player's ring; the consumer side is the caller's.
 *
 * Lives as long as the player. Any thread.
 *
 * @param[in] player the player (not NULL).
 * @return the ring (owned by the player).
 */
wp_ring *wp_player_ring(wp_player *player);
/** The player's chain: set its parameters with wp_chain_set() from any
 * thread; process it never (the producer does).
 *
 * Lives as long as the player. Any thread.
 *
 * @param[in] player the player (not NULL).
 * @return the chain (owned by the player).
 */
wp_chain *wp_player_chain(wp_player *player);
/** The configuration the player was created with.
 *
 * Any thread.
 *
 * @param[in] player the player (not NULL).
 * @return a pointer into the player (valid as long as it lives).
 */
const wp_player_config *wp_player_get_config(const wp_player *player);

/* ---- Threads ---------------------------------------------------------- */

/** Starts the producer and the analysis threads.
 *
 * The producer fills the ring, sleeping a quarter of a block between
 * checks; the analysis makes one snapshot every @p analysis_interval_ms.
 * Natively the call returns once both threads run; on the browser main
 * thread it does not wait (poll wp_player_threads_running()). In the browser
 * these are two threads of Emscripten's prewarmed pool: size it for them.
 * Control thread.
 *
 * @param[in,out] player              the player.
 * @param[in]     analysis_interval_ms ms between snapshots, 1..1000.
 * @retval WP_OK                   started.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL, or threads already
 *                                 started.
 * @retval WP_ERR_OUT_OF_RANGE     @p analysis_interval_ms outside 1..1000
 *                                 (NaN included; checked first).
 * @retval WP_ERR_THREAD           single-threaded build, or a thread could not
 *                                 be started (none left running).
 */
WP_NODISCARD wp_status wp_player_start_threads(wp_player *player, double analysis_interval_ms);
/** Whether both threads have started running (the page reports it).
 *
 * Any thread.
 *
 * @param[in] player the player (not NULL).
 * @return 1 when both threads run, else 0.
 */
int wp_player_threads_running(const wp_player *player);

/* ---- Driving without threads (single-threaded hosts, tests) ----------- */

/** Producer: writes whole blocks while the ring holds fewer than
 * target_frames frames.
 *
 * Reads the commands at each block start. Real-time safe; the producer
 * thread only (not while wp_player_start_threads() threads run).
 *
 * @param[in,out] player the player (not NULL).
 * @return the frames written (a multiple of block_frames; 0 when the ring is
 *         at its target).
 */
size_t wp_player_produce(wp_player *player);
/** Analysis: computes a snapshot of the frames just before ring index
 * @p played_index.
 *
 * Spectrum of the last spectrum_size frames, peak and clip over the frames
 * played since the previous snapshot (as far back as the ring still holds
 * them). Allocates nothing, takes no lock; the analysis thread only.
 *
 * @param[in,out] player       the player.
 * @param[in]     played_index the consumer's read index (the analysis thread
 *                             passes the ring's).
 * @retval WP_OK                   a snapshot was published.
 * @retval WP_PENDING              those frames were overwritten while being
 *                                 read; the snapshot is skipped.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL.
 */
wp_status wp_player_analyze(wp_player *player, uint32_t played_index);

/* ---- Sources (control thread) ----------------------------------------- */

/** Which kind of source plays. */
typedef enum wp_player_source {
    WP_PLAYER_SOURCE_TRACK = 0,   /**< the track of wp_player_set_track() */
    WP_PLAYER_SOURCE_GENERATOR    /**< the generator of wp_player_set_generator() */
} wp_player_source;

/** Queues a track, or NULL for none.
 *
 * The transport pauses and any loop is cleared at once (so a play or
 * set_loop after this call applies to the new track); when the producer
 * takes it (after fading out what plays) the position goes to 0. Control
 * thread; never blocks.
 *
 * @param[in,out] player the player.
 * @param[in]     track  BORROWED (the struct itself and its samples): planar
 *                       channels, 1 or 2 channels, frames >= 1, at the
 *                       player's rate exactly; or NULL. The caller keeps it
 *                       alive until wp_player_uses_track() says 0 (the
 *                       producer may still be reading the previous one).
 * @retval WP_OK                   queued.
 * @retval WP_ERR_INVALID_ARGUMENT @p player, the track's channels or one of
 *                                 its channel pointers is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     channel count not 1 or 2, zero frames, or
 *                                 a rate other than the player's.
 */
WP_NODISCARD wp_status wp_player_set_track(wp_player *player, const wp_track *track);
/** Whether the player may still read @p track (queued or active).
 *
 * Any thread.
 *
 * @param[in] player the player (not NULL).
 * @param[in] track  the track pointer given to wp_player_set_track().
 * @return 1 while the player may use it, 0 once it may be freed.
 */
int wp_player_uses_track(const wp_player *player, const wp_track *track);

/** Queues a generator, or NULL for none.
 *
 * Same hand-over rule as tracks: keep it alive until
 * wp_player_uses_generator() says 0. Its position starts at 0 (the producer
 * resets it when it takes it); a finite generator (sweep, single impulse)
 * ends like a track. Frequency and level requests made before this call are
 * not applied to the new generator. Control thread; never blocks.
 *
 * @param[in,out] player the player.
 * @param[in]     gen    BORROWED, created at the player's rate (not
 *                       checked); from now on only the producer calls it.
 *                       Or NULL.
 * @retval WP_OK                   queued.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL.
 */
WP_NODISCARD wp_status wp_player_set_generator(wp_player *player, wp_gen *gen);
/** Whether the player may still call @p gen (queued or active).
 *
 * Any thread.
 *
 * @param[in] player the player (not NULL).
 * @param[in] gen    the generator given to wp_player_set_generator().
 * @return 1 while the player may use it, 0 once it may be freed.
 */
int wp_player_uses_generator(const wp_player *player, const wp_gen *gen);
/** Frequency of the current generator, applied by the producer through
 * wp_gen_set_frequency() (click-free glide).
 *
 * Checked here against WP_GEN_MIN_FREQ..rate/2 only; a value the generator
 * itself refuses (a type without a frequency, or exactly rate/2 for a
 * square, saw or triangle) is dropped silently by the producer. Control
 * thread; never blocks.
 *
 * @param[in,out] player the player.
 * @param[in]     hz     Hz, WP_GEN_MIN_FREQ (0.01)..sample_rate/2.
 * @retval WP_OK                   requested.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p hz outside its range (NaN included).
 */
WP_NODISCARD wp_status wp_player_set_generator_frequency(wp_player *player, double hz);
/** Level of the current generator, applied by the producer through
 * wp_gen_set_level() (click-free glide).
 *
 * Control thread; never blocks.
 *
 * @param[in,out] player the player.
 * @param[in]     dbfs   dBFS, WP_GEN_MIN_LEVEL_DBFS..WP_GEN_MAX_LEVEL_DBFS
 *                       (-120..+6).
 * @retval WP_OK                   requested.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p dbfs outside its range (NaN included).
 */
WP_NODISCARD wp_status wp_player_set_generator_level(wp_player *player, double dbfs);

/** Chooses which source plays (fades across the switch; each source keeps
 * its own position).
 *
 * Control thread; never blocks.
 *
 * @param[in,out] player the player.
 * @param[in]     source WP_PLAYER_SOURCE_TRACK or WP_PLAYER_SOURCE_GENERATOR.
 * @retval WP_OK                   requested.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL or @p source unknown.
 */
WP_NODISCARD wp_status wp_player_set_source(wp_player *player, wp_player_source source);

/* ---- Transport (control thread) --------------------------------------- */

/** Plays (fades in); at the end of a finite source, starts again from 0.
 *
 * Control thread; never blocks.
 *
 * @param[in,out] player the player (not NULL).
 */
void wp_player_play(wp_player *player);
/** Pauses (fades out); the position stays.
 *
 * Control thread; never blocks.
 *
 * @param[in,out] player the player (not NULL).
 */
void wp_player_pause(wp_player *player);
/** Pause and go to frame 0 (or the loop's start when a loop is on).
 *
 * Control thread; never blocks.
 *
 * @param[in,out] player the player (not NULL).
 */
void wp_player_stop(wp_player *player);
/** Goes to frame `round(seconds * rate)` of the current source.
 *
 * The range is taken from the source last asked for (wp_player_set_source())
 * and the track or generator last queued. A generator seeks too (any time
 * >= 0 when infinite): having no random access, it renders and drops the
 * frames up to the target, at most 32 blocks' worth per block, silent
 * meanwhile. Control thread; never blocks.
 *
 * @param[in,out] player  the player.
 * @param[in]     seconds 0..duration (with no source only 0).
 * @retval WP_OK                   requested.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p seconds outside its range, NaN included.
 */
WP_NODISCARD wp_status wp_player_seek(wp_player *player, double seconds);
/** Loop over `[start_s, end_s)` of the track.
 *
 * A loop is remembered per track and cleared by set_track. Playing past
 * end_s wraps to start_s; a position already past end_s plays on to the
 * track's end. Control thread; never blocks.
 *
 * @param[in,out] player  the player.
 * @param[in]     enabled nonzero to loop; 0 turns looping off (the times are
 *                        then ignored).
 * @param[in]     start_s seconds, 0..track duration.
 * @param[in]     end_s   seconds, 0..track duration; 0 means the track's end.
 * @retval WP_OK                   set.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     no track queued, or the region does not lie
 *                                 inside the track or holds less than one
 *                                 block (NaN included).
 */
WP_NODISCARD wp_status wp_player_set_loop(wp_player *player, int enabled, double start_s, double end_s);
/** Ring fill target, rounded up to whole blocks.
 *
 * Control thread; never blocks.
 *
 * @param[in,out] player the player.
 * @param[in]     frames WP_PLAYER_MIN_BLOCK..max_target_frames.
 * @retval WP_OK                   set.
 * @retval WP_ERR_INVALID_ARGUMENT @p player is NULL.
 * @retval WP_ERR_OUT_OF_RANGE     @p frames outside its range.
 */
WP_NODISCARD wp_status wp_player_set_target_frames(wp_player *player, size_t frames);

/* ---- Status (any thread) and snapshots (one reader thread) ------------ */

/** The player's state, as wp_player_get_status() reports it. */
typedef struct wp_player_status {
    int playing;               /**< the transport's state (what was asked for) */
    int ended;                 /**< paused at the end of a finite source */
    wp_player_source source;   /**< what was asked for */
    double position_s;         /**< of the frame the consumer reads next */
    double duration_s;         /**< of the source of that frame; 0 when infinite or none */
    int loop_enabled;          /**< the loop asked for (start and end 0 when off) */
    /** @var loop_start_s
     * Loop start, seconds (0 when off). */
    /** @var loop_end_s
     * Loop end, seconds (0 when off). */
    double loop_start_s, loop_end_s;
    uint64_t frames_played;    /**< frames the consumer has read since create */
    uint32_t underruns;        /**< the ring's underrun counter */
    uint32_t ring_frames;      /**< frames in the ring now */
    uint32_t target_frames;    /**< the ring fill target, frames */
    double dsp_load;           /**< producer time per block / block duration, smoothed */
    uint64_t blocks_produced;  /**< blocks the producer has written since create */
} wp_player_status;

/** The player's status, with the position at the ring's read index.
 *
 * Any thread, lock-free.
 *
 * @param[in]  player the player (not NULL).
 * @param[out] out    receives the status (not NULL).
 */
void wp_player_get_status(const wp_player *player, wp_player_status *out);
/** The same, with the position and frames_played taken at ring index
 * @p played_index (a host whose consumer is not the ring's reader).
 *
 * Any thread, lock-free.
 *
 * @param[in]  player       the player (not NULL).
 * @param[in]  played_index the ring index of the next frame the consumer
 *                          plays.
 * @param[out] out          receives the status (not NULL).
 */
void wp_player_get_status_at(const wp_player *player, uint32_t played_index, wp_player_status *out);

/** Meters of a snapshot (wp_player_read_snapshot()). */
typedef struct wp_player_meters {
    float peak[WP_PLAYER_CHANNELS];  /**< linear, max |x| over the frames played since the previous snapshot */
    float rms[WP_PLAYER_CHANNELS];   /**< linear, over the spectrum window */
    int clipped;                     /**< a played sample with |x| >= 1 since the previous snapshot */
} wp_player_meters;

/** Copies the newest snapshot.
 *
 * Triple-buffered: never waits for the analysis and never sees a
 * half-written snapshot. One reader thread at a time.
 *
 * @param[in,out] player the player, or NULL (-1).
 * @param[out]    out_db `bins` dB values (full-scale sine = 0 dB, Hann window,
 *                       channels averaged in power, floored at
 *                       WP_PLAYER_SPECTRUM_FLOOR_DB), or NULL.
 * @param[in]     bins   spectrum_size / 2 + 1 (checked only when @p out_db is
 *                       not NULL).
 * @param[out]    meters receives the meters, or NULL.
 * @return 1 when this snapshot is newer than the one the previous call
 *         returned, 0 when it is the same, and -1 when there is none yet
 *         (outputs untouched) or @p bins is wrong.
 */
int wp_player_read_snapshot(wp_player *player, float *out_db, size_t bins, wp_player_meters *meters);

#ifdef __cplusplus
}
#endif

#endif
