/* What the halves of `crmsync verify` share inside the engine: appending
 * items to a report (verify_diff.c) and the companies ⇄ Accounts comparison
 * (verify_companies.c), which cs_verify_run calls when companies: is on. */
#ifndef CS_ENGINE_VERIFY_INT_H
#define CS_ENGINE_VERIFY_INT_H

#include "engine/verify.h"

/* Appends an item (strings copied). Returns it, or NULL when memory ran out. */
cs_verify_item *verify_add_item(cs_verify_report *r, cs_verify_kind kind, const char *email,
                                const char *hs_id, const char *sf_type, const char *sf_id,
                                const char *detail, const char *open_error);
/* Appends one differing field to it. 0 or -1 (out of memory). */
int verify_add_diff(cs_verify_item *it, const char *hs, const char *sf, const char *hv,
                    const char *sv);

typedef struct verify_companies_input {
    const cs_config *config;
    const cs_record_list *companies; /* every HS company */
    const cs_record_list *accounts;  /* every SF Account */
    const cs_verify_link *links;     /* company links */
    size_t nlinks;
    const cs_record_list *hs_owners; /* may be NULL */
    const cs_record_list *sf_users;  /* may be NULL */
    const json_t *open_errors;       /* record id → open error message; may be NULL */
    /* A2: the contact links to SF Contacts, every SF Contact (with
     * AccountId) and, for each HS contact of those links, its primary
     * company id (JSON null: none). */
    const cs_verify_link *contact_links;
    size_t ncontact_links;
    const cs_record_list *sf_contacts;
    const json_t *primary;
} verify_companies_input;

/* Adds the companies' items to r and its company counts. 0 or -1 (out of
 * memory). */
int verify_companies_compare(const verify_companies_input *in, cs_verify_report *r);

#endif
