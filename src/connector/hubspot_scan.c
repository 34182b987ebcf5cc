/* HubSpot change detection (R2): POST /crm/v3/objects/{object}/search over
 * the modification time, 200 per page, keyset-paged so that no record can be
 * skipped whatever is written between pages.
 *
 * HubSpot's search allows one sort and refuses to page past 10,000 results,
 * and its "after" is an offset: a record modified between two pages leaves
 * the order and shifts every later record one place forward, so an offset
 * skips an unread one. The engine writes back (salesforceleadid, merged
 * values) to records it has just read, between the pages of its scan, so the
 * scan never follows an offset. Every page is a fresh search starting at
 * offset 0 from a position that records stay behind:
 *
 * - The pass has a fixed upper bound, the time the scan began (LTE). What is
 *   modified later, the pass's own write-backs included, leaves the window:
 *   it is not read again as a change in this pass and cannot move what is
 *   unread. The next pass reads it (the cursor never passes the bound).
 * - Range pages: modified GTE T (or GT T once T is done), sorted ascending.
 *   T becomes the latest time returned; the ids returned at T are kept and
 *   left out of the next page (NOT_IN, when at most 100) or dropped as
 *   repeats. As long as a page reaches a later time than where it began,
 *   everything at the old T has been returned (the sort puts it first).
 * - Tie pages: when a whole page shares one time T, the records at T are
 *   paged by id instead (modified EQ T, hs_object_id GT the last id read,
 *   sorted by hs_object_id), then the range resumes with GT T. Any number of
 *   records may share a time: no query ever needs an offset, so the 10,000
 *   cap is never reached.
 *
 * Index lag: search may show a record's previous copy (its older time) or
 * none for a while after a write. A late record whose time is after the
 * latest time returned is read by the next pass, which starts there; one
 * that search shows later than records written after it is covered by
 * sync.overlap, which must exceed the index's reordering (docs/configuration.md).
 *
 * Full reads (cs_scan_options.full): GET /crm/v3/objects/{object}, 100 a
 * page, paged by HubSpot's own id cursor. The listing is not searched, so
 * neither index lag nor the 10,000 cap applies; the cursor becomes the time
 * the scan began once the listing is over (a record changed meanwhile is
 * read again by the next scan).
 *
 * Deletions (include_deleted): archived records are listed afterwards from
 * GET /crm/v3/objects/{object}?archived=true and kept when archived at or
 * after the window start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/hubspot_int.h"
#include "core/timeutil.h"

typedef struct cs_hsc_scan {
    cs_change_scan base;
    int64_t upper_ms;         /* LTE bound of every search: when the scan began */
    int64_t pos_ms;           /* range pages read from here on; -1: the beginning */
    bool pos_done;            /* every record at pos_ms is returned: GT, not GTE */
    bool tie;                 /* paging the records at pos_ms by id */
    char tie_after[32];       /* tie pages: the last id read; "": none yet */
    char archived_after[128]; /* paging of the archived listing */
    /* ids returned at pos_ms by range pages, to drop them when they come
     * again (a range page starts with every record still at pos_ms) */
    json_t *tie_ids;
    int64_t page_first_ms; /* the first time a range page put in place; -1: none */
    bool full;             /* list every record instead of searching */
    char list_after[128];  /* paging of the full listing */
} cs_hsc_scan;

int cs_hsc_scan_new(cs_connector *c, const cs_scan_options *o, cs_change_scan **out, cs_err *err)
{
    cs_hsc_scan *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (cs_conn_scan_init(&s->base, c, o, err) != 0) {
        free(s);
        return -1;
    }
    if ((s->tie_ids = json_object()) == NULL) {
        free(s->base.object);
        free(s);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    s->upper_ms = cs_time_now_ms();
    if (s->base.until_ms > 0 && s->base.until_ms - 1 < s->upper_ms)
        s->upper_ms = s->base.until_ms - 1; /* a window: LTE its last millisecond */
    s->pos_ms = s->base.since_ms;
    s->full = o->full;
    if (s->base.page_size == 0 || s->base.page_size > HS_SEARCH_LIMIT)
        s->base.page_size = HS_SEARCH_LIMIT;
    *out = &s->base;
    return 0;
}

void cs_hsc_scan_dispose(cs_change_scan *base)
{
    cs_hsc_scan *s = (cs_hsc_scan *)base;
    json_decref(s->tie_ids);
    free(s);
}

static int add_filter(json_t *filters, const char *prop, const char *op, int64_t value)
{
    char v[24];
    (void)snprintf(v, sizeof v, "%lld", (long long)value);
    return json_array_append_new(
        filters, json_pack("{s:s,s:s,s:s}", "propertyName", prop, "operator", op, "value", v));
}

/* HubSpot's limit on the values of one IN / NOT_IN filter. */
#define HSC_NOT_IN_MAX 100

/* The ids returned at pos_ms, as a NOT_IN filter on hs_object_id. */
static json_t *not_in_filter(const cs_hsc_scan *s)
{
    json_t *values = json_array();
    const char *id;
    json_t *v;
    json_object_foreach(s->tie_ids, id, v)
    {
        (void)v;
        if (json_array_append_new(values, json_string(id)) != 0) {
            json_decref(values);
            return NULL;
        }
    }
    return json_pack("{s:s,s:s,s:o}", "propertyName", "hs_object_id", "operator", "NOT_IN",
                     "values", values);
}

/* The body of the next page: a range page or a tie page (see the top). */
static json_t *search_body(cs_hsc_scan *s, json_t *props)
{
    const char *mod = cs_hsc_modprop(s->base.object);
    json_t *filters = json_array(), *groups = json_array();
    json_t *body = json_pack("{s:[{s:s,s:s}],s:I,s:o,s:o}", "sorts", "propertyName",
                             s->tie ? "hs_object_id" : mod, "direction", "ASCENDING", "limit",
                             (json_int_t)s->base.page_size, "filterGroups", groups, "properties",
                             props ? props : json_array());
    if (body == NULL || filters == NULL) {
        json_decref(filters);
        json_decref(body);
        return NULL;
    }
    int rc = json_array_append_new(groups, json_pack("{s:o}", "filters", filters));
    rc |= add_filter(filters, mod, "LTE", s->upper_ms);
    size_t seen = json_object_size(s->tie_ids);
    if (s->tie) {
        rc |= add_filter(filters, mod, "EQ", s->pos_ms);
        if (s->tie_after[0] != '\0')
            rc |= json_array_append_new(filters,
                                        json_pack("{s:s,s:s,s:s}", "propertyName", "hs_object_id",
                                                  "operator", "GT", "value", s->tie_after));
    } else if (s->pos_ms >= 0 && !s->pos_done && seen > 0 && seen <= HSC_NOT_IN_MAX) {
        /* the rest of pos_ms (OR) what comes after it: the records already
         * returned at pos_ms are not sent again, so batches that share a
         * time (100 per batch create) cost no extra page */
        json_t *rest = json_array();
        rc |= json_array_append_new(groups, json_pack("{s:o}", "filters", rest));
        rc |= add_filter(rest, mod, "LTE", s->upper_ms);
        rc |= add_filter(rest, mod, "EQ", s->pos_ms);
        rc |= json_array_append_new(rest, not_in_filter(s));
        rc |= add_filter(filters, mod, "GT", s->pos_ms);
    } else if (s->pos_ms >= 0) {
        rc |= add_filter(filters, mod, s->pos_done ? "GT" : "GTE", s->pos_ms);
    }
    if (rc != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* Takes one record of a page: moves the range position, drops repeats.
 * *keep: r is new to this scan. A record whose time is not where the query
 * put it is a copy newer than the index (search lags behind writes): it is
 * kept, but moves no position. */
static int take(cs_hsc_scan *s, const cs_record *r, bool *keep, cs_err *err)
{
    int64_t m = r->modified_ms;
    if (s->tie) {
        /* ids only grow on tie pages: only range pages' ids can repeat */
        *keep = json_object_get(s->tie_ids, r->id) == NULL;
        (void)snprintf(s->tie_after, sizeof s->tie_after, "%s", r->id);
        return 0;
    }
    if (m > s->upper_ms) {
        *keep = true;
        return 0;
    }
    if (m < s->pos_ms || (s->pos_done && m == s->pos_ms))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "HubSpot search of %s returned %s outside the window it was asked for "
                          "(or not sorted by %s)",
                          s->base.object, r->id, cs_hsc_modprop(s->base.object));
    if (s->page_first_ms < 0)
        s->page_first_ms = m;
    if (m > s->pos_ms || s->pos_done) {
        /* the range moves: what was at the old position is behind it */
        json_object_clear(s->tie_ids);
        s->pos_ms = m;
        s->pos_done = false;
    }
    *keep = json_object_get(s->tie_ids, r->id) == NULL;
    if (*keep && json_object_set_new(s->tie_ids, r->id, json_true()) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return 0;
}

/* Where the next page starts, after a page of n records; more: the search
 * had more. */
static int next_position(cs_hsc_scan *s, size_t n, bool more, cs_err *err)
{
    if (s->tie) {
        if (n == 0 || !more) {
            /* every record at pos_ms is read: the range resumes after it */
            s->tie = false;
            s->tie_after[0] = '\0';
            s->pos_done = true;
            json_object_clear(s->tie_ids);
        }
        return 0;
    }
    if (n == 0 || !more) {
        s->base.changes_done = true;
        return 0;
    }
    if (s->page_first_ms < 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "HubSpot search of %s returned a full page of records outside the "
                          "window it was asked for",
                          s->base.object);
    /* a full page at one time: the next range page would start with the
     * same records, so the records at that time are paged by id */
    if (s->page_first_ms == s->pos_ms) {
        s->tie = true;
        s->tie_after[0] = '\0';
    }
    return 0;
}

/* One page of the full listing. */
static int list_page(cs_hsc_scan *s, cs_record_list *out, cs_err *err)
{
    cs_connector *c = s->base.conn;
    json_t *props = cs_hsc_properties_json(c, s->base.object, err);
    if (props == NULL && cs_conn_schema(c, s->base.object, err) == NULL)
        return -1;
    cs_buf names;
    cs_buf_init(&names, 64 * 1024);
    size_t i;
    const json_t *v;
    int rc = 0;
    json_array_foreach(props, i, v)
    {
        if (rc == 0)
            rc = cs_buf_appendf(&names, "%s%s", i ? "," : "", json_string_value(v));
    }
    bool selected = props != NULL;
    json_decref(props);
    if (rc != 0) {
        cs_buf_free(&names);
        return cs_err_set(err, CS_ERR_INTERNAL, "%s: too many properties to list", s->base.object);
    }
    char path[300];
    (void)snprintf(path, sizeof path, "/crm/v3/objects/%s", s->base.object);
    cs_http_kv q[3] = {{"limit", "100"}, {"properties", cs_buf_str(&names)}, {"after", ""}};
    size_t nq = selected ? 2 : 1;
    if (s->list_after[0] != '\0') {
        q[nq].name = "after";
        q[nq].value = s->list_after;
        nq++;
    }
    cs_http_request req = {.method = CS_HTTP_GET, .path = path, .query = q, .nquery = nq};
    json_t *ans = NULL;
    rc = cs_conn_call(c, false, &req, NULL, &ans, NULL, err);
    cs_buf_free(&names);
    if (rc != 0)
        return -1;
    const json_t *results = json_object_get(ans, "results");
    json_array_foreach(results, i, v)
    {
        cs_record r;
        if (cs_hsc_record_from_json(c, s->base.object, v, &r, err) != 0 ||
            cs_conn_push(out, &r, 0, err) != 0) {
            json_decref(ans);
            return -1;
        }
    }
    const char *next = json_string_value(
        json_object_get(json_object_get(json_object_get(ans, "paging"), "next"), "after"));
    if (next != NULL && next[0] != '\0' && strlen(next) < sizeof s->list_after &&
        strcmp(next, s->list_after) != 0 && json_array_size(results) > 0) {
        (void)snprintf(s->list_after, sizeof s->list_after, "%s", next);
    } else {
        s->base.changes_done = true;
        cs_conn_scan_note(&s->base, s->upper_ms);
    }
    json_decref(ans);
    return 0;
}

/* One search page. */
int cs_hsc_scan_changes(cs_change_scan *base, cs_record_list *out, cs_err *err)
{
    cs_hsc_scan *s = (cs_hsc_scan *)base;
    cs_connector *c = s->base.conn;
    if (s->full)
        return list_page(s, out, err);
    json_t *props = cs_hsc_properties_json(c, s->base.object, err);
    if (props == NULL && cs_conn_schema(c, s->base.object, err) == NULL)
        return -1;
    json_t *body = search_body(s, props);
    if (body == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    char path[300];
    (void)snprintf(path, sizeof path, "/crm/v3/objects/%s/search", s->base.object);
    cs_http_request req = {
        .method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT, .paced = true};
    json_t *ans = NULL;
    int rc = cs_conn_call(c, false, &req, body, &ans, NULL, err);
    json_decref(body);
    if (rc != 0)
        return -1;
    const json_t *results = json_object_get(ans, "results");
    size_t n = json_array_size(results);
    bool more = json_object_get(json_object_get(ans, "paging"), "next") != NULL;
    s->page_first_ms = -1;
    for (size_t i = 0; i < n; i++) {
        cs_record r;
        bool keep = false;
        if (cs_hsc_record_from_json(c, s->base.object, json_array_get(results, i), &r, err) != 0) {
            json_decref(ans);
            return -1;
        }
        if (take(s, &r, &keep, err) != 0) {
            cs_record_dispose(&r);
            json_decref(ans);
            return -1;
        }
        if (!keep) {
            cs_record_dispose(&r);
            continue;
        }
        /* the cursor is the position: every record before it is returned */
        cs_conn_scan_note(&s->base, s->pos_ms);
        if (cs_conn_push(out, &r, 0, err) != 0) {
            json_decref(ans);
            return -1;
        }
    }
    json_decref(ans);
    return next_position(s, n, more, err);
}

int cs_hsc_count_modified(cs_connector *c, const char *object, int64_t from_ms, int64_t to_ms,
                          int64_t *n, cs_err *err)
{
    const char *mod = cs_hsc_modprop(object);
    json_t *filters = json_array();
    json_t *body = json_pack("{s:[{s:o}],s:i,s:[s]}", "filterGroups", "filters", filters, "limit",
                             1, "properties", "hs_object_id");
    if (body == NULL || add_filter(filters, mod, "GTE", from_ms) != 0 ||
        add_filter(filters, mod, "LT", to_ms) != 0) {
        json_decref(body);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    char path[300];
    (void)snprintf(path, sizeof path, "/crm/v3/objects/%s/search", object);
    cs_http_request req = {
        .method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT, .paced = true};
    json_t *ans = NULL;
    int rc = cs_conn_call(c, false, &req, body, &ans, NULL, err);
    json_decref(body);
    if (rc != 0)
        return cs_err_prefix(err, "counting %s modified in a window: ", object);
    const json_t *total = json_object_get(ans, "total");
    if (!json_is_integer(total) || json_integer_value(total) < 0) {
        json_decref(ans);
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "HubSpot search of %s answered without a valid total", object);
    }
    *n = json_integer_value(total);
    json_decref(ans);
    return 0;
}

/* One page of archived records (C16: reported, never inferred from absence). */
int cs_hsc_scan_deleted(cs_change_scan *base, cs_record_list *out, cs_err *err)
{
    cs_hsc_scan *s = (cs_hsc_scan *)base;
    cs_connector *c = s->base.conn;
    char path[300];
    (void)snprintf(path, sizeof path, "/crm/v3/objects/%s", s->base.object);
    cs_http_kv q[3] = {{"archived", "true"}, {"limit", "100"}, {"after", s->archived_after}};
    cs_http_request req = {
        .method = CS_HTTP_GET, .path = path, .query = q, .nquery = s->archived_after[0] ? 3 : 2};
    json_t *ans = NULL;
    if (cs_conn_call(c, false, &req, NULL, &ans, NULL, err) != 0)
        return -1;
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(ans, "results"), i, o)
    {
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *at = json_string_value(json_object_get(o, "archivedAt"));
        int64_t ms = 0;
        if (id == NULL || strlen(id) >= CS_CONNECTOR_ID_MAX || at == NULL ||
            cs_time_parse(at, &ms, NULL) != 0 || ms < s->base.since_ms)
            continue;
        cs_record r;
        if (cs_record_init(&r, id, s->base.object) != 0) {
            json_decref(ans);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
        r.deleted = true;
        r.modified_ms = ms;
        if (cs_conn_push(out, &r, 0, err) != 0) {
            json_decref(ans);
            return -1;
        }
    }
    const char *next = json_string_value(
        json_object_get(json_object_get(json_object_get(ans, "paging"), "next"), "after"));
    if (next != NULL && next[0] != '\0' && strlen(next) < sizeof s->archived_after &&
        strcmp(next, s->archived_after) != 0)
        (void)snprintf(s->archived_after, sizeof s->archived_after, "%s", next);
    else
        s->base.deleted_done = true;
    json_decref(ans);
    return 0;
}
