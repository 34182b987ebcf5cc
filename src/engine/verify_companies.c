/* `crmsync verify` for companies ⇄ Accounts (A1, A2), pure like
 * verify_diff.c: given every HubSpot company, every Salesforce Account, the
 * company links, the owners and the open errors, it lists
 *   - every linked pair whose mapped fields differ under the companies'
 *     mapping (rules, value maps and owners compared as for contacts), and
 *     a company whose salesforceaccountid is not its linked Account;
 *   - every linked company or Account that no longer exists;
 *   - duplicates: several HubSpot companies carrying one Account id, or
 *     several linked to one (A1 matches by link, so the sync never makes
 *     either);
 *   - every Account without a company (A1: an Account creates one);
 *   - A2: every Contact linked to a HubSpot contact whose AccountId is not
 *     the Account of the contact's primary company (none counting as none),
 *     when both ends are synced — a parent not linked yet is the waiting
 *     child's Associations error, not a divergence.
 * A company without an Account is not listed: A1 creates its Account only
 * when a contact needs it. A difference involving a record with an open
 * error is listed as explained by it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/value.h"
#include "engine/verify_int.h"

#define EMAIL_KEY_MAX 256
#define VALUE_MAX     ((size_t)1 << 20)

/* The HS company property holding its linked Account's id (MAPPINGS). */
#define LINK_PROPERTY "salesforceaccountid"

typedef struct cindex {
    json_t *company;  /* HS id → index in companies */
    json_t *account;  /* SF id → index in accounts */
    json_t *by_hs;    /* HS company id → linked Account id */
    json_t *by_sf;    /* Account id → linked HS company id */
    json_t *owner;    /* HS owner id → email key */
    json_t *owner_by; /* email key → HS owner id */
    json_t *user;     /* SF User id → email key */
} cindex;

static const char *error_of(const verify_companies_input *in, const char *id)
{
    return id && in->open_errors ? json_string_value(json_object_get(in->open_errors, id)) : NULL;
}

static const char *either_error(const verify_companies_input *in, const char *a, const char *b)
{
    return error_of(in, a) ? error_of(in, a) : error_of(in, b);
}

static int index_people(const cs_record_list *l, json_t *by_id, json_t *by_email)
{
    char key[EMAIL_KEY_MAX];
    int rc = 0;
    for (size_t i = 0; l != NULL && i < l->len; i++) {
        const cs_record *o = &l->items[i];
        if (!cs_email_key(cs_record_get(o, "email"), key, sizeof key))
            continue;
        rc |= json_object_set_new(by_id, o->id, json_string(key));
        if (by_email != NULL)
            rc |= json_object_set_new(by_email, key, json_string(o->id));
    }
    return rc;
}

static int index_build(const verify_companies_input *in, cindex *ix)
{
    ix->company = json_object();
    ix->account = json_object();
    ix->by_hs = json_object();
    ix->by_sf = json_object();
    ix->owner = json_object();
    ix->owner_by = json_object();
    ix->user = json_object();
    if (!ix->company || !ix->account || !ix->by_hs || !ix->by_sf || !ix->owner || !ix->owner_by ||
        !ix->user)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < in->companies->len; i++)
        rc |= json_object_set_new(ix->company, in->companies->items[i].id,
                                  json_integer((json_int_t)i));
    for (size_t i = 0; i < in->accounts->len; i++)
        rc |= json_object_set_new(ix->account, in->accounts->items[i].id,
                                  json_integer((json_int_t)i));
    for (size_t i = 0; i < in->nlinks; i++) {
        rc |= json_object_set_new(ix->by_hs, in->links[i].hs_id, json_string(in->links[i].sf_id));
        rc |= json_object_set_new(ix->by_sf, in->links[i].sf_id, json_string(in->links[i].hs_id));
    }
    rc |= index_people(in->hs_owners, ix->owner, ix->owner_by);
    rc |= index_people(in->sf_users, ix->user, NULL);
    return rc == 0 ? 0 : -1;
}

static void index_dispose(cindex *ix)
{
    json_decref(ix->company);
    json_decref(ix->account);
    json_decref(ix->by_hs);
    json_decref(ix->by_sf);
    json_decref(ix->owner);
    json_decref(ix->owner_by);
    json_decref(ix->user);
}

static const cs_record *find(const cs_record_list *l, const json_t *ix, const char *id)
{
    json_t *v = id ? json_object_get(ix, id) : NULL;
    return v ? &l->items[json_integer_value(v)] : NULL;
}

/* As verify_diff.c's field_agrees, for the company rows (no opt-out, no
 * email): 1 agree, 0 differ, -1 out of memory. */
static int agrees(const cindex *ix, const cs_field_mapping *m, const char *h, const char *s,
                  cs_buf *sb)
{
    if (m->flags & CS_MAP_OWNER) {
        /* C17: one person on both sides (by email); an SF owner without a
         * HubSpot owner cannot be mirrored and is no divergence. */
        const char *se =
            cs_value_is_blank(s) ? NULL : json_string_value(json_object_get(ix->user, s));
        if (se == NULL || json_object_get(ix->owner_by, se) == NULL)
            return 1;
        const char *he =
            cs_value_is_blank(h) ? NULL : json_string_value(json_object_get(ix->owner, h));
        return he != NULL && strcmp(he, se) == 0;
    }
    if (m->rule == CS_RULE_ALWAYS_SF && cs_value_is_blank(s))
        return 1;
    if (m->rule == CS_RULE_ALWAYS_HS && cs_value_is_blank(h))
        return 1;
    const char *hc, *sc;
    if (cs_values_translate(m, CS_VALUES_CANONICAL, h, &sb[0], &hc) != 0 ||
        cs_values_translate(m, CS_VALUES_TO_HS, s, &sb[1], &sc) != 0)
        return -1;
    return cs_value_equal(hc, sc);
}

static int compare_pair(const verify_companies_input *in, const cindex *ix, const cs_verify_link *l,
                        cs_verify_report *r, cs_buf *sb)
{
    const cs_record *h = find(in->companies, ix->company, l->hs_id);
    const cs_record *s = find(in->accounts, ix->account, l->sf_id);
    const char *oerr = either_error(in, l->hs_id, l->sf_id);
    char detail[256];
    if (h == NULL || s == NULL) {
        if (snprintf(detail, sizeof detail, "linked, but the %s %s was not found",
                     h == NULL ? "HubSpot company" : "Salesforce Account",
                     h == NULL ? l->hs_id : l->sf_id) < 0)
            detail[0] = '\0';
        return verify_add_item(r, CS_VERIFY_GONE, NULL, l->hs_id, "Account", l->sf_id, detail, oerr)
                   ? 0
                   : -1;
    }
    r->pairs_compared++;
    cs_verify_item *it = NULL;
    const char *why = "linked company, but mapped fields differ";
    const char *held = cs_record_get(h, LINK_PROPERTY);
    if (!cs_value_equal(held, l->sf_id)) {
        it = verify_add_item(r, CS_VERIFY_FIELDS, NULL, l->hs_id, "Account", l->sf_id, why, oerr);
        if (it == NULL || verify_add_diff(it, LINK_PROPERTY, "Id", held, l->sf_id) != 0)
            return -1;
    }
    size_t n;
    const cs_field_mapping *maps = cs_config_company_mappings(in->config, &n);
    for (size_t i = 0; i < n; i++) {
        const cs_field_mapping *m = &maps[i];
        if (m->sf_lead == NULL || m->rule == CS_RULE_DONT_SYNC)
            continue;
        r->fields_compared++;
        const char *hv = cs_record_get(h, m->hs), *sv = cs_record_get(s, m->sf_lead);
        int a = agrees(ix, m, hv, sv, sb);
        if (a < 0)
            return -1;
        if (a)
            continue;
        if (it == NULL && (it = verify_add_item(r, CS_VERIFY_FIELDS, NULL, l->hs_id, "Account",
                                                l->sf_id, why, oerr)) == NULL)
            return -1;
        if (verify_add_diff(it, m->hs, m->sf_lead, hv, sv) != 0)
            return -1;
    }
    return 0;
}

/* Several HubSpot companies carrying one Account id in salesforceaccountid
 * or linked to it. */
static int duplicates(const verify_companies_input *in, const cindex *ix, cs_verify_report *r)
{
    json_t *by_account = json_object();
    if (by_account == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < in->companies->len; i++) {
        const cs_record *h = &in->companies->items[i];
        const char *acc = cs_record_get(h, LINK_PROPERTY);
        const char *linked = json_string_value(json_object_get(ix->by_hs, h->id));
        if (cs_value_is_blank(acc))
            acc = linked;
        if (acc == NULL)
            continue;
        json_t *a = json_object_get(by_account, acc);
        if (a == NULL && (json_object_set_new(by_account, acc, a = json_array()) != 0 || !a))
            rc = -1;
        else if (json_array_append_new(a, json_string(h->id)) != 0)
            rc = -1;
    }
    const char *acc;
    json_t *a;
    json_object_foreach(by_account, acc, a)
    {
        size_t k = json_array_size(a);
        if (rc != 0 || k < 2)
            continue;
        const char *first = json_string_value(json_array_get(a, 0));
        const char *second = json_string_value(json_array_get(a, 1));
        char detail[256];
        if (snprintf(detail, sizeof detail,
                     "%zu HubSpot companies stand for this Account (%s, %s%s)", k, first, second,
                     k > 2 ? ", ..." : "") < 0)
            detail[0] = '\0';
        if (!verify_add_item(r, CS_VERIFY_DUPLICATE, NULL, first, "Account", acc, detail,
                             either_error(in, first, second)))
            rc = -1;
    }
    json_decref(by_account);
    return rc;
}

/* A1: an Account creates a company; one without is a divergence. */
static int accounts_alone(const verify_companies_input *in, const cindex *ix, cs_verify_report *r)
{
    for (size_t i = 0; i < in->accounts->len; i++) {
        const cs_record *s = &in->accounts->items[i];
        if (json_object_get(ix->by_sf, s->id) != NULL)
            continue;
        char detail[300];
        const char *name = cs_record_get(s, "Name");
        if (snprintf(detail, sizeof detail, "Account %s (%.200s) has no HubSpot company (A1)",
                     s->id, name ? name : "no name") < 0)
            detail[0] = '\0';
        if (!verify_add_item(r, CS_VERIFY_NOT_IN_HS, NULL, NULL, "Account", s->id, detail,
                             error_of(in, s->id)))
            return -1;
    }
    return 0;
}

/* A2: Contact.AccountId against the contact's primary company, both ends
 * synced. */
static int parents(const verify_companies_input *in, const cindex *ix, cs_verify_report *r)
{
    if (in->primary == NULL || in->sf_contacts == NULL)
        return 0;
    json_t *contact = json_object();
    if (contact == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < in->sf_contacts->len; i++)
        rc |=
            json_object_set_new(contact, in->sf_contacts->items[i].id, json_integer((json_int_t)i));
    for (size_t i = 0; rc == 0 && i < in->ncontact_links; i++) {
        const cs_verify_link *l = &in->contact_links[i];
        const cs_record *s = find(in->sf_contacts, contact, l->sf_id);
        json_t *pv = json_object_get(in->primary, l->hs_id);
        if (s == NULL || pv == NULL)
            continue; /* gone (listed with the contacts) or not read */
        const char *company = json_string_value(pv);
        const char *account = cs_record_get(s, "AccountId");
        if (cs_value_is_blank(account))
            account = NULL;
        const char *want = NULL; /* the Account the primary company stands for */
        if (company != NULL &&
            (want = json_string_value(json_object_get(ix->by_hs, company))) == NULL)
            continue; /* the parent has not synced: the child waits (R9) */
        if (account != NULL && json_object_get(ix->by_sf, account) == NULL)
            continue; /* an Account without a company: listed as such */
        r->parents_compared++;
        if (cs_value_equal(want, account))
            continue;
        cs_verify_item *it = verify_add_item(
            r, CS_VERIFY_FIELDS, NULL, l->hs_id, l->sf_type, l->sf_id,
            "linked, but the contact's primary company and the Contact's Account differ (A2)",
            either_error(in, l->hs_id, l->sf_id));
        if (it == NULL || verify_add_diff(it, "association:companies (as its Account)", "AccountId",
                                          want, account) != 0)
            rc = -1;
    }
    json_decref(contact);
    return rc == 0 ? 0 : -1;
}

int verify_companies_compare(const verify_companies_input *in, cs_verify_report *r)
{
    cindex ix = {0};
    cs_buf sb[2];
    cs_buf_init(&sb[0], VALUE_MAX);
    cs_buf_init(&sb[1], VALUE_MAX);
    r->companies = true;
    r->hs_companies = in->companies->len;
    r->sf_accounts = in->accounts->len;
    r->company_links = in->nlinks;
    int rc = index_build(in, &ix);
    for (size_t i = 0; rc == 0 && i < in->nlinks; i++)
        rc = compare_pair(in, &ix, &in->links[i], r, sb);
    if (rc == 0)
        rc = duplicates(in, &ix, r);
    if (rc == 0)
        rc = accounts_alone(in, &ix, r);
    if (rc == 0)
        rc = parents(in, &ix, r);
    index_dispose(&ix);
    cs_buf_free(&sb[0]);
    cs_buf_free(&sb[1]);
    return rc;
}
