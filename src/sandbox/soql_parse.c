/* The SOQL parser's top level: the clause structure of a query (SELECT list,
 * FROM object, WHERE via soql_where.c, ORDER BY keys, LIMIT, OFFSET), the
 * parser helpers shared with soql_where.c, the list of referenced fields, and
 * soql.h's accessors. The whole query lives in its arena (soql_arena.c).
 *
 *   SELECT (COUNT() | path {, path}) FROM name [WHERE cond]
 *   [ORDER BY path [ASC|DESC] [NULLS FIRST|LAST] {, ...}] [LIMIT n] [OFFSET n]
 *
 * Keywords are case-insensitive. Clauses Salesforce has but the sandbox does
 * not (GROUP BY, HAVING, WITH, FOR, USING SCOPE, subqueries, functions) are
 * refused with a message that says so. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/soql_int.h"

/* Salesforce's reserved words, which cannot name a field or object. */
static const char *const reserved[] = {"AND",   "ASC",    "DESC", "EXCLUDES", "FIRST", "FROM",
                                       "GROUP", "HAVING", "IN",   "INCLUDES", "LAST",  "LIKE",
                                       "LIMIT", "NOT",    "NULL", "NULLS",    "OR",    "SELECT",
                                       "WHERE", "WITH",   "TRUE", "FALSE",    "OFFSET"};

int sb_parse_advance(sb_parser *p)
{
    return sb_lex_next(&p->lx, &p->cur, p->err);
}

bool sb_parse_at(const sb_parser *p, const char *kw)
{
    return sb_tok_is(&p->lx, &p->cur, kw);
}

static bool is_reserved(const sb_parser *p, const sb_token *tok)
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (sb_tok_is(&p->lx, tok, reserved[i]))
            return true;
    return false;
}

int sb_parse_unexpected(sb_parser *p)
{
    return sb_soql_unexpected(&p->lx, &p->cur, p->err);
}

int sb_parse_too_large(sb_parser *p)
{
    return cs_err_set(p->err, CS_ERR_INVALID_INPUT,
                      "query is too complex to process (memory bound reached)");
}

static int push_str(sb_parser *p, const char ***items, size_t *n, size_t *cap, const char *s)
{
    const char **grown = sb_arena_grow(&p->q->arena, *items, cap, *n + 1, sizeof *grown);
    if (grown == NULL)
        return sb_parse_too_large(p);
    *items = grown;
    grown[(*n)++] = s;
    return 0;
}

/* Validates tok as a field path, copies it and records it as referenced;
 * does not advance. NULL (with err set) when tok is not a usable path. */
static const char *field_from(sb_parser *p, const sb_token *tok)
{
    if (tok->kind != SB_TOK_IDENT || is_reserved(p, tok)) {
        sb_soql_unexpected(&p->lx, tok, p->err);
        return NULL;
    }
    if (tok->dots > 1) {
        char text[256];
        sb_soql_token_text(&p->lx, tok, text, sizeof text);
        sb_soql_error_at(&p->lx, tok->pos, p->err,
                         "relationship path '%s' is too deep: the sandbox supports one level of "
                         "parent relationship, such as Account.Name",
                         text);
        return NULL;
    }
    const char *f = sb_arena_strndup(&p->q->arena, p->lx.src + tok->pos, tok->len);
    size_t cap = p->refs_cap;
    size_t *pos =
        f ? sb_arena_grow(&p->q->arena, p->ref_pos, &cap, p->nrefs + 1, sizeof *pos) : NULL;
    if (pos == NULL) {
        sb_parse_too_large(p);
        return NULL;
    }
    p->ref_pos = pos;
    pos[p->nrefs] = tok->pos;
    if (push_str(p, &p->refs, &p->nrefs, &p->refs_cap, f) != 0)
        return NULL;
    return f;
}

int sb_parse_field(sb_parser *p, const char **out)
{
    const char *f = field_from(p, &p->cur);
    if (f == NULL)
        return -1;
    *out = f;
    return sb_parse_advance(p);
}

long sb_parse_small_integer(const sb_parser *p, const sb_token *tok, long max)
{
    if (tok->kind != SB_TOK_INTEGER || !isdigit((unsigned char)p->lx.src[tok->pos]))
        return -1;
    long v = 0;
    for (size_t i = 0; i < tok->len; i++) {
        v = v * 10 + (p->lx.src[tok->pos + i] - '0');
        if (v > max)
            return -1;
    }
    return v;
}

static int parse_order(sb_parser *p)
{
    sb_soql_query *q = p->q;
    size_t cap = 0;
    for (;;) {
        if (q->norder == SB_SOQL_MAX_ORDER)
            return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                    "too many fields in ORDER BY (more than %d)",
                                    SB_SOQL_MAX_ORDER);
        sb_soql_order_key *keys =
            sb_arena_grow(&q->arena, q->order, &cap, q->norder + 1, sizeof *keys);
        if (keys == NULL)
            return sb_parse_too_large(p);
        q->order = keys;
        sb_soql_order_key *k = &q->order[q->norder++];
        k->pos = p->cur.pos;
        if (sb_parse_field(p, &k->field) != 0)
            return -1;
        if (sb_parse_at(p, "ASC") || sb_parse_at(p, "DESC")) {
            k->desc = sb_parse_at(p, "DESC");
            if (sb_parse_advance(p) != 0)
                return -1;
        }
        k->nulls_first = !k->desc; /* SOQL's default */
        if (sb_parse_at(p, "NULLS")) {
            if (sb_parse_advance(p) != 0)
                return -1;
            if (!sb_parse_at(p, "FIRST") && !sb_parse_at(p, "LAST"))
                return sb_parse_unexpected(p);
            k->nulls_first = sb_parse_at(p, "FIRST");
            if (sb_parse_advance(p) != 0)
                return -1;
        }
        if (p->cur.kind != SB_TOK_COMMA)
            return 0;
        if (sb_parse_advance(p) != 0)
            return -1;
    }
}

/* LIMIT n / OFFSET n; cur is the keyword. */
static int parse_bound(sb_parser *p, const char *what, long *out)
{
    if (sb_parse_advance(p) != 0)
        return -1;
    if (p->cur.kind == SB_TOK_END)
        return sb_parse_unexpected(p);
    if (out == &p->q->offset)
        p->q->offset_pos = p->cur.pos;
    long v = sb_parse_small_integer(p, &p->cur, SB_SOQL_MAX_LIMIT);
    if (v < 0) {
        char text[256];
        sb_soql_token_text(&p->lx, &p->cur, text, sizeof text);
        bool digits = p->cur.kind == SB_TOK_INTEGER && isdigit((unsigned char)text[0]);
        if (digits)
            return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                    "%s must be at most %ld, found '%s'", what, SB_SOQL_MAX_LIMIT,
                                    text);
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "%s must be a non-negative integer, found '%s'", what, text);
    }
    *out = v;
    return sb_parse_advance(p);
}

/* One item of the SELECT list; sets q->count for COUNT(). */
static int parse_select_item(sb_parser *p)
{
    sb_soql_query *q = p->q;
    sb_token item = p->cur;
    if (item.kind == SB_TOK_LPAREN)
        return sb_soql_error_at(&p->lx, item.pos, p->err,
                                "child relationship subqueries are not supported by the sandbox");
    if (sb_parse_advance(p) != 0)
        return -1;
    if (p->cur.kind == SB_TOK_LPAREN && sb_tok_is(&p->lx, &item, "COUNT")) {
        if (sb_parse_advance(p) != 0)
            return -1;
        if (p->cur.kind != SB_TOK_RPAREN)
            return sb_soql_error_at(&p->lx, item.pos, p->err,
                                    "aggregate functions other than COUNT() are not supported "
                                    "by the sandbox");
        if (q->nselect > 0 || q->count)
            return sb_soql_error_at(&p->lx, item.pos, p->err,
                                    "COUNT() cannot be combined with other fields in SELECT");
        q->count = true;
        return sb_parse_advance(p);
    }
    if (q->count)
        return sb_soql_error_at(&p->lx, item.pos, p->err,
                                "COUNT() cannot be combined with other fields in SELECT");
    if (p->cur.kind == SB_TOK_LPAREN && item.kind == SB_TOK_IDENT) {
        char text[128];
        sb_soql_token_text(&p->lx, &item, text, sizeof text);
        return sb_soql_error_at(&p->lx, item.pos, p->err,
                                "functions such as %s() are not supported by the sandbox", text);
    }
    const char *f = field_from(p, &item);
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < q->nselect; i++)
        if (strcasecmp(q->select[i], f) == 0)
            return sb_soql_error_at(&p->lx, item.pos, p->err, "duplicate field selected: %s", f);
    if (q->nselect == SB_SOQL_MAX_FIELDS)
        return sb_soql_error_at(&p->lx, item.pos, p->err,
                                "too many fields in SELECT (more than %d)", SB_SOQL_MAX_FIELDS);
    return push_str(p, &q->select, &q->nselect, &p->select_cap, f);
}

static int parse_select(sb_parser *p)
{
    if (!sb_parse_at(p, "SELECT"))
        return sb_parse_unexpected(p);
    if (sb_parse_advance(p) != 0)
        return -1;
    for (;;) {
        if (parse_select_item(p) != 0)
            return -1;
        if (p->cur.kind != SB_TOK_COMMA)
            break;
        if (sb_parse_advance(p) != 0)
            return -1;
    }
    if (!sb_parse_at(p, "FROM"))
        return sb_parse_unexpected(p);
    p->select_refs = p->nrefs;
    if (sb_parse_advance(p) != 0)
        return -1;
    if (p->cur.kind != SB_TOK_IDENT || p->cur.dots != 0 || is_reserved(p, &p->cur))
        return sb_parse_unexpected(p);
    p->q->from_pos = p->cur.pos;
    p->q->from = sb_arena_strndup(&p->q->arena, p->lx.src + p->cur.pos, p->cur.len);
    if (p->q->from == NULL)
        return sb_parse_too_large(p);
    return sb_parse_advance(p);
}

static int parse_query(sb_parser *p)
{
    sb_soql_query *q = p->q;
    if (sb_parse_advance(p) != 0 || parse_select(p) != 0)
        return -1;
    if (sb_parse_at(p, "WHERE") && (sb_parse_advance(p) != 0 || sb_parse_where(p, &q->where) != 0))
        return -1;
    if (sb_parse_at(p, "ORDER")) {
        if (sb_parse_advance(p) != 0)
            return -1;
        if (!sb_parse_at(p, "BY"))
            return sb_parse_unexpected(p);
        if (sb_parse_advance(p) != 0 || parse_order(p) != 0)
            return -1;
    }
    if (sb_parse_at(p, "LIMIT") && parse_bound(p, "LIMIT", &q->limit) != 0)
        return -1;
    if (sb_parse_at(p, "OFFSET") && parse_bound(p, "OFFSET", &q->offset) != 0)
        return -1;
    static const char *const unsupported[] = {"GROUP", "HAVING", "WITH", "FOR", "USING", "TYPEOF"};
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
        if (sb_parse_at(p, unsupported[i]))
            return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                    "%s is not supported by the sandbox", unsupported[i]);
    if (p->cur.kind != SB_TOK_END)
        return sb_parse_unexpected(p);
    return 0;
}

typedef struct ref_entry {
    const char *name;
    size_t index;
} ref_entry;

static int ref_cmp(const void *a, const void *b)
{
    const ref_entry *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Keeps the first spelling of each field path (case-insensitively), in order
 * of first use, noting which paths WHERE or ORDER BY use (any occurrence past
 * the SELECT list). Sorting makes this O(n log n) for large WHERE clauses. */
static int dedupe_refs(sb_parser *p)
{
    sb_soql_query *q = p->q;
    if (p->nrefs == 0)
        return 0;
    ref_entry *e = sb_arena_alloc(&p->q->arena, p->nrefs * sizeof *e);
    bool *keep = sb_arena_alloc(&p->q->arena, p->nrefs * sizeof *keep);
    bool *filter = sb_arena_alloc(&p->q->arena, p->nrefs * sizeof *filter);
    q->refs = sb_arena_alloc(&p->q->arena, p->nrefs * sizeof *q->refs);
    q->ref_pos = sb_arena_alloc(&p->q->arena, p->nrefs * sizeof *q->ref_pos);
    q->ref_filter = sb_arena_alloc(&p->q->arena, p->nrefs * sizeof *q->ref_filter);
    if (e == NULL || keep == NULL || filter == NULL || q->refs == NULL || q->ref_pos == NULL ||
        q->ref_filter == NULL)
        return sb_parse_too_large(p);
    for (size_t i = 0; i < p->nrefs; i++)
        e[i] = (ref_entry){p->refs[i], i};
    qsort(e, p->nrefs, sizeof *e, ref_cmp);
    size_t first = 0; /* the kept occurrence of the current group */
    for (size_t i = 0; i < p->nrefs; i++) {
        keep[e[i].index] = i == 0 || strcasecmp(e[i - 1].name, e[i].name) != 0;
        if (keep[e[i].index])
            first = e[i].index;
        if (e[i].index >= p->select_refs)
            filter[first] = true;
    }
    for (size_t i = 0; i < p->nrefs; i++) {
        if (!keep[i])
            continue;
        q->ref_filter[q->nrefs] = filter[i];
        q->ref_pos[q->nrefs] = p->ref_pos[i];
        q->refs[q->nrefs++] = p->refs[i];
    }
    return 0;
}

int sb_soql_parse(const char *text, sb_soql_query **out, cs_err *err)
{
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "empty query");
    size_t len = strnlen(text, (size_t)SB_SOQL_MAX_TEXT + 1);
    if (len > SB_SOQL_MAX_TEXT)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "query is longer than %d characters",
                          SB_SOQL_MAX_TEXT);
    sb_soql_query *q = calloc(1, sizeof *q);
    if (q == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    q->limit = -1;
    q->offset = -1;
    q->text = sb_arena_strndup(&q->arena, text, len);
    q->text_len = len;
    if (q->text == NULL) {
        sb_soql_free(q);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    sb_parser p = {.lx = {.src = q->text, .len = len}, .q = q, .err = err};
    if (parse_query(&p) != 0 || dedupe_refs(&p) != 0 ||
        (sb_soql_collect_hints(q) != 0 && sb_parse_too_large(&p) != 0)) {
        sb_soql_free(q);
        return -1;
    }
    *out = q;
    return 0;
}

void sb_soql_free(sb_soql_query *q)
{
    if (q == NULL)
        return;
    sb_arena_release(&q->arena);
    free(q);
}

const char *sb_soql_from(const sb_soql_query *q)
{
    return q->from;
}

bool sb_soql_is_count(const sb_soql_query *q)
{
    return q->count;
}

size_t sb_soql_select_count(const sb_soql_query *q)
{
    return q->nselect;
}

const char *sb_soql_select_field(const sb_soql_query *q, size_t i)
{
    return i < q->nselect ? q->select[i] : NULL;
}

size_t sb_soql_referenced_count(const sb_soql_query *q)
{
    return q->nrefs;
}

const char *sb_soql_referenced_field(const sb_soql_query *q, size_t i)
{
    return i < q->nrefs ? q->refs[i] : NULL;
}

bool sb_soql_referenced_in_filter(const sb_soql_query *q, size_t i)
{
    return i < q->nrefs && q->ref_filter[i];
}

long sb_soql_limit(const sb_soql_query *q)
{
    return q->limit;
}

long sb_soql_offset(const sb_soql_query *q)
{
    return q->offset;
}

bool sb_soql_has_order(const sb_soql_query *q)
{
    return q->norder > 0;
}

int sb_soql_query_error_at(const sb_soql_query *q, size_t pos, cs_err *err, const char *fmt, ...)
{
    sb_lexer lx = {.src = q->text, .len = q->text_len};
    va_list ap;
    va_start(ap, fmt);
    int rc = sb_soql_verror_at(&lx, pos, err, fmt, ap);
    va_end(ap);
    return rc;
}

int sb_soql_field_error(const sb_soql_query *q, size_t i, cs_err *err, const char *fmt, ...)
{
    sb_lexer lx = {.src = q->text, .len = q->text_len};
    va_list ap;
    va_start(ap, fmt);
    int rc = sb_soql_verror_at(&lx, i < q->nrefs ? q->ref_pos[i] : 0, err, fmt, ap);
    va_end(ap);
    return rc;
}

int sb_soql_from_error(const sb_soql_query *q, cs_err *err, const char *fmt, ...)
{
    sb_lexer lx = {.src = q->text, .len = q->text_len};
    va_list ap;
    va_start(ap, fmt);
    int rc = sb_soql_verror_at(&lx, q->from_pos, err, fmt, ap);
    va_end(ap);
    return rc;
}
