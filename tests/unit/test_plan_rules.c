/* Unit tests of the plan step's special rules: matching and dedup (C5),
 * creates (C3, C15), the inclusion list (C2, C3), mappings per SF type (C8,
 * C9), opt-out (C10, C11), placeholders (C13), lead conversion (C14),
 * deletes (C16), owners (C17), no email (R7), and input validation. Each test
 * names the rule it proves. */
#include "plan_fixture.h"

/* ---- C5: matching and dedup --------------------------------------------------------- */

Test(rules, c5_contact_preferred_over_lead_and_no_create)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 100, "email", " Ann@X.com", "lastname", "Lee");
    LEAD(&f, CTX, "00Q1", 900, "Email", "ann@x.com", "LastName", "Lee", "Company", "Acme");
    CONTACT(&f, CTX, "0031", 200, "Email", "ANN@x.com", "LastName", "Lee");
    build(&f);
    const cs_plan_op *l = find(&f, CS_PLAN_LINK, CS_PLAN_STORE, "1");
    cr_assert_not_null(l);
    cr_assert_str_eq(l->sf_id, "0031");
    cr_assert(contains(l->reason, "C5: matched by email to Contact 0031"), "%s", l->reason);
    cr_assert_eq(count(&f, CS_PLAN_CREATE, -1), 0, "SF never gets a new record when one matches");
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "salesforcecontactid"),
                     "0031");
    fx_fini(&f);
}

Test(rules, c5_most_recently_modified_among_several)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "lastname", "Lee");
    LEAD(&f, CTX, "00Q1", 200, "Email", "ann@x.com", "LastName", "Lee", "Company", "A");
    LEAD(&f, CTX, "00Q2", 300, "Email", "ann@x.com", "LastName", "Lee", "Company", "A");
    LEAD(&f, CTX, "00Q3", 250, "Email", "ann@x.com", "LastName", "Lee", "Company", "A");
    build(&f);
    cr_assert_str_eq(find(&f, CS_PLAN_LINK, CS_PLAN_STORE, "1")->sf_id, "00Q2");
    cr_assert_eq(count(&f, CS_PLAN_SKIP, -1), 0, "unchanged context records are not reported");
    fx_fini(&f);
}

Test(rules, c5_lead_and_contact_same_email_one_hs_contact_lead_skipped)
{
    fx f;
    fx_init(&f);
    start(&f);
    LEAD(&f, CHG, "00Q1", 300, "Email", "bo@x.com", "LastName", "Bo", "Company", "Acme");
    CONTACT(&f, CHG, "0031", 200, "Email", "Bo@x.com", "LastName", "Bo", "FirstName", "B");
    build(&f);
    cr_assert_eq(count(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT), 1, "never two HS contacts");
    const cs_plan_op *c = find(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT, NULL);
    cr_assert_str_eq(c->sf_id, "0031");
    cr_assert_null(c->hs_id, "the HS id is filled in by apply");
    cr_assert_str_eq(c->email, "bo@x.com", "the dedup key for an idempotent create");
    cr_assert_str_eq(fv(c, "salesforcecontactid"), "0031");
    cr_assert_str_eq(fv(c, "firstname"), "B");
    const cs_plan_op *s = find(&f, CS_PLAN_SKIP, -1, "00Q1");
    cr_assert_not_null(s);
    cr_assert(contains(s->reason, "C5: duplicate email; Salesforce Contact 0031 syncs it"), "%s",
              s->reason);
    cr_assert(contains(s->reason, "a Contact is preferred over a Lead"));
    fx_fini(&f);
}

Test(rules, c5_never_two_creates_for_one_email_either_side)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 100, "email", "cy@x.com", "lastname", "C");
    HS(&f, CHG, "2", 200, "email", "CY@x.com ", "lastname", "C");
    LEAD(&f, CHG, "00Q7", 100, "Email", "dee@x.com", "LastName", "D", "Company", "X");
    LEAD(&f, CHG, "00Q8", 100, "Email", "Dee@x.com", "LastName", "D", "Company", "X");
    build(&f);
    cr_assert_eq(count(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE), 1);
    cr_assert_str_eq(find(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE, NULL)->hs_id, "2",
                     "the most recently modified HS contact");
    cr_assert_eq(count(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT), 1);
    cr_assert_str_eq(find(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT, NULL)->sf_id, "00Q7",
                     "same time: the smaller id");
    cr_assert_eq(count(&f, CS_PLAN_SKIP, -1), 2);
    fx_fini(&f);
}

Test(rules, c5_sf_change_deduplicates_onto_existing_hs_contact)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CTX, "1", 100, "email", "ann@x.com", "lastname", "Lee", "firstname", "Ann");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "LastName", "Lee", "Company", "Acme");
    build(&f);
    cr_assert_not_null(find(&f, CS_PLAN_LINK, CS_PLAN_STORE, "1"));
    cr_assert_eq(count(&f, CS_PLAN_CREATE, -1), 0);
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1"), "FirstName"), "Ann");
    fx_fini(&f);
}

Test(rules, c5_lead_shadowed_by_an_already_linked_contact)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CTX, "1", 100, "email", "ann@x.com", "lastname", "Lee");
    CONTACT(&f, CTX, "0031", 100, "Email", "ann@x.com", "LastName", "Lee");
    link_full(&f, "1", "Contact", "0031", "{\"email\":\"ann@x.com\",\"lastname\":\"Lee\"}");
    LEAD(&f, CHG, "00Q9", 300, "Email", "ann@x.com", "LastName", "Lee", "Company", "Acme");
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    const cs_plan_op *s = find(&f, CS_PLAN_SKIP, -1, "00Q9");
    cr_assert(contains(s->reason, "already linked to Contact 0031"), "%s", s->reason);
    fx_fini(&f);
}

/* ---- C3, C15: creates ----------------------------------------------------------------- */

Test(rules, c15_create_as_lead_contact_or_contact_if_company_linked)
{
    const struct {
        cs_create_as as;
        bool account;
        const char *type, *prop, *account_field;
    } cases[] = {
        {CS_CREATE_LEAD, true, "Lead", "salesforceleadid", "<absent>"},
        {CS_CREATE_CONTACT, false, "Contact", "salesforcecontactid", "<absent>"},
        {CS_CREATE_CONTACT_IF_COMPANY_LINKED, true, "Contact", "salesforcecontactid", "001A"},
        {CS_CREATE_CONTACT_IF_COMPANY_LINKED, false, "Lead", "salesforceleadid", "<absent>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_init(&f);
        f.st.create_salesforce_as = cases[i].as;
        if (cases[i].account) {
            f.accounts[0][0] = "1";
            f.accounts[0][1] = "001A";
            f.naccounts = 1;
        }
        start(&f);
        HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee",
           "company", "Acme", "phone", "5");
        build(&f);
        const cs_plan_op *c = find(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE, "1");
        cr_assert_not_null(c, "case %zu", i);
        cr_assert_str_eq(c->sf_type, cases[i].type, "case %zu", i);
        cr_assert_null(c->sf_id);
        cr_assert_str_eq(c->link_property, cases[i].prop);
        cr_assert_str_eq(fv(c, "AccountId"), cases[i].account_field, "case %zu", i);
        cr_assert_str_eq(fv(c, "FirstName"), "Ann");
        cr_assert_str_eq(fv(c, "Phone"), "5");
        /* C9: company is text on Leads only. */
        cr_assert_str_eq(fv(c, "Company"), strcmp(cases[i].type, "Lead") ? "<absent>" : "Acme");
        cr_assert(contains(c->reason, "C15"), "%s", c->reason);
        cr_assert_str_eq(sv(c, "firstname"), "Ann");
        fx_fini(&f);
    }
}

Test(rules, c3_sf_record_creates_hs_contact_or_nothing)
{
    fx f;
    fx_init(&f);
    start(&f);
    LEAD(&f, CHG, "00Q1", 100, "Email", "ann@x.com", "LastName", "Lee", "Company", "Acme", "Status",
         "Open");
    build(&f);
    const cs_plan_op *c = find(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT, "00Q1");
    cr_assert_str_eq(fv(c, "company"), "Acme");
    cr_assert_str_eq(fv(c, "hs_lead_status"), "Open");
    cr_assert_str_eq(fv(c, "salesforceleadid"), "00Q1");
    f.st.on_salesforce_change = CS_SF_CHANGE_NOTHING;
    start(&f);
    LEAD(&f, CHG, "00Q1", 100, "Email", "ann@x.com", "LastName", "Lee", "Company", "Acme");
    build(&f);
    cr_assert_eq(count(&f, CS_PLAN_CREATE, -1), 0);
    cr_assert(contains(find(&f, CS_PLAN_SKIP, -1, "00Q1")->reason, "C3"));
    fx_fini(&f);
}

/* The pair of SNAP_ANN under on_salesforce_change: nothing, with the SF
 * Lead edited (FirstName Anna) and the HS contact as given (phone). */
static void nothing_pair(fx *f, cs_plan_role hs_role, const char *phone, cs_plan_role sf_role)
{
    f->st.on_salesforce_change = CS_SF_CHANGE_NOTHING;
    start(f);
    HS(f, hs_role, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone",
       phone, "hs_email_optout", "false");
    LEAD(f, sf_role, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee",
         "Phone", "1", "HasOptedOutOfEmail", "false");
    link_full(f, "1", "Lead", "00Q1", SNAP_ANN);
    build(f);
}

Test(rules, c3_nothing_sf_changes_start_no_sync_of_a_linked_pair)
{
    fx f;
    fx_init(&f);
    nothing_pair(&f, CTX, "1", CHG);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    cr_assert(contains(find(&f, CS_PLAN_SKIP, -1, "1")->reason, "C3"));
    fx_fini(&f);
}

Test(rules, c3_nothing_hs_reread_equal_to_its_snapshot_is_no_trigger)
{
    /* The HS cursor's overlap window re-reads the contact crmsync wrote: it
     * is reported changed but holds what the last sync left. */
    fx f;
    fx_init(&f);
    nothing_pair(&f, CHG, "1", CTX);
    cr_assert_eq(cs_plan_count(f.plan), 0, "no write, no skip: nothing happened in HubSpot");
    nothing_pair(&f, CHG, "1", CHG);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    cr_assert_null(find(&f, CS_PLAN_UPDATE, -1, NULL), "the SF edit does not flow");
    cr_assert(contains(find(&f, CS_PLAN_SKIP, -1, "1")->reason, "C3"));
    /* Under create_or_update the same re-read merges; the SF edit flows. */
    f.st.on_salesforce_change = CS_SF_CHANGE_CREATE_OR_UPDATE;
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "1",
       "hs_email_optout", "false");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee",
         "Phone", "1", "HasOptedOutOfEmail", "false");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "firstname"), "Anna");
    /* ... and a re-read with nothing changed on either side is no op (echo). */
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "1",
       "hs_email_optout", "false");
    LEAD(&f, CTX, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         "1", "HasOptedOutOfEmail", "false");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 0);
    fx_fini(&f);
}

Test(rules, c3_nothing_a_real_hs_change_syncs_the_pair_under_the_rules)
{
    fx f;
    fx_init(&f);
    set_rule(&f, "phone", CS_RULE_TWO_WAY);
    nothing_pair(&f, CHG, "2", CTX);
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(h, "firstname"), "Anna", "SF values reach HS under the field's rule");
    cr_assert(contains(why(h, "firstname"), "prefer_sf_unless_blank"));
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1"), "Phone"), "2");
    cr_assert_null(find(&f, CS_PLAN_SKIP, -1, NULL));
    fx_fini(&f);
}

/* One HS change against SNAP_ANN-like snapshot over, under nothing: whether
 * the pair syncs (the SF Contact's FirstName Anna then reaches HS). */
static bool nothing_triggers(fx *f, const char *over, const char *field, const char *value)
{
    f->st.on_salesforce_change = CS_SF_CHANGE_NOTHING;
    start(f);
    HS(f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee",
       "hs_email_optout", "false", field, value);
    CONTACT(f, CTX, "0031", 200, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee",
            "HasOptedOutOfEmail", "false");
    link_full(f, "1", "Contact", "0031", over);
    build(f);
    const cs_plan_op *h = find(f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    return h != NULL && strcmp(fv(h, "firstname"), "Anna") == 0;
}

Test(rules, c3_nothing_what_counts_as_a_change_in_hubspot)
{
    fx f;
    fx_init(&f);
    const char *base = "{\"email\":\"ann@x.com\",\"firstname\":\"Ann\",\"lastname\":\"Lee\","
                       "\"hs_email_optout\":\"false\",\"numemployees\":\"50\"}";
    cr_assert(nothing_triggers(&f, base, "jobtitle", "CTO"), "a mapped field changed");
    cr_assert(!nothing_triggers(&f, base, "jobtitle", " "), "whitespace is blank (R1)");
    cr_assert(nothing_triggers(&f, base, "firstname", "ann"), "case is a change");
    cr_assert(nothing_triggers(&f, base, "hubspot_owner_id", "9"), "the owner (C17)");
    cr_assert(nothing_triggers(&f, base, "hs_email_optout", "true"), "an opt-out (C10)");
    cr_assert(!nothing_triggers(&f, base, "hs_email_optout", "FALSE"), "the same checkbox");
    cr_assert(!nothing_triggers(&f, base, "numemployees", "50"), "equal");
    cr_assert(!nothing_triggers(&f, base, "company", "Acme"),
              "company does not sync with a Contact (C9)");
    cr_assert(!nothing_triggers(&f, base, "numemployees", "7"),
              "numemployees has no Contact field (C8)");
    cr_assert(!nothing_triggers(&f, base, "unmapped_prop", "x"), "not a mapped property");
    set_rule(&f, "jobtitle", CS_RULE_DONT_SYNC);
    cr_assert(!nothing_triggers(&f, base, "jobtitle", "CTO"), "dont_sync never syncs");
    set_rule(&f, "jobtitle", CS_RULE_PREFER_SF_UNLESS_BLANK);
    /* A mapping newer than the snapshot (key absent) is not a HubSpot edit. */
    const char *older = "{\"email\":\"ann@x.com\",\"firstname\":\"Ann\",\"lastname\":\"Lee\"}";
    f.st.on_salesforce_change = CS_SF_CHANGE_NOTHING;
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "jobtitle",
       "CTO");
    CONTACT(&f, CTX, "0031", 200, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee");
    link(&f, "1", "Contact", "0031", older);
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 0);
    /* A backfill of one of its mappings is asked for explicitly (R1). */
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "jobtitle",
       "CTO");
    CONTACT(&f, CTX, "0031", 200, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee");
    link(&f, "1", "Contact", "0031", older);
    cs_err err;
    cr_assert_eq(cs_plan_input_add_backfill(f.in, "jobtitle", &err), 0);
    build(&f);
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(h, "firstname"), "Anna");
    /* A pair linked but never synced (no snapshot) has its first sync. */
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee");
    CONTACT(&f, CTX, "0031", 200, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee");
    link(&f, "1", "Contact", "0031", NULL);
    build(&f);
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "firstname"), "Anna");
    fx_fini(&f);
}

Test(rules, c3_c15_creates_send_only_what_the_rule_lets_through)
{
    fx f;
    fx_init(&f);
    set_rule(&f, "phone", CS_RULE_ALWAYS_SF);
    set_rule(&f, "jobtitle", CS_RULE_ALWAYS_HS);
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "lastname", "Lee", "phone", "5", "jobtitle", "CTO");
    LEAD(&f, CHG, "00Q2", 100, "Email", "bo@x.com", "LastName", "Bo", "Company", "X", "Phone", "6",
         "Title", "CEO");
    build(&f);
    const cs_plan_op *sf = find(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE, "1");
    cr_assert_str_eq(fv(sf, "Phone"), "<absent>", "always_sf never writes SF");
    cr_assert_str_eq(sv(sf, "phone"), "<null>", "the new SF record's blank");
    cr_assert_str_eq(fv(sf, "Title"), "CTO");
    const cs_plan_op *hs = find(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT, "00Q2");
    cr_assert_str_eq(fv(hs, "phone"), "6");
    cr_assert_str_eq(fv(hs, "jobtitle"), "<absent>", "always_hs never writes HS");
    cr_assert_str_eq(sv(hs, "jobtitle"), "<null>");
    fx_fini(&f);
}

/* ---- C2, C3: inclusion list ------------------------------------------------------------ */

Test(rules, c2_inclusion_list_gates_hs_to_sf_only)
{
    fx f;
    fx_init(&f);
    f.st.inclusion_list = "42";
    f.members[0] = "2";
    f.nmembers = 1;
    start(&f);
    HS(&f, CHG, "1", 100, "email", "out@x.com", "lastname", "Out");
    HS(&f, CHG, "2", 100, "email", "in@x.com", "lastname", "In");
    LEAD(&f, CHG, "00Q5", 100, "Email", "new@x.com", "LastName", "New", "Company", "X");
    build(&f);
    cr_assert(contains(find(&f, CS_PLAN_SKIP, CS_PLAN_HUBSPOT, "1")->reason,
                       "C2: not in the inclusion list"));
    cr_assert_not_null(find(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE, "2"), "a member syncs");
    cr_assert_not_null(find(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT, "00Q5"),
                       "C3: SF creates reach HS regardless of the list");
    fx_fini(&f);
}

Test(rules, c3_sf_change_links_non_member_sf_to_hs_only)
{
    fx f;
    fx_init(&f);
    f.st.inclusion_list = "42";
    start(&f);
    HS(&f, CTX, "1", 100, "email", "ann@x.com", "lastname", "Lee", "phone", "7");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "LastName", "Lee", "Company", "Acme",
         "FirstName", "Ann");
    build(&f);
    const cs_plan_op *l = find(&f, CS_PLAN_LINK, CS_PLAN_STORE, "1");
    cr_assert_not_null(l, "C3: deduplicated onto the HS contact");
    cr_assert(contains(l->reason, "C3"));
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "firstname"), "Ann");
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, NULL),
                   "no HS → SF for non-members");
    cr_assert_str_eq(sv(l, "phone"), "<null>", "the HS value still counts as a change later");
    fx_fini(&f);
}

Test(rules, c2_linked_pair_outside_the_list_gets_no_updates_c11_no_optout)
{
    fx f;
    fx_init(&f);
    f.st.inclusion_list = "42";
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Annie", "lastname", "Lee", "phone",
       "1", "hs_email_optout", "true");
    LEAD(&f, CHG, "00Q1", 300, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         "2", "HasOptedOutOfEmail", "false");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    cr_assert(contains(find(&f, CS_PLAN_SKIP, -1, "1")->reason, "C2"));
    fx_fini(&f);
}

/* ---- C8, C9: mappings per SF type -------------------------------------------------------- */

Test(rules, c8_one_mapping_serves_leads_and_contacts_c9_company_leads_only)
{
    fx f;
    fx_init(&f);
    add_map(&f, "favorite_color", "Favorite_Color__c", "Favorite_Color__c", CS_RULE_TWO_WAY);
    start(&f);
#define SNAP_COLOR(email)                                                                          \
    "{\"email\":\"" email "\",\"lastname\":\"L\",\"favorite_color\":\"red\","                      \
    "\"company\":null}"
    const char *s1 = SNAP_COLOR("a@x.com"), *s2 = SNAP_COLOR("b@x.com");
    HS(&f, CHG, "1", 300, "email", "a@x.com", "lastname", "L", "favorite_color", "blue", "company",
       "New");
    LEAD(&f, CTX, "00Q1", 200, "Email", "a@x.com", "LastName", "L", "Favorite_Color__c", "red",
         "Company", NUL);
    link_full(&f, "1", "Lead", "00Q1", s1);
    HS(&f, CHG, "2", 300, "email", "b@x.com", "lastname", "L", "favorite_color", "blue", "company",
       "New");
    CONTACT(&f, CTX, "0032", 200, "Email", "b@x.com", "LastName", "L", "Favorite_Color__c", "red");
    link_full(&f, "2", "Contact", "0032", s2);
    build(&f);
    const cs_plan_op *lead = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    const cs_plan_op *contact = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "0032");
    cr_assert_str_eq(fv(lead, "Favorite_Color__c"), "blue");
    cr_assert_str_eq(fv(contact, "Favorite_Color__c"), "blue");
    cr_assert_str_eq(fv(lead, "Company"), "New");
    cr_assert_str_eq(fv(contact, "Company"), "<absent>");
    cr_assert_eq(contact->nchanges, 1);
    fx_fini(&f);
}

Test(rules, c6_account_id_is_read_into_hubspot_always_sf)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CTX, "1", 100, "email", "a@x.com", "lastname", "L", "salesforceaccountid", "001X");
    CONTACT(&f, CHG, "0031", 200, "Email", "a@x.com", "LastName", "L", "AccountId", "001Y");
    link_full(&f, "1", "Contact", "0031",
              "{\"email\":\"a@x.com\",\"lastname\":\"L\",\"salesforceaccountid\":\"001X\"}");
    build(&f);
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "salesforceaccountid"),
                     "001Y");
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, NULL));
    fx_fini(&f);
}

/* ---- C10, C11: opt-out ---------------------------------------------------------------------- */

/* One linked pair with the given opt-out values: HS, SF, snapshot. */
static void optout_pair(fx *f, const char *h, const char *s, const char *snap)
{
    start(f);
    HS(f, CHG, "1", 300, "email", "ann@x.com", "lastname", "Lee", "hs_email_optout", h);
    LEAD(f, CHG, "00Q1", 300, "Email", "ann@x.com", "LastName", "Lee", "HasOptedOutOfEmail", s);
    char text[256];
    snprintf(text, sizeof text,
             "{\"email\":\"ann@x.com\",\"lastname\":\"Lee\",\"hs_email_optout\":\"%s\"}", snap);
    link_full(f, "1", "Lead", "00Q1", text);
    build(f);
}

Test(rules, c10_sf_tick_unsubscribes_hubspot)
{
    fx f;
    fx_init(&f);
    optout_pair(&f, "false", "true", "false");
    const cs_plan_op *u = find(&f, CS_PLAN_UNSUBSCRIBE, CS_PLAN_HUBSPOT, "1");
    cr_assert_not_null(u);
    cr_assert_null(u->fields, "hs_email_optout is not written through the objects API");
    cr_assert_str_eq(sv(u, "hs_email_optout"), "true");
    cr_assert_str_eq(why(u, "hs_email_optout"), "C10: opted out in Salesforce");
    cr_assert_eq(cs_plan_count(f.plan), 1);
    fx_fini(&f);
}

Test(rules, c10_hs_opt_out_ticks_sf_and_is_sticky)
{
    fx f;
    fx_init(&f);
    optout_pair(&f, "true", "false", "false");
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1"), "HasOptedOutOfEmail"),
                     "true");
    /* Unticked in SF while HS says opted out: HS unchanged, SF re-ticked. */
    optout_pair(&f, "true", "false", "true");
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    cr_assert_str_eq(fv(s, "HasOptedOutOfEmail"), "true");
    cr_assert(contains(why(s, "HasOptedOutOfEmail"), "sticky"));
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, NULL));
    fx_fini(&f);
}

Test(rules, c10_opting_back_in_happens_in_hubspot_only)
{
    fx f;
    fx_init(&f);
    optout_pair(&f, "false", "true", "true");
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    cr_assert_str_eq(fv(s, "HasOptedOutOfEmail"), "false");
    cr_assert_null(find(&f, CS_PLAN_UNSUBSCRIBE, -1, NULL));
    fx_fini(&f);
}

Test(rules, c11_unsynced_contact_passes_no_optout)
{
    fx f;
    fx_init(&f);
    f.st.inclusion_list = "42";
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "lastname", "Lee", "hs_email_optout", "true");
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    cr_assert_eq(count(&f, CS_PLAN_SKIP, CS_PLAN_HUBSPOT), 1);
    fx_fini(&f);
}

/* ---- C13: required fields ---------------------------------------------------------------- */

Test(rules, c13_placeholder_on_create_never_copied_back)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann");
    build(&f);
    const cs_plan_op *c = find(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE, "1");
    cr_assert_str_eq(fv(c, "LastName"), "[not provided]");
    cr_assert_str_eq(fv(c, "Company"), "[not provided]");
    cr_assert_str_eq(why(c, "LastName"), "C13: placeholder for required LastName");
    cr_assert_str_eq(sv(c, "lastname"), "<null>");
    /* Read back from SF, the placeholder is blank: nothing flows to HS; a
     * real HS value later replaces it. */
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Ann", "LastName",
         "[not provided]", "Company", "[not provided]");
    link_full(&f, "1", "Lead", "00Q1", "{\"email\":\"ann@x.com\",\"firstname\":\"Ann\"}");
    build(&f);
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, NULL));
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1"), "LastName"), "Lee");
    fx_fini(&f);
}

Test(rules, c13_placeholders_off_is_a_property_values_error)
{
    fx f;
    fx_init(&f);
    f.st.required_placeholder = NULL;
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann", "company", "Acme");
    build(&f);
    cr_assert_eq(count(&f, CS_PLAN_CREATE, -1), 0, "nothing created");
    const cs_plan_op *e = find(&f, CS_PLAN_ERROR, CS_PLAN_SALESFORCE, "1");
    cr_assert_not_null(e);
    cr_assert_eq(e->category, CS_CAT_PROPERTY_VALUES);
    cr_assert_str_eq(e->field, "LastName");
    cr_assert(contains(e->reason, "C13"));
    fx_fini(&f);
}

/* ---- C14: lead conversion ------------------------------------------------------------------- */

Test(rules, c14_converted_lead_relinks_to_its_contact_nothing_created)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CTX, "1", 100, "email", "ann@x.com", "lastname", "Lee", "salesforceleadid", "00Q1");
    LEAD(&f, CHG, "00Q1", 300, "Email", "ann@x.com", "LastName", "Lee", "Company", "Acme",
         "IsConverted", "true", "ConvertedContactId", "0039");
    CONTACT(&f, CHG, "0039", 300, "Email", "ann@x.com", "LastName", "Lee", "Title", "CEO");
    link_full(&f, "1", "Lead", "00Q1",
              "{\"email\":\"ann@x.com\",\"lastname\":\"Lee\",\"company\":\"Acme\"}");
    build(&f);
    const cs_plan_op *r = find(&f, CS_PLAN_RELINK, CS_PLAN_STORE, "1");
    cr_assert_not_null(r);
    cr_assert_str_eq(r->sf_id, "0039");
    cr_assert_str_eq(r->prev_sf_id, "00Q1");
    cr_assert_eq(count(&f, CS_PLAN_CREATE, -1), 0);
    cr_assert_eq(count(&f, CS_PLAN_SKIP, -1), 0, "the new Contact is not a duplicate");
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(h, "salesforcecontactid"), "0039");
    cr_assert_str_eq(fv(h, "salesforceleadid"), "<null>");
    cr_assert_str_eq(fv(h, "jobtitle"), "CEO", "the pair now merges with the Contact");
    fx_fini(&f);
}

/* ---- C16: deletes ------------------------------------------------------------------------------
 */

Test(rules, c16_sf_delete_unlinks_or_archives_and_missing_is_not_deleted)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CTX, "1", 100, "email", "ann@x.com", "lastname", "Lee", "salesforceleadid", "00Q1");
    cs_record r;
    cs_record_init(&r, "00Q1", "Lead");
    r.deleted = true;
    cs_err err;
    cr_assert_eq(cs_plan_input_add_record(f.in, &r, CS_PLAN_CHANGED, &err), 0);
    link_full(&f, "1", "Lead", "00Q1", "{}");
    build(&f);
    cr_assert_not_null(find(&f, CS_PLAN_UNLINK, CS_PLAN_STORE, "1"));
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "salesforceleadid"),
                     "<null>");
    cr_assert_null(find(&f, CS_PLAN_ARCHIVE, -1, NULL), "default: nothing is deleted in HS");

    f.st.on_salesforce_delete = CS_DELETE_DELETE;
    start(&f);
    cs_record_init(&r, "00Q1", "Lead");
    r.deleted = true;
    cr_assert_eq(cs_plan_input_add_record(f.in, &r, CS_PLAN_CHANGED, &err), 0);
    link_full(&f, "1", "Lead", "00Q1", "{}");
    build(&f);
    cr_assert_not_null(find(&f, CS_PLAN_ARCHIVE, CS_PLAN_HUBSPOT, "1"));

    /* A linked record simply absent from the input is never deleted. */
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "lastname", "Lee");
    link_full(&f, "1", "Lead", "00Q1", "{}");
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    cr_assert_not_null(find(&f, CS_PLAN_SKIP, -1, "1"));
    fx_fini(&f);
}

Test(rules, c16_hs_delete_deletes_in_sf_only_when_configured)
{
    fx f;
    fx_init(&f);
    for (int round = 0; round < 2; round++) {
        f.st.on_hubspot_delete = round ? CS_DELETE_DELETE : CS_DELETE_NOTHING;
        start(&f);
        cs_record r;
        cs_record_init(&r, "1", "contacts");
        r.deleted = true;
        cs_err err;
        cr_assert_eq(cs_plan_input_add_record(f.in, &r, CS_PLAN_CHANGED, &err), 0);
        link_full(&f, "1", "Contact", "0031", "{}");
        build(&f);
        cr_assert_eq(cs_plan_count(f.plan), 1);
        if (round)
            cr_assert_not_null(find(&f, CS_PLAN_ARCHIVE, CS_PLAN_SALESFORCE, "0031"));
        else
            cr_assert_not_null(find(&f, CS_PLAN_UNLINK, CS_PLAN_STORE, "0031"));
    }
    fx_fini(&f);
}

/* ---- C17: owner
 * ---------------------------------------------------------------------------------- */

static void owners(fx *f)
{
    owner(f, "7", "Boss@x.com");
    owner(f, "8", "gone@x.com");
    owner(f, "9", "rep@x.com");
    user(f, "005B", "boss@x.com", true);
    user(f, "005G", "gone@x.com", false);
    user(f, "005R", "rep@x.com", true);
    user(f, "005N", "nobody@x.com", true);
}

static void owner_pair(fx *f, const char *h, const char *s, const char *snap_h, const char *snap_s)
{
    start(f);
    HS(f, CHG, "1", 300, "email", "a@x.com", "lastname", "L", "hubspot_owner_id", h);
    CONTACT(f, CHG, "0031", 200, "Email", "a@x.com", "LastName", "L", "OwnerId", s);
    char text[256];
    snprintf(text, sizeof text,
             "{\"email\":\"a@x.com\",\"lastname\":\"L\",\"hubspot_owner_id\":\"%s\","
             "\"sf:OwnerId\":\"%s\"}",
             snap_h, snap_s);
    link_full(f, "1", "Contact", "0031", text);
    build(f);
}

Test(rules, c17_hs_owner_reaches_sf_as_active_user)
{
    fx f;
    fx_init(&f);
    owners(&f);
    owner_pair(&f, "9", "005B", "7", "005B");
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "0031");
    cr_assert_str_eq(fv(s, "OwnerId"), "005R");
    cr_assert_str_eq(sv(s, "hubspot_owner_id"), "9");
    cr_assert_str_eq(sv(s, "sf:OwnerId"), "005R");
    cr_assert(contains(why(s, "OwnerId"), "C17"));
    cr_assert_null(find(&f, CS_PLAN_ERROR, -1, NULL));
    fx_fini(&f);
}

Test(rules, c17_owner_without_active_user_reverts_hs_and_is_a_permissions_error)
{
    fx f;
    fx_init(&f);
    owners(&f);
    owner_pair(&f, "8", "005B", "7", "005B");
    const cs_plan_op *e = find(&f, CS_PLAN_ERROR, CS_PLAN_SALESFORCE, "1");
    cr_assert_not_null(e);
    cr_assert_eq(e->category, CS_CAT_PERMISSIONS);
    cr_assert_str_eq(e->field, "OwnerId");
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, NULL));
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(h, "hubspot_owner_id"), "7", "reverted to the SF owner's HS owner");
    fx_fini(&f);
}

Test(rules, c17_sf_owner_maps_to_hs_owner_by_email_or_leaves_hs)
{
    fx f;
    fx_init(&f);
    owners(&f);
    owner_pair(&f, "7", "005R", "7", "005B");
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "hubspot_owner_id"), "9");
    /* An SF User with no HS owner: HubSpot keeps its owner, no error. */
    owner_pair(&f, "7", "005N", "7", "005B");
    cr_assert_null(find(&f, CS_PLAN_UPDATE, -1, NULL));
    cr_assert_null(find(&f, CS_PLAN_ERROR, -1, NULL));
    fx_fini(&f);
}

Test(rules, c17_cleared_hs_owner_reverts_and_is_a_permissions_error)
{
    fx f;
    fx_init(&f);
    owners(&f);
    owner_pair(&f, "", "005B", "7", "005B");
    const cs_plan_op *e = find(&f, CS_PLAN_ERROR, CS_PLAN_SALESFORCE, "1");
    cr_assert_not_null(e);
    cr_assert_eq(e->category, CS_CAT_PERMISSIONS);
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "hubspot_owner_id"), "7");
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, NULL));
    fx_fini(&f);
}

/* ---- R7 and input validation --------------------------------------------------------------------
 */

Test(rules, r7_no_email_is_skipped_not_an_error)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 100, "firstname", "Nomail", "email", "  ");
    LEAD(&f, CHG, "00Q1", 100, "LastName", "Nomail", "Company", "X");
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 2);
    cr_assert_eq(count(&f, CS_PLAN_SKIP, -1), 2);
    cr_assert_str_eq(find(&f, CS_PLAN_SKIP, CS_PLAN_HUBSPOT, "1")->reason, "R7: no email");
    fx_fini(&f);
}

Test(rules, input_is_validated)
{
    fx f;
    fx_init(&f);
    start(&f);
    cs_err err;
    cs_record r;
    cs_record_init(&r, "1", "Account");
    cr_assert_eq(cs_plan_input_add_record(f.in, &r, CS_PLAN_CHANGED, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert_null(r.id, "the record was taken either way");
    char longid[100];
    memset(longid, '9', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    cs_record_init(&r, longid, "contacts");
    cr_assert_eq(cs_plan_input_add_record(f.in, &r, CS_PLAN_CHANGED, &err), -1);
    cr_assert_eq(cs_plan_input_add_link(f.in, "1", "Lead", "00Q1", NULL, &err), 0);
    cr_assert_eq(cs_plan_input_add_link(f.in, "1", "Lead", "00Q2", NULL, &err), -1,
                 "an HS contact links once");
    json_t *bad = json_pack("{s:i}", "firstname", 3);
    cr_assert_eq(cs_plan_input_add_link(f.in, "2", "Lead", "00Q3", bad, &err), -1);
    json_decref(bad);
    cr_assert_eq(cs_plan_input_add_link(f.in, "3", "Opportunity", "006", NULL, &err), -1);
    fx_fini(&f);
}

/* The plan as text (cs_plan_print). */
static char *printed(fx *f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    cr_assert_not_null(mem);
    cr_assert_eq(cs_plan_print(f->plan, mem), 0);
    fclose(mem);
    return text;
}

Test(rules, printer_shows_record_field_and_reason)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "firstname", "Ann");
    build(&f);
    char *text = printed(&f);
    cr_assert(contains(text, "create Salesforce Lead from HubSpot contact 1 (ann@x.com): C15"),
              "%s", text);
    cr_assert(contains(text, "    LastName: (blank) -> \"[not provided]\"  (C13: placeholder for "
                             "required LastName)"),
              "%s", text);
    cr_assert(contains(text, "\n1 operation. Salesforce: 1 to create.\n"), "%s", text);
    free(text);
    fx_fini(&f);
}

Test(rules, printer_names_records_as_each_system_does)
{
    /* A linked Lead pair: the SF update is headed by the Lead, the HS one by
     * the contact, each with its counterpart and the email; checkboxes print
     * bare (C10), text quoted. */
    fx f;
    fx_init(&f);
    set_rule(&f, "phone", CS_RULE_TWO_WAY);
    start(&f);
    HS(&f, CHG, "1", 200, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "2",
       "hs_email_optout", "true");
    LEAD(&f, CHG, "00Q1", 100, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee",
         "Phone", "1", "HasOptedOutOfEmail", "false");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    HS(&f, CHG, "2", 100, "lastname", "No mail");
    build(&f);
    char *text = printed(&f);
    cr_assert(contains(text, "update Salesforce Lead 00Q1 (HubSpot contact 1, ann@x.com)\n"), "%s",
              text);
    cr_assert(contains(text, "    HasOptedOutOfEmail: false -> true  (C10: opted out in HubSpot)"),
              "%s", text);
    cr_assert(contains(text, "    Phone: \"1\" -> \"2\"  (two_way"), "%s", text);
    cr_assert(contains(text, "update HubSpot contact 1 (Salesforce Lead 00Q1, ann@x.com)\n"
                             "    firstname: \"Ann\" -> \"Anna\""),
              "%s", text);
    cr_assert(contains(text, "skip HubSpot contact 2: R7: no email"), "%s", text);
    cr_assert(contains(text, "HubSpot: 1 to update. Salesforce: 1 to update. 1 skipped.\n"), "%s",
              text);
    cr_assert(!contains(text, "salesforce contact"), "%s", text);
    free(text);
    fx_fini(&f);
}

Test(rules, printer_headings_of_links_errors_and_creates_from_salesforce)
{
    fx f;
    fx_init(&f);
    owner(&f, "9", "nobody@x.com");
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "lastname", "Lee", "hubspot_owner_id", "9");
    CONTACT(&f, CTX, "0031", 200, "Email", "ann@x.com", "LastName", "Lee", "OwnerId", "005X");
    CONTACT(&f, CHG, "0032", 200, "Email", "bo@x.com", "LastName", "Bo", "HasOptedOutOfEmail",
            "true");
    build(&f);
    char *text = printed(&f);
    cr_assert(contains(text, "link HubSpot contact 1 to Salesforce Contact 0031 (ann@x.com): C5"),
              "%s", text);
    cr_assert(contains(text, "error writing Salesforce Contact 0031 (HubSpot contact 1, ann@x.com) "
                             "[Permissions, field OwnerId]: C17"),
              "%s", text);
    cr_assert(contains(text, "create HubSpot contact from Salesforce Contact 0032 (bo@x.com): C3"),
              "%s", text);
    cr_assert(contains(text, "unsubscribe the new HubSpot contact from email (Salesforce Contact "
                             "0032, bo@x.com)\n    hs_email_optout: (blank) -> true"),
              "%s", text);
    cr_assert(contains(text, "In crmsync's store: 1 new link. 1 error.\n"), "%s", text);
    free(text);
    fx_fini(&f);
}
