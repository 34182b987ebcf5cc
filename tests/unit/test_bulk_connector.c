/* The Salesforce connector through Bulk API 2.0 against the sandbox: a full
 * read above the threshold (a query job, CSV paged by locator) hands out the
 * same records as REST query pages, value for value (CSV has no types: the
 * describe metadata types them; an empty cell is null, as Salesforce keeps
 * no empty strings); the email index likewise; an ingest job's results come
 * back per input (ids, refusals with Salesforce's code, message, fields and
 * R9 category, null clearing a field); the journal sees each job open and
 * close; settling a finished or unknown job succeeds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/connector.h"
#include "sandbox_fixture.h"

static sb_fixture fx;
static cs_connector *sf;

static void setup(void)
{
    cs_sandbox_options o;
    cs_sandbox_options_default(&o);
    o.seed_leads = 0;
    o.hubspot_limit_per_10s = 0;
    o.salesforce_daily_limit = 0;
    sb_fixture_start(&fx, "cs-bulk", &o);
    cs_connector_options co = {
        .base_url = fx.sf_url, .token = "sandbox-token", .max_retries = 2, .api_version = "60.0"};
    cs_err err = {0};
    cr_assert_eq(cs_salesforce_connector_new(&co, &sf, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    cs_connector_free(sf);
    sb_fixture_stop(&fx);
}

/* Leads with every kind of value a CSV cell must carry back. */
static void seed(size_t n)
{
    cs_write_input *in = calloc(n, sizeof *in);
    cs_write_result *res = calloc(n, sizeof *res);
    cr_assert(in && res);
    for (size_t i = 0; i < n; i++) {
        char email[64], last[64], revenue[32], employees[32];
        snprintf(email, sizeof email, "bulk%zu@example.com", i);
        snprintf(last, sizeof last, "Last, \"%zu\"", i);
        snprintf(revenue, sizeof revenue, "%zu.25", i * 1000);
        snprintf(employees, sizeof employees, "%zu", i);
        json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s}", "Email", email, "LastName", last, "Company",
                              i % 3 ? "Acme\nInc" : "Plain", "AnnualRevenue", revenue,
                              "NumberOfEmployees", employees);
        if (i % 2)
            json_object_set_new(f, "Title", json_string("Title with , comma"));
        if (i % 4 == 1)
            json_object_set_new(f, "DoNotCall", json_string("true"));
        in[i].fields = f;
    }
    cs_err err = {0};
    cr_assert_eq(cs_connector_write(sf, "Lead", CS_WRITE_CREATE, in, n, res, &err), 0, "%s",
                 err.message);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(res[i].status, CS_WRITE_OK, "seed %zu: %s", i, res[i].message);
        json_decref((json_t *)in[i].fields);
    }
    free(in);
    free(res);
}

static void full_read(size_t threshold, cs_record_list *out, char cursor[CS_CONNECTOR_CURSOR_MAX])
{
    cs_connector_set_bulk_threshold(sf, threshold);
    cs_scan_options so = {.object = "Lead", .cursor = NULL, .page_size = 200};
    cs_err err = {0};
    cs_record_list_init(out);
    cr_assert_eq(cs_connector_changes(sf, &so, out, cursor, &err), 0, "%s", err.message);
}

static void usage(cs_connector_usage *u)
{
    cs_connector_get_usage(sf, u);
}

TestSuite(bulk_connector, .init = setup, .fini = teardown, .timeout = 240);

Test(bulk_connector, a_bulk_full_read_gives_the_rest_records)
{
    seed(450);
    cs_record_list rest, bulk;
    char c1[CS_CONNECTOR_CURSOR_MAX], c2[CS_CONNECTOR_CURSOR_MAX];
    cs_connector_usage u0, u1, u2;
    usage(&u0);
    full_read(0, &rest, c1);
    usage(&u1);
    full_read(100, &bulk, c2);
    usage(&u2);
    cr_assert_eq(rest.len, 450);
    cr_assert_eq(bulk.len, rest.len, "bulk read %zu records, REST %zu", bulk.len, rest.len);
    cr_assert_str_eq(c2, c1, "both end at the same cursor");
    for (size_t i = 0; i < rest.len; i++) {
        const cs_record *a = &rest.items[i], *b = &bulk.items[i];
        cr_assert_str_eq(b->id, a->id, "record %zu: same order", i);
        cr_assert_eq(b->modified_ms, a->modified_ms, "record %zu: modified", i);
        cr_assert_eq(b->created_ms, a->created_ms, "record %zu: created", i);
        char *ja = json_dumps(a->fields, JSON_SORT_KEYS),
             *jb = json_dumps(b->fields, JSON_SORT_KEYS);
        cr_assert_str_eq(jb, ja, "record %zu: same fields and values", i);
        free(ja);
        free(jb);
    }
    /* the typed values really went through CSV text */
    const cs_record *r = &bulk.items[1];
    cr_assert_str_eq(cs_record_get(r, "AnnualRevenue"), "1000.25");
    cr_assert_str_eq(cs_record_get(r, "NumberOfEmployees"), "1");
    cr_assert_str_eq(cs_record_get(r, "DoNotCall"), "true");
    cr_assert_str_eq(cs_record_get(r, "Company"), "Acme\nInc");
    cr_assert_str_eq(cs_record_get(r, "Title"), "Title with , comma");
    cr_assert(json_is_null(json_object_get(bulk.items[0].fields, "Title")), "empty is null");
    cr_assert_str_eq(cs_record_get(&bulk.items[0], "DoNotCall"), "false");
    /* REST: one COUNT-free listing of 3 pages of 200; Bulk: the COUNT, the
     * job, its polls, one results page, the delete */
    cr_assert_eq(u1.read_calls - u0.read_calls, 3);
    cr_assert_lt(u2.read_calls - u1.read_calls, 12);
    cs_record_list_dispose(&rest);
    cs_record_list_dispose(&bulk);
}

Test(bulk_connector, below_the_threshold_a_full_read_stays_on_rest)
{
    seed(50);
    cs_record_list l;
    char c[CS_CONNECTOR_CURSOR_MAX];
    cs_connector_usage u0, u1;
    usage(&u0);
    full_read(50, &l, c);
    usage(&u1);
    cr_assert_eq(l.len, 50);
    cr_assert_eq(u1.read_calls - u0.read_calls, 2, "the COUNT and one REST page");
    cs_record_list_dispose(&l);
}

static int collect(void *ud, const char *id, const char *email, cs_err *err)
{
    (void)err;
    json_object_set_new(ud, id, json_string(email));
    return 0;
}

Test(bulk_connector, the_email_index_through_a_query_job)
{
    seed(300);
    json_t *rest = json_object(), *bulk = json_object();
    cs_err err = {0};
    cs_connector_set_bulk_threshold(sf, 0);
    cr_assert_eq(cs_connector_email_index(sf, "Lead", collect, rest, &err), 0, "%s", err.message);
    cs_connector_set_bulk_threshold(sf, 10);
    cr_assert_eq(cs_connector_email_index(sf, "Lead", collect, bulk, &err), 0, "%s", err.message);
    cr_assert_eq(json_object_size(rest), 300);
    cr_assert(json_equal(rest, bulk), "the same (id, email) pairs");
    json_decref(rest);
    json_decref(bulk);
}

typedef struct jlog {
    int opened, closed;
    char last[64];
} jlog;

static int journal(void *ud, const char *job_id, bool open, cs_err *err)
{
    (void)err;
    jlog *j = ud;
    if (open)
        j->opened++;
    else
        j->closed++;
    snprintf(j->last, sizeof j->last, "%s", job_id);
    return 0;
}

Test(bulk_connector, an_ingest_job_gives_each_input_its_result)
{
    jlog j = {0};
    cs_connector_set_bulk_journal(sf, journal, &j);
    enum { N = 6 };
    cs_write_input in[N];
    cs_write_result res[N];
    json_t *f[N];
    f[0] = json_pack("{s:s,s:s,s:s}", "Email", "a@example.com", "LastName", "A", "Company", "X");
    f[1] = json_pack("{s:s,s:s}", "Email", "b@example.com", "Company", "X"); /* no LastName */
    f[2] = json_pack("{s:s,s:s,s:s}", "Email", "c@example.com", "LastName", "C, \"q\"", "Company",
                     "Y\nZ");
    f[3] = json_pack("{s:s,s:s,s:s}", "Email", "not-an-email", "LastName", "D", "Company", "X");
    f[4] = json_pack("{s:s,s:s,s:s}", "Email", "a@example.com", "LastName", "A", "Company", "X");
    f[5] = json_pack("{s:s,s:s,s:s}", "Email", "f@example.com", "LastName", "F", "Nope__c", "1");
    for (int i = 0; i < N; i++)
        in[i] = (cs_write_input){.fields = f[i]};
    cs_err err = {0};
    cr_assert_eq(cs_connector_write_bulk(sf, "Lead", CS_WRITE_CREATE, in, N, res, &err), 0, "%s",
                 err.message);
    cr_assert_eq(res[0].status, CS_WRITE_OK);
    cr_assert(res[0].created && strlen(res[0].id) == 18, "%s", res[0].id);
    cr_assert_eq(res[4].status, CS_WRITE_OK, "an identical row gets its own record");
    cr_assert_str_neq(res[4].id, res[0].id);
    cr_assert_eq(res[1].status, CS_WRITE_REFUSED);
    cr_assert_str_eq(res[1].code, "REQUIRED_FIELD_MISSING");
    cr_assert_str_eq(res[1].fields, "LastName");
    cr_assert_eq(res[1].category, CS_CAT_PROPERTY_VALUES);
    cr_assert_eq(res[2].status, CS_WRITE_OK, "quotes, commas and line breaks survive");
    cr_assert_eq(res[3].status, CS_WRITE_REFUSED);
    cr_assert_str_eq(res[3].code, "INVALID_EMAIL_ADDRESS");
    cr_assert(strstr(res[3].message, "not-an-email") != NULL, "%s", res[3].message);
    cr_assert_eq(res[5].status, CS_WRITE_REFUSED, "refused before the job: no such field");
    cr_assert_eq(j.opened, 1);
    cr_assert_eq(j.closed, 1);

    /* update: a value changes, null clears (#N/A), a missing key stays */
    cs_record_list got;
    cs_record_list_init(&got);
    const char *ids[] = {res[2].id};
    cr_assert_eq(cs_connector_read(sf, "Lead", ids, 1, &got, &err), 0, "%s", err.message);
    cr_assert_str_eq(cs_record_get(&got.items[0], "LastName"), "C, \"q\"");
    cr_assert_str_eq(cs_record_get(&got.items[0], "Company"), "Y\nZ");
    cs_record_list_dispose(&got);
    json_t *u = json_pack("{s:s,s:n}", "LastName", "C2", "Email");
    cs_write_input up = {.id = res[2].id, .fields = u};
    cs_write_result ur;
    cr_assert_eq(cs_connector_write_bulk(sf, "Lead", CS_WRITE_UPDATE, &up, 1, &ur, &err), 0, "%s",
                 err.message);
    cr_assert_eq(ur.status, CS_WRITE_OK, "%s", ur.message);
    cr_assert_str_eq(ur.id, res[2].id);
    cs_record_list_init(&got);
    cr_assert_eq(cs_connector_read(sf, "Lead", ids, 1, &got, &err), 0, "%s", err.message);
    cr_assert_str_eq(cs_record_get(&got.items[0], "LastName"), "C2");
    cr_assert(json_is_null(json_object_get(got.items[0].fields, "Email")), "cleared");
    cr_assert_str_eq(cs_record_get(&got.items[0], "Company"), "Y\nZ", "left as it was");
    cs_record_list_dispose(&got);
    cr_assert_eq(j.opened, 2);
    cr_assert_eq(j.closed, 2);

    /* a finished job, and one Salesforce does not know, settle at once */
    cr_assert_eq(cs_connector_bulk_settle(sf, j.last, &err), 0, "%s", err.message);
    cr_assert_eq(cs_connector_bulk_settle(sf, "750000000000000AAA", &err), 0, "%s", err.message);
    json_decref(u);
    for (int i = 0; i < N; i++)
        json_decref(f[i]);
}

static int refuse_journal(void *ud, const char *job_id, bool open, cs_err *err)
{
    (void)ud;
    (void)job_id;
    (void)open;
    return cs_err_set(err, CS_ERR_INTERNAL, "the store is gone");
}

Test(bulk_connector, a_job_the_journal_cannot_keep_is_never_run)
{
    cs_connector_set_bulk_journal(sf, refuse_journal, NULL);
    json_t *f =
        json_pack("{s:s,s:s,s:s}", "Email", "z@example.com", "LastName", "Z", "Company", "X");
    cs_write_input in = {.fields = f};
    cs_write_result res;
    cs_err err = {0};
    cr_assert_eq(cs_connector_write_bulk(sf, "Lead", CS_WRITE_CREATE, &in, 1, &res, &err), -1);
    cr_assert(strstr(err.message, "the store is gone") != NULL, "%s", err.message);
    cr_assert_eq(res.status, CS_WRITE_NOT_SENT, "nothing was uploaded: known not written");
    json_decref(f);
    cs_connector_set_bulk_threshold(sf, 0);
    cs_record_list l;
    char c[CS_CONNECTOR_CURSOR_MAX];
    full_read(0, &l, c);
    cr_assert_eq(l.len, 0, "no Lead was created");
    cs_record_list_dispose(&l);
}
