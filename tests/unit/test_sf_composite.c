/* References between the subrequests of a Composite request
 * (sandbox/sf_composite.h): referenceId rules, @{ref.path} lookups with
 * .field and [index] steps, whole-value and in-text substitution, and the
 * PROCESSING_HALTED message for references that cannot resolve; and the
 * subrequests it runs (sandbox/sb_subreq.h): URL decoding, routing, query
 * arguments and headers without a connection. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sb_subreq.h"
#include "sandbox/sf_composite.h"

/* Two subrequests run: an Account create and a query; plus one that failed. */
static json_t *bodies[3];
static sf_crefs refs;

static void setup(void)
{
    bodies[0] = json_pack("{s:s,s:b,s:[]}", "id", "001000000000001AAA", "success", 1, "errors");
    bodies[1] = json_loads("{\"totalSize\":2,\"done\":true,\"records\":["
                           "{\"Id\":\"003000000000001AAA\",\"NumberOfEmployees\":42,"
                           "\"Account\":{\"Name\":\"Acme\"},\"Active\":true,\"Fax\":null},"
                           "{\"Id\":\"003000000000002AAA\"}]}",
                           0, NULL);
    bodies[2] = json_pack("[{s:s,s:s}]", "errorCode", "REQUIRED_FIELD_MISSING", "message", "x");
    refs = (sf_crefs){.n = 3};
    refs.items[0] = (sf_cref){"acc", bodies[0], true};
    refs.items[1] = (sf_cref){"q", bodies[1], true};
    refs.items[2] = (sf_cref){"bad", bodies[2], false};
}

static void teardown(void)
{
    for (int i = 0; i < 3; i++)
        json_decref(bodies[i]);
}

TestSuite(sf_composite, .init = setup, .fini = teardown);

Test(sf_composite, reference_ids)
{
    cr_assert(sf_cref_valid_id("refAccount"));
    cr_assert(sf_cref_valid_id("a"));
    cr_assert(sf_cref_valid_id("chunk_0_B"));
    cr_assert_not(sf_cref_valid_id(""));
    cr_assert_not(sf_cref_valid_id(NULL));
    cr_assert_not(sf_cref_valid_id("0chunk"));
    cr_assert_not(sf_cref_valid_id("_chunk"));
    cr_assert_not(sf_cref_valid_id("has-dash"));
    cr_assert_not(sf_cref_valid_id("dot.ted"));
    char longest[SF_COMPOSITE_REF_MAX + 2];
    memset(longest, 'a', sizeof longest - 1);
    longest[SF_COMPOSITE_REF_MAX] = '\0';
    cr_assert(sf_cref_valid_id(longest));
    longest[SF_COMPOSITE_REF_MAX] = 'a';
    longest[SF_COMPOSITE_REF_MAX + 1] = '\0';
    cr_assert_not(sf_cref_valid_id(longest));
}

static char *text(const char *in)
{
    char msg[300] = "";
    char *out = sf_cref_resolve_text(&refs, in, msg, sizeof msg);
    cr_assert_not_null(out, "%s: %s", in, msg);
    return out;
}

Test(sf_composite, text_substitution)
{
    char *s = text("/services/data/v60.0/sobjects/Account/@{acc.id}");
    cr_assert_str_eq(s, "/services/data/v60.0/sobjects/Account/001000000000001AAA");
    free(s);
    s = text("@{q.records[1].Id}+@{q.records[0].NumberOfEmployees}:@{q.records[0].Active}");
    cr_assert_str_eq(s, "003000000000002AAA+42:true");
    free(s);
    s = text("@{q.records[0].Account.Name}@{acc.errors}");
    cr_assert_str_eq(s, "Acme[]");
    free(s);
    /* Not references: left as written. */
    s = text("plain @ {acc.id} @{ and @{}");
    cr_assert_str_eq(s, "plain @ {acc.id} @{ and @{}");
    free(s);
    s = text("");
    cr_assert_str_eq(s, "");
    free(s);
}

static void assert_unresolved(const char *in, const char *message)
{
    char msg[300] = "";
    char *out = sf_cref_resolve_text(&refs, in, msg, sizeof msg);
    cr_assert_null(out, "%s resolved to %s", in, out ? out : "");
    cr_assert_str_eq(msg, message);
}

Test(sf_composite, unresolvable_references)
{
    assert_unresolved("x/@{q.records[5].Id}",
                      "Invalid reference specified. No value for q.records[5].Id found in q");
    assert_unresolved("@{q.records[0].Nope}",
                      "Invalid reference specified. No value for q.records[0].Nope found in q");
    /* A null value is no value. */
    assert_unresolved("@{q.records[0].Fax}",
                      "Invalid reference specified. No value for q.records[0].Fax found in q");
    /* A failed subrequest's body cannot be read. */
    assert_unresolved("@{bad[0].errorCode}",
                      "Invalid reference specified. No value for bad[0].errorCode found in bad");
    assert_unresolved("@{later.id}",
                      "Invalid reference specified. No value for later.id found in later");
    assert_unresolved("@{q.records[x].Id}",
                      "Invalid reference specified. No value for q.records[x].Id found in q");
    assert_unresolved("@{acc..id}",
                      "Invalid reference specified. No value for acc..id found in acc");
    /* Field names are case-sensitive, as in the response body. */
    assert_unresolved("@{acc.Id}", "Invalid reference specified. No value for acc.Id found in acc");
}

Test(sf_composite, json_substitution_keeps_types_of_whole_values)
{
    json_t *in = json_pack("{s:s,s:s,s:s,s:[s,i],s:{s:s},s:n}", "AccountId", "@{acc.id}",
                           "NumberOfEmployees", "@{q.records[0].NumberOfEmployees}", "Description",
                           "n=@{q.records[0].NumberOfEmployees}", "list", "@{q.records[0].Active}",
                           7, "nested", "Name", "@{q.records[0].Account.Name}", "Fax");
    char msg[300] = "";
    json_t *out = sf_cref_resolve(&refs, in, msg, sizeof msg);
    cr_assert_not_null(out, "%s", msg);
    json_t *want = json_pack("{s:s,s:i,s:s,s:[b,i],s:{s:s},s:n}", "AccountId", "001000000000001AAA",
                             "NumberOfEmployees", 42, "Description", "n=42", "list", 1, 7, "nested",
                             "Name", "Acme", "Fax");
    cr_assert(json_equal(out, want));
    /* The input is left as it was. */
    cr_assert_str_eq(json_string_value(json_object_get(in, "AccountId")), "@{acc.id}");
    json_decref(want);
    json_decref(out);

    json_t *bad = json_pack("{s:[{s:s}]}", "records", "AccountId", "@{acc.nope}");
    cr_assert_null(sf_cref_resolve(&refs, bad, msg, sizeof msg));
    cr_assert_str_eq(msg, "Invalid reference specified. No value for acc.nope found in acc");
    json_decref(bad);
    json_decref(in);
}

Test(sf_composite, whole_value_is_a_copy)
{
    json_t *in = json_string("@{q.records[0]}");
    char msg[300] = "";
    json_t *out = sf_cref_resolve(&refs, in, msg, sizeof msg);
    cr_assert_not_null(out, "%s", msg);
    json_object_set_new(out, "Id", json_string("changed"));
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(bodies[1], "records"), 0), "Id")),
                     "003000000000001AAA");
    json_decref(out);
    json_decref(in);
}

Test(sf_composite, nesting_is_bounded)
{
    json_t *v = json_string("x");
    for (int i = 0; i < 100; i++)
        v = json_pack("[o]", v);
    char msg[300] = "";
    cr_assert_null(sf_cref_resolve(&refs, v, msg, sizeof msg));
    cr_assert(strstr(msg, "nested more than") != NULL, "%s", msg);
    json_decref(v);
}

/* --- subrequests (sandbox/sb_subreq.h) ------------------------------------ */

static void noop(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)ctx;
    (void)req;
    (void)res;
}

static const sb_route routes[] = {
    {"GET", "/services/data/{version}/query", noop, 0},
    {"GET", "/services/data/{version}/sobjects/[object]/{id}", noop, 0},
    {NULL, NULL, NULL, 0},
};

Test(sb_subreq, url_is_decoded_as_a_top_level_request)
{
    sb_subreq s;
    cs_err err;
    sb_pair headers[] = {{"Sforce-Query-Options", "batchSize=200"}};
    cr_assert_eq(sb_subreq_init(&s, SB_SALESFORCE, routes, "GET",
                                "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead+WHERE+Name="
                                "'a%2Bb%20c'&flag&x=%zz",
                                "", 0, headers, 1, &err),
                 0, "%s", err.message);
    cr_assert_eq(s.route, &routes[0]);
    cr_assert_str_eq(s.req.route_pattern, "/services/data/{version}/query");
    cr_assert_str_eq(sb_param(&s.req, "version"), "v60.0");
    cr_assert_str_eq(sb_query(&s.req, "q"), "SELECT Id FROM Lead WHERE Name='a+b c'");
    cr_assert_str_eq(sb_query(&s.req, "flag"), "");
    cr_assert_str_eq(sb_query(&s.req, "x"), "%zz", "a malformed escape stays as written");
    cr_assert_null(sb_query(&s.req, "Q"), "argument names are case-sensitive");
    cr_assert_str_eq(sb_header(&s.req, "sforce-query-options"), "batchSize=200");
    cr_assert_null(sb_header(&s.req, "Authorization"));
    sb_subreq_dispose(&s);
}

Test(sb_subreq, path_is_percent_decoded_and_routed)
{
    sb_subreq s;
    cs_err err;
    cr_assert_eq(sb_subreq_init(&s, SB_SALESFORCE, routes, "GET",
                                "/services/data/v60.0/sobjects/Account/001%2B1+2", "", 0, NULL, 0,
                                &err),
                 0);
    cr_assert_eq(s.route, &routes[1]);
    cr_assert_str_eq(sb_param(&s.req, "id"), "001+1+2", "'+' is a plus in a path");
    sb_subreq_dispose(&s);
    cr_assert_eq(sb_subreq_init(&s, SB_SALESFORCE, routes, "POST", "/services/data/v60.0/query", "",
                                0, NULL, 0, &err),
                 0);
    cr_assert_null(s.route, "no route for the method");
    sb_subreq_dispose(&s);
}

Test(sb_subreq, query_arguments_are_bounded)
{
    char url[512];
    size_t len = (size_t)snprintf(url, sizeof url, "/services/data/v60.0/query?");
    for (int i = 0; i <= SB_SUB_MAX_ARGS; i++) {
        int n = snprintf(url + len, sizeof url - len, "a%d=1&", i);
        cr_assert(n > 0 && (size_t)n < sizeof url - len);
        len += (size_t)n;
    }
    sb_subreq s;
    cs_err err;
    cr_assert_eq(sb_subreq_init(&s, SB_SALESFORCE, routes, "GET", url, "", 0, NULL, 0, &err), -1);
    cr_assert(strstr(err.message, "more than 16 query arguments") != NULL, "%s", err.message);
    sb_subreq_dispose(&s);
}
