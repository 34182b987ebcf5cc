/* The default HS contact <-> SF Lead/Contact mappings (SPEC C6, MAPPINGS),
 * the HS properties crmsync maintains itself, and the little static knowledge
 * about both APIs that load-time validation needs: the standard Salesforce
 * lookup fields of Lead and Contact (C9), the fields Salesforce sets itself,
 * and HubSpot's system properties. Everything here is constant data. */
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

#define B(r) CS_RULE_BIT(CS_RULE_##r)
#define DEF  CS_MAP_DEFAULT
#define PSUB CS_RULE_PREFER_SF_UNLESS_BLANK

/* The default value map of hs_lead_status (HS option -> SF Lead Status):
 * HubSpot's eight options onto Salesforce's four default values. The first
 * four come first, so each SF value reads back into HubSpot as the option
 * that names the same stage (SF -> HS takes the first HS option listed). */
static const cs_value_pair g_lead_status_values[] = {
    {"NEW", "Open - Not Contacted", 0, 0},
    {"IN_PROGRESS", "Working - Contacted", 0, 0},
    {"OPEN_DEAL", "Closed - Converted", 0, 0},
    {"UNQUALIFIED", "Closed - Not Converted", 0, 0},
    {"OPEN", "Open - Not Contacted", 0, 0},
    {"ATTEMPTED_TO_CONTACT", "Working - Contacted", 0, 0},
    {"CONNECTED", "Working - Contacted", 0, 0},
    {"BAD_TIMING", "Closed - Not Converted", 0, 0},
};

/* MAPPINGS.md's contact table, in its order. C8: a row naming the same API
 * name on Lead and Contact serves both. */
static const cs_field_mapping g_contact_defaults[] = {
    /* C5: the dedup key; an invalid address must not stick, so only two rules. */
    {"email", "Email", "Email", PSUB, B(PREFER_SF_UNLESS_BLANK) | B(TWO_WAY), DEF | CS_MAP_EMAIL, 0,
     0, NULL, 0},
    {"firstname", "FirstName", "FirstName", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    /* C13: SF requires LastName on leads and contacts. */
    {"lastname", "LastName", "LastName", PSUB, CS_RULES_ANY, DEF | CS_MAP_SF_REQUIRED, 0, 0, NULL,
     0},
    {"salutation", "Salutation", "Salutation", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"jobtitle", "Title", "Title", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"phone", "Phone", "Phone", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"fax", "Fax", "Fax", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    /* C9: Lead.Company is text; a Contact's company is the AccountId lookup.
     * C13: SF requires Company on leads. */
    {"company", "Company", NULL, PSUB, CS_RULES_ANY, DEF | CS_MAP_LEAD_ONLY | CS_MAP_SF_REQUIRED, 0,
     0, NULL, 0},
    {"website", "Website", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"industry", "Industry", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"annualrevenue", "AnnualRevenue", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"numemployees", "NumberOfEmployees", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"address", "Street", "MailingStreet", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"city", "City", "MailingCity", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"state", "State", "MailingState", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"zip", "PostalCode", "MailingPostalCode", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"country", "Country", "MailingCountry", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    /* R3: HubSpot's options and Salesforce's default Lead Status values
     * differ; the default value map translates them. */
    {"hs_lead_status", "Status", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, g_lead_status_values,
     sizeof g_lead_status_values / sizeof g_lead_status_values[0]},
    {"leadsource", "LeadSource", "LeadSource", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"rating", "Rating", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"description", "Description", "Description", PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    /* C17: two-way only, resolved through active SF Users by email. */
    {"hubspot_owner_id", "OwnerId", "OwnerId", CS_RULE_TWO_WAY, B(TWO_WAY),
     DEF | CS_MAP_OWNER | CS_MAP_SF_REFERENCE, 0, 0, NULL, 0},
    /* C10: sticky in HS; its rule is fixed. */
    {"hs_email_optout", "HasOptedOutOfEmail", "HasOptedOutOfEmail", CS_RULE_FIXED_OPTOUT,
     B(FIXED_OPTOUT), DEF | CS_MAP_OPTOUT, 0, 0, NULL, 0},
    /* The id of the Contact's Account, read into HS; never written to SF. */
    {"salesforceaccountid", NULL, "AccountId", CS_RULE_ALWAYS_SF, B(ALWAYS_SF),
     DEF | CS_MAP_ACCOUNT_ID | CS_MAP_SF_REFERENCE, 0, 0, NULL, 0},
};

#define NDEFAULTS (sizeof g_contact_defaults / sizeof g_contact_defaults[0])

static const cs_maintained_property g_maintained[] = {
    {"salesforceleadid", "string", "id of the linked SF Lead, if any"},
    {"salesforcecontactid", "string", "id of the linked SF Contact, if any"},
    {"salesforcecampaignids", "string",
     "';'-separated ids of the SF Campaigns the linked record is a member of (C12)"},
    {"salesforcelastsynctime", "datetime", "time of the last successful sync of this record"},
};

#define NMAINTAINED (sizeof g_maintained / sizeof g_maintained[0])

/* Standard lookup (reference) and id fields of Lead and Contact. Custom
 * lookups (..._Id__c, ...__c) are only known from the live schema. */
static const char *const g_sf_references[] = {
    "Id",
    "AccountId",
    "OwnerId",
    "CreatedById",
    "LastModifiedById",
    "MasterRecordId",
    "ReportsToId",
    "RecordTypeId",
    "ConvertedAccountId",
    "ConvertedContactId",
    "ConvertedOpportunityId",
    "IndividualId",
    "DandbCompanyId",
    NULL,
};

/* Lead/Contact fields Salesforce sets itself: readable, never writable. */
static const char *const g_sf_system[] = {
    "CreatedDate",        "LastModifiedDate",
    "SystemModstamp",     "IsDeleted",
    "IsConverted",        "ConvertedDate",
    "LastActivityDate",   "LastViewedDate",
    "LastReferencedDate", "Name",
    "PhotoUrl",           NULL,
};

/* HubSpot properties HubSpot sets itself: readable, never writable. */
static const char *const g_hs_system[] = {
    "hs_object_id", "createdate", "lastmodifieddate", "hs_createdate", "hs_lastmodifieddate", NULL,
};

const cs_field_mapping *cs_config_default_contact_mappings(size_t *count)
{
    if (count)
        *count = NDEFAULTS;
    return g_contact_defaults;
}

const cs_maintained_property *cs_config_maintained_properties(size_t *count)
{
    if (count)
        *count = NMAINTAINED;
    return g_maintained;
}

const cs_field_mapping *cfg_default_by_hs(const char *hs)
{
    for (size_t i = 0; i < NDEFAULTS; i++) {
        if (strcmp(g_contact_defaults[i].hs, hs) == 0)
            return &g_contact_defaults[i];
    }
    return NULL;
}

/* SF API names are case-insensitive. */
const cs_field_mapping *cfg_default_by_sf(const char *sf, bool lead)
{
    for (size_t i = 0; i < NDEFAULTS; i++) {
        const char *f = lead ? g_contact_defaults[i].sf_lead : g_contact_defaults[i].sf_contact;
        if (f != NULL && strcasecmp(f, sf) == 0)
            return &g_contact_defaults[i];
    }
    return NULL;
}

bool cfg_is_known_sf_reference(const char *field)
{
    for (size_t i = 0; g_sf_references[i] != NULL; i++) {
        if (strcasecmp(g_sf_references[i], field) == 0)
            return true;
    }
    return false;
}

bool cfg_is_sf_system_field(const char *field)
{
    for (size_t i = 0; g_sf_system[i] != NULL; i++) {
        if (strcasecmp(g_sf_system[i], field) == 0)
            return true;
    }
    return false;
}

bool cfg_is_hs_system_property(const char *name)
{
    for (size_t i = 0; g_hs_system[i] != NULL; i++) {
        if (strcmp(g_hs_system[i], name) == 0)
            return true;
    }
    return false;
}

bool cfg_is_maintained_property(const char *name)
{
    for (size_t i = 0; i < NMAINTAINED; i++) {
        if (strcmp(g_maintained[i].name, name) == 0)
            return true;
    }
    return false;
}
