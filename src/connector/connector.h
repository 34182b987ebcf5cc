/* The connector interface: what the engine asks of a CRM, whichever CRM it is.
 *
 * A cs_connector is an opaque handle over one API (HubSpot's CRM v3 API or
 * Salesforce's REST API). hubspot*.c and salesforce*.c implement the table of
 * connector_int.h; the functions below check their arguments and dispatch.
 * The engine sees only this header: no libcurl, no JSON shapes of either API.
 *
 * Values are normalised at the edge (value.h): every record field the engine
 * sees is a JSON string in one canonical text form per type, or JSON null, so
 * "1000" and 1000.0 never look like a change. Writes take the same form and
 * the connector converts each value to what the target field's type needs.
 *
 * Change detection (R2) works from durable cursors: a scan returns every
 * record changed since (cursor - overlap window), page by page, together with
 * the cursor that covers what was returned so far; the engine stores that
 * cursor only after the records are durable, so a crash re-reads and never
 * skips.
 *
 * Writes are batched per API (HubSpot batch endpoints of <= 100 inputs,
 * Salesforce sObject Collections of <= 200, up to 5 of them in one /composite
 * call) and return one result per input:
 * ok with the record id, refused with an R9 category and the API's own
 * message (R4), or unknown when a create was sent but no answer came — the
 * engine reconciles those (look up by email on Salesforce, upsert by email on
 * HubSpot) and never retries them blindly.
 *
 * A connector is used by one thread at a time. */
#ifndef CS_CONNECTOR_CONNECTOR_H
#define CS_CONNECTOR_CONNECTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connector/schema.h"
#include "core/category.h"
#include "core/err.h"
#include "core/record.h"

typedef struct cs_connector cs_connector;

typedef enum cs_connector_kind {
    CS_CONNECTOR_HUBSPOT = 0,
    CS_CONNECTOR_SALESFORCE
} cs_connector_kind;

#define CS_CONNECTOR_DEFAULT_OVERLAP_MS 300000 /* R2: five minutes */
#define CS_CONNECTOR_CURSOR_MAX         128    /* bytes of a cursor's text, NUL included */
#define CS_CONNECTOR_ID_MAX             64     /* bytes of a record id, NUL included */
#define CS_CONNECTOR_MAX_FIELDS         500    /* fields one object may select */

/* ---- creating a connector ------------------------------------------------ */

/* Bearer token callbacks, with the same contract as the HTTP client's: token
 * returns a borrowed token (valid until the next call), refresh obtains a new
 * one after a 401 (Salesforce OAuth). */
typedef int (*cs_connector_token_fn)(void *ud, const char **token, cs_err *err);
typedef int (*cs_connector_refresh_fn)(void *ud, cs_err *err);

typedef struct cs_connector_options {
    /* HubSpot: "https://api.hubapi.com"; Salesforce: the instance URL. No
     * trailing slash needed. Required. */
    const char *base_url;
    const char *api_version; /* Salesforce: "60.0" (NULL: "60.0"); HubSpot: ignored */
    /* A static bearer token (copied), or callbacks; token wins when both. */
    const char *token;
    cs_connector_token_fn token_cb;
    cs_connector_refresh_fn refresh_cb;
    void *auth_ud;
    /* TLS: the CA file to trust instead of the system store (NULL: the system
     * store), and the names an untrusted certificate's error gives: the API
     * ("HubSpot") and the setting that fixes it ("hubspot.ca_file"). */
    const char *ca_file;
    const char *api_label;
    const char *ca_setting;
    int batch_size;  /* inputs per write call; 0 or more than the API allows: the API's maximum */
    int max_retries; /* HTTP retries per request; -1: the client's default */
    long attempt_timeout_ms; /* one exchange; 0: the client's default */
    long deadline_ms;        /* one request with its retries; 0: the client's default */
    int search_rate;         /* HubSpot: searches started per second at most; 0: unpaced */
} cs_connector_options;

/* Create connectors. No request is sent. Caller frees with cs_connector_free(). */
int cs_hubspot_connector_new(const cs_connector_options *opts, cs_connector **out, cs_err *err);
int cs_salesforce_connector_new(const cs_connector_options *opts, cs_connector **out, cs_err *err);
/* Accepts NULL. */
void cs_connector_free(cs_connector *c);

/* Asked before every API call the connector makes: a non-zero answer (with
 * err filled, e.g. CS_ERR_RATE_LIMIT) fails the call without sending it. The
 * engine uses it to keep a pass inside the Salesforce API budget (R6) call by
 * call, reads included. */
typedef int (*cs_connector_guard_fn)(void *ud, bool write, cs_err *err);
/* Sets (fn NULL: clears) the guard. */
void cs_connector_set_guard(cs_connector *c, cs_connector_guard_fn fn, void *ud);

/* The connector's HTTP client (borrowed), for settings that belong to the
 * process rather than to an API, such as the stop flag of
 * cs_http_client_set_stop(). */
struct cs_http_client *cs_connector_http(cs_connector *c);

cs_connector_kind cs_connector_get_kind(const cs_connector *c);
/* "hubspot" or "salesforce". */
const char *cs_connector_name(const cs_connector *c);
/* The largest number of inputs one write call sends: HubSpot one batch of
 * 100; Salesforce one /composite call of 5 sObject Collections of 200 (1,000).
 * A configured batch_size smaller than the API's batch or collection sizes
 * each group (and so the call: 5 x batch_size on Salesforce).
 * cs_connector_write() accepts more and splits them. */
size_t cs_connector_batch_max(const cs_connector *c);

/* ---- schemas ------------------------------------------------------------- */

/* The schema of an object ("contacts", "companies"; "Lead", "Contact",
 * "Account", "User"), fetched once (HubSpot GET /crm/v3/properties/{object},
 * Salesforce GET /sobjects/{object}/describe) and cached. *out is borrowed and
 * valid until cs_connector_free(). */
int cs_connector_describe(cs_connector *c, const char *object, const cs_object_schema **out,
                          cs_err *err);

/* Chooses which fields reads and scans of an object return (besides the id
 * and the modification times, always read). Names are checked against the
 * object's schema (fetched if needed): an unknown name is CS_ERR_CONFIG
 * naming it. Without a selection, an object reads every field of its schema
 * on Salesforce and HubSpot's default properties on HubSpot. */
int cs_connector_select_fields(cs_connector *c, const char *object, const char *const *names,
                               size_t count, cs_err *err);

/* ---- change detection (R2) ------------------------------------------------ */

typedef struct cs_change_scan cs_change_scan;

typedef struct cs_scan_options {
    const char *object; /* "contacts"; "Lead" or "Contact" */
    /* The stored cursor (a text this module defined), or NULL/"" for
     * "everything". A cursor of the other connector or a malformed one is
     * CS_ERR_INVALID_INPUT. */
    const char *cursor;
    int64_t overlap_ms; /* re-read window before the cursor; < 0: the default (5 min) */
    size_t page_size;   /* records per page; 0 or more than the API's page: the API's page */
    /* Also report deletions since the cursor as records with deleted = true
     * and no fields (Salesforce /sobjects/X/deleted; HubSpot archived records).
     * They come after every changed record. */
    bool include_deleted;
    /* Read every record, whatever the cursor (a first pass, --full): HubSpot
     * pages its object listing (GET, 100 a page, by id: no search index lag,
     * no 10,000 cap) instead of searching. The cursor stays as given until
     * the listing ends, then becomes the time the scan began, so a crash
     * reads in full again and the next scan reads what changed meanwhile.
     * Salesforce's scan with no cursor is already a full read. */
    bool full;
    /* A window: when window_to_ms > 0, the scan reads the records modified
     * in [window_from_ms, window_to_ms) instead (a copy newer than the window
     * may still come back), and no deletions; cursor and overlap are not
     * used. Salesforce compares whole seconds: give it whole seconds. */
    int64_t window_from_ms;
    int64_t window_to_ms;
} cs_scan_options;

/* Starts a scan. Sends no request yet. Caller frees with cs_change_scan_free();
 * the scan borrows c, which must outlive it. */
int cs_connector_scan_begin(cs_connector *c, const cs_scan_options *opts, cs_change_scan **out,
                            cs_err *err);
/* Appends the next page of changed records (oldest first, values normalised)
 * to out and sets *done when nothing is left. A record changed while the scan
 * runs may come back again later in the same scan (the later copy is newer).
 * On failure nothing is appended and the scan may be retried or freed. */
int cs_change_scan_next(cs_change_scan *s, cs_record_list *out, bool *done, cs_err *err);
/* The cursor covering every record returned so far (the latest modification
 * time seen; for Salesforce also how far deletions were read). Store it once
 * those records are durable. Borrowed; valid until the next call on s. */
const char *cs_change_scan_cursor(const cs_change_scan *s);
/* Records returned so far. */
size_t cs_change_scan_count(const cs_change_scan *s);
void cs_change_scan_free(cs_change_scan *s);

/* Convenience: runs a whole scan, appending every record to out, and copies
 * the final cursor into cursor_out. */
int cs_connector_changes(cs_connector *c, const cs_scan_options *opts, cs_record_list *out,
                         char cursor_out[CS_CONNECTOR_CURSOR_MAX], cs_err *err);

/* How many records of object the API shows modified in [from_ms, to_ms)
 * (whole seconds for Salesforce): one call, HubSpot search with limit 1 reading `total`
 * (so as the search index shows them), Salesforce SELECT COUNT() on
 * SystemModstamp. Deleted records are not counted. */
int cs_connector_count_modified(cs_connector *c, const char *object, int64_t from_ms, int64_t to_ms,
                                int64_t *n, cs_err *err);

/* The modification time a cursor stands for (epoch ms), or -1 for the empty
 * cursor. For tests, logs and `crmsync status`. */
int cs_connector_cursor_time(const char *cursor, int64_t *ms, cs_err *err);

/* ---- reads --------------------------------------------------------------- */

/* Reads records by id (HubSpot batch/read of <= 100; Salesforce SOQL Id IN
 * (...) in chunks that keep the URL short) and appends the ones that exist
 * to out. Missing ids are simply absent (C16: never treat missing as deleted). */
int cs_connector_read(cs_connector *c, const char *object, const char *const *ids, size_t count,
                      cs_record_list *out, cs_err *err);

/* Finds records by email (the C5 dedup key; compared trimmed and
 * case-insensitively) and appends them to out. HubSpot: object "contacts",
 * batch/read with idProperty email. Salesforce: object "Lead", "Contact", or
 * NULL for both in C5's order: for each email, Contacts before Leads, and
 * within each the most recently modified first (converted Leads are left out).
 * Emails without a usable key are skipped. */
int cs_connector_find_by_email(cs_connector *c, const char *object, const char *const *emails,
                               size_t count, cs_record_list *out, cs_err *err);

/* Salesforce only: every record of object ("Lead", "Contact") that has an
 * email, handed to fn as (id, email) in no particular order (converted Leads
 * left out, as find_by_email leaves them out). One listing of two fields,
 * 2,000 records a call: what a first pass matches by email locally (C5)
 * instead of looking emails up. fn returns 0, or -1 with err set to stop. */
typedef int (*cs_email_index_fn)(void *ud, const char *id, const char *email, cs_err *err);
int cs_connector_email_index(cs_connector *c, const char *object, cs_email_index_fn fn, void *ud,
                             cs_err *err);

/* The users records can be owned by (C17), appended to out as records of type
 * "User" (Salesforce: SELECT Id, Email, IsActive FROM User) or "owners"
 * (HubSpot GET /crm/v3/owners), each with the fields "email" (lower-cased)
 * and "active" ("true"/"false") and "name". */
int cs_connector_users(cs_connector *c, cs_record_list *out, cs_err *err);

/* HubSpot only (C2, C4): the ids of the records in a list, appended to *ids
 * (a JSON array of strings; created when *ids is NULL; caller decrefs). */
int cs_connector_list_members(cs_connector *c, const char *list_id, json_t **ids, cs_err *err);

/* Salesforce only (C12): the campaigns each Lead or Contact is a member of.
 * *out becomes a JSON object record id -> ";"-joined sorted Campaign ids, for
 * every id asked (an id with no campaign maps to null). Caller decrefs. */
int cs_connector_campaigns(cs_connector *c, const char *const *ids, size_t count, json_t **out,
                           cs_err *err);

/* ---- writes (R4, R9) ----------------------------------------------------- */

typedef enum cs_write_kind {
    CS_WRITE_CREATE = 0,
    CS_WRITE_UPDATE,
    /* HubSpot only: batch/upsert with idProperty email, the idempotent create
     * used after an unknown outcome. Each input's fields must hold "email". */
    CS_WRITE_UPSERT_EMAIL,
    CS_WRITE_DELETE
} cs_write_kind;

typedef struct cs_write_input {
    const char *id;       /* UPDATE, DELETE: the record; CREATE, UPSERT: ignored */
    const json_t *fields; /* CREATE, UPDATE, UPSERT: field -> normalised text or null (borrowed) */
} cs_write_input;

typedef enum cs_write_status {
    CS_WRITE_OK = 0,
    CS_WRITE_REFUSED, /* the API refused this record; category and message say why */
    CS_WRITE_UNKNOWN, /* a create was sent and no answer came: reconcile, never resend */
    CS_WRITE_NOT_SENT /* not applied because the call failed before or without effect */
} cs_write_status;

#define CS_WRITE_CODE_MAX    64
#define CS_WRITE_FIELDS_MAX  256
#define CS_WRITE_MESSAGE_MAX 512

typedef struct cs_write_result {
    cs_write_status status;
    char id[CS_CONNECTOR_ID_MAX]; /* OK: the record's id */
    bool created;                 /* OK: a record was created by this write */
    /* OK on CREATE: the record already existed with this email (HubSpot 409
     * "Contact already exists"); id names it and nothing was written — the
     * engine links to it instead (C5). */
    bool existing;
    cs_category category;               /* REFUSED, NOT_SENT */
    char code[CS_WRITE_CODE_MAX];       /* the API's code: "INVALID_EMAIL_ADDRESS", "CONFLICT" */
    char fields[CS_WRITE_FIELDS_MAX];   /* fields the API named, comma-separated */
    char message[CS_WRITE_MESSAGE_MAX]; /* the API's own message (R4) */
} cs_write_result;

/* Writes count inputs to object and fills results[0..count) in input order
 * (results are cleared first, so no input may point into them).
 * Values are converted from the normalised form to each field's type first
 * (a value that cannot be converted refuses that record with
 * property_values). Calls go out in batches of cs_connector_batch_max().
 * Returns 0 when every call was answered (some records may still be
 * refused). Returns -1 when the API failed as a whole (authentication, API
 * limits, network): err says why, and results still say what happened to
 * each input — OK for batches that landed before, UNKNOWN for creates whose
 * call may have been applied, NOT_SENT for the rest.
 *
 * HubSpot: hs_email_optout is never written as a property (it is read-only
 * there): "true" unsubscribes the contact's email from every subscription
 * (C10), "false" is ignored (opt-out is sticky in HubSpot). */
int cs_connector_write(cs_connector *c, const char *object, cs_write_kind kind,
                       const cs_write_input *inputs, size_t count, cs_write_result *results,
                       cs_err *err);

/* ---- associations (A2) ---------------------------------------------------- */

/* Salesforce, A1 and C16: the records of child_object whose lookup field
 * names each id (an Account's Contacts: Contact, AccountId). *out becomes a
 * JSON object id -> array of child ids. Caller decrefs. */
int cs_connector_children(cs_connector *c, const char *child_object, const char *field,
                          const char *const *ids, size_t count, json_t **out, cs_err *err);

/* The record of to_object each record of from_object is associated with
 * (HubSpot: v4 associations contacts -> companies; Salesforce: the lookup
 * field, e.g. Contact.AccountId). *out becomes a JSON object id -> array of
 * ids; on HubSpot a primary association (label "Primary") comes first.
 * Caller decrefs. */
int cs_connector_assoc_read(cs_connector *c, const char *from_object, const char *to_object,
                            const char *const *ids, size_t count, json_t **out, cs_err *err);

/* A2: the primary association of each record of from_object (HubSpot: the
 * one labelled "Primary"). *out becomes a JSON object id -> id, or null when
 * the record has none — also when it has other, unlabelled associations.
 * Caller decrefs. */
int cs_connector_assoc_primary(cs_connector *c, const char *from_object, const char *to_object,
                               const char *const *ids, size_t count, json_t **out, cs_err *err);

typedef struct cs_assoc_input {
    const char *from_id;
    const char *to_id;
    /* HubSpot: a HUBSPOT_DEFINED association type to create (1: a contact's
     * primary company, A2); 0: the default association. Salesforce: unused. */
    int type_id;
    /* HubSpot: remove every association between the two records instead
     * (A2: a cleared parent). One call takes only removals or only adds. */
    bool remove;
} cs_assoc_input;

/* Associates each pair (HubSpot: default association type; Salesforce: sets
 * the lookup field). One result per input, as cs_connector_write(); refusals
 * have the associations category. */
int cs_connector_assoc_write(cs_connector *c, const char *from_object, const char *to_object,
                             const cs_assoc_input *inputs, size_t count, cs_write_result *results,
                             cs_err *err);

/* ---- Salesforce Bulk API 2.0 (salesforce_bulk*.c) ----------------------------------- */

/* Full reads of an object (a scan without a cursor, the email index) that
 * hold more than threshold records, by one SELECT COUNT() (or what the
 * email index of the object already counted), go through a Bulk API 2.0
 * query job, its CSV paged by locator, instead of REST query pages. The
 * records are the same as the REST path's, value for value. 0 (the
 * default): never. HubSpot: ignored. */
void cs_connector_set_bulk_threshold(cs_connector *c, size_t threshold);

/* Told about every ingest job, so that its id is durable while its outcome
 * is not known: with open true right after the job is created (before any
 * record is uploaded: a non-zero answer aborts the job and fails the
 * write), with open false once its results are read or it is settled.
 * fn returns 0, or -1 with err set. */
typedef int (*cs_bulk_job_fn)(void *ud, const char *job_id, bool open, cs_err *err);
void cs_connector_set_bulk_journal(cs_connector *c, cs_bulk_job_fn fn, void *ud);

/* Salesforce only: cs_connector_write() (same contract) through one Bulk
 * API 2.0 ingest job (CREATE: insert, UPDATE: update): create the job,
 * upload the CSV, close it, poll with backoff until it ends, then read its
 * successfulResults, failedResults and unprocessedrecords. A failed record
 * is REFUSED with the R9 category of its sf__Error code; an unprocessed one
 * is NOT_SENT with why. A create whose job's end is not known (the polls
 * failed, the process stops) is UNKNOWN only after the job was aborted and
 * seen to end, so a lookup by email finds everything it made; when that
 * cannot be seen the call fails with the job id kept by the journal. */
int cs_connector_write_bulk(cs_connector *c, const char *object, cs_write_kind kind,
                            const cs_write_input *inputs, size_t count, cs_write_result *results,
                            cs_err *err);

/* Salesforce only: settles an ingest job a former process left (its id from
 * the journal): aborts it unless it has ended, and waits until it has. 0
 * when it is over or unknown to Salesforce (deleted); -1 when that could
 * not be seen (err). */
int cs_connector_bulk_settle(cs_connector *c, const char *job_id, cs_err *err);

/* ---- API usage (R6) --------------------------------------------------------- */

typedef struct cs_connector_usage {
    uint64_t calls;           /* requests sent, retries included */
    uint64_t retries;         /* of which were retries */
    uint64_t read_calls;      /* logical API calls that read (schema, scans, reads, lookups) */
    uint64_t write_calls;     /* logical API calls that wrote */
    uint64_t records_written; /* inputs sent in write calls */
    /* What the API reported; -1 when it never did. Salesforce: api-usage of
     * Sforce-Limit-Info. HubSpot: the daily limit headers. */
    int64_t daily_used;
    int64_t daily_max;
    int64_t burst_remaining; /* HubSpot: rolling 10-second window; Salesforce: api-bursts left */
} cs_connector_usage;

void cs_connector_get_usage(const cs_connector *c, cs_connector_usage *out);

#endif
