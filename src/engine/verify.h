/* `crmsync verify`: do both sides agree under the mapping?
 * (With companies: on, also companies ⇄ Accounts: verify_companies.c.)
 *
 * Reads every HubSpot contact and every Salesforce Lead and Contact in full
 * (not from the cursors), the links and the open errors of the store, and
 * lists:
 *   - every linked pair whose mapped fields differ, field by field, once the
 *     mapping's rules are applied (dont_sync rows are not compared; always_sf
 *     with a blank SF value and always_hs with a blank HS value legitimately
 *     differ; the C13 placeholder counts as blank; the owner row compares the
 *     owners' emails (C17); the opt-out compares as a checkbox (C10); emails
 *     compare through their dedup key (C5); a mapping with a value map
 *     compares through it, in HubSpot's terms, as the plan does (R3));
 *   - every linked record that no longer exists, and every pair still linked
 *     to a converted Lead (C14);
 *   - every pair that should be linked but is not: an HS contact and an SF
 *     Lead/Contact with the same email and no link (C5);
 *   - every record with an email that has no counterpart at all (when the
 *     settings say it should have one: no inclusion list for HS contacts,
 *     on_salesforce_change create_or_update for SF records, C2, C3), two
 *     HS contacts with the same email, and two open (not converted) SF Leads
 *     or two SF Contacts with the same email (C5: the sync never makes
 *     either; a Lead and a Contact with one email are allowed, the Contact is
 *     preferred). Duplicates count even when a record has an open error: a
 *     "Duplicates" error does not make them go away.
 * A difference that involves a record with an open sync error (R4) is listed
 * as explained by that error and does not count as a divergence: `crmsync
 * errors` already reports it.
 *
 * The comparison (cs_verify_compare) is pure, so unit tests drive it with no
 * server; cs_verify_run does the reading. */
#ifndef CS_ENGINE_VERIFY_H
#define CS_ENGINE_VERIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "connector/connector.h"
#include "core/err.h"
#include "core/record.h"
#include "store/store.h"

typedef enum cs_verify_kind {
    CS_VERIFY_FIELDS = 0,  /* a linked pair whose mapped fields differ */
    CS_VERIFY_UNLINKED,    /* same email on both sides, no link (C5) */
    CS_VERIFY_GONE,        /* a linked record was not found on its side */
    CS_VERIFY_CONVERTED,   /* linked to a converted Lead; the link has not moved (C14) */
    CS_VERIFY_NOT_IN_SF,   /* an HS contact with an email and no SF counterpart */
    CS_VERIFY_NOT_IN_HS,   /* an SF Lead/Contact with an email and no HS counterpart */
    CS_VERIFY_DUPLICATE,   /* several HS contacts with one email (C5) */
    CS_VERIFY_SF_DUPLICATE /* several SF Leads, or several SF Contacts, with one email (C5) */
} cs_verify_kind;

/* "fields", "unlinked", ... */
const char *cs_verify_kind_name(cs_verify_kind kind);

typedef struct cs_verify_diff {
    char *hs_property;
    char *sf_field;
    char *hs_value; /* NULL: blank */
    char *sf_value;
} cs_verify_diff;

typedef struct cs_verify_item {
    cs_verify_kind kind;
    char *email;   /* or NULL */
    char *hs_id;   /* or NULL */
    char *sf_type; /* "Lead" / "Contact", or NULL */
    char *sf_id;   /* or NULL */
    cs_verify_diff *diffs;
    size_t ndiffs;
    char *detail;     /* one sentence for people */
    char *open_error; /* the open sync error that explains it, or NULL */
} cs_verify_item;

typedef struct cs_verify_report {
    cs_verify_item *items;
    size_t count;
    size_t cap;
    size_t divergences; /* items without an open error */
    size_t explained;   /* items explained by an open error */
    uint64_t hs_records, sf_leads, sf_contacts, links;
    uint64_t pairs_compared, fields_compared;
    /* companies: on: HS companies and SF Accounts read, their links, and
     * the Contacts whose AccountId was compared with their primary company
     * (A2). */
    bool companies;
    uint64_t hs_companies, sf_accounts, company_links, parents_compared;
} cs_verify_report;

/* Accepts NULL. */
void cs_verify_report_free(cs_verify_report *r);

/* ---- the pure comparison ------------------------------------------------------- */

typedef struct cs_verify_link {
    const char *hs_id;
    const char *sf_type;
    const char *sf_id;
} cs_verify_link;

typedef struct cs_verify_input {
    const cs_config *config;
    const cs_record_list *hubspot;  /* HS contacts (type "contacts") */
    const cs_record_list *leads;    /* SF Leads, with Email, IsConverted, ConvertedContactId */
    const cs_record_list *contacts; /* SF Contacts */
    const cs_verify_link *links;
    size_t nlinks;
    const cs_record_list *hs_owners; /* cs_connector_users() of HubSpot; may be NULL */
    const cs_record_list *sf_users;  /* cs_connector_users() of Salesforce; may be NULL */
    /* Record id (HS or SF) → the message of its open sync error; may be NULL. */
    const json_t *open_errors;
} cs_verify_input;

/* Compares. On success *out is the report (cs_verify_report_free()). */
int cs_verify_compare(const cs_verify_input *in, cs_verify_report **out, cs_err *err);

/* ---- reading both sides ------------------------------------------------------------ */

typedef struct cs_verify_options {
    const cs_config *config;  /* borrowed */
    cs_store *store;          /* borrowed */
    cs_connector *hubspot;    /* borrowed */
    cs_connector *salesforce; /* borrowed */
} cs_verify_options;

/* Reads both sides in full, the links and the open errors, and compares. */
int cs_verify_run(const cs_verify_options *opts, cs_verify_report **out, cs_err *err);

/* Prints at most max_items items (0: all) and a result line to f. */
void cs_verify_print(const cs_verify_report *r, FILE *f, size_t max_items);

#endif
