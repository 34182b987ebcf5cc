/* SOQL queries: GET /query and /queryAll (q=...), and the next pages through
 * /query/{locator}-{offset}. The text is parsed once (soql.h), every field
 * path checked against the schema (INVALID_TYPE, INVALID_FIELD), then the
 * object's rows are scanned with SQLite extracting only the fields WHERE and
 * ORDER BY use, so each row becomes a small record keyed by
 * lower-cased path that they are evaluated on. When the WHERE clause bounds
 * its records by Id, Email, an external id or SystemModstamp (soql.h's index
 * hints), only the candidates those indexes give are read. The matching ids, in
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
/* Text areas longer than this are long text areas: neither filterable nor
 * sortable in SOQL. */
#define SF_TEXTAREA_SHORT 255

typedef struct qplan {
    sb_soql_query *q;
    const sf_object *o;
    sf_qpath *refs;
    size_t nrefs;
    sf_qpath *sel;
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

/* Resolves the i-th referenced path; answers INVALID_FIELD, laid out at the
 * path's first occurrence, and returns -1 when unknown. */
static int resolve_path(sf_tx *tx, const qplan *p, size_t i, sf_qpath *out, sb_response *res)
{
    const sf_object *o = p->o;
    const char *path = sb_soql_referenced_field(p->q, i);
    cs_err err;
    memset(out, 0, sizeof *out);
    out->path = path;
    const char *dot = strchr(path, '.');
    if (dot == NULL) {
        out->field = sf_object_field(o, path);
        if (out->field)
            return 0;
        sb_soql_field_error(p->q, i, &err,
                            "No such column '%.100s' on entity '%s'. If you are attempting to use "
                            "a custom field, be sure to append the '__c' after the custom field "
                            "name. Please reference your WSDL or the describe call for the "
                            "appropriate names.",
                            path, o->name);
        sf_respond_error(res, 400, "INVALID_FIELD", err.message);
        return -1;
    }
    char rel[PATH_MAX_LEN + 1];
    snprintf(rel, sizeof rel, "%.*s", (int)(dot - path), path);
    out->field = sf_object_relationship(o, rel);
    out->target = out->field ? sf_field_target(tx->schema, out->field) : NULL;
    if (out->target == NULL || strchr(dot + 1, '.') != NULL) {
        sb_soql_field_error(p->q, i, &err,
                            "Didn't understand relationship '%.100s' in field path. If you are "
                            "attempting to use a custom relationship, be sure to append the '__r' "
                            "after the custom relationship name. Please reference your WSDL or "
                            "the describe call for the appropriate names.",
                            rel);
        sf_respond_error(res, 400, "INVALID_FIELD", err.message);
        return -1;
    }
    out->target_field = sf_object_field(out->target, dot + 1);
    if (out->target_field)
        return 0;
    sb_soql_field_error(p->q, i, &err,
                        "No such column '%.100s' on entity '%s'. If you are attempting to use a "
                        "custom field, be sure to append the '__c' after the custom field name. "
                        "Please reference your WSDL or the describe call for the appropriate "
                        "names.",
                        dot + 1, out->target->name);
    sf_respond_error(res, 400, "INVALID_FIELD", err.message);
    return -1;
}

/* What the checker needs of a field, from the same attributes describe
 * reports (sf_field_filterable, sf_field_sortable), so a query refuses
 * exactly the fields describe calls unfilterable or unsortable. A compound
 * address is filterable in describe only through DISTANCE(), which the
 * sandbox does not parse, so a condition on it is refused too. */
sb_soql_finfo sf_soql_field_info(const sf_field *f)
{
    static const sb_soql_ftype types[] = {
        [SF_T_ID] = SB_SOQL_F_ID,
        [SF_T_STRING] = SB_SOQL_F_STRING,
        [SF_T_TEXTAREA] = SB_SOQL_F_TEXTAREA,
        [SF_T_EMAIL] = SB_SOQL_F_EMAIL,
        [SF_T_PHONE] = SB_SOQL_F_PHONE,
        [SF_T_URL] = SB_SOQL_F_URL,
        [SF_T_PICKLIST] = SB_SOQL_F_PICKLIST,
        [SF_T_MULTIPICKLIST] = SB_SOQL_F_MULTIPICKLIST,
        [SF_T_BOOLEAN] = SB_SOQL_F_BOOLEAN,
        [SF_T_INT] = SB_SOQL_F_INT,
        [SF_T_DOUBLE] = SB_SOQL_F_DOUBLE,
        [SF_T_CURRENCY] = SB_SOQL_F_CURRENCY,
        [SF_T_PERCENT] = SB_SOQL_F_PERCENT,
        [SF_T_DATE] = SB_SOQL_F_DATE,
        [SF_T_DATETIME] = SB_SOQL_F_DATETIME,
        [SF_T_REFERENCE] = SB_SOQL_F_REFERENCE,
        [SF_T_ADDRESS] = SB_SOQL_F_ADDRESS,
    };
    sb_soql_finfo fi = {.type = types[f->type], .name = f->name};
    fi.filterable = sf_field_filterable(f) && f->type != SF_T_ADDRESS;
    fi.sortable = sf_field_sortable(f);
    return fi;
}

static bool type_resolver(void *user, size_t i, const char *path, sb_soql_finfo *out)
{
    (void)path;
    const qplan *p = user;
    if (i >= p->nrefs || p->refs[i].field == NULL)
        return false;
    *out = sf_soql_field_info(p->refs[i].target_field ? p->refs[i].target_field : p->refs[i].field);
    return true;
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
        sb_soql_from_error(p->q, &err,
                           "sObject type '%.100s' is not supported. If you are attempting to use a "
                           "custom object, be sure to append the '__c' after the entity name. "
                           "Please reference your WSDL or the describe call for the appropriate "
                           "names.",
                           sb_soql_from(p->q));
        sf_respond_error(res, 400, "INVALID_TYPE", err.message);
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
        if (resolve_path(tx, p, i, &p->refs[i], res) != 0)
            return -1;
    /* Every selected field is a referenced one, already resolved. */
    for (size_t i = 0; i < p->nsel; i++)
        for (size_t k = 0; k < p->nrefs; k++)
            if (strcasecmp(p->refs[k].path, sb_soql_select_field(p->q, i)) == 0) {
                p->sel[i] = p->refs[k];
                p->sel[i].path = sb_soql_select_field(p->q, i);
                break;
            }
    const char *code = NULL;
    if (sb_soql_check(p->q, type_resolver, p, &code, &err) != 0) {
        sf_respond_error(res, err.category == CS_ERR_INTERNAL ? 500 : 400,
                         code ? code : "MALFORMED_QUERY", err.message);
        return -1;
    }
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

/* SQL conditions and their parameters that bound the candidates of a scan
 * through an index, from the query's hints (soql.h). Each is a superset of
 * what its hint allows, so evaluating the full WHERE on the candidates gives
 * the same rows as a scan of the whole object:
 * - Id IN (...): the id column, compared ASCII case-insensitively (index
 *   sf_records_id_nocase) with the 18-character forms sb_soql_mark_id gave
 *   the values, a superset of the exact matches the WHERE then keeps;
 * - Email IN (...): the email column holds the lower-cased Email;
 * - an external-id or unique text field IN (...): sf_extids holds the
 *   lower-cased values of live records (so not for queryAll);
 * - SystemModstamp >= / > an instant: the modstamp column is the instant of
 *   the stored SystemModstamp, or later when a write did not restamp the
 *   record, so only the lower bound is used. */
#define CAND_MAX 8

typedef struct qcand {
    const char *index; /* the index SQLite must read candidates through */
    int rank;          /* of that index: the lower, the fewer candidates expected */
    size_t n;
    struct {
        char *text; /* owned JSON array, or NULL */
        const char *field;
        int64_t ms;
        int kind; /* 0: text, 1: field name + text, 2: ms */
    } bind[CAND_MAX];
} qcand;

static void cand_dispose(qcand *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->bind[i].text);
}

static bool text_field(const sf_field *f)
{
    return f->type == SF_T_STRING || f->type == SF_T_EMAIL || f->type == SF_T_PHONE ||
           f->type == SF_T_URL || f->type == SF_T_TEXTAREA;
}

/* The values as a JSON array of strings, ASCII lower-cased when lower. */
static char *values_json(const sb_soql_hint *h, bool lower)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < h->nvals; i++) {
        char *v = strdup(h->vals[i]);
        if (v == NULL) {
            json_decref(arr);
            return NULL;
        }
        for (char *c = v; lower && *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        json_array_append_new(arr, json_string(v));
        free(v);
    }
    char *text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    return text;
}

/* Notes the index of a usable hint, keeping the most selective one. */
static void cand_index(qcand *c, const char *index, int rank)
{
    if (c->index == NULL || rank < c->rank) {
        c->index = index;
        c->rank = rank;
    }
}

/* Appends " AND ..." for each usable hint; hint k binds parameters ?(2k+2)
 * and ?(2k+3). Left to itself, SQLite's planner prefers an index that
 * avoids the ORDER BY sort to one that reads few rows, so the caller names
 * the index (c->index) with INDEXED BY. */
static int add_candidates(const qplan *p, bool all_rows, int64_t now, cs_buf *sql, qcand *c)
{
    for (size_t i = 0; i < sb_soql_hint_count(p->q) && c->n < CAND_MAX; i++) {
        sb_soql_hint h;
        if (!sb_soql_hint_get(p->q, i, now, &h) || strchr(h.field, '.') != NULL)
            continue;
        const sf_field *f = sf_object_field(p->o, h.field);
        if (f == NULL)
            continue;
        int param = (int)c->n * 2 + 2, bad;
        if (h.kind == SB_SOQL_HINT_RANGE) {
            if (strcmp(f->name, "SystemModstamp") != 0 || h.lo_ms == INT64_MIN)
                continue;
            c->bind[c->n].kind = 2;
            c->bind[c->n].ms = h.lo_ms;
            bad = cs_buf_appendf(sql, " AND modstamp >= ?%d", param);
            cand_index(c, "sf_records_mod", 3);
        } else if (f->type == SF_T_ID && strcmp(f->name, "Id") == 0) {
            c->bind[c->n].kind = 0;
            bad = cs_buf_appendf(
                sql, " AND id COLLATE NOCASE IN (SELECT value FROM json_each(?%d))", param);
            cand_index(c, "sf_records_id_nocase", 0);
        } else if (f->type == SF_T_EMAIL && strcmp(f->name, "Email") == 0) {
            c->bind[c->n].kind = 0;
            bad = cs_buf_appendf(sql, " AND email IN (SELECT value FROM json_each(?%d))", param);
            cand_index(c, "sf_records_email", 2);
        } else if (!all_rows && sf_store_indexed(f) && text_field(f)) {
            c->bind[c->n].kind = 1;
            c->bind[c->n].field = f->name;
            bad = cs_buf_appendf(sql,
                                 " AND id COLLATE NOCASE IN (SELECT id FROM sf_extids WHERE "
                                 "object = ?1 AND field = ?%d AND value IN "
                                 "(SELECT value FROM json_each(?%d)))",
                                 param, param + 1);
            cand_index(c, "sf_records_id_nocase", 1);
        } else {
            continue;
        }
        if (bad != 0)
            return -1;
        if (c->bind[c->n].kind != 2) {
            c->bind[c->n].text = values_json(&h, strcmp(f->name, "Id") != 0);
            if (c->bind[c->n].text == NULL)
                return -1;
        }
        c->n++;
    }
    return 0;
}

static void bind_candidates(sqlite3_stmt *st, const qcand *c)
{
    for (size_t i = 0; i < c->n; i++) {
        int param = (int)i * 2 + 2;
        if (c->bind[i].kind == 2) {
            sqlite3_bind_int64(st, param, c->bind[i].ms);
        } else if (c->bind[i].kind == 1) {
            sqlite3_bind_text(st, param, c->bind[i].field, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, param + 1, c->bind[i].text, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_text(st, param, c->bind[i].text, -1, SQLITE_STATIC);
        }
    }
}

/* Scans the object's rows (the candidates of the query's index hints when
 * it has usable ones); fills *rows (caller frees) with the matching ones,
 * sorted and cut by OFFSET/LIMIT. Only the fields WHERE and ORDER BY use are
 * extracted for evaluation: a page renders its records from the stored JSON
 * (render_row). */
static int scan(sf_tx *tx, const qplan *p, bool all_rows, qrow **rows, size_t *nrows, cs_err *err)
{
    int64_t now = cs_time_now_ms();
    cs_buf sql;
    cs_buf_init(&sql, 1 << 20);
    int bad = cs_buf_append_str(&sql, "SELECT id, is_deleted");
    int *col = calloc(p->nrefs ? p->nrefs : 1, sizeof *col);
    char(*keys)[PATH_MAX_LEN + 1] = calloc(p->nrefs ? p->nrefs : 1, sizeof *keys);
    if (col == NULL || keys == NULL) {
        free(col);
        free(keys);
        cs_buf_free(&sql);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    int ncols = 2;
    for (size_t i = 0; i < p->nrefs; i++) {
        col[i] = -1;
        if (!sb_soql_referenced_in_filter(p->q, i))
            continue;
        lower_path(p->refs[i].path, keys[i]);
        col[i] = ncols++;
        bad |= cs_buf_appendf(&sql, ", json_extract(data, '$.%s')", p->refs[i].field->name);
    }
    cs_buf cond;
    cs_buf_init(&cond, 1 << 20);
    bad |= cs_buf_append_str(&cond, " WHERE object = ?1");
    if (!all_rows)
        bad |= cs_buf_append_str(&cond, " AND is_deleted = 0");
    qcand cand = {0};
    int rc = add_candidates(p, all_rows, now, &cond, &cand);
    bad |= cs_buf_append_str(&sql, " FROM sf_records");
    if (cand.index)
        bad |= cs_buf_appendf(&sql, " INDEXED BY %s", cand.index);
    bad |= cs_buf_append_str(&sql, cs_buf_str(&cond));
    cs_buf_free(&cond);
    /* With an ORDER BY, rows come in SystemModstamp order: the incremental
     * reads (ORDER BY SystemModstamp) then arrive sorted and skip the sort. */
    bool ordered = sb_soql_has_order(p->q);
    bad |= cs_buf_append_str(&sql, ordered ? " ORDER BY modstamp, rid" : " ORDER BY rid");
    sqlite3_stmt *st = NULL;
    if (rc != 0 || bad != 0) {
        rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    } else if (sqlite3_prepare_v2(tx->ctx->db, cs_buf_str(&sql), -1, &st, NULL) != SQLITE_OK) {
        rc = cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    }
    cs_buf_free(&sql);
    if (rc != 0) {
        cand_dispose(&cand);
        free(col);
        free(keys);
        return -1;
    }
    sqlite3_bind_text(st, 1, p->o->name, -1, SQLITE_STATIC);
    bind_candidates(st, &cand);
    json_t *cache = json_object();
    size_t cap = 1024, n = 0;
    qrow *out = malloc(cap * sizeof *out);
    /* Without ORDER BY the scan can stop once OFFSET + LIMIT rows matched. */
    long offset = sb_soql_offset(p->q), limit = sb_soql_limit(p->q);
    size_t enough =
        !ordered && limit >= 0 ? (size_t)(offset > 0 ? offset : 0) + (size_t)limit : SIZE_MAX;
    rc = out ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    while (rc == 0 && n < enough && sqlite3_step(st) == SQLITE_ROW) {
        json_t *rec = json_object();
        for (size_t i = 0; i < p->nrefs; i++) {
            const sf_qpath *q = &p->refs[i];
            if (col[i] < 0)
                continue;
            json_t *v;
            if (q->target_field == NULL && strcmp(q->field->name, "IsDeleted") == 0) {
                v = json_boolean(sqlite3_column_int(st, 1) != 0);
            } else if (q->target_field == NULL) {
                v = column_value(st, col[i], q->field);
            } else {
                const char *pid = (const char *)sqlite3_column_text(st, col[i]);
                json_t *prec = pid ? sf_store_parent(tx, cache, pid) : NULL;
                json_t *pv = prec ? json_object_get(prec, q->target_field->name) : NULL;
                v = pv ? json_incref(pv) : json_null();
            }
            json_object_set_new(rec, keys[i], v);
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
    cand_dispose(&cand);
    free(col);
    free(keys);
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
    /* {"totalSize","done"[,"nextRecordsUrl"],"records"}, written as text:
     * the records come as text from sf_page.c. */
    cs_buf body;
    cs_buf_init(&body, (size_t)SB_BODY_MAX * 4);
    int rc = cs_buf_appendf(&body, "{\"totalSize\":%zu,\"done\":%s", n, to >= n ? "true" : "false");
    if (to < n) {
        char url[200];
        next_url(url, sizeof url, tx->version, locator, to);
        rc |= cs_buf_appendf(&body, ",\"nextRecordsUrl\":\"%s\"", url);
    }
    rc |= cs_buf_append_str(&body, ",\"records\":");
    if (rc != 0)
        cs_err_set(&err, CS_ERR_INTERNAL, "out of memory");
    if (rc != 0 || sf_page_records(tx, p->o, p->sel, p->nsel, ids, from, to, &body, &err) != 0 ||
        cs_buf_append_str(&body, "}") != 0 || sf_tx_commit(tx, &err) != 0) {
        cs_buf_free(&body);
        sf_respond_internal(res, &err);
        return;
    }
    sb_respond_json_buf(res, 200, &body);
    cs_buf_free(&body);
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

/* For other readers of the same SOQL (Bulk API query jobs): the checked
 * plan and the matching ids, exactly as run_query computes them. */
struct sf_qrun {
    qplan p;
};

int sf_query_prepare(sf_tx *tx, const char *text, sf_qresult *out, sb_response *res)
{
    memset(out, 0, sizeof *out);
    out->run = calloc(1, sizeof *out->run);
    if (out->run == NULL) {
        sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "out of memory");
        return -1;
    }
    if (plan_build(tx, text, &out->run->p, res) != 0)
        return -1;
    out->o = out->run->p.o;
    out->sel = out->run->p.sel;
    out->nsel = out->run->p.nsel;
    out->is_count = sb_soql_is_count(out->run->p.q);
    out->has_offset = sb_soql_offset(out->run->p.q) >= 0;
    return 0;
}

int sf_query_ids(sf_tx *tx, sf_qresult *out, bool all_rows, cs_err *err)
{
    qrow *rows = NULL;
    size_t n = 0;
    if (scan(tx, &out->run->p, all_rows, &rows, &n, err) != 0)
        return -1;
    char *ids = malloc(n * SF_ID_LEN + 1);
    if (ids == NULL) {
        free(rows);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        memcpy(ids + i * SF_ID_LEN, rows[i].id, SF_ID_LEN);
    free(rows);
    free(out->ids);
    out->ids = ids;
    out->n = n;
    return 0;
}

void sf_qresult_dispose(sf_qresult *r)
{
    if (r->run)
        plan_dispose(&r->run->p);
    free(r->run);
    free(r->ids);
    memset(r, 0, sizeof *r);
}
