/* verify's C5 check on the Salesforce side: two open Leads, or two Contacts,
 * with one email (case and spaces aside) are a divergence, reported once per
 * email and type, counted even when a record has an open "Duplicates" error;
 * a Lead and a Contact sharing an email are allowed (the Contact is
 * preferred), and a converted Lead is history, not a duplicate. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/verify.h"

#define END ((const char *)NULL)
#define BASE                                                                                       \
    "hubspot: {base_url: \"http://127.0.0.1:1\"}\n"                                                \
    "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n"

typedef struct dfx {
    cs_config *cfg;
    cs_record_list hs, leads, contacts;
    cs_verify_link links[8];
    size_t nlinks;
    json_t *errors;
    cs_verify_report *r;
} dfx;

static void dfx_init(dfx *f)
{
    memset(f, 0, sizeof *f);
    cs_err err;
    cr_assert_eq(cs_config_load_string("crmsync.yaml", BASE, strlen(BASE), &f->cfg, &err), 0, "%s",
                 err.message);
    cs_record_list_init(&f->hs);
    cs_record_list_init(&f->leads);
    cs_record_list_init(&f->contacts);
    f->errors = json_object();
}

static void dfx_fini(dfx *f)
{
    cs_verify_report_free(f->r);
    cs_record_list_dispose(&f->hs);
    cs_record_list_dispose(&f->leads);
    cs_record_list_dispose(&f->contacts);
    json_decref(f->errors);
    cs_config_free(f->cfg);
}

static void rec(cs_record_list *l, const char *type, const char *id, ...)
{
    cs_record r;
    cr_assert_eq(cs_record_init(&r, id, type), 0);
    va_list ap;
    va_start(ap, id);
    for (const char *k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
        cr_assert_eq(cs_record_set(&r, k, va_arg(ap, const char *)), 0);
    va_end(ap);
    cr_assert_eq(cs_record_list_push(l, &r), 0);
}

#define HS(f, id, ...)      rec(&(f)->hs, "contacts", id, __VA_ARGS__, END)
#define LEAD(f, id, ...)    rec(&(f)->leads, "Lead", id, __VA_ARGS__, END)
#define CONTACT(f, id, ...) rec(&(f)->contacts, "Contact", id, __VA_ARGS__, END)

static void link_pair(dfx *f, const char *hs_id, const char *type, const char *sf_id)
{
    cr_assert_lt(f->nlinks, 8);
    f->links[f->nlinks++] = (cs_verify_link){hs_id, type, sf_id};
}

static const cs_verify_report *compare(dfx *f)
{
    cs_verify_input in = {.config = f->cfg,
                          .hubspot = &f->hs,
                          .leads = &f->leads,
                          .contacts = &f->contacts,
                          .links = f->links,
                          .nlinks = f->nlinks,
                          .open_errors = f->errors};
    cs_err err;
    cr_assert_eq(cs_verify_compare(&in, &f->r, &err), 0, "%s", err.message);
    return f->r;
}

static size_t count_kind(const dfx *f, cs_verify_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < f->r->count; i++)
        n += f->r->items[i].kind == kind;
    return n;
}

static const cs_verify_item *first_of(const dfx *f, cs_verify_kind kind)
{
    for (size_t i = 0; i < f->r->count; i++)
        if (f->r->items[i].kind == kind)
            return &f->r->items[i];
    return NULL;
}

/* The state: each email linked once, and a second Lead made by a
 * second process on the same store. The pairs agree, yet SF breaks C5. */
Test(verify_sf_duplicates, two_leads_with_one_email_diverge_though_pairs_agree)
{
    dfx f;
    dfx_init(&f);
    HS(&f, "1", "email", "ada@x.com", "lastname", "Ada");
    LEAD(&f, "00Q1", "Email", "ada@x.com", "LastName", "Ada", "Company", "C");
    LEAD(&f, "00Q2", "Email", " ADA@x.com ", "LastName", "Ada", "Company", "C");
    link_pair(&f, "1", "Lead", "00Q1");
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
    dfx_fini(&f);
}

Test(verify_sf_duplicates, three_contacts_are_one_item_naming_the_count)
{
    dfx f;
    dfx_init(&f);
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
    dfx_fini(&f);
}

Test(verify_sf_duplicates, a_lead_and_a_contact_or_a_converted_lead_are_not_duplicates)
{
    dfx f;
    dfx_init(&f);
    HS(&f, "1", "email", "cy@x.com", "lastname", "Cy");
    CONTACT(&f, "0031", "Email", "cy@x.com", "LastName", "Cy");
    LEAD(&f, "00Q1", "Email", "cy@x.com", "LastName", "Cy", "Company", "C");
    LEAD(&f, "00Q2", "Email", "cy@x.com", "LastName", "Cy", "Company", "C", "IsConverted", "true",
         "ConvertedContactId", "0031");
    link_pair(&f, "1", "Contact", "0031");
    const cs_verify_report *r = compare(&f);
    cr_assert_eq(count_kind(&f, CS_VERIFY_SF_DUPLICATE), 0);
    cr_assert_eq(r->divergences, 0);
    dfx_fini(&f);
}
