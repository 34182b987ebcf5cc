/* Evaluation of a parsed SOQL query against stored records: the WHERE clause
 * (sb_soql_matches), LIKE matching, and the ORDER BY comparison
 * (sb_soql_compare). Records are read through the caller's resolver, so this
 * file knows nothing of storage.
 *
 * Comparisons are typed by the literal, as Salesforce types them by the
 * field:
 * - a date/datetime literal or a date literal such as TODAY reads the value as
 *   an ISO-8601 date or datetime and compares instants. Every such literal is
 *   a range [lo, hi): a datetime is one millisecond, a date its whole UTC day,
 *   LAST_N_DAYS:n the days from n days ago to the end of today. "= range" means
 *   inside it, "< range" before it, "> range" after it, so
 *   "CreatedDate = TODAY" holds for any instant of today;
 * - a number literal reads the value as a number (JSON number or numeric
 *   string); a boolean literal as a boolean (JSON or "true"/"false");
 * - a string literal compares the value's text ASCII case-insensitively.
 * A null or missing value is equal only to NULL: "!= 'x'" holds for it and
 * every other operator fails. A value that cannot be read as the literal's
 * type (a string where a date is expected, say) fails every operator,
 * including != and NOT IN; NOT (...) still negates the result.
 * INCLUDES and EXCLUDES read a multi-select picklist's value as the values
 * it joins with ';': INCLUDES ('a;b', 'c') holds when the field has both a
 * and b, or c; EXCLUDES is its negation, and holds for a null field. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "sandbox/sf_ids.h"
#include "sandbox/soql_int.h"

typedef enum outcome { OUT_OK, OUT_NULL, OUT_BAD } outcome;

static int sign_of(double d)
{
    return d < 0 ? -1 : d > 0;
}

static int fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* ASCII case-insensitive byte order (strcasecmp without locale). */
static int ci_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && fold(*x) == fold(*y)) {
        x++;
        y++;
    }
    return sign_of((double)(fold(*x) - fold(*y)));
}

/* Bytes of the UTF-8 character at s (1 for a stray byte), never past a NUL. */
static size_t char_len(const char *s)
{
    size_t n = 1;
    while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

bool sb_soql_like(const char *pattern, const char *s)
{
    const char *p = pattern;
    const char *star_p = NULL, *star_s = NULL;
    while (*s) {
        if (*p == '%') {
            star_p = ++p;
            star_s = s;
            continue;
        }
        if (*p == '_') {
            p++;
            s += char_len(s);
            continue;
        }
        const char *lit = (*p == '\\' && p[1] != '\0') ? p + 1 : p;
        if (*lit != '\0' && fold((unsigned char)*lit) == fold((unsigned char)*s)) {
            p = lit + 1;
            s++;
            continue;
        }
        if (star_p == NULL)
            return false;
        /* Let the last '%' swallow one more character and retry. */
        star_s += char_len(star_s);
        s = star_s;
        p = star_p;
    }
    while (*p == '%')
        p++;
    return *p == '\0';
}

static bool is_null(const json_t *v)
{
    return v == NULL || json_is_null(v);
}

/* An ISO-8601 date or datetime string, as epoch milliseconds. Strings of bare
 * digits (which cs_time_parse takes as epoch milliseconds) are not dates. */
static bool value_instant(const json_t *v, int64_t *ms)
{
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    if (json_string_length(v) < 10 || !isdigit((unsigned char)s[0]) || s[4] != '-')
        return false;
    return cs_time_parse(s, ms, NULL) == 0;
}

static bool value_number(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n > 64 || strspn(s, "+-0123456789.eE") != n)
        return false;
    char *end;
    double d = strtod(s, &end);
    if (end != s + n || !isfinite(d))
        return false;
    *out = d;
    return true;
}

static bool value_bool(const json_t *v, bool *out)
{
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (!json_is_string(v))
        return false;
    if (ci_cmp(json_string_value(v), "true") == 0 || ci_cmp(json_string_value(v), "false") == 0) {
        *out = ci_cmp(json_string_value(v), "true") == 0;
        return true;
    }
    return false;
}

/* The value as text (numbers and booleans spelled out); NULL for objects. */
static const char *value_text(const json_t *v, char *buf, size_t cap)
{
    if (json_is_string(v))
        return json_string_value(v);
    int n;
    if (json_is_integer(v))
        n = snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        n = snprintf(buf, cap, "%.15g", json_real_value(v));
    else if (json_is_boolean(v))
        n = snprintf(buf, cap, "%s", json_is_true(v) ? "true" : "false");
    else
        return NULL;
    return n < 0 || (size_t)n >= cap ? NULL : buf;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

void sb_soql_lit_range(const sb_soql_lit *lit, int64_t now_ms, int64_t *lo, int64_t *hi)
{
    const int64_t day = SB_SOQL_DAY_MS;
    if (lit->kind == SB_LIT_DATETIME) {
        *lo = lit->ms;
        *hi = sat_add(lit->ms, 1);
        return;
    }
    if (lit->kind == SB_LIT_DATE) {
        *lo = lit->ms;
        *hi = sat_add(lit->ms, day);
        return;
    }
    /* Clamp the clock to +-300,000 years so the day arithmetic cannot overflow. */
    const int64_t bound = INT64_C(10000000000000000);
    int64_t now = now_ms > bound ? bound : now_ms < -bound ? -bound : now_ms;
    int64_t today = now / day - (now % day < 0 ? 1 : 0);
    int64_t from = 0, days = 1; /* in days relative to today */
    switch (lit->rel) {
    case SB_REL_TODAY:
        break;
    case SB_REL_YESTERDAY:
        from = -1;
        break;
    case SB_REL_TOMORROW:
        from = 1;
        break;
    case SB_REL_LAST_N_DAYS:
        from = -lit->n;
        days = lit->n + 1;
        break;
    case SB_REL_NEXT_N_DAYS:
        from = 1;
        days = lit->n;
        break;
    case SB_REL_N_DAYS_AGO:
        from = -lit->n;
        break;
    }
    *lo = (today + from) * day;
    *hi = (today + from + days) * day;
}

/* Applies op to a range: = inside, != outside, < before, > after. */
static bool range_op(sb_soql_op op, int64_t v, int64_t lo, int64_t hi)
{
    switch (op) {
    case SB_OP_EQ:
        return v >= lo && v < hi;
    case SB_OP_NE:
        return v < lo || v >= hi;
    case SB_OP_LT:
        return v < lo;
    case SB_OP_LE:
        return v < hi;
    case SB_OP_GT:
        return v >= hi;
    case SB_OP_GE:
        return v >= lo;
    default:
        return false;
    }
}

static bool order_op(sb_soql_op op, int c)
{
    switch (op) {
    case SB_OP_EQ:
        return c == 0;
    case SB_OP_NE:
        return c != 0;
    case SB_OP_LT:
        return c < 0;
    case SB_OP_LE:
        return c <= 0;
    case SB_OP_GT:
        return c > 0;
    case SB_OP_GE:
        return c >= 0;
    default:
        return false;
    }
}

/* One comparison "value op lit" for the plain operators. */
static bool compare_one(sb_soql_op op, const json_t *v, const sb_soql_lit *lit, int64_t now_ms)
{
    if (lit->kind == SB_LIT_NULL)
        return op == SB_OP_EQ ? is_null(v) : !is_null(v);
    if (is_null(v))
        return op == SB_OP_NE;
    switch (lit->kind) {
    case SB_LIT_DATE:
    case SB_LIT_DATETIME:
    case SB_LIT_RELDATE: {
        int64_t ms, lo, hi;
        if (!value_instant(v, &ms))
            return false;
        sb_soql_lit_range(lit, now_ms, &lo, &hi);
        return range_op(op, ms, lo, hi);
    }
    case SB_LIT_NUMBER: {
        double d;
        return value_number(v, &d) && order_op(op, sign_of(d - lit->num));
    }
    case SB_LIT_BOOL: {
        bool b;
        return value_bool(v, &b) && order_op(op, (int)b - (int)lit->b);
    }
    case SB_LIT_STRING: {
        char buf[64];
        const char *text = value_text(v, buf, sizeof buf);
        return text != NULL && order_op(op, ci_cmp(text, lit->str));
    }
    case SB_LIT_NULL:
        break;
    }
    return false;
}

/* "value op lit" on an id field (sb_soql_mark_id): bytes, not text. */
static bool compare_id(sb_soql_op op, const json_t *v, const sb_soql_lit *lit)
{
    const char *text = json_string_value(v);
    if (text == NULL)
        return false;
    int c = strcmp(text, lit->str);
    if (lit->bad_id && (op == SB_OP_EQ || op == SB_OP_NE))
        return op == SB_OP_NE;
    return order_op(op, c < 0 ? -1 : c > 0);
}

static bool compare_lit(const sb_soql_node *n, sb_soql_op op, const json_t *v,
                        const sb_soql_lit *lit, int64_t now_ms)
{
    if (n->id_field && lit->kind == SB_LIT_STRING && !is_null(v))
        return compare_id(op, v, lit);
    return compare_one(op, v, lit, now_ms);
}

/* Bounds of the next ';'-separated value at *s, blanks trimmed; advances *s
 * past it. False at the end of the text. */
static bool next_value(const char **s, const char **from, size_t *len)
{
    const char *p = *s;
    if (*p == '\0')
        return false;
    const char *end = strchr(p, ';');
    if (end == NULL)
        end = p + strlen(p);
    *s = *end ? end + 1 : end;
    while (p < end && *p == ' ')
        p++;
    const char *e = end;
    while (e > p && e[-1] == ' ')
        e--;
    *from = p;
    *len = (size_t)(e - p);
    return true;
}

static bool has_value(const char *values, const char *want, size_t len)
{
    const char *from;
    size_t n;
    while (next_value(&values, &from, &n))
        if (n == len && strncasecmp(from, want, len) == 0)
            return true;
    return false;
}

/* INCLUDES: the stored multi-select value (values joined by ';') holds
 * every value of one of the literals ('a;b' asks for both a and b). */
static bool includes(const sb_soql_node *n, const json_t *v)
{
    const char *have = json_string_value(v);
    if (have == NULL)
        return false;
    for (size_t i = 0; i < n->nvals; i++) {
        if (n->vals[i].kind != SB_LIT_STRING)
            continue;
        const char *want = n->vals[i].str, *from;
        size_t len;
        bool all = true, any = false;
        while (all && next_value(&want, &from, &len)) {
            any = true;
            all = has_value(have, from, len);
        }
        if (any && all)
            return true;
    }
    return false;
}

static bool eval_cmp(const sb_soql_node *n, const json_t *v, int64_t now_ms)
{
    switch (n->op) {
    case SB_OP_INCLUDES:
        return !is_null(v) && includes(n, v);
    case SB_OP_EXCLUDES:
        return is_null(v) || !includes(n, v);
    case SB_OP_LIKE: {
        char buf[64];
        const char *text = is_null(v) ? NULL : value_text(v, buf, sizeof buf);
        return text != NULL && sb_soql_like(n->pattern, text);
    }
    case SB_OP_IN:
        for (size_t i = 0; i < n->nvals; i++)
            if (compare_lit(n, SB_OP_EQ, v, &n->vals[i], now_ms))
                return true;
        return false;
    case SB_OP_NOT_IN:
        for (size_t i = 0; i < n->nvals; i++)
            if (!compare_lit(n, SB_OP_NE, v, &n->vals[i], now_ms))
                return false;
        return true;
    default:
        return compare_lit(n, n->op, v, &n->vals[0], now_ms);
    }
}

/* Recursion depth is bounded by the parser (SB_SOQL_MAX_DEPTH). */
static bool eval(const sb_soql_node *n, json_t *record, sb_soql_resolver resolve, void *user,
                 int64_t now_ms)
{
    switch (n->kind) {
    case SB_NODE_AND:
        for (size_t i = 0; i < n->nkids; i++)
            if (!eval(n->kids[i], record, resolve, user, now_ms))
                return false;
        return true;
    case SB_NODE_OR:
        for (size_t i = 0; i < n->nkids; i++)
            if (eval(n->kids[i], record, resolve, user, now_ms))
                return true;
        return false;
    case SB_NODE_NOT:
        return !eval(n->kids[0], record, resolve, user, now_ms);
    case SB_NODE_CMP:
        return eval_cmp(n, resolve(user, record, n->field), now_ms);
    }
    return false;
}

bool sb_soql_matches(const sb_soql_query *q, json_t *record, sb_soql_resolver resolve, void *user,
                     int64_t now_ms)
{
    if (q->where == NULL)
        return true;
    return eval(q->where, record, resolve, user, now_ms);
}

/* Rank of a JSON type when two values of different types are ordered. */
static int type_rank(const json_t *v)
{
    if (json_is_boolean(v))
        return 0;
    if (json_is_number(v))
        return 1;
    if (json_is_string(v))
        return 2;
    return 3;
}

/* Orders two non-null values: numbers numerically, booleans false first,
 * strings as instants when both are ISO dates/datetimes and otherwise
 * case-insensitively; values of different types by type. */
static int order_values(const json_t *a, const json_t *b, bool id_field)
{
    int ra = type_rank(a), rb = type_rank(b);
    if (id_field && ra == 2 && rb == 2) {
        int c = strcmp(json_string_value(a), json_string_value(b));
        return c < 0 ? -1 : c > 0;
    }
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (json_is_integer(a) && json_is_integer(b)) {
        json_int_t x = json_integer_value(a), y = json_integer_value(b);
        return x < y ? -1 : x > y;
    }
    if (ra == 1)
        return sign_of(json_number_value(a) - json_number_value(b));
    if (ra == 0)
        return (int)json_is_true(a) - (int)json_is_true(b);
    if (ra == 2) {
        int64_t x, y;
        if (value_instant(a, &x) && value_instant(b, &y))
            return x < y ? -1 : x > y;
        return ci_cmp(json_string_value(a), json_string_value(b));
    }
    return 0;
}

int sb_soql_compare(const sb_soql_query *q, json_t *a, json_t *b, sb_soql_resolver resolve,
                    void *user)
{
    for (size_t i = 0; i < q->norder; i++) {
        const sb_soql_order_key *k = &q->order[i];
        json_t *va = resolve(user, a, k->field);
        json_t *vb = resolve(user, b, k->field);
        bool na = is_null(va), nb = is_null(vb);
        int c;
        if (na || nb)
            c = na == nb ? 0 : (na == k->nulls_first ? -1 : 1);
        else
            c = k->desc ? -order_values(va, vb, k->id_field) : order_values(va, vb, k->id_field);
        if (c != 0)
            return c;
    }
    return 0;
}

/* Marks the comparisons on path below n as id comparisons and rewrites their
 * string literals to the 18-character form. Depth is bounded by the parser. */
static int mark_node(sb_arena *a, sb_soql_node *n, const char *path)
{
    if (n->kind != SB_NODE_CMP) {
        for (size_t i = 0; i < n->nkids; i++)
            if (mark_node(a, n->kids[i], path) != 0)
                return -1;
        return 0;
    }
    if (strcasecmp(n->field, path) != 0 || n->op == SB_OP_LIKE)
        return 0;
    n->id_field = true;
    for (size_t i = 0; i < n->nvals; i++) {
        sb_soql_lit *lit = &n->vals[i];
        char id[SF_ID_LEN + 1];
        if (lit->kind != SB_LIT_STRING)
            continue;
        if (sf_id_normalize(lit->str, id) != 0) {
            lit->bad_id = true;
            continue;
        }
        lit->str = sb_arena_strndup(a, id, SF_ID_LEN);
        if (lit->str == NULL)
            return -1;
        if (n->strs)
            n->strs[i] = lit->str;
    }
    return 0;
}

int sb_soql_mark_id(sb_soql_query *q, size_t i)
{
    if (i >= q->nrefs)
        return -1;
    return sb_soql_mark_path(q, q->refs[i]);
}

int sb_soql_mark_path(sb_soql_query *q, const char *path)
{
    for (size_t k = 0; k < q->norder; k++)
        if (strcasecmp(q->order[k].field, path) == 0)
            q->order[k].id_field = true;
    return q->where ? mark_node(&q->arena, q->where, path) : 0;
}
