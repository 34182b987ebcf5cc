/* The sync engine end to end against the in-process sandbox: a first sync
 * both ways (C3, C15, C13), echo suppression proven by the sandbox's request
 * counts (R2: a pass right after a pass writes nothing), edits on both sides
 * (R1: different fields both survive, the same field goes to the rule's
 * winner), journal and runs (R5), deduplication across Leads and Contacts
 * (C5), refused records (R4, R9) that land as errors while the rest of the
 * batch lands, and their retry when they change (R8). */
#include "sync_fixture.h"

#include "core/timeutil.h"

static fx F;

static void setup(void)
{
    fx_sandbox(&F);
}

static void teardown(void)
{
    fx_stop(&F);
}

TestSuite(sync, .init = setup, .fini = teardown, .timeout = 120);

/* SF Lead.Status picklist values ("Open - Not Contacted") are not options of
 * HubSpot's hs_lead_status (NEW, OPEN, ...): with the default rule every new
 * Lead would be a property_values error in HubSpot (R3). Tests that are not
 * about that turn the row off. */
#define NO_STATUS "  rules: {hs_lead_status: dont_sync}\n"

static json_t *contact(const char *email, const char *first, const char *last)
{
    return json_pack("{s:s,s:s,s:s}", "email", email, "firstname", first, "lastname", last);
}

/* The HS contact with this email (exactly one), its id. */
static char *hs_one(const char *email)
{
    json_t *ids = fx_hs_by_email(&F, email);
    cr_assert_eq(json_array_size(ids), 1, "%zu HubSpot contacts with %s", json_array_size(ids),
                 email);
    char *id = strdup(json_string_value(json_array_get(ids, 0)));
    json_decref(ids);
    return id;
}

/* How many SF records of type have this email. */
static size_t sf_count(const char *type, const char *email)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT Id FROM %s WHERE Email = '%s'", type, email);
    json_t *r = fx_soql(&F, q);
    size_t n = json_array_size(r);
    json_decref(r);
    return n;
}

static char *sf_one(const char *type, const char *email)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT Id FROM %s WHERE Email = '%s'", type, email);
    json_t *r = fx_soql(&F, q);
    cr_assert_eq(json_array_size(r), 1, "%zu %s records with %s", json_array_size(r), type, email);
    char *id = strdup(json_string_value(json_object_get(json_array_get(r, 0), "Id")));
    json_decref(r);
    return id;
}

static void expect_hs(const char *id, const char *prop, const char *want)
{
    char *v = fx_hs_get(&F, id, prop);
    if (want == NULL)
        cr_expect(v == NULL || v[0] == '\0', "HubSpot %s.%s is '%s', expected blank", id, prop, v);
    else
        cr_expect(v != NULL && strcmp(v, want) == 0, "HubSpot %s.%s is '%s', expected '%s'", id,
                  prop, v ? v : "(null)", want);
    free(v);
}

static void expect_sf(const char *type, const char *id, const char *field, const char *want)
{
    char *v = fx_sf_get(&F, type, id, field);
    cr_expect(v != NULL && strcmp(v, want) == 0, "Salesforce %s %s.%s is '%s', expected '%s'", type,
              id, field, v ? v : "(null)", want);
    free(v);
}

Test(sync, first_sync_both_ways_then_a_pass_writes_nothing)
{
    char *h1 = fx_hs_create(&F, contact("ann@example.com", "Ann", "Archer"));
    char *h2 =
        fx_hs_create(&F, json_pack("{s:s,s:s,s:s,s:s}", "email", "ben@example.com", "firstname",
                                   "Ben", "lastname", "Baker", "company", "Baker Ltd"));
    char *h3 = fx_hs_create(&F, json_pack("{s:s,s:s}", "email", "cy@example.com", "firstname",
                                          "Cy")); /* no last name, no company: C13 */
    char *l1 = fx_sf_create(&F, "Lead",
                            json_pack("{s:s,s:s,s:s,s:s}", "FirstName", "Dee", "LastName", "Dunn",
                                      "Company", "Dunn Inc", "Email", "dee@example.com"));
    char *c1 = fx_sf_create(&F, "Contact",
                            json_pack("{s:s,s:s,s:s,s:s}", "FirstName", "Eve", "LastName", "Egan",
                                      "Email", "eve@example.com", "Title", "CTO"));
    fx_engine(&F, NO_STATUS);

    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(r.salesforce.created, 3, "SF created %llu",
                 (unsigned long long)r.salesforce.created);
    cr_expect_eq(r.hubspot.created, 2, "HS created %llu", (unsigned long long)r.hubspot.created);
    cr_expect_eq(cs_sync_side_errors(&r.hubspot) + cs_sync_side_errors(&r.salesforce), 0);
    cr_expect(r.cursors_advanced);
    cr_expect_gt(r.run_id, 0);
    cr_expect_eq(fx_links(&F), 5);

    /* HS → SF (C15: Leads by default; C13: placeholders for required fields). */
    char *sl1 = sf_one("Lead", "ann@example.com");
    expect_sf("Lead", sl1, "FirstName", "Ann");
    expect_sf("Lead", sl1, "LastName", "Archer");
    expect_sf("Lead", sl1, "Company", "[not provided]");
    expect_hs(h1, "salesforceleadid", sl1);
    char *sl2 = sf_one("Lead", "ben@example.com");
    expect_sf("Lead", sl2, "Company", "Baker Ltd");
    expect_hs(h2, "salesforceleadid", sl2);
    char *sl3 = sf_one("Lead", "cy@example.com");
    expect_sf("Lead", sl3, "LastName", "[not provided]");
    /* C13: the placeholder never comes back to HubSpot. */
    expect_hs(h3, "lastname", NULL);

    /* SF → HS (C3). */
    char *hd = hs_one("dee@example.com");
    expect_hs(hd, "firstname", "Dee");
    expect_hs(hd, "company", "Dunn Inc");
    expect_hs(hd, "salesforceleadid", l1);
    char *he = hs_one("eve@example.com");
    expect_hs(he, "jobtitle", "CTO");
    expect_hs(he, "salesforcecontactid", c1);

    /* R5: every write is journaled with its reason. */
    cs_journal_list j;
    memset(&j, 0, sizeof j);
    cs_journal_query q = {.record_id = sl1};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_list(F.store, &q, &j, &err), 0, "%s", err.message);
    bool first_name = false;
    for (size_t i = 0; i < j.count; i++)
        first_name |= j.items[i].field && strcmp(j.items[i].field, "FirstName") == 0 &&
                      j.items[i].new_value && strcmp(j.items[i].new_value, "Ann") == 0 &&
                      j.items[i].op == CS_STORE_OP_CREATE && j.items[i].reason != NULL;
    cr_expect(first_name, "no journal row for Lead.FirstName = Ann");
    cs_journal_list_dispose(&j);

    /* The run is recorded with its counts. */
    cs_run_list runs;
    memset(&runs, 0, sizeof runs);
    cr_assert_eq(cs_store_run_list(F.store, 1, &runs, &err), 0, "%s", err.message);
    cr_assert_eq(runs.count, 1);
    cr_expect_eq(runs.items[0].status, CS_RUN_COMPLETED);
    cr_expect_eq(json_integer_value(json_object_get(
                     json_object_get(runs.items[0].counts, "salesforce"), "created")),
                 3);
    cs_run_list_dispose(&runs);

    /* Echo suppression: the next passes re-read what the first one wrote
     * (overlap window) and write nothing at all. */
    for (int pass = 0; pass < 2; pass++) {
        fx_reset_stats(&F);
        cs_sync_report again = fx_pass(&F);
        cr_expect_eq(fx_writes(&F, true), 0, "pass %d: HubSpot write calls", pass + 2);
        cr_expect_eq(fx_writes(&F, false), 0, "pass %d: Salesforce write calls", pass + 2);
        cr_expect_gt(again.hubspot.read + again.salesforce.read, 0,
                     "the overlap window re-reads recent records");
        cr_expect_eq(again.hubspot.write_calls + again.salesforce.write_calls, 0);
        cr_expect_eq(again.hubspot.created + again.salesforce.created + again.hubspot.updated +
                         again.salesforce.updated,
                     0);
    }
    cr_expect_eq(sf_count("Lead", "ann@example.com"), 1);
    free(h1), free(h2), free(h3), free(l1), free(c1), free(sl1), free(sl2), free(sl3);
    free(hd), free(he);
}
