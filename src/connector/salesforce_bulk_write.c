/* Salesforce writes through one Bulk API 2.0 ingest job (insert, update),
 * as jsforce's bulk2 makes them:
 *
 *   POST  /jobs/ingest {object, operation, contentType: CSV, lineEnding: LF}
 *   PUT   /jobs/ingest/{id}/batches            the CSV (text/csv)
 *   PATCH /jobs/ingest/{id} {state: UploadComplete}
 *   GET   /jobs/ingest/{id} ...                until it ends (salesforce_bulk.c)
 *   GET   /jobs/ingest/{id}/successfulResults  "sf__Id","sf__Created",<columns>
 *   GET   /jobs/ingest/{id}/failedResults      "sf__Id","sf__Error",<columns>
 *   GET   /jobs/ingest/{id}/unprocessedrecords <columns>
 *
 * Results do not come in input order and carry no input index: each result
 * row is matched to its input by the cells it echoes (for an update, the Id
 * among them); identical rows are interchangeable. A refused record keeps
 * the R9 category of its sf__Error code (R4: Salesforce's own message); a
 * record no step reached is NOT_SENT.
 *
 * A job is told to the journal (cs_connector_set_bulk_journal) as soon as
 * it exists and until its results are read, because a job runs on its own
 * once closed: a process that dies or loses the answers must not look its
 * records up by email while the job may still create more. When the end of
 * a job cannot be seen, it is aborted and waited for; failing that, the
 * call fails (not as a network error, which would start a lookup) with the
 * id kept, and the next pass settles it (cs_connector_bulk_settle) before
 * it reads anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/bulk_csv.h"
#include "connector/salesforce_int.h"

#define BODY_MAX ((size_t)150 * 1024 * 1024) /* CSV per job (Bulk API 2.0 limit) */

typedef struct ingest {
    cs_connector *c;
    const char *object;
    cs_write_kind kind;
    const cs_write_input *in;
    cs_write_result *res;
    size_t n;
    json_t *queue; /* row key -> array of input indices not yet given a result */
    char id[CS_CONNECTOR_ID_MAX];
    bool journaled;
} ingest;

/* A typed value as CSV text: "" leaves a field as it is, #N/A clears it. */
static int cell_text(const json_t *v, bool update, cs_buf *b)
{
    char num[CS_VALUE_NUMBER_MAX];
    if (v == NULL || json_is_null(v))
        return cs_buf_append_str(b, update ? "#N/A" : "");
    if (json_is_string(v))
        return cs_buf_append(b, json_string_value(v), json_string_length(v));
    if (json_is_boolean(v))
        return cs_buf_append_str(b, json_is_true(v) ? "true" : "false");
    if (json_is_integer(v)) {
        (void)snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return cs_buf_append_str(b, num);
    }
    cs_err ignored = {0};
    if (cs_value_number_from_double(json_real_value(v), num, &ignored) != 0)
        return -1;
    return cs_buf_append_str(b, num);
}

/* Appends the cells of record rec under columns to csv and its key (the
 * cells joined by a unit separator) to key. */
static int put_row(const json_t *columns, const json_t *rec, bool update, cs_buf *csv, cs_buf *key)
{
    cs_buf cell;
    cs_buf_init(&cell, CS_VALUE_TEXT_MAX * 2);
    int rc = 0;
    size_t i;
    const json_t *col;
    json_array_foreach(columns, i, col)
    {
        const char *name = json_string_value(col);
        cs_buf_reset(&cell);
        const json_t *v = json_object_get(rec, strcmp(name, "Id") == 0 ? "id" : name);
        /* a field the record does not set stays as it is */
        if (v != NULL)
            rc |= cell_text(v, update, &cell);
        rc |= cs_csv_put(csv, cell.data ? cell.data : "", cell.len, i == 0);
        rc |= (i ? cs_buf_append(key, "\x1f", 1) : 0) |
              cs_buf_append(key, cell.data ? cell.data : "", cell.len);
    }
    cs_buf_free(&cell);
    return rc | cs_csv_end_row(csv);
}

/* The columns of the job: Id for updates, then every field any record sets. */
static json_t *columns_of(json_t *const *recs, size_t n, bool update)
{
    json_t *cols = json_array();
    json_t *seen = json_object();
    if (cols == NULL || seen == NULL)
        goto fail;
    if (update && json_array_append_new(cols, json_string("Id")) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        const char *k;
        json_t *v;
        json_object_foreach(recs[i], k, v)
        {
            (void)v;
            if (strcmp(k, "attributes") == 0 || strcmp(k, "id") == 0 ||
                json_object_get(seen, k) != NULL)
                continue;
            if (json_object_set_new(seen, k, json_true()) != 0 ||
                json_array_append_new(cols, json_string(k)) != 0)
                goto fail;
        }
    }
    json_decref(seen);
    return cols;
fail:
    json_decref(cols);
    json_decref(seen);
    return NULL;
}

static void job_path(const ingest *g, const char *tail, char *out, size_t size)
{
    (void)snprintf(out, size, "%s/jobs/ingest%s%s%s%s", cs_sfc_prefix(g->c), g->id[0] ? "/" : "",
                   g->id, tail[0] ? "/" : "", tail);
}

static int journal(ingest *g, bool open, cs_err *err)
{
    const cs_sfc_conn *sc = (const cs_sfc_conn *)g->c;
    if (sc->bulk_job == NULL || g->journaled == open)
        return 0;
    if (sc->bulk_job(sc->bulk_ud, g->id, open, err) != 0)
        return -1;
    g->journaled = open;
    return 0;
}

/* PATCH the job's state; 0 also when it has ended already (409). */
static int set_state(cs_connector *c, const char *path, const char *state, cs_err *err)
{
    json_t *body = json_pack("{s:s}", "state", state);
    cs_http_request req = {.method = CS_HTTP_PATCH, .path = path};
    cs_http_response resp;
    cs_http_response_init(&resp);
    int rc = body ? cs_conn_call(c, true, &req, body, NULL, &resp, err)
                  : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (rc != 0 && resp.status == 409 && strcmp(state, "Aborted") == 0)
        rc = 0;
    json_decref(body);
    cs_http_response_dispose(&resp);
    return rc;
}

/* Gives the input whose row key matches the result its outcome. */
static int take(ingest *g, const cs_csv_row *row, size_t from, size_t *index)
{
    cs_buf key;
    cs_buf_init(&key, BODY_MAX);
    int rc = 0;
    for (size_t k = from; k < row->n; k++)
        rc |= (k > from ? cs_buf_append(&key, "\x1f", 1) : 0) |
              cs_buf_append(&key, row->cells[k], row->lens[k]);
    json_t *q = rc == 0 ? json_object_get(g->queue, cs_buf_str(&key)) : NULL;
    cs_buf_free(&key);
    if (json_array_size(q) == 0)
        return -1;
    *index = (size_t)json_integer_value(json_array_get(q, 0));
    json_array_remove(q, 0);
    return 0;
}

typedef enum result_set { RS_OK, RS_FAILED, RS_UNPROCESSED } result_set;

static void give(ingest *g, result_set set, const cs_csv_row *row, size_t i, const char *state)
{
    cs_write_result *r = &g->res[i];
    if (set == RS_OK) {
        const char *id = row->cells[0][0] ? row->cells[0] : (g->in[i].id ? g->in[i].id : "");
        cs_write_result_ok(r, id, g->kind == CS_WRITE_CREATE);
        return;
    }
    if (set == RS_FAILED) {
        char code[CS_WRITE_CODE_MAX], msg[CS_WRITE_MESSAGE_MAX], fields[CS_WRITE_FIELDS_MAX];
        cs_csv_sf_error(row->cells[1], code, sizeof code, msg, sizeof msg, fields, sizeof fields);
        if (msg[0] == '\0')
            (void)snprintf(msg, sizeof msg, "Salesforce refused the record");
        cs_write_result_refuse(r, cs_conn_category_salesforce(code),
                               code[0] ? code : "UNKNOWN_ERROR", fields, msg);
        return;
    }
    r->status = CS_WRITE_NOT_SENT;
    (void)snprintf(r->message, sizeof r->message,
                   "not processed: Bulk API job %s ended %s before reaching it", g->id, state);
}

/* Reads one result set and hands each row to its input. */
static int read_results(ingest *g, const char *tail, result_set set, const char *state, cs_err *err)
{
    char path[400];
    job_path(g, tail, path, sizeof path);
    cs_http_kv accept = {"Accept", "text/csv"};
    cs_http_request req = {.method = CS_HTTP_GET,
                           .path = path,
                           .headers = &accept,
                           .nheaders = 1,
                           .idempotency = CS_HTTP_IDEMPOTENT};
    cs_http_response resp;
    cs_http_response_init(&resp);
    if (cs_sfc_bulk_raw(g->c, false, &req, &resp, err) != 0) {
        cs_http_response_dispose(&resp);
        return cs_err_prefix(err, "reading %s of Bulk API job %s: ", tail, g->id);
    }
    cs_csv_row row;
    cs_csv_row_init(&row);
    const char *text = resp.body.data ? resp.body.data : "";
    size_t at = 0, line = 0;
    size_t from = set == RS_UNPROCESSED ? 0 : 2;
    int rc = cs_csv_read(text, resp.body.len, &at, &line, &row, err); /* the header */
    while (rc == 1) {
        rc = cs_csv_read(text, resp.body.len, &at, &line, &row, err);
        size_t i;
        if (rc == 1 && row.n >= from && take(g, &row, from, &i) == 0)
            give(g, set, &row, i, state);
    }
    cs_csv_row_dispose(&row);
    cs_http_response_dispose(&resp);
    return rc < 0 ? cs_err_prefix(err, "%s of Bulk API job %s: ", tail, g->id) : 0;
}

/* Marks what the job's results did not say: unknown for creates when the
 * job may have written them (a lookup by email finds them, the job having
 * ended), not sent otherwise. */
static void leftovers(ingest *g, bool maybe_written)
{
    const char *k;
    json_t *q;
    json_object_foreach(g->queue, k, q)
    {
        size_t j;
        json_t *ix;
        json_array_foreach(q, j, ix)
        {
            cs_write_result *r = &g->res[json_integer_value(ix)];
            if (r->status != CS_WRITE_NOT_SENT)
                continue;
            r->status = g->kind == CS_WRITE_CREATE && maybe_written ? CS_WRITE_UNKNOWN : r->status;
            (void)snprintf(r->message, sizeof r->message,
                           "Bulk API job %s gave no result for this record", g->id);
        }
    }
}

/* The job's end could not be seen: abort it and wait for its end (*info). */
static int rescue(ingest *g, cs_err *why, json_t **info)
{
    char path[400];
    job_path(g, "", path, sizeof path);
    cs_err e2 = {0};
    if (cs_http_client_stopped(g->c->http) || set_state(g->c, path, "Aborted", &e2) != 0 ||
        cs_sfc_bulk_wait(g->c, true, g->id, info, &e2) != 0) {
        /* still not known: the id stays in the journal for the next pass */
        for (size_t i = 0; i < g->n; i++)
            if (g->kind == CS_WRITE_CREATE && g->res[i].status == CS_WRITE_NOT_SENT)
                g->res[i].status = CS_WRITE_UNKNOWN;
        if (why->category != CS_ERR_RATE_LIMIT && !cs_http_client_stopped(g->c->http))
            why->category = CS_ERR_REMOTE_FAILED;
        return cs_err_prefix(why, "Bulk API job %s (kept to be settled by the next pass): ", g->id);
    }
    return 0; /* ended: its results can be read */
}

static int run_job(ingest *g, const char *csv, size_t csv_len, cs_err *err)
{
    char path[400];
    job_path(g, "", path, sizeof path);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s}", "object", g->object, "operation",
                             g->kind == CS_WRITE_CREATE ? "insert" : "update", "contentType", "CSV",
                             "lineEnding", "LF", "columnDelimiter", "COMMA");
    cs_http_request create = {.method = CS_HTTP_POST, .path = path};
    json_t *ans = NULL;
    int rc = body ? cs_conn_call(g->c, true, &create, body, &ans, NULL, err)
                  : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    json_decref(body);
    const char *id = json_string_value(json_object_get(ans, "id"));
    if (rc == 0 && (id == NULL || strlen(id) >= sizeof g->id))
        rc = cs_err_set(err, CS_ERR_INVALID_INPUT, "an ingest job was created without an id");
    if (rc == 0)
        (void)snprintf(g->id, sizeof g->id, "%s", id);
    json_decref(ans);
    if (rc != 0)
        return cs_err_prefix(err, "creating a Bulk API ingest job for %s: ", g->object);
    job_path(g, "", path, sizeof path);
    cs_err ignored = {0};
    if (journal(g, true, err) != 0) {
        (void)set_state(g->c, path, "Aborted", &ignored);
        return -1;
    }
    /* Until UploadComplete nothing is processed: a failure aborts the job
     * and every record is known not to be written. */
    char batches[400];
    job_path(g, "batches", batches, sizeof batches);
    cs_http_request put = {.method = CS_HTTP_PUT,
                           .path = batches,
                           .body = csv,
                           .body_len = csv_len,
                           .content_type = "text/csv",
                           .idempotency = CS_HTTP_IDEMPOTENT};
    cs_http_response resp;
    cs_http_response_init(&resp);
    rc = cs_sfc_bulk_raw(g->c, true, &put, &resp, err);
    cs_http_response_dispose(&resp);
    if (rc != 0) {
        if (set_state(g->c, path, "Aborted", &ignored) == 0)
            (void)journal(g, false, &ignored);
        return cs_err_prefix(err, "uploading Bulk API job %s: ", g->id);
    }
    cs_http_response_init(&resp);
    json_t *close = json_pack("{s:s}", "state", "UploadComplete");
    cs_http_request patch = {.method = CS_HTTP_PATCH, .path = path};
    rc = close ? cs_conn_call(g->c, true, &patch, close, NULL, &resp, err)
               : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    json_decref(close);
    bool unknown = resp.outcome_unknown || resp.status == 0 || resp.status >= 500;
    cs_http_response_dispose(&resp);
    if (rc != 0 && !unknown) {
        /* refused: the job never started */
        if (set_state(g->c, path, "Aborted", &ignored) == 0)
            (void)journal(g, false, &ignored);
        return cs_err_prefix(err, "closing Bulk API job %s: ", g->id);
    }
    json_t *info = NULL;
    cs_err werr = {0};
    if (rc != 0 || cs_sfc_bulk_wait(g->c, true, g->id, &info, &werr) != 0) {
        if (rc == 0)
            *err = werr;
        if (rescue(g, err, &info) != 0)
            return -1;
    }
    char state[32];
    (void)snprintf(state, sizeof state, "%s",
                   json_string_value(json_object_get(info, "state"))
                       ? json_string_value(json_object_get(info, "state"))
                       : "?");
    char why[300];
    const char *msg = json_string_value(json_object_get(info, "errorMessage"));
    (void)snprintf(why, sizeof why, "%s", msg ? msg : "");
    json_decref(info);
    bool failed = strcmp(state, "Failed") == 0; /* failed as a whole: nothing written */
    rc = failed ? 0 : read_results(g, "successfulResults", RS_OK, state, err);
    rc = rc ? rc : read_results(g, "failedResults", RS_FAILED, state, err);
    rc = rc ? rc : read_results(g, "unprocessedrecords", RS_UNPROCESSED, state, err);
    leftovers(g, !failed);
    if (rc != 0)
        return -1; /* creates left UNKNOWN are looked up: the job has ended */
    (void)journal(g, false, &ignored);
    if (failed)
        return cs_err_set(err, CS_ERR_REMOTE_REJECTED, "Bulk API job %s failed: %.250s", g->id,
                          why[0] ? why : "no message");
    /* records no step reached are not done: the call fails so the pass
     * keeps its cursor and the next one writes them */
    size_t undone = 0;
    for (size_t i = 0; i < g->n; i++)
        undone += g->res[i].status == CS_WRITE_NOT_SENT && g->in[i].fields != NULL &&
                  g->res[i].message[0] != '\0';
    if (undone > 0)
        return cs_err_set(err, CS_ERR_REMOTE_FAILED,
                          "%zu records were not processed: Bulk API job %s ended %s", undone, g->id,
                          state);
    return 0;
}

int cs_sfc_write_bulk(cs_connector *c, const char *object, cs_write_kind kind,
                      const cs_write_input *in, size_t n, cs_write_result *res, cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    ingest g = {.c = c, .object = object, .kind = kind, .in = in, .res = res, .n = n};
    json_t **recs = calloc(n, sizeof *recs);
    g.queue = json_object();
    cs_buf csv, key;
    cs_buf_init(&csv, BODY_MAX);
    cs_buf_init(&key, BODY_MAX);
    json_t *cols = NULL;
    int rc = recs && g.queue ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t m = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (kind == CS_WRITE_UPDATE && !cs_sfc_id_ok(in[i].id)) {
            cs_write_result_refuse(&res[i], CS_CAT_PROPERTY_VALUES, "MALFORMED_ID", "Id",
                                   "not a Salesforce id");
            continue;
        }
        recs[i] = cs_sfc_prepare(c, object, s, kind, &in[i], &res[i]);
        m += recs[i] != NULL;
    }
    if (rc == 0 && m > 0) {
        json_t **sent = calloc(m, sizeof *sent);
        size_t k = 0;
        for (size_t i = 0; sent && i < n; i++)
            if (recs[i] != NULL)
                sent[k++] = recs[i];
        cols = sent ? columns_of(sent, m, kind == CS_WRITE_UPDATE) : NULL;
        free(sent);
        rc = cols ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    size_t j;
    const json_t *col;
    json_array_foreach(cols, j, col) rc |=
        cs_csv_put(&csv, json_string_value(col), json_string_length(col), j == 0);
    if (cols != NULL)
        rc |= cs_csv_end_row(&csv);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (recs[i] == NULL)
            continue;
        cs_buf_reset(&key);
        if (put_row(cols, recs[i], kind == CS_WRITE_UPDATE, &csv, &key) != 0) {
            rc = cs_err_set(err, CS_ERR_INVALID_INPUT,
                            "the records to %s do not fit one Bulk API job (150 MB)", object);
            break;
        }
        json_t *q = json_object_get(g.queue, cs_buf_str(&key));
        if (q == NULL) {
            q = json_array();
            if (q == NULL || json_object_set_new(g.queue, cs_buf_str(&key), q) != 0)
                rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
        if (rc == 0 && json_array_append_new(q, json_integer((json_int_t)i)) != 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    if (rc == 0 && m > 0)
        rc = run_job(&g, cs_buf_str(&csv), csv.len, err);
    for (size_t i = 0; recs && i < n; i++)
        json_decref(recs[i]);
    free(recs);
    json_decref(cols);
    json_decref(g.queue);
    cs_buf_free(&csv);
    cs_buf_free(&key);
    return rc;
}

int cs_sfc_bulk_settle(cs_connector *c, const char *job_id, cs_err *err)
{
    char path[400];
    (void)snprintf(path, sizeof path, "%s/jobs/ingest/%s", cs_sfc_prefix(c), job_id);
    cs_http_request get = {.method = CS_HTTP_GET, .path = path};
    cs_http_response resp;
    cs_http_response_init(&resp);
    json_t *info = NULL;
    int rc = cs_conn_call(c, false, &get, NULL, &info, &resp, err);
    long status = resp.status;
    cs_http_response_dispose(&resp);
    if (rc != 0)
        return status == 404 ? 0 : cs_err_prefix(err, "settling Bulk API job %s: ", job_id);
    const char *state = json_string_value(json_object_get(info, "state"));
    bool ended = state != NULL && strcmp(state, "Open") != 0 &&
                 strcmp(state, "UploadComplete") != 0 && strcmp(state, "InProgress") != 0;
    json_decref(info);
    if (ended)
        return 0;
    if (set_state(c, path, "Aborted", err) != 0)
        return cs_err_prefix(err, "settling Bulk API job %s: ", job_id);
    info = NULL;
    rc = cs_sfc_bulk_wait(c, true, job_id, &info, err);
    json_decref(info);
    return rc;
}
