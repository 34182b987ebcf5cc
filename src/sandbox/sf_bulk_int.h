/* Private interface of the Bulk API 2.0 emulation, shared by its files:
 * jobs and their states (sf_bulk_job.c), the worker thread that processes
 * them (sf_bulk_worker.c), ingest jobs (sf_bulk_ingest.c) and query jobs
 * (sf_bulk_query.c). CSV itself lives in sf_bulk_csv.h.
 *
 * Storage, in the sandbox's SQLite so jobs survive a restart:
 * - sf_bulk_jobs: one row per job, its info fields and its progress
 *   (cursor: where processing resumes in the uploaded data or the ids);
 * - sf_bulk_data: an ingest job's uploaded CSV, or a query job's result
 *   ids (SF_ID_LEN bytes each);
 * - sf_bulk_results: result rows as CSV lines (kind: success, failure,
 *   query row), numbered in order.
 * Every function here runs under ctx->lock. */
#ifndef CS_SANDBOX_SF_BULK_INT_H
#define CS_SANDBOX_SF_BULK_INT_H

#include "sandbox/sf_bulk_csv.h"
#include "sandbox/sf_int.h"

/* Documented limits (Bulk API 2.0 Developer Guide, "Limits"). */
#define SF_BULK_UPLOAD_MAX    ((size_t)150 * 1024 * 1024) /* bytes of CSV per ingest job */
#define SF_BULK_JOB_VERSION   410                         /* ingest jobs: v41.0 and later */
#define SF_BULK_QUERY_VERSION 470                         /* query jobs: v47.0 and later */

typedef enum sf_bulk_kind { SF_BULK_INGEST = 0, SF_BULK_QUERY = 1 } sf_bulk_kind;

typedef enum sf_bulk_result_kind {
    SF_BULK_OK = 0,
    SF_BULK_FAILED = 1,
    SF_BULK_ROW = 2 /* a query result row */
} sf_bulk_result_kind;

#define SF_BULK_NAME_MAX  128
#define SF_BULK_ERROR_MAX 600

typedef struct sf_bulk_job {
    char id[SF_ID_LEN + 1];
    sf_bulk_kind kind;
    char operation[16]; /* insert update upsert delete hardDelete query queryAll */
    char object[SF_BULK_NAME_MAX];
    char ext_field[SF_BULK_NAME_MAX]; /* upsert only; "" otherwise */
    char state[16];      /* Open UploadComplete InProgress JobComplete Failed Aborted */
    char delimiter[12];  /* COMMA ... */
    char line_ending[8]; /* LF CRLF */
    int version;         /* tenths */
    int64_t created_ms;
    int64_t modstamp_ms;
    char created_by[SF_ID_LEN + 1];
    int64_t processed;
    int64_t failed;
    int64_t total_ms;
    int64_t rows;   /* records in the data (or result ids); -1 until known */
    int64_t cursor; /* ingest: byte offset of the next row; query: next id */
    int64_t cursor_line;
    int64_t header_end; /* ingest: byte offset past the header row */
    char error[SF_BULK_ERROR_MAX];
} sf_bulk_job;

/* --- sf_bulk_job.c ---------------------------------------------------------- */

bool sf_bulk_terminal(const char *state);
/* 0 found, 1 no such job of that kind, -1 error. */
int sf_bulk_job_load(sb_ctx *ctx, const char *id, sf_bulk_kind kind, sf_bulk_job *job, cs_err *err);
int sf_bulk_job_insert(sb_ctx *ctx, const sf_bulk_job *job, const char *soql, cs_err *err);
/* Writes the progress and state fields back, stamping systemModstamp. */
int sf_bulk_job_save(sb_ctx *ctx, sf_bulk_job *job, cs_err *err);
/* A new job from the fields every job has; sets id, dates, creator. */
void sf_bulk_job_new(sf_tx *tx, sf_bulk_kind kind, sf_bulk_job *job);
/* Moves the job to Failed with message (numberRecordsProcessed stays). */
void sf_bulk_job_fail(sf_bulk_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef enum sf_bulk_view {
    SF_VIEW_CREATE,
    SF_VIEW_INFO,
    SF_VIEW_PATCH,
    SF_VIEW_LIST
} sf_bulk_view;
/* The job info JSON the API answers in each place. New ref. */
json_t *sf_bulk_job_json(const sf_bulk_job *job, sf_bulk_view view);

/* Reads columnDelimiter, lineEnding and contentType of a job creation
 * body into job; answers 400 JSON_PARSER_ERROR and returns -1 when one is
 * not a known value. */
int sf_bulk_job_options(json_t *body, sf_bulk_job *job, sb_response *res);
/* The job dialect (columnDelimiter, lineEnding). */
sf_csv_dialect sf_bulk_dialect(const sf_bulk_job *job);
/* Appends result lines of one job, through one prepared statement. */
typedef struct sf_bulk_writer {
    sb_ctx *ctx;
    sqlite3_stmt *st;
    const char *job; /* borrowed */
} sf_bulk_writer;
int sf_bulk_writer_open(sb_ctx *ctx, const char *job, sf_bulk_writer *w, cs_err *err);
/* seq numbers the lines of a kind in order. */
int sf_bulk_writer_add(sf_bulk_writer *w, sf_bulk_result_kind kind, int64_t seq, const char *line,
                       size_t len, cs_err *err);
void sf_bulk_writer_close(sf_bulk_writer *w);
/* A text column of the job (header, soql): owned copy, "" when empty. */
char *sf_bulk_job_text(sb_ctx *ctx, const char *id, const char *column);
int sf_bulk_job_set_text(sb_ctx *ctx, const char *id, const char *column, const char *text,
                         cs_err *err);
/* The {job} path parameter as an 18-character id, or NULL (answered 404). */
const char *sf_bulk_job_param(const sb_request *req, char out[SF_ID_LEN + 1], sb_response *res);
/* The job's uploaded data / query ids: *data owned (malloc), NULL when none. */
int sf_bulk_data_load(sb_ctx *ctx, const char *job, char **data, size_t *len, cs_err *err);
int sf_bulk_data_save(sb_ctx *ctx, const char *job, const void *data, size_t len, cs_err *err);
/* Answers a job-less request error: [{"errorCode","message"}]. */
void sf_bulk_respond(sb_response *res, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- sf_bulk_worker.c ---------------------------------------------------- */

/* Wakes the worker (starting it on first use): a job may have work. */
void sf_bulk_kick(sb_ctx *ctx);

/* --- sf_bulk_ingest.c / sf_bulk_query.c: one bounded step of processing --- */

/* Each advances an InProgress job by at most one chunk, saving its
 * progress; returns 1 when the job has more to do, 0 when it is finished,
 * -1 on an internal error (err). *cache is the step's private state kept
 * between steps of the same job (freed with the matching _free). */
int sf_bulk_ingest_step(sb_ctx *ctx, sf_bulk_job *job, void **cache, cs_err *err);
void sf_bulk_ingest_cache_free(void *cache);
int sf_bulk_query_step(sb_ctx *ctx, sf_bulk_job *job, cs_err *err);

#endif
