/* Email addresses as HubSpot accepts them for a contact's email property:
 * one unquoted local part and a host name whose top-level domain exists.
 * The table of top-level domains is generated at build time from the Public
 * Suffix List (tools/gen_tlds.c), so nothing is read at run time. */
#ifndef CS_SANDBOX_HS_EMAIL_H
#define CS_SANDBOX_HS_EMAIL_H

#include <stdbool.h>
#include <stddef.h>

#define HS_EMAIL_MAX       254 /* whole address */
#define HS_EMAIL_LOCAL_MAX 64
#define HS_EMAIL_LABEL_MAX 63

/* The top-level domains, lower case, ASCII (punycode "xn--" for IDNs),
 * sorted by strcmp (generated). */
extern const char *const hs_tlds[];
extern const size_t hs_ntlds;

/* True when the len bytes at label name a top-level domain (any case). */
bool hs_tld_known(const char *label, size_t len);

/* True when HubSpot would take email as a contact's address. Otherwise
 * false, with why (may be NULL) saying what is wrong and where. */
bool hs_email_valid(const char *email, char *why, size_t why_size);

#endif
