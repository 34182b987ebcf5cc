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
    cs_connector base;       /* first: a cs_connector * is an cs_sfc_conn * */
    char prefix[64];         /* "/services/data/v60.0" */
    size_t bulk_threshold;   /* full reads above it use Bulk API 2.0; 0: never */
    cs_bulk_job_fn bulk_job; /* ingest jobs' journal; NULL: none */
    void *bulk_ud;
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

/* A query record (the JSON of a REST page, or a CSV row made into one) to a
 * normalised record through the object's schema. */
int cs_sfc_record_from_json(cs_connector *c, const char *object, const json_t *obj, cs_record *out,
                            cs_err *err);

/* salesforce_bulk.c: Bulk API 2.0 jobs */
typedef struct cs_sfc_bulk_query cs_sfc_bulk_query;
/* Records of object matching soql above the threshold: *out is a query job
 * (created and finished) when SELECT COUNT() ... count_where (may be "")
 * says more than the threshold, else NULL (read through REST). */
int cs_sfc_bulk_query_maybe(cs_connector *c, const char *object, const char *soql,
                            const char *count_where, cs_sfc_bulk_query **out, cs_err *err);
/* The next rows of the job's result, at most max, each as a JSON object
 * column -> string, null for an empty cell (handed to fn); *done once the
 * last page is read. */
typedef int (*cs_sfc_row_fn)(void *ud, const json_t *row, cs_err *err);
int cs_sfc_bulk_query_next(cs_sfc_bulk_query *q, size_t max, cs_sfc_row_fn fn, void *ud, bool *done,
                           cs_err *err);
void cs_sfc_bulk_query_free(cs_sfc_bulk_query *q);
/* One call about a job with a CSV body or answer, guarded and counted like
 * cs_conn_call. */
int cs_sfc_bulk_raw(cs_connector *c, bool write, const cs_http_request *req, cs_http_response *resp,
                    cs_err *err);
/* Polls a job (ingest or query) until it leaves Open/UploadComplete/InProgress,
 * with backoff; *info is its last job info (caller decrefs). */
int cs_sfc_bulk_wait(cs_connector *c, bool ingest, const char *id, json_t **info, cs_err *err);

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

/* salesforce_bulk_write.c */
int cs_sfc_write_bulk(cs_connector *c, const char *object, cs_write_kind kind,
                      const cs_write_input *in, size_t n, cs_write_result *res, cs_err *err);
int cs_sfc_bulk_settle(cs_connector *c, const char *job_id, cs_err *err);

/* salesforce_write.c */
/* One input as a record of Salesforce's JSON ({"attributes", "id" for an
 * update, field -> typed value}); NULL with res refused when a field does
 * not exist, cannot be written this way or its value does not fit (or
 * memory ran out, res untouched). */
json_t *cs_sfc_prepare(cs_connector *c, const char *object, const cs_object_schema *s,
                       cs_write_kind kind, const cs_write_input *in, cs_write_result *res);
int cs_sfc_write(cs_connector *c, const char *object, cs_write_kind kind, const cs_write_input *in,
                 size_t n, cs_write_result *res, cs_err *err);

#endif
