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

typedef struct env {
    char dir[64];
    cs_sandbox *sb;
    char hs_url[64], sf_url[64];
    cs_connector *hs, *sf;
} env;

static void env_start(env *e)
{
    memset(e, 0, sizeof *e);
    snprintf(e->dir, sizeof e->dir, "/tmp/cs-conn-XXXXXX");
    cr_assert_not_null(mkdtemp(e->dir));
    cs_sandbox_options o;
    cs_sandbox_options_default(&o);
    o.data_dir = e->dir;
    o.hubspot_limit_per_10s = 0;
    o.salesforce_daily_limit = 0;
    cs_err err = {0};
    cr_assert_eq(cs_sandbox_start(&o, &e->sb, &err), 0, "sandbox: %s", err.message);
    snprintf(e->hs_url, sizeof e->hs_url, "http://127.0.0.1:%d", cs_sandbox_hubspot_port(e->sb));
    snprintf(e->sf_url, sizeof e->sf_url, "http://127.0.0.1:%d", cs_sandbox_salesforce_port(e->sb));
    cs_connector_options co = {.base_url = e->hs_url, .token = "sandbox-token", .max_retries = 2};
    cr_assert_eq(cs_hubspot_connector_new(&co, &e->hs, &err), 0, "%s", err.message);
    co.base_url = e->sf_url;
    co.api_version = "60.0";
    cr_assert_eq(cs_salesforce_connector_new(&co, &e->sf, &err), 0, "%s", err.message);
}

static void env_stop(env *e)
{
    cs_connector_free(e->hs);
    cs_connector_free(e->sf);
    cs_sandbox_stop(e->sb);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", e->dir);
}

/* A request to a sandbox admin route (or any route) without the connectors. */
static json_t *raw(const char *base, cs_http_method m, const char *path, const char *body)
{
    cs_http_options o = {.base_url = base, .max_retries = 0};
    cs_http_client *c;
    cs_err err = {0};
    cr_assert_eq(cs_http_client_new(&o, &c, &err), 0, "%s", err.message);
    cs_http_request req = {.method = m,
                           .path = path,
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
    json_t *s = raw(e->hs_url, CS_HTTP_GET, "/__sandbox/stats", NULL);
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
    json_t *upd = json_pack("{s:s}", "firstname", "Changed");
    char id1[CS_CONNECTOR_ID_MAX];
    snprintf(id1, sizeof id1, "%s", res[1].id);
    cs_write_input in = {.id = id1, .fields = upd};
    cr_assert_eq(cs_connector_write(e.hs, "contacts", CS_WRITE_UPDATE, &in, 1, res, &err), 0);
    all_ok(res, 1);
    json_decref(upd);
    cs_record_list_dispose(&l);
    so.cursor = cursor;
    char cursor2[CS_CONNECTOR_CURSOR_MAX];
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor2, &err), 0, "%s", err.message);
    const cs_record *r = cs_record_list_find(&l, in.id);
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
    cr_assert_eq(u.write_calls, (N + 199) / 200, "collections of 200");
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
    json_t *upd = json_pack("{s:s}", "Company", "Globex");
    char id3[CS_CONNECTOR_ID_MAX];
    snprintf(id3, sizeof id3, "%s", res[3].id);
    cs_write_input in = {.id = id3, .fields = upd};
    cr_assert_eq(cs_connector_write(e.sf, "Lead", CS_WRITE_UPDATE, &in, 1, res, &err), 0);
    all_ok(res, 1);
    json_decref(upd);
    so.cursor = cursor;
    cr_assert_eq(cs_connector_changes(e.sf, &so, &l, cursor, &err), 0, "%s", err.message);
    r = cs_record_list_find(&l, in.id);
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
