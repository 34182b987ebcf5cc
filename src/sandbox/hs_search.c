/* POST /crm/v3/objects/{type}/search: parses the request with hs_filter,
 * then plans the SQL around it. Filters on the indexed columns (hs_object_id,
 * the create and modification dates, contact email) of a single filter group
 * become SQL conditions, and a sort on one of those becomes ORDER BY; when
 * that covers the whole request the count and the page come straight from
 * the indexes (the sync engine's "lastmodifieddate GTE x, ascending" never
 * parses a record it does not return). Otherwise candidates are evaluated by
 * hs_filter in C and, for other sorts, sorted in memory. `total` is the real
 * count; paging past 10,000 results answers 400 (hs_filter). The count of
 * "modified since x" searches, the engine's change detection, goes through
 * a cache (hs_int.h), so paging by a rising bound costs what lies between
 * two bounds rather than everything past the bound on each page. While
 * writes wait for the index (--hubspot-search-lag-ms, hs_index.c) search
 * reads the indexed copies instead, without the count cache. Search is
 * exempt from the burst limit and has its own secondly limit (hs_api.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

#define MAX_BINDS 64

typedef struct bind {
    enum { B_INT, B_REAL, B_TEXT } kind;
    int64_t i;
    double d;
    const char *text;
} bind;

typedef struct plan {
    cs_buf where; /* "type_id = ?1 AND archived = 0 AND ..." */
    bind binds[MAX_BINDS];
    int nbinds;
    bool exact;            /* the SQL condition is the whole filter */
    const char *order_col; /* NULL: sort in C */
    bool desc;
    bool lagging; /* writes are pending for the index: read hs_index_source() */
} plan;

typedef struct search_ctx {
    sb_ctx *ctx;
    const hs_type *t;
} search_ctx;

static int type_of(void *user, const char *property)
{
    search_ctx *sc = user;
    const json_t *def = hs_type_prop(sc->ctx, sc->t, property);
    if (def == NULL)
        return -1;
    return (int)hs_ptype_from_name(json_string_value(json_object_get(def, "type")));
}

static const char *column_of(const hs_type *t, const char *property)
{
    if (strcmp(property, "hs_object_id") == 0)
        return "id";
    if (hs_type_is_modprop(t, property))
        return "updated_ms";
    if (hs_type_is_createprop(t, property))
        return "created_ms";
    return NULL;
}

static int add_bind(plan *p, bind b)
{
    if (p->nbinds == MAX_BINDS)
        return -1;
    p->binds[p->nbinds++] = b;
    return p->nbinds + 1; /* ?1 is the type id */
}

static bind bound_of(const char *col, const hs_filter *f, bool high)
{
    bind b = {0};
    if (strcmp(col, "id") == 0) {
        b.kind = B_REAL;
        b.d = high ? f->num_high : f->num;
    } else {
        b.kind = B_INT;
        b.i = high ? f->ms_high : f->ms;
    }
    return b;
}

/* Whether v is an integer as SQLite and hs_filter both read it the same
 * way: digits without a leading zero, small enough for an int64. */
static bool canonical_id(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > 18 || (v[0] == '0' && n > 1))
        return false;
    for (size_t i = 0; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return true;
}

/* hs_object_id IN / NOT_IN as SQL on the id column, the values written
 * inline (canonical integers only, so equality means the same in SQL and in
 * hs_filter, and no value needs a bind). false: left to hs_filter. */
static bool push_id_list(cs_buf *where, const hs_filter *f)
{
    for (size_t i = 0; i < f->nvalues; i++)
        if (!canonical_id(f->values[i]))
            return false;
    if (cs_buf_appendf(where, " AND id %sIN (", f->op == HS_OP_NOT_IN ? "NOT " : "") != 0)
        return false;
    for (size_t i = 0; i < f->nvalues; i++)
        if (cs_buf_appendf(where, "%s%s", i ? "," : "", f->values[i]) != 0)
            return false;
    return cs_buf_append_str(where, ")") == 0;
}

/* Adds to where an SQL condition for f when it maps onto a column; false
 * otherwise (where is then left as it was, but for a failed append). */
static bool push_filter(plan *p, cs_buf *where, const hs_type *t, const hs_filter *f)
{
    const char *col = column_of(t, f->property);
    if (col != NULL && strcmp(col, "id") == 0 && (f->op == HS_OP_IN || f->op == HS_OP_NOT_IN))
        return push_id_list(where, f);
    if (col != NULL) {
        static const char *const cmp[] = {[HS_OP_EQ] = "=",
                                          [HS_OP_LT] = "<",
                                          [HS_OP_LTE] = "<=",
                                          [HS_OP_GT] = ">",
                                          [HS_OP_GTE] = ">="};
        switch (f->op) {
        case HS_OP_HAS_PROPERTY:
            return true; /* always set */
        case HS_OP_EQ:
        case HS_OP_LT:
        case HS_OP_LTE:
        case HS_OP_GT:
        case HS_OP_GTE: {
            int n = add_bind(p, bound_of(col, f, false));
            return n > 0 && cs_buf_appendf(where, " AND %s %s ?%d", col, cmp[f->op], n) == 0;
        }
        case HS_OP_BETWEEN: {
            int lo = add_bind(p, bound_of(col, f, false));
            int hi = add_bind(p, bound_of(col, f, true));
            return lo > 0 && hi > 0 &&
                   cs_buf_appendf(where, " AND %s BETWEEN ?%d AND ?%d", col, lo, hi) == 0;
        }
        default:
            return false;
        }
    }
    /* hs_unique holds current values, not indexed ones. */
    if (!p->lagging && strcmp(t->type_id, HS_CONTACTS) == 0 && strcmp(f->property, "email") == 0 &&
        f->op == HS_OP_EQ) {
        bind b = {.kind = B_TEXT, .text = f->value};
        int n = add_bind(p, b);
        return n > 0 &&
               cs_buf_appendf(where,
                              " AND id IN (SELECT object_id FROM hs_unique WHERE"
                              " type_id = ?1 AND name = 'email' AND value_lc = lower(?%d))",
                              n) == 0;
    }
    return false;
}

static void truncate_where(plan *p, size_t len)
{
    p->where.len = len;
    if (p->where.data != NULL)
        p->where.data[len] = '\0';
}

/* The filters of one group that map onto columns, AND-ed onto p->where. */
static void push_group(plan *p, const hs_type *t, const hs_filter_group *g)
{
    for (size_t i = 0; i < g->nfilters; i++) {
        size_t len = p->where.len;
        if (!push_filter(p, &p->where, t, &g->filters[i])) {
            truncate_where(p, len);
            p->exact = false;
        }
    }
}

/* The SQL condition of the filter groups: each group the AND of its
 * filters that map onto columns, the groups OR-ed. A group with a filter
 * left out is wider than the group, so the condition selects a superset and
 * hs_filter decides (p->exact false); with every filter in SQL it is the
 * filter itself, and the indexes answer the count and the page (the change
 * scan's range pages are two groups: the rest of one time, NOT_IN the ids
 * already read, or a later time). */
static void make_plan(plan *p, const hs_type *t, const hs_search *s)
{
    cs_buf_init(&p->where, (size_t)64 * 1024);
    cs_buf_append_str(&p->where, "type_id = ?1 AND archived = 0");
    p->exact = s->query == NULL;
    if (s->ngroups == 1) {
        push_group(p, t, &s->groups[0]);
    } else if (s->ngroups > 1) {
        size_t start = p->where.len;
        bool ok = cs_buf_append_str(&p->where, " AND (") == 0;
        for (size_t g = 0; ok && g < s->ngroups; g++) {
            ok = cs_buf_append_str(&p->where, g ? " OR (1" : "(1") == 0;
            if (ok)
                push_group(p, t, &s->groups[g]);
            ok = ok && cs_buf_append_str(&p->where, ")") == 0;
        }
        ok = ok && cs_buf_append_str(&p->where, ")") == 0;
        if (!ok) { /* too long for SQL: hs_filter decides on every record */
            truncate_where(p, start);
            p->exact = false;
        }
    }
    if (s->nsorts == 0) {
        p->order_col = "id";
    } else {
        p->order_col = column_of(t, s->sorts[0].property);
        p->desc = s->sorts[0].descending;
    }
}

static sqlite3_stmt *prepare(sb_ctx *ctx, const hs_type *t, const plan *p, const char *select,
                             const char *tail)
{
    cs_buf sql;
    cs_buf_init(&sql, (size_t)128 * 1024);
    cs_buf_appendf(&sql, "%s FROM %s WHERE %s%s", select,
                   p->lagging ? hs_index_source() : "hs_objects", cs_buf_str(&p->where), tail);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, cs_buf_str(&sql), -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    cs_buf_free(&sql);
    if (st == NULL)
        return NULL;
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    for (int i = 0; i < p->nbinds; i++) {
        const bind *b = &p->binds[i];
        if (b->kind == B_INT)
            sqlite3_bind_int64(st, i + 2, b->i);
        else if (b->kind == B_REAL)
            sqlite3_bind_double(st, i + 2, b->d);
        else
            sqlite3_bind_text(st, i + 2, b->text, -1, SQLITE_STATIC);
    }
    return st;
}

static void row_obj(sqlite3_stmt *st, hs_obj *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->created_ms = sqlite3_column_int64(st, 1);
    o->updated_ms = sqlite3_column_int64(st, 2);
    const char *text = (const char *)sqlite3_column_text(st, 3);
    o->props = text ? json_loads(text, 0, NULL) : NULL;
    if (o->props == NULL)
        o->props = json_object();
}

typedef struct eval_rec {
    const hs_type *t;
    const hs_obj *o;
    char buf[48];
} eval_rec;

static const char *eval_get(void *record, const char *property)
{
    eval_rec *r = record;
    return hs_obj_value(r->t, r->o, property, true, r->buf);
}

/* Filters and free-text query against one record. */
static bool record_matches(sb_ctx *ctx, const hs_type *t, const hs_search *s, const hs_obj *o)
{
    eval_rec r = {.t = t, .o = o};
    if (!hs_search_match(s, eval_get, &r))
        return false;
    if (s->query == NULL)
        return true;
    const json_t *searchable = json_object_get(t->def, "searchableProperties");
    const char *values[32];
    size_t n = 0;
    size_t i;
    const json_t *name;
    json_array_foreach(searchable, i, name)
    {
        if (n < 32 && json_is_string(name))
            values[n++] = json_string_value(json_object_get(o->props, json_string_value(name)));
    }
    if (n == 0)
        values[n++] = json_string_value(json_object_get(o->props, "name"));
    (void)ctx;
    return hs_query_match(s->query, values, n);
}

typedef struct sort_item {
    int64_t id;
    char *key;
} sort_item;

typedef struct sort_ctx {
    hs_ptype type;
    bool desc;
} sort_ctx;

static int cmp_items(const void *a, const void *b, void *user)
{
    const sort_item *x = a, *y = b;
    const sort_ctx *sc = user;
    int c = hs_value_compare(sc->type, x->key, y->key);
    bool unset_x = x->key == NULL || x->key[0] == '\0';
    bool unset_y = y->key == NULL || y->key[0] == '\0';
    if (sc->desc && !unset_x && !unset_y)
        c = -c;
    if (c == 0)
        c = x->id < y->id ? -1 : x->id > y->id;
    return c;
}

static void sort_items(sort_item *items, size_t n, sort_ctx *sc)
{
    qsort_r(items, n, sizeof *items, cmp_items, sc);
}

/* Loads and renders the records of one page, in order. */
static int render_ids(sb_ctx *ctx, const hs_type *t, const plan *p, const int64_t *ids, size_t n,
                      const hs_propsel *sel, json_t *results, cs_err *err)
{
    for (size_t i = 0; i < n; i++) {
        hs_obj o = {0};
        int rc = p->lagging ? hs_index_load(ctx, t, ids[i], &o, err)
                            : hs_obj_load(ctx, t, ids[i], false, &o, err);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            json_array_append_new(results, hs_obj_json(ctx, t, &o, sel));
            hs_obj_dispose(&o);
        }
    }
    return 0;
}

/* Live records of t modified in [lo, hi], counted on the index. */
static int count_modified(sb_ctx *ctx, const hs_type *t, int64_t lo, int64_t hi, int64_t *n,
                          cs_err *err)
{
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_OBJ_COUNT_MOD, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : hs_db_error(ctx, err, "search count");
}

/* The modification-time interval [lo, hi] a group's filters allow, and
 * whether they are all conditions on that time (pure: the interval is the
 * whole group). */
typedef struct window {
    int64_t lo, hi;
    bool pure;
} window;

static window window_of(const hs_type *t, const hs_filter_group *g)
{
    window w = {.lo = INT64_MIN, .hi = INT64_MAX, .pure = true};
    for (size_t i = 0; i < g->nfilters; i++) {
        const hs_filter *f = &g->filters[i];
        if (!hs_type_is_modprop(t, f->property)) {
            w.pure = false;
            continue;
        }
        int64_t lo = INT64_MIN, hi = INT64_MAX;
        switch (f->op) {
        case HS_OP_EQ:
            lo = hi = f->ms;
            break;
        case HS_OP_GTE:
            lo = f->ms;
            break;
        case HS_OP_GT:
            lo = f->ms < INT64_MAX ? f->ms + 1 : INT64_MAX;
            hi = f->ms < INT64_MAX ? INT64_MAX : INT64_MIN; /* GT the largest: nothing */
            break;
        case HS_OP_LTE:
            hi = f->ms;
            break;
        case HS_OP_LT:
            hi = f->ms > INT64_MIN ? f->ms - 1 : INT64_MIN;
            lo = f->ms > INT64_MIN ? INT64_MIN : INT64_MAX;
            break;
        case HS_OP_BETWEEN:
            lo = f->ms;
            hi = f->ms_high;
            break;
        default:
            w.pure = false; /* NEQ, IN, ...: no interval of its own */
            continue;
        }
        w.lo = lo > w.lo ? lo : w.lo;
        w.hi = hi < w.hi ? hi : w.hi;
    }
    return w;
}

/* Live records of t modified in [w.lo, w.hi] through the cache (hs_int.h):
 * with the same upper bound and a lower bound at or above the cached one,
 * the cached count minus what lies between the two lower bounds. */
static int count_window(sb_ctx *ctx, const hs_type *t, window w, int64_t *total, cs_err *err)
{
    if (w.lo > w.hi) {
        *total = 0;
        return 0;
    }
    hs_state *hs = hs_state_get(ctx);
    if (hs == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    hs_count_cache *c = &hs->count;
    int64_t n = 0;
    if (c->valid && strcmp(c->type_id, t->type_id) == 0 && w.hi == c->to_ms && w.lo >= c->from_ms) {
        if (w.lo > c->from_ms) {
            if (count_modified(ctx, t, c->from_ms, w.lo - 1, &n, err) != 0)
                return -1;
            c->count -= n;
            c->from_ms = w.lo;
        }
    } else {
        c->valid = false;
        if (count_modified(ctx, t, w.lo, w.hi, &n, err) != 0)
            return -1;
        int len = snprintf(c->type_id, sizeof c->type_id, "%s", t->type_id);
        c->valid = len > 0 && (size_t)len < sizeof c->type_id;
        c->from_ms = w.lo;
        c->to_ms = w.hi;
        c->count = n;
    }
    *total = c->count > 0 ? c->count : 0;
    return 0;
}

/* COUNT(*) of the SQL condition plan p holds. */
static int count_sql(sb_ctx *ctx, const hs_type *t, const plan *p, int64_t *total, cs_err *err)
{
    sqlite3_stmt *st = prepare(ctx, t, p, "SELECT COUNT(*)", "");
    if (st == NULL)
        return hs_db_error(ctx, err, "search");
    int rc = sqlite3_step(st);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : hs_db_error(ctx, err, "search count");
}

/* The count of an exact search (every filter in SQL). Groups whose time
 * intervals do not overlap match disjoint sets, so their counts add up: a
 * group of time conditions only is counted through the cache, any other on
 * its own condition (the change scan's "the rest of time T, NOT_IN the ids
 * read" costs the records at T). Overlapping groups: one COUNT of all. */
static int count_exact(sb_ctx *ctx, const hs_type *t, const hs_search *s, const plan *p,
                       int64_t *total, cs_err *err)
{
    if (p->lagging)
        return count_sql(ctx, t, p, total, err);
    if (s->ngroups == 0)
        return count_window(ctx, t, (window){INT64_MIN, INT64_MAX, true}, total, err);
    window w[HS_SEARCH_MAX_GROUPS];
    size_t ng = s->ngroups < HS_SEARCH_MAX_GROUPS ? s->ngroups : HS_SEARCH_MAX_GROUPS;
    for (size_t g = 0; g < ng; g++)
        w[g] = window_of(t, &s->groups[g]);
    for (size_t a = 0; a < ng; a++)
        for (size_t b = a + 1; b < ng; b++)
            if (w[a].lo <= w[b].hi && w[b].lo <= w[a].hi && w[a].lo <= w[a].hi &&
                w[b].lo <= w[b].hi)
                return count_sql(ctx, t, p, total, err);
    if (ng == 1 && !w[0].pure)
        return count_sql(ctx, t, p, total, err);
    *total = 0;
    for (size_t g = 0; g < ng; g++) {
        int64_t n = 0;
        if (w[g].pure) {
            if (count_window(ctx, t, w[g], &n, err) != 0)
                return -1;
        } else {
            /* the group alone; every filter of an exact search is in SQL */
            plan gp = {.lagging = p->lagging, .exact = true};
            cs_buf_init(&gp.where, (size_t)64 * 1024);
            int rc = cs_buf_append_str(&gp.where, "type_id = ?1 AND archived = 0");
            if (rc == 0)
                push_group(&gp, t, &s->groups[g]);
            if (rc == 0 && gp.exact)
                rc = count_sql(ctx, t, &gp, &n, err);
            else
                rc = count_sql(ctx, t, p, total, err) == 0 ? 1 : -1; /* stay correct */
            cs_buf_free(&gp.where);
            if (rc != 0)
                return rc < 0 ? -1 : 0;
        }
        *total += n;
    }
    return 0;
}

/* The whole request is in SQL: count and page from the indexes. */
static int run_exact(sb_ctx *ctx, const hs_type *t, const hs_search *s, const plan *p, size_t end,
                     const hs_propsel *sel, json_t *results, size_t *total, cs_err *err)
{
    int64_t n = 0;
    if (count_exact(ctx, t, s, p, &n, err) != 0)
        return -1;
    *total = n > 0 ? (size_t)n : 0;
    sqlite3_stmt *st;
    char tail[160];
    (void)snprintf(tail, sizeof tail, " ORDER BY %s %s, id %s LIMIT %zu OFFSET %zu", p->order_col,
                   p->desc ? "DESC" : "ASC", p->desc ? "DESC" : "ASC", end - s->after, s->after);
    st = prepare(ctx, t, p, "SELECT id, created_ms, updated_ms, props", tail);
    if (st == NULL)
        return hs_db_error(ctx, err, "search");
    while (sqlite3_step(st) == SQLITE_ROW) {
        hs_obj o = {0};
        row_obj(st, &o);
        json_array_append_new(results, hs_obj_json(ctx, t, &o, sel));
        hs_obj_dispose(&o);
    }
    sqlite3_finalize(st);
    return 0;
}

/* Candidates in SQL order, filtered in C. */
static int run_filtered(sb_ctx *ctx, const hs_type *t, const hs_search *s, const plan *p,
                        size_t end, const hs_propsel *sel, json_t *results, size_t *total,
                        cs_err *err)
{
    char tail[96];
    (void)snprintf(tail, sizeof tail, " ORDER BY %s %s, id %s", p->order_col,
                   p->desc ? "DESC" : "ASC", p->desc ? "DESC" : "ASC");
    sqlite3_stmt *st = prepare(ctx, t, p, "SELECT id, created_ms, updated_ms, props", tail);
    if (st == NULL)
        return hs_db_error(ctx, err, "search");
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        hs_obj o = {0};
        row_obj(st, &o);
        if (record_matches(ctx, t, s, &o)) {
            if (n >= s->after && n < end)
                json_array_append_new(results, hs_obj_json(ctx, t, &o, sel));
            n++;
        }
        hs_obj_dispose(&o);
    }
    sqlite3_finalize(st);
    *total = n;
    return 0;
}

/* Candidates filtered in C and sorted in memory on the sort property. */
static int run_sorted(sb_ctx *ctx, const hs_type *t, const hs_search *s, const plan *p, size_t end,
                      const hs_propsel *sel, json_t *results, size_t *total, cs_err *err)
{
    sqlite3_stmt *st = prepare(ctx, t, p, "SELECT id, created_ms, updated_ms, props", "");
    if (st == NULL)
        return hs_db_error(ctx, err, "search");
    sort_item *items = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        hs_obj o = {0};
        row_obj(st, &o);
        if (record_matches(ctx, t, s, &o)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                sort_item *grown = realloc(items, cap * sizeof *items);
                if (grown == NULL)
                    rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
                else
                    items = grown;
            }
            if (rc == 0) {
                char buf[48];
                const char *v = hs_obj_value(t, &o, s->sorts[0].property, true, buf);
                items[n].id = o.id;
                items[n].key = v ? strdup(v) : NULL;
                n++;
            }
        }
        hs_obj_dispose(&o);
    }
    sqlite3_finalize(st);
    if (rc == 0) {
        sort_ctx sc = {.type = s->sorts[0].type, .desc = s->sorts[0].descending};
        sort_items(items, n, &sc);
        size_t first = s->after < n ? s->after : n, last = end < n ? end : n;
        if (last < first)
            last = first;
        int64_t *ids = calloc(last - first + 1, sizeof *ids);
        for (size_t i = first; ids && i < last; i++)
            ids[i - first] = items[i].id;
        rc = ids ? render_ids(ctx, t, p, ids, last - first, sel, results, err)
                 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        free(ids);
    }
    for (size_t i = 0; i < n; i++)
        free(items[i].key);
    free(items);
    *total = n;
    return rc;
}

void hs_h_search(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    json_t *body = t ? hs_body(ctx, req, res) : NULL;
    if (body == NULL)
        return;
    hs_search *s = NULL;
    cs_err err;
    search_ctx sc = {ctx, t};
    if (hs_search_parse(body, &s, &err) != 0 || hs_search_resolve(s, type_of, &sc, &err) != 0) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", err.message);
        hs_search_free(s);
        json_decref(body);
        return;
    }
    json_decref(body);
    plan p = {0};
    if (hs_index_catch_up(ctx, cs_time_now_ms(), &p.lagging, &err) != 0) {
        hs_error_internal(ctx, res, &err);
        hs_search_free(s);
        return;
    }
    make_plan(&p, t, s);
    size_t end = s->after + s->limit;
    if (end > HS_SEARCH_MAX_RESULTS)
        end = HS_SEARCH_MAX_RESULTS;
    hs_propsel sel = {0};
    if (s->nproperties > 0)
        sel = (hs_propsel){.names = (const char *const *)s->properties, .nnames = s->nproperties};
    json_t *results = json_array();
    size_t total = 0;
    int rc;
    if (p.exact && p.order_col)
        rc = run_exact(ctx, t, s, &p, end, &sel, results, &total, &err);
    else if (p.order_col)
        rc = run_filtered(ctx, t, s, &p, end, &sel, results, &total, &err);
    else
        rc = run_sorted(ctx, t, s, &p, end, &sel, results, &total, &err);
    if (rc != 0) {
        json_decref(results);
        hs_error_internal(ctx, res, &err);
    } else {
        json_t *out = json_pack("{s:I,s:o}", "total", (json_int_t)total, "results", results);
        if (end < total && s->limit > 0) {
            char next[24];
            (void)snprintf(next, sizeof next, "%zu", end);
            json_object_set_new(out, "paging", json_pack("{s:{s:s}}", "next", "after", next));
        }
        sb_respond_json(res, 200, out);
    }
    cs_buf_free(&p.where);
    hs_search_free(s);
}
