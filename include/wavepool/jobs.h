/* wavepool: offline audio jobs on the worker pool.
 *
 * A job works on a whole track and runs asynchronously on a wp_pool:
 * submit returns a handle at once; poll, progress and cancel never block
 * (safe on the browser main thread); wait blocks (never on the browser main
 * thread). A cancelled job finishes with WP_ERR_CANCELLED, leaves its output
 * buffer partly written and frees everything it allocated.
 *
 * Memory: the track's samples and every output buffer are BORROWED: the
 * caller keeps them alive and untouched until the job is final (poll !=
 * WP_PENDING). Jobs allocate their own scratch (FFT plans, analyzers) and
 * free it before they become final.
 *
 * Input checks (at submit, before any work): zero frames, NULL pointers or
 * parameters out of range give WP_ERR_INVALID_ARGUMENT / WP_ERR_OUT_OF_RANGE
 * and no job. Samples that are NaN or Inf make analysis, render and
 * normalize jobs finish with WP_ERR_NOT_FINITE (their outputs then hold
 * nothing meaningful; normalize leaves the track untouched); spectrum,
 * spectrogram and overview treat such samples as 0 (documented per job).
 *
 * Exactness: every job gives the same result for any number of workers,
 * including 0 (inline), because the work is cut into fixed chunks whose
 * size does not depend on the worker count:
 *   - spectrum, spectrogram, overview, render: bit-identical;
 *   - loudness analysis and normalize: loudness and LRA within 1e-6
 *     relative (pieces are measured with warm-up and merged, see
 *     loudness.h); peaks bit-identical; RMS and DC sum per chunk in double
 *     in a fixed order, so also bit-identical.
 * wp_jobs_set_chunk_frames changes the chunk size (tests use it to check
 * the same bounds hold for any chunking). Loudness is measured in pieces of
 * 16 chunks rounded up to whole 100 ms sub-blocks, each but the first with
 * 3 s of warm-up (about 14 % extra work at the default chunk size).
 *
 * Threads: the job functions may be called from any thread. The chunk size
 * is a process-wide setting read when a job starts working: set it before
 * submitting (a change while jobs run is not a data race, but which size a
 * running job uses is then unspecified).
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

#define WP_JOBS_MAX_CHANNELS 8
#define WP_JOBS_DEFAULT_CHUNK_FRAMES 65536

/* A track: planar float channels (borrowed), +-1.0 = 0 dBFS. */
typedef struct wp_track {
    float *const *channels;
    int channel_count;     /* 1..WP_JOBS_MAX_CHANNELS */
    size_t frames;
    double sample_rate;    /* 8000..384000 */
} wp_track;

typedef struct wp_job wp_job;

WP_NODISCARD wp_status wp_jobs_set_chunk_frames(size_t frames); /* 1024..2^24, process-wide */

wp_status wp_job_poll(const wp_job *job);
wp_status wp_job_wait(wp_job *job);
float wp_job_progress(const wp_job *job);
/* A queued job is dropped at once (WP_ERR_CANCELLED); a running one stops
 * at its next chunk or block. */
void wp_job_cancel(wp_job *job);
/* Releases the handle; a job still running is cancelled and its memory goes
 * when it stops. The borrowed buffers must outlive the job either way.
 * Does not wait for the job (it may spin for the few instructions between a
 * worker taking the task off the queue and starting it). A job may also
 * be released after its pool was destroyed (it then reports
 * WP_ERR_SHUTDOWN if it never ran). */
void wp_job_release(wp_job *job);

/* 1. Spectrum of one segment: fft_size samples from start_frame
 * (< frames; zero padded past the end), channels averaged in power (channel = -1) or one
 * channel; dB with a full-scale sine at 0 dB (window gain compensated),
 * floored at floor_db. out_db: fft_size/2 + 1 values. */
typedef struct wp_spectrum_params {
    size_t start_frame;
    size_t fft_size;     /* a size wp_fft_create accepts for WP_FFT_REAL */
    wp_window window;
    double floor_db;     /* -300..0 */
    int channel;         /* -1 = all, else 0..channels-1 */
} wp_spectrum_params;
WP_NODISCARD wp_status wp_job_spectrum(wp_pool *pool, const wp_track *track, const wp_spectrum_params *params,
                                       float *out_db, wp_job **out_job);

/* STFT spectrogram of the whole track: frame k starts at k*hop (the first
 * centred on frame 0 is NOT done: frame k covers [k*hop, k*hop+fft_size),
 * zero padded past the end); wp_spectrogram_frames tells how many. Values
 * in dB (full-scale sine = 0), floored at -db_range, channels averaged in
 * power. out: frames x (fft_size/2+1) floats, row k = frame k; out_floats
 * smaller than that is WP_ERR_INVALID_ARGUMENT. Frames are computed in
 * parallel, chunk_frames / hop frames per chunk. frames =
 * ceil(track_frames / hop) (0 for hop 0); fft_size does not change it. */
typedef struct wp_spectrogram_params {
    size_t fft_size;
    size_t hop;          /* 1..fft_size */
    wp_window window;
    double db_range;     /* 20..300 */
} wp_spectrogram_params;
size_t wp_spectrogram_frames(size_t track_frames, size_t fft_size, size_t hop);
WP_NODISCARD wp_status wp_job_spectrogram(wp_pool *pool, const wp_track *track,
                                          const wp_spectrogram_params *params, float *out, size_t out_floats,
                                          wp_job **out_job);

/* 2. Waveform overview of [begin, end): `columns` columns; column j covers
 * frames [begin + j*len/columns, begin + (j+1)*len/columns) (integer
 * arithmetic; with more columns than frames a column may be empty and then
 * holds min = max = rms = 0). Per channel: out_min/out_max/out_rms are
 * channels x columns floats (row c = channel c); out_rms may be NULL. */
typedef struct wp_overview_params {
    size_t begin, end;   /* begin < end <= frames */
    size_t columns;      /* 1..2^24 */
} wp_overview_params;
WP_NODISCARD wp_status wp_job_overview(wp_pool *pool, const wp_track *track, const wp_overview_params *params,
                                       float *out_min, float *out_max, float *out_rms, wp_job **out_job);

/* 3. Render: the real-time chain with the settings (parameters and effect
 * order) of `settings` at submit time, applied to the whole track from a
 * reset state; the output has the chain's latency removed (frame i of the
 * output is frame i of the input) and includes `tail_frames` extra frames
 * of effect tails after the end. out: channels planar buffers of
 * frames + tail_frames floats each (may be the track's own buffers only if
 * tail_frames is 0). Track channels must be 1 or 2 (else
 * WP_ERR_OUT_OF_RANGE). The settings are copied at submit; the chain is
 * then reset so they apply from frame 0 without gliding from defaults.
 * Cancel is checked every 4096 frames. Serial: the chain's
 * feedback effects and linked dynamics make every frame depend on the one
 * before, so one worker runs it. */
WP_NODISCARD wp_status wp_job_render(wp_pool *pool, const wp_track *track, const wp_chain *settings,
                                     size_t tail_frames, float *const *out, wp_job **out_job);

/* 4. Loudness analysis. */
typedef struct wp_analysis {
    double integrated_lufs;      /* -INFINITY when nothing passes the gate */
    double loudness_range_lu;
    double true_peak_dbtp;       /* max over channels */
    double sample_peak_dbfs;     /* max over channels */
    int channels;
    double sample_rate;
    double duration_s;
    double rms_dbfs[WP_JOBS_MAX_CHANNELS];
    double dc[WP_JOBS_MAX_CHANNELS];          /* mean sample value */
    double channel_sample_peak_dbfs[WP_JOBS_MAX_CHANNELS];
    double channel_true_peak_dbtp[WP_JOBS_MAX_CHANNELS];
    /* Short-term (3 s) loudness every 100 ms, LUFS (-INFINITY for silence),
     * value k at the end of sub-block k, i.e. after frame (k+1)*B - 1 with
     * B = round(rate/10) (wp_loudness_block_frames): floor(frames / B)
     * values, as many as fit in short_term_capacity (short_term_count
     * tells). Written only when the caller passes a buffer. Each loudness
     * piece records the values of the sub-blocks it owns. */
    float *short_term;
    size_t short_term_capacity;
    size_t short_term_count;
} wp_analysis;
/* out: the caller's struct, filled when the job finishes with WP_OK (set
 * short_term/short_term_capacity before submitting, or NULL/0; a capacity
 * without a buffer is WP_ERR_INVALID_ARGUMENT). Channels use the default
 * BS.1770-4 map of loudness.h. RMS, DC and sample peaks come from per-chunk
 * sums; true peaks from the merged loudness meters (same values as a serial
 * meter: the pieces' warm-up covers the interpolator). Values of silence
 * are -INFINITY. */
WP_NODISCARD wp_status wp_job_analyze(wp_pool *pool, const wp_track *track, wp_analysis *out, wp_job **out_job);

/* 5. Normalize in place (see normalize.h for modes, ceiling and policy):
 * measuring runs in parallel; gain in parallel; the limiter, when needed,
 * serially (wp_normalize_gain_and_limit, with its loudness re-measuring).
 * The report is filled when the job finishes with WP_OK. Results equal
 * wp_normalize's within 1e-6. Cancel is honoured until the gain is
 * applied; after that the job completes (so a cancelled job never leaves
 * the track half normalized). NaN/Inf: WP_ERR_NOT_FINITE, track untouched;
 * on the limiter path any later error also restores the track. */
WP_NODISCARD wp_status wp_job_normalize(wp_pool *pool, const wp_track *track, const wp_normalize_config *config,
                                        wp_normalize_report *report, wp_job **out_job);

#ifdef __cplusplus
}
#endif

#endif
