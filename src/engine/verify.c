/* The reading half of `crmsync verify` and its printer: every HubSpot contact
 * and every Salesforce Lead and Contact read in full (not from the cursors),
 * the links and open errors of the store, the owners on both sides (C17);
 * then cs_verify_compare (verify_diff.c) decides what disagrees. With
 * companies: on, also every HubSpot company and Salesforce Account, the
 * company links and the primary company of each contact linked to a
 * Contact (100 a call), compared by verify_companies.c (A1, A2). */
#include <stdlib.h>
#include <string.h>

#include "engine/sync.h"
#include "engine/verify.h"
#include "engine/verify_int.h"

/* Selects every mapped field of one object (plus what verify needs). */
static int select_fields(cs_connector *c, const char *object, const cs_config *cfg, int which,
                         cs_err *err)
{
    static const char *const lead_extra[] = {"Email", "IsConverted", "ConvertedContactId"};
    static const char *const contact_extra[] = {"Email", "AccountId"};
    size_t n;
    const cs_field_mapping *maps = cs_config_mappings(cfg, &n);
    const char **names = calloc(n + 4, sizeof *names);
    json_t *seen = json_object();
    size_t count = 0;
    int rc = -1;
    if (names == NULL || seen == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
        goto out;
    }
    const char *const *extra = which == 1 ? lead_extra : which == 2 ? contact_extra : NULL;
    size_t nextra = which == 1 ? 3 : which == 2 ? 2 : 0;
    for (size_t i = 0; i < n + nextra; i++) {
        const char *name;
        if (i < n) {
            if (maps[i].rule == CS_RULE_DONT_SYNC)
                continue;
            name = which == 0 ? maps[i].hs : which == 1 ? maps[i].sf_lead : maps[i].sf_contact;
        } else {
            name = extra[i - n];
        }
        if (name == NULL || json_object_get(seen, name) != NULL)
            continue;
        json_object_set_new(seen, name, json_true());
        names[count++] = name;
    }
    rc = cs_connector_select_fields(c, object, names, count, err);
out:
    free(names);
    json_decref(seen);
    return rc;
}

/* Reads every record of object; a record met twice (changed during the
 * scan) keeps its later copy. */
static int read_all(cs_connector *c, const char *object, cs_record_list *out, cs_err *err)
{
    cs_record_list raw;
    cs_record_list_init(&raw);
    /* full: HubSpot through its object listing, which shows every record as it
     * is now; search would show the values last indexed (R2: index lag) and
     * stops at 10,000 results. */
    cs_scan_options so = {.object = object, .cursor = NULL, .overlap_ms = -1, .full = true};
    char cursor[CS_CONNECTOR_CURSOR_MAX];
    if (cs_connector_changes(c, &so, &raw, cursor, err) != 0) {
        cs_record_list_dispose(&raw);
        return cs_err_prefix(err, "verify: reading every %s: ", object);
    }
    json_t *seen = json_object();
    int rc = seen ? 0 : -1;
    for (size_t k = raw.len; rc == 0 && k-- > 0;) {
        if (json_object_get(seen, raw.items[k].id) != NULL)
            continue;
        rc = json_object_set_new(seen, raw.items[k].id, json_true());
        if (rc == 0)
            rc = cs_record_list_push(out, &raw.items[k]);
    }
    json_decref(seen);
    cs_record_list_dispose(&raw);
    if (rc != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    return 0;
}

typedef struct links {
    cs_link *items;
    size_t count, cap;
} links;

static int collect_link(const cs_link *l, void *ud)
{
    links *ls = ud;
    if (ls->count == ls->cap) {
        size_t cap = ls->cap ? ls->cap * 2 : 256;
        cs_link *items = realloc(ls->items, cap * sizeof *items);
        if (items == NULL)
            return -1;
        ls->items = items;
        ls->cap = cap;
    }
    ls->items[ls->count++] = *l;
    return 0;
}

/* Record id → "category: message" of every open error (both ids of it). */
static int open_errors(cs_store *store, json_t *out, cs_err *err)
{
    for (size_t offset = 0;; offset += CS_STORE_LIST_MAX) {
        cs_error_query q = {.limit = CS_STORE_LIST_MAX, .offset = offset};
        cs_record_error_list l = {0};
        if (cs_store_error_list(store, &q, &l, err) != 0)
            return -1;
        for (size_t i = 0; i < l.count; i++) {
            const cs_record_error *e = &l.items[i];
            char msg[600];
            snprintf(msg, sizeof msg, "%s: %.500s", cs_category_name(e->category),
                     e->message ? e->message : "");
            const char *ids[] = {e->record_key, e->hs_id, e->sf_id};
            for (size_t k = 0; k < 3; k++)
                if (ids[k] && ids[k][0] && json_object_get(out, ids[k]) == NULL)
                    json_object_set_new(out, ids[k], json_string(msg));
        }
        size_t got = l.count;
        cs_record_error_list_dispose(&l);
        if (got < CS_STORE_LIST_MAX)
            return 0;
    }
}

/* Selects the company rows' fields of one side (0 HubSpot, 1 Salesforce). */
static int select_company_fields(cs_connector *c, const char *object, const cs_config *cfg,
                                 int which, cs_err *err)
{
    size_t n;
    const cs_field_mapping *maps = cs_config_company_mappings(cfg, &n);
    const char **names = calloc(n + 1, sizeof *names);
    if (names == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = which == 0 ? maps[i].hs : maps[i].sf_lead;
        if (name != NULL && maps[i].rule != CS_RULE_DONT_SYNC)
            names[count++] = name;
    }
    names[count++] = which == 0 ? "salesforceaccountid" : "Name";
    int rc = cs_connector_select_fields(c, object, names, count, err);
    free(names);
    return rc;
}

/* The companies half: reads, then adds its items to *r (A1, A2). */
static int verify_companies(const cs_verify_options *o, const cs_record_list *owners,
                            const cs_record_list *users, const cs_record_list *contacts,
                            const cs_verify_link *contact_links, size_t ncontact_links,
                            const json_t *errors, cs_verify_report *r, cs_err *err);

int cs_verify_run(const cs_verify_options *o, cs_verify_report **out, cs_err *err)
{
    if (o == NULL || o->config == NULL || o->store == NULL || o->hubspot == NULL ||
        o->salesforce == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "verify: incomplete options");
    cs_record_list hs, leads, contacts, owners, users;
    cs_record_list_init(&hs);
    cs_record_list_init(&leads);
    cs_record_list_init(&contacts);
    cs_record_list_init(&owners);
    cs_record_list_init(&users);
    links ls = {0};
    cs_verify_link *vl = NULL;
    json_t *errors = json_object();
    int rc = errors ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    if (rc == 0)
        rc = select_fields(o->hubspot, "contacts", o->config, 0, err);
    if (rc == 0)
        rc = select_fields(o->salesforce, "Lead", o->config, 1, err);
    if (rc == 0)
        rc = select_fields(o->salesforce, "Contact", o->config, 2, err);
    if (rc == 0)
        rc = read_all(o->hubspot, "contacts", &hs, err);
    if (rc == 0)
        rc = read_all(o->salesforce, "Lead", &leads, err);
    if (rc == 0)
        rc = read_all(o->salesforce, "Contact", &contacts, err);
    if (rc == 0)
        rc = cs_connector_users(o->hubspot, &owners, err);
    if (rc == 0)
        rc = cs_connector_users(o->salesforce, &users, err);
    if (rc == 0)
        rc = cs_store_link_each(o->store, CS_SYNC_OBJECT_CONTACT, collect_link, &ls, err);
    if (rc == 0)
        rc = open_errors(o->store, errors, err);
    if (rc == 0 && ls.count > 0) {
        vl = calloc(ls.count, sizeof *vl);
        if (vl == NULL)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
        for (size_t i = 0; rc == 0 && i < ls.count; i++)
            vl[i] = (cs_verify_link){ls.items[i].hs_id, ls.items[i].sf_type, ls.items[i].sf_id};
    }
    if (rc == 0) {
        cs_verify_input in = {.config = o->config,
                              .hubspot = &hs,
                              .leads = &leads,
                              .contacts = &contacts,
                              .links = vl,
                              .nlinks = ls.count,
                              .hs_owners = &owners,
                              .sf_users = &users,
                              .open_errors = errors};
        rc = cs_verify_compare(&in, out, err);
        if (rc == 0 && cs_config_companies(o->config)->enabled &&
            verify_companies(o, &owners, &users, &contacts, vl, ls.count, errors, *out, err) != 0) {
            cs_verify_report_free(*out);
            *out = NULL;
            rc = -1;
        }
    }
    free(vl);
    free(ls.items);
    json_decref(errors);
    cs_record_list_dispose(&hs);
    cs_record_list_dispose(&leads);
    cs_record_list_dispose(&contacts);
    cs_record_list_dispose(&owners);
    cs_record_list_dispose(&users);
    return rc;
}

static int verify_companies(const cs_verify_options *o, const cs_record_list *owners,
                            const cs_record_list *users, const cs_record_list *contacts,
                            const cs_verify_link *contact_links, size_t ncontact_links,
                            const json_t *errors, cs_verify_report *r, cs_err *err)
{
    cs_record_list companies, accounts;
    cs_record_list_init(&companies);
    cs_record_list_init(&accounts);
    links ls = {0};
    cs_verify_link *vl = NULL;
    json_t *primary = NULL;
    const char **ids = calloc(ncontact_links + 1, sizeof *ids);
    size_t nids = 0;
    int rc = ids ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    if (rc == 0)
        rc = select_company_fields(o->hubspot, "companies", o->config, 0, err);
    if (rc == 0)
        rc = select_company_fields(o->salesforce, "Account", o->config, 1, err);
    if (rc == 0)
        rc = read_all(o->hubspot, "companies", &companies, err);
    if (rc == 0)
        rc = read_all(o->salesforce, "Account", &accounts, err);
    if (rc == 0)
        rc = cs_store_link_each(o->store, "company", collect_link, &ls, err);
    /* A2 holds for contacts linked to Contacts (a Lead has no Account). */
    for (size_t i = 0; rc == 0 && i < ncontact_links; i++)
        if (strcmp(contact_links[i].sf_type, "Contact") == 0)
            ids[nids++] = contact_links[i].hs_id;
    if (rc == 0 && cs_connector_assoc_primary(o->hubspot, "contacts", "companies", ids, nids,
                                              &primary, err) != 0)
        rc = cs_err_prefix(err, "verify: primary companies: ");
    if (rc == 0 && ls.count > 0 && (vl = calloc(ls.count, sizeof *vl)) == NULL)
        rc = cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    for (size_t i = 0; rc == 0 && i < ls.count; i++)
        vl[i] = (cs_verify_link){ls.items[i].hs_id, ls.items[i].sf_type, ls.items[i].sf_id};
    if (rc == 0) {
        verify_companies_input in = {.config = o->config,
                                     .companies = &companies,
                                     .accounts = &accounts,
                                     .links = vl,
                                     .nlinks = ls.count,
                                     .hs_owners = owners,
                                     .sf_users = users,
                                     .open_errors = errors,
                                     .contact_links = contact_links,
                                     .ncontact_links = ncontact_links,
                                     .sf_contacts = contacts,
                                     .primary = primary};
        if (verify_companies_compare(&in, r) != 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    }
    json_decref(primary);
    free(ids);
    free(vl);
    free(ls.items);
    cs_record_list_dispose(&companies);
    cs_record_list_dispose(&accounts);
    return rc;
}

/* ---- printing --------------------------------------------------------------------- */

static const char *label(cs_verify_kind k)
{
    switch (k) {
    case CS_VERIFY_FIELDS:
        return "DIFFERENT";
    case CS_VERIFY_UNLINKED:
        return "NOT LINKED";
    case CS_VERIFY_GONE:
        return "GONE";
    case CS_VERIFY_CONVERTED:
        return "CONVERTED";
    case CS_VERIFY_NOT_IN_SF:
        return "ONLY IN HUBSPOT";
    case CS_VERIFY_NOT_IN_HS:
        return "ONLY IN SALESFORCE";
    case CS_VERIFY_DUPLICATE:
        return "DUPLICATE";
    case CS_VERIFY_SF_DUPLICATE:
        return "DUPLICATE IN SF";
    }
    return "?";
}

static void print_item(const cs_verify_item *it, FILE *f)
{
    fprintf(f, "%-18s %s%s%s", label(it->kind), it->email ? "<" : "", it->email ? it->email : "",
            it->email ? "> " : "");
    if (it->kind == CS_VERIFY_FIELDS || it->kind == CS_VERIFY_GONE ||
        it->kind == CS_VERIFY_CONVERTED)
        fprintf(f, "HubSpot %s <-> %s %s: ", it->hs_id ? it->hs_id : "-",
                it->sf_type ? it->sf_type : "-", it->sf_id ? it->sf_id : "-");
    fprintf(f, "%s\n", it->detail ? it->detail : "");
    for (size_t i = 0; i < it->ndiffs; i++) {
        const cs_verify_diff *d = &it->diffs[i];
        fprintf(f, "    %s = %s%.80s%s  but  %s = %s%.80s%s\n", d->hs_property,
                d->hs_value ? "\"" : "", d->hs_value ? d->hs_value : "(blank)",
                d->hs_value ? "\"" : "", d->sf_field, d->sf_value ? "\"" : "",
                d->sf_value ? d->sf_value : "(blank)", d->sf_value ? "\"" : "");
    }
    if (it->open_error)
        fprintf(f, "    explained by an open sync error: %.300s\n", it->open_error);
}

void cs_verify_print(const cs_verify_report *r, FILE *f, size_t max_items)
{
    fprintf(f,
            "Read %llu HubSpot contacts, %llu Salesforce Leads and %llu Contacts in full; "
            "%llu links.\nCompared %llu linked pairs (%llu field values) under the mapping.\n",
            (unsigned long long)r->hs_records, (unsigned long long)r->sf_leads,
            (unsigned long long)r->sf_contacts, (unsigned long long)r->links,
            (unsigned long long)r->pairs_compared, (unsigned long long)r->fields_compared);
    if (r->companies)
        fprintf(f,
                "Read %llu HubSpot companies and %llu Salesforce Accounts in full; %llu company "
                "links; compared %llu Contacts' Account with their primary company (A2).\n",
                (unsigned long long)r->hs_companies, (unsigned long long)r->sf_accounts,
                (unsigned long long)r->company_links, (unsigned long long)r->parents_compared);
    size_t shown = 0;
    /* Divergences first, then what open errors explain. */
    for (int pass = 0; pass < 2; pass++) {
        bool first = true;
        for (size_t i = 0; i < r->count; i++) {
            const cs_verify_item *it = &r->items[i];
            if ((it->open_error != NULL) != (pass == 1))
                continue;
            if (max_items > 0 && shown >= max_items)
                break;
            if (first) {
                fprintf(f, "\n%s\n",
                        pass == 0 ? "Divergences:"
                                  : "Known differences (records with open sync errors, see "
                                    "'crmsync errors'):");
                first = false;
            }
            print_item(it, f);
            shown++;
        }
    }
    if (max_items > 0 && shown < r->count)
        fprintf(f, "... %zu more (use --limit)\n", r->count - shown);
    if (r->divergences == 0)
        fprintf(f, "\nIn sync: HubSpot and Salesforce agree under the mapping");
    else
        fprintf(f, "\nNOT in sync: %zu divergence%s", r->divergences,
                r->divergences == 1 ? "" : "s");
    if (r->explained > 0)
        fprintf(f, " (%zu known difference%s from open sync errors)", r->explained,
                r->explained == 1 ? "" : "s");
    fprintf(f, ".\n");
}
