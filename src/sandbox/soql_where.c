/* The WHERE clause of the SOQL parser: conditions, comparisons, LIKE,
 * [NOT] IN lists and literal values (strings, numbers, dates, datetimes,
 * TRUE/FALSE, NULL, TODAY-style date literals), built into a tree in the
 * query's arena.
 *
 *   cond  := unary {AND unary} | unary {OR unary}
 *   unary := NOT unary | '(' cond ')' | path op value | path LIKE 'pattern'
 *          | path [NOT] IN '(' value {, value} ')'
 *          | path (INCLUDES | EXCLUDES) '(' value {, value} ')'
 *
 * NOT binds tighter than AND and OR. Like Salesforce, AND and OR may not be
 * mixed at one level without parentheses: "a = 1 AND b = 2 OR c = 3" is
 * refused at the OR ("unexpected token: 'OR'") rather than given a silent
 * precedence; "(a = 1 AND b = 2) OR c = 3" is accepted. Recursion is bounded:
 * every NOT and '(' is a level, and there are at most SB_SOQL_MAX_DEPTH. */
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "sandbox/soql_int.h"

static void *alloc(sb_parser *p, size_t size)
{
    return sb_arena_alloc(&p->q->arena, size);
}

static int parse_number(sb_parser *p, sb_soql_lit *lit)
{
    char *text = sb_arena_strndup(&p->q->arena, p->lx.src + p->cur.pos, p->cur.len);
    if (text == NULL)
        return sb_parse_too_large(p);
    lit->kind = SB_LIT_NUMBER;
    lit->integer = p->cur.kind == SB_TOK_INTEGER;
    lit->num = strtod(text, NULL);
    if (!isfinite(lit->num))
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err, "number out of range");
    return sb_parse_advance(p);
}

/* LAST_N_DAYS:n and friends; the current token is the name. */
static int parse_n_days(sb_parser *p, sb_rel_kind rel, sb_soql_lit *lit)
{
    char name[32];
    sb_soql_token_text(&p->lx, &p->cur, name, sizeof name);
    if (sb_parse_advance(p) != 0)
        return -1;
    if (p->cur.kind != SB_TOK_COLON)
        return sb_parse_unexpected(p);
    if (sb_parse_advance(p) != 0)
        return -1;
    long n = sb_parse_small_integer(p, &p->cur, SB_SOQL_MAX_N_DAYS);
    if (n < 0)
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "%s needs a whole number of days from 0 to %d, e.g. %s:7", name,
                                SB_SOQL_MAX_N_DAYS, name);
    lit->kind = SB_LIT_RELDATE;
    lit->rel = rel;
    lit->n = n;
    return sb_parse_advance(p);
}

static int parse_named_value(sb_parser *p, sb_soql_lit *lit)
{
    static const struct {
        const char *name;
        sb_rel_kind rel;
        bool takes_n;
    } dates[] = {{"TODAY", SB_REL_TODAY, false},
                 {"YESTERDAY", SB_REL_YESTERDAY, false},
                 {"TOMORROW", SB_REL_TOMORROW, false},
                 {"LAST_N_DAYS", SB_REL_LAST_N_DAYS, true},
                 {"NEXT_N_DAYS", SB_REL_NEXT_N_DAYS, true},
                 {"N_DAYS_AGO", SB_REL_N_DAYS_AGO, true}};
    if (sb_parse_at(p, "NULL")) {
        lit->kind = SB_LIT_NULL;
        return sb_parse_advance(p);
    }
    if (sb_parse_at(p, "TRUE") || sb_parse_at(p, "FALSE")) {
        lit->kind = SB_LIT_BOOL;
        lit->b = sb_parse_at(p, "TRUE");
        return sb_parse_advance(p);
    }
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        if (!sb_parse_at(p, dates[i].name))
            continue;
        if (dates[i].takes_n)
            return parse_n_days(p, dates[i].rel, lit);
        lit->kind = SB_LIT_RELDATE;
        lit->rel = dates[i].rel;
        return sb_parse_advance(p);
    }
    const char *s = p->lx.src + p->cur.pos;
    if (p->cur.dots == 0 && p->cur.len > 5 &&
        (strncasecmp(s, "LAST_", 5) == 0 || strncasecmp(s, "NEXT_", 5) == 0 ||
         strncasecmp(s, "THIS_", 5) == 0)) {
        char text[128];
        sb_soql_token_text(&p->lx, &p->cur, text, sizeof text);
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "date literal '%s' is not supported by the sandbox (supported: "
                                "TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n, "
                                "N_DAYS_AGO:n)",
                                text);
    }
    return sb_parse_unexpected(p);
}

/* Salesforce caps each string of a WHERE clause at 4,000 characters (its
 * SOQL limits); counted in characters, not bytes. */
static int check_string_length(sb_parser *p, const char *s)
{
    size_t chars = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        chars += (*u & 0xC0) != 0x80;
    if (chars <= SB_SOQL_MAX_STRING)
        return 0;
    return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                            "string literal of %zu characters: strings in a WHERE clause can't "
                            "exceed %d characters",
                            chars, SB_SOQL_MAX_STRING);
}

/* A literal on the right of a comparison or in an IN list. */
static int parse_value(sb_parser *p, sb_soql_lit *lit)
{
    switch (p->cur.kind) {
    case SB_TOK_STRING:
        lit->kind = SB_LIT_STRING;
        lit->str = sb_soql_decode_string(&p->q->arena, p->lx.src + p->cur.pos, p->cur.len, false);
        if (lit->str == NULL)
            return sb_parse_too_large(p);
        if (check_string_length(p, lit->str) != 0)
            return -1;
        return sb_parse_advance(p);
    case SB_TOK_INTEGER:
    case SB_TOK_DECIMAL:
        return parse_number(p, lit);
    case SB_TOK_DATE:
    case SB_TOK_DATETIME:
        lit->kind = p->cur.kind == SB_TOK_DATE ? SB_LIT_DATE : SB_LIT_DATETIME;
        lit->ms = p->cur.ms;
        return sb_parse_advance(p);
    case SB_TOK_COLON:
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "Bind variables only allowed in Apex code");
    case SB_TOK_IDENT:
        return parse_named_value(p, lit);
    default:
        return sb_parse_unexpected(p);
    }
}

static int expect_rparen(sb_parser *p)
{
    if (p->cur.kind == SB_TOK_RPAREN)
        return sb_parse_advance(p);
    if (p->cur.kind == SB_TOK_END)
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "expecting a right parentheses, found end of query");
    char text[256];
    sb_soql_token_text(&p->lx, &p->cur, text, sizeof text);
    return sb_soql_error_at(&p->lx, p->cur.pos, p->err, "expecting a right parentheses, found '%s'",
                            text);
}

static int parse_in_list(sb_parser *p, sb_soql_node *n)
{
    if (p->cur.kind != SB_TOK_LPAREN)
        return sb_parse_unexpected(p);
    if (sb_parse_advance(p) != 0)
        return -1;
    if (sb_parse_at(p, "SELECT"))
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "semi-join subqueries are not supported by the sandbox");
    size_t cap = 0;
    for (;;) {
        if (n->nvals == SB_SOQL_MAX_IN_VALUES)
            return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                    "too many values in IN list (more than %d)",
                                    SB_SOQL_MAX_IN_VALUES);
        sb_soql_lit *vals =
            sb_arena_grow(&p->q->arena, n->vals, &cap, n->nvals + 1, sizeof *n->vals);
        if (vals == NULL)
            return sb_parse_too_large(p);
        n->vals = vals;
        if (parse_value(p, &n->vals[n->nvals++]) != 0)
            return -1;
        if (p->cur.kind != SB_TOK_COMMA)
            return expect_rparen(p);
        if (sb_parse_advance(p) != 0)
            return -1;
    }
}

static const char *const op_names[] = {
    "=", "!=", "<", "<=", ">", ">=", "LIKE", "IN", "NOT IN", "INCLUDES", "EXCLUDES"};

static int parse_operator_value(sb_parser *p, sb_soql_node *n)
{
    n->op = p->cur.op;
    if (sb_parse_advance(p) != 0)
        return -1;
    size_t at = p->cur.pos;
    n->vals = alloc(p, sizeof *n->vals);
    if (n->vals == NULL)
        return sb_parse_too_large(p);
    n->nvals = 1;
    if (parse_value(p, n->vals) != 0)
        return -1;
    if (n->vals->kind == SB_LIT_NULL && n->op != SB_OP_EQ && n->op != SB_OP_NE)
        return sb_soql_error_at(&p->lx, at, p->err,
                                "NULL can only be compared with = or !=, not with %s",
                                op_names[n->op]);
    return 0;
}

static int parse_like(sb_parser *p, sb_soql_node *n)
{
    n->op = SB_OP_LIKE;
    if (sb_parse_advance(p) != 0)
        return -1;
    if (p->cur.kind == SB_TOK_END)
        return sb_parse_unexpected(p);
    if (p->cur.kind != SB_TOK_STRING)
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "LIKE needs a quoted string pattern, such as 'Acme%%'");
    const char *plain =
        sb_soql_decode_string(&p->q->arena, p->lx.src + p->cur.pos, p->cur.len, false);
    n->pattern = sb_soql_decode_string(&p->q->arena, p->lx.src + p->cur.pos, p->cur.len, true);
    if (plain == NULL || n->pattern == NULL)
        return sb_parse_too_large(p);
    if (check_string_length(p, plain) != 0)
        return -1;
    return sb_parse_advance(p);
}

static int parse_comparison(sb_parser *p, sb_soql_node *n)
{
    n->kind = SB_NODE_CMP;
    n->pos = p->cur.pos;
    if (sb_parse_field(p, &n->field) != 0)
        return -1;
    if (p->cur.kind == SB_TOK_OP)
        return parse_operator_value(p, n);
    if (sb_parse_at(p, "LIKE"))
        return parse_like(p, n);
    if (sb_parse_at(p, "INCLUDES") || sb_parse_at(p, "EXCLUDES")) {
        n->op = sb_parse_at(p, "INCLUDES") ? SB_OP_INCLUDES : SB_OP_EXCLUDES;
        if (sb_parse_advance(p) != 0)
            return -1;
        return parse_in_list(p, n);
    }
    n->op = SB_OP_IN;
    if (sb_parse_at(p, "NOT")) {
        n->op = SB_OP_NOT_IN;
        if (sb_parse_advance(p) != 0)
            return -1;
    }
    if (!sb_parse_at(p, "IN"))
        return sb_parse_unexpected(p);
    if (sb_parse_advance(p) != 0)
        return -1;
    return parse_in_list(p, n);
}

static int parse_cond(sb_parser *p, int depth, sb_soql_node **out);

static int parse_unary(sb_parser *p, int depth, sb_soql_node **out)
{
    if (depth >= SB_SOQL_MAX_DEPTH)
        return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                "conditions are nested too deeply (more than %d levels)",
                                SB_SOQL_MAX_DEPTH);
    if (p->cur.kind == SB_TOK_LPAREN) {
        if (sb_parse_advance(p) != 0 || parse_cond(p, depth + 1, out) != 0)
            return -1;
        return expect_rparen(p);
    }
    sb_soql_node *n = alloc(p, sizeof *n);
    if (n == NULL)
        return sb_parse_too_large(p);
    *out = n;
    if (!sb_parse_at(p, "NOT"))
        return parse_comparison(p, n);
    n->kind = SB_NODE_NOT;
    n->kids = alloc(p, sizeof(sb_soql_node *));
    if (n->kids == NULL)
        return sb_parse_too_large(p);
    n->nkids = 1;
    if (sb_parse_advance(p) != 0)
        return -1;
    return parse_unary(p, depth + 1, &n->kids[0]);
}

static int push_kid(sb_parser *p, sb_soql_node *n, size_t *cap, sb_soql_node *kid)
{
    sb_soql_node **kids =
        sb_arena_grow(&p->q->arena, n->kids, cap, n->nkids + 1, sizeof(sb_soql_node *));
    if (kids == NULL)
        return sb_parse_too_large(p);
    n->kids = kids;
    n->kids[n->nkids++] = kid;
    return 0;
}

static int parse_cond(sb_parser *p, int depth, sb_soql_node **out)
{
    sb_soql_node *first = NULL;
    if (parse_unary(p, depth, &first) != 0)
        return -1;
    if (!sb_parse_at(p, "AND") && !sb_parse_at(p, "OR")) {
        *out = first;
        return 0;
    }
    sb_soql_node *n = alloc(p, sizeof *n);
    if (n == NULL)
        return sb_parse_too_large(p);
    bool is_and = sb_parse_at(p, "AND");
    n->kind = is_and ? SB_NODE_AND : SB_NODE_OR;
    size_t cap = 0;
    if (push_kid(p, n, &cap, first) != 0)
        return -1;
    while (sb_parse_at(p, "AND") || sb_parse_at(p, "OR")) {
        if (sb_parse_at(p, "AND") != is_and) {
            char text[8];
            sb_soql_token_text(&p->lx, &p->cur, text, sizeof text);
            return sb_soql_error_at(&p->lx, p->cur.pos, p->err,
                                    "unexpected token: '%s' (SOQL needs parentheses to mix AND "
                                    "and OR)",
                                    text);
        }
        sb_soql_node *kid = NULL;
        if (sb_parse_advance(p) != 0 || parse_unary(p, depth, &kid) != 0 ||
            push_kid(p, n, &cap, kid) != 0)
            return -1;
    }
    *out = n;
    return 0;
}

int sb_parse_where(sb_parser *p, sb_soql_node **out)
{
    return parse_cond(p, 0, out);
}
