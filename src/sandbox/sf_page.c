/* The records of a SOQL result page (sf_query.c), as the JSON array the
 * query API answers: per record an "attributes" object, then the selected
 * fields in SELECT order, null when empty; parent relationship paths
 * (Owner.Email) as one nested record per relationship, with its own
 * attributes, or null when the parent is missing.
 *
 * Stored records are JSON text that jansson wrote (sf_store.c), so the text
 * of each stored value is already exactly what jansson would print for it.
 * The page is therefore written as text, each value copied from the stored
 * record by SQLite's -> operator: no record is parsed into jansson objects,
 * rebuilt and printed again, which used to be most of the cost of a query.
 * Parents (few per page) still go through jansson (sf_store_parent). A
 * selection this layout cannot express byte for byte as the jansson
 * rendering would (names needing quoting, two paths with the same output
 * key of different kinds, more columns than SQLite allows) is rendered
 * through jansson instead (render_tree). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_int.h"

#define MAX_COLUMNS 1000

enum ent_kind { E_VALUE, E_DELETED, E_ADDRESS, E_REL };

/* One key of the output record, in output order. */
typedef struct ent {
    enum ent_kind kind;
    const char *key;       /* field name, or relationship name */
    char keytext[112];     /* ,"key": */
    const sf_field *field; /* the field; E_REL: the reference field */
    int col;               /* first of its columns in the statement */
    const sf_object *target;
    const sf_field **tfields; /* E_REL: the parent's fields, in order */
    size_t ntfields;
} ent;

typedef struct layout {
    ent *ents;
    size_t nents;
    const sf_field **tf; /* storage for every ent's tfields */
    int ncols;
} layout;

static const char *const address_parts[][2] = {
    {"City", "city"},         {"Country", "country"},     {"GeocodeAccuracy", "geocodeAccuracy"},
    {"Latitude", "latitude"}, {"Longitude", "longitude"}, {"PostalCode", "postalCode"},
    {"State", "state"},       {"Street", "street"},
};
#define ADDRESS_PARTS (sizeof address_parts / sizeof address_parts[0])

/* Names used as JSON keys and JSON path labels without any quoting. */
static bool plain_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return n > 0 && n < 100;
}

static ent *find_ent(layout *l, const char *key)
{
    for (size_t i = 0; i < l->nents; i++)
        if (strcmp(l->ents[i].key, key) == 0)
            return &l->ents[i];
    return NULL;
}

static void layout_dispose(layout *l)
{
    free(l->ents);
    free(l->tf);
    memset(l, 0, sizeof *l);
}

/* Builds the output keys of the selection; false when it needs the jansson
 * rendering (see the top of the file) or memory ran out. A relationship's
 * parent fields are gathered in a second pass, so paths of two
 * relationships may come interleaved. */
static bool layout_build(const sf_qpath *sel, size_t nsel, layout *l)
{
    memset(l, 0, sizeof *l);
    l->ents = calloc(nsel ? nsel : 1, sizeof *l->ents);
    l->tf = calloc(nsel ? nsel : 1, sizeof *l->tf);
    size_t *owner = calloc(nsel ? nsel : 1, sizeof *owner); /* sel index -> ent index */
    bool ok = l->ents != NULL && l->tf != NULL && owner != NULL;
    l->ncols = 1; /* column 0: is_deleted */
    for (size_t i = 0; ok && i < nsel; i++) {
        const sf_qpath *q = &sel[i];
        bool rel = q->target_field != NULL;
        const char *key = rel ? q->field->relationship : q->field->name;
        ok = key != NULL && plain_name(key) && plain_name(q->field->name) &&
             (!rel || plain_name(q->target_field->name));
        ent *e = ok ? find_ent(l, key) : NULL;
        if (e != NULL) {
            /* the same key again: a plain field repeats its value, a
             * relationship gains a field; anything else is jansson's */
            ok = (e->kind == E_REL) == rel &&
                 (!rel || (e->field == q->field && e->target == q->target));
            owner[i] = (size_t)(e - l->ents);
            continue;
        }
        if (!ok)
            break;
        owner[i] = l->nents;
        e = &l->ents[l->nents++];
        *e = (ent){.key = key, .field = q->field, .col = l->ncols};
        snprintf(e->keytext, sizeof e->keytext, ",\"%s\":", key);
        if (rel) {
            e->kind = E_REL;
            e->target = q->target;
            l->ncols += 2;
        } else if (strcmp(q->field->name, "IsDeleted") == 0) {
            e->kind = E_DELETED;
        } else if (q->field->type == SF_T_ADDRESS) {
            e->kind = E_ADDRESS;
            l->ncols += (int)ADDRESS_PARTS;
        } else {
            e->kind = E_VALUE;
            l->ncols++;
        }
    }
    size_t ntf = 0;
    for (size_t k = 0; ok && k < l->nents; k++) {
        ent *e = &l->ents[k];
        if (e->kind != E_REL)
            continue;
        e->tfields = &l->tf[ntf];
        for (size_t i = 0; i < nsel; i++) {
            if (owner[i] != k)
                continue;
            bool seen = false;
            for (size_t j = 0; j < e->ntfields; j++)
                seen |= strcmp(e->tfields[j]->name, sel[i].target_field->name) == 0;
            if (!seen) {
                l->tf[ntf++] = sel[i].target_field;
                e->ntfields++;
            }
        }
    }
    free(owner);
    return ok && l->ncols <= MAX_COLUMNS;
}

static int layout_sql(const layout *l, cs_buf *sql)
{
    int rc = cs_buf_append_str(sql, "SELECT is_deleted");
    for (size_t i = 0; i < l->nents; i++) {
        const ent *e = &l->ents[i];
        const char *name = e->field->name;
        if (e->kind == E_VALUE) {
            rc |= cs_buf_appendf(sql, ", data -> '$.%s'", name);
        } else if (e->kind == E_REL) {
            rc |= cs_buf_appendf(sql, ", json_type(data, '$.%s'), data ->> '$.%s'", name, name);
        } else if (e->kind == E_ADDRESS) {
            int plen = (int)(strlen(name) - strlen("Address"));
            for (size_t k = 0; k < ADDRESS_PARTS; k++)
                rc |= cs_buf_appendf(sql, ", data -> '$.%.*s%s'", plen, name, address_parts[k][0]);
        }
    }
    return rc | cs_buf_append_str(sql, " FROM sf_records WHERE id = ?1");
}

/* A JSON string as jansson prints it (JSON_COMPACT, no ensure-ascii). */
static int append_string(cs_buf *out, const char *s)
{
    bool plain = true;
    for (const char *p = s; *p && plain; p++)
        plain = (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && *p != '"' && *p != '\\';
    if (plain)
        return cs_buf_append_str(out, "\"") | cs_buf_append_str(out, s) |
               cs_buf_append_str(out, "\"");
    json_t *j = json_string(s);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    int rc = text ? cs_buf_append_str(out, text) : -1;
    free(text);
    return rc;
}

static int append_json(cs_buf *out, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | sb_json_real_flags(v)) : NULL;
    int rc = text ? cs_buf_append_str(out, text) : -1;
    free(text);
    json_decref(v);
    return rc;
}

static int append_attributes(cs_buf *out, int version, const sf_object *o, const char *id)
{
    char url[256];
    snprintf(url, sizeof url, "/services/data/v%d.%d/sobjects/%s/%s", version / 10, version % 10,
             o->name, id);
    return cs_buf_append_str(out, "{\"attributes\":{\"type\":") | append_string(out, o->name) |
           cs_buf_append_str(out, ",\"url\":") | append_string(out, url) |
           cs_buf_append_str(out, "}");
}

/* A value column: its JSON text, or null when the record lacks the field. */
static int append_column(cs_buf *out, sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    if (text == NULL)
        return cs_buf_append_str(out, "null");
    return cs_buf_append(out, text, (size_t)sqlite3_column_bytes(st, col));
}

static bool column_empty(sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    return text == NULL || strcmp(text, "null") == 0;
}

static int append_address(cs_buf *out, sqlite3_stmt *st, const ent *e)
{
    bool any = false;
    for (size_t k = 0; k < ADDRESS_PARTS; k++)
        any |= !column_empty(st, e->col + (int)k);
    if (!any)
        return cs_buf_append_str(out, "null");
    int rc = 0;
    for (size_t k = 0; k < ADDRESS_PARTS; k++)
        rc |= cs_buf_append_str(out, k == 0 ? "{\"" : ",\"") |
              cs_buf_append_str(out, address_parts[k][1]) | cs_buf_append_str(out, "\":") |
              append_column(out, st, e->col + (int)k);
    return rc | cs_buf_append_str(out, "}");
}

static int append_parent(sf_tx *tx, cs_buf *out, sqlite3_stmt *st, const ent *e, json_t *cache)
{
    const char *type = (const char *)sqlite3_column_text(st, e->col);
    const char *pid = type && strcmp(type, "text") == 0
                          ? (const char *)sqlite3_column_text(st, e->col + 1)
                          : NULL;
    json_t *prec = pid ? sf_store_parent(tx, cache, pid) : NULL;
    if (prec == NULL)
        return cs_buf_append_str(out, "null");
    bool deleted = json_is_true(json_object_get(prec, "IsDeleted"));
    int rc = append_attributes(out, tx->version, e->target, pid);
    for (size_t k = 0; k < e->ntfields; k++)
        rc |= cs_buf_append_str(out, ",\"") | cs_buf_append_str(out, e->tfields[k]->name) |
              cs_buf_append_str(out, "\":") |
              append_json(out, sf_render_value(e->target, e->tfields[k], prec, deleted));
    return rc | cs_buf_append_str(out, "}");
}

static int render_text(sf_tx *tx, const sf_object *o, const layout *l, const char *ids, size_t from,
                       size_t to, cs_buf *out, cs_err *err)
{
    cs_buf sql;
    cs_buf_init(&sql, (size_t)1 << 20);
    sqlite3_stmt *st = NULL;
    int rc = layout_sql(l, &sql);
    if (rc != 0)
        rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    else if (sqlite3_prepare_v2(tx->ctx->db, cs_buf_str(&sql), -1, &st, NULL) != SQLITE_OK)
        rc = cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    cs_buf_free(&sql);
    json_t *cache = json_object();
    bool first = true;
    rc |= cs_buf_append_str(out, "[");
    for (size_t i = from; rc == 0 && i < to; i++) {
        char id[SF_ID_LEN + 1];
        memcpy(id, ids + i * SF_ID_LEN, SF_ID_LEN);
        id[SF_ID_LEN] = '\0';
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW)
            continue; /* gone (or unreadable): not shown, as before */
        bool deleted = sqlite3_column_int(st, 0) != 0;
        rc |= cs_buf_append_str(out, first ? "" : ",") | append_attributes(out, tx->version, o, id);
        first = false;
        for (size_t k = 0; k < l->nents; k++) {
            const ent *e = &l->ents[k];
            rc |= cs_buf_append_str(out, e->keytext);
            if (e->kind == E_VALUE)
                rc |= append_column(out, st, e->col);
            else if (e->kind == E_DELETED)
                rc |= cs_buf_append_str(out, deleted ? "true" : "false");
            else if (e->kind == E_ADDRESS)
                rc |= append_address(out, st, e);
            else
                rc |= append_parent(tx, out, st, e, cache);
        }
        rc |= cs_buf_append_str(out, "}");
    }
    rc |= cs_buf_append_str(out, "]");
    sqlite3_finalize(st);
    json_decref(cache);
    if (rc != 0 && err->message[0] == '\0')
        cs_err_set(err, CS_ERR_INTERNAL, "query page too large");
    return rc != 0 ? -1 : 0;
}

/* --- the jansson rendering ------------------------------------------------ */

static json_t *render_row(sf_tx *tx, const sf_object *o, const sf_qpath *sel, size_t nsel,
                          const char *id, json_t *cache)
{
    json_t *data = NULL;
    bool deleted = false;
    cs_err err;
    if (sf_store_get(tx, id, &data, &deleted, &err) != 0)
        return NULL;
    json_t *out = json_object();
    json_object_set_new(out, "attributes", sf_render_attributes(tx->version, o, id));
    for (size_t i = 0; i < nsel; i++) {
        const sf_qpath *q = &sel[i];
        if (q->target_field == NULL) {
            json_object_set_new(out, q->field->name, sf_render_value(o, q->field, data, deleted));
            continue;
        }
        const char *pid = json_string_value(json_object_get(data, q->field->name));
        json_t *prec = pid ? sf_store_parent(tx, cache, pid) : NULL;
        json_t *nested = json_object_get(out, q->field->relationship);
        if (prec == NULL) {
            if (nested == NULL)
                json_object_set_new(out, q->field->relationship, json_null());
            continue;
        }
        if (!json_is_object(nested)) {
            nested = json_object();
            json_object_set_new(nested, "attributes",
                                sf_render_attributes(tx->version, q->target, pid));
            json_object_set_new(out, q->field->relationship, nested);
        }
        json_object_set_new(nested, q->target_field->name,
                            sf_render_value(q->target, q->target_field, prec,
                                            json_is_true(json_object_get(prec, "IsDeleted"))));
    }
    json_decref(data);
    return out;
}

static int render_tree(sf_tx *tx, const sf_object *o, const sf_qpath *sel, size_t nsel,
                       const char *ids, size_t from, size_t to, cs_buf *out, cs_err *err)
{
    json_t *arr = json_array();
    json_t *cache = json_object();
    for (size_t i = from; i < to; i++) {
        char id[SF_ID_LEN + 1];
        memcpy(id, ids + i * SF_ID_LEN, SF_ID_LEN);
        id[SF_ID_LEN] = '\0';
        json_t *r = render_row(tx, o, sel, nsel, id, cache);
        if (r)
            json_array_append_new(arr, r);
    }
    json_decref(cache);
    if (append_json(out, arr) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "query page too large");
    return 0;
}

int sf_page_records(sf_tx *tx, const sf_object *o, const sf_qpath *sel, size_t nsel,
                    const char *ids, size_t from, size_t to, cs_buf *out, cs_err *err)
{
    layout l;
    err->message[0] = '\0';
    int rc = layout_build(sel, nsel, &l) ? render_text(tx, o, &l, ids, from, to, out, err)
                                         : render_tree(tx, o, sel, nsel, ids, from, to, out, err);
    layout_dispose(&l);
    return rc;
}
