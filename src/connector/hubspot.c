/* The HubSpot connector: CRM v3 objects, properties, owners, lists and v4
 * associations behind connector.h. This file holds the ops table, schemas,
 * the conversion of HubSpot objects into normalised records and every read;
 * change detection is in hubspot_scan.c, writes in hubspot_write.c, email
 * subscriptions in hubspot_prefs.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/hubspot_int.h"
#include "core/timeutil.h"

const char *cs_hsc_modprop(const char *object)
{
    return strcmp(object, "contacts") == 0 ? "lastmodifieddate" : "hs_lastmodifieddate";
}

/* The property holding the creation time: "createdate" on contacts and
 * companies, "hs_createdate" on every other object. */
static const char *cs_hsc_createprop(const char *object)
{
    return strcmp(object, "contacts") == 0 || strcmp(object, "companies") == 0 ? "createdate"
                                                                               : "hs_createdate";
}

const char *cs_hsc_id_text(const json_t *id, char buf[32])
{
    const char *text = json_string_value(id);
    if (text == NULL && json_is_integer(id)) {
        (void)snprintf(buf, 32, "%lld", (long long)json_integer_value(id));
        text = buf;
    }
    return text;
}

/* snprintf's result as "it fit" (0) or "it did not" (-1). */
static int fits(int n, size_t size)
{
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* ---- schemas ---------------------------------------------------------------- */

static int cs_hsc_fetch_schema(cs_connector *c, const char *object, cs_object_schema **out,
                               cs_err *err)
{
    char path[300];
    if (fits(snprintf(path, sizeof path, "/crm/v3/properties/%s", object), sizeof path) != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "object name too long");
    cs_http_request req = {.method = CS_HTTP_GET, .path = path};
    json_t *body = NULL;
    if (cs_conn_call(c, false, &req, NULL, &body, NULL, err) != 0)
        return -1;
    int rc = cs_schema_parse_hubspot(object, body, out, err);
    json_decref(body);
    return rc;
}

/* ---- records ------------------------------------------------------------------ */

json_t *cs_hsc_properties_json(cs_connector *c, const char *object, cs_err *err)
{
    cs_conn_object *ob = cs_conn_object_get(c, object, err);
    if (ob == NULL || !ob->has_selection)
        return NULL;
    json_t *arr = json_array();
    if (arr == NULL)
        return NULL;
    json_array_append_new(arr, json_string(cs_hsc_modprop(object)));
    json_array_append_new(arr, json_string(cs_hsc_createprop(object)));
    for (size_t i = 0; i < ob->nselected; i++)
        json_array_append_new(arr, json_string(ob->selected[i]));
    return arr;
}

static bool selected(const cs_conn_object *ob, const char *name)
{
    if (ob == NULL || !ob->has_selection)
        return true;
    for (size_t i = 0; i < ob->nselected; i++)
        if (strcmp(ob->selected[i], name) == 0)
            return true;
    return false;
}

static int64_t time_member(const json_t *obj, const char *key)
{
    const char *t = json_string_value(json_object_get(obj, key));
    int64_t ms;
    return t != NULL && cs_time_parse(t, &ms, NULL) == 0 ? ms : 0;
}

int cs_hsc_record_from_json(cs_connector *c, const char *object, const json_t *obj, cs_record *out,
                            cs_err *err)
{
    const char *id = json_string_value(json_object_get(obj, "id"));
    const json_t *props = json_object_get(obj, "properties");
    if (id == NULL || id[0] == '\0' || strlen(id) >= CS_CONNECTOR_ID_MAX || !json_is_object(props))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "HubSpot %s: an object without an id or properties", object);
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    cs_conn_object *ob = cs_conn_object_get(c, object, err);
    if (cs_record_init(out, id, object) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    out->modified_ms = time_member(obj, "updatedAt");
    if (out->modified_ms == 0)
        out->modified_ms = time_member(props, cs_hsc_modprop(object));
    out->created_ms = time_member(obj, "createdAt");
    out->deleted = json_is_true(json_object_get(obj, "archived"));
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)props, k, v)
    {
        if (!selected(ob, k))
            continue;
        const cs_field_schema *f = cs_object_schema_field(s, k);
        cs_err verr;
        json_t *nv = cs_value_from_hubspot(f ? f->kind : CS_VALUE_TEXT, v, &verr);
        /* a value the schema's type does not fit is kept as HubSpot sent it */
        if (nv == NULL)
            nv = json_is_string(v) ? json_incref(v) : json_null();
        if (nv == NULL || json_object_set_new(out->fields, k, nv) != 0) {
            cs_record_dispose(out);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
    }
    return 0;
}

static int append_results(cs_connector *c, const char *object, const json_t *results,
                          cs_record_list *out, cs_err *err)
{
    size_t i;
    const json_t *o;
    json_array_foreach(results, i, o)
    {
        cs_record r;
        if (cs_hsc_record_from_json(c, object, o, &r, err) != 0 ||
            cs_conn_push(out, &r, 0, err) != 0)
            return -1;
    }
    return 0;
}

/* ---- reads -------------------------------------------------------------------- */

/* POST /crm/v3/objects/{object}/batch/read for up to 100 ids (or, with
 * id_property, values of that unique property), appending what exists. */
static int cs_hsc_batch_read(cs_connector *c, const char *object, const char *id_property,
                             const char *const *ids, size_t n, cs_record_list *out, cs_err *err)
{
    char path[300];
    if (fits(snprintf(path, sizeof path, "/crm/v3/objects/%s/batch/read", object), sizeof path) !=
        0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "object name too long");
    for (size_t at = 0; at < n; at += HS_BATCH_LIMIT) {
        size_t m = n - at < HS_BATCH_LIMIT ? n - at : HS_BATCH_LIMIT;
        json_t *inputs = json_array();
        for (size_t i = 0; i < m; i++)
            json_array_append_new(inputs, json_pack("{s:s}", "id", ids[at + i]));
        json_t *props = cs_hsc_properties_json(c, object, err);
        json_t *body =
            json_pack("{s:o,s:o}", "inputs", inputs, "properties", props ? props : json_array());
        if (body != NULL && id_property != NULL)
            json_object_set_new(body, "idProperty", json_string(id_property));
        if (body == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        /* a read: safe to retry although it is a POST */
        cs_http_request req = {
            .method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT};
        json_t *ans = NULL;
        int rc = cs_conn_call(c, false, &req, body, &ans, NULL, err);
        json_decref(body);
        if (rc != 0)
            return -1;
        /* 207: the errors name ids that do not exist; missing is not deleted (C16) */
        rc = append_results(c, object, json_object_get(ans, "results"), out, err);
        json_decref(ans);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int cs_hsc_read(cs_connector *c, const char *object, const char *const *ids, size_t n,
                       cs_record_list *out, cs_err *err)
{
    return cs_hsc_batch_read(c, object, NULL, ids, n, out, err);
}

/* C5: one lookup per distinct dedup key. */
static int cs_hsc_find_by_email(cs_connector *c, const char *object, const char *const *emails,
                                size_t n, cs_record_list *out, cs_err *err)
{
    if (object == NULL)
        object = "contacts";
    char **keys = calloc(n, sizeof *keys);
    if (keys == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t nk = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char key[320];
        if (!cs_email_key(emails[i], key, sizeof key))
            continue;
        bool dup = false;
        for (size_t j = 0; j < nk && !dup; j++)
            dup = strcmp(keys[j], key) == 0;
        if (dup)
            continue;
        if ((keys[nk] = strdup(key)) == NULL)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        else
            nk++;
    }
    if (rc == 0)
        rc = cs_hsc_batch_read(c, object, "email", (const char *const *)keys, nk, out, err);
    for (size_t i = 0; i < nk; i++)
        free(keys[i]);
    free(keys);
    return rc;
}

/* Follows a listing's paging.next.after; calls each(page results). */
typedef int (*page_fn)(cs_connector *c, const json_t *results, void *ud, cs_err *err);

static int cs_hsc_list_pages(cs_connector *c, const char *path, page_fn each, void *ud, cs_err *err)
{
    char after[128] = "";
    for (int page = 0; page < HS_MAX_PAGES; page++) {
        cs_http_kv q[2] = {{"limit", "100"}, {"after", after}};
        cs_http_request req = {
            .method = CS_HTTP_GET, .path = path, .query = q, .nquery = after[0] ? 2 : 1};
        json_t *ans = NULL;
        if (cs_conn_call(c, false, &req, NULL, &ans, NULL, err) != 0)
            return -1;
        int rc = each(c, json_object_get(ans, "results"), ud, err);
        const char *next = json_string_value(
            json_object_get(json_object_get(json_object_get(ans, "paging"), "next"), "after"));
        bool more = next != NULL && next[0] != '\0' && strlen(next) < sizeof after &&
                    strcmp(next, after) != 0;
        if (more)
            (void)snprintf(after, sizeof after, "%s", next);
        json_decref(ans);
        if (rc != 0)
            return -1;
        if (!more)
            return 0;
    }
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s: more than %d pages", path, HS_MAX_PAGES);
}

static int owner_page(cs_connector *c, const json_t *results, void *ud, cs_err *err)
{
    (void)c;
    cs_record_list *out = ud;
    size_t i;
    const json_t *o;
    json_array_foreach(results, i, o)
    {
        const char *id = json_string_value(json_object_get(o, "id"));
        if (id == NULL)
            continue;
        cs_record r;
        if (cs_record_init(&r, id, "owners") != 0)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        char key[320];
        const char *email = json_string_value(json_object_get(o, "email"));
        const char *first = json_string_value(json_object_get(o, "firstName"));
        const char *last = json_string_value(json_object_get(o, "lastName"));
        char name[300];
        (void)snprintf(name, sizeof name, "%s%s%s", first ? first : "", first && last ? " " : "",
                       last ? last : "");
        int rc = cs_record_set(&r, "email", cs_email_key(email, key, sizeof key) ? key : NULL);
        rc |= cs_record_set(&r, "active",
                            json_is_true(json_object_get(o, "archived")) ? "false" : "true");
        rc |= cs_record_set(&r, "name", name[0] ? name : NULL);
        r.modified_ms = time_member(o, "updatedAt");
        r.created_ms = time_member(o, "createdAt");
        if (cs_conn_push(out, &r, rc, err) != 0)
            return -1;
    }
    return 0;
}

/* C17: owners are matched to Salesforce Users by email. */
static int cs_hsc_users(cs_connector *c, cs_record_list *out, cs_err *err)
{
    return cs_hsc_list_pages(c, "/crm/v3/owners", owner_page, out, err);
}

static int member_page(cs_connector *c, const json_t *results, void *ud, cs_err *err)
{
    (void)c;
    json_t *ids = ud;
    size_t i;
    const json_t *m;
    json_array_foreach(results, i, m)
    {
        /* {"recordId": "1", "membershipTimestamp": ...}; a bare id is accepted too */
        const json_t *id = json_is_object(m) ? json_object_get(m, "recordId") : m;
        char buf[32];
        const char *text = cs_hsc_id_text(id, buf);
        if (text != NULL && json_array_append_new(ids, json_string(text)) != 0)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* C2, C4: the members of the inclusion list. */
static int cs_hsc_list_members(cs_connector *c, const char *list_id, json_t *ids, cs_err *err)
{
    char path[300];
    if (fits(snprintf(path, sizeof path, "/crm/v3/lists/%s/memberships", list_id), sizeof path) !=
        0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "list id too long");
    return cs_hsc_list_pages(c, path, member_page, ids, err);
}

/* ---- associations (A2) ----------------------------------------------------------- */

/* primary_only: out[id] is the id of the one association labelled
 * "Primary", or null when there is none (a record may have companies and no
 * primary one); else every associated id, the primary first. */
static int assoc_batch_read(cs_connector *c, const char *from, const char *to,
                            const char *const *ids, size_t n, json_t *out, bool primary_only,
                            cs_err *err)
{
    char path[300];
    if (fits(snprintf(path, sizeof path, "/crm/v4/associations/%s/%s/batch/read", from, to),
             sizeof path) != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "object name too long");
    for (size_t at = 0; at < n; at += HS_BATCH_LIMIT) {
        size_t m = n - at < HS_BATCH_LIMIT ? n - at : HS_BATCH_LIMIT;
        json_t *inputs = json_array();
        for (size_t i = 0; i < m; i++) {
            json_array_append_new(inputs, json_pack("{s:s}", "id", ids[at + i]));
            json_object_set_new(out, ids[at + i], primary_only ? json_null() : json_array());
        }
        json_t *body = json_pack("{s:o}", "inputs", inputs);
        cs_http_request req = {
            .method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT};
        json_t *ans = NULL;
        int rc = cs_conn_call(c, false, &req, body, &ans, NULL, err);
        json_decref(body);
        if (rc != 0)
            return -1;
        size_t i;
        const json_t *r;
        json_array_foreach(json_object_get(ans, "results"), i, r)
        {
            char fbuf[32];
            const char *fs =
                cs_hsc_id_text(json_object_get(json_object_get(r, "from"), "id"), fbuf);
            json_t *list = fs ? json_object_get(out, fs) : NULL;
            if (list == NULL)
                continue;
            const char *from_id = fs;
            size_t j;
            const json_t *t;
            json_array_foreach(json_object_get(r, "to"), j, t)
            {
                char buf[32];
                const char *ts = cs_hsc_id_text(json_object_get(t, "toObjectId"), buf);
                if (ts == NULL)
                    continue;
                /* A2: the primary association first. */
                bool primary = false;
                size_t k;
                const json_t *ty;
                json_array_foreach(json_object_get(t, "associationTypes"), k, ty)
                {
                    const char *label = json_string_value(json_object_get(ty, "label"));
                    primary = primary || (label != NULL && strcmp(label, "Primary") == 0);
                }
                if (primary_only) {
                    if (primary)
                        json_object_set_new(out, from_id, json_string(ts));
                } else if (primary) {
                    json_array_insert_new(list, 0, json_string(ts));
                } else {
                    json_array_append_new(list, json_string(ts));
                }
            }
        }
        json_decref(ans);
    }
    return 0;
}

static int cs_hsc_assoc_read(cs_connector *c, const char *from, const char *to,
                             const char *const *ids, size_t n, json_t *out, cs_err *err)
{
    return assoc_batch_read(c, from, to, ids, n, out, false, err);
}

static int cs_hsc_assoc_primary(cs_connector *c, const char *from, const char *to,
                                const char *const *ids, size_t n, json_t *out, cs_err *err)
{
    return assoc_batch_read(c, from, to, ids, n, out, true, err);
}

static int cs_hsc_assoc_write(cs_connector *c, const char *from, const char *to,
                              const cs_assoc_input *in, size_t n, cs_write_result *res, cs_err *err)
{
    char path[300];
    /* Typed associations (a primary company, A2) go through batch/create,
     * which takes the types; the rest through associate/default. */
    bool typed = n > 0 && in[0].type_id > 0;
    /* Removals go through batch/archive, which drops every association
     * between each pair (all its labels). */
    bool remove = n > 0 && in[0].remove;
    for (size_t i = 0; i < n; i++)
        if (in[i].remove != remove)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "associations: one call mixes removals and adds");
    if (fits(snprintf(path, sizeof path, "/crm/v4/associations/%s/%s/batch/%s", from, to,
                      remove  ? "archive"
                      : typed ? "create"
                              : "associate/default"),
             sizeof path) != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "object name too long");
    json_t *inputs = json_array();
    for (size_t i = 0; i < n; i++) {
        if (remove)
            json_array_append_new(inputs, json_pack("{s:{s:s},s:[{s:s}]}", "from", "id",
                                                    in[i].from_id, "to", "id", in[i].to_id));
        else if (typed)
            json_array_append_new(inputs, json_pack("{s:{s:s},s:{s:s},s:[{s:s,s:i}]}", "from", "id",
                                                    in[i].from_id, "to", "id", in[i].to_id, "types",
                                                    "associationCategory", "HUBSPOT_DEFINED",
                                                    "associationTypeId", in[i].type_id));
        else
            json_array_append_new(inputs, json_pack("{s:{s:s},s:{s:s}}", "from", "id",
                                                    in[i].from_id, "to", "id", in[i].to_id));
    }
    json_t *body = json_pack("{s:o}", "inputs", inputs);
    cs_http_request req = {.method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT};
    cs_http_response resp;
    cs_http_response_init(&resp);
    int rc = cs_conn_call(c, true, &req, body, NULL, &resp, err);
    json_decref(body);
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            cs_write_result_ok(&res[i], in[i].from_id, false);
    } else if (resp.status >= 400 && resp.status < 500 && resp.status != 401 &&
               resp.status != 429) {
        /* the API refused the batch: every pair gets its message (R4) */
        char msg[CS_WRITE_MESSAGE_MAX];
        cs_http_api_message(resp.body.data, resp.body.len, msg, sizeof msg);
        for (size_t i = 0; i < n; i++)
            cs_write_result_refuse(&res[i], CS_CAT_ASSOCIATIONS, "ASSOCIATION_FAILED", NULL, msg);
        rc = 0;
    }
    cs_http_response_dispose(&resp);
    return rc;
}

/* ---- the connector -------------------------------------------------------------- */

static void cs_hsc_dispose(cs_connector *c)
{
    json_decref(((cs_hsc_conn *)c)->subscriptions);
}

static const cs_connector_ops cs_hsc_ops = {
    .name = "hubspot",
    .kind = CS_CONNECTOR_HUBSPOT,
    .batch_limit = HS_BATCH_LIMIT,
    .dispose = cs_hsc_dispose,
    .fetch_schema = cs_hsc_fetch_schema,
    .scan_new = cs_hsc_scan_new,
    .scan_changes = cs_hsc_scan_changes,
    .scan_deleted = cs_hsc_scan_deleted,
    .scan_dispose = cs_hsc_scan_dispose,
    .count_modified = cs_hsc_count_modified,
    .read = cs_hsc_read,
    .find_by_email = cs_hsc_find_by_email,
    .users = cs_hsc_users,
    .list_members = cs_hsc_list_members,
    .campaigns = NULL,
    .write = cs_hsc_write,
    .assoc_read = cs_hsc_assoc_read,
    .assoc_write = cs_hsc_assoc_write,
    .assoc_primary = cs_hsc_assoc_primary,
};

int cs_hubspot_connector_new(const cs_connector_options *opts, cs_connector **out, cs_err *err)
{
    cs_hsc_conn *h = calloc(1, sizeof *h);
    if (h == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (cs_conn_init(&h->base, &cs_hsc_ops, opts, err) != 0) {
        cs_connector_free(&h->base);
        return -1;
    }
    *out = &h->base;
    return 0;
}
