/* HubSpot change detection (R2): POST /crm/v3/objects/{object}/search with
 * lastmodifieddate GTE (cursor - overlap), sorted ascending, 200 per page.
 *
 * HubSpot's search pages with an offset ("after") and refuses to page past
 * 10,000 results. Instead of following the offset, every page restarts the
 * search from the latest modification time seen (a sliding window) and skips,
 * with "after", only the records already returned at exactly that time. That
 * passes the 10,000 cap with no extra call, and a record modified while the
 * scan runs (which moves to the end of the order) cannot shift an unseen
 * record out of reach, as it could with a plain offset.
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
    int64_t window_ms;        /* GTE bound of the next search; -1: none */
    size_t skip;              /* records at exactly window_ms already returned */
    char archived_after[128]; /* paging of the archived listing */
    /* ids returned at window_ms, to drop repeats when the server's order of
     * equal times is not stable */
    json_t *tie_ids;
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
    s->window_ms = s->base.since_ms;
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

static json_t *search_body(cs_hsc_scan *s, json_t *props)
{
    const char *mod = cs_hsc_modprop(s->base.object);
    json_t *body = json_pack("{s:[{s:s,s:s}],s:I}", "sorts", "propertyName", mod, "direction",
                             "ASCENDING", "limit", (json_int_t)s->base.page_size);
    if (body == NULL)
        return NULL;
    if (s->window_ms >= 0) {
        char v[24];
        (void)snprintf(v, sizeof v, "%lld", (long long)s->window_ms);
        json_object_set_new(body, "filterGroups",
                            json_pack("[{s:[{s:s,s:s,s:s}]}]", "filters", "propertyName", mod,
                                      "operator", "GTE", "value", v));
    }
    if (s->skip > 0) {
        char a[24];
        (void)snprintf(a, sizeof a, "%zu", s->skip);
        json_object_set_new(body, "after", json_string(a));
    }
    json_object_set_new(body, "properties", props ? props : json_array());
    return body;
}

/* One search page. */
int cs_hsc_scan_changes(cs_change_scan *base, cs_record_list *out, cs_err *err)
{
    cs_hsc_scan *s = (cs_hsc_scan *)base;
    cs_connector *c = s->base.conn;
    if (s->skip + s->base.page_size > HS_SEARCH_CAP)
        return cs_err_set(err, CS_ERR_REMOTE_REJECTED,
                          "HubSpot %s: more than %d records modified at the same millisecond; "
                          "search cannot page through them",
                          s->base.object, HS_SEARCH_CAP - (int)s->base.page_size);
    json_t *props = cs_hsc_properties_json(c, s->base.object, err);
    if (props == NULL && cs_conn_schema(c, s->base.object, err) == NULL)
        return -1;
    json_t *body = search_body(s, props);
    if (body == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    char path[300];
    (void)snprintf(path, sizeof path, "/crm/v3/objects/%s/search", s->base.object);
    cs_http_request req = {.method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT};
    json_t *ans = NULL;
    int rc = cs_conn_call(c, false, &req, body, &ans, NULL, err);
    json_decref(body);
    if (rc != 0)
        return -1;
    const json_t *results = json_object_get(ans, "results");
    size_t n = json_array_size(results);
    bool more = json_object_get(json_object_get(ans, "paging"), "next") != NULL;
    int64_t last = s->window_ms;
    for (size_t i = 0; i < n; i++) {
        cs_record r;
        if (cs_hsc_record_from_json(c, s->base.object, json_array_get(results, i), &r, err) != 0) {
            json_decref(ans);
            return -1;
        }
        int64_t m = r.modified_ms;
        if (m < last) {
            /* the answer is not in ascending order: the window would skip records */
            cs_record_dispose(&r);
            json_decref(ans);
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "HubSpot search of %s did not sort by %s",
                              s->base.object, cs_hsc_modprop(s->base.object));
        }
        if (m > last) {
            /* the window moves: what was at the old bound is behind it */
            json_object_clear(s->tie_ids);
            last = m;
            s->skip = 0;
        }
        bool repeat = json_object_get(s->tie_ids, r.id) != NULL;
        json_object_set_new(s->tie_ids, r.id, json_true());
        s->skip++;
        if (repeat) {
            cs_record_dispose(&r);
            continue;
        }
        cs_conn_scan_note(&s->base, m);
        if (cs_conn_push(out, &r, 0, err) != 0) {
            json_decref(ans);
            return -1;
        }
    }
    json_decref(ans);
    s->window_ms = last;
    if (n == 0 || !more)
        s->base.changes_done = true;
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
