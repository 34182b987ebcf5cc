/* The sample data of `crmsync demo`, created through the sandbox's APIs the
 * way an admin's existing data would be there: HubSpot contacts, Salesforce
 * Leads and Contacts with overlapping emails (some on both sides with
 * different values, some on a Lead and a Contact at once), a custom field
 * (a restricted picklist defined through the sandbox admin route, and its
 * HubSpot property), and a few records that cannot sync as they are. */
#ifndef CS_CLI_DEMO_DATA_H
#define CS_CLI_DEMO_DATA_H

#include <stddef.h>

#include "connector/connector.h"
#include "core/err.h"

typedef struct cs_demo_counts {
    size_t hs_contacts;      /* HubSpot contacts created */
    size_t sf_leads;         /* Salesforce Leads created */
    size_t sf_contacts;      /* Salesforce Contacts created */
    size_t both_sides;       /* emails on both sides before the first sync */
    size_t lead_and_contact; /* emails on a Lead and a Contact (C5) */
    size_t bad;              /* records made to fail or be skipped */
    /* A1, A2: the Account created with its Contacts (companies: on). */
    char account_id[CS_CONNECTOR_ID_MAX];
    size_t account_contacts;
} cs_demo_counts;

/* The demo's Account and how many Contacts it has. */
#define CS_DEMO_ACCOUNT          "Globex Corporation"
#define CS_DEMO_ACCOUNT_CONTACTS 3

/* The custom mapping the demo configures: HubSpot favorite_color ⇄ the
 * restricted picklist Favorite_Color__c on Lead and Contact (C7, C8). */
#define CS_DEMO_HS_COLOR "favorite_color"
#define CS_DEMO_SF_COLOR "Favorite_Color__c"

/* Creates about n records per side through the APIs at hs_url and sf_url
 * (bearer token). Fills *out. */
int cs_demo_seed(const char *hs_url, const char *sf_url, const char *token, size_t n,
                 cs_demo_counts *out, cs_err *err);

#endif
