/* The Bulk API job worker: one thread per sandbox, started the first time a
 * job needs processing, that moves jobs from UploadComplete through
 * InProgress to JobComplete or Failed, oldest first, in bounded steps. It
 * takes ctx->lock for one step at a time (a chunk of records, or one
 * query's scan) and lets requests in between, so a poller sees the job
 * advance and the rest of the API stays responsive during a 100k-record
 * job. All progress is in SQLite: after a restart, the first request about
 * a job that was not finished wakes the worker, which resumes it where the
 * last step left it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sf_bulk_int.h"

/* Pause between steps, so waiting requests take the lock. */
#define STEP_PAUSE_US 200

typedef struct bulk_worker {
    pthread_t thread;
    pthread_cond_t wake;
    bool kicked;
    bool stop;
    char cache_job[SF_ID_LEN + 1]; /* the job the ingest cache belongs to */
    void *cache;
} bulk_worker;

static void drop_cache(bulk_worker *w)
{
    sf_bulk_ingest_cache_free(w->cache);
    w->cache = NULL;
    w->cache_job[0] = '\0';
}

/* The oldest job that has work: 0 found, 1 none, -1 error. */
static int next_job(sb_ctx *ctx, sf_bulk_job *job, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT id, kind FROM sf_bulk_jobs WHERE state IN "
                           "('UploadComplete', 'InProgress') ORDER BY created_ms, id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
    char id[SF_ID_LEN + 1] = "";
    sf_bulk_kind kind = SF_BULK_INGEST;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
        kind = sqlite3_column_int(st, 1) == 1 ? SF_BULK_QUERY : SF_BULK_INGEST;
    }
    sqlite3_finalize(st);
    if (id[0] == '\0')
        return 1;
    return sf_bulk_job_load(ctx, id, kind, job, err);
}

/* One step of the oldest pending job: 1 when work remains, 0 idle. */
static int step(sb_ctx *ctx, bulk_worker *w)
{
    sf_bulk_job job = {0};
    cs_err err;
    int rc = next_job(ctx, &job, &err);
    if (rc != 0) {
        /* Idle: an aborted job's upload is not kept in memory. */
        drop_cache(w);
        return 0;
    }
    if (strcmp(job.state, "UploadComplete") == 0) {
        /* Picked up: a poller sees InProgress before any result. */
        snprintf(job.state, sizeof job.state, "InProgress");
        return sf_bulk_job_save(ctx, &job, &err) == 0 ? 1 : 0;
    }
    if (strcmp(w->cache_job, job.id) != 0)
        drop_cache(w);
    int64_t start = cs_time_monotonic_ms();
    int64_t before = job.total_ms;
    if (job.kind == SF_BULK_INGEST) {
        snprintf(w->cache_job, sizeof w->cache_job, "%s", job.id);
        rc = sf_bulk_ingest_step(ctx, &job, &w->cache, &err);
    } else {
        rc = sf_bulk_query_step(ctx, &job, &err);
    }
    if (rc < 0) {
        /* An internal error fails the job rather than retrying forever. */
        sf_bulk_job_load(ctx, job.id, job.kind, &job, NULL);
        sf_bulk_job_fail(&job, "InternalServerError : %s", err.message);
        sf_bulk_job_save(ctx, &job, NULL);
    } else if (job.total_ms == before) {
        job.total_ms += cs_time_monotonic_ms() - start;
        sf_bulk_job_save(ctx, &job, NULL);
    }
    if (rc <= 0)
        drop_cache(w);
    return 1;
}

static void *worker_main(void *arg)
{
    sb_ctx *ctx = arg;
    bulk_worker *w = ctx->sf_bulk;
    pthread_mutex_lock(&ctx->lock);
    while (!w->stop) {
        w->kicked = false;
        if (step(ctx, w) > 0) {
            pthread_mutex_unlock(&ctx->lock);
            usleep(STEP_PAUSE_US);
            pthread_mutex_lock(&ctx->lock);
        } else if (!w->kicked && !w->stop) {
            pthread_cond_wait(&w->wake, &ctx->lock);
        }
    }
    drop_cache(w);
    pthread_mutex_unlock(&ctx->lock);
    return NULL;
}

void sf_bulk_kick(sb_ctx *ctx)
{
    bulk_worker *w = ctx->sf_bulk;
    if (w == NULL) {
        w = calloc(1, sizeof *w);
        if (w == NULL)
            return;
        pthread_cond_init(&w->wake, NULL);
        ctx->sf_bulk = w;
        /* Signals stay with the threads that wait for them. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        int rc = pthread_create(&w->thread, NULL, worker_main, ctx);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0) {
            pthread_cond_destroy(&w->wake);
            free(w);
            ctx->sf_bulk = NULL;
            return;
        }
    }
    w->kicked = true;
    pthread_cond_signal(&w->wake);
}

void sf_bulk_dispose(sb_ctx *ctx)
{
    bulk_worker *w = ctx->sf_bulk;
    if (w == NULL)
        return;
    pthread_mutex_lock(&ctx->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&ctx->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    free(w);
    ctx->sf_bulk = NULL;
}
