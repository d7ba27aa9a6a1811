/** @file
 * @brief wavepool: offline audio jobs on the worker pool.
 *
 * A job works on a whole track and runs asynchronously on a wp_pool:
 * submit returns a handle at once; poll, progress and cancel never block
 * (safe on the browser main thread); wait blocks (never on the browser main
 * thread). A cancelled job finishes with WP_ERR_CANCELLED, leaves its output
 * buffer partly written and frees everything it allocated. With a pool of 0
 * workers (inline) a job runs to its end inside the submit call.
 *
 * Memory: the track's samples and every output buffer are BORROWED: the
 * caller keeps them alive and untouched until the job is final (poll !=
 * WP_PENDING). The wp_track struct, its array of channel pointers and the
 * parameter structs are copied at submit and need not outlive the call.
 * Jobs allocate their own scratch (FFT plans, analyzers) and free it before
 * they become final. The handle is the caller's: release it with
 * wp_job_release().
 *
 * Input checks (at submit, before any work): zero frames, NULL pointers or
 * parameters out of range give WP_ERR_INVALID_ARGUMENT / WP_ERR_OUT_OF_RANGE
 * and no job. Samples that are NaN or Inf make analysis, render and
 * normalize jobs finish with WP_ERR_NOT_FINITE (their outputs then hold
 * nothing meaningful; normalize leaves the track untouched); spectrum,
 * spectrogram and overview treat such samples as 0 (documented per job).
 *
 * Statuses common to every submit function:
 *
 *  - WP_ERR_INVALID_ARGUMENT: NULL track, track channels or channel pointer,
 *    zero frames, NULL pool, parameters, output or out_job;
 *  - WP_ERR_OUT_OF_RANGE: track sample_rate outside 8000..384000 Hz or
 *    channel_count outside 1..WP_JOBS_MAX_CHANNELS;
 *  - WP_ERR_OUT_OF_MEMORY: the job could not be allocated;
 *  - WP_ERR_SHUTDOWN: the pool is being destroyed.
 *
 * Final statuses (wp_job_poll(), wp_job_wait()) common to every job: WP_OK,
 * WP_ERR_CANCELLED, WP_ERR_SHUTDOWN (the pool was destroyed before the job
 * ran) and WP_ERR_OUT_OF_MEMORY (scratch); others per job.
 *
 * Exactness: every job gives the same result for any number of workers,
 * including 0 (inline), because the work is cut into fixed chunks whose
 * size does not depend on the worker count:
 *
 *  - spectrum, spectrogram, overview, render: bit-identical;
 *  - loudness analysis and normalize: loudness and LRA within 1e-6
 *    relative (pieces are measured with warm-up and merged, see
 *    loudness.h); peaks bit-identical; RMS and DC sum per chunk in double
 *    in a fixed order, so also bit-identical.
 *
 * wp_jobs_set_chunk_frames() changes the chunk size (tests use it to check
 * the same bounds hold for any chunking). Loudness is measured in pieces of
 * 16 chunks rounded up to whole 100 ms sub-blocks, each but the first with
 * 3 s of warm-up (about 14 % extra work at the default chunk size).
 *
 * Threads: the job functions may be called from any thread (wp_job_wait()
 * not from the browser main thread). None is real-time safe (submit
 * allocates, the pool takes a lock). The chunk size is a process-wide
 * setting read when a job starts working: set it before submitting (a
 * change while jobs run is not a data race, but which size a running job
 * uses is then unspecified).
 */
#ifndef WAVEPOOL_JOBS_H
#define WAVEPOOL_JOBS_H

#include <stddef.h>

#include "wavepool/chain.h"
#include "wavepool/fft.h"
#include "wavepool/normalize.h"
#include "wavepool/pool.h"
#include "wavepool/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most channels of a track (equal to WP_DSP_MAX_CHANNELS). */
#define WP_JOBS_MAX_CHANNELS 8
/** Default chunk size, frames (wp_jobs_set_chunk_frames()). */
#define WP_JOBS_DEFAULT_CHUNK_FRAMES 65536

/** A track: planar float channels (borrowed), +-1.0 = 0 dBFS.
 *
 * Jobs copy the struct and the channel pointer array at submit; the player
 * (player.h) keeps a pointer to the struct itself. */
typedef struct wp_track {
    float *const *channels; /**< channel_count buffers of frames samples (borrowed) */
    int channel_count;     /**< 1..WP_JOBS_MAX_CHANNELS */
    size_t frames;         /**< frames per channel, at least 1 */
    double sample_rate;    /**< Hz, 8000..384000 */
} wp_track;

/** Opaque job handle; made by the wp_job_* submit functions, released with
 * wp_job_release(). */
typedef struct wp_job wp_job;

/** Sets the process-wide chunk size (see the file overview).
 *
 * Any thread; set it before submitting.
 *
 * @param[in] frames frames per chunk, 1024..2^24 (default
 *                   WP_JOBS_DEFAULT_CHUNK_FRAMES).
 * @retval WP_OK               set.
 * @retval WP_ERR_OUT_OF_RANGE @p frames outside 1024..2^24; unchanged.
 */
WP_NODISCARD wp_status wp_jobs_set_chunk_frames(size_t frames); /* 1024..2^24, process-wide */

/** The job's state, without blocking (safe on the browser main thread).
 *
 * @param[in] job the handle.
 * @retval WP_PENDING              still queued or running.
 * @retval WP_OK                   finished; its outputs are complete.
 * @retval WP_ERR_INVALID_ARGUMENT @p job is NULL.
 * @return otherwise the job's final error (see the file overview and each
 *         job: WP_ERR_CANCELLED, WP_ERR_SHUTDOWN, WP_ERR_OUT_OF_MEMORY,
 *         WP_ERR_NOT_FINITE, WP_ERR_OUT_OF_RANGE).
 */
wp_status wp_job_poll(const wp_job *job);
/** Blocks until the job is final and returns its status.
 *
 * Helps run queued pool work meanwhile. Never on the browser main thread
 * (Emscripten turns the wait into a busy loop that freezes the page).
 *
 * @param[in,out] job the handle.
 * @retval WP_OK                   finished; its outputs are complete.
 * @retval WP_ERR_INVALID_ARGUMENT @p job is NULL.
 * @return otherwise the job's final error, as for wp_job_poll().
 */
wp_status wp_job_wait(wp_job *job);
/** The job's progress, without blocking.
 *
 * @param[in] job the handle, or NULL.
 * @return 0..1 (fraction of the work done); 0 for NULL.
 */
float wp_job_progress(const wp_job *job);
/** Asks the job to stop; never blocks for longer than a short internal lock.
 *
 * A queued job is dropped at once (WP_ERR_CANCELLED); a running one stops
 * at its next chunk or block. A finished job is not affected. NULL is a
 * no-op.
 *
 * @param[in,out] job the handle, or NULL.
 */
void wp_job_cancel(wp_job *job);
/** Releases the handle; a job still running is cancelled and its memory goes
 * when it stops.
 *
 * The borrowed buffers must outlive the job either way. Does not wait for
 * the job (it may spin for the few instructions between a worker taking the
 * task off the queue and starting it). A job may also be released after its
 * pool was destroyed (it then reports WP_ERR_SHUTDOWN if it never ran).
 * NULL is a no-op.
 *
 * @param[in] job the handle (invalid afterwards), or NULL.
 */
void wp_job_release(wp_job *job);

/** Parameters of wp_job_spectrum(). */
typedef struct wp_spectrum_params {
    size_t start_frame;  /**< first frame of the segment, < track frames */
    size_t fft_size;     /**< a size wp_fft_create accepts for WP_FFT_REAL */
    wp_window window;    /**< analysis window (fft.h) */
    double floor_db;     /**< dB floor of the output, -300..0 */
    int channel;         /**< -1 = all (averaged in power), else 0..channels-1 */
} wp_spectrum_params;
/** Job 1: spectrum of one segment of the track.
 *
 * `fft_size` samples from `start_frame` (zero padded past the end),
 * channels averaged in power (channel = -1) or one channel; dB with a
 * full-scale sine at 0 dB (window gain compensated), floored at
 * `floor_db`. NaN and Inf samples are read as 0. Runs as one task.
 * Final statuses: the common ones only.
 *
 * @param[in]  pool    the pool to run on (borrowed; must outlive the call).
 * @param[in]  track   the track (samples borrowed until the job is final).
 * @param[in]  params  the parameters (copied).
 * @param[out] out_db  `fft_size/2 + 1` floats, dB (borrowed until final).
 * @param[out] out_job receives the handle; release with wp_job_release().
 * @retval WP_OK                   submitted.
 * @retval WP_ERR_INVALID_ARGUMENT as in the file overview, or an unknown
 *                                 window.
 * @retval WP_ERR_OUT_OF_RANGE     as in the file overview, or `start_frame`,
 *                                 `floor_db` or `channel` outside its range.
 * @retval WP_ERR_UNSUPPORTED_SIZE `fft_size` is not a real FFT size (fft.h).
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 * @retval WP_ERR_SHUTDOWN         the pool is being destroyed.
 */
WP_NODISCARD wp_status wp_job_spectrum(wp_pool *pool, const wp_track *track, const wp_spectrum_params *params,
                                       float *out_db, wp_job **out_job);

/** Parameters of wp_job_spectrogram(). */
typedef struct wp_spectrogram_params {
    size_t fft_size;     /**< a size wp_fft_create accepts for WP_FFT_REAL */
    size_t hop;          /**< frames between spectra, 1..fft_size */
    wp_window window;    /**< analysis window (fft.h) */
    double db_range;     /**< output floor is -db_range dB, 20..300 */
} wp_spectrogram_params;
/** Number of spectrogram frames for a track: `ceil(track_frames / hop)`.
 *
 * Pure; any thread.
 *
 * @param[in] track_frames frames of the track.
 * @param[in] fft_size     FFT size (does not change the result).
 * @param[in] hop          frames between spectra.
 * @return the frame count; 0 for @p hop 0.
 */
size_t wp_spectrogram_frames(size_t track_frames, size_t fft_size, size_t hop);
/** Job 1b: STFT spectrogram of the whole track.
 *
 * Frame k starts at `k*hop` (the first centred on frame 0 is NOT done: frame
 * k covers `[k*hop, k*hop+fft_size)`, zero padded past the end);
 * wp_spectrogram_frames() tells how many. Values in dB (full-scale sine =
 * 0), floored at `-db_range`, channels averaged in power; NaN and Inf
 * samples are read as 0. Frames are computed in parallel, `chunk_frames /
 * hop` frames per chunk. Final statuses: the common ones only.
 *
 * @param[in]  pool       the pool to run on (borrowed; must outlive the call).
 * @param[in]  track      the track (samples borrowed until the job is final).
 * @param[in]  params     the parameters (copied).
 * @param[out] out        frames x `(fft_size/2+1)` floats, row k = frame k
 *                        (borrowed until final).
 * @param[in]  out_floats capacity of @p out in floats.
 * @param[out] out_job    receives the handle; release with wp_job_release().
 * @retval WP_OK                   submitted.
 * @retval WP_ERR_INVALID_ARGUMENT as in the file overview, an unknown window,
 *                                 or @p out_floats smaller than needed.
 * @retval WP_ERR_OUT_OF_RANGE     as in the file overview, or `hop` or
 *                                 `db_range` outside its range.
 * @retval WP_ERR_UNSUPPORTED_SIZE `fft_size` is not a real FFT size (fft.h).
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 * @retval WP_ERR_SHUTDOWN         the pool is being destroyed.
 */
WP_NODISCARD wp_status wp_job_spectrogram(wp_pool *pool, const wp_track *track,
                                          const wp_spectrogram_params *params, float *out, size_t out_floats,
                                          wp_job **out_job);

/** Parameters of wp_job_overview(). */
typedef struct wp_overview_params {
    /** @var begin
     * First frame of the range, < end. */
    /** @var end
     * One past the last frame of the range, <= track frames. */
    size_t begin, end;   /* begin < end <= frames */
    size_t columns;      /**< output columns, 1..2^24 */
} wp_overview_params;
/** Job 2: waveform overview (min, max, RMS per column) of `[begin, end)`.
 *
 * Column j covers frames `[begin + j*len/columns, begin + (j+1)*len/columns)`
 * (integer arithmetic, `len = end - begin`; with more columns than frames a
 * column may be empty and then holds min = max = rms = 0). NaN and Inf
 * samples are read as 0. Columns are computed in parallel. Final statuses:
 * WP_OK, WP_ERR_CANCELLED, WP_ERR_SHUTDOWN.
 *
 * @param[in]  pool    the pool to run on (borrowed; must outlive the call).
 * @param[in]  track   the track (samples borrowed until the job is final).
 * @param[in]  params  the parameters (copied).
 * @param[out] out_min channels x columns floats, row c = channel c (borrowed
 *                     until final).
 * @param[out] out_max channels x columns floats, as @p out_min.
 * @param[out] out_rms channels x columns floats, as @p out_min; may be NULL.
 * @param[out] out_job receives the handle; release with wp_job_release().
 * @retval WP_OK                   submitted.
 * @retval WP_ERR_INVALID_ARGUMENT as in the file overview (@p out_min and
 *                                 @p out_max must not be NULL).
 * @retval WP_ERR_OUT_OF_RANGE     as in the file overview, or `begin`, `end`
 *                                 or `columns` outside its range.
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 * @retval WP_ERR_SHUTDOWN         the pool is being destroyed.
 */
WP_NODISCARD wp_status wp_job_overview(wp_pool *pool, const wp_track *track, const wp_overview_params *params,
                                       float *out_min, float *out_max, float *out_rms, wp_job **out_job);

/** Job 3: render the track through the real-time chain.
 *
 * Uses the settings (parameters and effect order) of @p settings at submit
 * time, applied to the whole track from a reset state; the output has the
 * chain's latency removed (frame i of the output is frame i of the input)
 * and includes @p tail_frames extra frames of effect tails after the end.
 * The settings are copied at submit; the job's own chain is then reset so
 * they apply from frame 0 without gliding from defaults. Cancel is checked
 * every 4096 frames. Serial: the chain's feedback effects and linked
 * dynamics make every frame depend on the one before, so one worker runs it.
 *
 * Final statuses: the common ones, WP_ERR_NOT_FINITE (a NaN or Inf sample;
 * the output is then partly written), and WP_ERR_OUT_OF_RANGE when a setting
 * copied from @p settings does not fit the track's rate (an EQ frequency
 * above 0.49 x the track rate, possible when @p settings runs at a higher
 * rate than the track).
 *
 * @param[in]  pool        the pool to run on (borrowed; must outlive the call).
 * @param[in]  track       the track, 1 or 2 channels (samples borrowed until
 *                         the job is final).
 * @param[in]  settings    the chain whose settings are copied (read during
 *                         the call only; lock-free, so a live player's chain
 *                         is fine).
 * @param[in]  tail_frames extra frames rendered after the end, any number.
 * @param[out] out         channel_count planar buffers of
 *                         `frames + tail_frames` floats each (the pointer
 *                         array is copied, the buffers borrowed until final);
 *                         may be the track's own buffers only if
 *                         @p tail_frames is 0.
 * @param[out] out_job     receives the handle; release with wp_job_release().
 * @retval WP_OK                   submitted.
 * @retval WP_ERR_INVALID_ARGUMENT as in the file overview, a NULL @p settings
 *                                 or output buffer, or an output buffer equal
 *                                 to the track's with @p tail_frames > 0.
 * @retval WP_ERR_OUT_OF_RANGE     as in the file overview, or more than 2
 *                                 channels.
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 * @retval WP_ERR_SHUTDOWN         the pool is being destroyed.
 */
WP_NODISCARD wp_status wp_job_render(wp_pool *pool, const wp_track *track, const wp_chain *settings,
                                     size_t tail_frames, float *const *out, wp_job **out_job);

/** Result of wp_job_analyze(); also carries the caller's short-term buffer. */
typedef struct wp_analysis {
    double integrated_lufs;      /**< LUFS; -INFINITY when nothing passes the gate */
    double loudness_range_lu;    /**< LRA (EBU Tech 3342), LU */
    double true_peak_dbtp;       /**< dBTP, max over channels */
    double sample_peak_dbfs;     /**< dBFS, max over channels */
    int channels;                /**< the track's channel count */
    double sample_rate;          /**< the track's rate, Hz */
    double duration_s;           /**< frames / rate, seconds */
    double rms_dbfs[WP_JOBS_MAX_CHANNELS];    /**< per channel, dBFS (full-scale sine: -3.01) */
    double dc[WP_JOBS_MAX_CHANNELS];          /**< mean sample value per channel (linear) */
    double channel_sample_peak_dbfs[WP_JOBS_MAX_CHANNELS]; /**< per channel, dBFS */
    double channel_true_peak_dbtp[WP_JOBS_MAX_CHANNELS];   /**< per channel, dBTP */
    /** Short-term (3 s) loudness every 100 ms, LUFS (-INFINITY for silence).
     *
     * Value k at the end of sub-block k, i.e. after frame `(k+1)*B - 1` with
     * `B = round(rate/10)` (wp_loudness_block_frames()): `floor(frames / B)`
     * values, as many as fit in short_term_capacity (short_term_count
     * tells). Written only when the caller passes a buffer (borrowed until
     * the job is final; written while the job runs). Each loudness piece
     * records the values of the sub-blocks it owns. */
    float *short_term;
    size_t short_term_capacity;  /**< floats in short_term; 0 with a NULL buffer */
    size_t short_term_count;     /**< values written (set on WP_OK) */
} wp_analysis;
/** Job 4: loudness analysis of the whole track.
 *
 * Fills @p out when the job finishes with WP_OK. Channels use the default
 * BS.1770-4 map of loudness.h. RMS, DC and sample peaks come from per-chunk
 * sums; true peaks from the merged loudness meters (same values as a serial
 * meter: the pieces' warm-up covers the interpolator). Values of silence
 * are -INFINITY. Final statuses: the common ones and WP_ERR_NOT_FINITE (a NaN
 * or Inf sample; @p out holds nothing meaningful).
 *
 * @param[in]     pool    the pool to run on (borrowed; must outlive the call).
 * @param[in]     track   the track (samples borrowed until the job is final).
 * @param[in,out] out     the caller's struct (borrowed until final): set
 *                        short_term / short_term_capacity before submitting,
 *                        or NULL / 0; the rest is filled on WP_OK.
 * @param[out]    out_job receives the handle; release with wp_job_release().
 * @retval WP_OK                   submitted.
 * @retval WP_ERR_INVALID_ARGUMENT as in the file overview, or a capacity
 *                                 without a buffer.
 * @retval WP_ERR_OUT_OF_RANGE     as in the file overview.
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 * @retval WP_ERR_SHUTDOWN         the pool is being destroyed.
 */
WP_NODISCARD wp_status wp_job_analyze(wp_pool *pool, const wp_track *track, wp_analysis *out, wp_job **out_job);

/** Job 5: normalize the track in place (see normalize.h for modes, ceiling
 * and policy).
 *
 * Measuring runs in parallel; gain in parallel; the limiter, when needed,
 * serially (wp_normalize_gain_and_limit(), with its loudness re-measuring).
 * The report is filled when the job finishes with WP_OK. Results equal
 * wp_normalize()'s within 1e-6. Cancel is honoured until the gain is
 * applied; after that the job completes (so a cancelled job never leaves
 * the track half normalized).
 *
 * Final statuses: the common ones; WP_ERR_NOT_FINITE for NaN/Inf (track
 * untouched); WP_ERR_OUT_OF_RANGE when the limiter is needed for a track of
 * 3 or more channels (the limiter takes 1 or 2; track restored). On the
 * limiter path any later error also restores the track; on the plain-gain
 * path an error after the gain (out of memory while re-measuring) leaves the
 * gain applied.
 *
 * @param[in]  pool    the pool to run on (borrowed; must outlive the call).
 * @param[in]  track   the track, changed in place (samples borrowed until the
 *                     job is final).
 * @param[in]  config  the settings (checked and copied at submit).
 * @param[out] report  filled on WP_OK (borrowed until final).
 * @param[out] out_job receives the handle; release with wp_job_release().
 * @retval WP_OK                   submitted.
 * @retval WP_ERR_INVALID_ARGUMENT as in the file overview, or an unknown mode
 *                                 or policy in @p config.
 * @retval WP_ERR_OUT_OF_RANGE     as in the file overview, or a target,
 *                                 ceiling or gain limit outside its range.
 * @retval WP_ERR_OUT_OF_MEMORY    allocation failed.
 * @retval WP_ERR_SHUTDOWN         the pool is being destroyed.
 */
WP_NODISCARD wp_status wp_job_normalize(wp_pool *pool, const wp_track *track, const wp_normalize_config *config,
                                        wp_normalize_report *report, wp_job **out_job);

#ifdef __cplusplus
}
#endif

#endif
