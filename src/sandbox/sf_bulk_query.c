/* Bulk API 2.0 query jobs: create (POST /jobs/query), processing, and the
 * results (GET /jobs/query/{id}/results?locator=&maxRecords=).
 *
 * The SOQL goes through the REST query's own parser, checks and evaluation
 * (sf_query_prepare / sf_query_ids in sf_query.c), so a query job returns
 * the same records in the same order as GET /query for the same text. The
 * first step runs the scan and keeps the matching ids; later steps render
 * them, a chunk at a time, into CSV rows stored in sf_bulk_results, so the
 * pages are a snapshot of the records when the job ran. Every cell is
 * quoted; null is an empty cell; datetimes end in Z; a parent path
 * (Account.Name) is a column of its own, as Salesforce writes them.
 *
 * Paging: a locator is the offset of the first row of the next page, in
 * base64 without padding ("MTAwMDA" for 10000), as Salesforce's look;
 * Sforce-Locator is the literal "null" on the last page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_bulk_int.h"

#define RENDER_CHUNK   2000
#define PAGE_BYTES_MAX (SB_BODY_MAX - 1024u * 1024u)

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void locator_encode(int64_t offset, char out[32])
{
    char dec[24];
    int n = snprintf(dec, sizeof dec, "%lld", (long long)offset);
    size_t o = 0;
    for (int i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)dec[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)dec[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)dec[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
}

/* The offset a locator names; -1 when it is not one of ours. */
static int64_t locator_decode(const char *loc)
{
    char dec[24];
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;
    for (const char *p = loc; *p && *p != '='; p++) {
        const char *c = strchr(b64, *p);
        if (c == NULL || *p == '\0')
            return -1;
        v = (v << 6) | (unsigned)(c - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n + 1 >= sizeof dec)
                return -1;
            dec[n++] = (char)((v >> bits) & 0xff);
        }
    }
    dec[n] = '\0';
    if (n == 0 || strspn(dec, "0123456789") != n)
        return -1;
    return strtoll(dec, NULL, 10);
}

/* Answers and returns -1 when the query is something Bulk queries do not
 * serve: COUNT(), OFFSET (a job pages through locators instead) and compound
 * (address) fields. */
static int bulk_servable(const sf_qresult *q, sb_response *res)
{
    if (q->is_count) {
        sf_bulk_respond(res, 400, "INVALIDJOB",
                        "InvalidJob : Aggregate queries are not supported in Bulk API 2.0 query "
                        "jobs");
        return -1;
    }
    if (q->has_offset) {
        sf_bulk_respond(res, 400, "INVALIDJOB",
                        "InvalidJob : OFFSET is not supported in Bulk API 2.0 query jobs");
        return -1;
    }
    for (size_t i = 0; i < q->nsel; i++) {
        const sf_field *f = q->sel[i].target_field ? q->sel[i].target_field : q->sel[i].field;
        if (f->type == SF_T_ADDRESS) {
            sf_bulk_respond(res, 400, "INVALIDJOB",
                            "InvalidJob : Selecting compound data not supported in Bulk Query");
            return -1;
        }
    }
    return 0;
}

/* Checks the options and the SOQL, then stores the job, ready to run. */
static void create_job(sf_tx *tx, json_t *body, const char *op, const char *soql, sb_response *res)
{
    sf_bulk_job job = {0};
    sf_qresult q;
    cs_err err;
    sf_bulk_job_new(tx, SF_BULK_QUERY, &job);
    if (sf_bulk_job_options(body, &job, res) != 0)
        return;
    if (sf_query_prepare(tx, soql, &q, res) == 0 && bulk_servable(&q, res) == 0) {
        snprintf(job.operation, sizeof job.operation, "%s", op);
        snprintf(job.object, sizeof job.object, "%s", q.o->name);
        snprintf(job.state, sizeof job.state, "UploadComplete");
        if (sf_bulk_job_insert(tx->ctx, &job, soql, &err) != 0 || sf_tx_commit(tx, &err) != 0) {
            sf_respond_internal(res, &err);
        } else {
            sf_bulk_kick(tx->ctx);
            sb_respond_json(res, 200, sf_bulk_job_json(&job, SF_VIEW_CREATE));
        }
    }
    sf_qresult_dispose(&q);
}

void sf_h_bulk_query_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    if (v < SF_BULK_QUERY_VERSION) {
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
        return;
    }
    char why[200];
    json_t *body = sb_body_json(req, why, sizeof why);
    const char *op = json_string_value(json_object_get(body, "operation"));
    const char *soql = json_string_value(json_object_get(body, "query"));
    if (!json_is_object(body)) {
        sf_bulk_respond(res, 400, "JSON_PARSER_ERROR", "Unexpected request body: %s",
                        body ? "not an object" : why);
    } else if (op == NULL || soql == NULL) {
        sf_bulk_respond(res, 400, "INVALIDJOB", "InvalidJob : %s is required",
                        op == NULL ? "operation" : "query");
    } else if (strcmp(op, "query") != 0 && strcmp(op, "queryAll") != 0) {
        sf_bulk_respond(res, 400, "JSON_PARSER_ERROR",
                        "Cannot deserialize instance of OperationEnum from VALUE_STRING value "
                        "%.100s or request may be missing a required field",
                        op);
    } else {
        sf_tx tx;
        cs_err err;
        if (sf_tx_begin(ctx, &tx, v, &err) != 0) {
            sf_respond_internal(res, &err);
        } else {
            create_job(&tx, body, op, soql, res);
            sf_tx_end(&tx);
        }
    }
    json_decref(body);
}

/* --- processing ----------------------------------------------------------- */

/* The text of a value as the Bulk API writes it. */
static int put_value(cs_buf *out, sf_csv_dialect d, const sf_field *f, json_t *v)
{
    if (v == NULL || json_is_null(v))
        return sf_csv_put(out, d, false, "", 0);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (f->type == SF_T_DATETIME && n > 5 && strcmp(s + n - 5, "+0000") == 0) {
            char z[48];
            snprintf(z, sizeof z, "%.*sZ", (int)(n - 5), s);
            return sf_csv_put(out, d, false, z, strlen(z));
        }
        return sf_csv_put(out, d, false, s, n);
    }
    if (json_is_boolean(v))
        return sf_csv_put(out, d, false, json_is_true(v) ? "true" : "false",
                          json_is_true(v) ? 4 : 5);
    char *text = json_dumps(v, JSON_ENCODE_ANY | sb_json_real_flags(v));
    int rc = text ? sf_csv_put(out, d, false, text, strlen(text)) : -1;
    free(text);
    return rc;
}

/* One CSV row for a stored record (without its row ending). */
static int render_row(sf_tx *tx, const sf_qresult *q, const char *id, json_t *cache,
                      sf_csv_dialect d, cs_buf *line, bool *found, cs_err *err)
{
    json_t *data = NULL;
    bool deleted = false;
    int rc = sf_store_get(tx, id, &data, &deleted, err);
    *found = rc == 0;
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    cs_buf_reset(line);
    /* Each cell after the first is put with its delimiter: a leading one is
     * dropped below. */
    int bad = 0;
    for (size_t i = 0; i < q->nsel; i++) {
        const sf_qpath *p = &q->sel[i];
        json_t *v;
        if (p->target_field == NULL) {
            v = sf_render_value(q->o, p->field, data, deleted);
        } else {
            const char *pid = json_string_value(json_object_get(data, p->field->name));
            json_t *parent = pid ? sf_store_parent(tx, cache, pid) : NULL;
            v = parent ? sf_render_value(p->target, p->target_field, parent, false) : NULL;
        }
        bad |= put_value(line, d, p->target_field ? p->target_field : p->field, v);
        json_decref(v);
    }
    json_decref(data);
    if (bad != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "query row too long");
    return 0;
}

static int header_text(const sf_qresult *q, sf_csv_dialect d, char **out)
{
    cs_buf h;
    cs_buf_init(&h, 1u << 20);
    int rc = 0;
    for (size_t i = 0; i < q->nsel; i++) {
        const sf_qpath *p = &q->sel[i];
        char name[300];
        if (p->target_field)
            snprintf(name, sizeof name, "%s.%s", p->field->relationship, p->target_field->name);
        else
            snprintf(name, sizeof name, "%s", p->field->name);
        rc |= sf_csv_put(&h, d, i == 0, name, strlen(name));
    }
    *out = rc == 0 ? cs_buf_take(&h) : NULL;
    cs_buf_free(&h);
    return *out ? 0 : -1;
}

/* Reads ids [from, from + n) of the job's stored ids. */
static int read_ids(sb_ctx *ctx, const char *job, int64_t from, size_t n, char *out, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 rowid = -1;
    if (sqlite3_prepare_v2(ctx->db, "SELECT rowid FROM sf_bulk_data WHERE job = ?", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            rowid = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_blob *blob = NULL;
    if (rowid < 0 ||
        sqlite3_blob_open(ctx->db, "main", "sf_bulk_data", "data", rowid, 0, &blob) != SQLITE_OK)
        return cs_err_set(err, CS_ERR_STORE, "query job %s: result ids missing", job);
    int rc = sqlite3_blob_read(blob, out, (int)(n * SF_ID_LEN), (int)(from * SF_ID_LEN));
    sqlite3_blob_close(blob);
    if (rc != SQLITE_OK)
        return cs_err_set(err, CS_ERR_STORE, "query job %s: result ids unreadable", job);
    return 0;
}

/* The message of an error answer, for the job's failure. */
static void answer_message(const sb_response *res, char *out, size_t size)
{
    json_t *arr = json_loads(cs_buf_str(&res->body), 0, NULL);
    const char *msg = json_string_value(json_object_get(json_array_get(arr, 0), "message"));
    snprintf(out, size, "%s", msg ? msg : "query failed");
    json_decref(arr);
}

static int scan_step(sf_tx *tx, sf_bulk_job *job, sf_qresult *q, cs_err *err)
{
    if (sf_query_ids(tx, q, strcmp(job->operation, "queryAll") == 0, err) != 0)
        return -1;
    char *header = NULL;
    if (header_text(q, sf_bulk_dialect(job), &header) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    int rc = sf_bulk_job_set_text(tx->ctx, job->id, "header", header, err);
    free(header);
    if (rc == 0)
        rc = sf_bulk_data_save(tx->ctx, job->id, q->ids, q->n * SF_ID_LEN, err);
    job->rows = (int64_t)q->n;
    job->cursor = 0;
    return rc;
}

static int render_step(sf_tx *tx, sf_bulk_job *job, sf_qresult *q, cs_err *err)
{
    size_t n = (size_t)(job->rows - job->cursor);
    n = n < RENDER_CHUNK ? n : RENDER_CHUNK;
    char *ids = malloc(n * SF_ID_LEN + 1);
    if (ids == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sf_bulk_writer w;
    int rc = read_ids(tx->ctx, job->id, job->cursor, n, ids, err);
    if (rc == 0)
        rc = sf_bulk_writer_open(tx->ctx, job->id, &w, err);
    if (rc != 0) {
        free(ids);
        return -1;
    }
    cs_buf line;
    cs_buf_init(&line, (size_t)SB_BODY_MAX);
    json_t *cache = json_object();
    sf_csv_dialect d = sf_bulk_dialect(job);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char id[SF_ID_LEN + 1];
        memcpy(id, ids + i * SF_ID_LEN, SF_ID_LEN);
        id[SF_ID_LEN] = '\0';
        bool found = false;
        rc = render_row(tx, q, id, cache, d, &line, &found, err);
        /* Put with a delimiter before every cell: drop the first. */
        if (rc == 0 && found)
            rc = sf_bulk_writer_add(&w, SF_BULK_ROW, job->processed, line.data + 1, line.len - 1,
                                    err);
        if (rc == 0 && found)
            job->processed++;
    }
    json_decref(cache);
    cs_buf_free(&line);
    sf_bulk_writer_close(&w);
    free(ids);
    job->cursor += (int64_t)n;
    return rc;
}

int sf_bulk_query_step(sb_ctx *ctx, sf_bulk_job *job, cs_err *err)
{
    sf_tx tx;
    if (sf_tx_begin(ctx, &tx, job->version, err) != 0)
        return -1;
    char *soql = sf_bulk_job_text(ctx, job->id, "soql");
    sb_response scratch;
    memset(&scratch, 0, sizeof scratch);
    cs_buf_init(&scratch.body, 1u << 16);
    sf_qresult q;
    int rc = 0;
    if (soql == NULL) {
        rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    } else if (sf_query_prepare(&tx, soql, &q, &scratch) != 0) {
        /* The schema changed since the job was created. */
        char msg[SF_BULK_ERROR_MAX];
        answer_message(&scratch, msg, sizeof msg);
        sf_bulk_job_fail(job, "%s", msg);
    } else if (job->rows < 0) {
        rc = scan_step(&tx, job, &q, err);
    } else {
        rc = render_step(&tx, job, &q, err);
    }
    if (soql != NULL)
        sf_qresult_dispose(&q);
    free(soql);
    cs_buf_free(&scratch.body);
    if (rc == 0 && job->rows >= 0 && job->cursor >= job->rows &&
        strcmp(job->state, "InProgress") == 0)
        snprintf(job->state, sizeof job->state, "JobComplete");
    if (rc == 0)
        rc = sf_bulk_job_save(ctx, job, err);
    if (rc == 0)
        rc = sf_tx_commit(&tx, err);
    sf_tx_end(&tx);
    if (rc != 0)
        return -1;
    return strcmp(job->state, "InProgress") == 0 ? 1 : 0;
}

/* --- results ---------------------------------------------------------------- */

void sf_h_bulk_query_results(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    char id[SF_ID_LEN + 1];
    cs_err err;
    sf_bulk_job job = {0};
    if (sf_version_or_404(req, res) < 0 || sf_bulk_job_param(req, id, res) == NULL)
        return;
    int rc = sf_bulk_job_load(ctx, id, SF_BULK_QUERY, &job, &err);
    if (rc != 0) {
        if (rc < 0)
            sf_respond_internal(res, &err);
        else
            sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
        return;
    }
    if (strcmp(job.state, "JobComplete") != 0) {
        sf_bulk_respond(res, 412, "JOB_NOT_COMPLETE",
                        "can only download query results of successfully completed bulk job "
                        "with status: JOB_COMPLETE. Current status: %s",
                        strcmp(job.state, "InProgress") == 0       ? "IN_PROGRESS"
                        : strcmp(job.state, "UploadComplete") == 0 ? "UPLOAD_COMPLETE"
                        : strcmp(job.state, "Failed") == 0         ? "FAILED"
                                                                   : "ABORTED");
        return;
    }
    const char *loc = sb_query(req, "locator");
    const char *max_text = sb_query(req, "maxRecords");
    int64_t from = loc && loc[0] ? locator_decode(loc) : 0;
    char *end = NULL;
    long long max = max_text ? strtoll(max_text, &end, 10) : -1;
    if (from < 0 || from > job.processed) {
        sf_bulk_respond(res, 400, "INVALID_LOCATOR", "Invalid locator: %.100s", loc);
        return;
    }
    if (max_text && (end == max_text || *end != '\0' || max <= 0)) {
        sf_bulk_respond(res, 400, "INVALIDREQUEST", "maxRecords must be a positive integer: %.40s",
                        max_text);
        return;
    }
    sf_csv_dialect d = sf_bulk_dialect(&job);
    cs_buf body;
    cs_buf_init(&body, (size_t)SB_BODY_MAX * 4);
    char *header = sf_bulk_job_text(ctx, job.id, "header");
    int bad = header ? cs_buf_append_str(&body, header) : -1;
    bad |= sf_csv_end_row(&body, d);
    free(header);
    int64_t count = 0;
    sqlite3_stmt *st = NULL;
    if (bad == 0 && sqlite3_prepare_v2(ctx->db,
                                       "SELECT line FROM sf_bulk_results WHERE job = ? AND "
                                       "kind = 2 AND seq >= ? ORDER BY seq LIMIT ?",
                                       -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, job.id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, from);
        sqlite3_bind_int64(st, 3, max > 0 ? max : -1);
        /* Without maxRecords a page holds what fits in one response. */
        while (bad == 0 && body.len < PAGE_BYTES_MAX && sqlite3_step(st) == SQLITE_ROW) {
            bad |= cs_buf_append(&body, sqlite3_column_text(st, 0),
                                 (size_t)sqlite3_column_bytes(st, 0));
            bad |= sf_csv_end_row(&body, d);
            count++;
        }
    } else {
        bad = -1;
    }
    sqlite3_finalize(st);
    if (bad != 0) {
        cs_buf_free(&body);
        sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "results page too large");
        return;
    }
    char locator[32] = "null", num[32];
    if (from + count < job.processed)
        locator_encode(from + count, locator);
    snprintf(num, sizeof num, "%lld", (long long)count);
    res->status = 200;
    res->content_type = "text/csv";
    cs_buf_free(&res->body);
    res->body = body;
    sb_response_header(res, "Sforce-Locator", locator);
    sb_response_header(res, "Sforce-NumberOfRecords", num);
}
