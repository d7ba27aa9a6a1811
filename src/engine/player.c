/* clock_gettime and nanosleep under -std=c11 */
#define _POSIX_C_SOURCE 200809L

#include "wavepool/player.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/dsp_util.h"
#include "wavepool/fft.h"

#ifdef WP_HAVE_THREADS
#include <pthread.h>
#include <sched.h>

#include "engine/thread_util.h"
#endif

/* A generator seek renders and drops the frames up to its target (the
 * generators have no random access); at most this many blocks per block, so
 * the producer's work per block stays bounded. */
#define GEN_SKIP_BLOCKS 32
/* Smoothing of dsp_load per block (about 50 blocks' memory). */
#define LOAD_SMOOTHING 0.02
/* Triple buffers: three slots, the middle index carries a "fresh" bit. */
#define TB_FRESH 4u
/* The stop command's seek target: frame 0, or the loop's start. */
#define SEEK_STOP (-1)

/* Lock-free triple buffer of slot indices: the writer fills its back slot
 * and swaps it into the middle; the reader swaps the middle out when it is
 * fresh. Neither side ever waits or sees a slot the other is using. */
typedef struct triple_index {
    _Atomic unsigned middle;
    unsigned back;   /* writer's */
    unsigned front;  /* reader's */
} triple_index;

static void triple_init(triple_index *t)
{
    t->back = 0;
    atomic_init(&t->middle, 1);
    t->front = 2;
}

static void triple_publish(triple_index *t)
{
    t->back = atomic_exchange_explicit(&t->middle, t->back | TB_FRESH, memory_order_acq_rel) & 3u;
}

/* 1 when a fresh slot was taken into `front`. */
static int triple_take(triple_index *t)
{
    if (!(atomic_load_explicit(&t->middle, memory_order_relaxed) & TB_FRESH))
        return 0;
    t->front = atomic_exchange_explicit(&t->middle, t->front, memory_order_acq_rel) & 3u;
    return 1;
}

/* A loop request, tied to the track it was set for. */
typedef struct loop_slot {
    const wp_track *track;
    int enabled;
    int64_t start, end;
} loop_slot;

/* One stretch of the stream: from ring index `start` (shifted by the
 * chain's latency) the consumer hears source frame `frame`, advancing or
 * frozen. Fields are atomics so any thread may read them while the
 * producer writes newer entries. */
typedef struct map_entry {
    _Atomic uint32_t start;
    _Atomic uint32_t flags; /* bit 0: advancing */
    _Atomic int64_t frame;
    _Atomic int64_t duration; /* of that source, 0 when infinite or none */
} map_entry;

typedef struct snapshot {
    float *db;
    wp_player_meters meters;
} snapshot;

struct wp_player {
    wp_player_config cfg;
    wp_ring *ring;
    wp_chain *chain;
    size_t latency;
    int64_t fade_frames;

    /* ---- commands: control thread -> producer ---- */
    _Atomic int want_play;
    _Atomic int want_source;
    _Atomic uint32_t seek_seq;
    _Atomic int64_t seek_frame;
    _Atomic(const wp_track *) pending_track;  /* &track_none when nothing is pending */
    _Atomic(wp_gen *) pending_gen;            /* GEN_NONE when nothing is pending */
    _Atomic(const wp_track *) active_track;
    _Atomic(wp_gen *) active_gen;
    _Atomic uint64_t gen_freq_bits, gen_level_bits;
    _Atomic uint32_t gen_freq_seq, gen_level_seq;
    _Atomic uint32_t gen_freq_base, gen_level_base; /* the seqs when the pending generator was set */
    _Atomic uint32_t target_frames;
    triple_index loop_tb;
    loop_slot loops[3];
    /* The requested loop, for status. */
    _Atomic int loop_enabled;
    _Atomic int64_t loop_start, loop_end;

    /* Control thread's own view (for validation). */
    const wp_track *ctl_track;
    int64_t ctl_gen_frames; /* 0: infinite */
    int ctl_has_gen;

    /* ---- producer state ---- */
    int kind;
    const wp_track *track;
    wp_gen *gen;
    int64_t track_pos, gen_pos;
    int64_t gen_frames;          /* finite length of the generator, 0 = infinite */
    int64_t gen_skip;            /* frames the generator still has to drop (seek) */
    int64_t fade_pos;            /* 0..fade_frames: the source gain in steps */
    int frozen;
    uint32_t seen_seek_seq;
    int seek_pending;
    int64_t seek_target;
    uint32_t applied_freq_seq, applied_level_seq;
    loop_slot loop;              /* the loop in effect for `track` */
    float *block_buf;            /* block_frames * 2 interleaved */
    float *mono;                 /* block_frames */
    _Atomic uint64_t played64;   /* 64-bit extension of the ring's read index */
    _Atomic int ended;
    _Atomic uint64_t load_bits;
    _Atomic uint64_t blocks;

    /* ---- position map ---- */
    map_entry *map;
    uint32_t map_mask;
    _Atomic uint32_t map_count;

    /* ---- analysis ---- */
    wp_fft *fft;
    float *window, *fft_in, *fft_out, *fft_work, *power, *frames;
    uint64_t analyzed64;         /* played frames at the previous snapshot */
    _Atomic uint32_t analyses;   /* release after each analysis's reads; see produce */
    int analyzed_any;
    snapshot snaps[3];
    triple_index snap_tb;
    int snap_read_any;

    /* ---- threads ---- */
    _Atomic int quit;
    _Atomic int running;
    int threads_started;
    double analysis_interval_ms;
#ifdef WP_HAVE_THREADS
    pthread_t producer_thread, analysis_thread;
#endif
};

/* Sentinels for "nothing pending": never a caller's object. */
static const wp_track track_none;
static char gen_none_storage;
#define GEN_NONE ((wp_gen *)(void *)&gen_none_storage)

static void store_double(_Atomic uint64_t *a, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    atomic_store(a, bits);
}

static double load_double(const _Atomic uint64_t *a)
{
    uint64_t bits = atomic_load((_Atomic uint64_t *)a);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* The ring's indices and data by the documented layout (ring.h). */
static _Atomic uint32_t *ring_index(const wp_ring *ring, size_t offset)
{
    return (_Atomic uint32_t *)(void *)((char *)(uintptr_t)ring + offset);
}

static const float *ring_data(const wp_ring *ring)
{
    return (const float *)(const void *)((const char *)ring + WP_RING_OFFSET_DATA);
}

static uint32_t round_up_pow2(uint64_t v)
{
    uint64_t p = 1;
    while (p < v)
        p <<= 1;
    return (uint32_t)p;
}

static size_t round_up_blocks(size_t frames, size_t block)
{
    return (frames + block - 1) / block * block;
}

/* ------------------------------------------------------------------ config */

wp_status wp_player_default_config(double sample_rate, wp_player_config *out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(sample_rate, WP_DSP_MIN_RATE, WP_DSP_MAX_RATE) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    out->sample_rate = sample_rate;
    out->block_frames = 128;
    out->target_frames = round_up_blocks((size_t)ceil(sample_rate * 0.015), out->block_frames);
    out->max_target_frames = (size_t)ceil(sample_rate * 0.5);
    out->spectrum_size = 4096;
    return WP_OK;
}

/* Ring capacity for a valid config: room for the largest target (whole
 * blocks; the producer tops up while below it, so the fill reaches target +
 * a block), the block being written and the analysis window behind the
 * read index. */
static uint64_t ring_frames_for(const wp_player_config *c)
{
    return (uint64_t)round_up_blocks(c->max_target_frames, c->block_frames) + 2 * c->block_frames +
           c->spectrum_size;
}

static wp_status check_config(const wp_player_config *c)
{
    if (wp_check_range(c->sample_rate, WP_DSP_MIN_RATE, WP_DSP_MAX_RATE) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    if (c->block_frames < WP_PLAYER_MIN_BLOCK || c->block_frames > WP_PLAYER_MAX_BLOCK)
        return WP_ERR_OUT_OF_RANGE;
    if (c->spectrum_size < WP_PLAYER_MIN_SPECTRUM || c->spectrum_size > WP_PLAYER_MAX_SPECTRUM ||
        (c->spectrum_size & (c->spectrum_size - 1)) != 0)
        return WP_ERR_OUT_OF_RANGE;
    if (c->target_frames < c->block_frames || c->max_target_frames < c->target_frames)
        return WP_ERR_OUT_OF_RANGE;
    if (c->max_target_frames > WP_RING_MAX_FRAMES || round_up_pow2(ring_frames_for(c)) > WP_RING_MAX_FRAMES)
        return WP_ERR_OUT_OF_RANGE;
    return WP_OK;
}

/* ---------------------------------------------------------- position map */

static void map_add(wp_player *p, uint32_t start, int64_t frame, int64_t duration, int advancing)
{
    uint32_t n = atomic_load_explicit(&p->map_count, memory_order_relaxed);
    map_entry *e = &p->map[n & p->map_mask];
    /* Release per field: a reader that sees any of them also sees the
     * count that says this slot is being rewritten (see map_lookup). */
    atomic_store_explicit(&e->start, start, memory_order_release);
    atomic_store_explicit(&e->flags, advancing ? 1u : 0u, memory_order_release);
    atomic_store_explicit(&e->frame, frame, memory_order_release);
    atomic_store_explicit(&e->duration, duration, memory_order_release);
    atomic_store_explicit(&p->map_count, n + 1, memory_order_release);
}

typedef struct map_hit {
    int64_t position, duration;
} map_hit;

/* The source frame heard at ring index `played`: the newest entry that
 * starts at or before it. Entries older than half the map are not trusted
 * (the producer may be rewriting them); a lap while reading retries. */
static map_hit map_lookup(const wp_player *p, uint32_t played)
{
    map_hit hit = {0, 0};
    for (int attempt = 0; attempt < 8; attempt++) {
        uint32_t n = atomic_load_explicit(&p->map_count, memory_order_acquire);
        uint32_t k = n - 1, span = 0;
        uint32_t start = 0, flags = 0;
        int64_t frame = 0, duration = 0;
        for (;;) {
            const map_entry *e = &p->map[k & p->map_mask];
            start = atomic_load_explicit(&e->start, memory_order_acquire);
            flags = atomic_load_explicit(&e->flags, memory_order_acquire);
            frame = atomic_load_explicit(&e->frame, memory_order_acquire);
            duration = atomic_load_explicit(&e->duration, memory_order_acquire);
            if ((int32_t)(played - start) >= 0 || k == 0 || ++span >= (p->map_mask + 1) / 2)
                break;
            k--;
        }
        /* The acquire loads above keep this re-read after them. */
        uint32_t now = atomic_load_explicit(&p->map_count, memory_order_relaxed);
        if (now - k > p->map_mask)
            continue;
        int64_t pos = frame;
        if ((flags & 1u) && (int32_t)(played - start) > 0)
            pos += (int32_t)(played - start);
        if (pos < 0)
            pos = 0;
        if (duration > 0 && pos > duration)
            pos = duration;
        hit.position = pos;
        hit.duration = duration;
        break;
    }
    return hit;
}

/* ---------------------------------------------------------------- create */

static void free_player(wp_player *p)
{
    for (int i = 0; i < 3; i++)
        wp_fft_free(p->snaps[i].db);
    wp_fft_free(p->frames);
    wp_fft_free(p->power);
    wp_fft_free(p->fft_work);
    wp_fft_free(p->fft_out);
    wp_fft_free(p->fft_in);
    wp_fft_free(p->window);
    wp_fft_destroy(p->fft);
    free(p->map);
    free(p->mono);
    free(p->block_buf);
    wp_chain_destroy(p->chain);
    wp_ring_destroy(p->ring);
    free(p);
}

wp_status wp_player_create(const wp_player_config *config, wp_player **out)
{
    if (!out)
        return WP_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!config)
        return WP_ERR_INVALID_ARGUMENT;
    wp_status st = check_config(config);
    if (st != WP_OK)
        return st;
    wp_player *p = calloc(1, sizeof *p);
    if (!p)
        return WP_ERR_OUT_OF_MEMORY;
    p->cfg = *config;
    const size_t block = config->block_frames, n = config->spectrum_size, bins = n / 2 + 1;
    uint32_t capacity = round_up_pow2(ring_frames_for(config));
    st = wp_ring_create(capacity, WP_PLAYER_CHANNELS, &p->ring);
    if (st == WP_OK)
        st = wp_chain_create(config->sample_rate, WP_PLAYER_CHANNELS, &p->chain);
    if (st == WP_OK)
        st = wp_fft_create(n, WP_FFT_REAL, &p->fft);
    if (st != WP_OK) {
        free_player(p);
        return st;
    }
    /* At most four entries per block (start, loop wrap, freeze or end),
     * and twice that so lookups never reach entries being rewritten. */
    uint32_t map_size = round_up_pow2((uint64_t)8 * capacity / block);
    p->map = calloc(map_size, sizeof *p->map);
    p->block_buf = calloc(block * WP_PLAYER_CHANNELS, sizeof(float));
    p->mono = calloc(block, sizeof(float));
    p->window = wp_fft_alloc(n);
    p->fft_in = wp_fft_alloc(n);
    p->fft_out = wp_fft_alloc(n + 2);
    p->fft_work = wp_fft_alloc(wp_fft_work_floats(p->fft));
    p->power = wp_fft_alloc(bins);
    p->frames = wp_fft_alloc(n * WP_PLAYER_CHANNELS);
    int ok = p->map && p->block_buf && p->mono && p->window && p->fft_in && p->fft_out && p->fft_work &&
             p->power && p->frames;
    for (int i = 0; i < 3; i++) {
        p->snaps[i].db = wp_fft_alloc(bins);
        ok = ok && p->snaps[i].db;
    }
    if (!ok || wp_window_fill(WP_WINDOW_HANN, p->window, n) != WP_OK) {
        free_player(p);
        return WP_ERR_OUT_OF_MEMORY;
    }
    p->map_mask = map_size - 1;
    p->latency = wp_chain_latency(p->chain);
    p->fade_frames = (int64_t)ceil(WP_PLAYER_FADE_MS * 0.001 * config->sample_rate);
    if (p->fade_frames < 1)
        p->fade_frames = 1;

    atomic_init(&p->want_play, 0);
    atomic_init(&p->want_source, WP_PLAYER_SOURCE_TRACK);
    atomic_init(&p->seek_seq, 0);
    atomic_init(&p->seek_frame, 0);
    atomic_init(&p->pending_track, &track_none);
    atomic_init(&p->pending_gen, GEN_NONE);
    atomic_init(&p->active_track, NULL);
    atomic_init(&p->active_gen, NULL);
    atomic_init(&p->gen_freq_bits, 0);
    atomic_init(&p->gen_level_bits, 0);
    atomic_init(&p->gen_freq_seq, 0);
    atomic_init(&p->gen_level_seq, 0);
    atomic_init(&p->gen_freq_base, 0);
    atomic_init(&p->gen_level_base, 0);
    atomic_init(&p->target_frames, (uint32_t)round_up_blocks(config->target_frames, block));
    triple_init(&p->loop_tb);
    atomic_init(&p->loop_enabled, 0);
    atomic_init(&p->loop_start, 0);
    atomic_init(&p->loop_end, 0);
    atomic_init(&p->played64, 0);
    atomic_init(&p->ended, 0);
    atomic_init(&p->load_bits, 0);
    atomic_init(&p->blocks, 0);
    atomic_init(&p->map_count, 0);
    atomic_init(&p->analyses, 0);
    triple_init(&p->snap_tb);
    atomic_init(&p->quit, 0);
    atomic_init(&p->running, 0);
    p->kind = WP_PLAYER_SOURCE_TRACK;
    p->frozen = 1;
    /* Before the first block's (latency-shifted) entry: frame 0, still. */
    map_add(p, 0, 0, 0, 0);
    *out = p;
    return WP_OK;
}

wp_ring *wp_player_ring(wp_player *player) { return player->ring; }
wp_chain *wp_player_chain(wp_player *player) { return player->chain; }
const wp_player_config *wp_player_get_config(const wp_player *player) { return &player->cfg; }

/* ---------------------------------------------------------------- sources */

wp_status wp_player_set_track(wp_player *p, const wp_track *track)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    if (track) {
        if (!track->channels)
            return WP_ERR_INVALID_ARGUMENT;
        if (track->channel_count < 1 || track->channel_count > 2 || track->frames < 1 ||
            track->sample_rate != p->cfg.sample_rate)
            return WP_ERR_OUT_OF_RANGE;
        for (int c = 0; c < track->channel_count; c++)
            if (!track->channels[c])
                return WP_ERR_INVALID_ARGUMENT;
    }
    /* A new track starts paused and without a loop (see player.h). */
    atomic_store(&p->want_play, 0);
    loop_slot *slot = &p->loops[p->loop_tb.back];
    *slot = (loop_slot){track, 0, 0, 0};
    triple_publish(&p->loop_tb);
    atomic_store(&p->loop_enabled, 0);
    atomic_store(&p->loop_start, 0);
    atomic_store(&p->loop_end, 0);
    p->ctl_track = track;
    atomic_store(&p->pending_track, track);
    return WP_OK;
}

int wp_player_uses_track(const wp_player *p, const wp_track *track)
{
    wp_player *q = (wp_player *)(uintptr_t)p;
    return atomic_load(&q->pending_track) == track || atomic_load(&q->active_track) == track;
}

wp_status wp_player_set_generator(wp_player *p, wp_gen *gen)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    p->ctl_gen_frames = gen ? (int64_t)wp_gen_finite_frames(gen) : 0;
    p->ctl_has_gen = gen != NULL;
    atomic_store(&p->gen_freq_base, atomic_load(&p->gen_freq_seq));
    atomic_store(&p->gen_level_base, atomic_load(&p->gen_level_seq));
    atomic_store(&p->pending_gen, gen);
    return WP_OK;
}

int wp_player_uses_generator(const wp_player *p, const wp_gen *gen)
{
    wp_player *q = (wp_player *)(uintptr_t)p;
    return atomic_load(&q->pending_gen) == gen || atomic_load(&q->active_gen) == gen;
}

wp_status wp_player_set_generator_frequency(wp_player *p, double hz)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(hz, WP_GEN_MIN_FREQ, p->cfg.sample_rate / 2.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    store_double(&p->gen_freq_bits, hz);
    atomic_fetch_add(&p->gen_freq_seq, 1);
    return WP_OK;
}

wp_status wp_player_set_generator_level(wp_player *p, double dbfs)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(dbfs, WP_GEN_MIN_LEVEL_DBFS, WP_GEN_MAX_LEVEL_DBFS) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    store_double(&p->gen_level_bits, dbfs);
    atomic_fetch_add(&p->gen_level_seq, 1);
    return WP_OK;
}

wp_status wp_player_set_source(wp_player *p, wp_player_source source)
{
    if (!p || (source != WP_PLAYER_SOURCE_TRACK && source != WP_PLAYER_SOURCE_GENERATOR))
        return WP_ERR_INVALID_ARGUMENT;
    atomic_store(&p->want_source, (int)source);
    return WP_OK;
}

/* -------------------------------------------------------------- transport */

void wp_player_play(wp_player *p) { atomic_store(&p->want_play, 1); }
void wp_player_pause(wp_player *p) { atomic_store(&p->want_play, 0); }

static void request_seek(wp_player *p, int64_t frame)
{
    atomic_store(&p->seek_frame, frame);
    atomic_fetch_add(&p->seek_seq, 1);
}

void wp_player_stop(wp_player *p)
{
    atomic_store(&p->want_play, 0);
    request_seek(p, SEEK_STOP);
}

wp_status wp_player_seek(wp_player *p, double seconds)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    double rate = p->cfg.sample_rate;
    int64_t duration = 0;
    int infinite = 0;
    if (atomic_load(&p->want_source) == WP_PLAYER_SOURCE_TRACK)
        duration = p->ctl_track ? (int64_t)p->ctl_track->frames : 0;
    else if (p->ctl_has_gen) {
        duration = p->ctl_gen_frames;
        infinite = duration == 0;
    }
    /* An infinite generator seeks anywhere a frame count can say. */
    double max_s = infinite ? 4.0e15 / rate : (double)duration / rate;
    if (wp_check_range(seconds, 0.0, max_s) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
    int64_t frame = (int64_t)llround(seconds * rate);
    if (!infinite && frame > duration)
        frame = duration; /* only rounding of seconds == duration_s can get here */
    request_seek(p, frame);
    return WP_OK;
}

wp_status wp_player_set_loop(wp_player *p, int enabled, double start_s, double end_s)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    loop_slot slot = {p->ctl_track, 0, 0, 0};
    if (enabled) {
        if (!p->ctl_track)
            return WP_ERR_OUT_OF_RANGE;
        double rate = p->cfg.sample_rate, frames = (double)p->ctl_track->frames;
        if (wp_check_range(start_s, 0.0, frames / rate) != WP_OK ||
            wp_check_range(end_s, 0.0, frames / rate) != WP_OK)
            return WP_ERR_OUT_OF_RANGE;
        int64_t start = (int64_t)llround(start_s * rate);
        int64_t end = end_s == 0.0 ? (int64_t)p->ctl_track->frames : (int64_t)llround(end_s * rate);
        if (end > (int64_t)p->ctl_track->frames || end - start < (int64_t)p->cfg.block_frames)
            return WP_ERR_OUT_OF_RANGE;
        slot = (loop_slot){p->ctl_track, 1, start, end};
    }
    p->loops[p->loop_tb.back] = slot;
    triple_publish(&p->loop_tb);
    atomic_store(&p->loop_start, slot.start);
    atomic_store(&p->loop_end, slot.end);
    atomic_store(&p->loop_enabled, slot.enabled);
    return WP_OK;
}

wp_status wp_player_set_target_frames(wp_player *p, size_t frames)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    if (frames < WP_PLAYER_MIN_BLOCK || frames > p->cfg.max_target_frames)
        return WP_ERR_OUT_OF_RANGE;
    atomic_store(&p->target_frames, (uint32_t)round_up_blocks(frames, p->cfg.block_frames));
    return WP_OK;
}

/* --------------------------------------------------------------- producer */

static int64_t source_duration(const wp_player *p)
{
    if (p->kind == WP_PLAYER_SOURCE_TRACK)
        return p->track ? (int64_t)p->track->frames : 0;
    return p->gen ? p->gen_frames : 0;
}

static int has_source(const wp_player *p)
{
    return p->kind == WP_PLAYER_SOURCE_TRACK ? p->track != NULL : p->gen != NULL;
}

static int64_t *source_pos(wp_player *p)
{
    return p->kind == WP_PLAYER_SOURCE_TRACK ? &p->track_pos : &p->gen_pos;
}

/* The "uses" hand-over: announce the new object as active before it leaves
 * the pending slot, so uses_* never reads 0 for an object in use. If the
 * control thread queued a newer one meanwhile, take that one instead. */
static const wp_track *take_track(wp_player *p, const wp_track *t)
{
    for (;;) {
        atomic_store(&p->active_track, t);
        if (atomic_compare_exchange_strong(&p->pending_track, &t, &track_none))
            return t;
    }
}

static wp_gen *take_gen(wp_player *p, wp_gen *g)
{
    for (;;) {
        atomic_store(&p->active_gen, g);
        if (atomic_compare_exchange_strong(&p->pending_gen, &g, GEN_NONE))
            return g;
    }
}

static void ignore_status(wp_status st) { (void)st; }

/* A valid generator renders any count; silence should it ever refuse. */
static void render_gen(wp_player *p, size_t n)
{
    if (wp_gen_render(p->gen, p->mono, n) != WP_OK)
        memset(p->mono, 0, n * sizeof(float));
}

static void apply_gen_params(wp_player *p, int fresh_gen)
{
    uint32_t fseq = atomic_load(&p->gen_freq_seq), lseq = atomic_load(&p->gen_level_seq);
    if (fresh_gen) {
        /* Settings made before this generator was queued belong to the old one. */
        p->applied_freq_seq = atomic_load(&p->gen_freq_base);
        p->applied_level_seq = atomic_load(&p->gen_level_base);
    }
    /* A generator type without a frequency (noise, sweeps) refuses it:
     * nothing to glide, so the status is of no use. */
    if (fseq != p->applied_freq_seq && p->gen)
        ignore_status(wp_gen_set_frequency(p->gen, load_double(&p->gen_freq_bits)));
    if (lseq != p->applied_level_seq && p->gen)
        ignore_status(wp_gen_set_level(p->gen, load_double(&p->gen_level_bits)));
    p->applied_freq_seq = fseq;
    p->applied_level_seq = lseq;
}

/* Moves the generator on towards gen_pos, a bounded amount per block. */
static void gen_skip_some(wp_player *p)
{
    int64_t budget = (int64_t)(GEN_SKIP_BLOCKS * p->cfg.block_frames);
    while (p->gen_skip > 0 && budget > 0) {
        int64_t n = p->gen_skip < (int64_t)p->cfg.block_frames ? p->gen_skip : (int64_t)p->cfg.block_frames;
        render_gen(p, (size_t)n);
        p->gen_skip -= n;
        budget -= n;
    }
}

static void jump_source(wp_player *p, int64_t target)
{
    if (p->kind == WP_PLAYER_SOURCE_TRACK) {
        p->track_pos = target;
        return;
    }
    if (!p->gen) {
        p->gen_pos = 0;
        return;
    }
    int64_t at = p->gen_pos - p->gen_skip; /* where the generator really is */
    if (target < at) {
        wp_gen_reset(p->gen);
        at = 0;
    }
    p->gen_pos = target;
    p->gen_skip = target - at;
}

/* Reads the commands at a block start; performs pending jumps when the
 * source is silent. Returns the fade target (0 or fade_frames). */
static int64_t read_commands(wp_player *p)
{
    const wp_track *pt = atomic_load(&p->pending_track);
    wp_gen *pg = atomic_load(&p->pending_gen);
    int want_kind = atomic_load(&p->want_source);
    uint32_t seq = atomic_load(&p->seek_seq);
    if (seq != p->seen_seek_seq) {
        p->seen_seek_seq = seq;
        p->seek_pending = 1;
        p->seek_target = atomic_load(&p->seek_frame);
    }
    int want_play = atomic_load(&p->want_play);

    /* A queued object that is not audible now is taken at once. */
    if (pt != &track_none && (p->kind != WP_PLAYER_SOURCE_TRACK || p->frozen)) {
        p->track = take_track(p, pt);
        p->track_pos = 0;
        if (p->kind == WP_PLAYER_SOURCE_TRACK)
            atomic_store(&p->ended, 0);
        pt = &track_none;
    }
    if (pg != GEN_NONE && (p->kind != WP_PLAYER_SOURCE_GENERATOR || p->frozen)) {
        p->gen = take_gen(p, pg);
        p->gen_pos = 0;
        p->gen_skip = 0;
        p->gen_frames = pg ? (int64_t)wp_gen_finite_frames(pg) : 0;
        if (pg)
            wp_gen_reset(pg);
        if (p->kind == WP_PLAYER_SOURCE_GENERATOR)
            atomic_store(&p->ended, 0);
        apply_gen_params(p, 1);
        pg = GEN_NONE;
    }
    apply_gen_params(p, 0);

    /* The loop for the current track: a request for another track waits. */
    if (triple_take(&p->loop_tb) || p->loop.track != p->track) {
        const loop_slot *s = &p->loops[p->loop_tb.front];
        p->loop = s->track == p->track ? *s : (loop_slot){p->track, 0, 0, 0};
    }

    int ended = atomic_load_explicit(&p->ended, memory_order_relaxed);
    int restart = ended && want_play;
    int jump = pt != &track_none || pg != GEN_NONE || want_kind != p->kind || p->seek_pending || restart;
    if (jump && p->frozen) {
        p->kind = want_kind;
        if (p->seek_pending) {
            int64_t target = p->seek_target;
            if (target == SEEK_STOP)
                target = p->kind == WP_PLAYER_SOURCE_TRACK && p->loop.enabled ? p->loop.start : 0;
            int64_t d = source_duration(p);
            if (d > 0 && target > d)
                target = d;
            jump_source(p, target);
            p->seek_pending = 0;
        } else if (restart) {
            jump_source(p, 0);
        }
        atomic_store(&p->ended, 0);
        jump = 0;
    }
    if (p->kind == WP_PLAYER_SOURCE_GENERATOR && p->gen && p->gen_skip > 0) {
        gen_skip_some(p);
        if (p->gen_skip > 0)
            return 0; /* still on its way: silent */
    }
    ended = atomic_load_explicit(&p->ended, memory_order_relaxed);
    if (jump || !want_play || ended || !has_source(p))
        return 0;
    return p->fade_frames;
}

/* Writes `n` source frames from the current position, with the fade ramp,
 * into out (interleaved stereo). */
static void render_source(wp_player *p, float *out, size_t n, int64_t target)
{
    float inv = 1.0f / (float)p->fade_frames;
    int step = target > p->fade_pos ? 1 : target < p->fade_pos ? -1 : 0;
    if (p->kind == WP_PLAYER_SOURCE_TRACK) {
        const wp_track *t = p->track;
        const float *l = t->channels[0] + p->track_pos;
        const float *r = t->channels[t->channel_count > 1 ? 1 : 0] + p->track_pos;
        for (size_t i = 0; i < n; i++) {
            if (p->fade_pos != target)
                p->fade_pos += step;
            float g = p->fade_pos == p->fade_frames ? 1.0f : (float)p->fade_pos * inv;
            out[2 * i] = l[i] * g;
            out[2 * i + 1] = r[i] * g;
        }
        p->track_pos += (int64_t)n;
    } else {
        render_gen(p, n);
        for (size_t i = 0; i < n; i++) {
            if (p->fade_pos != target)
                p->fade_pos += step;
            float g = p->fade_pos == p->fade_frames ? 1.0f : (float)p->fade_pos * inv;
            out[2 * i] = out[2 * i + 1] = p->mono[i] * g;
        }
        p->gen_pos += (int64_t)n;
    }
}

/* One block: commands, source with fades, loop splices and ends, chain,
 * ring. Map entries are written before the ring publishes the frames. */
static void produce_block(wp_player *p)
{
    const size_t n = p->cfg.block_frames;
    uint32_t w = atomic_load_explicit(ring_index(p->ring, WP_RING_OFFSET_WRITE), memory_order_relaxed);
    uint32_t shift = (uint32_t)p->latency;
    int64_t target = read_commands(p);
    if (p->frozen && target > 0)
        p->frozen = 0;
    float *out = p->block_buf;
    map_add(p, w + shift, *source_pos(p), source_duration(p), !p->frozen);
    size_t i = 0;
    while (i < n && !p->frozen) {
        int64_t *pos = source_pos(p);
        int64_t duration = source_duration(p);
        int looping = p->kind == WP_PLAYER_SOURCE_TRACK && p->loop.enabled && *pos < p->loop.end;
        int64_t limit = looping ? p->loop.end : duration;
        int64_t seg = (int64_t)(n - i);
        if (limit > 0 && limit - *pos < seg)
            seg = limit - *pos;
        /* A fade out stops on the frame its gain would reach 0. */
        if (target == 0 && p->fade_pos - 1 < seg)
            seg = p->fade_pos - 1;
        if (seg > 0) {
            render_source(p, out + 2 * i, (size_t)seg, target);
            i += (size_t)seg;
        }
        if (looping && *pos == p->loop.end) {
            *pos = p->loop.start;
            map_add(p, w + (uint32_t)i + shift, *pos, duration, 1);
        } else if (limit > 0 && *pos >= limit) {
            /* The end of a finite source: pause there. */
            int playing = 1;
            atomic_compare_exchange_strong(&p->want_play, &playing, 0);
            atomic_store(&p->ended, 1);
            p->fade_pos = 0;
            p->frozen = 1;
            map_add(p, w + (uint32_t)i + shift, *pos, duration, 0);
        } else if (target == 0 && p->fade_pos <= 1) {
            p->fade_pos = 0;
            p->frozen = 1;
            map_add(p, w + (uint32_t)i + shift, *pos, duration, 0);
        }
    }
    if (i < n)
        memset(out + 2 * i, 0, (n - i) * 2 * sizeof(float));
    wp_chain_process_interleaved(p->chain, out, n);
    (void)wp_ring_write(p->ring, out, n);
    atomic_fetch_add_explicit(&p->blocks, 1, memory_order_relaxed);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

size_t wp_player_produce(wp_player *p)
{
    double t0 = now_seconds();
    /* Orders the analysis's past reads of ring frames before the writes
     * that reuse their slots (the producer reaches a slot about capacity -
     * target frames after the consumer read it; the analysis is done with
     * it long before), so the two threads never touch a slot unordered
     * unless the analysis was that late, which it detects (WP_PENDING). */
    (void)atomic_load_explicit(&p->analyses, memory_order_acquire);
    uint32_t r = atomic_load_explicit(ring_index(p->ring, WP_RING_OFFSET_READ), memory_order_acquire);
    uint64_t played = atomic_load_explicit(&p->played64, memory_order_relaxed);
    atomic_store_explicit(&p->played64, played + (uint32_t)(r - (uint32_t)played), memory_order_relaxed);

    const size_t block = p->cfg.block_frames;
    const size_t capacity = wp_ring_capacity(p->ring);
    size_t written = 0;
    for (;;) {
        size_t fill = capacity - wp_ring_writable(p->ring);
        if (fill >= atomic_load_explicit(&p->target_frames, memory_order_relaxed))
            break;
        produce_block(p);
        written += block;
    }
    if (written) {
        double blocks = (double)(written / block);
        double ratio = (now_seconds() - t0) / blocks / ((double)block / p->cfg.sample_rate);
        double load = load_double(&p->load_bits);
        double keep = pow(1.0 - LOAD_SMOOTHING, blocks);
        store_double(&p->load_bits, load * keep + ratio * (1.0 - keep));
    }
    return written;
}

/* --------------------------------------------------------------- analysis */

static uint64_t played64_at(const wp_player *p, uint32_t played_index)
{
    uint64_t base = atomic_load_explicit(&((wp_player *)(uintptr_t)p)->played64, memory_order_relaxed);
    int64_t v = (int64_t)base + (int32_t)(played_index - (uint32_t)base);
    return v < 0 ? 0 : (uint64_t)v;
}

/* Copies frames [from, from + count) of the stream out of the ring; frames
 * before the stream's start (index64 < 0) are zeros. */
static void copy_frames(const wp_player *p, int64_t from64, uint32_t from, size_t count, float *dst)
{
    const float *data = ring_data(p->ring);
    uint32_t mask = wp_ring_capacity(p->ring) - 1;
    for (size_t i = 0; i < count; i++) {
        if (from64 + (int64_t)i < 0) {
            dst[2 * i] = dst[2 * i + 1] = 0.0f;
            continue;
        }
        uint32_t slot = (from + (uint32_t)i) & mask;
        dst[2 * i] = data[2 * slot];
        dst[2 * i + 1] = data[2 * slot + 1];
    }
}

wp_status wp_player_analyze(wp_player *p, uint32_t played_index)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    const size_t n = p->cfg.spectrum_size, bins = n / 2 + 1;
    const uint32_t capacity = wp_ring_capacity(p->ring);
    _Atomic uint32_t *write_index = ring_index(p->ring, WP_RING_OFFSET_WRITE);
    /* Acquire: the frames before the write index are the producer's, complete. */
    (void)atomic_load_explicit(write_index, memory_order_acquire);
    uint64_t played64 = played64_at(p, played_index);

    /* Peak frames: those played since the previous snapshot, as far back as
     * the ring surely still holds them. */
    uint64_t peak_limit = capacity - round_up_blocks(p->cfg.max_target_frames, p->cfg.block_frames) -
                          2 * p->cfg.block_frames;
    uint64_t peak_from = p->analyzed_any ? p->analyzed64 : played64 - (played64 < n ? played64 : n);
    if (played64 - peak_from > peak_limit || peak_from > played64)
        peak_from = played64 - (played64 < peak_limit ? played64 : peak_limit);
    size_t peak_count = (size_t)(played64 - peak_from);

    float *win = p->frames; /* n stereo frames */
    copy_frames(p, (int64_t)played64 - (int64_t)n, played_index - (uint32_t)n, n, win);
    float peak[2] = {0, 0};
    int clipped = 0;
    {
        /* Chunks through fft_in (n floats = n / 2 stereo frames). */
        size_t done = 0, chunk = n / 2;
        while (done < peak_count) {
            size_t c = peak_count - done < chunk ? peak_count - done : chunk;
            int64_t from64 = (int64_t)(played64 - peak_count + done);
            copy_frames(p, from64, played_index - (uint32_t)(peak_count - done), c, p->fft_in);
            for (size_t i = 0; i < 2 * c; i++) {
                float a = fabsf(p->fft_in[i]);
                peak[i & 1] = a > peak[i & 1] ? a : peak[i & 1];
                clipped |= a >= 1.0f;
            }
            done += c;
        }
    }
    /* Were any of those frames overwritten while we copied them? The
     * producer may also be writing the block after the write index. */
    uint32_t w = atomic_load_explicit(write_index, memory_order_acquire);
    atomic_fetch_add_explicit(&p->analyses, 1, memory_order_release);
    uint32_t oldest = played_index - (uint32_t)(peak_count > n ? peak_count : n);
    if ((uint64_t)(uint32_t)(w - oldest) + p->cfg.block_frames > capacity)
        return WP_PENDING;

    snapshot *s = &p->snaps[p->snap_tb.back];
    double gain = 2.0 / ((double)n * wp_window_coherent_gain(WP_WINDOW_HANN));
    memset(p->power, 0, bins * sizeof(float));
    for (int c = 0; c < WP_PLAYER_CHANNELS; c++) {
        double sum_sq = 0.0;
        for (size_t i = 0; i < n; i++) {
            float x = win[2 * i + (size_t)c];
            sum_sq += (double)x * x;
            p->fft_in[i] = x * p->window[i];
        }
        s->meters.rms[c] = (float)sqrt(sum_sq / (double)n);
        s->meters.peak[c] = peak[c];
        if (wp_fft_forward_real(p->fft, p->fft_in, p->fft_out, p->fft_work) != WP_OK)
            return WP_ERR_INVALID_ARGUMENT;
        for (size_t k = 0; k < bins; k++) {
            float re = p->fft_out[2 * k], im = p->fft_out[2 * k + 1];
            p->power[k] += (re * re + im * im) * (1.0f / WP_PLAYER_CHANNELS);
        }
    }
    s->meters.clipped = clipped;
    wp_power_to_db(p->power, bins, (float)(gain * gain), (float)WP_PLAYER_SPECTRUM_FLOOR_DB, s->db);
    triple_publish(&p->snap_tb);
    p->analyzed64 = played64;
    p->analyzed_any = 1;
    return WP_OK;
}

int wp_player_read_snapshot(wp_player *p, float *out_db, size_t bins, wp_player_meters *meters)
{
    if (!p || (out_db && bins != p->cfg.spectrum_size / 2 + 1))
        return -1;
    int fresh = triple_take(&p->snap_tb);
    if (fresh)
        p->snap_read_any = 1;
    if (!p->snap_read_any)
        return -1;
    const snapshot *s = &p->snaps[p->snap_tb.front];
    if (out_db)
        memcpy(out_db, s->db, bins * sizeof(float));
    if (meters)
        *meters = s->meters;
    return fresh;
}

/* ----------------------------------------------------------------- status */

void wp_player_get_status_at(const wp_player *p, uint32_t played_index, wp_player_status *out)
{
    wp_player *q = (wp_player *)(uintptr_t)p;
    double rate = p->cfg.sample_rate;
    map_hit hit = map_lookup(p, played_index);
    memset(out, 0, sizeof *out);
    out->playing = atomic_load(&q->want_play);
    out->ended = atomic_load(&q->ended);
    out->source = (wp_player_source)atomic_load(&q->want_source);
    out->position_s = (double)hit.position / rate;
    out->duration_s = (double)hit.duration / rate;
    out->loop_enabled = atomic_load(&q->loop_enabled);
    out->loop_start_s = out->loop_enabled ? (double)atomic_load(&q->loop_start) / rate : 0.0;
    out->loop_end_s = out->loop_enabled ? (double)atomic_load(&q->loop_end) / rate : 0.0;
    out->frames_played = played64_at(p, played_index);
    out->underruns = wp_ring_underruns(p->ring);
    out->ring_frames = (uint32_t)wp_ring_readable(p->ring);
    out->target_frames = atomic_load(&q->target_frames);
    out->dsp_load = load_double(&q->load_bits);
    out->blocks_produced = atomic_load_explicit(&q->blocks, memory_order_relaxed);
}

void wp_player_get_status(const wp_player *p, wp_player_status *out)
{
    uint32_t r = atomic_load_explicit(ring_index(p->ring, WP_RING_OFFSET_READ), memory_order_acquire);
    wp_player_get_status_at(p, r, out);
}

/* ---------------------------------------------------------------- threads */

#ifdef WP_HAVE_THREADS
static void sleep_seconds(double s)
{
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

static void *producer_main(void *arg)
{
    wp_player *p = arg;
    const double nap = 0.25 * (double)p->cfg.block_frames / p->cfg.sample_rate;
    atomic_fetch_add(&p->running, 1);
    while (!atomic_load(&p->quit)) {
        (void)wp_player_produce(p);
        /* A quarter block: the audio thread may pull several quanta in a
         * burst, and the ring is refilled while it does. Sleeping a whole
         * block lost a quantum now and then at a 10 ms target in Chromium
         * (tests/e2e). */
        sleep_seconds(nap);
    }
    return NULL;
}

static void *analysis_main(void *arg)
{
    wp_player *p = arg;
    atomic_fetch_add(&p->running, 1);
    while (!atomic_load(&p->quit)) {
        uint32_t r = atomic_load_explicit(ring_index(p->ring, WP_RING_OFFSET_READ), memory_order_acquire);
        (void)wp_player_analyze(p, r);
        sleep_seconds(p->analysis_interval_ms * 0.001);
    }
    return NULL;
}

static void stop_threads(wp_player *p)
{
    atomic_store(&p->quit, 1);
    if (p->threads_started >= 1)
        pthread_join(p->producer_thread, NULL);
    if (p->threads_started >= 2)
        pthread_join(p->analysis_thread, NULL);
    p->threads_started = 0;
}
#endif

wp_status wp_player_start_threads(wp_player *p, double analysis_interval_ms)
{
    if (!p)
        return WP_ERR_INVALID_ARGUMENT;
    if (wp_check_range(analysis_interval_ms, 1.0, 1000.0) != WP_OK)
        return WP_ERR_OUT_OF_RANGE;
#ifdef WP_HAVE_THREADS
    if (p->threads_started)
        return WP_ERR_INVALID_ARGUMENT;
    p->analysis_interval_ms = analysis_interval_ms;
    if (pthread_create(&p->producer_thread, NULL, producer_main, p) != 0)
        return WP_ERR_THREAD;
    p->threads_started = 1;
    if (pthread_create(&p->analysis_thread, NULL, analysis_main, p) != 0) {
        stop_threads(p);
        atomic_store(&p->quit, 0);
        return WP_ERR_THREAD;
    }
    p->threads_started = 2;
    /* Native callers get running threads; the browser main thread must not
     * wait and polls wp_player_threads_running instead. */
    if (!wp_on_browser_main_thread())
        while (atomic_load(&p->running) < 2)
            sched_yield();
    return WP_OK;
#else
    return WP_ERR_THREAD;
#endif
}

int wp_player_threads_running(const wp_player *p)
{
    return atomic_load(&((wp_player *)(uintptr_t)p)->running) >= 2;
}

void wp_player_destroy(wp_player *p)
{
    if (!p)
        return;
#ifdef WP_HAVE_THREADS
    stop_threads(p);
#endif
    free_player(p);
}
