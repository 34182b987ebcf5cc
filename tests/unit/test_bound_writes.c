/* Salesforce writes at the call bound: more than one sObject Collection goes
 * out as one POST /composite of up to 5 collections of 200 (1,000 records a
 * call), each record still with its own result (R4, R9): a refused record in
 * one collection leaves the others, and the rest of its own, landed. Creates,
 * updates and deletes, and a configured batch_size that makes the
 * collections (and so the call) smaller. Runs against the sandbox started
 * in-process. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/connector.h"
#include "net/net.h"
#include "sandbox/sandbox.h"
#include "sandbox_fixture.h"

typedef struct env {
    sb_fixture f;
    cs_connector *sf;
} env;

static void env_start(env *e, int batch_size)
{
    memset(e, 0, sizeof *e);
    cs_sandbox_options o;
    cs_sandbox_options_default(&o);
    o.hubspot_limit_per_10s = 0;
    o.salesforce_daily_limit = 0;
    sb_fixture_start(&e->f, "cs-bound-", &o);
    cs_err err = {0};
    cs_connector_options co = {.base_url = e->f.sf_url,
                               .api_version = "60.0",
                               .token = "sandbox-token",
                               .max_retries = 2,
                               .batch_size = batch_size};
    cr_assert_eq(cs_salesforce_connector_new(&co, &e->sf, &err), 0, "%s", err.message);
}

static void env_stop(env *e)
{
    cs_connector_free(e->sf);
    sb_fixture_stop(&e->f);
}

/* Requests the sandbox counted for Salesforce on endpoints whose key is
 * exactly "METHOD path-template" ending in suffix. */
static long stat_count(const env *e, const char *method, const char *suffix)
{
    cs_http_options o = {.base_url = e->f.hs_url, .max_retries = 0};
    cs_http_client *c;
    cs_err err = {0};
    cr_assert_eq(cs_http_client_new(&o, &c, &err), 0, "%s", err.message);
    cs_http_request req = {.method = CS_HTTP_GET, .path = "/__sandbox/stats"};
    cs_http_response resp;
    cs_http_response_init(&resp);
    cr_assert_eq(cs_http_request_send(c, &req, &resp, &err), 0, "%s", err.message);
    json_t *s = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    cs_http_response_dispose(&resp);
    cs_http_client_free(c);
    long n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(json_object_get(s, "salesforce"), "by_endpoint"), k, v)
    {
        size_t kl = strlen(k), sl = strlen(suffix);
        if (strncmp(k, method, strlen(method)) == 0 && k[strlen(method)] == ' ' && kl >= sl &&
            strcmp(k + kl - sl, suffix) == 0)
            n += (long)json_integer_value(v);
    }
    json_decref(s);
    return n;
}

static uint64_t write_calls(const env *e)
{
    cs_connector_usage u;
    cs_connector_get_usage(e->sf, &u);
    return u.write_calls;
}

/* Leads i in [0, n): email l<i>@example.com, except those in bad[] which get
 * an invalid email. */
static void create_leads(env *e, size_t n, const size_t *bad, size_t nbad, cs_write_result *res)
{
    cs_write_input *in = calloc(n, sizeof *in);
    json_t **f = calloc(n, sizeof *f);
    for (size_t i = 0; i < n; i++) {
        bool is_bad = false;
        for (size_t k = 0; k < nbad; k++)
            is_bad = is_bad || bad[k] == i;
        char email[64];
        snprintf(email, sizeof email, is_bad ? "bad-%zu" : "l%zu@example.com", i);
        f[i] = json_pack("{s:s,s:s,s:s}", "LastName", "Lead", "Company", "Acme", "Email", email);
        in[i].fields = f[i];
    }
    cs_err err = {0};
    cr_assert_eq(cs_connector_write(e->sf, "Lead", CS_WRITE_CREATE, in, n, res, &err), 0, "%s",
                 err.message);
    for (size_t i = 0; i < n; i++)
        json_decref(f[i]);
    free(f);
    free(in);
}

Test(bound_writes, creates_go_out_as_composite_calls_of_five_collections)
{
    env e;
    env_start(&e, 0);
    cr_assert_eq(cs_connector_batch_max(e.sf), 1000);
    enum { N = 1100 };
    cs_write_result *res = calloc(N, sizeof *res);
    const size_t bad[] = {3, 650, 1050};
    create_leads(&e, N, bad, 3, res);
    for (size_t i = 0; i < N; i++) {
        bool is_bad = i == 3 || i == 650 || i == 1050;
        if (is_bad) {
            cr_assert_eq(res[i].status, CS_WRITE_REFUSED, "record %zu", i);
            cr_assert_str_eq(res[i].code, "INVALID_EMAIL_ADDRESS");
            cr_assert_eq(res[i].category, CS_CAT_PROPERTY_VALUES);
        } else {
            cr_assert_eq(res[i].status, CS_WRITE_OK, "record %zu: %s", i, res[i].message);
            cr_assert(res[i].created);
            cr_assert_eq(strlen(res[i].id), 18);
        }
    }
    /* 1,000 in one /composite call, the last 100 in one collection call */
    cr_assert_eq(write_calls(&e), 2);
    cr_assert_eq(stat_count(&e, "POST", "/composite"), 1);
    cr_assert_eq(stat_count(&e, "POST", "/composite/sobjects"), 1);
    /* every result names its own record: read them back by id */
    const char *ids[] = {res[0].id, res[599].id, res[999].id, res[1099].id};
    cs_record_list l;
    cs_record_list_init(&l);
    cs_err err = {0};
    cr_assert_eq(cs_connector_read(e.sf, "Lead", ids, 4, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 4);
    cr_assert_str_eq(cs_record_get(cs_record_list_find(&l, res[599].id), "Email"),
                     "l599@example.com");
    cr_assert_str_eq(cs_record_get(cs_record_list_find(&l, res[999].id), "Email"),
                     "l999@example.com");
    cs_record_list_dispose(&l);
    free(res);
    env_stop(&e);
}

Test(bound_writes, updates_and_deletes_go_through_composite_too)
{
    env e;
    env_start(&e, 0);
    enum { N = 600 };
    cs_write_result *res = calloc(N, sizeof *res), *upd = calloc(N, sizeof *upd);
    create_leads(&e, N, NULL, 0, res);
    uint64_t before = write_calls(&e);
    cs_write_input *in = calloc(N, sizeof *in);
    json_t *title = json_pack("{s:s}", "Title", "Buyer");
    json_t *badnum = json_pack("{s:s}", "NumberOfEmployees", "many");
    for (size_t i = 0; i < N; i++) {
        in[i].id = res[i].id;
        in[i].fields = i == 401 ? badnum : title;
    }
    in[7].id = "00Q000000000000AAA"; /* a well-formed id of no record */
    cs_err err = {0};
    cr_assert_eq(cs_connector_write(e.sf, "Lead", CS_WRITE_UPDATE, in, N, upd, &err), 0, "%s",
                 err.message);
    cr_assert_eq(write_calls(&e) - before, 1, "600 updates in one call");
    cr_assert_eq(upd[7].status, CS_WRITE_REFUSED, "a missing record is refused alone");
    cr_assert_eq(upd[401].status, CS_WRITE_REFUSED);
    cr_assert_str_eq(upd[401].code, "INVALID_TYPE_ON_FIELD_IN_RECORD");
    for (size_t i = 0; i < N; i++)
        if (i != 7 && i != 401)
            cr_assert_eq(upd[i].status, CS_WRITE_OK, "update %zu: %s", i, upd[i].message);
    cr_assert_eq(stat_count(&e, "PATCH", "/composite/sobjects"), 0);

    before = write_calls(&e);
    for (size_t i = 0; i < N; i++)
        in[i].id = res[i].id;
    cr_assert_eq(cs_connector_write(e.sf, "Lead", CS_WRITE_DELETE, in, N, upd, &err), 0, "%s",
                 err.message);
    cr_assert_eq(write_calls(&e) - before, 1, "600 deletes in one call");
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(upd[i].status, CS_WRITE_OK, "delete %zu: %s", i, upd[i].message);
    const char *ids[] = {res[0].id, res[599].id};
    cs_record_list l;
    cs_record_list_init(&l);
    cr_assert_eq(cs_connector_read(e.sf, "Lead", ids, 2, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 0, "deleted");
    cs_record_list_dispose(&l);
    json_decref(title);
    json_decref(badnum);
    free(in);
    free(upd);
    free(res);
    env_stop(&e);
}

Test(bound_writes, a_smaller_batch_size_makes_smaller_collections)
{
    env e;
    env_start(&e, 50);
    cr_assert_eq(cs_connector_batch_max(e.sf), 250, "5 collections of the configured 50");
    enum { N = 300 };
    cs_write_result *res = calloc(N, sizeof *res);
    create_leads(&e, N, NULL, 0, res);
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(res[i].status, CS_WRITE_OK, "record %zu: %s", i, res[i].message);
    cr_assert_eq(write_calls(&e), 2, "250 in one composite call, 50 in one collection");
    cr_assert_eq(stat_count(&e, "POST", "/composite"), 1);
    cr_assert_eq(stat_count(&e, "POST", "/composite/sobjects"), 1);
    free(res);
    env_stop(&e);
}
