/* Salesforce change detection (R2): SOQL on SystemModstamp, which moves on
 * every change including system ones,
 *   SELECT <fields> FROM Lead WHERE SystemModstamp >= <cursor - overlap>
 *   ORDER BY SystemModstamp, Id
 * followed page by page through nextRecordsUrl (the query locator is a
 * snapshot, so a record changed meanwhile simply shows up in the next pass),
 * then, with include_deleted, GET /sobjects/{object}/deleted?start=&end= for
 * records deleted since the deletion cursor.
 *
 * The replication API is minute-granular, looks at most 15 days back and
 * needs start and end more than a minute apart: the start is clamped to the
 * window it accepts, and a pass that comes back within the minute skips
 * deletions until the next one. A first scan (no cursor) reads no deletions:
 * nothing was synced that could have been deleted; its deletion cursor starts
 * at the latest modification it saw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/salesforce_int.h"
#include "core/timeutil.h"

#define MINUTE_MS         60000LL
#define DELETED_WINDOW_MS (15LL * 86400000LL - 3600000LL) /* 15 days, less an hour of skew */

typedef struct cs_sfc_scan {
    cs_change_scan base;
    char next[1000]; /* nextRecordsUrl of the next page; "" before the first */
    bool started;
    /* A full read of more records than the Bulk API threshold: its query
     * job (salesforce_bulk.c); NULL: REST pages. */
    cs_sfc_bulk_query *bulk;
} cs_sfc_scan;

int cs_sfc_scan_new(cs_connector *c, const cs_scan_options *o, cs_change_scan **out, cs_err *err)
{
    cs_sfc_scan *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (cs_conn_scan_init(&s->base, c, o, err) != 0) {
        free(s);
        return -1;
    }
    if (s->base.page_size > 0 && s->base.page_size < 200)
        s->base.page_size = 200;
    if (s->base.page_size > 2000)
        s->base.page_size = 2000;
    *out = &s->base;
    return 0;
}

void cs_sfc_scan_dispose(cs_change_scan *base)
{
    cs_sfc_bulk_query_free(((cs_sfc_scan *)base)->bulk);
    free(base);
}

typedef struct bulk_rows {
    cs_sfc_scan *s;
    cs_record_list *out;
    int64_t stamp;
} bulk_rows;

static int bulk_row(void *ud, const json_t *row, cs_err *err)
{
    bulk_rows *b = ud;
    cs_record r;
    if (cs_sfc_record_from_json(b->s->base.conn, b->s->base.object, row, &r, err) != 0)
        return -1;
    int64_t ms;
    const char *t = json_string_value(json_object_get(row, "SystemModstamp"));
    if (t != NULL && cs_time_parse(t, &ms, NULL) == 0 && ms > b->stamp)
        b->stamp = ms;
    return cs_conn_push(b->out, &r, 0, err);
}

/* The next records of a full read through a Bulk API query job. */
static int bulk_changes(cs_sfc_scan *s, cs_record_list *out, cs_err *err)
{
    bulk_rows b = {s, out, -1};
    size_t before = out->len;
    bool done = false;
    size_t max = s->base.page_size ? s->base.page_size : 2000;
    if (cs_sfc_bulk_query_next(s->bulk, max, bulk_row, &b, &done, err) != 0) {
        while (out->len > before)
            cs_record_dispose(&out->items[--out->len]);
        return -1;
    }
    cs_conn_scan_note(&s->base, b.stamp);
    if (done) {
        s->base.changes_done = true;
        cs_sfc_bulk_query_free(s->bulk);
        s->bulk = NULL;
    }
    return 0;
}

/* The scan's SOQL: every selected field, from the cursor on, oldest first. */
static int scan_soql(cs_sfc_scan *s, cs_buf *q, cs_err *err)
{
    cs_buf_init(q, SF_SOQL_MAX);
    int rc = cs_buf_append_str(q, "SELECT ");
    if (rc == 0 && cs_sfc_select_list(s->base.conn, s->base.object, q, err) != 0) {
        cs_buf_free(q);
        return -1;
    }
    rc |= cs_buf_appendf(q, " FROM %s", s->base.object);
    if (s->base.since_ms >= 0)
        rc |= cs_buf_append_str(q, " WHERE SystemModstamp >= ") |
              cs_sfc_datetime_literal(q, s->base.since_ms);
    if (s->base.since_ms >= 0 && s->base.until_ms > 0)
        rc |= cs_buf_append_str(q, " AND SystemModstamp < ") |
              cs_sfc_datetime_literal(q, s->base.until_ms);
    rc |= cs_buf_append_str(q, " ORDER BY SystemModstamp, Id");
    if (rc != 0) {
        cs_buf_free(q);
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "SOQL too long");
    }
    return 0;
}

static int first_page(cs_sfc_scan *s, json_t **ans, cs_err *err)
{
    cs_buf q;
    if (scan_soql(s, &q, err) != 0)
        return -1;
    int rc = 0;
    /* a full read of more than the threshold goes through the Bulk API */
    if (s->base.since_ms < 0 && cs_sfc_bulk_query_maybe(s->base.conn, s->base.object,
                                                        cs_buf_str(&q), "", &s->bulk, err) != 0)
        rc = -1;
    if (rc == 0 && s->bulk == NULL)
        rc = cs_sfc_query_page(s->base.conn, cs_buf_str(&q), NULL, s->base.page_size, ans, err);
    cs_buf_free(&q);
    return rc;
}

int cs_sfc_scan_changes(cs_change_scan *base, cs_record_list *out, cs_err *err)
{
    cs_sfc_scan *s = (cs_sfc_scan *)base;
    if (s->bulk != NULL)
        return bulk_changes(s, out, err);
    json_t *ans = NULL;
    int rc = s->started
                 ? cs_sfc_query_page(s->base.conn, NULL, s->next, s->base.page_size, &ans, err)
                 : first_page(s, &ans, err);
    if (rc != 0)
        return -1;
    s->started = true;
    if (s->bulk != NULL)
        return bulk_changes(s, out, err);
    int64_t stamp = -1;
    size_t before = out->len;
    if (cs_sfc_append_page(s->base.conn, s->base.object, ans, out, &stamp, err) != 0) {
        /* nothing of this page is handed out */
        while (out->len > before)
            cs_record_dispose(&out->items[--out->len]);
        json_decref(ans);
        return -1;
    }
    cs_conn_scan_note(&s->base, stamp);
    const char *url = json_string_value(json_object_get(ans, "nextRecordsUrl"));
    if (json_is_true(json_object_get(ans, "done")) || url == NULL || strlen(url) >= sizeof s->next)
        s->base.changes_done = true;
    else
        (void)snprintf(s->next, sizeof s->next, "%s", url);
    json_decref(ans);
    return 0;
}

int cs_sfc_count_modified(cs_connector *c, const char *object, int64_t from_ms, int64_t to_ms,
                          int64_t *n, cs_err *err)
{
    cs_buf q;
    cs_buf_init(&q, SF_SOQL_MAX);
    int rc = cs_buf_appendf(&q, "SELECT COUNT() FROM %s WHERE SystemModstamp >= ", object) |
             cs_sfc_datetime_literal(&q, from_ms) |
             cs_buf_append_str(&q, " AND SystemModstamp < ") | cs_sfc_datetime_literal(&q, to_ms);
    if (rc != 0) {
        cs_buf_free(&q);
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "SOQL too long");
    }
    json_t *ans = NULL;
    rc = cs_sfc_query_page(c, cs_buf_str(&q), NULL, 0, &ans, err);
    cs_buf_free(&q);
    if (rc != 0)
        return cs_err_prefix(err, "counting %s modified in a window: ", object);
    const json_t *total = json_object_get(ans, "totalSize");
    if (!json_is_integer(total) || json_integer_value(total) < 0) {
        json_decref(ans);
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "Salesforce COUNT() of %s answered without a valid totalSize", object);
    }
    *n = json_integer_value(total);
    json_decref(ans);
    return 0;
}

static void iso(int64_t ms, char out[CS_TIME_TEXT_MAX])
{
    /* minute-granular and in the form jsforce sends: 2026-01-02T03:04:00+00:00 */
    char t[CS_TIME_TEXT_MAX];
    cs_time_format_hubspot(ms - (ms % MINUTE_MS + MINUTE_MS) % MINUTE_MS, t);
    (void)snprintf(out, CS_TIME_TEXT_MAX, "%.16s:00+00:00", t);
}

int cs_sfc_scan_deleted(cs_change_scan *base, cs_record_list *out, cs_err *err)
{
    cs_sfc_scan *s = (cs_sfc_scan *)base;
    s->base.deleted_done = true;
    int64_t now = cs_time_now_ms();
    int64_t start = s->base.deleted_since_ms;
    if (s->base.deleted_ms < 0) {
        /* no deletion cursor yet: start from where the changes began */
        if (s->base.since_ms < 0) {
            s->base.deleted_ms = s->base.cursor_ms;
            return 0;
        }
        start = s->base.since_ms;
    }
    if (start < now - DELETED_WINDOW_MS)
        start = now - DELETED_WINDOW_MS;
    if (now / MINUTE_MS - start / MINUTE_MS < 1)
        return 0; /* the API needs more than a minute between start and end */
    char from[CS_TIME_TEXT_MAX], to[CS_TIME_TEXT_MAX], path[300];
    iso(start, from);
    iso(now, to);
    (void)snprintf(path, sizeof path, "%s/sobjects/%s/deleted", cs_sfc_prefix(s->base.conn),
                   s->base.object);
    cs_http_kv q[2] = {{"start", from}, {"end", to}};
    cs_http_request req = {.method = CS_HTTP_GET, .path = path, .query = q, .nquery = 2};
    json_t *ans = NULL;
    if (cs_conn_call(s->base.conn, false, &req, NULL, &ans, NULL, err) != 0) {
        s->base.deleted_done = false;
        return -1;
    }
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(ans, "deletedRecords"), i, d)
    {
        const char *id = json_string_value(json_object_get(d, "id"));
        const char *when = json_string_value(json_object_get(d, "deletedDate"));
        int64_t ms = 0;
        if (!cs_sfc_id_ok(id))
            continue;
        cs_record r;
        if (cs_record_init(&r, id, s->base.object) != 0) {
            json_decref(ans);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
        r.deleted = true;
        if (when != NULL && cs_time_parse(when, &ms, NULL) == 0)
            r.modified_ms = ms;
        if (cs_conn_push(out, &r, 0, err) != 0) {
            json_decref(ans);
            return -1;
        }
    }
    int64_t covered = 0;
    const char *latest = json_string_value(json_object_get(ans, "latestDateCovered"));
    if (latest == NULL || cs_time_parse(latest, &covered, NULL) != 0)
        covered = now - now % MINUTE_MS;
    if (covered > s->base.deleted_ms)
        s->base.deleted_ms = covered;
    json_decref(ans);
    return 0;
}
