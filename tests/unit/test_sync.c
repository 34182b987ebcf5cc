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

/* Tests whose counts are not about lead status turn that row off, so the
 * statuses Salesforce gives new Leads by default (and their value map, R3)
 * do not enter their numbers; the first-sync test keeps it on. */
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
    fx_engine(&F, NULL); /* every default row, hs_lead_status and its value map included */

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

/* R1: two_way rows; different fields edited on both sides both survive, the
 * same field edited on both sides goes to the latest change (conflict_winner
 * latest), and prefer_sf_unless_blank lets HubSpot fill a blank SF field. */
Test(sync, edits_on_both_sides_merge_field_by_field)
{
    char *h = fx_hs_create(&F, contact("gil@example.com", "Gil", "Grey"));
    fx_engine(&F, "  rules: {hs_lead_status: dont_sync, firstname: two_way, phone: two_way, "
                  "jobtitle: two_way}\n");
    fx_pass(&F);
    char *l = sf_one("Lead", "gil@example.com");

    /* Different fields: phone in HubSpot, Title in Salesforce; city (the
     * default rule) into the blank SF City. */
    fx_hs_patch(&F, h, json_pack("{s:s,s:s}", "phone", "+1 555 0100", "city", "Lyon"));
    fx_sf_patch(&F, "Lead", l, json_pack("{s:s}", "Title", "Buyer"));
    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(r.hubspot.updated, 1);
    cr_expect_eq(r.salesforce.updated, 1);
    expect_sf("Lead", l, "Phone", "+1 555 0100");
    expect_sf("Lead", l, "City", "Lyon");
    expect_hs(h, "jobtitle", "Buyer");
    expect_hs(h, "phone", "+1 555 0100");

    /* The same field on both sides: the later change wins on both. */
    fx_hs_patch(&F, h, json_pack("{s:s}", "firstname", "Gilbert"));
    usleep(30000);
    fx_sf_patch(&F, "Lead", l, json_pack("{s:s}", "FirstName", "Gilles"));
    fx_pass(&F);
    expect_hs(h, "firstname", "Gilles");
    expect_sf("Lead", l, "FirstName", "Gilles");
    /* ... and the conflict is journaled (R1, R5). */
    cs_journal_list j;
    memset(&j, 0, sizeof j);
    cs_journal_query q = {.record_id = h};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_list(F.store, &q, &j, &err), 0, "%s", err.message);
    bool conflict = false;
    for (size_t i = 0; i < j.count; i++)
        conflict |= j.items[i].field && strcmp(j.items[i].field, "firstname") == 0 &&
                    j.items[i].dir == CS_STORE_SF_TO_HS && j.items[i].old_value &&
                    strcmp(j.items[i].old_value, "Gilbert") == 0 && j.items[i].new_value &&
                    strcmp(j.items[i].new_value, "Gilles") == 0 &&
                    strstr(j.items[i].reason, "conflict") != NULL;
    cr_expect(conflict, "no journaled conflict for firstname Gilbert -> Gilles");
    cs_journal_list_dispose(&j);

    /* And again nothing to write. */
    fx_reset_stats(&F);
    fx_pass(&F);
    cr_expect_eq(fx_writes(&F, true) + fx_writes(&F, false), 0);
    free(h);
    free(l);
}

/* C5: a Contact and a Lead with one email make one HubSpot contact, linked to
 * the Contact; an HS contact whose email an SF Lead has is linked, not
 * duplicated on either side. */
Test(sync, dedup_across_leads_and_contacts)
{
    char *lead = fx_sf_create(&F, "Lead",
                              json_pack("{s:s,s:s,s:s,s:s}", "FirstName", "Zed", "LastName", "Zane",
                                        "Company", "Zane Co", "Email", "zed@example.com"));
    char *con = fx_sf_create(&F, "Contact",
                             json_pack("{s:s,s:s,s:s}", "FirstName", "Zed", "LastName", "Zane",
                                       "Email", "ZED@Example.com"));
    char *h = fx_hs_create(&F, contact("amy@example.com", "Amy", "Ames"));
    char *amy = fx_sf_create(&F, "Lead",
                             json_pack("{s:s,s:s,s:s,s:s}", "FirstName", "Amy", "LastName", "Ames",
                                       "Company", "Ames plc", "Email", "amy@example.com"));
    fx_engine(&F, NO_STATUS);
    cs_sync_report r = fx_pass(&F);

    char *hz = hs_one("zed@example.com");
    expect_hs(hz, "salesforcecontactid", con);
    expect_hs(hz, "salesforceleadid", NULL);
    cr_expect_eq(r.hubspot.created, 1);
    cr_expect_eq(r.salesforce.skipped[CS_SYNC_SKIP_DUPLICATE], 1, "the shadowed Lead is skipped");
    cs_link link;
    cs_err err = {0};
    cr_expect_eq(cs_store_link_by_sf(F.store, lead, &link, &err), 0, "the Lead stays unlinked");

    /* amy: linked by email, nothing created anywhere. */
    cr_expect_eq(r.salesforce.created, 0);
    cr_expect_eq(r.linked, 1);
    cr_expect_eq(sf_count("Lead", "amy@example.com"), 1);
    free(hs_one("amy@example.com"));
    expect_hs(h, "salesforceleadid", amy);
    expect_hs(h, "company", "Ames plc"); /* prefer_sf_unless_blank filled HubSpot's blank */
    cr_expect_eq(cs_store_link_by_sf(F.store, amy, &link, &err), 1);
    cr_expect_str_eq(link.hs_id, h);

    fx_reset_stats(&F);
    fx_pass(&F);
    cr_expect_eq(fx_writes(&F, true) + fx_writes(&F, false), 0);
    free(lead), free(con), free(h), free(amy), free(hz);
}

static const cs_record_error *find_error(const cs_record_error_list *l, const char *key)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].record_key, key) == 0)
            return &l->items[i];
    return NULL;
}

/* R4, R9: records Salesforce refuses (an invalid email, a value too long, a
 * restricted picklist) become errors with their category, field and the
 * API's message; the rest of the batch lands. R8: they wait for their retry
 * (no write on the next pass) and are retried as soon as they change. */
Test(sync, refused_records_become_errors_and_the_rest_lands)
{
    json_t *field = json_pack("{s:[{s:s,s:s,s:s,s:b,s:[s,s,s]}]}", "fields", "name",
                              "Favorite_Color__c", "label", "Favorite Color", "type", "picklist",
                              "restricted", 1, "picklistValues", "Red", "Green", "Blue");
    json_decref(fx_call(F.sf_http, CS_HTTP_POST, "/__sandbox/salesforce/sobjects/Lead/fields",
                        json_incref(field)));
    json_decref(
        fx_call(F.sf_http, CS_HTTP_POST, "/__sandbox/salesforce/sobjects/Contact/fields", field));
    json_decref(fx_call(F.hs_http, CS_HTTP_POST, "/crm/v3/properties/contacts",
                        json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "favorite_color", "label",
                                  "Favorite color", "type", "string", "fieldType", "text",
                                  "groupName", "contactinformation")));
    char *ok1 = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "ok1@example.com", "lastname",
                                           "One", "favorite_color", "Red"));
    char *ok2 = fx_hs_create(&F, contact("ok2@example.com", "Oz", "Two"));
    char *bad_email = fx_hs_create(&F, contact("bad(mail)@example.com", "Bea", "Bad"));
    char *too_long = fx_hs_create(
        &F, contact("long@example.com", "Maximilian-Alexander-Bartholomew-Fitzgerald", "Long"));
    char *bad_pick = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "pick@example.com",
                                                "lastname", "Pick", "favorite_color", "Purple"));
    fx_engine(&F,
              "  rules: {hs_lead_status: dont_sync}\n"
              "  mappings:\n"
              "    - {hubspot: favorite_color, salesforce: Favorite_Color__c, rule: two_way}\n");
    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(r.salesforce.created, 2, "the rest of the batch lands");
    cr_expect_eq(r.salesforce.errors[CS_CAT_PROPERTY_VALUES], 3);
    char *l1 = sf_one("Lead", "ok1@example.com");
    expect_sf("Lead", l1, "Favorite_Color__c", "Red");
    free(sf_one("Lead", "ok2@example.com"));
    cr_expect_eq(sf_count("Lead", "long@example.com"), 0);

    cs_record_error_list errs;
    memset(&errs, 0, sizeof errs);
    cs_error_query q = {.limit = 100};
    cs_err err = {0};
    cr_assert_eq(cs_store_error_list(F.store, &q, &errs, &err), 0, "%s", err.message);
    cr_expect_eq(errs.count, 3);
    const cs_record_error *e = find_error(&errs, bad_email);
    cr_assert_not_null(e);
    cr_expect_eq(e->side, CS_STORE_SALESFORCE);
    cr_expect_eq(e->category, CS_CAT_PROPERTY_VALUES);
    cr_expect(strstr(e->message, "invalid email") != NULL, "%s", e->message);
    cr_expect_str_eq(e->email, "bad(mail)@example.com");
    e = find_error(&errs, too_long);
    cr_assert_not_null(e);
    cr_expect(e->field && strstr(e->field, "FirstName"), "field %s", e->field);
    cr_expect(strstr(e->message, "too") != NULL, "%s", e->message);
    e = find_error(&errs, bad_pick);
    cr_assert_not_null(e);
    cr_expect(strstr(e->message, "Purple") != NULL, "%s", e->message);
    cr_expect_eq(e->attempts, 1);
    cr_expect_gt(e->next_retry_ms, cs_time_now_ms());
    cs_record_error_list_dispose(&errs);

    /* R8: unchanged, they wait for their retry time: nothing is written. */
    fx_reset_stats(&F);
    cs_sync_report quiet = fx_pass(&F);
    cr_expect_eq(fx_writes(&F, false), 0);
    cr_expect_eq(cs_sync_side_errors(&quiet.salesforce), 0);

    /* Changed, they are retried: one is fixed, one still refused. */
    fx_hs_patch(&F, too_long, json_pack("{s:s}", "firstname", "Max"));
    fx_hs_patch(&F, bad_pick, json_pack("{s:s}", "favorite_color", "Mauve"));
    cs_sync_report again = fx_pass(&F);
    cr_expect_eq(again.salesforce.created, 1);
    cr_expect_eq(again.salesforce.errors[CS_CAT_PROPERTY_VALUES], 1);
    char *l2 = sf_one("Lead", "long@example.com");
    expect_sf("Lead", l2, "FirstName", "Max");
    memset(&errs, 0, sizeof errs);
    cr_assert_eq(cs_store_error_list(F.store, &q, &errs, &err), 0, "%s", err.message);
    cr_expect_eq(errs.count, 2);
    cr_expect_null(find_error(&errs, too_long), "the fixed record's error is gone");
    e = find_error(&errs, bad_pick);
    cr_assert_not_null(e);
    cr_expect_eq(e->attempts, 2);
    cr_expect(strstr(e->message, "Mauve") != NULL, "%s", e->message);
    cs_record_error_list_dispose(&errs);
    cs_error_event_list hist;
    memset(&hist, 0, sizeof hist);
    cr_assert_eq(
        cs_store_error_history(F.store, CS_STORE_SALESFORCE, "contacts", too_long, &hist, &err), 0,
        "%s", err.message);
    cr_expect_eq(hist.count, 2);
    cr_expect_eq(hist.items[hist.count - 1].kind, CS_ERROR_EVENT_RESOLVED);
    cs_error_event_list_dispose(&hist);
    free(ok1), free(ok2), free(bad_email), free(too_long), free(bad_pick), free(l1), free(l2);
}
