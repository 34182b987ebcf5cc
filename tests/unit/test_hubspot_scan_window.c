/* The HubSpot change scan against the sandbox with writes between its pages
 * (R2): the engine writes back to the records it has just read, which moves
 * them to a later modification time. Every record is read exactly once, the
 * writes made during the scan are not read again by it, and 10,500 records
 * sharing one millisecond page past the 10,000-result search cap. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/connector.h"
#include "sandbox/sandbox.h"
#include "sandbox_fixture.h"

typedef struct env {
    sb_fixture f;
    cs_connector *hs;
} env;

static void env_start(env *e, int seed_contacts, int lag_ms)
{
    memset(e, 0, sizeof *e);
    cs_sandbox_options o;
    cs_sandbox_options_default(&o);
    o.hubspot_limit_per_10s = 0;
    o.hubspot_search_rate = 0;
    o.salesforce_daily_limit = 0;
    o.seed_contacts = seed_contacts;
    o.hubspot_search_lag_ms = lag_ms;
    sb_fixture_start(&e->f, "cs-scan-", &o);
    cs_err err = {0};
    cs_connector_options co = {.base_url = e->f.hs_url, .token = "sandbox-token", .max_retries = 2};
    cr_assert_eq(cs_hubspot_connector_new(&co, &e->hs, &err), 0, "%s", err.message);
    const char *fields[] = {"email", "salesforceleadid"};
    cr_assert_eq(cs_connector_select_fields(e->hs, "contacts", fields, 2, &err), 0, "%s",
                 err.message);
}

static void env_stop(env *e)
{
    cs_connector_free(e->hs);
    sb_fixture_stop(&e->f);
}

/* Writes salesforceleadid to every record of l from index from on, in one
 * batch per 100, as the engine does after a round. */
static void write_back(cs_connector *c, const cs_record_list *l, size_t from)
{
    for (size_t i = from; i < l->len; i += 100) {
        size_t n = l->len - i < 100 ? l->len - i : 100;
        cs_write_input in[100];
        cs_write_result res[100];
        json_t *fields = json_pack("{s:s}", "salesforceleadid", "00Q");
        for (size_t k = 0; k < n; k++)
            in[k] = (cs_write_input){.id = l->items[i + k].id, .fields = fields};
        cs_err err = {0};
        cr_assert_eq(cs_connector_write(c, "contacts", CS_WRITE_UPDATE, in, n, res, &err), 0, "%s",
                     err.message);
        for (size_t k = 0; k < n; k++)
            cr_assert_eq(res[k].status, CS_WRITE_OK, "%s", res[k].message);
        json_decref(fields);
    }
}

/* Scans every contact, writing back to each page's records before the next
 * page; checks each of want contacts came exactly once. */
static void scan_with_write_backs(env *e, size_t want)
{
    cs_scan_options so = {.object = "contacts", .overlap_ms = 0};
    cs_change_scan *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_connector_scan_begin(e->hs, &so, &s, &err), 0, "%s", err.message);
    cs_record_list l;
    cs_record_list_init(&l);
    bool done = false;
    while (!done) {
        size_t before = l.len;
        cr_assert_eq(cs_change_scan_next(s, &l, &done, &err), 0, "%s", err.message);
        write_back(e->hs, &l, before);
    }
    json_t *seen = json_object();
    for (size_t i = 0; i < l.len; i++) {
        cr_assert_null(json_object_get(seen, l.items[i].id), "contact %s read twice",
                       l.items[i].id);
        cr_assert_null(cs_record_get(&l.items[i], "salesforceleadid"),
                       "contact %s read again after the scan's own write", l.items[i].id);
        json_object_set_new(seen, l.items[i].id, json_true());
    }
    cr_assert_eq(l.len, want, "%zu of %zu contacts read", l.len, want);
    json_decref(seen);
    cs_record_list_dispose(&l);
    cs_change_scan_free(s);
}

Test(hubspot_scan_window, write_backs_between_pages_skip_nothing)
{
    env e;
    /* seeded contacts share one time: pages within one millisecond */
    env_start(&e, 1500, 0);
    scan_with_write_backs(&e, 1500);
    env_stop(&e);
}

Test(hubspot_scan_window, write_backs_under_search_lag_skip_nothing)
{
    env e;
    /* the index shows the records' old copies for a while after the writes */
    env_start(&e, 1500, 60000);
    scan_with_write_backs(&e, 1500);
    env_stop(&e);
}

Test(hubspot_scan_window, one_millisecond_past_the_10000_search_cap, .timeout = 240)
{
    env e;
    enum { N = 10500 };
    env_start(&e, N, 0);
    cs_scan_options so = {.object = "contacts", .overlap_ms = 0};
    cs_record_list l;
    cs_record_list_init(&l);
    char cursor[CS_CONNECTOR_CURSOR_MAX];
    cs_err err = {0};
    cs_connector_usage u0, u1;
    cs_connector_get_usage(e.hs, &u0);
    cr_assert_eq(cs_connector_changes(e.hs, &so, &l, cursor, &err), 0, "%s", err.message);
    cs_connector_get_usage(e.hs, &u1);
    cr_assert_eq(l.len, N, "%zu of %d contacts read", l.len, N);
    for (size_t i = 1; i < l.len; i++)
        cr_assert_eq(l.items[i].modified_ms, l.items[0].modified_ms, "one shared time");
    /* one range page, then the millisecond by id: about one call per 200 */
    cr_assert_leq(u1.read_calls - u0.read_calls, N / 200 + 4);
    cs_record_list_dispose(&l);
    env_stop(&e);
}
