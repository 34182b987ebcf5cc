/* Index hints of a parsed SOQL query (soql.h): the comparisons among the
 * top-level AND conjuncts of WHERE that bound the records it can match
 * through one field, so that the Salesforce emulation can read candidates
 * through an index (Id IN (...), Email IN (...), SystemModstamp >= ...) rather
 * than scanning every record of the object, and evaluate the full WHERE on
 * the candidates only.
 *
 * A hint must never exclude a record that sb_soql_matches would accept, so
 * only comparisons whose truth implies the hint are taken (soql_eval.c):
 * - "= 'v'" and "IN ('v', ...)" with string literals only: a string
 *   comparison holds only for a value whose text equals a literal
 *   case-insensitively; a NULL or non-string literal in the list would also
 *   match other values, so such lists give no hint;
 * - = < <= > >= with a date-like literal: the comparison holds only for a
 *   value that reads as an instant, in the range the operator leaves of the
 *   literal's [lo, hi). != and NOT IN give no hint.
 * Comparisons under OR or NOT bound nothing on their own and are skipped. */
#include <stdint.h>

#include "sandbox/soql_int.h"

static bool hint_node(const sb_soql_node *n)
{
    if (n->kind != SB_NODE_CMP || n->nvals == 0)
        return false;
    switch (n->op) {
    case SB_OP_EQ:
    case SB_OP_IN:
        break;
    case SB_OP_LT:
    case SB_OP_LE:
    case SB_OP_GT:
    case SB_OP_GE:
        break;
    default:
        return false;
    }
    sb_lit_kind k = n->vals[0].kind;
    bool dated = k == SB_LIT_DATE || k == SB_LIT_DATETIME || k == SB_LIT_RELDATE;
    if (n->op == SB_OP_IN) {
        for (size_t i = 0; i < n->nvals; i++)
            if (n->vals[i].kind != SB_LIT_STRING)
                return false;
        return true;
    }
    if (n->op == SB_OP_EQ)
        return k == SB_LIT_STRING || dated;
    return dated;
}

static int push(sb_soql_query *q, size_t *cap, const sb_soql_node *n)
{
    const sb_soql_node **grown =
        sb_arena_grow(&q->arena, (void *)q->hints, cap, q->nhints + 1, sizeof *grown);
    if (grown == NULL)
        return -1;
    q->hints = grown;
    q->hints[q->nhints++] = n;
    return 0;
}

/* Nested ANDs ("(a AND b) AND c") are conjuncts too. Depth is bounded by the
 * parser (SB_SOQL_MAX_DEPTH). String hints get their values as a plain array
 * (n->strs) for sb_soql_hint_get. */
static int collect(sb_soql_query *q, size_t *cap, sb_soql_node *n)
{
    if (n->kind == SB_NODE_AND) {
        for (size_t i = 0; i < n->nkids; i++)
            if (collect(q, cap, n->kids[i]) != 0)
                return -1;
        return 0;
    }
    if (!hint_node(n))
        return 0;
    if (n->vals[0].kind == SB_LIT_STRING) {
        const char **strs = sb_arena_alloc(&q->arena, n->nvals * sizeof *strs);
        if (strs == NULL)
            return -1;
        for (size_t i = 0; i < n->nvals; i++)
            strs[i] = n->vals[i].str;
        n->strs = strs;
    }
    return push(q, cap, n);
}

int sb_soql_collect_hints(sb_soql_query *q)
{
    size_t cap = 0;
    q->hints = NULL;
    q->nhints = 0;
    return q->where ? collect(q, &cap, q->where) : 0;
}

size_t sb_soql_hint_count(const sb_soql_query *q)
{
    return q->nhints;
}

bool sb_soql_hint_get(const sb_soql_query *q, size_t i, int64_t now_ms, sb_soql_hint *out)
{
    if (i >= q->nhints)
        return false;
    const sb_soql_node *n = q->hints[i];
    *out = (sb_soql_hint){.field = n->field, .lo_ms = INT64_MIN, .hi_ms = INT64_MAX};
    if (n->vals[0].kind == SB_LIT_STRING) {
        out->kind = SB_SOQL_HINT_IN;
        out->vals = n->strs;
        out->nvals = n->nvals;
        return true;
    }
    int64_t lo, hi;
    sb_soql_lit_range(&n->vals[0], now_ms, &lo, &hi);
    out->kind = SB_SOQL_HINT_RANGE;
    switch (n->op) {
    case SB_OP_EQ:
        out->lo_ms = lo;
        out->hi_ms = hi;
        break;
    case SB_OP_LT:
        out->hi_ms = lo;
        break;
    case SB_OP_LE:
        out->hi_ms = hi;
        break;
    case SB_OP_GT:
        out->lo_ms = hi;
        break;
    default: /* SB_OP_GE */
        out->lo_ms = lo;
        break;
    }
    return true;
}
