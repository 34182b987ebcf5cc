/* Unit tests of verify's companies ⇄ Accounts comparison
 * (verify_companies.c, no I/O): linked pairs that agree under the companies'
 * mapping, pairs whose fields differ (one item per pair, every field named),
 * a company whose salesforceaccountid is not its linked Account, linked
 * records that are gone, several companies standing for one Account, an
 * Account without a company (A1), and a Contact whose AccountId is not its
 * contact's primary company's Account (A2) — compared only when both ends
 * are synced, and explained by an open error when there is one. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "engine/verify_int.h"
#include "record_fixture.h"

#define YAML                                                                                       \
    "hubspot: {base_url: \"http://127.0.0.1:1\"}\n"                                                \
    "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n"                                         \
    "companies:\n  enabled: true\n"

typedef struct cfx {
    cs_config *cfg;
    cs_record_list companies, accounts, contacts;
    cs_verify_link links[8], clinks[8];
    size_t nlinks, nclinks;
    json_t *primary, *errors;
    cs_verify_report *r;
} cfx;

static void cfx_init(cfx *f)
{
    memset(f, 0, sizeof *f);
    cs_err err;
    cr_assert_eq(cs_config_load_string("crmsync.yaml", YAML, strlen(YAML), &f->cfg, &err), 0, "%s",
                 err.message);
    cs_record_list_init(&f->companies);
    cs_record_list_init(&f->accounts);
    cs_record_list_init(&f->contacts);
    f->primary = json_object();
    f->errors = json_object();
    f->r = calloc(1, sizeof *f->r);
    cr_assert_not_null(f->r);
}

static void cfx_fini(cfx *f)
{
    cs_verify_report_free(f->r);
    cs_record_list_dispose(&f->companies);
    cs_record_list_dispose(&f->accounts);
    cs_record_list_dispose(&f->contacts);
    json_decref(f->primary);
    json_decref(f->errors);
    cs_config_free(f->cfg);
}

#define COMPANY(f, id, ...) rec(&(f)->companies, "companies", id, __VA_ARGS__, END)
#define ACCOUNT(f, id, ...) rec(&(f)->accounts, "Account", id, __VA_ARGS__, END)
#define CONTACT(f, id, ...) rec(&(f)->contacts, "Contact", id, __VA_ARGS__, END)

static void compare(cfx *f)
{
    verify_companies_input in = {.config = f->cfg,
                                 .companies = &f->companies,
                                 .accounts = &f->accounts,
                                 .links = f->links,
                                 .nlinks = f->nlinks,
                                 .open_errors = f->errors,
                                 .contact_links = f->clinks,
                                 .ncontact_links = f->nclinks,
                                 .sf_contacts = &f->contacts,
                                 .primary = f->primary};
    cr_assert_eq(verify_companies_compare(&in, f->r), 0);
}

static const cs_verify_item *item(const cfx *f, cs_verify_kind kind, const char *sf_id)
{
    for (size_t i = 0; i < f->r->count; i++)
        if (f->r->items[i].kind == kind && f->r->items[i].sf_id &&
            strcmp(f->r->items[i].sf_id, sf_id) == 0)
            return &f->r->items[i];
    return NULL;
}

Test(verify_companies, linked_pairs_that_agree_are_in_sync)
{
    cfx f;
    cfx_init(&f);
    COMPANY(&f, "1", "name", "Acme", "phone", "555", "salesforceaccountid", "001A");
    ACCOUNT(&f, "001A", "Name", "Acme", "Phone", "555");
    f.links[f.nlinks++] = (cs_verify_link){"1", "Account", "001A"};
    compare(&f);
    cr_assert_eq(f.r->divergences, 0, "%zu items", f.r->count);
    cr_assert_eq(f.r->pairs_compared, 1);
    cr_assert(f.r->companies);
    cr_assert_eq(f.r->hs_companies, 1);
    cr_assert_eq(f.r->sf_accounts, 1);
    cfx_fini(&f);
}

Test(verify_companies, differing_fields_are_listed_per_pair)
{
    cfx f;
    cfx_init(&f);
    COMPANY(&f, "1", "name", "Acme", "phone", "555", "city", "Rome", "salesforceaccountid", "001A");
    ACCOUNT(&f, "001A", "Name", "Acme Inc", "Phone", "555", "BillingCity", "Milan");
    f.links[f.nlinks++] = (cs_verify_link){"1", "Account", "001A"};
    compare(&f);
    const cs_verify_item *it = item(&f, CS_VERIFY_FIELDS, "001A");
    cr_assert_not_null(it);
    cr_assert_eq(f.r->divergences, 1);
    cr_assert_eq(it->ndiffs, 2);
    cr_assert_str_eq(it->diffs[0].hs_property, "name");
    cr_assert_str_eq(it->diffs[0].sf_value, "Acme Inc");
    cr_assert_str_eq(it->diffs[1].sf_field, "BillingCity");
    cfx_fini(&f);
}

Test(verify_companies, a_wrong_link_property_gone_records_duplicates_and_lonely_accounts)
{
    cfx f;
    cfx_init(&f);
    COMPANY(&f, "1", "name", "Acme", "salesforceaccountid", "001B");
    COMPANY(&f, "2", "name", "Beta", "salesforceaccountid", "001B");
    ACCOUNT(&f, "001A", "Name", "Acme");
    ACCOUNT(&f, "001B", "Name", "Beta");
    ACCOUNT(&f, "001C", "Name", "Alone");
    f.links[f.nlinks++] = (cs_verify_link){"1", "Account", "001A"};
    f.links[f.nlinks++] = (cs_verify_link){"2", "Account", "001B"};
    f.links[f.nlinks++] = (cs_verify_link){"9", "Account", "001Z"};
    compare(&f);
    const cs_verify_item *it = item(&f, CS_VERIFY_FIELDS, "001A");
    cr_assert_not_null(it, "salesforceaccountid naming another Account");
    cr_assert_str_eq(it->diffs[0].hs_property, "salesforceaccountid");
    cr_assert_not_null(item(&f, CS_VERIFY_GONE, "001Z"));
    cr_assert_not_null(item(&f, CS_VERIFY_DUPLICATE, "001B"));
    cr_assert_not_null(item(&f, CS_VERIFY_NOT_IN_HS, "001C"));
    cr_assert_null(item(&f, CS_VERIFY_NOT_IN_HS, "001A"));
    cfx_fini(&f);
}

Test(verify_companies, a2_contact_account_against_primary_company)
{
    cfx f;
    cfx_init(&f);
    COMPANY(&f, "1", "name", "Acme", "salesforceaccountid", "001A");
    COMPANY(&f, "2", "name", "Beta", "salesforceaccountid", "001B");
    COMPANY(&f, "3", "name", "New");
    ACCOUNT(&f, "001A", "Name", "Acme");
    ACCOUNT(&f, "001B", "Name", "Beta");
    f.links[f.nlinks++] = (cs_verify_link){"1", "Account", "001A"};
    f.links[f.nlinks++] = (cs_verify_link){"2", "Account", "001B"};
    CONTACT(&f, "003a", "AccountId", "001A"); /* agrees */
    CONTACT(&f, "003b", "AccountId", "001A"); /* primary is Beta: differs */
    CONTACT(&f, "003c", "AccountId", NULL);   /* primary Acme, no Account: differs */
    CONTACT(&f, "003d", "AccountId", NULL);   /* primary not synced yet: waits */
    CONTACT(&f, "003e", "AccountId", "001B"); /* no primary: differs, with an open error */
    const char *pairs[][3] = {{"10", "003a", "1"},
                              {"11", "003b", "2"},
                              {"12", "003c", "1"},
                              {"13", "003d", "3"},
                              {"14", "003e", NULL}};
    for (size_t i = 0; i < 5; i++) {
        f.clinks[f.nclinks++] = (cs_verify_link){pairs[i][0], "Contact", pairs[i][1]};
        json_object_set_new(f.primary, pairs[i][0],
                            pairs[i][2] ? json_string(pairs[i][2]) : json_null());
    }
    json_object_set_new(f.errors, "14", json_string("associations: waiting"));
    compare(&f);
    cr_assert_eq(f.r->parents_compared, 4);
    cr_assert_null(item(&f, CS_VERIFY_FIELDS, "003a"));
    const cs_verify_item *b = item(&f, CS_VERIFY_FIELDS, "003b");
    cr_assert_not_null(b);
    cr_assert_str_eq(b->diffs[0].sf_field, "AccountId");
    cr_assert_str_eq(b->diffs[0].hs_value, "001B");
    cr_assert_str_eq(b->diffs[0].sf_value, "001A");
    cr_assert_not_null(item(&f, CS_VERIFY_FIELDS, "003c"));
    cr_assert_null(item(&f, CS_VERIFY_FIELDS, "003d"));
    const cs_verify_item *e = item(&f, CS_VERIFY_FIELDS, "003e");
    cr_assert_not_null(e);
    cr_assert_not_null(e->open_error);
    cr_assert_eq(f.r->divergences, 2);
    cr_assert_eq(f.r->explained, 1);
    cfx_fini(&f);
}
