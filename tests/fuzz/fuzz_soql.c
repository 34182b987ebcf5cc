/* libFuzzer target for the sandbox's SOQL parser (src/sandbox/soql.h). Each
 * input is parsed as query text (a NUL-terminated copy, so an embedded NUL
 * ends the query as it would for a C caller). A failure must leave *out
 * untouched and give a message that is valid UTF-8, since it goes into a JSON
 * error body. A success is driven through every accessor, the WHERE
 * evaluation and the ORDER BY comparison against a few fixed records, which
 * include a parent relationship, nulls, numbers, booleans and datetimes, and
 * then checked (sb_soql_check) against field types derived from each name,
 * with the caller-side error layouts; a checked query is exercised again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/soql.h"

static const char *const records_json[] = {
    "{\"Id\":\"00Q000000000001\",\"Name\":\"Acme_Corp\",\"Email\":\"ann@example.com\","
    "\"AnnualRevenue\":1250000.5,\"NumberOfEmployees\":42,\"IsConverted\":false,"
    "\"CreatedDate\":\"2026-01-02T01:00:00.000+0000\",\"CloseDate\":\"2026-01-01\","
    "\"Status\":\"Open - Not Contacted\",\"Account\":{\"Name\":\"Parent Co\",\"Industry\":null}}",
    "{\"Id\":\"00Q000000000002\",\"Name\":\"caf\\u00e9 50%_off\",\"Email\":null,"
    "\"AnnualRevenue\":\"12.5\",\"NumberOfEmployees\":\"abc\",\"IsConverted\":\"true\","
    "\"CreatedDate\":\"not a date\",\"CloseDate\":\"2025-12-31T23:59:59Z\",\"Account\":\"x\"}",
    "{\"Id\":\"00Q000000000003\"}",
};

static json_t *member(json_t *obj, const char *name, size_t len)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        if (strlen(key) == len && strncasecmp(key, name, len) == 0)
            return value;
    }
    return NULL;
}

static json_t *resolve(void *user, json_t *record, const char *path)
{
    (void)user;
    const char *dot = strchr(path, '.');
    if (dot == NULL)
        return member(record, path, strlen(path));
    json_t *parent = member(record, path, (size_t)(dot - path));
    return json_is_object(parent) ? member(parent, dot + 1, strlen(dot + 1)) : NULL;
}

static void exercise(const sb_soql_query *q)
{
    enum { NREC = sizeof records_json / sizeof records_json[0] };
    json_t *recs[NREC];
    for (size_t i = 0; i < NREC; i++) {
        recs[i] = json_loads(records_json[i], 0, NULL);
        if (recs[i] == NULL)
            abort();
    }
    if (sb_soql_from(q) == NULL)
        abort();
    (void)sb_soql_is_count(q);
    (void)sb_soql_limit(q);
    (void)sb_soql_offset(q);
    (void)sb_soql_has_order(q);
    for (size_t i = 0; i < sb_soql_select_count(q); i++)
        if (sb_soql_select_field(q, i) == NULL)
            abort();
    for (size_t i = 0; i < sb_soql_referenced_count(q); i++)
        if (sb_soql_referenced_field(q, i) == NULL)
            abort();
    const int64_t now_ms = INT64_C(1767323045000); /* 2026-01-02T03:04:05Z */
    for (size_t i = 0; i < NREC; i++) {
        (void)sb_soql_matches(q, recs[i], resolve, NULL, now_ms);
        (void)sb_soql_matches(q, recs[i], resolve, NULL, INT64_MAX);
        for (size_t j = 0; j < NREC; j++) {
            int ab = sb_soql_compare(q, recs[i], recs[j], resolve, NULL);
            int ba = sb_soql_compare(q, recs[j], recs[i], resolve, NULL);
            /* The ORDER BY comparison must be antisymmetric. */
            if ((ab < 0 && ba <= 0) || (ab > 0 && ba >= 0) || (ab == 0 && ba != 0))
                abort();
        }
    }
    for (size_t i = 0; i < NREC; i++)
        json_decref(recs[i]);
}

/* A field-type resolver for sb_soql_check: every name gets a type (and
 * filterable/sortable flags) from a hash of its lower-cased text, so the
 * fuzzer reaches every type rule; about one name in 23 is unknown. */
static bool types(void *user, size_t i, const char *path, sb_soql_finfo *out)
{
    (void)user;
    (void)i;
    uint32_t h = 2166136261u;
    for (const char *c = path; *c; c++) {
        unsigned char u = (unsigned char)*c;
        h = (h ^ (u >= 'A' && u <= 'Z' ? u + 32u : u)) * 16777619u;
    }
    if (h % 23 == 0)
        return false;
    out->type = (sb_soql_ftype)(h % (SB_SOQL_F_ADDRESS + 1));
    out->name = path;
    out->filterable = (h >> 8) % 17 != 0;
    out->sortable = (h >> 12) % 13 != 0;
    return true;
}

static void utf8_or_abort(const char *text)
{
    json_t *msg = json_string(text);
    if (msg == NULL)
        abort(); /* not valid UTF-8 */
    json_decref(msg);
}

/* Checks the query against the hashed types: a refusal must name a code and
 * give a valid UTF-8 message; an accepted query is exercised again (its id
 * literals are now rewritten). The caller-side layouts must be valid too. */
static void check(sb_soql_query *q)
{
    cs_err err = {0};
    if (sb_soql_from_error(q, &err, "sObject type '%s' is not supported.", sb_soql_from(q)) != -1)
        abort();
    utf8_or_abort(err.message);
    for (size_t i = 0; i < sb_soql_referenced_count(q); i++) {
        if (sb_soql_field_error(q, i, &err, "No such column '%s'",
                                sb_soql_referenced_field(q, i)) != -1)
            abort();
        utf8_or_abort(err.message);
    }
    const char *code = NULL;
    if (sb_soql_check(q, types, NULL, &code, &err) == 0) {
        if (code != NULL)
            abort();
        exercise(q);
        return;
    }
    if (code == NULL || err.category != CS_ERR_INVALID_INPUT)
        abort();
    utf8_or_abort(err.message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 200000)
        return 0;
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    sb_soql_query *q = NULL;
    cs_err err = {0};
    if (sb_soql_parse(text, &q, &err) == 0) {
        exercise(q);
        check(q);
        sb_soql_free(q);
    } else {
        if (q != NULL || err.category != CS_ERR_INVALID_INPUT)
            abort();
        utf8_or_abort(err.message);
    }
    free(text);
    return 0;
}
