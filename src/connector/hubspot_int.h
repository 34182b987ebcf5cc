/* Private to the HubSpot connector (hubspot*.c): its struct, the shared
 * helpers that turn HubSpot objects into normalised records, and the entry
 * points each file provides to the ops table in hubspot.c. */
#ifndef CS_CONNECTOR_HUBSPOT_INT_H
#define CS_CONNECTOR_HUBSPOT_INT_H

#include "connector/connector_int.h"

#define HS_BATCH_LIMIT  100    /* inputs of a CRM batch call */
#define HS_SEARCH_LIMIT 200    /* results of one search page */
#define HS_SEARCH_CAP   10000  /* results one search query can page through */
#define HS_LIST_LIMIT   100    /* owners, list memberships per page */
#define HS_MAX_PAGES    100000 /* pages one listing follows before giving up */

typedef struct cs_hsc_conn {
    cs_connector base;     /* first: a cs_connector * is an cs_hsc_conn * */
    json_t *subscriptions; /* ids of the email subscription types, fetched once (C10) */
} cs_hsc_conn;

/* The property holding the last modification time: "lastmodifieddate" on
 * contacts, "hs_lastmodifieddate" on every other object. */
const char *cs_hsc_modprop(const char *object);

/* An id HubSpot sends as a string or as a number, as text: the string
 * itself, or the number written into buf; NULL for anything else. */
const char *cs_hsc_id_text(const json_t *id, char buf[32]);

/* The properties to ask for (a new JSON array: the selection plus the
 * modification and creation dates), or NULL for HubSpot's defaults. */
json_t *cs_hsc_properties_json(cs_connector *c, const char *object, cs_err *err);

/* A SimplePublicObject to a record with normalised values. Only the selected
 * properties are kept when the object has a selection. */
int cs_hsc_record_from_json(cs_connector *c, const char *object, const json_t *obj, cs_record *out,
                            cs_err *err);

/* hubspot_scan.c */
int cs_hsc_scan_new(cs_connector *c, const cs_scan_options *o, cs_change_scan **out, cs_err *err);
/* The two phases of a scan: modified records, then archived ones. */
int cs_hsc_scan_changes(cs_change_scan *s, cs_record_list *out, cs_err *err);
int cs_hsc_scan_deleted(cs_change_scan *s, cs_record_list *out, cs_err *err);
void cs_hsc_scan_dispose(cs_change_scan *s);
int cs_hsc_count_modified(cs_connector *c, const char *object, int64_t from_ms, int64_t to_ms,
                          int64_t *n, cs_err *err);

/* hubspot_write.c */
int cs_hsc_write(cs_connector *c, const char *object, cs_write_kind kind, const cs_write_input *in,
                 size_t n, cs_write_result *res, cs_err *err);

/* hubspot_prefs.c: C10, unsubscribes each email from every subscription type.
 * One result per email (OK, or REFUSED with the API's message). */
int cs_hsc_unsubscribe(cs_connector *c, const char *const *emails, size_t n, cs_write_result *res,
                       cs_err *err);

#endif
