/* Job scaling benchmark: a stereo 48 kHz track (pink noise plus tones from
 * the generator, 10 minutes unless WP_BENCH_MINUTES says otherwise) through
 * the spectrogram (2048/512 Hann), overview (4000 columns), analyze and
 * render jobs with 1, 2 and 4 workers. Prints wall time, speedup and
 * efficiency against 1 worker, and the render's real-time factor. Each
 * result is checked to be identical for every worker count, so a broken
 * job cannot report a fast time. Native only (the wasm-st build has no
 * threads). */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c11 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wavepool/generator.h"
#include "wavepool/jobs.h"

#define RATE 48000.0
#define CHANNELS 2
#define REPEATS 3

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(wp_status st, const char *what)
{
    if (st != WP_OK) {
        fprintf(stderr, "bench_jobs: %s: %s\n", what, wp_strerror(st));
        exit(1);
    }
}

/* Pink noise (its own seed per channel) plus a multitone. */
static void generate(float *const *ch, size_t frames)
{
    float *tone = malloc(frames * sizeof *tone);
    if (!tone)
        check(WP_ERR_OUT_OF_MEMORY, "tone buffer");
    wp_gen_config cfg;
    wp_gen *gen;
    check(wp_gen_default_config(WP_GEN_MULTITONE, &cfg), "multitone config");
    cfg.level_dbfs = -12.0;
    check(wp_gen_create(&cfg, RATE, &gen), "multitone");
    check(wp_gen_render(gen, tone, frames), "multitone render");
    wp_gen_destroy(gen);
    for (int c = 0; c < CHANNELS; c++) {
        check(wp_gen_default_config(WP_GEN_PINK, &cfg), "pink config");
        cfg.level_dbfs = -20.0;
        cfg.seed = 1 + (uint64_t)c;
        check(wp_gen_create(&cfg, RATE, &gen), "pink");
        check(wp_gen_render(gen, ch[c], frames), "pink render");
        wp_gen_destroy(gen);
        for (size_t i = 0; i < frames; i++)
            ch[c][i] += tone[i];
    }
    free(tone);
}

/* FNV-1a over the output bytes: equal for every worker count. */
static uint64_t digest(const void *p, size_t bytes)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < bytes; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

typedef struct bench_ctx {
    wp_track track;
    wp_chain *settings;
    float *spec, *ov, *render[CHANNELS];
    size_t spec_floats, render_frames;
    wp_analysis analysis;
} bench_ctx;

enum { SPECTROGRAM, OVERVIEW, ANALYZE, RENDER, JOB_COUNT };
static const char *job_names[JOB_COUNT] = {"spectrogram", "overview", "analyze", "render"};
#define COLUMNS 4000
#define TAIL_FRAMES 96000

/* Runs one job; returns its wall time and stores a digest of its output. */
static double run(bench_ctx *b, wp_pool *pool, int job_kind, uint64_t *out_digest)
{
    wp_job *job;
    double t0 = now_s();
    switch (job_kind) {
    case SPECTROGRAM: {
        wp_spectrogram_params p = {2048, 512, WP_WINDOW_HANN, 120.0};
        check(wp_job_spectrogram(pool, &b->track, &p, b->spec, b->spec_floats, &job), "spectrogram submit");
        break;
    }
    case OVERVIEW: {
        wp_overview_params p = {0, b->track.frames, COLUMNS};
        check(wp_job_overview(pool, &b->track, &p, b->ov, b->ov + CHANNELS * COLUMNS, b->ov + 2 * CHANNELS * COLUMNS,
                              &job),
              "overview submit");
        break;
    }
    case ANALYZE:
        memset(&b->analysis, 0, sizeof b->analysis);
        check(wp_job_analyze(pool, &b->track, &b->analysis, &job), "analyze submit");
        break;
    default:
        check(wp_job_render(pool, &b->track, b->settings, TAIL_FRAMES, b->render, &job), "render submit");
        break;
    }
    /* Poll as the browser does: wp_job_wait would make this thread help run
     * chunks, and "1 worker" would then be two threads. */
    const struct timespec tick = {0, 200000};
    while (wp_job_poll(job) == WP_PENDING)
        nanosleep(&tick, NULL);
    check(wp_job_poll(job), job_names[job_kind]);
    double t = now_s() - t0;
    wp_job_release(job);
    switch (job_kind) {
    case SPECTROGRAM: *out_digest = digest(b->spec, b->spec_floats * sizeof(float)); break;
    case OVERVIEW: *out_digest = digest(b->ov, 3 * CHANNELS * COLUMNS * sizeof(float)); break;
    case ANALYZE:
        /* Loudness is within 1e-6 across chunkings but bit-identical across
         * worker counts at one chunking, which is what runs here. */
        *out_digest = digest(&b->analysis, sizeof b->analysis);
        break;
    default:
        *out_digest = digest(b->render[0], b->render_frames * sizeof(float)) ^
                      digest(b->render[1], b->render_frames * sizeof(float));
        break;
    }
    return t;
}

int main(void)
{
    const char *env = getenv("WP_BENCH_MINUTES");
    double minutes = env ? atof(env) : 10.0;
    if (!(minutes > 0 && minutes <= 60)) {
        fprintf(stderr, "bench_jobs: WP_BENCH_MINUTES must be in (0, 60]\n");
        return 1;
    }
    size_t frames = (size_t)(minutes * 60.0 * RATE);
    bench_ctx b;
    memset(&b, 0, sizeof b);
    float *track = malloc((size_t)CHANNELS * frames * sizeof(float));
    float *chans[CHANNELS];
    b.render_frames = frames + TAIL_FRAMES;
    float *render = malloc((size_t)CHANNELS * b.render_frames * sizeof(float));
    b.spec_floats = wp_spectrogram_frames(frames, 2048, 512) * 1025;
    b.spec = malloc(b.spec_floats * sizeof(float));
    b.ov = malloc(3 * CHANNELS * COLUMNS * sizeof(float));
    if (!track || !render || !b.spec || !b.ov)
        check(WP_ERR_OUT_OF_MEMORY, "buffers");
    for (int c = 0; c < CHANNELS; c++) {
        chans[c] = track + (size_t)c * frames;
        b.render[c] = render + (size_t)c * b.render_frames;
    }
    generate(chans, frames);
    b.track = (wp_track){chans, CHANNELS, frames, RATE};
    check(wp_chain_create(RATE, CHANNELS, &b.settings), "chain");
    check(wp_chain_set(b.settings, WP_CHAIN_COMP_ON, 1), "chain comp");
    check(wp_chain_set(b.settings, WP_CHAIN_DELAY_ON, 1), "chain delay");
    check(wp_chain_set(b.settings, WP_CHAIN_REVERB_ON, 1), "chain reverb");
    check(wp_chain_set(b.settings, WP_CHAIN_LIMITER_ON, 1), "chain limiter");

    static const int workers[] = {1, 2, 4};
    double times[JOB_COUNT][3];
    uint64_t digests[JOB_COUNT][3];
    for (int w = 0; w < 3; w++) {
        wp_pool *pool;
        check(wp_pool_create(workers[w], &pool), "pool");
        /* Best of REPEATS: the first run also pays for page faults. */
        for (int j = 0; j < JOB_COUNT; j++) {
            times[j][w] = INFINITY;
            for (int r = 0; r < REPEATS; r++)
                times[j][w] = fmin(times[j][w], run(&b, pool, j, &digests[j][w]));
        }
        wp_pool_destroy(pool);
    }
    printf("%.1f min stereo 48 kHz (%zu frames), chunk %d frames\n", minutes, frames,
           WP_JOBS_DEFAULT_CHUNK_FRAMES);
    printf("%-12s %8s %10s %9s %11s\n", "job", "workers", "time s", "speedup", "efficiency");
    int mismatch = 0;
    for (int j = 0; j < JOB_COUNT; j++)
        for (int w = 0; w < 3; w++) {
            double speedup = times[j][0] / times[j][w];
            printf("%-12s %8d %10.3f %9.2f %10.0f%%\n", job_names[j], workers[w], times[j][w], speedup,
                   100.0 * speedup / workers[w]);
            if (digests[j][w] != digests[j][0]) {
                fprintf(stderr, "bench_jobs: %s output differs with %d workers\n", job_names[j], workers[w]);
                mismatch = 1;
            }
        }
    double best = fmin(times[RENDER][0], fmin(times[RENDER][1], times[RENDER][2]));
    printf("render real-time factor: %.1fx (%.1f s of audio in %.3f s, serial chain)\n",
           (double)frames / RATE / best, (double)frames / RATE, best);
    wp_chain_destroy(b.settings);
    free(track);
    free(render);
    free(b.spec);
    free(b.ov);
    return mismatch;
}
