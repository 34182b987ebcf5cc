/* Private to the Salesforce connector (salesforce*.c): its struct, SOQL
 * building and paging, the conversion of Salesforce records into normalised
 * records, and the entry points each file gives the ops table. */
#ifndef CS_CONNECTOR_SALESFORCE_INT_H
#define CS_CONNECTOR_SALESFORCE_INT_H

#include "connector/connector_int.h"
#include "core/buf.h"

#define SF_COLLECTION_LIMIT      200    /* records of one sObject Collections call */
#define SF_COMPOSITE_COLLECTIONS 5      /* collections of one /composite call */
#define SF_IN_VALUES             200    /* values of one IN (...) list */
#define SF_RETRIEVE_MAX          2000   /* ids of one sObject Collections retrieve */
#define SF_SOQL_BUDGET           6000   /* bytes of SOQL per query, so the URL stays short */
#define SF_SOQL_MAX              100000 /* bytes of any SOQL text built here */
#define SF_MAX_PAGES             100000 /* query pages one listing follows */

typedef struct cs_sfc_conn {
    cs_connector base; /* first: a cs_connector * is an cs_sfc_conn * */
    char prefix[64];   /* "/services/data/v60.0" */
} cs_sfc_conn;

const char *cs_sfc_prefix(const cs_connector *c);

/* Appends "Id, SystemModstamp, LastModifiedDate, CreatedDate, <fields>" for
 * the object's selection (or every scalar field of its schema). */
int cs_sfc_select_list(cs_connector *c, const char *object, cs_buf *b, cs_err *err);
/* Appends a SOQL datetime literal for ms, floored to the second. */
int cs_sfc_datetime_literal(cs_buf *b, int64_t ms);
/* True when id looks like a Salesforce id (15 or 18 letters and digits). */
bool cs_sfc_id_ok(const char *id);

/* One query page: soql for the first page, or next (a nextRecordsUrl) for
 * the following ones; batch (200..2000, 0 for the API's default) sets
 * Sforce-Query-Options. *ans is the answer (caller decrefs). */
int cs_sfc_query_page(cs_connector *c, const char *soql, const char *next, size_t batch,
                      json_t **ans, cs_err *err);
/* Runs soql through all its pages (batch as cs_sfc_query_page), handing
 * each answer to fn (borrowed for the call). 0, or -1 when a page or fn
 * failed or the listing ran past SF_MAX_PAGES: err, prefixed with what
 * ("query of User"). */
typedef int (*cs_sfc_page_fn)(void *ud, const json_t *ans, cs_err *err);
int cs_sfc_query_pages(cs_connector *c, const char *what, const char *soql, size_t batch,
                       cs_sfc_page_fn fn, void *ud, cs_err *err);
/* Appends the records of a query page to out; *max_modstamp gets the latest
 * SystemModstamp (may be NULL). */
int cs_sfc_append_page(cs_connector *c, const char *object, const json_t *page, cs_record_list *out,
                       int64_t *max_modstamp, cs_err *err);

/* salesforce_scan.c */
int cs_sfc_scan_new(cs_connector *c, const cs_scan_options *o, cs_change_scan **out, cs_err *err);
/* The two phases of a scan: modified records, then deleted ones. */
int cs_sfc_scan_changes(cs_change_scan *s, cs_record_list *out, cs_err *err);
int cs_sfc_scan_deleted(cs_change_scan *s, cs_record_list *out, cs_err *err);
void cs_sfc_scan_dispose(cs_change_scan *s);
int cs_sfc_count_modified(cs_connector *c, const char *object, int64_t from_ms, int64_t to_ms,
                          int64_t *n, cs_err *err);

/* salesforce_index.c */
int cs_sfc_email_index(cs_connector *c, const char *object, cs_email_index_fn fn, void *ud,
                       cs_err *err);

/* salesforce_write.c */
int cs_sfc_write(cs_connector *c, const char *object, cs_write_kind kind, const cs_write_input *in,
                 size_t n, cs_write_result *res, cs_err *err);

#endif
