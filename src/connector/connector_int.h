/* For implementers of connector.h (hubspot*.c, salesforce*.c) and for the
 * module's own tests: the base struct every connector embeds as its first
 * member, the table of operations it fills, the scan base struct, and the
 * shared helpers (HTTP calls that count API usage, the schema cache, cursor
 * texts, R9 error categories). Nothing outside src/connector/ includes this. */
#ifndef CS_CONNECTOR_CONNECTOR_INT_H
#define CS_CONNECTOR_CONNECTOR_INT_H

#include "connector/connector.h"
#include "net/net.h"

#define CS_CONN_MAX_OBJECTS 16 /* objects whose schema one connector caches */

typedef struct cs_connector_ops {
    const char *name; /* "hubspot", "salesforce" */
    cs_connector_kind kind;
    size_t batch_limit; /* what the API allows per write group (a batch, a collection) */
    /* Groups one write call may carry (Salesforce /composite: 5 collections);
     * 0 counts as 1. */
    size_t groups_per_call;
    /* frees what the implementation added; the base is freed by connector.c */
    void (*dispose)(cs_connector *c);
    int (*fetch_schema)(cs_connector *c, const char *object, cs_object_schema **out, cs_err *err);
    int (*scan_new)(cs_connector *c, const cs_scan_options *o, cs_change_scan **out, cs_err *err);
    /* A scan runs in two phases, each called until it sets its flag in the
     * base: the modified records, then (include_deleted) the deleted ones. */
    int (*scan_changes)(cs_change_scan *s, cs_record_list *out, cs_err *err);
    int (*scan_deleted)(cs_change_scan *s, cs_record_list *out, cs_err *err);
    void (*scan_dispose)(cs_change_scan *s);
    /* cs_connector_count_modified */
    int (*count_modified)(cs_connector *c, const char *object, int64_t from_ms, int64_t to_ms,
                          int64_t *n, cs_err *err);
    int (*read)(cs_connector *c, const char *object, const char *const *ids, size_t n,
                cs_record_list *out, cs_err *err);
    int (*find_by_email)(cs_connector *c, const char *object, const char *const *emails, size_t n,
                         cs_record_list *out, cs_err *err);
    int (*email_index)(cs_connector *c, const char *object, cs_email_index_fn fn, void *ud,
                       cs_err *err); /* NULL: not offered */
    int (*users)(cs_connector *c, cs_record_list *out, cs_err *err);
    int (*list_members)(cs_connector *c, const char *list_id, json_t *ids, cs_err *err);
    int (*campaigns)(cs_connector *c, const char *const *ids, size_t n, json_t *out, cs_err *err);
    /* n <= batch_max; results pre-set to NOT_SENT */
    int (*write)(cs_connector *c, const char *object, cs_write_kind kind, const cs_write_input *in,
                 size_t n, cs_write_result *res, cs_err *err);
    int (*assoc_read)(cs_connector *c, const char *from, const char *to, const char *const *ids,
                      size_t n, json_t *out, cs_err *err);
    int (*assoc_write)(cs_connector *c, const char *from, const char *to, const cs_assoc_input *in,
                       size_t n, cs_write_result *res, cs_err *err);
    /* out[id] pre-set to []: the ids of child records whose field names id */
    int (*children_read)(cs_connector *c, const char *child, const char *field,
                         const char *const *ids, size_t n, json_t *out, cs_err *err);
    /* out[id] pre-set to null: the primary association's id, if any */
    int (*assoc_primary)(cs_connector *c, const char *from, const char *to, const char *const *ids,
                         size_t n, json_t *out, cs_err *err);
} cs_connector_ops;

typedef struct cs_conn_object {
    char *name;
    cs_object_schema *schema; /* NULL until fetched */
    char **selected;          /* canonical names; NULL: the default selection */
    size_t nselected;
    bool has_selection;
} cs_conn_object;

struct cs_connector {
    const cs_connector_ops *ops;
    cs_http_client *http;
    char *token; /* static token, or NULL */
    cs_connector_token_fn token_cb;
    cs_connector_refresh_fn refresh_cb;
    void *auth_ud;
    size_t batch_max; /* inputs per write call: group_max * groups_per_call */
    size_t group_max; /* inputs per write group */
    cs_conn_object objects[CS_CONN_MAX_OBJECTS];
    size_t nobjects;
    uint64_t read_calls, write_calls, records_written;
    cs_connector_guard_fn guard; /* asked before every call; NULL: none */
    void *guard_ud;
};

/* Every scan embeds this as its first member. */
struct cs_change_scan {
    cs_connector *conn;
    char *object;
    int64_t since_ms;   /* modifications at or after this are read (cursor - overlap) */
    int64_t cursor_ms;  /* latest modification returned so far; -1: none yet */
    int64_t deleted_ms; /* Salesforce: deletions read up to here; -1: never */
    int64_t deleted_since_ms;
    int64_t overlap_ms;
    int64_t until_ms; /* > 0: only modifications before this (a window scan) */
    size_t page_size;
    bool include_deleted;
    bool changes_done; /* the phase of modified records is over */
    bool deleted_done; /* the phase of deletions is over (or not asked for) */
    bool done;
    size_t count;
    char cursor[CS_CONNECTOR_CURSOR_MAX];
};

/* Fills the base: copies the options, creates the HTTP client. */
int cs_conn_init(cs_connector *c, const cs_connector_ops *ops, const cs_connector_options *o,
                 cs_err *err);
/* Fills the scan base from the options (parses the cursor). On failure the
 * base holds nothing to free. */
int cs_conn_scan_init(cs_change_scan *s, cs_connector *c, const cs_scan_options *o, cs_err *err);
/* Records one more returned modification time in the scan's cursor. */
void cs_conn_scan_note(cs_change_scan *s, int64_t modified_ms);

/* Moves r into out when fill_rc (the result of filling r) is 0; otherwise,
 * or when the list cannot grow, disposes r and returns an out-of-memory
 * error. */
int cs_conn_push(cs_record_list *out, cs_record *r, int fill_rc, cs_err *err);
/* The JSON body of an answer that refused a call (an empty object when the
 * body is not JSON). New reference, or NULL when memory ran out. */
json_t *cs_conn_error_body(const cs_http_response *resp);

/* One API call with a JSON body and answer (see cs_http_request_json), counted
 * as a read or a write (R6). */
int cs_conn_call(cs_connector *c, bool write, const cs_http_request *req, const json_t *body,
                 json_t **out, cs_http_response *resp, cs_err *err);

/* The cached entry of an object, created when missing (NULL when the cache is
 * full or memory ran out). */
cs_conn_object *cs_conn_object_get(cs_connector *c, const char *object, cs_err *err);
/* The schema of an object, fetched when not cached yet. Borrowed. */
const cs_object_schema *cs_conn_schema(cs_connector *c, const char *object, cs_err *err);

/* ---- cursors (cursor.c) ---------------------------------------------------- */

/* "cs1:<side>:<modified ms>[:<deleted ms>]", side "hs" or "sf"; -1 leaves a
 * part empty. */
int cs_cursor_format(cs_connector_kind kind, int64_t modified_ms, int64_t deleted_ms,
                     char out[CS_CONNECTOR_CURSOR_MAX]);
/* NULL or "" gives -1 for both parts. */
int cs_cursor_parse(const char *text, cs_connector_kind kind, int64_t *modified_ms,
                    int64_t *deleted_ms, cs_err *err);

/* ---- R9 categories (errors.c) -------------------------------------------- */

/* A Salesforce error code (errorCode / statusCode) to its R9 category. */
cs_category cs_conn_category_salesforce(const char *code);
/* A HubSpot error (HTTP status, category, the inner error code when the
 * message carries validation results) to its R9 category. */
cs_category cs_conn_category_hubspot(long status, const char *category, const char *inner_error);
/* A call-level failure (auth, API limits, network) to the category its
 * records get. */
cs_category cs_conn_category_for_err(cs_err_category c);

/* Fills r as refused with the category, code, fields and message (each
 * truncated to fit). */
void cs_write_result_refuse(cs_write_result *r, cs_category cat, const char *code,
                            const char *fields, const char *message);
void cs_write_result_ok(cs_write_result *r, const char *id, bool created);

/* Parses "Contact already exists. Existing ID: 123" (HubSpot 409); returns
 * true and copies the id. */
bool cs_hubspot_existing_id(const char *message, char *id, size_t id_size);

#endif
