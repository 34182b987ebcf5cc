/* A subset of SOQL, as the sandbox's Salesforce API accepts it (private to the
 * sandbox). Parsing is separate from evaluation: sf_query.c parses once, checks
 * field names against the object's schema, then filters, sorts and projects
 * stored records (JSON objects keyed by field API name) through these calls.
 *
 * Supported: SELECT field list (fields, one level of parent relationship such
 * as Account.Name, COUNT()), FROM, WHERE with = != <> < <= > >= IN, NOT IN,
 * LIKE, INCLUDES, EXCLUDES, AND, OR, NOT, parentheses, string/number/date/datetime literals, NULL,
 * TRUE/FALSE, date literals such as TODAY/YESTERDAY/LAST_N_DAYS:n; ORDER BY
 * (ASC/DESC, NULLS FIRST/LAST) on several fields; LIMIT; OFFSET. */
#ifndef CS_SANDBOX_SOQL_H
#define CS_SANDBOX_SOQL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct sb_soql_query sb_soql_query;

/* Looks up a field of a record for evaluation. `path` is a field as written in
 * the query ("Email", "Account.Name"; case as written — lookups are
 * case-insensitive in SOQL, so the resolver must compare case-insensitively).
 * Returns a borrowed JSON value (string, number, boolean or null), or NULL when
 * the record has no such field (treated as null). */
typedef json_t *(*sb_soql_resolver)(void *user, json_t *record, const char *path);

/* Parses text. On failure returns -1 with CS_ERR_INVALID_INPUT, leaves *out
 * untouched, and writes a message in Salesforce's MALFORMED_QUERY layout, the
 * detail on the last line:
 *   "\nSELECT Id FORM Account\n          ^\nERROR at Row:1:Column:11\n"
 *   "unexpected token: 'FORM'"
 * (always valid UTF-8, so it can go straight into a JSON error body). Caller
 * frees *out with sb_soql_free(). Input longer than 100,000 bytes is refused;
 * so are strings in WHERE longer than 4,000 characters (Salesforce's limit),
 * WHERE clauses nested deeper than 64 levels, IN lists of more than
 * 10,000 values, more than 500 selected fields or 32 ORDER BY fields, and
 * relationship paths of more than one level ("Account.Owner.Name"). As in
 * Salesforce, AND and OR cannot be mixed at one level without parentheses. */
int sb_soql_parse(const char *text, sb_soql_query **out, cs_err *err);
void sb_soql_free(sb_soql_query *q);

/* The FROM object as written. */
const char *sb_soql_from(const sb_soql_query *q);
/* True for SELECT COUNT() FROM ... */
bool sb_soql_is_count(const sb_soql_query *q);
/* Selected fields in order, as written ("Id", "Account.Name"). */
size_t sb_soql_select_count(const sb_soql_query *q);
const char *sb_soql_select_field(const sb_soql_query *q, size_t i);
/* Every field path the query refers to anywhere (SELECT, WHERE, ORDER BY),
 * deduplicated case-insensitively (first spelling kept, in order of first
 * use), so the caller can validate them against the schema before evaluating
 * (INVALID_FIELD). Strings are borrowed from q; NULL when i is out of range. */
size_t sb_soql_referenced_count(const sb_soql_query *q);
const char *sb_soql_referenced_field(const sb_soql_query *q, size_t i);
/* LIMIT and OFFSET (0..2147483647); -1 when absent. Salesforce's own cap on
 * OFFSET (2,000) is enforced by sb_soql_check. */
/* True when WHERE or ORDER BY refers to the i-th referenced field (in any
 * spelling): the fields a caller must provide for sb_soql_matches and
 * sb_soql_compare. The others appear only in SELECT. */
bool sb_soql_referenced_in_filter(const sb_soql_query *q, size_t i);
long sb_soql_limit(const sb_soql_query *q);
long sb_soql_offset(const sb_soql_query *q);
bool sb_soql_has_order(const sb_soql_query *q);

/* Evaluates the WHERE clause (true when there is none). now_ms anchors date
 * literals such as TODAY. Values compare by type: numbers numerically, strings
 * case-insensitively (as SOQL does), booleans, and date/datetime strings by
 * the instant they denote (stored datetimes look like
 * "2026-01-02T03:04:05.000+0000", dates "2026-01-02"). A date literal covers
 * its whole UTC day, so "CreatedDate = TODAY" holds for any instant of today
 * and "> 2026-01-02" means from the next day on. A null or missing field
 * equals only NULL, satisfies "!= value" and fails every other comparison; a
 * value that cannot be read as the literal's type fails every comparison. */
bool sb_soql_matches(const sb_soql_query *q, json_t *record, sb_soql_resolver resolve, void *user,
                     int64_t now_ms);

/* Index hints: conditions every record the WHERE clause matches satisfies,
 * taken from its top-level AND conjuncts (or from the whole clause when it is
 * a single comparison), so a caller can fetch candidates through an index and
 * evaluate the full WHERE on those only. A query may have none (no WHERE, an
 * OR at the top, only other operators); a field may have several, which all
 * hold at once.
 * - SB_SOQL_HINT_IN, from "field = 'v'" and "field IN ('v', ...)" whose values
 *   are all string literals: the field's text equals one of vals ASCII
 *   case-insensitively (as sb_soql_matches compares strings);
 * - SB_SOQL_HINT_RANGE, from "field op literal" with op one of = < <= > >=
 *   and a date, datetime or TODAY-style literal: the field reads as an
 *   ISO-8601 date or datetime whose instant lies in [lo_ms, hi_ms)
 *   (INT64_MIN / INT64_MAX when unbounded on that side). */
typedef enum sb_soql_hint_kind { SB_SOQL_HINT_IN, SB_SOQL_HINT_RANGE } sb_soql_hint_kind;

typedef struct sb_soql_hint {
    sb_soql_hint_kind kind;
    const char *field;       /* the path as written */
    const char *const *vals; /* IN: the values, borrowed from the query */
    size_t nvals;
    int64_t lo_ms; /* RANGE */
    int64_t hi_ms;
} sb_soql_hint;

size_t sb_soql_hint_count(const sb_soql_query *q);
/* Fills *out with hint i; now_ms anchors TODAY-style literals as in
 * sb_soql_matches. False when i is out of range. */
bool sb_soql_hint_get(const sb_soql_query *q, size_t i, int64_t now_ms, sb_soql_hint *out);

/* Declares the i-th referenced field (sb_soql_referenced_field, any
 * spelling) a Salesforce id: an Id or a reference field. Salesforce compares
 * ids as ids, not as text:
 * - ORDER BY orders them by bytes (case-sensitively: "...D" < "...E" <
 *   "...d"), as do < <= > >= against a literal, so keyset paging
 *   ("Id > 'last' ORDER BY Id") walks the same order;
 * - = != IN NOT IN take a literal in its 15- or 18-character form and match
 *   the stored 18-character id exactly (sf_ids.h: 15 characters are
 *   case-sensitive, an 18-character literal's suffix restores its case); a
 *   literal that is no id equals nothing.
 * String literals compared with the field are rewritten to their
 * 18-character form, index hints included. -1 when out of memory or i is out
 * of range. */
int sb_soql_mark_id(sb_soql_query *q, size_t i);

/* ---- Salesforce's compile-time checks ----
 *
 * Salesforce compiles a query against the object's schema before it runs it
 * and refuses, with a positioned error, what the schema does not allow.
 * sb_soql_check does the same for any caller that can say what type each
 * field has (the query endpoint from sf_schema.h; a validation rule's
 * condition; a Bulk query job), so they all refuse the same queries. */

/* A field's type as the checks need it (describe's type names). */
typedef enum sb_soql_ftype {
    SB_SOQL_F_ID,
    SB_SOQL_F_REFERENCE,
    SB_SOQL_F_STRING,
    SB_SOQL_F_TEXTAREA,
    SB_SOQL_F_EMAIL,
    SB_SOQL_F_PHONE,
    SB_SOQL_F_URL,
    SB_SOQL_F_PICKLIST,
    SB_SOQL_F_MULTIPICKLIST,
    SB_SOQL_F_BOOLEAN,
    SB_SOQL_F_INT,
    SB_SOQL_F_DOUBLE,
    SB_SOQL_F_CURRENCY,
    SB_SOQL_F_PERCENT,
    SB_SOQL_F_DATE,
    SB_SOQL_F_DATETIME,
    SB_SOQL_F_TIME,
    SB_SOQL_F_ADDRESS
} sb_soql_ftype;

typedef struct sb_soql_finfo {
    sb_soql_ftype type;
    const char *name; /* the field's API name, for messages ("CreatedDate") */
    bool filterable;  /* false: long text areas, compound addresses */
    bool sortable;    /* false: long text areas, multi-select picklists, addresses */
} sb_soql_finfo;

/* Says what the i-th referenced field (sb_soql_referenced_field(q, i), whose
 * text is path) is. False when the field does not exist. */
typedef bool (*sb_soql_type_resolver)(void *user, size_t i, const char *path, sb_soql_finfo *out);

/* Checks the query as Salesforce compiles it, in this order, and answers the
 * first failure with Salesforce's error code in *code (a static string) and
 * its message in err, laid out like MALFORMED_QUERY (the query, a caret under
 * the offending field, "ERROR at Row:r:Column:c", the detail):
 * - a field the resolver does not know: INVALID_FIELD "No such column ...";
 * - a WHERE field that is not filterable, an ORDER BY field that is not
 *   sortable: INVALID_FIELD "field 'X' can not be filtered/sorted ...";
 * - an operator the field's type refuses (LIKE on anything but text and
 *   picklists, < <= > >= on booleans and multi-select picklists):
 *   INVALID_QUERY_FILTER_OPERATOR "invalid operator on <type> field";
 *   INCLUDES / EXCLUDES on anything but a multi-select picklist: "includes
 *   or excludes operator only valid on multipicklist field";
 * - a literal of the wrong type for its field, each element of an IN list
 *   on its own (NULL fits every type; quoted text only text, picklists and
 *   ids; TRUE/FALSE only booleans; numbers only numbers, and whole numbers
 *   only int; a date only a date field, a datetime only a datetime field;
 *   TODAY-style literals both): INVALID_QUERY_FILTER_OPERATOR "value of
 *   filter criterion for field 'X' must be of type T and should [not] be
 *   enclosed in quotes";
 * - a string compared with an id or reference field that is not an id of 15
 *   or 18 characters: INVALID_QUERY_FILTER_OPERATOR "invalid ID field: v"
 *   (an empty string means NULL there, as in Salesforce);
 * - OFFSET above 2,000: NUMBER_OUTSIDE_VALID_RANGE "Maximum SOQL offset
 *   allowed is 2000" (not laid out: Salesforce answers it plain).
 * On success the id and reference fields are marked as by sb_soql_mark_id,
 * their string literals rewritten to the 18-character form. */
int sb_soql_check(sb_soql_query *q, sb_soql_type_resolver resolve, void *user, const char **code,
                  cs_err *err);

/* The positioned error layout for a caller's own compile errors: at the first
 * occurrence of the i-th referenced field, or at the FROM object (for
 * INVALID_FIELD and INVALID_TYPE). Return -1 with CS_ERR_INVALID_INPUT. */
int sb_soql_field_error(const sb_soql_query *q, size_t i, cs_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sb_soql_from_error(const sb_soql_query *q, cs_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ORDER BY comparison of two records: <0, 0, >0. 0 when there is no ORDER BY
 * (and on ties: add a final key such as Id for a total order). Nulls sort
 * first for ASC and last for DESC unless NULLS FIRST/LAST says otherwise. */
int sb_soql_compare(const sb_soql_query *q, json_t *a, json_t *b, sb_soql_resolver resolve,
                    void *user);

#endif
