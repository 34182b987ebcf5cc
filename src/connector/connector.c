/* The connector interface's dispatch: argument checks, the shared base of
 * every connector (HTTP client, schema cache, field selections, API usage
 * counters), write batching, and the one-line wrappers over the ops table. */
#include "connector/connector_int.h"
#include "connector/salesforce_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDS_PER_CALL 100000 /* ids or emails one read call accepts */

/* ---- base ------------------------------------------------------------------ */

static int static_token(void *ud, const char **token, cs_err *err)
{
    (void)err;
    *token = ((cs_connector *)ud)->token;
    return 0;
}

int cs_conn_init(cs_connector *c, const cs_connector_ops *ops, const cs_connector_options *o,
                 cs_err *err)
{
    c->ops = ops;
    if (o == NULL || o->base_url == NULL || o->base_url[0] == '\0')
        return cs_err_set(err, CS_ERR_CONFIG, "%s connector: no base URL", ops->name);
    cs_http_options h;
    memset(&h, 0, sizeof h);
    h.base_url = o->base_url;
    h.max_retries = o->max_retries;
    h.attempt_timeout_ms = o->attempt_timeout_ms;
    h.deadline_ms = o->deadline_ms;
    h.paced_per_second = o->search_rate;
    h.ca_file = o->ca_file;
    h.api_label = o->api_label;
    h.ca_setting = o->ca_setting;
    if (o->token != NULL) {
        c->token = strdup(o->token);
        if (c->token == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        h.token = static_token;
        h.auth_ud = c;
    } else {
        c->token_cb = o->token_cb;
        c->refresh_cb = o->refresh_cb;
        c->auth_ud = o->auth_ud;
        h.token = o->token_cb;
        h.refresh = o->refresh_cb;
        h.auth_ud = o->auth_ud;
    }
    c->group_max = ops->batch_limit;
    if (o->batch_size > 0 && (size_t)o->batch_size < c->group_max)
        c->group_max = (size_t)o->batch_size;
    c->batch_max = c->group_max * (ops->groups_per_call ? ops->groups_per_call : 1);
    if (cs_http_client_new(&h, &c->http, err) != 0)
        return cs_err_prefix(err, "%s connector: ", ops->name);
    return 0;
}

void cs_connector_free(cs_connector *c)
{
    if (c == NULL)
        return;
    if (c->ops && c->ops->dispose)
        c->ops->dispose(c);
    cs_http_client_free(c->http);
    if (c->token) {
        memset(c->token, 0, strlen(c->token));
        free(c->token);
    }
    for (size_t i = 0; i < c->nobjects; i++) {
        cs_conn_object *ob = &c->objects[i];
        free(ob->name);
        cs_object_schema_free(ob->schema);
        for (size_t j = 0; j < ob->nselected; j++)
            free(ob->selected[j]);
        free(ob->selected);
    }
    free(c);
}

struct cs_http_client *cs_connector_http(cs_connector *c)
{
    return c != NULL ? c->http : NULL;
}

cs_connector_kind cs_connector_get_kind(const cs_connector *c)
{
    return c->ops->kind;
}

const char *cs_connector_name(const cs_connector *c)
{
    return c->ops->name;
}

size_t cs_connector_batch_max(const cs_connector *c)
{
    return c->batch_max;
}

void cs_connector_set_guard(cs_connector *c, cs_connector_guard_fn fn, void *ud)
{
    if (c == NULL)
        return;
    c->guard = fn;
    c->guard_ud = ud;
}

int cs_conn_call(cs_connector *c, bool write, const cs_http_request *req, const json_t *body,
                 json_t **out, cs_http_response *resp, cs_err *err)
{
    if (c->guard != NULL && c->guard(c->guard_ud, write, err) != 0) {
        if (resp != NULL)
            resp->status = 0; /* nothing was sent: a known outcome */
        return -1;
    }
    if (write)
        c->write_calls++;
    else
        c->read_calls++;
    json_t *ignored = NULL;
    int rc = cs_http_request_json(c->http, req, body, out ? out : &ignored, resp, err);
    json_decref(ignored);
    return rc;
}

int cs_conn_push(cs_record_list *out, cs_record *r, int fill_rc, cs_err *err)
{
    if (fill_rc == 0 && cs_record_list_push(out, r) == 0)
        return 0;
    cs_record_dispose(r);
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

json_t *cs_conn_error_body(const cs_http_response *resp)
{
    json_t *body = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, NULL);
    return body != NULL ? body : json_object();
}

static int check_name(const char *what, const char *name, cs_err *err)
{
    if (name == NULL || name[0] == '\0')
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "no %s given", what);
    if (strlen(name) > 255)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s name too long: %.40s...", what, name);
    for (const char *p = name; *p; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-'))
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "%s name '%.60s' has a character "
                              "other than letters, digits, '_' and '-'",
                              what, name);
    }
    return 0;
}

cs_conn_object *cs_conn_object_get(cs_connector *c, const char *object, cs_err *err)
{
    if (check_name("object", object, err) != 0)
        return NULL;
    for (size_t i = 0; i < c->nobjects; i++)
        if (strcmp(c->objects[i].name, object) == 0)
            return &c->objects[i];
    if (c->nobjects == CS_CONN_MAX_OBJECTS) {
        cs_err_set(err, CS_ERR_INTERNAL, "%s connector: more than %d objects in use", c->ops->name,
                   CS_CONN_MAX_OBJECTS);
        return NULL;
    }
    cs_conn_object *ob = &c->objects[c->nobjects];
    memset(ob, 0, sizeof *ob);
    ob->name = strdup(object);
    if (ob->name == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    c->nobjects++;
    return ob;
}

const cs_object_schema *cs_conn_schema(cs_connector *c, const char *object, cs_err *err)
{
    cs_conn_object *ob = cs_conn_object_get(c, object, err);
    if (ob == NULL)
        return NULL;
    if (ob->schema == NULL && c->ops->fetch_schema(c, object, &ob->schema, err) != 0)
        return NULL;
    return ob->schema;
}

int cs_connector_describe(cs_connector *c, const char *object, const cs_object_schema **out,
                          cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    *out = s;
    return 0;
}

int cs_connector_select_fields(cs_connector *c, const char *object, const char *const *names,
                               size_t count, cs_err *err)
{
    if (count > CS_CONNECTOR_MAX_FIELDS)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "%zu fields selected (at most %d)", count,
                          CS_CONNECTOR_MAX_FIELDS);
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    char **sel = calloc(count ? count : 1, sizeof *sel);
    if (sel == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        const cs_field_schema *f = c->ops->kind == CS_CONNECTOR_SALESFORCE
                                       ? cs_object_schema_field_nocase(s, names[i])
                                       : cs_object_schema_field(s, names[i]);
        if (f == NULL) {
            for (size_t j = 0; j < n; j++)
                free(sel[j]);
            free(sel);
            return cs_err_set(err, CS_ERR_CONFIG, "%s %s has no field named '%.80s'", c->ops->name,
                              object, names[i] ? names[i] : "(null)");
        }
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = strcmp(sel[j], f->name) == 0;
        if (dup)
            continue;
        if ((sel[n] = strdup(f->name)) == NULL) {
            for (size_t j = 0; j < n; j++)
                free(sel[j]);
            free(sel);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
        n++;
    }
    cs_conn_object *ob = cs_conn_object_get(c, object, err);
    for (size_t j = 0; j < ob->nselected; j++)
        free(ob->selected[j]);
    free(ob->selected);
    ob->selected = sel;
    ob->nselected = n;
    ob->has_selection = true;
    return 0;
}

/* ---- scans ------------------------------------------------------------------ */

int cs_conn_scan_init(cs_change_scan *s, cs_connector *c, const cs_scan_options *o, cs_err *err)
{
    s->conn = c;
    int64_t mod, del;
    if (check_name("object", o->object, err) != 0 ||
        cs_cursor_parse(o->cursor, c->ops->kind, &mod, &del, err) != 0)
        return -1;
    s->overlap_ms = o->overlap_ms < 0 ? CS_CONNECTOR_DEFAULT_OVERLAP_MS : o->overlap_ms;
    s->since_ms = mod < 0 ? -1 : mod - s->overlap_ms;
    s->cursor_ms = mod;
    s->deleted_ms = del;
    s->deleted_since_ms = del < 0 ? -1 : del - s->overlap_ms;
    s->page_size = o->page_size;
    s->include_deleted = o->include_deleted;
    s->deleted_done = !o->include_deleted;
    if (o->window_to_ms > 0) {
        if (o->window_from_ms < 0 || o->window_from_ms >= o->window_to_ms)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "scan of %s: empty window", o->object);
        s->since_ms = o->window_from_ms;
        s->until_ms = o->window_to_ms;
        s->include_deleted = false;
        s->deleted_done = true;
    }
    if (cs_cursor_format(c->ops->kind, s->cursor_ms, s->deleted_ms, s->cursor) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "cannot format a cursor");
    /* last, so that a failure leaves nothing to free */
    s->object = strdup(o->object);
    return s->object != NULL ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

void cs_conn_scan_note(cs_change_scan *s, int64_t modified_ms)
{
    if (modified_ms > s->cursor_ms)
        s->cursor_ms = modified_ms;
}

int cs_connector_scan_begin(cs_connector *c, const cs_scan_options *opts, cs_change_scan **out,
                            cs_err *err)
{
    if (opts == NULL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "no scan options");
    return c->ops->scan_new(c, opts, out, err);
}

int cs_change_scan_next(cs_change_scan *s, cs_record_list *out, bool *done, cs_err *err)
{
    if (s->done) {
        *done = true;
        return 0;
    }
    size_t before = out->len;
    int rc = 0;
    if (!s->changes_done)
        rc = s->conn->ops->scan_changes(s, out, err);
    else if (!s->deleted_done)
        rc = s->conn->ops->scan_deleted(s, out, err);
    if (rc != 0)
        return -1;
    bool fin = s->changes_done && s->deleted_done;
    s->count += out->len - before;
    s->done = fin;
    *done = fin;
    if (cs_cursor_format(s->conn->ops->kind, s->cursor_ms, s->deleted_ms, s->cursor) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "cannot format a cursor");
    return 0;
}

int cs_connector_count_modified(cs_connector *c, const char *object, int64_t from_ms, int64_t to_ms,
                                int64_t *n, cs_err *err)
{
    *n = 0;
    if (check_name("object", object, err) != 0)
        return -1;
    if (from_ms < 0 || from_ms >= to_ms)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "count of %s: empty window", object);
    if (c->ops->count_modified == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "count of %s: not supported", object);
    return c->ops->count_modified(c, object, from_ms, to_ms, n, err);
}

const char *cs_change_scan_cursor(const cs_change_scan *s)
{
    return s->cursor;
}

size_t cs_change_scan_count(const cs_change_scan *s)
{
    return s->count;
}

void cs_change_scan_free(cs_change_scan *s)
{
    if (s == NULL)
        return;
    free(s->object);
    s->conn->ops->scan_dispose(s);
}

int cs_connector_changes(cs_connector *c, const cs_scan_options *opts, cs_record_list *out,
                         char cursor_out[CS_CONNECTOR_CURSOR_MAX], cs_err *err)
{
    cs_change_scan *s = NULL;
    if (cs_connector_scan_begin(c, opts, &s, err) != 0 || s == NULL)
        return -1;
    bool done = false;
    while (!done) {
        if (cs_change_scan_next(s, out, &done, err) != 0) {
            cs_change_scan_free(s);
            return -1;
        }
    }
    memcpy(cursor_out, s->cursor, CS_CONNECTOR_CURSOR_MAX);
    cs_change_scan_free(s);
    return 0;
}

/* ---- reads ------------------------------------------------------------------- */

static int unsupported(const cs_connector *c, const char *what, cs_err *err)
{
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "the %s connector has no %s", c->ops->name, what);
}

static int check_ids(const char *const *ids, size_t n, cs_err *err)
{
    if (n > MAX_IDS_PER_CALL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "%zu ids in one call (at most %d)", n,
                          MAX_IDS_PER_CALL);
    if (n > 0 && ids == NULL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "no ids given");
    return 0;
}

int cs_connector_read(cs_connector *c, const char *object, const char *const *ids, size_t count,
                      cs_record_list *out, cs_err *err)
{
    if (check_ids(ids, count, err) != 0 || check_name("object", object, err) != 0)
        return -1;
    return count == 0 ? 0 : c->ops->read(c, object, ids, count, out, err);
}

int cs_connector_email_index(cs_connector *c, const char *object, cs_email_index_fn fn, void *ud,
                             cs_err *err)
{
    if (c->ops->email_index == NULL)
        return unsupported(c, "an email index", err);
    if (check_name("object", object, err) != 0 || fn == NULL)
        return -1;
    return c->ops->email_index(c, object, fn, ud, err);
}

int cs_connector_find_by_email(cs_connector *c, const char *object, const char *const *emails,
                               size_t count, cs_record_list *out, cs_err *err)
{
    if (check_ids(emails, count, err) != 0 ||
        (object != NULL && check_name("object", object, err) != 0))
        return -1;
    return count == 0 ? 0 : c->ops->find_by_email(c, object, emails, count, out, err);
}

int cs_connector_users(cs_connector *c, cs_record_list *out, cs_err *err)
{
    return c->ops->users(c, out, err);
}

int cs_connector_list_members(cs_connector *c, const char *list_id, json_t **ids, cs_err *err)
{
    if (c->ops->list_members == NULL)
        return unsupported(c, "lists", err);
    if (check_name("list", list_id, err) != 0)
        return -1;
    json_t *arr = *ids ? json_incref(*ids) : json_array();
    if (arr == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (c->ops->list_members(c, list_id, arr, err) != 0) {
        json_decref(arr);
        return -1;
    }
    if (*ids == NULL)
        *ids = arr;
    else
        json_decref(arr);
    return 0;
}

int cs_connector_campaigns(cs_connector *c, const char *const *ids, size_t count, json_t **out,
                           cs_err *err)
{
    if (c->ops->campaigns == NULL)
        return unsupported(c, "campaigns", err);
    if (check_ids(ids, count, err) != 0)
        return -1;
    json_t *obj = json_object();
    if (obj == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (count > 0 && c->ops->campaigns(c, ids, count, obj, err) != 0) {
        json_decref(obj);
        return -1;
    }
    *out = obj;
    return 0;
}

/* ---- writes ----------------------------------------------------------------- */

static void results_not_sent(cs_write_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].status = CS_WRITE_NOT_SENT;
    }
}

/* Gives the records of a batch that stopped the call their category. */
static void results_failed(cs_write_result *r, size_t n, const cs_err *err)
{
    cs_category cat = cs_conn_category_for_err(err->category);
    for (size_t i = 0; i < n; i++) {
        if (r[i].status != CS_WRITE_NOT_SENT && r[i].status != CS_WRITE_UNKNOWN)
            continue;
        if (r[i].category == CS_CAT_NONE) {
            r[i].category = cat;
            int len = snprintf(r[i].message, sizeof r[i].message, "%s", err->message);
            if (len < 0)
                r[i].message[0] = '\0'; /* a longer message is cut short */
        }
    }
}

/* The arguments of a write, checked; results set to NOT_SENT. */
static int check_write(const char *object, cs_write_kind kind, const cs_write_input *inputs,
                       size_t count, cs_write_result *results, cs_err *err)
{
    if (check_name("object", object, err) != 0)
        return -1;
    if (count > 0 && (inputs == NULL || results == NULL))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "no inputs or results given");
    results_not_sent(results, count);
    for (size_t i = 0; i < count; i++) {
        bool need_id = kind == CS_WRITE_UPDATE || kind == CS_WRITE_DELETE;
        bool need_fields = kind != CS_WRITE_DELETE;
        if ((need_id && (inputs[i].id == NULL || inputs[i].id[0] == '\0' ||
                         strlen(inputs[i].id) >= CS_CONNECTOR_ID_MAX)) ||
            (need_fields && !json_is_object(inputs[i].fields)))
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "write input %zu to %s has no %s", i,
                              object, need_id ? "valid id" : "fields object");
    }
    return 0;
}

int cs_connector_write_bulk(cs_connector *c, const char *object, cs_write_kind kind,
                            const cs_write_input *inputs, size_t count, cs_write_result *results,
                            cs_err *err)
{
    if (c->ops->kind != CS_CONNECTOR_SALESFORCE)
        return unsupported(c, "Bulk API 2.0 writes", err);
    if (kind != CS_WRITE_CREATE && kind != CS_WRITE_UPDATE)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "Bulk API 2.0 writes are inserts and updates only");
    if (check_write(object, kind, inputs, count, results, err) != 0)
        return -1;
    if (count == 0)
        return 0;
    c->records_written += count;
    if (cs_sfc_write_bulk(c, object, kind, inputs, count, results, err) != 0) {
        results_failed(results, count, err);
        return -1;
    }
    return 0;
}

int cs_connector_bulk_settle(cs_connector *c, const char *job_id, cs_err *err)
{
    if (c->ops->kind != CS_CONNECTOR_SALESFORCE)
        return unsupported(c, "Bulk API 2.0 jobs", err);
    if (check_name("job id", job_id, err) != 0)
        return -1;
    return cs_sfc_bulk_settle(c, job_id, err);
}

int cs_connector_write(cs_connector *c, const char *object, cs_write_kind kind,
                       const cs_write_input *inputs, size_t count, cs_write_result *results,
                       cs_err *err)
{
    if (check_write(object, kind, inputs, count, results, err) != 0)
        return -1;
    for (size_t at = 0; at < count; at += c->batch_max) {
        size_t n = count - at < c->batch_max ? count - at : c->batch_max;
        c->records_written += n;
        if (c->ops->write(c, object, kind, inputs + at, n, results + at, err) != 0) {
            results_failed(results + at, count - at, err);
            return -1;
        }
    }
    return 0;
}

/* The read behind the three id-map calls: checks, an empty object for no
 * ids, the connector's answer otherwise. */
typedef int (*id_map_op)(cs_connector *c, const char *a, const char *b, const char *const *ids,
                         size_t n, json_t *out, cs_err *err);

static int id_map_read(cs_connector *c, id_map_op op, const char *what, const char *a,
                       const char *b_kind, const char *b, const char *const *ids, size_t count,
                       json_t **out, cs_err *err)
{
    if (op == NULL)
        return unsupported(c, what, err);
    if (check_ids(ids, count, err) != 0 || check_name("object", a, err) != 0 ||
        check_name(b_kind, b, err) != 0)
        return -1;
    json_t *obj = json_object();
    if (obj == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (count > 0 && op(c, a, b, ids, count, obj, err) != 0) {
        json_decref(obj);
        return -1;
    }
    *out = obj;
    return 0;
}

int cs_connector_assoc_read(cs_connector *c, const char *from_object, const char *to_object,
                            const char *const *ids, size_t count, json_t **out, cs_err *err)
{
    return id_map_read(c, c->ops->assoc_read, "associations", from_object, "object", to_object, ids,
                       count, out, err);
}

int cs_connector_children(cs_connector *c, const char *child_object, const char *field,
                          const char *const *ids, size_t count, json_t **out, cs_err *err)
{
    return id_map_read(c, c->ops->children_read, "child records", child_object, "field", field, ids,
                       count, out, err);
}

int cs_connector_assoc_primary(cs_connector *c, const char *from_object, const char *to_object,
                               const char *const *ids, size_t count, json_t **out, cs_err *err)
{
    return id_map_read(c, c->ops->assoc_primary, "primary associations", from_object, "object",
                       to_object, ids, count, out, err);
}

int cs_connector_assoc_write(cs_connector *c, const char *from_object, const char *to_object,
                             const cs_assoc_input *inputs, size_t count, cs_write_result *results,
                             cs_err *err)
{
    if (c->ops->assoc_write == NULL)
        return unsupported(c, "associations", err);
    if (check_name("object", from_object, err) != 0 || check_name("object", to_object, err) != 0)
        return -1;
    results_not_sent(results, count);
    for (size_t i = 0; i < count; i++)
        if (inputs[i].from_id == NULL || inputs[i].to_id == NULL)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "association input %zu has no ids", i);
    for (size_t at = 0; at < count; at += c->batch_max) {
        size_t n = count - at < c->batch_max ? count - at : c->batch_max;
        if (c->ops->assoc_write(c, from_object, to_object, inputs + at, n, results + at, err) !=
            0) {
            results_failed(results + at, count - at, err);
            return -1;
        }
    }
    return 0;
}

/* ---- usage --------------------------------------------------------------------- */

void cs_connector_get_usage(const cs_connector *c, cs_connector_usage *out)
{
    const cs_http_usage *u = cs_http_client_usage(c->http);
    memset(out, 0, sizeof *out);
    out->calls = u->requests;
    out->retries = u->retries;
    out->read_calls = c->read_calls;
    out->write_calls = c->write_calls;
    out->records_written = c->records_written;
    out->daily_used = -1;
    out->daily_max = -1;
    out->burst_remaining = -1;
    if (c->ops->kind == CS_CONNECTOR_SALESFORCE) {
        out->daily_used = u->sf_api_used;
        out->daily_max = u->sf_api_max;
        if (u->sf_bursts_max >= 0 && u->sf_bursts_used >= 0)
            out->burst_remaining = u->sf_bursts_max - u->sf_bursts_used;
    } else {
        out->daily_max = u->hs_daily_max;
        if (u->hs_daily_max >= 0 && u->hs_daily_remaining >= 0)
            out->daily_used = u->hs_daily_max - u->hs_daily_remaining;
        out->burst_remaining =
            u->hs_interval_remaining >= 0 ? u->hs_interval_remaining : u->hs_secondly_remaining;
    }
}

int cs_connector_cursor_time(const char *cursor, int64_t *ms, cs_err *err)
{
    int64_t mod, del;
    const char *p = cursor;
    cs_connector_kind kind = CS_CONNECTOR_HUBSPOT;
    if (p != NULL && strncmp(p, "cs1:sf:", 7) == 0)
        kind = CS_CONNECTOR_SALESFORCE;
    if (cs_cursor_parse(cursor, kind, &mod, &del, err) != 0)
        return -1;
    *ms = mod;
    return 0;
}
