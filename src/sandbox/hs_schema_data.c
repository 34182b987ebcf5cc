/* The sandbox's built-in HubSpot schema: the contact and company properties a
 * new portal has (HubSpot's standard internal names, types and field types),
 * plus the ones crmsync's default mappings need that a portal gets only when
 * an admin creates them (leadsource, rating, description) and the
 * salesforce* properties the sync maintains on contacts, and the read-only
 * default properties every record carries that connectors filter and sort
 * on (hs_lastmodifieddate and hs_createdate beside the older names,
 * hs_all_owner_ids, the *_by_user_id and hs_object_source* properties; the
 * values are derived in hs_records.c).
 *
 * Deliberate choices: annualrevenue, numemployees and numberofemployees are
 * numbers, and industry is free text, so that the default mappings to
 * Salesforce's numeric and picklist fields type-check; leadsource and rating
 * carry Salesforce's standard picklist values. */
#include <stdio.h>
#include <string.h>

#include "sandbox/hs_int.h"

enum {
    BP_READONLY = 1 << 0,   /* modificationMetadata.readOnlyValue */
    BP_CALCULATED = 1 << 1, /* calculated by HubSpot */
    BP_CUSTOM = 1 << 2,     /* not hubspotDefined (created in the portal) */
    BP_EXTERNAL = 1 << 3,   /* options live elsewhere (owners) */
    BP_HIDDEN = 1 << 4,
};

typedef struct builtin_prop {
    const char *name, *label, *type, *field_type, *group;
    unsigned flags;
    const char *options; /* "value=Label|value=Label", or NULL */
} builtin_prop;

#define LEAD_STATUS_OPTIONS                                                                        \
    "NEW=New|OPEN=Open|IN_PROGRESS=In Progress|OPEN_DEAL=Open Deal|UNQUALIFIED=Unqualified|"       \
    "ATTEMPTED_TO_CONTACT=Attempted to Contact|CONNECTED=Connected|BAD_TIMING=Bad Timing"
#define LIFECYCLE_OPTIONS                                                                          \
    "subscriber=Subscriber|lead=Lead|marketingqualifiedlead=Marketing Qualified Lead|"             \
    "salesqualifiedlead=Sales Qualified Lead|opportunity=Opportunity|customer=Customer|"           \
    "evangelist=Evangelist|other=Other"

#define OBJECT_SOURCE_OPTIONS                                                                      \
    "CRM_UI=CRM UI|IMPORT=Import|INTEGRATION=Integration|API=API|FORM=Form|WORKFLOWS=Workflows|"   \
    "SALES=Sales|MIGRATION=Migration|UNKNOWN=Unknown"

static const builtin_prop contact_props[] = {
    {"email", "Email", "string", "text", "contactinformation", 0, NULL},
    {"firstname", "First Name", "string", "text", "contactinformation", 0, NULL},
    {"lastname", "Last Name", "string", "text", "contactinformation", 0, NULL},
    {"salutation", "Salutation", "string", "text", "contactinformation", 0, NULL},
    {"jobtitle", "Job Title", "string", "text", "contactinformation", 0, NULL},
    {"phone", "Phone Number", "string", "phonenumber", "contactinformation", 0, NULL},
    {"mobilephone", "Mobile Phone Number", "string", "phonenumber", "contactinformation", 0, NULL},
    {"fax", "Fax Number", "string", "text", "contactinformation", 0, NULL},
    {"company", "Company Name", "string", "text", "contactinformation", 0, NULL},
    {"website", "Website URL", "string", "text", "contactinformation", 0, NULL},
    {"industry", "Industry", "string", "text", "contactinformation", 0, NULL},
    {"annualrevenue", "Annual Revenue", "number", "number", "contactinformation", 0, NULL},
    {"numemployees", "Number of Employees", "number", "number", "contactinformation", 0, NULL},
    {"address", "Street Address", "string", "text", "contactinformation", 0, NULL},
    {"city", "City", "string", "text", "contactinformation", 0, NULL},
    {"state", "State/Region", "string", "text", "contactinformation", 0, NULL},
    {"zip", "Postal Code", "string", "text", "contactinformation", 0, NULL},
    {"country", "Country/Region", "string", "text", "contactinformation", 0, NULL},
    {"hs_lead_status", "Lead Status", "enumeration", "radio", "sales_properties", 0,
     LEAD_STATUS_OPTIONS},
    {"lifecyclestage", "Lifecycle Stage", "enumeration", "radio", "contactinformation", 0,
     LIFECYCLE_OPTIONS},
    {"hubspot_owner_id", "Contact owner", "enumeration", "select", "sales_properties", BP_EXTERNAL,
     NULL},
    {"hs_email_optout", "Unsubscribed from all email", "bool", "booleancheckbox",
     "emailinformation", BP_READONLY, "true=True|false=False"},
    {"leadsource", "Lead Source", "enumeration", "select", "contactinformation", BP_CUSTOM,
     "Web=Web|Phone Inquiry=Phone Inquiry|Partner Referral=Partner Referral|"
     "Purchased List=Purchased List|Other=Other"},
    {"rating", "Rating", "enumeration", "select", "contactinformation", BP_CUSTOM,
     "Hot=Hot|Warm=Warm|Cold=Cold"},
    {"description", "Description", "string", "textarea", "contactinformation", BP_CUSTOM, NULL},
    {"salesforceleadid", "Salesforce Lead ID", "string", "text", "salesforceinformation", 0, NULL},
    {"salesforcecontactid", "Salesforce Contact ID", "string", "text", "salesforceinformation", 0,
     NULL},
    {"salesforceaccountid", "Salesforce Account ID", "string", "text", "salesforceinformation", 0,
     NULL},
    {"salesforcecampaignids", "Salesforce Campaigns", "string", "text", "salesforceinformation", 0,
     NULL},
    {"salesforcelastsynctime", "Last Salesforce Sync Time", "datetime", "date",
     "salesforceinformation", 0, NULL},
    /* The primary company's id, kept by HubSpot (hs_assoc.c). */
    {"associatedcompanyid", "Primary Associated Company ID", "number", "number",
     "contactinformation", BP_READONLY, NULL},
    {"createdate", "Create Date", "datetime", "date", "contactinformation", BP_READONLY, NULL},
    {"lastmodifieddate", "Last Modified Date", "datetime", "date", "contactinformation",
     BP_READONLY | BP_CALCULATED, NULL},
    {"hs_object_id", "Record ID", "number", "number", "contactinformation",
     BP_READONLY | BP_CALCULATED, NULL},
    {"hs_lastmodifieddate", "Object last modified date/time", "datetime", "date",
     "contactinformation", BP_READONLY | BP_CALCULATED, NULL},
    {"hs_createdate", "Object create date/time", "datetime", "date", "contactinformation",
     BP_READONLY, NULL},
    {"hs_all_owner_ids", "All owner IDs", "enumeration", "checkbox", "contactinformation",
     BP_READONLY | BP_CALCULATED | BP_EXTERNAL, NULL},
    {"hs_created_by_user_id", "Created by user ID", "number", "number", "contactinformation",
     BP_READONLY, NULL},
    {"hs_updated_by_user_id", "Updated by user ID", "number", "number", "contactinformation",
     BP_READONLY, NULL},
    {"hs_object_source", "Record source", "string", "text", "contactinformation", BP_READONLY,
     NULL},
    {"hs_object_source_label", "Record source", "enumeration", "select", "contactinformation",
     BP_READONLY, OBJECT_SOURCE_OPTIONS},
    {"hs_object_source_id", "Record source detail 2", "string", "text", "contactinformation",
     BP_READONLY, NULL},
    {"hs_object_source_detail_1", "Record source detail 1", "string", "text", "contactinformation",
     BP_READONLY, NULL},
    {"hs_object_source_user_id", "Record source user ID", "number", "number", "contactinformation",
     BP_READONLY, NULL},
};

static const builtin_prop company_props[] = {
    {"name", "Company name", "string", "text", "companyinformation", 0, NULL},
    {"domain", "Company Domain Name", "string", "text", "companyinformation", 0, NULL},
    {"website", "Website URL", "string", "text", "companyinformation", 0, NULL},
    {"phone", "Phone Number", "string", "phonenumber", "companyinformation", 0, NULL},
    {"industry", "Industry", "string", "text", "companyinformation", 0, NULL},
    {"annualrevenue", "Annual Revenue", "number", "number", "companyinformation", 0, NULL},
    {"numberofemployees", "Number of Employees", "number", "number", "companyinformation", 0, NULL},
    {"address", "Street Address", "string", "text", "companyinformation", 0, NULL},
    {"city", "City", "string", "text", "companyinformation", 0, NULL},
    {"state", "State/Region", "string", "text", "companyinformation", 0, NULL},
    {"zip", "Postal Code", "string", "text", "companyinformation", 0, NULL},
    {"country", "Country/Region", "string", "text", "companyinformation", 0, NULL},
    {"description", "Description", "string", "textarea", "companyinformation", 0, NULL},
    {"lifecyclestage", "Lifecycle Stage", "enumeration", "radio", "companyinformation", 0,
     LIFECYCLE_OPTIONS},
    {"hubspot_owner_id", "Company owner", "enumeration", "select", "companyinformation",
     BP_EXTERNAL, NULL},
    {"salesforceaccountid", "Salesforce Account ID", "string", "text", "salesforceinformation", 0,
     NULL},
    {"createdate", "Create Date", "datetime", "date", "companyinformation", BP_READONLY, NULL},
    {"hs_lastmodifieddate", "Last Modified Date", "datetime", "date", "companyinformation",
     BP_READONLY | BP_CALCULATED, NULL},
    {"hs_object_id", "Record ID", "number", "number", "companyinformation",
     BP_READONLY | BP_CALCULATED, NULL},
    {"hs_createdate", "Object create date/time", "datetime", "date", "companyinformation",
     BP_READONLY, NULL},
    {"hs_all_owner_ids", "All owner IDs", "enumeration", "checkbox", "companyinformation",
     BP_READONLY | BP_CALCULATED | BP_EXTERNAL, NULL},
    {"hs_created_by_user_id", "Created by user ID", "number", "number", "companyinformation",
     BP_READONLY, NULL},
    {"hs_updated_by_user_id", "Updated by user ID", "number", "number", "companyinformation",
     BP_READONLY, NULL},
    {"hs_object_source", "Record source", "string", "text", "companyinformation", BP_READONLY,
     NULL},
    {"hs_object_source_label", "Record source", "enumeration", "select", "companyinformation",
     BP_READONLY, OBJECT_SOURCE_OPTIONS},
    {"hs_object_source_id", "Record source detail 2", "string", "text", "companyinformation",
     BP_READONLY, NULL},
    {"hs_object_source_detail_1", "Record source detail 1", "string", "text", "companyinformation",
     BP_READONLY, NULL},
    {"hs_object_source_user_id", "Record source user ID", "number", "number", "companyinformation",
     BP_READONLY, NULL},
};

/* Server properties every custom object gets. */
static const builtin_prop custom_props[] = {
    {"hs_createdate", "Object create date/time", "datetime", "date", "", BP_READONLY, NULL},
    {"hs_lastmodifieddate", "Object last modified date/time", "datetime", "date", "",
     BP_READONLY | BP_CALCULATED, NULL},
    {"hs_object_id", "Record ID", "number", "number", "", BP_READONLY | BP_CALCULATED, NULL},
};

static json_t *options_json(const char *spec)
{
    json_t *arr = json_array();
    if (spec == NULL)
        return arr;
    int order = 0;
    for (const char *p = spec; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq != NULL) {
            json_t *o = json_object();
            json_object_set_new(o, "label", json_stringn(eq + 1, len - (size_t)(eq + 1 - p)));
            json_object_set_new(o, "value", json_stringn(p, (size_t)(eq - p)));
            json_object_set_new(o, "displayOrder", json_integer(order++));
            json_object_set_new(o, "hidden", json_false());
            json_array_append_new(arr, o);
        }
        p += len;
        if (*p == '|')
            p++;
    }
    return arr;
}

static json_t *builtin_json(const builtin_prop *p, int order, int64_t now_ms)
{
    char when[CS_TIME_TEXT_MAX];
    cs_time_format_hubspot(now_ms, when);
    bool ro = (p->flags & BP_READONLY) != 0;
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:i,s:b,s:b,s:b,s:b,s:b,s:{s:b,s:b,s:b},s:b,s:s,s:s,s:b}",
        "name", p->name, "label", p->label, "type", p->type, "fieldType", p->field_type,
        "description", "", "groupName", p->group, "options", options_json(p->options),
        "displayOrder", order, "calculated", (p->flags & BP_CALCULATED) != 0, "externalOptions",
        (p->flags & BP_EXTERNAL) != 0, "hasUniqueValue", 0, "hidden", (p->flags & BP_HIDDEN) != 0,
        "hubspotDefined", (p->flags & BP_CUSTOM) == 0, "modificationMetadata", "archivable",
        (p->flags & BP_CUSTOM) != 0, "readOnlyDefinition", (p->flags & BP_CUSTOM) == 0,
        "readOnlyValue", ro, "formField", !ro, "createdAt", when, "updatedAt", when, "archived", 0);
}

json_t *hs_builtin_props(const char *type_id, int64_t now_ms)
{
    const builtin_prop *list = custom_props;
    size_t n = sizeof custom_props / sizeof custom_props[0];
    if (strcmp(type_id, HS_CONTACTS) == 0) {
        list = contact_props;
        n = sizeof contact_props / sizeof contact_props[0];
    } else if (strcmp(type_id, HS_COMPANIES) == 0) {
        list = company_props;
        n = sizeof company_props / sizeof company_props[0];
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, builtin_json(&list[i], (int)i, now_ms));
    return arr;
}
