/* HubSpot search requests: parsing with HubSpot's limits and evaluation of
 * filters against property values. Pure: no SQLite, no HTTP (see
 * hs_filter.h). Comparison rules follow HubSpot's search:
 *  - strings and enumerations compare case-insensitively;
 *  - numbers compare numerically, dates and datetimes as epoch milliseconds
 *    (values may be given as epoch milliseconds or ISO-8601 text);
 *  - an empty value is no value: HAS_PROPERTY fails, NEQ / NOT_IN /
 *    NOT_CONTAINS_TOKEN match;
 *  - a multi-value enumeration (";"-separated) equals a value when one of its
 *    parts does;
 *  - CONTAINS_TOKEN matches a whole word of the value, or a '*' wildcard
 *    pattern against the whole value. */
#include "sandbox/hs_filter.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"

static const char *const op_names[] = {
    [HS_OP_EQ] = "EQ",
    [HS_OP_NEQ] = "NEQ",
    [HS_OP_LT] = "LT",
    [HS_OP_LTE] = "LTE",
    [HS_OP_GT] = "GT",
    [HS_OP_GTE] = "GTE",
    [HS_OP_BETWEEN] = "BETWEEN",
    [HS_OP_IN] = "IN",
    [HS_OP_NOT_IN] = "NOT_IN",
    [HS_OP_HAS_PROPERTY] = "HAS_PROPERTY",
    [HS_OP_NOT_HAS_PROPERTY] = "NOT_HAS_PROPERTY",
    [HS_OP_CONTAINS_TOKEN] = "CONTAINS_TOKEN",
    [HS_OP_NOT_CONTAINS_TOKEN] = "NOT_CONTAINS_TOKEN",
};

#define OP_COUNT (sizeof op_names / sizeof op_names[0])

const char *hs_op_name(hs_op op)
{
    return (size_t)op < OP_COUNT ? op_names[op] : "?";
}

hs_ptype hs_ptype_from_name(const char *type)
{
    if (type == NULL)
        return HS_PT_STRING;
    if (strcmp(type, "number") == 0)
        return HS_PT_NUMBER;
    if (strcmp(type, "date") == 0)
        return HS_PT_DATE;
    if (strcmp(type, "datetime") == 0)
        return HS_PT_DATETIME;
    if (strcmp(type, "enumeration") == 0)
        return HS_PT_ENUM;
    if (strcmp(type, "bool") == 0)
        return HS_PT_BOOL;
    return HS_PT_STRING;
}

/* --- freeing ------------------------------------------------------------- */

static void filter_dispose(hs_filter *f)
{
    free(f->property);
    free(f->value);
    free(f->high);
    for (size_t i = 0; i < f->nvalues; i++)
        free(f->values[i]);
    free(f->values);
}

void hs_search_free(hs_search *s)
{
    if (s == NULL)
        return;
    for (size_t g = 0; g < s->ngroups; g++) {
        for (size_t i = 0; i < s->groups[g].nfilters; i++)
            filter_dispose(&s->groups[g].filters[i]);
        free(s->groups[g].filters);
    }
    free(s->groups);
    for (size_t i = 0; i < s->nsorts; i++)
        free(s->sorts[i].property);
    free(s->sorts);
    for (size_t i = 0; i < s->nproperties; i++)
        free(s->properties[i]);
    free(s->properties);
    free(s->query);
    free(s);
}

/* --- parsing ------------------------------------------------------------- */

/* A scalar JSON value as text, the way HubSpot accepts filter values: strings
 * as they are, numbers and booleans written out. NULL when v is not a scalar
 * or too long. */
static char *scalar_text(const json_t *v)
{
    char tmp[64];
    if (json_is_string(v)) {
        if (json_string_length(v) > HS_SEARCH_MAX_TEXT)
            return NULL;
        return strdup(json_string_value(v));
    }
    if (json_is_integer(v)) {
        (void)snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
        return strdup(tmp);
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (!isfinite(d))
            return NULL;
        if (d == floor(d) && fabs(d) < 9e15)
            (void)snprintf(tmp, sizeof tmp, "%.0f", d);
        else
            (void)snprintf(tmp, sizeof tmp, "%.17g", d);
        return strdup(tmp);
    }
    if (json_is_boolean(v))
        return strdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

static int parse_op(const char *name, hs_op *out)
{
    for (size_t i = 0; i < OP_COUNT; i++) {
        if (strcmp(op_names[i], name) == 0) {
            *out = (hs_op)i;
            return 0;
        }
    }
    return -1;
}

static int parse_filter(const json_t *j, size_t g, size_t i, hs_filter *f, cs_err *err)
{
    if (!json_is_object(j))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "filterGroups[%zu].filters[%zu] must be an object", g, i);
    const json_t *name = json_object_get(j, "propertyName");
    if (!json_is_string(name) || json_string_length(name) == 0 || json_string_length(name) > 256)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "filterGroups[%zu].filters[%zu].propertyName must be a non-empty string",
                          g, i);
    const json_t *op = json_object_get(j, "operator");
    if (!json_is_string(op))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "filterGroups[%zu].filters[%zu].operator is required", g, i);
    if (parse_op(json_string_value(op), &f->op) != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "filterGroups[%zu].filters[%zu].operator: unknown operator '%.40s'", g, i,
                          json_string_value(op));
    f->property = strdup(json_string_value(name));
    if (f->property == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    const json_t *value = json_object_get(j, "value");
    const json_t *high = json_object_get(j, "highValue");
    const json_t *values = json_object_get(j, "values");
    switch (f->op) {
    case HS_OP_HAS_PROPERTY:
    case HS_OP_NOT_HAS_PROPERTY:
        return 0;
    case HS_OP_IN:
    case HS_OP_NOT_IN: {
        if (!json_is_array(values) || json_array_size(values) == 0)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "filterGroups[%zu].filters[%zu]: %s needs a non-empty 'values' array",
                              g, i, hs_op_name(f->op));
        if (json_array_size(values) > HS_SEARCH_MAX_VALUES)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "filterGroups[%zu].filters[%zu]: at most %d values are allowed", g, i,
                              HS_SEARCH_MAX_VALUES);
        f->values = calloc(json_array_size(values), sizeof *f->values);
        if (f->values == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        for (size_t k = 0; k < json_array_size(values); k++) {
            f->values[k] = scalar_text(json_array_get(values, k));
            if (f->values[k] == NULL)
                return cs_err_set(err, CS_ERR_INVALID_INPUT,
                                  "filterGroups[%zu].filters[%zu].values[%zu] must be a string, "
                                  "number or boolean",
                                  g, i, k);
            f->nvalues = k + 1;
        }
        return 0;
    }
    default:
        break;
    }
    if (value == NULL || json_is_null(value))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "filterGroups[%zu].filters[%zu]: %s needs a 'value'", g, i,
                          hs_op_name(f->op));
    f->value = scalar_text(value);
    if (f->value == NULL)
        return cs_err_set(
            err, CS_ERR_INVALID_INPUT,
            "filterGroups[%zu].filters[%zu].value must be a string, number or boolean", g, i);
    if (f->op == HS_OP_BETWEEN) {
        if (high == NULL || json_is_null(high))
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "filterGroups[%zu].filters[%zu]: BETWEEN needs a 'highValue'", g, i);
        f->high = scalar_text(high);
        if (f->high == NULL)
            return cs_err_set(
                err, CS_ERR_INVALID_INPUT,
                "filterGroups[%zu].filters[%zu].highValue must be a string, number or "
                "boolean",
                g, i);
    }
    return 0;
}

static int parse_groups(const json_t *groups, hs_search *s, cs_err *err)
{
    if (groups == NULL || json_is_null(groups))
        return 0;
    if (!json_is_array(groups))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "filterGroups must be an array");
    size_t n = json_array_size(groups);
    if (n > HS_SEARCH_MAX_GROUPS)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "Too many filterGroups: %zu (at most %d are allowed)", n,
                          HS_SEARCH_MAX_GROUPS);
    if (n == 0)
        return 0;
    s->groups = calloc(n, sizeof *s->groups);
    if (s->groups == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t total = 0;
    for (size_t g = 0; g < n; g++) {
        const json_t *group = json_array_get(groups, g);
        const json_t *filters = json_is_object(group) ? json_object_get(group, "filters") : NULL;
        s->ngroups = g + 1;
        if (!json_is_array(filters) || json_array_size(filters) == 0)
            return cs_err_set(
                err, CS_ERR_INVALID_INPUT,
                "filterGroups[%zu] must be an object with a non-empty 'filters' array", g);
        size_t nf = json_array_size(filters);
        if (nf > HS_SEARCH_MAX_GROUP_FILTERS)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "Too many filters in filterGroups[%zu]: %zu (at most %d per group)",
                              g, nf, HS_SEARCH_MAX_GROUP_FILTERS);
        total += nf;
        if (total > HS_SEARCH_MAX_FILTERS)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "Too many filters: more than %d across all filterGroups",
                              HS_SEARCH_MAX_FILTERS);
        s->groups[g].filters = calloc(nf, sizeof *s->groups[g].filters);
        if (s->groups[g].filters == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        for (size_t i = 0; i < nf; i++) {
            s->groups[g].nfilters = i + 1;
            if (parse_filter(json_array_get(filters, i), g, i, &s->groups[g].filters[i], err) != 0)
                return -1;
        }
    }
    return 0;
}

static int parse_sorts(const json_t *sorts, hs_search *s, cs_err *err)
{
    if (sorts == NULL || json_is_null(sorts))
        return 0;
    if (!json_is_array(sorts))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "sorts must be an array");
    size_t n = json_array_size(sorts);
    if (n == 0)
        return 0;
    if (n > HS_SEARCH_MAX_SORTS)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "Only %d sort is allowed per search, got %zu",
                          HS_SEARCH_MAX_SORTS, n);
    s->sorts = calloc(n, sizeof *s->sorts);
    if (s->sorts == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *j = json_array_get(sorts, i);
        const char *name = NULL;
        bool desc = false;
        if (json_is_string(j)) {
            /* The short form: "createdate" or "-createdate". */
            name = json_string_value(j);
            if (name[0] == '-') {
                desc = true;
                name++;
            }
        } else if (json_is_object(j)) {
            const json_t *p = json_object_get(j, "propertyName");
            const json_t *d = json_object_get(j, "direction");
            name = json_is_string(p) ? json_string_value(p) : NULL;
            if (d != NULL && !json_is_null(d)) {
                if (!json_is_string(d) || (strcmp(json_string_value(d), "ASCENDING") != 0 &&
                                           strcmp(json_string_value(d), "DESCENDING") != 0))
                    return cs_err_set(err, CS_ERR_INVALID_INPUT,
                                      "sorts[%zu].direction must be ASCENDING or DESCENDING", i);
                desc = strcmp(json_string_value(d), "DESCENDING") == 0;
            }
        }
        if (name == NULL || name[0] == '\0' || strlen(name) > 256)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "sorts[%zu] needs a propertyName", i);
        s->sorts[i].property = strdup(name);
        if (s->sorts[i].property == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        s->sorts[i].descending = desc;
        s->nsorts = i + 1;
    }
    return 0;
}

/* A non-negative integer given as a JSON number or a string of digits. */
static int parse_count(const json_t *j, const char *what, long long max, size_t *out, cs_err *err)
{
    long long v;
    if (json_is_integer(j)) {
        v = json_integer_value(j);
    } else if (json_is_string(j)) {
        const char *t = json_string_value(j);
        if (t[0] == '\0' || strlen(t) > 18)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s must be a number, got '%.40s'", what,
                              t);
        for (const char *p = t; *p; p++)
            if (!isdigit((unsigned char)*p))
                return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s must be a number, got '%.40s'",
                                  what, t);
        v = strtoll(t, NULL, 10);
    } else {
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s must be a number", what);
    }
    if (v < 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s must not be negative", what);
    if (v > max)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s must be at most %lld, got %lld", what, max,
                          v);
    *out = (size_t)v;
    return 0;
}

static int parse_properties(const json_t *props, hs_search *s, cs_err *err)
{
    if (props == NULL || json_is_null(props))
        return 0;
    if (!json_is_array(props))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "properties must be an array of strings");
    size_t n = json_array_size(props);
    if (n > HS_SEARCH_MAX_PROPERTIES)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "properties: at most %d names are allowed",
                          HS_SEARCH_MAX_PROPERTIES);
    s->properties = calloc(n ? n : 1, sizeof *s->properties);
    if (s->properties == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *p = json_array_get(props, i);
        if (!json_is_string(p) || json_string_length(p) > 256)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "properties[%zu] must be a string", i);
        s->properties[i] = strdup(json_string_value(p));
        if (s->properties[i] == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        s->nproperties = i + 1;
    }
    return 0;
}

int hs_search_parse(const json_t *body, hs_search **out, cs_err *err)
{
    if (!json_is_object(body))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "the search request must be a JSON object");
    hs_search *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    s->limit = HS_SEARCH_DEFAULT_LIMIT;
    const json_t *limit = json_object_get(body, "limit");
    const json_t *after = json_object_get(body, "after");
    const json_t *query = json_object_get(body, "query");
    if (parse_groups(json_object_get(body, "filterGroups"), s, err) != 0 ||
        parse_sorts(json_object_get(body, "sorts"), s, err) != 0 ||
        parse_properties(json_object_get(body, "properties"), s, err) != 0)
        goto fail;
    if (limit && !json_is_null(limit) &&
        parse_count(limit, "limit", HS_SEARCH_MAX_LIMIT, &s->limit, err) != 0)
        goto fail;
    if (after && !json_is_null(after) &&
        !(json_is_string(after) && json_string_length(after) == 0)) {
        if (parse_count(after, "after", 1000000000LL, &s->after, err) != 0)
            goto fail;
        if (s->after >= HS_SEARCH_MAX_RESULTS) {
            cs_err_set(err, CS_ERR_INVALID_INPUT,
                       "Paging past %d results is not possible: after=%zu. Narrow the search "
                       "with filters instead.",
                       HS_SEARCH_MAX_RESULTS, s->after);
            goto fail;
        }
    }
    if (query && !json_is_null(query)) {
        if (!json_is_string(query)) {
            cs_err_set(err, CS_ERR_INVALID_INPUT, "query must be a string");
            goto fail;
        }
        if (json_string_length(query) > HS_SEARCH_MAX_QUERY) {
            cs_err_set(err, CS_ERR_INVALID_INPUT, "query must be at most %d characters",
                       HS_SEARCH_MAX_QUERY);
            goto fail;
        }
        if (json_string_length(query) > 0) {
            s->query = strdup(json_string_value(query));
            if (s->query == NULL) {
                cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
                goto fail;
            }
        }
    }
    *out = s;
    return 0;
fail:
    hs_search_free(s);
    return -1;
}

int hs_search_parse_text(const char *text, size_t len, hs_search **out, cs_err *err)
{
    json_error_t jerr;
    json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (body == NULL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "Invalid input JSON: %s at line %d column %d",
                          jerr.text, jerr.line, jerr.column);
    int rc = hs_search_parse(body, out, err);
    json_decref(body);
    return rc;
}

/* --- typed values ---------------------------------------------------------- */

static bool parse_number(const char *t, double *out)
{
    if (t == NULL || *t == '\0')
        return false;
    char *end = NULL;
    errno = 0;
    double d = strtod(t, &end);
    if (end == t || *end != '\0' || errno == ERANGE || !isfinite(d))
        return false;
    *out = d;
    return true;
}

static bool parse_ms(const char *t, int64_t *out)
{
    if (t == NULL || *t == '\0')
        return false;
    return cs_time_parse(t, out, NULL) == 0;
}

static int resolve_value(hs_ptype type, const char *text, double *num, int64_t *ms,
                         const char *property, cs_err *err)
{
    if (text == NULL)
        return 0;
    if (type == HS_PT_NUMBER && !parse_number(text, num))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "'%.60s' is not a valid number for property %.80s", text, property);
    if ((type == HS_PT_DATE || type == HS_PT_DATETIME) && !parse_ms(text, ms))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "'%.60s' is not a valid date for property %.80s (use epoch milliseconds "
                          "or ISO-8601)",
                          text, property);
    return 0;
}

int hs_search_resolve(hs_search *s, hs_type_of_fn type_of, void *user, cs_err *err)
{
    for (size_t g = 0; g < s->ngroups; g++) {
        for (size_t i = 0; i < s->groups[g].nfilters; i++) {
            hs_filter *f = &s->groups[g].filters[i];
            int t = type_of(user, f->property);
            if (t < 0)
                return cs_err_set(err, CS_ERR_INVALID_INPUT,
                                  "filterGroups[%zu].filters[%zu]: there is no property named "
                                  "'%.80s'",
                                  g, i, f->property);
            f->type = (hs_ptype)t;
            bool ordered =
                f->op == HS_OP_LT || f->op == HS_OP_LTE || f->op == HS_OP_GT ||
                f->op == HS_OP_GTE || f->op == HS_OP_BETWEEN ||
                ((f->type == HS_PT_NUMBER || f->type == HS_PT_DATE || f->type == HS_PT_DATETIME) &&
                 (f->op == HS_OP_EQ || f->op == HS_OP_NEQ));
            if (!ordered)
                continue;
            if (resolve_value(f->type, f->value, &f->num, &f->ms, f->property, err) != 0 ||
                resolve_value(f->type, f->high, &f->num_high, &f->ms_high, f->property, err) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < s->nsorts; i++) {
        int t = type_of(user, s->sorts[i].property);
        if (t < 0)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "sorts[%zu]: there is no property named '%.80s'", i,
                              s->sorts[i].property);
        s->sorts[i].type = (hs_ptype)t;
    }
    return 0;
}

/* --- evaluation ------------------------------------------------------------ */

static bool is_set(const char *v)
{
    return v != NULL && v[0] != '\0';
}

/* Case-insensitive equality of a whole value, or of one ';'-separated part
 * of a multi-value enumeration. */
static bool text_equals(hs_ptype type, const char *value, const char *want)
{
    if (strcasecmp(value, want) == 0)
        return true;
    if (type != HS_PT_ENUM || strchr(value, ';') == NULL)
        return false;
    size_t wlen = strlen(want);
    for (const char *p = value;;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == wlen && strncasecmp(p, want, len) == 0)
            return true;
        if (end == NULL)
            return false;
        p = end + 1;
    }
}

/* Compares a record's value with a pre-parsed filter bound; false when the
 * record's value cannot be read as the property's type. */
static bool typed_cmp(const hs_filter *f, const char *value, bool high, int *cmp)
{
    switch (f->type) {
    case HS_PT_NUMBER: {
        double d;
        if (!parse_number(value, &d))
            return false;
        double b = high ? f->num_high : f->num;
        *cmp = d < b ? -1 : d > b ? 1 : 0;
        return true;
    }
    case HS_PT_DATE:
    case HS_PT_DATETIME: {
        int64_t ms;
        if (!parse_ms(value, &ms))
            return false;
        int64_t b = high ? f->ms_high : f->ms;
        *cmp = ms < b ? -1 : ms > b ? 1 : 0;
        return true;
    }
    default: {
        const char *b = high ? f->high : f->value;
        if (b == NULL)
            return false;
        int c = strcasecmp(value, b);
        *cmp = c < 0 ? -1 : c > 0 ? 1 : 0;
        return true;
    }
    }
}

static bool is_word_char(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* Case-insensitive glob with '*' only, over the whole text. */
static bool glob_match(const char *pat, const char *text)
{
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pat == '*') {
            star = pat++;
            resume = text;
        } else if (*pat && tolower((unsigned char)*pat) == tolower((unsigned char)*text)) {
            pat++;
            text++;
        } else if (star) {
            pat = star + 1;
            text = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

static bool contains_token(const char *value, const char *token)
{
    if (token[0] == '\0')
        return false;
    if (strchr(token, '*'))
        return glob_match(token, value);
    size_t tlen = strlen(token);
    for (const char *p = value; (p = strcasestr(p, token)) != NULL; p++) {
        bool start_ok = p == value || !is_word_char((unsigned char)p[-1]) ||
                        !is_word_char((unsigned char)token[0]);
        unsigned char after = (unsigned char)p[tlen];
        bool end_ok =
            after == '\0' || !is_word_char(after) || !is_word_char((unsigned char)token[tlen - 1]);
        if (start_ok && end_ok)
            return true;
    }
    return false;
}

static bool value_equals(const hs_filter *f, const char *value, const char *want)
{
    if (f->type == HS_PT_NUMBER) {
        double a, b;
        if (parse_number(value, &a) && parse_number(want, &b))
            return a == b;
    } else if (f->type == HS_PT_DATE || f->type == HS_PT_DATETIME) {
        int64_t a, b;
        if (parse_ms(value, &a) && parse_ms(want, &b))
            return a == b;
    }
    return text_equals(f->type, value, want);
}

bool hs_filter_match(const hs_filter *f, const char *value)
{
    bool set = is_set(value);
    int c = 0, h = 0;
    switch (f->op) {
    case HS_OP_HAS_PROPERTY:
        return set;
    case HS_OP_NOT_HAS_PROPERTY:
        return !set;
    case HS_OP_EQ:
        return set && value_equals(f, value, f->value);
    case HS_OP_NEQ:
        return !set || !value_equals(f, value, f->value);
    case HS_OP_LT:
        return set && typed_cmp(f, value, false, &c) && c < 0;
    case HS_OP_LTE:
        return set && typed_cmp(f, value, false, &c) && c <= 0;
    case HS_OP_GT:
        return set && typed_cmp(f, value, false, &c) && c > 0;
    case HS_OP_GTE:
        return set && typed_cmp(f, value, false, &c) && c >= 0;
    case HS_OP_BETWEEN:
        return set && typed_cmp(f, value, false, &c) && typed_cmp(f, value, true, &h) && c >= 0 &&
               h <= 0;
    case HS_OP_IN:
    case HS_OP_NOT_IN: {
        bool found = false;
        for (size_t i = 0; set && !found && i < f->nvalues; i++)
            found = value_equals(f, value, f->values[i]);
        return f->op == HS_OP_IN ? found : !found;
    }
    case HS_OP_CONTAINS_TOKEN:
        return set && contains_token(value, f->value);
    case HS_OP_NOT_CONTAINS_TOKEN:
        return !set || !contains_token(value, f->value);
    }
    return false;
}

bool hs_search_match(const hs_search *s, hs_get_fn get, void *record)
{
    if (s->ngroups == 0)
        return true;
    for (size_t g = 0; g < s->ngroups; g++) {
        bool all = true;
        for (size_t i = 0; all && i < s->groups[g].nfilters; i++) {
            const hs_filter *f = &s->groups[g].filters[i];
            all = hs_filter_match(f, get(record, f->property));
        }
        if (all)
            return true;
    }
    return false;
}

bool hs_query_match(const char *query, const char *const *values, size_t nvalues)
{
    if (query == NULL || query[0] == '\0')
        return true;
    /* Every whitespace-separated word of the query must occur in one of the
     * values (HubSpot searches the object's default text properties). */
    const char *p = query;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        const char *end = p;
        while (*end && !isspace((unsigned char)*end))
            end++;
        char word[256];
        size_t len = (size_t)(end - p);
        if (len >= sizeof word)
            len = sizeof word - 1;
        memcpy(word, p, len);
        word[len] = '\0';
        bool hit = false;
        for (size_t i = 0; !hit && i < nvalues; i++)
            hit = values[i] != NULL && strcasestr(values[i], word) != NULL;
        if (!hit)
            return false;
        p = end;
    }
    return true;
}

int hs_value_compare(hs_ptype type, const char *a, const char *b)
{
    bool sa = is_set(a), sb = is_set(b);
    if (!sa || !sb)
        return sa == sb ? 0 : sa ? -1 : 1;
    if (type == HS_PT_NUMBER) {
        double x, y;
        if (parse_number(a, &x) && parse_number(b, &y))
            return x < y ? -1 : x > y ? 1 : 0;
    } else if (type == HS_PT_DATE || type == HS_PT_DATETIME) {
        int64_t x, y;
        if (parse_ms(a, &x) && parse_ms(b, &y))
            return x < y ? -1 : x > y ? 1 : 0;
    }
    int c = strcasecmp(a, b);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}
