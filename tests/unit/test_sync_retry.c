/* Refused records across passes, end to end against the in-process sandbox
 * (R2, R4, R8, R9, C17): a refused record that stays in the change-detection
 * overlap window is not written again, nor counted again, until its retry is
 * due or it changes — crmsync's own writes to it do not count as a change —
 * and every error row names the record (email, ids on both sides, field,
 * category, the API's message). Plan errors (C17 owners) follow the same
 * schedule. Within one pass, a value an API refused is not sent again. */
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

TestSuite(retry, .init = setup, .fini = teardown, .timeout = 180);

/* The Lead.Status row off (its own values are not the subject here). */
#define NO_STATUS "  rules: {hs_lead_status: dont_sync}\n"
/* A custom mapping (C7): HubSpot's enumeration "tier" (gold, silver) and a
 * Salesforce picklist Tier__c that also has "bronze", which HubSpot refuses. */
#define TIER     NO_STATUS "  mappings:\n    - {hubspot: tier, salesforce: Tier__c, rule: two_way}\n"
#define BAD_TIER "bronze"

static void tier_fields(void)
{
    json_t *field = json_pack("{s:[{s:s,s:s,s:[s,s,s]}]}", "fields", "name", "Tier__c", "type",
                              "picklist", "picklistValues", "gold", "silver", BAD_TIER);
    json_decref(fx_call(F.sf_http, CS_HTTP_POST, "/__sandbox/salesforce/sobjects/Lead/fields",
                        json_incref(field)));
    json_decref(
        fx_call(F.sf_http, CS_HTTP_POST, "/__sandbox/salesforce/sobjects/Contact/fields", field));
    json_decref(fx_call(F.hs_http, CS_HTTP_POST, "/crm/v3/properties/contacts",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s},{s:s,s:s}]}", "name", "tier",
                                  "label", "Tier", "type", "enumeration", "fieldType", "select",
                                  "groupName", "contactinformation", "options", "label", "Gold",
                                  "value", "gold", "label", "Silver", "value", "silver")));
}

static json_t *contact(const char *email, const char *first, const char *last)
{
    return json_pack("{s:s,s:s,s:s}", "email", email, "firstname", first, "lastname", last);
}

/* A Lead; tier NULL: without Tier__c. */
static json_t *lead(const char *email, const char *last, const char *tier)
{
    json_t *f = json_pack("{s:s,s:s,s:s}", "Email", email, "LastName", last, "Company", "Acme");
    if (tier != NULL)
        json_object_set_new(f, "Tier__c", json_string(tier));
    return f;
}

static char *hs_one(const char *email)
{
    json_t *ids = fx_hs_by_email(&F, email);
    cr_assert_eq(json_array_size(ids), 1, "%zu HubSpot contacts with %s", json_array_size(ids),
                 email);
    char *id = strdup(json_string_value(json_array_get(ids, 0)));
    json_decref(ids);
    return id;
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

/* The attempts of a record's open error; 0 when it has none. */
static int attempts(cs_store_side side, const char *object, const char *key)
{
    cs_record_error_list l;
    cs_record_error e;
    int n = fx_error(&F, side, object, key, &l, &e) ? e.attempts : 0;
    cs_record_error_list_dispose(&l);
    return n;
}

/* Every open error row names its record (R4, `crmsync errors`): email, the
 * ids known on both sides, the field, a category and the API's message.
 * Returns how many rows there are. */
static size_t expect_complete_rows(void)
{
    cs_record_error_list l;
    memset(&l, 0, sizeof l);
    cs_error_query q = {.limit = CS_STORE_LIST_MAX};
    cs_err err = {0};
    cr_assert_eq(cs_store_error_list(F.store, &q, &l, &err), 0, "%s", err.message);
    for (size_t i = 0; i < l.count; i++) {
        const cs_record_error *e = &l.items[i];
        const char *what = e->message ? e->message : "(no message)";
        cr_expect(e->email != NULL && strchr(e->email, '@') != NULL, "no email: %s", what);
        cr_expect(e->hs_id != NULL || e->sf_id != NULL, "no id: %s", what);
        /* The record the error is filed under is named on its own side. */
        if (strcmp(e->object, "contacts") == 0)
            cr_expect(e->hs_id && strcmp(e->hs_id, e->record_key) == 0, "hs_id: %s", what);
        else
            cr_expect(e->sf_id && strcmp(e->sf_id, e->record_key) == 0, "sf_id: %s", what);
        cr_expect(e->field != NULL && e->field[0] != '\0', "no field: %s", what);
        cr_expect(e->message != NULL && e->message[0] != '\0', "no message");
        cr_expect((unsigned)e->category < CS_CAT_COUNT);
    }
    size_t n = l.count;
    cs_record_error_list_dispose(&l);
    return n;
}

/* R8, R2: refused records in the overlap window — a create Salesforce refuses
 * (an invalid email), a create HubSpot refuses and an update HubSpot refuses
 * (a picklist value HubSpot's property lacks) — are not written again while
 * unchanged: five passes in a row make no write call and count no attempt.
 * crmsync's own write to a refused record (a HubSpot edit synced to its
 * Lead) is not a change of it; someone else's change retries it at once (R4). */
Test(retry, refused_records_wait_until_they_change)
{
    tier_fields();
    char *a = fx_hs_create(&F, contact("ann(work)@example.com", "Ann", "Paren"));
    char *c = fx_hs_create(&F, contact("cy@example.com", "Cy", "Good"));
    char *b = fx_sf_create(&F, "Lead", lead("bee@example.com", "Bee", BAD_TIER));
    fx_engine(&F, TIER);
    fx_pass(&F); /* A and B refused; C's Lead created */
    char *cl = sf_one("Lead", "cy@example.com");
    fx_sf_patch(&F, "Lead", cl, json_pack("{s:s}", "Tier__c", BAD_TIER));
    fx_pass(&F); /* C's Lead's tier refused by HubSpot */
    cr_assert_eq(attempts(CS_STORE_SALESFORCE, "contacts", a), 1);
    cr_assert_eq(attempts(CS_STORE_HUBSPOT, "Lead", b), 1);
    cr_assert_eq(attempts(CS_STORE_HUBSPOT, "Lead", cl), 1);
    cr_expect_eq(expect_complete_rows(), 3);

    fx_reset_stats(&F);
    for (int i = 0; i < 5; i++) {
        cs_sync_report rep = fx_pass(&F);
        cr_expect_eq(cs_sync_side_errors(&rep.hubspot) + cs_sync_side_errors(&rep.salesforce), 0,
                     "pass %d counted errors again", i + 1);
    }
    cr_expect_eq(fx_writes(&F, true), 0, "HubSpot writes while nothing changed");
    cr_expect_eq(fx_writes(&F, false), 0, "Salesforce writes while nothing changed");
    cr_expect_eq(attempts(CS_STORE_SALESFORCE, "contacts", a), 1);
    cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", b), 1);
    cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", cl), 1);

    /* A HubSpot edit of C reaches its Lead; the refused write to HubSpot waits. */
    fx_hs_patch(&F, c, json_pack("{s:s}", "jobtitle", "CTO"));
    fx_reset_stats(&F);
    cs_sync_report rep = fx_pass(&F);
    cr_expect_eq(rep.salesforce.updated, 1);
    cr_expect_eq(fx_writes(&F, false), 1);
    cr_expect_eq(fx_writes(&F, true), 0);
    char *title = fx_sf_get(&F, "Lead", cl, "Title");
    cr_expect(title && strcmp(title, "CTO") == 0, "Title %s", title ? title : "(null)");
    free(title);
    /* That write moved the Lead's modification time: still not a change. */
    fx_reset_stats(&F);
    rep = fx_pass(&F);
    cr_expect_eq(fx_writes(&F, true), 0, "crmsync's own write counted as a change");
    cr_expect_eq(fx_writes(&F, false), 0);
    /* R2: the contact was seen at this time already and is not planned
     * again; the Lead, moved by crmsync's write, is read but waits (R8):
     * nothing is planned, so nothing is counted as waiting either. */
    cr_expect_eq(rep.hubspot.waiting, 0);
    cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", cl), 1);

    /* Someone changes the Lead: retried at once (R4), refused again. */
    fx_sf_patch(&F, "Lead", cl, json_pack("{s:s}", "FirstName", "Cyrus"));
    fx_reset_stats(&F);
    rep = fx_pass(&F);
    cr_expect_gt(fx_writes(&F, true), 0, "a changed record is retried at once");
    cr_expect_eq(rep.hubspot.errors[CS_CAT_PROPERTY_VALUES], 1);
    cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", cl), 2);
    /* ... and fixed in Salesforce, it syncs and its error goes away. */
    fx_sf_patch(&F, "Lead", cl, json_pack("{s:s}", "Tier__c", "gold"));
    fx_pass(&F);
    cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", cl), 0);
    char *tier = fx_hs_get(&F, c, "tier");
    cr_expect(tier && strcmp(tier, "gold") == 0, "tier %s", tier ? tier : "-");
    free(tier);
    cr_expect_eq(attempts(CS_STORE_SALESFORCE, "contacts", a), 1, "the others still wait");
    cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", b), 1);
    free(a), free(b), free(c), free(cl);
}

/* C17, R4, R8: an HS owner without an active SF User of the same email is a
 * Permissions error that names the contact (email, both ids) like every
 * other error, is not counted again while nothing changes, and clears when
 * the owner changes to one SF knows or, at its retry, has become resolvable.
 * R8: a refused record that does not change is written again once its retry
 * is due (the store's shortest step is a minute), and not before. */
Test(retry, owner_errors_and_due_retries)
{
    const cs_retry_policy quick = {
        .step_ms = 60000, .fast_attempts = 10, .nightly_hour_utc = 3, .min_gap_ms = 60000};
    F.retry_policy = &quick;
    tier_fields();
    /* 70000001 is Alice and 70000002 Bob (both SF Users); 70000003 is Carol,
     * who has no SF User. */
    char *d = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "dee@example.com", "lastname",
                                         "Dee", "hubspot_owner_id", "70000001"));
    char *fl =
        fx_sf_create(&F, "Lead", lead("eve@example.com", "Eve", NULL)); /* integration user */
    char *g = fx_hs_create(&F, json_pack("{s:s,s:s,s:s}", "email", "gus@example.com", "lastname",
                                         "Gus", "hubspot_owner_id", "70000003"));
    char *b = fx_sf_create(&F, "Lead", lead("bee@example.com", "Bee", BAD_TIER));
    fx_engine(&F, TIER);
    fx_pass(&F);
    fx_pass(&F);
    char *e = hs_one("eve@example.com");
    char *dl = sf_one("Lead", "dee@example.com");
    char *gl = sf_one("Lead", "gus@example.com");
    /* G's new Lead got Salesforce's default owner: an error from the start. */
    cr_assert_eq(attempts(CS_STORE_SALESFORCE, "contacts", g), 1);

    /* Carol for D (whose SF owner Alice reverts it) and for E (whose SF owner,
     * the integration user, has no HS owner: nothing to revert to). */
    fx_hs_patch(&F, d, json_pack("{s:s}", "hubspot_owner_id", "70000003"));
    fx_hs_patch(&F, e, json_pack("{s:s}", "hubspot_owner_id", "70000003"));
    cs_sync_report rep = fx_pass(&F);
    cr_expect_eq(rep.salesforce.errors[CS_CAT_PERMISSIONS], 2);
    char *owner = fx_hs_get(&F, d, "hubspot_owner_id");
    cr_expect(owner && strcmp(owner, "70000001") == 0, "D reverted to Alice: %s",
              owner ? owner : "-");
    free(owner);
    const struct {
        const char *hs, *sf, *email;
    } want[] = {{d, dl, "dee@example.com"}, {e, fl, "eve@example.com"}, {g, gl, "gus@example.com"}};
    for (size_t i = 0; i < 3; i++) {
        cs_record_error_list l;
        cs_record_error er;
        cr_assert(fx_error(&F, CS_STORE_SALESFORCE, "contacts", want[i].hs, &l, &er), "%s",
                  want[i].email);
        cr_expect_eq(er.category, CS_CAT_PERMISSIONS);
        cr_expect_str_eq(er.email, want[i].email);
        cr_expect_str_eq(er.hs_id, want[i].hs);
        cr_expect(er.sf_id && strcmp(er.sf_id, want[i].sf) == 0, "%s: sf_id %s", want[i].email,
                  er.sf_id ? er.sf_id : "-");
        cr_expect_str_eq(er.field, "OwnerId");
        cr_expect(strstr(er.message, "C17") != NULL, "%s", er.message);
        cr_expect_eq(er.attempts, 1);
        cs_record_error_list_dispose(&l);
    }
    cr_expect_eq(expect_complete_rows(), 4);

    /* Nothing changes: not raised, not counted, nothing written. */
    fx_reset_stats(&F);
    for (int i = 0; i < 3; i++) {
        rep = fx_pass(&F);
        cr_expect_eq(cs_sync_side_errors(&rep.salesforce), 0, "pass %d raised it again", i + 1);
    }
    cr_expect_eq(fx_writes(&F, true), 0);
    cr_expect_eq(fx_writes(&F, false), 0);
    cr_expect_eq(attempts(CS_STORE_SALESFORCE, "contacts", e), 1);

    /* The owner changes to Bob, whom Salesforce knows: written, cleared. */
    fx_hs_patch(&F, e, json_pack("{s:s}", "hubspot_owner_id", "70000002"));
    rep = fx_pass(&F);
    cr_expect_eq(attempts(CS_STORE_SALESFORCE, "contacts", e), 0, "cleared by the owner change");
    char *bob = fx_sf_get(&F, "Lead", fl, "OwnerId");
    json_t *users = fx_soql(&F, "SELECT Id FROM User WHERE Email = 'owner.bob@example.com'");
    cr_expect(
        bob && strcmp(bob, json_string_value(json_object_get(json_array_get(users, 0), "Id"))) == 0,
        "E's Lead owned by Bob's User: %s", bob ? bob : "-");
    json_decref(users);
    free(bob);

    /* Carol becomes an SF User: G's error clears at its retry, and G's owner
     * reaches Salesforce. */
    json_decref(fx_call(F.sf_http, CS_HTTP_POST, FX_SF "/sobjects/User",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "FirstName", "Carol", "LastName",
                                  "Clark", "Email", "owner.carol@example.com", "Username",
                                  "carol@example.com.sandbox", "Alias", "cclark", "IsActive", 1)));
    int64_t due = 0;
    const char *keys[][2] = {{"contacts", g}, {"contacts", d}, {"Lead", b}};
    for (size_t i = 0; i < 3; i++) {
        cs_record_error_list l;
        cs_record_error er;
        cr_assert(fx_error(&F, i < 2 ? CS_STORE_SALESFORCE : CS_STORE_HUBSPOT, keys[i][0],
                           keys[i][1], &l, &er));
        due = er.next_retry_ms > due ? er.next_retry_ms : due;
        cs_record_error_list_dispose(&l);
    }
    fx_reset_stats(&F);
    rep = fx_pass(&F);
    if (cs_time_now_ms() < due - quick.step_ms / 2)
        cr_expect_eq(fx_writes(&F, true), 0, "written again before its retry was due");
    while (cs_time_now_ms() <= due)
        usleep(100 * 1000);
    fx_reset_stats(&F);
    rep = fx_pass(&F);
    cr_expect_gt(fx_writes(&F, true), 0, "a due retry is sent");
    cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", b), 2, "B retried when due, refused again");
    cr_expect_eq(attempts(CS_STORE_SALESFORCE, "contacts", g), 0, "G's owner is resolvable now");
    cr_expect_eq(attempts(CS_STORE_SALESFORCE, "contacts", d), 0, "D was reverted: resolved");
    char *carol = fx_sf_get(&F, "Lead", gl, "OwnerId");
    users = fx_soql(&F, "SELECT Id FROM User WHERE Email = 'owner.carol@example.com'");
    cr_expect(carol && strcmp(carol, json_string_value(
                                         json_object_get(json_array_get(users, 0), "Id"))) == 0,
              "G's Lead owned by Carol's User: %s", carol ? carol : "-");
    json_decref(users);
    free(carol);
    free(b), free(d), free(e), free(g), free(fl), free(dl), free(gl);
}

/* HubSpot batches mostly made of one refused value (creates, then updates):
 * once HubSpot refused it, the records after it that hold the same value are
 * refused without being sent, so the pass costs far fewer calls than one per
 * refused record. */
Test(retry, a_value_refused_once_is_not_sent_again_in_the_pass)
{
    F.hs_batch = 5;
    tier_fields();
    enum { BAD = 20, GOOD = 8 };
    char *ids[BAD + GOOD];
    for (int i = 0; i < BAD + GOOD; i++) {
        char email[64];
        snprintf(email, sizeof email, "%s%02d@example.com", i < BAD ? "bad" : "good", i);
        ids[i] = fx_sf_create(&F, "Lead", lead(email, "Batch", i < BAD ? BAD_TIER : "gold"));
    }
    fx_engine(&F, TIER);
    fx_reset_stats(&F);
    cs_sync_report rep = fx_pass(&F);
    cr_expect_eq(rep.hubspot.created, GOOD);
    cr_expect_eq(rep.hubspot.errors[CS_CAT_PROPERTY_VALUES], BAD);
    long calls = fx_calls(&F, true, "batch/create");
    cr_log_info("HubSpot create calls for %d bad and %d good records in batches of 5: %ld", BAD,
                GOOD, calls);
    cr_expect_gt(rep.hubspot.refused_unsent, 0);
    /* Narrowing the first batch that holds the value costs at most 2n - 1
     * calls; every later batch is one call at most. */
    cr_expect_leq(calls, 2 * 5 - 1 + (BAD + GOOD) / 5, "%ld calls", calls);
    for (int i = 0; i < BAD; i++) {
        cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", ids[i]), 1);
        cs_record_error_list l;
        cs_record_error er;
        if (fx_error(&F, CS_STORE_HUBSPOT, "Lead", ids[i], &l, &er)) {
            cr_expect_str_eq(er.field, "tier");
            cr_expect(strstr(er.message, BAD_TIER) != NULL, "%s", er.message);
        }
        cs_record_error_list_dispose(&l);
    }
    cr_expect_eq(expect_complete_rows(), BAD);

    /* Updates alike: the good Leads all get the bad value in Salesforce. */
    for (int i = BAD; i < BAD + GOOD; i++)
        fx_sf_patch(&F, "Lead", ids[i], json_pack("{s:s}", "Tier__c", BAD_TIER));
    fx_reset_stats(&F);
    rep = fx_pass(&F);
    cr_expect_eq(rep.hubspot.errors[CS_CAT_PROPERTY_VALUES], GOOD);
    cr_expect_gt(rep.hubspot.refused_unsent, 0);
    calls = fx_calls(&F, true, "batch/update");
    cr_log_info("HubSpot update calls for %d refused records in batches of 5: %ld", GOOD, calls);
    cr_expect_leq(calls, 2 * 5 - 1, "%ld calls", calls);
    for (int i = BAD; i < BAD + GOOD; i++)
        cr_expect_eq(attempts(CS_STORE_HUBSPOT, "Lead", ids[i]), 1);
    cr_expect_eq(expect_complete_rows(), BAD + GOOD);
    for (int i = 0; i < BAD + GOOD; i++)
        free(ids[i]);
}
