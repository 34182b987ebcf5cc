/* SOQL queries: GET /query and /queryAll (q=...), and the next pages through
 * /query/{locator}-{offset}. The text is parsed once (soql.h), every field
 * path checked against the schema (INVALID_TYPE, INVALID_FIELD), then the
 * object's rows are scanned with SQLite extracting only the referenced
 * fields, so each row becomes a small record keyed by lower-cased path that
 * the WHERE clause and ORDER BY are evaluated on. The matching ids, in
 * order, make the result; a page renders its records in full. Ids past the
 * first page are kept in sf_locators. `query` hides deleted rows, `queryAll`
 * shows them. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_int.h"
#include "sandbox/soql.h"

#define BATCH_DEFAULT  2000
#define BATCH_MIN      200
#define BATCH_MAX      2000
#define PATH_MAX_LEN   200
#define LOCATOR_TTL_MS (60LL * 60 * 1000)
#define LOCATORS_KEPT  100

/* A field path of the query resolved against the schema. */
typedef struct qpath {
    const char *path;      /* as written */
    const sf_field *field; /* on the FROM object (the reference field for Rel.Field) */
    const sf_object *target;
    const sf_field *target_field; /* NULL for a plain field */
} qpath;

typedef struct qplan {
    sb_soql_query *q;
    const sf_object *o;
    qpath *refs;
    size_t nrefs;
    qpath *sel;
    size_t nsel;
} qplan;

typedef struct qrow {
    char id[SF_ID_LEN + 1];
    json_t *rec; /* lower-cased path -> value */
    size_t pos;
} qrow;

static void plan_dispose(qplan *p)
{
    sb_soql_free(p->q);
    free(p->refs);
    free(p->sel);
    memset(p, 0, sizeof *p);
}

static void lower_path(const char *path, char out[PATH_MAX_LEN + 1])
{
    size_t i = 0;
    for (; path[i] && i < PATH_MAX_LEN; i++)
        out[i] = (char)tolower((unsigned char)path[i]);
    out[i] = '\0';
}

/* Resolves one path; answers INVALID_FIELD and returns -1 when unknown. */
static int resolve_path(sf_tx *tx, const sf_object *o, const char *path, qpath *out,
                        sb_response *res)
{
    char msg[600];
    memset(out, 0, sizeof *out);
    out->path = path;
    const char *dot = strchr(path, '.');
    if (dot == NULL) {
        out->field = sf_object_field(o, path);
        if (out->field)
            return 0;
        snprintf(msg, sizeof msg,
                 "No such column '%.100s' on entity '%s'. If you are attempting to use a custom "
                 "field, be sure to append the '__c' after the custom field name. Please "
                 "reference your WSDL or the describe call for the appropriate names.",
                 path, o->name);
        sf_respond_error(res, 400, "INVALID_FIELD", msg);
        return -1;
    }
    char rel[PATH_MAX_LEN + 1];
    snprintf(rel, sizeof rel, "%.*s", (int)(dot - path), path);
    out->field = sf_object_relationship(o, rel);
    out->target = out->field ? sf_field_target(tx->schema, out->field) : NULL;
    if (out->target == NULL || strchr(dot + 1, '.') != NULL) {
        snprintf(msg, sizeof msg,
                 "Didn't understand relationship '%.100s' in field path. If you are attempting "
                 "to use a custom relationship, be sure to append the '__r' after the custom "
                 "relationship name. Please reference your WSDL or the describe call for the "
                 "appropriate names.",
                 rel);
        sf_respond_error(res, 400, "INVALID_FIELD", msg);
        return -1;
    }
    out->target_field = sf_object_field(out->target, dot + 1);
    if (out->target_field)
        return 0;
    snprintf(msg, sizeof msg,
             "No such column '%.100s' on entity '%s'. If you are attempting to use a custom "
             "field, be sure to append the '__c' after the custom field name. Please reference "
             "your WSDL or the describe call for the appropriate names.",
             dot + 1, out->target->name);
    sf_respond_error(res, 400, "INVALID_FIELD", msg);
    return -1;
}

static int plan_build(sf_tx *tx, const char *text, qplan *p, sb_response *res)
{
    memset(p, 0, sizeof *p);
    cs_err err;
    if (text == NULL || text[0] == '\0') {
        sf_respond_error(res, 400, "MALFORMED_QUERY", "A query string has to be specified");
        return -1;
    }
    if (sb_soql_parse(text, &p->q, &err) != 0) {
        sf_respond_error(res, 400, "MALFORMED_QUERY", err.message);
        return -1;
    }
    p->o = sf_schema_object(tx->schema, sb_soql_from(p->q));
    if (p->o == NULL) {
        char msg[400];
        snprintf(msg, sizeof msg,
                 "sObject type '%.100s' is not supported. If you are attempting to use a custom "
                 "object, be sure to append the '__c' after the entity name. Please reference "
                 "your WSDL or the describe call for the appropriate names.",
                 sb_soql_from(p->q));
        sf_respond_error(res, 400, "INVALID_TYPE", msg);
        return -1;
    }
    p->nrefs = sb_soql_referenced_count(p->q);
    p->nsel = sb_soql_select_count(p->q);
    p->refs = calloc(p->nrefs ? p->nrefs : 1, sizeof *p->refs);
    p->sel = calloc(p->nsel ? p->nsel : 1, sizeof *p->sel);
    if (p->refs == NULL || p->sel == NULL) {
        sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "out of memory");
        return -1;
    }
    for (size_t i = 0; i < p->nrefs; i++)
        if (resolve_path(tx, p->o, sb_soql_referenced_field(p->q, i), &p->refs[i], res) != 0)
            return -1;
    for (size_t i = 0; i < p->nsel; i++)
        if (resolve_path(tx, p->o, sb_soql_select_field(p->q, i), &p->sel[i], res) != 0)
            return -1;
    return 0;
}

static json_t *resolver(void *user, json_t *record, const char *path)
{
    (void)user;
    char key[PATH_MAX_LEN + 1];
    lower_path(path, key);
    return json_object_get(record, key);
}

/* A typed JSON value from an extracted SQLite column. */
static json_t *column_value(sqlite3_stmt *st, int col, const sf_field *f)
{
    int t = sqlite3_column_type(st, col);
    if (t == SQLITE_NULL)
        return json_null();
    switch (f->type) {
    case SF_T_BOOLEAN:
        return json_boolean(sqlite3_column_int(st, col) != 0);
    case SF_T_INT:
        return json_integer(sqlite3_column_int64(st, col));
    case SF_T_DOUBLE:
    case SF_T_CURRENCY:
    case SF_T_PERCENT:
        return t == SQLITE_INTEGER ? json_integer(sqlite3_column_int64(st, col))
                                   : json_real(sqlite3_column_double(st, col));
    default:
        return json_string((const char *)sqlite3_column_text(st, col));
    }
}

/* Parent records used by relationship paths, cached per query by id. */
static json_t *parent(sf_tx *tx, json_t *cache, const char *id)
{
    json_t *p = json_object_get(cache, id);
    if (p)
        return json_is_null(p) ? NULL : p;
    json_t *data = NULL;
    bool deleted = false;
    cs_err err;
    if (sf_store_get(tx, id, &data, &deleted, &err) != 0)
        data = json_null();
    json_object_set_new(cache, id, data);
    return json_is_null(data) ? NULL : data;
}

static int compare_rows(const void *a, const void *b, void *user)
{
    const qrow *x = a, *y = b;
    int c = sb_soql_compare(user, x->rec, y->rec, resolver, NULL);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bool already_sorted(const sb_soql_query *q, const qrow *rows, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (compare_rows(&rows[i - 1], &rows[i], (void *)q) > 0)
            return false;
    return true;
}

/* Scans the object's rows; fills *rows (caller frees, with their recs) with
 * the matching ones, sorted and cut by OFFSET/LIMIT. */
static int scan(sf_tx *tx, const qplan *p, bool all_rows, qrow **rows, size_t *nrows, cs_err *err)
{
    cs_buf sql;
    cs_buf_init(&sql, 1 << 20);
    cs_buf_append_str(&sql, "SELECT id, is_deleted");
    for (size_t i = 0; i < p->nrefs; i++)
        cs_buf_appendf(&sql, ", json_extract(data, '$.%s')", p->refs[i].field->name);
    cs_buf_append_str(&sql, " FROM sf_records WHERE object = ?");
    if (!all_rows)
        cs_buf_append_str(&sql, " AND is_deleted = 0");
    /* With an ORDER BY, rows come in SystemModstamp order: the incremental
     * reads (ORDER BY SystemModstamp) then arrive sorted and skip the sort. */
    bool ordered = sb_soql_has_order(p->q);
    cs_buf_append_str(&sql, ordered ? " ORDER BY modstamp, rid" : " ORDER BY rid");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(tx->ctx->db, cs_buf_str(&sql), -1, &st, NULL);
    cs_buf_free(&sql);
    if (rc != SQLITE_OK)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    sqlite3_bind_text(st, 1, p->o->name, -1, SQLITE_STATIC);
    json_t *cache = json_object();
    size_t cap = 1024, n = 0;
    qrow *out = malloc(cap * sizeof *out);
    int64_t now = cs_time_now_ms();
    /* Without ORDER BY the scan can stop once OFFSET + LIMIT rows matched. */
    long offset = sb_soql_offset(p->q), limit = sb_soql_limit(p->q);
    size_t enough =
        !ordered && limit >= 0 ? (size_t)(offset > 0 ? offset : 0) + (size_t)limit : SIZE_MAX;
    rc = out ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    while (rc == 0 && n < enough && sqlite3_step(st) == SQLITE_ROW) {
        json_t *rec = json_object();
        for (size_t i = 0; i < p->nrefs; i++) {
            const qpath *q = &p->refs[i];
            char key[PATH_MAX_LEN + 1];
            lower_path(q->path, key);
            json_t *v;
            if (q->target_field == NULL && strcmp(q->field->name, "IsDeleted") == 0) {
                v = json_boolean(sqlite3_column_int(st, 1) != 0);
            } else if (q->target_field == NULL) {
                v = column_value(st, (int)i + 2, q->field);
            } else {
                const char *pid = (const char *)sqlite3_column_text(st, (int)i + 2);
                json_t *prec = pid ? parent(tx, cache, pid) : NULL;
                json_t *pv = prec ? json_object_get(prec, q->target_field->name) : NULL;
                v = pv ? json_incref(pv) : json_null();
            }
            json_object_set_new(rec, key, v);
        }
        if (!sb_soql_matches(p->q, rec, resolver, NULL, now)) {
            json_decref(rec);
            continue;
        }
        if (n == cap) {
            qrow *grown = realloc(out, cap * 2 * sizeof *out);
            if (grown == NULL) {
                json_decref(rec);
                rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
                break;
            }
            out = grown;
            cap *= 2;
        }
        snprintf(out[n].id, sizeof out[n].id, "%s", (const char *)sqlite3_column_text(st, 0));
        out[n].rec = rec;
        out[n].pos = n;
        n++;
    }
    sqlite3_finalize(st);
    json_decref(cache);
    if (rc == 0 && ordered && !already_sorted(p->q, out, n))
        qsort_r(out, n, sizeof *out, compare_rows, p->q);
    for (size_t i = 0; i < n; i++) {
        json_decref(out[i].rec);
        out[i].rec = NULL;
    }
    if (rc != 0) {
        free(out);
        return -1;
    }
    size_t from = offset > 0 ? ((size_t)offset < n ? (size_t)offset : n) : 0;
    size_t count = n - from;
    if (limit >= 0 && (size_t)limit < count)
        count = (size_t)limit;
    memmove(out, out + from, count * sizeof *out);
    *rows = out;
    *nrows = count;
    return 0;
}

/* Renders one result record: attributes, then the selected fields; parent
 * relationships as nested records with their own attributes. */
static json_t *render_row(sf_tx *tx, const qplan *p, const char *id, json_t *cache)
{
    json_t *data = NULL;
    bool deleted = false;
    cs_err err;
    if (sf_store_get(tx, id, &data, &deleted, &err) != 0)
        return NULL;
    json_t *out = json_object();
    json_object_set_new(out, "attributes", sf_render_attributes(tx->version, p->o, id));
    for (size_t i = 0; i < p->nsel; i++) {
        const qpath *q = &p->sel[i];
        if (q->target_field == NULL) {
            json_object_set_new(out, q->field->name,
                                sf_render_value(p->o, q->field, data, deleted));
            continue;
        }
        const char *pid = json_string_value(json_object_get(data, q->field->name));
        json_t *prec = pid ? parent(tx, cache, pid) : NULL;
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

static json_t *render_page(sf_tx *tx, const qplan *p, const char *ids, size_t from, size_t to)
{
    json_t *arr = json_array();
    json_t *cache = json_object();
    for (size_t i = from; i < to; i++) {
        char id[SF_ID_LEN + 1];
        memcpy(id, ids + i * SF_ID_LEN, SF_ID_LEN);
        id[SF_ID_LEN] = '\0';
        json_t *r = render_row(tx, p, id, cache);
        if (r)
            json_array_append_new(arr, r);
    }
    json_decref(cache);
    return arr;
}

static int batch_size(const sb_request *req)
{
    const char *opt = sb_header(req, "Sforce-Query-Options");
    const char *b = opt ? strcasestr(opt, "batchSize=") : NULL;
    if (b == NULL)
        return BATCH_DEFAULT;
    long n = strtol(b + 10, NULL, 10);
    return n < BATCH_MIN ? BATCH_MIN : n > BATCH_MAX ? BATCH_MAX : (int)n;
}

static void next_url(char *out, size_t size, int version, const char *locator, size_t offset)
{
    snprintf(out, size, "/services/data/v%d.%d/query/%s-%zu", version / 10, version % 10, locator,
             offset);
}

static int store_locator(sf_tx *tx, const char *text, const char *ids, size_t n, int batch,
                         char locator[SF_ID_LEN + 1], cs_err *err)
{
    static const sf_object locator_object = {.name = "QueryLocator", .key_prefix = "01g"};
    sf_store_new_id(tx, &locator_object, locator);
    int64_t now = cs_time_now_ms();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(tx->ctx->db,
                           "DELETE FROM sf_locators WHERE created_ms < ?1 OR locator NOT IN "
                           "(SELECT locator FROM sf_locators ORDER BY created_ms DESC LIMIT ?2)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, now - LOCATOR_TTL_MS);
        sqlite3_bind_int(st, 2, LOCATORS_KEPT - 1);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(tx->ctx->db,
                           "INSERT INTO sf_locators(locator, soql, ids, batch, created_ms) "
                           "VALUES (?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    sqlite3_bind_text(st, 1, locator, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 3, ids, (sqlite3_uint64)n * SF_ID_LEN, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, batch);
    sqlite3_bind_int64(st, 5, now);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    tx->wrote = true;
    if (rc != 0)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    return 0;
}

/* Answers one page: records [from, from+batch) of ids; stores a locator
 * for the rest when the first page does not hold everything. */
static void respond_page(sf_tx *tx, const qplan *p, const char *text, const char *ids, size_t n,
                         size_t from, int batch, const char *locator, sb_response *res)
{
    size_t to = from + (size_t)batch < n ? from + (size_t)batch : n;
    char loc[SF_ID_LEN + 1] = "";
    cs_err err;
    if (to < n && locator == NULL) {
        if (store_locator(tx, text, ids, n, batch, loc, &err) != 0) {
            sf_respond_internal(res, &err);
            return;
        }
        locator = loc;
    }
    json_t *records = render_page(tx, p, ids, from, to);
    json_t *body = json_pack("{s:I,s:b}", "totalSize", (json_int_t)n, "done", to >= n);
    if (to < n) {
        char url[200];
        next_url(url, sizeof url, tx->version, locator, to);
        json_object_set_new(body, "nextRecordsUrl", json_string(url));
    }
    json_object_set_new(body, "records", records);
    if (sf_tx_commit(tx, &err) != 0) {
        json_decref(body);
        sf_respond_internal(res, &err);
        return;
    }
    sb_respond_json(res, 200, body);
}

static void run_query(sb_ctx *ctx, const sb_request *req, sb_response *res, bool all_rows)
{
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    sf_tx tx;
    cs_err err;
    if (sf_tx_begin(ctx, &tx, v, &err) != 0) {
        sf_respond_internal(res, &err);
        return;
    }
    const char *text = sb_query(req, "q");
    qplan p = {0};
    qrow *rows = NULL;
    size_t n = 0;
    if (plan_build(&tx, text, &p, res) != 0) {
        /* answered */
    } else if (scan(&tx, &p, all_rows, &rows, &n, &err) != 0) {
        sf_respond_internal(res, &err);
    } else if (sb_soql_is_count(p.q)) {
        sb_respond_json(
            res, 200,
            json_pack("{s:I,s:b,s:[]}", "totalSize", (json_int_t)n, "done", 1, "records"));
    } else {
        char *ids = malloc(n * SF_ID_LEN + 1);
        if (ids == NULL) {
            sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "out of memory");
        } else {
            for (size_t i = 0; i < n; i++)
                memcpy(ids + i * SF_ID_LEN, rows[i].id, SF_ID_LEN);
            respond_page(&tx, &p, text, ids, n, 0, batch_size(req), NULL, res);
        }
        free(ids);
    }
    free(rows);
    plan_dispose(&p);
    sf_tx_end(&tx);
}

void sf_h_query(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    run_query(ctx, req, res, false);
}

void sf_h_query_all(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    run_query(ctx, req, res, true);
}

void sf_h_query_more(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    const char *param = sb_param(req, "locator");
    const char *dash = param ? strrchr(param, '-') : NULL;
    char locator[SF_ID_LEN + 1] = "";
    char *end = NULL;
    unsigned long long from = dash ? strtoull(dash + 1, &end, 10) : 0;
    if (dash == NULL || end == dash + 1 || *end != '\0' || (size_t)(dash - param) != SF_ID_LEN) {
        sf_respond_error(res, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        return;
    }
    memcpy(locator, param, SF_ID_LEN);
    sf_tx tx;
    cs_err err;
    if (sf_tx_begin(ctx, &tx, v, &err) != 0) {
        sf_respond_internal(res, &err);
        return;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT soql, ids, batch FROM sf_locators WHERE locator = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        cs_err_set(&err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
        sf_respond_internal(res, &err);
    } else {
        sqlite3_bind_text(st, 1, locator, -1, SQLITE_STATIC);
        size_t n = 0;
        if (sqlite3_step(st) == SQLITE_ROW)
            n = (size_t)sqlite3_column_bytes(st, 1) / SF_ID_LEN;
        if (n == 0 || from >= n) {
            sf_respond_error(res, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        } else {
            char *text = strdup((const char *)sqlite3_column_text(st, 0));
            const void *blob = sqlite3_column_blob(st, 1);
            char *ids = malloc(n * SF_ID_LEN);
            int batch = sqlite3_column_int(st, 2);
            qplan p = {0};
            if (text == NULL || ids == NULL) {
                sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "out of memory");
            } else {
                memcpy(ids, blob, n * SF_ID_LEN);
                if (plan_build(&tx, text, &p, res) == 0)
                    respond_page(&tx, &p, text, ids, n, (size_t)from, batch, locator, res);
                plan_dispose(&p);
            }
            free(text);
            free(ids);
        }
    }
    sqlite3_finalize(st);
    sf_tx_end(&tx);
}
