/* Bulk API 2.0 jobs: their tables, their info as each endpoint shows it,
 * and the endpoints every job shares: get info, list, change state
 * (UploadComplete, Aborted) and delete, under /jobs/ingest and /jobs/query.
 *
 * States move Open -> UploadComplete -> InProgress -> JobComplete | Failed,
 * or to Aborted on request while not finished; the worker thread
 * (sf_bulk_worker.c) does everything after UploadComplete. Jobs in a final
 * state are kept seven days, as Salesforce keeps them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_bulk_int.h"

#define RESULTS_LIFESPAN_MS (7LL * 24 * 60 * 60 * 1000)
#define LIST_MAX            1000

int sf_bulk_init(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(
        ctx,
        "CREATE TABLE IF NOT EXISTS sf_bulk_jobs("
        "  id TEXT PRIMARY KEY, kind INTEGER NOT NULL, operation TEXT NOT NULL,"
        "  object TEXT NOT NULL, ext_field TEXT NOT NULL, state TEXT NOT NULL,"
        "  delimiter TEXT NOT NULL, line_ending TEXT NOT NULL,"
        "  version INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
        "  modstamp_ms INTEGER NOT NULL, created_by TEXT NOT NULL,"
        "  processed INTEGER NOT NULL, failed INTEGER NOT NULL,"
        "  total_ms INTEGER NOT NULL, rows INTEGER NOT NULL,"
        "  cursor INTEGER NOT NULL, cursor_line INTEGER NOT NULL,"
        "  header_end INTEGER NOT NULL, error TEXT NOT NULL,"
        "  header TEXT NOT NULL DEFAULT '', soql TEXT NOT NULL DEFAULT '');"
        "CREATE INDEX IF NOT EXISTS sf_bulk_jobs_state ON sf_bulk_jobs(state);"
        "CREATE TABLE IF NOT EXISTS sf_bulk_data(job TEXT PRIMARY KEY, data BLOB NOT NULL);"
        "CREATE TABLE IF NOT EXISTS sf_bulk_results(job TEXT NOT NULL,"
        "  kind INTEGER NOT NULL, seq INTEGER NOT NULL, line TEXT NOT NULL,"
        "  PRIMARY KEY(job, kind, seq)) WITHOUT ROWID;",
        err);
}

static int db_error(sb_ctx *ctx, cs_err *err)
{
    return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
}

bool sf_bulk_terminal(const char *state)
{
    return strcmp(state, "JobComplete") == 0 || strcmp(state, "Failed") == 0 ||
           strcmp(state, "Aborted") == 0;
}

#define JOB_COLUMNS                                                                                \
    "id, kind, operation, object, ext_field, state, delimiter, line_ending, version, "             \
    "created_ms, modstamp_ms, created_by, processed, failed, total_ms, rows, cursor, "             \
    "cursor_line, header_end, error"

static void copy_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

static void read_job(sqlite3_stmt *st, sf_bulk_job *job)
{
    memset(job, 0, sizeof *job);
    copy_text(st, 0, job->id, sizeof job->id);
    job->kind = sqlite3_column_int(st, 1) == 1 ? SF_BULK_QUERY : SF_BULK_INGEST;
    copy_text(st, 2, job->operation, sizeof job->operation);
    copy_text(st, 3, job->object, sizeof job->object);
    copy_text(st, 4, job->ext_field, sizeof job->ext_field);
    copy_text(st, 5, job->state, sizeof job->state);
    copy_text(st, 6, job->delimiter, sizeof job->delimiter);
    copy_text(st, 7, job->line_ending, sizeof job->line_ending);
    job->version = sqlite3_column_int(st, 8);
    job->created_ms = sqlite3_column_int64(st, 9);
    job->modstamp_ms = sqlite3_column_int64(st, 10);
    copy_text(st, 11, job->created_by, sizeof job->created_by);
    job->processed = sqlite3_column_int64(st, 12);
    job->failed = sqlite3_column_int64(st, 13);
    job->total_ms = sqlite3_column_int64(st, 14);
    job->rows = sqlite3_column_int64(st, 15);
    job->cursor = sqlite3_column_int64(st, 16);
    job->cursor_line = sqlite3_column_int64(st, 17);
    job->header_end = sqlite3_column_int64(st, 18);
    copy_text(st, 19, job->error, sizeof job->error);
}

int sf_bulk_job_load(sb_ctx *ctx, const char *id, sf_bulk_kind kind, sf_bulk_job *job, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT " JOB_COLUMNS " FROM sf_bulk_jobs WHERE id = ?", -1,
                           &st, NULL) != SQLITE_OK)
        return db_error(ctx, err);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int out = 1;
    if (rc == SQLITE_ROW) {
        sf_bulk_job tmp;
        read_job(st, &tmp);
        if (tmp.kind == kind) {
            *job = tmp;
            out = 0;
        }
    } else if (rc != SQLITE_DONE) {
        out = db_error(ctx, err);
    }
    sqlite3_finalize(st);
    return out;
}

static void bind_job(sqlite3_stmt *st, const sf_bulk_job *job)
{
    sqlite3_bind_text(st, 1, job->id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)job->kind);
    sqlite3_bind_text(st, 3, job->operation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, job->object, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, job->ext_field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, job->state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, job->delimiter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, job->line_ending, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, job->version);
    sqlite3_bind_int64(st, 10, job->created_ms);
    sqlite3_bind_int64(st, 11, job->modstamp_ms);
    sqlite3_bind_text(st, 12, job->created_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, job->processed);
    sqlite3_bind_int64(st, 14, job->failed);
    sqlite3_bind_int64(st, 15, job->total_ms);
    sqlite3_bind_int64(st, 16, job->rows);
    sqlite3_bind_int64(st, 17, job->cursor);
    sqlite3_bind_int64(st, 18, job->cursor_line);
    sqlite3_bind_int64(st, 19, job->header_end);
    sqlite3_bind_text(st, 20, job->error, -1, SQLITE_STATIC);
}

static int run_bound(sb_ctx *ctx, const char *sql, const sf_bulk_job *job, const char *soql,
                     cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(ctx, err);
    bind_job(st, job);
    if (soql)
        sqlite3_bind_text(st, 21, soql, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ctx, err);
    sqlite3_finalize(st);
    return rc;
}

/* Removes jobs (and their data and results) chosen by where, which binds
 * ?1 (text) and ?2 (integer). */
static int delete_jobs(sb_ctx *ctx, const char *where, const char *text, int64_t num, cs_err *err)
{
    static const char *const tables[][2] = {
        {"DELETE FROM sf_bulk_results WHERE job IN (SELECT id FROM sf_bulk_jobs WHERE ", ")"},
        {"DELETE FROM sf_bulk_data WHERE job IN (SELECT id FROM sf_bulk_jobs WHERE ", ")"},
        {"DELETE FROM sf_bulk_jobs WHERE ", ""},
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[400];
        int n = snprintf(sql, sizeof sql, "%s%s%s", tables[i][0], where, tables[i][1]);
        if (n < 0 || (size_t)n >= sizeof sql)
            return cs_err_set(err, CS_ERR_INTERNAL, "bulk job delete statement too long");
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
            return db_error(ctx, err);
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, num);
        int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ctx, err);
        sqlite3_finalize(st);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Jobs in a final state past their lifespan go. */
static int purge_old(sb_ctx *ctx, cs_err *err)
{
    return delete_jobs(ctx,
                       "?1 IS NOT NULL AND modstamp_ms < ?2 AND "
                       "state IN ('JobComplete', 'Failed', 'Aborted')",
                       "", cs_time_now_ms() - RESULTS_LIFESPAN_MS, err);
}

int sf_bulk_job_insert(sb_ctx *ctx, const sf_bulk_job *job, const char *soql, cs_err *err)
{
    if (purge_old(ctx, err) != 0)
        return -1;
    return run_bound(ctx,
                     "INSERT INTO sf_bulk_jobs(" JOB_COLUMNS ", soql) VALUES (?1, ?2, ?3, ?4, ?5, "
                     "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
                     "coalesce(?21, ''))",
                     job, soql, err);
}

int sf_bulk_job_save(sb_ctx *ctx, sf_bulk_job *job, cs_err *err)
{
    int64_t now = cs_time_now_ms();
    job->modstamp_ms = now > job->modstamp_ms ? now : job->modstamp_ms;
    return run_bound(ctx,
                     "UPDATE sf_bulk_jobs SET state = ?6, modstamp_ms = ?11, processed = ?13, "
                     "failed = ?14, total_ms = ?15, rows = ?16, cursor = ?17, cursor_line = ?18, "
                     "header_end = ?19, error = ?20 WHERE id = ?1",
                     job, NULL, err);
}

void sf_bulk_job_new(sf_tx *tx, sf_bulk_kind kind, sf_bulk_job *job)
{
    static const sf_object job_object = {.name = "AsyncApexJob", .key_prefix = "750"};
    memset(job, 0, sizeof *job);
    sf_store_new_id(tx, &job_object, job->id);
    job->kind = kind;
    job->version = tx->version;
    job->created_ms = job->modstamp_ms = tx->stamp_ms;
    snprintf(job->created_by, sizeof job->created_by, "%s", tx->user_id);
    job->rows = -1;
    snprintf(job->delimiter, sizeof job->delimiter, "COMMA");
    snprintf(job->line_ending, sizeof job->line_ending, "LF");
    tx->wrote = true;
}

void sf_bulk_job_fail(sf_bulk_job *job, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->error, sizeof job->error, fmt, ap);
    va_end(ap);
    snprintf(job->state, sizeof job->state, "Failed");
}

sf_csv_dialect sf_bulk_dialect(const sf_bulk_job *job)
{
    sf_csv_dialect d = {',', false};
    sf_csv_dialect_parse(job->delimiter, job->line_ending, &d);
    return d;
}

static void set_time(json_t *o, const char *key, int64_t ms)
{
    char text[CS_TIME_TEXT_MAX];
    cs_time_format_salesforce(ms, text);
    json_object_set_new(o, key, json_string(text));
}

json_t *sf_bulk_job_json(const sf_bulk_job *job, sf_bulk_view view)
{
    bool ingest = job->kind == SF_BULK_INGEST;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(job->id));
    json_object_set_new(o, "operation", json_string(job->operation));
    json_object_set_new(o, "object", json_string(job->object));
    json_object_set_new(o, "createdById", json_string(job->created_by));
    set_time(o, "createdDate", job->created_ms);
    set_time(o, "systemModstamp", job->modstamp_ms);
    json_object_set_new(o, "state", json_string(job->state));
    if (ingest && job->ext_field[0])
        json_object_set_new(o, "externalIdFieldName", json_string(job->ext_field));
    json_object_set_new(o, "concurrencyMode", json_string("Parallel"));
    json_object_set_new(o, "contentType", json_string("CSV"));
    json_object_set_new(o, "apiVersion", json_real(job->version / 10.0));
    if (view == SF_VIEW_PATCH)
        return o;
    if (view == SF_VIEW_CREATE && ingest) {
        char url[120];
        snprintf(url, sizeof url, "services/data/v%d.%d/jobs/ingest/%s/batches", job->version / 10,
                 job->version % 10, job->id);
        json_object_set_new(o, "contentUrl", json_string(url));
    }
    if (view != SF_VIEW_CREATE)
        json_object_set_new(o, "jobType", json_string(ingest ? "V2Ingest" : "V2Query"));
    json_object_set_new(o, "lineEnding", json_string(job->line_ending));
    json_object_set_new(o, "columnDelimiter", json_string(job->delimiter));
    if (view != SF_VIEW_INFO)
        return o;
    json_object_set_new(o, "numberRecordsProcessed", json_integer(job->processed));
    if (ingest)
        json_object_set_new(o, "numberRecordsFailed", json_integer(job->failed));
    json_object_set_new(o, "retries", json_integer(0));
    json_object_set_new(o, "totalProcessingTime", json_integer(job->total_ms));
    if (ingest) {
        json_object_set_new(o, "apiActiveProcessingTime", json_integer(job->total_ms));
        json_object_set_new(o, "apexProcessingTime", json_integer(0));
        if (strcmp(job->state, "Failed") == 0 && job->error[0])
            json_object_set_new(o, "errorMessage", json_string(job->error));
    } else {
        json_object_set_new(o, "isPkChunkingSupported", json_false());
    }
    return o;
}

/* --- results, data, text columns ------------------------------------------ */

int sf_bulk_writer_open(sb_ctx *ctx, const char *job, sf_bulk_writer *w, cs_err *err)
{
    w->ctx = ctx;
    w->job = job;
    w->st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT OR REPLACE INTO sf_bulk_results(job, kind, seq, line) "
                           "VALUES (?, ?, ?, ?)",
                           -1, &w->st, NULL) != SQLITE_OK)
        return db_error(ctx, err);
    return 0;
}

int sf_bulk_writer_add(sf_bulk_writer *w, sf_bulk_result_kind kind, int64_t seq, const char *line,
                       size_t len, cs_err *err)
{
    sqlite3_bind_text(w->st, 1, w->job, -1, SQLITE_STATIC);
    sqlite3_bind_int(w->st, 2, (int)kind);
    sqlite3_bind_int64(w->st, 3, seq);
    sqlite3_bind_text64(w->st, 4, line, len, SQLITE_STATIC, SQLITE_UTF8);
    int rc = sqlite3_step(w->st) == SQLITE_DONE ? 0 : db_error(w->ctx, err);
    sqlite3_reset(w->st);
    return rc;
}

void sf_bulk_writer_close(sf_bulk_writer *w)
{
    sqlite3_finalize(w->st);
    w->st = NULL;
}

int sf_bulk_data_load(sb_ctx *ctx, const char *job, char **data, size_t *len, cs_err *err)
{
    *data = NULL;
    *len = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT data FROM sf_bulk_data WHERE job = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(ctx, err);
    sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        const void *blob = sqlite3_column_blob(st, 0);
        char *copy = malloc(n + 1);
        if (copy == NULL) {
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        } else {
            if (n)
                memcpy(copy, blob, n);
            copy[n] = '\0';
            *data = copy;
            *len = n;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int sf_bulk_data_save(sb_ctx *ctx, const char *job, const void *data, size_t len, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "INSERT OR REPLACE INTO sf_bulk_data(job, data) VALUES (?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(ctx, err);
    sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 2, len ? data : "", len, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ctx, err);
    sqlite3_finalize(st);
    return rc;
}

char *sf_bulk_job_text(sb_ctx *ctx, const char *id, const char *column)
{
    char sql[100];
    snprintf(sql, sizeof sql, "SELECT %s FROM sf_bulk_jobs WHERE id = ?",
             strcmp(column, "soql") == 0 ? "soql" : "header");
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        const unsigned char *t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
        out = strdup(t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    return out;
}

int sf_bulk_job_set_text(sb_ctx *ctx, const char *id, const char *column, const char *text,
                         cs_err *err)
{
    char sql[100];
    snprintf(sql, sizeof sql, "UPDATE sf_bulk_jobs SET %s = ? WHERE id = ?",
             strcmp(column, "soql") == 0 ? "soql" : "header");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(ctx, err);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ctx, err);
    sqlite3_finalize(st);
    return rc;
}

/* --- shared endpoint helpers ------------------------------------------------ */

void sf_bulk_respond(sb_response *res, int status, const char *code, const char *fmt, ...)
{
    char msg[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sf_respond_error(res, status, code, msg);
}

const char *sf_bulk_job_param(const sb_request *req, char out[SF_ID_LEN + 1], sb_response *res)
{
    const char *id = sb_param(req, "job");
    if (id == NULL || sf_id_normalize(id, out) != 0 || strncmp(out, "750", 3) != 0) {
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
        return NULL;
    }
    return out;
}

static sf_bulk_kind path_kind(const sb_request *req)
{
    return strstr(req->path, "/jobs/query") ? SF_BULK_QUERY : SF_BULK_INGEST;
}

/* Version check and job lookup for /jobs/{kind}/{job}...: 0 with *job
 * loaded, or -1 when answered. */
static int find_job(sb_ctx *ctx, const sb_request *req, sb_response *res, sf_bulk_job *job)
{
    char id[SF_ID_LEN + 1];
    cs_err err;
    if (sf_version_or_404(req, res) < 0 || sf_bulk_job_param(req, id, res) == NULL)
        return -1;
    int rc = sf_bulk_job_load(ctx, id, path_kind(req), job, &err);
    if (rc < 0)
        sf_respond_internal(res, &err);
    else if (rc == 1)
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
    return rc == 0 ? 0 : -1;
}

int sf_bulk_job_options(json_t *body, sf_bulk_job *job, sb_response *res)
{
    static const struct {
        const char *key, *type;
    } enums[] = {{"columnDelimiter", "ColumnDelimiterEnum"},
                 {"lineEnding", "LineEndingEnum"},
                 {"contentType", "ContentType"}};
    for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++) {
        json_t *v = json_object_get(body, enums[i].key);
        if (v == NULL || json_is_null(v))
            continue;
        const char *text = json_string_value(v);
        sf_csv_dialect d;
        bool ok = text != NULL;
        if (ok && i == 0)
            ok = sf_csv_dialect_parse(text, NULL, &d) == 0;
        else if (ok && i == 1)
            ok = sf_csv_dialect_parse(NULL, text, &d) == 0;
        else if (ok)
            ok = strcmp(text, "CSV") == 0;
        if (!ok) {
            sf_bulk_respond(res, 400, "JSON_PARSER_ERROR",
                            "Cannot deserialize instance of %s from VALUE_STRING value %.100s or "
                            "request may be missing a required field",
                            enums[i].type, text ? text : "(not a string)");
            return -1;
        }
        if (i == 0)
            snprintf(job->delimiter, sizeof job->delimiter, "%s", text);
        else if (i == 1)
            snprintf(job->line_ending, sizeof job->line_ending, "%s", text);
    }
    return 0;
}

void sf_h_bulk_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_bulk_job job = {0};
    if (find_job(ctx, req, res, &job) != 0)
        return;
    /* A poller after a restart finds its job moving again. */
    if (!sf_bulk_terminal(job.state) && strcmp(job.state, "Open") != 0)
        sf_bulk_kick(ctx);
    sb_respond_json(res, 200, sf_bulk_job_json(&job, SF_VIEW_INFO));
}

static const char *state_verb(const char *target)
{
    return strcmp(target, "Aborted") == 0 ? "Aborting" : "Closing";
}

void sf_h_bulk_patch(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_bulk_job job = {0};
    if (find_job(ctx, req, res, &job) != 0)
        return;
    char why[200];
    json_t *body = sb_body_json(req, why, sizeof why);
    const char *target = json_string_value(json_object_get(body, "state"));
    cs_err err;
    if (body == NULL || !json_is_object(body)) {
        sf_bulk_respond(res, 400, "JSON_PARSER_ERROR", "Unexpected request body: %s",
                        body ? "not an object" : why);
    } else if (target == NULL ||
               (strcmp(target, "Aborted") != 0 &&
                (job.kind == SF_BULK_QUERY || strcmp(target, "UploadComplete") != 0))) {
        sf_bulk_respond(res, 400, "INVALIDJOBSTATE", "Invalid state change requested: %s",
                        target ? target : "(none)");
    } else if (sf_bulk_terminal(job.state) ||
               (strcmp(target, "UploadComplete") == 0 && strcmp(job.state, "Open") != 0)) {
        /* "Aborting already Completed Job not allowed" */
        const char *now = strcmp(job.state, "JobComplete") == 0 ? "Completed" : job.state;
        sf_bulk_respond(res, 409, "INVALIDJOBSTATE", "%s already %s Job not allowed",
                        state_verb(target), now);
    } else {
        snprintf(job.state, sizeof job.state, "%s", target);
        if (sf_bulk_job_save(ctx, &job, &err) != 0) {
            sf_respond_internal(res, &err);
        } else {
            if (strcmp(target, "UploadComplete") == 0)
                sf_bulk_kick(ctx);
            sb_respond_json(res, 200, sf_bulk_job_json(&job, SF_VIEW_PATCH));
        }
    }
    json_decref(body);
}

void sf_h_bulk_delete(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_bulk_job job = {0};
    if (find_job(ctx, req, res, &job) != 0)
        return;
    /* Only a job no one is writing to or processing can go. */
    if (strcmp(job.state, "Open") == 0 || strcmp(job.state, "InProgress") == 0) {
        sf_bulk_respond(res, 409, "INVALIDJOBSTATE",
                        "Deleting a job in state %s not allowed: abort it first", job.state);
        return;
    }
    cs_err err;
    if (delete_jobs(ctx, "id = ?1 AND ?2 = 0", job.id, 0, &err) != 0) {
        sf_respond_internal(res, &err);
        return;
    }
    sb_respond_empty(res, 204);
}

void sf_h_bulk_list(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    if (sf_version_or_404(req, res) < 0)
        return;
    sqlite3_stmt *st = NULL;
    cs_err err;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT " JOB_COLUMNS " FROM sf_bulk_jobs WHERE kind = ? "
                           "ORDER BY created_ms DESC, id DESC LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK) {
        db_error(ctx, &err);
        sf_respond_internal(res, &err);
        return;
    }
    sqlite3_bind_int(st, 1, (int)path_kind(req));
    sqlite3_bind_int(st, 2, LIST_MAX);
    json_t *records = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        sf_bulk_job job = {0};
        read_job(st, &job);
        json_array_append_new(records, sf_bulk_job_json(&job, SF_VIEW_LIST));
    }
    sqlite3_finalize(st);
    sb_respond_json(res, 200,
                    json_pack("{s:b,s:o,s:n}", "done", 1, "records", records, "nextRecordsUrl"));
}
