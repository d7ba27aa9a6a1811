/* Offline jobs against serial reference code written here: spectrum and
 * spectrogram (naive DFT), overview (plain loops), render (one chain, one
 * call), analyze (one loudness meter fed serially, plain sums), normalize
 * (wp_normalize). Every job runs with every worker count and several chunk
 * sizes; results are compared bit for bit where jobs.h promises it. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "wavepool/jobs.h"
#include "wavepool/loudness.h"

#ifdef WP_HAVE_THREADS
#include <sched.h>
#endif

#define RATE 48000.0
#define PI 3.14159265358979323846

static const size_t chunk_sizes[] = {WP_JOBS_DEFAULT_CHUNK_FRAMES, 4096, 1024};
#define CHUNK_SIZES (sizeof chunk_sizes / sizeof chunk_sizes[0])

typedef struct track_buf {
    float *data;
    float *ch[WP_JOBS_MAX_CHANNELS];
    wp_track track;
} track_buf;

/* Tones, seeded noise and a slow envelope with a quiet passage, so gating,
 * LRA and the short-term curve have something to do. */
static void make_track(track_buf *out, int channels, size_t frames, double scale, uint64_t seed)
{
    track_buf b;
    memset(&b, 0, sizeof b);
    b.data = malloc((size_t)channels * frames * sizeof(float));
    assert_non_null(b.data);
    test_rng rng = test_rng_seeded(seed);
    for (int c = 0; c < channels; c++) {
        b.ch[c] = b.data + (size_t)c * frames;
        for (size_t i = 0; i < frames; i++) {
            double t = (double)i / RATE;
            double env = 0.55 + 0.45 * sin(2 * PI * 0.23 * t + c);
            double tone = 0.3 * sin(2 * PI * (440.0 + 220.0 * c) * t) + 0.1 * sin(2 * PI * 3000.0 * t);
            b.ch[c][i] = (float)(scale * env * env * (tone + 0.2 * test_rng_float(&rng)));
        }
    }
    *out = b;
    out->track = (wp_track){out->ch, channels, frames, RATE};
}

static void copy_track(track_buf *out, const track_buf *src)
{
    track_buf b = *src;
    size_t n = (size_t)src->track.channel_count * src->track.frames;
    b.data = malloc(n * sizeof(float));
    assert_non_null(b.data);
    memcpy(b.data, src->data, n * sizeof(float));
    for (int c = 0; c < src->track.channel_count; c++)
        b.ch[c] = b.data + (size_t)c * src->track.frames;
    *out = b;
    out->track.channels = out->ch;
}

static wp_pool *make_pool(int workers)
{
    wp_pool *pool;
    assert_int_equal(wp_pool_create(workers, &pool), WP_OK);
    return pool;
}

/* Waits for the job, checks progress is complete and releases it. */
static wp_status finish(wp_job *job)
{
    wp_status st = wp_job_wait(job);
    if (st == WP_OK && wp_job_progress(job) != 1.0f)
        fail_msg("progress %f after WP_OK", wp_job_progress(job));
    wp_job_release(job);
    return st;
}

static void set_chunk(size_t frames) { assert_int_equal(wp_jobs_set_chunk_frames(frames), WP_OK); }

/* ---- spectrum and spectrogram ---- */

/* Naive DFT power of one frame per channel, averaged, in dB (the scaling
 * jobs.h states: a full-scale sine on a bin reads 0 dB). */
static void reference_frame_db(const wp_track *t, size_t start, size_t n, wp_window window, int channel,
                               double floor_db, double *out)
{
    float *w = malloc(n * sizeof *w);
    assert_int_equal(wp_window_fill(window, w, n), WP_OK);
    size_t bins = n / 2 + 1;
    int c0 = channel < 0 ? 0 : channel, c1 = channel < 0 ? t->channel_count : channel + 1;
    double amp = 2.0 / ((double)n * wp_window_coherent_gain(window));
    for (size_t k = 0; k < bins; k++) {
        double power = 0;
        for (int c = c0; c < c1; c++) {
            double re = 0, im = 0;
            for (size_t i = 0; i < n; i++) {
                double x = start + i < t->frames ? t->channels[c][start + i] : 0.0;
                if (!isfinite(x))
                    x = 0;
                double ph = -2 * PI * (double)((k * i) % n) / (double)n;
                re += x * w[i] * cos(ph);
                im += x * w[i] * sin(ph);
            }
            power += re * re + im * im;
        }
        double db = 10 * log10(fmax(power * amp * amp / (c1 - c0), 1e-300));
        out[k] = fmax(db, floor_db);
    }
    free(w);
}

/* Largest dB difference over bins the reference puts above `above_db`. */
static double worst_db_error(const float *got, const double *want, size_t bins, double above_db)
{
    double worst = 0;
    for (size_t k = 0; k < bins; k++)
        if (want[k] > above_db)
            worst = fmax(worst, fabs(got[k] - want[k]));
    return worst;
}

static void spectrum_matches_naive_dft_and_reads_full_scale_sine_at_0_db(void **state)
{
    (void)state;
    size_t n = 1024, frames = 3000;
    track_buf b;
    make_track(&b, 2, frames, 1.0, test_seed());
    /* Channel 1: a full-scale sine on bin 64. */
    for (size_t i = 0; i < frames; i++)
        b.ch[1][i] = (float)sin(2 * PI * 64.0 * (double)i / (double)n);
    float got[513];
    double want[513];
    int channels[] = {-1, 0, 1};
    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool = make_pool(test_worker_counts[w]);
        for (int k = 0; k < 3; k++) {
            wp_spectrum_params p = {500, n, WP_WINDOW_BLACKMAN_HARRIS, -200.0, channels[k]};
            wp_job *job;
            assert_int_equal(wp_job_spectrum(pool, &b.track, &p, got, &job), WP_OK);
            assert_int_equal(finish(job), WP_OK);
            reference_frame_db(&b.track, 500, n, p.window, p.channel, p.floor_db, want);
            double err = worst_db_error(got, want, n / 2 + 1, -100.0);
            if (err > 1e-3)
                fail_msg("spectrum channel %d: %.5f dB from the DFT", channels[k], err);
            if (channels[k] == 1 && fabs(got[64]) > 0.01)
                fail_msg("full-scale sine reads %.5f dB", got[64]);
        }
        wp_pool_destroy(pool);
    }
    free(b.data);
}

static void spectrogram_matches_reference_for_any_workers_and_chunks(void **state)
{
    (void)state;
    size_t n = 256, hop = 100, frames = 20000;
    track_buf b;
    make_track(&b, 2, frames, 0.8, test_seed() + 1);
    size_t rows = wp_spectrogram_frames(frames, n, hop), bins = n / 2 + 1;
    assert_int_equal(rows, 200);
    float *first = malloc(rows * bins * sizeof(float)), *got = malloc(rows * bins * sizeof(float));
    double *want = malloc(bins * sizeof(double));
    wp_spectrogram_params p = {n, hop, WP_WINDOW_HANN, 120.0};
    int have_first = 0;
    for (size_t cs = 0; cs < CHUNK_SIZES; cs++) {
        set_chunk(chunk_sizes[cs]);
        for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
            wp_pool *pool = make_pool(test_worker_counts[w]);
            wp_job *job;
            float *out = have_first ? got : first;
            assert_int_equal(wp_job_spectrogram(pool, &b.track, &p, out, rows * bins, &job), WP_OK);
            assert_int_equal(finish(job), WP_OK);
            wp_pool_destroy(pool);
            if (have_first && memcmp(got, first, rows * bins * sizeof(float)) != 0)
                fail_msg("spectrogram differs with %d workers, chunk %zu", test_worker_counts[w], chunk_sizes[cs]);
            have_first = 1;
        }
    }
    set_chunk(WP_JOBS_DEFAULT_CHUNK_FRAMES);
    /* Every 7th row (and the last, mostly zero padding) against the DFT. */
    double worst = 0;
    for (size_t k = 0; k < rows; k += (k + 7 < rows ? 7 : (k + 1 < rows ? rows - 1 - k : 1))) {
        reference_frame_db(&b.track, k * hop, n, WP_WINDOW_HANN, -1, -120.0, want);
        worst = fmax(worst, worst_db_error(first + k * bins, want, bins, -90.0));
        for (size_t j = 0; j < bins; j++)
            if (first[k * bins + j] < -120.0f)
                fail_msg("row %zu bin %zu below the floor: %f", k, j, first[k * bins + j]);
    }
    printf("# spectrogram: worst %.2e dB from the naive DFT\n", worst);
    if (worst > 1e-3)
        fail_msg("spectrogram %.5f dB from the naive DFT", worst);
    free(first);
    free(got);
    free(want);
    free(b.data);
}

static void spectrum_jobs_treat_non_finite_samples_as_zero(void **state)
{
    (void)state;
    size_t n = 256, hop = 128, frames = 4000;
    track_buf clean;
    make_track(&clean, 1, frames, 0.5, test_seed() + 2);
    track_buf dirty;
    copy_track(&dirty, &clean);
    dirty.ch[0][100] = NAN;
    dirty.ch[0][2000] = INFINITY;
    dirty.ch[0][3999] = -INFINITY;
    clean.ch[0][100] = clean.ch[0][2000] = clean.ch[0][3999] = 0.0f;
    size_t rows = wp_spectrogram_frames(frames, n, hop), bins = n / 2 + 1;
    float *a = malloc(rows * bins * sizeof(float)), *bb = malloc(rows * bins * sizeof(float));
    wp_pool *pool = make_pool(test_worker_counts[TEST_WORKER_COUNTS - 1]);
    wp_spectrogram_params p = {n, hop, WP_WINDOW_HAMMING, 100.0};
    wp_job *job;
    assert_int_equal(wp_job_spectrogram(pool, &clean.track, &p, a, rows * bins, &job), WP_OK);
    assert_int_equal(finish(job), WP_OK);
    assert_int_equal(wp_job_spectrogram(pool, &dirty.track, &p, bb, rows * bins, &job), WP_OK);
    assert_int_equal(finish(job), WP_OK);
    assert_memory_equal(a, bb, rows * bins * sizeof(float));
    wp_spectrum_params sp = {1900, n, WP_WINDOW_HANN, -150.0, -1};
    assert_int_equal(wp_job_spectrum(pool, &clean.track, &sp, a, &job), WP_OK);
    assert_int_equal(finish(job), WP_OK);
    assert_int_equal(wp_job_spectrum(pool, &dirty.track, &sp, bb, &job), WP_OK);
    assert_int_equal(finish(job), WP_OK);
    assert_memory_equal(a, bb, bins * sizeof(float));
    wp_pool_destroy(pool);
    free(a);
    free(bb);
    free(clean.data);
    free(dirty.data);
}

/* ---- overview ---- */

static void reference_overview(const wp_track *t, size_t begin, size_t end, size_t columns, float *mn, float *mx,
                               float *rms)
{
    size_t len = end - begin;
    for (int c = 0; c < t->channel_count; c++)
        for (size_t j = 0; j < columns; j++) {
            size_t a = begin + (size_t)((uint64_t)j * len / columns);
            size_t b = begin + (size_t)((uint64_t)(j + 1) * len / columns);
            float lo = 0, hi = 0;
            double sq = 0;
            for (size_t i = a; i < b; i++) {
                float v = isfinite(t->channels[c][i]) ? t->channels[c][i] : 0.0f;
                lo = i == a ? v : fminf(lo, v);
                hi = i == a ? v : fmaxf(hi, v);
                sq += (double)v * v;
            }
            mn[c * columns + j] = lo;
            mx[c * columns + j] = hi;
            rms[c * columns + j] = b > a ? (float)sqrt(sq / (double)(b - a)) : 0.0f;
        }
}

static void overview_matches_loops_including_empty_columns_and_nan(void **state)
{
    (void)state;
    size_t frames = 3 * 48000;
    track_buf b;
    make_track(&b, 2, frames, 0.9, test_seed() + 3);
    b.ch[1][5000] = NAN;
    b.ch[0][77777] = INFINITY;
    struct { size_t begin, end, columns; } cases[] = {{0, frames, 1000}, {1234, frames - 99, 777}, {100, 150, 80},
                                                      {0, frames, 1}};
    size_t most = 1000 * 2;
    float *want = malloc(3 * most * sizeof(float)), *got = malloc(3 * most * sizeof(float));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t cols = cases[k].columns, n = 2 * cols;
        reference_overview(&b.track, cases[k].begin, cases[k].end, cols, want, want + n, want + 2 * n);
        if (k == 2) /* more columns than frames: column 0 is empty and holds zeros */
            assert_true(want[0] == 0.0f && want[n] == 0.0f && want[2 * n] == 0.0f);
        for (size_t cs = 0; cs < CHUNK_SIZES; cs++) {
            set_chunk(chunk_sizes[cs]);
            for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
                wp_pool *pool = make_pool(test_worker_counts[w]);
                wp_overview_params p = {cases[k].begin, cases[k].end, cols};
                wp_job *job;
                memset(got, 0xff, 3 * n * sizeof(float));
                assert_int_equal(wp_job_overview(pool, &b.track, &p, got, got + n, got + 2 * n, &job), WP_OK);
                assert_int_equal(finish(job), WP_OK);
                wp_pool_destroy(pool);
                if (memcmp(got, want, 3 * n * sizeof(float)) != 0)
                    fail_msg("overview case %zu differs (%d workers, chunk %zu)", k, test_worker_counts[w],
                             chunk_sizes[cs]);
            }
        }
    }
    set_chunk(WP_JOBS_DEFAULT_CHUNK_FRAMES);
    free(want);
    free(got);
    free(b.data);
}

/* ---- render ---- */

static wp_chain *make_settings(void)
{
    wp_chain *chain;
    assert_int_equal(wp_chain_create(RATE, 2, &chain), WP_OK);
    static const struct { wp_chain_param p; double v; } set[] = {
        {WP_CHAIN_COMP_ON, 1},      {WP_CHAIN_COMP_THRESHOLD, -20}, {WP_CHAIN_DIST_ON, 1},
        {WP_CHAIN_DIST_DRIVE, 12},  {WP_CHAIN_CHORUS_ON, 1},        {WP_CHAIN_DELAY_ON, 1},
        {WP_CHAIN_DELAY_FEEDBACK, 40}, {WP_CHAIN_REVERB_ON, 1},     {WP_CHAIN_REVERB_MIX, 30},
        {WP_CHAIN_WIDTH, 150},      {WP_CHAIN_VOLUME, -3},          {WP_CHAIN_LIMITER_ON, 1},
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        const wp_chain_param_info *info = wp_chain_param_get_info(set[i].p);
        double v = fmin(fmax(set[i].v, info->min), info->max);
        assert_int_equal(wp_chain_set(chain, set[i].p, v), WP_OK);
    }
    const wp_chain_fx order[WP_CHAIN_FX_COUNT] = {WP_CHAIN_FX_REVERB, WP_CHAIN_FX_DELAY, WP_CHAIN_FX_COMPRESSOR,
                                                  WP_CHAIN_FX_CHORUS, WP_CHAIN_FX_DISTORTION};
    assert_int_equal(wp_chain_set_order(chain, order), WP_OK);
    return chain;
}

/* One fresh chain with the same settings, fed track + zeros in one call. */
static void reference_render(const wp_track *t, const wp_chain *settings, size_t tail, float *const *out)
{
    wp_chain *chain;
    assert_int_equal(wp_chain_create(RATE, t->channel_count, &chain), WP_OK);
    for (int p = 0; p < WP_CHAIN_PARAM_COUNT; p++)
        assert_int_equal(wp_chain_set(chain, (wp_chain_param)p, wp_chain_get(settings, (wp_chain_param)p)), WP_OK);
    wp_chain_fx order[WP_CHAIN_FX_COUNT];
    wp_chain_get_order(settings, order);
    assert_int_equal(wp_chain_set_order(chain, order), WP_OK);
    size_t latency = wp_chain_latency(chain), total = t->frames + latency + tail;
    float *buf = calloc(2 * total, sizeof(float));
    float *ch[2] = {buf, buf + total};
    wp_chain_process_planar(chain, ch, 0);
    wp_chain_reset(chain);
    for (int c = 0; c < t->channel_count; c++)
        memcpy(ch[c], t->channels[c], t->frames * sizeof(float));
    wp_chain_process_planar(chain, ch, total);
    for (int c = 0; c < t->channel_count; c++)
        memcpy(out[c], ch[c] + latency, (t->frames + tail) * sizeof(float));
    free(buf);
    wp_chain_destroy(chain);
}

static void render_equals_one_serial_chain_call(void **state)
{
    (void)state;
    size_t frames = 48000 + 123, tail = 24000;
    track_buf b;
    make_track(&b, 2, frames, 0.7, test_seed() + 4);
    wp_chain *settings = make_settings();
    assert_true(wp_chain_latency(settings) > 0);
    size_t n = frames + tail;
    float *want = malloc(2 * n * sizeof(float)), *got = malloc(2 * n * sizeof(float));
    float *want_ch[2] = {want, want + n}, *got_ch[2] = {got, got + n};
    reference_render(&b.track, settings, tail, want_ch);
    double tail_energy = 0;
    for (size_t i = frames; i < n; i++)
        tail_energy += (double)want[i] * want[i];
    assert_true(tail_energy > 1e-3); /* the reverb and delay tails are there */
    for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
        wp_pool *pool = make_pool(test_worker_counts[w]);
        wp_job *job;
        assert_int_equal(wp_job_render(pool, &b.track, settings, tail, got_ch, &job), WP_OK);
        assert_int_equal(finish(job), WP_OK);
        if (memcmp(got, want, 2 * n * sizeof(float)) != 0)
            fail_msg("render differs from the serial chain with %d workers", test_worker_counts[w]);
        /* In place (no tail): the same first frames. */
        track_buf inplace;
    copy_track(&inplace, &b);
        assert_int_equal(wp_job_render(pool, &inplace.track, settings, 0, inplace.ch, &job), WP_OK);
        assert_int_equal(finish(job), WP_OK);
        reference_render(&b.track, settings, 0, got_ch);
        assert_memory_equal(inplace.ch[0], got_ch[0], frames * sizeof(float));
        assert_memory_equal(inplace.ch[1], got_ch[1], frames * sizeof(float));
        free(inplace.data);
        wp_pool_destroy(pool);
    }
    /* NaN: WP_ERR_NOT_FINITE. */
    b.ch[1][30000] = NAN;
    wp_pool *pool = make_pool(0);
    wp_job *job;
    assert_int_equal(wp_job_render(pool, &b.track, settings, tail, got_ch, &job), WP_OK);
    assert_int_equal(finish(job), WP_ERR_NOT_FINITE);
    wp_pool_destroy(pool);
    wp_chain_destroy(settings);
    free(want);
    free(got);
    free(b.data);
}

/* ---- analyze ---- */

typedef struct reference_analysis {
    double integrated, range, sample_peak[2], true_peak[2], sum[2], sum_sq[2];
    float *short_term;
    size_t short_term_count;
} reference_analysis;

static void reference_analyze(const wp_track *t, reference_analysis *r, size_t cap)
{
    wp_loudness *lm;
    assert_int_equal(wp_loudness_create(t->sample_rate, t->channel_count, &lm), WP_OK);
    size_t block = wp_loudness_block_frames(lm);
    const float *ch[2];
    r->short_term_count = 0;
    for (size_t at = 0; at < t->frames; at += block) {
        size_t n = t->frames - at < block ? t->frames - at : block;
        for (int c = 0; c < t->channel_count; c++)
            ch[c] = t->channels[c] + at;
        assert_int_equal(wp_loudness_process(lm, ch, n), WP_OK);
        if (n == block && r->short_term_count < cap)
            r->short_term[r->short_term_count++] = (float)wp_loudness_short_term(lm);
    }
    r->integrated = wp_loudness_integrated(lm);
    r->range = wp_loudness_range(lm);
    for (int c = 0; c < t->channel_count; c++) {
        r->true_peak[c] = 20 * log10(wp_loudness_true_peak(lm, c));
        float peak = 0;
        r->sum[c] = r->sum_sq[c] = 0;
        for (size_t i = 0; i < t->frames; i++) {
            peak = fmaxf(peak, fabsf(t->channels[c][i]));
            r->sum[c] += t->channels[c][i];
            r->sum_sq[c] += (double)t->channels[c][i] * t->channels[c][i];
        }
        r->sample_peak[c] = 20 * log10(peak);
    }
    wp_loudness_destroy(lm);
}

static void expect_rel(const char *what, double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("%s: %.12g, reference %.12g (relative %.3g)", what, got, want, fabs(got - want) / fabs(want));
}

static void analyze_matches_serial_meter_for_any_workers_and_chunks(void **state)
{
    (void)state;
    size_t frames = 7 * 48000 + 555, cap = 100;
    track_buf b;
    make_track(&b, 2, frames, 0.6, test_seed() + 5);
    reference_analysis ref;
    ref.short_term = malloc(cap * sizeof(float));
    reference_analyze(&b.track, &ref, cap);
    assert_int_equal(ref.short_term_count, 70);
    float *st = malloc(cap * sizeof(float));
    wp_analysis first = {0};
    float *first_st = malloc(cap * sizeof(float));
    int have_first = 0;
    double worst_i = 0, worst_lra = 0, worst_s = 0;
    for (size_t cs = 0; cs < CHUNK_SIZES; cs++) {
        set_chunk(chunk_sizes[cs]);
        for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
            wp_pool *pool = make_pool(test_worker_counts[w]);
            wp_analysis a;
            memset(&a, 0, sizeof a);
            a.short_term = st;
            a.short_term_capacity = cap;
            wp_job *job;
            assert_int_equal(wp_job_analyze(pool, &b.track, &a, &job), WP_OK);
            assert_int_equal(finish(job), WP_OK);
            wp_pool_destroy(pool);
            expect_rel("integrated", a.integrated_lufs, ref.integrated, 1e-6);
            expect_rel("LRA", a.loudness_range_lu, ref.range, 1e-6);
            worst_i = fmax(worst_i, fabs(a.integrated_lufs - ref.integrated));
            worst_lra = fmax(worst_lra, fabs(a.loudness_range_lu - ref.range));
            assert_int_equal(a.short_term_count, ref.short_term_count);
            for (size_t k = 0; k < a.short_term_count; k++) {
                expect_rel("short-term", st[k], ref.short_term[k], 1e-6);
                worst_s = fmax(worst_s, fabs(st[k] - ref.short_term[k]));
            }
            assert_int_equal(a.channels, 2);
            expect_rel("duration", a.duration_s, (double)frames / RATE, 1e-15);
            for (int c = 0; c < 2; c++) {
                /* Peaks: bit-identical to the serial pass. */
                if (a.channel_sample_peak_dbfs[c] != ref.sample_peak[c] ||
                    a.channel_true_peak_dbtp[c] != ref.true_peak[c])
                    fail_msg("channel %d peaks %.9f / %.9f, reference %.9f / %.9f", c, a.channel_sample_peak_dbfs[c],
                             a.channel_true_peak_dbtp[c], ref.sample_peak[c], ref.true_peak[c]);
                expect_rel("dc", a.dc[c], ref.sum[c] / (double)frames, 1e-9);
                expect_rel("rms", a.rms_dbfs[c], 10 * log10(ref.sum_sq[c] / (double)frames), 1e-12);
            }
            assert_true(a.true_peak_dbtp == fmax(ref.true_peak[0], ref.true_peak[1]));
            assert_true(a.sample_peak_dbfs == fmax(ref.sample_peak[0], ref.sample_peak[1]));
            if (!have_first || w == 0) {
                first = a;
                memcpy(first_st, st, cap * sizeof(float));
                have_first = 1;
            } else {
                /* Same chunking, other worker count: everything bit-identical. */
                for (int c = 0; c < 2; c++)
                    if (a.dc[c] != first.dc[c] || a.rms_dbfs[c] != first.rms_dbfs[c])
                        fail_msg("dc/rms differ with %d workers", test_worker_counts[w]);
                if (a.integrated_lufs != first.integrated_lufs || a.loudness_range_lu != first.loudness_range_lu ||
                    memcmp(st, first_st, a.short_term_count * sizeof(float)) != 0)
                    fail_msg("loudness differs with %d workers", test_worker_counts[w]);
            }
        }
    }
    set_chunk(WP_JOBS_DEFAULT_CHUNK_FRAMES);
    printf("# analyze: I %.3f LUFS (worst %.2e LU), LRA %.3f LU (worst %.2e), short-term worst %.2e LU\n",
           ref.integrated, worst_i, ref.range, worst_lra, worst_s);
    assert_true(ref.range > 0.5); /* the envelope gives LRA something to measure */
    /* NaN: WP_ERR_NOT_FINITE. */
    b.ch[0][frames - 1] = NAN;
    wp_pool *pool = make_pool(test_worker_counts[TEST_WORKER_COUNTS - 1]);
    wp_analysis a = {0};
    wp_job *job;
    assert_int_equal(wp_job_analyze(pool, &b.track, &a, &job), WP_OK);
    assert_int_equal(finish(job), WP_ERR_NOT_FINITE);
    wp_pool_destroy(pool);
    free(st);
    free(first_st);
    free(ref.short_term);
    free(b.data);
}

/* ---- normalize ---- */

static void expect_close(const char *what, double got, double want)
{
    if (!(got == want || fabs(got - want) <= 1e-6 * fmax(1.0, fabs(want))))
        fail_msg("%s: job %.12g, wp_normalize %.12g", what, got, want);
}

static void normalize_job_equals_wp_normalize(void **state)
{
    (void)state;
    size_t frames = 4 * 48000 + 17;
    track_buf base;
    make_track(&base, 2, frames, 0.5, test_seed() + 6);
    wp_normalize_config configs[4];
    wp_normalize_default_config(&configs[0]);
    configs[0].target = -8.0; /* loud: the limiter runs */
    configs[1] = (wp_normalize_config){WP_NORMALIZE_PEAK, -1.0, NAN, WP_NORMALIZE_LIMIT, 40.0};
    configs[2] = (wp_normalize_config){WP_NORMALIZE_RMS, -6.0, -2.0, WP_NORMALIZE_CAP, 40.0};
    wp_normalize_default_config(&configs[3]); /* -14 LUFS, plain gain */
    set_chunk(4096);
    double worst = 0;
    for (int k = 0; k < 4; k++) {
        track_buf want;
    copy_track(&want, &base);
        wp_normalize_report want_rep;
        assert_int_equal(wp_normalize(&configs[k], want.ch, 2, frames, RATE, &want_rep), WP_OK);
        for (size_t w = 0; w < TEST_WORKER_COUNTS; w++) {
            wp_pool *pool = make_pool(test_worker_counts[w]);
            track_buf got;
    copy_track(&got, &base);
            wp_normalize_report rep;
            wp_job *job;
            assert_int_equal(wp_job_normalize(pool, &got.track, &configs[k], &rep, &job), WP_OK);
            assert_int_equal(finish(job), WP_OK);
            wp_pool_destroy(pool);
            expect_close("before", rep.before, want_rep.before);
            expect_close("after", rep.after, want_rep.after);
            expect_close("true peak before", rep.true_peak_before, want_rep.true_peak_before);
            expect_close("true peak after", rep.true_peak_after, want_rep.true_peak_after);
            expect_close("gain", rep.gain_db, want_rep.gain_db);
            assert_int_equal(rep.limited, want_rep.limited);
            assert_int_equal(rep.capped, want_rep.capped);
            assert_int_equal(rep.silent, want_rep.silent);
            for (int c = 0; c < 2; c++)
                for (size_t i = 0; i < frames; i++)
                    worst = fmax(worst, fabs(got.ch[c][i] - want.ch[c][i]));
            free(got.data);
        }
        if (k == 0)
            assert_true(want_rep.limited);
        if (k == 2)
            assert_true(want_rep.capped);
        free(want.data);
    }
    set_chunk(WP_JOBS_DEFAULT_CHUNK_FRAMES);
    printf("# normalize: worst sample difference from wp_normalize %.3g\n", worst);
    if (worst > 1e-6)
        fail_msg("samples differ from wp_normalize by %.3g", worst);
    /* NaN: WP_ERR_NOT_FINITE, track untouched. */
    base.ch[1][1000] = NAN;
    track_buf keep;
    copy_track(&keep, &base);
    wp_pool *pool = make_pool(test_worker_counts[TEST_WORKER_COUNTS - 1]);
    for (int k = 0; k < 4; k++) {
        wp_normalize_report rep;
        wp_job *job;
        assert_int_equal(wp_job_normalize(pool, &base.track, &configs[k], &rep, &job), WP_OK);
        assert_int_equal(finish(job), WP_ERR_NOT_FINITE);
        assert_memory_equal(base.data, keep.data, 2 * frames * sizeof(float));
    }
    wp_pool_destroy(pool);
    free(keep.data);
    free(base.data);
}

/* ---- submit checks, cancel, release ---- */

static void bad_submissions_are_rejected(void **state)
{
    (void)state;
    track_buf b;
    make_track(&b, 2, 4800, 0.5, test_seed() + 7);
    wp_pool *pool = make_pool(0);
    wp_job *job = (wp_job *)&job;
    wp_job *const sentinel = job;
    float out[8192];
    float *outs[2] = {out, out + 4096};
    wp_track empty = b.track;
    empty.frames = 0;
    wp_track null_channel = b.track;
    float *chs[2] = {b.ch[0], NULL};
    null_channel.channels = chs;
    wp_spectrum_params sp = {0, 1024, WP_WINDOW_HANN, -120, -1};
    assert_int_equal(wp_job_spectrum(pool, &empty, &sp, out, &job), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_job_spectrum(pool, NULL, &sp, out, &job), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_job_spectrum(pool, &null_channel, &sp, out, &job), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_job_spectrum(pool, &b.track, &sp, NULL, &job), WP_ERR_INVALID_ARGUMENT);
    sp.fft_size = 1000;
    assert_int_equal(wp_job_spectrum(pool, &b.track, &sp, out, &job), WP_ERR_UNSUPPORTED_SIZE);
    sp.fft_size = 1024;
    sp.channel = 2;
    assert_int_equal(wp_job_spectrum(pool, &b.track, &sp, out, &job), WP_ERR_OUT_OF_RANGE);
    sp.channel = -1;
    sp.floor_db = NAN;
    assert_int_equal(wp_job_spectrum(pool, &b.track, &sp, out, &job), WP_ERR_OUT_OF_RANGE);
    wp_spectrogram_params gp = {256, 0, WP_WINDOW_HANN, 100};
    assert_int_equal(wp_job_spectrogram(pool, &b.track, &gp, out, 8192, &job), WP_ERR_OUT_OF_RANGE);
    gp.hop = 257;
    assert_int_equal(wp_job_spectrogram(pool, &b.track, &gp, out, 8192, &job), WP_ERR_OUT_OF_RANGE);
    gp.hop = 128; /* 38 rows of 129 floats do not fit in 4901 */
    assert_int_equal(wp_job_spectrogram(pool, &b.track, &gp, out, 38 * 129 - 1, &job), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_job_spectrogram(pool, &empty, &gp, out, 8192, &job), WP_ERR_INVALID_ARGUMENT);
    wp_overview_params op = {10, 10, 4};
    assert_int_equal(wp_job_overview(pool, &b.track, &op, out, out + 8, NULL, &job), WP_ERR_OUT_OF_RANGE);
    op = (wp_overview_params){0, 4801, 4};
    assert_int_equal(wp_job_overview(pool, &b.track, &op, out, out + 8, NULL, &job), WP_ERR_OUT_OF_RANGE);
    op = (wp_overview_params){0, 4800, 0};
    assert_int_equal(wp_job_overview(pool, &b.track, &op, out, out + 8, NULL, &job), WP_ERR_OUT_OF_RANGE);
    op.columns = 4;
    assert_int_equal(wp_job_overview(pool, &b.track, &op, NULL, out + 8, NULL, &job), WP_ERR_INVALID_ARGUMENT);
    wp_chain *settings = make_settings();
    assert_int_equal(wp_job_render(pool, &empty, settings, 0, outs, &job), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_job_render(pool, &b.track, NULL, 0, outs, &job), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_job_render(pool, &b.track, settings, 10, b.ch, &job), WP_ERR_INVALID_ARGUMENT);
    wp_track three = b.track;
    float *ch3[3] = {b.ch[0], b.ch[1], b.ch[0]};
    three.channels = ch3;
    three.channel_count = 3;
    assert_int_equal(wp_job_render(pool, &three, settings, 0, outs, &job), WP_ERR_OUT_OF_RANGE);
    wp_analysis a = {0};
    assert_int_equal(wp_job_analyze(pool, &empty, &a, &job), WP_ERR_INVALID_ARGUMENT);
    assert_int_equal(wp_job_analyze(pool, &b.track, NULL, &job), WP_ERR_INVALID_ARGUMENT);
    a.short_term_capacity = 5; /* capacity without a buffer */
    assert_int_equal(wp_job_analyze(pool, &b.track, &a, &job), WP_ERR_INVALID_ARGUMENT);
    wp_track slow = b.track;
    slow.sample_rate = 7999;
    assert_int_equal(wp_job_analyze(pool, &slow, &a, &job), WP_ERR_OUT_OF_RANGE);
    wp_normalize_config nc;
    wp_normalize_default_config(&nc);
    wp_normalize_report rep;
    assert_int_equal(wp_job_normalize(pool, &empty, &nc, &rep, &job), WP_ERR_INVALID_ARGUMENT);
    nc.target = 3;
    assert_int_equal(wp_job_normalize(pool, &b.track, &nc, &rep, &job), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_jobs_set_chunk_frames(1023), WP_ERR_OUT_OF_RANGE);
    assert_int_equal(wp_jobs_set_chunk_frames(((size_t)1 << 24) + 1), WP_ERR_OUT_OF_RANGE);
    assert_ptr_equal(job, sentinel); /* no job was made */
    wp_chain_destroy(settings);
    wp_pool_destroy(pool);
    free(b.data);
}

#ifdef WP_HAVE_THREADS
/* Waits for progress >= 0.5, cancels, and expects WP_ERR_CANCELLED (the
 * asan build checks nothing leaks). */
static void cancel_at_half(wp_job *job, const char *what)
{
    while (wp_job_poll(job) == WP_PENDING && wp_job_progress(job) < 0.5f)
        sched_yield();
    float at = wp_job_progress(job);
    wp_job_cancel(job);
    wp_status st = wp_job_wait(job);
    if (st != WP_ERR_CANCELLED)
        fail_msg("%s: status %d after cancel at progress %.3f", what, st, at);
    if (!(wp_job_progress(job) < 1.0f))
        fail_msg("%s: progress %f after cancel", what, wp_job_progress(job));
    wp_job_release(job);
}

static void cancel_at_half_stops_long_jobs(void **state)
{
    (void)state;
    size_t frames = 20 * 48000;
    track_buf b;
    make_track(&b, 2, frames, 0.5, test_seed() + 8);
    wp_spectrogram_params p = {2048, 64, WP_WINDOW_HANN, 120.0};
    size_t rows = wp_spectrogram_frames(frames, p.fft_size, p.hop);
    float *out = malloc(rows * (p.fft_size / 2 + 1) * sizeof(float));
    int counts[] = {1, 2};
    for (int k = 0; k < 2; k++) {
        wp_pool *pool = make_pool(counts[k]);
        wp_job *job;
        assert_int_equal(wp_job_spectrogram(pool, &b.track, &p, out, rows * (p.fft_size / 2 + 1), &job), WP_OK);
        cancel_at_half(job, "spectrogram");
        set_chunk(4096);
        wp_analysis a = {0};
        assert_int_equal(wp_job_analyze(pool, &b.track, &a, &job), WP_OK);
        cancel_at_half(job, "analyze");
        set_chunk(WP_JOBS_DEFAULT_CHUNK_FRAMES);
        wp_chain *settings = make_settings();
        float *outs[2] = {b.ch[0], b.ch[1]};
        assert_int_equal(wp_job_render(pool, &b.track, settings, 0, outs, &job), WP_OK);
        cancel_at_half(job, "render");
        wp_chain_destroy(settings);
        /* Released while running: it is cancelled and frees itself. */
        assert_int_equal(wp_job_spectrogram(pool, &b.track, &p, out, rows * (p.fft_size / 2 + 1), &job), WP_OK);
        wp_job_release(job);
        wp_pool_destroy(pool);
    }
    /* A queued job cancelled (dropped at once), and a queued job whose pool
     * goes first (WP_ERR_SHUTDOWN): released afterwards, nothing leaks. */
    wp_pool *pool = make_pool(1);
    wp_job *running, *queued;
    assert_int_equal(wp_job_spectrogram(pool, &b.track, &p, out, rows * (p.fft_size / 2 + 1), &running), WP_OK);
    assert_int_equal(wp_job_overview(pool, &b.track, &(wp_overview_params){0, frames, 100}, out, out + 200, NULL,
                                     &queued),
                     WP_OK);
    wp_job_cancel(queued);
    assert_int_equal(wp_job_poll(queued), WP_ERR_CANCELLED);
    wp_job_release(queued);
    assert_int_equal(wp_job_overview(pool, &b.track, &(wp_overview_params){0, frames, 100}, out, out + 200, NULL,
                                     &queued),
                     WP_OK);
    while (wp_job_progress(running) == 0.0f) /* surely running, not queued */
        sched_yield();
    wp_pool_destroy(pool);
    assert_int_equal(wp_job_poll(queued), WP_ERR_SHUTDOWN);
    assert_int_equal(wp_job_poll(running), WP_ERR_CANCELLED);
    wp_job_release(queued);
    wp_job_release(running);
    free(out);
    free(b.data);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spectrum_matches_naive_dft_and_reads_full_scale_sine_at_0_db),
        cmocka_unit_test(spectrogram_matches_reference_for_any_workers_and_chunks),
        cmocka_unit_test(spectrum_jobs_treat_non_finite_samples_as_zero),
        cmocka_unit_test(overview_matches_loops_including_empty_columns_and_nan),
        cmocka_unit_test(render_equals_one_serial_chain_call),
        cmocka_unit_test(analyze_matches_serial_meter_for_any_workers_and_chunks),
        cmocka_unit_test(normalize_job_equals_wp_normalize),
        cmocka_unit_test(bad_submissions_are_rejected),
#ifdef WP_HAVE_THREADS
        cmocka_unit_test(cancel_at_half_stops_long_jobs),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
