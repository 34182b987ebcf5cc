/* Salesforce's compile-time checks of a parsed SOQL query (sb_soql_check in
 * soql.h): every referenced field exists, WHERE fields are filterable and
 * ORDER BY fields sortable, each comparison's operator suits its field's
 * type, each literal (every element of an IN list) has the field's type,
 * string literals compared with ids are ids, and OFFSET is within 2,000.
 *
 * The rules follow the SOQL reference ("fieldExpression Syntax", "Comparison
 * Operators", "Date Formats and Date Literals", "OFFSET") and the errors
 * Salesforce answers for them: the type name in "must be of type T" is the
 * SOAP type's (string, id, boolean, integer, double, date, dateTime, time),
 * the one in "invalid operator on T field" describe's (id for references
 * too, as Salesforce reports them). Errors point at the field of the
 * offending comparison, as Salesforce's do. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_ids.h"
#include "sandbox/soql_int.h"

#define SHOWN_VALUE 100 /* bytes of a literal quoted in a message */

typedef enum fclass {
    C_TEXT,  /* string, textarea, email, phone, url, picklist */
    C_MULTI, /* multi-select picklist */
    C_ID,    /* id, reference */
    C_BOOL,
    C_INT,
    C_DOUBLE, /* double, currency, percent */
    C_DATE,
    C_DATETIME,
    C_TIME,
    C_ADDRESS
} fclass;

typedef struct checker {
    sb_soql_query *q;
    sb_soql_finfo *info; /* per referenced field */
    size_t *by_name;     /* ref indices sorted by name, case-insensitively */
    const char **code;
    cs_err *err;
} checker;

static fclass class_of(sb_soql_ftype t)
{
    switch (t) {
    case SB_SOQL_F_MULTIPICKLIST:
        return C_MULTI;
    case SB_SOQL_F_ID:
    case SB_SOQL_F_REFERENCE:
        return C_ID;
    case SB_SOQL_F_BOOLEAN:
        return C_BOOL;
    case SB_SOQL_F_INT:
        return C_INT;
    case SB_SOQL_F_DOUBLE:
    case SB_SOQL_F_CURRENCY:
    case SB_SOQL_F_PERCENT:
        return C_DOUBLE;
    case SB_SOQL_F_DATE:
        return C_DATE;
    case SB_SOQL_F_DATETIME:
        return C_DATETIME;
    case SB_SOQL_F_TIME:
        return C_TIME;
    case SB_SOQL_F_ADDRESS:
        return C_ADDRESS;
    default:
        return C_TEXT;
    }
}

/* Describe's type name, as "invalid operator on T field" spells it. */
static const char *describe_name(sb_soql_ftype t)
{
    static const char *const names[] = {[SB_SOQL_F_ID] = "id",
                                        [SB_SOQL_F_REFERENCE] = "id",
                                        [SB_SOQL_F_STRING] = "string",
                                        [SB_SOQL_F_TEXTAREA] = "textarea",
                                        [SB_SOQL_F_EMAIL] = "email",
                                        [SB_SOQL_F_PHONE] = "phone",
                                        [SB_SOQL_F_URL] = "url",
                                        [SB_SOQL_F_PICKLIST] = "picklist",
                                        [SB_SOQL_F_MULTIPICKLIST] = "multipicklist",
                                        [SB_SOQL_F_BOOLEAN] = "boolean",
                                        [SB_SOQL_F_INT] = "int",
                                        [SB_SOQL_F_DOUBLE] = "double",
                                        [SB_SOQL_F_CURRENCY] = "currency",
                                        [SB_SOQL_F_PERCENT] = "percent",
                                        [SB_SOQL_F_DATE] = "date",
                                        [SB_SOQL_F_DATETIME] = "datetime",
                                        [SB_SOQL_F_TIME] = "time",
                                        [SB_SOQL_F_ADDRESS] = "address"};
    return (size_t)t < sizeof names / sizeof names[0] && names[t] ? names[t] : "string";
}

/* The SOAP type name of "must be of type T", and whether its literals are
 * quoted. */
static const char *value_type(fclass c, bool *quoted)
{
    static const char *const names[] = {
        [C_TEXT] = "string", [C_MULTI] = "string",   [C_ID] = "id",     [C_BOOL] = "boolean",
        [C_INT] = "integer", [C_DOUBLE] = "double",  [C_DATE] = "date", [C_DATETIME] = "dateTime",
        [C_TIME] = "time",   [C_ADDRESS] = "address"};
    *quoted = c == C_TEXT || c == C_MULTI || c == C_ID;
    return names[c];
}

static int fail_at(checker *k, size_t pos, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(checker *k, size_t pos, const char *code, const char *fmt, ...)
{
    *k->code = code;
    sb_lexer lx = {.src = k->q->text, .len = k->q->text_len};
    va_list ap;
    va_start(ap, fmt);
    int rc = sb_soql_verror_at(&lx, pos, k->err, fmt, ap);
    va_end(ap);
    return rc;
}

static int out_of_memory(checker *k)
{
    *k->code = "UNKNOWN_EXCEPTION";
    return cs_err_set(k->err, CS_ERR_INTERNAL, "out of memory");
}

static int name_cmp(const void *a, const void *b, void *user)
{
    const char *const *refs = user;
    return strcasecmp(refs[*(const size_t *)a], refs[*(const size_t *)b]);
}

/* The index of path among the referenced fields (it is always there: the
 * parser recorded every field it read). */
static size_t ref_index(const checker *k, const char *path)
{
    size_t lo = 0, hi = k->q->nrefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcasecmp(k->q->refs[k->by_name[mid]], path);
        if (c == 0)
            return k->by_name[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static bool op_allowed(fclass c, sb_soql_op op)
{
    switch (op) {
    case SB_OP_INCLUDES:
    case SB_OP_EXCLUDES:
        return c == C_MULTI;
    case SB_OP_LIKE:
        return c == C_TEXT;
    case SB_OP_LT:
    case SB_OP_LE:
    case SB_OP_GT:
    case SB_OP_GE:
        return c != C_BOOL && c != C_MULTI;
    default:
        return true;
    }
}

static bool literal_fits(fclass c, const sb_soql_lit *lit)
{
    switch (lit->kind) {
    case SB_LIT_NULL:
        return true;
    case SB_LIT_STRING:
        return c == C_TEXT || c == C_MULTI || c == C_ID;
    case SB_LIT_BOOL:
        return c == C_BOOL;
    case SB_LIT_NUMBER:
        return c == C_DOUBLE || (c == C_INT && lit->integer);
    case SB_LIT_DATE:
        return c == C_DATE;
    case SB_LIT_DATETIME:
        return c == C_DATETIME;
    case SB_LIT_RELDATE:
        return c == C_DATE || c == C_DATETIME;
    }
    return false;
}

/* A string compared with an id field: an id of 15 or 18 characters, or the
 * empty string, which Salesforce reads as NULL where NULL is allowed. */
static int check_id_literal(checker *k, const sb_soql_node *n, sb_soql_lit *lit)
{
    char id[SF_ID_LEN + 1];
    if (lit->kind != SB_LIT_STRING || sf_id_normalize(lit->str, id) == 0)
        return 0;
    if (lit->str[0] == '\0' && n->op != SB_OP_LT && n->op != SB_OP_LE && n->op != SB_OP_GT &&
        n->op != SB_OP_GE) {
        lit->kind = SB_LIT_NULL;
        return 0;
    }
    /* A long value is cut at a character boundary. */
    size_t full = strlen(lit->str), len = full;
    if (len > SHOWN_VALUE) {
        len = SHOWN_VALUE;
        while (len > 0 && ((unsigned char)lit->str[len] & 0xC0) == 0x80)
            len--;
    }
    return fail_at(k, n->pos, "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: %.*s%s", (int)len,
                   lit->str, len < full ? "..." : "");
}

static int check_cmp(checker *k, sb_soql_node *n)
{
    const sb_soql_finfo *fi = &k->info[ref_index(k, n->field)];
    fclass c = class_of(fi->type);
    if (!fi->filterable || c == C_ADDRESS)
        return fail_at(k, n->pos, "INVALID_FIELD", "field '%s' can not be filtered in a query call",
                       fi->name);
    if ((n->op == SB_OP_INCLUDES || n->op == SB_OP_EXCLUDES) && c != C_MULTI)
        return fail_at(k, n->pos, "INVALID_QUERY_FILTER_OPERATOR",
                       "includes or excludes operator only valid on multipicklist field");
    if (!op_allowed(c, n->op))
        return fail_at(k, n->pos, "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on %s field",
                       describe_name(fi->type));
    if (n->op == SB_OP_LIKE)
        return 0;
    for (size_t i = 0; i < n->nvals; i++) {
        sb_soql_lit *lit = &n->vals[i];
        if (!literal_fits(c, lit)) {
            bool quoted;
            const char *type = value_type(c, &quoted);
            return fail_at(k, n->pos, "INVALID_QUERY_FILTER_OPERATOR",
                           "value of filter criterion for field '%s' must be of type %s and "
                           "should %sbe enclosed in quotes",
                           fi->name, type, quoted ? "" : "not ");
        }
        if (c == C_ID && check_id_literal(k, n, lit) != 0)
            return -1;
    }
    return 0;
}

/* Depth is bounded by the parser (SB_SOQL_MAX_DEPTH); children are visited in
 * the order they were written, so the first failure in the text is reported. */
static int check_node(checker *k, sb_soql_node *n)
{
    if (n->kind == SB_NODE_CMP)
        return check_cmp(k, n);
    for (size_t i = 0; i < n->nkids; i++)
        if (check_node(k, n->kids[i]) != 0)
            return -1;
    return 0;
}

static int check_all(checker *k, sb_soql_type_resolver resolve, void *user)
{
    sb_soql_query *q = k->q;
    for (size_t i = 0; i < q->nrefs; i++) {
        k->info[i] = (sb_soql_finfo){.name = q->refs[i], .filterable = true, .sortable = true};
        if (!resolve(user, i, q->refs[i], &k->info[i]))
            return fail_at(k, q->ref_pos[i], "INVALID_FIELD",
                           "No such column '%s' on entity '%s'. If you are attempting to use a "
                           "custom field, be sure to append the '__c' after the custom field "
                           "name. Please reference your WSDL or the describe call for the "
                           "appropriate names.",
                           q->refs[i], q->from);
        if (k->info[i].name == NULL)
            k->info[i].name = q->refs[i];
        k->by_name[i] = i;
    }
    qsort_r(k->by_name, q->nrefs, sizeof *k->by_name, name_cmp, (void *)q->refs);
    if (q->where && check_node(k, q->where) != 0)
        return -1;
    for (size_t i = 0; i < q->norder; i++) {
        const sb_soql_finfo *fi = &k->info[ref_index(k, q->order[i].field)];
        if (!fi->sortable || fi->type == SB_SOQL_F_ADDRESS)
            return fail_at(k, q->order[i].pos, "INVALID_FIELD",
                           "field '%s' can not be sorted in a query call", fi->name);
    }
    if (q->offset > SB_SOQL_MAX_OFFSET) {
        *k->code = "NUMBER_OUTSIDE_VALID_RANGE";
        return cs_err_set(k->err, CS_ERR_INVALID_INPUT, "Maximum SOQL offset allowed is %d",
                          SB_SOQL_MAX_OFFSET);
    }
    for (size_t i = 0; i < q->nrefs; i++)
        if (class_of(k->info[i].type) == C_ID && sb_soql_mark_path(q, q->refs[i]) != 0)
            return out_of_memory(k);
    /* Empty id strings became NULL and ids were rewritten: hints follow. */
    if (sb_soql_collect_hints(q) != 0)
        return out_of_memory(k);
    return 0;
}

int sb_soql_check(sb_soql_query *q, sb_soql_type_resolver resolve, void *user, const char **code,
                  cs_err *err)
{
    const char *unused = NULL;
    checker k = {.q = q, .code = code ? code : &unused, .err = err};
    *k.code = NULL;
    size_t n = q->nrefs ? q->nrefs : 1;
    k.info = calloc(n, sizeof *k.info);
    k.by_name = calloc(n, sizeof *k.by_name);
    int rc;
    if (k.info == NULL || k.by_name == NULL) {
        rc = out_of_memory(&k);
    } else {
        rc = check_all(&k, resolve, user);
    }
    free(k.info);
    free(k.by_name);
    return rc;
}
