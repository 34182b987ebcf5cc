/* A pass leaves the pairs it created converged (echo suppression, R2): values
 * Salesforce gives a record it creates for HubSpot (picklist defaults such as
 * Lead.Status, the default OwnerId, C17) reach HubSpot in the same pass,
 * through the value map (R3), in the write of the link property crmsync
 * sends anyway — so `verify` is clean right after the pass and the next pass
 * writes nothing. Also how the pass report counts what it wrote (R5): an
 * opt-out from Salesforce is an update of the HubSpot contact (C10). */
#include "sync_fixture.h"

#include "engine/verify.h"

static fx F;

static void setup(void)
{
    fx_sandbox(&F);
}

static void teardown(void)
{
    fx_stop(&F);
}

TestSuite(echo, .init = setup, .fini = teardown, .timeout = 120);

static char *hs_value(const char *id, const char *prop)
{
    return fx_hs_get(&F, id, prop);
}

static void expect_hs(const char *id, const char *prop, const char *want)
{
    char *v = hs_value(id, prop);
    cr_expect(v != NULL && strcmp(v, want) == 0, "HubSpot %s.%s is '%s', expected '%s'", id, prop,
              v ? v : "(null)", want);
    free(v);
}

/* verify right after a pass: no divergence, nothing explained away. */
static void expect_verify_clean(void)
{
    cs_verify_options o = {.config = F.cfg, .store = F.store, .hubspot = F.hs, .salesforce = F.sf};
    cs_verify_report *r = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_verify_run(&o, &r, &err), 0, "%s", err.message);
    for (size_t i = 0; i < r->count; i++) {
        const cs_verify_item *it = &r->items[i];
        for (size_t k = 0; k < it->ndiffs; k++)
            cr_log_info("verify: %s %s: %s = %s but %s = %s", cs_verify_kind_name(it->kind),
                        it->email ? it->email : "-", it->diffs[k].hs_property,
                        it->diffs[k].hs_value ? it->diffs[k].hs_value : "(blank)",
                        it->diffs[k].sf_field,
                        it->diffs[k].sf_value ? it->diffs[k].sf_value : "(blank)");
    }
    cr_expect_eq(r->divergences, 0, "verify found %zu divergences", r->divergences);
    cr_expect_eq(r->explained, 0, "verify found %zu differences explained by errors", r->explained);
    cs_verify_report_free(r);
}

/* The pass after: nothing to write on either side. */
static void expect_next_pass_writes_nothing(void)
{
    fx_reset_stats(&F);
    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(fx_writes(&F, true), 0, "HubSpot write calls in the next pass");
    cr_expect_eq(fx_writes(&F, false), 0, "Salesforce write calls in the next pass");
    cr_expect_eq(
        r.hubspot.updated + r.salesforce.updated + r.hubspot.created + r.salesforce.created, 0);
}

/* The journal row (R5) of one HS property written for contact id. */
static bool journaled(const char *id, const char *field, const char *value, const char *reason)
{
    cs_journal_list j;
    memset(&j, 0, sizeof j);
    cs_journal_query q = {.record_id = id};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_list(F.store, &q, &j, &err), 0, "%s", err.message);
    bool found = false;
    for (size_t i = 0; i < j.count && !found; i++)
        found = j.items[i].field && strcmp(j.items[i].field, field) == 0 && j.items[i].new_value &&
                strcmp(j.items[i].new_value, value) == 0 && j.items[i].op == CS_STORE_OP_UPDATE &&
                j.items[i].dir == CS_STORE_SF_TO_HS && j.items[i].reason &&
                strstr(j.items[i].reason, reason) != NULL;
    cs_journal_list_dispose(&j);
    return found;
}

/* Lead.Status gets its picklist default ("Open - Not Contacted") when crmsync
 * creates the Lead; HubSpot gets NEW (the value map's first option for it)
 * in the same pass, without an extra HubSpot call. A contact that has a
 * status keeps it. */
Test(echo, salesforce_defaults_reach_hubspot_in_the_creating_pass)
{
    char *h1 = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "ann@example.com", "firstname",
                                          "Ann", "lastname", "Archer"));
    char *h2 =
        fx_hs_create(&F, json_pack("{s:s,s:s}", "email", "bo@example.com", "lastname", "Bo"));
    char *h3 = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "cy@example.com", "lastname",
                                          "Cy", "hs_lead_status", "UNQUALIFIED"));
    fx_engine(&F, NULL); /* the default mappings, hs_lead_status included */
    fx_reset_stats(&F);

    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(r.salesforce.created, 3);
    cr_expect_eq(cs_sync_side_errors(&r.hubspot) + cs_sync_side_errors(&r.salesforce), 0);
    expect_hs(h1, "hs_lead_status", "NEW");
    expect_hs(h2, "hs_lead_status", "NEW");
    expect_hs(h3, "hs_lead_status", "UNQUALIFIED");
    /* The defaults travel with the link property: one HubSpot write call. */
    long hs_writes = fx_writes(&F, true);
    cr_expect_eq(hs_writes, 1, "HubSpot write calls in the creating pass: %ld", hs_writes);
    cr_expect(journaled(h1, "hs_lead_status", "NEW", "Salesforce default on create"),
              "no journal row for the default status of %s", h1);
    cr_expect_eq(r.hubspot.updated, 0, "the link property write is part of the create");

    expect_verify_clean();
    expect_next_pass_writes_nothing();
    expect_verify_clean();
    free(h1), free(h2), free(h3);
}

/* C17: the owner Salesforce assigns a new Lead by default (the API user) is
 * written to HubSpot in the same pass when that User's email is an HS
 * owner's. */
Test(echo, salesforce_default_owner_reaches_hubspot_in_the_creating_pass)
{
    json_t *users = fx_soql(&F, "SELECT Id FROM User WHERE Email = 'integration@example.com'");
    cr_assert_eq(json_array_size(users), 1);
    char *user = strdup(json_string_value(json_object_get(json_array_get(users, 0), "Id")));
    json_decref(users);
    /* The API user now has the email of an owner that exists only in HubSpot. */
    fx_sf_patch(&F, "User", user, json_pack("{s:s}", "Email", "owner.carol@example.com"));
    char *h1 = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "dee@example.com", "firstname",
                                          "Dee", "lastname", "Dunn"));
    fx_engine(&F, NULL);

    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(r.salesforce.created, 1);
    expect_hs(h1, "hubspot_owner_id", "70000003");
    cr_expect(journaled(h1, "hubspot_owner_id", "70000003", "Salesforce default on create"),
              "no journal row for the default owner of %s", h1);
    expect_verify_clean();
    expect_next_pass_writes_nothing();
    free(h1), free(user);
}

/* C10, R5: an opt-out ticked in Salesforce unsubscribes the linked HubSpot
 * contact; the report counts it as an update of that contact (and as an
 * opt-out). A new HubSpot contact created opted out counts as created only. */
Test(echo, optout_from_salesforce_counts_as_a_hubspot_update)
{
    char *h1 = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "eve@example.com", "firstname",
                                          "Eve", "lastname", "Egan"));
    /* Only the opt-out changes in the second pass. */
    fx_engine(&F, "  rules: {hs_lead_status: dont_sync}\n");
    fx_pass(&F);
    json_t *leads = fx_soql(&F, "SELECT Id FROM Lead WHERE Email = 'eve@example.com'");
    cr_assert_eq(json_array_size(leads), 1);
    char *lead = strdup(json_string_value(json_object_get(json_array_get(leads, 0), "Id")));
    json_decref(leads);

    fx_sf_patch(&F, "Lead", lead, json_pack("{s:b}", "HasOptedOutOfEmail", 1));
    free(fx_sf_create(&F, "Lead",
                      json_pack("{s:s,s:s,s:s,s:b}", "LastName", "Fox", "Company", "Fox Ltd",
                                "Email", "fox@example.com", "HasOptedOutOfEmail", 1)));
    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(r.hubspot.unsubscribed, 2, "unsubscribed %llu",
                 (unsigned long long)r.hubspot.unsubscribed);
    cr_expect_eq(r.hubspot.created, 1, "created %llu", (unsigned long long)r.hubspot.created);
    cr_expect_eq(r.hubspot.updated, 1, "updated %llu", (unsigned long long)r.hubspot.updated);
    expect_hs(h1, "hs_email_optout", "true");
    expect_next_pass_writes_nothing();
    free(h1), free(lead);
}
