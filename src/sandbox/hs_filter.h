/* HubSpot CRM search requests as a pure module (no SQLite, no HTTP): parsing
 * and validating a PublicObjectSearchRequest body with HubSpot's limits, and
 * evaluating its filters against one record's property values with
 * type-aware comparison. The search endpoint (hs_search.c) plans the SQL
 * around it; the unit tests and the fuzzer drive it directly. */
#ifndef CS_SANDBOX_HS_FILTER_H
#define CS_SANDBOX_HS_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* HubSpot's documented search limits. */
#define HS_SEARCH_MAX_GROUPS        5
#define HS_SEARCH_MAX_GROUP_FILTERS 10
#define HS_SEARCH_MAX_FILTERS       25
#define HS_SEARCH_MAX_LIMIT         200
#define HS_SEARCH_DEFAULT_LIMIT     10
#define HS_SEARCH_MAX_RESULTS       10000 /* paging past this answers 400 */
#define HS_SEARCH_MAX_QUERY         3000
#define HS_SEARCH_MAX_SORTS         1
/* Bounds of our own on input-driven sizes. */
#define HS_SEARCH_MAX_VALUES     500   /* values of IN / NOT_IN */
#define HS_SEARCH_MAX_PROPERTIES 1000  /* names in "properties" */
#define HS_SEARCH_MAX_TEXT       65536 /* one filter value */

/* The value types that change how values compare (HubSpot property `type`). */
typedef enum hs_ptype {
    HS_PT_STRING = 0,
    HS_PT_NUMBER,
    HS_PT_DATE,
    HS_PT_DATETIME,
    HS_PT_ENUM,
    HS_PT_BOOL,
} hs_ptype;

typedef enum hs_op {
    HS_OP_EQ = 0,
    HS_OP_NEQ,
    HS_OP_LT,
    HS_OP_LTE,
    HS_OP_GT,
    HS_OP_GTE,
    HS_OP_BETWEEN,
    HS_OP_IN,
    HS_OP_NOT_IN,
    HS_OP_HAS_PROPERTY,
    HS_OP_NOT_HAS_PROPERTY,
    HS_OP_CONTAINS_TOKEN,
    HS_OP_NOT_CONTAINS_TOKEN,
} hs_op;

typedef struct hs_filter {
    char *property;
    hs_op op;
    char *value;   /* EQ..GTE, BETWEEN (low), *_CONTAINS_TOKEN */
    char *high;    /* BETWEEN */
    char **values; /* IN, NOT_IN */
    size_t nvalues;
    hs_ptype type; /* set by hs_search_resolve(); HS_PT_STRING before */
    /* Pre-parsed bounds for number and date comparisons (resolve fills). */
    double num, num_high;
    int64_t ms, ms_high;
} hs_filter;

typedef struct hs_filter_group {
    hs_filter *filters;
    size_t nfilters;
} hs_filter_group;

typedef struct hs_sort {
    char *property;
    bool descending;
    hs_ptype type;
} hs_sort;

typedef struct hs_search {
    hs_filter_group *groups; /* OR of groups; AND inside a group */
    size_t ngroups;
    hs_sort *sorts;
    size_t nsorts;
    size_t limit;
    size_t after;      /* offset of the first result */
    char **properties; /* NULL: the object's default properties */
    size_t nproperties;
    char *query; /* free-text query, or NULL */
} hs_search;

/* Parses a search request body (a JSON object). On failure returns -1 with a
 * message saying what is wrong (CS_ERR_INVALID_INPUT); *out is then untouched.
 * Caller frees *out with hs_search_free(). */
int hs_search_parse(const json_t *body, hs_search **out, cs_err *err);
/* Same, from raw bytes (the request body as received). */
int hs_search_parse_text(const char *text, size_t len, hs_search **out, cs_err *err);
void hs_search_free(hs_search *s);

/* Tells each filter and sort its property's type: type_of returns the type of
 * a property name, or -1 when the object has no such property (an error).
 * Pre-parses number and date filter values; a value that cannot be compared
 * as its property's type is an error. */
typedef int (*hs_type_of_fn)(void *user, const char *property);
int hs_search_resolve(hs_search *s, hs_type_of_fn type_of, void *user, cs_err *err);

/* One record as the evaluator sees it: get returns a property's value, or
 * NULL when unset. An empty string counts as unset, as in HubSpot. */
typedef const char *(*hs_get_fn)(void *record, const char *property);

/* True when value (NULL = unset) satisfies one filter. */
bool hs_filter_match(const hs_filter *f, const char *value);
/* True when the record matches the request's filter groups (none: all). */
bool hs_search_match(const hs_search *s, hs_get_fn get, void *record);
/* True when the free-text query matches one of the values (case-insensitive
 * substring of any token of the query). An absent query matches. */
bool hs_query_match(const char *query, const char *const *values, size_t nvalues);

/* Orders two values of one type; unset (NULL or "") sorts after any value.
 * Values that do not parse as their type compare as strings. */
int hs_value_compare(hs_ptype type, const char *a, const char *b);

const char *hs_op_name(hs_op op);
/* Maps HubSpot's `type` names (string, number, date, datetime, enumeration,
 * bool) to hs_ptype; unknown names are strings. */
hs_ptype hs_ptype_from_name(const char *type);

#endif
