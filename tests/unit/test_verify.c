/* Unit tests of verify's comparison (verify_diff.c, no I/O): linked pairs that
 * agree under the mapping (numbers, emails C5, the C13 placeholder, the
 * opt-out C10, owners by email C17, value maps R3), pairs whose fields
 * differ, linked records that are gone, converted leads (C14), same-email
 * records that are not linked (C5), records without a counterpart (C2, C3),
 * duplicate HS emails, and differences explained by open sync errors (R4),
 * which are listed but not counted. Also the printed summary. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/verify.h"
#include "record_fixture.h"

#define BASE                                                                                       \
    "hubspot: {base_url: \"http://127.0.0.1:1\"}\n"                                                \
    "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n"

typedef struct vfx {
    cs_config *cfg;
    cs_record_list hs, leads, contacts, owners, users;
    cs_verify_link links[16];
    size_t nlinks;
    json_t *errors;
    cs_verify_report *r;
} vfx;

static void vfx_init(vfx *f, const char *yaml)
{
    memset(f, 0, sizeof *f);
    cs_err err;
    const char *doc = yaml ? yaml : BASE;
    cr_assert_eq(cs_config_load_string("crmsync.yaml", doc, strlen(doc), &f->cfg, &err), 0, "%s",
                 err.message);
    cs_record_list_init(&f->hs);
    cs_record_list_init(&f->leads);
    cs_record_list_init(&f->contacts);
    cs_record_list_init(&f->owners);
    cs_record_list_init(&f->users);
    f->errors = json_object();
}

static void vfx_fini(vfx *f)
{
    cs_verify_report_free(f->r);
    cs_record_list_dispose(&f->hs);
    cs_record_list_dispose(&f->leads);
    cs_record_list_dispose(&f->contacts);
    cs_record_list_dispose(&f->owners);
    cs_record_list_dispose(&f->users);
    json_decref(f->errors);
    cs_config_free(f->cfg);
}

#define HS(f, id, ...)      rec(&(f)->hs, "contacts", id, __VA_ARGS__, END)
#define LEAD(f, id, ...)    rec(&(f)->leads, "Lead", id, __VA_ARGS__, END)
#define CONTACT(f, id, ...) rec(&(f)->contacts, "Contact", id, __VA_ARGS__, END)

static void link(vfx *f, const char *hs_id, const char *type, const char *sf_id)
{
    cr_assert_lt(f->nlinks, 16);
    f->links[f->nlinks++] = (cs_verify_link){hs_id, type, sf_id};
}

static const cs_verify_report *compare(vfx *f)
{
    cs_verify_input in = {.config = f->cfg,
                          .hubspot = &f->hs,
                          .leads = &f->leads,
                          .contacts = &f->contacts,
                          .links = f->links,
                          .nlinks = f->nlinks,
                          .hs_owners = &f->owners,
                          .sf_users = &f->users,
                          .open_errors = f->errors};
    cs_err err;
    cs_verify_report_free(f->r);
    f->r = NULL;
    cr_assert_eq(cs_verify_compare(&in, &f->r, &err), 0, "%s", err.message);
    return f->r;
}

/* The item of kind naming id (HS or SF), or NULL. */
static const cs_verify_item *item(const vfx *f, cs_verify_kind kind, const char *id)
{
    for (size_t i = 0; i < f->r->count; i++) {
        const cs_verify_item *it = &f->r->items[i];
        if (it->kind == kind && ((it->hs_id && strcmp(it->hs_id, id) == 0) ||
                                 (it->sf_id && strcmp(it->sf_id, id) == 0)))
            return it;
    }
    return NULL;
}

static const cs_verify_diff *diff(const cs_verify_item *it, const char *hs_property)
{
    cr_assert_not_null(it);
    for (size_t i = 0; i < it->ndiffs; i++) {
        if (strcmp(it->diffs[i].hs_property, hs_property) == 0)
            return &it->diffs[i];
    }
    return NULL;
}

/* How many mapped fields a pair with a Lead (or a Contact) compares. */
static size_t compared_fields(const cs_config *cfg, bool lead)
{
    size_t n, count = 0;
    const cs_field_mapping *m = cs_config_mappings(cfg, &n);
    for (size_t i = 0; i < n; i++) {
        if ((lead ? m[i].sf_lead : m[i].sf_contact) != NULL && m[i].rule != CS_RULE_DONT_SYNC)
            count++;
    }
    return count;
}

static void dump(const vfx *f)
{
    for (size_t i = 0; i < f->r->count; i++)
        cr_log_info("%s %s: %s", cs_verify_kind_name(f->r->items[i].kind),
                    f->r->items[i].hs_id ? f->r->items[i].hs_id : f->r->items[i].sf_id,
                    f->r->items[i].detail);
}

/* ---- agreeing and differing pairs -------------------------------------------------------- */

Test(verify, agreeing_pairs_are_clean)
{
    vfx f;
    vfx_init(&f, NULL);
    /* Values that agree once normalised: email case (C5), numbers, a blank
     * opt-out against false (C10), the placeholder against blank (C13). */
    HS(&f, "1", "email", "Ann@X.com", "firstname", "Ann", "lastname", "Lee", "numemployees", "1000",
       "hs_email_optout", NULL, "company", NULL);
    LEAD(&f, "00Q1", "Email", "ann@x.com ", "FirstName", "Ann", "LastName", "Lee",
         "NumberOfEmployees", "1000.0", "HasOptedOutOfEmail", "false", "Company", "[not provided]");
    HS(&f, "2", "email", "bo@x.com", "lastname", "Bo", "phone", "5");
    CONTACT(&f, "0031", "Email", "bo@x.com", "LastName", "Bo", "Phone", "5");
    link(&f, "1", "Lead", "00Q1");
    link(&f, "2", "Contact", "0031");
    const cs_verify_report *r = compare(&f);
    dump(&f);
    cr_expect_eq(r->divergences, 0);
    cr_expect_eq(r->explained, 0);
    cr_expect_eq(r->count, 0);
    cr_expect_eq(r->pairs_compared, 2);
    cr_expect_eq(r->fields_compared, compared_fields(f.cfg, true) + compared_fields(f.cfg, false));
    cr_expect_eq(r->hs_records, 2);
    cr_expect_eq(r->sf_leads, 1);
    cr_expect_eq(r->sf_contacts, 1);
    cr_expect_eq(r->links, 2);
    vfx_fini(&f);
}

Test(verify, differing_fields_are_listed_field_by_field)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "1");
    LEAD(&f, "00Q1", "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee", "Phone", NULL);
    link(&f, "1", "Lead", "00Q1");
    const cs_verify_report *r = compare(&f);
    cr_assert_eq(r->count, 1);
    cr_expect_eq(r->divergences, 1);
    const cs_verify_item *it = item(&f, CS_VERIFY_FIELDS, "1");
    cr_assert_not_null(it);
    cr_expect_str_eq(it->email, "ann@x.com");
    cr_expect_str_eq(it->sf_type, "Lead");
    cr_expect_str_eq(it->sf_id, "00Q1");
    cr_expect_null(it->open_error);
    cr_assert_eq(it->ndiffs, 2);
    const cs_verify_diff *d = diff(it, "firstname");
    cr_assert_not_null(d);
    cr_expect_str_eq(d->sf_field, "FirstName");
    cr_expect_str_eq(d->hs_value, "Ann");
    cr_expect_str_eq(d->sf_value, "Anna");
    d = diff(it, "phone");
    cr_assert_not_null(d);
    cr_expect_str_eq(d->hs_value, "1");
    cr_expect_null(d->sf_value);
    cr_expect_str_eq(cs_verify_kind_name(it->kind), "fields");
    vfx_fini(&f);
}

Test(verify, rules_decide_what_may_differ)
{
    vfx f;
    vfx_init(&f, BASE "contacts:\n"
                      "  rules: {jobtitle: always_sf, phone: always_hs, fax: dont_sync}\n");
    HS(&f, "1", "email", "ann@x.com", "lastname", "Lee", "jobtitle", "CEO", "phone", NULL, "fax",
       "1");
    LEAD(&f, "00Q1", "Email", "ann@x.com", "LastName", "Lee", "Title", NULL, "Phone", "7", "Fax",
         "2");
    link(&f, "1", "Lead", "00Q1");
    const cs_verify_report *r = compare(&f);
    dump(&f);
    cr_expect_eq(r->divergences, 0,
                 "always_sf with a blank SF value, always_hs with a blank HS "
                 "value, and dont_sync rows do not diverge");
    cr_expect_eq(r->fields_compared, compared_fields(f.cfg, true));
    /* always_sf with an SF value that differs does. */
    cs_record_set(&f.leads.items[0], "Title", "CTO");
    r = compare(&f);
    cr_expect_not_null(diff(item(&f, CS_VERIFY_FIELDS, "1"), "jobtitle"));
    vfx_fini(&f);
}

Test(verify, owners_compare_by_email_c17)
{
    vfx f;
    vfx_init(&f, NULL);
    rec(&f.owners, "owners", "70001", "email", "alice@corp.com", END);
    rec(&f.owners, "owners", "70002", "email", "bob@corp.com", END);
    rec(&f.users, "User", "005A", "email", "alice@corp.com", END);
    rec(&f.users, "User", "005B", "email", "bob@corp.com", END);
    rec(&f.users, "User", "005C", "email", "carol@corp.com", END);
    HS(&f, "1", "email", "a@x.com", "lastname", "A", "hubspot_owner_id", "70001");
    LEAD(&f, "00Q1", "Email", "a@x.com", "LastName", "A", "OwnerId", "005A");
    HS(&f, "2", "email", "b@x.com", "lastname", "B", "hubspot_owner_id", "70001");
    LEAD(&f, "00Q2", "Email", "b@x.com", "LastName", "B", "OwnerId", "005B");
    /* An SF owner with no HubSpot owner cannot be mirrored: not a divergence. */
    HS(&f, "3", "email", "c@x.com", "lastname", "C", "hubspot_owner_id", "70002");
    LEAD(&f, "00Q3", "Email", "c@x.com", "LastName", "C", "OwnerId", "005C");
    link(&f, "1", "Lead", "00Q1");
    link(&f, "2", "Lead", "00Q2");
    link(&f, "3", "Lead", "00Q3");
    const cs_verify_report *r = compare(&f);
    dump(&f);
    cr_expect_eq(r->divergences, 1);
    const cs_verify_diff *d = diff(item(&f, CS_VERIFY_FIELDS, "2"), "hubspot_owner_id");
    cr_assert_not_null(d);
    cr_expect_str_eq(d->sf_field, "OwnerId");
    cr_expect_str_eq(d->sf_value, "005B");
    vfx_fini(&f);
}

/* ---- value maps (R3) --------------------------------------------------------------------- */

Test(verify, value_maps_compare_in_hubspot_terms)
{
    vfx f;
    vfx_init(&f, NULL);
    const char *rows[][2] = {
        {"IN_PROGRESS", "Working - Contacted"}, /* agree */
        {"CONNECTED", "Working - Contacted"},   /* agree: one SF value, several options */
        {"NEW", "Open - Not Contacted"},        /* agree */
        {"Nurturing", "Nurturing"},             /* unmapped on both sides: agree */
        {"NEW", "Working - Contacted"},         /* differ */
        {"IN_PROGRESS", "IN_PROGRESS"},         /* reads back as itself: agree, as in the plan */
    };
    char hs_id[8], sf_id[8], email[32];
    for (size_t i = 0; i < 6; i++) {
        snprintf(hs_id, sizeof hs_id, "%zu", i + 1);
        snprintf(sf_id, sizeof sf_id, "00Q%zu", i + 1);
        snprintf(email, sizeof email, "p%zu@x.com", i + 1);
        HS(&f, hs_id, "email", email, "lastname", "L", "hs_lead_status", rows[i][0]);
        LEAD(&f, sf_id, "Email", email, "LastName", "L", "Company", "[not provided]", "Status",
             rows[i][1]);
    }
    for (size_t i = 0; i < 6; i++)
        link(&f, f.hs.items[i].id, "Lead", f.leads.items[i].id);
    const cs_verify_report *r = compare(&f);
    dump(&f);
    cr_expect_eq(r->divergences, 1);
    const cs_verify_diff *d = diff(item(&f, CS_VERIFY_FIELDS, "5"), "hs_lead_status");
    cr_assert_not_null(d);
    cr_expect_str_eq(d->sf_field, "Status");
    cr_expect_str_eq(d->hs_value, "NEW", "diffs show each side's own value");
    cr_expect_str_eq(d->sf_value, "Working - Contacted");
    cr_expect_eq(r->count, 1);
    cs_verify_report_free(f.r);
    f.r = NULL;
    cs_config_free(f.cfg);

    /* With the map turned off, only identical values agree. */
    cs_err err;
    const char *off = BASE "contacts: {values: {hs_lead_status: {}}}\n";
    cr_assert_eq(cs_config_load_string("crmsync.yaml", off, strlen(off), &f.cfg, &err), 0);
    r = compare(&f);
    cr_expect_eq(r->divergences, 4);
    cr_expect_null(item(&f, CS_VERIFY_FIELDS, "4"));
    cr_expect_null(item(&f, CS_VERIFY_FIELDS, "6"));
    vfx_fini(&f);
}

/* ---- records without their counterpart ----------------------------------------------------- */

Test(verify, linked_records_that_are_gone)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "a@x.com", "lastname", "A");
    LEAD(&f, "00Q2", "Email", "b@x.com", "LastName", "B", "Company", "C");
    link(&f, "1", "Lead", "00Q1");    /* the Lead is gone */
    link(&f, "9", "Contact", "0039"); /* both gone */
    link(&f, "2", "Lead", "00Q2");    /* the HS contact is gone */
    const cs_verify_report *r = compare(&f);
    dump(&f);
    const cs_verify_item *it = item(&f, CS_VERIFY_GONE, "00Q1");
    cr_assert_not_null(it);
    cr_expect(strstr(it->detail, "Salesforce Lead 00Q1 was not found") != NULL, "%s", it->detail);
    it = item(&f, CS_VERIFY_GONE, "00Q2");
    cr_assert_not_null(it);
    cr_expect(strstr(it->detail, "HubSpot contact 2 was not found") != NULL, "%s", it->detail);
    cr_expect_not_null(item(&f, CS_VERIFY_GONE, "0039"));
    cr_expect_eq(r->pairs_compared, 0);
    cr_expect_eq(r->divergences, 3);
    vfx_fini(&f);
}

Test(verify, converted_lead_still_linked_c14)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "a@x.com", "lastname", "A", "firstname", "Differs");
    LEAD(&f, "00Q1", "Email", "a@x.com", "LastName", "A", "IsConverted", "true",
         "ConvertedContactId", "0031");
    CONTACT(&f, "0031", "Email", "a@x.com", "LastName", "A");
    link(&f, "1", "Lead", "00Q1");
    const cs_verify_report *r = compare(&f);
    dump(&f);
    const cs_verify_item *it = item(&f, CS_VERIFY_CONVERTED, "00Q1");
    cr_assert_not_null(it);
    cr_expect(strstr(it->detail, "converted to Contact 0031") != NULL, "%s", it->detail);
    cr_expect_eq(it->ndiffs, 0, "a converted Lead is not compared field by field");
    cr_expect_eq(r->pairs_compared, 0);
    /* The Contact it became is the link's next home, not a second record. */
    cr_expect_null(item(&f, CS_VERIFY_UNLINKED, "0031"));
    cr_expect_null(item(&f, CS_VERIFY_NOT_IN_HS, "0031"));
    cr_expect_eq(r->count, 1);
    cr_expect_eq(r->divergences, 1);
    vfx_fini(&f);
}

Test(verify, same_email_unlinked_pairs_c5)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "A@x.com", "lastname", "A");
    LEAD(&f, "00Q1", "Email", "a@x.com", "LastName", "A", "Company", "C");
    CONTACT(&f, "0031", "Email", " a@X.com", "LastName", "A");
    const cs_verify_report *r = compare(&f);
    dump(&f);
    cr_assert_eq(r->count, 1);
    const cs_verify_item *it = item(&f, CS_VERIFY_UNLINKED, "1");
    cr_assert_not_null(it);
    cr_expect_str_eq(it->sf_type, "Contact", "a Contact is preferred over a Lead");
    cr_expect_str_eq(it->sf_id, "0031");
    cr_expect_str_eq(it->email, "a@x.com");
    cr_expect(strstr(it->detail, "share this email but are not linked (C5)") != NULL);
    vfx_fini(&f);
}

Test(verify, records_without_a_counterpart_c2_c3)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "only.hs@x.com", "lastname", "A");
    HS(&f, "2", "lastname", "NoEmail"); /* R7: never syncs */
    LEAD(&f, "00Q1", "Email", "only.sf@x.com", "LastName", "B", "Company", "C");
    CONTACT(&f, "0031", "Email", "twin@x.com", "LastName", "T");
    LEAD(&f, "00Q2", "Email", "twin@x.com", "LastName", "T", "Company", "C");
    HS(&f, "3", "email", "dup@x.com", "lastname", "D");
    HS(&f, "4", "email", "DUP@x.com", "lastname", "D");
    CONTACT(&f, "0032", "Email", "dup@x.com", "LastName", "D");
    link(&f, "3", "Contact", "0032");
    const cs_verify_report *r = compare(&f);
    dump(&f);
    cr_expect_not_null(item(&f, CS_VERIFY_NOT_IN_SF, "1"));
    cr_expect_null(item(&f, CS_VERIFY_NOT_IN_SF, "2"));
    cr_expect_not_null(item(&f, CS_VERIFY_NOT_IN_HS, "00Q1"));
    /* One item per email in SF, naming the record that would sync (C5). */
    cr_expect_not_null(item(&f, CS_VERIFY_NOT_IN_HS, "0031"));
    cr_expect_null(item(&f, CS_VERIFY_NOT_IN_HS, "00Q2"));
    const cs_verify_item *dup = item(&f, CS_VERIFY_DUPLICATE, "3");
    cr_assert_not_null(dup);
    cr_expect(strstr(dup->detail, "2 HubSpot contacts share this email (3, 4)") != NULL, "%s",
              dup->detail);
    cr_expect_eq(r->divergences, 4);
    vfx_fini(&f);

    /* An inclusion list (C2) and on_salesforce_change: nothing (C3) say
     * such records need not have a counterpart. */
    vfx_init(&f, BASE "contacts: {inclusion_list: \"42\", on_salesforce_change: nothing}\n");
    HS(&f, "1", "email", "only.hs@x.com", "lastname", "A");
    LEAD(&f, "00Q1", "Email", "only.sf@x.com", "LastName", "B", "Company", "C");
    r = compare(&f);
    dump(&f);
    cr_expect_eq(r->count, 0);
    vfx_fini(&f);
}

/* ---- open sync errors (R4) ------------------------------------------------------------------ */

Test(verify, known_differences_are_listed_not_counted)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "a@x.com", "lastname", "A", "firstname", "Maximiliana-Alexandrina");
    LEAD(&f, "00Q1", "Email", "a@x.com", "LastName", "A", "FirstName", "Max");
    HS(&f, "2", "email", "bad(work)@x.com", "lastname", "B");
    HS(&f, "3", "email", "c@x.com", "lastname", "C", "firstname", "Cy");
    LEAD(&f, "00Q3", "Email", "c@x.com", "LastName", "C", "FirstName", "Cyd");
    link(&f, "1", "Lead", "00Q1");
    link(&f, "3", "Lead", "00Q3");
    json_object_set_new(f.errors, "00Q1", json_string("property_values: FirstName: too long"));
    json_object_set_new(f.errors, "2", json_string("property_values: invalid email address"));
    const cs_verify_report *r = compare(&f);
    dump(&f);
    cr_expect_eq(r->count, 3);
    cr_expect_eq(r->explained, 2);
    cr_expect_eq(r->divergences, 1, "only the pair without an open error counts");
    const cs_verify_item *it = item(&f, CS_VERIFY_FIELDS, "1");
    cr_assert_not_null(it);
    cr_expect_str_eq(it->open_error, "property_values: FirstName: too long");
    it = item(&f, CS_VERIFY_NOT_IN_SF, "2");
    cr_assert_not_null(it);
    cr_expect_str_eq(it->open_error, "property_values: invalid email address");
    cr_expect_null(item(&f, CS_VERIFY_FIELDS, "3")->open_error);
    vfx_fini(&f);
}

/* ---- input and printing ------------------------------------------------------------------ */

Test(verify, incomplete_input_is_an_error)
{
    vfx f;
    vfx_init(&f, NULL);
    cs_verify_input in = {.config = f.cfg, .hubspot = &f.hs, .leads = &f.leads, .contacts = NULL};
    cs_verify_report *r = NULL;
    cs_err err;
    cr_expect_eq(cs_verify_compare(&in, &r, &err), -1);
    cr_expect_null(r);
    cr_expect_eq(err.category, CS_ERR_INTERNAL);
    in.contacts = &f.contacts;
    in.nlinks = 1; /* links missing */
    cr_expect_eq(cs_verify_compare(&in, &r, &err), -1);
    cr_expect_null(r);
    vfx_fini(&f);
}

static char *printed(const cs_verify_report *r, size_t max)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_not_null(out);
    cs_verify_print(r, out, max);
    fclose(out);
    return text;
}

Test(verify, printed_summary)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "a@x.com", "lastname", "A", "hs_lead_status", "NEW");
    LEAD(&f, "00Q1", "Email", "a@x.com", "LastName", "A", "Status", "Working - Contacted");
    link(&f, "1", "Lead", "00Q1");
    char *text = printed(compare(&f), 0);
    cr_expect(strstr(text, "Compared 1 linked pairs") != NULL, "%s", text);
    cr_expect(strstr(text, "DIFFERENT          <a@x.com> HubSpot 1 <-> Lead 00Q1") != NULL, "%s",
              text);
    cr_expect(strstr(text, "hs_lead_status = \"NEW\"  but  Status = \"Working - Contacted\"") !=
                  NULL,
              "%s", text);
    cr_expect(strstr(text, "NOT in sync: 1 divergence.") != NULL, "%s", text);
    free(text);
    cs_record_set(&f.hs.items[0], "hs_lead_status", "IN_PROGRESS");
    text = printed(compare(&f), 0);
    cr_expect(strstr(text, "In sync: HubSpot and Salesforce agree under the mapping.") != NULL,
              "%s", text);
    free(text);
    vfx_fini(&f);
}

/* verify's C5 check on the Salesforce side: two open Leads, or two Contacts,
 * with one email (case and spaces aside) are a divergence, reported once per
 * email and type, counted even when a record has an open "Duplicates" error;
 * a Lead and a Contact sharing an email are allowed (the Contact is
 * preferred), and a converted Lead is history, not a duplicate. */

static size_t count_kind(const vfx *f, cs_verify_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < f->r->count; i++)
        n += f->r->items[i].kind == kind;
    return n;
}

static const cs_verify_item *first_of(const vfx *f, cs_verify_kind kind)
{
    for (size_t i = 0; i < f->r->count; i++)
        if (f->r->items[i].kind == kind)
            return &f->r->items[i];
    return NULL;
}

/* The state: each email linked once, and a second Lead made by a
 * second process on the same store. The pairs agree, yet SF breaks C5. */
Test(verify, sf_duplicates_c5_two_leads_with_one_email_diverge_though_pairs_agree)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "ada@x.com", "lastname", "Ada");
    LEAD(&f, "00Q1", "Email", "ada@x.com", "LastName", "Ada", "Company", "C");
    LEAD(&f, "00Q2", "Email", " ADA@x.com ", "LastName", "Ada", "Company", "C");
    link(&f, "1", "Lead", "00Q1");
    /* The second process's error does not explain the duplicate away. */
    json_object_set_new(f.errors, "00Q2", json_string("Duplicates: use one of these records?"));
    const cs_verify_report *r = compare(&f);
    cr_assert_eq(count_kind(&f, CS_VERIFY_SF_DUPLICATE), 1);
    const cs_verify_item *it = first_of(&f, CS_VERIFY_SF_DUPLICATE);
    cr_assert_str_eq(it->email, "ada@x.com");
    cr_assert_str_eq(it->sf_type, "Lead");
    cr_assert_null(it->open_error);
    cr_expect(strstr(it->detail, "2 Salesforce Leads share this email (00Q1, 00Q2)") != NULL, "%s",
              it->detail);
    cr_assert_geq(r->divergences, 1);
    cr_assert_str_eq(cs_verify_kind_name(CS_VERIFY_SF_DUPLICATE), "sf_duplicate");

    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    cr_assert_not_null(mem);
    cs_verify_print(r, mem, 0);
    fclose(mem);
    cr_expect(strstr(out, "DUPLICATE IN SF    <ada@x.com>") != NULL, "%s", out);
    cr_expect(strstr(out, "NOT in sync") != NULL, "%s", out);
    free(out);
    vfx_fini(&f);
}

Test(verify, sf_duplicates_c5_three_contacts_are_one_item_naming_the_count)
{
    vfx f;
    vfx_init(&f, NULL);
    CONTACT(&f, "0031", "Email", "bo@x.com", "LastName", "Bo");
    CONTACT(&f, "0032", "Email", "bo@x.com", "LastName", "Bo");
    CONTACT(&f, "0033", "Email", "Bo@X.com", "LastName", "Bo");
    compare(&f);
    cr_assert_eq(count_kind(&f, CS_VERIFY_SF_DUPLICATE), 1);
    const cs_verify_item *it = first_of(&f, CS_VERIFY_SF_DUPLICATE);
    cr_assert_str_eq(it->sf_type, "Contact");
    cr_expect(strstr(it->detail, "3 Salesforce Contacts share this email (0031, 0032, ...)") !=
                  NULL,
              "%s", it->detail);
    vfx_fini(&f);
}

Test(verify, sf_duplicates_c5_a_lead_and_a_contact_or_a_converted_lead_are_not_duplicates)
{
    vfx f;
    vfx_init(&f, NULL);
    HS(&f, "1", "email", "cy@x.com", "lastname", "Cy");
    CONTACT(&f, "0031", "Email", "cy@x.com", "LastName", "Cy");
    LEAD(&f, "00Q1", "Email", "cy@x.com", "LastName", "Cy", "Company", "C");
    LEAD(&f, "00Q2", "Email", "cy@x.com", "LastName", "Cy", "Company", "C", "IsConverted", "true",
         "ConvertedContactId", "0031");
    link(&f, "1", "Contact", "0031");
    const cs_verify_report *r = compare(&f);
    cr_assert_eq(count_kind(&f, CS_VERIFY_SF_DUPLICATE), 0);
    cr_assert_eq(r->divergences, 0);
    vfx_fini(&f);
}
