/* The companies: section as a pair (A1, A2): HubSpot companies ⇄
 * Salesforce Accounts, matched only through links — the store's, and those
 * a linked contact implies (its Contact's AccountId on one side, its
 * association on the other) — never by domain. An Account creates a
 * company; a company creates an Account only when one of its contacts needs
 * it (A1). The contacts pair becomes its child: Contact.AccountId ⇄ the
 * contact's primary company (A2). Like pair_contacts.c, the only place that
 * spells these objects' names. */
#include <string.h>

#include "engine/pair.h"

/* HubSpot's association type id of contact → company "Primary"
 * (HUBSPOT_DEFINED 1). */
#define PRIMARY_CONTACT_TO_COMPANY 1

void cs_pair_companies(const cs_company_settings *settings, const cs_field_mapping *maps,
                       size_t nmaps, cs_pair *out)
{
    memset(out, 0, sizeof *out);
    *out = (cs_pair){
        .section = "companies",
        .link_object = "company",
        .hs_object = "companies",
        .hs_label = "company",
        .hs_cursor = "hubspot.companies",
        .hs_extra = {"name", "salesforceaccountid", "hubspot_owner_id"},
        .nhs_extra = 3,
        .nsf = 1,
        .match = CS_PAIR_MATCH_LINK,
        .create_default = 0,
        .create_alternate = 0,
        .hs_to_sf_create = CS_PAIR_CREATE_FOR_CHILDREN,
        .owners = true,
        .maps = maps,
        .nmaps = nmaps,
        .parent = -1,
    };
    out->settings.conflict_winner = settings->conflict_winner;
    out->settings.on_salesforce_delete = settings->on_salesforce_delete;
    out->settings.on_hubspot_delete = settings->on_hubspot_delete;
    out->sf[0] = (cs_pair_sf){
        .name = "Account",
        .cursor = "salesforce.Account",
        .column = 0,
        .link_property = "salesforceaccountid",
        .converts_to = -1,
        .extra = {"Name", "OwnerId"},
        .nextra = 2,
    };
}

void cs_pair_set_parent(cs_pair *child, int parent, const cs_pair *pair)
{
    child->parent = parent;
    child->parent_assoc_type = PRIMARY_CONTACT_TO_COMPANY;
    child->parent_hs_object = pair->hs_object;
}
