/* Bulk API 2.0 ingest job endpoints: create (POST /jobs/ingest), upload
 * the CSV (PUT /jobs/ingest/{id}/batches, once per job, while Open), and
 * the three result sets as CSV: successfulResults ("sf__Id","sf__Created",
 * the uploaded columns), failedResults ("sf__Id","sf__Error", the uploaded
 * columns) and unprocessedrecords (the uploaded rows no step reached, as
 * uploaded). Results can be read while the job runs: they hold what the
 * steps so far wrote. Processing itself is in sf_bulk_process.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_bulk_int.h"

static const char *const operations[] = {"insert", "update", "upsert", "delete", "hardDelete"};

static bool one_of(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, list[i]) == 0)
            return true;
    return false;
}

/* object, operation and externalIdFieldName against the schema. */
static int ingest_fields(sf_tx *tx, json_t *body, sf_bulk_job *job, sb_response *res)
{
    const char *object = json_string_value(json_object_get(body, "object"));
    const char *op = json_string_value(json_object_get(body, "operation"));
    const char *ext = json_string_value(json_object_get(body, "externalIdFieldName"));
    if (op != NULL && !one_of(op, operations, sizeof operations / sizeof operations[0])) {
        sf_bulk_respond(res, 400, "JSON_PARSER_ERROR",
                        "Cannot deserialize instance of OperationEnum from VALUE_STRING value "
                        "%.100s or request may be missing a required field",
                        op);
        return -1;
    }
    if (object == NULL || op == NULL) {
        sf_bulk_respond(res, 400, "INVALIDJOB", "InvalidJob : %s is required",
                        object == NULL ? "object" : "operation");
        return -1;
    }
    const sf_object *o = sf_schema_object(tx->schema, object);
    if (o == NULL) {
        sf_bulk_respond(res, 400, "INVALIDJOB", "InvalidJob : Unable to find object: %.100s",
                        object);
        return -1;
    }
    if (strcmp(op, "upsert") == 0 && (ext == NULL || ext[0] == '\0')) {
        sf_bulk_respond(res, 400, "INVALIDJOB",
                        "InvalidJob : External ID was blank for %s. An External ID must be "
                        "specified for upsert.",
                        o->name);
        return -1;
    }
    if (strcmp(op, "upsert") != 0 && ext != NULL) {
        sf_bulk_respond(res, 400, "INVALIDJOB",
                        "InvalidJob : External ID can only be specified for upsert operations");
        return -1;
    }
    const sf_field *f = ext ? sf_object_field(o, ext) : NULL;
    if (ext && (f == NULL || !(strcmp(f->name, "Id") == 0 || (f->flags & SF_F_EXT)))) {
        sf_bulk_respond(res, 400, "INVALIDJOB",
                        "InvalidJob : Field %.100s on %s is not an External ID or the Id field",
                        ext, o->name);
        return -1;
    }
    snprintf(job->object, sizeof job->object, "%s", o->name);
    snprintf(job->operation, sizeof job->operation, "%s", op);
    snprintf(job->ext_field, sizeof job->ext_field, "%s", f ? f->name : "");
    return 0;
}

void sf_h_bulk_ingest_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    if (v < SF_BULK_JOB_VERSION) {
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
        return;
    }
    char why[200];
    json_t *body = sb_body_json(req, why, sizeof why);
    if (!json_is_object(body)) {
        sf_bulk_respond(res, 400, "JSON_PARSER_ERROR", "Unexpected request body: %s",
                        body ? "not an object" : why);
        json_decref(body);
        return;
    }
    sf_tx tx;
    cs_err err;
    if (sf_tx_begin(ctx, &tx, v, &err) != 0) {
        sf_respond_internal(res, &err);
        json_decref(body);
        return;
    }
    sf_bulk_job job = {0};
    sf_bulk_job_new(&tx, SF_BULK_INGEST, &job);
    snprintf(job.state, sizeof job.state, "Open");
    if (sf_bulk_job_options(body, &job, res) == 0 && ingest_fields(&tx, body, &job, res) == 0) {
        if (sf_bulk_job_insert(ctx, &job, NULL, &err) != 0 || sf_tx_commit(&tx, &err) != 0)
            sf_respond_internal(res, &err);
        else
            sb_respond_json(res, 200, sf_bulk_job_json(&job, SF_VIEW_CREATE));
    }
    sf_tx_end(&tx);
    json_decref(body);
}

/* The job of an /jobs/ingest/{job}/... request: 0, or -1 when answered. */
static int ingest_job(sb_ctx *ctx, const sb_request *req, sb_response *res, sf_bulk_job *job)
{
    char id[SF_ID_LEN + 1];
    cs_err err;
    if (sf_version_or_404(req, res) < 0 || sf_bulk_job_param(req, id, res) == NULL)
        return -1;
    int rc = sf_bulk_job_load(ctx, id, SF_BULK_INGEST, job, &err);
    if (rc < 0)
        sf_respond_internal(res, &err);
    else if (rc == 1)
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
    return rc == 0 ? 0 : -1;
}

static bool has_data(sb_ctx *ctx, const char *job)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(ctx->db, "SELECT 1 FROM sf_bulk_data WHERE job = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

void sf_h_bulk_upload(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_bulk_job job = {0};
    if (ingest_job(ctx, req, res, &job) != 0)
        return;
    cs_err err;
    if (strcmp(job.state, "Open") != 0) {
        sf_bulk_respond(res, 409, "INVALIDJOBSTATE",
                        "Unable to upload data: job %s is in state %s, data can only be uploaded "
                        "to a job in state Open",
                        job.id, job.state);
    } else if (has_data(ctx, job.id)) {
        sf_bulk_respond(res, 409, "BULK_API_ERROR",
                        "Found multiple contents for job: <%s>, please 'Close' / 'Abort' / "
                        "'Delete' the current Job then create a new Job and make sure you only "
                        "do 'PUT' once on a given '/services/data/vXX.X/jobs/ingest/<jobId>/"
                        "batches' (multiple 'PUT's not supported)",
                        job.id);
    } else if (req->body_len > SF_BULK_UPLOAD_MAX) {
        sf_bulk_respond(res, 413, "BULK_API_ERROR",
                        "The upload of %zu bytes exceeds the limit of 150 MB of CSV per job",
                        req->body_len);
    } else if (sf_bulk_data_save(ctx, job.id, req->body, req->body_len, &err) != 0 ||
               sf_bulk_job_save(ctx, &job, &err) != 0) {
        sf_respond_internal(res, &err);
    } else {
        sb_respond_empty(res, 201);
    }
}

static void respond_csv(sb_response *res, cs_buf *body)
{
    res->status = 200;
    res->content_type = "text/csv";
    cs_buf taken = *body;
    cs_buf_init(body, taken.max);
    cs_buf_free(&res->body);
    res->body = taken;
}

/* successfulResults / failedResults: the stored lines after a header. */
static void respond_results(sb_ctx *ctx, const sb_request *req, sb_response *res,
                            sf_bulk_result_kind kind)
{
    sf_bulk_job job = {0};
    if (ingest_job(ctx, req, res, &job) != 0)
        return;
    sf_csv_dialect d = sf_bulk_dialect(&job);
    cs_buf body;
    cs_buf_init(&body, (size_t)SB_BODY_MAX * 4);
    char *header = sf_bulk_job_text(ctx, job.id, "header");
    int rc = sf_csv_put(&body, d, true, "sf__Id", 6);
    rc |= sf_csv_put(&body, d, false, kind == SF_BULK_OK ? "sf__Created" : "sf__Error",
                     kind == SF_BULK_OK ? 11 : 9);
    if (header && header[0]) {
        rc |= cs_buf_append(&body, &d.delim, 1);
        rc |= cs_buf_append_str(&body, header);
    }
    rc |= sf_csv_end_row(&body, d);
    free(header);
    sqlite3_stmt *st = NULL;
    if (rc == 0 && sqlite3_prepare_v2(ctx->db,
                                      "SELECT line FROM sf_bulk_results WHERE job = ? AND "
                                      "kind = ? ORDER BY seq",
                                      -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, job.id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)kind);
        while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
            rc |= cs_buf_append(&body, sqlite3_column_text(st, 0),
                                (size_t)sqlite3_column_bytes(st, 0));
            rc |= sf_csv_end_row(&body, d);
        }
    } else {
        rc = -1;
    }
    sqlite3_finalize(st);
    if (rc != 0)
        sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "results do not fit in one response");
    else
        respond_csv(res, &body);
    cs_buf_free(&body);
}

void sf_h_bulk_successful(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    respond_results(ctx, req, res, SF_BULK_OK);
}

void sf_h_bulk_failed(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    respond_results(ctx, req, res, SF_BULK_FAILED);
}

/* The header row and every row past the cursor, byte for byte as uploaded:
 * none once the job completed. */
void sf_h_bulk_unprocessed(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_bulk_job job = {0};
    if (ingest_job(ctx, req, res, &job) != 0)
        return;
    char *data = NULL;
    size_t len = 0;
    cs_err err;
    if (sf_bulk_data_load(ctx, job.id, &data, &len, &err) != 0) {
        sf_respond_internal(res, &err);
        return;
    }
    cs_buf body;
    cs_buf_init(&body, (size_t)SB_BODY_MAX * 4);
    size_t header_end = (size_t)job.header_end <= len ? (size_t)job.header_end : len;
    size_t from = (size_t)job.cursor <= len ? (size_t)job.cursor : len;
    int rc = 0;
    if (header_end == 0 || from == 0) {
        rc = cs_buf_append(&body, data ? data : "", len);
    } else {
        rc = cs_buf_append(&body, data, header_end);
        if (strcmp(job.state, "JobComplete") != 0)
            rc |= cs_buf_append(&body, data + from, len - from);
    }
    free(data);
    if (rc != 0)
        sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "records do not fit in one response");
    else
        respond_csv(res, &body);
    cs_buf_free(&body);
}
