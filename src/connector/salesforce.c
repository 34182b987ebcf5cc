/* The Salesforce connector: REST API (describe, SOQL query with paging,
 * sObject Collections, replication) behind connector.h. This file holds the
 * ops table, schemas, SOQL building and paging, the conversion of records,
 * and every read: by ids, by email in C5's order, Users (C17), campaign
 * membership (C12) and lookups (A2). Change detection is in
 * salesforce_scan.c, writes in salesforce_write.c. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/salesforce_int.h"
#include "core/timeutil.h"

const char *cs_sfc_prefix(const cs_connector *c)
{
    return ((const cs_sfc_conn *)c)->prefix;
}

/* ---- schemas ---------------------------------------------------------------- */

static int cs_sfc_fetch_schema(cs_connector *c, const char *object, cs_object_schema **out,
                               cs_err *err)
{
    char path[300];
    int n = snprintf(path, sizeof path, "%s/sobjects/%s/describe", cs_sfc_prefix(c), object);
    if (n < 0 || (size_t)n >= sizeof path)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "object name too long");
    cs_http_request req = {.method = CS_HTTP_GET, .path = path};
    json_t *body = NULL;
    if (cs_conn_call(c, false, &req, NULL, &body, NULL, err) != 0)
        return -1;
    int rc = cs_schema_parse_salesforce(body, out, err);
    json_decref(body);
    return rc;
}

/* ---- SOQL -------------------------------------------------------------------- */

static const char *const system_fields[] = {"Id", "SystemModstamp", "LastModifiedDate",
                                            "CreatedDate"};

static bool is_system(const char *name)
{
    for (size_t i = 0; i < sizeof system_fields / sizeof system_fields[0]; i++)
        if (strcmp(name, system_fields[i]) == 0)
            return true;
    return false;
}

int cs_sfc_select_list(cs_connector *c, const char *object, cs_buf *b, cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    cs_conn_object *ob = cs_conn_object_get(c, object, err);
    int rc = 0;
    for (size_t i = 0; i < sizeof system_fields / sizeof system_fields[0]; i++)
        if (cs_object_schema_field(s, system_fields[i]) != NULL || i == 0)
            rc |= cs_buf_appendf(b, "%s%s", i ? ", " : "", system_fields[i]);
    if (ob->has_selection) {
        for (size_t i = 0; i < ob->nselected; i++)
            if (!is_system(ob->selected[i]))
                rc |= cs_buf_appendf(b, ", %s", ob->selected[i]);
    } else {
        for (size_t i = 0; i < s->count; i++) {
            const cs_field_schema *f = &s->fields[i];
            /* compound fields (address, location) come back as objects */
            if (is_system(f->name) ||
                (f->type && (strcmp(f->type, "address") == 0 || strcmp(f->type, "location") == 0)))
                continue;
            rc |= cs_buf_appendf(b, ", %s", f->name);
        }
    }
    return rc == 0 ? 0 : cs_err_set(err, CS_ERR_INVALID_INPUT, "SOQL too long");
}

/* Appends value as a SOQL string literal ('...' with escapes). */
static int cs_sfc_quote(cs_buf *b, const char *value)
{
    int rc = cs_buf_append_str(b, "'");
    for (const char *p = value; *p && rc == 0; p++) {
        switch (*p) {
        case '\'':
        case '\\':
        case '"':
            rc = cs_buf_appendf(b, "\\%c", *p);
            break;
        case '\n':
            rc = cs_buf_append_str(b, "\\n");
            break;
        case '\r':
            rc = cs_buf_append_str(b, "\\r");
            break;
        case '\t':
            rc = cs_buf_append_str(b, "\\t");
            break;
        default:
            rc = cs_buf_append(b, p, 1);
        }
    }
    return rc == 0 ? cs_buf_append_str(b, "'") : rc;
}

int cs_sfc_datetime_literal(cs_buf *b, int64_t ms)
{
    char text[CS_TIME_TEXT_MAX];
    int64_t floored = ms - ((ms % 1000) + 1000) % 1000;
    cs_time_format_hubspot(floored, text);
    /* "2026-01-02T03:04:05.000Z" -> "2026-01-02T03:04:05Z" */
    char *dot = strchr(text, '.');
    if (dot != NULL)
        memmove(dot, dot + 4, strlen(dot + 4) + 1);
    return cs_buf_append_str(b, text);
}

bool cs_sfc_id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n != 15 && n != 18)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]))
            return false;
    return true;
}

/* ---- queries ------------------------------------------------------------------- */

int cs_sfc_query_page(cs_connector *c, const char *soql, const char *next, size_t batch,
                      json_t **ans, cs_err *err)
{
    char path[300], opts[64];
    cs_http_kv q = {"q", soql};
    cs_http_kv h = {"Sforce-Query-Options", opts};
    cs_http_request req = {.method = CS_HTTP_GET};
    if (next != NULL) {
        if (strlen(next) >= 1000 || strncmp(next, "/services/data/", 15) != 0)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "unexpected nextRecordsUrl '%.80s'", next);
        req.path = next;
    } else {
        (void)snprintf(path, sizeof path, "%s/query", cs_sfc_prefix(c));
        req.path = path;
        req.query = &q;
        req.nquery = 1;
    }
    if (batch > 0) {
        (void)snprintf(opts, sizeof opts, "batchSize=%zu", batch);
        req.headers = &h;
        req.nheaders = 1;
    }
    return cs_conn_call(c, false, &req, NULL, ans, NULL, err);
}

static int64_t time_member(const json_t *obj, const char *key)
{
    const char *t = json_string_value(json_object_get(obj, key));
    int64_t ms;
    return t != NULL && cs_time_parse(t, &ms, NULL) == 0 ? ms : 0;
}

/* Every field a query returned is kept (the SELECT list is the selection);
 * the system timestamps only when they were selected themselves. */
static bool selected(const cs_conn_object *ob, const char *name)
{
    if (!is_system(name))
        return true;
    for (size_t i = 0; ob != NULL && ob->has_selection && i < ob->nselected; i++)
        if (strcmp(ob->selected[i], name) == 0)
            return true;
    return false;
}

static int record_from_json(cs_connector *c, const char *object, const cs_object_schema *s,
                            const cs_conn_object *ob, const json_t *obj, cs_record *out,
                            cs_err *err)
{
    const char *id = json_string_value(json_object_get(obj, "Id"));
    if (id == NULL || !cs_sfc_id_ok(id))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "Salesforce %s: a record without a valid Id",
                          object);
    if (cs_record_init(out, id, object) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    out->modified_ms = time_member(obj, "LastModifiedDate");
    if (out->modified_ms == 0)
        out->modified_ms = time_member(obj, "SystemModstamp");
    out->created_ms = time_member(obj, "CreatedDate");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        if (strcmp(k, "attributes") == 0 || strcmp(k, "Id") == 0 || json_is_object(v) ||
            json_is_array(v) || !selected(ob, k))
            continue;
        const cs_field_schema *f = cs_object_schema_field(s, k);
        cs_err verr;
        json_t *nv = cs_value_from_salesforce(f ? f->kind : CS_VALUE_TEXT, v, &verr);
        if (nv == NULL) /* kept as text rather than lost */
            nv = cs_value_from_salesforce(CS_VALUE_TEXT, v, &verr);
        if (nv == NULL)
            nv = json_null();
        if (json_object_set_new(out->fields, k, nv) != 0) {
            cs_record_dispose(out);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
    }
    (void)c;
    return 0;
}

int cs_sfc_record_from_json(cs_connector *c, const char *object, const json_t *obj, cs_record *out,
                            cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    const cs_conn_object *ob = cs_conn_object_get(c, object, err);
    return record_from_json(c, object, s, ob, obj, out, err);
}

int cs_sfc_append_page(cs_connector *c, const char *object, const json_t *page, cs_record_list *out,
                       int64_t *max_modstamp, cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    const cs_conn_object *ob = cs_conn_object_get(c, object, err);
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(page, "records"), i, o)
    {
        cs_record r;
        if (record_from_json(c, object, s, ob, o, &r, err) != 0)
            return -1;
        int64_t stamp = time_member(o, "SystemModstamp");
        if (max_modstamp != NULL && stamp > *max_modstamp)
            *max_modstamp = stamp;
        if (cs_conn_push(out, &r, 0, err) != 0)
            return -1;
    }
    return 0;
}

int cs_sfc_query_pages(cs_connector *c, const char *what, const char *soql, size_t batch,
                       cs_sfc_page_fn fn, void *ud, cs_err *err)
{
    char next[1000] = "";
    for (int page = 0; page < SF_MAX_PAGES; page++) {
        json_t *ans = NULL;
        if (cs_sfc_query_page(c, page == 0 ? soql : NULL, page == 0 ? NULL : next, batch, &ans,
                              err) != 0)
            return cs_err_prefix(err, "%s: ", what);
        int rc = fn(ud, ans, err);
        const char *url = json_string_value(json_object_get(ans, "nextRecordsUrl"));
        bool more =
            !json_is_true(json_object_get(ans, "done")) && url != NULL && strlen(url) < sizeof next;
        if (more)
            (void)snprintf(next, sizeof next, "%s", url);
        json_decref(ans);
        if (rc != 0)
            return cs_err_prefix(err, "%s: ", what);
        if (!more)
            return 0;
    }
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s: more than %d pages", what, SF_MAX_PAGES);
}

typedef struct append_ctx {
    cs_connector *c;
    const char *object;
    cs_record_list *out;
} append_ctx;

static int append_page(void *ud, const json_t *ans, cs_err *err)
{
    append_ctx *a = ud;
    return cs_sfc_append_page(a->c, a->object, ans, a->out, NULL, err);
}

/* Runs a query through all its pages, appending each record, normalised, to out. */
static int cs_sfc_query_all(cs_connector *c, const char *object, const char *soql,
                            cs_record_list *out, cs_err *err)
{
    char what[160];
    (void)snprintf(what, sizeof what, "query of %s", object);
    append_ctx a = {c, object, out};
    return cs_sfc_query_pages(c, what, soql, 0, append_page, &a, err);
}

/* Runs "SELECT <list> FROM object WHERE field IN (values...) <tail>" in
 * chunks that keep each query short. */
static int query_in(cs_connector *c, const char *object, const char *select, const char *field,
                    const char *const *values, size_t n, const char *tail, cs_record_list *out,
                    cs_err *err)
{
    size_t at = 0;
    while (at < n) {
        cs_buf q;
        cs_buf_init(&q, SF_SOQL_MAX);
        int rc = cs_buf_appendf(&q, "SELECT %s FROM %s WHERE %s IN (", select, object, field);
        size_t m = 0;
        size_t base = q.len;
        while (rc == 0 && at < n && m < SF_IN_VALUES &&
               (m == 0 || q.len - base + strlen(values[at]) < SF_SOQL_BUDGET)) {
            rc = (m > 0 ? cs_buf_append_str(&q, ", ") : 0) | cs_sfc_quote(&q, values[at]);
            at++;
            m++;
        }
        rc |= cs_buf_appendf(&q, ")%s%s", tail ? " " : "", tail ? tail : "");
        if (rc != 0) {
            cs_buf_free(&q);
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "SOQL too long");
        }
        rc = cs_sfc_query_all(c, object, cs_buf_str(&q), out, err);
        cs_buf_free(&q);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int select_text(cs_connector *c, const char *object, cs_buf *b, cs_err *err)
{
    cs_buf_init(b, SF_SOQL_MAX);
    if (cs_sfc_select_list(c, object, b, err) != 0) {
        cs_buf_free(b);
        return -1;
    }
    return 0;
}

/* ---- reads ---------------------------------------------------------------------- */

/* sObject Collections retrieve: POST /composite/sobjects/{object} {ids,
 * fields}, up to 2,000 records a call (null for an id that names no live
 * record: simply absent, C16). */
static int retrieve(cs_connector *c, const char *object, json_t *fields, const char *const *ids,
                    size_t n, cs_record_list *out, cs_err *err)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, json_string(ids[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    json_t *body = json_pack("{s:o*,s:O}", "ids", arr, "fields", fields);
    if (body == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    char path[300];
    (void)snprintf(path, sizeof path, "%s/composite/sobjects/%s", cs_sfc_prefix(c), object);
    cs_http_request req = {.method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT};
    json_t *ans = NULL;
    int rc = cs_conn_call(c, false, &req, body, &ans, NULL, err);
    json_decref(body);
    if (rc != 0)
        return cs_err_prefix(err, "reading %s by id: ", object);
    if (!json_is_array(ans)) {
        json_decref(ans);
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "reading %s by id: Salesforce answered without a list of records",
                          object);
    }
    json_t *page = json_pack("{s:[]}", "records");
    json_t *recs = json_object_get(page, "records");
    size_t i;
    json_t *r;
    json_array_foreach(ans, i, r)
    {
        if (json_is_object(r) && json_array_append(recs, r) != 0)
            rc = -1;
    }
    json_decref(ans);
    if (page == NULL || rc != 0) {
        json_decref(page);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    rc = cs_sfc_append_page(c, object, page, out, NULL, err);
    json_decref(page);
    return rc;
}

static int cs_sfc_read(cs_connector *c, const char *object, const char *const *ids, size_t n,
                       cs_record_list *out, cs_err *err)
{
    const char **ok = calloc(n, sizeof *ok);
    if (ok == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (cs_sfc_id_ok(ids[i])) /* anything else names no record */
            ok[m++] = ids[i];
    cs_buf sel;
    int rc = select_text(c, object, &sel, err);
    json_t *fields = rc == 0 ? json_array() : NULL;
    if (rc == 0 && fields == NULL)
        rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    /* the select list, "Id, SystemModstamp, ...", as the names retrieve takes */
    for (const char *p = cs_buf_str(&sel); rc == 0 && *p;) {
        size_t len = strcspn(p, ",");
        if (json_array_append_new(fields, json_stringn(p, len)) != 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        p += len;
        p += strspn(p, ", ");
    }
    for (size_t at = 0; rc == 0 && at < m; at += SF_RETRIEVE_MAX)
        rc = retrieve(c, object, fields, ok + at,
                      m - at < SF_RETRIEVE_MAX ? m - at : SF_RETRIEVE_MAX, out, err);
    json_decref(fields);
    cs_buf_free(&sel);
    free(ok);
    return rc;
}

/* Distinct email keys plus the trimmed spellings, for an IN list that finds
 * addresses whatever their case. */
static int email_values(const char *const *emails, size_t n, json_t *keys, json_t *values)
{
    for (size_t i = 0; i < n; i++) {
        char key[320];
        if (!cs_email_key(emails[i], key, sizeof key))
            continue;
        if (json_object_get(keys, key) == NULL) {
            json_object_set_new(keys, key, json_integer((json_int_t)json_object_size(keys)));
            json_array_append_new(values, json_string(key));
        }
        const char *e = emails[i];
        while (isspace((unsigned char)*e))
            e++;
        size_t len = strlen(e);
        while (len > 0 && isspace((unsigned char)e[len - 1]))
            len--;
        if (len != strlen(key) || strncmp(e, key, len) != 0)
            json_array_append_new(values, json_stringn(e, len));
    }
    return 0;
}

/* The records of src grouped by the position their email key has in keys
 * (C5 order), each group in src order: group k is
 * order[start[k]..start[k + 1]). One pass and a hash lookup per record, so
 * matching stays linear however many emails a lookup carries. */
typedef struct email_groups {
    size_t *order;
    size_t *start; /* nkeys + 1 entries */
} email_groups;

static void email_groups_dispose(email_groups *g)
{
    free(g->order);
    free(g->start);
}

static int email_groups_build(const cs_record_list *src, const json_t *keys, size_t nkeys,
                              const char *field, email_groups *g)
{
    size_t n = src->len;
    size_t *slot = malloc((n ? n : 1) * sizeof *slot);
    g->order = malloc((n ? n : 1) * sizeof *g->order);
    g->start = calloc(nkeys + 1, sizeof *g->start);
    if (slot == NULL || g->order == NULL || g->start == NULL) {
        free(slot);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const cs_record *r = &src->items[i];
        char k[320];
        const json_t *pos = NULL;
        if (r->id != NULL && cs_email_key(cs_record_get(r, field), k, sizeof k))
            pos = json_object_get(keys, k);
        slot[i] = pos ? (size_t)json_integer_value(pos) : SIZE_MAX;
        if (slot[i] < nkeys)
            g->start[slot[i] + 1]++;
    }
    for (size_t k = 0; k < nkeys; k++)
        g->start[k + 1] += g->start[k];
    size_t *next = malloc((nkeys ? nkeys : 1) * sizeof *next);
    if (next == NULL) {
        free(slot);
        return -1;
    }
    memcpy(next, g->start, nkeys * sizeof *next);
    for (size_t i = 0; i < n; i++)
        if (slot[i] < nkeys)
            g->order[next[slot[i]]++] = i;
    free(next);
    free(slot);
    return 0;
}

static int find_in(cs_connector *c, const char *object, const char **values, size_t n,
                   cs_record_list *out, cs_err *err)
{
    cs_buf sel;
    if (select_text(c, object, &sel, err) != 0)
        return -1;
    const cs_conn_object *ob = cs_conn_object_get(c, object, err);
    bool email_selected = !ob->has_selection;
    for (size_t i = 0; ob->has_selection && i < ob->nselected; i++)
        email_selected |= strcmp(ob->selected[i], "Email") == 0;
    if (!email_selected && cs_buf_append_str(&sel, ", Email") != 0) {
        cs_buf_free(&sel);
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "SOQL too long");
    }
    /* C5: converted Leads are not candidates; the most recently modified first */
    const char *tail = strcmp(object, "Lead") == 0
                           ? "AND IsConverted = false ORDER BY LastModifiedDate DESC, Id"
                           : "ORDER BY LastModifiedDate DESC, Id";
    int rc = query_in(c, object, cs_buf_str(&sel), "Email", values, n, tail, out, err);
    cs_buf_free(&sel);
    return rc;
}

/* C5: for each email, Contacts before Leads, the most recently modified first. */
static int cs_sfc_find_by_email(cs_connector *c, const char *object, const char *const *emails,
                                size_t n, cs_record_list *out, cs_err *err)
{
    json_t *keys = json_object(), *values = json_array();
    const char **vals = NULL;
    cs_record_list found[2];
    cs_record_list_init(&found[0]);
    cs_record_list_init(&found[1]);
    const char *objects[2] = {"Contact", "Lead"};
    size_t nobjects = 2;
    if (object != NULL) {
        objects[0] = object;
        nobjects = 1;
    }
    int rc = keys && values ? email_values(emails, n, keys, values) : -1;
    size_t nv = json_array_size(values);
    if (rc == 0 && (vals = calloc(nv ? nv : 1, sizeof *vals)) == NULL)
        rc = -1;
    if (rc != 0) {
        rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nv; i++)
        vals[i] = json_string_value(json_array_get(values, i));
    for (size_t o = 0; o < nobjects && rc == 0 && nv > 0; o++)
        rc = find_in(c, objects[o], vals, nv, &found[o], err);
    /* group by email in the order asked, each object's matches in query order */
    size_t nkeys = json_object_size(keys);
    email_groups groups[2] = {{0}, {0}};
    for (size_t o = 0; o < nobjects && rc == 0; o++)
        if (email_groups_build(&found[o], keys, nkeys, "Email", &groups[o]) != 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t k = 0; k < nkeys && rc == 0; k++)
        for (size_t o = 0; o < nobjects && rc == 0; o++)
            for (size_t j = groups[o].start[k]; j < groups[o].start[k + 1] && rc == 0; j++)
                if (cs_record_list_push(out, &found[o].items[groups[o].order[j]]) != 0)
                    rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    email_groups_dispose(&groups[0]);
    email_groups_dispose(&groups[1]);
done:
    free(vals);
    cs_record_list_dispose(&found[0]);
    cs_record_list_dispose(&found[1]);
    json_decref(keys);
    json_decref(values);
    return rc;
}

/* C17: HubSpot owners are written to Salesforce only as active Users. */
static int cs_sfc_users(cs_connector *c, cs_record_list *out, cs_err *err)
{
    cs_record_list raw;
    cs_record_list_init(&raw);
    int rc = cs_sfc_query_all(c, "User", "SELECT Id, Email, IsActive, Name FROM User", &raw, err);
    for (size_t i = 0; i < raw.len && rc == 0; i++) {
        cs_record *u = &raw.items[i];
        cs_record r;
        char key[320];
        if (cs_record_init(&r, u->id, "User") != 0) {
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
            break;
        }
        r.modified_ms = u->modified_ms;
        r.created_ms = u->created_ms;
        const char *active = cs_record_get(u, "IsActive");
        int set = cs_record_set(
            &r, "email", cs_email_key(cs_record_get(u, "Email"), key, sizeof key) ? key : NULL);
        set |=
            cs_record_set(&r, "active", active && strcmp(active, "true") == 0 ? "true" : "false");
        set |= cs_record_set(&r, "name", cs_record_get(u, "Name"));
        rc = cs_conn_push(out, &r, set, err);
    }
    cs_record_list_dispose(&raw);
    return rc;
}

/* C12: campaign ids per Lead (00Q...) or Contact (003...). */
static int cs_sfc_campaigns(cs_connector *c, const char *const *ids, size_t n, json_t *out,
                            cs_err *err)
{
    const char **leads = calloc(n, sizeof(const char *));
    const char **contacts = calloc(n, sizeof(const char *));
    json_t *sets = json_object();
    if (leads == NULL || contacts == NULL || sets == NULL) {
        free(leads);
        free(contacts);
        json_decref(sets);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    size_t nl = 0, nc = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_object_set_new(out, ids[i], json_null());
        json_object_set_new(sets, ids[i], json_object());
        if (!cs_sfc_id_ok(ids[i]))
            continue;
        if (strncmp(ids[i], "00Q", 3) == 0)
            leads[nl++] = ids[i];
        else
            contacts[nc++] = ids[i];
    }
    cs_record_list members;
    cs_record_list_init(&members);
    const char *sel = "Id, CampaignId, LeadId, ContactId";
    if (rc == 0 && nl > 0)
        rc = query_in(c, "CampaignMember", sel, "LeadId", leads, nl, NULL, &members, err);
    if (rc == 0 && nc > 0)
        rc = query_in(c, "CampaignMember", sel, "ContactId", contacts, nc, NULL, &members, err);
    for (size_t i = 0; i < members.len && rc == 0; i++) {
        const char *campaign = cs_record_get(&members.items[i], "CampaignId");
        const char *who[2] = {cs_record_get(&members.items[i], "LeadId"),
                              cs_record_get(&members.items[i], "ContactId")};
        for (int w = 0; w < 2 && campaign; w++) {
            json_t *set = who[w] ? json_object_get(sets, who[w]) : NULL;
            if (set != NULL)
                json_object_set_new(set, campaign, json_true());
        }
    }
    /* ";"-joined, sorted: the multi-value form of value.h */
    const char *id;
    json_t *set;
    json_object_foreach(sets, id, set)
    {
        if (rc != 0 || json_object_size(set) == 0)
            continue;
        cs_buf b;
        cs_buf_init(&b, CS_VALUE_TEXT_MAX);
        const char *cid;
        json_t *yes;
        json_object_foreach(set, cid, yes)
        {
            (void)yes;
            cs_buf_appendf(&b, "%s%s", b.len ? ";" : "", cid);
        }
        cs_err verr;
        json_t *v = cs_value_normalize(CS_VALUE_MULTI, cs_buf_str(&b), &verr);
        cs_buf_free(&b);
        json_object_set_new(out, id, v ? v : json_null());
    }
    cs_record_list_dispose(&members);
    json_decref(sets);
    free(leads);
    free(contacts);
    return rc;
}

/* ---- lookups (A2) -------------------------------------------------------------------- */

/* The lookup field of from that points to to ("AccountId" on Contact). */
static const cs_field_schema *lookup_field(cs_connector *c, const char *from, const char *to,
                                           cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, from, err);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < s->count; i++) {
        const cs_field_schema *f = &s->fields[i];
        if (!f->is_reference || !f->updateable)
            continue;
        for (size_t r = 0; r < f->reference_count; r++)
            if (strcmp(f->reference_to[r], to) == 0)
                return f;
    }
    cs_err_set(err, CS_ERR_CONFIG, "Salesforce %s has no lookup field to %s", from, to);
    return NULL;
}

/* Lists of ids by id, read in one batched query of object's Id and field
 * (f): where keyed is "Id", out[record id] lists the record's f; where it is
 * f, out[f's value] lists the records naming it. Every input id gets a list,
 * empty when nothing matched or the id is not a Salesforce id. */
static int id_lists(cs_connector *c, const char *object, const char *f, const char *keyed,
                    const char *const *ids, size_t n, json_t *out, cs_err *err)
{
    const char **ok = calloc(n ? n : 1, sizeof *ok);
    if (ok == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        json_object_set_new(out, ids[i], json_array());
        if (cs_sfc_id_ok(ids[i]))
            ok[m++] = ids[i];
    }
    char sel[200];
    (void)snprintf(sel, sizeof sel, "Id, %s", f);
    cs_record_list rows;
    cs_record_list_init(&rows);
    int rc = query_in(c, object, sel, keyed, ok, m, NULL, &rows, err);
    bool by_id = strcmp(keyed, "Id") == 0;
    for (size_t i = 0; i < rows.len && rc == 0; i++) {
        const char *value = json_string_value(json_object_get(rows.items[i].fields, f));
        const char *key = by_id ? rows.items[i].id : value;
        json_t *list = key ? json_object_get(out, key) : NULL;
        const char *item = by_id ? value : rows.items[i].id;
        if (list != NULL && item != NULL)
            json_array_append_new(list, json_string(item));
    }
    cs_record_list_dispose(&rows);
    free(ok);
    return rc;
}

/* The other way (an Account's Contacts): the records of child whose lookup
 * field names each id. */
static int cs_sfc_children_read(cs_connector *c, const char *child, const char *field,
                                const char *const *ids, size_t n, json_t *out, cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, child, err);
    if (s == NULL)
        return -1;
    const cs_field_schema *f = NULL;
    for (size_t i = 0; i < s->count && f == NULL; i++)
        if (s->fields[i].is_reference && strcmp(s->fields[i].name, field) == 0)
            f = &s->fields[i];
    if (f == NULL)
        return cs_err_set(err, CS_ERR_CONFIG, "Salesforce %s has no lookup field %s", child, field);
    return id_lists(c, child, f->name, f->name, ids, n, out, err);
}

static int cs_sfc_assoc_read(cs_connector *c, const char *from, const char *to,
                             const char *const *ids, size_t n, json_t *out, cs_err *err)
{
    const cs_field_schema *f = lookup_field(c, from, to, err);
    if (f == NULL)
        return -1;
    return id_lists(c, from, f->name, "Id", ids, n, out, err);
}

static int cs_sfc_assoc_write(cs_connector *c, const char *from, const char *to,
                              const cs_assoc_input *in, size_t n, cs_write_result *res, cs_err *err)
{
    const cs_field_schema *f = lookup_field(c, from, to, err);
    if (f == NULL)
        return -1;
    json_t **fields = calloc(n, sizeof(json_t *));
    cs_write_input *w = calloc(n, sizeof(cs_write_input));
    if (fields == NULL || w == NULL) {
        free(fields);
        free(w);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        fields[i] = json_pack("{s:s}", f->name, in[i].to_id);
        w[i].id = in[i].from_id;
        w[i].fields = fields[i];
    }
    if (rc == 0)
        rc = cs_sfc_write(c, from, CS_WRITE_UPDATE, w, n, res, err);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (res[i].status == CS_WRITE_REFUSED)
            res[i].category = CS_CAT_ASSOCIATIONS;
    for (size_t i = 0; i < n; i++)
        json_decref(fields[i]);
    free(fields);
    free(w);
    return rc;
}

/* ---- the connector ------------------------------------------------------------------ */

static void cs_sfc_dispose(cs_connector *c)
{
    (void)c;
}

static const cs_connector_ops cs_sfc_ops = {
    .name = "salesforce",
    .kind = CS_CONNECTOR_SALESFORCE,
    .batch_limit = SF_COLLECTION_LIMIT,
    .groups_per_call = SF_COMPOSITE_COLLECTIONS,
    .dispose = cs_sfc_dispose,
    .fetch_schema = cs_sfc_fetch_schema,
    .scan_new = cs_sfc_scan_new,
    .scan_changes = cs_sfc_scan_changes,
    .scan_deleted = cs_sfc_scan_deleted,
    .scan_dispose = cs_sfc_scan_dispose,
    .count_modified = cs_sfc_count_modified,
    .read = cs_sfc_read,
    .find_by_email = cs_sfc_find_by_email,
    .email_index = cs_sfc_email_index,
    .users = cs_sfc_users,
    .list_members = NULL,
    .campaigns = cs_sfc_campaigns,
    .write = cs_sfc_write,
    .assoc_read = cs_sfc_assoc_read,
    .assoc_write = cs_sfc_assoc_write,
    .children_read = cs_sfc_children_read,
};

int cs_salesforce_connector_new(const cs_connector_options *opts, cs_connector **out, cs_err *err)
{
    const char *version = opts && opts->api_version ? opts->api_version : "60.0";
    size_t vlen = strlen(version);
    if (vlen == 0 || vlen > 8 || strspn(version, "0123456789.") != vlen ||
        strchr(version, '.') == NULL)
        return cs_err_set(err, CS_ERR_CONFIG, "Salesforce API version '%.20s' is not like \"60.0\"",
                          version);
    cs_sfc_conn *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    (void)snprintf(s->prefix, sizeof s->prefix, "/services/data/v%s", version);
    if (cs_conn_init(&s->base, &cs_sfc_ops, opts, err) != 0) {
        cs_connector_free(&s->base);
        return -1;
    }
    *out = &s->base;
    return 0;
}
