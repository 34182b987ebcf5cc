/* Salesforce Bulk API 2.0 jobs, as jsforce's bulk2 drives them: the calls
 * about a job (guarded by the R6 budget and counted like every other call),
 * polling a job with backoff until it ends (the wait ends on the stop
 * signal), and query jobs for full reads:
 *
 *   SELECT COUNT() FROM X [WHERE ...]           one REST call decides
 *   POST /jobs/query {operation: query, query}  above the threshold
 *   GET /jobs/query/{id} ...                    until JobComplete
 *   GET /jobs/query/{id}/results?maxRecords=N[&locator=L]
 *                                               pages until Sforce-Locator is "null"
 *
 * A page is held as CSV text and handed out a bounded number of rows at a
 * time, each row a JSON object column -> string (null for an empty cell:
 * the Bulk API writes null as an empty cell, and Salesforce keeps no empty
 * strings), which the REST path's record conversion then types through the
 * describe metadata. The job is deleted once read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/bulk_csv.h"
#include "connector/salesforce_int.h"
#include "core/timeutil.h"

#define POLL_FIRST_MS 200
#define POLL_MAX_MS   5000
#define POLL_LIMIT_MS (30LL * 60 * 1000) /* a job still running after this fails the read */
/* Bytes a page of results may take in memory, by an estimate of 32 bytes
 * per cell; maxRecords between these: */
#define PAGE_BYTES    ((size_t)8 * 1024 * 1024)
#define PAGE_ROWS_MIN 2000
#define PAGE_ROWS_MAX 50000

void cs_connector_set_bulk_threshold(cs_connector *c, size_t threshold)
{
    if (c != NULL && c->ops->kind == CS_CONNECTOR_SALESFORCE)
        ((cs_sfc_conn *)c)->bulk_threshold = threshold;
}

void cs_connector_set_bulk_journal(cs_connector *c, cs_bulk_job_fn fn, void *ud)
{
    if (c == NULL || c->ops->kind != CS_CONNECTOR_SALESFORCE)
        return;
    ((cs_sfc_conn *)c)->bulk_job = fn;
    ((cs_sfc_conn *)c)->bulk_ud = ud;
}

int cs_sfc_bulk_raw(cs_connector *c, bool write, const cs_http_request *req, cs_http_response *resp,
                    cs_err *err)
{
    if (c->guard != NULL && c->guard(c->guard_ud, write, err) != 0) {
        resp->status = 0; /* nothing was sent: a known outcome */
        return -1;
    }
    if (write)
        c->write_calls++;
    else
        c->read_calls++;
    return cs_http_request_send(c->http, req, resp, err);
}

static bool running(const char *state)
{
    return state == NULL || strcmp(state, "Open") == 0 || strcmp(state, "UploadComplete") == 0 ||
           strcmp(state, "InProgress") == 0;
}

int cs_sfc_bulk_wait(cs_connector *c, bool ingest, const char *id, json_t **info, cs_err *err)
{
    char path[300];
    (void)snprintf(path, sizeof path, "%s/jobs/%s/%s", cs_sfc_prefix(c),
                   ingest ? "ingest" : "query", id);
    int64_t wait = POLL_FIRST_MS;
    int64_t began = cs_time_monotonic_ms();
    *info = NULL;
    for (;;) {
        cs_http_request req = {.method = CS_HTTP_GET, .path = path};
        json_t *ans = NULL;
        if (cs_conn_call(c, false, &req, NULL, &ans, NULL, err) != 0)
            return cs_err_prefix(err, "polling Bulk API job %s: ", id);
        const char *state = json_string_value(json_object_get(ans, "state"));
        if (!running(state)) {
            *info = ans;
            return 0;
        }
        json_decref(ans);
        if (cs_time_monotonic_ms() - began > POLL_LIMIT_MS)
            return cs_err_set(err, CS_ERR_REMOTE_FAILED,
                              "Bulk API job %s is still %s after %lld minutes", id, state,
                              POLL_LIMIT_MS / 60000);
        cs_http_client_sleep(c->http, wait);
        if (cs_http_client_stopped(c->http))
            return cs_err_set(err, CS_ERR_NETWORK,
                              "stopped on signal while waiting for Bulk API job %s", id);
        wait = wait * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : wait * 3 / 2;
    }
}

/* ---- query jobs ------------------------------------------------------------- */

struct cs_sfc_bulk_query {
    cs_connector *conn;
    char id[CS_CONNECTOR_ID_MAX];
    char locator[128]; /* the next page's; "" before the first */
    size_t page_rows;  /* maxRecords */
    cs_http_response page;
    size_t at;         /* read position in page.body */
    size_t line;       /* lines read of the page */
    bool have_page;    /* page holds an answer not read to its end */
    bool last;         /* the page held is the last */
    cs_csv_row header; /* of the page held */
    cs_csv_row row;
    json_t *obj; /* reused for each row */
};

/* SELECT COUNT() FROM object [WHERE ...] */
static int count_records(cs_connector *c, const char *object, const char *where, long long *n,
                         cs_err *err)
{
    char soql[512];
    int len = snprintf(soql, sizeof soql, "SELECT COUNT() FROM %s%s%s", object,
                       where && where[0] ? " WHERE " : "", where ? where : "");
    if (len < 0 || (size_t)len >= sizeof soql)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "SOQL too long");
    json_t *ans = NULL;
    if (cs_sfc_query_page(c, soql, NULL, 0, &ans, err) != 0)
        return cs_err_prefix(err, "counting %s: ", object);
    json_t *total = json_object_get(ans, "totalSize");
    *n = json_is_integer(total) ? (long long)json_integer_value(total) : -1;
    json_decref(ans);
    if (*n < 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "counting %s: no totalSize in the answer",
                          object);
    return 0;
}

static void query_delete(cs_connector *c, const char *id)
{
    char path[300];
    (void)snprintf(path, sizeof path, "%s/jobs/query/%s", cs_sfc_prefix(c), id);
    cs_http_request req = {.method = CS_HTTP_DELETE, .path = path};
    cs_err ignored = {0};
    (void)cs_conn_call(c, true, &req, NULL, NULL, NULL, &ignored);
}

void cs_sfc_bulk_query_free(cs_sfc_bulk_query *q)
{
    if (q == NULL)
        return;
    cs_http_response_dispose(&q->page);
    cs_csv_row_dispose(&q->header);
    cs_csv_row_dispose(&q->row);
    json_decref(q->obj);
    free(q);
}

static size_t columns_in(const char *soql)
{
    size_t n = 1;
    const char *from = strstr(soql, " FROM ");
    for (const char *p = soql; *p && (from == NULL || p < from); p++)
        n += *p == ',';
    return n;
}

int cs_sfc_bulk_query_maybe(cs_connector *c, const char *object, const char *soql,
                            const char *count_where, cs_sfc_bulk_query **out, cs_err *err)
{
    *out = NULL;
    size_t threshold = ((cs_sfc_conn *)c)->bulk_threshold;
    if (threshold == 0)
        return 0;
    long long n = 0;
    if (count_records(c, object, count_where, &n, err) != 0)
        return -1;
    if ((unsigned long long)n <= threshold)
        return 0;
    cs_sfc_bulk_query *q = calloc(1, sizeof *q);
    if (q == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    q->conn = c;
    cs_http_response_init(&q->page);
    cs_csv_row_init(&q->header);
    cs_csv_row_init(&q->row);
    size_t rows = PAGE_BYTES / (columns_in(soql) * 32);
    q->page_rows = rows < PAGE_ROWS_MIN   ? PAGE_ROWS_MIN
                   : rows > PAGE_ROWS_MAX ? PAGE_ROWS_MAX
                                          : rows;
    char path[300];
    (void)snprintf(path, sizeof path, "%s/jobs/query", cs_sfc_prefix(c));
    json_t *body = json_pack("{s:s,s:s}", "operation", "query", "query", soql);
    cs_http_request req = {.method = CS_HTTP_POST, .path = path};
    json_t *ans = NULL;
    int rc = body ? cs_conn_call(c, false, &req, body, &ans, NULL, err)
                  : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    json_decref(body);
    const char *id = json_string_value(json_object_get(ans, "id"));
    if (rc == 0 && (id == NULL || strlen(id) >= sizeof q->id))
        rc = cs_err_set(err, CS_ERR_INVALID_INPUT, "a query job was created without an id");
    if (rc == 0)
        (void)snprintf(q->id, sizeof q->id, "%s", id);
    json_decref(ans);
    json_t *info = NULL;
    if (rc == 0 && cs_sfc_bulk_wait(c, false, q->id, &info, err) != 0)
        rc = -1;
    const char *state = json_string_value(json_object_get(info, "state"));
    if (rc == 0 && strcmp(state, "JobComplete") != 0) {
        const char *why = json_string_value(json_object_get(info, "errorMessage"));
        rc = cs_err_set(err, CS_ERR_REMOTE_FAILED, "Bulk API query job %s ended %s: %.300s", q->id,
                        state, why ? why : "no message");
    }
    json_decref(info);
    if (rc != 0) {
        if (q->id[0])
            query_delete(c, q->id);
        cs_sfc_bulk_query_free(q);
        return cs_err_prefix(err, "Bulk API query of %s: ", object);
    }
    *out = q;
    return 0;
}

/* Fetches the next page of results into q->page and reads its header. */
static int fetch_page(cs_sfc_bulk_query *q, cs_err *err)
{
    char path[300], rows[32];
    (void)snprintf(path, sizeof path, "%s/jobs/query/%s/results", cs_sfc_prefix(q->conn), q->id);
    (void)snprintf(rows, sizeof rows, "%zu", q->page_rows);
    cs_http_kv kv[2] = {{"maxRecords", rows}, {"locator", q->locator}};
    cs_http_kv accept = {"Accept", "text/csv"};
    cs_http_request req = {.method = CS_HTTP_GET,
                           .path = path,
                           .query = kv,
                           .nquery = q->locator[0] ? 2 : 1,
                           .headers = &accept,
                           .nheaders = 1,
                           .idempotency = CS_HTTP_IDEMPOTENT};
    cs_http_response_dispose(&q->page);
    cs_http_response_init(&q->page);
    if (cs_sfc_bulk_raw(q->conn, false, &req, &q->page, err) != 0)
        return cs_err_prefix(err, "reading the results of Bulk API job %s: ", q->id);
    const char *loc = q->page.sforce_locator;
    q->last = loc[0] == '\0' || strcmp(loc, "null") == 0;
    if (!q->last)
        (void)snprintf(q->locator, sizeof q->locator, "%s", loc);
    q->at = 0;
    q->line = 0;
    q->have_page = true;
    const char *text = q->page.body.data ? q->page.body.data : "";
    int rc = cs_csv_read(text, q->page.body.len, &q->at, &q->line, &q->header, err);
    if (rc < 0)
        return cs_err_prefix(err, "Bulk API job %s results: ", q->id);
    if (rc == 0)
        q->have_page = false; /* an empty page: no header, no rows */
    return 0;
}

int cs_sfc_bulk_query_next(cs_sfc_bulk_query *q, size_t max, cs_sfc_row_fn fn, void *ud, bool *done,
                           cs_err *err)
{
    *done = false;
    if (q->obj == NULL && (q->obj = json_object()) == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t n = 0;
    while (max == 0 || n < max) {
        if (!q->have_page) {
            if (q->last && q->page.status != 0) {
                *done = true;
                query_delete(q->conn, q->id);
                return 0;
            }
            if (fetch_page(q, err) != 0)
                return -1;
            continue;
        }
        const char *text = q->page.body.data ? q->page.body.data : "";
        int rc = cs_csv_read(text, q->page.body.len, &q->at, &q->line, &q->row, err);
        if (rc < 0)
            return cs_err_prefix(err, "Bulk API job %s results: ", q->id);
        if (rc == 0) {
            q->have_page = false;
            if (q->last) {
                *done = true;
                query_delete(q->conn, q->id);
                return 0;
            }
            if (n > 0)
                return 0; /* one call reads at most one page */
            continue;
        }
        if (q->row.n != q->header.n)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "Bulk API job %s results: a row of %zu cells under a header of %zu",
                              q->id, q->row.n, q->header.n);
        json_object_clear(q->obj);
        for (size_t k = 0; k < q->row.n; k++) {
            json_t *v =
                q->row.lens[k] == 0 ? json_null() : json_stringn(q->row.cells[k], q->row.lens[k]);
            if (v == NULL || json_object_set_new(q->obj, q->header.cells[k], v) != 0)
                return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
        if (fn(ud, q->obj, err) != 0)
            return -1;
        n++;
    }
    return 0;
}
