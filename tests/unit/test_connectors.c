/* Both connectors against the sandbox, started in-process on free loopback
 * ports in a fresh directory per test: schemas, change detection from cursors
 * (R2, including HubSpot's 10,000-result search cap and Salesforce query
 * paging past 2,000 rows), batch writes with mixed good and bad records (R4,
 * R9), the HubSpot 409 duplicate (C5), the email lookup order (C5), unknown
 * outcomes of creates, and API-call counting (R6). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connector/connector.h"
#include "core/timeutil.h"
#include "net/net.h"
#include "sandbox/sandbox.h"
#include "sandbox_fixture.h"

typedef struct env {
    sb_fixture f;
    cs_connector *hs, *sf;
} env;

static void env_start(env *e)
{
    memset(e, 0, sizeof *e);
    cs_sandbox_options o;
    cs_sandbox_options_default(&o);
    o.hubspot_limit_per_10s = 0;
    o.salesforce_daily_limit = 0;
    sb_fixture_start(&e->f, "cs-conn-", &o);
    cs_err err = {0};
    cs_connector_options co = {.base_url = e->f.hs_url, .token = "sandbox-token", .max_retries = 2};
    cr_assert_eq(cs_hubspot_connector_new(&co, &e->hs, &err), 0, "%s", err.message);
    co.base_url = e->f.sf_url;
    co.api_version = "60.0";
    cr_assert_eq(cs_salesforce_connector_new(&co, &e->sf, &err), 0, "%s", err.message);
}

static void env_stop(env *e)
{
    cs_connector_free(e->hs);
    cs_connector_free(e->sf);
    sb_fixture_stop(&e->f);
}

/* A request to a sandbox admin route (or any route) without the connectors. */
static json_t *raw(const char *base, cs_http_method m, const char *path, const char *body)
{
    cs_http_options o = {.base_url = base, .max_retries = 0};
    cs_http_client *c;
    cs_err err = {0};
    cr_assert_eq(cs_http_client_new(&o, &c, &err), 0, "%s", err.message);
    /* the admin routes need no token; the APIs do */
    cs_http_kv auth = {"Authorization", "Bearer sandbox-token"};
    bool admin = strncmp(path, "/__sandbox/", 11) == 0;
    cs_http_request req = {.method = m,
                           .path = path,
                           .headers = admin ? NULL : &auth,
                           .nheaders = admin ? 0 : 1,
                           .body = body,
                           .body_len = body ? strlen(body) : 0,
                           .idempotency = CS_HTTP_IDEMPOTENT};
    cs_http_response resp;
    cs_http_response_init(&resp);
    int rc = cs_http_request_send(c, &req, &resp, &err);
    cr_assert_eq(rc, 0, "%s %s: %s", cs_http_method_name(m), path, err.message);
    json_t *j = resp.body.len ? json_loadb(resp.body.data, resp.body.len, 0, NULL) : NULL;
    cs_http_response_dispose(&resp);
    cs_http_client_free(c);
    return j;
}

/* Requests the sandbox counted on the endpoints of api whose key (method and
 * path template) contains every one of the given parts. */
static long stat_count(const env *e, const char *api, const char *part1, const char *part2)
{
    json_t *s = raw(e->f.hs_url, CS_HTTP_GET, "/__sandbox/stats", NULL);
    long n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(json_object_get(s, api), "by_endpoint"), k, v)
    {
        if (strstr(k, part1) != NULL && (part2 == NULL || strstr(k, part2) != NULL))
            n += (long)json_integer_value(v);
    }
    json_decref(s);
    return n;
}

/* pattern with every '#' replaced by i. */
static void fill(char *out, size_t size, const char *pattern, size_t i)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 24 < size; p++) {
        if (*p == '#')
            o += (size_t)snprintf(out + o, size - o, "%zu", i);
        else
            out[o++] = *p;
    }
    out[o] = '\0';
}

/* Writes n records to object from a pattern of fields (JSON; '#' is the index). */
static void write_many(cs_connector *c, const char *object, cs_write_kind kind, size_t n,
                       const char *pattern, cs_write_result *res)
{
    cs_write_input *in = calloc(n, sizeof *in);
    json_t **f = calloc(n, sizeof *f);
    for (size_t i = 0; i < n; i++) {
        char text[512];
        fill(text, sizeof text, pattern, i);
        f[i] = json_loads(text, 0, NULL);
        cr_assert_not_null(f[i], "bad pattern %s", text);
        in[i].fields = f[i];
    }
    cs_err err = {0};
    cr_assert_eq(cs_connector_write(c, object, kind, in, n, res, &err), 0, "%s", err.message);
    for (size_t i = 0; i < n; i++)
        json_decref(f[i]);
    free(f);
    free(in);
}

static void all_ok(const cs_write_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(res[i].status, CS_WRITE_OK, "record %zu: %s %s", i, res[i].code,
                     res[i].message);
}

/* Sets one text field of one record and expects the write to succeed. */
static void update_one(cs_connector *c, const char *object, const char *id, const char *field,
                       const char *value)
{
    json_t *upd = json_pack("{s:s}", field, value);
    cs_write_input in = {.id = id, .fields = upd};
    cs_write_result res;
    cs_err err;
    cr_assert_eq(cs_connector_write(c, object, CS_WRITE_UPDATE, &in, 1, &res, &err), 0, "%s",
                 err.message);
    all_ok(&res, 1);
    json_decref(upd);
}

static size_t distinct_ids(const cs_record_list *l)
{
    json_t *seen = json_object();
    for (size_t i = 0; i < l->len; i++)
        json_object_set_new(seen, l->items[i].id, json_true());
    size_t n = json_object_size(seen);
    json_decref(seen);
    return n;
}

/* ---- schemas ------------------------------------------------------------- */

Test(connectors, schemas_of_both_sides)
{
    env e;
    env_start(&e);
    const cs_object_schema *s;
    cs_err err = {0};
    cr_assert_eq(cs_connector_describe(e.hs, "contacts", &s, &err), 0, "%s", err.message);
    const cs_field_schema *f = cs_object_schema_field(s, "annualrevenue");
    cr_assert(f && f->kind == CS_VALUE_NUMBER);
    f = cs_object_schema_field(s, "hs_email_optout");
    cr_assert(f && f->kind == CS_VALUE_BOOL && !f->updateable, "read-only in HubSpot (C10)");
    f = cs_object_schema_field(s, "hs_lead_status");
    cr_assert(f && f->option_count > 0);
    cr_assert_eq(cs_connector_describe(e.sf, "Lead", &s, &err), 0, "%s", err.message);
    f = cs_object_schema_field(s, "NumberOfEmployees");
    cr_assert(f && f->kind == CS_VALUE_NUMBER && f->integer);
    f = cs_object_schema_field(s, "LastName");
    cr_assert(f && f->length > 0 && f->createable);
    f = cs_object_schema_field(s, "OwnerId");
    cr_assert(f && f->is_reference);
    cr_assert_eq(cs_connector_describe(e.sf, "Contact", &s, &err), 0, "%s", err.message);
    cr_assert_not_null(cs_object_schema_field(s, "MailingCity"));
    /* a second describe is served from the cache */
    cs_connector_usage u1, u2;
    cs_connector_get_usage(e.sf, &u1);
    cr_assert_eq(cs_connector_describe(e.sf, "Lead", &s, &err), 0);
    cs_connector_get_usage(e.sf, &u2);
    cr_assert_eq(u1.calls, u2.calls);
    const char *bad[] = {"NoSuchField__c"};
    cr_assert_eq(cs_connector_select_fields(e.sf, "Lead", bad, 1, &err), -1);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    env_stop(&e);
}

/* ---- HubSpot change detection (R2) ------------------------------------------ */

Test(connectors, hubspot_changes_from_a_cursor)
{
    env e;
    env_start(&e);
    const char *fields[] = {"email", "firstname", "annualrevenue"};
    cs_err err = {0};
    cr_assert_eq(cs_connector_select_fields(e.hs, "contacts", fields, 3, &err), 0, "%s",
                 err.message);
    cs_write_result res[5];
    write_many(e.hs, "contacts", CS_WRITE_CREATE, 5,
               "{\"email\":\"p#@example.com\",\"firstname\":\"P#\",\"annualrevenue\":\"1000.0\"}",
               res);
    all_ok(res, 5);
    cs_record_list l;
    cs_record_list_init(&l);
    char cursor[CS_CONNECTOR_CURSOR_MAX];
    cs_scan_options so = {.object = "contacts", .overlap_ms = 0};
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 5);
    cr_assert_str_eq(cs_record_get(&l.items[0], "annualrevenue"), "1000", "normalised");
    cr_assert_null(cs_record_get(&l.items[0], "lastname"), "only selected fields");
    int64_t t;
    cr_assert_eq(cs_connector_cursor_time(cursor, &t, &err), 0);
    cr_assert_geq(t, l.items[4].modified_ms);
    for (size_t i = 1; i < l.len; i++)
        cr_assert_geq(l.items[i].modified_ms, l.items[i - 1].modified_ms, "oldest first");
    usleep(5000);
    /* one update: a scan from the cursor sees it and not the older ones */
    update_one(e.hs, "contacts", res[1].id, "firstname", "Changed");
    cs_record_list_dispose(&l);
    so.cursor = cursor;
    char cursor2[CS_CONNECTOR_CURSOR_MAX];
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor2, &err), 0, "%s", err.message);
    const cs_record *r = cs_record_list_find(&l, res[1].id);
    cr_assert_not_null(r, "the updated contact is detected");
    cr_assert_str_eq(cs_record_get(r, "firstname"), "Changed");
    cr_assert_leq(l.len, 5, "records older than the cursor are not re-read without overlap");
    cr_assert_lt(l.len, 5 + 1);
    /* with the default overlap window everything of the last five minutes is re-read */
    cs_record_list_dispose(&l);
    so.overlap_ms = -1;
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor2, &err), 0, "%s", err.message);
    cr_assert_eq(distinct_ids(&l), 5);
    cs_record_list_dispose(&l);
    so.cursor = "cs1:sf:5";
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor2, &err), -1, "a foreign cursor");
    env_stop(&e);
}

Test(connectors, hubspot_scan_passes_the_10000_search_cap)
{
    env e;
    env_start(&e);
    const char *fields[] = {"email"};
    cs_err err = {0};
    cr_assert_eq(cs_connector_select_fields(e.hs, "contacts", fields, 1, &err), 0);
    enum { N = 10250 };
    cs_write_result *res = calloc(N, sizeof *res);
    write_many(e.hs, "contacts", CS_WRITE_CREATE, N, "{\"email\":\"bulk#@example.com\"}", res);
    all_ok(res, N);
    cs_connector_usage u0, u1;
    cs_connector_get_usage(e.hs, &u0);
    cr_assert_eq(u0.write_calls, (N + 99) / 100, "creates go out 100 per call");
    cs_record_list l;
    cs_record_list_init(&l);
    char cursor[CS_CONNECTOR_CURSOR_MAX];
    cs_scan_options so = {.object = "contacts"};
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor, &err), 0, "%s", err.message);
    cr_assert_eq(distinct_ids(&l), N, "every contact is detected, past 10,000");
    cr_assert_eq(l.len, N, "and none twice");
    cs_connector_get_usage(e.hs, &u1);
    cr_assert_leq(u1.read_calls - u0.read_calls, (N + 199) / 200 + 2, "about one call per 200");
    cs_record_list_dispose(&l);
    free(res);
    env_stop(&e);
}

/* ---- Salesforce change detection (R2) ------------------------------------------ */

Test(connectors, salesforce_changes_page_past_2000_rows)
{
    env e;
    env_start(&e);
    const char *fields[] = {"Email", "LastName", "Company", "NumberOfEmployees"};
    cs_err err = {0};
    cr_assert_eq(cs_connector_select_fields(e.sf, "Lead", fields, 4, &err), 0, "%s", err.message);
    enum { N = 2300 };
    cs_write_result *res = calloc(N, sizeof *res);
    write_many(e.sf, "Lead", CS_WRITE_CREATE, N,
               "{\"Email\":\"l#@example.com\",\"LastName\":\"L#\",\"Company\":\"Acme\","
               "\"NumberOfEmployees\":\"1000\"}",
               res);
    all_ok(res, N);
    cs_connector_usage u;
    cs_connector_get_usage(e.sf, &u);
    cr_assert_eq(u.write_calls, (N + 999) / 1000, "/composite calls of 5 collections of 200");
    cr_assert_gt(u.daily_used, 0, "Sforce-Limit-Info is read");
    cs_change_scan *scan;
    cs_scan_options so = {.object = "Lead", .overlap_ms = 0};
    cr_assert_eq(cs_connector_scan_begin(e.sf, &so, &scan, &err), 0, "%s", err.message);
    cs_record_list l;
    cs_record_list_init(&l);
    bool done = false;
    int pages = 0;
    while (!done) {
        cr_assert_eq(cs_change_scan_next(scan, &l, &done, &err), 0, "%s", err.message);
        pages++;
    }
    cr_assert_geq(pages, 2, "more than one query page");
    cr_assert_eq(distinct_ids(&l), N);
    const cs_record *r = cs_record_list_find(&l, res[7].id);
    cr_assert_not_null(r);
    cr_assert_str_eq(cs_record_get(r, "NumberOfEmployees"), "1000");
    cr_assert_str_eq(cs_record_get(r, "Email"), "l7@example.com");
    char cursor[CS_CONNECTOR_CURSOR_MAX];
    snprintf(cursor, sizeof cursor, "%s", cs_change_scan_cursor(scan));
    cs_change_scan_free(scan);
    cr_assert_eq(strncmp(cursor, "cs1:sf:", 7), 0);
    int64_t t;
    cr_assert_eq(cs_connector_cursor_time(cursor, &t, &err), 0);
    size_t same_second = 0; /* SOQL literals have no milliseconds: these are read again */
    for (size_t i = 0; i < l.len; i++)
        same_second += l.items[i].modified_ms >= t - t % 1000;
    cs_record_list_dispose(&l);
    /* SystemModstamp literals are second-granular: move past the second */
    usleep(1100000);
    update_one(e.sf, "Lead", res[3].id, "Company", "Globex");
    so.cursor = cursor;
    cr_assert_eq(cs_connector_changes(e.sf, &so, &l, cursor, &err), 0, "%s", err.message);
    r = cs_record_list_find(&l, res[3].id);
    cr_assert_not_null(r, "the updated lead is detected");
    cr_assert_str_eq(cs_record_get(r, "Company"), "Globex");
    cr_assert_leq(l.len, same_second + 1, "only what changed since the cursor (got %zu)", l.len);
    cs_record_list_dispose(&l);
    free(res);
    env_stop(&e);
}

Test(connectors, salesforce_reports_deletions)
{
    env e;
    env_start(&e);
    cs_write_result res[3];
    write_many(e.sf, "Lead", CS_WRITE_CREATE, 3,
               "{\"Email\":\"d#@example.com\",\"LastName\":\"D#\",\"Company\":\"Acme\"}", res);
    all_ok(res, 3);
    cs_err err = {0};
    cs_record_list l;
    cs_record_list_init(&l);
    char cursor[CS_CONNECTOR_CURSOR_MAX];
    cs_scan_options so = {.object = "Lead", .overlap_ms = -1, .include_deleted = true};
    cr_assert_eq(cs_connector_changes(e.sf, &so, &l, cursor, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 3);
    cs_record_list_dispose(&l);
    char gone[CS_CONNECTOR_ID_MAX];
    snprintf(gone, sizeof gone, "%s", res[0].id);
    cs_write_input del = {.id = gone};
    cr_assert_eq(cs_connector_write(e.sf, "Lead", CS_WRITE_DELETE, &del, 1, res, &err), 0, "%s",
                 err.message);
    all_ok(res, 1);
    /* the replication API covers whole minutes: wait for this one to close */
    int64_t now = cs_time_now_ms();
    usleep((useconds_t)((60000 - now % 60000) + 1500) * 1000);
    so.cursor = cursor;
    cr_assert_eq(cs_connector_changes(e.sf, &so, &l, cursor, &err), 0, "%s", err.message);
    const cs_record *r = cs_record_list_find(&l, gone);
    cr_assert_not_null(r, "the deleted lead is reported");
    cr_assert(r->deleted);
    cr_assert_eq(stat_count(&e, "salesforce", "GET ", "/deleted"), 1,
                 "one deletion call (the first scan had no cursor)");
    cs_record_list_dispose(&l);
    env_stop(&e);
}

/* ---- writes (R4, R9, C5) ------------------------------------------------------ */

static void write_json(cs_connector *c, const char *object, cs_write_kind kind,
                       const char *const *json, const char *const *ids, size_t n,
                       cs_write_result *res, int want_rc)
{
    cs_write_input *in = calloc(n, sizeof *in);
    json_t **f = calloc(n, sizeof *f);
    for (size_t i = 0; i < n; i++) {
        f[i] = json ? json_loads(json[i], 0, NULL) : NULL;
        cr_assert(json == NULL || f[i] != NULL, "bad test JSON %s", json[i]);
        in[i].fields = f[i];
        in[i].id = ids ? ids[i] : NULL;
    }
    cs_err err = {0};
    int rc = cs_connector_write(c, object, kind, in, n, res, &err);
    cr_assert_eq(rc, want_rc, "write: %s", err.message);
    for (size_t i = 0; i < n; i++)
        json_decref(f[i]);
    free(f);
    free(in);
}

Test(connectors, salesforce_mixed_batch_refuses_only_the_bad_records)
{
    env e;
    env_start(&e);
    /* a restricted picklist, defined through the sandbox's admin route */
    json_t *def = raw(e.f.sf_url, CS_HTTP_POST, "/__sandbox/salesforce/sobjects/Lead/fields",
                      "{\"fields\":[{\"name\":\"Tier__c\",\"label\":\"Tier\",\"type\":"
                      "\"picklist\",\"restricted\":true,\"picklistValues\":[\"Gold\","
                      "\"Silver\"]}]}");
    cr_assert_not_null(def);
    json_decref(def);
    char too_long[200];
    memset(too_long, 'x', 120);
    too_long[120] = '\0';
    char bad_long[300];
    snprintf(bad_long, sizeof bad_long,
             "{\"LastName\":\"%s\",\"Company\":\"Acme\",\"Email\":\"long@example.com\"}", too_long);
    const char *recs[] = {
        "{\"LastName\":\"Good\",\"Company\":\"Acme\",\"Email\":\"good1@example.com\","
        "\"Tier__c\":\"Gold\",\"AnnualRevenue\":\"2500.5\",\"NumberOfEmployees\":\"1000\"}",
        "{\"LastName\":\"Bad\",\"Company\":\"Acme\",\"Email\":\"not-an-email\"}",
        bad_long,
        "{\"LastName\":\"Pick\",\"Company\":\"Acme\",\"Email\":\"pick@example.com\","
        "\"Tier__c\":\"Platinum\"}",
        "{\"LastName\":\"NoCompany\",\"Email\":\"nocompany@example.com\"}",
        "{\"LastName\":\"Typed\",\"Company\":\"Acme\",\"NumberOfEmployees\":\"12.5\"}",
        "{\"LastName\":\"Good2\",\"Company\":\"Acme\",\"Email\":\"good2@example.com\"}",
    };
    enum { N = sizeof recs / sizeof recs[0] };
    cs_write_result res[N];
    write_json(e.sf, "Lead", CS_WRITE_CREATE, recs, NULL, N, res, 0);
    cr_assert_eq(res[0].status, CS_WRITE_OK, "%s", res[0].message);
    cr_assert(res[0].created);
    cr_assert_eq(res[6].status, CS_WRITE_OK, "%s", res[6].message);
    const struct {
        size_t i;
        const char *code, *field;
    } want[] = {{1, "INVALID_EMAIL_ADDRESS", "Email"},
                {2, "STRING_TOO_LONG", "LastName"},
                {3, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Tier__c"},
                {4, "REQUIRED_FIELD_MISSING", "Company"},
                {5, "INVALID_TYPE_ON_FIELD_IN_RECORD", "NumberOfEmployees"}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        const cs_write_result *r = &res[want[k].i];
        cr_assert_eq(r->status, CS_WRITE_REFUSED, "record %zu", want[k].i);
        cr_assert_eq(r->category, CS_CAT_PROPERTY_VALUES, "R9 for %s", r->code);
        cr_assert_str_eq(r->code, want[k].code);
        cr_assert_not_null(strstr(r->fields, want[k].field), "%s names %s", r->fields,
                           want[k].field);
        cr_assert_gt(strlen(r->message), 5, "the API's message is kept (R4)");
    }
    cs_connector_usage u;
    cs_connector_get_usage(e.sf, &u);
    cr_assert_eq(u.write_calls, 1, "one collection call for the whole batch");
    /* the good ones landed, with their values */
    const char *ids[] = {res[0].id, res[6].id};
    cs_record_list l;
    cs_record_list_init(&l);
    cs_err err = {0};
    cr_assert_eq(cs_connector_read(e.sf, "Lead", ids, 2, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 2);
    const cs_record *r = cs_record_list_find(&l, res[0].id);
    cr_assert_str_eq(cs_record_get(r, "AnnualRevenue"), "2500.5");
    cr_assert_str_eq(cs_record_get(r, "NumberOfEmployees"), "1000");
    cr_assert_str_eq(cs_record_get(r, "Tier__c"), "Gold");
    cs_record_list_dispose(&l);
    env_stop(&e);
}

Test(connectors, hubspot_mixed_batch_refuses_only_the_bad_records)
{
    env e;
    env_start(&e);
    const char *recs[] = {
        "{\"email\":\"ok1@example.com\",\"firstname\":\"A\",\"annualrevenue\":\"1000.0\"}",
        "{\"email\":\"not-an-email\",\"firstname\":\"B\"}",
        "{\"email\":\"ok2@example.com\",\"hs_lead_status\":\"NO_SUCH_STATUS\"}",
        "{\"email\":\"ok3@example.com\",\"annualrevenue\":\"lots\"}",
        "{\"email\":\"ok4@example.com\",\"no_such_property\":\"x\"}",
        "{\"email\":\"ok5@example.com\",\"hs_lead_status\":\"NEW\"}",
    };
    enum { N = sizeof recs / sizeof recs[0] };
    cs_write_result res[N];
    write_json(e.hs, "contacts", CS_WRITE_CREATE, recs, NULL, N, res, 0);
    cr_assert_eq(res[0].status, CS_WRITE_OK, "%s", res[0].message);
    cr_assert_eq(res[5].status, CS_WRITE_OK, "%s", res[5].message);
    cr_assert_eq(res[1].status, CS_WRITE_REFUSED);
    cr_assert_str_eq(res[1].code, "INVALID_EMAIL");
    cr_assert_str_eq(res[1].fields, "email");
    cr_assert_not_null(strstr(res[1].message, "not-an-email"), "HubSpot's message: %s",
                       res[1].message);
    cr_assert_eq(res[2].status, CS_WRITE_REFUSED);
    cr_assert_str_eq(res[2].code, "INVALID_OPTION");
    cr_assert_eq(res[3].status, CS_WRITE_REFUSED, "a number that is not one");
    cr_assert_eq(res[4].status, CS_WRITE_REFUSED);
    cr_assert_str_eq(res[4].code, "PROPERTY_DOESNT_EXIST");
    for (size_t i = 1; i <= 4; i++)
        cr_assert_eq(res[i].category, CS_CAT_PROPERTY_VALUES);
    cs_connector_usage u;
    cs_connector_get_usage(e.hs, &u);
    cr_assert_eq(u.write_calls, 3, "narrowed down with one call per refusal (%llu)",
                 (unsigned long long)u.write_calls);
    const char *emails[] = {"OK1@example.com ", "ok5@example.com", "ok2@example.com"};
    cs_record_list l;
    cs_record_list_init(&l);
    cs_err err = {0};
    cr_assert_eq(cs_connector_find_by_email(e.hs, "contacts", emails, 3, &l, &err), 0, "%s",
                 err.message);
    cr_assert_eq(l.len, 2, "the good ones landed, the refused one did not");
    cr_assert_not_null(cs_record_list_find(&l, res[0].id));
    cs_record_list_dispose(&l);
    env_stop(&e);
}

/* HubSpot's own enumeration properties for the tests below: tier (select:
 * gold, silver) and colors (checkbox, multi-select: red, green, blue). */
static void hs_enum_properties(const env *e)
{
    json_t *a = raw(e->f.hs_url, CS_HTTP_POST, "/crm/v3/properties/contacts",
                    "{\"name\":\"tier\",\"label\":\"Tier\",\"type\":\"enumeration\","
                    "\"fieldType\":\"select\",\"groupName\":\"contactinformation\",\"options\":["
                    "{\"label\":\"Gold\",\"value\":\"gold\"},{\"label\":\"Silver\",\"value\":"
                    "\"silver\"}]}");
    json_t *b = raw(e->f.hs_url, CS_HTTP_POST, "/crm/v3/properties/contacts",
                    "{\"name\":\"colors\",\"label\":\"Colors\",\"type\":\"enumeration\","
                    "\"fieldType\":\"checkbox\",\"groupName\":\"contactinformation\",\"options\":["
                    "{\"label\":\"Red\",\"value\":\"red\"},{\"label\":\"Green\",\"value\":"
                    "\"green\"},{\"label\":\"Blue\",\"value\":\"blue\"}]}");
    cr_assert(a != NULL && json_object_get(a, "name") != NULL, "tier property");
    cr_assert(b != NULL && json_object_get(b, "name") != NULL, "colors property");
    json_decref(a);
    json_decref(b);
}

/* R4: HubSpot's verdict on a value depends only on the property and the
 * value, so once a 400 names a value, every input holding it is refused and
 * the rest is sent again: two calls, however many inputs share the value. */
Test(connectors, hubspot_refuses_every_input_holding_the_refused_value)
{
    env e;
    env_start(&e);
    hs_enum_properties(&e);
    json_decref(raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/reset-stats", "{}"));
    const char *recs[] = {
        "{\"email\":\"b0@example.com\",\"tier\":\"bronze\"}",
        "{\"email\":\"g1@example.com\",\"tier\":\"gold\"}",
        "{\"email\":\"b2@example.com\",\"tier\":\"bronze\"}",
        "{\"email\":\"g3@example.com\",\"tier\":\"gold\"}",
        "{\"email\":\"b4@example.com\",\"tier\":\"bronze\"}",
        "{\"email\":\"s5@example.com\",\"tier\":\"silver\"}",
        "{\"email\":\"n6@example.com\"}",
    };
    enum { N = sizeof recs / sizeof recs[0] };
    cs_write_result res[N];
    write_json(e.hs, "contacts", CS_WRITE_CREATE, recs, NULL, N, res, 0);
    for (size_t i = 0; i < N; i++) {
        bool bad = i == 0 || i == 2 || i == 4;
        cr_expect_eq(res[i].status, bad ? CS_WRITE_REFUSED : CS_WRITE_OK, "input %zu: %s", i,
                     res[i].message);
        if (bad) {
            cr_expect_str_eq(res[i].code, "INVALID_OPTION");
            cr_expect_str_eq(res[i].fields, "tier");
            cr_expect_not_null(strstr(res[i].message, "bronze"), "%s", res[i].message);
        }
    }
    long calls = stat_count(&e, "hubspot", "POST ", "/batch/create");
    cr_expect_eq(calls, 2, "one refused call, one with the rest: %ld", calls);

    /* The same on updates. */
    const char *ids[] = {res[1].id, res[3].id, res[5].id, res[6].id};
    const char *upd[] = {"{\"tier\":\"bronze\"}", "{\"tier\":\"bronze\"}", "{\"tier\":\"gold\"}",
                         "{\"tier\":\"bronze\"}"};
    json_decref(raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/reset-stats", "{}"));
    cs_write_result ures[4];
    write_json(e.hs, "contacts", CS_WRITE_UPDATE, upd, ids, 4, ures, 0);
    for (size_t i = 0; i < 4; i++)
        cr_expect_eq(ures[i].status, i == 2 ? CS_WRITE_OK : CS_WRITE_REFUSED, "update %zu: %s", i,
                     ures[i].message);
    calls = stat_count(&e, "hubspot", "POST ", "/batch/update");
    cr_expect_eq(calls, 2, "updates: %ld calls", calls);
    env_stop(&e);
}

/* R4: an "allowed options" message lists what the property takes: every
 * input holding a value outside that list is refused with the first one,
 * each with its own value in the message; a multi-select value whose every
 * item is listed is sent. */
Test(connectors, hubspot_refuses_every_value_outside_the_allowed_options)
{
    env e;
    env_start(&e);
    hs_enum_properties(&e);
    json_decref(raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/reset-stats", "{}"));
    const char *recs[] = {
        "{\"email\":\"o0@example.com\",\"tier\":\"bronze\"}",
        "{\"email\":\"o1@example.com\",\"tier\":\"copper\"}",
        "{\"email\":\"o2@example.com\",\"tier\":\"gold\"}",
        "{\"email\":\"o3@example.com\",\"tier\":\"platinum\",\"colors\":\"red\"}",
        "{\"email\":\"o4@example.com\",\"tier\":\"silver\",\"colors\":\"red;blue\"}",
        "{\"email\":\"o5@example.com\",\"colors\":\"green\"}",
    };
    enum { N = sizeof recs / sizeof recs[0] };
    cs_write_result res[N];
    write_json(e.hs, "contacts", CS_WRITE_CREATE, recs, NULL, N, res, 0);
    const char *bad[] = {"bronze", "copper", NULL, "platinum", NULL, NULL};
    for (size_t i = 0; i < N; i++) {
        cr_expect_eq(res[i].status, bad[i] ? CS_WRITE_REFUSED : CS_WRITE_OK, "input %zu: %s", i,
                     res[i].message);
        if (bad[i] == NULL)
            continue;
        cr_expect_str_eq(res[i].code, "INVALID_OPTION");
        cr_expect_str_eq(res[i].fields, "tier");
        cr_expect(strncmp(res[i].message, bad[i], strlen(bad[i])) == 0 &&
                      strstr(res[i].message, "allowed options") != NULL,
                  "input %zu: %s", i, res[i].message);
    }
    long calls = stat_count(&e, "hubspot", "POST ", "/batch/create");
    cr_expect_eq(calls, 2, "one refused call, one with the rest: %ld", calls);

    /* Multi-select: a value with an unlisted item is refused, the rest sent. */
    json_decref(raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/reset-stats", "{}"));
    const char *multi[] = {
        "{\"email\":\"m0@example.com\",\"colors\":\"red;purple\"}",
        "{\"email\":\"m1@example.com\",\"colors\":\"blue;red\"}",
        "{\"email\":\"m2@example.com\",\"colors\":\"purple\"}",
        "{\"email\":\"m3@example.com\",\"colors\":\"green\"}",
    };
    cs_write_result mres[4];
    write_json(e.hs, "contacts", CS_WRITE_CREATE, multi, NULL, 4, mres, 0);
    for (size_t i = 0; i < 4; i++)
        cr_expect_eq(mres[i].status, i == 0 || i == 2 ? CS_WRITE_REFUSED : CS_WRITE_OK,
                     "multi %zu: %s", i, mres[i].message);
    calls = stat_count(&e, "hubspot", "POST ", "/batch/create");
    cr_expect_eq(calls, 2, "multi-select: %ld calls", calls);
    env_stop(&e);
}

Test(connectors, hubspot_create_of_an_existing_email_links_to_it)
{
    env e;
    env_start(&e);
    const char *first[] = {"{\"email\":\"dup@example.com\",\"firstname\":\"Orig\"}"};
    cs_write_result res[3];
    write_json(e.hs, "contacts", CS_WRITE_CREATE, first, NULL, 1, res, 0);
    cr_assert_eq(res[0].status, CS_WRITE_OK);
    char orig[CS_CONNECTOR_ID_MAX];
    snprintf(orig, sizeof orig, "%s", res[0].id);
    const char *batch[] = {"{\"email\":\"new1@example.com\"}",
                           "{\"email\":\"Dup@Example.com\",\"firstname\":\"Other\"}",
                           "{\"email\":\"new2@example.com\"}"};
    write_json(e.hs, "contacts", CS_WRITE_CREATE, batch, NULL, 3, res, 0);
    cr_assert_eq(res[1].status, CS_WRITE_OK, "%s", res[1].message);
    cr_assert(res[1].existing, "the 409 maps to the existing contact (C5)");
    cr_assert_not(res[1].created);
    cr_assert_str_eq(res[1].id, orig);
    cr_assert(res[0].status == CS_WRITE_OK && res[0].created);
    cr_assert(res[2].status == CS_WRITE_OK && res[2].created);
    cr_assert_str_neq(res[0].id, res[2].id);
    /* nothing was written onto the existing contact */
    const char *ids[] = {orig};
    cs_record_list l;
    cs_record_list_init(&l);
    cs_err err = {0};
    cr_assert_eq(cs_connector_read(e.hs, "contacts", ids, 1, &l, &err), 0);
    cr_assert_str_eq(cs_record_get(&l.items[0], "firstname"), "Orig");
    cs_record_list_dispose(&l);
    /* the idempotent create: upsert by email */
    const char *up[] = {"{\"email\":\"dup@example.com\",\"firstname\":\"Up\"}",
                        "{\"email\":\"fresh@example.com\"}"};
    write_json(e.hs, "contacts", CS_WRITE_UPSERT_EMAIL, up, NULL, 2, res, 0);
    cr_assert_eq(res[0].status, CS_WRITE_OK);
    cr_assert_str_eq(res[0].id, orig);
    cr_assert_not(res[0].created);
    cr_assert(res[1].status == CS_WRITE_OK && res[1].created);
    env_stop(&e);
}

Test(connectors, salesforce_email_lookup_prefers_contacts_then_recent_leads)
{
    env e;
    env_start(&e);
    const char *lead[] = {
        "{\"LastName\":\"Old\",\"Company\":\"A\",\"Email\":\"same@example.com\"}"};
    const char *contact[] = {"{\"LastName\":\"C\",\"Email\":\"SAME@example.com\"}"};
    const char *lead2[] = {
        "{\"LastName\":\"New\",\"Company\":\"A\",\"Email\":\"same@example.com\"}"};
    const char *other[] = {
        "{\"LastName\":\"O\",\"Company\":\"A\",\"Email\":\"other@example.com\"}"};
    cs_write_result r1[1], r2[1], r3[1], r4[1];
    write_json(e.sf, "Lead", CS_WRITE_CREATE, lead, NULL, 1, r1, 0);
    usleep(20000);
    write_json(e.sf, "Contact", CS_WRITE_CREATE, contact, NULL, 1, r2, 0);
    usleep(20000);
    write_json(e.sf, "Lead", CS_WRITE_CREATE, lead2, NULL, 1, r3, 0);
    write_json(e.sf, "Lead", CS_WRITE_CREATE, other, NULL, 1, r4, 0);
    all_ok(r1, 1);
    all_ok(r2, 1);
    all_ok(r3, 1);
    all_ok(r4, 1);
    const char *emails[] = {" Same@Example.com", "other@example.com", "nobody@example.com", ""};
    cs_record_list l;
    cs_record_list_init(&l);
    cs_err err = {0};
    cr_assert_eq(cs_connector_find_by_email(e.sf, NULL, emails, 4, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 4);
    cr_assert_str_eq(l.items[0].id, r2[0].id, "the Contact first (C5)");
    cr_assert_str_eq(l.items[0].type, "Contact");
    cr_assert_str_eq(l.items[1].id, r3[0].id, "then the most recently modified Lead");
    cr_assert_str_eq(l.items[2].id, r1[0].id);
    cr_assert_str_eq(l.items[3].id, r4[0].id, "emails in the order asked");
    cs_record_list_dispose(&l);
    env_stop(&e);
}

Test(connectors, api_calls_meet_the_lower_bound)
{
    env e;
    env_start(&e);
    json_t *reset = raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/reset-stats", "{}");
    json_decref(reset);
    cs_write_result *res = calloc(450, sizeof *res);
    write_many(e.hs, "contacts", CS_WRITE_CREATE, 250, "{\"email\":\"n#@example.com\"}", res);
    all_ok(res, 250);
    write_many(e.sf, "Lead", CS_WRITE_CREATE, 450,
               "{\"LastName\":\"N#\",\"Company\":\"Acme\",\"Email\":\"n#@example.com\"}", res);
    all_ok(res, 450);
    cs_connector_usage hs, sf;
    cs_connector_get_usage(e.hs, &hs);
    cs_connector_get_usage(e.sf, &sf);
    /* R6: ceil(N/100) on HubSpot; on Salesforce one /composite call carries
     * up to 5 collections of 200 (plus one describe each) */
    cr_assert_eq(hs.write_calls, 3);
    cr_assert_eq(sf.write_calls, 1);
    cr_assert_eq(hs.records_written, 250);
    cr_assert_eq(stat_count(&e, "hubspot", "POST ", "/batch/create"), 3);
    cr_assert_eq(stat_count(&e, "salesforce", "POST ", "/composite"), 1);
    cr_assert_eq(stat_count(&e, "salesforce", "POST ", "/composite/sobjects"), 0);
    cr_assert_eq(hs.calls, hs.read_calls + hs.write_calls, "the client counted every request");
    cr_assert_eq(sf.calls, sf.read_calls + sf.write_calls);
    free(res);
    env_stop(&e);
}

Test(connectors, a_create_without_an_answer_is_unknown_and_not_resent)
{
    env e;
    env_start(&e);
    cs_write_result res[2];
    const char *warm[] = {"{\"email\":\"warm@example.com\"}"};
    write_json(e.hs, "contacts", CS_WRITE_CREATE, warm, NULL, 1, res, 0); /* schema fetched */
    json_t *f =
        raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/faults", "{\"api\":\"hubspot\",\"rate_drop\":1}");
    json_decref(f);
    json_t *reset = raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/reset-stats", "{}");
    json_decref(reset);
    const char *recs[] = {"{\"email\":\"u1@example.com\"}", "{\"email\":\"u2@example.com\"}"};
    write_json(e.hs, "contacts", CS_WRITE_CREATE, recs, NULL, 2, res, -1);
    cr_assert_eq(res[0].status, CS_WRITE_UNKNOWN);
    cr_assert_eq(res[1].status, CS_WRITE_UNKNOWN);
    /* one request reached the sandbox (it counts dropped ones by status "0") */
    json_t *st = raw(e.f.hs_url, CS_HTTP_GET, "/__sandbox/stats", NULL);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(st, "hubspot"), "requests")), 1,
                 "sent once, never resent");
    json_decref(st);
    f = raw(e.f.hs_url, CS_HTTP_POST, "/__sandbox/faults", "{\"api\":\"hubspot\"}");
    json_decref(f);
    /* the engine's reconciliation: upsert by email never duplicates */
    write_json(e.hs, "contacts", CS_WRITE_UPSERT_EMAIL, recs, NULL, 2, res, 0);
    all_ok(res, 2);
    const char *emails[] = {"u1@example.com", "u2@example.com"};
    cs_record_list l;
    cs_record_list_init(&l);
    cs_err err = {0};
    cr_assert_eq(cs_connector_find_by_email(e.hs, "contacts", emails, 2, &l, &err), 0);
    cr_assert_eq(l.len, 2);
    cs_record_list_dispose(&l);
    env_stop(&e);
}

/* ---- C10, C12, C17, C2 ----------------------------------------------------------- */

Test(connectors, hubspot_opt_out_goes_through_subscriptions)
{
    env e;
    env_start(&e);
    cs_write_result res[1];
    const char *c[] = {"{\"email\":\"opt@example.com\"}"};
    write_json(e.hs, "contacts", CS_WRITE_CREATE, c, NULL, 1, res, 0);
    all_ok(res, 1);
    char id[CS_CONNECTOR_ID_MAX];
    snprintf(id, sizeof id, "%s", res[0].id);
    const char *ids[] = {id};
    const char *upd[] = {"{\"hs_email_optout\":\"true\",\"firstname\":\"Opt\"}"};
    write_json(e.hs, "contacts", CS_WRITE_UPDATE, upd, ids, 1, res, 0);
    all_ok(res, 1);
    const char *fields[] = {"email", "firstname", "hs_email_optout"};
    cs_err err = {0};
    cr_assert_eq(cs_connector_select_fields(e.hs, "contacts", fields, 3, &err), 0);
    cs_record_list l;
    cs_record_list_init(&l);
    cr_assert_eq(cs_connector_read(e.hs, "contacts", ids, 1, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 1);
    cr_assert_str_eq(cs_record_get(&l.items[0], "hs_email_optout"), "true", "C10");
    cr_assert_str_eq(cs_record_get(&l.items[0], "firstname"), "Opt");
    cs_record_list_dispose(&l);
    /* "false" never resubscribes (sticky in HubSpot) */
    const char *back[] = {"{\"hs_email_optout\":\"false\"}"};
    write_json(e.hs, "contacts", CS_WRITE_UPDATE, back, ids, 1, res, 0);
    all_ok(res, 1);
    cr_assert_eq(cs_connector_read(e.hs, "contacts", ids, 1, &l, &err), 0);
    cr_assert_str_eq(cs_record_get(&l.items[0], "hs_email_optout"), "true");
    cs_record_list_dispose(&l);
    env_stop(&e);
}

Test(connectors, owners_users_campaigns_and_lists)
{
    env e;
    env_start(&e);
    cs_record_list owners, users;
    cs_record_list_init(&owners);
    cs_record_list_init(&users);
    cs_err err = {0};
    cr_assert_eq(cs_connector_users(e.hs, &owners, &err), 0, "%s", err.message);
    cr_assert_eq(cs_connector_users(e.sf, &users, &err), 0, "%s", err.message);
    cr_assert_gt(owners.len, 0);
    cr_assert_gt(users.len, 0);
    size_t shared = 0; /* C17: owners match Users by email */
    for (size_t i = 0; i < owners.len; i++)
        for (size_t j = 0; j < users.len; j++) {
            const char *a = cs_record_get(&owners.items[i], "email");
            const char *b = cs_record_get(&users.items[j], "email");
            shared += a && b && strcmp(a, b) == 0;
        }
    cr_assert_gt(shared, 0, "the sandbox seeds owners that are also Users");
    cr_assert_not_null(cs_record_get(&users.items[0], "active"));
    cs_record_list_dispose(&owners);
    cs_record_list_dispose(&users);

    /* C12: campaign membership */
    cs_write_result res[2];
    const char *leads[] = {"{\"LastName\":\"M\",\"Company\":\"A\"}",
                           "{\"LastName\":\"N\",\"Company\":\"A\"}"};
    write_json(e.sf, "Lead", CS_WRITE_CREATE, leads, NULL, 2, res, 0);
    all_ok(res, 2);
    char l1[CS_CONNECTOR_ID_MAX], l2[CS_CONNECTOR_ID_MAX];
    snprintf(l1, sizeof l1, "%s", res[0].id);
    snprintf(l2, sizeof l2, "%s", res[1].id);
    const char *camp[] = {"{\"Name\":\"Spring\"}"};
    write_json(e.sf, "Campaign", CS_WRITE_CREATE, camp, NULL, 1, res, 0);
    all_ok(res, 1);
    char cid[CS_CONNECTOR_ID_MAX];
    snprintf(cid, sizeof cid, "%s", res[0].id);
    char member[200];
    snprintf(member, sizeof member, "{\"CampaignId\":\"%s\",\"LeadId\":\"%s\"}", cid, l1);
    const char *members[] = {member};
    write_json(e.sf, "CampaignMember", CS_WRITE_CREATE, members, NULL, 1, res, 0);
    all_ok(res, 1);
    const char *ids[] = {l1, l2};
    json_t *camps = NULL;
    cr_assert_eq(cs_connector_campaigns(e.sf, ids, 2, &camps, &err), 0, "%s", err.message);
    cr_assert_str_eq(json_string_value(json_object_get(camps, l1)), cid);
    cr_assert(json_is_null(json_object_get(camps, l2)));
    json_decref(camps);
    cr_assert_eq(cs_connector_campaigns(e.hs, ids, 2, &camps, &err), -1, "HubSpot has none");

    /* C2: members of an HS list */
    const char *cs[] = {"{\"email\":\"m1@example.com\"}", "{\"email\":\"m2@example.com\"}"};
    write_json(e.hs, "contacts", CS_WRITE_CREATE, cs, NULL, 2, res, 0);
    all_ok(res, 2);
    json_t *list =
        raw(e.f.hs_url, CS_HTTP_POST, "/crm/v3/lists",
            "{\"name\":\"Sync me\",\"objectTypeId\":\"0-1\",\"processingType\":\"MANUAL\"}");
    cr_assert_not_null(list, "list created");
    const char *list_id =
        json_string_value(json_object_get(json_object_get(list, "list"), "listId"));
    cr_assert_not_null(list_id, "list id in the answer");
    char path[200], body[100];
    snprintf(path, sizeof path, "/crm/v3/lists/%s/memberships/add", list_id);
    snprintf(body, sizeof body, "[\"%s\"]", res[1].id);
    json_t *added = raw(e.f.hs_url, CS_HTTP_PUT, path, body);
    json_decref(added);
    json_t *got = NULL;
    cr_assert_eq(cs_connector_list_members(e.hs, list_id, &got, &err), 0, "%s", err.message);
    cr_assert_eq(json_array_size(got), 1);
    cr_assert_str_eq(json_string_value(json_array_get(got, 0)), res[1].id);
    json_decref(got);
    json_decref(list);
    env_stop(&e);
}

/* ---- associations (A2) and HubSpot deletions (C16) ---------------------------- */

Test(connectors, associations_on_both_sides)
{
    env e;
    env_start(&e);
    cs_err err = {0};
    cs_write_result res[2];
    const char *contact[] = {"{\"email\":\"assoc@example.com\"}"};
    const char *company[] = {"{\"name\":\"Acme\"}"};
    write_json(e.hs, "contacts", CS_WRITE_CREATE, contact, NULL, 1, res, 0);
    all_ok(res, 1);
    char hc[CS_CONNECTOR_ID_MAX], hco[CS_CONNECTOR_ID_MAX];
    snprintf(hc, sizeof hc, "%s", res[0].id);
    write_json(e.hs, "companies", CS_WRITE_CREATE, company, NULL, 1, res, 0);
    all_ok(res, 1);
    snprintf(hco, sizeof hco, "%s", res[0].id);
    cs_assoc_input a = {.from_id = hc, .to_id = hco};
    cr_assert_eq(cs_connector_assoc_write(e.hs, "contacts", "companies", &a, 1, res, &err), 0, "%s",
                 err.message);
    all_ok(res, 1);
    const char *ids[] = {hc};
    json_t *got = NULL;
    cr_assert_eq(cs_connector_assoc_read(e.hs, "contacts", "companies", ids, 1, &got, &err), 0,
                 "%s", err.message);
    cr_assert_eq(json_array_size(json_object_get(got, hc)), 1);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(got, hc), 0)), hco);
    json_decref(got);

    const char *acct[] = {"{\"Name\":\"Acme\"}"};
    write_json(e.sf, "Account", CS_WRITE_CREATE, acct, NULL, 1, res, 0);
    all_ok(res, 1);
    char sa[CS_CONNECTOR_ID_MAX], sc[CS_CONNECTOR_ID_MAX];
    snprintf(sa, sizeof sa, "%s", res[0].id);
    const char *sfc[] = {"{\"LastName\":\"C\",\"Email\":\"assoc@example.com\"}"};
    write_json(e.sf, "Contact", CS_WRITE_CREATE, sfc, NULL, 1, res, 0);
    all_ok(res, 1);
    snprintf(sc, sizeof sc, "%s", res[0].id);
    cs_assoc_input b = {.from_id = sc, .to_id = sa};
    cr_assert_eq(cs_connector_assoc_write(e.sf, "Contact", "Account", &b, 1, res, &err), 0, "%s",
                 err.message);
    all_ok(res, 1);
    const char *sids[] = {sc};
    cr_assert_eq(cs_connector_assoc_read(e.sf, "Contact", "Account", sids, 1, &got, &err), 0, "%s",
                 err.message);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(got, sc), 0)), sa,
                     "Contact.AccountId is the association");
    json_decref(got);
    /* a lookup to an Account that does not exist is an associations error */
    cs_assoc_input bad = {.from_id = sc, .to_id = "001000000000000AAA"};
    cr_assert_eq(cs_connector_assoc_write(e.sf, "Contact", "Account", &bad, 1, res, &err), 0);
    cr_assert_eq(res[0].status, CS_WRITE_REFUSED);
    cr_assert_eq(res[0].category, CS_CAT_ASSOCIATIONS);
    env_stop(&e);
}

Test(connectors, hubspot_reports_archived_contacts_and_ignores_missing_ones)
{
    env e;
    env_start(&e);
    cs_err err = {0};
    cs_write_result res[3];
    write_many(e.hs, "contacts", CS_WRITE_CREATE, 3, "{\"email\":\"arch#@example.com\"}", res);
    all_ok(res, 3);
    char gone[CS_CONNECTOR_ID_MAX], kept[CS_CONNECTOR_ID_MAX];
    snprintf(gone, sizeof gone, "%s", res[0].id);
    snprintf(kept, sizeof kept, "%s", res[1].id);
    cs_record_list l;
    cs_record_list_init(&l);
    char cursor[CS_CONNECTOR_CURSOR_MAX];
    cs_scan_options so = {.object = "contacts", .overlap_ms = -1, .include_deleted = true};
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 3);
    cs_record_list_dispose(&l);
    const char *ids[] = {gone};
    write_json(e.hs, "contacts", CS_WRITE_DELETE, NULL, ids, 1, res, 0);
    all_ok(res, 1);
    so.cursor = cursor;
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor, &err), 0, "%s", err.message);
    const cs_record *r = NULL;
    for (size_t i = 0; i < l.len; i++)
        if (strcmp(l.items[i].id, gone) == 0 && l.items[i].deleted)
            r = &l.items[i];
    cr_assert_not_null(r, "the archived contact is reported as deleted");
    cr_assert_not_null(cs_record_list_find(&l, kept), "the overlap re-reads the others");
    cs_record_list_dispose(&l);
    /* reading a missing id gives nothing, not an error (C16) */
    const char *both[] = {gone, kept};
    cr_assert_eq(cs_connector_read(e.hs, "contacts", both, 2, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, 1);
    cr_assert_str_eq(l.items[0].id, kept);
    cs_record_list_dispose(&l);
    /* an update of the archived contact is refused on its own */
    const char *upd[] = {"{\"firstname\":\"X\"}", "{\"firstname\":\"Y\"}"};
    write_json(e.hs, "contacts", CS_WRITE_UPDATE, upd, both, 2, res, 0);
    cr_assert_eq(res[0].status, CS_WRITE_REFUSED);
    cr_assert_eq(res[1].status, CS_WRITE_OK);
    env_stop(&e);
}
