/* The contacts: section as a pair: HubSpot contacts ⇄ Salesforce Leads and
 * Contacts, matched by email (C5), a Lead converting into a Contact (C14),
 * new Salesforce records made as Leads or Contacts (C15), owners (C17) and
 * the inclusion list (C2) from the section's settings. The only place the
 * engine spells these objects' names. */
#include <string.h>

#include "engine/pair.h"

void cs_pair_contacts(const cs_contact_settings *settings, const cs_field_mapping *maps,
                      size_t nmaps, cs_pair *out)
{
    memset(out, 0, sizeof *out);
    *out = (cs_pair){
        .section = "contacts",
        .link_object = "contact",
        .hs_object = "contacts",
        .hs_label = "contact",
        .hs_cursor = "hubspot.contacts",
        .hs_extra = {"email", "salesforceleadid", "salesforcecontactid", "hs_email_optout",
                     "hubspot_owner_id"},
        .nhs_extra = 5,
        .nsf = 2,
        .match = CS_PAIR_MATCH_EMAIL,
        .hs_email = "email",
        .sf_email = "Email",
        .settings = *settings,
        .create_default = 0,
        .create_alternate = 1,
        .hs_to_sf_create = CS_PAIR_CREATE_ALWAYS,
        .owners = true,
        .maps = maps,
        .nmaps = nmaps,
        .parent = -1,
    };
    out->sf[0] = (cs_pair_sf){
        .name = "Lead",
        .cursor = "salesforce.Lead",
        .column = 0,
        .link_property = "salesforceleadid",
        .converts_to = 1,
        .converted_flag = "IsConverted",
        .converted_id = "ConvertedContactId",
        .extra = {"Email", "IsConverted", "ConvertedContactId", "OwnerId", "HasOptedOutOfEmail"},
        .nextra = 5,
    };
    out->sf[1] = (cs_pair_sf){
        .name = "Contact",
        .cursor = "salesforce.Contact",
        .column = 1,
        .link_property = "salesforcecontactid",
        .preferred = true,
        .converts_to = -1,
        .parent_field = "AccountId",
        .extra = {"Email", "OwnerId", "HasOptedOutOfEmail", "AccountId"},
        .nextra = 4,
    };
}
