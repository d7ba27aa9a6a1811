/* Shared by the jobs_*.c files: the job handle, its body and helpers. */
#ifndef WAVEPOOL_JOBS_INTERNAL_H
#define WAVEPOOL_JOBS_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "wavepool/jobs.h"

/* A job's work: runs on a pool worker; returns the job's status. */
typedef wp_status (*job_body)(wp_job *job);

struct wp_job {
    wp_pool *pool;
    wp_task *task;        /* the caller's handle (set after submit returns) */
    wp_task *self;        /* the running task (set by the body at entry) */
    job_body body;
    void (*free_ctx)(void *ctx);
    void *ctx;
    _Atomic int started;
    _Atomic int refs;     /* handle + body */
    _Atomic size_t done;  /* progress units */
    size_t total;
};

size_t wp_jobs_chunk_frames(void);
int wp_job_cancelled(const wp_job *job);
/* Adds `units` done and publishes progress done / total. */
void wp_job_advance(wp_job *job, size_t units);
/* Allocates a job with `ctx` (freed by free_ctx on release) and submits it.
 * On failure frees ctx and returns the error. */
wp_status wp_job_start(wp_pool *pool, job_body body, void *ctx, void (*free_ctx)(void *), wp_job **out_job);
wp_status wp_jobs_check_track(const wp_track *track);
/* Copies the channel pointers (the caller's array may not outlive submit)
 * into `store` and points the track at it. */
void wp_jobs_keep_track(wp_track *track, float **store);

#endif
