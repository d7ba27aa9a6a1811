/* wavepool: the real-time player.
 *
 * A player turns a source (a decoded track or a signal generator) into a
 * stream of stereo frames in a wp_ring, through a wp_chain, and keeps the
 * ring filled to a target latency. The ring's consumer is the audio output
 * (in the browser: an AudioWorkletProcessor reading shared wasm memory).
 *
 *   control thread          producer                 consumer (audio thread)
 *   play/seek/params  --->  source -> fade -> chain  -> ring -> output
 *   (atomics only)          (wp_player_produce)         (wp_ring_read / JS Atomics)
 *                           analysis: spectrum + meters of what the consumer
 *                           has just played (wp_player_analyze)
 *
 * Threads. Three roles, each used by one thread at a time:
 *   - control: create/destroy, set_track, set_generator, set_source,
 *     set_target_frames, and the transport calls; never blocks (atomics
 *     only), so the browser main thread may be the control thread.
 *   - producer: wp_player_produce. Real-time safe: no allocation, lock,
 *     I/O or logging.
 *   - analysis: wp_player_analyze. Allocates nothing, takes no lock.
 * wp_player_start_threads runs the producer and the analysis on two
 * threads of their own (threaded builds); a single-threaded host calls
 * produce and analyze itself instead. wp_player_chain's wp_chain_set,
 * wp_player_get_status and wp_player_read_snapshot may be called from any
 * thread at any time (lock-free); wp_player_read_snapshot from one reader
 * thread at a time (the control thread, typically).
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
 * by the chain's latency), and wp_player_get_status looks the read index
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

#define WP_PLAYER_CHANNELS 2
#define WP_PLAYER_FADE_MS 5.0
#define WP_PLAYER_MIN_BLOCK 32
#define WP_PLAYER_MAX_BLOCK 4096
#define WP_PLAYER_MIN_SPECTRUM 256
#define WP_PLAYER_MAX_SPECTRUM 16384
/* Spectrum snapshot floor (dB re a full-scale sine). */
#define WP_PLAYER_SPECTRUM_FLOOR_DB (-160.0)

typedef struct wp_player wp_player;

typedef struct wp_player_config {
    double sample_rate;        /* 8000..384000 Hz: the output's rate; tracks must match */
    size_t block_frames;       /* producer block, WP_PLAYER_MIN_BLOCK..MAX_BLOCK [128] */
    size_t target_frames;      /* ring fill the producer keeps, block..max_target [rate * 0.015, a block multiple] */
    size_t max_target_frames;  /* largest target set_target_frames will accept, >= target [rate * 0.5] */
    size_t spectrum_size;      /* analysis FFT size, power of two, MIN..MAX_SPECTRUM [4096] */
} wp_player_config;

/* Defaults for `sample_rate` (WP_ERR_OUT_OF_RANGE outside 8000..384000). */
WP_NODISCARD wp_status wp_player_default_config(double sample_rate, wp_player_config *out);

/* Allocates the player, its chain (stereo) and its ring. The ring's
 * capacity is a power of two >= max_target_frames (in whole blocks) +
 * 2 * block_frames + spectrum_size (the producer tops up to the target
 * plus a block, and may be writing one more), so the frames the analysis
 * reads (just behind the read index) are never those the producer is
 * writing. Values out of range (also a capacity beyond
 * WP_RING_MAX_FRAMES): WP_ERR_OUT_OF_RANGE. The player starts paused, with no source (it writes
 * silence) and source kind WP_PLAYER_SOURCE_TRACK. */
WP_NODISCARD wp_status wp_player_create(const wp_player_config *config, wp_player **out);
/* Stops the threads if started (joins them: never on the browser main
 * thread) and frees the player. Borrowed tracks and generators are not
 * freed. */
void wp_player_destroy(wp_player *player);

/* The player's ring (consumer side is the caller's) and chain (set its
 * parameters with wp_chain_set from any thread; process it never). Both
 * live as long as the player. */
wp_ring *wp_player_ring(wp_player *player);
wp_chain *wp_player_chain(wp_player *player);
const wp_player_config *wp_player_get_config(const wp_player *player);

/* ---- Threads ---------------------------------------------------------- */

/* Starts the producer (fills the ring, sleeping a quarter of a block
 * between checks) and the analysis (one snapshot every
 * `analysis_interval_ms`, 1..1000) threads. Single-threaded builds:
 * WP_ERR_THREAD. Started twice: WP_ERR_INVALID_ARGUMENT. In the browser
 * these are two threads of Emscripten's prewarmed pool: size it for them. */
WP_NODISCARD wp_status wp_player_start_threads(wp_player *player, double analysis_interval_ms);
/* 1 when both threads have started running (the page reports it). */
int wp_player_threads_running(const wp_player *player);

/* ---- Driving without threads (single-threaded hosts, tests) ----------- */

/* Producer: writes whole blocks while the ring holds fewer than
 * target_frames frames; returns the frames written. Real-time safe. */
size_t wp_player_produce(wp_player *player);
/* Analysis: computes a snapshot of the frames just before ring index
 * `played_index` (the consumer's read index; the analysis thread passes
 * the ring's). Returns WP_OK, or WP_PENDING when those frames were already
 * overwritten while being read (the snapshot is then skipped). */
wp_status wp_player_analyze(wp_player *player, uint32_t played_index);

/* ---- Sources (control thread) ----------------------------------------- */

typedef enum wp_player_source {
    WP_PLAYER_SOURCE_TRACK = 0,
    WP_PLAYER_SOURCE_GENERATOR
} wp_player_source;

/* Queues `track` (BORROWED: planar channels, 1 or 2 channels, at the
 * player's rate exactly, else WP_ERR_OUT_OF_RANGE; frames >= 1) or NULL
 * for none. The transport pauses and any loop is cleared at once (so a
 * play or set_loop after this call applies to the new track); when the
 * producer takes it (after fading out what plays) the position goes to 0.
 * The caller keeps the track alive until wp_player_uses_track says 0 (the
 * producer may still be reading the previous one). */
WP_NODISCARD wp_status wp_player_set_track(wp_player *player, const wp_track *track);
int wp_player_uses_track(const wp_player *player, const wp_track *track);

/* Queues a generator (BORROWED, created at the player's rate; from now on
 * only the producer calls it) or NULL. Same hand-over rule as tracks:
 * keep it alive until wp_player_uses_generator says 0. Its position starts
 * at 0; a finite generator (sweep, single impulse) ends like a track. */
WP_NODISCARD wp_status wp_player_set_generator(wp_player *player, wp_gen *gen);
int wp_player_uses_generator(const wp_player *player, const wp_gen *gen);
/* Frequency and level of the current generator, applied by the producer
 * through wp_gen_set_frequency/level (click-free). Checked against the
 * generator ranges here: WP_ERR_OUT_OF_RANGE. */
WP_NODISCARD wp_status wp_player_set_generator_frequency(wp_player *player, double hz);
WP_NODISCARD wp_status wp_player_set_generator_level(wp_player *player, double dbfs);

/* Which source plays (fades across the switch; each source keeps its own
 * position). */
WP_NODISCARD wp_status wp_player_set_source(wp_player *player, wp_player_source source);

/* ---- Transport (control thread) --------------------------------------- */

void wp_player_play(wp_player *player);
void wp_player_pause(wp_player *player);
/* Pause and go to frame 0 (or the loop's start when a loop is on). */
void wp_player_stop(wp_player *player);
/* Goes to frame round(seconds * rate) of the current source: 0..duration
 * (WP_ERR_OUT_OF_RANGE outside, NaN included; with no source only 0). A
 * generator seeks too (any time >= 0 when infinite): having no random
 * access, it renders and drops the frames up to the target, at most 32
 * blocks' worth per block, silent meanwhile. */
WP_NODISCARD wp_status wp_player_seek(wp_player *player, double seconds);
/* Loop over [start_s, end_s) of the track, end_s = 0 meaning the track's
 * end; enabled = 0 turns looping off. The region must hold at least one
 * block and lie inside the track: WP_ERR_OUT_OF_RANGE. A loop is
 * remembered per track and cleared by set_track. Playing past end_s wraps
 * to start_s; a position already past end_s plays on to the track's end. */
WP_NODISCARD wp_status wp_player_set_loop(wp_player *player, int enabled, double start_s, double end_s);
/* Ring fill target, WP_PLAYER_MIN_BLOCK..max_target_frames, rounded up to
 * whole blocks. */
WP_NODISCARD wp_status wp_player_set_target_frames(wp_player *player, size_t frames);

/* ---- Status (any thread) and snapshots (one reader thread) ------------ */

typedef struct wp_player_status {
    int playing;               /* the transport's state (what was asked for) */
    int ended;                 /* paused at the end of a finite source */
    wp_player_source source;   /* what was asked for */
    double position_s;         /* of the frame the consumer reads next */
    double duration_s;         /* of the source of that frame; 0 when infinite or none */
    int loop_enabled;          /* the loop asked for (start and end 0 when off) */
    double loop_start_s, loop_end_s;
    uint64_t frames_played;    /* frames the consumer has read since create */
    uint32_t underruns;        /* the ring's underrun counter */
    uint32_t ring_frames;      /* frames in the ring now */
    uint32_t target_frames;
    double dsp_load;           /* producer time per block / block duration, smoothed */
    uint64_t blocks_produced;
} wp_player_status;

void wp_player_get_status(const wp_player *player, wp_player_status *out);
/* The same, with the position and frames_played taken at ring index
 * `played_index` (a host whose consumer is not the ring's reader). */
void wp_player_get_status_at(const wp_player *player, uint32_t played_index, wp_player_status *out);

typedef struct wp_player_meters {
    float peak[WP_PLAYER_CHANNELS];  /* linear, max |x| over the frames played since the previous snapshot */
    float rms[WP_PLAYER_CHANNELS];   /* linear, over the spectrum window */
    int clipped;                     /* a played sample with |x| >= 1 since the previous snapshot */
} wp_player_meters;

/* Copies the newest snapshot: `bins` = spectrum_size / 2 + 1 dB values
 * (full-scale sine = 0 dB, Hann window, channels averaged in power,
 * floored at WP_PLAYER_SPECTRUM_FLOOR_DB) into out_db and the meters into
 * *meters (either may be NULL). Returns 1 when this snapshot is newer than
 * the one the previous call returned, 0 when it is the same, and -1 when
 * there is none yet (outputs untouched) or bins is wrong. Triple-buffered:
 * never waits for the analysis and never sees a half-written snapshot. */
int wp_player_read_snapshot(wp_player *player, float *out_db, size_t bins, wp_player_meters *meters);

#ifdef __cplusplus
}
#endif

#endif
