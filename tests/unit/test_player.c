/* The real-time player, driven by hand (produce + wp_ring_read as the
 * consumer) with small blocks and rings, plus one threaded run. */
#define _POSIX_C_SOURCE 200809L /* nanosleep under -std=c11 */
#include "test_util.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "wavepool/player.h"

#ifdef WP_HAVE_THREADS
#include <pthread.h>
#endif

#define PI 3.14159265358979323846
#define RATE 8000.0
#define BLOCK 32u
/* Ramp tracks: sample value = frame index * 2^-20 (exact in float up to 2^24). */
#define RAMP_STEP (1.0f / 1048576.0f)

/* ---- helpers ---- */

static wp_player_config small_config(void)
{
    wp_player_config c;
    assert_int_equal(wp_player_default_config(RATE, &c), WP_OK);
    c.block_frames = BLOCK;
    c.target_frames = 64;
    c.max_target_frames = 1024;
    c.spectrum_size = 256;
    return c;
}

/* Neutral chain: EQ and limiter off, everything else is off by default, so
 * the chain only delays by its latency. */
static wp_player *make_player(const wp_player_config *c)
{
    wp_player *p = NULL;
    assert_int_equal(wp_player_create(c, &p), WP_OK);
    assert_int_equal(wp_chain_set(wp_player_chain(p), WP_CHAIN_EQ_ON, 0), WP_OK);
    assert_int_equal(wp_chain_set(wp_player_chain(p), WP_CHAIN_LIMITER_ON, 0), WP_OK);
    return p;
}

typedef struct test_track {
    wp_track track;
    float *ch[2];
} test_track;

static test_track *track_new(size_t frames, int channels)
{
    test_track *t = calloc(1, sizeof *t);
    assert_non_null(t);
    for (int c = 0; c < channels; c++)
        t->ch[c] = test_zeros(frames);
    t->track = (wp_track){t->ch, channels, frames, RATE};
    return t;
}

/* Left = ramp, right = -ramp. */
static test_track *ramp_track(size_t frames)
{
    test_track *t = track_new(frames, 2);
    for (size_t i = 0; i < frames; i++) {
        t->ch[0][i] = (float)i * RAMP_STEP;
        t->ch[1][i] = -(float)i * RAMP_STEP;
    }
    return t;
}

static test_track *sine_track(size_t frames, double hz, double amp)
{
    test_track *t = track_new(frames, 2);
    for (size_t i = 0; i < frames; i++)
        t->ch[0][i] = t->ch[1][i] = (float)(amp * sin(2.0 * PI * hz * (double)i / RATE));
    return t;
}

static void track_free(test_track *t)
{
    free(t->ch[0]);
    free(t->ch[1]);
    free(t);
}

/* The consumer: produce, then read what the ring holds, until `frames`
 * frames were read into out (interleaved stereo; may be NULL). Reads at
 * most `quantum` frames per produce call, as an audio callback would. */
static void pump(wp_player *p, float *out, size_t frames, size_t quantum)
{
    float buf[2 * 256];
    assert_true(quantum <= 256);
    for (size_t done = 0; done < frames;) {
        (void)wp_player_produce(p);
        size_t want = frames - done < quantum ? frames - done : quantum;
        size_t got = wp_ring_read(wp_player_ring(p), buf, want);
        if (got != want)
            fail_msg("underrun: read %zu of %zu frames", got, want);
        if (out)
            memcpy(out + 2 * done, buf, got * 2 * sizeof(float));
        done += got;
    }
}

static float *stream_new(size_t frames) { return test_zeros(2 * frames); }

static size_t latency_of(wp_player *p) { return wp_chain_latency(wp_player_chain(p)); }

static double fade_frames(void) { return ceil(WP_PLAYER_FADE_MS * 0.001 * RATE); }

static uint32_t read_index(wp_player *p)
{
    const uint32_t *r = (const uint32_t *)(const void *)((const char *)wp_player_ring(p) + WP_RING_OFFSET_READ);
    return __atomic_load_n(r, __ATOMIC_ACQUIRE);
}

static double position_now(wp_player *p)
{
    wp_player_status s;
    wp_player_get_status(p, &s);
    return s.position_s;
}

/* ---- configuration and ranges ---- */

static void default_config_values(void **state)
{
    (void)state;
    wp_player_config c;
    assert_int_equal(wp_player_default_config(48000.0, &c), WP_OK);
    assert_int_equal(c.block_frames, 128);
    assert_int_equal(c.target_frames, 768); /* 720 rounded up to blocks */
    assert_int_equal(c.max_target_frames, 24000);
    assert_int_equal(c.spectrum_size, 4096);
    assert_int_equal(wp_player_default_config(44100.0, &c), WP_OK);
    assert_int_equal(c.target_frames, 768); /* 661.5 -> 768 */
    assert_int_equal(c.max_target_frames, 22050);
    assert_int_equal(wp_player_default_config(8000.0, &c), WP_OK);
    assert_int_equal(c.target_frames, 128);

    wp_player *p = NULL;
    assert_int_equal(wp_player_default_config(48000.0, &c), WP_OK);
    assert_int_equal(wp_player_create(&c, &p), WP_OK);
    uint32_t cap = wp_ring_capacity(wp_player_ring(p));
    if (cap < c.max_target_frames + c.block_frames + c.spectrum_size || (cap & (cap - 1)))
        fail_msg("ring capacity %u", cap);
    assert_int_equal(wp_ring_channels(wp_player_ring(p)), 2);
    assert_int_equal(wp_player_get_config(p)->spectrum_size, 4096);
    wp_player_status s;
    wp_player_get_status(p, &s);
    assert_int_equal(s.playing, 0);
    assert_int_equal(s.ended, 0);
    assert_int_equal(s.source, WP_PLAYER_SOURCE_TRACK);
    assert_true(s.position_s == 0.0 && s.duration_s == 0.0);
    assert_int_equal(s.target_frames, 768);
    assert_int_equal(s.ring_frames, 0);
    assert_int_equal(s.frames_played, 0);
    assert_int_equal(wp_player_read_snapshot(p, NULL, 0, NULL), -1);
    /* No source: the producer writes silence up to the target. */
    assert_int_equal(wp_player_produce(p), 768);
    wp_player_get_status(p, &s);
    assert_int_equal(s.ring_frames, 768);
    assert_int_equal(s.blocks_produced, 6);
    wp_player_destroy(p);
}

static void setters_reject_out_of_range(void **state)
{
    (void)state;
    int checked = 0;
#define EXPECT(call, st)                                                          \
    do {                                                                          \
        wp_status got_ = (call);                                                  \
        if (got_ != (st))                                                         \
            fail_msg("%s: %s, expected %s", #call, wp_strerror(got_), wp_strerror(st)); \
        checked++;                                                                \
    } while (0)
    wp_player_config c, bad;
    wp_player *p = NULL;
    EXPECT(wp_player_default_config(7999.0, &c), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_default_config(NAN, &c), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_default_config(384001.0, &c), WP_ERR_OUT_OF_RANGE);
    c = small_config();
    bad = c, bad.block_frames = 31;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.block_frames = 4097;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.spectrum_size = 384;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.spectrum_size = 128;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.spectrum_size = 32768;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.target_frames = 16;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.target_frames = 2048;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.max_target_frames = (size_t)1 << 25;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    bad = c, bad.sample_rate = NAN;
    EXPECT(wp_player_create(&bad, &p), WP_ERR_OUT_OF_RANGE);
    assert_null(p);
    EXPECT(wp_player_create(NULL, &p), WP_ERR_INVALID_ARGUMENT);

    p = make_player(&c);
    test_track *t = ramp_track(8000); /* 1 s */
    test_track *t3 = ramp_track(100);
    t3->track.channel_count = 3;
    EXPECT(wp_player_set_track(p, &t3->track), WP_ERR_OUT_OF_RANGE);
    t3->track.channel_count = 2, t3->track.sample_rate = 44100.0;
    EXPECT(wp_player_set_track(p, &t3->track), WP_ERR_OUT_OF_RANGE);
    t3->track.sample_rate = RATE, t3->track.frames = 0;
    EXPECT(wp_player_set_track(p, &t3->track), WP_ERR_OUT_OF_RANGE);
    /* No track yet: no loop, and seek only to 0. */
    EXPECT(wp_player_set_loop(p, 1, 0.0, 0.0), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_seek(p, 0.001), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_seek(p, 0.0), WP_OK);
    EXPECT(wp_player_set_track(p, &t->track), WP_OK);
    EXPECT(wp_player_seek(p, -0.001), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_seek(p, 1.0001), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_seek(p, NAN), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_seek(p, 1.0), WP_OK);
    EXPECT(wp_player_set_loop(p, 1, -0.1, 0.5), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_loop(p, 1, 0.1, 1.1), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_loop(p, 1, 0.5, 0.5 + 31.0 / RATE), WP_ERR_OUT_OF_RANGE); /* < a block */
    EXPECT(wp_player_set_loop(p, 1, 0.6, 0.5), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_loop(p, 1, NAN, 0.5), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_loop(p, 1, 0.5, 0.5 + 32.0 / RATE), WP_OK);
    EXPECT(wp_player_set_loop(p, 0, NAN, NAN), WP_OK);
    EXPECT(wp_player_set_target_frames(p, 31), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_target_frames(p, 1025), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_target_frames(p, 100), WP_OK);
    EXPECT(wp_player_set_generator_frequency(p, 0.005), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_generator_frequency(p, RATE / 2 + 1), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_generator_frequency(p, NAN), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_generator_level(p, -120.5), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_generator_level(p, 6.5), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_generator_level(p, NAN), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_set_source(p, (wp_player_source)2), WP_ERR_INVALID_ARGUMENT);
    EXPECT(wp_player_start_threads(p, 0.5), WP_ERR_OUT_OF_RANGE);
    EXPECT(wp_player_start_threads(p, 1001.0), WP_ERR_OUT_OF_RANGE);
    wp_player_status s;
    wp_player_get_status(p, &s);
    assert_int_equal(s.target_frames, 128); /* 100 rounded up to blocks; failures kept it */
    assert_int_equal(s.loop_enabled, 0);
    assert_int_equal(checked, 43);
    print_message("# %d setter/config checks\n", checked);
#undef EXPECT
    wp_player_destroy(p);
    track_free(t);
    track_free(t3);
}

/* ---- playback ---- */

/* Frames of a ramp track come out exactly, after the chain's latency and
 * the fade in (gain k/F on the k-th frame). */
static void track_plays_through_neutral_chain(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *t = ramp_track(4000);
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    const size_t n = 3000, lat = latency_of(p);
    const double fade = fade_frames();
    float *y = stream_new(n);
    pump(p, y, n, 48);
    double worst = 0.0;
    for (size_t k = 0; k < n; k++) {
        double g = k < lat ? 0.0 : fmin((double)(k - lat + 1) / fade, 1.0);
        double want_l = k < lat ? 0.0 : g * t->ch[0][k - lat];
        double want_r = k < lat ? 0.0 : g * t->ch[1][k - lat];
        double err = fmax(fabs(y[2 * k] - want_l), fabs(y[2 * k + 1] - want_r));
        worst = fmax(worst, err);
        if (k >= lat + (size_t)fade && (y[2 * k] != t->ch[0][k - lat] || y[2 * k + 1] != t->ch[1][k - lat]))
            fail_msg("frame %zu: %.9g %.9g, want track frame %zu exactly", k, y[2 * k], y[2 * k + 1], k - lat);
    }
    if (worst > 1e-9)
        fail_msg("fade-in frames off by %g", worst);
    print_message("# latency %zu frames, fade %g frames, worst fade error %g\n", lat, fade, worst);
    wp_player_status s;
    wp_player_get_status(p, &s);
    assert_true(fabs(s.position_s - (double)(n - lat) / RATE) < 1e-12);
    assert_true(fabs(s.duration_s - 0.5) < 1e-12);
    assert_int_equal(s.frames_played, n);
    assert_int_equal(s.playing, 1);
    assert_int_equal(s.underruns, 0);
    free(y);
    wp_player_destroy(p);

    /* A mono track plays on both channels. */
    p = make_player(&c);
    test_track *m = track_new(500, 1);
    for (size_t i = 0; i < 500; i++)
        m->ch[0][i] = 0.25f;
    assert_int_equal(wp_player_set_track(p, &m->track), WP_OK);
    wp_player_play(p);
    y = stream_new(400);
    pump(p, y, 400, 32);
    for (size_t k = lat + (size_t)fade; k < 400; k++)
        if (y[2 * k] != 0.25f || y[2 * k + 1] != 0.25f)
            fail_msg("mono frame %zu: %g %g", k, y[2 * k], y[2 * k + 1]);
    free(y);
    wp_player_destroy(p);
    track_free(m);
    track_free(t);
}

/* Pause fades out and freezes; the consumer keeps getting (silent)
 * frames; play resumes on the frame where the fade out stopped. */
static void pause_keeps_position_and_ring_filled(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *t = ramp_track(8000);
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    const size_t lat = latency_of(p), fade = (size_t)fade_frames();
    pump(p, NULL, 1000, 40);
    wp_player_pause(p);
    const size_t n = 3000;
    float *y = stream_new(n);
    pump(p, y, n, 40);
    /* The fade out ends within target + a block + latency + fade frames. */
    size_t settle = c.target_frames + BLOCK + lat + fade;
    for (size_t k = settle; k < n; k++)
        if (y[2 * k] != 0.0f || y[2 * k + 1] != 0.0f)
            fail_msg("paused frame %zu not silent: %g", k, y[2 * k]);
    /* Frozen position: the first frame the fade out did not play. */
    double pos1 = position_now(p);
    uint64_t blocks1;
    wp_player_status s;
    wp_player_get_status(p, &s);
    blocks1 = s.blocks_produced;
    pump(p, NULL, 2000, 40);
    wp_player_get_status(p, &s);
    double pos2 = s.position_s;
    if (pos1 != pos2)
        fail_msg("position moved while paused: %.9f -> %.9f", pos1, pos2);
    if (s.blocks_produced < blocks1 + 2000 / BLOCK)
        fail_msg("producer stopped while paused: %llu -> %llu blocks", (unsigned long long)blocks1,
                 (unsigned long long)s.blocks_produced);
    assert_int_equal(s.underruns, 0);
    assert_int_equal(s.playing, 0);
    /* The last frame played before the freeze is frozen - 1 (gain 1/F). */
    int64_t frozen = llround(pos1 * RATE);
    size_t last = 0;
    for (size_t k = 0; k < n; k++)
        if (y[2 * k] != 0.0f)
            last = k;
    double last_index = y[2 * last] / RAMP_STEP * fade; /* gain 1/F */
    if (fabs(last_index - (double)(frozen - 1)) > 1e-3)
        fail_msg("last faded frame is track frame %.4f, frozen position %lld", last_index, (long long)frozen);
    /* Resume: the next audible frame is the frozen one, at gain 1/F. */
    wp_player_play(p);
    float *z = stream_new(n);
    pump(p, z, n, 40);
    size_t first = 0;
    while (first < n && z[2 * first] == 0.0f)
        first++;
    assert_true(first < n);
    double first_index = z[2 * first] / RAMP_STEP * fade;
    if (fabs(first_index - (double)frozen) > 1e-3)
        fail_msg("resumed on track frame %.4f, paused at %lld", first_index, (long long)frozen);
    for (size_t j = fade; first + j < n; j++)
        if (z[2 * (first + j)] != t->ch[0][frozen + (int64_t)j])
            fail_msg("resumed frame %zu is not track frame %lld", j, (long long)(frozen + (int64_t)j));
    print_message("# paused at frame %lld, %zu frozen reads, resumed exactly there\n", (long long)frozen, n);
    free(y);
    free(z);
    wp_player_destroy(p);
    track_free(t);
}

/* Seek lands on round(s * rate): the first frame of the fade in is that
 * frame at gain 1/F, then the track runs exactly. */
static void seek_lands_exactly(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *t = ramp_track(32000);
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    const double fade = fade_frames();
    pump(p, NULL, 500, 40);
    const double seconds = 2.34567;
    const int64_t target = llround(seconds * RATE); /* 18765.36 -> 18765 */
    assert_int_equal(wp_player_seek(p, seconds), WP_OK);
    const size_t n = 2000;
    float *y = stream_new(n);
    pump(p, y, n, 40);
    /* The new stretch: where the value drops (track frames before the seek
     * are < 2000, the target's are > 18000 but faded). Find the frame
     * reading track[target + F] exactly. */
    size_t hit = n;
    for (size_t k = 0; k < n; k++)
        if (y[2 * k] == t->ch[0][target + (int64_t)fade]) {
            hit = k;
            break;
        }
    if (hit == n)
        fail_msg("track frame %lld + fade never came out", (long long)target);
    size_t first = hit - (size_t)fade;
    double first_index = y[2 * first] / RAMP_STEP * fade;
    if (fabs(first_index - (double)target) > 1e-3)
        fail_msg("first frame after the seek is track frame %.4f, want %lld", first_index, (long long)target);
    for (size_t j = 0; j < (size_t)fade; j++) {
        double want = t->ch[0][target + (int64_t)j] * (double)(j + 1) / fade;
        if (fabs(y[2 * (first + j)] - want) > 1e-6 * want)
            fail_msg("fade-in frame %zu: %.9g, want %.9g", j, y[2 * (first + j)], want);
    }
    /* Before it: faded-out old frames (all below frame 2000) or silence. */
    for (size_t k = 0; k < first; k++)
        if (y[2 * k] > 2000.0f * RAMP_STEP)
            fail_msg("frame %zu before the seek reads %g", k, y[2 * k]);
    for (size_t k = hit; k < n; k++)
        if (y[2 * k] != t->ch[0][target + (int64_t)fade + (int64_t)(k - hit)])
            fail_msg("frame %zu after the seek off the track", k);
    /* The status position at the read index agrees. */
    double pos = position_now(p);
    double want_pos = (double)(target + (int64_t)(n - first)) / RATE;
    if (fabs(pos - want_pos) > 1e-12)
        fail_msg("status position %.9f, want %.9f", pos, want_pos);
    print_message("# seek %.5f s -> frame %lld exactly, fade-in frames within 1e-6\n", seconds, (long long)target);
    free(y);
    wp_player_destroy(p);
    track_free(t);
}

static double max_step(const float *y, size_t n)
{
    double m = 0.0;
    for (size_t k = 1; k < n; k++)
        m = fmax(m, fabs((double)y[2 * k] - y[2 * (k - 1)]));
    return m;
}

/* A seek on a loud sine fades out and in: no sample step above the sine's
 * own slope plus one fade step, where a hard cut would jump ~1. */
static void seek_is_click_free(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    const size_t n = 3000;
    const double amp = 0.9, hz = 100.0; /* period 80 frames */
    test_track *t = sine_track(40000, hz, amp);
    /* Run 1: find where the fade out starts (first frame off the track). */
    int64_t cut = -1;
    for (int run = 0; run < 2; run++) {
        wp_player *p = make_player(&c);
        assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
        wp_player_play(p);
        const size_t lat = latency_of(p);
        float *pre = stream_new(600);
        pump(p, pre, 600, 40);
        int64_t to = 20000;
        if (run == 1) {
            /* Run 2: seek where a hard cut from `cut` would jump most. */
            double worst = 0.0;
            for (int64_t s = 20000; s < 20080; s++)
                if (fabs(t->ch[0][s] - t->ch[0][cut]) > worst)
                    worst = fabs(t->ch[0][s] - t->ch[0][cut]), to = s;
        }
        assert_int_equal(wp_player_seek(p, (double)to / RATE), WP_OK);
        float *y = stream_new(n);
        pump(p, y, n, 40);
        if (run == 0) {
            for (size_t k = 0; k < n && cut < 0; k++)
                if (y[2 * k] != t->ch[0][600 + k - lat])
                    cut = (int64_t)(600 + k - lat);
            assert_true(cut > 0);
        } else {
            double hard = fabs(t->ch[0][to] - t->ch[0][cut]);
            double natural = 2.0 * amp * sin(PI * hz / RATE);
            double faded = fmax(max_step(y, n), fabs(y[0] - pre[2 * 599]));
            double bound = natural + amp / fade_frames() + 1e-6;
            print_message("# seek on a %.1f sine: max step %.4f (sine alone %.4f, bound %.4f), hard cut %.4f\n",
                          amp, faded, natural, bound, hard);
            if (faded > bound)
                fail_msg("click: step %.4f > %.4f", faded, bound);
            if (hard < 0.9)
                fail_msg("hard cut reference only %.4f", hard);
        }
        free(pre);
        free(y);
        wp_player_destroy(p);
    }
    track_free(t);
}

/* Loop [4000, 6000): after frame 5999 comes 4000, sample-accurately; every
 * other frame follows its predecessor. */
static void loop_wraps_exactly(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *t = ramp_track(8000);
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    assert_int_equal(wp_player_set_loop(p, 1, 0.5, 0.75), WP_OK);
    wp_player_play(p);
    const size_t n = 12000, lat = latency_of(p), fade = (size_t)fade_frames();
    float *y = stream_new(n);
    pump(p, y, n, 40);
    int wraps = 0;
    for (size_t k = lat + fade + 1; k < n; k++) {
        double prev = y[2 * (k - 1)] / RAMP_STEP, cur = y[2 * k] / RAMP_STEP;
        if (prev == 5999.0) {
            if (cur != 4000.0)
                fail_msg("frame %zu after loop end: track frame %g, want 4000", k, cur);
            wraps++;
        } else if (cur != prev + 1.0) {
            fail_msg("frame %zu: track frame %g after %g", k, cur, prev);
        }
        if (cur >= 6000.0)
            fail_msg("frame %zu past the loop end: %g", k, cur);
    }
    wp_player_status s;
    wp_player_get_status(p, &s);
    assert_int_equal(s.loop_enabled, 1);
    assert_true(s.loop_start_s == 0.5 && s.loop_end_s == 0.75);
    /* The position at the read index is the frame the consumer gets next. */
    double pos_frame = s.position_s * RATE;
    (void)wp_player_produce(p);
    float next[2];
    assert_int_equal(wp_ring_read(wp_player_ring(p), next, 1), 1);
    if (fabs(next[0] / RAMP_STEP - pos_frame) > 1e-6)
        fail_msg("status position %.3f, next frame read is %.3f", pos_frame, next[0] / RAMP_STEP);
    print_message("# %d wraps from 5999 to 4000, position = next frame read (%.0f)\n", wraps, pos_frame);
    assert_true(wraps >= 3);
    /* Stop with a loop: back to the loop's start. */
    wp_player_stop(p);
    pump(p, NULL, 1000, 40);
    wp_player_get_status(p, &s);
    assert_true(fabs(s.position_s - 0.5) < 1e-12);
    free(y);
    wp_player_destroy(p);
    track_free(t);
}

/* The end without a loop: paused there (ended, not playing), silence;
 * play starts again from frame 0. */
static void end_of_track_pauses(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *t = ramp_track(1000);
    for (size_t i = 0; i < 1000; i++)
        t->ch[0][i] += 0.5f, t->ch[1][i] += 0.5f; /* no zero at frame 0 */
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    const size_t n = 3000, lat = latency_of(p), fade = (size_t)fade_frames();
    float *y = stream_new(n);
    pump(p, y, n, 40);
    for (size_t k = lat + fade; k < lat + 1000; k++)
        if (y[2 * k] != t->ch[0][k - lat])
            fail_msg("frame %zu off the track", k);
    for (size_t k = lat + 1000; k < n; k++)
        if (y[2 * k] != 0.0f || y[2 * k + 1] != 0.0f)
            fail_msg("frame %zu after the end not silent: %g", k, y[2 * k]);
    wp_player_status s;
    wp_player_get_status(p, &s);
    assert_int_equal(s.ended, 1);
    assert_int_equal(s.playing, 0);
    if (s.position_s != 1000.0 / RATE)
        fail_msg("position at the end %.9f s", s.position_s);
    assert_int_equal(s.underruns, 0);
    wp_player_play(p);
    pump(p, y, n, 40);
    wp_player_get_status(p, &s);
    assert_int_equal(s.ended, 1); /* played through once more */
    size_t first = 0;
    while (first < n && y[2 * first] == 0.0f)
        first++;
    assert_true(first < n);
    double v = y[2 * first] * fade_frames();
    if (fabs(v - t->ch[0][0]) > 1e-6)
        fail_msg("replay starts with %.9g x F, want frame 0 = %.9g", v, t->ch[0][0]);
    free(y);
    wp_player_destroy(p);
    track_free(t);
}

/* Position follows what the consumer read, not what was produced. */
static void position_follows_consumer(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    c.target_frames = 960;
    wp_player *p = make_player(&c);
    test_track *t = ramp_track(8000);
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    const size_t lat = latency_of(p);
    assert_int_equal(wp_player_produce(p), 960);
    float buf[2 * 512];
    size_t read = lat + 100;
    assert_int_equal(wp_ring_read(wp_player_ring(p), buf, read), read);
    wp_player_status s;
    wp_player_get_status(p, &s);
    if (s.position_s != 100.0 / RATE)
        fail_msg("position %.9f s after reading %zu of 960 frames, want %.9f", s.position_s, read, 100.0 / RATE);
    assert_int_equal(s.frames_played, read);
    assert_int_equal(s.ring_frames, 960 - read);
    /* At another index (a host with its own consumer). */
    wp_player_get_status_at(p, (uint32_t)(lat + 500), &s);
    assert_true(s.position_s == 500.0 / RATE);
    assert_int_equal(s.frames_played, lat + 500);
    wp_player_get_status_at(p, 3, &s);
    assert_true(s.position_s == 0.0);
    wp_player_destroy(p);
    track_free(t);
}

/* uses_track: pending or active; the old track stays "used" during its
 * fade out and is released at a block start. */
static void track_hand_over(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *a = ramp_track(8000), *b = ramp_track(8000), *never = ramp_track(10);
    assert_int_equal(wp_player_uses_track(p, &a->track), 0);
    assert_int_equal(wp_player_set_track(p, &a->track), WP_OK);
    assert_int_equal(wp_player_uses_track(p, &a->track), 1); /* pending */
    wp_player_play(p);
    pump(p, NULL, 500, 40);
    assert_int_equal(wp_player_uses_track(p, &a->track), 1); /* active */
    assert_int_equal(wp_player_set_track(p, &b->track), WP_OK);
    wp_player_status s;
    wp_player_get_status(p, &s);
    assert_int_equal(s.playing, 0); /* set_track pauses */
    assert_int_equal(wp_player_uses_track(p, &a->track), 1);
    assert_int_equal(wp_player_uses_track(p, &b->track), 1);
    /* Two blocks: the 40-frame fade out of a ends in the second; a is
     * released at the next block start, not before. */
    float buf[2 * 128];
    size_t held = wp_ring_readable(wp_player_ring(p));
    assert_int_equal(wp_ring_read(wp_player_ring(p), buf, held), held);
    assert_int_equal(wp_player_produce(p), 64);
    assert_int_equal(wp_player_uses_track(p, &a->track), 1);
    pump(p, NULL, 300, 40);
    assert_int_equal(wp_player_uses_track(p, &a->track), 0);
    assert_int_equal(wp_player_uses_track(p, &b->track), 1);
    assert_int_equal(wp_player_uses_track(p, &never->track), 0);
    /* b starts at 0, paused. */
    wp_player_get_status(p, &s);
    assert_true(s.position_s == 0.0 && s.duration_s == 1.0);
    assert_int_equal(wp_player_set_track(p, NULL), WP_OK);
    pump(p, NULL, 200, 40);
    assert_int_equal(wp_player_uses_track(p, &b->track), 0);
    wp_player_destroy(p);
    track_free(a);
    track_free(b);
    track_free(never);
}

/* The generator source plays the generator's samples; the frequency and
 * level setters reach it at the next block start, sample for sample like a
 * generator given the same calls there. */
static void generator_source(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    wp_gen_config gc;
    assert_int_equal(wp_gen_default_config(WP_GEN_SINE, &gc), WP_OK);
    gc.freq_hz = 440.0;
    gc.level_dbfs = -6.0;
    wp_gen *g = NULL, *ref = NULL;
    assert_int_equal(wp_gen_create(&gc, RATE, &g), WP_OK);
    assert_int_equal(wp_gen_create(&gc, RATE, &ref), WP_OK);
    assert_int_equal(wp_player_set_generator(p, g), WP_OK);
    assert_int_equal(wp_player_set_source(p, WP_PLAYER_SOURCE_GENERATOR), WP_OK);
    wp_player_play(p);
    const size_t lat = latency_of(p), n = 4000;
    const double fade = fade_frames();
    float *y = stream_new(n);
    pump(p, y, 1000, 40);
    /* Frames produced so far = where the setters take effect. */
    wp_player_status s;
    wp_player_get_status(p, &s);
    size_t change = (size_t)s.blocks_produced * BLOCK;
    assert_int_equal(wp_player_set_generator_frequency(p, 1000.0), WP_OK);
    assert_int_equal(wp_player_set_generator_level(p, -12.0), WP_OK);
    pump(p, y + 2 * 1000, n - 1000, 40);
    /* The reference: the same generator calls at the same frames. */
    float *r = test_zeros(n);
    assert_int_equal(wp_gen_render(ref, r, change), WP_OK);
    assert_int_equal(wp_gen_set_frequency(ref, 1000.0), WP_OK);
    assert_int_equal(wp_gen_set_level(ref, -12.0), WP_OK);
    assert_int_equal(wp_gen_render(ref, r + change, n - change), WP_OK);
    double worst = 0.0;
    for (size_t k = lat; k < n; k++) {
        double g_fade = fmin((double)(k - lat + 1) / fade, 1.0);
        double want = g_fade * r[k - lat];
        worst = fmax(worst, fmax(fabs(y[2 * k] - want), fabs(y[2 * k + 1] - want)));
        if (g_fade == 1.0 && (y[2 * k] != r[k - lat] || y[2 * k + 1] != r[k - lat]))
            fail_msg("frame %zu: %.9g, generator %.9g", k, y[2 * k], r[k - lat]);
    }
    if (worst > 1e-7)
        fail_msg("fade frames off by %g", worst);
    /* The change is audible: the late stretch has the new frequency. */
    double late_peak = test_max_abs(r, n - 500, n);
    if (fabs(late_peak - pow(10.0, -12.0 / 20.0)) > 0.01)
        fail_msg("late peak %.4f, want -12 dBFS", late_peak);
    print_message("# generator: settings applied at frame %zu, stream equals the reference generator\n", change);
    assert_int_equal(wp_player_uses_generator(p, g), 1);
    assert_int_equal(wp_player_uses_generator(p, ref), 0);
    /* Switch back to the (empty) track source: fades, generator stays set. */
    assert_int_equal(wp_player_set_source(p, WP_PLAYER_SOURCE_TRACK), WP_OK);
    pump(p, y, 500, 40);
    assert_true(test_max_abs(y, 2 * 300, 2 * 500) == 0.0);
    assert_int_equal(wp_player_set_generator(p, NULL), WP_OK);
    pump(p, NULL, 100, 40);
    assert_int_equal(wp_player_uses_generator(p, g), 0);
    free(y);
    free(r);
    wp_player_destroy(p);
    wp_gen_destroy(g);
    wp_gen_destroy(ref);
}

/* A generator seeks by rendering up to the target (bounded per block): the
 * stream then continues exactly as a generator rendered from frame 0 to
 * there. A finite generator (a sweep) ends like a track. */
static void generator_seek_and_end(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    wp_gen_config gc;
    assert_int_equal(wp_gen_default_config(WP_GEN_SAW, &gc), WP_OK);
    gc.freq_hz = 97.0;
    gc.level_dbfs = -3.0;
    wp_gen *g = NULL, *ref = NULL;
    assert_int_equal(wp_gen_create(&gc, RATE, &g), WP_OK);
    assert_int_equal(wp_gen_create(&gc, RATE, &ref), WP_OK);
    assert_int_equal(wp_player_set_generator(p, g), WP_OK);
    assert_int_equal(wp_player_set_source(p, WP_PLAYER_SOURCE_GENERATOR), WP_OK);
    wp_player_play(p);
    pump(p, NULL, 700, 40);
    const double seconds = 3.0; /* 24000 frames: 24 blocks of skipping at 32 blocks per block */
    const size_t target = 24000, n = 4000, fade = (size_t)fade_frames();
    assert_int_equal(wp_player_seek(p, seconds), WP_OK);
    float *y = stream_new(n);
    pump(p, y, n, 40);
    float *r = test_zeros(target + n);
    assert_int_equal(wp_gen_render(ref, r, target + n), WP_OK);
    /* Where the fully faded-in stretch starts: 64 frames equal to
     * ref[target + fade ...]. */
    size_t hit = n;
    for (size_t k = 0; k + 64 < n && hit == n; k++) {
        size_t j = 0;
        while (j < 64 && y[2 * (k + j)] == r[target + fade + j])
            j++;
        if (j == 64)
            hit = k;
    }
    if (hit == n)
        fail_msg("generator frames after the seek to %zu never came out", target);
    size_t first = hit - fade;
    for (size_t j = 0; j < fade; j++) {
        double want = r[target + j] * (double)(j + 1) / (double)fade;
        if (fabs(y[2 * (first + j)] - want) > 1e-6)
            fail_msg("fade-in frame %zu: %.9g, want %.9g", j, y[2 * (first + j)], want);
    }
    for (size_t k = hit; k < n; k++)
        if (y[2 * k] != r[target + fade + (k - hit)] || y[2 * k + 1] != y[2 * k])
            fail_msg("frame %zu after the generator seek differs", k);
    double pos = position_now(p);
    if (fabs(pos - (double)(target + n - first) / RATE) > 1e-12)
        fail_msg("position %.9f after the generator seek, want %.9f", pos, (double)(target + n - first) / RATE);
    print_message("# generator seek to frame %zu: exact after %zu frames of fade out and skipping\n", target, first);
    free(y);
    free(r);

    /* A 50 ms log sweep: 400 frames, then ended. */
    wp_gen *sweep = NULL;
    assert_int_equal(wp_gen_default_config(WP_GEN_LOGSWEEP, &gc), WP_OK);
    gc.sweep_duration_s = 0.05;
    gc.freq_end_hz = 3000.0;
    assert_int_equal(wp_gen_create(&gc, RATE, &sweep), WP_OK);
    assert_int_equal(wp_player_set_generator(p, sweep), WP_OK);
    assert_int_equal(wp_player_seek(p, 0.051), WP_ERR_OUT_OF_RANGE);
    wp_player_play(p);
    pump(p, NULL, 1500, 40);
    wp_player_status s;
    wp_player_get_status(p, &s);
    assert_int_equal(s.ended, 1);
    assert_int_equal(s.playing, 0);
    assert_true(s.position_s == 0.05 && s.duration_s == 0.05);
    assert_int_equal(wp_player_uses_generator(p, g), 0);
    wp_player_destroy(p);
    wp_gen_destroy(g);
    wp_gen_destroy(ref);
    wp_gen_destroy(sweep);
}

/* ---- analysis ---- */

static void spectrum_of_a_full_scale_sine(void **state)
{
    (void)state;
    wp_player_config c = small_config(); /* N = 256: bins of 31.25 Hz */
    wp_player *p = make_player(&c);
    const size_t bins = 129;
    float db[129];
    wp_player_meters m;
    /* Silence first: every bin at the floor. */
    pump(p, NULL, 600, 40);
    assert_int_equal(wp_player_analyze(p, read_index(p)), WP_OK);
    assert_int_equal(wp_player_read_snapshot(p, db, bins, &m), 1);
    for (size_t k = 0; k < bins; k++)
        if (db[k] != (float)WP_PLAYER_SPECTRUM_FLOOR_DB)
            fail_msg("silence bin %zu: %g dB", k, db[k]);
    assert_true(m.peak[0] == 0.0f && m.rms[1] == 0.0f && m.clipped == 0);

    test_track *t = sine_track(8000, 1000.0, 1.0); /* bin 32 */
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    pump(p, NULL, 1200, 40);
    assert_int_equal(wp_player_analyze(p, read_index(p)), WP_OK);
    assert_int_equal(wp_player_read_snapshot(p, db, bins, &m), 1);
    double other = -1000.0;
    for (size_t k = 0; k < bins; k++)
        if (k < 31 || k > 33)
            other = fmax(other, db[k]);
    print_message("# 1 kHz full-scale sine: bin 32 %.4f dB, neighbours %.2f %.2f, others <= %.1f dB\n", db[32],
                  db[31], db[33], other);
    if (fabs(db[32]) > 0.05)
        fail_msg("sine bin at %.4f dB, want 0 +- 0.05", db[32]);
    if (fabs(db[31] - 20.0 * log10(0.5)) > 0.05 || fabs(db[33] - 20.0 * log10(0.5)) > 0.05)
        fail_msg("Hann neighbours %.3f %.3f dB, want -6.02", db[31], db[33]);
    if (other > -100.0)
        fail_msg("other bins up to %.1f dB", other);
    assert_true(m.clipped == 1); /* samples of exactly 1.0 */
    wp_player_destroy(p);
    track_free(t);
}

static void meters_of_a_known_sine(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *t = sine_track(8000, 1000.0, 0.5);
    t->ch[1][4000] = 0.75f; /* one louder sample on the right, heard later */
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    pump(p, NULL, 1000, 40);
    wp_player_meters m;
    assert_int_equal(wp_player_analyze(p, read_index(p)), WP_OK);
    assert_int_equal(wp_player_read_snapshot(p, NULL, 0, &m), 1);
    double rms_want = 0.5 / sqrt(2.0);
    print_message("# 0.5 sine: peak %.6f %.6f, rms %.6f %.6f (want %.6f)\n", m.peak[0], m.peak[1], m.rms[0],
                  m.rms[1], rms_want);
    for (int ch = 0; ch < 2; ch++) {
        if (m.peak[ch] != 0.5f)
            fail_msg("peak[%d] %.9f", ch, m.peak[ch]);
        if (fabs(m.rms[ch] - rms_want) > 1e-6)
            fail_msg("rms[%d] %.9f, want %.9f", ch, m.rms[ch], rms_want);
    }
    assert_int_equal(m.clipped, 0);
    /* The loud sample goes by between two snapshots, outside the second
     * snapshot's window: the peak still catches it (frames since the
     * previous snapshot), the rms does not. */
    const size_t lat = latency_of(p);
    size_t to = 4000 + lat + 600 - 1000; /* read past it by 600 frames (> N = 256) */
    pump(p, NULL, to, 40);
    assert_int_equal(wp_player_analyze(p, read_index(p)), WP_OK);
    assert_int_equal(wp_player_read_snapshot(p, NULL, 0, &m), 1);
    if (m.peak[1] != 0.75f || m.peak[0] != 0.5f)
        fail_msg("peaks since the previous snapshot %.6f %.6f, want 0.5 0.75", m.peak[0], m.peak[1]);
    if (fabs(m.rms[1] - rms_want) > 1e-6)
        fail_msg("rms over the window %.9f", m.rms[1]);
    wp_player_destroy(p);
    track_free(t);
}

/* A window whose frames the producer may already have overwritten is
 * skipped (WP_PENDING, nothing published); the triple buffer hands each
 * snapshot out once (1, then 0). */
static void overwritten_window_and_triple_buffer(void **state)
{
    (void)state;
    wp_player_config c = small_config();
    wp_player *p = make_player(&c);
    test_track *t = sine_track(40000, 1000.0, 0.5);
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    uint32_t cap = wp_ring_capacity(wp_player_ring(p));
    pump(p, NULL, 3 * cap, 40);
    uint32_t r = read_index(p);
    float db[129];
    assert_int_equal(wp_player_read_snapshot(p, db, 129, NULL), -1);
    assert_int_equal(wp_player_read_snapshot(p, db, 128, NULL), -1); /* wrong bins */
    assert_int_equal(wp_player_analyze(p, r), WP_OK);
    assert_int_equal(wp_player_read_snapshot(p, db, 128, NULL), -1);
    assert_int_equal(wp_player_read_snapshot(p, db, 129, NULL), 1);
    assert_int_equal(wp_player_read_snapshot(p, db, 129, NULL), 0);
    float keep = db[32];
    /* A played index a ring's length behind: its window is gone. */
    int pending = 0;
    for (uint32_t back = cap - 2 * BLOCK; back <= cap + 256; back += 16) {
        wp_status st = wp_player_analyze(p, r - back);
        /* The window [r - back - 256, r - back) survives only while the
         * written frames (up to w + a block) have not reached it. */
        uint32_t w = r + (uint32_t)wp_ring_readable(wp_player_ring(p));
        int gone = (uint64_t)(w - (r - back - 256)) + BLOCK > cap;
        if (gone != (st == WP_PENDING))
            fail_msg("played index %u frames back: %s, overwritten %d", back, wp_strerror(st), gone);
        pending += st == WP_PENDING;
    }
    assert_true(pending > 0);
    assert_int_equal(wp_player_analyze(p, r - cap - 1000), WP_PENDING);
    /* Reading again returns the same snapshot only if nothing was published
     * by the accepted calls; they did publish, so drain, then check that a
     * pending call adds nothing. */
    (void)wp_player_read_snapshot(p, db, 129, NULL);
    assert_int_equal(wp_player_analyze(p, r - cap - 1000), WP_PENDING);
    assert_int_equal(wp_player_read_snapshot(p, db, 129, NULL), 0);
    /* Two analyses, one read: the newest is returned once. */
    pump(p, NULL, 500, 40);
    assert_int_equal(wp_player_analyze(p, read_index(p)), WP_OK);
    assert_int_equal(wp_player_analyze(p, read_index(p)), WP_OK);
    assert_int_equal(wp_player_read_snapshot(p, db, 129, NULL), 1);
    assert_int_equal(wp_player_read_snapshot(p, db, 129, NULL), 0);
    if (fabs(db[32] - keep) > 0.01 || fabs(db[32] - 20.0 * log10(0.5)) > 0.05)
        fail_msg("0.5 sine reads %.4f dB (earlier %.4f)", db[32], keep);
    wp_player_destroy(p);
    track_free(t);
}

/* ---- threads ---- */

#ifdef WP_HAVE_THREADS
typedef struct consumer {
    wp_player *player;
    float *out;
    size_t frames;
} consumer;

static void nap_ms(double ms)
{
    struct timespec ts = {0, (long)(ms * 1e6)};
    nanosleep(&ts, NULL);
}

/* Reads 128-frame quanta at about real-time pace, whatever arrives. */
static void *consumer_main(void *arg)
{
    consumer *c = arg;
    size_t done = 0;
    float buf[2 * 128];
    while (done < c->frames) {
        size_t want = c->frames - done < 128 ? c->frames - done : 128;
        size_t got = wp_ring_read(wp_player_ring(c->player), buf, want);
        memcpy(c->out + 2 * done, buf, got * 2 * sizeof(float));
        done += got;
        nap_ms(1000.0 * 128.0 / 48000.0);
    }
    return NULL;
}
#endif

static void threads_stream_continuously(void **state)
{
    (void)state;
    wp_player_config c;
    assert_int_equal(wp_player_default_config(48000.0, &c), WP_OK);
    c.target_frames = 2048;
    c.max_target_frames = 8192;
    c.spectrum_size = 1024;
    wp_player *p = NULL;
    assert_int_equal(wp_player_create(&c, &p), WP_OK);
    assert_int_equal(wp_chain_set(wp_player_chain(p), WP_CHAIN_EQ_ON, 0), WP_OK);
    assert_int_equal(wp_chain_set(wp_player_chain(p), WP_CHAIN_LIMITER_ON, 0), WP_OK);
    const size_t track_frames = 48000;
    test_track *t = track_new(track_frames, 2);
    for (size_t i = 0; i < track_frames; i++)
        t->ch[0][i] = (float)i * RAMP_STEP, t->ch[1][i] = 0.25f;
    t->track.sample_rate = 48000.0;
    assert_int_equal(wp_player_set_track(p, &t->track), WP_OK);
    wp_player_play(p);
    wp_status st = wp_player_start_threads(p, 5.0);
#ifndef WP_HAVE_THREADS
    assert_int_equal(st, WP_ERR_THREAD);
    print_message("# single-threaded build: WP_ERR_THREAD\n");
    wp_player_destroy(p);
    track_free(t);
#else
    assert_int_equal(st, WP_OK);
    const size_t n = 24000;
    assert_int_equal(wp_player_threads_running(p), 1);
    assert_int_equal(wp_player_start_threads(p, 5.0), WP_ERR_INVALID_ARGUMENT);
    consumer cons = {p, stream_new(n), n};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, consumer_main, &cons), 0);
    /* The control thread watches the position while the consumer reads. */
    double first = -1.0, last = 0.0;
    int decreases = 0;
    for (int i = 0; i < 50; i++) {
        double pos = position_now(p);
        if (first < 0.0)
            first = pos;
        decreases += pos < last;
        last = pos;
        nap_ms(5.0);
    }
    pthread_join(th, NULL);
    double end_pos = position_now(p);
    wp_player_status s;
    wp_player_get_status(p, &s);
    /* The analysis thread (every 5 ms) publishes a snapshot of the last
     * window read: right channel 0.25 throughout, so its RMS is 0.25. */
    wp_player_meters m = {{0, 0}, {0, 0}, 0};
    int waits = 0;
    while ((wp_player_read_snapshot(p, NULL, 0, &m) < 0 || fabs(m.rms[1] - 0.25) > 1e-6) && waits < 5000) {
        nap_ms(2.0);
        waits++;
    }
    if (fabs(m.rms[1] - 0.25) > 1e-6)
        fail_msg("no snapshot of the final window: rms %.9f", m.rms[1]);
    wp_player_destroy(p);

    size_t latency = 0;
    {
        wp_chain *chain = NULL;
        assert_int_equal(wp_chain_create(48000.0, 2, &chain), WP_OK);
        latency = wp_chain_latency(chain);
        wp_chain_destroy(chain);
    }
    const double fade = ceil(WP_PLAYER_FADE_MS * 48.0);
    for (size_t k = 0; k < n; k++) {
        double g = k < latency ? 0.0 : fmin((double)(k - latency + 1) / fade, 1.0);
        double want_l = k < latency ? 0.0 : g * t->ch[0][k - latency];
        double want_r = k < latency ? 0.0 : g * 0.25;
        if (fabs(cons.out[2 * k] - want_l) > 1e-7 || fabs(cons.out[2 * k + 1] - want_r) > 1e-7)
            fail_msg("frame %zu: %.9g %.9g, want %.9g %.9g", k, cons.out[2 * k], cons.out[2 * k + 1], want_l,
                     want_r);
    }
    print_message("# threaded: %zu frames continuous; position %.4f -> %.4f s, %u underruns, snapshot rms %.6f\n",
                  n, first, end_pos, s.underruns, m.rms[1]);
    assert_int_equal(decreases, 0);
    if (!(end_pos > first))
        fail_msg("position did not advance: %.6f -> %.6f", first, end_pos);
    if (fabs(end_pos - (double)(n - latency) / 48000.0) > 1e-9)
        fail_msg("final position %.9f, want %.9f", end_pos, (double)(n - latency) / 48000.0);
    free(cons.out);
    track_free(t);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_config_values),
        cmocka_unit_test(setters_reject_out_of_range),
        cmocka_unit_test(track_plays_through_neutral_chain),
        cmocka_unit_test(pause_keeps_position_and_ring_filled),
        cmocka_unit_test(seek_lands_exactly),
        cmocka_unit_test(seek_is_click_free),
        cmocka_unit_test(loop_wraps_exactly),
        cmocka_unit_test(end_of_track_pauses),
        cmocka_unit_test(position_follows_consumer),
        cmocka_unit_test(track_hand_over),
        cmocka_unit_test(generator_source),
        cmocka_unit_test(generator_seek_and_end),
        cmocka_unit_test(spectrum_of_a_full_scale_sine),
        cmocka_unit_test(meters_of_a_known_sine),
        cmocka_unit_test(overwritten_window_and_triple_buffer),
        cmocka_unit_test(threads_stream_continuously),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
