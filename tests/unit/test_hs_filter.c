/* Unit tests of the sandbox's HubSpot search module (src/sandbox/hs_filter):
 * every filter operator, type-aware comparison (numbers, dates given as epoch
 * milliseconds or ISO text, case-insensitive strings, enumerations,
 * booleans), HubSpot's limits (5 groups, 10 filters per group, 25 in all,
 * limit 200, paging past 10,000), malformed requests answered with a clear
 * error, and the batch input parser (src/sandbox/hs_input). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/hs_filter.h"
#include "sandbox/hs_input.h"

/* --- helpers ------------------------------------------------------------------ */

typedef struct rec {
    const char *names[8];
    const char *values[8];
} rec;

static const char *rec_get(void *record, const char *property)
{
    rec *r = record;
    for (int i = 0; i < 8 && r->names[i]; i++)
        if (strcmp(r->names[i], property) == 0)
            return r->values[i];
    return NULL;
}

/* Types of the test schema. */
static int test_type_of(void *user, const char *property)
{
    (void)user;
    static const struct {
        const char *name;
        hs_ptype type;
    } types[] = {
        {"email", HS_PT_STRING}, {"city", HS_PT_STRING},   {"n", HS_PT_NUMBER},
        {"born", HS_PT_DATE},    {"seen", HS_PT_DATETIME}, {"status", HS_PT_ENUM},
        {"optout", HS_PT_BOOL},  {"tags", HS_PT_ENUM},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, property) == 0)
            return (int)types[i].type;
    return -1;
}

static hs_search *parse_ok(const char *json)
{
    hs_search *s = NULL;
    cs_err err;
    cs_err_clear(&err);
    int rc = hs_search_parse_text(json, strlen(json), &s, &err);
    cr_assert_eq(rc, 0, "parse failed: %s\n%s", err.message, json);
    rc = hs_search_resolve(s, test_type_of, NULL, &err);
    cr_assert_eq(rc, 0, "resolve failed: %s\n%s", err.message, json);
    return s;
}

/* Parses (and resolves) a request that must fail; returns the message. */
static const char *parse_fail(const char *json, cs_err *err)
{
    hs_search *s = NULL;
    cs_err_clear(err);
    int rc = hs_search_parse_text(json, strlen(json), &s, err);
    if (rc == 0) {
        rc = hs_search_resolve(s, test_type_of, NULL, err);
        hs_search_free(s);
    } else {
        cr_assert_null(s, "out parameter written on failure");
    }
    cr_assert_eq(rc, -1, "accepted although invalid: %s", json);
    cr_assert_eq(err->category, CS_ERR_INVALID_INPUT);
    cr_assert(strlen(err->message) > 0);
    return err->message;
}

/* One filter on one property against one value. */
static bool one(const char *filter_json, const char *property, const char *value)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"filterGroups\":[{\"filters\":[%s]}]}", filter_json);
    hs_search *s = parse_ok(body);
    rec r = {{property}, {value}};
    bool m = hs_search_match(s, rec_get, &r);
    hs_search_free(s);
    return m;
}

/* --- operators ------------------------------------------------------------------ */

Test(hs_filter, eq_and_neq_strings_ignore_case)
{
    const char *eq = "{\"propertyName\":\"email\",\"operator\":\"EQ\",\"value\":\"A@Example.com\"}";
    cr_assert(one(eq, "email", "a@example.COM"));
    cr_assert_not(one(eq, "email", "b@example.com"));
    cr_assert_not(one(eq, "email", NULL));
    const char *neq = "{\"propertyName\":\"city\",\"operator\":\"NEQ\",\"value\":\"Paris\"}";
    cr_assert_not(one(neq, "city", "PARIS"));
    cr_assert(one(neq, "city", "Rome"));
    cr_assert(one(neq, "city", NULL), "a record without the property is not equal");
    cr_assert(one(neq, "city", ""), "an empty value is no value");
}

Test(hs_filter, number_comparisons_are_numeric)
{
    cr_assert(one("{\"propertyName\":\"n\",\"operator\":\"LT\",\"value\":\"10\"}", "n", "9"));
    cr_assert_not(one("{\"propertyName\":\"n\",\"operator\":\"LT\",\"value\":\"10\"}", "n", "10"));
    cr_assert(one("{\"propertyName\":\"n\",\"operator\":\"LTE\",\"value\":10}", "n", "10.0"));
    cr_assert(one("{\"propertyName\":\"n\",\"operator\":\"GT\",\"value\":\"9\"}", "n", "10"),
              "numeric, not lexicographic ('10' < '9' as text)");
    cr_assert(one("{\"propertyName\":\"n\",\"operator\":\"GTE\",\"value\":\"-1.5\"}", "n", "-1.5"));
    cr_assert(one("{\"propertyName\":\"n\",\"operator\":\"EQ\",\"value\":\"2\"}", "n", "2.0"));
    cr_assert_not(one("{\"propertyName\":\"n\",\"operator\":\"GT\",\"value\":\"1\"}", "n", "abc"),
                  "a value that is not a number never compares");
    cr_assert_not(one("{\"propertyName\":\"n\",\"operator\":\"GT\",\"value\":\"1\"}", "n", NULL));
}

Test(hs_filter, between_is_inclusive)
{
    const char *f =
        "{\"propertyName\":\"n\",\"operator\":\"BETWEEN\",\"value\":\"5\",\"highValue\":\"7\"}";
    cr_assert(one(f, "n", "5"));
    cr_assert(one(f, "n", "6.5"));
    cr_assert(one(f, "n", "7"));
    cr_assert_not(one(f, "n", "4.99"));
    cr_assert_not(one(f, "n", "8"));
}

Test(hs_filter, datetimes_compare_as_instants_in_any_notation)
{
    /* 2024-01-02T00:00:00Z = 1704153600000 */
    const char *gte =
        "{\"propertyName\":\"seen\",\"operator\":\"GTE\",\"value\":\"1704153600000\"}";
    cr_assert(one(gte, "seen", "2024-01-02T00:00:00.000Z"));
    cr_assert(one(gte, "seen", "2024-01-02T01:00:00+01:00"), "same instant, other offset");
    cr_assert_not(one(gte, "seen", "2024-01-01T23:59:59.999Z"));
    cr_assert(one(gte, "seen", "1704153600001"), "epoch milliseconds in the record");
    const char *lt = "{\"propertyName\":\"seen\",\"operator\":\"LT\",\"value\":\"2024-01-02\"}";
    cr_assert(one(lt, "seen", "1704153599999"));
    cr_assert_not(one(lt, "seen", "2024-01-02T00:00:00Z"));
    const char *between = "{\"propertyName\":\"born\",\"operator\":\"BETWEEN\","
                          "\"value\":\"2000-01-01\",\"highValue\":\"2000-12-31\"}";
    cr_assert(one(between, "born", "2000-06-15"));
    cr_assert_not(one(between, "born", "2001-01-01"));
    cr_assert(one("{\"propertyName\":\"born\",\"operator\":\"EQ\",\"value\":946684800000}", "born",
                  "2000-01-01"),
              "a date equals its midnight epoch milliseconds");
}

Test(hs_filter, strings_order_case_insensitively)
{
    cr_assert(one("{\"propertyName\":\"city\",\"operator\":\"LT\",\"value\":\"berlin\"}", "city",
                  "Amsterdam"));
    cr_assert(
        one("{\"propertyName\":\"city\",\"operator\":\"GTE\",\"value\":\"ROME\"}", "city", "rome"));
}

Test(hs_filter, in_and_not_in)
{
    const char *in =
        "{\"propertyName\":\"status\",\"operator\":\"IN\",\"values\":[\"NEW\",\"OPEN\"]}";
    cr_assert(one(in, "status", "open"));
    cr_assert_not(one(in, "status", "CONNECTED"));
    cr_assert_not(one(in, "status", NULL));
    const char *not_in =
        "{\"propertyName\":\"status\",\"operator\":\"NOT_IN\",\"values\":[\"NEW\",\"OPEN\"]}";
    cr_assert(one(not_in, "status", "CONNECTED"));
    cr_assert(one(not_in, "status", NULL));
    cr_assert_not(one(not_in, "status", "NEW"));
    cr_assert(one("{\"propertyName\":\"n\",\"operator\":\"IN\",\"values\":[1,2,3]}", "n", "2.0"),
              "numbers in IN compare numerically");
    cr_assert(one("{\"propertyName\":\"tags\",\"operator\":\"IN\",\"values\":[\"OPEN\"]}", "tags",
                  "RED;OPEN;BLUE"),
              "a multi-value enumeration matches by part");
}

Test(hs_filter, has_property_and_not_has_property)
{
    const char *has = "{\"propertyName\":\"city\",\"operator\":\"HAS_PROPERTY\"}";
    const char *hasnt = "{\"propertyName\":\"city\",\"operator\":\"NOT_HAS_PROPERTY\"}";
    cr_assert(one(has, "city", "Oslo"));
    cr_assert_not(one(has, "city", NULL));
    cr_assert_not(one(has, "city", ""));
    cr_assert(one(hasnt, "city", ""));
    cr_assert_not(one(hasnt, "city", "Oslo"));
}

Test(hs_filter, contains_token_words_and_wildcards)
{
    const char *word =
        "{\"propertyName\":\"city\",\"operator\":\"CONTAINS_TOKEN\",\"value\":\"york\"}";
    cr_assert(one(word, "city", "New York"));
    cr_assert_not(one(word, "city", "Yorkshire"), "a token is a whole word");
    const char *wild =
        "{\"propertyName\":\"email\",\"operator\":\"CONTAINS_TOKEN\",\"value\":\"*@example.com\"}";
    cr_assert(one(wild, "email", "Someone@EXAMPLE.com"));
    cr_assert_not(one(wild, "email", "someone@example.org"));
    const char *not_contains =
        "{\"propertyName\":\"city\",\"operator\":\"NOT_CONTAINS_TOKEN\",\"value\":\"york\"}";
    cr_assert(one(not_contains, "city", "Boston"));
    cr_assert(one(not_contains, "city", NULL));
    cr_assert_not(one(not_contains, "city", "new york"));
}

Test(hs_filter, booleans_and_enumerations)
{
    cr_assert(
        one("{\"propertyName\":\"optout\",\"operator\":\"EQ\",\"value\":true}", "optout", "true"));
    cr_assert(one("{\"propertyName\":\"optout\",\"operator\":\"NEQ\",\"value\":\"true\"}", "optout",
                  "false"));
    cr_assert(one("{\"propertyName\":\"status\",\"operator\":\"EQ\",\"value\":\"new\"}", "status",
                  "NEW"));
}

Test(hs_filter, groups_are_or_filters_are_and)
{
    hs_search *s = parse_ok(
        "{\"filterGroups\":["
        "{\"filters\":[{\"propertyName\":\"city\",\"operator\":\"EQ\",\"value\":\"Rome\"},"
        "             {\"propertyName\":\"n\",\"operator\":\"GT\",\"value\":\"5\"}]},"
        "{\"filters\":[{\"propertyName\":\"email\",\"operator\":\"EQ\",\"value\":\"x@y.z\"}]}]}");
    rec both = {{"city", "n"}, {"Rome", "6"}};
    rec half = {{"city", "n"}, {"Rome", "4"}};
    rec other = {{"email"}, {"X@Y.Z"}};
    cr_assert(hs_search_match(s, rec_get, &both));
    cr_assert_not(hs_search_match(s, rec_get, &half));
    cr_assert(hs_search_match(s, rec_get, &other));
    hs_search_free(s);
    hs_search *all = parse_ok("{}");
    cr_assert(hs_search_match(all, rec_get, &half), "no filter groups: everything matches");
    hs_search_free(all);
}

/* --- request fields and limits ---------------------------------------------- */

Test(hs_filter, request_fields)
{
    hs_search *s = parse_ok("{\"limit\":200,\"after\":\"400\",\"properties\":[\"email\",\"city\"],"
                            "\"sorts\":[{\"propertyName\":\"seen\",\"direction\":\"DESCENDING\"}],"
                            "\"query\":\"ann\"}");
    cr_assert_eq(s->limit, 200);
    cr_assert_eq(s->after, 400);
    cr_assert_eq(s->nproperties, 2);
    cr_assert_str_eq(s->properties[1], "city");
    cr_assert_eq(s->nsorts, 1);
    cr_assert(s->sorts[0].descending);
    cr_assert_eq(s->sorts[0].type, HS_PT_DATETIME);
    cr_assert_str_eq(s->query, "ann");
    hs_search_free(s);
    s = parse_ok("{\"sorts\":[\"-n\"],\"after\":12}");
    cr_assert_eq(s->limit, HS_SEARCH_DEFAULT_LIMIT);
    cr_assert_eq(s->after, 12);
    cr_assert(s->sorts[0].descending);
    cr_assert_str_eq(s->sorts[0].property, "n");
    hs_search_free(s);
}

static void filters_json(char *out, size_t size, int groups, int per_group)
{
    size_t n = (size_t)snprintf(out, size, "{\"filterGroups\":[");
    for (int g = 0; g < groups; g++) {
        n += (size_t)snprintf(out + n, size - n, "%s{\"filters\":[", g ? "," : "");
        for (int f = 0; f < per_group; f++)
            n += (size_t)snprintf(out + n, size - n,
                                  "%s{\"propertyName\":\"email\",\"operator\":\"HAS_PROPERTY\"}",
                                  f ? "," : "");
        n += (size_t)snprintf(out + n, size - n, "]}");
    }
    snprintf(out + n, size - n, "]}");
}

Test(hs_filter, hubspot_limits)
{
    char body[16384];
    cs_err err;
    filters_json(body, sizeof body, 5, 5);
    hs_search_free(parse_ok(body));
    filters_json(body, sizeof body, 6, 1);
    cr_assert(strstr(parse_fail(body, &err), "filterGroups"));
    filters_json(body, sizeof body, 1, 11);
    cr_assert(strstr(parse_fail(body, &err), "filters"));
    filters_json(body, sizeof body, 3, 10);
    cr_assert(strstr(parse_fail(body, &err), "25"), "30 filters in all is more than 25");
    cr_assert(strstr(parse_fail("{\"limit\":201}", &err), "limit"));
    cr_assert(strstr(parse_fail("{\"limit\":-1}", &err), "limit"));
    cr_assert(strstr(parse_fail("{\"after\":\"10000\"}", &err), "10000"));
    hs_search_free(parse_ok("{\"after\":\"9999\",\"limit\":200}"));
    cr_assert(strstr(parse_fail("{\"sorts\":[\"n\",\"email\"]}", &err), "sort"));
    char query[3100];
    memset(query, 'q', sizeof query);
    snprintf(body, sizeof body, "{\"query\":\"%.*s\"}", 3001, query);
    cr_assert(strstr(parse_fail(body, &err), "3000"));
}

Test(hs_filter, malformed_requests_get_clear_errors)
{
    cs_err err;
    cr_assert(strstr(parse_fail("", &err), "JSON"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":", &err), "JSON"));
    cr_assert(strstr(parse_fail("[]", &err), "object"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":{}}", &err), "array"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{}]}", &err), "filters"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[7]}]}", &err), "object"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"operator\":\"EQ\"}]}]}", &err),
                     "propertyName"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"n\","
                                "\"operator\":\"LIKE\",\"value\":\"1\"}]}]}",
                                &err),
                     "LIKE"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"n\","
                                "\"operator\":\"EQ\"}]}]}",
                                &err),
                     "value"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"n\","
                                "\"operator\":\"BETWEEN\",\"value\":\"1\"}]}]}",
                                &err),
                     "highValue"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"n\","
                                "\"operator\":\"IN\",\"values\":[]}]}]}",
                                &err),
                     "values"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"n\","
                                "\"operator\":\"IN\",\"values\":[{}]}]}]}",
                                &err),
                     "values[0]"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"n\","
                                "\"operator\":\"EQ\",\"value\":[1]}]}]}",
                                &err),
                     "value"));
    cr_assert(
        strstr(parse_fail("{\"sorts\":[{\"propertyName\":\"n\",\"direction\":\"UP\"}]}", &err),
               "direction"));
    cr_assert(strstr(parse_fail("{\"after\":\"abc\"}", &err), "after"));
    cr_assert(strstr(parse_fail("{\"properties\":\"email\"}", &err), "properties"));
    cr_assert(strstr(parse_fail("{\"query\":5}", &err), "query"));
}

Test(hs_filter, resolve_rejects_unknown_properties_and_untyped_values)
{
    cs_err err;
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"nope\","
                                "\"operator\":\"EQ\",\"value\":\"1\"}]}]}",
                                &err),
                     "nope"));
    cr_assert(strstr(parse_fail("{\"sorts\":[\"nope\"]}", &err), "nope"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"n\","
                                "\"operator\":\"GT\",\"value\":\"ten\"}]}]}",
                                &err),
                     "number"));
    cr_assert(strstr(parse_fail("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"seen\","
                                "\"operator\":\"GT\",\"value\":\"yesterday\"}]}]}",
                                &err),
                     "date"));
}

/* --- sorting and free text --------------------------------------------------- */

Test(hs_filter, value_compare_by_type_with_unset_last)
{
    cr_assert_lt(hs_value_compare(HS_PT_NUMBER, "9", "10"), 0);
    cr_assert_gt(hs_value_compare(HS_PT_STRING, "9", "10"), 0);
    cr_assert_eq(hs_value_compare(HS_PT_STRING, "abc", "ABC"), 0);
    cr_assert_lt(hs_value_compare(HS_PT_DATETIME, "2024-01-01T00:00:00Z", "1704067200001"), 0);
    cr_assert_lt(hs_value_compare(HS_PT_STRING, "z", NULL), 0);
    cr_assert_gt(hs_value_compare(HS_PT_STRING, "", "a"), 0);
    cr_assert_eq(hs_value_compare(HS_PT_NUMBER, NULL, ""), 0);
}

Test(hs_filter, free_text_query)
{
    const char *values[] = {"Anna", "Smith", "anna.smith@example.com", NULL};
    cr_assert(hs_query_match("smith", values, 4));
    cr_assert(hs_query_match("ann smi", values, 4), "every word must occur");
    cr_assert_not(hs_query_match("anna jones", values, 4));
    cr_assert(hs_query_match(NULL, values, 4));
}

Test(hs_filter, names)
{
    cr_assert_str_eq(hs_op_name(HS_OP_NOT_CONTAINS_TOKEN), "NOT_CONTAINS_TOKEN");
    cr_assert_eq(hs_ptype_from_name("datetime"), HS_PT_DATETIME);
    cr_assert_eq(hs_ptype_from_name("enumeration"), HS_PT_ENUM);
    cr_assert_eq(hs_ptype_from_name("phone_number"), HS_PT_STRING);
}

/* --- batch inputs -------------------------------------------------------------- */

static int batch(const char *json, hs_batch_kind kind, hs_batch *b, cs_err *err)
{
    json_t *body = json_loads(json, 0, NULL);
    cr_assert_not_null(body, "test JSON is invalid: %s", json);
    cs_err_clear(err);
    int rc = hs_batch_parse(body, kind, b, err);
    if (rc != 0)
        cr_assert_null(b->inputs, "out parameter left empty on failure");
    hs_batch_dispose(b);
    json_decref(body);
    return rc;
}

Test(hs_input, shapes_per_kind)
{
    hs_batch b;
    cs_err err;
    json_t *body = json_loads("{\"inputs\":[{\"properties\":{\"email\":\"a@b.c\"},"
                              "\"associations\":[]}]}",
                              0, NULL);
    cr_assert_eq(hs_batch_parse(body, HS_BATCH_CREATE, &b, &err), 0, "%s", err.message);
    cr_assert_eq(b.n, 1);
    cr_assert_str_eq(json_string_value(json_object_get(b.inputs[0].properties, "email")), "a@b.c");
    cr_assert_not_null(b.inputs[0].associations);
    hs_batch_dispose(&b);
    json_decref(body);

    body = json_loads("{\"inputs\":[{\"id\":\"a@b.c\"},{\"id\":42}],\"idProperty\":\"email\","
                      "\"properties\":[\"email\"]}",
                      0, NULL);
    cr_assert_eq(hs_batch_parse(body, HS_BATCH_READ, &b, &err), 0, "%s", err.message);
    cr_assert_str_eq(b.id_property, "email");
    cr_assert_str_eq(b.inputs[1].id, "42");
    cr_assert_eq(json_array_size(b.properties), 1);
    hs_batch_dispose(&b);
    json_decref(body);

    cr_assert_eq(
        batch("{\"inputs\":[{\"id\":\"1\",\"properties\":{}}]}", HS_BATCH_UPDATE, &b, &err), 0);
    cr_assert_eq(
        batch("{\"inputs\":[{\"id\":\"x@y.z\",\"idProperty\":\"email\",\"properties\":{}}]}",
              HS_BATCH_UPSERT, &b, &err),
        0);
    cr_assert_eq(batch("{\"inputs\":[{\"id\":\"1\"}]}", HS_BATCH_ARCHIVE, &b, &err), 0);
    cr_assert_eq(batch("{\"inputs\":[]}", HS_BATCH_CREATE, &b, &err), 0);
}

Test(hs_input, limits_and_malformed_inputs)
{
    hs_batch b;
    cs_err err;
    char body[8192];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"inputs\":[");
    for (int i = 0; i < 101; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"id\":\"%d\"}", i ? "," : "", i + 1);
    snprintf(body + n, sizeof body - n, "]}");
    cr_assert_eq(batch(body, HS_BATCH_ARCHIVE, &b, &err), -1);
    cr_assert(strstr(err.message, "100"), "%s", err.message);

    cr_assert_eq(batch("{}", HS_BATCH_CREATE, &b, &err), -1);
    cr_assert(strstr(err.message, "inputs"));
    cr_assert_eq(batch("[]", HS_BATCH_CREATE, &b, &err), -1);
    cr_assert_eq(batch("{\"inputs\":[{\"properties\":[]}]}", HS_BATCH_CREATE, &b, &err), -1);
    cr_assert(strstr(err.message, "inputs[0].properties"));
    cr_assert_eq(batch("{\"inputs\":[{\"properties\":{}}]}", HS_BATCH_UPDATE, &b, &err), -1);
    cr_assert(strstr(err.message, "id"));
    cr_assert_eq(batch("{\"inputs\":[{\"id\":\"\"}]}", HS_BATCH_READ, &b, &err), -1);
    cr_assert_eq(batch("{\"inputs\":[{\"id\":-3}]}", HS_BATCH_READ, &b, &err), -1);
    cr_assert_eq(batch("{\"inputs\":[{\"id\":\"1\",\"properties\":{}},"
                       "{\"id\":\"1\",\"properties\":{}}]}",
                       HS_BATCH_UPDATE, &b, &err),
                 -1);
    cr_assert(strstr(err.message, "Duplicate IDs"));
    cr_assert_eq(batch("{\"inputs\":[{\"id\":\"1\",\"idProperty\":7,\"properties\":{}}]}",
                       HS_BATCH_UPSERT, &b, &err),
                 -1);
    cr_assert_eq(
        batch("{\"inputs\":[{\"properties\":{},\"associations\":{}}]}", HS_BATCH_CREATE, &b, &err),
        -1);
    cr_assert_eq(
        batch("{\"inputs\":[{\"id\":\"1\"}],\"properties\":\"email\"}", HS_BATCH_READ, &b, &err),
        -1);
}
